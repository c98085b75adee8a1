"""The Mesa model: one country, region by region, day by day.

:class:`HealthDataModel` holds the residents as columns (:mod:`sim.population`),
institutions and attackers as Mesa agents, the institutions' data-sharing network as a
``networkx`` graph, and the ledger of incidents. Its :meth:`~HealthDataModel.step` is one
day: the phases of :attr:`HealthDataModel.PHASES`, in that order, written down once there
(care events, recording and sharing, clinical access, attacks, detection and enforcement,
linkage, trust and consent, record the day, after housekeeping). The order is part of the
model: an attacker acts on what was recorded today, and residents react to what was
announced today. docs/odd.md §3 is generated from the list and the phases' docstrings.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import mesa
import networkx as nx
import numpy as np

from .architecture import ARCHITECTURES
from .attackers import ATTACKER_TYPES, Attacker, DataBroker, ExternalGroup, normal_quantiles
from .behaviour import Behaviour
from .care import ACCESS_TOTALS, CareProcess, Events
from .consent import ALL_FIELDS, CONSENT_MODELS
from .fields import CATALOGUE, CONDITIONS, EncounterType, FieldCatalogue, FieldCategory
from .groups import GroupAccounts
from .institutions import HOLDINGS_REFRESH_DAYS, Institution, InstitutionKind, Store
from .ledger import Ledger
from .outcomes import OUTCOMES
from .params import PARAMETERS
from .policy import Policy
from .population import Population
from .rng import Streams
from .scenario import Scenario, load_scenario

__all__ = ["DAILY_SERIES", "Day", "HealthDataModel", "Reach"]

NEVER = np.iinfo(np.int16).min  # "no record" in the last-visit tables
RECENT_CARE_DAYS = 7  # "patients under my care": seen here in the last week

#: daily time-series columns, with their units
DAILY_SERIES = {
    "encounters": "encounters",
    "utility_rate": "share of needed value",
    "emergency_info_rate": "share of needed value (emergencies away from home)",
    "breaches": "incidents",
    "insider_incidents": "incidents",
    "function_creep_incidents": "campaigns",
    "records_exposed": "records per 1,000 residents",
    "residents_exposed_rate": "share of residents (cumulative)",
    "detected": "incidents detected",
    "participation_rate": "share of residents",
    "mean_trust": "0-1",
    "withholding_rate": "share of residents",
    "institutions_down": "real institutions down",
    "consent_reviews": "residents",
}


@dataclass
class Day:
    """What one day's phases hand on to each other (see :attr:`HealthDataModel.PHASES`)."""

    events: Events | None = None
    access: dict[str, float] = field(default_factory=dict)
    reviews: int = 0


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

    def __init__(self, model: HealthDataModel) -> None:
        self.model = model
        n = len(model.institution_list)
        self.records_real = np.zeros(n)
        self.value_per_record = np.zeros(n)
        self.up = np.ones(n, dtype=bool)
        self.kind_ordinal = np.array([i.kind_ordinal for i in model.institution_list])
        self.security = np.array([i.security for i in model.institution_list])
        self._cum = None

    def refresh(self) -> None:
        """Recount holdings (from the holdings cache) and values."""
        m = self.model
        n = len(m.institution_list)
        # an institution's stores hold largely the same people (a settlement store and an
        # integrated view of it): people = the largest store; what a person's record is
        # worth adds up over the stores holding them
        people = np.zeros(n)
        worth = np.zeros(n)
        if m.stores:
            counts = m.store_counts().astype(float)
            owner = m._store_institution
            np.maximum.at(people, owner, counts)
            worth = np.bincount(owner, weights=counts * m._store_value, minlength=n)
        self.records_real = people * m.scale / m.represents
        self.value_per_record = np.divide(worth, people, out=np.zeros(n), where=people > 0)
        # an opportunistic attacker finds a real institution with probability proportional
        # to its attack surface, which grows with the records it holds, less than in
        # proportion (attack_surface_exponent, fitted to the OCR size distribution)
        a = float(m.p["attack_surface_exponent"])
        sd = float(m.p["institution_size_log10_sd"]) * math.log(10.0)
        # Σ over a node's real institutions of (records·s)^a = represents·records^a·E[s^a],
        # E[s^a] = exp(a(a-1)σ²/2) for sizes s of mean 1 (1 for a single system)
        spread = np.where(m.represents > 1, math.exp(a * (a - 1.0) * sd * sd / 2.0), 1.0)
        weights = m.represents * spread * np.maximum(self.records_real, 0.0) ** a
        weights[self.records_real <= 0] = 0.0
        # nothing held anywhere (nothing collected): every draw finds an empty target
        self._cum = (np.cumsum(weights) / weights.sum() if weights.sum() > 0
                     else np.ones(len(weights)))
        self._cum[-1] = np.inf  # u < 1 always lands on an institution
        self.mean_fraction = m.mean_breach_fraction(self.records_real)
        data = (self.mean_fraction * self.records_real * self.value_per_record
                * m.key_usable_probability)
        self._haul = {False: data,
                      True: data + m.p["ransom_yuan_scale"] * self.records_real**0.55}

    def victim_scale(self, inst: Institution, u: float) -> float:
        """Size of the real institution hit, relative to the node's average one (mean 1).

        Real institutions of one tier differ in size (log-normal, log10 sd
        ``institution_size_log10_sd``); an attacker who finds institutions in proportion to
        records^a finds large ones more often, so the victim's size is drawn from the
        size-biased distribution: ln s ~ N((a - 1/2)σ², σ), σ = sd·ln 10, capped at the
        number of institutions the node stands for (one cannot hold more than all of
        them). A node standing for one system (a platform) has no spread.
        """
        return float(self.victim_scales(np.array([inst.index]), np.array([u]))[0])

    def victim_scales(self, idx: np.ndarray, u: np.ndarray) -> np.ndarray:
        """:meth:`victim_scale` for institutions ``idx`` (array), one uniform each."""
        sd = float(self.model.p["institution_size_log10_sd"]) * math.log(10.0)
        a = float(self.model.p["attack_surface_exponent"])
        s = np.exp((a - 0.5) * sd * sd + sd * normal_quantiles(u))
        # no real institution holds more than the whole node
        rep = self.model.represents[idx]
        return np.where(rep == 1, 1.0, np.minimum(s, rep))

    def haul_value(self, ransomware: bool) -> np.ndarray:
        """Expected value of one successful attack on each institution (yuan)."""
        return self._haul[ransomware]

    def pick_opportunistic_many(self, u: np.ndarray) -> np.ndarray:
        """Vectorised :meth:`pick_opportunistic`: institution indices."""
        return np.searchsorted(self._cum, u, side="right")

    def pick_opportunistic(self, u: float) -> Institution:
        """An institution found by chance: weighted by the attack surface of its real ones."""
        return self.model.institution_list[int(np.searchsorted(self._cum, u, side="right"))]


class HealthDataModel(mesa.Model):
    """Residents, institutions and attackers sharing health data under one policy.

    Args:
        scenario: a :class:`~sim.scenario.Scenario`, a mapping of parameter values, a
            scenario file path or bundled name, or ``None`` for the declared defaults.
        seed: the run's seed; every random stream derives from it and its own name.
        catalogue: the data-field catalogue (replace to test other field valuations).
        **overrides: parameter values applied on top of the scenario.

    Attributes:
        spec: the validated :class:`~sim.scenario.Scenario` (``model.scenario`` is Mesa's).
        p: the parameter values (read-only mapping).
        pop: the residents (:class:`~sim.population.Population`).
        institution_list: the institutions, indexed by ``Institution.index``.
        attackers: the attackers (a Mesa ``AgentSet``).
        graph: the institutions' data-sharing network (``networkx.DiGraph``).
        ledger: incidents and privacy counters (:class:`~sim.ledger.Ledger`).
        series: the daily time series (see :meth:`daily`).

    Raises:
        ScenarioError: if the scenario or an override is invalid.

    Example:
        >>> m = HealthDataModel({"n_residents": 500, "n_days": 30}, seed=1)
        >>> summary = m.run()
        >>> 0.0 <= summary["utility_rate"] <= 1.0
        True
    """

    def __init__(self, scenario: Scenario | Mapping[str, Any] | str | None = None, *,
                 seed: int = 0, catalogue: FieldCatalogue = CATALOGUE, **overrides: Any) -> None:
        self.spec = load_scenario(scenario, overrides or None)
        self.p: Mapping[str, Any] = self.spec.params
        self.streams = Streams(seed)
        # rng= (not seed=, deprecated in Mesa 3.5) seeds both model.rng and model.random
        super().__init__(rng=int(self.streams.get("schedule").integers(2**31 - 1)))
        self.seed_value = int(seed)
        p = self.p
        self.catalogue = catalogue
        self.n_days = int(p["n_days"])
        self.day = 0
        self.scale = float(p["real_population"]) / int(p["n_residents"])
        self.real_millions = float(p["real_population"]) / 1e6
        self.policy = Policy.compile(p, catalogue)
        self.field_bit = {f.name: 1 << i for i, f in enumerate(catalogue)}
        self.sensitive_mask = catalogue.mask_where(lambda f: f.sensitive)
        self.clinical_values = catalogue.clinical_matrix()
        soft = np.array([f.category in (FieldCategory.LIFESTYLE, FieldCategory.QUASI_IDENTIFIER,
                                        FieldCategory.FINANCIAL) for f in catalogue])
        self.clinical_values[:, soft] *= p["lifestyle_clinical_value"]
        self._value_tables = _byte_tables(self.clinical_values)
        self._value_yuan = catalogue.vector("resale_value_yuan")
        self._sensitivity = catalogue.vector("sensitivity")
        self.downtime_days = 0  # real institution-days down
        self.shared_downtime_days = 0  # days a national or regional system was down

        # residents
        self.pop = Population.generate(p, self.streams.get("population"))
        self.pop.init_state()
        self._build_needs()

        # institutions and their stores
        self.consent = CONSENT_MODELS[p["consent_model"]](self)
        self.institution_list: list[Institution] = []
        self.stores: list[Store] = []
        self._build_providers()
        self._build_agencies()
        self.architecture = ARCHITECTURES[p["architecture"]](self)
        self.architecture.build_stores()
        self._build_integrated_views()
        self.institutions = mesa.agent.AgentSet(self.institution_list, random=self.random)
        self.graph = self._build_graph()

        # records held at the start
        self.last_visit = np.full((self.n_providers, self.pop.n), NEVER, dtype=np.int16)
        self.care = CareProcess(self)
        self.care.initial_history(self.last_visit)
        self.last_any = self.last_visit.max(axis=0) if self.n_providers else None
        self.last_by_region = np.full((p["n_regions"], self.pop.n), NEVER, dtype=np.int16)
        for r in range(p["n_regions"]):
            rows = np.flatnonzero(self.provider_region == r)
            self.last_by_region[r] = self.last_visit[rows].max(axis=0)

        # consent at rollout
        self.behaviour = Behaviour(self)
        self.behaviour.initial()

        # availability, attack surface, attackers
        self.ledger = Ledger(self)
        n_inst = len(self.institution_list)
        self.represents = np.array([i.represents for i in self.institution_list], dtype=float)
        self._shared_system = np.array([not i.kind.is_provider for i in self.institution_list])
        self.down_counts = np.zeros(n_inst, dtype=np.int64)
        self._outage_ends: dict[int, list[int]] = {}
        self.invalidate_availability()
        self._reach_cache: dict[bytes, np.ndarray] = {}
        self._reach_key = b""
        self._insider_reach: dict[int, Reach] = {}
        self._reach_static: dict[int, tuple] = {}
        self._store_represents = np.array([s.institution.represents for s in self.stores],
                                          dtype=float)
        self._store_value = np.array([self.store_value(s) for s in self.stores])
        self._store_institution = np.array([s.institution.index for s in self.stores],
                                           dtype=np.int64)

        self.key_usable_probability = (p["key_compromise_probability"]
                                       if p["encryption_at_rest"] else 1.0)
        ref = PARAMETERS["penalty_yuan"].default
        self.perceived_penalty = ref * (p["penalty_yuan"] / ref) ** p["perceived_penalty_exponent"]
        self._counts: np.ndarray | None = None
        self._counts_day = 0
        self.targets = TargetTable(self)
        self.targets.refresh()
        agents: list[Attacker] = []
        for _, cls in ATTACKER_TYPES.items():
            agents.extend(cls.create(self))
        self.attackers = mesa.agent.AgentSet(agents, random=self.random)
        self.brokers = [a for a in agents if isinstance(a, DataBroker)]
        self.actors = mesa.agent.AgentSet([a for a in agents if not isinstance(a, DataBroker)],
                                          random=self.random)
        self.attackers_by_family: dict[str, list[Attacker]] = {}
        for a in agents:
            self.attackers_by_family.setdefault(a.family, []).append(a)
        # who has an opportunity on which day (drawn up front from each agent's own stream)
        actors = list(self.actors)
        if actors:
            opp = np.array([a.opportunities for a in actors])
            self._active_by_day = [[actors[i] for i in np.flatnonzero(opp[:, d])]
                                   for d in range(self.n_days)]
        else:
            self._active_by_day = [[] for _ in range(self.n_days)]

        self.groups = GroupAccounts(self)
        self.totals = dict.fromkeys(ACCESS_TOTALS, 0.0)
        self.series = {k: np.full(self.n_days, np.nan) for k in DAILY_SERIES}
        self._phase_methods = [(name, getattr(self, f"phase_{name}")) for name in self.PHASES]
        self.phase_seconds = dict.fromkeys(self.PHASES, 0.0)
        self.running = True

    # ================================================================ the day
    #: the day, in order: :meth:`step` calls ``phase_<name>(day)`` for each name. This list
    #: *is* the schedule: the ODD's process overview (docs/odd.md §3) is generated from it
    #: and the phases' docstrings, and each phase's time is recorded (:meth:`profile`). A
    #: subclass may insert a phase by extending the tuple and defining its method.
    PHASES: tuple[str, ...] = (
        "housekeeping", "care_events", "recording_and_sharing", "clinical_access", "attacks",
        "detection_and_enforcement", "linkage", "trust_and_consent", "record_day",
    )

    def step(self) -> None:
        """Advance one day: call each phase of :attr:`PHASES` in order, timing each."""
        if self.day >= self.n_days:
            self.running = False
            return
        today = Day()
        clock = time.perf_counter
        for name, phase in self._phase_methods:
            t0 = clock()
            phase(today)
            self.phase_seconds[name] += clock() - t0
        self.day += 1
        if self.day >= self.n_days:
            self.running = False

    def run(self) -> dict[str, float]:
        """Run every remaining day and return the run summary (see :meth:`summary`)."""
        while self.running:
            self.step()
        return self.summary()

    def profile(self):
        """Seconds spent in each phase so far, as a DataFrame (``phase, seconds, share``)."""
        import pandas as pd

        total = sum(self.phase_seconds.values()) or 1.0
        return pd.DataFrame({"phase": list(self.phase_seconds),
                             "seconds": list(self.phase_seconds.values()),
                             "share": [v / total for v in self.phase_seconds.values()]})

    def phase_housekeeping(self, day: Day) -> None:
        """Housekeeping.

        Ended outages are removed, availability recomputed and downtime counted (all real
        institutions down, and separately the real shared systems down); on the first day of
        each holdings epoch (days 7, 14, ...) the attack-surface table is rebuilt, which
        recounts every store, and cached insider reaches are dropped.
        """
        ended = self._outage_ends.pop(self.day, None)
        if ended:
            np.subtract.at(self.down_counts, ended, 1)
        self.invalidate_availability()
        self.downtime_days += int(self.down_counts.sum())
        self.shared_downtime_days += int(self.down_counts[self._shared_system].sum())
        if self.day % HOLDINGS_REFRESH_DAYS == 0 and self.day > 0:
            self.targets.refresh()
            self._insider_reach.clear()

    def phase_care_events(self, day: Day) -> None:
        """Care events.

        Residents have routine, chronic, emergency and preventive encounters, some away from
        home, drawn from the ``care`` stream alone.
        """
        day.events = self.care.draw()

    def phase_recording_and_sharing(self, day: Day) -> None:
        """Recording and sharing.

        Providers write today's date into the last-visit tables, keeping the previous date;
        shared stores receive records implicitly, since their holdings derive from these
        tables.
        """
        self.care.record(day.events)

    def phase_clinical_access(self, day: Day) -> None:
        """Clinical access.

        Each needed field is delivered or not (§7.3): held, consulted, consented, reachable,
        up; the clinical totals are accumulated.
        """
        day.access = self.care.access(day.events)
        for k, v in day.access.items():
            self.totals[k] += v

    def phase_attacks(self, day: Day) -> None:
        """Attacks.

        The scenario's shock breach if today is ``shock_day``; then the opportunistic
        external groups with an opportunity today, in an order shuffled by the model's
        ``random``, decided together (``ExternalGroup.act_together``, §7.4); then the other
        attackers with an opportunity (targeted groups, insiders, secondary users, the loss-
        and-theft process; brokers have none) in the same order.
        """
        if self.day == self.p["shock_day"]:
            self._shock()
        # the attackers with an opportunity today act, in random order (as
        # self.actors.shuffle_do("step") would, whose other members do nothing today);
        # opportunistic external groups decide together (vectorised), then the others act
        active = list(self._active_by_day[self.day])
        self.random.shuffle(active)
        opportunistic = [a for a in active if isinstance(a, ExternalGroup) and not a.targeted]
        ExternalGroup.act_together(self, opportunistic)
        for agent in active:
            if not (isinstance(agent, ExternalGroup) and not agent.targeted):
                agent.step()

    def phase_detection_and_enforcement(self, day: Day) -> None:
        """Detection and enforcement.

        Incidents due today are detected, offenders sanctioned or not, attackers learn,
        residents and the public are notified.
        """
        self.ledger.detect_and_enforce()

    def phase_linkage(self, day: Day) -> None:
        """Linkage.

        Brokers merge today's purchases into dossiers.
        """
        self.ledger.link_bought_leaks()

    def phase_trust_and_consent(self, day: Day) -> None:
        """Trust and consent.

        News and attention decay; random residents (more after publicised events) and the
        notified residents whose delayed review falls today reconsider consent and
        withholding.
        """
        day.reviews = self.behaviour.step()

    def phase_record_day(self, day: Day) -> None:
        """Record the day.

        The daily time series.
        """
        d = self.day
        s = self.series
        led = self.ledger
        pop = self.pop
        access = day.access
        s["encounters"][d] = access["encounters"]
        s["utility_rate"][d] = (access["value_delivered"] / access["value_needed"]
                                if access["value_needed"] else np.nan)
        s["emergency_info_rate"][d] = (
            access["emerg_away_delivered"] / access["emerg_away_needed"]
            if access["emerg_away_needed"] else np.nan)
        s["breaches"][d] = led.daily_breaches[d]
        s["insider_incidents"][d] = led.daily_insider[d]
        s["function_creep_incidents"][d] = led.daily_creep[d]
        s["records_exposed"][d] = 1000.0 * led.daily_records[d] / pop.n
        s["residents_exposed_rate"][d] = led.residents_exposed / pop.n
        s["detected"][d] = led.daily_detected[d]
        s["participation_rate"][d] = float(pop.participating.mean())
        s["mean_trust"][d] = self.mean_trust()
        s["withholding_rate"][d] = float(pop.withholding.mean())
        s["institutions_down"][d] = float(self.down_counts.sum())
        s["consent_reviews"][d] = day.reviews

    # ============================================================ results
    def summary(self) -> dict[str, float]:
        """Return every registered outcome's value for this run."""
        return {name: float(o.compute(self)) for name, o in OUTCOMES.items()}

    def daily(self):
        """Return the daily time series as a pandas DataFrame indexed by day."""
        import pandas as pd

        df = pd.DataFrame({k: v[: self.day] for k, v in self.series.items()})
        df.index.name = "day"
        return df

    def harm_by_resident(self) -> np.ndarray:
        """Each resident's harm: the sensitivity of their distinct exposed fields.

        Identifier and financial harm is reduced by ``notified_harm_reduction`` for
        residents who were notified.
        """
        pop = self.pop
        exposed = pop.exposed_fields
        out = np.zeros(pop.n)
        hit = np.flatnonzero(exposed)
        if len(hit) == 0:
            return out
        bits = self.catalogue.unpack(exposed[hit])
        harm = bits * self._sensitivity
        mitig = self.catalogue.unpack(np.full(1, self.policy.identifiers | self.catalogue.mask(
            ["insurance_claims", "payment_transactions"]), dtype=np.int64))[0]
        notified = pop.notified[hit]
        red = self.p["notified_harm_reduction"]
        harm[notified[:, None] & mitig[None, :]] *= 1.0 - red
        out[hit] = harm.sum(axis=1)
        return out

    def harm_total(self) -> float:
        """Σ over residents of the sensitivity of their distinct exposed fields."""
        return float(self.harm_by_resident().sum())

    def breakdown(self):
        """Outcomes by group (attitude, age band, region, care at home or away)."""
        return self.groups.table()

    # ====================================================== construction
    def add_institution(self, kind: str | InstitutionKind, region: int,
                        label: str | None = None) -> Institution:
        """Create an institution node (used by the builders and by architectures)."""
        kind = InstitutionKind(kind) if isinstance(kind, str) else kind
        label = label or (f"{kind.value} r{region}" if region >= 0 else kind.value)
        inst = Institution(self, kind, region, label)
        inst.index = len(self.institution_list)
        self.institution_list.append(inst)
        return inst

    def add_store(self, inst: Institution, name: str, *, scope: str, key: int = -1, fields: int,
                  identified: bool, needs_participation: bool) -> Store | None:
        """Give ``inst`` a store of records (skipped if it would hold no fields)."""
        if not fields:
            return None
        store = Store(name=name, institution=inst, scope=scope, key=key, fields=int(fields),
                      identified=bool(identified), needs_participation=needs_participation,
                      index=len(self.stores))
        bits = self.catalogue.unpack(np.array([store.fields], dtype=np.int64))[0]
        store.retail_value = float((bits * self._value_yuan).sum())
        inst.stores.append(store)
        self.stores.append(store)
        return store

    def _build_needs(self) -> None:
        cat = self.catalogue
        self._episodes = []
        for i, f in enumerate(cat):
            if f.needs_condition in self.pop.episode_day:
                days = self.pop.episode_day[f.needs_condition]
                order = np.argsort(days, kind="stable")
                self._episodes.append((np.int64(1 << i), days, order, days[order]))
        self._retained_oldest: int | None = None
        self._qi_logp: np.ndarray | None = None  # built on first use (a leak)
        cond_bits = {c: 0 for c in CONDITIONS}
        uncond = 0
        for i, f in enumerate(cat):
            if f.needs_condition:
                cond_bits[f.needs_condition] |= 1 << i
            else:
                uncond |= 1 << i
        cm = np.zeros(self.pop.n, dtype=np.int64)
        for c, bits in cond_bits.items():
            cm |= np.where(self.pop.conditions[c], bits, 0)
        self._cond_mask = cm | uncond
        self._need_by_type = np.array(
            [cat.mask_where(lambda f, t=t: f.clinical_value[t] > 0) for t in EncounterType],
            dtype=np.int64)

    def _build_providers(self) -> None:
        p = self.p
        n_reg = p["n_regions"]
        tiers = [(InstitutionKind.CLINIC, p["clinics_per_region"]),
                 (InstitutionKind.SECONDARY, p["secondary_per_region"]),
                 (InstitutionKind.TERTIARY, p["tertiary_per_region"])]
        self.nodes_per_tier = np.array([k for _, k in tiers])
        max_k = int(self.nodes_per_tier.max())
        self.provider_table = np.full((n_reg, 3, max_k), -1, dtype=np.int64)
        self.providers: list[Institution] = []
        for r in range(n_reg):
            for t, (kind, k) in enumerate(tiers):
                for j in range(k):
                    short = {"community_clinic": "clinic", "secondary_hospital": "secondary",
                             "tertiary_hospital": "tertiary"}[kind.value]
                    inst = self.add_institution(kind, r, f"{short} r{r}-{j}")
                    inst.provider_row = len(self.providers)
                    self.provider_table[r, t, j] = inst.provider_row
                    self.providers.append(inst)
                    self.add_store(inst, "local records", scope="provider", key=inst.provider_row,
                                   fields=self.policy.provider, identified=True,
                                   needs_participation=False)
        self.n_providers = len(self.providers)
        self.provider_region = np.array([i.region for i in self.providers], dtype=np.int64)
        self.provider_index = np.array([i.index for i in self.providers], dtype=np.int64)
        # each resident's usual clinic, secondary and tertiary node in the home region
        rng = self.streams.get("home_providers")
        u = rng.random((self.pop.n, 3))
        reg = self.pop.region
        self.home_provider = np.stack(
            [self.provider_table[reg, t, (u[:, t] * self.nodes_per_tier[t]).astype(np.int64)]
             for t in range(3)], axis=1)

    def _build_agencies(self) -> None:
        pol = self.policy
        ph = self.add_institution(InstitutionKind.PUBLIC_HEALTH, -1)
        self.add_store(ph, "disease reporting", scope="all", fields=pol.public_health,
                       identified=pol.cross_domain_identified, needs_participation=False)
        ins = self.add_institution(InstitutionKind.INSURANCE, -1)
        self.add_store(ins, "settlement", scope="all", fields=pol.insurance_base, identified=True,
                       needs_participation=False)
        if pol.payment_base:
            pay = self.add_institution(InstitutionKind.PAYMENT, -1)
            self.add_store(pay, "payments", scope="everyone", fields=pol.payment_base,
                           identified=True, needs_participation=False)

    def _build_integrated_views(self) -> None:
        """Integrated codes give the insurer / payment platform a view of health records."""
        pol = self.policy
        if self.architecture.on_device:
            return  # the health record is not on a server: nothing to integrate with
        ins = self._agency(InstitutionKind.INSURANCE)
        self.add_store(ins, "integrated insurance view", scope="all",
                       fields=pol.integrated_insurance, identified=pol.cross_domain_identified,
                       needs_participation=True)
        if pol.integrated_payment:
            pay = self._agency(InstitutionKind.PAYMENT) or self.add_institution(
                InstitutionKind.PAYMENT, -1)
            self.add_store(pay, "integrated payment view", scope="all",
                           fields=pol.integrated_payment,
                           identified=pol.cross_domain_identified, needs_participation=True)

    def _agency(self, kind: InstitutionKind) -> Institution | None:
        return next((i for i in self.institution_list if i.kind is kind), None)

    def _build_graph(self) -> nx.DiGraph:
        """The data-sharing network: who sends records to whom under this policy."""
        g = nx.DiGraph()
        for inst in self.institution_list:
            g.add_node(inst.index, label=inst.label, kind=inst.kind.value, region=inst.region)
        # referral links among a region's providers (seeded), used by federated queries
        rng_seed = int(self.streams.get("network").integers(2**31 - 1))
        self.referral_pairs: list[tuple[Institution, Institution]] = []
        for r in range(self.p["n_regions"]):
            members = [i for i in self.providers if i.region == r]
            sub = nx.gnp_random_graph(len(members), 0.5, seed=rng_seed + r)
            for a, b in sub.edges():
                self.referral_pairs.append((members[a], members[b]))
                g.add_edge(members[a].index, members[b].index, flow="referral")
        ph = self._agency(InstitutionKind.PUBLIC_HEALTH)
        ins = self._agency(InstitutionKind.INSURANCE)
        for prov in self.providers:
            g.add_edge(prov.index, ph.index, flow="disease report")
            g.add_edge(prov.index, ins.index, flow="claims")
        for src, dst, label in self.architecture.edges():
            g.add_edge(src.index, dst.index, flow=label)
        for inst in self.institution_list:
            for s in inst.stores:
                if s.name.startswith("integrated"):
                    for prov in self.providers:
                        g.add_edge(prov.index, inst.index, flow=s.name)
        return g

    # ======================================================== queries
    def retention_threshold(self) -> int:
        """Earliest last-visit day still retained today."""
        return max(self.day - int(self.p["retention_days"]), int(NEVER) + 1)

    def holdings(self, store: Store) -> np.ndarray:
        """Residents whose records ``store`` holds (cached for a week: a snapshot)."""
        if store.cache_idx is not None and self.epoch(store.cache_day) == self.epoch():
            return store.cache_idx
        thr = self.retention_threshold()
        if store.scope == "provider":
            held = self.last_visit[store.key] >= thr
        elif store.scope == "region":
            held = self.last_by_region[store.key] >= thr
        elif store.scope == "all":
            held = self.last_any >= thr
        else:
            held = np.ones(self.pop.n, dtype=bool)
        if store.needs_participation:
            held &= self.pop.participating
        store.cache_idx = np.flatnonzero(held)
        store.cache_day = self.day
        return store.cache_idx

    def epoch(self, day: int | None = None) -> int:
        """The holdings epoch of ``day`` (today): lists and counts refresh at its start."""
        return (self.day if day is None else day) // HOLDINGS_REFRESH_DAYS

    def store_count(self, store: Store) -> int:
        """Number of simulated residents ``store`` holds (recounted weekly, all at once)."""
        return int(self.store_counts()[store.index])

    def store_counts(self) -> np.ndarray:
        """This epoch's number of simulated residents of every store, by ``Store.index``."""
        if self._counts is None or self.epoch(self._counts_day) != self.epoch():
            self._recount()
        return self._counts

    def _recount(self) -> None:
        """Count every store's residents in a few vectorised passes (no index lists)."""
        thr = self.retention_threshold()
        part = self.pop.participating
        n_part = int(part.sum())
        prov_held = self.last_visit >= thr  # (providers, residents)
        prov_all = prov_held.sum(axis=1)
        region_held = self.last_by_region >= thr
        any_held = self.last_any >= thr
        counts = np.zeros(len(self.stores), dtype=np.int64)
        cache: dict[tuple, int] = {}
        for st in self.stores:
            key = (st.scope, st.key, st.needs_participation)
            if key not in cache:
                if st.scope == "provider":
                    c = (int((prov_held[st.key] & part).sum()) if st.needs_participation
                         else int(prov_all[st.key]))
                elif st.scope == "region":
                    held = region_held[st.key]
                    c = int((held & part).sum() if st.needs_participation else held.sum())
                elif st.scope == "all":
                    c = int((any_held & part).sum() if st.needs_participation else any_held.sum())
                else:
                    c = n_part if st.needs_participation else self.pop.n
                cache[key] = c
            counts[st.index] = cache[key]
        self._counts = counts
        self._counts_day = self.day

    def store_value(self, store: Store) -> float:
        """Bulk resale value of one record of ``store`` (yuan)."""
        return (store.retail_value * self.p["resale_value_multiplier"]
                * self.p["bulk_value_factor"])

    def recorded_mask(self, idx: np.ndarray) -> np.ndarray:
        """Fields the records of residents ``idx`` hold today.

        Withholders hide sensitive clinical and lifestyle fields; and a one-off episode (an
        operation, a psychiatric episode, an infection, a pregnancy) is in the record only
        if it happened after electronic records began (``history_years`` before day 0) and
        within ``retention_days`` of today: a lifelong record keeps the episode from
        twenty years ago that a ten-year one has purged.
        """
        hide = self.policy.sensitive_clinical | self.policy.lifestyle
        mask = np.where(self.pop.withholding[idx], ALL_FIELDS & ~np.int64(hide), ALL_FIELDS)
        return mask & self._retained_episodes()[idx]

    def _retained_episodes(self) -> np.ndarray:
        """Per resident, the catalogue mask minus the episodic fields purged by today.

        Kept for the whole population and updated as the retention horizon moves: a day
        later, only the residents whose episode fell off the horizon change.
        """
        oldest = max(self.day - int(self.p["retention_days"]), -365 * int(self.p["history_years"]))
        prev = self._retained_oldest
        if prev is None or oldest < prev:
            self._retained = np.full(self.pop.n, ALL_FIELDS, dtype=np.int64)
            for bit, days, _order, _sorted in self._episodes:
                self._retained[days < oldest] &= ~bit
        elif oldest > prev:
            for bit, _days, order, sorted_days in self._episodes:
                lo, hi = np.searchsorted(sorted_days, [prev, oldest], side="left")
                self._retained[order[lo:hi]] &= ~bit
        self._retained_oldest = oldest
        return self._retained

    def record_fields(self, store: Store, idx: np.ndarray) -> np.ndarray:
        """The fields ``store`` holds for residents ``idx``."""
        f = np.int64(store.fields) & self.recorded_mask(idx)
        if store.needs_participation:
            f = f & self.pop.shared_fields[idx]
        return f

    def mask_value(self, masks: np.ndarray, etype: np.ndarray) -> np.ndarray:
        """Clinical value of each event's field mask for its encounter type."""
        t = self._value_tables
        out = np.zeros(len(masks))
        for b in range(t.shape[1]):
            out += t[etype, b, (masks >> (8 * b)) & 255]
        return out

    def needed_mask(self, res: np.ndarray, etype: np.ndarray) -> np.ndarray:
        """Fields clinically needed at each encounter."""
        return self._need_by_type[etype] & self._cond_mask[res]

    def qi_log_probability(self, idx: np.ndarray, fields: np.ndarray) -> np.ndarray:
        """Log P(record's quasi-identifier combination) in the represented population.

        Quasi-identifiers are independent by construction, so this is a sum of each present
        field's log-probability; a coarse field is ignored where the finer one it
        ``generalises`` is present (birth year under birth date, region under county), and
        marital status counts given age when the record reveals age.
        """
        if self._qi_logp is None:
            self._build_qi_table()
        bits, coarse, fine, age_bits, mar_bit = self._qi_bits
        f = np.asarray(fields, dtype=np.int64)
        # drop a coarse field where the finer one it generalises is present
        shadowed = np.zeros(len(f), dtype=np.int64)
        for c, fi in zip(coarse, fine, strict=True):
            shadowed |= np.where((f & fi) != 0, c, 0)
        f = f & ~shadowed
        # marital status: given age where the record reveals age, else its marginal
        mar = (f & mar_bit) != 0
        age = (f & age_bits) != 0
        present = ((f[:, None] & bits[None, :]) != 0)
        present[:, -2] = mar & age
        present[:, -1] = mar & ~age
        return np.einsum("ij,ij->i", present, self._qi_logp[idx])

    def _build_qi_table(self) -> None:
        """Each resident's quasi-identifier log-probabilities as one (residents × QIs) table."""
        pop = self.pop
        b = self.field_bit
        names = [f.name for f in self.catalogue
                 if f.quasi_identifier and f.name != "marital_status"]
        cols = [pop.logp[n] for n in names]
        cols += [pop.logp["marital_status"], pop.logp["marital_marginal"]]
        self._qi_logp = np.stack(cols, axis=1)
        bits = np.array([b[n] for n in names] + [0, 0], dtype=np.int64)
        gen = [f for f in self.catalogue if f.quasi_identifier and f.generalises]
        coarse = [np.int64(b[f.name]) for f in gen]
        fine = [np.int64(b[f.generalises]) for f in gen]
        age = np.int64(b["birth_date"] | b["birth_year"])
        self._qi_bits = (bits, coarse, fine, age, np.int64(b["marital_status"]))

    def qi_columns(self, idx: np.ndarray, fields: np.ndarray) -> dict[str, np.ndarray]:
        """Quasi-identifier columns of leaked records (``-1`` where a record lacks one)."""
        from .population import QI_COLUMNS

        cols = {}
        for name, col in QI_COLUMNS.items():
            bit = self.field_bit[name]
            present = (fields & bit) != 0
            if present.any():
                cols[name] = np.where(present, getattr(self.pop, col)[idx], -1)
        return cols

    def trust(self, idx: np.ndarray | None = None) -> np.ndarray:
        """Residents' trust today (see :meth:`sim.behaviour.Behaviour.trust`)."""
        return self.behaviour.trust(idx)

    def mean_trust(self) -> float:
        """Mean trust over all residents today."""
        return self.behaviour.mean_trust()

    # ------------------------------------------------------ availability
    def start_outage(self, inst: Institution, days: int) -> None:
        """One of ``inst``'s real institutions goes down from tomorrow for ``days`` days."""
        if days <= 0:
            return
        i = inst.index
        self.down_counts[i] += 1
        self._outage_ends.setdefault(self.day + 1 + days, []).append(i)
        # only this node changed: update its row (a full recompute waits for tomorrow)
        self.down_share[i] = min(1.0, self.down_counts[i] / self.represents[i])
        up = bool(self.down_share[i] < 0.5)
        if up != bool(self._up[i]):
            self._up[i] = up
            self._reach_key = self._up.tobytes()

    def invalidate_availability(self) -> None:
        """Recompute which institutions are down (after ransomware, or on a new day)."""
        self.down_share = np.minimum(1.0, self.down_counts / self.represents)
        self._up = self.down_share < 0.5
        if hasattr(self, "targets"):
            self.targets.up = self._up
        self._reach_key = self._up.tobytes()

    def provider_up(self) -> np.ndarray:
        """Which institution nodes (by index) are mostly up today."""
        return self._up

    def reach_matrix(self) -> np.ndarray:
        """``R[j, i]``: can provider ``i`` read provider ``j``'s records today?"""
        r = self._reach_cache.get(self._reach_key)
        if r is None:
            r = self.architecture.reach(self._up)
            self._reach_cache[self._reach_key] = r
        return r

    def break_glass_up(self) -> bool:
        """Whether emergency break-glass access works today."""
        bg = getattr(self.architecture, "break_glass", None)
        if bg is None:
            return not self.architecture.on_device  # platforms serve break-glass themselves
        return bool(self._up[bg.index])

    # --------------------------------------------------- deterrence terms
    def detection_probability(self, family: str) -> float:
        """Probability an incident by ``family`` is ever detected under the policy."""
        p = self.p
        if family == "external":
            return float(p["audit_strength"])
        if family in ("insider", "secondary"):
            return float(min(1.0, p["audit_strength"] * (0.5 + p["purpose_binding"])))
        return 0.0

    def sanction_probability(self, family: str) -> float:
        """Probability a detected offender of ``family`` is sanctioned (accidents: never)."""
        p = self.p
        if family == "accident":
            return 0.0
        factor = p["foreign_enforcement_factor"] if family == "external" else 1.0
        return float(p["enforcement_probability"] * factor)

    def detection_delay_days(self, family: str) -> float:
        """Mean days to detection; early warning (audit strength) shortens it by up to 30%."""
        p = self.p
        base = p["detection_days_external"] if family == "external" else p["detection_days_insider"]
        return float(base * (1.0 - 0.3 * p["audit_strength"]))

    # ------------------------------------------------------------ reach
    def insider_reach(self, inst: Institution) -> Reach:
        """The stores a staff member of ``inst`` can open without a care relationship.

        Which stores is fixed by the design; how many records they hold is this epoch's
        count (cached for the epoch).
        """
        cached = self._insider_reach.get(inst.index)
        if cached is not None:
            return cached
        static = self._reach_static.get(inst.index)
        if static is None:
            static = self._reach_static[inst.index] = self._insider_stores(inst)
        reach = self._sized_reach(*static)
        self._insider_reach[inst.index] = reach
        return reach

    def _insider_stores(self, inst: Institution) -> tuple[list[Store], int | None, int | None]:
        p = self.p
        breadth = p["access_breadth"]
        stores = list(inst.stores)
        region = None
        recent = None
        arch = self.architecture
        gated = self.consent.requires_code or arch.on_device
        if inst.kind.is_provider:
            if breadth == "treating_team":
                recent = RECENT_CARE_DAYS
            elif breadth in ("region", "national") and not gated:
                if breadth == "region":
                    region = inst.region
                stores += self._shared_stores_for(inst, breadth)
            if self.consent.break_glass and breadth != "treating_team":
                bg = getattr(arch, "break_glass", None)
                if bg is not None:
                    stores += bg.stores
        return stores, region, recent

    def _shared_stores_for(self, inst: Institution, breadth: str) -> list[Store]:
        name = self.architecture.name
        if name == "regional":
            return list(self.architecture.platforms[inst.region].stores)
        if name == "national":
            return list(self.architecture.platform.stores)
        if name == "federated":
            return [s for prov in self.providers if prov is not inst
                    and (breadth == "national" or prov.region == inst.region)
                    for s in prov.stores]
        return []

    def _fraction_log10_mean(self, holdings_real):
        p = self.p
        h = np.maximum(holdings_real, 1.0)
        return (p["breach_size_log10_mean"] + p["breach_size_exponent"]
                * np.log10(h / BREACH_REFERENCE_RECORDS) - np.log10(h))

    def breach_fraction(self, holdings_real: float, z: float) -> float:
        """Share of one real institution's ``holdings_real`` records taken in a breach.

        Size = 10^(mean + sd·z) × (holdings / 100,000)^exponent records, capped at the
        holdings: log-normal like the OCR data, larger for larger stores but not in
        proportion (``breach_size_*`` parameters).
        """
        return float(self.breach_fractions(np.array([holdings_real]), np.array([z]))[0])

    def breach_fractions(self, holdings_real: np.ndarray, z: np.ndarray) -> np.ndarray:
        """:meth:`breach_fraction` for arrays of holdings and normal deviates."""
        log_mean = self._fraction_log10_mean(holdings_real)
        return np.minimum(1.0, 10.0 ** (log_mean + self.p["breach_size_log10_sd"] * z))

    def mean_breach_fraction(self, holdings_real):
        """Expected :meth:`breach_fraction` for stores of ``holdings_real`` records (array)."""
        return _mean_capped_lognormal(self._fraction_log10_mean(holdings_real),
                                      float(self.p["breach_size_log10_sd"]))

    def coverage(self, reach: Reach) -> float:
        """Share of the people an insider wants to look at that lie within ``reach``."""
        half = float(self.p["coverage_half_records"])
        return reach.records_real / (reach.records_real + half)

    def secondary_reach(self, agent: Attacker) -> Reach:
        """The integrated views a secondary user can query beyond their purpose."""
        home = agent.home
        stores = [s for s in home.stores if s.name.startswith("integrated")]
        if home.kind is InstitutionKind.PUBLIC_HEALTH:
            if self.policy.public_health & self.field_bit["location_trail"]:
                stores += list(home.stores)  # the health-code trail itself
            pay = self._agency(InstitutionKind.PAYMENT)
            if pay is not None:
                stores += [s for s in pay.stores if s.name.startswith("integrated")]
        return self._sized_reach(stores, None, None)

    def _sized_reach(self, stores: list[Store], region: int | None, recent: int | None) -> Reach:
        if not stores:
            return Reach(stores=[], region=region, recent_days=recent)
        ix = np.array([s.index for s in stores])
        counts = self.store_counts()[ix].astype(float)
        if region is not None:
            counts = counts / max(self.p["n_regions"], 1)
        if recent is not None:
            counts = counts * min(1.0, RECENT_CARE_DAYS / max(self.p["retention_days"], 1))
        real = float((counts * self.scale / self._store_represents[ix]).sum())
        total = counts.sum()
        vpr = float((counts * self._store_value[ix]).sum() / total) if total > 0 else 0.0
        return Reach(stores=[s for s, c in zip(stores, counts, strict=True) if c > 0],
                     region=region, recent_days=recent, records_real=real,
                     value_per_record=vpr)

    # ------------------------------------------------------------ shock
    def _shock(self) -> None:
        """The scenario's forced breach of the most valuable system, detected at once.

        The most valuable system is the real institution whose records are worth most in
        bulk: under the 2025 plan, the national platform or an integrated view. It loses
        ``shock_fraction`` of its records. Encryption at rest protects it as it would any
        breach.
        """
        value = self.targets.haul_value(False)
        holder = self.institution_list[int(np.argmax(value))]
        u = self.streams.fresh("shock", self.day).random(Attacker.block)
        usable = (not self.p["encryption_at_rest"]) or u[3] < self.p["key_compromise_probability"]
        self.ledger.breach(attacker=None, institution=holder,
                           fraction=float(self.p["shock_fraction"]),
                           usable=usable, kind="shock", u=u, detect_now=True)


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


BREACH_REFERENCE_RECORDS = 100_000  # holdings at which breach_size_log10_mean applies


def _mean_capped_lognormal(mu10, sd10: float):
    """E[min(1, 10^(mu + sd·Z))], Z standard normal, in closed form (vectorised over mu).

    With X = e^(a + bZ), a = mu·ln 10, b = sd·ln 10:
    E[min(1, X)] = e^(a + b²/2)·Φ((-a - b²)/b) + 1 - Φ(-a/b).
    """
    from scipy.special import ndtr

    a = np.asarray(mu10, dtype=float) * math.log(10.0)
    b = float(sd10) * math.log(10.0)
    if b == 0.0:
        out = np.minimum(1.0, np.exp(a))
    else:
        with np.errstate(over="ignore"):
            below = np.exp(np.minimum(a + 0.5 * b * b, 700.0)) * ndtr((-a - b * b) / b)
        out = below + 1.0 - ndtr(-a / b)
    return float(out) if np.ndim(out) == 0 else out
