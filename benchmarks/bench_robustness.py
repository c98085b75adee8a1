"""Benchmark of the robustness stage (issue 16: the default stage should finish in well
under a minute on 2 cores; issue 19's target: 32 worlds × 2 reps × 2 arms in 15 s).

    python benchmarks/bench_robustness.py [--repeat 2] [--json FILE]

Times ``sim.experiments.robustness.robustness`` for the plan against on-device storage at the
defaults (64 worlds × 1 paired replication, at most 3,000 simulated residents, 365 days) and at
32 worlds × 2 replications (the same 128 runs), with the processes engine on every core:
drawing the worlds, running them, and judging them (the permutation tests) separately.
Also the app's stage on a warm pool (``Runner.run_many``), as the Compare tab runs it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.experiments.engines import default_workers
from sim.experiments.experiment import run_scenarios
from sim.experiments.robustness import DEFAULT_WORLDS, WORLD_REPS, judge, plan_worlds


def stage(worlds: int, reps: int, seed: int) -> dict[str, float]:
    t0 = time.perf_counter()
    plan = plan_worlds("national_plan_2025", "on_device_consent", worlds, seed, reps)
    t1 = time.perf_counter()
    results, central = plan.execute(run_scenarios)
    t2 = time.perf_counter()
    judge(plan, results, central)
    t3 = time.perf_counter()
    return {"draw_s": t1 - t0, "runs_s": t2 - t1, "judge_s": t3 - t2, "total_s": t3 - t0,
            "runs": plan.runs}


def warm_pool(worlds: int, reps: int, seed: int) -> float:
    from sim.app.dashboards.runner import Runner

    runner = Runner()
    try:
        warm = plan_worlds("status_quo", "national_plan_2025", 4, seed + 100, 1)
        runner.run_many(warm.scenarios, warm.seed, 1)  # start the workers
        plan = plan_worlds("national_plan_2025", "on_device_consent", worlds, seed, reps)
        t0 = time.perf_counter()
        judge(plan, *plan.execute(runner.run_many))
        return time.perf_counter() - t0
    finally:
        runner.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=2, help="seeds per setting (median)")
    ap.add_argument("--json", type=Path, default=None, help="write the raw numbers here")
    args = ap.parse_args()
    out = {"workers": default_workers(), "cpus": os.cpu_count(), "settings": {}}
    for worlds, reps in ((DEFAULT_WORLDS, WORLD_REPS), (32, 2), (16, 1)):
        rows = [stage(worlds, reps, seed) for seed in range(args.repeat)]
        key = f"{worlds}x{reps}"
        out["settings"][key] = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
        m = out["settings"][key]
        print(f"{worlds} worlds × {reps} rep(s) × 2 arms = {int(m['runs'])} runs: "
              f"{m['total_s']:.1f} s (draw {m['draw_s']:.2f}, runs {m['runs_s']:.1f}, "
              f"judge {m['judge_s']:.2f}; {1000 * m['runs_s'] / m['runs']:.0f} ms a run "
              f"on {out['workers']} workers)", flush=True)
    out["app_warm_pool_s"] = warm_pool(DEFAULT_WORLDS, WORLD_REPS, 0)
    print(f"the app's stage on a warm pool, {DEFAULT_WORLDS} worlds: "
          f"{out['app_warm_pool_s']:.1f} s")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
