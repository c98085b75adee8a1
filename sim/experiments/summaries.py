"""Per-policy summaries of a sweep's runs table, and paired differences against a baseline.

The runs table is :func:`sim.experiments.sweep.load_results`'s (one row per replication, keyed by
``scenario, point_id, point``); failed runs are left out. :func:`policy_summary` gives each
(scenario, design point)'s outcome means with t-intervals; :func:`paired_vs_baseline` each
point's differences from a baseline point, matched on seed; :func:`pareto_mask` which
points no other beats on both risk and utility. The other analysis modules
(:mod:`sim.analysis.pareto`, :mod:`sim.analysis.exploration`) build on the helpers here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..world.outcomes import OUTCOMES
from .experiment import mean_ci, paired_stats

__all__ = ["KEYS", "paired_vs_baseline", "pareto_mask", "policy_summary"]

KEYS = ["scenario", "point_id", "point"]


def _ok(runs: pd.DataFrame) -> pd.DataFrame:
    return runs[runs["status"] == "ok"] if "status" in runs else runs


def _order(runs: pd.DataFrame) -> list[tuple]:
    cols = [c for c in ("scenario_index", "point_index") if c in runs]
    df = runs.drop_duplicates(KEYS)
    if cols:
        df = df.sort_values(cols, kind="stable")
    return list(df[KEYS].itertuples(index=False, name=None))


def policy_summary(runs: pd.DataFrame, outcomes: Sequence[str] | None = None,
                   level: float = 0.95) -> pd.DataFrame:
    """Mean and t-interval of outcomes for every (scenario, design point).

    Returns:
        Long table: ``scenario, point_id, point, outcome, mean, ci_low, ci_high, n``.
    """
    ok = _ok(runs)
    outcomes = list(outcomes or [o for o in OUTCOMES.names() if o in ok])
    rows = []
    for key in _order(ok):
        g = ok[(ok["scenario"] == key[0]) & (ok["point_id"] == key[1])]
        for o in outcomes:
            m, lo, hi = mean_ci(g[o], level, OUTCOMES[o].bounds if o in OUTCOMES else None)
            rows.append(dict(zip(KEYS, key, strict=True), outcome=o, mean=m, ci_low=lo,
                             ci_high=hi, n=int(np.isfinite(g[o].astype(float)).sum())))
    return pd.DataFrame(rows)


def _resolve_point(runs: pd.DataFrame, point: str | None) -> str:
    labels = runs.drop_duplicates("point_id").set_index("point_id")["point"]
    if point is None:
        return _order(runs)[0][1]
    if point in labels.index:
        return point
    hits = labels[labels == point]
    if len(hits) == 1:
        return hits.index[0]
    raise ValueError(f"baseline: unknown point {point!r}; valid: {', '.join(labels)}")


def paired_vs_baseline(runs: pd.DataFrame, baseline: str | None = None,
                       outcomes: Sequence[str] | None = None,
                       level: float = 0.95) -> pd.DataFrame:
    """Paired differences of every point against a baseline point, matched on seed.

    Args:
        runs: the runs table.
        baseline: the baseline point (its id or label); default: the first point.
        outcomes: which outcomes (default: all).
        level: interval level.

    Returns:
        Long table: ``scenario, point_id, point, outcome, baseline_mean, diff_mean,
        diff_low, diff_high, rel_mean, rel_low, rel_high, n_pairs`` (relative = difference
        divided by the baseline's mean).
    """
    ok = _ok(runs)
    base_id = _resolve_point(ok, baseline)
    outcomes = list(outcomes or [o for o in OUTCOMES.names() if o in ok])
    rows = []
    for scen, pid, label in _order(ok):
        a = ok[(ok["scenario"] == scen) & (ok["point_id"] == base_id)].set_index("seed")
        b = ok[(ok["scenario"] == scen) & (ok["point_id"] == pid)].set_index("seed")
        for o, _d, s in paired_stats(a, b, outcomes, level):
            base, m, lo, hi = s["mean_a"], s["diff_mean"], s["diff_low"], s["diff_high"]
            scale = abs(base) if base and math.isfinite(base) else math.nan
            rows.append({"scenario": scen, "point_id": pid, "point": label, "outcome": o,
                         "baseline_mean": base, "diff_mean": m, "diff_low": lo,
                         "diff_high": hi, "rel_mean": m / scale, "rel_low": lo / scale,
                         "rel_high": hi / scale, "n_pairs": s["n_pairs"]})
    return pd.DataFrame(rows)


def pareto_mask(risk: np.ndarray, utility: np.ndarray) -> np.ndarray:
    """Return which points are on the Pareto frontier.

    A point is dominated when another has lower-or-equal risk and higher-or-equal utility,
    with at least one strictly better.
    """
    risk = np.asarray(risk, dtype=float)
    utility = np.asarray(utility, dtype=float)
    n = len(risk)
    on = np.ones(n, dtype=bool)
    for i in range(n):
        if not (np.isfinite(risk[i]) and np.isfinite(utility[i])):
            on[i] = False
            continue
        better_or_equal = (risk <= risk[i]) & (utility >= utility[i])
        strictly = (risk < risk[i]) | (utility > utility[i])
        if np.any(better_or_equal & strictly):
            on[i] = False
    return on
