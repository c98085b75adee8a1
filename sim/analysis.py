"""Analysis of sweeps: summaries, frontier, sensitivity and scenario discovery.

Per-policy summaries and paired differences, the risk-utility Pareto frontier, global
sensitivity (SALib) and scenario discovery (a decision tree).

Every function takes the tidy runs table (:func:`sim.sweep.load_results`) and returns a
DataFrame; the ``plot_*`` functions return a matplotlib ``Figure``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .experiment import mean_ci, paired_stats
from .outcomes import OUTCOMES

__all__ = [
    "claim_verdict",
    "comparison_verdict",
    "describe_change",
    "discover",
    "paired_vs_baseline",
    "pareto_frontier",
    "pareto_mask",
    "plot_frontier",
    "plot_sensitivity",
    "policy_summary",
    "sensitivity",
    "sensitivity_indices",
]

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
            m, lo, hi = mean_ci(g[o], level)
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


def pareto_frontier(runs: pd.DataFrame, risk: str = "residents_exposed_rate",
                    utility: str = "utility_rate", baseline: str | None = None,
                    level: float = 0.95) -> pd.DataFrame:
    """The privacy-risk versus clinical-utility frontier across the policies swept.

    Args:
        runs: the runs table.
        risk: a privacy outcome to minimise.
        utility: a clinical outcome to maximise.
        baseline: the point the plain-language lines compare against (default: first).
        level: interval level.

    Returns:
        One row per (scenario, point): means and intervals of both outcomes,
        ``on_frontier``, ``dominated``, and ``verdict``: a plain-language line for each
        frontier policy ("cuts residents exposed by 62% [55, 68] for 4% [3, 5] less
        utility") relative to the baseline, on paired differences.
    """
    for name in (risk, utility):
        if name not in OUTCOMES:
            raise ValueError(f"{name!r}: unknown outcome; valid: {', '.join(OUTCOMES)}")
    summ = policy_summary(runs, [risk, utility], level)
    wide = summ.pivot_table(index=KEYS, columns="outcome", values=["mean", "ci_low", "ci_high"],
                            sort=False)
    wide.columns = [f"{o}_{stat}" for stat, o in wide.columns]
    wide = wide.reset_index()
    order = {k: i for i, k in enumerate(_order(_ok(runs)))}
    wide["_o"] = [order[tuple(r)] for r in wide[KEYS].itertuples(index=False, name=None)]
    wide = wide.sort_values("_o").drop(columns="_o").reset_index(drop=True)
    wide["on_frontier"] = False
    for _scen, idx in wide.groupby("scenario").groups.items():
        mask = pareto_mask(wide.loc[idx, f"{risk}_mean"], wide.loc[idx, f"{utility}_mean"])
        wide.loc[idx, "on_frontier"] = mask
    wide["dominated"] = ~wide["on_frontier"]
    diffs = paired_vs_baseline(runs, baseline, [risk, utility], level)
    base_id = _resolve_point(_ok(runs), baseline)
    verdicts = []
    for r in wide.itertuples(index=False):
        if not r.on_frontier:
            verdicts.append("dominated")
            continue
        if r.point_id == base_id:
            verdicts.append("baseline")
            continue
        d = diffs[(diffs["scenario"] == r.scenario) & (diffs["point_id"] == r.point_id)]
        verdicts.append(_verdict(d.set_index("outcome"), risk, utility))
    wide["verdict"] = verdicts
    return wide


def _p(x: float, signed: bool = False) -> str:
    """A share as a percentage: whole numbers from 10%, one decimal below."""
    v = 100 * x
    fmt = ("+" if signed else "") + (".0f" if abs(v) >= 10 else ".1f")
    return format(v, fmt)


def _change(row, label: str, up: str, down: str, suffix: str = "") -> str:
    """Describe a relative change in words.

    'cuts residents exposed by 62% [55, 68]' when the interval excludes zero; otherwise
    the signed change with its interval and 'no clear change'.
    """
    m, lo, hi = row.rel_mean, row.rel_low, row.rel_high
    if not math.isfinite(m):
        return f"{label}: no baseline level to compare with"
    if math.isfinite(lo) and (lo > 0 or hi < 0):
        a, b = sorted((abs(lo), abs(hi)))
        word = up if m > 0 else down
        return f"{word} {label} by {_p(abs(m))}% [{_p(a)}, {_p(b)}]{suffix}"
    interval = f" [{_p(lo, True)}, {_p(hi, True)}]" if math.isfinite(lo) else ""
    return f"no clear change in {label} ({_p(m, True)}%{interval})"


def _verdict(d: pd.DataFrame, risk: str, utility: str) -> str:
    rl, ul = OUTCOMES[risk].label.lower(), OUTCOMES[utility].label.lower()
    risk_part = _change(d.loc[risk], rl, "raises", "cuts")
    u = d.loc[utility]
    m, lo, hi = u.rel_mean, u.rel_low, u.rel_high
    if math.isfinite(m) and math.isfinite(lo) and (lo > 0 or hi < 0):
        a, b = sorted((abs(lo), abs(hi)))
        util_part = (f"for {_p(abs(m))}% [{_p(a)}, {_p(b)}] "
                     f"{'more' if m > 0 else 'less'} {ul}")
    else:
        util_part = "with " + _change(u, ul, "more", "less")
    return f"{risk_part} {util_part}"


def plot_frontier(frontier: pd.DataFrame, risk: str = "residents_exposed_rate",
                  utility: str = "utility_rate", ax=None):
    """Risk (x) against utility (y) with 95% intervals; frontier policies joined."""
    import matplotlib.pyplot as plt

    fig = ax.figure if ax is not None else plt.figure(figsize=(7.5, 5))
    ax = ax if ax is not None else fig.add_subplot(111)
    for scen, g in frontier.groupby("scenario", sort=False):
        x, y = g[f"{risk}_mean"], g[f"{utility}_mean"]
        # outcomes are non-negative: a t-interval reaching below 0 is drawn to 0
        xerr = [x - g[f"{risk}_ci_low"].clip(lower=0), g[f"{risk}_ci_high"] - x]
        yerr = [y - g[f"{utility}_ci_low"].clip(lower=0), g[f"{utility}_ci_high"] - y]
        dom = g["dominated"].to_numpy()
        ax.errorbar(x[dom], y[dom], xerr=np.array(xerr)[:, dom], yerr=np.array(yerr)[:, dom],
                    fmt="o", color="0.6", alpha=0.7, label=f"{scen}: dominated")
        ax.errorbar(x[~dom], y[~dom], xerr=np.array(xerr)[:, ~dom],
                    yerr=np.array(yerr)[:, ~dom], fmt="o", label=f"{scen}: frontier")
        f = g[~dom].sort_values(f"{risk}_mean")
        ax.plot(f[f"{risk}_mean"], f[f"{utility}_mean"], "-", alpha=0.6)
        for _, r in f.iterrows():
            ax.annotate(str(r["point"])[:40], (r[f"{risk}_mean"], r[f"{utility}_mean"]),
                        textcoords="offset points", xytext=(5, 5), fontsize=8)
    ro, uo = OUTCOMES[risk], OUTCOMES[utility]
    ax.set_xlabel(f"{ro.label} ({ro.unit}) - lower is better")
    ax.set_ylabel(f"{uo.label} ({uo.unit}) - higher is better")
    ax.set_title("Privacy risk against clinical utility (means, 95% intervals)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig


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


def plot_sensitivity(table: pd.DataFrame):
    """Bar charts of the sensitivity ranking, one panel per outcome."""
    import matplotlib.pyplot as plt

    outcomes = list(dict.fromkeys(table["outcome"]))
    fig, axes = plt.subplots(1, len(outcomes), figsize=(5 * len(outcomes), 5), squeeze=False)
    value, conf = (("ST", "ST_conf") if "ST" in table else ("mu_star", "mu_star_conf"))
    for ax, o in zip(axes[0], outcomes, strict=True):
        t = table[table["outcome"] == o].iloc[::-1]
        ax.barh(t["factor"], t[value], xerr=t[conf], color="tab:blue", alpha=0.8)
        ax.set_title(f"{OUTCOMES[o].label}" if o in OUTCOMES else o)
        ax.set_xlabel("total-order Sobol index" if value == "ST" else "Morris μ*")
        ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------ scenario discovery
def discover(runs: pd.DataFrame, outcome: str, limit: float, *, above: bool = True,
             factors: Sequence[str] | None = None, max_depth: int = 3,
             min_leaf: float = 0.05, seed: int = 0) -> dict[str, Any]:
    """Which combinations of inputs make a policy fail a limit (a decision tree).

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


# ------------------------------------------------------------------ plain-language verdict
def _fmt_count(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 10 else f"{x:,.1f}"


def comparison_verdict(differences: pd.DataFrame, baseline: str = "the baseline",
                       reform: str = "The reform") -> list[str]:
    """Plain-language sentences for a paired comparison (reform − baseline), intervals first.

    The first sentence is the headline: residents exposed per 100,000 and the relative
    change in clinical information delivered, e.g. "The reform exposes 2,140 fewer residents
    per 100,000 [1,900, 2,380] and delivers 3.1% less clinical information [2.6, 3.6]
    than the baseline." Later sentences cover emergencies away from home, harm, insider
    incidents, function creep and broker dossiers. A change whose 95% interval includes
    zero is called "no clear change".

    Args:
        differences: :attr:`sim.experiment.CompareResult.differences`.
        baseline: how to name the baseline.
        reform: how to name the reform (sentence start).
    """
    d = differences

    def clear(name: str) -> bool:
        lo, hi = d.loc[name, "diff_low"], d.loc[name, "diff_high"]
        return bool(np.isfinite(lo) and (lo > 0 or hi < 0))

    def interval(lo: float, hi: float, scale: float = 1.0, pct: bool = False) -> str:
        a, b = sorted((abs(lo * scale), abs(hi * scale)))
        return f"[{a:.1f}, {b:.1f}]" if pct else f"[{_fmt_count(a)}, {_fmt_count(b)}]"

    out = []
    r = d.loc["residents_exposed_rate"]
    if clear("residents_exposed_rate"):
        word = "more" if r.diff_mean > 0 else "fewer"
        exposure = (f"exposes {_fmt_count(abs(r.diff_mean) * 1e5)} {word} residents per "
                    f"100,000 {interval(r.diff_low, r.diff_high, 1e5)}")
    else:
        exposure = (f"exposes about as many residents (no clear change: "
                    f"{r.diff_mean * 1e5:+,.0f} per 100,000, interval "
                    f"[{r.diff_low * 1e5:+,.0f}, {r.diff_high * 1e5:+,.0f}])")
    u = d.loc["utility_rate"]
    base_u = u.mean_a if u.mean_a else np.nan
    if clear("utility_rate") and np.isfinite(base_u):
        word = "more" if u.diff_mean > 0 else "less"
        care = (f"delivers {abs(u.diff_mean) / base_u * 100:.1f}% {word} clinical information "
                f"{interval(u.diff_low / base_u, u.diff_high / base_u, 100, pct=True)}")
    else:
        care = "delivers about as much clinical information (no clear change)"
    out.append(f"{reform} {exposure} and {care} than {baseline}.")

    e = d.loc["emergency_info_rate"]
    if np.isfinite(e.diff_mean) and clear("emergency_info_rate"):
        word = "more" if e.diff_mean > 0 else "less"
        out.append(f"In emergencies away from home, clinicians get {abs(e.diff_mean) * 100:.0f} "
                   f"percentage points {word} of the information they need "
                   f"{interval(e.diff_low, e.diff_high, 100, pct=True)} "
                   f"({e.mean_a * 100:.0f}% → {e.mean_b * 100:.0f}%).")
    h = d.loc["harm_per_1000"]
    if clear("harm_per_1000"):
        word = "more" if h.diff_mean > 0 else "less"
        out.append(f"Sensitivity-weighted harm: {_fmt_count(abs(h.diff_mean))} points per "
                   f"1,000 residents {word} {interval(h.diff_low, h.diff_high)}.")
    for name, what in (("insider_incidents", "insider incidents"),
                       ("function_creep_incidents", "beyond-purpose (function creep) campaigns")):
        x = d.loc[name]
        if clear(name):
            word = "more" if x.diff_mean > 0 else "fewer"
            out.append(f"{_fmt_count(abs(x.diff_mean))} {word} {what} in the country over the run "
                       f"{interval(x.diff_low, x.diff_high)}.")
    k = d.loc["dossier_over_half_rate"]
    if clear("dossier_over_half_rate"):
        word = "more" if k.diff_mean > 0 else "fewer"
        out.append(f"Data brokers hold a dossier over half complete on "
                   f"{_fmt_count(abs(k.diff_mean) * 1e5)} {word} residents per 100,000 "
                   f"{interval(k.diff_low, k.diff_high, 1e5)} ({k.mean_a * 100:.1f}% → "
                   f"{k.mean_b * 100:.1f}% of residents).")
    by_note: dict[str, list[str]] = {}
    for _, r in d.iterrows():
        if r.get("headline", True) and "by design" in (r.get("note", "") or ""):
            by_note.setdefault(r.note, []).append(r.label)
    for note, labels in by_note.items():
        out.append(f"Not compared ({'; '.join(labels)}): {note}.")
    return out


def describe_change(differences: pd.DataFrame, outcome: str) -> str:
    """One outcome's paired change in words, with its interval.

    E.g. ``"Harm: 2,170 → 1,040 (−1,130 [−1,400, −860], −52%)"``; a change whose 95% interval
    includes zero ends with "no clear change"; an outcome fixed by design gives the reason.
    """
    r = differences.loc[outcome]
    label = r.label
    note = r.get("note", "") if hasattr(r, "get") else ""
    if note:
        return f"{label}: not compared ({note})"

    def num(x: float) -> str:
        if not math.isfinite(x):
            return "–"
        ax = abs(x)
        return f"{x:,.0f}" if ax >= 100 else (f"{x:.2f}" if ax >= 1 else f"{x:.3g}")

    rel = (f", {100 * r.diff_mean / r.mean_a:+.0f}%"
           if math.isfinite(r.mean_a) and r.mean_a != 0 and math.isfinite(r.diff_mean) else "")
    text = (f"{label}: {num(r.mean_a)} → {num(r.mean_b)} ({num(r.diff_mean)} "
            f"[{num(r.diff_low)}, {num(r.diff_high)}]{rel})")
    clear = (math.isfinite(r.diff_low) and (r.diff_low > 0 or r.diff_high < 0))
    return text if clear else text + ", no clear change"


def claim_verdict(differences: pd.DataFrame, expect: Mapping[str, str],
                  claim: str) -> list[str]:
    """A claim's verdict computed from a paired comparison, not written against it.

    Args:
        differences: :attr:`sim.experiment.CompareResult.differences` (reform − baseline).
        expect: what the claim predicts for each outcome: ``"lower"``, ``"higher"`` or
            ``"unchanged"`` (for ``"unchanged"``, a change counts as none when its interval
            lies within ±5% of the baseline).
        claim: the claim, in a phrase.

    Returns:
        Lines: the verdict (*supported*, *partly supported*, *not supported* or
        *contradicted*, with the count of predictions borne out), then one line per
        outcome: what was predicted, what happened (:func:`describe_change`).
    """
    held, against, unclear = 0, 0, 0
    lines = []
    for outcome, want in expect.items():
        r = differences.loc[outcome]
        lo, hi, base = r.diff_low, r.diff_high, r.mean_a
        if r.get("note", ""):
            status = "not measurable"
            unclear += 1
        elif want == "unchanged":
            tol = 0.05 * abs(base) if math.isfinite(base) and base != 0 else 0.0
            if math.isfinite(lo) and -tol <= lo and hi <= tol:
                status, held = "as predicted", held + 1
            elif math.isfinite(lo) and (lo > tol or hi < -tol):
                status, against = "against the prediction", against + 1
            else:
                status, unclear = "unclear", unclear + 1
        else:
            up = math.isfinite(lo) and lo > 0
            down = math.isfinite(hi) and hi < 0
            if (want == "lower" and down) or (want == "higher" and up):
                status, held = "as predicted", held + 1
            elif up or down:
                status, against = "against the prediction", against + 1
            else:
                status, unclear = "unclear (interval includes zero)", unclear + 1
        lines.append(f"  - predicted {want}, {status}: {describe_change(differences, outcome)}")
    n = len(expect)
    if held == n:
        word = "supported"
    elif against and not held:
        word = "contradicted"
    elif against:
        word = "partly supported, partly contradicted"
    elif held:
        word = "partly supported"
    else:
        word = "not shown either way"
    head = (f"Verdict on \"{claim}\": {word} ({held} of {n} predictions borne out, "
            f"{against} against, {unclear} unclear).")
    return [head, *lines]
