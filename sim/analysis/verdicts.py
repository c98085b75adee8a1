"""Plain-language verdicts on a paired comparison (reform − baseline), intervals first.

**One rule for "no clear change"** (:func:`change_class`), used by the comparison, the
debate's claims, the robustness stage, the app and the brief, built on an equivalence
margin declared with each outcome (:meth:`sim.world.outcomes.Outcome.margin`: 1% of the
baseline, at least 0.1 percentage point for a share): a change counts when its 95% interval
excludes zero *and* it is at least the margin; it is "no clear change" when its interval
lies within ± the margin (equivalence, as in a TOST); anything else is "unclear" (more
replications would tell). More replications move a verdict only from "unclear" to one of
the others, never between "clear change" and "no clear change".

:func:`comparison_verdict` writes the headline sentences for a comparison,
:func:`describe_change` one outcome's change in words and :func:`claim_verdict` whether a
claim's predictions are borne out. Each reads
:attr:`sim.experiments.experiment.CompareResult.differences`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..experiments.changes import Change, change_class, clear_change, margin_of, row_change
from ..i18n import outcome_label, unit_label, verdict_text
from ..world.outcomes import MARGIN_RELATIVE, MARGIN_SHARE, OUTCOMES

__all__ = ["Change", "change_class", "claim_verdict", "clear_change", "comparison_verdict",
           "describe_change", "human_number", "margin_of", "outcome_verdicts",
           "robustness_phrase", "robustness_sentence", "row_change", "tradeoff_sentences"]

#: kept for callers of the old names: the default margins (:mod:`sim.world.outcomes`)
MEANINGFUL_RELATIVE = MARGIN_RELATIVE
MEANINGFUL_SHARE = MARGIN_SHARE


def _fmt_count(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 10 else f"{x:,.1f}"


def human_number(x: float | None, sign: bool = False) -> str:
    """A number as a person reads it, never in scientific notation.

    Thousands separators and three significant digits: ``9.14e-07`` is ``0.00000091``,
    below 10⁻⁸ it is ``0``.

    Args:
        x: the number (``None`` or not finite: an en dash).
        sign: always show the sign (for changes).
    """
    if x is None or not math.isfinite(x):
        return "–"
    plus = "+" if sign else ""
    ax = abs(x)
    if ax >= 100 or ax == 0:
        return f"{x:{plus},.0f}"
    if ax >= 1:
        return f"{x:{plus},.{2 if ax < 10 else 1}f}"
    decimals = min(2 - math.floor(math.log10(ax)), 8)
    text = f"{x:{plus}.{decimals}f}"
    return text if any(c in "123456789" for c in text) else f"{0:{plus}.0f}"


def outcome_verdicts(differences: pd.DataFrame, headline_only: bool = True) -> pd.Series:
    """Each outcome's verdict, as the comparison table, the verdict and the brief state it.

    ``"better"`` or ``"worse"`` for the reform (a clear change, :func:`change_class`, in the
    outcome's good or bad direction), ``"different"`` (a clear change of an outcome with no
    good direction), ``"no clear change"``, ``"unclear"``, or ``"not compared"`` (fixed by
    design or not measurable: the row's ``note``).

    Args:
        differences: :attr:`sim.experiments.experiment.CompareResult.differences`.
        headline_only: only the outcomes shown by default (``headline``).
    """
    out = {}
    for name, r in differences.iterrows():
        if headline_only and not r.get("headline", True):
            continue
        if r.get("note", ""):
            out[name] = "not compared"
            continue
        change = row_change(r)
        if change in ("higher", "lower"):
            out[name] = ("better" if r.b_better is True else "worse" if r.b_better is False
                         else "different")
        else:
            out[name] = "unclear" if change == "unclear" else "no clear change"
    return pd.Series(out, dtype=object)


def _g3(x: float, sign: bool = False) -> str:
    """Three significant digits as ``.3g`` writes them, never in scientific notation.

    ``.3g`` turns 0.0000214 into ``2.14e-05``; below 10⁻⁴ :func:`human_number` writes it.
    """
    if math.isfinite(x) and 0 < abs(x) < 1e-4:
        return human_number(x, sign=sign)
    return f"{x:+.3g}" if sign else f"{x:.3g}"


def _in_sentence(label: str, lang: str) -> str:
    """An outcome label inside an English sentence: "Insider incidents" -> "insider incidents"."""
    if lang != "en" or len(label) < 2 or label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def _join(items: list[str], lang: str) -> str:
    if lang != "en":
        return "、".join(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _decimals(values) -> int:
    """Decimals that show the largest of ``values`` to three significant digits."""
    top = max((abs(v) for v in values if math.isfinite(v)), default=0.0)
    if top >= 100 or top == 0:
        return 0
    return min(2 - math.floor(math.log10(top)), 8)


def _change_text(r, lang: str) -> str:
    """One outcome's change for the trade-off sentences.

    E.g. ``705 → 944 (+239 [+154, +324] incidents)``: a change and its interval to the same
    decimals; a 0-1 share in percent and percentage points, its interval cut at what is
    possible.
    """
    lo, hi, a, b, mean = r.diff_low, r.diff_high, r.mean_a, r.mean_b, r.diff_mean
    unit = unit_label(str(r.unit), lang)
    if str(r.unit).startswith("share") and math.isfinite(a):
        lo, hi = max(lo, -a), min(hi, 1.0 - a)
        a, b, mean, lo, hi = (100 * v for v in (a, b, mean, lo, hi))
        unit = verdict_text("t_points", lang)
        ends = f"{human_number(a)}% → {human_number(b)}%"
    else:
        ends = f"{human_number(a)} → {human_number(b)}"
    k = _decimals((mean, lo, hi))
    return (f"{ends} ({mean:+,.{k}f} [{lo:+,.{k}f}, {hi:+,.{k}f}] {unit})"
            if lang == "en" else
            f"{ends}（{mean:+,.{k}f} [{lo:+,.{k}f}, {hi:+,.{k}f}] {unit}）")


def tradeoff_sentences(differences: pd.DataFrame, lang: str = "en") -> list[str]:
    """The trade-off in one line, then every outcome that is clearly worse, with its numbers.

    E.g. "The trade-off: it protects 2,140 residents per 100,000 from exposure at a cost of
    3.1 percentage points of the information clinicians need; also worse on external
    breaches and downtime (of 20 outcomes compared: 6 better, 4 worse, 10 no clear change
    or unclear)." and "Clearly worse: external breaches 1,100 → 1,140 (+41 [+25, +57]
    incidents (real-world count)); …". Worse and better are those of
    :func:`outcome_verdicts`, so the sentences name exactly the rows the table marks worse.
    """
    d = differences
    verdicts = outcome_verdicts(d)

    def t(key: str) -> str:
        return verdict_text(key, lang)

    gains, costs, worse_verbs = [], [], []
    pair = {"residents_exposed_rate": (1e5, "exposure"), "utility_rate": (100, "info")}
    for name, (scale, key) in pair.items():
        if name not in verdicts or verdicts[name] not in ("better", "worse"):
            continue
        r = d.loc[name]
        n = (_fmt_count(abs(r.diff_mean) * scale) if key == "exposure"
             else f"{abs(r.diff_mean) * scale:.1f}")
        if verdicts[name] == "better":
            gains.append(t(f"t_gain_{key}").format(n=n))
        else:
            costs.append(t(f"t_cost_{key}").format(n=n))
            worse_verbs.append(t(f"t_worse_{key}").format(n=n))
    if gains and costs:
        summary = t("t_at_cost").format(gain=_join(gains, lang), cost=_join(costs, lang))
    elif gains or worse_verbs:
        summary = _join(gains or worse_verbs, lang)
    else:
        summary = t("t_no_pair")
    worse = [n for n, v in verdicts.items() if v == "worse"]
    others = [n for n in worse if n not in pair]
    labels = [_in_sentence(outcome_label(n, lang), lang) for n in others]
    if others:
        rest = t("t_also_worse").format(labels=_join(labels, lang))
    elif worse:
        rest = t("t_nothing_else")
    else:
        rest = t("t_none_worse")
    compared = verdicts[verdicts != "not compared"]
    counts = t("t_counts").format(
        n=len(compared), b=int((compared == "better").sum()), w=len(worse),
        z=int(compared.isin(["no clear change", "unclear", "different"]).sum()))
    out = [t("t_line").format(summary=summary, rest=rest, counts=counts)]
    if worse:
        items = [f"{_in_sentence(outcome_label(n, lang), lang)} {_change_text(d.loc[n], lang)}"
                 for n in worse]
        out.append(t("t_worse_list").format(items=t("label_sep").join(items)))
    return out


#: the outcomes the verdict's robustness sentence covers, in order
WORLD_HEADLINES = ("residents_exposed_rate", "utility_rate", "emergency_info_rate",
                   "harm_per_1000")


def robustness_phrase(r, lang: str = "en") -> str:
    """One outcome's robustness verdict in a phrase (a row of ``RobustnessResult.table``).

    E.g. ``"robust, better in 32 of 32 worlds (-30% to -23%)"``, ``"depends on how much
    lifestyle fields help clinicians (lifestyle_clinical_value): no clear change when it is
    ≤ 0.45, worse above"``, ``"no clear change in 30 of 32 worlds"``.
    """
    from ..experiments.robustness import plain_name

    def t(key: str) -> str:
        return verdict_text(key, lang)

    def word(w: str) -> str:
        return {"better": t("w_better"), "worse": t("w_worse"),
                "no clear change": t("w_none_word")}.get(w, w)

    n = int(r.worlds)
    if r.verdict == "robust":
        lo, hi = r.relative_p05, r.relative_p95
        if math.isfinite(lo):  # one decimal under 10%: no "-0%"
            lo_s, hi_s = (f"{x:+.1f}%" if abs(x) < 10 else f"{x:+.0f}%" for x in (lo, hi))
        else:
            lo_s, hi_s = _g3(r.effect_p05, sign=True), _g3(r.effect_p95, sign=True)
        return t("w_robust").format(word=word(r.change), k=int(r[r.change]), n=n, lo=lo_s,
                                    hi=hi_s)
    if r.verdict == "no clear change":
        return t("w_none").format(k=int(r.no_clear_change), n=n)
    if r.turn_parameter:
        thr = r.turn_threshold
        return t("w_depends").format(what=plain_name(r.turn_parameter, lang),
                                     t=f"{thr:,.0f}" if abs(thr) >= 100 else _g3(thr),
                                     below=word(r.turn_below), above=word(r.turn_above))
    return t("w_jointly").format(b=int(r.better), w=int(r.worse), z=int(r.no_clear_change),
                                 n=n)


def robustness_sentence(robustness, lang: str = "en",
                        outcomes: tuple[str, ...] = WORLD_HEADLINES) -> str | None:
    """The verdict's "how sure" sentence from a robustness stage (``None`` if nothing to say).

    Args:
        robustness: a :class:`sim.experiments.robustness.RobustnessResult`.
        lang: ``"en"`` or ``"zh"``.
        outcomes: the outcomes to cover, in order (those not compared are left out).
    """
    table = robustness.table
    parts = []
    for name in outcomes:
        if name not in table.index or table.loc[name, "verdict"] == "not compared":
            continue
        label = outcome_label(name, lang)
        parts.append(verdict_text("w_part", lang).format(
            label=label, phrase=robustness_phrase(table.loc[name], lang)))
    if not parts:
        return None
    s = robustness.settings
    size = verdict_text("worlds_size", lang).format(residents=s["n_residents"])
    return verdict_text("worlds_line", lang).format(
        n=s["worlds"], size=size, parts=verdict_text("w_sep", lang).join(parts))


def comparison_verdict(differences: pd.DataFrame, baseline: str | None = None,
                       reform: str | None = None, lang: str = "en",
                       robustness=None) -> list[str]:
    """Plain-language sentences for a paired comparison (reform − baseline), intervals first.

    The first sentence is the headline, in one convention (residents per 100,000 and
    percentage points): e.g. "Compared with the baseline, the reform exposes 2,140 fewer
    residents per 100,000 [1,900, 2,380] and gives clinicians 3.1 percentage points less of
    the information they need [2.6, 3.6] (69% → 66%)." The trade-off follows at once
    (:func:`tradeoff_sentences`): the gain against the cost in one line, and every outcome
    that is clearly worse, with its numbers. Later sentences cover emergencies away from
    home, harm, insider incidents, function creep and broker dossiers. A change whose 95%
    interval includes zero, or that is too small to matter (:func:`clear_change`), is
    called "no clear change"; intervals are cut at what is possible (a share cannot pass 0
    or 100%).

    Args:
        differences: :attr:`sim.experiments.experiment.CompareResult.differences`.
        baseline: how to name the baseline (default: "the baseline", in ``lang``).
        reform: how to name the reform (sentence start; default "The reform").
        lang: ``"en"`` or ``"zh"`` (Simplified Chinese; :mod:`sim.i18n`).
        robustness: the comparison's robustness stage
            (:class:`sim.experiments.robustness.RobustnessResult`), if it ran: its "how sure"
            sentence (:func:`robustness_sentence`) comes second, right after the headline.
    """
    d = differences

    def clear(name: str) -> bool:
        return clear_change(d.loc[name])

    def interval(lo: float, hi: float, scale: float = 1.0, pct: bool = False,
                 share_of: float | None = None) -> str:
        if share_of is not None:  # a change of a 0-1 share: at most to 0 or to 1
            lo, hi = max(lo, -share_of), min(hi, 1.0 - share_of)
        a, b = sorted((abs(lo * scale), abs(hi * scale)))
        return f"[{a:.1f}, {b:.1f}]" if pct else f"[{_fmt_count(a)}, {_fmt_count(b)}]"

    def t(key: str) -> str:
        return verdict_text(key, lang)

    out = []
    r = d.loc["residents_exposed_rate"]
    if clear("residents_exposed_rate"):
        exposure = t("exposes").format(
            n=_fmt_count(abs(r.diff_mean) * 1e5), word=t("more" if r.diff_mean > 0 else "fewer"),
            ci=interval(r.diff_low, r.diff_high, 1e5, share_of=r.mean_a))
    else:
        significant = bool(np.isfinite(r.diff_low) and (r.diff_low > 0 or r.diff_high < 0))
        exposure = t("exposes_same").format(why=t("too_small" if significant else
                                                  "no_clear_change"),
                                            mean=f"{r.diff_mean * 1e5:+,.0f}",
                                            lo=f"{r.diff_low * 1e5:+,.0f}",
                                            hi=f"{r.diff_high * 1e5:+,.0f}")
    u = d.loc["utility_rate"]
    if clear("utility_rate"):
        care = t("care").format(
            pp=f"{abs(u.diff_mean) * 100:.1f}", word=t("more" if u.diff_mean > 0 else "less"),
            ci=interval(u.diff_low, u.diff_high, 100, pct=True, share_of=u.mean_a),
            a=f"{u.mean_a * 100:.0f}", b=f"{u.mean_b * 100:.0f}")
    else:
        care = t("care_same")
    reform = reform or t("reform")
    if lang == "en":  # the reform is no longer at the start of the sentence
        reform = reform[:1].lower() + reform[1:]
    out.append(t("headline").format(reform=reform, exposure=exposure, care=care,
                                    baseline=baseline or t("baseline")))
    out.extend(tradeoff_sentences(d, lang))
    if robustness is not None:
        sure = robustness_sentence(robustness, lang)
        if sure:
            out.append(sure)

    e = d.loc["emergency_info_rate"]
    if np.isfinite(e.diff_mean) and clear("emergency_info_rate"):
        out.append(t("emergency").format(
            pp=f"{abs(e.diff_mean) * 100:.1f}", word=t("more" if e.diff_mean > 0 else "less"),
            ci=interval(e.diff_low, e.diff_high, 100, pct=True, share_of=e.mean_a),
            a=f"{e.mean_a * 100:.0f}", b=f"{e.mean_b * 100:.0f}"))
    h = d.loc["harm_per_1000"]
    if clear("harm_per_1000"):
        up = h.diff_mean > 0
        out.append(t("harm").format(
            mw=t("more_harm" if up else "less_harm"),
            n=_fmt_count(abs(h.diff_mean)), word=t("more" if up else "less"),
            ci=interval(h.diff_low, h.diff_high)))
    for name in ("insider_incidents", "function_creep_incidents"):
        x = d.loc[name]
        if clear(name):
            out.append(t("count").format(
                n=_fmt_count(abs(x.diff_mean)), word=t("more" if x.diff_mean > 0 else "fewer"),
                what=t(name), ci=interval(x.diff_low, x.diff_high)))
    k = d.loc["dossier_over_half_rate"]
    if clear("dossier_over_half_rate"):
        out.append(t("dossier").format(
            n=_fmt_count(abs(k.diff_mean) * 1e5), word=t("more" if k.diff_mean > 0 else "fewer"),
            ci=interval(k.diff_low, k.diff_high, 1e5, share_of=k.mean_a),
            a=f"{k.mean_a * 100:.1f}", b=f"{k.mean_b * 100:.1f}"))
    by_note: dict[str, list[str]] = {}
    for name, r in d.iterrows():
        if r.get("headline", True) and "by design" in (r.get("note", "") or ""):
            by_note.setdefault(r.note, []).append(
                outcome_label(name, lang) if lang != "en" else r.label)
    for note, labels in by_note.items():
        out.append(t("not_compared").format(labels=t("label_sep").join(labels), note=note))
    return out


def describe_change(differences: pd.DataFrame, outcome: str, lang: str = "en") -> str:
    """One outcome's paired change in words, with its interval.

    E.g. ``"Harm: 2,170 → 1,040 (−1,130 [−1,400, −860], −52%)"``; a change within the
    outcome's margin ends with "no clear change", one as large whose interval includes zero
    with "unclear" (:func:`change_class`); an outcome fixed by design gives the reason.

    Args:
        differences: :attr:`sim.experiments.experiment.CompareResult.differences`.
        outcome: the outcome (a row of ``differences``).
        lang: ``"en"`` or ``"zh"`` (the outcome's label, the words and the reason).
    """
    from ..i18n import tr
    from ..i18n.debate import note_text

    r = differences.loc[outcome]
    label = (outcome_label(str(outcome), lang) if lang != "en" and outcome in OUTCOMES
             else r.label)
    note = r.get("note", "") if hasattr(r, "get") else ""
    if note:
        return tr("db_dc_not_compared", lang).format(label=label, note=note_text(note, lang))

    def num(x: float) -> str:
        if not math.isfinite(x):
            return "–"
        ax = abs(x)
        return f"{x:,.0f}" if ax >= 100 else (f"{x:.2f}" if ax >= 1 else _g3(x))

    rel = (tr("db_dc_rel", lang).format(pct=100 * r.diff_mean / r.mean_a)
           if math.isfinite(r.mean_a) and r.mean_a != 0 and math.isfinite(r.diff_mean) else "")
    text = tr("db_dc_change", lang).format(label=label, a=num(r.mean_a), b=num(r.mean_b),
                                           d=num(r.diff_mean), lo=num(r.diff_low),
                                           hi=num(r.diff_high), rel=rel)
    cls = row_change(r)
    if cls == "unclear":
        return text + tr("db_dc_unclear", lang)
    return text if cls in ("higher", "lower") else text + tr("db_dc_none", lang)


def claim_verdict(differences: pd.DataFrame, expect: Mapping[str, str],
                  claim: str, lang: str = "en") -> list[str]:
    """A claim's verdict computed from a paired comparison, not written against it.

    Args:
        differences: :attr:`sim.experiments.experiment.CompareResult.differences` (reform −
            baseline).
        expect: what the claim predicts for each outcome: ``"lower"``, ``"higher"`` or
            ``"unchanged"``, judged by :func:`change_class` (``"unchanged"`` holds when the
            change is within the outcome's equivalence margin).
        claim: the claim, in a phrase (in ``lang``).
        lang: ``"en"`` or ``"zh"``: the language of the lines (:mod:`sim.i18n.debate`).

    Returns:
        Lines: the verdict (*supported*, *partly supported*, *not supported* or
        *contradicted*, with the count of predictions borne out), then one line per
        outcome: what was predicted, what happened (:func:`describe_change`).
    """
    from ..i18n import tr

    held, against, unclear = 0, 0, 0
    lines = []
    for outcome, want in expect.items():
        r = differences.loc[outcome]
        cls = row_change(r)
        if r.get("note", ""):
            status = "not_measurable"
            unclear += 1
        elif cls == "unclear":  # describe_change says why
            status, unclear = "not_shown", unclear + 1
        elif (want, cls) in (("unchanged", "none"), ("lower", "lower"), ("higher", "higher")):
            status, held = "as_predicted", held + 1
        elif cls == "none":  # predicted a change, found none worth a word
            status, unclear = "no_clear_change", unclear + 1
        else:
            status, against = "against", against + 1
        lines.append(tr("db_cv_line", lang).format(
            want=tr(f"db_want_{want}", lang), status=tr(f"db_st_{status}", lang),
            change=describe_change(differences, outcome, lang)))
    n = len(expect)
    if held == n:
        word = "supported"
    elif against and not held:
        word = "contradicted"
    elif against:
        word = "mixed"
    elif held:
        word = "partly"
    else:
        word = "neither"
    head = tr("db_cv_head", lang).format(claim=claim, word=tr(f"db_cv_{word}", lang),
                                         held=held, n=n, against=against, unclear=unclear)
    return [head, *lines]


def winners_sentence(winners: pd.DataFrame, lang: str = "en") -> str:
    """Winners and losers in one sentence, resident by resident.

    ``winners`` is :meth:`sim.experiments.experiment.CompareResult.winners`. Names the group (of the
    charted dimensions) with the largest share worse off in clinical information when it is
    clearly above the all-resident share. E.g. "Resident by resident: 14% get at least 5
    points more of the clinical information their care needs and 9% get that much less
    (most often: no smartphone, 24%); 15% are spared an exposure and 11% are newly exposed."
    """
    w = winners.set_index(["outcome", "dimension", "group"])
    try:
        clin = w.loc[("clinical", "all", "all residents")]
        priv = w.loc[("privacy", "all", "all residents")]
    except KeyError:
        return ""
    if not all(np.isfinite(float(x)) for x in (clin["better"], clin["worse"], priv["better"],
                                                priv["worse"])):
        return ""  # no resident needed care in both arms (a very short run)
    pct = lambda x: f"{100 * x:.0f}%"  # noqa: E731
    worst = None
    sub = winners[(winners["outcome"] == "clinical")
                  & ~winners["dimension"].isin(["all", "region"])].dropna(subset=["worse"])
    if len(sub):
        top = sub.loc[sub["worse"].idxmax()]
        if top["worse_lo"] > clin["worse_hi"]:  # clearly worse than residents overall
            worst = top
    if lang == "zh":
        from ..i18n import group_label

        most = (f"（{group_label(worst['dimension'], worst['group'], 'zh')}最多，"
                f"{pct(worst['worse'])}）" if worst is not None else "")
        return (f"逐个居民比较：{pct(clin['better'])}的居民获得的诊疗所需信息至少多5个百分点，"
                f"{pct(clin['worse'])}至少少5个百分点{most}；{pct(priv['better'])}免于信息暴露，"
                f"{pct(priv['worse'])}新遭信息暴露。")
    most = ""
    if worst is not None:
        who = f"aged {worst['group']}" if worst["dimension"] == "age_band" else worst["group"]
        most = f" (most often: {who}, {pct(worst['worse'])})"
    return (f"Resident by resident: {pct(clin['better'])} get at least 5 points more of the "
            f"clinical information their care needs and {pct(clin['worse'])} get that much "
            f"less{most}; {pct(priv['better'])} are spared an exposure and "
            f"{pct(priv['worse'])} are newly exposed.")


#: the fields each avoided-event outcome follows (sim.world.care.CareProcess.access)
EVENT_FIELDS = {"adverse_events_averted": ("medications",),
                "duplicate_tests_avoided": ("test_results", "imaging")}


def information_sources(runs_a: pd.DataFrame, runs_b: pd.DataFrame, lang: str = "en",
                        level: float = 0.95, top: int = 5) -> str:
    """Where a clear change in clinical information comes from, field by field.

    The utility rate is the sum of its parts by field (``utility_from.<field>`` columns of
    the runs, :meth:`sim.world.care.CareProcess.information_by_field`); the avoided events follow
    a few fields only. So clinical information can fall overall while avoided adverse
    events rise (fewer lifestyle fields, more medication lists), and the sentence says
    which fields moved, with their paired changes in points. Empty when the utility rate
    shows no clear change or the runs have no field columns.
    """
    from ..experiments.experiment import paired_stats

    cols = [c for c in runs_a.columns if c.startswith("utility_from.") and c in runs_b]
    if not cols or "utility_rate" not in runs_a:
        return ""
    def ok(runs: pd.DataFrame) -> pd.DataFrame:
        runs = runs[runs["status"] == "ok"] if "status" in runs else runs
        return runs.set_index("seed")

    stats = pd.DataFrame({name: st for name, _d, st in paired_stats(
        ok(runs_a), ok(runs_b), ["utility_rate", *cols], level)}).T
    total = stats.loc["utility_rate"]
    if not (total["diff_low"] > 0 or total["diff_high"] < 0):
        return ""
    parts = stats.loc[cols]
    clear = parts[((parts["diff_low"] > 0) | (parts["diff_high"] < 0))
                  & (parts["diff_mean"].abs() >= 0.001)]
    clear = clear.reindex(clear["diff_mean"].abs().sort_values(ascending=False).index)
    if clear.empty:
        return ""
    from ..i18n import field_label

    def pts(x: float) -> str:
        return f"{100 * x:+.1f}"

    change = float(total["diff_mean"])
    field = {c[len("utility_from."):]: r for c, r in clear.iterrows()}
    named = [(f, float(r["diff_mean"])) for f, r in field.items()
             if r["diff_mean"] * change > 0][:top]  # the fields that moved with the total
    offset = [(f, float(r["diff_mean"])) for f, r in field.items()
              if r["diff_mean"] * change < 0][:2]  # ... and the largest against it

    def event_part(fields: tuple[str, ...]) -> float:
        return float(sum(parts.loc[f"utility_from.{f}", "diff_mean"] for f in fields
                         if f"utility_from.{f}" in parts.index))

    med, tests = event_part(("medications",)), event_part(("test_results", "imaging"))
    if lang == "zh":
        lst = "，".join(f"{field_label(f, 'zh')}{pts(v)}" for f, v in named)
        off = ("；被" + "，".join(f"{field_label(f, 'zh')}{pts(v)}" for f, v in offset)
               + "部分抵消" if offset else "")
        return (f"诊疗信息{'增加' if change > 0 else '减少'}{abs(100 * change):.1f}个百分点，"
                f"主要来自：{lst}{off}。避免的事件只取决于部分字段：避免的药物不良事件取决于"
                f"用药记录（{pts(med)}个百分点），避免的重复检查取决于检验结果和影像检查"
                f"（{pts(tests)}个百分点），因此不必与诊疗信息总体同向变化。")
    lst = ", ".join(f"{field_label(f)} {pts(v)}" for f, v in named)
    off = ("; partly offset by " + ", ".join(f"{field_label(f)} {pts(v)}" for f, v in offset)
           if offset else "")
    return (f"Clinical information {'rises' if change > 0 else 'falls'} by "
            f"{abs(100 * change):.1f} points, most of it from {lst}{off}. The avoided events "
            f"follow only some fields: adverse drug events averted follow medications "
            f"({pts(med)} points), repeat tests avoided follow test results and imaging "
            f"({pts(tests)}), so they need not move with clinical information overall.")
