"""The Mesa model: one country, region by region, day by day.

:class:`HealthDataModel` is the story of a day. Its parts live in their own modules:

* residents as columns (:mod:`sim.world.population`), their trust and consent
  (:mod:`sim.world.behaviour`, :mod:`sim.world.consent`);
* institutions (Mesa agents) and their stores (:mod:`sim.world.build`,
  :mod:`sim.world.institutions`), the data-sharing network that says who sends records to whom
  and who can read them (:mod:`sim.world.network`), and who holds whose records
  (:mod:`sim.world.records`);
* care events and what clinicians see (:mod:`sim.world.care`);
* attackers (Mesa agents, :mod:`sim.world.attackers`), what they see (:mod:`sim.world.threats`) and
  the incident ledger (:mod:`sim.world.ledger`, :mod:`sim.world.exposure`);
* the outcomes (:mod:`sim.world.outcomes`).

:meth:`~HealthDataModel.step` is one day: the phases of :attr:`HealthDataModel.PHASES`,
in that order, written down once there. The order is part of the model: an attacker acts
on what was recorded today, and residents react to what was announced today.
docs/odd.md §3 is generated from the list and the phases' docstrings.
"""

from __future__ import annotations

import inspect
import itertools
import math
import time
import weakref
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import mesa
import numpy as np

from ..fields import CATALOGUE, FieldCatalogue
from ..geography import region_names
from ..params import PARAMETERS
from ..rng import Streams, resolve_seed
from ..scenario import Scenario, load_scenario
from .architecture import ARCHITECTURES
from .attackers import ATTACKER_TYPES, Attacker, DataBroker, Opportunities
from .attackers.base import plan_opportunities
from .behaviour import Behaviour
from .build import BUILD_HOOKS, add_institution, add_store, build_institutions
from .care import ACCESS_TOTALS, CareProcess, Events
from .consent import CONSENT_MODELS
from .groups import GroupAccounts
from .institutions import HOLDINGS_REFRESH_DAYS, Institution, InstitutionKind, Store
from .ledger import Ledger
from .network import add_flow, build_graph, node_of, resolve_feeds, warn_unread_flows
from .outcomes import OUTCOMES
from .policy import Policy
from .population import Population
from .records import Records
from .risk import QuasiIdentifiers
from .threats import Threats
from .uniforms import U_KEYS

__all__ = ["COLLECTED", "DAILY_SERIES", "SERIES", "Day", "HealthDataModel", "Series",
           "collected"]


class _WeakIdCounters(weakref.WeakKeyDictionary):
    """Mesa's per-model counters of agent ids, keyed weakly (a model no longer used is freed).

    Mesa up to 3.3 (what pip installs on Python 3.11) keeps them in a class attribute,
    ``Agent._ids = defaultdict(itertools.count)`` keyed by the model itself, so every model
    ever built stays in memory with all its arrays (about 17 MB a run at 4,000 residents: a
    warm worker or a sweep grew without bound). Mesa 3.4 fixed it (mesa/mesa#3179, #3180);
    on older versions the same mapping, held weakly, replaces it.
    """

    def __getitem__(self, model):
        try:
            return super().__getitem__(model)
        except KeyError:
            counter = self[model] = itertools.count(1)
            return counter


if isinstance(mesa.Agent.__dict__.get("_ids"), defaultdict):  # Mesa < 3.4
    mesa.Agent._ids = _WeakIdCounters(mesa.Agent._ids)

def _share(part: float, whole: float) -> float:
    """``part / whole``, or NaN on a day nothing was needed."""
    return part / whole if whole else np.nan


@dataclass(frozen=True)
class Series:
    """One daily series: its unit, how a day's value is read, and its DataCollector columns.

    A new series is one entry in :attr:`HealthDataModel.SERIES` (in a subclass:
    ``SERIES = {**HealthDataModel.SERIES, "audits": Series(...)}``): the model records it
    each day (``phase_record_day``), :meth:`~HealthDataModel.daily` returns it and Mesa's
    DataCollector gets its columns.

    Attributes:
        unit: what one value counts (the charts' axis label).
        read: ``read(model, day)``, the value at the end of the day (``day``: the
            :class:`Day` the phases handed on; ``model.day`` is the day's index).
        collect: its columns in Mesa's DataCollector: ``"new"`` (``new_<name>``, the day's
            count of a flow), ``"cum"`` (``cum_<name>``, its running total since day 0) and
            ``"day"`` (``day_<name>``, the day's rate or level).
        running: the series is itself a running total (the residents exposed so far), so
            its ``cum_`` column is the day's value.
    """

    unit: str
    read: Callable[[Any, Day], float]
    collect: tuple[str, ...] = ("day",)
    running: bool = False


#: the daily series, in the order of :meth:`HealthDataModel.daily`'s columns
SERIES: dict[str, Series] = {
    "encounters": Series("encounters", lambda m, day: day.access["encounters"], ("new",)),
    "utility_rate": Series("share of needed value", lambda m, day: _share(
        day.access["value_delivered"], day.access["value_needed"])),
    "emergency_info_rate": Series(
        "share of needed value (emergencies away from home)", lambda m, day: _share(
            day.access["emerg_away_delivered"], day.access["emerg_away_needed"])),
    "breaches": Series("incidents", lambda m, day: m.ledger.daily_breaches[m.day],
                       ("new", "cum")),
    "insider_incidents": Series("incidents", lambda m, day: m.ledger.daily_insider[m.day],
                                ("new", "cum")),
    "function_creep_incidents": Series(
        "campaigns", lambda m, day: m.ledger.daily_creep[m.day], ("new", "cum")),
    "records_exposed": Series(
        "records per 1,000 residents",
        lambda m, day: 1000.0 * m.ledger.daily_records[m.day] / m.pop.n, ("new", "cum")),
    "residents_exposed_rate": Series(
        "share of residents (cumulative)", lambda m, day: m.ledger.residents_exposed / m.pop.n,
        ("cum",), running=True),
    "detected": Series("incidents detected", lambda m, day: m.ledger.daily_detected[m.day],
                       ("new", "cum")),
    "participation_rate": Series(
        "share of residents", lambda m, day: np.count_nonzero(m.pop.participating) / m.pop.n),
    "mean_trust": Series("0-1", lambda m, day: m.behaviour.mean_trust()),
    "withholding_rate": Series(
        "share of residents", lambda m, day: np.count_nonzero(m.pop.withholding) / m.pop.n),
    "institutions_down": Series("real institutions down",
                                lambda m, day: m.threats.down_counts.sum()),
    "consent_reviews": Series("residents", lambda m, day: day.reviews, ("new",)),
}

#: daily time-series columns, with their units (read from :data:`SERIES`)
DAILY_SERIES = {name: s.unit for name, s in SERIES.items()}


def collected(series: Mapping[str, Series]) -> dict[str, tuple[str, str]]:
    """The DataCollector's columns of ``series``: ``{column: (series, "new"|"cum"|"day")}``.

    ``"cum"`` columns are running totals; the others read the day's value.
    """
    return {f"{prefix}_{name}": (name, "day" if (prefix == "cum" and s.running) else prefix)
            for name, s in series.items() for prefix in s.collect}


#: the daily series as Mesa's DataCollector names them: ``new_`` a flow (counted over the
#: day), ``cum_`` a running total since day 0, ``day_`` the day's rate or the level at the
#: end of the day. Each is read from :attr:`HealthDataModel.series` (``daily()``); none
#: reuses a run outcome's name, since those mean run totals (``breaches``: the whole run's
#: breaches, ``new_breaches``: today's, ``cum_breaches``: so far). The DataCollector's
#: outcome columns (``OUTCOMES`` names) are filled when the run ends, NaN until then.
COLLECTED: dict[str, tuple[str, str]] = collected(SERIES)


def _today(model: HealthDataModel, series: str) -> float:
    """The last recorded day's value of a daily series."""
    return float(model.series[series][model.day - 1]) if model.day else math.nan


def _cumulative(model: HealthDataModel, series: str) -> float:
    """The running total of a daily flow over the recorded days."""
    return float(np.nansum(model.series[series][: model.day]))


def _outcome_at_end(model: HealthDataModel, name: str) -> float:
    """A run outcome once the run has ended (NaN while it runs: see ``summary()``)."""
    return model._outcomes_at_end.get(name, math.nan)


class _Collector(mesa.DataCollector):
    """Mesa's DataCollector with a direct ``collect``.

    Every reporter returns a plain float (or the seed) read from what the model records
    anyway, so the base class's per-value ``deepcopy`` and type dispatch (about a tenth of
    a default run) are skipped; what is stored is the same.
    """

    def collect(self, model: HealthDataModel) -> None:
        """Append one row: each model reporter's value now."""
        every = self.model_reporters
        # Mesa's own collect records the seed and whatever bookkeeping its version keeps
        # (Mesa 3.5: which steps were collected, for batch_run); the rest is appended here
        self.model_reporters = {"seed": every["seed"]}
        try:
            super().collect(model)
        finally:
            self.model_reporters = every
        totals = self.__dict__.setdefault("_totals", {})  # running totals: (days, sum)
        for var, reporter in every.items():
            if var == "seed":
                continue
            spec = model._collected.get(var)
            if spec is not None and spec[1] == "cum":  # as _cumulative, without re-summing
                days, total = totals.get(var, (0, 0.0))
                values = model.series[spec[0]]
                for d in range(days, model.day):
                    x = float(values[d])
                    total += 0.0 if x != x else x  # NaN-skipping, like np.nansum
                totals[var] = (model.day, total)
                value = total
            elif isinstance(reporter, str):
                value = getattr(model, reporter)
            else:
                value = reporter(model)
            self.model_vars[var].append(value)


@dataclass
class Day:
    """What one day's phases hand on to each other (see :attr:`HealthDataModel.PHASES`)."""

    events: Events | None = None
    access: dict[str, float] = field(default_factory=dict)
    reviews: int = 0


class HealthDataModel(mesa.Model):
    """Residents, institutions and attackers sharing health data under one policy.

    Args:
        scenario: a :class:`~sim.scenario.Scenario`, a mapping of parameter values, a
            scenario file path or bundled name, or ``None`` for the declared defaults.
        seed: the run's seed (a non-negative integer); every random stream derives from it
            and its own name. ``None`` (the default): a fresh seed from OS entropy, recorded
            in ``model.seed`` so the run can be reproduced.
        rng: Mesa's alternative to ``seed`` (not both): an integer seed, or a numpy
            ``Generator``/``SeedSequence`` from which the seed is drawn.
        catalogue: the data-field catalogue (replace to test other field valuations).
        **overrides: parameter values applied on top of the scenario, one keyword per
            declared parameter (``inspect.signature`` lists them with their defaults).

    Attributes:
        spec: the validated :class:`~sim.scenario.Scenario` (``model.scenario`` is ``None``).
        p: the parameter values (read-only mapping).
        pop: the residents (:class:`~sim.world.population.Population`); ``pop.region`` holds each
            resident's province, codes 0-30 by default.
        region_names: the regions' English names (the 31 provinces by default), indexed by
            ``pop.region``; ``region_names_zh`` their Chinese names.
        institution_list: the institutions, indexed by ``Institution.index``.
        graph: the data-sharing network (``networkx.MultiDiGraph``, :mod:`sim.world.network`).
        records: who holds whose records (:class:`~sim.world.records.Records`).
        care: care events and clinical access (:class:`~sim.world.care.CareProcess`).
        behaviour: trust and consent decisions (:class:`~sim.world.behaviour.Behaviour`).
        threats: attack surface, reach, breach sizes, availability
        (:class:`~sim.world.threats.Threats`).
        attackers: the attackers (a Mesa ``AgentSet``).
        ledger: incidents and privacy counters (:class:`~sim.world.ledger.Ledger`).
        series: the daily time series (see :meth:`daily`).
        seed: the seed the run used (also ``seed_value``).
        datacollector: Mesa's ``DataCollector`` (for ``mesa.batch_run`` and ``SolaraViz``):
            a row at the end of each day, with the daily series under the names of
            :data:`COLLECTED` (``new_``/``cum_``/``day_``), ``seed``, and the outcomes
            (:data:`~sim.world.outcomes.OUTCOMES`) on the last day, NaN before it.

    Raises:
        ScenarioError: if the scenario or an override is invalid.

    Example:
        >>> m = HealthDataModel({"n_residents": 500, "n_days": 30}, seed=1)
        >>> summary = m.run()
        >>> 0.0 <= summary["utility_rate"] <= 1.0
        True
    """

    def __init__(self, scenario: Scenario | Mapping[str, Any] | str | None = None, *,
                 seed: int | None = None, rng: Any = None, catalogue: FieldCatalogue = CATALOGUE,
                 **overrides: Any) -> None:
        # the signature tools see is generated from the declaration (see _init_signature)
        seed = resolve_seed(seed, rng)
        self.spec = load_scenario(scenario, overrides or None)
        self.p: Mapping[str, Any] = self.spec.params
        self.streams = Streams(seed)
        # rng= (not seed=, deprecated in Mesa 3.5) seeds both model.rng and model.random
        super().__init__(rng=int(self.streams.get("schedule").integers(2**31 - 1)))
        #: the seed this run used (drawn from OS entropy for ``seed=None``): pass it back as
        #: ``seed=`` to reproduce the run
        self.seed = seed
        self.seed_value = seed
        p = self.p
        self.catalogue = catalogue
        self.n_days = int(p["n_days"])
        self.day = 0
        self.scale = float(p["real_population"]) / int(p["n_residents"])
        self.real_millions = float(p["real_population"]) / 1e6
        self.policy = Policy.compile(p, catalogue)
        self.field_bit = {f.name: 1 << i for i, f in enumerate(catalogue)}
        self.sensitive_mask = catalogue.mask_where(lambda f: f.sensitive)

        # residents
        self.pop = Population.generate(p, self.streams.get("population"))
        self.pop.init_state()
        #: the regions' names in English and Chinese (China's provinces by default, in the
        #: order of the codes in ``pop.region``; see :mod:`sim.geography`)
        self.region_names = region_names(p)
        self.region_names_zh = region_names(p, "zh")
        self.quasi_identifiers = QuasiIdentifiers(self.pop, catalogue)

        # institutions, their stores and the sharing network
        self.consent = CONSENT_MODELS[p["consent_model"]](self)
        self.institution_list: list[Institution] = []
        self.stores: list[Store] = []
        self.providers: list[Institution] = []
        self.architecture = ARCHITECTURES[p["architecture"]](self)
        build_institutions(self)
        self.graph = build_graph(self)
        self._building = True  # build hooks may add institutions, stores and flows
        self._added_flows: list[tuple] = []  # flows added by hand: checked for being read
        for _, hook in BUILD_HOOKS.items():
            hook(self)
        self.build_network()
        self._building = False
        self.institutions = mesa.agent.AgentSet(self.institution_list, random=self.random)
        resolve_feeds(self)
        warn_unread_flows(self, self._added_flows)
        self._added_flows = []

        # records held at the start, consent at rollout
        self.care = CareProcess(self)
        self.records = Records(self)
        self.behaviour = Behaviour(self)
        self.behaviour.initial()

        # the ledger, what attackers see, the attackers
        self.ledger = Ledger(self)
        self.threats = Threats(self)
        agents: list[Attacker] = []
        for _, cls in ATTACKER_TYPES.items():
            agents.extend(cls.create(self))
        self.attackers = mesa.agent.AgentSet(agents, random=self.random)
        self.brokers = [a for a in agents if isinstance(a, DataBroker)]
        self.actors = mesa.agent.AgentSet([a for a in agents if not isinstance(a, DataBroker)],
                                          random=self.random)
        self._attack_plan = plan_opportunities(self, list(self.actors))

        self.groups = GroupAccounts(self)
        self.totals = dict.fromkeys(ACCESS_TOTALS, 0.0)
        self.series = {k: np.full(self.n_days, np.nan) for k in self.SERIES}
        self._collected = collected(self.SERIES)
        self._phase_methods = [(name, getattr(self, f"phase_{name}")) for name in self.PHASES]
        self.phase_seconds = dict.fromkeys(self.PHASES, 0.0)
        self.running = True
        self._outcomes_at_end: dict[str, float] = {}
        # Mesa's DataCollector (batch_run, SolaraViz): reads the values record_day wrote
        # and draws no random numbers. One row per day, collected at the end of the day (none
        # at construction: Mesa 3.3's batch_run would then drop the last day's row).
        self.datacollector = _Collector(model_reporters=self._reporters())

    @property
    def scenario(self) -> None:
        """``None``: the run's scenario is :attr:`spec`.

        Mesa 3.5 gives every model a ``model.scenario`` (its own ``Scenario`` class) and
        ``SolaraViz`` would then pass one as ``scenario=`` when it rebuilds the model; ours
        takes the scenario's parameters as keywords instead, so the attribute stays empty.
        Mesa's object, if any, is kept in ``_mesa_scenario``.
        """
        return None

    @scenario.setter
    def scenario(self, value: Any) -> None:
        self._mesa_scenario = value

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Restore a pickled or deep-copied model (a checkpoint).

        Attackers' beliefs are views of their cohort's tables; a copy makes each view an
        array of its own, so the views are made again here, once everything is restored.
        """
        self.__dict__.update(state)
        for _cls, cohort, *_ in self._attack_plan:
            cohort.rebind()

    # ================================================================ the day
    #: the day, in order: :meth:`step` calls ``phase_<name>(day)`` for each name. This list
    #: *is* the schedule: the ODD's process overview (docs/odd.md §3) is generated from it
    #: and the phases' docstrings, and each phase's time is recorded (:meth:`profile`). A
    #: subclass may insert a phase by extending the tuple and defining its method.
    PHASES: tuple[str, ...] = (
        "housekeeping", "care_events", "recording_and_sharing", "clinical_access", "attacks",
        "detection_and_enforcement", "linkage", "trust_and_consent", "record_day",
    )

    #: the daily series this model records, by name (:class:`Series`: unit, how the day's
    #: value is read, DataCollector columns); a subclass may add one by extending the dict
    SERIES: Mapping[str, Series] = SERIES

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
        self.ledger.close_day()  # no incident outlives its day (a phase after the attacks)
        self.day += 1
        if self.day >= self.n_days:
            self.running = False
            self._outcomes_at_end = self.summary()
        self.datacollector.collect(self)

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
        self.threats.new_day()
        if self.day % HOLDINGS_REFRESH_DAYS == 0 and self.day > 0:
            self.threats.new_epoch()

    def phase_care_events(self, day: Day) -> None:
        """Care events.

        Residents have routine, chronic, emergency and preventive encounters, some away from
        home, drawn from the ``care`` stream alone.
        """
        day.events = self.care.draw()

    def phase_recording_and_sharing(self, day: Day) -> None:
        """Recording and sharing.

        Providers write today's date into the last-visit tables, keeping the previous date;
        shared stores receive records through the sharing network's flows, since their
        holdings derive from the tables of the providers that feed them.
        """
        self.care.record(day.events)

    def phase_clinical_access(self, day: Day) -> None:
        """Clinical access.

        Each needed field is delivered or not (§7.3): held, consulted, consented, reachable
        through the sharing network, up; the clinical totals are accumulated.
        """
        day.access = self.care.access(day.events)
        for k, v in day.access.items():
            self.totals[k] += v

    def phase_attacks(self, day: Day) -> None:
        """Attacks.

        The scenario's shock breach if today is ``shock_day``; then, one attacker type at a
        time in the order the types are registered (external groups, insiders, secondary
        users, the loss-and-theft process; brokers have no opportunities), all of the
        type's opportunities today are decided and attempted together
        (``Attacker.act``, §7.4), each with its attacker's beliefs as it woke up (types
        whose verbs are the same code, such as exfiltration and ransomware groups, in one
        batch). The day's incidents are then opened in the ledger together.
        """
        if self.day == self.p["shock_day"]:
            self._shock()
        d = self.day
        for cls, cohort, starts, owner, u in self._attack_plan:
            lo, hi = starts[d], starts[d + 1]
            if hi > lo:
                cls.act(Opportunities(self, cohort, owner[lo:hi], u[lo:hi]))
        self.ledger.close_day()

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
        for name, spec in self.SERIES.items():
            self.series[name][d] = spec.read(self, day)

    def _shock(self) -> None:
        """The scenario's forced breach of the most valuable system, detected at once.

        The most valuable system is the real institution whose records are worth most in
        bulk: under the 2025 plan, the national platform or an integrated view. It loses
        ``shock_fraction`` of its records. Encryption at rest protects it as it would any
        breach.
        """
        holder = self.threats.most_valuable()
        u = self.streams.fresh("shock", self.day).random((1, Attacker.block))
        self.ledger.breaches(kind="shock", attackers=[None], institutions=np.array([holder.index]),
                             fraction=np.array([float(self.p["shock_fraction"])]),
                             scale=np.ones(1), usable=self.threats.usable(u[:, U_KEYS]), u=u,
                             detect_now=True)

    # ============================================================ results
    def _reporters(self) -> dict[str, Any]:
        """The DataCollector's model reporters: :data:`COLLECTED` series, then the outcomes."""
        reporters: dict[str, Any] = {"seed": "seed"}  # batch_run's seed column: the one used
        for name, (series, kind) in self._collected.items():
            if kind == "cum":
                reporters[name] = partial(_cumulative, series=series)
            else:
                reporters[name] = partial(_today, series=series)
        for name in OUTCOMES:
            reporters[name] = partial(_outcome_at_end, name=name)
        return reporters

    def summary(self) -> dict[str, float]:
        """Return every registered outcome's value for this run."""
        return {name: float(o.compute(self)) for name, o in OUTCOMES.items()}

    def daily(self):
        """Return the daily time series as a pandas DataFrame indexed by day."""
        import pandas as pd

        df = pd.DataFrame({k: v[: self.day] for k, v in self.series.items()})
        df.index.name = "day"
        return df

    def breakdown(self):
        """Outcomes by group (attitude, age band, region, care at home or away)."""
        return self.groups.table()

    # ====================================================== construction
    def build_network(self) -> None:
        """Hook: add institutions, stores and flows while the model is built.

        Called once the design's institutions and sharing network exist and before the
        model reads them (the stores' feeders, records, reach, attackers). A subclass
        overrides it; without one, register a function with
        :func:`sim.world.build.register_build_hook`, which every runner's models call (the
        workers' too, where the registering module is imported there). Use
        :meth:`add_institution`, :meth:`add_store` and :meth:`add_flow`.
        """

    def add_institution(self, kind: str | InstitutionKind, region: int,
                        label: str | None = None) -> Institution:
        """Create an institution node (the builders, architectures and build hooks).

        Raises:
            RuntimeError: once the model is built (its tables are sized by then), or for a
                provider added by a hook (providers are laid out by region and tier).
        """
        self._check_building("add_institution")
        kind = InstitutionKind(kind) if isinstance(kind, str) else kind
        if kind.is_provider and self.providers and self._building is True:
            raise RuntimeError(f"add_institution: a {kind.value} cannot be added by a build "
                               "hook: providers are laid out by region and tier "
                               "(n_regions, the nodes per tier); add other institutions")
        return add_institution(self, kind, region, label)

    def add_store(self, inst: Institution, name: str, **kw: Any) -> Store | None:
        """Give ``inst`` a store of records (see :func:`sim.world.build.add_store`).

        Raises:
            RuntimeError: once the model is built.
        """
        self._check_building("add_store")
        return add_store(self, inst, name, **kw)

    def _check_building(self, what: str) -> None:
        if getattr(self, "_building", None) is False:
            raise RuntimeError(f"{what}: the model is built (its tables are sized to its "
                               "institutions and stores); add them while it is built: in "
                               "HealthDataModel.build_network (a subclass), a function "
                               "registered with sim.world.build.register_build_hook, or an "
                               "Architecture's build_stores")

    def agency(self, kind: InstitutionKind) -> Institution | None:
        """The first institution of ``kind`` (a national body), if the design has one."""
        return next((i for i in self.institution_list if i.kind is kind), None)

    def add_flow(self, source, destination, flow: str, **attrs: Any) -> None:
        """Add a sharing flow to the network and let the model read it from now on.

        See :func:`sim.world.network.add_flow` for the attributes; e.g.
        ``m.add_flow(clinic, platform, "upload", store="platform")`` makes ``platform``
        hold ``clinic``'s patients, and an ``access`` flow lets a provider read through a
        hub (gated, unless said otherwise, where the consent model or the architecture
        needs the resident's code for shared reads, as the built-in access flows are).
        """
        if flow == "access":
            attrs.setdefault("gated", self.consent.requires_code or self.architecture.on_device)
        add_flow(self.graph, source, destination, flow, **attrs)
        self._added_flows.append((node_of(source), node_of(destination)))
        if not getattr(self, "_building", False):  # while building, read once at the end
            self.flows_changed()

    def flows_changed(self) -> None:
        """Re-read the sharing network after editing ``graph`` (adding or removing flows).

        Which providers feed each store, who can read whom, what insiders reach.
        """
        if len(self.stores) != len(self.threats.store_value):
            raise RuntimeError("stores can only be added while the model is built (in an "
                               "Architecture.build_stores); a flow may feed an existing store")
        resolve_feeds(self)
        warn_unread_flows(self, self._added_flows)
        self._added_flows = []
        self.records.invalidate()
        self.ledger.sampler.invalidate()
        self.threats.invalidate_reach()
        self.threats.new_epoch()



def _init_signature() -> inspect.Signature:
    """The signature of ``HealthDataModel.__init__`` that tools see, from the declaration.

    ``__init__`` takes parameter values as ``**overrides``; tools that read
    ``inspect.signature`` (Mesa's ``SolaraViz`` and ``batch_run``, IDEs, ``help()``) see
    one keyword-only argument per declared parameter (:data:`sim.params.PARAMETERS`) with
    its declared default. A parameter left out takes the scenario's value, which is the
    declared default unless the scenario sets it. Python honours ``__signature__``
    (PEP 362); calls are still checked by the scenario validation (unknown names and bad
    values raise ``ScenarioError``).
    """
    kw = inspect.Parameter.KEYWORD_ONLY
    params = [
        inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        inspect.Parameter("scenario", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None,
                          annotation=Scenario | Mapping[str, Any] | str | None),
        inspect.Parameter("seed", kw, default=None, annotation=int | None),
        inspect.Parameter("rng", kw, default=None, annotation=Any),
        inspect.Parameter("catalogue", kw, default=CATALOGUE, annotation=FieldCatalogue),
    ]
    params += [inspect.Parameter(name, kw, default=p.default, annotation=p.dtype)
               for name, p in PARAMETERS.items()]
    return inspect.Signature(params, return_annotation=None)


HealthDataModel.__init__.__signature__ = _init_signature()  # type: ignore[attr-defined]
