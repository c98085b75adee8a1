"""Benchmark of sweep execution (issue #3 targets).

    python benchmarks/bench_sweep.py              # 200 runs of the default scenario
    python benchmarks/bench_sweep.py --runs 40    # quicker

Runs the same sweep (the default scenario, 10,000 residents, 365 days; ``--runs``
replications) with each engine into a fresh folder and reports:

* wall time per engine;
* parallel efficiency of local processes: T_serial / (workers × T_processes), target ≥ 80%;
* Dask (LocalCluster of the same number of workers) against local processes, target
  within 20%;
* overhead per run (scheduling plus storing): (wall × workers − Σ run times) / runs,
  target < 50 ms;
* that every engine stored identical numbers.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from sim.experiments.engines import default_workers, executor  # noqa: E402
from sim.experiments.sweep import load_results, load_sweep, run_sweep  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--workers", type=int, default=default_workers())
    ap.add_argument("--engines", default="serial,processes,dask")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    spec = load_sweep({"name": "bench", "scenarios": ["status_quo"], "reps": args.runs,
                       "seed": 1, "design": {"type": "policies", "policies": [
                           {"name": "defaults"}]}})
    tmp = Path(tempfile.mkdtemp(prefix="bench_sweep_"))
    res = {"runs": args.runs, "workers": args.workers, "engines": {}}
    tables = {}
    try:
        for engine in args.engines.split(","):
            out = tmp / engine
            workers = 1 if engine == "serial" else args.workers
            print(f"{engine} ({workers} worker(s)) ...", flush=True)
            t0 = time.perf_counter()
            r = run_sweep(spec, out, engine=engine, workers=workers, progress=False)
            wall = time.perf_counter() - t0
            runs = load_results(out)
            busy = float(runs["runtime_s"].sum())
            res["engines"][engine] = {
                "wall_s": wall, "sum_run_s": busy, "failed": r.failed,
                "overhead_ms_per_run": 1000 * (wall * workers - busy) / args.runs}
            if engine == "dask":  # what starting and stopping the local cluster costs
                t0 = time.perf_counter()
                with executor("dask", workers):
                    pass
                startup = time.perf_counter() - t0
                res["engines"][engine]["cluster_start_stop_s"] = startup
                res["engines"][engine]["overhead_ms_per_run_excl_start"] = (
                    1000 * ((wall - startup) * workers - busy) / args.runs)
            tables[engine] = runs.drop(columns=["runtime_s"])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    e = res["engines"]
    if "serial" in e and "processes" in e:
        res["parallel_efficiency"] = e["serial"]["wall_s"] / (args.workers
                                                              * e["processes"]["wall_s"])
    if "dask" in e and "processes" in e:
        res["dask_over_processes"] = e["dask"]["wall_s"] / e["processes"]["wall_s"]
    first = next(iter(tables.values()))
    res["identical"] = all(t.equals(first) for t in tables.values())
    print()
    print(f"{args.runs} runs of the default scenario, {args.workers} workers")
    for k, v in e.items():
        extra = ""
        if "cluster_start_stop_s" in v:
            extra = (f"; {v['overhead_ms_per_run_excl_start']:.1f} ms/run without the "
                     f"{v['cluster_start_stop_s']:.1f} s cluster start/stop")
        print(f"  {k:10s} wall {v['wall_s']:7.1f} s   overhead {v['overhead_ms_per_run']:6.1f} "
              f"ms/run (target < 50){extra}")
    if "parallel_efficiency" in res:
        eff = 100 * res["parallel_efficiency"]
        print(f"  parallel efficiency (processes vs serial): {eff:.0f}% (target ≥ 80%)")
    if "dask_over_processes" in res:
        print(f"  dask / processes wall time: {res['dask_over_processes']:.2f} (target ≤ 1.20)")
    print(f"  identical results across engines: {res['identical']}")
    if args.json:
        args.json.write_text(json.dumps(res, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
