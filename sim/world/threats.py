"""What attackers see: attack surface, reach, breach sizes, odds of being caught, outages.

:class:`Threats` holds, for the model,

* the per-institution **target table** (:class:`TargetTable`): real records held, value per
  record, up or down, and the attack-surface weights opportunistic attackers find
  institutions by;
* **reach**: what an insider or a secondary user can open (:class:`Reach`), read from the
  sharing network (:mod:`sim.world.network`);
* **breach sizes**: the share of one real institution's records a breach takes
  (log-normal, fitted to the OCR portal, calibration.md §2);
* **deterrence terms**: detection and sanction probabilities and detection delays;
* **availability**: outages after ransomware, who is up today, and the clinical reach
  matrix under today's outages.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from scipy.special import ndtr, ndtri

from ..params import PARAMETERS
from .institutions import Institution, InstitutionKind, Store
from .network import (
    DEVICE,
    care_reads_gated,
    clinical_reach,
    code_gate,
    integrated_views,
    shared_stores_for,
)

if TYPE_CHECKING:  # pragma: no cover
    from .model import HealthDataModel

__all__ = ["BREACH_REFERENCE_RECORDS", "Reach", "TargetTable", "Threats", "attack_surface_weights",
           "breach_size_log10_median", "normal_quantiles"]

RECENT_CARE_DAYS = 7  # "patients under my care": seen here in the last week
BREACH_REFERENCE_RECORDS = 100_000  # holdings at which breach_size_log10_mean applies


def breach_size_log10_median(log10_mean: float, exponent: float, log10_holdings):
    """log10 of the median breach size taken from a victim holding 10^h records.

    ``log10_mean + exponent × (h − log10 100,000)`` (``breach_size_*`` parameters): larger
    holders lose more records, less than in proportion.
    """
    ref = math.log10(BREACH_REFERENCE_RECORDS)
    return log10_mean + exponent * (np.asarray(log10_holdings) - ref)


def attack_surface_weights(represents: np.ndarray, holdings: np.ndarray, exponent: float,
                           size_log10_sd: float) -> np.ndarray:
    """How often an opportunistic attacker finds each node (unnormalised weights).

    Σ over its real institutions of (records × size)^a = represents × holdings^a × E[s^a];
    ``E[s^a] = exp(a(a − 1)σ²/2)`` for log-normal sizes ``s`` of mean 1 (σ = sd·ln 10; 1 for
    a node that is one system); nodes holding nothing are never found.
    """
    sd = size_log10_sd * math.log(10.0)
    spread = np.where(represents > 1, math.exp(exponent * (exponent - 1.0) * sd * sd / 2.0), 1.0)
    w = represents * spread * np.maximum(holdings, 0.0) ** exponent
    return np.where(holdings > 0, w, 0.0)


def normal_quantiles(u):
    """Standard normal quantiles of uniforms ``u`` (clipped away from 0 and 1)."""
    # (np.minimum/np.maximum: what np.clip computes, at half its call cost on short arrays)
    if isinstance(u, float):
        return ndtri(min(max(u, 1e-12), 1.0 - 1e-12))
    return ndtri(np.minimum(np.maximum(u, 1e-12), 1.0 - 1e-12))


@dataclass
class Reach:
    """What an insider or secondary user can open.

    Attributes:
        stores: the stores reachable.
        region: restrict to residents of this region (``None``: no restriction).
        recent_days: restrict to patients seen at home in the last days (treating team).
        records_real: real records reachable (for sizing a sale or a campaign).
        value_per_record: bulk value of a reachable record (yuan).
    """

    stores: list[Store]
    region: int | None = None
    recent_days: int | None = None
    records_real: float = 0.0
    value_per_record: float = 0.0
    pools_cache: tuple | None = field(default=None, repr=False)


class TargetTable:
    """Per-institution attack surface: real records held, value per record, up or down."""

    def __init__(self, model: HealthDataModel, threats: Threats) -> None:
        self.model = model
        self.threats = threats
        insts = model.institution_list
        n = len(insts)
        self.records_real = np.zeros(n)
        self.value_per_record = np.zeros(n)
        self.up = np.ones(n, dtype=bool)
        self.kind_ordinal = np.array([i.kind_ordinal for i in insts])
        self.security = np.array([i.security for i in insts])
        self.represents = np.array([i.represents for i in insts], dtype=float)
        self._owner = np.array([s.institution.index for s in model.stores], dtype=np.int64)
        self._cum = None

    def refresh(self) -> None:
        """Recount holdings (this epoch's store counts) and values."""
        m = self.model
        n = len(m.institution_list)
        # an institution's stores hold largely the same people (a settlement store and an
        # integrated view of it): people = the largest store; what a person's record is
        # worth adds up over the stores holding them
        people = np.zeros(n)
        worth = np.zeros(n)
        unpurged = np.zeros(n)
        if m.stores:
            counts = m.records.store_counts().astype(float)
            np.maximum.at(people, self._owner, counts)
            worth = np.bincount(self._owner, weights=counts * self.threats.store_value,
                                minlength=n)
            np.maximum.at(unpurged, self._owner, m.records.unpurged_counts().astype(float))
        #: per institution, the share of its records that retention has kept (1: nothing
        #: purged): an intrusion reaches as deep into an institution whatever its
        #: retention, and takes that share of what is kept (:meth:`Threats.kept_fractions`)
        self.retained_share = np.divide(people, unpurged, out=np.ones(n), where=unpurged > 0)
        self.records_real = people * m.scale / self.represents
        self.value_per_record = np.divide(worth, people, out=np.zeros(n), where=people > 0)
        # an opportunistic attacker finds a real institution with probability proportional
        # to its attack surface, which grows with the records it holds, less than in
        # proportion (attack_surface_exponent, fitted to the OCR size distribution)
        weights = attack_surface_weights(self.represents, self.records_real,
                                         float(m.p["attack_surface_exponent"]),
                                         float(m.p["institution_size_log10_sd"]))
        # nothing held anywhere (nothing collected): every draw finds an empty target
        self._cum = (np.cumsum(weights) / weights.sum() if weights.sum() > 0
                     else np.ones(len(weights)))
        self._cum[-1] = np.inf  # u < 1 always lands on an institution
        # an intrusion takes the share of what is kept that it would take of the unpurged
        # institution (Threats.kept_fractions)
        self.mean_fraction = self.threats.mean_breach_fraction(
            np.divide(self.records_real, self.retained_share, out=self.records_real.copy(),
                      where=self.retained_share > 0))
        data = (self.mean_fraction * self.records_real * self.value_per_record
                * self.threats.key_usable_probability)
        self._haul = {False: data,
                      True: data + m.p["ransom_yuan_scale"] * self.records_real**0.55}

    def victim_scales(self, idx: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Size of the real institution hit in each node ``idx``, relative to the average.

        One uniform each; the node's average real institution has size 1. Real institutions
        of one tier differ in size (log-normal, log10 sd ``institution_size_log10_sd``); an
        attacker who finds institutions in proportion to
        records^a finds large ones more often, so the victim's size is drawn from the
        size-biased distribution: ln s ~ N((a - 1/2)σ², σ), σ = sd·ln 10, capped at the
        number of institutions the node stands for (one cannot hold more than all of
        them). A node standing for one system (a platform) has no spread.
        """
        sd = float(self.model.p["institution_size_log10_sd"]) * math.log(10.0)
        a = float(self.model.p["attack_surface_exponent"])
        s = np.exp((a - 0.5) * sd * sd + sd * normal_quantiles(u))
        rep = self.represents[idx]
        return np.where(rep == 1, 1.0, np.minimum(s, rep))

    def victim_scale(self, inst: Institution, u: float) -> float:
        """:meth:`victim_scales` of one institution."""
        return float(self.victim_scales(np.array([inst.index]), np.array([u]))[0])

    def haul_value(self, ransomware: bool) -> np.ndarray:
        """Expected value of one successful attack on each institution (yuan)."""
        return self._haul[ransomware]

    def pick_opportunistic_many(self, u: np.ndarray) -> np.ndarray:
        """Institutions found by chance (indices): weighted by their real ones' surface."""
        return np.searchsorted(self._cum, u, side="right")


class Threats:
    """The model's attack surface, reach, breach sizes, deterrence terms and availability."""

    def __init__(self, model: HealthDataModel) -> None:
        self.model = model
        p = model.p
        self.key_usable_probability = (p["key_compromise_probability"]
                                       if p["encryption_at_rest"] else 1.0)
        ref = PARAMETERS["penalty_yuan"].default
        self.perceived_penalty = ref * (p["penalty_yuan"] / ref) ** p["perceived_penalty_exponent"]
        self.store_value = np.array([s.retail_value * p["resale_value_multiplier"]
                                     * p["bulk_value_factor"] for s in model.stores])
        insts = model.institution_list
        self.represents = np.array([i.represents for i in insts], dtype=float)
        self._store_represents = np.array([s.institution.represents for s in model.stores],
                                          dtype=float)
        self._shared_system = np.array([not i.kind.is_provider for i in insts])
        self.down_counts = np.zeros(len(insts), dtype=np.int64)
        self._outage_ends: dict[int, list[int]] = {}
        self.downtime_days = 0  # real institution-days down
        self.shared_downtime_days = 0  # days a national or regional system was down
        self._reach_cache: dict[tuple[bytes, bool], np.ndarray] = {}
        self._readable_cache: dict[tuple[bytes, bool], tuple[np.ndarray, bool]] = {}
        self._code_gate: str | None = None
        self._insider_reach: dict[int, Reach] = {}
        self._reach_static: dict[int, tuple] = {}
        self._reach_weights: tuple | None = None
        self._reach_table: tuple | None = None
        self.targets = TargetTable(model, self)
        self.new_day()
        self.targets.refresh()

    # ------------------------------------------------------------ availability
    def new_day(self) -> None:
        """End outages due today, recompute who is up, count today's downtime."""
        ended = self._outage_ends.pop(self.model.day, None)
        if ended:
            np.subtract.at(self.down_counts, ended, 1)
        self.down_share = np.minimum(1.0, self.down_counts / self.represents)
        self.up = self.down_share < 0.5
        self.targets.up = self.up
        self._reach_key = self.up.tobytes()
        self.downtime_days += int(self.down_counts.sum())
        self.shared_downtime_days += int(self.down_counts[self._shared_system].sum())

    def new_epoch(self) -> None:
        """A new holdings epoch: recount the attack surface, drop cached reaches."""
        self.targets.refresh()
        self._insider_reach.clear()

    def start_outage(self, idx: np.ndarray, days: int) -> None:
        """One real institution of each node ``idx`` goes down from tomorrow for ``days``."""
        if days <= 0 or len(idx) == 0:
            return
        np.add.at(self.down_counts, idx, 1)
        self._outage_ends.setdefault(self.model.day + 1 + days, []).extend(np.asarray(idx).tolist())
        # only these nodes changed: update their rows (a full recompute waits for tomorrow)
        self.down_share[idx] = np.minimum(1.0, self.down_counts[idx] / self.represents[idx])
        self.up[idx] = self.down_share[idx] < 0.5
        self._reach_key = self.up.tobytes()

    def reach_matrix(self, *, ungated: bool = False) -> np.ndarray:
        """``R[j, i]``: can provider ``i`` read provider ``j``'s records today?

        With ``ungated``, only through access flows that need no code from the resident.
        """
        key = (self._reach_key, ungated)
        r = self._reach_cache.get(key)
        if r is None:
            r = self._reach_cache[key] = clinical_reach(self.model, self.up, ungated=ungated)
        return r

    def readable_providers(self, *, ungated: bool = False) -> tuple[np.ndarray, bool]:
        """Providers some provider can read today, and whether every provider reads all."""
        key = (self._reach_key, ungated)
        hit = self._readable_cache.get(key)
        if hit is None:
            r = self.reach_matrix(ungated=ungated)
            hit = self._readable_cache[key] = (np.flatnonzero(r.any(axis=1)), bool(r.all()))
        return hit

    def code_gate(self) -> str:
        """Which care reads need the resident's code: ``"none"``, ``"all"`` or ``"some"``.

        Read from the access flows (:func:`sim.world.network.code_gate`).
        """
        if self._code_gate is None:
            self._code_gate = code_gate(self.model)
        return self._code_gate

    def invalidate_reach(self) -> None:
        """Forget cached reaches (after the sharing network changed)."""
        self._reach_cache.clear()
        self._readable_cache.clear()
        self._code_gate = None
        self._insider_reach.clear()
        self._reach_static.clear()
        self._reach_weights = self._reach_table = None

    def break_glass_up(self) -> bool:
        """Whether emergency break-glass access works today."""
        bg = getattr(self.model.architecture, "break_glass", None)
        if bg is None:
            return not self.model.architecture.on_device  # platforms serve break-glass
        return bool(self.up[bg.index])

    # --------------------------------------------------------- deterrence terms
    def detection_probability(self, family: str) -> float:
        """Probability an incident by ``family`` is ever detected under the policy.

        Access audit (``audit_strength``) finds staff and secondary users who open records
        without a reason: its sources measure exactly that (ML audit of EHR accesses,
        Boxwala 2011; explanation-based auditing, Fabbri 2013; calibration.md §5.2), and
        purpose binding makes an unexplained access stand out. An intrusion by an outside
        group is found by other means (security monitoring, third parties, the attackers
        themselves): ``external_detection_probability``, whatever the access audit.
        """
        p = self.model.p
        if family == "external":
            return float(p["external_detection_probability"])
        if family in ("insider", "secondary"):
            return float(min(1.0, p["audit_strength"] * (0.5 + p["purpose_binding"])))
        return 0.0

    def sanction_probability(self, family: str) -> float:
        """Probability a detected offender of ``family`` is sanctioned (accidents: never)."""
        p = self.model.p
        if family == "accident":
            return 0.0
        factor = p["foreign_enforcement_factor"] if family == "external" else 1.0
        return float(p["enforcement_probability"] * factor)

    def detection_delay_days(self, family: str) -> float:
        """Mean days to detection.

        External breaches: ``detection_days_external`` (IBM's time to discovery, measured
        whatever the access audit). Insiders and secondary users: ``detection_days_insider``,
        which access audit (``audit_strength``) shortens by up to 30%.
        """
        p = self.model.p
        if family == "external":
            return float(p["detection_days_external"])
        return float(p["detection_days_insider"] * (1.0 - 0.3 * p["audit_strength"]))

    # -------------------------------------------------------------- breach size
    def _fraction_log10_mean(self, holdings_real):
        p = self.model.p
        h = np.log10(np.maximum(holdings_real, 1.0))
        return breach_size_log10_median(p["breach_size_log10_mean"],
                                        p["breach_size_exponent"], h) - h

    def breach_fractions(self, holdings_real: np.ndarray, z: np.ndarray) -> np.ndarray:
        """Share of one real institution's ``holdings_real`` records taken in a breach.

        Size = 10^(mean + sd·z) × (holdings / 100,000)^exponent records, capped at the
        holdings: log-normal like the OCR data, larger for larger stores but not in
        proportion (``breach_size_*`` parameters); ``z`` standard normal deviates.
        """
        log_mean = self._fraction_log10_mean(holdings_real)
        return np.minimum(1.0, 10.0 ** (log_mean + self.model.p["breach_size_log10_sd"] * z))

    def breach_fraction(self, holdings_real: float, z: float) -> float:
        """:meth:`breach_fractions` of one breach."""
        return float(self.breach_fractions(np.array([holdings_real]), np.array([z]))[0])

    def mean_breach_fraction(self, holdings_real):
        """Expected :meth:`breach_fraction` for stores of ``holdings_real`` records (array)."""
        return _mean_capped_lognormal(self._fraction_log10_mean(holdings_real),
                                      float(self.model.p["breach_size_log10_sd"]))

    def unpurged_holdings(self, idx: np.ndarray, held_real: np.ndarray) -> np.ndarray:
        """What victims holding ``held_real`` kept records would hold had nothing been purged."""
        k = self.targets.retained_share[np.asarray(idx, dtype=np.int64)]
        return np.divide(held_real, k, out=np.asarray(held_real, dtype=float).copy(),
                         where=k > 0)

    def kept_fractions(self, idx: np.ndarray, held_real: np.ndarray, z: np.ndarray,
                       fraction: np.ndarray) -> np.ndarray:
        """The share of each victim's kept records an intrusion takes, under retention.

        The breach-size law (``breach_size_exponent``, fitted across institutions of
        different sizes) says how deep an intrusion gets into an institution of a given
        size. Retention deletes rows without making the institution smaller: the intrusion
        gets as deep as into the unpurged institution (:meth:`unpurged_holdings`) and takes
        that share of what is kept, so the records taken fall in proportion to the share
        kept (not to its power ``e``). ``fraction``: the share the size law gives the kept
        holdings ``held_real`` (kept where nothing was purged); ``z``: the same size draws.
        """
        idx = np.asarray(idx, dtype=np.int64)
        purged = self.targets.retained_share[idx] < 1.0
        if not purged.any():
            return np.asarray(fraction, dtype=float)
        full = self.breach_fractions(self.unpurged_holdings(idx, held_real), z)
        return np.where(purged, full, fraction)

    def usable(self, u3: np.ndarray) -> np.ndarray:
        """Whether each stolen copy can be read: not encrypted, or its keys were taken."""
        return u3 < self.key_usable_probability

    # -------------------------------------------------------------------- reach
    def insider_reach(self, inst: Institution) -> Reach:
        """The stores a staff member of ``inst`` can open without a care relationship.

        Their own institution's stores, and, under region or national access breadth
        where reading needs no code, the shared stores the sharing network gives them
        (:func:`sim.world.network.shared_stores_for`); the treating team sees only patients seen
        in the last week. Which stores is fixed by the design; how many records they hold
        is this epoch's count (cached for the epoch).
        """
        cached = self._insider_reach.get(inst.index)
        if cached is not None:
            return cached
        stores, region, recent = self._static_reach(inst)
        real, vpr, _ = self.insider_reach_table()
        counts = self.model.records.store_counts()
        reach = self._insider_reach[inst.index] = Reach(
            stores=[s for s in stores if counts[s.index] > 0], region=region,
            recent_days=recent, records_real=float(real[inst.index]),
            value_per_record=float(vpr[inst.index]))
        return reach

    def _static_reach(self, inst: Institution):
        static = self._reach_static.get(inst.index)
        if static is None:
            static = self._reach_static[inst.index] = self._insider_stores(inst)
        return static

    def insider_reach_table(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """What a staff member of each institution (by index) can reach this epoch.

        Real records in reach, the bulk value of one of them, and whether any store in
        reach holds anyone (:meth:`insider_reach`, for all institutions in three products).
        """
        m = self.model
        epoch = m.records.epoch()
        if self._reach_table is not None and self._reach_table[0] == epoch:
            return self._reach_table[1]
        if self._reach_weights is None:
            # weight of each store's count in each institution's reach (region: a region's
            # share; treating team: the share of the retention window seen this week)
            w = np.zeros((len(m.institution_list), len(m.stores)))
            for inst in m.institution_list:
                stores, region, recent = self._static_reach(inst)
                factor = 1.0
                if region is not None:  # the region's share of residents (provinces differ)
                    factor *= float(m.pop.region_weight[region])
                if recent is not None:
                    factor *= min(1.0, RECENT_CARE_DAYS / max(m.p["retention_days"], 1))
                for st in stores:
                    w[inst.index, st.index] = factor
            self._reach_weights = (w, w * m.scale / self._store_represents, w > 0)
        w, w_real, member = self._reach_weights
        c = m.records.store_counts().astype(float)
        total = w @ c
        vpr = np.divide(w @ (c * self.store_value), total, out=np.zeros(len(total)),
                        where=total > 0)
        table = (w_real @ c, vpr, (member @ (c > 0)) > 0)
        self._reach_table = (epoch, table)
        return table

    def _insider_stores(self, inst: Institution) -> tuple[list[Store], int | None, int | None]:
        m = self.model
        breadth = m.p["access_breadth"]
        stores = list(inst.stores)
        region = recent = None
        if inst.kind.is_provider:
            # the code gate of this provider's care reads, from its access flows (with none,
            # as the consent model and architecture would gate them)
            gated = care_reads_gated(m, inst)
            if gated is None:
                gated = m.consent.requires_code or m.architecture.on_device
            if breadth == "treating_team":
                recent = RECENT_CARE_DAYS
            elif breadth == "region" and not gated:
                region = inst.region
            stores += shared_stores_for(m, inst, breadth)
        return stores, region, recent

    def central_code_lookup(self) -> bool:
        """Whether officials can look up any resident's health-code status on a server.

        Read from the sharing flows: where the record and the code live on the residents'
        phones (the network's ``DEVICE`` node: providers write to the phone and read it
        only when the resident shows the code), no server answers "what is this ID's code?"
        and nobody can turn a code red from a desk. Under any other architecture the code
        is issued and its status served centrally, from public health's test, infection and
        vaccination data: Henan's officials needed nothing more to red-code 1,317 bank
        depositors in 2022 (health code alone, no integration; calibration.md §2.6).
        """
        m = self.model
        return not (m.architecture.on_device or DEVICE in m.graph)

    def secondary_reach(self, home: Institution) -> Reach:
        """What a secondary user at ``home`` can query beyond their purpose.

        The integrated views (:func:`sim.world.network.integrated_views`: insurance and payment
        codes merged with the health code, the location trail); and, for officials at
        public health where the code's status is served centrally
        (:meth:`central_code_lookup`), the public-health store behind the code's status,
        under any integration: integration only adds fields to what they see.
        """
        m = self.model
        stores = integrated_views(m, home)
        if home.kind is InstitutionKind.PUBLIC_HEALTH and self.central_code_lookup():
            stores = stores + [s for s in home.stores if s not in stores]
        if not stores:
            return Reach(stores=[])
        ix = np.array([s.index for s in stores])
        counts = m.records.store_counts()[ix].astype(float)
        total = counts.sum()
        vpr = float((counts * self.store_value[ix]).sum() / total) if total > 0 else 0.0
        return Reach(stores=[s for s, c in zip(stores, counts, strict=True) if c > 0],
                     records_real=float((counts * m.scale / self._store_represents[ix]).sum()),
                     value_per_record=vpr)

    def coverage(self, records_real):
        """Share of the people an insider wants to look at that lie within reach."""
        half = float(self.model.p["coverage_half_records"])
        return records_real / (records_real + half)

    def most_valuable(self) -> Institution:
        """The institution whose records are worth most in bulk (the shock's victim)."""
        return self.model.institution_list[int(np.argmax(self.targets.haul_value(False)))]


def _mean_capped_lognormal(mu10, sd10: float):
    """E[min(1, 10^(mu + sd·Z))], Z standard normal, in closed form (vectorised over mu).

    With X = e^(a + bZ), a = mu·ln 10, b = sd·ln 10:
    E[min(1, X)] = e^(a + b²/2)·Φ((-a - b²)/b) + 1 - Φ(-a/b).
    """
    a = np.asarray(mu10, dtype=float) * math.log(10.0)
    b = float(sd10) * math.log(10.0)
    if b == 0.0:
        out = np.minimum(1.0, np.exp(a))
    else:
        with np.errstate(over="ignore"):
            below = np.exp(np.minimum(a + 0.5 * b * b, 700.0)) * ndtr((-a - b * b) / b)
        out = below + 1.0 - ndtr(-a / b)
    return float(out) if np.ndim(out) == 0 else out
