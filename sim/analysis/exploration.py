"""Which uncertain inputs drive the outcomes: global sensitivity and scenario discovery.

:func:`sensitivity` ranks a sobol or morris sweep's factors by their influence on outcomes
(SALib, through :func:`sensitivity_indices`) and :func:`plot_sensitivity` draws the
ranking; :func:`discover` fits a shallow decision tree (CART, scikit-learn) to a sweep over
uncertainties and returns the readable rules (combinations of inputs) under which a policy
fails a limit. It is not PRIM: for PRIM's boxes (peeling and pasting, coverage and density
trade-off) use :func:`sim.analysis.ema.prim`, which needs EMA Workbench.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..experiments.summaries import _ok
from ..world.outcomes import OUTCOMES

__all__ = ["discover", "factor_label", "plot_sensitivity", "sensitivity", "sensitivity_indices"]


# ----------------------------------------------------------------------- sensitivity
def sensitivity_indices(problem: Mapping[str, Any], X: np.ndarray, Y: np.ndarray,
                        method: str, seed: int = 0) -> pd.DataFrame:
    """Global sensitivity indices of ``Y`` (one value per sample row of ``X``) via SALib.

    Args:
        problem: SALib problem (``names``, ``bounds``, ``num_vars``; for Sobol
            ``second_order``; for Morris ``num_levels``).
        X: the sample matrix the design used.
        Y: model outputs, aligned with ``X``.
        method: ``"sobol"`` (S1, ST with confidence) or ``"morris"`` (mu_star, sigma).
        seed: bootstrap seed.

    Returns:
        One row per factor, most influential first.
    """
    Y = np.asarray(Y, dtype=float)
    if not np.all(np.isfinite(Y)):
        raise ValueError("sensitivity: the outcome has missing values (failed runs or NaN "
                         "outcomes); SALib needs a complete design")
    prob = {k: problem[k] for k in ("num_vars", "names", "bounds")}
    if method == "sobol":
        from SALib.analyze import sobol

        res = sobol.analyze(prob, Y, calc_second_order=bool(problem.get("second_order")),
                            seed=seed)
        df = pd.DataFrame({"factor": prob["names"], "S1": res["S1"], "S1_conf": res["S1_conf"],
                           "ST": res["ST"], "ST_conf": res["ST_conf"]})
        return df.sort_values("ST", ascending=False).reset_index(drop=True)
    if method == "morris":
        from SALib.analyze import morris

        res = morris.analyze(prob, np.asarray(X, dtype=float), Y,
                             num_levels=int(problem.get("num_levels", 4)), seed=seed)
        df = pd.DataFrame({"factor": prob["names"], "mu_star": res["mu_star"],
                           "mu_star_conf": res["mu_star_conf"], "sigma": res["sigma"],
                           "mu": res["mu"]})
        return df.sort_values("mu_star", ascending=False).reset_index(drop=True)
    raise ValueError(f"method: invalid value {method!r}; allowed: sobol, morris")


def sensitivity(runs: pd.DataFrame, manifest: Mapping[str, Any],
                outcomes: Sequence[str] = ("residents_exposed_rate", "harm_per_1000",
                                           "utility_rate")) -> pd.DataFrame:
    """Sensitivity ranking of outcomes to the sweep's factors (a sobol or morris sweep).

    Replications of a point are averaged. Returns a long table with an ``outcome`` column.

    Raises:
        ValueError: if the sweep is not a sensitivity design or runs are missing.
    """
    design = manifest["design"]
    method = design["type"]
    if method not in ("sobol", "morris"):
        raise ValueError(f"sensitivity needs a sweep of type sobol or morris, not {method!r}")
    ok = _ok(runs)
    scen = manifest["scenarios"][0]["name"]
    ok = ok[ok["scenario"] == scen]
    X = np.asarray(design["unit_samples"], dtype=float)
    means = ok.groupby("point_index")[list(outcomes)].mean()
    missing = sorted(set(range(len(X))) - set(means.index))
    if missing:
        raise ValueError(f"sensitivity: {len(missing)} of {len(X)} design points have no "
                         "finished run; resume the sweep first")
    out = []
    for o in outcomes:
        df = sensitivity_indices(design["problem"], X, means.loc[range(len(X)), o].to_numpy(),
                                 method)
        df.insert(0, "outcome", o)
        out.append(df)
    return pd.concat(out, ignore_index=True)


def factor_label(name: str, lang: str = "en") -> str:
    """A sensitivity factor (a parameter's name) for the reader of ``lang``.

    English shows the parameter's name as the sweep file writes it; other languages show
    the parameter's label (:func:`sim.i18n.lever_label`).
    """
    from ..i18n import lever_label

    return name if lang == "en" else lever_label(name, lang)


def plot_sensitivity(table: pd.DataFrame, lang: str = "en"):
    """Bar charts of the sensitivity ranking, one panel per outcome.

    ``lang`` is the language of the chart's words (``"en"`` or ``"zh"``).
    """
    import matplotlib.pyplot as plt

    from ..i18n import chart_text as _t
    from ..i18n import outcome_label

    outcomes = list(dict.fromkeys(table["outcome"]))
    fig, axes = plt.subplots(1, len(outcomes), figsize=(5 * len(outcomes), 5), squeeze=False)
    value, conf = (("ST", "ST_conf") if "ST" in table else ("mu_star", "mu_star_conf"))
    for ax, o in zip(axes[0], outcomes, strict=True):
        t = table[table["outcome"] == o].iloc[::-1]
        ax.barh([factor_label(f, lang) for f in t["factor"]], t[value], xerr=t[conf],
                color="tab:blue", alpha=0.8)
        ax.set_title(outcome_label(o, lang) if o in OUTCOMES else o)
        ax.set_xlabel(_t("total-order Sobol index" if value == "ST" else "Morris μ*", lang))
        ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------ scenario discovery
def discover(runs: pd.DataFrame, outcome: str, limit: float, *, above: bool = True,
             factors: Sequence[str] | None = None, max_depth: int = 3,
             min_leaf: float = 0.05, seed: int = 0) -> dict[str, Any]:
    """Which combinations of inputs make a policy fail a limit (a decision tree, CART).

    Scenario discovery with a shallow classification tree (scikit-learn's
    ``DecisionTreeClassifier``, balanced classes): each leaf where most runs fail becomes a
    rule. This is CART, not PRIM; :func:`sim.analysis.ema.prim` gives PRIM boxes (EMA Workbench).

    Args:
        runs: the runs table (a sweep over uncertainties, typically latin_hypercube).
        outcome: the outcome to test (e.g. ``reidentification_risk``).
        limit: the limit (e.g. 0.09).
        above: failure means ``outcome > limit`` (else ``outcome < limit``).
        factors: the parameters to explain with (default: every parameter that varies).
        max_depth: tree depth (3 keeps the rules readable).
        min_leaf: smallest leaf, as a share of runs.
        seed: tree seed.

    Returns:
        ``{"rules": DataFrame (one row per failing leaf: conditions, runs, failure density,
        coverage of all failures), "fail_share": float, "tree": fitted tree,
        "features": list}``.
    """
    from sklearn.tree import DecisionTreeClassifier

    ok = _ok(runs)
    if outcome not in ok:
        raise ValueError(f"{outcome!r}: unknown outcome; valid: {', '.join(OUTCOMES)}")
    y = (ok[outcome] > limit) if above else (ok[outcome] < limit)
    y = y.to_numpy()
    ok = ok.assign(**{c: ok[c].map(_flat) for c in ok.columns
                      if c.startswith("param.") and ok[c].dtype == object})
    if factors is None:
        factors = [c[6:] for c in ok.columns if c.startswith("param.")
                   and ok[c].nunique(dropna=False) > 1]
    if not factors:
        raise ValueError("discover: no parameter varies in these runs")
    X, names = _encode(ok, factors)
    tree = DecisionTreeClassifier(max_depth=max_depth,
                                  min_samples_leaf=max(1, int(min_leaf * len(ok))),
                                  random_state=seed, class_weight="balanced").fit(X, y)
    leaves = tree.apply(X)
    total_fail = int(y.sum())
    rules = []
    for leaf in np.unique(leaves):
        inside = leaves == leaf
        n_fail = int(y[inside].sum())
        if n_fail == 0 or n_fail / inside.sum() < 0.5:
            continue
        rules.append({"rule": " and ".join(_path(tree, leaf, names)) or "(all runs)",
                      "runs": int(inside.sum()), "density": n_fail / inside.sum(),
                      "coverage": n_fail / total_fail if total_fail else math.nan})
    table = pd.DataFrame(rules, columns=["rule", "runs", "density", "coverage"])
    table = table.sort_values("coverage", ascending=False).reset_index(drop=True)
    return {"rules": table, "fail_share": float(y.mean()) if len(y) else math.nan,
            "tree": tree, "features": names}


def _encode(ok: pd.DataFrame, factors: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    cols, names = [], []
    for f in factors:
        col = ok[f"param.{f}"]
        if not pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
            for level in sorted(col.astype(str).unique()):
                cols.append((col.astype(str) == level).to_numpy(dtype=float))
                names.append(f"{f}={level}")
        else:
            cols.append(col.to_numpy(dtype=float))
            names.append(f)
    return np.column_stack(cols), names


def _path(tree, leaf: int, names: list[str]) -> list[str]:
    t = tree.tree_
    parent = {}
    for node in range(t.node_count):
        for child, side in ((t.children_left[node], "le"), (t.children_right[node], "gt")):
            if child != -1:
                parent[child] = (node, side)
    conds = []
    node = leaf
    while node in parent:
        p, side = parent[node]
        name, thr = names[t.feature[p]], t.threshold[p]
        if "=" in name:  # one-hot level
            conds.append(name if side == "gt" else name.replace("=", " ≠ ", 1))
        else:
            conds.append(f"{name} {'≤' if side == 'le' else '>'} {thr:.3g}")
        node = p
    return conds[::-1]


def _flat(v):
    """A list parameter's value as one comma-joined level (lists are not hashable)."""
    return ",".join(map(str, v)) if isinstance(v, list | tuple) else v
