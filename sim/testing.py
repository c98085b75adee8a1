"""Contract checks for the parts researchers add: attackers, outcomes, consent models.

As scikit-learn's ``check_estimator``, call one on your part before relying on its numbers::

    from sim.testing import check_attacker
    check_attacker(CredentialStuffer)          # raises ContractError, or returns the checks

Each check builds small models (2,000 residents, 60 days by default), uses the part the way
the model does, and raises :class:`ContractError` whose message names the part, the check
that failed, what was found and how to fix it. On success it returns the names of the
checks passed. A part that is not registered yet is registered for the check under its
own name and removed again afterwards.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from .world.uniforms import N_UNIFORMS

__all__ = ["ContractError", "check_attacker", "check_consent_model", "check_outcome"]

#: the attacker families the deterrence terms know (``sim.world.threats.Threats``; brokers buy
#: leaks and have no opportunities of their own)
FAMILIES = ("external", "insider", "secondary", "accident", "broker")
#: verbs whose vectorised form must agree with the scalar one, in the template's order
_PAIRED_VERBS = ("choose_targets", "expected_gains", "gain_factors", "expected_penalties",
                 "costs")


class ContractError(AssertionError):
    """A part breaks the model's contract; the message says which check, and the fix."""


def _fail(who: str, check: str, found: str, fix: str):
    raise ContractError(f"{who}: {check}: {found}; {fix}")


def _small(scenario: str, seed: int, n_residents: int, n_days: int, **params):
    from .world.model import HealthDataModel

    return HealthDataModel(scenario, seed=seed, n_residents=n_residents, n_days=n_days,
                           **params)


@contextmanager
def _registered(registry, name: str, obj: Any, who: str) -> Iterator[None]:
    """``obj`` registered under ``name`` while the block runs (if it is not already)."""
    if name in registry:
        if registry[name] is not obj:
            _fail(who, "registration", f"the name {name!r} is registered for "
                  f"{registry[name]!r}", "register yours under a name of its own")
        yield
        return
    registry.register(name)(obj)
    try:
        yield
    finally:
        registry.unregister(name)


@contextmanager
def _absent(registry, name: str) -> Iterator[None]:
    """``name`` left out of ``registry`` while the block runs, then put back where it was."""
    saved = dict(registry._items)
    registry.unregister(name)
    try:
        yield
    finally:
        registry._items.clear()
        registry._items.update(saved)


def _same_runs(who: str, make, what: str) -> None:
    """Two models made alike must give the same summary (randomness from the seed only)."""
    a, b = make(), make()
    sa, sb = a.run(), b.run()
    for key in sa:
        x, y = sa[key], sb[key]
        if not (x == y or (math.isnan(x) and math.isnan(y))):
            _fail(who, "reproducibility", f"two runs with the same seed differ in {key} "
                  f"({x!r} and {y!r})", f"draw every random number of {what} from the "
                  "model's streams (self.stream, model.streams.get(...)), never from "
                  "np.random or random, and do not keep state between models")


# ------------------------------------------------------------------------ attackers
def check_attacker(cls: type, *, scenario: str = "status_quo", seed: int = 0,
                   n_residents: int = 2000, n_days: int = 60, rows: int = 300) -> list[str]:
    """Check an :class:`~sim.world.attackers.Attacker` subclass against the template's contract.

    Checks: it is an ``Attacker`` with a name, a known ``family`` and at least the 12
    uniforms the ledger reads per opportunity; ``create`` gives agents of the class with a
    day-by-day plan of opportunities and their uniforms; each array verb it has agrees
    with its scalar verb row by row (``choose_targets`` with ``choose_target``, ...; a
    vectorised override that drifts from the scalar one is the usual bug); deciding
    counts every opportunity with a target once (``attempts`` + ``deterred``) and leaves
    the ledger able to open the day's incidents; a whole run completes, with ``successes``
    at most ``attempts``; and two runs with the same seed agree.

    Args:
        cls: the class.
        scenario: a scenario under which it creates agents.
        seed: the small models' seed.
        n_residents: the small models' residents.
        n_days: the small models' days.
        rows: synthetic opportunities for the verb checks.

    Returns:
        The names of the checks passed.

    Raises:
        ContractError: naming the check, what was found and the fix.
    """
    from .world.attackers.base import (
        _NO_RESULT,
        ATTACKER_TYPES,
        Attacker,
        Cohort,
        Opportunities,
        _rowwise,
        scalar_override,
    )

    who = f"check_attacker({getattr(cls, '__name__', cls)})"
    passed = []
    if not (isinstance(cls, type) and issubclass(cls, Attacker)):
        _fail(who, "type", f"{cls!r} is not a subclass of sim.world.attackers.Attacker",
              "derive it from Attacker or a built-in type (ExternalGroup, Insider, ...)")
    if cls.family not in FAMILIES:
        _fail(who, "family", f"{cls.family!r} is not a family the deterrence terms know "
              "(its incidents would never be detected or sanctioned)",
              f"set family to one of {', '.join(FAMILIES)}")
    if int(cls.block) < N_UNIFORMS:
        _fail(who, "block", f"{cls.block} uniforms per opportunity",
              f"keep at least {N_UNIFORMS}: the ledger reads u[0..{N_UNIFORMS - 1}] of every "
              "incident (sim.world.uniforms)")
    name = cls.type_name
    if name == Attacker.type_name:
        _fail(who, "name", "it has no type name of its own",
              "register it: @register_attacker('my_attacker')")
    passed.append("an Attacker with a known family and 12+ uniforms")
    with _registered(ATTACKER_TYPES, name, cls, who):
        m = _small(scenario, seed, n_residents, n_days)
        agents = [a for a in m.attackers if type(a) is cls]
        if not agents:
            _fail(who, "create", f"no agent under scenario {scenario!r}",
                  "pass a scenario where it acts (scenario=...), or check create()")
        for a in agents:
            opp = np.asarray(a.opportunities)
            if opp.shape != (n_days,) or opp.dtype.kind not in "iu" or (opp < 0).any():
                _fail(who, "create", f"agent {a.unique_id}'s opportunities are "
                      f"{opp.dtype} of shape {opp.shape}", f"give each agent ({n_days},) "
                      "non-negative integers, one per day (Attacker.__init__ draws them)")
            u = np.asarray(a.uniforms)
            if u.shape != (int(opp.sum()), cls.block) or ((u < 0) | (u >= 1)).any():
                _fail(who, "create", f"agent {a.unique_id}'s uniforms have shape {u.shape}",
                      f"draw ({int(opp.sum())}, {cls.block}) uniforms in [0, 1), one block "
                      "per opportunity")
        passed.append(f"create() gives {len(agents)} agent(s) with a plan")

        rng = np.random.default_rng(seed)
        cohort = Cohort(m, agents)
        owner = rng.integers(0, len(agents), rows)
        u = rng.random((rows, cls.block))
        opp = Opportunities(m, cohort, owner, u)
        targets = cls.choose_targets(opp)
        if not np.array_equal(targets, cls.choose_targets(opp)):
            _fail(who, "reproducibility", "choose_targets gives other targets for the same "
                  "opportunities when asked again", "decide from the opportunity's uniforms "
                  "(u) and the model's state; never from np.random or random")
        for verb in _PAIRED_VERBS:
            if scalar_override(cls, verb) or verb in _NO_RESULT:
                continue  # computed from the scalar verb row by row already
            sub, t = (opp, None) if verb in ("choose_targets", "gain_factors") else (
                opp[targets >= 0], targets[targets >= 0])
            if not len(sub):
                continue
            args = () if verb in ("choose_targets", "gain_factors") else (t,)
            fast = np.asarray(getattr(cls, verb)(sub, *args), dtype=float)
            plain = np.asarray(_rowwise(cls, verb, sub, t), dtype=float)
            close = np.isclose(fast, plain, rtol=1e-9, atol=0.0, equal_nan=True)
            if fast.shape != plain.shape or not close.all():
                j = int(np.flatnonzero(~close)[0]) if fast.shape == plain.shape else 0
                _fail(who, f"{verb} vs its scalar verb",
                      f"row {j} gives {float(fast.ravel()[j]):.6g} vectorised and "
                      f"{float(plain.ravel()[j]):.6g} row by row",
                      "make the array verb compute what the scalar one does "
                      "(or override only the scalar verb: the array verb then calls it)")
        passed.append("array verbs agree with scalar verbs")

        before = cohort.state[:, [6, 8]].sum()
        cls.act(opp)
        decided = cohort.state[:, [6, 8]].sum() - before
        if decided != int((targets >= 0).sum()):
            _fail(who, "act", f"{decided:g} of {int((targets >= 0).sum())} opportunities "
                  "with a target were counted (attempts + deterred)",
                  "decide each opportunity with a target once (Opportunities.add)")
        m.ledger.close_day()
        passed.append("act decides each opportunity once; the ledger opens its incidents")

        run = _small(scenario, seed, n_residents, n_days)
        run.run()
        for a in (a for a in run.attackers if type(a) is cls):
            if not 0 <= a.successes <= a.attempts:
                _fail(who, "counters", f"agent {a.unique_id} has {a.successes} successes "
                      f"and {a.attempts} attempts", "count a success only for an attempt")
        passed.append("a whole run completes")
        _same_runs(who, lambda: _small(scenario, seed, n_residents, n_days), name)
        passed.append("two runs with one seed agree")
    return passed


# ------------------------------------------------------------------------- outcomes
def check_outcome(outcome: Any, *, scenarios: tuple[str, ...] = ("status_quo",
                                                                   "national_plan_2025"),
                  seed: int = 0, n_residents: int = 2000, n_days: int = 60) -> list[str]:
    """Check an outcome (registered name or :class:`~sim.world.outcomes.Outcome`).

    Checks: its declaration (``direction`` min, max or info; unit, label and definition
    given); on a finished run of each scenario its value is a real number (not a bool,
    not text), finite or NaN, within its declared range (:attr:`Outcome.bounds`: 0-1 for a
    share or probability, from 0 for a count), and the run's
    ``summary()`` carries it; ``pinned`` (if any) answers text or ``None``; two runs with
    the same seed agree.

    Returns:
        The names of the checks passed.

    Raises:
        ContractError: naming the check, what was found and the fix.
    """
    from .world.outcomes import OUTCOMES, Outcome

    o = OUTCOMES[outcome] if isinstance(outcome, str) else outcome
    who = f"check_outcome({getattr(o, 'name', o)!r})"
    if not isinstance(o, Outcome):
        _fail(who, "type", f"{o!r} is not an Outcome",
              "register a function with @register_outcome(...)")
    if o.direction not in ("min", "max", "info"):
        _fail(who, "direction", repr(o.direction), "use 'min', 'max' or 'info'")
    for field in ("unit", "label", "definition"):
        if not isinstance(getattr(o, field), str) or not getattr(o, field).strip():
            _fail(who, field, "missing", f"give the outcome a {field}: planners read it")
    passed = ["declared"]

    def finished(scen):  # a run without it (the run's summary would call it)
        with _absent(OUTCOMES, o.name):
            m = _small(scen, seed, n_residents, n_days)
            m.run()
        return m

    def value_of(m, scen) -> float:
        try:
            value = o.compute(m)
        except Exception as exc:
            _fail(who, f"value under {scen}", f"it raised {type(exc).__name__}: {exc}",
                  "compute it from what a finished run holds")
        if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
            _fail(who, f"value under {scen}", f"{type(value).__name__} {value!r}",
                  "return a number (float; NaN where it cannot be measured)")
        return float(value)

    models = {}
    for scen in scenarios:
        m = models[scen] = finished(scen)
        value = value_of(m, scen)
        if math.isinf(value):
            _fail(who, f"value under {scen}", repr(value),
                  "return a finite number, or NaN where it cannot be measured")
        low, high = o.bounds or (-math.inf, math.inf)
        if math.isfinite(value) and not low <= value <= high:
            _fail(who, f"value under {scen}", f"{value!r} for a unit of {o.unit!r}",
                  f"its declared range is [{low:g}, {high:g}] (a share or probability lies "
                  "in [0, 1], a count from 0): check the formula, the unit or low=")
        reason = o.pinned_reason(m.p)
        if reason is not None and not isinstance(reason, str):
            _fail(who, "pinned", f"answered {reason!r}", "return text or None")
    passed.append(f"a number on {len(scenarios)} scenario(s)")
    m = models[scenarios[0]]
    x, y = value_of(m, scenarios[0]), value_of(m, scenarios[0])
    if not (x == y or (math.isnan(x) and math.isnan(y))):
        _fail(who, "reproducibility", f"two calls on one finished run give {x!r} and {y!r}",
              "compute it from the model's state alone (no global random numbers)")
    with _registered(OUTCOMES, o.name, o, who):
        m = models[scenarios[0]]
        summary = m.summary()
        value = value_of(m, scenarios[0])
        if o.name not in summary or not (summary[o.name] == value or (
                math.isnan(summary[o.name]) and math.isnan(value))):
            _fail(who, "summary", "the run's summary() does not carry its value",
                  "register it in OUTCOMES (register_outcome) before building models")
    passed.append("in the run's summary")
    x, y = (value_of(finished(scenarios[0]), scenarios[0]) for _ in range(2))
    if not (x == y or (math.isnan(x) and math.isnan(y))):
        _fail(who, "reproducibility", f"two runs with the same seed give {x!r} and {y!r}",
              "compute it from the model's state alone (no global random numbers)")
    passed.append("two runs with one seed agree")
    return passed


# -------------------------------------------------------------------- consent models
def check_consent_model(cls: type, *, seed: int = 0, n_residents: int = 2000,
                        n_days: int = 60) -> list[str]:
    """Check a :class:`~sim.world.consent.ConsentModel` subclass.

    Checks: its class attributes (flags are booleans, ``control`` within 0-1); a model
    built with it has a participation flag (bool) and a shared-field mask (non-negative
    int64) per resident; ``review`` keeps those types, and leaves participation alone where
    ``fixed_participation`` says it cannot move; a whole run completes; two runs with the
    same seed agree.

    Returns:
        The names of the checks passed.

    Raises:
        ContractError: naming the check, what was found and the fix.
    """
    from .world.consent import CONSENT_MODELS, ConsentModel

    who = f"check_consent_model({getattr(cls, '__name__', cls)})"
    if not (isinstance(cls, type) and issubclass(cls, ConsentModel)):
        _fail(who, "type", f"{cls!r} is not a subclass of sim.world.consent.ConsentModel",
              "derive it from ConsentModel")
    for flag in ("requires_code", "break_glass", "offers_control", "default_in"):
        if not isinstance(getattr(cls, flag), bool):
            _fail(who, flag, repr(getattr(cls, flag)), "set it to True or False")
    if not 0.0 <= float(cls.control) <= 1.0:
        _fail(who, "control", repr(cls.control), "the say residents have lies in [0, 1]")
    if cls.name == ConsentModel.name:
        _fail(who, "name", "it has no name of its own",
              "register it: @register_consent_model('my_consent')")
    passed = ["declared"]

    def pop_state(m):
        return m.pop.participating, m.pop.shared_fields

    with _registered(CONSENT_MODELS, cls.name, cls, who):
        def make():
            return _small("status_quo", seed, n_residents, n_days, consent_model=cls.name)
        m = make()
        part, shared = pop_state(m)
        if part.dtype != bool or part.shape != (m.pop.n,):
            _fail(who, "initial", f"participating is {part.dtype} of shape {part.shape}",
                  "keep pop.participating a bool array, one per resident (assign into it)")
        if shared.dtype != np.int64 or shared.shape != (m.pop.n,) or (shared < 0).any():
            _fail(who, "initial", f"shared_fields is {shared.dtype} of shape {shared.shape}",
                  "keep pop.shared_fields a non-negative int64 field mask per resident")
        passed.append("initial state typed per resident")
        rng = np.random.default_rng(seed)
        idx = np.sort(rng.choice(m.pop.n, min(200, m.pop.n), replace=False))
        was = part.copy()
        m.consent.review(idx, rng.random(len(idx)) < 0.5, rng.random(len(idx)))
        part, shared = pop_state(m)
        if part.dtype != bool or shared.dtype != np.int64:
            _fail(who, "review", f"participating {part.dtype}, shared_fields {shared.dtype}",
                  "assign into the arrays (pop.participating[idx] = ...), keep their types")
        if cls.fixed_participation is not None and not np.array_equal(part, was):
            _fail(who, "review", "participation changed, though fixed_participation says "
                  "it cannot", "leave participation alone, or set fixed_participation None")
        passed.append("review keeps the state's types")
        make().run()
        passed.append("a whole run completes")
        _same_runs(who, make, cls.name)
        passed.append("two runs with one seed agree")
    return passed
