"""The incident ledger: what leaked, whether it can be tied to a person, what followed.

What followed: detection, sanction, notification, sale to brokers.

Breach sizes are set for *one real institution* and thinned onto the simulated sample:
a node standing for ``R`` real clinics, whose victim holds ``s`` times the average clinic's
records and loses a share ``f`` of them, exposes each of the node's simulated residents with
probability ``f·s / R``. An insider who opens
``n`` real records out of ``H`` reachable exposes each reachable simulated resident with
probability ``n / H``. Counts of incidents are real-world counts for the represented
population; counts of exposed records are in the simulated sample.

A leaked record is *re-identifiable* if it carries a direct identifier, or, failing
that, if its quasi-identifiers single the person out: the resident's fixed linkage
uniform falls below the correct-match probability κ of the record's quasi-identifier
combination in the represented population (calibration.md §1.5). Because that uniform is
fixed per resident, a record with fewer quasi-identifiers is never re-identified where one
with more is not.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .risk import correct_match_probability

if TYPE_CHECKING:  # pragma: no cover
    from .attackers import Attacker
    from .institutions import Institution
    from .model import HealthDataModel, Reach

__all__ = ["Incident", "Ledger"]

RISK_TAU = 0.09  # EMA Policy 0070 / Health Canada threshold (calibration.md §1.4)
EXTERNAL_KINDS = ("exfiltration", "ransomware", "shock")
INSIDER_KINDS = ("insider_snoop", "insider_sale")
ACCIDENT_KINDS = ("loss_theft",)
#: the OCR breach-portal category of each incident kind (calibration.md §2.1)
OCR_CAUSE = {"exfiltration": "hacking", "ransomware": "hacking", "shock": "hacking",
             "insider_snoop": "unauthorized_access", "insider_sale": "unauthorized_access",
             "function_creep": "unauthorized_access", "loss_theft": "theft_loss"}


@dataclass(eq=False)
class Incident:
    """One incident (a breach, an insider episode, a function-creep campaign).

    Attributes:
        id: sequential number.
        day: day it happened.
        kind: ``exfiltration``, ``ransomware``, ``shock``, ``insider_snoop``,
            ``insider_sale``, ``function_creep`` or ``loss_theft``.
        attacker: the agent (``None`` for the scenario's shock).
        institution: where it happened.
        n_real: real records taken or opened.
        residents: simulated residents whose records were exposed.
        reidentified: per exposed record, whether it can be tied to the person.
        fields: per exposed record, the mask of fields leaked.
        identified: per exposed record, whether it carries a direct identifier.
        blocked: a function-creep query stopped by purpose binding.
        detect_day: day of detection, ``-1`` if never within the run.
        sanctioned: whether the offender was sanctioned.
    """

    id: int
    day: int
    kind: str
    attacker: Attacker | None
    institution: Institution
    n_real: float
    residents: np.ndarray
    reidentified: np.ndarray
    fields: np.ndarray
    identified: np.ndarray
    blocked: bool = False
    detect_day: int = -1
    sanctioned: bool = False
    detected: bool = False
    _u_sanction: float = field(default=1.0, repr=False)


class Ledger:
    """Keeps incidents, exposure state and the run's privacy counters."""

    def __init__(self, model: HealthDataModel) -> None:
        self.model = model
        self.incidents: list[Incident] = []
        self._due: dict[int, list[Incident]] = defaultdict(list)
        self.broker_queue: list[tuple] = []
        self.residents_exposed = 0  # residents with a sensitive field exposed, re-identifiable
        self.records_exposed = 0  # simulated records exposed (with multiplicity)
        self.records_exposed_real = 0.0
        self.leaked_records = 0  # leaked (simulated) records
        self.identified_records = 0  # ... carrying a direct identifier
        self.qi_match_sum = 0.0  # Σ κ from quasi-identifiers alone, over all leaked records
        # records leaked without a direct identifier (pseudonymised or de-identified flows):
        # the only ones whose re-identification is uncertain
        self.deid_records = 0
        self.deid_prosecutor_sum = 0.0  # Σ prosecutor risk within the real leaked set
        self.deid_marketer_sum = 0.0  # Σ κ against the represented population
        self.deid_at_risk = 0  # journalist risk above τ = 0.09
        self.detection_delays: list[int] = []
        n_days = model.n_days
        self.daily_breaches = np.zeros(n_days, dtype=np.int64)
        self.daily_insider = np.zeros(n_days, dtype=np.int64)
        self.daily_creep = np.zeros(n_days, dtype=np.int64)
        self.daily_records = np.zeros(n_days, dtype=np.int64)
        self.daily_detected = np.zeros(n_days, dtype=np.int64)
        self._pool_cache: dict[tuple, tuple[int, np.ndarray]] = {}
        self._pool_sizes: dict[int, int] = {}
        self._sizes_epoch = -1

    # ------------------------------------------------------------------- openers
    def breach(self, *, attacker: Attacker | None, institution: Institution, fraction: float,
               usable: bool, kind: str, u: np.ndarray, detect_now: bool = False,
               scale: float = 1.0) -> Incident:
        """Record a successful breach of every store of one real institution of a node.

        Args:
            attacker: who did it (``None`` for the scenario's shock).
            institution: the node the victim belongs to.
            fraction: share of the victim's records taken.
            usable: whether the stolen copy can be read (not encrypted, or keys taken).
            kind: the incident kind (``exfiltration``, ``ransomware``, ``loss_theft`` ...).
            u: the opportunity's uniforms (see :class:`sim.attackers.Attacker`).
            detect_now: detected the same day (the shock, a lost device).
            scale: the victim's size relative to the node's average real institution
                (:meth:`sim.model.TargetTable.victim_scale`): it holds ``scale /
                represents`` of the node's residents.
        """
        m = self.model
        institution.breaches += 1
        q = fraction * scale / institution.represents
        n_real = fraction * scale * float(m.targets.records_real[institution.index])
        parts = None
        if usable and self._may_touch_sample(institution, q, u):
            plan = [(institution.stores, self._pool(institution.stores, None, None, None), q)]
            parts = self._draw(plan, u, ("breach", institution.index))
        # stolen records are sold; lost ones reach a broker only if a thief took them
        p_sale = m.p["broker_buy_probability"] * (0.5 if kind in ACCIDENT_KINDS else 1.0)
        inc = self._open(kind, attacker, institution, n_real, parts, u,
                         to_broker=usable and u[7] < p_sale, detect_now=detect_now)
        if kind in EXTERNAL_KINDS:
            self.daily_breaches[m.day] += 1
        return inc

    def insider(self, *, attacker: Attacker, reach: Reach, n_real: float, kind: str,
                u: np.ndarray, blocked: bool = False) -> Incident:
        """Record an insider episode or a function-creep campaign over ``reach``."""
        m = self.model
        parts = None
        if not blocked:
            # one real staff member opens n_real of the real records in reach (as counted
            # from the pools actually sampled); a simulated resident held by a node standing
            # for R real institutions is in this staff member's reach with probability 1/R
            pools, total_real = self._reach_pools(reach, attacker.home)
            n_real = min(n_real, total_real)
            share = n_real / total_real
            parts = self._draw([(stores, held, share / r) for stores, held, r in pools], u,
                               ("insider", attacker.home.index))
        inc = self._open(kind, attacker, attacker.home, 0.0 if blocked else n_real, parts, u,
                         to_broker=kind == "insider_sale", detect_now=blocked, blocked=blocked)
        if kind == "function_creep":
            self.daily_creep[m.day] += 1
        else:
            self.daily_insider[m.day] += 1
        return inc

    # ------------------------------------------------------------------ internals
    def _may_touch_sample(self, institution: Institution, q: float, u: np.ndarray) -> bool:
        """Whether a breach taking each held resident with probability ``q`` touches one.

        The same test :meth:`_draw` makes (``u[9]`` against P(none) = (1-q)^H), on the
        number of residents the institution's stores hold this epoch (the epoch's count, or
        for an institution with several stores the size of their union), so that the many
        breaches that touch no simulated resident cost no lists.
        """
        m = self.model
        epoch = m.epoch()
        if self._sizes_epoch != epoch:
            self._pool_sizes = {}
            self._sizes_epoch = epoch
        size = self._pool_sizes.get(institution.index)
        if size is None:
            stores = institution.stores
            size = (m.store_count(stores[0]) if len(stores) == 1
                    else len(self._pool(stores, None, None, None)))
            self._pool_sizes[institution.index] = size
        if size == 0 or q <= 0.0:
            return False
        return q >= 1.0 or u[9] >= math.exp(size * math.log1p(-q))

    def _draw(self, plan, u, key):
        """Sample exposed residents for each ``(stores, held, q)`` pool in ``plan``.

        Residents are drawn once per pool from the union of its stores' holdings (a dump of
        an institution takes a person's records from all its stores together). A breach of a
        node standing for thousands of real institutions usually touches no simulated
        resident; ``u[9]`` decides that case exactly (P(none) = Π (1-q)^H) without creating a
        generator. Otherwise the draws come from a generator keyed by the incident's kind,
        place and day, conditioned on at least one exposure.

        Returns:
            ``None`` or ``(residents, fields, identified)``, one entry per exposed resident.
        """
        m = self.model
        pools = []
        log_p0 = 0.0
        for stores, held, q in plan:
            q = min(q, 1.0)
            if len(held) and q > 0:
                pools.append((stores, held, q))
                log_p0 += len(held) * (math.log1p(-q) if q < 1.0 else -math.inf)
        if not pools or u[9] < math.exp(log_p0):
            return None
        rng = m.streams.fresh(key[0], key[1], m.day, int(u[9] * 2**31))
        # condition on at least one exposure: the first pool with one is s with probability
        # P(none before s)·(1 - P0_s) / (1 - P0); draw it zero-truncated, later pools freely
        p0 = [np.exp(len(held) * np.log1p(-q)) if q < 1.0 else 0.0 for _, held, q in pools]
        lead = np.cumprod([1.0, *p0[:-1]]) * (1.0 - np.array(p0))
        first = int(np.searchsorted(np.cumsum(lead) / lead.sum(), rng.random(), side="right"))
        first = min(first, len(pools) - 1)
        ks = [0] * len(pools)
        ks[first] = _truncated_binomial(len(pools[first][1]), pools[first][2], rng)
        for j in range(first + 1, len(pools)):
            ks[j] = int(rng.binomial(len(pools[j][1]), pools[j][2]))
        res, flds, ids = [], [], []
        ident_bits = np.int64(m.policy.identifiers)
        for (stores, held, _), k in zip(pools, ks, strict=True):
            if k == 0:
                continue
            idx = held[rng.choice(len(held), size=k, replace=False)] if k < len(held) else held
            for st in stores:
                sub = idx if len(stores) == 1 else idx[np.isin(idx, m.holdings(st))]
                f = m.record_fields(st, sub)
                res.append(sub)
                flds.append(f)
                ids.append(((f & ident_bits) != 0) if st.identified
                           else np.zeros(len(sub), dtype=bool))
        if not res:
            return None
        idx = np.concatenate(res)
        fields = np.concatenate(flds)
        ident = np.concatenate(ids)
        if len(res) > 1:  # merge a resident's records across stores and pools
            order = np.argsort(idx, kind="stable")
            idx, fields, ident = idx[order], fields[order], ident[order]
            starts = np.flatnonzero(np.r_[True, idx[1:] != idx[:-1]])
            fields = np.bitwise_or.reduceat(fields, starts)
            ident = np.logical_or.reduceat(ident, starts)
            idx = idx[starts]
        keep = fields != 0
        return idx[keep], fields[keep], ident[keep]

    def _reach_pools(self, reach: Reach, home: Institution):
        """Return a reach's pools and the real records they hold.

        Pools group the stores by how many real institutions their node stands for. They
        are cached for the epoch, unless limited to recent patients (which change daily).
        """
        m = self.model
        cached = reach.pools_cache
        if cached is not None and cached[0] == m.epoch():
            return cached[1], cached[2]
        by_r: dict[int, list] = {}
        for st in reach.stores:
            by_r.setdefault(st.institution.represents, []).append(st)
        pools = [(stores, self._pool(stores, reach.region, reach.recent_days, home), r)
                 for r, stores in by_r.items()]
        total_real = max(sum(len(held) * m.scale / r for _, held, r in pools), 1.0)
        if reach.recent_days is None:
            reach.pools_cache = (m.epoch(), pools, total_real)
        return pools, total_real

    def _pool(self, stores, region, recent_days, home):
        """Residents held by any of ``stores`` (optionally of one region / seen recently).

        Unions and region filters are cached for as long as the holdings lists they come
        from (a week): at a million residents they cost milliseconds each.
        """
        m = self.model
        if len(stores) == 1 and region is None and recent_days is None:
            return m.holdings(stores[0])
        key = (tuple(st.index for st in stores), region)
        hit = self._pool_cache.get(key)
        if hit is not None and m.epoch(hit[0]) == m.epoch():
            held = hit[1]
        else:
            if len(stores) == 1:
                held = m.holdings(stores[0])
            else:
                mask = np.zeros(m.pop.n, dtype=bool)
                for st in stores:
                    mask[m.holdings(st)] = True
                held = np.flatnonzero(mask)
            if region is not None:
                held = held[m.pop.region[held] == region]
            self._pool_cache[key] = (m.day, held)
        if recent_days is not None and home is not None and home.provider_row >= 0:
            held = held[m.last_visit[home.provider_row, held] >= m.day - recent_days]
        return held

    def _open(self, kind, attacker, institution, n_real, parts, u, *, to_broker, detect_now,
              blocked=False) -> Incident:
        m = self.model
        pop = m.pop
        # most incidents touch no simulated resident: share one set of empty (read-only) arrays
        residents, reidentified = _NO_INT, _NO_BOOL
        leaked_fields, leaked_identified = _NO_INT, _NO_BOOL
        if parts is not None and len(parts[0]):
            idx, fields, identified = parts
            reid, within, kappa, p_class = self._reidentify(idx, fields, identified, n_real)
            n = len(idx)
            self.records_exposed += n
            self.leaked_records += n
            self.identified_records += int(identified.sum())
            self.qi_match_sum += float(kappa.sum())
            deid = ~identified
            if deid.any():
                pop_size = 1.0 + (m.p["real_population"] - 1.0) * p_class[deid]
                self.deid_records += int(deid.sum())
                self.deid_prosecutor_sum += float(within[deid].sum())
                self.deid_marketer_sum += float(kappa[deid].sum())
                self.deid_at_risk += int(np.sum(pop_size < 1.0 / RISK_TAU))
            newly = reid & (pop.ever_exposed_day[idx] < 0) & ((fields & m.sensitive_mask) != 0)
            pop.ever_exposed_day[idx[newly]] = m.day
            self.residents_exposed += int(newly.sum())
            np.bitwise_or.at(pop.exposed_fields, idx[reid], fields[reid])
            self.daily_records[m.day] += n
            if to_broker and m.brokers:
                buyer = m.brokers[int(u[6] * len(m.brokers)) % len(m.brokers)]
                self.broker_queue.append((buyer, idx, fields, reid))
            residents, reidentified = idx, reid
            leaked_fields, leaked_identified = fields, identified
        inc = Incident(id=len(self.incidents), day=m.day, kind=kind, attacker=attacker,
                       institution=institution, n_real=n_real, residents=residents,
                       reidentified=reidentified, fields=leaked_fields,
                       identified=leaked_identified, blocked=blocked, _u_sanction=float(u[5]))
        self.incidents.append(inc)
        self.records_exposed_real += n_real
        # detection: ever detected with the policy's probability; delay ~ exponential
        family = attacker.family if attacker is not None else "external"
        if detect_now:
            inc.detect_day = m.day
        elif u[4] < m.detection_probability(family):
            mean = m.detection_delay_days(family)
            delay = math.ceil(-mean * math.log(max(float(u[8]), 1e-12)))
            inc.detect_day = m.day + max(delay, 0)
        if 0 <= inc.detect_day < m.n_days:
            self._due[inc.detect_day].append(inc)
        return inc

    def _reidentify(self, idx: np.ndarray, fields: np.ndarray, identified: np.ndarray,
                    n_real: float):
        """Return (re-identifiable, prosecutor risk, κ, class probability p) per record.

        A record's quasi-identifier combination has probability ``p`` in the represented
        population (a product of marginals). Against the population (a broker matching a
        register, the marketer model) a match is right with probability
        κ(N, p) = (1 - (1-p)^N) / (N p) (:func:`sim.risk.correct_match_probability`). Within
        the leaked set itself (the prosecutor model, ARX's J/n = mean 1/f), the record's
        class holds the record plus Binomial(n_real - 1, p) others, so its expected risk is
        κ(n_real, p). Both are from the quasi-identifiers alone; a record with a direct
        identifier is re-identifiable whatever they say.
        """
        m = self.model
        p = np.exp(m.qi_log_probability(idx, fields))
        kappa = correct_match_probability(m.p["real_population"], p)
        reid = identified | (m.pop.u_link[idx] < kappa)
        within = correct_match_probability(max(n_real, 1.0), p)
        return reid, within, kappa, p

    def leak_table(self, incident: Incident) -> pd.DataFrame:
        """The quasi-identifier columns of an incident's leaked records, for ARX analysis.

        Returns:
            One row per exposed simulated resident: the quasi-identifiers the records carry
            (``-1`` where absent), ``identified``, and ``population_size``: the expected size
            of the record's class in the represented population, ``1 + (N - 1) p``. Pass
            it to :func:`sim.risk.risk_measures` (``population_sizes``).
        """
        m = self.model
        idx, fields = incident.residents, incident.fields
        table = pd.DataFrame(m.qi_columns(idx, fields))
        p = np.exp(m.qi_log_probability(idx, fields))
        table["identified"] = incident.identified
        table["population_size"] = 1.0 + (m.p["real_population"] - 1.0) * p
        table.index = pd.Index(idx, name="resident")
        return table

    def leak_risk(self, incident: Incident, threshold: float = RISK_TAU):
        """ARX prosecutor, journalist and marketer measures of an incident's leaked sample.

        Uses :func:`sim.risk.risk_measures` on :meth:`leak_table`: the quasi-identifiers
        plus, for records with direct identifiers, the resident (a unique key); population
        class sizes are the expected ones, raised where needed to the sample's own class
        sizes. The sample is the thinned simulated one: the prosecutor measures describe
        it, not the real leak (the ``reidentification_risk`` outcome scales to the real
        leak).

        Returns:
            A :class:`sim.risk.RiskMeasures`, or ``None`` if no simulated record leaked.
        """
        from .risk import equivalence_classes, risk_measures

        table = self.leak_table(incident)
        if table.empty:
            return None
        qi = table.drop(columns=["identified", "population_size"])
        qi["_id"] = np.where(table["identified"], table.index, -1)
        cls, f = equivalence_classes(qi)
        pop = np.maximum(table["population_size"].to_numpy(), f[cls])
        pop = np.where(table["identified"], 1.0, pop)
        return risk_measures(qi, population_sizes=pop, threshold=threshold)

    # -------------------------------------------------------------- daily phases
    def detect_and_enforce(self) -> None:
        """Detect incidents due today, sanction, notify, and let attackers learn."""
        m = self.model
        p = m.p
        due = self._due.pop(m.day, [])
        for inc in due:
            inc.detected = True
            self.daily_detected[m.day] += 1
            self.detection_delays.append(m.day - inc.day)
            family = inc.attacker.family if inc.attacker is not None else "external"
            inc.sanctioned = inc.attacker is not None and (
                inc._u_sanction < m.sanction_probability(family))
            if inc.attacker is not None:
                inc.attacker.observe_own_outcome(inc.sanctioned,
                                                 counted_as_success=not inc.blocked)
                # peers learn how often detection leads to a sanction only where detections
                # are made known; if they are kept quiet, peers hear of the court cases
                # alone and, not knowing how many detections went unpunished, learn nothing
                # from them (rather than believing every detection is punished)
                if p["breach_notification"] != "none":
                    for a in m.attackers_by_family.get(family, ()):
                        if a is not inc.attacker:
                            a.observe_public_outcome(inc.sanctioned)
            self._notify(inc)

    def _notify(self, inc: Incident) -> None:
        m = self.model
        p = m.p
        policy = p["breach_notification"]
        # news: a breach's weight grows with the square of its share of the population, in
        # units of 1% (salience is convex: a breach of 1% of the population is a national
        # controversy, the daily stream of small ones is not); a breach of 1% or more makes
        # the news whatever the policy
        weight = min(1.0, inc.n_real / (0.01 * p["real_population"])) ** 2
        if policy in ("affected", "public") and len(inc.residents):
            m.behaviour.notify(inc.residents)
        if weight > 0.0 and (policy == "public" or weight >= 1.0):
            m.behaviour.publicise(weight)

    def link_bought_leaks(self) -> int:
        """Brokers link the leaks they bought today into dossiers; return how many."""
        n = len(self.broker_queue)
        for buyer, idx, fields, reid in self.broker_queue:
            buyer.link(idx, fields, reid)
        self.broker_queue = []
        return n

    # ---------------------------------------------------------------- summaries
    def incident_table(self) -> pd.DataFrame:
        """One row per incident, for analysis and validation.

        Columns: ``day``, ``kind``, ``cause`` (its OCR breach-portal category: hacking,
        unauthorized_access, theft_loss), ``attacker`` (type name, empty for the shock),
        ``institution`` (label), ``institution_kind``, ``records_real`` (real records taken
        or opened), ``residents_exposed`` (simulated residents whose records were exposed),
        ``blocked``, ``detected``, ``detect_day`` (-1 if not within the run),
        ``sanctioned``.
        """
        rows = [(i.day, i.kind, OCR_CAUSE.get(i.kind, "other"),
                 i.attacker.type_name if i.attacker is not None else "",
                 i.institution.label, i.institution.kind.value, float(i.n_real),
                 len(i.residents), bool(i.blocked), bool(i.detected), int(i.detect_day),
                 bool(i.sanctioned)) for i in self.incidents]
        cols = ["day", "kind", "cause", "attacker", "institution", "institution_kind",
                "records_real", "residents_exposed", "blocked", "detected", "detect_day",
                "sanctioned"]
        return pd.DataFrame(rows, columns=cols)

    @property
    def n_breaches(self) -> int:
        """Successful external breaches (real-world count)."""
        return sum(1 for i in self.incidents if i.kind in EXTERNAL_KINDS)

    @property
    def n_insider(self) -> int:
        """Insider incidents (real-world count)."""
        return sum(1 for i in self.incidents if i.kind in INSIDER_KINDS)

    @property
    def n_loss_theft(self) -> int:
        """Losses, thefts and improper disposals (real-world count)."""
        return sum(1 for i in self.incidents if i.kind in ACCIDENT_KINDS)

    @property
    def n_creep(self) -> int:
        """Function-creep campaigns, including blocked ones."""
        return sum(1 for i in self.incidents if i.kind == "function_creep")


_NO_INT = np.zeros(0, dtype=np.int64)
_NO_BOOL = np.zeros(0, dtype=bool)
_NO_INT.flags.writeable = False
_NO_BOOL.flags.writeable = False


def _truncated_binomial(n: int, q: float, rng: np.random.Generator) -> int:
    """Draw K ~ Binomial(n, q) conditioned on K >= 1 (exactly)."""
    if q >= 1.0:
        return n
    p_none = np.exp(n * np.log1p(-q))
    if p_none < 0.5:  # rejection is cheap
        while True:
            k = int(rng.binomial(n, q))
            if k:
                return k
    # inverse CDF over k = 1, 2, ... (the mean is small here, so few steps)
    target = rng.random() * (1.0 - p_none)
    ratio = q / (1.0 - q)
    pmf = n * q * np.exp((n - 1) * np.log1p(-q))
    k, cdf = 1, pmf
    while cdf < target and k < n:
        pmf *= (n - k) / (k + 1) * ratio
        k += 1
        cdf += pmf
    return k
