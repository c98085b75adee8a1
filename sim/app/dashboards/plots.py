"""Figures for the dashboards and reports (matplotlib, rendered to PNG bytes).

Each ``plot_*`` function returns a matplotlib ``Figure``; :func:`png` turns one into PNG
bytes (and closes it), which is what the widgets show: an ``Image`` widget works the same
in JupyterLab, in Voila and in a saved HTML report.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg", force=False)  # headless by default; a notebook's inline backend wins
import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd

from ...world.model import DAILY_SERIES
from ...world.outcomes import OUTCOMES
from .fonts import use_cjk_font

__all__ = [
    "group_changes",
    "paired_note",
    "plot_differences",
    "plot_group_changes",
    "plot_groups",
    "plot_network",
    "plot_timeseries",
    "plot_tradeoff",
    "plot_winners",
    "plot_worlds",
    "png",
]

from ...i18n import chart_text as _t  # the charts' words, in a language
from ...i18n import choice_label
from ...i18n.charts import CHART_ZH as _CHART_ZH
from ...i18n.charts import DIMENSIONS, DIMENSIONS_ZH  # DIMENSIONS: re-exported


def _dimension(dim: str, lang: str) -> str:
    return (DIMENSIONS_ZH if lang == "zh" else DIMENSIONS).get(dim, dim)


#: dimensions with more groups than this are left to the table, not the chart (31 provinces
#: of a few hundred simulated residents each are mostly noise as bars)
MAX_CHART_GROUPS = 12

COLOURS = {"a": "#4c72b0", "b": "#dd8452"}

use_cjk_font()  # Chinese labels drawn from a CJK font, Latin ones as before


def png(fig, dpi: int = 100) -> bytes:
    """Render ``fig`` to PNG bytes and close it."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def plot_timeseries(daily: dict[str, pd.DataFrame],
                    series: tuple[str, ...] = ("residents_exposed_rate", "utility_rate",
                                               "participation_rate", "mean_trust"),
                    lang: str = "en"):
    """Daily series per arm: mean over replications with the 10th-90th percentile band.

    Args:
        daily: arm label -> long daily table (``rep, day, series, value``).
        series: which series (see :data:`sim.world.model.DAILY_SERIES`).
        lang: the language of the chart's words (``"en"`` or ``"zh"``).
    """
    fig, axes = plt.subplots(1, len(series), figsize=(4.2 * len(series), 3.2), squeeze=False)
    for ax, name in zip(axes[0], series, strict=True):
        for i, (label, d) in enumerate(daily.items()):
            if d.empty:
                continue
            w = d[d["series"] == name].pivot_table(index="day", columns="rep", values="value")
            if name == "utility_rate":  # daily shares are noisy: a 7-day mean
                w = w.rolling(7, min_periods=1).mean()
            colour = list(COLOURS.values())[i % 2]
            ax.plot(w.index, w.mean(axis=1), color=colour, label=label)
            ax.fill_between(w.index, w.quantile(0.1, axis=1), w.quantile(0.9, axis=1),
                            color=colour, alpha=0.2, linewidth=0)
        ax.set_title(_t(name.replace("_", " "), lang), fontsize=10)
        ax.set_xlabel(_t("day", lang))
        ax.set_ylabel(_t(DAILY_SERIES.get(name, ""), lang), fontsize=8)
        ax.grid(alpha=0.3)
    axes[0][0].legend(fontsize=8)
    fig.tight_layout()
    return fig


_KEY = ["residents_exposed_rate", "harm_per_1000", "insider_incidents",
        "function_creep_incidents", "mean_dossier_completeness", "quasi_identifier_risk",
        "utility_rate", "emergency_info_rate", "adverse_events_averted",
        "duplicate_tests_avoided", "admissions_avoided", "participation_rate"]


def plot_differences(differences: pd.DataFrame, outcomes=tuple(_KEY), lang: str = "en"):
    """Paired differences B − A relative to A, with 95% intervals; green where B is better."""
    from ...i18n import outcome_label

    d = differences.loc[[o for o in outcomes if o in differences.index]]
    if "note" in d:  # outcomes fixed by design in both arms carry no comparison
        d = d[d["note"].fillna("") == ""]
    base = d["mean_a"].abs().replace(0, np.nan)
    rel = 100 * d["diff_mean"] / base
    lo = 100 * d["diff_low"] / base
    hi = 100 * d["diff_high"] / base
    fig, ax = plt.subplots(figsize=(7.5, 0.42 * len(d) + 1.2))
    y = np.arange(len(d))[::-1]
    colours = ["#55a868" if b is True else "#c44e52" if b is False else "0.6"
               for b in d["b_better"]]
    ax.barh(y, rel.fillna(0), color=colours, alpha=0.8)
    ax.errorbar(rel.fillna(0), y, xerr=[(rel - lo).fillna(0), (hi - rel).fillna(0)],
                fmt="none", ecolor="black", capsize=3)
    labels = [f"{outcome_label(o, lang)} ({OUTCOMES[o].arrow})" for o in d.index]
    ax.set_yticks(y, labels, fontsize=9)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel(_t("change, reform vs baseline (% of baseline; 95% interval)", lang))
    for yi, o in zip(y, d.index, strict=True):
        if not np.isfinite(rel[o]):
            ax.annotate(_t("baseline 0", lang), (0, yi), fontsize=8, va="center", xytext=(4, 0),
                        textcoords="offset points")
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig


def plot_tradeoff(cmp, labels: tuple[str, str] = ("baseline", "reform"), lang: str = "en"):
    """Baseline and reform on one risk × utility plane, each with its 95% intervals.

    x: residents exposed per 100,000 (re-identifiable, with a sensitive field); y: the
    share of the clinical information needed that clinicians got, in percent. The arrow
    goes from the baseline to the reform: down-left is safer and worse for care.
    """
    from ...experiments.experiment import mean_ci
    from .common import scenario_label  # the names' words in ``lang``

    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    points = []
    for res, colour, label in zip((cmp.a, cmp.b), COLOURS.values(), labels, strict=True):
        runs = res.runs[res.runs["status"] == "ok"] if "status" in res.runs else res.runs
        x, xl, xh = (1e5 * v for v in mean_ci(runs["residents_exposed_rate"]))
        y, yl, yh = (100 * v for v in mean_ci(runs["utility_rate"]))
        xerr = [[x - xl], [xh - x]] if np.isfinite(xl) else None
        yerr = [[y - yl], [yh - y]] if np.isfinite(yl) else None
        ax.errorbar([x], [y], xerr=xerr, yerr=yerr, fmt="o", ms=9, color=colour,
                    capsize=4,
                    label=f"{_t(label, lang)}: {scenario_label(res.scenario.name, lang)}")
        points.append((x, y))
    (x0, y0), (x1, y1) = points
    ax.annotate("", (x1, y1), (x0, y0), arrowprops={"arrowstyle": "->", "color": "0.4"})
    ax.set_xlabel(_t("privacy risk: residents exposed per 100,000 (95% interval)", lang))
    ax.set_ylabel(_t("clinical information delivered (% of what is needed)", lang))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    note = paired_note(cmp, lang)
    if note:
        fig.text(0.01, 0.01, note, fontsize=7.5, color="0.3", ha="left", va="bottom",
                 wrap=True)
    fig.tight_layout(rect=(0, 0.12 if note else 0, 1, 1))
    return fig


def paired_note(cmp, lang: str = "en") -> str:
    """What the trade-off chart's bars are, and the paired differences the verdict tests.

    Each arm's bars are its own interval over replications; the two arms share their seeds,
    so the difference is measured pair by pair, with a much narrower interval: bars that
    overlap do not mean "no clear change".
    """
    d = cmp.differences
    if "residents_exposed_rate" not in d.index or "utility_rate" not in d.index:
        return ""
    e, u = d.loc["residents_exposed_rate"], d.loc["utility_rate"]
    if not (np.isfinite(e.diff_mean) and np.isfinite(u.diff_mean)):
        return ""
    if lang == "zh":
        return ("误差线：各方案自身重复运行的95%区间。结论检验的是配对差异（两方案使用相同"
                f"随机种子），其区间更窄：每10万居民中信息暴露的人数{1e5 * e.diff_mean:+,.0f} "
                f"[{1e5 * e.diff_low:+,.0f}, {1e5 * e.diff_high:+,.0f}]，诊疗信息"
                f"{100 * u.diff_mean:+.1f} [{100 * u.diff_low:+.1f}, {100 * u.diff_high:+.1f}]"
                "个百分点。误差线重叠并不表示没有明确变化。")
    return ("Bars: each arm's own 95% interval over its replications. The verdict tests the "
            "paired difference (both arms run on the same seeds), whose interval is "
            f"narrower: {1e5 * e.diff_mean:+,.0f} [{1e5 * e.diff_low:+,.0f}, "
            f"{1e5 * e.diff_high:+,.0f}] residents exposed per 100,000 and "
            f"{100 * u.diff_mean:+.1f} [{100 * u.diff_low:+.1f}, {100 * u.diff_high:+.1f}] "
            "points of information. Bars that overlap do not mean no clear change.")


def group_changes(cmp) -> pd.DataFrame:
    """Change per group of residents, reform − baseline, paired by replication.

    One row per (dimension, group): ``exposed_change`` (residents exposed per 100,000) and
    ``utility_change`` (percentage points of the information needed), each with its 95%
    interval (``*_low``, ``*_high``). Groups without residents or encounters are left out.
    """
    from ...experiments.experiment import mean_ci

    ga, gb = cmp.a.groups, cmp.b.groups
    if ga.empty or gb.empty:
        return pd.DataFrame()
    keys = ["rep", "dimension", "group"]
    both = ga.merge(gb, on=keys, suffixes=("_a", "_b"))
    rows = []
    for (dim, group), part in both.groupby(["dimension", "group"], sort=False):
        row = {"dimension": dim, "group": group}
        for name, col, scale in (("exposed_change", "residents_exposed_rate", 1e5),
                                 ("utility_change", "utility_rate", 100.0)):
            diff = scale * (part[f"{col}_b"] - part[f"{col}_a"])
            row[name], row[f"{name}_low"], row[f"{name}_high"] = mean_ci(diff)
        rows.append(row)
    out = pd.DataFrame(rows)
    return out[out["exposed_change"].notna() | out["utility_change"].notna()]


def plot_group_changes(cmp, lang: str = "en"):
    """Winners and losers: the change for each group of residents, with 95% intervals.

    Left, the change in residents exposed per 100,000; right, the change in clinical
    information delivered, percentage points. Green: better for the group, red: worse,
    grey: the interval includes zero. One block of bars
    per dimension (privacy attitude, age, town or country, smartphone use, where care
    happens); a dimension with nothing to show is left out, so no panel is empty, and one
    with more than :data:`MAX_CHART_GROUPS` groups (the provinces) is left to the table.
    """
    ch = group_changes(cmp)
    if not ch.empty:
        sizes = ch.groupby("dimension")["group"].transform("size")
        ch = ch[sizes <= MAX_CHART_GROUPS]
    if ch.empty:
        fig, ax = plt.subplots(figsize=(6, 1))
        ax.axis("off")
        ax.text(0.5, 0.5, _t("no group results", lang), ha="center", va="center")
        return fig
    from ...i18n import group_label

    ch = ch.assign(label=[f"{_dimension(d, lang)}: {group_label(d, g, lang)}" for d, g in
                          zip(ch["dimension"], ch["group"], strict=True)])
    fig, axes = plt.subplots(1, 2, figsize=(11, 0.3 * len(ch) + 1.4), sharey=True)
    y = np.arange(len(ch))[::-1]
    for ax, name, good, title in (
            (axes[0], "exposed_change", "lower",
             _t("residents exposed per 100,000 (reform − baseline)", lang)),
            (axes[1], "utility_change", "higher",
             _t("information delivered, percentage points (reform − baseline)", lang))):
        v = ch[name].to_numpy(dtype=float)
        lo, hi = ch[f"{name}_low"].to_numpy(dtype=float), ch[f"{name}_high"].to_numpy(dtype=float)
        better = v < 0 if good == "lower" else v > 0
        clear = (lo > 0) | (hi < 0)  # grey where the interval includes zero
        colours = np.where(~clear | np.isnan(v), "0.75",
                           np.where(better, "#55a868", "#c44e52"))
        ax.barh(y, np.nan_to_num(v), color=colours, alpha=0.85)
        ok = np.isfinite(lo)
        ax.errorbar(v[ok], y[ok], xerr=[(v - lo)[ok], (hi - v)[ok]], fmt="none",
                    ecolor="black", capsize=2, linewidth=0.8)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_title(title, fontsize=9)
        ax.grid(axis="x", alpha=0.3)
        ax.xaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
        ax.tick_params(axis="x", labelsize=8)
    axes[0].set_yticks(y, ch["label"], fontsize=8)
    fig.tight_layout()
    return fig


def plot_winners(winners: pd.DataFrame, lang: str = "en"):
    """Winners and losers, resident by resident: shares better and worse off per group.

    ``winners`` is :meth:`sim.experiments.experiment.CompareResult.winners`. Left, privacy (green:
    spared an exposure the baseline gave them; red: newly exposed); right, clinical
    information (green: at least 5 points more of what their care needed; red: at least 5
    points less), among the residents of each group, with 95% intervals over
    replications. The rest of each group is unchanged. Provinces are left to the table.
    """
    w = winners[winners["dimension"] != "region"]
    if w.empty:
        fig, ax = plt.subplots(figsize=(6, 1))
        ax.axis("off")
        ax.text(0.5, 0.5, _t("no per-resident results", lang), ha="center", va="center")
        return fig
    groups = w[w["outcome"] == "privacy"][["dimension", "group"]].drop_duplicates()
    from ...i18n import group_label

    labels = [_t("All residents", lang) if d == "all" else
              f"{_dimension(d, lang)}: {group_label(d, g, lang)}"
              for d, g in zip(groups["dimension"], groups["group"], strict=True)]
    y = np.arange(len(groups))[::-1]
    fig, axes = plt.subplots(1, 2, figsize=(11, 0.3 * len(groups) + 1.6), sharey=True)
    for ax, outcome, title in (
            (axes[0], "privacy",
             _t("privacy: % spared an exposure (green) or newly exposed (red)", lang)),
            (axes[1], "clinical",
             _t("clinical information: % with ≥5 points more (green) or less (red)", lang))):
        part = groups.merge(w[w["outcome"] == outcome], on=["dimension", "group"], how="left")
        better, worse = 100 * part["better"].to_numpy(float), 100 * part["worse"].to_numpy(float)
        ax.barh(y, np.nan_to_num(better), color="#55a868", alpha=0.85)
        ax.barh(y, -np.nan_to_num(worse), color="#c44e52", alpha=0.85)
        for col, sign in (("better", 1), ("worse", -1)):
            v = 100 * part[col].to_numpy(float)
            lo, hi = 100 * part[f"{col}_lo"].to_numpy(float), 100 * part[f"{col}_hi"].to_numpy(
                float)
            ok = np.isfinite(lo) & np.isfinite(v)
            ax.errorbar(sign * v[ok], y[ok], xerr=[(v - lo)[ok], (hi - v)[ok]], fmt="none",
                        ecolor="black", capsize=2, linewidth=0.8)
            end = np.where(np.isfinite(hi), hi, v)  # labels beyond the interval's end
            for yy, vv, ee in zip(y[np.isfinite(v)], v[np.isfinite(v)],
                                  end[np.isfinite(v)], strict=True):
                ax.text(sign * (ee + 0.6), yy, f"{vv:.0f}%", va="center", fontsize=7,
                        ha="left" if sign > 0 else "right")
        ax.axvline(0, color="black", linewidth=0.8)
        his = 100 * part[["better_hi", "worse_hi"]].to_numpy(float)
        top = np.nanmax(np.r_[better, worse, his.ravel(), 1.0])
        ax.set_xlim(-1.3 * top - 2, 1.3 * top + 2)
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(
            lambda x, _: f"{abs(x):.0f}%"))
        ax.set_title(title, fontsize=9)
        ax.grid(axis="x", alpha=0.3)
        ax.tick_params(axis="x", labelsize=8)
    axes[0].set_yticks(y, labels, fontsize=8)
    fig.suptitle(_t("Residents better and worse off under the reform (the same residents in "
                    "both arms)", lang), fontsize=10)
    fig.tight_layout()
    return fig


def plot_groups(groups: dict[str, pd.DataFrame]):
    """Who bears the risk and who gains: exposure and utility by group, per arm."""
    dims = [("attitude", "privacy attitude"), ("age_band", "age band"),
            ("smartphone", "smartphone use"), ("care_location", "care at home / away")]
    fig, axes = plt.subplots(2, len(dims), figsize=(4.2 * len(dims), 6), squeeze=False)
    for j, (dim, title) in enumerate(dims):
        for row, metric, label in ((0, "residents_exposed_rate", "residents exposed"),
                                   (1, "utility_rate", "clinical utility")):
            ax = axes[row][j]
            width = 0.8 / max(len(groups), 1)
            for i, (arm, g) in enumerate(groups.items()):
                if g.empty:
                    continue
                m = g[g["dimension"] == dim].groupby("group", sort=False)[metric].mean()
                if m.isna().all():
                    continue
                x = np.arange(len(m))
                ax.bar(x + i * width, m.to_numpy(), width, label=arm,
                       color=list(COLOURS.values())[i % 2])
                ax.set_xticks(x + width * (len(groups) - 1) / 2, m.index, fontsize=8)
            ax.set_title(f"{label} by {title}", fontsize=10)
            ax.grid(axis="y", alpha=0.3)
    axes[0][0].legend(fontsize=8)
    fig.tight_layout()
    return fig


_KIND_COLOUR = {
    "community_clinic": "#8fbc8f", "secondary_hospital": "#5f9ea0",
    "tertiary_hospital": "#2f4f4f", "public_health": "#daa520", "insurance_bureau": "#cd853f",
    "payment_platform": "#9370db", "regional_platform": "#4682b4",
    "national_platform": "#1a237e", "record_locator": "#708090",
    "break_glass_service": "#ff8c00",
}


def plot_network(model, ax=None, run: str | None = None, lang: str = "en"):
    """Draw the institutions' data-sharing network.

    Node colour = kind, size = records held, red ring = an institution whose breach, loss
    or sale exposed simulated residents during the run (a node stands for many real
    institutions, so incidents somewhere among them are near certain; the ring marks those
    that reached the people simulated); edges = data flows under the policy, every kind in
    the legend.

    Args:
        model: a model that has run.
        ax: axes to draw on (default: a new figure).
        run: how to name the run in the title, e.g. ``"replication 1 of seed 7"``, in
            ``lang`` (default: the model's own seed).
        lang: the language of the chart's words (``"en"`` or ``"zh"``).
    """
    g = model.graph
    fig = ax.figure if ax is not None else plt.figure(figsize=(8, 6.5))
    ax = ax if ax is not None else fig.add_subplot(111)
    n_regions = model.p["n_regions"]
    pos = {}
    for inst in model.institution_list:
        if inst.region >= 0:
            angle = 2 * np.pi * inst.region / n_regions
            tier = {"community_clinic": 1.0, "secondary_hospital": 0.82,
                    "tertiary_hospital": 0.66}.get(inst.kind.value, 0.5)
            jitter = 0.08 * (inst.provider_row % 4) / 4
            pos[inst.index] = (tier * np.cos(angle + jitter), tier * np.sin(angle + jitter))
    central = [i for i in model.institution_list if i.region < 0]
    for k, inst in enumerate(central):
        angle = 2 * np.pi * k / max(len(central), 1)
        pos[inst.index] = (0.25 * np.cos(angle), 0.25 * np.sin(angle))
    for inst in model.institution_list:
        if inst.kind.value == "regional_platform":
            angle = 2 * np.pi * inst.region / n_regions
            pos[inst.index] = (0.45 * np.cos(angle), 0.45 * np.sin(angle))
    pos["device"] = (0.0, 0.0)  # the residents' phones (on-device architecture)
    flows = nx.get_edge_attributes(g, "flow")  # (source, destination, key): kind
    present = sorted(set(flows.values()))
    for flow in present:
        edges = [e[:2] for e, f in flows.items() if f == flow]
        colour, width = _FLOW_STYLES.get(flow, _OTHER_FLOW)
        nx.draw_networkx_edges(g, pos, edgelist=edges, ax=ax, edge_color=colour, width=width,
                               alpha=0.5, arrows=False)
    t = model.threats.targets
    size = 40 + 400 * np.sqrt(t.records_real / max(t.records_real.max(), 1.0))
    nodes = [i.index for i in model.institution_list]
    colours = [_KIND_COLOUR.get(i.kind.value, "grey") for i in model.institution_list]
    hit = model.ledger.incident_table()
    hit = set(hit.loc[hit["residents_exposed"] > 0, "institution"])
    breached = [i.label in hit for i in model.institution_list]
    nx.draw_networkx_nodes(g, pos, nodelist=nodes, node_size=size[nodes], node_color=colours,
                           edgecolors=["red" if b else "white" for b in breached],
                           linewidths=[2.0 if b else 0.5 for b in breached], ax=ax)
    labels = {i.index: _t(i.kind.value.replace("_", " "), lang) for i in central}
    labels.update({i.index: _t("regional platforms", lang) for i in model.institution_list
                   if i.kind.value == "regional_platform" and i.region == 0})
    if "device" in g:  # the hub of an on-device design: every provider reads the phones
        labels["device"] = _t("residents' phones", lang)
    nx.draw_networkx_labels(g, pos, labels=labels, font_size=7, ax=ax,
                            font_family=plt.rcParams["font.family"],  # with the CJK fallback
                            bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none",
                                  "pad": 0.5})
    handles = [plt.Line2D([], [], marker="o", linestyle="", color=c,
                          label=_t(k.replace("_", " "), lang))
               for k, c in _KIND_COLOUR.items()
               if any(i.kind.value == k for i in model.institution_list)]
    handles.append(plt.Line2D([], [], marker="o", linestyle="", markerfacecolor="white",
                              markeredgecolor="red",
                              label=_t("exposed simulated residents ({k} of {n})", lang).format(
                                  k=sum(breached), n=len(breached))))
    handles += [plt.Line2D([], [], color=_FLOW_STYLES.get(f, _OTHER_FLOW)[0],
                           label=_t("flow: {flow}", lang).format(flow=_t(f, lang)))
                for f in present]
    ax.legend(handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    architecture = model.p["architecture"]
    if lang != "en":  # English: the declared name itself
        architecture = choice_label(architecture, lang, "architecture")
    run = run or _t("seed {seed}", lang).format(seed=model.seed_value)
    ax.set_title(_t("Data-sharing network: {architecture} architecture (one run: {run})", lang)
                 .format(architecture=architecture, run=run), fontsize=10)
    ax.axis("off")
    fig.tight_layout()
    return fig


#: how each kind of data flow is drawn: (colour, width)
_FLOW_STYLES = {"upload": ("#e57373", 0.9), "access": ("0.7", 0.4), "index": ("#ad1457", 0.6),
                "disease report": ("#daa520", 0.4), "claims": ("#cd853f", 0.4),
                "integration": ("#9370db", 0.6)}
_OTHER_FLOW = ("#4682b4", 0.6)  # a flow kind added by an extension


_CLASS_COLOURS = {"better": "#2e7d32", "worse": "#c62828", "no clear change": "#9e9e9e"}


def plot_worlds(rob, outcomes=("residents_exposed_rate", "utility_rate",
                               "emergency_info_rate", "harm_per_1000"), lang: str = "en"):
    """Each world's change against the assumption that decides it, one panel per outcome.

    A dot per plausible world: the reform's estimated change in percent of that world's baseline
    (shrunk for replication noise, see :func:`sim.experiments.robustness.judge`), green where it
    is clearly better, red where clearly worse, grey within the margin (shaded). The x axis is
    the deciding assumption (where the answer turns: a dashed line at the threshold); with none,
    the worlds in order of their change.

    Args:
        rob: a :class:`sim.experiments.robustness.RobustnessResult`.
        outcomes: the outcomes to draw (those not compared are left out).
        lang: the language of the chart's words (``"en"`` or ``"zh"``).
    """
    from ...experiments.robustness import _CHANGE_WORDS
    from ...i18n import lever_label, outcome_label

    table = rob.table
    names = [o for o in outcomes
             if o in table.index and table.loc[o, "verdict"] != "not compared"]
    fig, axes = plt.subplots(1, max(len(names), 1), figsize=(3.6 * max(len(names), 1), 3.2),
                             squeeze=False)
    for ax, name in zip(axes[0], names, strict=False):
        r = table.loc[name]
        w = rob.worlds[rob.worlds.outcome == name].set_index("world")
        words = _CHANGE_WORDS[r.direction]
        cls = w.change_class.map({"none": "no clear change", **words})
        x_name = r.turn_parameter or (r.decided_by[0] if len(r.decided_by) else "")
        if x_name:
            x = rob.samples.set_index("world").loc[w.index, x_name]
            ax.set_xlabel(lever_label(x_name, lang) if lang == "zh" else
                          x_name.replace("_", " "), fontsize=8)
        else:
            x = w.relative.rank(method="first")
            ax.set_xlabel(_t("worlds, in order of the change", lang), fontsize=8)
        with np.errstate(divide="ignore", invalid="ignore"):
            band = 100.0 * (w.margin / w.mean_a.abs()).replace([np.inf, -np.inf], np.nan)
        width = float(np.nanmedian(band)) if band.notna().any() else 0.0
        ax.axhspan(-width, width, color="#eeeeee", zorder=0)
        ax.axhline(0, color="#666", linewidth=0.8)
        for word, colour in _CLASS_COLOURS.items():
            m = (cls == word).to_numpy()
            if m.any():
                ax.scatter(np.asarray(x)[m], w.relative.to_numpy()[m], s=18, color=colour,
                           label=_t(word, lang), zorder=3)
        if r.turn_parameter:
            ax.axvline(r.turn_threshold, color="#333", linestyle="--", linewidth=1)
        if lang == "zh":
            verdict = (f"稳健：{_t(r.change, lang)}" if r.verdict == "robust" else
                       f"取决于{lever_label(r.turn_parameter, lang)}" if r.verdict == "depends"
                       and r.turn_parameter else _t(r.verdict, lang) if r.verdict in _CHART_ZH
                       else "取决于多个假设")
        else:
            verdict = (f"robust: {r.change}" if r.verdict == "robust" else
                       f"depends on {r.turn_parameter}" if r.verdict == "depends" and
                       r.turn_parameter else r.verdict)
        ax.set_title(f"{outcome_label(name, lang)}\n{verdict}", fontsize=9)
        ax.set_ylabel(_t("reform − baseline, % of baseline", lang), fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
    if names:
        axes[0][0].legend(fontsize=7, loc="best")
    fig.suptitle(f"跨{rob.settings['worlds']}个可能世界" if lang == "zh" else
                 f"Across {rob.settings['worlds']} plausible worlds", fontsize=10)
    fig.tight_layout()
    return fig
