"""The robustness stage: a comparison tested across the plausible worlds.

A paired comparison's intervals say how noisy the simulation is at *one* set of assumed
values; they say nothing about what we do not know. The robustness stage runs the baseline
and the reform across ``worlds`` plausible worlds (Latin-hypercube or Sobol draws over the
plausible range of every declared uncertainty, :mod:`sim.plausible`), each world with both
arms on the same seeds (common random numbers, across arms *and* worlds), and judges each
outcome:

* in how many worlds the reform is clearly better, clearly worse, or not clearly different
  (the one rule of :func:`sim.analysis.verdicts.change_class`, on each world's change shrunk for
  the replication noise measured beside the worlds: :func:`judge`);
* the change's spread across worlds (5th to 95th percentile, in the outcome's unit and in
  percent of the world's baseline);
* which assumptions decide it: the **sign** by a one-split classification tree (a CART
  stump) over the sampled values, with the threshold where the answer turns; the **size**
  by Spearman rank correlations. Each is kept only if it beats what the same search finds
  on shuffled worlds (a permutation test of the largest statistic over the assumptions
  searched, :data:`PERMUTATIONS` shuffles, 5% level), so that a few dozen worlds over ~100
  assumptions do not name one by chance. Two families are searched, each at half the
  level: every assumption, and the few the global screening found to move the outcome's
  changes most (:func:`screened`, from ``make uncertainty``), so that fewer worlds can
  confirm a decider the screening already suspected;
* a verdict in three words: *robust* (the same clear direction in at least
  :data:`ROBUST_SHARE` of the worlds), *no clear change* (within the margin in at least
  :data:`NO_CHANGE_SHARE` of them) or *depends on X* (the rest, X the deciding assumption).

Uncertainties that the two arms set differently (a claim's ``resale_value_multiplier``)
are part of what is compared and held as set; so are those named in ``fixed``. Scenario
devices (:data:`sim.plausible.NOT_SAMPLED`) are never sampled.

Use :func:`robustness` (or ``sim.compare(a, b, worlds=N)``); :func:`plan_worlds`,
:meth:`WorldPlan.execute` and :func:`judge` split it for callers that run the worlds
themselves (the app's warm pool).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..i18n import lever_label, outcome_label, tr
from ..i18n.debate import note_text
from ..plausible import PLAUSIBLE, from_unit
from ..scenario import Scenario, load_scenario
from ..world.outcomes import OUTCOMES
from .changes import change_class
from .experiment import RunResult, _comparison_note, _params_of

__all__ = [
    "DEFAULT_WORLDS",
    "NO_CHANGE_SHARE",
    "PERMUTATIONS",
    "ROBUST_SHARE",
    "WORLD_REPS",
    "WORLD_RESIDENTS",
    "RobustnessResult",
    "WorldPlan",
    "claim_across_worlds",
    "draw_worlds",
    "frontier_across_worlds",
    "judge",
    "plan_worlds",
    "policies_from_runs",
    "robustness",
    "screened",
    "summary_text",
]

#: worlds drawn by default. Among ~100 assumptions the largest rank correlation that chance
#: alone gives is about 0.75 with 16 worlds, 0.58 with 32 and 0.43 with 64 (95% of
#: shuffles), so 64 worlds can name an assumption correlated 0.5-0.6 with the change, which
#: 16 or 32 cannot; measured on the plan against on-device storage (seeds 0-2): 64 worlds ×
#: 1 replication named the same decider of clinical information (attack_surface_exponent)
#: every time, at the cost of 32 worlds × 2
DEFAULT_WORLDS = 64
#: paired replications per world and arm (their mean is the world's change): one, since more
#: worlds tell the deciding assumptions apart better than more replications of fewer worlds
WORLD_REPS = 1
#: simulated residents per world run by default: a run's cost is mostly the attacks on the
#: represented population, so fewer residents save less than fewer worlds would lose
WORLD_RESIDENTS = 3_000
#: paired replications of the two arms at their own values, run beside the worlds to
#: measure how much one world's change moves by chance (its replication noise)
NOISE_REPS = 8
#: share of worlds with the same clear direction for a verdict to be *robust*
ROBUST_SHARE = 0.9
#: share of worlds within the margin for *no clear change* ("most")
NO_CHANGE_SHARE = 0.75
#: shuffles of the permutation tests that keep a deciding assumption
PERMUTATIONS = 199
#: significance level of those tests
ALPHA = 0.05
#: most assumptions listed in ``decided_by``
MAX_DECIDERS = 5
#: the global screening (``make uncertainty``: Morris over every plausible range, the plan
#: and four bundled reforms; docs/uncertainty.md) that narrows the search for deciders
SCREENING_FILE = Path(__file__).resolve().parents[1] / "data" / "screening.csv"

_CHANGE_WORDS = {"max": {"higher": "better", "lower": "worse"},
                 "min": {"higher": "worse", "lower": "better"},
                 "info": {"higher": "higher", "lower": "lower"}}


# ------------------------------------------------------------------------------ the plan
@dataclass(frozen=True)
class WorldPlan:
    """The worlds of a robustness stage, before they run.

    Attributes:
        baseline, reform: the two arms as given (with the run size applied).
        samples: one row per world (``world`` index, then one column per varied
            uncertainty).
        scenarios: the runs to make, ``[baseline world 0, reform world 0, baseline world
            1, ...]``, each with its world's values; every one runs ``reps`` replications
            on the same seeds.
        seed: the master seed (samples and replication seeds derive from it).
        reps: replications per world and arm.
        varied: the uncertainties sampled, in declaration order.
        held: uncertainties not sampled, with the reason (set differently by the two arms,
            fixed by the caller).
        method: ``"latin_hypercube"`` or ``"sobol"``.
        noise_reps: paired replications of the two arms at their own values
            (:attr:`central`), which measure a world's replication noise (0: none).
    """

    baseline: Scenario
    reform: Scenario
    samples: pd.DataFrame
    scenarios: list[Scenario]
    seed: int
    reps: int
    varied: list[str]
    held: dict[str, str]
    method: str
    noise_reps: int = NOISE_REPS

    @property
    def worlds(self) -> int:
        """How many worlds."""
        return len(self.samples)

    @property
    def central(self) -> list[Scenario]:
        """The two arms at their own values: run ``noise_reps`` times to measure noise."""
        return [self.baseline, self.reform]

    @property
    def runs(self) -> int:
        """How many runs the plan makes (worlds × 2 arms × reps, and the noise runs)."""
        return len(self.scenarios) * self.reps + 2 * self.noise_reps

    def execute(self, run=None) -> tuple[list[RunResult], list[RunResult]]:
        """Run the plan: the noise runs (first: few) and the worlds.

        Args:
            run: ``run(scenarios, seed, reps) -> list[RunResult]`` (default:
                :func:`sim.experiments.experiment.run_scenarios`; the app passes its warm pool's).

        Returns:
            ``(results, central)`` for :func:`judge`.
        """
        from .experiment import run_scenarios

        run = run or (lambda sc, seed, reps: run_scenarios(sc, seed, reps))
        central = run(self.central, self.seed, self.noise_reps) if self.noise_reps >= 2 else []
        return run(self.scenarios, self.seed, self.reps), central

    def run_size(self) -> dict[str, int]:
        """The size of every run: simulated residents and days."""
        p = self.baseline.params
        return {"n_residents": int(p["n_residents"]), "n_days": int(p["n_days"])}


def plan_worlds(a: Scenario | Mapping[str, Any] | str, b: Scenario | Mapping[str, Any] | str,
                worlds: int = DEFAULT_WORLDS, seed: int = 0, reps: int = WORLD_REPS, *,
                size: Mapping[str, Any] | None = None, fixed: Iterable[str] = (),
                method: str = "latin_hypercube", noise_reps: int = NOISE_REPS) -> WorldPlan:
    """Draw the plausible worlds for baseline ``a`` and reform ``b``.

    Args:
        a: the baseline (a :class:`Scenario`, a name, a path, a mapping).
        b: the reform.
        worlds: how many worlds (at least 4).
        seed: master seed: the world draws use ``SeedSequence([seed, 0x5EED])``, the runs
            the replication seeds of ``seed`` (:func:`sim.experiments.experiment.replication_seed`).
        reps: replications per world and arm.
        size: run size for every world run (default: ``n_residents`` at most
            :data:`WORLD_RESIDENTS`, the arms' ``n_days``).
        fixed: uncertainties to hold at the arms' values.
        method: ``"latin_hypercube"`` (default) or ``"sobol"`` (scrambled; ``worlds``
            should then be a power of two).
        noise_reps: paired replications at the arms' own values that measure a world's
            replication noise (0: none; then every world's change is taken at face value).

    Raises:
        ValueError: for a bad ``worlds``, ``reps``, ``method`` or an unknown ``fixed`` name.
    """
    for name, value, least in (("worlds", worlds, 4), ("reps", reps, 1)):
        if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < least:
            raise ValueError(f"{name}: invalid value {value!r}; allowed: an integer >= {least}")
    if method not in ("latin_hypercube", "sobol"):
        raise ValueError(f"method: invalid value {method!r}; allowed: latin_hypercube, sobol")
    a, b = load_scenario(a), load_scenario(b)
    if size is None:
        size = {"n_residents": min(int(a.params["n_residents"]), WORLD_RESIDENTS)}
    a, b = a.with_overrides(dict(size)), b.with_overrides(dict(size))
    samples, varied, held = draw_worlds([a, b], worlds, seed, fixed=fixed, method=method)
    scenarios = []
    for w in range(int(worlds)):
        world = {n: samples.at[w, n] for n in varied}
        for arm in (a, b):
            scenarios.append(arm.with_overrides(world, name=f"{arm.name} [world {w}]"))
    return WorldPlan(baseline=a, reform=b, samples=samples, scenarios=scenarios,
                     seed=int(seed), reps=int(reps), varied=varied, held=held, method=method,
                     noise_reps=int(noise_reps))


def draw_worlds(arms: Sequence[Scenario], worlds: int, seed: int, *, fixed: Iterable[str] = (),
                method: str = "latin_hypercube") -> tuple[pd.DataFrame, list[str], dict[str, str]]:
    """Draw ``worlds`` plausible worlds for policies that are to be compared in them.

    Every uncertainty with a plausible range is sampled, except those the ``arms`` set
    differently (part of what is compared) and those in ``fixed``.

    Returns:
        ``(samples, varied, held)``: one row per world (``world`` and one plain value per
        varied uncertainty), the varied names in declaration order, and the held ones
        with the reason.

    Raises:
        ValueError: for an unknown name in ``fixed`` or a bad ``method``.
    """
    if method not in ("latin_hypercube", "sobol"):
        raise ValueError(f"method: invalid value {method!r}; allowed: latin_hypercube, sobol")
    fixed = list(fixed)
    for name in fixed:
        if name not in PLAUSIBLE:
            raise ValueError(f"fixed: unknown uncertainty {name!r}; allowed: any of "
                             f"{', '.join(PLAUSIBLE)}")
    held = {}
    first = arms[0]
    for name in PLAUSIBLE:
        values = [arm.params[name] for arm in arms]
        if any(v != values[0] for v in values[1:]):
            shown = ", ".join(str(v) for v in dict.fromkeys(values))
            held[name] = f"set differently by the policies compared ({shown})"
        elif name in fixed:
            held[name] = f"held at {first.params[name]} by the caller"
    varied = [n for n in PLAUSIBLE if n not in held]
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 0x5EED]))
    from scipy.stats import qmc

    engine = (qmc.LatinHypercube(d=len(varied), seed=rng) if method == "latin_hypercube"
              else qmc.Sobol(d=len(varied), scramble=True, seed=rng))
    values = from_unit(varied, engine.random(int(worlds)))
    samples = pd.DataFrame({"world": np.arange(int(worlds)), **values})
    return samples, varied, held


#: how many screened assumptions form the narrow family of the decider search
SCREEN_TOP = 5


@functools.cache
def _screening() -> pd.DataFrame | None:
    try:
        return pd.read_csv(SCREENING_FILE, comment="#")
    except (OSError, ValueError):
        return None


@functools.cache
def screened(outcome: str) -> frozenset[str]:
    """The few uncertainties the global screening found to move ``outcome``'s changes most.

    From :data:`SCREENING_FILE` (``make uncertainty``: Morris over every plausible range,
    the plan and four bundled reforms on common seeds): the :data:`SCREEN_TOP`
    uncertainties with the largest μ* (the typical change across the plausible range) on
    a bundled reform's change of the outcome, among those reaching the outcome's margin
    (:meth:`sim.world.outcomes.Outcome.margin` of the plan's level). The robustness stage
    searches these as a second family at half the error rate, so that 16 or 32 worlds can
    confirm a decider the screening suspected where a search over ~100 could not tell it
    from chance. Empty without a screening, or for an outcome it did not cover.
    """
    table = _screening()
    if table is None or outcome not in OUTCOMES:
        return frozenset()
    rows = table[(table["outcome"] == outcome) & table["target"].str.contains(" − ")]
    if rows.empty:
        return frozenset()
    margin = OUTCOMES[outcome].margin(float(rows["base_mean"].iloc[0]))
    mu = rows.groupby("parameter")["mu_star"].max()
    mu = mu[mu >= max(margin, 1e-12)].sort_values(ascending=False, kind="stable")
    return frozenset(mu.index[:SCREEN_TOP])


# ------------------------------------------------------------------------------ the result
@dataclass
class RobustnessResult:
    """A comparison across the plausible worlds.

    Attributes:
        table: one row per outcome: ``label, unit, direction, verdict`` (``"robust"``,
            ``"depends"``, ``"no clear change"`` or ``"not compared"``), ``change`` (the
            robust direction: ``"better"``/``"worse"``), ``worlds`` (worlds with a finite
            change), ``better``, ``worse``, ``no_clear_change`` (counts of worlds),
            ``noise_sd`` (the standard deviation of a world's change by chance) and
            ``shrinkage`` (the weight each world's own change keeps in its estimate),
            ``effect_median``, ``effect_p05``, ``effect_p95`` (the change, reform −
            baseline, in the outcome's unit), ``relative_p05``, ``relative_p95`` (in % of
            the world's baseline), ``decided_by`` (a tuple of parameter names, most
            decisive first), ``turn_parameter``, ``turn_threshold``, ``turn_below``,
            ``turn_above`` (where the answer turns, when one assumption decides it),
            ``turn_p`` (the permutation p-value of that split), ``summary`` (one line) and
            ``note`` (why an outcome is not compared).
        worlds: one row per world and outcome: ``world, outcome, mean_a, mean_b, change,
            estimate, relative, margin, change_class``: the change as run (one or a few
            replications), its estimate shrunk for replication noise (what is classed and
            shown), the estimate in % of the world's baseline, the margin, and the class
            (``higher``/``lower``/``none``).
        samples: one row per world with the sampled values.
        runs: every run: ``world, arm, rep, seed, status`` and the outcomes.
        settings: what ran: worlds, reps, seed, method, run size, varied and held
            uncertainties.
    """

    table: pd.DataFrame
    worlds: pd.DataFrame
    samples: pd.DataFrame
    runs: pd.DataFrame
    settings: dict[str, Any] = field(default_factory=dict)

    def run_size_text(self, lang: str = "en") -> str:
        """What the worlds ran, in words (for every output that shows the stage).

        Args:
            lang: ``"en"`` or ``"zh"``.
        """
        s = self.settings
        return tr("db_run_size_worlds", lang).format(
            worlds=s["worlds"], reps=s["reps"], residents=s["n_residents"], days=s["n_days"],
            seed=s["seed"], k=len(s["varied"]), method=tr(f"db_method_{s['method']}", lang))

    def outcome_json(self, outcome: str) -> dict[str, Any]:
        """The ``robustness`` object of one outcome in ``compare --json``."""
        r = self.table.loc[outcome]
        return {"worlds": int(r.worlds), "better": int(r.better), "worse": int(r.worse),
                "no_clear_change": int(r.no_clear_change), "verdict": r.verdict,
                "noise_sd": _num(r.noise_sd), "shrinkage": _num(r.shrinkage),
                "effect_p05": _num(r.effect_p05), "effect_p95": _num(r.effect_p95),
                "relative_p05": _num(r.relative_p05), "relative_p95": _num(r.relative_p95),
                "decided_by": list(r.decided_by),
                "turns_at": (None if not r.turn_parameter else
                             {"parameter": r.turn_parameter,
                              "threshold": _num(r.turn_threshold),
                              "below": r.turn_below, "above": r.turn_above,
                              "p_value": _num(r.turn_p)}),
                "summary": r.summary}

    def as_runs(self, outcome: str) -> pd.DataFrame:
        """The worlds as a runs table for scenario discovery: one row per world.

        ``status``, one ``param.*`` column per sampled uncertainty, and ``outcome`` holding
        the world's change (reform − baseline): what :func:`sim.analysis.ema.prim` and
        :func:`sim.analysis.exploration.discover` read (e.g. ``prim(rob.as_runs("utility_rate"),
        "utility_rate", limit=0.0, above=False)`` finds where the reform loses care).
        """
        w = self.worlds[self.worlds.outcome == outcome].set_index("world")["change"]
        s = self.samples.set_index("world")[self.settings["varied"]]
        out = s.add_prefix("param.").assign(status="ok")
        out[outcome] = w.reindex(out.index)
        return out.reset_index()

    def settings_json(self) -> dict[str, Any]:
        """The stage's settings for ``compare --json``."""
        s = dict(self.settings)
        s["held"] = dict(s["held"])
        return s


def robustness(a: Scenario | Mapping[str, Any] | str, b: Scenario | Mapping[str, Any] | str,
               worlds: int = DEFAULT_WORLDS, seed: int = 0, reps: int = WORLD_REPS, *,
               size: Mapping[str, Any] | None = None, fixed: Iterable[str] = (),
               method: str = "latin_hypercube", engine: str = "processes",
               workers: int | None = None, progress: bool = False,
               outcomes: Sequence[str] | None = None,
               model: Callable[..., Any] | None = None) -> RobustnessResult:
    """Baseline ``a`` against reform ``b`` across ``worlds`` plausible worlds.

    Args:
        a: the baseline (a :class:`Scenario`, a name, a path, a mapping).
        b: the reform.
        worlds: how many worlds (default :data:`DEFAULT_WORLDS`).
        seed: master seed (world draws and replication seeds).
        reps: paired replications per world and arm.
        size: run size of the worlds (default :data:`WORLD_RESIDENTS` residents at most).
        fixed: uncertainties to hold at the arms' values.
        method: ``"latin_hypercube"`` or ``"sobol"``.
        engine: where the runs go (:func:`sim.experiments.engines.executor`); results do not depend
            on it.
        workers: worker processes (default: the available cores).
        progress: show a progress bar.
        outcomes: the outcomes to judge (default: every registered one).
        model: the model class or factory (see :func:`sim.experiments.experiment.run_scenarios`).

    Returns:
        A :class:`RobustnessResult`.

    Example:
        >>> r = robustness("national_plan_2025", "minimal_collection", worlds=16)  # doctest: +SKIP
        >>> r.table.loc["utility_rate", "decided_by"][0]  # doctest: +SKIP
        'lifestyle_clinical_value'
    """
    from .experiment import run_scenarios

    plan = plan_worlds(a, b, worlds, seed, reps, size=size, fixed=fixed, method=method)
    results, central = plan.execute(lambda sc, sd, r: run_scenarios(
        sc, sd, r, engine=engine, workers=workers, progress=progress, model=model))
    return judge(plan, results, central, outcomes=outcomes)


def judge(plan: WorldPlan, results: Sequence[RunResult],
          central: Sequence[RunResult] = (),
          outcomes: Sequence[str] | None = None) -> RobustnessResult:
    """Judge each outcome across the worlds of ``plan``, from the runs in ``results``.

    A world's change is run with one (or a few) replications, so it carries replication
    noise; its standard deviation is measured on the ``central`` runs (the paired
    differences of the two arms at their own values). Each world's change is then
    estimated by shrinking it toward the mean over the worlds in proportion to that noise
    (empirical Bayes: weight ``τ² / (τ² + σ²)``, with ``σ²`` the noise and ``τ²`` the
    variance across worlds beyond it), and the estimate is classed by the outcome's margin
    (:func:`sim.analysis.verdicts.change_class`). A noisy outcome whose worlds agree in sign is thus
    judged by their agreement, not by each world's luck; one whose changes vary no more
    than its noise has every world at the common mean.

    Args:
        plan: the worlds (:func:`plan_worlds`).
        results: one :class:`~sim.experiments.experiment.RunResult` per scenario of
            ``plan.scenarios``, in the same order.
        central: the two arms at their own values (:meth:`WorldPlan.execute`); empty:
            no noise measured, every world's change taken at face value.
        outcomes: the outcomes to judge (default: every registered one).
    """
    if len(results) != len(plan.scenarios):
        raise ValueError(f"results: {len(results)} results for {len(plan.scenarios)} "
                         "scenarios of the plan")
    names = [n for n in (outcomes or OUTCOMES.names()) if n in OUTCOMES]
    runs = []
    for i, res in enumerate(results):
        r = res.runs.copy()
        r.insert(0, "arm", "ab"[i % 2])
        r.insert(0, "world", i // 2)
        runs.append(r)
    runs_df = pd.concat(runs, ignore_index=True)
    keep = ["world", "arm", "rep", "seed", "status", *[n for n in names if n in runs_df]]
    runs_df = runs_df[keep + (["error"] if "error" in runs_df else [])]
    ok = runs_df[runs_df["status"] == "ok"]
    a = ok[ok.arm == "a"].set_index(["world", "seed"])
    b = ok[ok.arm == "b"].set_index(["world", "seed"])
    common = a.index.intersection(b.index)
    a, b = a.loc[common], b.loc[common]
    params_a, params_b = _params_of(results[0].runs), _params_of(results[1].runs)
    X = plan.samples[plan.varied].to_numpy(dtype=float)
    perms = _shuffles(plan.seed, plan.worlds)
    noise = _noise(central, names)
    noise_df = len(central[0].runs) - 1 if central else 0
    rows, world_rows = [], []
    for name in names:
        o = OUTCOMES[name]
        sd_world = noise.get(name, 0.0) / math.sqrt(plan.reps)
        ma = a[name].astype(float).groupby(level="world").mean()
        mb = b[name].astype(float).groupby(level="world").mean()
        d = (b[name].astype(float) - a[name].astype(float)).groupby(level="world").mean()
        d = d.reindex(range(plan.worlds))
        ma, mb = ma.reindex(range(plan.worlds)), mb.reindex(range(plan.worlds))
        raw = d.to_numpy()
        est, weight = _shrink(raw, sd_world, noise_df)
        # a shrunk change stays possible: no outcome below 0, no share above 1
        base = ma.to_numpy()
        est = np.maximum(est, -base)
        if o.zero_one:
            est = np.minimum(est, 1.0 - base)
        margins = np.array([o.margin(x) for x in ma])
        classes = np.array([change_class(x, m) for x, m in zip(est, margins, strict=True)])
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = np.where(ma.to_numpy() != 0, 100.0 * est / ma.to_numpy(), np.nan)
        world_rows.append(pd.DataFrame({
            "world": range(plan.worlds), "outcome": name, "mean_a": ma.to_numpy(),
            "mean_b": mb.to_numpy(), "change": raw, "estimate": est, "relative": rel,
            "margin": margins, "change_class": classes}))
        note = _comparison_note(o, params_a, params_b, raw)
        family = np.array([v in screened(name) for v in plan.varied], dtype=bool)
        row = _judge_outcome(name, est, rel, classes, X, plan.varied, perms, note, family)
        row.update(noise_sd=sd_world, shrinkage=weight)
        rows.append(row)
    table = pd.DataFrame(rows).set_index("outcome")
    settings = {"worlds": plan.worlds, "reps": plan.reps, "seed": plan.seed,
                "noise_reps": len(central[0].runs) if central else 0,
                "method": plan.method, **plan.run_size(), "varied": list(plan.varied),
                "held": dict(plan.held), "baseline": plan.baseline.name,
                "screened": {n: sorted(screened(n) & set(plan.varied)) for n in names
                             if screened(n) and not set(plan.varied) <= screened(n)},
                "reform": plan.reform.name, "failed_runs": int((runs_df.status != "ok").sum())}
    return RobustnessResult(table=table, worlds=pd.concat(world_rows, ignore_index=True),
                            samples=plan.samples, runs=runs_df, settings=settings)


# ------------------------------------------------------------------------------ claims
def claim_across_worlds(rob: RobustnessResult, expect: Mapping[str, str],
                        claim: str, lang: str = "en") -> tuple[list[str], pd.DataFrame]:
    """A claim of the debate judged across the plausible worlds.

    Each prediction (``"lower"``, ``"higher"``, ``"unchanged"``, as in
    :func:`sim.analysis.verdicts.claim_verdict`) holds in a world when that world's change has that
    class (:func:`sim.analysis.verdicts.change_class` on the world's estimate, see :func:`judge`:
    ``"unchanged"`` is within the margin). The claim holds in a world when every measurable
    prediction does; it is *robust* when it holds (or fails) in at least
    :data:`ROBUST_SHARE` of the worlds, and otherwise depends on the assumption that best
    separates the worlds where it holds (a stump with a permutation test, as for the
    outcomes).

    Args:
        rob: the claim's comparison across the worlds (:func:`robustness`).
        expect: outcome -> predicted change.
        claim: the claim, in a phrase (in ``lang``).
        lang: ``"en"`` or ``"zh"``: the language of the lines (the table's ``summary``
            stays in English).

    Returns:
        ``(lines, table)``: the verdict line and one line per prediction; a table with one
        row per prediction (``outcome, predicted, holds, worlds, share, verdict,
        decided_by, summary``).
    """
    wanted = {"lower": "lower", "higher": "higher", "unchanged": "none"}
    w = rob.worlds.pivot(index="world", columns="outcome", values="change_class")
    finite = rob.worlds.pivot(index="world", columns="outcome", values="estimate")
    rows, holds_all = [], None
    n = rob.settings["worlds"]
    for outcome, want in expect.items():
        r = rob.table.loc[outcome]
        if r.verdict == "not compared":
            rows.append({"outcome": outcome, "predicted": want, "holds": 0, "worlds": 0,
                         "share": math.nan, "verdict": "not measurable",
                         "decided_by": (), "summary": r.summary})
            continue
        ok = finite[outcome].notna().to_numpy()
        holds = (w[outcome].to_numpy() == wanted[want]) & ok
        holds_all = holds if holds_all is None else holds_all & holds
        k = int(ok.sum())
        rows.append({"outcome": outcome, "predicted": want, "holds": int(holds.sum()),
                     "worlds": k, "share": holds.sum() / k if k else math.nan,
                     "verdict": r.verdict, "decided_by": r.decided_by, "summary": r.summary})
    table = pd.DataFrame(rows)

    def t(key: str) -> str:
        return tr(key, lang)

    if holds_all is None:
        head = t("db_cw_unmeasurable").format(n=n, claim=claim)
    else:
        k = int(holds_all.sum())
        if k >= ROBUST_SHARE * n:
            word = t("db_cw_robust_yes")
        elif k <= (1 - ROBUST_SHARE) * n:
            word = t("db_cw_robust_no")
        else:
            word = t("db_cw_depends")
            varied = rob.settings["varied"]
            X = rob.samples.set_index("world").loc[range(n), varied].to_numpy(dtype=float)
            split = _best_stump(X, holds_all.astype(int), _shuffles(rob.settings["seed"], n))
            if split is not None:
                side = {1: t("db_cw_yes"), 0: t("db_cw_no")}
                word = t("db_cw_depends_on").format(
                    what=plain_name(varied[split["var"]], lang), left=side[split["left"]],
                    t=_fmt_threshold(split["threshold"]), right=side[split["right"]])
        head = t("db_cw_head").format(n=n, claim=claim, word=word, k=k)
    lines = [head]
    for r in table.itertuples():
        words = dict(want=t(f"db_want_{r.predicted}"), outcome=r.outcome,
                     label=outcome_label(r.outcome, lang),
                     summary=summary_text(rob.table.loc[r.outcome], lang))
        if r.verdict == "not measurable":
            lines.append(t("db_cw_line_nm").format(**words))
        else:
            lines.append(t("db_cw_line").format(holds=r.holds, worlds=r.worlds, **words))
    return lines, table


# ------------------------------------------------------------------------------ frontier
def frontier_across_worlds(policies: Sequence[Scenario], worlds: int = 16, seed: int = 0,
                           reps: int = 1, *, risk: str = "residents_exposed_rate",
                           utility: str = "utility_rate", run=None) -> pd.DataFrame:
    """How often each policy is on the risk-utility frontier across the plausible worlds.

    Every policy runs in every world on the same seeds; in each world the frontier is drawn
    anew among the policies (:func:`sim.analysis.pareto.pareto_mask` on the means over ``reps``).
    A policy *survives* when it is on the frontier in at least :data:`ROBUST_SHARE` of
    the worlds.

    Args:
        policies: the policies (scenarios that differ in levers; uncertainties they set
            differently are held).
        worlds: how many worlds.
        seed: master seed.
        reps: replications per policy and world.
        risk: the privacy outcome (lower is better).
        utility: the clinical outcome (higher is better).
        run: ``run(scenarios, seed, reps) -> list[RunResult]`` (default:
            :func:`sim.experiments.experiment.run_scenarios`; the app passes its warm pool's).

    Returns:
        One row per policy, in order: ``policy``, ``on_frontier`` (worlds), ``worlds``,
        ``share``, ``survives``, and the median ``risk`` and ``utility`` across worlds.
    """
    from .experiment import run_scenarios
    from .summaries import pareto_mask

    policies = list(policies)
    if len(policies) < 2:
        raise ValueError("policies: at least 2 are needed for a frontier")
    samples, varied, _held = draw_worlds(policies, worlds, seed)
    scenarios = [p.with_overrides({n: samples.at[w, n] for n in varied},
                                  name=f"{p.name} [world {w}]")
                 for w in range(int(worlds)) for p in policies]
    results = (run or (lambda sc, sd, r: run_scenarios(sc, sd, r)))(scenarios, int(seed), reps)
    k = len(policies)
    on = np.zeros(k, dtype=int)
    valid = np.zeros(k, dtype=int)
    risks = np.full((int(worlds), k), np.nan)
    utils = np.full((int(worlds), k), np.nan)
    for w in range(int(worlds)):
        for i in range(k):
            runs = results[w * k + i].runs
            ok = runs[runs["status"] == "ok"]
            risks[w, i] = float(ok[risk].mean()) if len(ok) else np.nan
            utils[w, i] = float(ok[utility].mean()) if len(ok) else np.nan
        fine = np.isfinite(risks[w]) & np.isfinite(utils[w])
        mask = pareto_mask(risks[w], utils[w])
        on += mask & fine
        valid += fine
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(valid > 0, on / np.maximum(valid, 1), np.nan)
    return pd.DataFrame({
        "policy": [p.name for p in policies], "on_frontier": on, "worlds": valid,
        "share": share, "survives": share >= ROBUST_SHARE,
        "risk": np.nanmedian(risks, axis=0), "utility": np.nanmedian(utils, axis=0)})


def policies_from_runs(runs: pd.DataFrame, scenario: str | None = None
                       ) -> dict[str, Scenario]:
    """The policies of a sweep's runs table, rebuilt as scenarios from their parameters.

    Args:
        runs: a sweep's runs table (``scenario``, ``point``, ``status`` and the ``param.*``
            columns every run records).
        scenario: only this base scenario's policies (default: the first one's).

    Returns:
        Point label -> :class:`~sim.scenario.Scenario` with exactly the parameters its runs
        used (list parameters, stored joined with commas, are split again).
    """
    from ..params import PARAMETERS
    from .experiment import _params_of

    ok = runs[runs["status"] == "ok"]
    scenario = scenario or str(ok["scenario"].iloc[0])
    out: dict[str, Scenario] = {}
    for point, rows in ok[ok["scenario"] == scenario].groupby("point", sort=False,
                                                               observed=True):
        params = {}
        for k, v in _params_of(rows).items():
            if k not in PARAMETERS:
                continue
            if PARAMETERS[k].dtype is list:
                v = [x for x in str(v).split(",") if x] if isinstance(v, str) else []
            elif PARAMETERS[k].dtype is int:
                v = int(v)
            elif PARAMETERS[k].dtype is bool:
                v = bool(v)
            out_v = v.item() if hasattr(v, "item") else v
            params[k] = out_v
        out[str(point)] = Scenario(name=str(point), description="", params=params)
    return out


# ------------------------------------------------------------------------------ judging
def _shrink(d: np.ndarray, sd: float, noise_df: int = NOISE_REPS - 1
            ) -> tuple[np.ndarray, float]:
    """Each world's change shrunk toward the mean over worlds for its noise ``sd``.

    Empirical Bayes for a normal model: the worlds' true changes vary with variance
    ``τ² = var(d) − sd²`` around their mean, and a world's estimate keeps the weight
    ``τ² / (τ² + sd²)`` of its own deviation. ``τ²`` is taken as 0 (every world at the
    mean) unless ``var(d) / sd²`` exceeds the 95th percentile of its F distribution with
    ``(worlds − 1, noise_df)`` degrees of freedom: the worlds must differ by more than the
    noise, itself measured on few replications, could make them. Returns the estimates
    and that weight (1: no noise measured, the changes as run).
    """
    finite = np.isfinite(d)
    if sd <= 0 or finite.sum() < 3:
        return d.astype(float), 1.0
    from scipy.stats import f as f_dist

    x = d[finite]
    v = float(x.var(ddof=1))
    crit = float(f_dist.ppf(0.95, len(x) - 1, max(noise_df, 1)))
    tau2 = v - sd * sd if v > crit * sd * sd else 0.0
    weight = tau2 / (tau2 + sd * sd)
    out = np.full(len(d), np.nan)
    out[finite] = x.mean() + weight * (x - x.mean())
    return out, weight


def _noise(central: Sequence[RunResult], names: Sequence[str]) -> dict[str, float]:
    """Standard deviation of one replication's paired change, per outcome (the noise runs)."""
    if len(central) != 2:
        return {}
    a = central[0].runs[central[0].runs["status"] == "ok"].set_index("seed")
    b = central[1].runs[central[1].runs["status"] == "ok"].set_index("seed")
    common = a.index.intersection(b.index)
    out = {}
    for n in names:
        if n in a and n in b:
            d = (b.loc[common, n].astype(float) - a.loc[common, n].astype(float)).to_numpy()
            d = d[np.isfinite(d)]
            out[n] = float(d.std(ddof=1)) if len(d) >= 2 else 0.0
    return out


def _shuffles(seed: int, n: int) -> np.ndarray:
    """:data:`PERMUTATIONS` shuffles of ``n`` worlds for the permutation tests (seeded)."""
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 0xD1CE, n]))
    return np.array([rng.permutation(n) for _ in range(PERMUTATIONS)])


def _judge_outcome(name: str, d: np.ndarray, rel: np.ndarray, classes: np.ndarray,
                   X: np.ndarray, varied: list[str], perms: np.ndarray,
                   note: str, family: np.ndarray | None = None) -> dict[str, Any]:
    o = OUTCOMES[name]
    words = _CHANGE_WORDS[o.direction]
    finite = np.isfinite(d)
    n = int(finite.sum())
    higher = int(((classes == "higher") & finite).sum())
    lower = int(((classes == "lower") & finite).sum())
    none = n - higher - lower
    better = higher if words["higher"] == "better" else lower
    worse = lower if words["higher"] == "better" else higher
    row: dict[str, Any] = {
        "outcome": name, "label": o.label, "unit": o.unit, "direction": o.direction,
        "verdict": "not compared", "change": "", "worlds": n, "better": better,
        "worse": worse, "no_clear_change": none,
        "effect_median": _pct(d[finite], 50), "effect_p05": _pct(d[finite], 5),
        "effect_p95": _pct(d[finite], 95),
        "relative_p05": _pct(rel[np.isfinite(rel)], 5),
        "relative_p95": _pct(rel[np.isfinite(rel)], 95),
        "decided_by": (), "turn_parameter": "", "turn_threshold": math.nan,
        "turn_below": "", "turn_above": "", "turn_p": math.nan, "summary": "", "note": ""}
    if (note and not note.startswith("the same in every")) or n < 4:
        row["note"] = note or "fewer than 4 worlds gave a value"
        row["summary"] = tr("db_rs_not_compared").format(note=row["note"])
        return row
    if "the same in every" in note:
        row["note"] = "the same in every world and replication: this change does not act on it"
    # what decides the class (the sign, or whether there is a change at all)
    labels = np.select([classes == "higher", classes == "lower"], [1, 2], 0)[finite]
    families = [family] if family is not None else None
    split = _best_stump(X[finite], labels, perms_for(perms, finite), families)
    # what decides the size: every world's change
    size = _rank_deciders(X[finite], d[finite], perms_for(perms, finite), families)
    deciders = []
    if split is not None:
        deciders.append(varied[split["var"]])
    deciders += [varied[j] for j in size if varied[j] not in deciders]
    row["decided_by"] = tuple(deciders[:MAX_DECIDERS])
    if split is not None:
        cls_word = {0: "no clear change", 1: words["higher"], 2: words["lower"]}
        row.update(turn_parameter=varied[split["var"]], turn_threshold=split["threshold"],
                   turn_below=cls_word[split["left"]], turn_above=cls_word[split["right"]],
                   turn_p=split["p"])
    if better >= ROBUST_SHARE * n or worse >= ROBUST_SHARE * n:
        row["verdict"] = "robust"
        row["change"] = "better" if better >= worse else "worse"
    elif none >= NO_CHANGE_SHARE * n:
        row["verdict"] = "no clear change"
    else:
        row["verdict"] = "depends"
    row["summary"] = _summary(row, o)
    return row


def perms_for(perms: np.ndarray, finite: np.ndarray) -> np.ndarray:
    """Shuffles of the worlds with a finite change (the same shuffles for every outcome)."""
    if finite.all():
        return perms
    # a shuffle of the kept worlds from each full shuffle: the order of their draws in it
    return np.argsort(perms[:, np.flatnonzero(finite)], axis=1)


def _best_stump(X: np.ndarray, y: np.ndarray, perms: np.ndarray,
                families: Sequence[np.ndarray] | None = None) -> dict[str, Any] | None:
    """The one split of one assumption that best separates the worlds' classes.

    A classification-tree stump (CART, Gini impurity) over every assumption at once, kept
    only if its impurity reduction beats the best one found on the same worlds with the
    classes shuffled in at least ``1 − ALPHA / len(families)`` of :data:`PERMUTATIONS`
    shuffles, for at least one of the ``families`` of assumptions searched (each a boolean
    mask over the columns; default: one family, all of them). Each side of the split holds
    at least ``max(3, n // 8)`` worlds.

    Returns:
        ``var`` (column), ``threshold``, ``left``/``right`` (the majority class below and
        above), ``gain`` and ``p``; ``None`` if the worlds hold one class, or no split beats
        chance.
    """
    n = len(y)
    if n < 8 or len(np.unique(y)) < 2:
        return None
    families = _families(families, X.shape[1])
    min_leaf = max(3, n // 8)
    order = np.argsort(X, axis=0, kind="stable")  # (n, d)
    xs = np.take_along_axis(X, order, axis=0)
    distinct = xs[1:] > xs[:-1]  # (n-1, d): a split may fall only between different values
    gain, pos = _stump_gains(order, distinct, y, min_leaf)
    if not np.isfinite(gain).any():
        return None
    null = np.array([_stump_gains(order, distinct, y[p], min_leaf)[0] for p in perms])
    found = None
    for fam in families:  # the widest family first: its best split is the best overall
        g = np.where(fam, gain, -np.inf)
        j = int(np.argmax(g))
        if not np.isfinite(g[j]):
            continue
        null_max = np.where(fam[None, :], null, -np.inf).max(axis=1)
        p_value = (1 + int((null_max >= g[j] - 1e-12).sum())) / (len(perms) + 1)
        if p_value <= ALPHA / len(families):
            found = (j, float(g[j]), p_value)
            break
    if found is None:
        return None
    j, best, p_value = found
    k = int(pos[j])
    threshold = float((xs[k - 1, j] + xs[k, j]) / 2.0)
    left, right = y[order[:k, j]], y[order[k:, j]]
    return {"var": j, "threshold": threshold, "left": int(np.bincount(left, minlength=3).argmax()),
            "right": int(np.bincount(right, minlength=3).argmax()), "gain": best,
            "p": p_value}


def _families(families: Sequence[np.ndarray] | None, d: int) -> list[np.ndarray]:
    """The families of assumptions searched: all of them first, then any narrower one."""
    out = [np.ones(d, dtype=bool)]
    for fam in families or ():
        fam = np.asarray(fam, dtype=bool)
        if fam.any() and not fam.all():
            out.append(fam)
    return out


def _stump_gains(order: np.ndarray, distinct: np.ndarray, y: np.ndarray, min_leaf: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Best Gini gain per column and the split position (first index of the right side)."""
    n = order.shape[0]
    onehot = np.eye(3)[y]  # (n, 3)
    counts = np.cumsum(onehot[order], axis=0)  # (n, d, 3): classes among the first i+1
    total = counts[-1]  # (d, 3)
    k = np.arange(1, n)[:, None]  # left size at split after position k-1
    left = counts[:-1]  # (n-1, d, 3)
    right = total[None] - left
    gini_l = 1.0 - ((left / k[..., None]) ** 2).sum(-1)
    gini_r = 1.0 - ((right / (n - k)[..., None]) ** 2).sum(-1)
    parent = 1.0 - ((total[0] / n) ** 2).sum()
    gain = parent - (k * gini_l + (n - k) * gini_r) / n  # (n-1, d)
    ok = (k >= min_leaf) & (n - k >= min_leaf) & distinct
    gain = np.where(ok, gain, -np.inf)
    pos = gain.argmax(axis=0) + 1
    return gain.max(axis=0), pos


def _rank_deciders(X: np.ndarray, d: np.ndarray, perms: np.ndarray,
                   families: Sequence[np.ndarray] | None = None) -> list[int]:
    """Assumptions whose rank correlation with the change beats chance, strongest first.

    Spearman's ρ of the change with each assumption, kept when ``|ρ|`` exceeds the
    ``1 − ALPHA / len(families)`` quantile of the largest ``|ρ|`` over the assumptions of
    a family on shuffled worlds (a max-statistic permutation test: the error rate holds for
    the whole list, not per name; with a second, screened family, each gets half of it).
    """
    n = len(d)
    if n < 8 or np.ptp(d) == 0:
        return []
    from scipy.stats import rankdata

    families = _families(families, X.shape[1])
    rx = rankdata(X, axis=0)
    rx = (rx - rx.mean(0)) / np.where(rx.std(0) > 0, rx.std(0), 1.0)
    ry = rankdata(d)
    ry = (ry - ry.mean()) / ry.std()
    rho = rx.T @ ry / n
    null = np.abs(ry[perms] @ rx / n)  # (shuffles, d)
    keep = np.zeros(len(rho), dtype=bool)
    for fam in families:
        cut = float(np.quantile(null[:, fam].max(axis=1), 1.0 - ALPHA / len(families)))
        keep |= fam & (np.abs(rho) > cut)
    idx = np.flatnonzero(keep)
    return [int(j) for j in idx[np.argsort(-np.abs(rho[idx]))]]


# ------------------------------------------------------------------------------ words
def plain_name(parameter: str, lang: str = "en") -> str:
    """An assumption in plain words, with its name: ``"how much ... (lifestyle_...)"``.

    Args:
        parameter: the parameter's name.
        lang: ``"en"`` or ``"zh"`` (the parameter's label, :func:`sim.i18n.lever_label`).
    """
    from ..plausible import LABELS

    if lang != "en":
        return f"{lever_label(parameter, lang)}（{parameter}）"
    return f"{LABELS[parameter]} ({parameter})" if parameter in LABELS else parameter


def _fmt_effect(x: float, unit: str, lang: str = "en") -> str:
    if not math.isfinite(x):
        return "–"
    if unit.startswith("share") or unit in ("probability", "0-1"):
        pp = 100 * x
        return tr("db_rs_pp", lang).format(x=f"{pp:+.2f}" if abs(pp) < 1 else f"{pp:+.1f}")
    ax = abs(x)
    return f"{x:+,.0f}" if ax >= 100 else f"{x:+.3g}" if ax >= 1 else f"{x:+.2g}"


def _fmt_pct(x: float) -> str:
    """A percent change: one decimal under 10%, none above."""
    return f"{x:+.1f}%" if abs(x) < 10 else f"{x:+.0f}%"


def _fmt_threshold(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def _spread(row: Mapping[str, Any], unit: str, lang: str = "en") -> str:
    text = tr("db_rs_spread", lang).format(lo=_fmt_effect(row["effect_p05"], unit, lang),
                                           hi=_fmt_effect(row["effect_p95"], unit, lang))
    if math.isfinite(row["relative_p05"]):
        text += tr("db_rs_spread_rel", lang).format(lo=_fmt_pct(row["relative_p05"]),
                                                    hi=_fmt_pct(row["relative_p95"]))
    return text


def _summary(row: Mapping[str, Any], o, lang: str = "en") -> str:
    """An outcome's verdict across the worlds in a sentence (the table's ``summary``)."""
    def t(key: str) -> str:
        return tr(key, lang)

    def word(w: str) -> str:
        return t("db_rs_nochange" if w == "no clear change" else f"db_rs_{w}") if w else w

    n = row["worlds"]
    counts = t("db_rs_counts").format(b=row["better"], w=row["worse"],
                                      z=row["no_clear_change"], n=n)
    spread = _spread(row, o.unit, lang)
    turn = ""
    if row["turn_parameter"]:
        turn = t("db_rs_turn").format(below=word(row["turn_below"]),
                                      t=_fmt_threshold(row["turn_threshold"]),
                                      above=word(row["turn_above"]))
    size = [p for p in row["decided_by"] if p != row["turn_parameter"]]
    if row["verdict"] == "robust":
        k = row[row["change"]]
        text = t("db_rs_robust").format(change=word(row["change"]), k=k, n=n, spread=spread)
        if row["decided_by"]:
            text += t("db_rs_size_on").format(what=plain_name(row["decided_by"][0], lang))
        return text + t("db_rs_end")
    if row["verdict"] == "no clear change":
        text = t("db_rs_none").format(z=row["no_clear_change"], n=n)
        if row["better"] or row["worse"]:
            text += t("db_rs_none_split").format(b=row["better"], w=row["worse"])
            text += (t("db_rs_none_turn").format(what=plain_name(row["turn_parameter"], lang),
                                                 turn=turn) if turn else t("db_rs_none_end"))
        return text + t("db_rs_end")
    if turn:
        return t("db_rs_depends").format(what=plain_name(row["turn_parameter"], lang),
                                         turn=turn, counts=counts,
                                         spread=spread) + t("db_rs_end")
    text = t("db_rs_jointly").format(counts=counts, spread=spread)
    if size:
        text += t("db_rs_jointly_size").format(what=plain_name(size[0], lang))
    return text + t("db_rs_end")


def summary_text(row: Mapping[str, Any], lang: str = "en") -> str:
    """An outcome's ``summary`` (a row of :attr:`RobustnessResult.table`) in ``lang``.

    English is the table's own ``summary``; another language is written anew from the
    row's numbers, with the same words for the same verdict.
    """
    if lang == "en":
        return row["summary"]
    if row["verdict"] == "not compared":
        return tr("db_rs_not_compared", lang).format(note=note_text(row["note"], lang))
    return _summary(row, OUTCOMES[row.name], lang)


def _pct(x: np.ndarray, q: float) -> float:
    return float(np.percentile(x, q)) if len(x) else math.nan


def _num(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)
