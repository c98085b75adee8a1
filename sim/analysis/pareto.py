"""The privacy-risk versus clinical-utility Pareto frontier across the policies swept.

:func:`pareto_mask` marks the non-dominated points; :func:`pareto_frontier` summarises a
sweep's runs table per policy, marks the frontier within each scenario and gives every
frontier policy a plain-language line against the baseline, on paired differences;
:func:`plot_frontier` draws it.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..experiments.changes import change_class, margin_of
from ..experiments.summaries import (
    KEYS,
    _ok,
    _order,
    _resolve_point,
    paired_vs_baseline,
    pareto_mask,
    policy_summary,
)
from ..i18n import chart_text as _t
from ..i18n import outcome_label, tr, unit_label
from ..world.outcomes import OUTCOMES

__all__ = ["pareto_frontier", "pareto_mask", "plot_frontier"]


def pareto_frontier(runs: pd.DataFrame, risk: str = "residents_exposed_rate",
                    utility: str = "utility_rate", baseline: str | None = None,
                    level: float = 0.95, lang: str = "en") -> pd.DataFrame:
    """The privacy-risk versus clinical-utility frontier across the policies swept.

    Args:
        runs: the runs table.
        risk: a privacy outcome to minimise.
        utility: a clinical outcome to maximise.
        baseline: the point the plain-language lines compare against (default: first).
        level: interval level.
        lang: the language of the ``verdict`` lines (``"en"`` or ``"zh"``).

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
            verdicts.append(tr("fr_v_dominated", lang))
            continue
        if r.point_id == base_id:
            verdicts.append(tr("fr_v_baseline", lang))
            continue
        d = diffs[(diffs["scenario"] == r.scenario) & (diffs["point_id"] == r.point_id)]
        verdicts.append(_verdict(d.set_index("outcome"), risk, utility, lang))
    wide["verdict"] = verdicts
    return wide


def _p(x: float, signed: bool = False) -> str:
    """A share as a percentage: whole numbers from 10%, one decimal below."""
    v = 100 * x
    fmt = ("+" if signed else "") + (".0f" if abs(v) >= 10 else ".1f")
    return format(v, fmt)


def _clear(row) -> str:
    """The one rule (:func:`sim.analysis.verdicts.change_class`) on a row of paired_vs_baseline."""
    margin = margin_of(str(row.name), row.baseline_mean)
    return change_class(row.diff_mean, margin, row.diff_low, row.diff_high)


def _change(row, label: str, up: str, down: str, lang: str = "en") -> str:
    """Describe a relative change in words, in ``lang``.

    'cuts residents exposed by 62% [55, 68]' when the change is clear (the one rule of
    :func:`sim.analysis.verdicts.change_class`: its interval excludes zero and it reaches the
    outcome's margin); otherwise the signed change with its interval and 'no clear change'
    (or 'unclear' when it reaches the margin but the interval includes zero). ``up`` and
    ``down`` are the catalogue keys of the clear rise and fall (``fr_v_raises`` …).
    """
    m, lo, hi = row.rel_mean, row.rel_low, row.rel_high
    if not math.isfinite(m):
        return tr("fr_v_no_level", lang).format(label=label)
    cls = _clear(row)
    if cls in ("higher", "lower"):
        a, b = sorted((abs(lo), abs(hi)))
        return tr(up if m > 0 else down, lang).format(label=label, p=_p(abs(m)), a=_p(a),
                                                      b=_p(b))
    interval = f" [{_p(lo, True)}, {_p(hi, True)}]" if math.isfinite(lo) else ""
    key = "fr_v_unclear" if cls == "unclear" else "fr_v_no_clear"
    return tr(key, lang).format(label=label, m=_p(m, True), interval=interval)


def _verdict(d: pd.DataFrame, risk: str, utility: str, lang: str = "en") -> str:
    """A frontier policy's line against the baseline, in ``lang``."""
    # outcome labels read inside a sentence (lower case in English; Chinese has no case)
    rl, ul = outcome_label(risk, lang).lower(), outcome_label(utility, lang).lower()
    risk_part = _change(d.loc[risk], rl, "fr_v_raises", "fr_v_cuts", lang)
    u = d.loc[utility]
    m, lo, hi = u.rel_mean, u.rel_low, u.rel_high
    if math.isfinite(m) and _clear(u) in ("higher", "lower"):
        a, b = sorted((abs(lo), abs(hi)))
        util_part = tr("fr_v_for_more" if m > 0 else "fr_v_for_less", lang).format(
            p=_p(abs(m)), a=_p(a), b=_p(b), label=ul)
    else:
        util_part = tr("fr_v_with", lang).format(
            change=_change(u, ul, "fr_v_more_by", "fr_v_less_by", lang))
    return tr("fr_v_line", lang).format(risk=risk_part, utility=util_part)


def plot_frontier(frontier: pd.DataFrame, risk: str = "residents_exposed_rate",
                  utility: str = "utility_rate", ax=None, lang: str = "en"):
    """Risk (x) against utility (y) with 95% intervals; frontier policies joined.

    With a ``survives`` column (:func:`sim.experiments.robustness.frontier_across_worlds`), the
    policies whose place on the frontier survives the plausible worlds are ringed.
    ``lang`` is the language of the chart's words (``"en"`` or ``"zh"``).
    """
    import matplotlib.pyplot as plt

    fig = ax.figure if ax is not None else plt.figure(figsize=(7.5, 5))
    ax = ax if ax is not None else fig.add_subplot(111)
    several = frontier["scenario"].nunique() > 1

    def name(scen: str, what: str) -> str:  # the scenario only where there are several
        what = _t(what, lang)
        return f"{scen}: {what}" if several else what

    for scen, g in frontier.groupby("scenario", sort=False):
        x, y = g[f"{risk}_mean"], g[f"{utility}_mean"]
        # outcomes are non-negative: a t-interval reaching below 0 is drawn to 0
        xerr = [x - g[f"{risk}_ci_low"].clip(lower=0), g[f"{risk}_ci_high"] - x]
        yerr = [y - g[f"{utility}_ci_low"].clip(lower=0), g[f"{utility}_ci_high"] - y]
        dom = g["dominated"].to_numpy()
        if dom.any():
            ax.errorbar(x[dom], y[dom], xerr=np.array(xerr)[:, dom],
                        yerr=np.array(yerr)[:, dom], fmt="o", color="0.6", alpha=0.7,
                        label=name(scen, "dominated policy (another is better on both)"))
        ax.errorbar(x[~dom], y[~dom], xerr=np.array(xerr)[:, ~dom],
                    yerr=np.array(yerr)[:, ~dom], fmt="o",
                    label=name(scen, "policy on the frontier (joined by the line)"))
        f = g[~dom].sort_values(f"{risk}_mean")
        ax.plot(f[f"{risk}_mean"], f[f"{utility}_mean"], "-", alpha=0.6)
        if "survives" in g:  # tested across the plausible worlds: ring the survivors
            s = g[g["survives"].fillna(False).astype(bool)]
            ax.scatter(s[f"{risk}_mean"], s[f"{utility}_mean"], s=220, facecolors="none",
                       edgecolors="black", linewidths=1.5, zorder=4,
                       label=name(scen, "on the frontier in ≥90% of plausible worlds"))
        # with a ``number`` column (the dashboard's table beside the figure) every dot
        # carries its number; without one, the frontier's policies carry their names
        labelled = g if "number" in g else g[~dom]
        for _, r in labelled.iterrows():
            text = str(r["number"]) if "number" in g else str(r["point"])[:40]
            ax.annotate(text, (r[f"{risk}_mean"], r[f"{utility}_mean"]),
                        textcoords="offset points", xytext=(5, 5), fontsize=8,
                        color="0.4" if r["dominated"] else "black")
    ro, uo = OUTCOMES[risk], OUTCOMES[utility]
    ax.set_xlabel(_t("{label} ({unit}) - lower is better", lang).format(
        label=outcome_label(risk, lang), unit=unit_label(ro.unit, lang)))
    ax.set_ylabel(_t("{label} ({unit}) - higher is better", lang).format(
        label=outcome_label(utility, lang), unit=unit_label(uo.unit, lang)))
    ax.set_title(_t("Privacy risk against clinical utility (means, 95% intervals)", lang))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig
