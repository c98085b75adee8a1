"""A self-contained HTML report of a comparison (figures embedded as PNG)."""

from __future__ import annotations

import base64
import datetime as dt
import html
import math

import pandas as pd

from .. import __version__
from ..analysis import comparison_verdict
from ..experiment import CompareResult
from ..i18n import outcome_label, tr, unit_label, verdict_text
from ..outcomes import OUTCOMES, direction_arrow
from ..verdicts import human_number, outcome_verdicts

__all__ = ["brief_report", "comparison_report", "differences_table", "group_changes_table",
           "robustness_table"]


def _img(png: bytes, alt: str) -> str:
    return (f'<img alt="{html.escape(alt)}" style="max-width:100%" '
            f'src="data:image/png;base64,{base64.b64encode(png).decode()}">')


def _num(x: float) -> str:
    return human_number(x)


def differences_table(cmp: CompareResult, lang: str = "en") -> str:
    """The paired differences as HTML, the outcomes that changed first.

    Folded away below: those that did not change clearly, and those not compared (with the
    reason).
    """
    changed, unchanged, noted = [], [], []
    verdicts = outcome_verdicts(cmp.differences)  # the words the verdict's sentences use
    words = {"better": "v_better", "worse": "v_worse", "different": "v_different",
             "unclear": "v_unclear", "no clear change": "v_none"}
    for _name, r in cmp.differences.iterrows():
        if not r.get("headline", True):
            continue
        arrow = direction_arrow(r.direction)
        name = outcome_label(_name, lang) if lang != "en" else r.label
        label = (f"<td title='{html.escape(OUTCOMES[_name].definition)}'>{arrow} "
                 f"{html.escape(name)}</td>")
        note = r.get("note", "")
        if note:  # fixed by design or not measured: say why instead of printing numbers
            why = note if lang == "en" else verdict_text("not_compared", lang).format(
                labels=name, note="")
            noted.append(f"<tr>{label}<td colspan=6 class='note' style='text-align:left'>"
                         f"{html.escape(why)}</td></tr>")
            continue
        verdict = verdicts[_name]  # the one rule: the interval and the outcome's margin
        colour = {"better": "#2e7d32", "worse": "#c62828"}.get(verdict, "#555")
        lo, hi = r.diff_low, r.diff_high
        if str(r.unit).startswith("share") and math.isfinite(r.mean_a):
            lo, hi = max(lo, -r.mean_a), min(hi, 1.0 - r.mean_a)  # a share stays in [0, 1]
        row = (f"<tr>{label}<td>{html.escape(unit_label(str(r.unit), lang))}</td>"
               f"<td>{_num(r.mean_a)}</td><td>{_num(r.mean_b)}</td>"
               f"<td>{_num(r.diff_mean)}</td><td>[{_num(lo)}, {_num(hi)}]"
               f"</td><td style='color:{colour}' class='verdict-{verdict.replace(' ', '-')}'>"
               f"{html.escape(tr(words[verdict], lang))}</td></tr>")
        (unchanged if verdict in ("no clear change", "unclear") else changed).append(row)
    head = "<thead><tr>" + "".join(
        f"<th>{html.escape(tr(k, lang))}</th>" for k in
        ("t_outcome", "t_unit", "t_base", "t_reform", "t_diff", "t_ci", "t_is")) + "</tr></thead>"
    out = f"<table class='diffs'>{head}<tbody>{''.join(changed)}</tbody></table>"
    if unchanged:
        out += (f"<details><summary>{html.escape(tr('t_unchanged', lang).format(n=len(unchanged)))}"
                f"</summary><table class='diffs'>{head}<tbody>{''.join(unchanged)}"
                "</tbody></table></details>")
    if noted:
        out += (f"<details><summary>{html.escape(tr('t_noted', lang).format(n=len(noted)))}"
                f"</summary><table class='diffs'><tbody>{''.join(noted)}</tbody></table>"
                "</details>")
    return out


def _pct(x: float) -> str:
    """A percent change: one decimal under 10% (never "-0%"), none above."""
    return f"{x:+.1f}%" if abs(x) < 10 else f"{x:+.0f}%"


def robustness_table(rob, headline_only: bool = True) -> str:
    """The robustness stage as HTML: each outcome's verdict across the plausible worlds.

    One row per outcome: the verdict (*robust*, *depends on X*, *no clear change*), how many
    worlds were better, worse or unchanged, the change's 5-95% spread across worlds, what
    decides it (with the threshold where the answer turns), and the one-line summary.
    """
    colour = {"robust": "#2e7d32", "depends": "#b26a00", "no clear change": "#555",
              "not compared": "#777"}
    rows, noted = [], []
    for name, r in rob.table.iterrows():
        if headline_only and name in OUTCOMES and not OUTCOMES[name].headline:
            continue
        label = (f"<td title='{html.escape(OUTCOMES[name].definition)}'>"
                 f"{direction_arrow(r.direction)} {html.escape(r.label)}</td>"
                 if name in OUTCOMES else f"<td>{html.escape(name)}</td>")
        if r.verdict == "not compared":
            noted.append(f"<tr>{label}<td colspan=5 class='note' style='text-align:left'>"
                         f"{html.escape(r.note)}</td></tr>")
            continue
        word = (f"robust: {r.change}" if r.verdict == "robust" else
                f"depends on {r.turn_parameter}" if r.verdict == "depends" and r.turn_parameter
                else "depends on several" if r.verdict == "depends" else r.verdict)
        rel = (f"{_pct(r.relative_p05)} to {_pct(r.relative_p95)}"
               if math.isfinite(r.relative_p05) else
               f"{_num(r.effect_p05)} to {_num(r.effect_p95)}")
        deciders = ", ".join(f"<code>{html.escape(p)}</code>" for p in r.decided_by) or "–"
        rows.append(
            f"<tr>{label}<td style='color:{colour.get(r.verdict, '#555')};"
            f"text-align:left'>{html.escape(word)}</td>"
            f"<td>{r.better} / {r.worse} / {r.no_clear_change}</td><td>{rel}</td>"
            f"<td style='text-align:left'>{deciders}</td>"
            f"<td class='note' style='text-align:left;max-width:380px'>"
            f"{html.escape(r.summary)}</td></tr>")
    head = ("<thead><tr><th>outcome</th><th>across the worlds</th><th>worlds better / "
            "worse / no clear change</th><th>change, 5-95% of worlds</th><th>decided by"
            "</th><th>in words</th></tr></thead>")
    out = (f"<p class='note'>{html.escape(rob.run_size_text())}. A world is a draw of every "
           "uncertain assumption from its plausible range; both policies run in it on the "
           "same seeds.</p>"
           f"<table class='robustness'>{head}<tbody>{''.join(rows)}</tbody></table>")
    if noted:
        out += (f"<details><summary>{len(noted)} outcomes not compared, and why</summary>"
                f"<table><tbody>{''.join(noted)}</tbody></table></details>")
    return out


def group_changes_table(changes: pd.DataFrame) -> str:
    """Winners and losers as an HTML table: the change per group with its interval."""
    if changes.empty:
        return "<i>No group results.</i>"
    from .plots import DIMENSIONS

    def cell(v, lo, hi, digits):
        if not math.isfinite(v):
            return "–"
        ci = f" [{lo:+.{digits}f}, {hi:+.{digits}f}]" if math.isfinite(lo) else ""
        return f"{v:+.{digits}f}{ci}"

    rows = "".join(
        f"<tr><td>{html.escape(DIMENSIONS.get(r.dimension, r.dimension))}</td>"
        f"<td>{html.escape(str(r.group))}</td>"
        f"<td>{cell(r.exposed_change, r.exposed_change_low, r.exposed_change_high, 0)}</td>"
        f"<td>{cell(r.utility_change, r.utility_change_low, r.utility_change_high, 1)}</td>"
        "</tr>" for r in changes.itertuples(index=False))
    return ("<table class='groups'><thead><tr><th>group</th><th></th>"
            "<th>residents exposed per 100,000</th><th>information delivered, percentage "
            "points</th></tr></thead><tbody>" + rows + "</tbody></table>")


def comparison_report(cmp: CompareResult, figures: dict[str, bytes],
                      groups: pd.DataFrame | None = None) -> str:
    """The comparison as one HTML page: verdict, table, figures, parameters, provenance.

    Args:
        cmp: the comparison.
        figures: title -> PNG bytes.
        groups: optional table of outcomes by group (both arms).
    """
    a, b = cmp.a.scenario, cmp.b.scenario
    verdict = comparison_verdict(cmp.differences, f"the baseline ({a.name})",
                                 f"The reform ({b.name})", robustness=cmp.robustness)
    changed = b.diff(a)
    params = "".join(f"<tr><td><code>{html.escape(k)}</code></td>"
                     f"<td>{html.escape(str(a.params[k]))}</td>"
                     f"<td>{html.escape(str(v))}</td></tr>" for k, v in changed.items())
    figs = "".join(f"<h3>{html.escape(t)}</h3>{_img(p, t)}" for t, p in figures.items())
    grp = ""
    if groups is not None and not groups.empty:
        grp = ("<h2>Who bears the risk, who gains</h2><p class='note'>Change for each group "
               "of residents, reform − baseline, with 95% intervals.</p>"
               + group_changes_table(groups))
    n = cmp.a.scenario.params
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Comparison: {html.escape(a.name)} vs {html.escape(b.name)}</title>
<style>
 body {{font-family: system-ui, sans-serif; max-width: 1000px; margin: 2em auto; color: #222}}
 .verdict {{font-size: 1.15em; background: #f3f6fa; padding: 1em; border-left: 4px solid #4c72b0}}
 table {{border-collapse: collapse; margin: 1em 0; font-size: 0.9em}}
 td, th {{border-bottom: 1px solid #ddd; padding: 4px 8px; text-align: right}}
 td:first-child, th:first-child {{text-align: left}}
 .note {{color: #555; font-size: 0.85em}}
</style></head><body>
<h1>Baseline versus reform</h1>
<p>Baseline: <b>{html.escape(a.name)}</b> — {html.escape(a.description)}<br>
Reform: <b>{html.escape(b.name)}</b> — {html.escape(b.description)}</p>
<div class="verdict">{"<br>".join(html.escape(v) for v in verdict)}</div>
<p class="note">Both arms ran on the same {len(cmp.a.runs)} replication seeds (master seed
{cmp.a.seed}; common random numbers), {n['n_residents']:,} simulated residents standing
for {n['real_population']:,.0f}, {n['n_days']} days. Intervals are 95% t-intervals of the
paired differences. Counts of incidents are real-world counts for the represented
population; other counts are per 1,000 simulated residents.</p>
<h2>All outcomes</h2>{differences_table(cmp)}
<h2>How sure: across the plausible worlds</h2>{_robustness_section(cmp)}
<h2>What the reform changes</h2>
<table><thead><tr><th>parameter</th><th>baseline</th><th>reform</th></tr></thead>
<tbody>{params or "<tr><td colspan=3>nothing</td></tr>"}</tbody></table>
{grp}
<h2>Figures</h2>{figs}
<h2>Provenance</h2>
<p class="note">healthcode-workbench {__version__}; generated {when}; baseline parameters
sha256 {a.sha256}; reform parameters sha256 {b.sha256}. Re-run with
<code>python -m sim compare A.yaml B.yaml --seed {cmp.a.seed} --reps {len(cmp.a.runs)}
--residents {n['n_residents']} --days {n['n_days']}</code>.</p>
</body></html>
"""


#: the assumptions a verdict leans on most (README "Status and limits"), shown in the brief
#: when no robustness stage has said which ones decide this comparison
KEY_ASSUMPTIONS = ("attack_surface_exponent", "shared_lookup_probability",
                   "lifestyle_clinical_value", "enforcement_probability", "attacker_skill")

#: the outcomes whose robustness the brief lists
WORLD_OUTCOMES = ("residents_exposed_rate", "utility_rate", "emergency_info_rate",
                  "harm_per_1000", "insider_incidents", "breaches")


def key_assumptions(cmp: CompareResult, most: int = 6) -> list[str]:
    """The assumptions this comparison's answer turns on, most decisive first.

    From the robustness stage when it ran (each headline outcome's ``decided_by``, in
    order), else the fixed :data:`KEY_ASSUMPTIONS`.
    """
    rob = cmp.robustness
    if rob is None:
        return list(KEY_ASSUMPTIONS)
    out: list[str] = []
    for name in WORLD_OUTCOMES:
        if name in rob.table.index:
            out += [p for p in rob.table.loc[name, "decided_by"] if p not in out]
    return out[:most] or list(KEY_ASSUMPTIONS)


def _robustness_section(cmp: CompareResult) -> str:
    if cmp.robustness is None:
        return ("<p class='note'><b>The robustness stage did not run</b>: every interval "
                "above is replication noise at one set of assumed values.</p>")
    return robustness_table(cmp.robustness)


def brief_report(cmp: CompareResult, tradeoff_png: bytes, baseline_file: str,
                 reform_file: str = "reform.yaml") -> str:
    """A one-page brief: the headline, the chart, key assumptions, caveats, how to rerun.

    Args:
        cmp: the comparison.
        tradeoff_png: the risk × utility chart (:func:`sim.dashboards.plots.plot_tradeoff`).
        baseline_file: the bundled baseline's name (for the rerun command).
        reform_file: the file name the reform scenario is downloaded under.
    """
    from ..params import PARAMETERS
    from ..plausible import PLAUSIBLE
    from ..scenario import rerun_command

    a, b = cmp.a.scenario, cmp.b.scenario
    rob = cmp.robustness
    verdict = comparison_verdict(cmp.differences, f"the baseline ({a.name})",
                                 f"The reform ({b.name})", robustness=rob)
    keys = key_assumptions(cmp)

    def plausible(k: str) -> str:
        r = PLAUSIBLE.get(k)
        if r is None:
            return html.escape(PARAMETERS[k].source)
        return (f"plausible {html.escape(r.describe())}: {html.escape(r.source)}")

    assumptions = "".join(
        f"<tr><td>{html.escape(k.replace('_', ' '))}</td><td>{html.escape(str(a.params[k]))}"
        + (f" (reform: {html.escape(str(b.params[k]))})" if b.params[k] != a.params[k] else "")
        + f"</td><td class='note'>{plausible(k)}</td></tr>"
        for k in keys)
    n_lines = 4 if rob is None else 5  # the headline, the "how sure" line, three more
    if rob is None:
        sure = ("<p class='note'><b>The robustness stage did not run</b>: the intervals "
                "show replication noise at one set of assumed values only, not what we do "
                "not know. Rerun with plausible worlds before relying on this.</p>")
    else:
        sure = ("<h2 style='font-size:1.1em'>How sure: across the plausible worlds</h2>"
                f"<p class='note'>{html.escape(rob.run_size_text())}.</p><ul>"
                + "".join(f"<li><b>{html.escape(r.label)}</b>: {html.escape(r.summary)}</li>"
                          for _n, r in rob.table.iterrows()
                          if _n in WORLD_OUTCOMES and r.verdict != "not compared")
                + "</ul>")
    n = a.params
    command = rerun_command(a, b, baseline_file, reform_file, seed=cmp.a.seed,
                            reps=len(cmp.a.runs)) or (
        "python -m sim compare <baseline file> <reform file> "
        f"--seed {cmp.a.seed} --reps {len(cmp.a.runs)}")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Brief: {html.escape(b.name)} against {html.escape(a.name)}</title>
<style>
 body {{font-family: system-ui, sans-serif; max-width: 780px; margin: 1.5em auto; color: #222;
        font-size: 14px}}
 .headline {{font-size: 1.2em; background: #f3f6fa; padding: 0.8em;
             border-left: 4px solid #4c72b0}}
 table {{border-collapse: collapse; font-size: 0.9em}} td {{padding: 2px 8px;
 border-bottom: 1px solid #eee; vertical-align: top}} .note {{color: #666; font-size: 0.85em}}
 @media print {{ body {{margin: 0}} }}
</style></head><body>
<h1 style="font-size:1.4em">{html.escape(b.name)} against {html.escape(a.name)}</h1>
<div class="headline">{html.escape(verdict[0])}</div>
<ul>{"".join(f"<li>{html.escape(v)}</li>" for v in verdict[1:n_lines])}</ul>
{_img(tradeoff_png, "risk and clinical information, baseline and reform")}
{sure}
<h2 style="font-size:1.1em">Key assumptions</h2>
<table>{assumptions}</table>
<h2 style="font-size:1.1em">Caveats</h2>
<p class="note">A model, not a forecast: read the differences between the two policies, with
their 95% intervals over {len(cmp.a.runs)} paired replications, before absolute levels.
Breach generation is calibrated to U.S. breach-portal data scaled to the represented
population; the national stores of a plan are the model's prediction. {n['n_residents']:,}
simulated residents stand for {n['real_population']:,.0f}; {n['n_days']} days.</p>
<h2 style="font-size:1.1em">How to reproduce</h2>
<p class="note"><code>{html.escape(command)}</code> with the downloaded reform scenario
(healthcode-workbench {__version__}; reform parameters sha256 {b.sha256}).</p>
</body></html>
"""
