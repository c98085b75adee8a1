"""A self-contained HTML report of a comparison (figures embedded as PNG).

Every function that writes text takes ``lang`` (``"en"`` or ``"zh"``): headings,
explanations, table headers and captions come from the catalogue (:mod:`sim.i18n.report`),
the names of outcomes, parameters and groups from :mod:`sim.i18n`. English is the reference
and reads exactly as it did before the reports had a second language.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import math

import pandas as pd

from ...analysis import comparison_verdict
from ...analysis.verdicts import human_number, outcome_verdicts
from ...experiments.experiment import CompareResult
from ...experiments.robustness import summary_text
from ...i18n import (
    group_label,
    lever_label,
    outcome_definition,
    outcome_label,
    param_help,
    tr,
    unit_label,
)
from ...i18n.debate import note_text
from ...package import __version__
from ...world.outcomes import OUTCOMES, direction_arrow

__all__ = ["brief_report", "comparison_report", "differences_table", "group_changes_table",
           "key_assumptions", "robustness_table"]


def _img(png: bytes, alt: str) -> str:
    return (f'<img alt="{html.escape(alt)}" style="max-width:100%" '
            f'src="data:image/png;base64,{base64.b64encode(png).decode()}">')


def differences_table(cmp: CompareResult, lang: str = "en") -> str:
    """The paired differences as HTML, the outcomes that changed first.

    Folded away below: those that did not change clearly, and those not compared (with the
    reason). ``lang``: the language of the words, the outcomes' names and their definitions
    (each name's tooltip).
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
        label = f"<td title='{_tip(_name, lang)}'>{arrow} {html.escape(name)}</td>"
        note = r.get("note", "")
        if note:  # fixed by design or not measured: say why instead of printing numbers
            why = note_text(note, lang)
            noted.append(f"<tr>{label}<td colspan=6 class='note' style='text-align:left'>"
                         f"{html.escape(why)}</td></tr>")
            continue
        verdict = verdicts[_name]  # the one rule: the interval and the outcome's margin
        colour = {"better": "#2e7d32", "worse": "#c62828"}.get(verdict, "#555")
        lo, hi = r.diff_low, r.diff_high
        if str(r.unit).startswith("share") and math.isfinite(r.mean_a):
            lo, hi = max(lo, -r.mean_a), min(hi, 1.0 - r.mean_a)  # a share stays in [0, 1]
        row = (f"<tr>{label}<td>{html.escape(unit_label(str(r.unit), lang))}</td>"
               f"<td>{human_number(r.mean_a)}</td><td>{human_number(r.mean_b)}</td>"
               f"<td>{human_number(r.diff_mean)}</td><td>[{human_number(lo)}, {human_number(hi)}]"
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


def _tip(name: str, lang: str) -> str:
    """Outcome ``name``'s definition in ``lang``, escaped for a ``title`` attribute."""
    return html.escape(outcome_definition(name, lang))


def _pct(x: float) -> str:
    """A percent change: one decimal under 10% (never "-0%"), none above."""
    return f"{x:+.1f}%" if abs(x) < 10 else f"{x:+.0f}%"


def _param_name(parameter: str, lang: str) -> str:
    """An assumption's name: as declared in English, its label in another language."""
    return parameter if lang == "en" else lever_label(parameter, lang)


def _word(word: str, lang: str) -> str:
    """A class of change (``better``, ``worse``, ``higher``, ``lower``, ``no clear change``)."""
    keys = {"better": "rp_r_better", "worse": "rp_r_worse", "higher": "rp_r_higher",
            "lower": "rp_r_lower", "no clear change": "rp_r_none",
            "not compared": "rp_r_not_compared"}
    return tr(keys[word], lang) if word in keys else word


def robustness_table(rob, headline_only: bool = True, lang: str = "en") -> str:
    """The robustness stage as HTML: each outcome's verdict across the plausible worlds.

    One row per outcome: the verdict (*robust*, *depends on X*, *no clear change*), how many
    worlds were better, worse or unchanged, the change's 5-95% spread across worlds, what
    decides it (with the threshold where the answer turns), and the one-line summary.
    ``lang``: the language of every word (the deciding assumptions are named by their
    declared names in English, by their labels in another language).
    """
    colour = {"robust": "#2e7d32", "depends": "#b26a00", "no clear change": "#555",
              "not compared": "#777"}
    rows, noted = [], []
    for name, r in rob.table.iterrows():
        if headline_only and name in OUTCOMES and not OUTCOMES[name].headline:
            continue
        text = r.label if lang == "en" or name not in OUTCOMES else outcome_label(name, lang)
        label = (f"<td title='{_tip(name, lang)}'>"
                 f"{direction_arrow(r.direction)} {html.escape(text)}</td>"
                 if name in OUTCOMES else f"<td>{html.escape(name)}</td>")
        if r.verdict == "not compared":
            noted.append(f"<tr>{label}<td colspan=5 class='note' style='text-align:left'>"
                         f"{html.escape(note_text(r.note, lang))}</td></tr>")
            continue
        word = (tr("rp_r_robust", lang).format(change=_word(r.change, lang))
                if r.verdict == "robust" else
                tr("rp_r_depends_on", lang).format(what=_param_name(r.turn_parameter, lang))
                if r.verdict == "depends" and r.turn_parameter else
                tr("rp_r_depends_several", lang) if r.verdict == "depends"
                else _word(r.verdict, lang))
        to = tr("rp_r_to", lang)
        rel = (to.format(a=_pct(r.relative_p05), b=_pct(r.relative_p95))
               if math.isfinite(r.relative_p05) else
               to.format(a=human_number(r.effect_p05), b=human_number(r.effect_p95)))
        deciders = ", ".join(
            f"<code>{html.escape(p)}</code>" if lang == "en" else
            html.escape(_param_name(p, lang))
            for p in r.decided_by) or "–"
        rows.append(
            f"<tr>{label}<td style='color:{colour.get(r.verdict, '#555')};"
            f"text-align:left'>{html.escape(word)}</td>"
            f"<td>{r.better} / {r.worse} / {r.no_clear_change}</td><td>{rel}</td>"
            f"<td style='text-align:left'>{deciders}</td>"
            f"<td class='note' style='text-align:left;max-width:380px'>"
            f"{html.escape(summary_text(r, lang))}</td></tr>")
    head = ("<thead><tr>" + "".join(f"<th>{html.escape(tr(k, lang))}</th>" for k in (
        "rp_r_outcome", "rp_r_across", "rp_r_counts", "rp_r_spread", "rp_r_decided",
        "rp_r_words")) + "</tr></thead>")
    world = tr("rp_r_world", lang)
    out = (f"<p class='note'>{html.escape(rob.run_size_text(lang))}"
           f"{'. ' if lang == 'en' else '。'}{html.escape(world)}</p>"
           f"<table class='robustness'>{head}<tbody>{''.join(rows)}</tbody></table>")
    if noted:
        out += (f"<details><summary>{html.escape(tr('rp_r_noted', lang).format(n=len(noted)))}"
                f"</summary><table><tbody>{''.join(noted)}</tbody></table></details>")
    return out


def group_changes_table(changes: pd.DataFrame, lang: str = "en") -> str:
    """Winners and losers as an HTML table: the change per group with its interval.

    ``lang``: the language of the headers and of the groups' names.
    """
    if changes.empty:
        return f"<i>{html.escape(tr('rp_no_groups', lang))}</i>"
    from ...i18n.charts import DIMENSIONS, DIMENSIONS_ZH

    dims = DIMENSIONS_ZH if lang == "zh" else DIMENSIONS

    def cell(v, lo, hi, digits):
        if not math.isfinite(v):
            return "–"
        ci = f" [{lo:+.{digits}f}, {hi:+.{digits}f}]" if math.isfinite(lo) else ""
        return f"{v:+.{digits}f}{ci}"

    rows = "".join(
        f"<tr><td>{html.escape(dims.get(r.dimension, r.dimension))}</td>"
        f"<td>{html.escape(group_label(r.dimension, str(r.group), lang))}</td>"
        f"<td>{cell(r.exposed_change, r.exposed_change_low, r.exposed_change_high, 0)}</td>"
        f"<td>{cell(r.utility_change, r.utility_change_low, r.utility_change_high, 1)}</td>"
        "</tr>" for r in changes.itertuples(index=False))
    return (f"<table class='groups'><thead><tr><th>{html.escape(tr('rp_g_group', lang))}</th>"
            f"<th></th><th>{html.escape(tr('rp_g_exposed', lang))}</th>"
            f"<th>{html.escape(tr('rp_g_info', lang))}</th></tr></thead><tbody>" + rows
            + "</tbody></table>")


def _verdict(cmp: CompareResult, lang: str) -> list[str]:
    """The verdict's sentences in ``lang`` (as the Compare tab shows them)."""
    a, b = _names(cmp, lang)
    extra = {"lang": lang} if lang != "en" else {}
    return comparison_verdict(cmp.differences, tr("rp_the_baseline", lang).format(name=a),
                              tr("rp_the_reform", lang).format(name=b),
                              robustness=cmp.robustness, **extra)


def _names(cmp: CompareResult, lang: str) -> tuple[str, str]:
    """The two arms' names as shown in ``lang`` (see :func:`~.common.scenario_label`)."""
    from .common import scenario_label

    return (scenario_label(cmp.a.scenario.name, lang),
            scenario_label(cmp.b.scenario.name, lang))


def comparison_report(cmp: CompareResult, figures: dict[str, bytes],
                      groups: pd.DataFrame | None = None, lang: str = "en") -> str:
    """The comparison as one HTML page: verdict, table, figures, parameters, provenance.

    Args:
        cmp: the comparison.
        figures: title -> PNG bytes (titles in ``lang``).
        groups: optional table of outcomes by group (both arms).
        lang: the language of the page (``"en"`` or ``"zh"``; ``<html lang=...>`` too).
    """
    a, b = cmp.a.scenario, cmp.b.scenario
    name_a, name_b = _names(cmp, lang)
    verdict = _verdict(cmp, lang)
    changed = b.diff(a)

    def t(key: str) -> str:
        return html.escape(tr(key, lang))

    def name(k: str) -> str:  # the declared name in English, the label in another language
        return (f"<code>{html.escape(k)}</code>" if lang == "en" else
                html.escape(lever_label(k, lang)))

    def value(k: str, v) -> str:
        if lang != "en" and isinstance(v, str):
            from ...i18n import choice_label

            return html.escape(choice_label(v, lang, k))
        return html.escape(str(v))

    params = "".join(f"<tr><td>{name(k)}</td>"
                     f"<td>{value(k, a.params[k])}</td>"
                     f"<td>{value(k, v)}</td></tr>" for k, v in changed.items())
    figs = "".join(f"<h3>{html.escape(title)}</h3>{_img(p, title)}"
                   for title, p in figures.items())
    grp = ""
    if groups is not None and not groups.empty:
        grp = (f"<h2>{t('rp_h_groups')}</h2><p class='note'>{t('rp_groups_note')}</p>"
               + group_changes_table(groups, lang))
    n = cmp.a.scenario.params
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    if lang != "en":
        when = when.removesuffix(" UTC") + "（协调世界时）"
    paired = html.escape(tr("rp_paired", lang).format(
        reps=len(cmp.a.runs), seed=cmp.a.seed, residents=n["n_residents"],
        real=n["real_population"], days=n["n_days"]))
    provenance = html.escape(tr("rp_provenance", lang).format(
        version=__version__, when=when, sha_a=a.sha256, sha_b=b.sha256))
    return f"""<!DOCTYPE html>
<html lang="{'zh-CN' if lang == 'zh' else html.escape(lang)}"><head><meta charset="utf-8">
<title>{html.escape(tr("rp_title", lang).format(a=name_a, b=name_b))}</title>
<style>
 body {{font-family: system-ui, sans-serif; max-width: 1000px; margin: 2em auto; color: #222}}
 .verdict {{font-size: 1.15em; background: #f3f6fa; padding: 1em; border-left: 4px solid #4c72b0}}
 table {{border-collapse: collapse; margin: 1em 0; font-size: 0.9em}}
 td, th {{border-bottom: 1px solid #ddd; padding: 4px 8px; text-align: right}}
 td:first-child, th:first-child {{text-align: left}}
 .note {{color: #555; font-size: 0.85em}}
</style></head><body>
<h1>{t("rp_h1")}</h1>
<p>{t("rp_baseline")}{_colon(lang)}<b>{html.escape(name_a)}</b>{_description(a, lang)}<br>
{t("rp_reform")}{_colon(lang)}<b>{html.escape(name_b)}</b>{_description(b, lang)}</p>
<div class="verdict">{"<br>".join(html.escape(v) for v in verdict)}</div>
<p class="note">{paired}</p>
<h2>{t("rp_h_all")}</h2>{differences_table(cmp, lang)}
<h2>{t("rp_h_sure")}</h2>{_robustness_section(cmp, lang)}
<h2>{t("rp_h_changes")}</h2>
<table><thead><tr><th>{t("rp_p_parameter")}</th><th>{t("rp_p_baseline")}</th><th>{t("rp_p_reform")}</th></tr></thead>
<tbody>{params or f"<tr><td colspan=3>{t('rp_nothing')}</td></tr>"}</tbody></table>
{grp}
<h2>{t("rp_h_figures")}</h2>{figs}
<h2>{t("rp_h_provenance")}</h2>
<p class="note">{provenance}
<code>python -m sim compare A.yaml B.yaml --seed {cmp.a.seed} --reps {len(cmp.a.runs)}
--residents {n['n_residents']} --days {n['n_days']}</code>{'.' if lang == 'en' else '。'}</p>
</body></html>
"""


def _colon(lang: str) -> str:
    return ": " if lang == "en" else "："


def _description(scenario, lang: str) -> str:
    """`` — <description>`` of a scenario in ``lang``.

    A bundled scenario's own words, translated; nothing for another scenario in another
    language than English.
    """
    if lang == "en":
        return f" — {html.escape(scenario.description)}"
    from ...i18n.report import SCENARIOS_ZH

    stem = scenario.name.removesuffix(" (reform)").removesuffix(" (edited)")
    text = SCENARIOS_ZH.get(stem, "") if lang == "zh" else ""
    return f" — {html.escape(text)}" if text else ""


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
    order), else the fixed :data:`KEY_ASSUMPTIONS`. Parameter names (the same in every
    language: the brief names them with :func:`sim.i18n.lever_label`).
    """
    rob = cmp.robustness
    if rob is None:
        return list(KEY_ASSUMPTIONS)
    out: list[str] = []
    for name in WORLD_OUTCOMES:
        if name in rob.table.index:
            out += [p for p in rob.table.loc[name, "decided_by"] if p not in out]
    return out[:most] or list(KEY_ASSUMPTIONS)


def _robustness_section(cmp: CompareResult, lang: str = "en") -> str:
    if cmp.robustness is None:
        return f"<p class='note'>{tr('rp_no_worlds', lang)}</p>"
    return robustness_table(cmp.robustness, lang=lang)


def brief_report(cmp: CompareResult, tradeoff_png: bytes, baseline_file: str,
                 reform_file: str = "reform.yaml", lang: str = "en") -> str:
    """A one-page brief: the headline, the chart, key assumptions, caveats, how to rerun.

    Args:
        cmp: the comparison.
        tradeoff_png: the risk × utility chart (:func:`sim.app.dashboards.plots.plot_tradeoff`,
            drawn in ``lang``).
        baseline_file: the bundled baseline's name (for the rerun command).
        reform_file: the file name the reform scenario is downloaded under.
        lang: the language of the brief (``"en"`` or ``"zh"``); the rerun command stays as
            it is typed.
    """
    from ...i18n import choice_label
    from ...params import PARAMETERS
    from ...plausible import PLAUSIBLE
    from ...scenario import rerun_command

    a, b = cmp.a.scenario, cmp.b.scenario
    name_a, name_b = _names(cmp, lang)
    rob = cmp.robustness
    verdict = _verdict(cmp, lang)
    keys = key_assumptions(cmp)

    def t(key: str) -> str:
        return html.escape(tr(key, lang))

    def plausible(k: str) -> str:
        r = PLAUSIBLE.get(k)
        if lang != "en":  # the evidence for a range is written in English (not translated):
            # the brief says what the assumption means, and where its evidence is
            meaning = html.escape(param_help(k, lang))
            return (t("rp_plausible_meaning").format(range=html.escape(r.describe()),
                                                      meaning=meaning)
                    if r is not None else t("rp_meaning").format(meaning=meaning))
        if r is None:
            return html.escape(PARAMETERS[k].source)
        return (f"plausible {html.escape(r.describe())}: {html.escape(r.source)}")

    def value(k: str, v) -> str:
        if lang != "en" and isinstance(v, str):
            return html.escape(choice_label(v, lang, k))
        return html.escape(str(v))

    def name(k: str) -> str:
        return html.escape(k.replace("_", " ") if lang == "en" else lever_label(k, lang))

    assumptions = "".join(
        f"<tr><td>{name(k)}</td><td>{value(k, a.params[k])}"
        + (t("rp_reform_value").replace("{value}", value(k, b.params[k]))
           if b.params[k] != a.params[k] else "")
        + f"</td><td class='note'>{plausible(k)}</td></tr>"
        for k in keys)
    n_lines = 4 if rob is None else 5  # the headline, the "how sure" line, three more
    if rob is None:
        sure = f"<p class='note'>{tr('rp_brief_no_worlds', lang)}</p>"
    else:
        sure = (f"<h2 style='font-size:1.1em'>{t('rp_h_sure')}</h2>"
                f"<p class='note'>{html.escape(rob.run_size_text(lang))}"
                f"{'.' if lang == 'en' else '。'}</p><ul>"
                + "".join(f"<li><b>{html.escape(_row_label(_n, r, lang))}</b>"
                          f"{_colon(lang)}{html.escape(summary_text(r, lang))}</li>"
                          for _n, r in rob.table.iterrows()
                          if _n in WORLD_OUTCOMES and r.verdict != "not compared")
                + "</ul>")
    n = a.params
    command = rerun_command(a, b, baseline_file, reform_file, seed=cmp.a.seed,
                            reps=len(cmp.a.runs)) or (
        f"python -m sim compare {tr('rp_rerun_files', lang)} "
        f"--seed {cmp.a.seed} --reps {len(cmp.a.runs)}")
    caveats = (tr("rp_caveats", lang).format(  # the catalogue's text (HTML) with numbers
        reps=len(cmp.a.runs), residents=n["n_residents"], real=n["real_population"],
        days=n["n_days"]))
    reproduce = html.escape(tr("rp_reproduce", lang).format(version=__version__,
                                                            sha=b.sha256))
    return f"""<!DOCTYPE html>
<html lang="{'zh-CN' if lang == 'zh' else html.escape(lang)}"><head><meta charset="utf-8">
<title>{html.escape(tr("rp_brief_title", lang).format(b=name_b, a=name_a))}</title>
<style>
 body {{font-family: system-ui, sans-serif; max-width: 780px; margin: 1.5em auto; color: #222;
        font-size: 14px}}
 .headline {{font-size: 1.2em; background: #f3f6fa; padding: 0.8em;
             border-left: 4px solid #4c72b0}}
 table {{border-collapse: collapse; font-size: 0.9em}} td {{padding: 2px 8px;
 border-bottom: 1px solid #eee; vertical-align: top}} .note {{color: #666; font-size: 0.85em}}
 @media print {{ body {{margin: 0}} }}
</style></head><body>
<h1 style="font-size:1.4em">{html.escape(tr("rp_against", lang).format(b=name_b, a=name_a))}</h1>
<div class="headline">{html.escape(verdict[0])}</div>
<ul>{"".join(f"<li>{html.escape(v)}</li>" for v in verdict[1:n_lines])}</ul>
{_img(tradeoff_png, tr("rp_chart_alt", lang))}
{sure}
<h2 style="font-size:1.1em">{t("rp_h_key")}</h2>
<table>{assumptions}</table>
<h2 style="font-size:1.1em">{t("rp_h_caveats")}</h2>
<p class="note">{caveats}</p>
<h2 style="font-size:1.1em">{t("rp_h_reproduce")}</h2>
<p class="note"><code>{html.escape(command)}</code> {reproduce}</p>
</body></html>
"""


def _row_label(name: str, row, lang: str) -> str:
    """A robustness row's outcome label in ``lang``."""
    return row.label if lang == "en" or name not in OUTCOMES else outcome_label(name, lang)
