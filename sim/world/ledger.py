"""The incident ledger: what leaked, whether it can be tied to a person, what followed.

What followed: detection, sanction, notification, sale to brokers.

Incidents are opened in batches (:meth:`Ledger.breaches`, :meth:`Ledger.insiders`), one
row per incident, and kept as columns; only incidents that expose simulated residents
(a few in ten) keep arrays of their own (:mod:`sim.world.exposure`). Counts of incidents are
real-world counts for the represented population; counts of exposed records are in the
simulated sample. Every incident stays inspectable: :meth:`Ledger.incident_table` (one
row each) and :attr:`Ledger.incidents` (:class:`Incident` views).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..yamlio import short
from .exposure import Sampler, reidentify
from .threats import normal_quantiles
from .uniforms import (
    N_UNIFORMS,
    U_BROKER,
    U_DELAY,
    U_DETECTED,
    U_EXPOSES,
    U_SANCTIONED,
    U_SIZE,
    U_SOLD,
)

if TYPE_CHECKING:  # pragma: no cover
    from .attackers import Attacker
    from .institutions import Institution
    from .model import HealthDataModel
    from .threats import Reach

__all__ = ["Incident", "Ledger"]

RISK_TAU = 0.09  # EMA Policy 0070 / Health Canada threshold (calibration.md §1.4)
EXTERNAL_KINDS = ("exfiltration", "ransomware", "shock")
INSIDER_KINDS = ("insider_snoop", "insider_sale")
ACCIDENT_KINDS = ("loss_theft",)
#: the OCR breach-portal category of each incident kind (calibration.md §2.1)
OCR_CAUSE = {"exfiltration": "hacking", "ransomware": "hacking", "shock": "hacking",
             "insider_snoop": "unauthorized_access", "insider_sale": "unauthorized_access",
             "function_creep": "unauthorized_access", "loss_theft": "theft_loss"}
_COLUMNS = ("day", "kind", "institution", "n_real", "exposed", "blocked", "detect_day")
def _first_uniforms(u) -> np.ndarray:
    """Each row's first :data:`~sim.world.uniforms.N_UNIFORMS` uniforms: what the ledger reads.

    An attacker type with a larger ``block`` keeps its extra draws to itself; the day's
    incidents of every type then stack into one table.
    """
    u = np.asarray(u)
    return u if u.shape[1] == N_UNIFORMS else u[:, :N_UNIFORMS]


def short_array(x) -> str:
    """An argument's value, cut short for a one-line message."""
    return short(np.asarray(x).tolist())


def _kinds(kind, n: int) -> np.ndarray:
    """One incident kind per row (``kind`` may be one for all)."""
    if isinstance(kind, str):
        return np.full(n, kind, dtype=object)
    return np.asarray(kind, dtype=object)


_INTRUSIONS = frozenset({"exfiltration", "ransomware"})
_NO_INT = np.zeros(0, dtype=np.int64)
_NO_BOOL = np.zeros(0, dtype=bool)
_NO_INT.flags.writeable = False
_NO_BOOL.flags.writeable = False


def _no_offences() -> list[int]:
    """A family's public record before any detected offence: [sanctioned, not sanctioned]."""
    return [0, 0]


@dataclass(eq=False)
class Incident:
    """One incident (a breach, an insider episode, a function-creep campaign), as a view.

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
        detect_day: day of detection (due), ``-1`` if never within the run.
        detected: whether it has been detected by today.
        sanctioned: whether the offender was sanctioned.
    """

    id: int
    day: int
    kind: str
    attacker: Attacker | None
    institution: Institution
    n_real: float
    residents: np.ndarray = field(default_factory=lambda: _NO_INT)
    reidentified: np.ndarray = field(default_factory=lambda: _NO_BOOL)
    fields: np.ndarray = field(default_factory=lambda: _NO_INT)
    identified: np.ndarray = field(default_factory=lambda: _NO_BOOL)
    blocked: bool = False
    detect_day: int = -1
    detected: bool = False
    sanctioned: bool = False


class Ledger:
    """Keeps incidents, exposure state and the run's privacy counters."""

    def __init__(self, model: HealthDataModel) -> None:
        self.model = model
        self.sampler = Sampler(model)
        self.kinds: list[str] = []  # kind codes, in order of first use
        self._codes: dict[str, int] = {}
        self._terms: dict[str, tuple[float, float]] = {}
        self._chunks: list[tuple] = []
        self._cols: dict[str, np.ndarray] | None = None
        self._attackers: list[Attacker | None] = []
        self._exposures: dict[int, tuple] = {}  # incident id -> (residents, reid, fields, ident)
        self._detected: set[int] = set()
        self._sanctioned: set[int] = set()
        self._due: dict[int, list[tuple]] = defaultdict(list)
        self.n_incidents = 0
        self._today: list[tuple] = []  # incidents recorded today, opened by close_day()
        self.broker_queue: list[tuple] = []
        #: per family, the public record of detected offences: [sanctioned, not sanctioned]
        self.public_record: dict[str, list[int]] = defaultdict(_no_offences)
        self.residents_exposed = 0  # residents with a sensitive field exposed, re-identifiable
        self.records_exposed = 0  # simulated records exposed (with multiplicity)
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

    # ------------------------------------------------------------------- openers
    def breaches(self, *, kind, attackers: list[Attacker | None], institutions: np.ndarray,
                 fraction: np.ndarray, scale: np.ndarray, usable: np.ndarray, u: np.ndarray,
                 detect_now: bool = False) -> None:
        """Record successful breaches, each of every store of one real institution of a node.

        Args:
            kind: the incident kind (``exfiltration``, ``ransomware``, ``loss_theft`` ...),
                one for all or one per breach.
            attackers: who did each (``None`` for the scenario's shock).
            institutions: the node each victim belongs to (indices).
            fraction: share of each victim's records taken (an intrusion's, by the size
                law, is re-read for what retention purged:
                :meth:`sim.world.threats.Threats.kept_fractions`).
            scale: each victim's size relative to its node's average real institution
                (:meth:`sim.world.threats.TargetTable.victim_scales`): it holds ``scale /
                represents`` of the node's residents.
            usable: whether each stolen copy can be read (not encrypted, or keys taken).
            u: each opportunity's uniforms (see :class:`sim.world.attackers.Attacker`).
            detect_now: detected the same day (the shock, a lost device).

        The day's incidents are opened together at the end of the attack phase
        (:meth:`close_day`).
        """
        t = self.model.threats.targets
        idx = np.asarray(institutions, dtype=np.int64)
        k = len(idx)
        kinds = _kinds(kind, k)
        fraction = np.asarray(fraction, dtype=float)
        # retention purged rows, not systems: an intrusion takes the share of what is kept
        # that it would take of the unpurged institution (its size draw is u[2]); the
        # shock's share and a lost device's records are what they are
        # (object array of a few names: a comprehension, not np.isin's sort)
        intrusion = np.array([x in _INTRUSIONS for x in kinds.tolist()], dtype=bool)
        if intrusion.any():
            th = self.model.threats
            rows = np.flatnonzero(intrusion)
            fraction = fraction.copy()
            fraction[rows] = th.kept_fractions(
                idx[rows], t.records_real[idx[rows]] * np.asarray(scale)[rows],
                normal_quantiles(np.asarray(u)[rows, U_SIZE]), fraction[rows])
        taken = fraction * np.asarray(scale)
        no = np.zeros(k, dtype=bool)
        self._today.append((kinds, list(attackers), idx, taken / t.represents[idx],
                            taken * t.records_real[idx], np.asarray(usable, dtype=bool),
                            _first_uniforms(u), np.full(k, detect_now), [None] * k, no, no,
                            [None] * k))

    def insiders(self, *, kind, attackers: list[Attacker], reaches: list[Reach] | None,
                 n_real: np.ndarray, u: np.ndarray, blocked: np.ndarray | None = None) -> None:
        """Record insider episodes or function-creep campaigns, one per row, over ``reaches``.

        One real staff member opens ``n_real`` real records (at most what is in reach as
        the epoch counts it: the caller caps it) of the pools of simulated residents in
        reach, at most all of them; a simulated
        resident held by a node standing for ``R`` real institutions is in this staff
        member's reach with probability 1/R. ``reaches=None``: each attacker's ``reach()``,
        built only for an incident that may expose someone (at most ``n_real / scale``
        simulated residents are expected to be: most touch none, and need no pools).
        Opened with the day's other incidents (:meth:`close_day`).
        """
        k = len(attackers)
        blocked = np.zeros(k, dtype=bool) if blocked is None else np.asarray(blocked, dtype=bool)
        idx = np.array([a.home.index for a in attackers], dtype=np.int64)
        self._today.append((_kinds(kind, k), list(attackers), idx, np.full(k, np.nan),
                            np.where(blocked, 0.0, np.asarray(n_real, dtype=float)),
                            ~blocked, _first_uniforms(u), np.zeros(k, dtype=bool),
                            reaches or [None] * k, np.ones(k, dtype=bool), blocked, [None] * k))

    def open_incident(self, kind: str, residents, *, fields, institution,
                      attacker: Attacker | None = None, identified=True,
                      n_real: float | None = None, sold: bool = False,
                      detect_now: bool = False, u=None) -> None:
        """Record an incident that exposes residents the caller chose.

        For a mechanism the built-in openers do not cover (they sample who is exposed from
        an institution's holdings or an insider's reach): a credential-stuffing attack on
        residents' code-app accounts, a contractor's list, a leak by a researcher's new
        attacker. It is opened with the day's other incidents (:meth:`close_day`) and
        counted as they are: re-identification of the exposed records, residents exposed,
        detection after the attacker family's delay, sanction, notification, a sale to a
        data broker.

        Args:
            kind: the incident kind (a new name is fine: :meth:`count`, the incident table).
            residents: the simulated residents exposed (indices, each once).
            fields: the field mask exposed, one for all or one per resident (a resident with
                no field exposed is left out).
            institution: where it happened (an :class:`~sim.world.institutions.Institution`):
                the incident table's row and, for a breach, whose records.
            attacker: who did it; its ``family`` sets detection and sanction, and it learns
                from a detection (``None``: detected like an outside intrusion, never
                sanctioned).
            identified: whether each record carries a direct identifier (name, ID number,
                phone), one for all or one per resident; without one it is re-identified
                from its quasi-identifiers only.
            n_real: real records the incident stands for (default: the residents × the
                model's scale).
            sold: the records reach a data broker.
            detect_now: detected today.
            u: the incident's uniforms (at least 12, :mod:`sim.world.uniforms`: ``U_DETECTED``,
                ``U_SANCTIONED``, ``U_BROKER``, ``U_DELAY`` are read), e.g. the attacker's
                opportunity's own;
                default: drawn from a stream keyed by the kind, the day and the incident.

        Raises:
            ValueError: naming the argument, the value and what is allowed.
        """
        m = self.model
        idx = np.asarray(residents)
        if idx.ndim != 1 or idx.dtype.kind not in "iu" or len(np.unique(idx)) != len(idx) \
                or (len(idx) and (idx.min() < 0 or idx.max() >= m.pop.n)):
            raise ValueError(f"open_incident: residents: invalid value {short_array(idx)}; "
                             f"allowed: distinct resident indices 0..{m.pop.n - 1}")
        idx = idx.astype(np.int64)
        f = np.broadcast_to(np.asarray(fields), idx.shape)
        if f.dtype.kind not in "iu" or (f < 0).any():
            raise ValueError(f"open_incident: fields: invalid value {short_array(f)}; "
                             "allowed: non-negative field masks (model.field_bit[name] | ...)")
        ident = np.broadcast_to(np.asarray(identified), idx.shape)
        if ident.dtype != bool:
            raise ValueError(f"open_incident: identified: invalid value {short_array(ident)}; "
                             "allowed: True, False or one per resident")
        index = getattr(institution, "index", None)
        if not isinstance(index, int) or not 0 <= index < len(m.institution_list) \
                or m.institution_list[index] is not institution:
            raise ValueError(f"open_incident: institution: invalid value {institution!r}; "
                             "allowed: one of model.institution_list")
        count = float(len(idx) * m.scale if n_real is None else n_real)
        if not np.isfinite(count) or count < 0:
            raise ValueError(f"open_incident: n_real: invalid value {n_real!r}; allowed: a "
                             "number >= 0")
        if u is None:
            u = m.streams.fresh("incident/" + kind, m.day, self.n_incidents + len(
                self._today)).random(12)
        u = np.asarray(u, dtype=float)
        if u.ndim != 1 or len(u) < N_UNIFORMS or ((u < 0) | (u >= 1)).any():
            raise ValueError(f"open_incident: u: invalid value {short_array(u)}; allowed: "
                             f"at least {N_UNIFORMS} uniforms in [0, 1) (one opportunity's)")
        u = u[:N_UNIFORMS]
        keep = f != 0
        part = (idx[keep], f[keep].astype(np.int64), ident[keep].copy())
        one = np.ones(1, dtype=bool)
        self._today.append((_kinds(kind, 1), [attacker], np.array([index]), np.zeros(1),
                            np.array([count]), np.array([bool(sold)]), u.reshape(1, 12),
                            np.array([bool(detect_now)]), [None], ~one, ~one, [part]))

    def close_day(self) -> None:
        """Open the incidents recorded today: who is exposed, detection, the day's counts."""
        if not self._today:
            return
        m = self.model
        today, self._today = self._today, []
        if len(today) == 1:
            (kinds, attackers, idx, q, n_real, usable, u, detect_now, reaches, is_insider,
             blocked, given) = today[0]
        else:
            cols = list(zip(*today, strict=True))
            kinds, idx, q, n_real, usable, u, detect_now, is_insider, blocked = (
                np.concatenate(cols[c]) for c in (0, 2, 3, 4, 5, 6, 7, 9, 10))
            attackers = [a for part in cols[1] for a in part]
            reaches = [r for part in cols[8] for r in part]
            given = [g for part in cols[11] for g in part]
        # incidents over residents the caller chose (open_incident): no sampling (q = 0)
        parts = {r: g for r, g in enumerate(given) if g is not None}
        # a breach takes the stores of one real institution: u[U_EXPOSES] decides whether a
        # simulated resident is among the records taken (the epoch's counts)
        rows = np.flatnonzero(~is_insider & usable)
        if len(rows):
            sizes = self.sampler.institution_sizes(idx[rows])
            qc = np.minimum(q[rows], 1.0)
            whole = qc >= 1.0  # (log1p(-1) is -inf: kept out of the product)
            p_none = np.where(whole, 0.0, np.exp(sizes * np.log1p(-np.where(whole, 0.0, qc))))
            for r in rows[(sizes > 0) & (qc > 0) & (u[rows, U_EXPOSES] >= p_none)].tolist():
                i = int(idx[r])
                stores = m.institution_list[i].stores
                plan = [(stores, self.sampler.pool(stores, None, None, None), q[r])]
                parts[r] = self.sampler.draw(plan, u[r], ("breach", i))
        # an insider over a reach: P(anyone exposed) <= expected exposed = n_real / scale
        maybe = is_insider & ~blocked & (u[:, U_EXPOSES] >= 1.0 - n_real / m.scale)
        for r in np.flatnonzero(maybe).tolist():
            home = attackers[r].home
            reach = reaches[r] if reaches[r] is not None else attackers[r].reach()
            pools, total_real = self.sampler.reach_pools(reach, home)
            share = min(n_real[r] / total_real, 1.0)  # the pools may hold fewer than counted
            parts[r] = self.sampler.draw([(st, held, share / rep) for st, held, rep in pools],
                                         u[r], ("insider", home.index))
        # stolen records are sold (insiders: sales only); lost ones reach a broker only if a
        # thief took them
        names = kinds.tolist()
        accident = np.array([x in ACCIDENT_KINDS for x in names])
        p_sale = m.p["broker_buy_probability"] * np.where(accident, 0.5, 1.0)
        sale = np.array([x == "insider_sale" for x in names])
        to_broker = np.where(is_insider, sale, usable & (u[:, U_SOLD] < p_sale))
        for r, g in enumerate(given):
            if g is not None:  # open_incident: sold or not, as the caller said
                to_broker[r] = usable[r]
        self._open(kinds, attackers, idx, n_real, parts, u, to_broker=to_broker,
                   detect_now=detect_now, blocked=blocked)
        d = m.day
        for name, insider in zip(names, is_insider.tolist(), strict=True):
            if insider:
                if name == "function_creep":
                    self.daily_creep[d] += 1
                else:
                    self.daily_insider[d] += 1
            elif name in EXTERNAL_KINDS:
                self.daily_breaches[d] += 1

    # ------------------------------------------------------------------ internals
    def _open(self, kinds, attackers, idx, n_real, parts, u, *, to_broker, detect_now,
              blocked) -> None:
        m = self.model
        k = len(idx)
        first = self.n_incidents
        self.n_incidents += k
        exposed = np.zeros(k, dtype=np.int64)
        rows = [j for j, part in parts.items() if part is not None and len(part[0])]
        if rows:
            exposed[rows] = self._expose(first, rows, [parts[j] for j in rows], n_real[rows],
                                         to_broker[rows], u[rows, U_BROKER])
        # detection: ever detected with the family's probability; delay ~ exponential;
        # a blocked query is noticed at once (it was refused)
        family = ["external" if a is None else a.family for a in attackers]
        terms = [self._detection_terms(f) for f in family]
        p_detect = np.array([t[0] for t in terms])
        mean = np.array([t[1] for t in terms])
        delay = np.ceil(-mean * np.log(np.maximum(u[:, U_DELAY], 1e-12))).astype(np.int64)
        detect_day = np.where(u[:, U_DETECTED] < p_detect, m.day + np.maximum(delay, 0), -1)
        detect_day = np.where(detect_now | blocked, m.day, detect_day)
        codes = np.array([self._code(x) for x in kinds.tolist()], dtype=np.int64)
        self._chunks.append((np.full(k, m.day), codes, idx, n_real, exposed, blocked,
                             detect_day))
        self._cols = None
        self._attackers.extend(attackers)
        due = (detect_day >= 0) & (detect_day < m.n_days)
        for j in np.flatnonzero(due).tolist():
            self._due[int(detect_day[j])].append(
                (first + j, m.day, attackers[j], family[j], float(u[j, U_SANCTIONED]),
                 bool(blocked[j]), float(n_real[j])))

    def _code(self, kind: str) -> int:
        code = self._codes.get(kind)
        if code is None:
            code = self._codes[kind] = len(self.kinds)
            self.kinds.append(kind)
        return code

    def _detection_terms(self, family: str) -> tuple[float, float]:
        """(P(ever detected), mean days to detection) of ``family``'s incidents (policy)."""
        terms = self._terms.get(family)
        if terms is None:
            th = self.model.threats
            terms = self._terms[family] = (th.detection_probability(family),
                                           th.detection_delay_days(family))
        return terms

    def _expose(self, first: int, rows: list[int], parts: list[tuple], n_real: np.ndarray,
                to_broker: np.ndarray, u6: np.ndarray) -> np.ndarray:
        """Account for the exposed records of today's incidents ``first + rows``.

        Returns how many records each exposed.
        """
        m = self.model
        pop = m.pop
        sizes = np.array([len(part[0]) for part in parts])
        idx = np.concatenate([part[0] for part in parts])
        fields = np.concatenate([part[1] for part in parts])
        identified = np.concatenate([part[2] for part in parts])
        reid, within, kappa, p_class = reidentify(m, idx, fields, identified,
                                                  np.repeat(n_real, sizes))
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
        # residents exposed for the first time (re-identifiable, a sensitive field), once
        # each however many of today's incidents exposed them
        newly = np.unique(idx[reid & (pop.ever_exposed_day[idx] < 0)
                              & ((fields & m.sensitive_mask) != 0)])
        pop.ever_exposed_day[newly] = m.day
        self.residents_exposed += len(newly)
        np.bitwise_or.at(pop.exposed_fields, idx[reid], fields[reid])
        self.daily_records[m.day] += n
        ends = np.cumsum(sizes).tolist()
        for j, end, size, sale, u in zip(rows, ends, sizes.tolist(), to_broker.tolist(),
                                         u6.tolist(), strict=True):
            part = slice(end - size, end)
            if sale and m.brokers:
                buyer = m.brokers[int(u * len(m.brokers)) % len(m.brokers)]
                self.broker_queue.append((buyer, idx[part], fields[part], reid[part]))
            self._exposures[first + j] = (idx[part], reid[part], fields[part], identified[part])
        return sizes

    # -------------------------------------------------------------- daily phases
    def detect_and_enforce(self) -> None:
        """Detect incidents due today, sanction, notify, and let attackers learn.

        Peers learn how often detection leads to a sanction only where detections are made
        known (``public_record``); if they are kept quiet, peers hear of the court cases
        alone and, not knowing how many detections went unpunished, learn nothing from
        them (rather than believing every detection is punished).
        """
        m = self.model
        self.close_day()
        due = self._due.pop(m.day, None)
        if not due:
            return
        th = m.threats
        public = m.p["breach_notification"] != "none"
        news = 0.0
        for iid, day, attacker, family, u5, blocked, n_real in due:
            self._detected.add(iid)
            self.detection_delays.append(m.day - day)
            sanctioned = attacker is not None and u5 < th.sanction_probability(family)
            if sanctioned:
                self._sanctioned.add(iid)
            if attacker is not None:
                attacker.observe_own_outcome(sanctioned, counted_as_success=not blocked)
                if public:
                    self.public_record[family][0 if sanctioned else 1] += 1
                    attacker.published(sanctioned)
            news += self._notify(iid, n_real)
        self.daily_detected[m.day] += len(due)
        if news > 0.0:
            m.behaviour.publicise(news)

    def _notify(self, iid: int, n_real: float) -> float:
        """Tell the affected (policy permitting); return the incident's news weight.

        A breach's weight grows with the square of its share of the population, in units of
        1% (salience is convex: a breach of 1% of the population is a national
        controversy, the daily stream of small ones is not); a breach of 1% or more makes
        the news whatever the policy.
        """
        m = self.model
        policy = m.p["breach_notification"]
        exposure = self._exposures.get(iid)
        if policy in ("affected", "public") and exposure is not None:
            m.behaviour.notify(exposure[0])
        weight = min(1.0, n_real / (0.01 * m.p["real_population"])) ** 2
        return weight if weight > 0.0 and (policy == "public" or weight >= 1.0) else 0.0

    def link_bought_leaks(self) -> int:
        """Brokers link the leaks they bought today into dossiers; return how many."""
        n = len(self.broker_queue)
        for buyer, idx, fields, reid in self.broker_queue:
            buyer.link(idx, fields, reid)
        self.broker_queue = []
        return n

    # ---------------------------------------------------------------- summaries
    def _column(self, name: str) -> np.ndarray:
        self.close_day()
        if self._cols is None:
            if self._chunks:
                cols = [np.concatenate(c) for c in zip(*self._chunks, strict=True)]
            else:
                cols = [np.zeros(0, dtype=np.int64)] * len(_COLUMNS)
            self._cols = dict(zip(_COLUMNS, cols, strict=True))
            self._chunks = [tuple(cols)] if self._chunks else []
        return self._cols[name]

    def count(self, kinds) -> int:
        """Incidents of the given kinds (real-world count)."""
        codes = [self.kinds.index(k) for k in kinds if k in self.kinds]
        return int(np.isin(self._column("kind"), codes).sum()) if codes else 0

    @property
    def n_breaches(self) -> int:
        """Successful external breaches (real-world count)."""
        return self.count(EXTERNAL_KINDS)

    @property
    def n_insider(self) -> int:
        """Insider incidents (real-world count)."""
        return self.count(INSIDER_KINDS)

    @property
    def n_loss_theft(self) -> int:
        """Losses, thefts and improper disposals (real-world count)."""
        return self.count(ACCIDENT_KINDS)

    @property
    def n_creep(self) -> int:
        """Function-creep campaigns, including blocked ones."""
        return self.count(("function_creep",))

    @property
    def n_detected(self) -> int:
        """Incidents detected so far."""
        return len(self._detected)

    def incident(self, iid: int) -> Incident:
        """Incident ``iid`` as an :class:`Incident` view."""
        c = {k: self._column(k)[iid] for k in _COLUMNS}
        exp = self._exposures.get(iid)
        res = {} if exp is None else dict(zip(("residents", "reidentified", "fields",
                                               "identified"), exp, strict=True))
        return Incident(id=iid, day=int(c["day"]), kind=self.kinds[int(c["kind"])],
                        attacker=self._attackers[iid],
                        institution=self.model.institution_list[int(c["institution"])],
                        n_real=float(c["n_real"]), blocked=bool(c["blocked"]),
                        detect_day=int(c["detect_day"]), detected=iid in self._detected,
                        sanctioned=iid in self._sanctioned, **res)

    @property
    def incidents(self) -> list[Incident]:
        """Every incident so far, as :class:`Incident` views (built on request)."""
        return [self.incident(i) for i in range(self.n_incidents)]

    def incident_table(self) -> pd.DataFrame:
        """One row per incident, for analysis and validation.

        Columns: ``day``, ``kind``, ``cause`` (its OCR breach-portal category: hacking,
        unauthorized_access, theft_loss), ``attacker`` (type name, empty for the shock),
        ``institution`` (label), ``institution_kind``, ``records_real`` (real records taken
        or opened), ``residents_exposed`` (simulated residents whose records were exposed),
        ``blocked``, ``detected``, ``detect_day`` (-1 if not within the run),
        ``sanctioned``.
        """
        insts = self.model.institution_list
        kind = np.array([*self.kinds, "?"], dtype=object)[self._column("kind")]
        inst = self._column("institution")
        ids = np.arange(self.n_incidents)
        return pd.DataFrame({
            "day": self._column("day"),
            "kind": kind,
            "cause": [OCR_CAUSE.get(k, "other") for k in kind],
            "attacker": [a.type_name if a is not None else "" for a in self._attackers],
            "institution": [insts[i].label for i in inst],
            "institution_kind": [insts[i].kind.value for i in inst],
            "records_real": self._column("n_real").astype(float),
            "residents_exposed": self._column("exposed"),
            "blocked": self._column("blocked").astype(bool),
            "detected": np.isin(ids, list(self._detected)),
            "detect_day": self._column("detect_day"),
            "sanctioned": np.isin(ids, list(self._sanctioned)),
        })

    # ------------------------------------------------------------ leaked samples
    def leak_table(self, incident: Incident) -> pd.DataFrame:
        """The quasi-identifier columns of an incident's leaked records, for ARX analysis.

        Returns:
            One row per exposed simulated resident: the quasi-identifiers the records carry
            (``-1`` where absent), ``identified``, and ``population_size``: the expected size
            of the record's class in the represented population, ``1 + (N - 1) p``. Pass
            it to :func:`sim.world.risk.risk_measures` (``population_sizes``).
        """
        m = self.model
        idx, fields = incident.residents, incident.fields
        table = pd.DataFrame(m.quasi_identifiers.columns(idx, fields))
        p = np.exp(m.quasi_identifiers.log_probability(idx, fields))
        table["identified"] = incident.identified
        table["population_size"] = 1.0 + (m.p["real_population"] - 1.0) * p
        table.index = pd.Index(idx, name="resident")
        return table

    def leak_risk(self, incident: Incident, threshold: float = RISK_TAU):
        """ARX prosecutor, journalist and marketer measures of an incident's leaked sample.

        Uses :func:`sim.world.risk.risk_measures` on :meth:`leak_table`: the quasi-identifiers
        plus, for records with direct identifiers, the resident (a unique key); population
        class sizes are the expected ones, raised where needed to the sample's own class
        sizes. The sample is the thinned simulated one: the prosecutor measures describe
        it, not the real leak (the ``reidentification_risk`` outcome scales to the real
        leak).

        Returns:
            A :class:`sim.world.risk.RiskMeasures`, or ``None`` if no simulated record leaked.
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
