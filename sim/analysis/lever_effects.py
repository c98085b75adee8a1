"""Which outcomes does each lever move? A table generated from runs, not written by hand.

For every lever in the parameter declaration, one or more alternative settings are run
against a base scenario (the 2025 plan by default) on the same replication seeds, and each
outcome's paired difference is reported with its 95% interval. A lever that moves no
outcome, or a headline outcome that no lever moves, is listed at the end: each is a defect
to fix or to explain.

    python -m sim lever-effects --reps 10            # writes docs/lever_effects.md
    make lever-effects
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from ..experiments.changes import row_change
from ..experiments.experiment import paired_differences, run_scenarios
from ..params import levers
from ..scenario import Scenario, load_scenario
from ..world.outcomes import direction_arrow

__all__ = ["HEADLINE_COUNTS", "HEADLINE_MEASURES", "LEVER_ALTERNATIVES", "LEVER_EXPLANATIONS",
           "headline_effects", "lever_effects", "lever_effects_markdown"]

#: what a setting's headline is measured in: records exposed and harm, whatever the lever
#: acts on (an incident count weighs a five-record snoop like a platform breach)
HEADLINE_MEASURES: tuple[str, ...] = ("records_exposed", "harm_per_1000")
#: the incident counts given beside the headline, never as it
HEADLINE_COUNTS: tuple[str, ...] = ("breaches", "insider_incidents", "function_creep_incidents")

#: the settings each lever is moved to, against the plan (a lever missing here fails a test)
LEVER_ALTERNATIVES: dict[str, list[dict[str, Any]]] = {
    "collection_scope": [{"collection_scope": "minimal"}, {"collection_scope": "clinical"},
                         {"collection_scope": "maximal"}],
    "collection_fields": [{"collection_scope": "custom", "collection_fields": [
        "name_phone", "birth_year", "sex", "region", "allergies", "medications",
        "chronic_conditions", "blood_type"]}],
    "retention_days": [{"retention_days": 3650}, {"retention_days": 365}],
    "consent_model": [{"consent_model": "opt_out"}, {"consent_model": "opt_in"},
                      {"consent_model": "granular"},
                      {"consent_model": "per_access_break_glass"}],
    "architecture": [{"architecture": "silos"}, {"architecture": "regional"},
                     {"architecture": "federated"}, {"architecture": "on_device"}],
    "identity": [{"identity": "per_domain_pseudonyms"}],
    "code_integration": [{"code_integration": "health_only"}],
    "access_breadth": [{"access_breadth": "treating_team"}, {"access_breadth": "institution"}],
    "audit_strength": [{"audit_strength": 0.8}],
    "purpose_binding": [{"purpose_binding": 0.8}],
    "encryption_at_rest": [{"encryption_at_rest": True}],
    "breach_notification": [{"breach_notification": "none"},
                            {"breach_notification": "public"}],
    "enforcement_probability": [{"enforcement_probability": 0.5}],
    "penalty_yuan": [{"penalty_yuan": 1_000_000.0}],
}


#: why an outcome that no lever moves against the plan is so (shown in the table)
LEVER_EXPLANATIONS: dict[str, str] = {
    "reidentification_risk": "measured only on leaks without direct identifiers, and under "
                             "the plan's ID-card master index there are none; with "
                             "`identity=per_domain_pseudonyms` it is measured (see there)",
    "marketer_risk": "as reidentification_risk",
    "journalist_records_at_risk": "as reidentification_risk",
}


def _label(change: Mapping[str, Any]) -> str:
    parts = []
    for k, v in change.items():
        if isinstance(v, list):
            v = f"[{len(v)} fields]"
        elif isinstance(v, float) and v >= 1000:
            v = f"{v:,.0f}"
        parts.append(f"{k}={v}")
    return ", ".join(parts)


def lever_effects(base: str | Scenario = "national_plan_2025", *, reps: int = 10,
                  seed: int = 0, overrides: Mapping[str, Any] | None = None,
                  engine: str = "processes", workers: int | None = None,
                  progress: bool = False) -> pd.DataFrame:
    """Paired differences of every outcome for every lever setting against ``base``.

    Returns:
        Long table: ``lever, setting, outcome, label, direction, base_mean, diff_mean,
        diff_low, diff_high, moves`` (``"better"``, ``"worse"``, ``"up"``/``"down"`` for
        outcomes without a direction, or ``""`` when the interval includes zero) and
        ``note`` (why a difference carries no comparison, if it does not).
    """
    base_scen = load_scenario(base, overrides)
    arms = []
    for lever, changes in LEVER_ALTERNATIVES.items():
        for change in changes:
            name = f"{lever}: {_label(change)}"
            arms.append((lever, change, base_scen.with_overrides(change, name=name)))
    results = run_scenarios([base_scen] + [s for _, _, s in arms], seed, reps, engine=engine,
                            workers=workers, progress=progress)
    base_runs = results[0].runs
    rows = []
    for (lever, change, _), res in zip(arms, results[1:], strict=True):
        d = paired_differences(base_runs, res.runs)
        for outcome, r in d.iterrows():
            rows.append({"lever": lever, "setting": _label(change), "outcome": outcome,
                         "label": r.label, "direction": r.direction, "headline": r.headline,
                         "base_mean": r.mean_a, "setting_mean": r.mean_b,
                         "diff_mean": r.diff_mean,
                         "diff_low": r.diff_low, "diff_high": r.diff_high,
                         "moves": _moves(r), "note": r.note})
    return pd.DataFrame(rows)


def _moves(r) -> str:
    """"better", "worse" (or "up"/"down") when the one rule calls the change clear."""
    cls = row_change(r)  # interval clear of zero and at least the outcome's margin
    if r.note or cls not in ("higher", "lower"):
        return ""
    if r.direction == "info":
        return "up" if cls == "higher" else "down"
    return "better" if r.b_better else "worse"


def _num(x: float, sign: bool = True) -> str:
    if not math.isfinite(x):
        return "–"
    ax = abs(x)
    plus = "+" if sign else ""
    if ax >= 100:
        return f"{x:{plus},.0f}"
    if ax >= 1:
        return f"{x:{plus}.2f}"
    return f"{x:{plus}.3g}"


def _pct(x: float, base: float) -> float:
    return 100.0 * x / base if base and math.isfinite(base) and math.isfinite(x) else math.nan


def headline_effects(table: pd.DataFrame) -> pd.DataFrame:
    """Each setting's headline, in records exposed and harm, with incident counts beside it.

    One row per ``(lever, setting)`` of a :func:`lever_effects` table: for each of
    :data:`HEADLINE_MEASURES` and :data:`HEADLINE_COUNTS`, the change relative to the base
    in percent, ``<outcome>_pct``, its interval (``_pct_low``, ``_pct_high``) and whether
    it is a clear move (``_moves``, as in the table). A lever that cuts incidents but not
    records exposed (enforcement deterring five-record snoops) shows a large count change
    beside a headline that barely moves.
    """
    rows = []
    keys = table[["lever", "setting"]].drop_duplicates().itertuples(index=False)
    for lever, setting in keys:
        sub = table[(table["lever"] == lever) & (table["setting"] == setting)]
        sub = sub.set_index("outcome")
        row: dict[str, Any] = {"lever": lever, "setting": setting}
        for o in HEADLINE_MEASURES + HEADLINE_COUNTS:
            if o not in sub.index:
                continue
            r = sub.loc[o]
            row[f"{o}_pct"] = _pct(r.diff_mean, r.base_mean)
            row[f"{o}_pct_low"] = _pct(r.diff_low, r.base_mean)
            row[f"{o}_pct_high"] = _pct(r.diff_high, r.base_mean)
            row[f"{o}_moves"] = r.moves
        rows.append(row)
    return pd.DataFrame(rows)


def _headline_line(h: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    """One setting's headline sentence (records exposed and harm first, counts beside)."""
    def part(o: str) -> str | None:
        if f"{o}_pct" not in h or not math.isfinite(h[f"{o}_pct"]):
            return None
        moves = h[f"{o}_moves"] or "no clear change"
        return (f"{labels.get(o, o)} {_num(h[f'{o}_pct'])}% [{_num(h[f'{o}_pct_low'])}%, "
                f"{_num(h[f'{o}_pct_high'])}%] ({moves})")
    head = [x for x in map(part, HEADLINE_MEASURES) if x]
    beside = [x for x in map(part, HEADLINE_COUNTS) if x]
    if not head:
        return ""
    line = "Headline, in records and harm: " + "; ".join(head) + "."
    if beside:
        line += " Beside it, incident counts: " + "; ".join(beside) + "."
    return line


def silent_levers(table: pd.DataFrame) -> list[str]:
    """Levers none of whose settings moves any outcome."""
    moved = table[table["moves"] != ""].groupby("lever").size()
    return [lv for lv in table["lever"].unique() if lv not in moved.index]


def unmoved_outcomes(table: pd.DataFrame) -> list[str]:
    """Headline outcomes that no lever setting moves."""
    head = table[table["headline"]]
    moved = set(head.loc[head["moves"] != "", "outcome"])
    return [o for o in head["outcome"].unique() if o not in moved]


def lever_effects_markdown(table: pd.DataFrame, *, base: str, reps: int, seed: int,
                           overrides: Mapping[str, Any] | None = None,
                           explanations: Mapping[str, str] | None = None) -> str:
    """The table as a Markdown page: one section per lever, outcomes it moves first.

    Args:
        table: :func:`lever_effects`.
        base: the base scenario's name.
        reps: replications per arm.
        seed: master seed.
        overrides: settings applied to every arm (population, days).
        explanations: why a silent lever or an unmoved outcome is so (lever or outcome ->
            text); anything silent and unexplained is marked as a defect.
    """
    explanations = dict(explanations or {})
    when = dt.date.today().isoformat()
    ov = ", ".join(f"{k}={v}" for k, v in (overrides or {}).items()) or "none"
    lines = [
        "# What each lever moves",
        "",
        f"Generated by `python -m sim lever-effects` on {when}: every lever of "
        f"`docs/parameters.md` moved away from `{base}`, {reps} paired replications per "
        f"setting (master seed {seed}; overrides: {ov}). Each cell is the mean paired "
        "difference (setting − base) with its 95% interval; **better** / **worse** where the "
        "interval excludes zero and the change reaches the outcome's margin (1% of the "
        "base, 0.1 point for a share: `docs/outcomes.md`), in the outcome's direction (↓ "
        "lower is better, ↑ higher is better). Other outcomes are listed under \"no clear "
        "change\". Do not edit by hand: regenerate with `make lever-effects`.",
        "",
    ]
    names = {p.name: p for p in levers()}
    labels = dict(zip(table["outcome"], table["label"], strict=False))
    heads = {(h["lever"], h["setting"]): h for h in headline_effects(table).to_dict("records")}
    first = {o: i for i, o in enumerate(HEADLINE_MEASURES)}
    for lever in dict.fromkeys(table["lever"]):
        sub = table[table["lever"] == lever]
        lines += [f"## `{lever}`", "", names[lever].help if lever in names else "", ""]
        for setting in dict.fromkeys(sub["setting"]):
            s = sub[(sub["setting"] == setting) & sub["headline"]]
            head = _headline_line(heads.get((lever, setting), {}), labels)
            lines += [f"**{setting}**", ""] + ([head, ""] if head else []) + [
                "| outcome | base | change [95% interval] | |", "|---|---:|---|---|"]
            moved = s[s["moves"] != ""]
            # records exposed and harm lead the table; counts and the rest follow
            moved = moved.assign(_o=moved["outcome"].map(first).fillna(len(first)))
            moved = moved.sort_values("_o", kind="stable")
            for _, r in moved.iterrows():
                arrow = direction_arrow(r.direction)
                base_value = _num(r.base_mean, sign=False)
                lines.append(f"| {arrow} {r.label} (`{r.outcome}`) | {base_value}"
                             f" | {_num(r.diff_mean)} [{_num(r.diff_low)}, {_num(r.diff_high)}] "
                             f"| **{r.moves}** |")
            rest = s[(s["moves"] == "") & (s["note"] == "")]
            if len(rest):
                lines.append(f"| no clear change: {', '.join(f'`{o}`' for o in rest['outcome'])}"
                             " | | | |")
            pinned = s[s["note"] != ""]
            for note, g in pinned.groupby("note", sort=False):
                lines.append(f"| not compared ({', '.join(f'`{o}`' for o in g['outcome'])}): "
                             f"{note} | | | |")
                # measured under this setting though not under the base: give its value
                for _, r in g[g["base_mean"].isna() & g["setting_mean"].notna()].iterrows():
                    lines.append(f"| {r.label} (`{r.outcome}`) under this setting | – | "
                                 f"{_num(r.setting_mean, sign=False)} | measured |")
            lines.append("")
    silent = silent_levers(table)
    unmoved = unmoved_outcomes(table)
    lines += ["## Silent levers and unmoved outcomes", ""]
    if not silent and not unmoved:
        lines += ["Every lever moves at least one outcome, and every headline outcome is moved "
                  "by at least one lever.", ""]
    for lv in silent:
        why = explanations.get(lv)
        lines.append(f"- lever `{lv}` moves nothing: "
                     + (why if why else "**unexplained: a defect**"))
    for o in unmoved:
        why = explanations.get(o)
        lines.append(f"- outcome `{o}` is moved by no lever: "
                     + (why if why else "**unexplained: a defect**"))
    lines.append("")
    return "\n".join(lines)


def lever_coverage(table: pd.DataFrame) -> dict[str, Sequence[str]]:
    """``{"silent_levers": [...], "unmoved_outcomes": [...]}`` of a :func:`lever_effects` table."""
    return {"silent_levers": silent_levers(table), "unmoved_outcomes": unmoved_outcomes(table)}
