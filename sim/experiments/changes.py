"""Whether a paired change is clear: the one rule every verdict uses.

A change (reform − baseline) is ``"higher"`` or ``"lower"`` when its 95% interval excludes zero
*and* it is at least the outcome's equivalence margin
(:meth:`sim.world.outcomes.Outcome.margin`); ``"none"`` (no clear change) when its interval lies
within ± the margin (equivalence, as in a TOST); ``"unclear"`` otherwise. The comparison, the
robustness stage, the verdicts (:mod:`sim.analysis.verdicts`), the frontier and the app all
classify changes with :func:`change_class`; the words for them are in
:mod:`sim.analysis.verdicts`.
"""

from __future__ import annotations

import math
from typing import Literal

from ..world.outcomes import MARGIN_RELATIVE, MARGIN_SHARE, OUTCOMES

__all__ = ["Change", "change_class", "clear_change", "margin_of", "row_change"]

#: a change's class: up or down by at least the margin (and clear of zero), within the
#: margin, or as large as the margin but within the replication noise
Change = Literal["higher", "lower", "none", "unclear"]


def margin_of(outcome: str, baseline: float, unit: str = "") -> float:
    """The equivalence margin of ``outcome`` at ``baseline`` (:meth:`Outcome.margin`).

    An outcome not in the registry (an old table) gets the default rule, read from
    ``unit``.
    """
    if outcome in OUTCOMES:
        return OUTCOMES[outcome].margin(baseline)
    base = abs(baseline) if math.isfinite(baseline) else 0.0
    floor = MARGIN_SHARE if str(unit).startswith("share") else 0.0
    return max(MARGIN_RELATIVE * base, floor)


def change_class(mean: float, margin: float, low: float | None = None,
                 high: float | None = None) -> Change:
    """The one rule: is a change ``"higher"``, ``"lower"``, ``"none"`` or ``"unclear"``?

    Args:
        mean: the mean change (reform − baseline).
        margin: the outcome's equivalence margin (:func:`margin_of`).
        low: the lower end of the change's 95% interval over paired replications;
            ``None`` for a single estimate (one plausible world), judged on the margin alone.
        high: its upper end.

    Returns:
        ``"higher"``/``"lower"`` when ``|mean| ≥ margin`` and the interval (if given)
        excludes zero; ``"none"`` (no clear change) when the interval lies within
        ``± margin``, or, with no interval (or one that could not be computed), when
        ``|mean| < margin``; ``"unclear"`` otherwise: a change as large as the margin whose
        interval includes zero, or a small one whose interval reaches past the margin.
    """
    if mean is None or not math.isfinite(mean):
        return "none"
    interval = (low is not None and high is not None and math.isfinite(low)
                and math.isfinite(high))
    if abs(mean) < margin or mean == 0:
        if interval and (low < -margin or high > margin):
            return "unclear"
        return "none"
    if low is not None and high is not None and not (interval and (low > 0 or high < 0)):
        return "unclear"
    return "higher" if mean > 0 else "lower"


def row_change(r) -> Change:
    """:func:`change_class` of a row of :attr:`CompareResult.differences` (named by outcome)."""
    margin = margin_of(str(r.name), r.mean_a, r.get("unit", ""))
    return change_class(r.diff_mean, margin, r.diff_low, r.diff_high)


def clear_change(r) -> bool:
    """Whether a paired difference row is a change worth reporting (:func:`change_class`).

    Its 95% interval excludes zero, and its mean is at least the outcome's equivalence
    margin (1% of the baseline's value; for 0-1 shares, at least 0.1 percentage point).
    """
    return row_change(r) in ("higher", "lower")
