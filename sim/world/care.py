"""Care events and the clinical information clinicians get at them.

Care events are drawn from the ``care`` stream alone, with a fixed number of uniforms per
event, so two policies compared on one seed see the same residents fall ill on the same
days at the same places (common random numbers); the policy only decides what happens
next. What follows an encounter and does not depend on the policy either (whether the
patient can tell their history, whether a test would be repeated, whether the visit would
end in admission) is drawn from the ``care_followup`` stream, a fixed number of uniforms
per event too (:data:`N_FOLLOWUP`), so the ``care`` stream's draws are as they were.

At an emergency the clinician knows what the records they can open hold *and* what a
conscious patient (or a relative with them) tells: with probability
``patient_history_complete`` their history (allergies, medicines, conditions, past
episodes; never test results or images, which only records carry; a resident who withholds
from clinicians does not tell the sensitive fields either). An incapacitated patient
(``emergency_incapacitated``) tells nothing. A shared record adds only what neither the
institution's own record nor the patient supplied. Clinical utility (``value_delivered``)
counts what records deliver, the emergency measures (gaps, information away from home)
what the clinician knows from records and patient together.

Repeat tests and emergency admissions avoided are simulated events: at each encounter
where shared results (or shared information at an emergency) were used, one uniform
decides whether the test would have been repeated, or the patient admitted, without them
and whether it still is with them (probabilities from the input rate and odds ratio).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..fields import CONDITIONS, EncounterType, FieldCategory
from .kernels import any_readable, byte_table_sums, count_bits_by_type

if TYPE_CHECKING:  # pragma: no cover
    from .model import HealthDataModel
    from .records import Records

__all__ = ["ACCESS_TOTALS", "CareProcess", "Events", "odds_reduction"]

#: what :meth:`CareProcess.access` adds up each day
#: encounters kept before their fields are tallied (bounds the memory: ~17 bytes each)
_FIELD_BATCH = 200_000

ACCESS_TOTALS = ("encounters", "value_needed", "value_delivered", "emerg_away_needed",
                 "emerg_away_delivered", "ae_averted", "dup_avoided", "admissions_avoided",
                 "shared_available", "shared_lookups", "shared_reads", "code_requests",
                 "code_shown", "emergencies", "emergency_gaps", "emergency_lookups",
                 "emergency_told", "emergency_gaps_records", "dup_eligible",
                 "admission_eligible")

E = EncounterType
_EMERGENCY, _CHRONIC = int(E.EMERGENCY), int(E.CHRONIC)  # plain ints: fast array comparisons
# Where each encounter type happens at home: P(first-level care, secondary, tertiary). Chronic
# follow-up is shared between family doctors and hospitals, emergencies go to hospitals and
# prevention to first-level care (assumptions); routine visits take the rest, set so that at
# the default visit rates (routine 60%, chronic 26%, preventive 12%, emergency 2% of visits;
# 6.7 visits per resident a year) the year's visits split as China's do: 59.8% / 16.5% /
# 23.7% (the model: 59.9% / 16.7% / 23.4% in expectation; tests/test_geography.py checks
# it). The split is the NHC's monthly statistics for Jan-Oct 2019 (sim/data/
# china_national.csv, built by scripts/china_data.py): of visits to hospitals and primary
# care, primary-care institutions 54.3%, primary-level and ungraded hospitals 5.5% (together
# first-level care), secondary hospitals 16.5%, tertiary 23.7%. The NHC 2021 bulletin's 50.2%
# at primary care against 45.8% at hospitals agrees within 2 points. (An earlier reading,
# 52% / 20% / 28%, counted every hospital visit as one at a graded hospital.) 6.0 visits per
# person in 2021 and 2022, 6.8 in 2023.
_TIER_SHARES = {
    E.ROUTINE: (0.67, 0.13, 0.20),
    E.CHRONIC: (0.3, 0.3, 0.4),
    E.EMERGENCY: (0.0, 0.5, 0.5),
    E.PREVENTIVE: (1.0, 0.0, 0.0),
}
N_UNIFORMS = 8  # away?, tier, node, code gate, incapacitated, own system down, same institution,
#                clinician looks up shared records
N_FOLLOWUP = 3  # from the care_followup stream: patient tells their history, a test would be
#                 repeated, the visit would end in admission
#: fields no patient can tell from memory: results and images (only records carry them),
#: the blood group (typed in the emergency department), claims, payments, location
_NOT_TOLD = ("test_results", "imaging", "blood_type")
_NOT_TOLD_CATEGORIES = (FieldCategory.IDENTIFIER, FieldCategory.FINANCIAL,
                        FieldCategory.LOCATION)


@dataclass
class Events:
    """One day's care events (one entry per event)."""

    resident: np.ndarray
    etype: np.ndarray
    provider: np.ndarray  # provider row
    away: np.ndarray
    u_gate: np.ndarray
    u_incap: np.ndarray
    u_down: np.ndarray
    u_same: np.ndarray
    u_lookup: np.ndarray
    prior_local: np.ndarray | None = None  # last day this provider recorded the resident
    # from the care_followup stream (``None``: nobody tells, nothing would be repeated)
    u_tell: np.ndarray | None = None  # the patient tells their history if below the share
    u_repeat: np.ndarray | None = None  # a test would be repeated without prior results
    u_admit: np.ndarray | None = None  # the emergency visit would end in admission

    def __len__(self) -> int:
        return len(self.resident)


class CareProcess:
    """Draws care events and evaluates what clinicians can see.

    Args:
        model: the model (population, providers, parameters).
    """

    def __init__(self, model: HealthDataModel) -> None:
        self.model = model
        p = model.p
        pop = model.pop
        self.rng = model.streams.get("care")
        self.rng_followup = model.streams.get("care_followup")
        chronic = pop.conditions["chronic"]
        # residents use care unequally (a gamma-distributed propensity of mean 1, from the
        # population stream): many are seldom seen, a few often
        g = pop.care_propensity
        rates = {
            E.ROUTINE: p["routine_visits_per_year"] * g,
            E.CHRONIC: np.where(chronic, p["chronic_visits_per_year"], 0.0) * g,
            E.EMERGENCY: p["emergency_visits_per_year"] * g,
            E.PREVENTIVE: p["preventive_visits_per_year"] * g,
        }
        self.rates = rates
        # one cumulative rate over (type, resident) pairs: a day's events are one Poisson
        # draw and one inverse-CDF lookup, whatever the mix of encounter types
        stacked = np.concatenate([rates[et] for et in E])
        self._cum = np.cumsum(stacked)
        self._daily_total = float(self._cum[-1]) / 365.0 if len(self._cum) else 0.0
        # every 64th cumulative rate: a small index that stays in cache, for large populations
        self._coarse = (self._cum[_BLOCK - 1::_BLOCK].copy() if len(self._cum) >= _TWO_LEVEL
                        else None)
        self.away_share = np.array([p["away_share_other"], p["away_share_other"],
                                    p["away_share_emergency"], p["away_share_other"]])
        self.tier_cum = np.array([np.cumsum(_TIER_SHARES[et]) for et in E])
        cat = model.catalogue
        self.essential_emergency = np.int64(cat.mask_where(
            lambda f: f.clinical_value[E.EMERGENCY] >= 0.9))
        # what each field is worth to a clinician, per encounter type (lifestyle,
        # demographic and financial fields scaled by lifestyle_clinical_value)
        values = cat.clinical_matrix()
        soft = np.array([f.category in (FieldCategory.LIFESTYLE, FieldCategory.QUASI_IDENTIFIER,
                                        FieldCategory.FINANCIAL) for f in cat])
        values[:, soft] *= p["lifestyle_clinical_value"]
        self.clinical_values = values
        self._value_tables = _byte_tables(values)
        # where the clinical value comes from, field by field: each day's needed and
        # delivered fields are counted by encounter type, and the counts turned into value
        # in batches of _FIELD_BATCH encounters
        self._needed_counts = np.zeros((len(EncounterType), len(cat)), dtype=np.int64)
        self._got_counts = np.zeros_like(self._needed_counts)
        self._type_seen = np.zeros(len(EncounterType), dtype=bool)
        self._by_field_n = 0
        self.field_needed = np.zeros(len(cat))
        self.field_delivered = np.zeros(len(cat))
        # which fields each resident's care can need: unconditional ones, and those of
        # the conditions they have
        cond_bits = dict.fromkeys(CONDITIONS, 0)
        uncond = 0
        for i, f in enumerate(cat):
            if f.needs_condition:
                cond_bits[f.needs_condition] |= 1 << i
            else:
                uncond |= 1 << i
        cm = np.zeros(pop.n, dtype=np.int64)
        for c, bits in cond_bits.items():
            cm |= np.where(pop.conditions[c], bits, 0)
        self.needs_by_resident = cm | uncond
        # what a conscious patient can tell about themselves
        self.tellable = np.int64(cat.mask_where(
            lambda f: f.name not in _NOT_TOLD and f.category not in _NOT_TOLD_CATEGORIES))
        self.needs_by_type = np.array(
            [cat.mask_where(lambda f, t=t: f.clinical_value[t] > 0) for t in EncounterType],
            dtype=np.int64)

    # ------------------------------------------------------------------ values
    def mask_value(self, masks: np.ndarray, etype: np.ndarray) -> np.ndarray:
        """Clinical value of each event's field mask for its encounter type."""
        # Σ over the mask's bytes of a per-byte table (a kernel: byte_table_sums)
        return byte_table_sums(self._value_tables, np.asarray(masks, dtype=np.int64),
                               np.asarray(etype, dtype=np.int64))

    def needed_mask(self, res: np.ndarray, etype: np.ndarray) -> np.ndarray:
        """Fields clinically needed at each encounter."""
        return self.needs_by_type[etype] & self.needs_by_resident[res]

    def _tally_fields(self) -> None:
        """Add the kept encounters' needed and delivered value to each field's totals."""
        for et in np.flatnonzero(self._type_seen):
            value = self.clinical_values[et]
            self.field_needed += self._needed_counts[et] * value
            self.field_delivered += self._got_counts[et] * value
        self._needed_counts[:] = 0
        self._got_counts[:] = 0
        self._type_seen[:] = False
        self._by_field_n = 0

    def information_by_field(self) -> dict[str, float]:
        """Each field's part of the clinical utility rate, so far (they add up to it).

        ``utility_from.<field>``: the clinical value delivered from records in that field,
        as a share of all the value needed. A reform that changes the utility rate changes
        these parts; the avoided events each follow a few of them (adverse drug events:
        medications; repeat tests: test results and imaging).
        """
        self._tally_fields()
        total = self.field_needed.sum()
        return {f"utility_from.{f.name}": (float(v / total) if total > 0 else math.nan)
                for f, v in zip(self.model.catalogue, self.field_delivered, strict=True)}

    # ------------------------------------------------------------------ history
    def initial_history(self, home_last: np.ndarray) -> None:
        """Fill records held at the start: each resident's last visit to each home node.

        ``home_last[r, t]``: the day resident ``r`` was last seen at their home node of tier
        ``t`` (``home_provider[r, t]``; :class:`sim.world.records.VisitTable`). Days since the last
        visit are exponential with the resident's rate to that node (memoryless visits),
        kept if within ``history_years``.
        """
        m = self.model
        rng = m.streams.get("care_history")
        horizon = 365 * m.p["history_years"]
        for tier in range(3):
            rate = np.zeros(m.pop.n)
            for et in E:
                share = _TIER_SHARES[et][tier] * (1.0 - self.away_share[et])
                rate += self.rates[et] * share
            with np.errstate(divide="ignore"):
                mean_gap = np.where(rate > 0, 365.0 / rate, np.inf)
                days_since = rng.exponential(1.0, m.pop.n) * mean_gap
            have = days_since <= horizon
            home_last[np.flatnonzero(have), tier] = -np.ceil(days_since[have]).astype(
                home_last.dtype)

    # ------------------------------------------------------------------- events
    def draw(self) -> Events:
        """Draw today's events."""
        m = self.model
        rng = self.rng
        k = int(rng.poisson(self._daily_total)) if self._daily_total > 0 else 0
        if k == 0:
            z = np.zeros(0, dtype=np.int64)
            f = z.astype(float)
            return Events(z, z.astype(np.int8), z, z.astype(bool), f, f, f, f, f)
        keys = rng.random(k) * self._cum[-1]
        keys.sort()  # sorted keys make the search cache-friendly at a million residents
        pick = (np.searchsorted(self._cum, keys, side="right") if self._coarse is None
                else _search_blocked(self._cum, self._coarse, keys))
        pick = np.minimum(pick, len(self._cum) - 1)
        etype, res = np.divmod(pick, m.pop.n)
        etype = etype.astype(np.int8)
        u = rng.random((len(res), N_UNIFORMS))
        away = u[:, 0] < self.away_share[etype]
        tier_cum = self.tier_cum[etype]
        tier = (u[:, 1] > tier_cum[:, 0]).astype(np.int64) + (u[:, 1] > tier_cum[:, 1])
        home = m.home_provider[res, tier]
        # away: same tier in another region, node chosen by u[:, 2]
        n_reg = m.p["n_regions"]
        if n_reg > 1 and away.any():
            a = np.flatnonzero(away)
            region, frac = self.away_region(m.pop.region[res[a]], u[a, 2])
            per = m.nodes_per_tier[tier[a]]
            node_k = np.minimum((frac * per).astype(np.int64), per - 1)
            home = home.copy()
            home[a] = m.provider_table[region, tier[a], node_k]
        else:
            away = np.zeros(len(res), dtype=bool)
        f = self.rng_followup.random((len(res), N_FOLLOWUP))
        return Events(resident=res, etype=etype, provider=home, away=away,
                      u_gate=u[:, 3], u_incap=u[:, 4], u_down=u[:, 5], u_same=u[:, 6],
                      u_lookup=u[:, 7], u_tell=f[:, 0], u_repeat=f[:, 1], u_admit=f[:, 2])

    def away_region(self, own: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where residents of ``own`` regions are treated away from home, from uniforms ``u``.

        Another region, chosen in proportion to its share of residents (a resident of
        Tibet away from home is more often in Guangdong, 9% of China, than in Qinghai,
        0.4%): one uniform is placed on the other regions' cumulative weights, and where it
        falls within the chosen region (0 to 1) picks the node there.

        Returns:
            ``(region, frac)``: the region of each visit and the uniform's place within it.
        """
        w = self.model.pop.region_weight
        cum = np.concatenate([[0.0], np.cumsum(w)])
        own_w = w[own]
        # a point on the others' total weight, stepped over the resident's own region
        x = u * (cum[-1] - own_w)
        x = x + np.where(x >= cum[own], own_w, 0.0)
        region = np.minimum(np.searchsorted(cum, x, side="right") - 1, len(w) - 1)
        # (rounding can land the point on the own region's edge: take the next one)
        same = region == own
        region = np.where(same, (own + 1) % len(w), region)
        frac = np.clip((x - cum[region]) / w[region], 0.0, np.nextafter(1.0, 0.0))
        return region, frac

    # -------------------------------------------------------------- recording
    def record(self, ev: Events) -> None:
        """Providers record today's encounters (keeping the prior date for access)."""
        ev.prior_local = self.model.records.record(ev.provider, ev.resident)

    # ----------------------------------------------------------------- access
    def access(self, ev: Events) -> dict[str, float]:
        """Evaluate the information delivered at each encounter; return the day's totals."""
        m = self.model
        p = m.p
        pop = m.pop
        n = len(ev)
        out = dict.fromkeys(ACCESS_TOTALS, 0.0)
        if n == 0:
            return out
        res, prov, etype = ev.resident, ev.provider, ev.etype
        rec = m.records
        thr = rec.retention_threshold()
        # is this encounter's own institution hit by ransomware today?
        inst_up = ev.u_down >= m.threats.down_share[m.provider_index[prov]]
        # a node stands for many real institutions: the earlier visit to this node was at
        # this very institution with the continuity-of-care probability
        emerg = etype == _EMERGENCY
        continuity = np.where(emerg, 0.5, 1.0) * p["care_continuity"]
        seen_here = ev.prior_local >= thr
        # an incapacitated emergency patient can neither show a code nor tell their history
        incap = emerg & (ev.u_incap < p["emergency_incapacitated"])
        same = ev.u_same < continuity
        local = seen_here & same & inst_up
        # shared: another institution (possibly of this node) holds a record and the
        # architecture lets us read it
        shared = readable_elsewhere(rec, m.threats.reach_matrix(), prov, res, thr,
                                    seen_here & ~same, m.threats.readable_providers())
        shared &= inst_up & pop.participating[res]
        out["shared_available"] = float(np.count_nonzero(shared))
        # clinicians consult a shared record at only some encounters (England's Summary
        # Care Record: 21% of consultations where one existed, calibration.md §3)
        shared &= ev.u_lookup < p["shared_lookup_probability"]
        out["shared_lookups"] = float(np.count_nonzero(shared))
        # the code gate, read from the access flows (``gated``: per-access consent, or the
        # records on the resident's phone): a read needs the code unless an ungated flow
        # also reaches the record
        gate = m.threats.code_gate()
        break_glass_only = np.zeros(n, dtype=bool)
        if gate != "none":
            ask = shared
            if gate == "some":
                ask = shared & ~readable_elsewhere(
                    rec, m.threats.reach_matrix(ungated=True), prov, res, thr,
                    seen_here & ~same, m.threats.readable_providers(ungated=True))
            trust = m.behaviour.trust(res)
            s = p["participation_slope"]
            willing = 1.0 / (1.0 + np.exp(-(trust - p["show_code_threshold"]) / s))
            # only a smartphone user can show the code (or carry records on the device;
            # pop.has_phone: CNNIC use by age and town or country), and only if the phone
            # is at hand, the resident willing and conscious
            shown = (pop.has_phone[res] & (ev.u_gate < p["phone_present"] * willing)
                     & ~incap)
            out["code_requests"] = float(np.count_nonzero(ask))
            out["code_shown"] = float(np.count_nonzero(ask & shown))
            if m.consent.break_glass:
                bg_ok = m.threats.break_glass_up()
                break_glass_only = ask & incap & bg_ok
                shared = shared & (~ask | shown | break_glass_only)
            else:
                shared = shared & (~ask | shown)
        recorded = rec.recorded_mask(res)
        local_fields = np.where(local, m.policy.provider & recorded, 0)
        shared_fields = m.policy.provider & recorded & pop.shared_fields[res]
        if m.architecture.on_device:
            shared_fields = np.where(break_glass_only, shared_fields & m.policy.emergency,
                                     shared_fields)
        shared_fields = np.where(shared, shared_fields, 0)
        needed = self.needed_mask(res, etype)
        from_records = needed & (local_fields | shared_fields)
        # at an emergency a conscious patient (or a relative) tells their history: with
        # probability patient_history_complete all of it they know, less what a withholder
        # keeps from clinicians (the same fields their records lack)
        told = np.zeros(n, dtype=np.int64)
        if ev.u_tell is not None:
            tells = emerg & ~incap & (ev.u_tell < p["patient_history_complete"])
            hide = np.int64(m.policy.sensitive_clinical | m.policy.lifestyle)
            told_fields = np.where(pop.withholding[res], self.tellable & ~hide, self.tellable)
            told = np.where(tells, needed & told_fields, 0)
            out["emergency_told"] = float(np.count_nonzero(tells))
        delivered = from_records | told
        need_v, rec_v, got_v = self.mask_value(
            np.concatenate([needed, from_records, delivered]),
            np.concatenate([etype, etype, etype])).reshape(3, n)
        # clinical utility counts what records deliver (what a design can change); the
        # emergency measures below count the patient's account too
        m.groups.add_encounters(res, ev.away, need_v, rec_v)
        et64 = etype.astype(np.int64)
        count_bits_by_type(et64, needed, self._needed_counts)
        count_bits_by_type(et64, from_records, self._got_counts)
        self._type_seen[et64] = True
        self._by_field_n += n
        if self._by_field_n >= _FIELD_BATCH:
            self._tally_fields()
        out["encounters"] = float(n)
        out["value_needed"] = float(need_v.sum())
        out["value_delivered"] = float(rec_v.sum())
        out["emergencies"] = float(np.count_nonzero(emerg))
        # an information gap: a field an emergency clinician cannot do without (allergies,
        # medications, chronic conditions: value >= 0.9) needed and neither in a record at
        # hand nor told by the patient; Stiell 2003 counted gaps clinicians reported after
        # patients and families had said what they could, 48% of them judged essential
        essential = needed & self.essential_emergency
        out["emergency_gaps"] = float(np.count_nonzero(emerg & ((essential & ~delivered) != 0)))
        # the same from records alone (what the model counted before patients told)
        out["emergency_gaps_records"] = float(np.count_nonzero(
            emerg & ((essential & ~from_records) != 0)))
        out["emergency_lookups"] = float(np.count_nonzero(emerg & shared))
        ea = ev.away & emerg
        out["emerg_away_needed"] = float(need_v[ea].sum())
        out["emerg_away_delivered"] = float(got_v[ea].sum())
        # potential adverse drug events averted: medication history from a record at hand
        # where it is needed at a hospital encounter (Tam 2005 error rates are those of
        # histories taken from patients; RR 0.55 with electronic reconciliation)
        med = m.field_bit["medications"]
        hosp = (etype == _CHRONIC) | emerg
        med_ok = ((from_records & med) != 0) & hosp
        per_ae = (p["med_history_error_rate"] * p["med_error_important"]
                  * (1.0 - p["reconciliation_relative_risk"]))
        out["ae_averted"] = float(np.count_nonzero(med_ok)) * per_ae
        # duplicate tests avoided: prior results arrived from elsewhere and were used. A
        # test is repeated without them with probability repeat_test_rate, with them at the
        # probability the exchange odds ratio gives (Rochester, calibration.md §3); one
        # uniform per encounter decides both, so an encounter's test is avoided exactly when
        # it falls between the two (expected value: the difference of the probabilities)
        tests = m.field_bit["test_results"] | m.field_bit["imaging"]
        via_share = ((shared_fields & needed & tests) != 0) & ~((local_fields & tests) != 0)
        out["dup_eligible"] = float(np.count_nonzero(via_share))
        out["dup_avoided"] = _avoided(via_share, ev.u_repeat, p["repeat_test_rate"],
                                      p["repeat_test_odds_ratio"])
        # emergency admissions avoided where shared information reached the clinician
        # (Vest 2015 OR 0.43; Frisse 2012 OR 0.27-0.48), drawn the same way. The odds ratios
        # were measured against visits where patients told what they could, so they apply
        # to every visit where the shared record was used
        used = ((shared_fields & needed & ~local_fields) != 0) & emerg
        out["admission_eligible"] = float(np.count_nonzero(used))
        out["admissions_avoided"] = _avoided(used, ev.u_admit, p["ed_admission_rate"],
                                             p["hie_admission_odds_ratio"])
        out["shared_reads"] = float(np.count_nonzero(shared_fields))
        return out


def readable_elsewhere(rec: Records, reach: np.ndarray, prov: np.ndarray, res: np.ndarray,
                       thr: int, same_node_elsewhere: np.ndarray,
                       shape: tuple[np.ndarray, bool] | None = None) -> np.ndarray:
    """Whether each encounter's provider can read a retained record of its resident.

    True where some provider ``q`` that ``prov[i]`` may read (``reach[q, prov[i]]``) holds a
    record of ``res[i]`` made on or after day ``thr``; at the encounter's own node the
    record counts only where it is held by another institution of the node
    (``same_node_elsewhere``). Three ways to the same answer, by the shape of ``reach``:
    nobody reads anybody (the status quo: nothing to look up); everybody reads everybody (a
    platform: the last record at any other provider, :meth:`Records.last_elsewhere`); else
    each resident's nodes in the visit table (:class:`~sim.world.records.VisitTable`). ``shape`` is
    ``(readable providers, all read all)`` if known (:meth:`Threats.readable_providers`).
    """
    n = len(res)
    readable, everyone = shape if shape is not None else (
        np.flatnonzero(reach.any(axis=1)), bool(reach.all()))
    if len(readable) == 0:
        return np.zeros(n, dtype=bool)
    if everyone:
        return (rec.last_elsewhere(prov, res) >= thr) | same_node_elsewhere
    is_readable = np.zeros(len(reach), dtype=bool)
    is_readable[readable] = True
    # = (held & reach[readable][:, prov]).any(axis=0) over the last-visit table's readable
    # rows, the own node's cell replaced by same_node_elsewhere: read a resident's nodes
    v = rec.visits
    return any_readable(v.home, v.home_last, v.r_head, v.e_q, v.e_day, v.e_next_r,
                        np.ascontiguousarray(reach, dtype=bool), is_readable,
                        np.asarray(prov, dtype=np.int64), np.asarray(res, dtype=np.int64),
                        thr, np.asarray(same_node_elsewhere, dtype=bool))


#: cumulative rates per block of the two-level search, and the size from which it is used
_BLOCK, _TWO_LEVEL = 64, 1 << 20


def _search_blocked(cum: np.ndarray, coarse: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """``np.searchsorted(cum, keys, side="right")`` in two levels, for a long ``cum``.

    The block is found in ``coarse`` (every ``_BLOCK``-th value, which stays in cache), then a
    branch-free binary search inside one block of ``_BLOCK`` neighbouring values. Same
    answer as ``searchsorted`` for keys below ``cum[-1]``; at 4 million (type, resident)
    pairs and ~14,000 keys a day it takes 1.3 ms instead of 3.6 ms, because one block is
    one page, where a full search visits a page per level.
    """
    base = np.searchsorted(coarse, keys, side="right") * _BLOCK
    last = len(cum) - 1
    step = _BLOCK // 2
    while step:
        base += (cum[np.minimum(base + (step - 1), last)] <= keys) * step
        step //= 2
    return base


def _avoided(eligible: np.ndarray, u: np.ndarray | None, p0: float, odds_ratio: float) -> float:
    """Events avoided at ``eligible`` encounters: ``p1 <= u < p0`` (odds(p1) = OR·odds(p0)).

    Without uniforms (``u is None``) the expected count, ``eligible.sum() · (p0 - p1)``.
    """
    if u is None:
        return float(np.count_nonzero(eligible)) * odds_reduction(p0, odds_ratio)
    p1 = p0 - odds_reduction(p0, odds_ratio)
    return float(np.count_nonzero(eligible & (u >= p1) & (u < p0)))


def odds_reduction(p0: float, odds_ratio: float) -> float:
    """How much an odds ratio lowers a probability ``p0``: ``p0 - p1``, odds(p1) = OR·odds(p0)."""
    p1 = odds_ratio * p0 / (1.0 - p0 + odds_ratio * p0) if p0 < 1.0 else 1.0
    return p0 - p1


def _byte_tables(values: np.ndarray) -> np.ndarray:
    """Lookup tables for Σ_f value[t, f]·bit_f(mask): ``T[t, b, byte]`` per mask byte ``b``."""
    n_types, n_fields = values.shape
    n_bytes = (n_fields + 7) // 8
    bits = (np.arange(256)[:, None] >> np.arange(8)[None, :]) & 1  # (256, 8)
    tables = np.zeros((n_types, n_bytes, 256))
    for b in range(n_bytes):
        cols = values[:, 8 * b: 8 * b + 8]
        tables[:, b, :] = (bits[:, : cols.shape[1]] @ cols.T).T
    return tables
