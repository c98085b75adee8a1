"""Benchmark of the results store (issue 11, "One results dataset"): loading 10,000 runs.

    python benchmarks/bench_store.py                 # 10,000 runs, compacted
    python benchmarks/bench_store.py --runs 2000 --files 300

Builds a synthetic sweep folder whose rows have the columns of a real run (one real
:func:`sim.experiments.sweep.execute_task` row, ~170 columns, repeated with varied ids, outcomes,
errors and parameters), compacted into ``results.parquet`` like a finished sweep, plus
``--fresh`` runs stored since as per-run files, and times :func:`sim.experiments.store.load_results`
(best of ``--repeat``). With ``--files N`` it also times the per-run layout of N runs
(before compaction: what every load cost before issue 11) and :func:`sim.experiments.store.compact`.
Target: 10,000 runs in under one second.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import pandas as pd  # noqa: E402

#: replications per point and runs per scenario of the synthetic layout
REPS, PER_SCENARIO = 10, 5_000
FIELDS = ["name_phone", "birth_year", "sex", "region", "allergies", "medications",
          "chronic_conditions", "blood_type"]


def real_row() -> dict:
    """One real sweep row (a tiny run of the default scenario)."""
    from sim.experiments.sweep import execute_task, load_sweep

    spec = load_sweep({"name": "synthetic", "scenarios": ["status_quo"], "reps": 1,
                       "overrides": {"n_residents": 200, "n_days": 10},
                       "design": {"type": "policies", "policies": [{"name": "base"}]}})
    row, _daily = execute_task(spec.tasks()[0])
    return row


def synthetic_rows(n: int, start: int = 0, seed: int = 0) -> pd.DataFrame:
    """``n`` runs with a real row's columns; run ``i`` is point ``i // REPS`` rep ``i % REPS``."""
    from sim.experiments.store import count_columns
    from sim.world.outcomes import OUTCOMES

    rng = random.Random(seed)
    base = real_row()
    rows = []
    for i in range(start, start + n):
        r = dict(base)
        si, k = divmod(i, PER_SCENARIO)
        pi, rep = divmod(k, REPS)
        custom = pi % 4 == 3
        r.update(run_id=f"{i:020x}", scenario=f"scenario_{si}", scenario_index=si,
                 point_index=pi, point=f"point {pi}", point_id=f"{pi:016x}", rep=rep,
                 seed=1000 + rep, runtime_s=rng.uniform(1, 9), status="ok", error="")
        r["param.collection_scope"] = "custom" if custom else ["minimal", "clinical",
                                                               "maximal"][pi % 3]
        r["param.collection_fields"] = rng.sample(FIELDS, 3) if custom else []
        r["param.audit_strength"] = (pi % 10) / 10
        for name in OUTCOMES.names():
            r[name] = float(rng.randint(0, 500)) if name in count_columns() else rng.random()
        if rng.random() < 0.01:  # a failed run: its outcomes are NaN
            r.update(status="error", error="RuntimeError: synthetic failure")
            r.update(dict.fromkeys(OUTCOMES.names(), float("nan")))
        rows.append(r)
    return pd.DataFrame(rows)


def synthetic_store(out: Path, n: int, fresh: int = 0, replace: int = 0) -> Path:
    """A sweep folder of ``n`` compacted runs, ``fresh`` more as per-run files, and
    ``replace`` of the compacted runs stored again as per-run files (retried errors)."""
    from sim.experiments.store import RESULTS_FILE, ResultsFolder, _atomic_parquet, _tidy, pa_table

    out.mkdir(parents=True, exist_ok=True)
    (out / "sweep.json").write_text(json.dumps({"name": "synthetic", "sha256": "0",
                                                "runs": n + fresh}))
    _atomic_parquet(_tidy(pa_table(synthetic_rows(n))), out / RESULTS_FILE)
    folder = ResultsFolder(out)
    folder.runs_dir.mkdir(exist_ok=True)
    folder.daily_dir.mkdir(exist_ok=True)
    extra = synthetic_rows(fresh, start=n, seed=1) if fresh else pd.DataFrame()
    again = synthetic_rows(replace, seed=2).assign(status="ok", error="") if replace else \
        pd.DataFrame()
    for part in (extra, again):
        for row in part.to_dict("records"):
            folder.put(row, None)
    return out


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=10_000)
    ap.add_argument("--fresh", type=int, default=20, help="per-run files on top")
    ap.add_argument("--files", type=int, default=0,
                    help="also time N runs stored as per-run files only, and compacting them")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    from sim.experiments.store import compact, load_results

    with tempfile.TemporaryDirectory() as tmp:
        out = synthetic_store(Path(tmp) / "store", args.runs, fresh=args.fresh)
        runs = load_results(out)
        t = best(lambda: load_results(out), args.repeat)
        size = (out / "results.parquet").stat().st_size / 1e6
        print(f"load_results: {len(runs):,} runs x {runs.shape[1]} columns "
              f"({args.runs:,} compacted, {args.fresh} per-run files) in {t:.3f} s "
              f"(best of {args.repeat}); results.parquet {size:.1f} MB "
              f"[target < 1 s: {'ok' if t < 1 else 'MISSED'}]")
        if args.files:
            files = Path(tmp) / "files"
            synthetic_store(files, 0, fresh=args.files)
            (files / "results.parquet").unlink()
            t_files = best(lambda: load_results(files), 1)
            t_raw = best(lambda: pd.read_parquet(files / "runs"), 1)
            t0 = time.perf_counter()
            compact(files)
            t_compact = time.perf_counter() - t0
            t_after = best(lambda: load_results(files), args.repeat)
            print(f"{args.files:,} per-run files: load_results {t_files:.2f} s "
                  f"(pd.read_parquet(dir) {t_raw:.2f} s); compact {t_compact:.2f} s; "
                  f"load_results after compaction {t_after:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
