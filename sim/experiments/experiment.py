"""Running replications and paired comparisons; tidy tables out.

* :func:`run` runs one scenario for ``reps`` replications and returns a
  :class:`RunResult`: ``runs`` (one row per replication: scenario, replication, seed,
  status, every parameter, every outcome) and ``daily`` (a long table: one row per
  replication, day and series).
* :func:`run_scenarios` runs several on the *same* replication seeds (common random
  numbers: the same residents, care events and attacker draws wherever the policies do
  not change them), and :func:`paired_differences` pairs two of them: ``b − a`` with 95%
  intervals, in a :class:`CompareResult`. :func:`sim.experiments.comparison.compare`
  (``sim.compare``) does both, and can add the robustness stage.

Replication seeds derive from the master seed by ``SeedSequence([seed, rep])``, so
replication ``r`` of seed ``s`` is the same run whatever ran before it or wherever it runs.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import CancelledError, as_completed
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..scenario import Scenario, load_scenario
from ..world.outcomes import OUTCOMES
from ..yamlio import one_line
from .engines import task_cancelled

__all__ = [
    "CompareResult",
    "RunResult",
    "failed_run",
    "long_daily",
    "mean_ci",
    "paired_differences",
    "paired_stats",
    "param_columns",
    "replication_seed",
    "run",
    "run_one",
    "run_params",
    "run_scenarios",
    "summarize",
]


def replication_seed(seed: int, rep: int) -> int:
    """The seed of replication ``rep`` under master seed ``seed`` (stable, 32-bit)."""
    return int(np.random.SeedSequence([int(seed), int(rep)]).generate_state(1)[0])


def check_level(level: Any) -> float:
    """``level`` as a float if it is an interval level (strictly between 0 and 1).

    Raises:
        ValueError: naming the value and what is allowed.
    """
    ok = (isinstance(level, int | float | np.floating) and not isinstance(level, bool)
          and 0.0 < float(level) < 1.0)
    if not ok:
        raise ValueError(f"level: invalid value {level!r}; allowed: an interval level "
                         "strictly between 0 and 1 (0.95 for a 95% interval)")
    return float(level)


def mean_ci(values: np.ndarray | pd.Series, level: float = 0.95,
            bounds: tuple[float, float] | None = None) -> tuple[float, float, float]:
    """Mean and two-sided t-interval of the finite values (NaN interval if fewer than 2).

    ``bounds``: the values the quantity can take (:attr:`Outcome.bounds`: a share's mean
    lies in 0-1). The interval is cut to them: with two replications a t-interval of a
    small share reaches below zero, a value the mean cannot have.
    """
    from scipy import stats

    level = check_level(level)

    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = len(x)
    if n == 0:
        return math.nan, math.nan, math.nan
    mean = float(x.mean())
    if n < 2:
        return mean, math.nan, math.nan
    sd = float(x.std(ddof=1))
    if sd == 0.0:
        return mean, mean, mean
    half = float(stats.t.ppf(0.5 + level / 2.0, n - 1)) * sd / math.sqrt(n)
    low, high = mean - half, mean + half
    if bounds is not None:
        low, high = max(low, bounds[0]), min(high, bounds[1])
    return mean, low, high


def run_one(scenario: Scenario, seed: int, *, rep: int = 0,
            model_hook: Callable[[Any], None] | None = None, residents: bool = False,
            model: Callable[..., Any] | None = None,
            ) -> tuple[dict, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Run one replication; return its row (with ``status``), daily, group and resident tables.

    The resident table (one row per resident, :meth:`sim.world.groups.GroupAccounts.residents`:
    what pairs two arms resident by resident) is filled only when ``residents`` is True.
    A run that raises is returned as a row with ``status="error"`` and the message; its
    outcomes are NaN (never another run's values). ``model``: the model class or factory,
    called as ``model(scenario, seed=seed)`` (default :class:`~sim.world.model.HealthDataModel`).
    """
    from ..world.model import HealthDataModel

    factory = HealthDataModel if model is None else model
    row: dict[str, Any] = {"scenario": scenario.name, "rep": rep, "seed": seed}
    t0 = time.perf_counter()
    try:
        model = factory(scenario, seed=seed)
        if model_hook is not None:
            model_hook(model)
        stop = task_cancelled()  # a Dask task cancelled by its page stops within a day
        if stop is None:
            summary = model.run()
        else:
            while model.running:
                if stop():
                    raise CancelledError("cancelled while running")
                model.step()
            summary = model.summary()
        daily = model.daily().reset_index()
        groups = model.breakdown()
        people = model.groups.residents() if residents else pd.DataFrame()
        row.update(status="ok", error="")
        row.update(summary)
        row.update(model.care.information_by_field())  # utility_rate's parts by field
    except Exception as exc:
        row.update(failed_run(exc))
        daily = pd.DataFrame({"day": []})
        groups = pd.DataFrame()
        people = pd.DataFrame()
    row["runtime_s"] = time.perf_counter() - t0
    row.update(param_columns(scenario.params))
    return row, daily, groups, people


def _model_kw(model: Callable[..., Any] | None) -> dict[str, Any]:
    """``model=`` for :func:`run_one`, only when one is given.

    Wrappers of ``run_one`` written before the keyword existed keep working.
    """
    return {} if model is None else {"model": model}


def failed_run(exc: BaseException, **fields: Any) -> dict[str, Any]:
    """The columns of a run that raised.

    ``status="error"``, the exception as ``error`` (one line, at most 500 characters),
    then ``fields`` (in order), then NaN for every outcome (never another run's values).
    """
    text = one_line(f"{type(exc).__name__}: {exc}", 500)
    return {"status": "error", "error": text, **fields,
            **dict.fromkeys(OUTCOMES.names(), math.nan)}


def param_columns(params: Mapping[str, Any]) -> dict[str, Any]:
    """A run row's ``param.*`` columns (list values joined with commas)."""
    return {f"param.{k}": ",".join(v) if isinstance(v, list) else v for k, v in params.items()}


def long_daily(daily: pd.DataFrame, **ids: Any) -> pd.DataFrame:
    """A run's daily table (``day`` and one column per series) as ``day, series, value`` rows.

    ``ids`` become the leading columns, in order (e.g. ``scenario``, ``rep``, ``seed``).
    """
    long = daily.melt(id_vars="day", var_name="series", value_name="value")
    for i, (k, v) in enumerate(ids.items()):
        long.insert(i, k, v)
    return long


def run_params(name: str, params: Mapping[str, Any], seed: int, rep: int = 0,
               residents: bool = False, model: Callable[..., Any] | None = None,
               ) -> tuple[dict, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """:func:`run_one` for a scenario given as its name and a plain dict of parameters.

    What worker processes run (a :class:`~sim.scenario.Scenario` pickles too, but the
    name and a plain dict are all a worker needs).
    """
    scen = Scenario(name=name, description="", params=params)
    return run_one(scen, seed, rep=rep, residents=residents, **_model_kw(model))


@dataclass
class RunResult:
    """Replications of one scenario.

    Attributes:
        scenario: the scenario run.
        seed: the master seed.
        runs: one row per replication.
        daily: long time series (``scenario, rep, seed, day, series, value``).
        groups: outcomes by group of residents per replication (``scenario, rep, seed,
            dimension, group, residents, residents_exposed_rate, harm_per_1000,
            utility_rate``).
        residents: each resident's outcomes per replication (``rep`` and the columns of
            :meth:`sim.world.groups.GroupAccounts.residents`), when the runs were asked for them
            (the dashboards do: winners and losers); else empty.
    """

    scenario: Scenario
    seed: int
    runs: pd.DataFrame
    daily: pd.DataFrame
    groups: pd.DataFrame = field(default_factory=pd.DataFrame)
    residents: pd.DataFrame = field(default_factory=pd.DataFrame)

    def summary(self, level: float = 0.95) -> pd.DataFrame:
        """Mean and interval of every outcome (see :func:`summarize`)."""
        return summarize(self.runs, level=level)

    def to_json(self) -> dict[str, Any]:
        """The command line's ``--json`` document."""
        return {"scenario": self.scenario.name, "seed": self.seed,
                "reps": len(self.runs),
                "metrics": _metrics_json(self.summary(), self.scenario.params)}


@dataclass
class CompareResult:
    """Two scenarios on the same replication seeds, and their paired differences.

    Attributes:
        a: the baseline's replications.
        b: the reform's.
        differences: one row per outcome (:func:`paired_differences`): replication noise
            at the scenarios' own assumed values.
        robustness: the same comparison across plausible worlds
            (:class:`sim.experiments.robustness.RobustnessResult`: what we do not know), when
            ``compare(..., worlds=N)`` ran it; else ``None``.
    """

    a: RunResult
    b: RunResult
    differences: pd.DataFrame = field(repr=False)
    robustness: Any = field(default=None, repr=False)

    def winners(self, level: float = 0.95) -> pd.DataFrame:
        """Shares of residents better and worse off under the reform, by group.

        Resident by resident on common random numbers (see
        :func:`sim.world.groups.winners_and_losers`), averaged over replications with a
        ``level`` interval (:func:`sim.world.groups.summarize_winners`).

        Raises:
            ValueError: when the runs kept no per-resident outcomes (run with
                ``residents=True``; the dashboards do) or the arms' residents differ.
        """
        from ..world.groups import group_labels, summarize_winners, winners_and_losers

        if not len(self.a.residents) or not len(self.b.residents):
            raise ValueError("these runs kept no per-resident outcomes: compare with "
                             "residents=True to count winners and losers")
        table = winners_and_losers(self.a.residents, self.b.residents,
                                   group_labels(self.a.scenario.params))
        return summarize_winners(table, level)

    @property
    def runs(self) -> pd.DataFrame:
        """Both arms' replication rows, with an ``arm`` column."""
        return pd.concat([self.a.runs.assign(arm="a"), self.b.runs.assign(arm="b")],
                         ignore_index=True)

    def to_json(self) -> dict[str, Any]:
        """The command line's ``compare --json`` document.

        With a robustness stage, each outcome's entry in ``difference`` carries a
        ``robustness`` object (:meth:`sim.experiments.robustness.RobustnessResult.outcome_json`) and
        ``robustness`` at the top says what the worlds ran.
        """
        from .changes import row_change

        d = self.differences
        rob = self.robustness
        diff = {}
        for name, r in d.iterrows():
            entry = {"mean": _num(r.diff_mean), "ci95": [_num(r.diff_low), _num(r.diff_high)],
                     "change": row_change(r)}
            if r.note:  # why there is nothing to compare (fixed by design, not measured)
                entry["note"] = r.note
            if rob is not None and name in rob.table.index:
                entry["robustness"] = rob.outcome_json(name)
            diff[name] = entry
        out = {"seed": self.a.seed, "reps": len(self.a.runs),
               "a": self.a.to_json(), "b": self.b.to_json(), "difference": diff}
        if rob is not None:
            out["robustness"] = rob.settings_json()
        return out


def run(scenario: Scenario | Mapping[str, Any] | str | None = None, seed: int = 0,
        reps: int = 1, *, overrides: Mapping[str, Any] | None = None,
        progress: bool = False, residents: bool = False,
        model: Callable[..., Any] | None = None) -> RunResult:
    """Run ``reps`` replications of a scenario.

    Args:
        scenario: a :class:`Scenario`, a path or bundled name, a mapping, or ``None``.
        seed: master seed; replication ``r`` uses :func:`replication_seed(seed, r)`.
        reps: number of replications (at least 1).
        overrides: parameter values applied on top of the scenario.
        progress: show a progress bar (tqdm, notebook-aware).
        residents: keep each resident's outcomes (:attr:`RunResult.residents`).
        model: the model class or factory (a :class:`~sim.world.model.HealthDataModel`
            subclass; called as ``model(scenario, seed=seed)``).

    Returns:
        A :class:`RunResult`.

    Raises:
        ScenarioError: if the scenario or an override is invalid.
        ValueError: if ``reps`` < 1 or ``seed`` < 0.
    """
    scen = load_scenario(scenario, overrides)
    _check_seed_reps(seed, reps)
    parts = []
    for rep in _progress(range(reps), progress, f"{scen.name}"):
        parts.append((rep, *run_one(scen, replication_seed(seed, rep), rep=rep,
                                    residents=residents, **_model_kw(model))))
    return assemble_result(scen, seed, parts)


def run_scenarios(scenarios: list[Scenario], seed: int = 0, reps: int = 1, *,
                  engine: str = "processes", workers: int | None = None,
                  progress: bool = False, residents: bool = False,
                  model: Callable[..., Any] | None = None) -> list[RunResult]:
    """Run several scenarios on the same replication seeds, in parallel.

    Replication ``r`` of every scenario uses :func:`replication_seed(seed, r)`, so any two
    results can be paired with :func:`paired_differences` (common random numbers). Runs are
    spread over ``engine`` (see :func:`sim.experiments.engines.executor`); results do not depend on
    it.
    ``residents``: keep each resident's outcomes (:attr:`RunResult.residents`); ``model``:
    the model class or factory (it must pickle: a class or function defined at module
    level, in a plugin the workers load, :mod:`sim.plugins`).

    Returns:
        One :class:`RunResult` per scenario, in order.
    """
    from .engines import executor

    _check_seed_reps(seed, reps)
    jobs = [(i, rep) for i in range(len(scenarios)) for rep in range(reps)]
    parts: dict[int, list] = {i: [] for i in range(len(scenarios))}
    with executor(engine, workers) as ex:
        futures = {ex.submit(run_params, scenarios[i].name, dict(scenarios[i].params),
                             replication_seed(seed, rep), rep, residents, model): (i, rep)
                   for i, rep in jobs}
        for fut in _progress(as_completed(futures), progress, "runs"):
            i, rep = futures[fut]
            parts[i].append((rep, *fut.result()))
    return [assemble_result(scen, seed, parts[i]) for i, scen in enumerate(scenarios)]


def assemble_result(scen: Scenario, seed: int, parts: list[tuple]) -> RunResult:
    """Build a :class:`RunResult` from ``(rep, *output)`` tuples of :func:`run_one`."""
    parts = sorted(parts, key=lambda t: t[0])
    rows, dailies, groups, people = [], [], [], []
    for rep, row, daily, grp, *more in parts:
        rows.append(row)
        if len(daily):
            dailies.append(long_daily(daily, scenario=scen.name, rep=rep, seed=row["seed"]))
        if len(grp):
            groups.append(grp.assign(scenario=scen.name, rep=rep, seed=row["seed"]))
        if more and len(more[0]):
            people.append(more[0].assign(rep=np.int16(rep)))
    daily = (pd.concat(dailies, ignore_index=True) if dailies else
             pd.DataFrame(columns=["scenario", "rep", "seed", "day", "series", "value"]))
    groups_df = pd.concat(groups, ignore_index=True) if groups else pd.DataFrame()
    people_df = pd.concat(people, ignore_index=True) if people else pd.DataFrame()
    return RunResult(scenario=scen, seed=seed, runs=pd.DataFrame(rows), daily=daily,
                     groups=groups_df, residents=people_df)


def summarize(runs: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Mean and t-interval of every outcome over the ``ok`` replications.

    Returns:
        One row per outcome: ``label, unit, direction, mean, ci_low, ci_high, n``.
    """
    ok = runs[runs["status"] == "ok"] if "status" in runs else runs
    rows = []
    for name, o in OUTCOMES.items():
        if name not in ok:
            continue
        mean, lo, hi = mean_ci(ok[name], level, o.bounds)
        rows.append({"outcome": name, "label": o.label, "unit": o.unit,
                     "direction": o.direction, "mean": mean, "ci_low": lo, "ci_high": hi,
                     "n": int(np.isfinite(ok[name].astype(float)).sum())})
    return pd.DataFrame(rows).set_index("outcome")


def paired_differences(runs_a: pd.DataFrame, runs_b: pd.DataFrame,
                       level: float = 0.95) -> pd.DataFrame:
    """Paired differences ``b − a`` per outcome, matched on replication seed.

    Returns:
        One row per outcome: means of each arm, the mean difference and its t-interval,
        the relative change (difference / mean of a), whether b is better, whether the
        outcome is a ``headline`` one, and a ``note`` where the numbers carry no comparison:
        the outcome is fixed by design in both arms (the outcome's ``pinned`` reason, e.g.
        participation under implied consent), it could not be measured (NaN, e.g.
        re-identification risk when every leak carried the ID number), or it was the same
        in every pair.
    """
    a = runs_a[runs_a["status"] == "ok"].set_index("seed")
    b = runs_b[runs_b["status"] == "ok"].set_index("seed")
    params_a, params_b = _params_of(runs_a), _params_of(runs_b)
    rows = []
    for name, d, s in paired_stats(a, b, OUTCOMES.names(), level):
        o = OUTCOMES[name]
        mean, ma = s["diff_mean"], s["mean_a"]
        rel = mean / ma if math.isfinite(ma) and ma != 0 else math.nan
        better = (math.nan if not math.isfinite(mean) or o.direction == "info" or mean == 0
                  else bool((mean < 0) == (o.direction == "min")))
        rows.append({"outcome": name, "label": o.label, "unit": o.unit,
                     "direction": o.direction, "mean_a": ma, "mean_b": s["mean_b"],
                     "diff_mean": mean, "diff_low": s["diff_low"], "diff_high": s["diff_high"],
                     "relative": rel, "b_better": better, "n_pairs": s["n_pairs"],
                     "headline": o.headline, "note": _comparison_note(o, params_a, params_b, d)})
    return pd.DataFrame(rows).set_index("outcome")


def paired_stats(a: pd.DataFrame, b: pd.DataFrame, outcomes: Iterable[str],
                 level: float = 0.95) -> Iterator[tuple[str, np.ndarray, dict[str, Any]]]:
    """The paired statistics of ``b − a`` for each outcome, on the seeds both arms share.

    The one computation behind :func:`paired_differences` and
    :func:`sim.analysis.paired_vs_baseline`.

    Args:
        a: the baseline arm's finished replications, indexed by seed.
        b: the other arm's, indexed by seed.
        outcomes: the outcome columns to pair.
        level: interval level.

    Yields:
        ``(outcome, d, stats)``: the per-seed differences ``d`` and ``stats`` with
        ``mean_a``, ``mean_b`` (means of each arm's finite values on the shared seeds),
        ``diff_mean``, ``diff_low``, ``diff_high`` (:func:`mean_ci` of ``d``) and
        ``n_pairs`` (finite differences).
    """
    common = a.index.intersection(b.index)
    for name in outcomes:
        da = a.loc[common, name].astype(float)
        db = b.loc[common, name].astype(float)
        d = (db - da).to_numpy()
        mean, lo, hi = mean_ci(d, level)
        yield name, d, {"mean_a": _nanmean(da), "mean_b": _nanmean(db), "diff_mean": mean,
                        "diff_low": lo, "diff_high": hi, "n_pairs": int(np.isfinite(d).sum())}


def _params_of(runs: pd.DataFrame) -> dict[str, Any]:
    """The scenario parameters recorded in a runs table's ``param.*`` columns."""
    if runs.empty:
        return {}
    row = runs.iloc[0]
    return {c[len("param."):]: row[c] for c in runs.columns if c.startswith("param.")}


def _comparison_note(outcome, params_a: Mapping[str, Any], params_b: Mapping[str, Any],
                     d: np.ndarray) -> str:
    """Why a paired difference carries no comparison ("" if it does)."""
    reasons = []
    for params in (params_a, params_b):
        try:
            reasons.append(outcome.pinned_reason(params) if params else None)
        except (KeyError, TypeError):  # a runs table without the parameters it needs
            reasons.append(None)
    ra, rb = reasons
    if ra and rb:
        return ra if ra == rb else f"baseline: {ra}; reform: {rb}"
    finite = d[np.isfinite(d)]
    if len(finite) == 0:
        if ra or rb:  # one arm fixed by design: say which, not the other's reason
            arm, why, other = ("baseline", ra, "reform") if ra else ("reform", rb, "baseline")
            return (f"{arm}: {why}; the {other} is measured, but has nothing to be compared "
                    "with")
        return "not measured in these runs"
    if np.all(finite == 0.0):
        return "the same in every paired replication: this change does not act on it"
    return ""


# ------------------------------------------------------------------------------ helpers
def _check_seed_reps(seed: int, reps: int) -> None:
    if not isinstance(seed, int | np.integer) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed: invalid value {seed!r}; allowed: an integer >= 0")
    if not isinstance(reps, int | np.integer) or isinstance(reps, bool) or reps < 1:
        raise ValueError(f"reps: invalid value {reps!r}; allowed: an integer >= 1")


def _nanmean(x) -> float:
    v = np.asarray(x, dtype=float)
    v = v[np.isfinite(v)]
    return float(v.mean()) if len(v) else math.nan


def _progress(it, enabled: bool, desc: str):
    if not enabled:
        return it
    from tqdm.auto import tqdm

    return tqdm(it, desc=desc, unit="run")


def _num(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def _metrics_json(summary: pd.DataFrame, params: Mapping[str, Any]) -> dict[str, Any]:
    """Each outcome's mean and interval; a ``note`` says why a value is missing or fixed."""
    out = {}
    for name, r in summary.iterrows():
        entry = {"mean": _num(r["mean"]), "ci95": [_num(r.ci_low), _num(r.ci_high)]}
        why = OUTCOMES[name].pinned_reason(params)
        if why:
            entry["note"] = why
        elif entry["mean"] is None:
            entry["note"] = "not measured in these runs"
        out[name] = entry
    return out
