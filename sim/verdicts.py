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

__all__ = ["claim_verdict", "comparison_verdict", "describe_change"]


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
