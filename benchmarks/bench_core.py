"""Benchmark of the simulation core (issue #2 targets).

    python benchmarks/bench_core.py            # full: includes 1,000,000 residents × 365 days
    python benchmarks/bench_core.py --quick    # skip the million-resident run
    python benchmarks/bench_core.py --json out.json

Measures, on this machine:

* the default scenario (declared defaults = status quo, 10,000 residents, 365 days):
  wall time per run (median and best of several seeds); target ≤ 0.5 s;
* the 2025 plan at the same size (more sharing, more attack surface);
* the same resident mechanisms written the plain Mesa way (one ``mesa.Agent`` per
  resident, ``benchmarks/plain_mesa.py``) at 10,000 residents, and the ratio;
* 1,000,000 residents × 365 days in a fresh process: wall time and peak resident memory;
  target ≤ 60 s and ≤ 2 GB.

Timings follow Mesa's benchmark practice: model construction and the run are timed
separately, several seeds, report median and best.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import numpy as np  # noqa: E402

import sim  # noqa: E402
from sim.model import HealthDataModel  # noqa: E402


def time_runs(factory, seeds) -> dict:
    init, run = [], []
    for s in seeds:
        t0 = time.perf_counter()
        m = factory(s)
        t1 = time.perf_counter()
        m.run()
        t2 = time.perf_counter()
        init.append(t1 - t0)
        run.append(t2 - t1)
    total = [a + b for a, b in zip(init, run, strict=True)]
    return {"n": len(seeds), "init_median_s": statistics.median(init),
            "run_median_s": statistics.median(run), "total_median_s": statistics.median(total),
            "total_best_s": min(total), "total_all_s": total}


MILLION_CODE = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from sim.model import HealthDataModel
t0 = time.perf_counter()
m = HealthDataModel(seed=1, n_residents=1_000_000, n_days={days})
t1 = time.perf_counter()
s = m.run()
t2 = time.perf_counter()
print(json.dumps({{"init_s": t1 - t0, "run_s": t2 - t1, "total_s": t2 - t0,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "utility_rate": s["utility_rate"],
                  "residents_exposed_rate": s["residents_exposed_rate"]}}))
"""


def million(days: int = 365, scenario: str | None = None) -> dict:
    code = MILLION_CODE.format(root=str(HERE.parent), days=days)
    if scenario:
        code = code.replace("HealthDataModel(seed=1,", f"HealthDataModel({scenario!r}, seed=1,")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=1800)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="skip the 1,000,000-resident runs")
    ap.add_argument("--seeds", type=int, default=5, help="seeds for the 10,000 runs")
    ap.add_argument("--json", type=Path, default=None, help="also write results here")
    args = ap.parse_args(argv)
    seeds = list(range(args.seeds))
    res: dict = {"machine": {"python": platform.python_version(), "numpy": np.__version__,
                             "mesa": __import__("mesa").__version__, "sim": sim.__version__,
                             "cpu": platform.processor() or platform.machine()}}
    print("timing the default scenario (10,000 residents, 365 days) ...", flush=True)
    res["default_10k"] = time_runs(lambda s: HealthDataModel(seed=s), seeds)
    res["plan_10k"] = time_runs(lambda s: HealthDataModel("national_plan_2025", seed=s), seeds)
    print("timing the plain-Mesa residents (one Agent each) ...", flush=True)
    from plain_mesa import PlainMesaModel

    res["plain_mesa_10k"] = time_runs(lambda s: PlainMesaModel(seed=s), seeds[:2])
    res["plain_over_columns"] = (res["plain_mesa_10k"]["total_median_s"]
                                 / res["default_10k"]["total_median_s"])
    if not args.quick:
        print("timing 1,000,000 residents × 365 days (fresh process) ...", flush=True)
        res["default_1m"] = million()
        res["plan_1m"] = million(scenario="national_plan_2025")
    print()
    print(f"{'case':34s} {'median s':>9s} {'best s':>9s}  target")
    d = res["default_10k"]
    print(f"{'default, 10k × 365':34s} {d['total_median_s']:9.3f} {d['total_best_s']:9.3f}  "
          f"≤ 0.5 s  {'met' if d['total_median_s'] <= 0.5 else 'MISSED'}")
    d = res["plan_10k"]
    print(f"{'national_plan_2025, 10k × 365':34s} {d['total_median_s']:9.3f} "
          f"{d['total_best_s']:9.3f}")
    d = res["plain_mesa_10k"]
    print(f"{'plain Mesa residents, 10k × 365':34s} {d['total_median_s']:9.3f} "
          f"{d['total_best_s']:9.3f}  ratio plain/columns = {res['plain_over_columns']:.1f}×")
    for key, label in (("default_1m", "default, 1M × 365"), ("plan_1m", "national_plan_2025, 1M")):
        if key in res:
            d = res[key]
            ok = d["total_s"] <= 60 and d["peak_rss_mb"] <= 2048
            print(f"{label:34s} {d['total_s']:9.1f} {'':9s}  ≤ 60 s, ≤ 2 GB: "
                  f"peak {d['peak_rss_mb']:.0f} MB  {'met' if ok else 'MISSED'}")
    if args.json:
        args.json.write_text(json.dumps(res, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
