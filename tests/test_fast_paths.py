"""The model's fast paths give exactly the answers of the plain computations they replace.

Each fast path exists for speed at a million residents (``benchmarks/RESULTS.md``); these
tests hold it to the slow definition on random inputs, so a change that makes it faster
and wrong fails here, not in a planner's numbers.
"""

import numpy as np
import pytest
from conftest import small
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.world.care import _BLOCK, _search_blocked, readable_elsewhere
from sim.world.model import HealthDataModel
from sim.world.records import NEVER


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 5 * _BLOCK + 3), seed=st.integers(0, 2**32 - 1),
       zero_share=st.floats(0.0, 0.9))
def test_blocked_search_equals_searchsorted(n, seed, zero_share):
    rng = np.random.default_rng(seed)
    rates = rng.gamma(0.5, 1.0, n) * (rng.random(n) >= zero_share)  # repeated cum values
    rates[-1] += 1e-3  # a positive total
    cum = np.cumsum(rates)
    keys = np.sort(np.concatenate([[0.0], cum[:-1], rng.random(500) * cum[-1]]))
    keys = keys[keys < cum[-1]]
    want = np.searchsorted(cum, keys, side="right")
    got = _search_blocked(cum, cum[_BLOCK - 1::_BLOCK].copy(), keys)
    np.testing.assert_array_equal(got, want)


def brute_elsewhere(last_visit, prov, res):
    """max over q != prov[i] of last_visit[q, res[i]], by masking the table."""
    t = last_visit[:, res].astype(np.int64)
    t[prov, np.arange(len(res))] = NEVER
    return t.max(axis=0) if len(last_visit) > 1 else np.full(len(res), NEVER)


def plan_model(n_days=40):
    return HealthDataModel("national_plan_2025", seed=4, **small(n_days=n_days))


def test_last_elsewhere_tracks_the_table_through_a_run():
    m = plan_model()
    rec = m.records
    n_prov, n = rec.last_visit.shape
    everyone = np.arange(n)
    for p in (0, n_prov // 2, n_prov - 1):  # started from the table at day 0 ...
        provs = np.full(n, p)
        np.testing.assert_array_equal(rec.last_elsewhere(provs, everyone),
                                      brute_elsewhere(rec.last_visit, provs, everyone))
    m.run()  # ... then kept by record() through 40 days of encounters
    rng = np.random.default_rng(0)
    provs = rng.integers(0, n_prov, n)
    np.testing.assert_array_equal(rec.last_elsewhere(provs, everyone),
                                  brute_elsewhere(rec.last_visit, provs, everyone))


def test_last_elsewhere_with_several_encounters_of_one_resident_in_a_day():
    m = plan_model(n_days=3)
    rec = m.records
    rec.last_elsewhere(np.array([0]), np.array([0]))  # start the per-resident arrays
    m.day = 500  # later than any record
    # resident 7 at two providers, resident 8 twice at one, resident 9 once
    rec.record(np.array([3, 5, 2, 2, 4]), np.array([7, 7, 8, 8, 9]))
    res = np.repeat([7, 8, 9], len(rec.last_visit))
    provs = np.tile(np.arange(len(rec.last_visit)), 3)
    np.testing.assert_array_equal(rec.last_elsewhere(provs, res),
                                  brute_elsewhere(rec.last_visit, provs, res))
    assert rec.last_elsewhere(np.array([3, 5]), np.array([7, 7])).tolist() == [500, 500]


def reference_readable(rec, reach, prov, res, thr, same_node_elsewhere):
    """The plain definition: the whole last-visit table, masked by reach."""
    held = rec.last_visit[:, res] >= thr
    held[prov, np.arange(len(res))] = same_node_elsewhere
    return (held & reach[:, prov]).any(axis=0)


@pytest.mark.parametrize("shape", ["none", "all", "some_rows", "random"])
def test_readable_elsewhere_equals_the_table(shape):
    m = plan_model()
    m.run()
    rec = m.records
    n_prov, n = rec.last_visit.shape
    rng = np.random.default_rng(len(shape))
    reach = {"none": np.zeros((n_prov, n_prov), bool),
             "all": np.ones((n_prov, n_prov), bool),
             "some_rows": np.zeros((n_prov, n_prov), bool),
             "random": rng.random((n_prov, n_prov)) < 0.3}[shape]
    if shape == "some_rows":
        reach[rng.choice(n_prov, n_prov // 3, replace=False)] = True
    k = 3000
    prov, res = rng.integers(0, n_prov, k), rng.integers(0, n, k)
    same = rng.random(k) < 0.2
    thr = m.day - 200
    want = reference_readable(rec, reach, prov, res, thr, same)
    got = readable_elsewhere(rec, reach, prov, res, thr, same)
    np.testing.assert_array_equal(got, want)
    assert 0 < want.sum() < k or shape == "none"


def test_trust_shock_decay_is_the_formula_on_any_day():
    m = plan_model(n_days=3)
    b, pop = m.behaviour, m.pop
    rng = np.random.default_rng(2)
    idx = rng.choice(pop.n, 50, replace=False)
    for day in (0, 1, 7, 400, 3000):  # the table of powers grows with the day
        m.day = day
        pop.shock[idx] = rng.random(50).astype(pop.shock.dtype)
        pop.shock_day[idx] = rng.integers(0, day + 1, 50)
        want = pop.shock * b.decay_per_day ** (day - pop.shock_day)
        np.testing.assert_array_equal(b.current_shock(), want)
        np.testing.assert_array_equal(b.current_shock(idx), want[idx])


@pytest.mark.parametrize("retention_days", [30, 365 * 3])
def test_episodes_purged_day_by_day_equal_a_fresh_recount(retention_days):
    """The retained-episode masks, moved a day at a time, equal those computed from scratch."""
    m = HealthDataModel("national_plan_2025", seed=6,
                        **small(n_days=3, retention_days=retention_days))
    rec = m.records
    purged = 0
    for day in range(0, 400, 3):
        m.day = day
        kept = rec._retained_episodes().copy()
        fresh = HealthDataModel("national_plan_2025", seed=6,
                                **small(n_days=3, retention_days=retention_days)).records
        fresh.model.day = day
        np.testing.assert_array_equal(kept, fresh._retained_episodes())
        purged = max(purged, int((kept != kept.max()).sum()))
    assert purged > 0  # some episodes did fall off the horizon


def test_the_two_level_search_in_the_model_gives_the_same_run(monkeypatch):
    """Below a million residents the model uses searchsorted; forced, the blocked search."""
    import sim.world.care

    plain = HealthDataModel("status_quo", seed=8, **small(n_days=30))
    plain.run()
    monkeypatch.setattr(sim.world.care, "_TWO_LEVEL", 1)
    blocked = HealthDataModel("status_quo", seed=8, **small(n_days=30))
    assert blocked.care._coarse is not None and plain.care._coarse is None
    blocked.run()
    assert blocked.summary() == pytest.approx(plain.summary(), nan_ok=True, rel=0, abs=0)


def test_readable_providers_follow_the_reach_through_outages():
    m = HealthDataModel("national_plan_2025", seed=2,
                        **small(n_days=120, architecture="regional"))
    kinds = set()
    for _ in range(120):
        m.step()
        reach = m.threats.reach_matrix()
        readable, everyone = m.threats.readable_providers()
        np.testing.assert_array_equal(readable, np.flatnonzero(reach.any(axis=1)))
        assert everyone == bool(reach.all())
        kinds.add((len(readable) == len(reach), everyone))
    assert (True, False) in kinds  # regional: everyone readable by someone, not by all


def test_last_elsewhere_started_mid_run_then_kept():
    # regional: no day has every provider reading every other, so the model never asks
    m = HealthDataModel("national_plan_2025", seed=4,
                        **small(n_days=60, architecture="regional"))
    for _ in range(20):
        m.step()
    rec = m.records
    assert rec._top_provider is None  # started here, from 20 days of records
    n_prov, n = rec.last_visit.shape
    everyone = np.arange(n)
    provs = np.random.default_rng(1).integers(0, n_prov, n)
    np.testing.assert_array_equal(rec.last_elsewhere(provs, everyone),
                                  brute_elsewhere(rec.last_visit, provs, everyone))
    for _ in range(40):
        m.step()
    np.testing.assert_array_equal(rec.last_elsewhere(provs, everyone),
                                  brute_elsewhere(rec.last_visit, provs, everyone))


def test_trust_shock_with_the_clock_moved_back_is_still_the_formula():
    m = plan_model(n_days=3)
    b, pop = m.behaviour, m.pop
    m.day = 12
    b.notify(np.array([3, 4]))
    m.day = 10
    want = pop.shock * b.decay_per_day ** (10 - pop.shock_day)
    np.testing.assert_array_equal(b.current_shock(), want)


# ------------------------------------------------------------- compiled kernels
def plain_histogram(table, lo, width):
    hist = np.stack([np.bincount(row[row != NEVER].astype(np.int64) - lo, minlength=width)
                     for row in table]) if len(table) else np.zeros((0, width), np.int64)
    return hist, np.count_nonzero(table != NEVER, axis=1)


def random_visits(rng, n_prov, n, lo):
    """A visit table of ``n`` residents over ``n_prov`` nodes in three tiers, home visits
    filled at random (as ``care.initial_history`` does)."""
    from sim.world.records import VisitTable

    tier = np.arange(n_prov) % 3
    home = np.stack([rng.choice(np.flatnonzero(tier == t), n) for t in range(3)], axis=1)
    v = VisitTable(home, tier, n_prov)
    v.home_last[:] = np.where(rng.random((n, 3)) < 0.6, rng.integers(lo, 0, (n, 3)), NEVER)
    return v


@settings(max_examples=60, deadline=None)
@given(n_prov=st.integers(3, 9), n=st.integers(1, 40), seed=st.integers(0, 2**32 - 1),
       n_writes=st.integers(0, 60), below_col=st.integers(0, 30))
def test_the_visit_table_is_the_plain_table_through_days_of_writes(n_prov, n, seed, n_writes,
                                                                   below_col):
    """Random home nodes and histories, three days of writes at home and away (pairs
    repeated within a day): every read of the visit table, and the kept histograms, equal
    the plain (providers, residents) table written by fancy indexing."""
    from sim.world.kernels import home_histograms, record_visits
    from sim.world.records import top_two_plain

    rng = np.random.default_rng(seed)
    lo, width = -21, 40
    v = random_visits(rng, n_prov, n, lo + 1)
    plain = v.dense()
    hist, seen = home_histograms(v.home, v.home_last, n_prov, NEVER, lo, width)
    want_hist, want_seen = plain_histogram(plain, lo, width)
    np.testing.assert_array_equal(hist, want_hist)
    np.testing.assert_array_equal(seen, want_seen)
    below = hist[:, :below_col].sum(axis=1).astype(np.int64)
    group = rng.integers(0, 3, n_prov)
    last_any = plain.max(axis=0)
    by_group = np.full((3, n), NEVER, dtype=np.int16)
    for day in (1, 2, 5):
        rows = rng.integers(0, n_prov, n_writes)
        cols = rng.integers(0, n, n_writes)
        rows, cols = np.concatenate([rows, rows[:5]]), np.concatenate([cols, cols[:5]])
        want_prior = plain[rows, cols]
        plain[rows, cols] = day
        want_any, want_by_group = last_any.copy(), by_group.copy()
        want_any[cols] = day
        want_by_group[group[rows], cols] = day
        v.reserve(len(rows))
        prior = record_visits(v.home, v.home_last, v.tier, v.r_head, v.q_head, v.e_q, v.e_r,
                              v.e_day, v.e_next_r, v.e_next_q, v.n_entries, hist, seen, below,
                              below_col, rows, cols, day, NEVER, lo, last_any, by_group, group)
        np.testing.assert_array_equal(prior, want_prior)
        np.testing.assert_array_equal(v.dense(), plain)
        np.testing.assert_array_equal(last_any, want_any)
        np.testing.assert_array_equal(by_group, want_by_group)
        want_hist, want_seen = plain_histogram(plain, lo, width)
        np.testing.assert_array_equal(hist, want_hist)
        np.testing.assert_array_equal(seen, want_seen)
        np.testing.assert_array_equal(below, want_hist[:, :below_col].sum(axis=1))
    # reads: cells, rows, a resident's latest node and latest elsewhere
    q, r = rng.integers(0, n_prov, 50), rng.integers(0, n, 50)
    np.testing.assert_array_equal(v.days(q, r), plain[q, r])
    for thr in (lo, -5, 2, 6):
        some = rng.choice(n_prov, rng.integers(1, n_prov + 1), replace=False)
        np.testing.assert_array_equal(v.rows_at_least(some, thr),
                                      (plain[some] >= thr).any(axis=0))
        for q1 in range(n_prov):
            got = v.residents_at_least(q1, thr)
            assert got.dtype == np.int64
            np.testing.assert_array_equal(got, np.flatnonzero(plain[q1] >= thr))
    v_top, v_second = visit_top_two(v)
    want_top, want_second = top_two_plain(plain)
    np.testing.assert_array_equal(v_second, want_second)
    np.testing.assert_array_equal(v_top, want_top)


def visit_top_two(v):
    """The kernel ``Records._start_top_two`` calls, on a bare visit table."""
    from sim.world.kernels import top_two

    return top_two(v.home, v.home_last, v.r_head, v.e_q, v.e_day, v.e_next_r, NEVER)


def test_the_compiled_kernels_equal_their_python():
    """The machine code and the Python it was compiled from agree (NUMBA_DISABLE_JIT)."""
    from sim.world.kernels import home_histograms, top_two

    rng = np.random.default_rng(3)
    v = random_visits(rng, 7, 300, -50)
    v.reserve(10)
    args = (v.home, v.home_last, 7, NEVER, -51, 70)
    for a, b in zip(home_histograms(*args), home_histograms.py_func(*args), strict=True):
        np.testing.assert_array_equal(a, b)
    args = (v.home, v.home_last, v.r_head, v.e_q, v.e_day, v.e_next_r, NEVER)
    for a, b in zip(top_two(*args), top_two.py_func(*args), strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("retention_days", [0, 10, 3650])
def test_store_counts_equal_a_count_of_the_table_through_a_run(retention_days):
    """Every epoch's provider counts, and any threshold asked in between, are the count of
    the last-visit table itself (the old row-by-row count)."""
    m = HealthDataModel("national_plan_2025", seed=4,
                        **small(n_days=30, retention_days=retention_days))
    rec = m.records
    rng = np.random.default_rng(1)
    for _ in range(30):
        m.step()
        thrs = [rec.retention_threshold(), int(NEVER) + 1,
                int(rng.integers(-400, m.day + 2))]
        for thr in thrs:
            np.testing.assert_array_equal(
                rec._provider_counts(thr), np.count_nonzero(rec.last_visit >= thr, axis=1))


@pytest.mark.parametrize("scenario", ["status_quo", "national_plan_2025", "minimal_collection"])
def test_held_lists_equal_the_held_masks_through_a_run(scenario):
    """Every store's list of residents, read from its node's own residents, is the
    resident mask's ``flatnonzero``, every few days of a run (members, participation and
    retention filters included)."""
    m = HealthDataModel(scenario, seed=3, **small(n_days=40, retention_days=20))
    rec = m.records
    providers = 0
    for day in range(40):
        m.step()
        if day % 6 == 0:
            for st_ in m.stores:
                providers += st_.scope == "provider"
                np.testing.assert_array_equal(rec.held_list(st_),
                                              np.flatnonzero(rec.held_mask(st_)))
    assert providers


def test_import_sim_does_not_import_numba():
    """Numba (~0.3 s to import) is loaded by the first kernel call, not by ``import sim``."""
    import subprocess
    import sys

    code = "import sys, sim; print('numba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


@settings(max_examples=60, deadline=None)
@given(n=st.integers(0, 300), n_fields=st.integers(1, 62), seed=st.integers(0, 2**32 - 1))
def test_field_counts_by_type_equal_the_unpacked_table(n, n_fields, seed):
    from sim.fields import CATALOGUE
    from sim.world.kernels import count_bits_by_type

    rng = np.random.default_rng(seed)
    masks = rng.integers(0, 2**n_fields, n, dtype=np.int64)
    etype = rng.integers(0, 4, n).astype(np.int64)
    counts = rng.integers(0, 5, (4, n_fields)).astype(np.int64)  # added to, not replaced
    want = counts.copy()
    bits = ((masks.astype(np.uint64)[:, None] >> np.arange(n_fields, dtype=np.uint64))
            & np.uint64(1)).astype(bool)
    for t in range(4):
        want[t] += bits[etype == t].sum(axis=0)
    count_bits_by_type(etype, masks, counts)
    np.testing.assert_array_equal(counts, want)
    if n_fields == len(CATALOGUE.fields):  # the catalogue's own unpack is the same table
        np.testing.assert_array_equal(CATALOGUE.unpack(masks), bits)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(0, 300), seed=st.integers(0, 2**32 - 1))
def test_mask_values_equal_the_byte_table_lookups_to_the_last_bit(n, seed):
    from sim.world.care import _byte_tables

    m = plan_model(n_days=1)
    rng = np.random.default_rng(seed)
    n_fields = len(m.catalogue.fields)
    masks = rng.integers(0, 2**n_fields, n, dtype=np.int64)
    etype = rng.integers(0, m.care.clinical_values.shape[0], n).astype(np.int8)
    t = _byte_tables(m.care.clinical_values)
    want = t[etype, 0, masks & 255]
    for b in range(1, t.shape[1]):
        want = want + t[etype, b, (masks >> (8 * b)) & 255]
    got = m.care.mask_value(masks, etype)
    assert got.tobytes() == want.tobytes()  # the same additions in the same order
    bits = m.catalogue.unpack(masks)
    np.testing.assert_allclose(got, (bits * m.care.clinical_values[etype]).sum(axis=1),
                               rtol=1e-12, atol=1e-12)


def test_kernel_outputs_carry_numpys_own_dtype():
    """NumPy's ufunc.at fast path needs the canonical dtype object (Numba's is a copy)."""
    from sim.world.kernels import byte_table_sums, home_histograms

    out = byte_table_sums(np.ones((1, 1, 256)), np.arange(5, dtype=np.int64),
                          np.zeros(5, dtype=np.int64))
    assert out.dtype is np.dtype(np.float64)
    hist, seen = home_histograms(np.zeros((2, 3), dtype=np.int64),
                                 np.zeros((2, 3), dtype=np.int16), 1, NEVER, -1, 3)
    assert hist.dtype is np.dtype(np.int32) and seen.dtype is np.dtype(np.int64)


@settings(max_examples=30, deadline=None)
@given(batches=st.lists(st.lists(st.integers(0, 199), max_size=30), max_size=8))
def test_shocked_residents_are_the_sorted_union_of_every_notification(batches):
    m = HealthDataModel(seed=1, **small(n_residents=200, n_days=5))
    b = m.behaviour
    want = np.zeros(0, dtype=np.int64)
    for i, batch in enumerate(batches):
        idx = np.array(batch, dtype=np.int64)
        b._shocked.append(idx)
        want = np.union1d(want, idx)
        if i % 2:  # asked on some days only: several batches between two asks
            np.testing.assert_array_equal(b.shocked_residents(), want)
    np.testing.assert_array_equal(b.shocked_residents(), want)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(0, 400), seed=st.integers(0, 2**32 - 1))
def test_group_sums_equal_the_plain_sums_to_the_last_bit(n, seed):
    """Random encounters (repeated residents included), added twice: the compiled pass and
    the NumPy definition leave every total the same, bit for bit."""
    fast = HealthDataModel(seed=2, **small(n_residents=300, n_days=3)).groups
    plain = HealthDataModel(seed=2, **small(n_residents=300, n_days=3)).groups
    rng = np.random.default_rng(seed)
    for _ in range(2):
        res = rng.integers(0, 300, n)
        away = rng.random(n) < 0.2
        need = rng.gamma(1.0, 2.0, n)
        got = need * rng.random(n)
        fast.add_encounters(res, away, need, got)
        plain.add_encounters_plain(res, away, need, got)
    assert fast.need_r.tobytes() == plain.need_r.tobytes()
    assert fast.got_r.tobytes() == plain.got_r.tobytes()
    for dim in plain.labels:
        assert fast.need[dim].tobytes() == plain.need[dim].tobytes(), dim
        assert fast.got[dim].tobytes() == plain.got[dim].tobytes(), dim


def test_a_kernel_compiles_without_the_disk_cache_where_none_is_writable(monkeypatch):
    """A read-only install (no cache folder Numba can write) still runs, uncached."""
    import numba

    from sim.world import kernels
    real = numba.njit
    asked = []

    def njit(*args, **kw):
        asked.append(kw.get("cache", False))
        if kw.get("cache"):
            raise RuntimeError("cannot cache function 'f': no locator available for file")
        return real(*args, **kw)

    monkeypatch.setattr(numba, "njit", njit)
    f = kernels.compiled(lambda x: x + 1)
    assert f(np.arange(3)).tolist() == [1, 2, 3]
    assert asked[:2] == [True, False]  # (numba then calls njit for its own helpers)


# ----------------------------------------------------------- the attack template
def _attack_batches(m):
    """The plan's batches that decide in one compiled pass: (class, cohort, owner, u)."""
    from sim.world.attackers.base import runs_compiled
    from sim.world.attackers.external import ExternalGroup
    from sim.world.attackers.insiders import Insider
    from sim.world.attackers.other import LostOrStolenMedia

    fast = ((ExternalGroup, ExternalGroup.COMPILED_VERBS), (Insider, Insider.COMPILED_VERBS),
            (LostOrStolenMedia, LostOrStolenMedia.DECIDED_VERBS))
    out = []
    for cls, cohort, _starts, owner, u in m._attack_plan:
        for owner_cls, verbs in fast:
            if issubclass(cls, owner_cls) and runs_compiled(cls, owner_cls, verbs):
                out.append((cls, cohort, owner, u))
    return out


def _attack_state(m):
    """What deciding changes: beliefs and counters, success tables, the day's incidents
    (as bytes; agents by id) and outages."""
    out = []
    for _cls, cohort, _owner, _u in _attack_batches(m):
        out.append(cohort.state.tobytes())
        if "succ" in cohort._traits:
            out.append(cohort._traits["succ"].tobytes())
    for part in m.ledger._today:
        for x in part:
            if isinstance(x, np.ndarray):
                out.append((x.dtype.str, x.tobytes()) if x.dtype != object else x.tolist())
            else:
                out.append([None if a is None else getattr(a, "unique_id", a) for a in x])
    out.append(m.threats.down_counts.tobytes())
    out.append(sorted((k, sorted(v)) for k, v in m.threats._outage_ends.items()))
    return out


_ATTACK_MODEL = {}


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), down_share=st.floats(0.0, 0.6),
       targeted_share=st.floats(0.0, 1.0), scale=st.floats(0.05, 20.0))
def test_the_compiled_attack_template_equals_its_verbs(seed, down_share, targeted_share, scale):
    """``external_decisions`` and ``insider_decisions`` (and the accidents' short cut) do
    what the template's array verbs do, to the last bit: counters and beliefs, success
    tables, the incidents recorded and the outages started. On random beliefs, public
    records, targeting and outages, with every opportunity of the run decided as one day
    (many rows per attacker)."""
    import copy

    from sim.world.attackers.base import Attacker, Opportunities

    base = _ATTACK_MODEL.get("m")
    if base is None:
        base = _ATTACK_MODEL["m"] = HealthDataModel("national_plan_2025", seed=2,
                                                    **small(n_days=60))
        for _ in range(8):
            base.step()
    rng = np.random.default_rng(seed)
    m = copy.deepcopy(base)
    batches = _attack_batches(m)
    assert {c.family for c, *_ in batches} == {"external", "insider", "accident"}
    m.threats.up[:] = rng.random(len(m.threats.up)) >= down_share
    for cls, cohort, _owner, _u in batches:
        n = len(cohort.agents)
        st_ = cohort.state
        st_[:, :4] = rng.gamma(0.7, 4.0, (n, 4)) + 1e-3
        cohort.public[:] = rng.integers(0, 40, 2).tolist()
        st_[:, 4:6] = rng.integers(0, 5, (n, 2))
        m.ledger.public_record[cls.family][:] = cohort.public
        cohort.peer_weight = float(rng.random())
        if "succ" in cohort._traits or hasattr(cls, "_succ"):
            succ = cls._succ(cohort)
            succ[:] = rng.gamma(0.7, scale, succ.shape) + 1e-3
            cohort._traits["targeted"] = rng.random(n) < targeted_share
    twin = copy.deepcopy(m)
    for (cls, cohort, owner, u), (_, cohort2, owner2, u2) in zip(
            batches, _attack_batches(twin), strict=True):
        cls.act(Opportunities(m, cohort, owner, u))
        Attacker.act.__func__(cls, Opportunities(twin, cohort2, owner2, u2))
    assert _attack_state(m) == _attack_state(twin)
    assert m.ledger._today, "nothing was attempted: the test would hold whatever the code does"


def test_the_compiled_attack_template_gives_the_same_runs(monkeypatch):
    """Whole runs with the compiled template and with the verbs, one by one, are equal."""
    import sim.world.attackers.external
    import sim.world.attackers.insiders
    import sim.world.attackers.other
    import sim.world.kernels

    fast = HealthDataModel("national_plan_2025", seed=6, **small(n_days=120))
    fast.run()
    assert _attack_batches(fast)

    def unused(*args):
        raise AssertionError("the compiled template ran")

    attackers = sim.world.attackers
    for module in (attackers.external, attackers.insiders, attackers.other):
        monkeypatch.setattr(module, "runs_compiled", lambda *args: False)
    monkeypatch.setattr(sim.world.kernels, "external_decisions", unused)
    monkeypatch.setattr(sim.world.kernels, "insider_decisions", unused)
    slow = HealthDataModel("national_plan_2025", seed=6, **small(n_days=120))
    slow.run()
    assert slow.summary() == pytest.approx(fast.summary(), nan_ok=True, rel=0, abs=0)
    pd_testing = __import__("pandas").testing
    pd_testing.assert_frame_equal(slow.ledger.incident_table(), fast.ledger.incident_table())


def test_an_overridden_verb_is_used_not_the_compiled_template():
    """A subclass that overrides an array verb the kernel computes, or a scalar verb,
    decides verb by verb, so its override is called."""
    from sim.world.attackers.base import runs_compiled
    from sim.world.attackers.external import ExfiltrationGroup, ExternalGroup
    from sim.world.attackers.insiders import Insider, InsiderSnoop

    class Costly(ExfiltrationGroup):
        @classmethod
        def costs(cls, opp, targets):
            return np.full(len(opp), 1e12)

    class Picky(InsiderSnoop):
        def expected_gain(self, target):
            return 0.0

    class Plain(ExfiltrationGroup):
        """overrides nothing the kernel computes"""

    assert not runs_compiled(Costly, ExternalGroup, ExternalGroup.COMPILED_VERBS)
    assert not runs_compiled(Picky, Insider, Insider.COMPILED_VERBS)
    assert runs_compiled(Plain, ExternalGroup, ExternalGroup.COMPILED_VERBS)
    m = HealthDataModel("status_quo", seed=1, **small(n_days=5))
    from sim.world.attackers.base import Cohort, Opportunities
    agent = Costly(m, ordinal=0, rate_per_day=0.0, targeted=False)
    cohort = Cohort(m, [agent])
    u = np.random.default_rng(0).random((50, agent.block))
    Costly.act(Opportunities(m, cohort, np.zeros(50, dtype=np.int64), u))
    assert agent.attempts == 0 and agent.deterred > 0  # nobody pays a cost of 10^12
