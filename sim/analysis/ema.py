"""The workbench as an EMA Workbench model, and PRIM scenario discovery on our runs.

`EMA Workbench <https://emaworkbench.readthedocs.io>`_ (Kwakkel 2017) is the reference
toolkit for exploratory modelling: it samples uncertainties and levers, runs the
experiments (in parallel) and offers scenario discovery (PRIM, CART), feature scoring and
many-objective search. :func:`model` wraps the workbench as an ``ema_workbench.Model``
whose uncertainties, levers and outcomes are read from the one declaration
(:data:`sim.params.PARAMETERS`, :data:`sim.world.outcomes.OUTCOMES`):

* uncertainties (``kind="uncertainty"``) and levers (``kind="lever"``) become
  ``RealParameter`` (floats), ``IntegerParameter`` (ints), ``CategoricalParameter``
  (choices) or ``BooleanParameter``, over the declared range or choices. The one
  list-valued lever, ``collection_fields``, has no EMA equivalent and is left at the base
  scenario's value (naming it raises);
* every registered outcome becomes a ``ScalarOutcome``, ``MINIMIZE`` / ``MAXIMIZE`` / ``INFO``
  from its ``direction``;
* each experiment runs ``reps`` replications with :func:`sim.run` on the seeds of master
  seed ``seed`` (the same seeds for every experiment: common random numbers) and reports
  the **mean over replications** of each outcome (NaN only if every replication leaves it
  undefined); with ``spread=True`` also ``<outcome>_sd``, the standard deviation over
  replications (INFO). A failed replication raises: nothing is averaged over fewer runs.

EMA hands NumPy scalars (``np.int64``, ``np.bool_``, ``np.float64``) to the model function;
:func:`run_experiment` turns them into plain Python values before they reach the scenario.

:func:`prim` runs EMA's Patient Rule Induction Method (Friedman and Fisher 1999) on our tidy
runs table; :func:`sim.analysis.discover` is the decision-tree (CART) alternative that
needs nothing beyond scikit-learn.

EMA Workbench is an optional extra: ``pip install -e ".[ema]"``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..params import PARAMETERS, Parameter
from ..world.outcomes import OUTCOMES

__all__ = ["SKIPPED", "model", "prim", "results_table", "run_experiment"]

#: declared levers / uncertainties that :func:`model` cannot sample, and why
SKIPPED = {"collection_fields": "a list of field names: no EMA parameter type holds a list"}

#: the model function's own arguments (EMA constants); every other argument is a parameter
_RESERVED = ("base", "reps", "seed", "spread")

_INSTALL = ('EMA Workbench is not installed; install the optional extra: '
            'pip install -e ".[ema]"  (or: pip install "ema_workbench>=2.5")')


def _ema():
    try:
        import ema_workbench
    except ImportError as e:
        raise ImportError(_INSTALL) from e
    return ema_workbench


def _plain(value: Any) -> Any:
    """A NumPy scalar (``np.int64``, ``np.bool_``, ``np.str_``) as the Python value it holds."""
    if isinstance(value, np.generic):
        return value.item()
    return value


# ------------------------------------------------------------------ the model function
def run_experiment(*, base: Any = "national_plan_2025", reps: int = 1, seed: int = 0,
                   spread: bool = False, factory: Any = None, **params: Any) -> dict[str, float]:
    """Run one EMA experiment: ``reps`` replications of ``base`` with ``params`` set.

    This is the module-level (picklable) function behind :func:`model`; EMA calls it with
    the sampled uncertainties and levers and the model's constants as keyword arguments.

    Args:
        base: the base scenario (bundled name, path or :class:`sim.Scenario`).
        reps: replications per experiment (seeds from :func:`sim.rng.replication_seed`).
        seed: master seed (the same for every experiment: common random numbers).
        spread: also report ``<outcome>_sd`` (standard deviation over replications).
        factory: the model class or factory (default :class:`~sim.world.model.HealthDataModel`).
        **params: parameter values (NumPy scalars are converted to Python values).

    Returns:
        ``{outcome: mean over replications}`` for every registered outcome (and
        ``<outcome>_sd`` with ``spread``).

    Raises:
        ScenarioError: a value is invalid (e.g. shares summing to more than 1).
        RuntimeError: a replication failed (its error is in the message).
    """
    from ..experiments.experiment import run

    overrides = {k: _plain(v) for k, v in params.items()}
    res = run(str(base) if isinstance(base, Path) else base, seed=int(_plain(seed)),
              reps=int(_plain(reps)), overrides=overrides, model=factory)
    runs = res.runs
    failed = runs[runs["status"] != "ok"] if "status" in runs else runs.iloc[:0]
    if len(failed):
        raise RuntimeError(f"{len(failed)} of {len(runs)} replication(s) failed: "
                           f"{failed['error'].iloc[0]}")
    out: dict[str, float] = {}
    for name in OUTCOMES:
        col = pd.to_numeric(runs[name], errors="coerce") if name in runs else pd.Series([math.nan])
        out[name] = float(col.mean())
        if _plain(spread):
            out[f"{name}_sd"] = float(col.std(ddof=1)) if col.count() > 1 else math.nan
    return out


# ------------------------------------------------------------------------ the model
def _parameter(p: Parameter, ema) -> Any:
    if p.name in SKIPPED:
        raise ValueError(f"{p.name}: cannot be sampled by EMA ({SKIPPED[p.name]}); "
                         "set it in the base scenario or with constants=")
    if p.dtype is bool:
        return ema.BooleanParameter(p.name)
    if p.dtype is str:
        return ema.CategoricalParameter(p.name, p.allowed_choices())
    if p.low is None or p.high is None:
        raise ValueError(f"{p.name}: declared without a finite range; pass an EMA parameter "
                         "with bounds instead of its name")
    if p.dtype is int:
        return ema.IntegerParameter(p.name, int(p.low), int(p.high))
    return ema.RealParameter(p.name, float(p.low), float(p.high))


_PLURAL = {"uncertainty": "uncertainties", "lever": "levers"}


def _parameters(items: Sequence[Any] | None, kind: str, ema) -> list[Any]:
    """EMA parameters for ``items`` (names or EMA parameters), or every declared ``kind``."""
    if items is None:
        return [_parameter(p, ema) for p in PARAMETERS.values()
                if p.kind == kind and p.name not in SKIPPED]
    out = []
    for item in items:
        name = item if isinstance(item, str) else getattr(item, "name", None)
        p = PARAMETERS.get(name) if isinstance(name, str) else None
        if p is None:
            raise ValueError(f"{_PLURAL[kind]}: {item!r}: unknown parameter; valid: "
                             f"{', '.join(n for n, q in PARAMETERS.items() if q.kind == kind)}")
        if p.kind != kind:
            raise ValueError(f"{_PLURAL[kind]}: {name}: declared as a {p.kind}, not a {kind}")
        if isinstance(item, str):
            out.append(_parameter(p, ema))
            continue
        low, high = getattr(item, "lower_bound", None), getattr(item, "upper_bound", None)
        if (low is not None and p.low is not None and low < p.low) or (
                high is not None and p.high is not None and high > p.high):
            raise ValueError(f"{_PLURAL[kind]}: {name}: range [{low}, {high}] leaves the declared "
                             f"one; allowed: {p.describe_allowed()}")
        out.append(item)
    return out


def model(base: Any = "national_plan_2025", *, reps: int = 1, seed: int = 0,
          n_residents: int | None = None, n_days: int | None = None,
          uncertainties: Sequence[Any] | None = None, levers: Sequence[Any] | None = None,
          outcomes: Sequence[str] | None = None, constants: Mapping[str, Any] | None = None,
          spread: bool = False, name: str = "healthcode", factory: Any = None) -> Any:
    """The workbench as an ``ema_workbench.Model`` (see the module docstring).

    Args:
        base: the base scenario every experiment starts from (name, path or Scenario).
        reps: replications per experiment; outcomes are their mean.
        seed: master seed, the same for every experiment (common random numbers).
        n_residents: simulated residents (default: the base scenario's).
        n_days: days per run (default: the base scenario's).
        uncertainties: names, or EMA parameters (e.g. a narrower ``RealParameter``), of the
            uncertainties to sample; default every declared uncertainty. The others keep
            the base scenario's values.
        levers: the same for levers; default every declared lever except ``SKIPPED``.
        outcomes: outcome names to report; default every registered outcome.
        constants: other parameter values fixed for all experiments.
        spread: also report ``<outcome>_sd`` over replications (INFO outcomes).
        name: the EMA model name (letters and digits only).
        factory: the model class or factory (a :class:`~sim.world.model.HealthDataModel`
            subclass). EMA's worker processes need it importable: define it in a module
            loaded with :func:`sim.plugins.load` (workers import it from ``SIM_PLUGINS``).

    Returns:
        An ``ema_workbench.Model`` for ``perform_experiments`` or ``optimize``; its function
        is :func:`run_experiment`, so ``MultiprocessingEvaluator`` can pickle it.

    Raises:
        ImportError: EMA Workbench is not installed.
        ValueError: an unknown parameter or outcome, a list-valued lever, a range outside the
            declaration.
    """
    from ..scenario import load_scenario

    ema = _ema()
    fixed = {k: _plain(v) for k, v in (constants or {}).items()}
    for key in fixed:
        if key not in PARAMETERS:
            raise ValueError(f"constants: {key!r}: unknown parameter")
    if n_residents is not None:
        fixed["n_residents"] = int(n_residents)
    if n_days is not None:
        fixed["n_days"] = int(n_days)
    base = str(base) if isinstance(base, Path) else base
    load_scenario(base, fixed)  # a bad base or constant fails here, not per run
    if int(reps) < 1:
        raise ValueError(f"reps: invalid value {reps}; allowed: at least 1")

    unc = _parameters(uncertainties, "uncertainty", ema)
    lev = _parameters(levers, "lever", ema)
    sampled = {p.name: p for p in (*unc, *lev)}
    clash = set(sampled) & set(fixed)
    if clash:
        raise ValueError(f"{', '.join(sorted(clash))}: both sampled and fixed (constants=)")

    names = list(OUTCOMES) if outcomes is None else list(outcomes)
    for o in names:
        if o not in OUTCOMES:
            raise ValueError(f"outcomes: {o!r}: unknown outcome; valid: {', '.join(OUTCOMES)}")
    kinds = {"min": ema.ScalarOutcome.MINIMIZE, "max": ema.ScalarOutcome.MAXIMIZE}
    outs = [ema.ScalarOutcome(o, kind=kinds.get(OUTCOMES[o].direction, ema.ScalarOutcome.INFO))
            for o in names]
    if spread:
        outs += [ema.ScalarOutcome(f"{o}_sd", kind=ema.ScalarOutcome.INFO) for o in names]

    m = ema.Model(name, function=run_experiment)
    m.uncertainties = unc
    m.levers = lev
    m.outcomes = outs
    m.constants = [ema.Constant("base", base), ema.Constant("reps", int(reps)),
                   ema.Constant("seed", int(seed)), ema.Constant("spread", bool(spread)),
                   *([ema.Constant("factory", factory)] if factory is not None else []),
                   *(ema.Constant(k, v) for k, v in fixed.items())]
    return m


def results_table(experiments: pd.DataFrame, outcomes: Mapping[str, Any]) -> pd.DataFrame:
    """EMA's ``(experiments, outcomes)`` as our tidy runs table (for :func:`prim`, the frontier).

    One row per experiment: ``ema_scenario``, ``ema_policy``, ``status`` ("ok"), each
    sampled uncertainty and lever as ``param.<name>`` (categories as plain values) and one
    column per outcome.
    """
    cols: dict[str, Any] = {"ema_scenario": experiments["scenario"].astype(str).to_numpy(),
                            "ema_policy": experiments["policy"].astype(str).to_numpy(),
                            "status": "ok"}
    for col in experiments.columns:
        if col in ("scenario", "policy", "model"):
            continue
        values = experiments[col]
        if isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype(object)
        cols[f"param.{col}"] = values.to_numpy()
    for name, values in outcomes.items():
        cols[name] = np.asarray(values)
    return pd.DataFrame(cols)


# ------------------------------------------------------------------------------ PRIM
def prim(runs: pd.DataFrame, outcome: str, limit: float, *, above: bool = True,
         threshold: float = 0.8, factors: Sequence[str] | None = None,
         max_boxes: int = 3, peel_alpha: float = 0.05, paste_alpha: float = 0.05,
         mass_min: float = 0.05) -> pd.DataFrame:
    """Scenario discovery with PRIM (EMA Workbench's ``Prim``) on a runs table.

    The runs where the policy fails the limit (``outcome > limit``, or ``< limit`` with
    ``above=False``) are the cases of interest; the inputs are the ``param.*`` columns that
    vary (or ``factors``). PRIM peels the input space into boxes dense in failures. Of each
    box's peeling trajectory the step kept is the one with the greatest coverage whose
    density reaches ``threshold`` (else the densest step); boxes are found one after the
    other on the runs left outside the previous ones, until none reaches ``threshold``.

    Args:
        runs: the tidy runs table (:func:`sim.experiments.sweep.load_results`, ``RunResult.runs``).
        outcome: the outcome to test.
        limit: the limit.
        above: failure means ``outcome > limit`` (else ``outcome < limit``).
        threshold: the density a box must reach (share of failures inside it).
        factors: the parameters to explain with (default: every parameter that varies).
        max_boxes: at most this many boxes.
        peel_alpha: share peeled per step.
        paste_alpha: share pasted back per step.
        mass_min: smallest box, as a share of runs.

    Returns:
        One row per restricted parameter of each box: ``box`` (1, 2, ...), ``parameter``,
        ``low`` and ``high`` (numbers; NaN for categories), ``values`` (the categories
        kept, for categorical inputs), ``qp`` (PRIM's quasi-p-value of the restriction),
        and the box's ``coverage`` (share of all failures inside), ``density`` (share of
        the box's runs that fail), ``mass`` (share of runs inside) and ``runs``. Empty
        when no box reaches ``threshold``, and when no run or every run fails (there is
        nothing to tell apart).

    Raises:
        ImportError: EMA Workbench is not installed (``pip install -e ".[ema]"``).
        ValueError: an unknown outcome, or no parameter varies.
    """
    try:
        from ema_workbench.analysis import prim as ema_prim
    except ImportError as e:
        raise ImportError(_INSTALL) from e
    from ..experiments.summaries import _ok

    ok = _ok(runs).reset_index(drop=True)
    if outcome not in OUTCOMES or outcome not in ok:
        raise ValueError(f"{outcome!r}: unknown outcome; valid: {', '.join(OUTCOMES)}")
    if not math.isfinite(limit):
        raise ValueError(f"limit: invalid value {limit}; allowed: a finite number")
    values = pd.to_numeric(ok[outcome], errors="coerce")
    y = ((values > limit) if above else (values < limit)).to_numpy(dtype=int)
    if factors is None:
        factors = [c[6:] for c in ok.columns if c.startswith("param.")
                   and ok[c].astype(str).nunique(dropna=False) > 1]
    if not factors:
        raise ValueError("prim: no parameter varies in these runs")
    cols = {}
    for f in factors:
        col = ok[f"param.{f}"]
        numeric = pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)
        cols[f] = col.astype(float) if numeric else col.astype(str)
    x = pd.DataFrame(cols, index=ok.index)
    columns = ["box", "parameter", "low", "high", "values", "qp",
               "coverage", "density", "mass", "runs"]
    if y.sum() == 0 or y.sum() == len(y):  # no failure, or nothing but failures: no box
        return pd.DataFrame(columns=columns)

    import logging

    logging.getLogger("EMA").setLevel(logging.WARNING)  # PRIM logs every box at INFO
    finder = ema_prim.Prim(x, y, threshold=threshold, peel_alpha=peel_alpha,
                           paste_alpha=paste_alpha, mass_min=mass_min)
    rows = []
    for number in range(1, max_boxes + 1):
        box = finder.find_box()
        if box is None or box.mean < threshold:  # EMA's "dump box": nothing dense is left
            break
        traj = box.peeling_trajectory
        good = traj.index[traj["density"] >= threshold]
        i = int(traj.loc[good, "coverage"].idxmax()) if len(good) else int(traj["density"].idxmax())
        stats = traj.iloc[i]
        lims, init, qps = box.box_lims[i], finder.box_init, box.qp[i]
        for f in x.columns:
            lo, hi = lims[f].iloc[0], lims[f].iloc[1]
            if isinstance(lo, set):
                if lo == init[f].iloc[0]:
                    continue
                low = high = math.nan
                kept = ", ".join(sorted(map(str, lo)))
            else:
                if lo == init[f].iloc[0] and hi == init[f].iloc[1]:
                    continue
                low, high, kept = float(lo), float(hi), ""
            qp = [q for q in qps.get(f, []) if q is not None and q >= 0]
            rows.append({"box": number, "parameter": f, "low": low, "high": high,
                         "values": kept, "qp": max(qp) if qp else math.nan,
                         "coverage": float(stats["coverage"]),
                         "density": float(stats["density"]), "mass": float(stats["mass"]),
                         "runs": int(stats["n"])})
    return pd.DataFrame(rows, columns=columns)
