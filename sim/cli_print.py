"""What the command line prints: numbers, a run's summary, a comparison, a profile."""

from __future__ import annotations

import math
from typing import Any

from .outcomes import direction_arrow

__all__ = ["format_default", "format_number", "print_compare", "print_profile", "print_summary"]


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
        sig = (math.isfinite(r.diff_low) and (r.diff_low > 0 or r.diff_high < 0))
        verdict = ("better" if r.b_better is True else "worse" if r.b_better is False
                   else "same") if sig else "no clear change"
        print(f"{arrow} {name:30s} {_fmt(r.mean_a):>11s} {_fmt(r.mean_b):>11s} "
              f"{_fmt(r.diff_mean):>11s}  {ci:>24s}  {verdict}")


def print_profile(scen, seed: int) -> None:
    """Run replication 0 once more and print the seconds spent in each phase of the day."""
    import time

    from .experiment import replication_seed
    from .model import HealthDataModel

    t0 = time.perf_counter()
    model = HealthDataModel(scen, seed=replication_seed(seed, 0))
    t1 = time.perf_counter()
    model.run()
    t2 = time.perf_counter()
    print(f"\nprofile of replication 0: set-up {t1 - t0:.3f} s, {model.n_days} days "
          f"{t2 - t1:.3f} s")
    for r in model.profile().itertuples():
        print(f"  {r.phase:28s} {r.seconds:8.3f} s  {100 * r.share:5.1f}%")
