"""Compiled loops for the model's hot paths.

Some of a day's work is a loop over a few thousand (at a million residents, a few hundred
thousand) elements that NumPy can only express as many whole-array passes or with
``np.unique`` to undo duplicates; one pass of a compiled loop does it. Each kernel here is
plain Python over NumPy arrays, compiled by `Numba <https://numba.readthedocs.io>`_ the
first time it is called and cached on disk (``__pycache__`` beside this file, or
``NUMBA_CACHE_DIR``), so ``import sim`` does not import Numba and a fresh process loads the
machine code instead of compiling it again.

Why Numba: the kernels are short loops over arrays the model already keeps (no new data
layout, as Polars or a compiled extension would need), it is what Starsim and Covasim use for
the same purpose, and ``NUMBA_DISABLE_JIT=1`` runs the very same Python, which is how a
kernel is debugged.

The model's methods stay the readable definition: each kernel's docstring names the plain
NumPy computation it equals, and ``tests/test_fast_paths.py`` holds it there on random
inputs and through whole runs.
"""

from __future__ import annotations

import functools
import threading

import numpy as np

from .uniforms import U_SUCCESS, U_TARGET

__all__ = ["add_by_group", "any_readable", "byte_table_sums", "compiled", "count_bits_by_type",
           "external_decisions", "helper", "home_histograms", "insider_decisions",
           "record_visits", "row_at_least", "row_indices_at_least", "top_two", "visit_days"]

_lock = threading.Lock()
#: functions kernels call (:func:`helper`), by name
_HELPERS: dict = {}


def helper(fn):
    """Mark ``fn`` as a function that kernels call: plain Python until a kernel compiles.

    Compiled code can only call compiled functions, and compiling here would import Numba
    with ``sim``: so the first kernel to compile replaces each helper, in this module's
    namespace, by its compiled form (Numba resolves a kernel's globals when it compiles
    it). Called from Python, either form computes the same.
    """
    _HELPERS[fn.__name__] = fn
    return fn


def compiled(fn):
    """Compile ``fn`` with Numba (``njit``, cached on disk) the first time it is called.

    The plain function stays available as ``.py_func`` (what tests compare against, and
    what runs under ``NUMBA_DISABLE_JIT=1``).
    """
    state: dict = {}

    @functools.wraps(fn)
    def call(*args):
        f = state.get("f")
        if f is None:
            with _lock:
                f = state.get("f")
                if f is None:
                    state["f"] = f = _jit(fn)
        return _canonical(f(*args))

    call.py_func = fn
    return call


def _jit(fn):
    """``numba.njit`` with the disk cache, or without it where no cache folder is writable."""
    import numba

    def njit(f):
        try:
            return numba.njit(cache=True, nogil=True)(f)
        except RuntimeError:  # "cannot cache ...: no locator available" (read-only install)
            return numba.njit(nogil=True)(f)

    names = globals()
    for name, plain in _HELPERS.items():
        if names[name] is plain:
            names[name] = njit(plain)
    return njit(fn)


def _canonical(out):
    """Arrays a kernel returns, viewed with NumPy's own dtype object.

    Numba's arrays carry an equal but distinct ``dtype`` instance, and NumPy's fast paths
    compare dtypes by identity: ``np.add.at(acc, idx, kernel_output)`` measured 30-60x
    slower (2-4 ms instead of 0.06 ms for 30,000 values) until the array is re-viewed.
    """
    if isinstance(out, np.ndarray):
        return out.view(out.dtype.type) if out.dtype.fields is None else out
    if isinstance(out, tuple):
        return tuple(_canonical(x) for x in out)
    return out


# ----------------------------------------------------------- the visit table
# Who recorded whom last, and when, without a (providers × residents) table: a resident is
# recorded at their three home nodes (one per tier, ``home[r, t]``: ``home_last[r, t]``)
# and, when treated away from home, at other nodes: those visits are entries of two linked
# lists, the resident's (``r_head`` / ``e_next_r``) and the node's (``q_head`` /
# ``e_next_q``), each entry a node ``e_q``, a resident ``e_r`` and a day ``e_day``.
# ``sim.world.records.VisitTable`` holds the arrays; its ``dense()`` is the plain table.

@compiled
def home_histograms(home, home_last, n_rows, never, lo, width):
    """Per node, how many residents it last recorded on each day, from home visits only.

    Returns ``(hist, seen)``: ``hist[q, d - lo]`` is the number of residents node ``q``
    last recorded on day ``d`` (of the plain table's row ``q``: ``np.bincount(row[row !=
    never] - lo, minlength=width)``) and ``seen[q]`` the number it ever recorded; for a
    table with no visit away from home yet (the start of a run).
    """
    hist = np.zeros((n_rows, width), dtype=np.int32)
    seen = np.zeros(n_rows, dtype=np.int64)
    for r in range(home.shape[0]):
        for t in range(home.shape[1]):
            d = home_last[r, t]
            if d != never:
                if d < lo or d - lo >= width:
                    raise ValueError("home_histograms: a day outside [lo, lo + width)")
                q = home[r, t]
                hist[q, d - lo] += 1
                seen[q] += 1
    return hist, seen


@compiled
def visit_days(home, home_last, tier, r_head, e_q, e_day, e_next_r, rows, cols, never):
    """The plain table's ``dense()[rows[i], cols[i]]``, pair by pair.

    The day node ``rows[i]`` last recorded resident ``cols[i]`` (``never``: never).
    """
    out = np.empty(rows.shape[0], dtype=home_last.dtype)
    for i in range(rows.shape[0]):
        q = rows[i]
        r = cols[i]
        t = tier[q]
        if home[r, t] == q:
            out[i] = home_last[r, t]
            continue
        d = never
        e = r_head[r]
        while e >= 0:
            if e_q[e] == q:
                d = e_day[e]
                break
            e = e_next_r[e]
        out[i] = d
    return out


@compiled
def record_visits(home, home_last, tier, r_head, q_head, e_q, e_r, e_day, e_next_r, e_next_q,
                  n_entries, hist, seen, below, below_col, rows, cols, day, never, lo,
                  last_any, last_by_group, row_group):
    """Node ``rows[i]`` records resident ``cols[i]`` today; return each pair's previous day.

    The plain update on the dense table is ``prior = table[rows, cols]; table[rows, cols] =
    day; last_any[cols] = day; last_by_group[row_group[rows], cols] = day`` (a pair listed
    twice is written once, and both get the day before the write). A visit away from home
    adds an entry the first time (the entry arrays must have room for ``len(rows)`` more;
    ``n_entries[0]`` counts them). ``hist``/``seen`` are the table's row histograms
    (:func:`home_histograms`), and ``below[q]`` the number of cells of row ``q`` that are
    not ``never`` and hold a day whose column ``d - lo`` is under ``below_col``; all three
    stay equal to a fresh count of the updated table.
    """
    n = rows.shape[0]
    prior = np.empty(n, dtype=home_last.dtype)  # (all read before any is written)
    for i in range(n):
        q = rows[i]
        r = cols[i]
        t = tier[q]
        if home[r, t] == q:
            prior[i] = home_last[r, t]
            continue
        d = never
        e = r_head[r]
        while e >= 0:
            if e_q[e] == q:
                d = e_day[e]
                break
            e = e_next_r[e]
        prior[i] = d
    day_col = day - lo
    for i in range(n):
        q = rows[i]
        r = cols[i]
        last_any[r] = day
        last_by_group[row_group[q], r] = day
        t = tier[q]
        e = -1
        if home[r, t] == q:
            old = home_last[r, t]
        else:
            old = never
            e = r_head[r]
            while e >= 0:
                if e_q[e] == q:
                    old = e_day[e]
                    break
                e = e_next_r[e]
        if old == day:
            continue  # already today's (the same pair earlier in the list)
        if old == never:
            seen[q] += 1
        else:
            hist[q, old - lo] -= 1
            if old - lo < below_col:
                below[q] -= 1
        hist[q, day_col] += 1
        if day_col < below_col:
            below[q] += 1
        if home[r, t] == q:
            home_last[r, t] = day
        elif e >= 0:
            e_day[e] = day
        else:  # a first visit to this node away from home: a new entry on both lists
            e = n_entries[0]
            n_entries[0] += 1
            e_q[e] = q
            e_r[e] = r
            e_day[e] = day
            e_next_r[e] = r_head[r]
            r_head[r] = e
            e_next_q[e] = q_head[q]
            q_head[q] = e
    return prior


@compiled
def row_at_least(home_last, members, member_tier, q_head, e_r, e_day, e_next_q, q, thr,
                 out):
    """Set ``out[r]`` where node ``q`` recorded resident ``r`` on or after day ``thr``.

    ``dense()[q] >= thr`` (``out`` starts all False; several rows can be OR-ed into it).
    ``members``: the residents whose home node of ``q``'s tier (``member_tier``) is ``q``.
    """
    for k in range(members.shape[0]):
        r = members[k]
        if home_last[r, member_tier] >= thr:
            out[r] = True
    e = q_head[q]
    while e >= 0:
        if e_day[e] >= thr:
            out[e_r[e]] = True
        e = e_next_q[e]


@compiled
def row_indices_at_least(home_last, members, member_tier, q_head, e_r, e_day, e_next_q, q,
                         thr):
    """The residents node ``q`` recorded on or after day ``thr``, in order.

    ``np.flatnonzero(dense()[q] >= thr)``, in one pass over the node's own residents and
    visits (its home residents ``members``, sorted, then its visits from elsewhere)
    instead of a pass over every resident.
    """
    n = 0
    for k in range(members.shape[0]):
        if home_last[members[k], member_tier] >= thr:
            n += 1
    n_away = 0
    e = q_head[q]
    while e >= 0:
        if e_day[e] >= thr:
            n_away += 1
        e = e_next_q[e]
    home = np.empty(n, dtype=np.int64)
    j = 0
    for k in range(members.shape[0]):
        r = members[k]
        if home_last[r, member_tier] >= thr:
            home[j] = r
            j += 1
    if n_away == 0:
        return home
    away = np.empty(n_away, dtype=np.int64)
    j = 0
    e = q_head[q]
    while e >= 0:
        if e_day[e] >= thr:
            away[j] = e_r[e]
            j += 1
        e = e_next_q[e]
    away.sort()
    # merge the two sorted lists (a resident on both would appear once)
    out = np.empty(n + n_away, dtype=np.int64)
    i = j = k = 0
    while i < n or j < n_away:
        if j == n_away or (i < n and home[i] < away[j]):
            r = home[i]
            i += 1
        elif i == n or away[j] < home[i]:
            r = away[j]
            j += 1
        else:
            r = home[i]
            i += 1
            j += 1
        if k == 0 or out[k - 1] != r:
            out[k] = r
            k += 1
    return out[:k]


@compiled
def any_readable(home, home_last, r_head, e_q, e_day, e_next_r, reach, is_readable, prov,
                 res, thr, same_node_elsewhere):
    """Whether a node ``prov[i]`` may read holds a record of ``res[i]`` from ``thr`` on.

    A node ``q`` may be read where it is readable and ``reach[q, prov[i]]``; at ``prov[i]``
    itself the record counts where ``same_node_elsewhere[i]`` (``sim.world.care.
    readable_elsewhere`` on the plain table; here a resident's nodes are read one by one).
    """
    n = prov.shape[0]
    out = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        p = prov[i]
        r = res[i]
        if same_node_elsewhere[i] and is_readable[p] and reach[p, p]:
            out[i] = True
            continue
        for t in range(home.shape[1]):
            q = home[r, t]
            if q != p and is_readable[q] and reach[q, p] and home_last[r, t] >= thr:
                out[i] = True
                break
        if out[i]:
            continue
        e = r_head[r]
        while e >= 0:
            q = e_q[e]
            if q != p and is_readable[q] and reach[q, p] and e_day[e] >= thr:
                out[i] = True
                break
            e = e_next_r[e]
    return out


@compiled
def top_two(home, home_last, r_head, e_q, e_day, e_next_r, never):
    """Per resident, the node of the latest record and the latest record at any other node.

    Equal to scanning the dense table's rows in order (``sim.world.records.Records``: the node is
    the lowest-numbered of those holding the latest day, 0 if none; the other is ``never``
    if there is none).
    """
    n = home.shape[0]
    top = np.zeros(n, dtype=np.int64)
    second = np.full(n, never, dtype=home_last.dtype)
    for r in range(n):
        best = never
        bq = 0
        for t in range(home.shape[1]):
            d = home_last[r, t]
            q = home[r, t]
            if d > best or (d == best and d != never and q < bq):
                best = d
                bq = q
        e = r_head[r]
        while e >= 0:
            d = e_day[e]
            q = e_q[e]
            if d > best or (d == best and d != never and q < bq):
                best = d
                bq = q
            e = e_next_r[e]
        sec = never
        for t in range(home.shape[1]):
            if home[r, t] != bq and home_last[r, t] > sec:
                sec = home_last[r, t]
        e = r_head[r]
        while e >= 0:
            if e_q[e] != bq and e_day[e] > sec:
                sec = e_day[e]
            e = e_next_r[e]
        top[r] = bq
        second[r] = sec
    return top, second


@compiled
def count_bits_by_type(etype, masks, counts):
    """Add to ``counts[t, f]`` the number of ``masks`` of type ``t`` with bit ``f`` set.

    The plain computation, per type ``t``: ``counts[t] += unpack(masks[etype == t]).sum(0)``
    (``sim.fields.FieldCatalogue.unpack``); here one pass without the ``(n, fields)``
    boolean table.
    """
    n_fields = counts.shape[1]
    for i in range(masks.shape[0]):
        m = masks[i]
        t = etype[i]
        f = 0
        while m != 0 and f < n_fields:
            if m & 1:
                counts[t, f] += 1
            m >>= 1
            f += 1


@compiled
def byte_table_sums(tables, masks, etype):
    """``out[i] = Σ_b tables[etype[i], b, byte b of masks[i]]``, bytes in order.

    The same additions, in the same order, as ``tables[etype, 0, masks & 255] + tables[etype,
    1, (masks >> 8) & 255] + ...`` (``sim.world.care.CareProcess.mask_value``): equal to the last
    bit, not only to rounding.
    """
    n_bytes = tables.shape[1]
    out = np.empty(masks.shape[0])
    for i in range(masks.shape[0]):
        m = masks[i]
        t = etype[i]
        acc = tables[t, 0, m & 255]
        for b in range(1, n_bytes):
            acc += tables[t, b, (m >> (8 * b)) & 255]
        out[i] = acc
    return out


@compiled
def add_by_group(need_r, got_r, res, away, need_v, got_v, codes, need_day, got_day):
    """Add each encounter's value to its resident's and its groups' sums, in order.

    The plain computation (``sim.world.groups.GroupAccounts.add_encounters_plain``):
    ``np.add.at(need_r, res, need_v)`` (and ``got``), and per group dimension ``d``
    ``need_day[d] = np.bincount(codes[res, d], weights=need_v)``, the last dimension
    coded by ``away``; both add in the order of the encounters, as this loop does. A code
    beyond ``need_day``'s width is left out, as ``bincount(...)[:width]`` leaves it.
    """
    n_dims = codes.shape[1]
    width = need_day.shape[1]
    for i in range(res.shape[0]):
        r = res[i]
        nv = need_v[i]
        gv = got_v[i]
        need_r[r] += nv
        got_r[r] += gv
        for d in range(n_dims):
            c = codes[r, d]
            if c < width:
                need_day[d, c] += nv
                got_day[d, c] += gv
        c = away[i]
        if c < width:
            need_day[n_dims, c] += nv
            got_day[n_dims, c] += gv


# ----------------------------------------------------------- the attack template
# A day's decisions of one batch of attackers (``sim.world.attackers.base.Attacker.act``, the
# template, with its array verbs) in one pass: the arithmetic of the verbs, in their order,
# with their beliefs as the attackers woke up. What the template does with the outcome
# (incidents, outages) stays in the verbs. ``state`` is the cohort's table
# (``sim.world.attackers.base.STATE`` columns).

@helper
def _catch(state, public0, public1, peer_w):
    """``Cohort.perceived_catch()``: each agent's belief of being detected and sanctioned."""
    n = state.shape[0]
    out = np.empty(n)
    for a in range(n):
        sa = state[a, 2] + peer_w * (public0 - state[a, 4])
        sb = state[a, 3] + peer_w * (public1 - state[a, 5])
        out[a] = state[a, 0] / (state[a, 0] + state[a, 1]) * (sa / (sa + sb))
    return out


@helper
def _learn(state, owner, mask, col, weight):
    """``Cohort.add``: add ``weight`` × (rows of each agent where ``mask``) to ``col``."""
    n = state.shape[0]
    count = np.zeros(n, dtype=np.int64)
    any_ = False
    for j in range(owner.shape[0]):
        if mask[j]:
            count[owner[j]] += 1
            any_ = True
    if any_:
        for a in range(n):
            state[a, col] += weight * count[a]


@compiled
def external_decisions(owner, u, gain_factor, targeted, ransom, cost, state, public0, public1,
                       peer_w, succ, cum, up, kind, security, haul_plain, haul_ransom,
                       penalty, skill, success_w):
    """Decide and attempt a day's opportunities of external groups; return each row's fate.

    The template (``Attacker.act``) with ``ExternalGroup``'s array verbs: targets
    (``choose_targets``: found by chance, ``cum`` the attack-surface distribution, or the
    best net gain for targeted groups; a target down: pass), ``expected_gains`` ×
    ``gain_factors`` − ``expected_penalties`` − ``costs`` > 0 to act, counters
    (``deterred``, ``attempts``), success (``succeed_all``: learned per group and kind in
    ``succ``, shape ``(agents, 2, kinds)``) and ``observe_successes``. The same operations
    in the same order as the verbs, so equal to the last bit (tests/test_fast_paths.py).

    Returns ``(targets, won)``: per row the target (``-1``: passed) and whether it acted and
    succeeded (the rows whose records are then taken: ``exploit_all``).
    """
    n = owner.shape[0]
    n_inst = up.shape[0]
    catch = _catch(state, public0, public1, peer_w)
    targets = np.empty(n, dtype=np.int64)
    net_i = np.empty(n_inst)
    for j in range(n):
        a = owner[j]
        if targeted[a]:
            cp = catch[a] * penalty
            for i in range(n_inst):
                k = kind[i]
                b = succ[a, 0, k] / (succ[a, 0, k] + succ[a, 1, k])
                v = haul_ransom[i] if ransom[a] else haul_plain[i]
                net_i[i] = b * (v - cp) - cost[a] if up[i] else -np.inf
            best = 0  # np.argmax: the first maximum (a NaN counts as one)
            for i in range(1, n_inst):
                if np.isnan(net_i[best]):
                    break
                if np.isnan(net_i[i]) or net_i[i] > net_i[best]:
                    best = i
            t = best if np.isfinite(net_i[best]) else -1
        else:
            t = np.searchsorted(cum, u[j, U_TARGET], side="right")
        targets[j] = t if t >= 0 and up[t] else -1
    go = np.zeros(n, dtype=np.bool_)
    won = np.zeros(n, dtype=np.bool_)
    passed = np.zeros(n, dtype=np.bool_)
    for j in range(n):
        t = targets[j]
        if t < 0:
            continue
        a = owner[j]
        k = kind[t]
        b = succ[a, 0, k] / (succ[a, 0, k] + succ[a, 1, k])
        v = haul_ransom[t] if ransom[a] else haul_plain[t]
        net = b * v * gain_factor[j] - b * catch[a] * penalty - cost[a]
        if net > 0:
            go[j] = True
            won[j] = u[j, U_SUCCESS] < skill * (1.0 - security[t])
        else:
            passed[j] = True
    _learn(state, owner, passed, 8, 1.0)  # deterred
    _learn(state, owner, go, 6, 1.0)  # attempts
    n_kinds = succ.shape[2]
    tally = np.zeros(succ.shape, dtype=np.int64)
    tried = False
    for j in range(n):
        if go[j]:
            tally[owner[j], 0 if won[j] else 1, kind[targets[j]]] += 1
            tried = True
    if tried:
        for a in range(succ.shape[0]):
            for s in range(2):
                for k in range(n_kinds):
                    succ[a, s, k] += tally[a, s, k]
    _learn(state, owner, won, 7, 1.0)  # successes
    _learn(state, owner, won, 1, success_w)  # detect_b: got away with it, for now
    return targets, won


@compiled
def insider_decisions(owner, gain_factor, home, sells, cost, state, public0, public1, peer_w,
                      reach_real, reach_value, reach_any, sale_median, curiosity, half,
                      penalty, success_w):
    """Decide a day's opportunities of insiders; return which act (they always succeed).

    The template (``Attacker.act``) with ``Insider``'s array verbs: the target is the home
    if its reach holds anyone (``choose_targets``); ``expected_gains`` (a seller: the median
    sale, at most the reach, × the value of a record; a snoop: curiosity × coverage) ×
    ``gain_factors`` − ``expected_penalties`` − ``costs`` > 0 to act; counters and
    ``observe_successes`` for every row that acts. Equal to the verbs to the last bit.

    Returns ``go``: per row, whether it acts (its incident is then opened:
    ``attempt_all``'s ledger call).
    """
    n = owner.shape[0]
    catch = _catch(state, public0, public1, peer_w)
    go = np.zeros(n, dtype=np.bool_)
    passed = np.zeros(n, dtype=np.bool_)
    for j in range(n):
        a = owner[j]
        t = home[a]
        if not reach_any[t]:
            continue
        real = reach_real[t]
        if sells[a]:
            g = min(sale_median, real) * reach_value[t]
        else:
            g = curiosity * (real / (real + half))
        net = g * gain_factor[j] - catch[a] * penalty - cost[a]
        if net > 0:
            go[j] = True
        else:
            passed[j] = True
    _learn(state, owner, passed, 8, 1.0)  # deterred
    _learn(state, owner, go, 6, 1.0)  # attempts
    _learn(state, owner, go, 7, 1.0)  # successes
    _learn(state, owner, go, 1, success_w)  # detect_b
    return go
