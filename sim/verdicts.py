"""Plain-language verdicts on a paired comparison (reform − baseline), intervals first.

:func:`comparison_verdict` writes the headline sentences for a comparison,
:func:`describe_change` one outcome's change in words and :func:`claim_verdict` whether a
claim's predictions are borne out. Each reads
:attr:`sim.experiment.CompareResult.differences`; a change whose 95% interval includes zero
is called "no clear change".
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from .i18n import outcome_label, verdict_text

__all__ = ["claim_verdict", "clear_change", "comparison_verdict", "describe_change"]

#: the smallest change worth a word: 1% of the baseline's value, and for shares at least
#: 0.1 percentage point (a trust change of +0.00015 is not "better", however sure)
MEANINGFUL_RELATIVE = 0.01
MEANINGFUL_SHARE = 0.001


def _fmt_count(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 10 else f"{x:,.1f}"


def clear_change(r) -> bool:
    """Whether a paired difference row is a change worth reporting.

    Its 95% interval excludes zero, and its mean is at least 1% of the baseline's value
    (for 0-1 shares, at least 0.1 percentage point).
    """
    lo, hi, mean = r.diff_low, r.diff_high, r.diff_mean
    if not (np.isfinite(lo) and np.isfinite(hi)) or not (lo > 0 or hi < 0):
        return False
    base = abs(r.mean_a) if np.isfinite(r.mean_a) else 0.0
    floor = MEANINGFUL_SHARE if str(r.get("unit", "")).startswith("share") else 0.0
    return abs(mean) >= max(MEANINGFUL_RELATIVE * base, floor)


def comparison_verdict(differences: pd.DataFrame, baseline: str | None = None,
                       reform: str | None = None, lang: str = "en") -> list[str]:
    """Plain-language sentences for a paired comparison (reform − baseline), intervals first.

    The first sentence is the headline, in one convention (residents per 100,000 and
    percentage points): e.g. "Compared with the baseline, the reform exposes 2,140 fewer
    residents per 100,000 [1,900, 2,380] and gives clinicians 3.1 percentage points less of
    the information they need [2.6, 3.6] (69% → 66%)." Later sentences cover emergencies away from
    home, harm, insider incidents, function creep and broker dossiers. A change whose 95%
    interval includes zero, or that is too small to matter (:func:`clear_change`), is
    called "no clear change"; intervals are cut at what is possible (a share cannot pass 0
    or 100%).

    Args:
        differences: :attr:`sim.experiment.CompareResult.differences`.
        baseline: how to name the baseline (default: "the baseline", in ``lang``).
        reform: how to name the reform (sentence start; default "The reform").
        lang: ``"en"`` or ``"zh"`` (Simplified Chinese; :mod:`sim.i18n`).
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
