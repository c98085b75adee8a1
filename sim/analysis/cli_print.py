"""What the command line prints: numbers, a run's summary, a comparison, a profile."""

from __future__ import annotations

import math
from typing import Any

from ..experiments.changes import row_change
from ..world.outcomes import OUTCOMES, direction_arrow

__all__ = ["format_default", "format_number", "print_compare", "print_profile",
           "print_robustness", "print_summary"]


def format_default(v: Any) -> str:
    """A declared default as the command line shows it."""
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, list):
        return "[" + ",".join(v) + "]"
    return str(v)


def format_number(x: float | None) -> str:
    """A number for a table: thousands separated, three decimals below 10, "-" if missing."""
    if x is None or not math.isfinite(x):
        return "-"
    ax = abs(x)
    if ax >= 1000:
        return f"{x:,.0f}"
    if ax >= 10:
        return f"{x:.1f}"
    if ax >= 0.01 or ax == 0:
        return f"{x:.3f}"
    return f"{x:.2e}"


_fmt = format_number


def print_summary(scen, summary, seed: int, reps: int) -> None:
    """One scenario's outcomes: mean and 95% interval, with the direction that is better."""
    print(f"{scen.name}: seed {seed}, {reps} replication(s), "
          f"{scen.params['n_residents']:,} residents, {scen.params['n_days']} days")
    print(f"{'outcome':34s} {'mean':>12s}  {'95% interval':>25s}  unit")
    for name, r in summary.iterrows():
        arrow = direction_arrow(r.direction, " ")
        ci = f"[{_fmt(r.ci_low)}, {_fmt(r.ci_high)}]" if math.isfinite(r.ci_low) else ""
        why = OUTCOMES[name].pinned_reason(scen.params) if name in OUTCOMES else None
        if why or not math.isfinite(r["mean"]):
            print(f"{arrow} {name:32s} {_fmt(r['mean']):>12s}  — "
                  f"{why or 'not measured in these runs'}")
            continue
        print(f"{arrow} {name:32s} {_fmt(r['mean']):>12s}  {ci:>25s}  {r.unit}")


def print_compare(a, b, diffs, seed: int, reps: int) -> None:
    """Paired differences B − A with their intervals, and whether B is better."""
    print(f"A = {a.name}   B = {b.name}   (paired on the same {reps} seeds from seed {seed}; "
          f"{a.params['n_residents']:,} residents, {a.params['n_days']} days)")
    print(f"{'outcome':32s} {'A':>11s} {'B':>11s} {'B − A':>11s}  {'95% interval':>24s}  "
          "B is")
    for name, r in diffs.iterrows():
        if not r.headline:
            continue
        arrow = direction_arrow(r.direction, " ")
        if r.note:
            print(f"{arrow} {name:30s} {_fmt(r.mean_a):>11s} {_fmt(r.mean_b):>11s}  — {r.note}")
            continue
        ci = f"[{_fmt(r.diff_low)}, {_fmt(r.diff_high)}]" if math.isfinite(r.diff_low) else ""
        change = row_change(r)  # the one rule: the interval and the outcome's margin
        if change in ("higher", "lower"):
            verdict = ("better" if r.b_better is True else "worse" if r.b_better is False
                       else change)
        else:
            verdict = "unclear" if change == "unclear" else "no clear change"
        print(f"{arrow} {name:30s} {_fmt(r.mean_a):>11s} {_fmt(r.mean_b):>11s} "
              f"{_fmt(r.diff_mean):>11s}  {ci:>24s}  {verdict}")


def print_robustness(rob) -> None:
    """The robustness stage: each headline outcome across the plausible worlds."""
    from ..world.outcomes import OUTCOMES

    print(f"\nAcross the plausible worlds ({rob.run_size_text()}):")
    print(f"{'outcome':32s} {'verdict':16s} {'better':>6s} {'worse':>6s} {'none':>5s}  "
          f"{'B − A, 5-95% of worlds':>26s}  decided by")
    for name, r in rob.table.iterrows():
        if name in OUTCOMES and not OUTCOMES[name].headline:
            continue
        arrow = direction_arrow(r.direction, " ")
        if r.verdict == "not compared":
            print(f"{arrow} {name:30s} not compared: {r.note}")
            continue
        verdict = f"robust: {r.change}" if r.verdict == "robust" else r.verdict
        spread = f"[{_fmt(r.effect_p05)}, {_fmt(r.effect_p95)}]"
        print(f"{arrow} {name:30s} {verdict:16s} {r.better:6d} {r.worse:6d} "
              f"{r.no_clear_change:5d}  {spread:>26s}  "
              f"{', '.join(r.decided_by) or '-'}")
    print("\nIn words:")
    for name, r in rob.table.iterrows():
        if name in OUTCOMES and OUTCOMES[name].headline and r.verdict != "not compared":
            print(f"  {r.label}: {r.summary}")
    print("(each world's change is its replication shrunk toward the mean over worlds for "
          "the replication noise measured at the arms' own values)")
    held = rob.settings.get("held") or {}
    if held:
        print("Held as set (not sampled): " + "; ".join(f"{k} ({v})" for k, v in held.items()))


def print_profile(scen, seed: int) -> None:
    """Run replication 0 once more and print the seconds spent in each phase of the day."""
    import time

    from ..experiments.experiment import replication_seed
    from ..world.model import HealthDataModel

    t0 = time.perf_counter()
    model = HealthDataModel(scen, seed=replication_seed(seed, 0))
    t1 = time.perf_counter()
    model.run()
    t2 = time.perf_counter()
    print(f"\nprofile of replication 0: set-up {t1 - t0:.3f} s, {model.n_days} days "
          f"{t2 - t1:.3f} s")
    for r in model.profile().itertuples():
        print(f"  {r.phase:28s} {r.seconds:8.3f} s  {100 * r.share:5.1f}%")
