"""Benchmark of the simulation core (issue 8 targets).

    python benchmarks/bench_core.py            # full: includes 1,000,000 residents × 365 days
    python benchmarks/bench_core.py --quick    # skip the million-resident runs
    python benchmarks/bench_core.py --json out.json
    python benchmarks/bench_core.py --against 7013dac   # ratios against a revision

``--against REV`` checks ``REV`` out in a temporary git worktree and times it and the
current code in the same sitting, alternately (old, new, new, old, ...), each round in a
fresh process with one warm-up run, so that a machine that is slower now than an hour ago
slows both: it reports each side's median and the ratio old / new (above 1: the current
code is faster), with the spread of the per-round ratios.

Measures, on this machine:

* the default scenario (declared defaults = status quo, 10,000 residents, 365 days), one
  replication through the public path ``sim.run`` (outcomes, daily table, group tables)
  and through ``HealthDataModel(...).run()``: median and best of several seeds; target
  ≤ 0.15 s via ``sim.run``;
* the 2025 plan at the same size; target ≤ 0.2 s;
* the time per phase of the day (``model.profile()``), to show where a run goes;
* the same resident mechanisms written the plain Mesa way (one ``mesa.Agent`` per
  resident, ``benchmarks/plain_mesa.py``) at 10,000 residents: the ratio of the residents'
  phases (care events, recording, clinical access, trust and consent; target ≥ 100×) and of
  the whole run (attacks and the ledger are the same code in both);
* 1,000,000 residents × 365 days in a fresh process: wall time and peak resident memory;
  target ≤ 8 s and ≤ 1 GB.

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
from sim.world.model import HealthDataModel  # noqa: E402

RESIDENT_PHASES = ("care_events", "recording_and_sharing", "clinical_access",
                   "trust_and_consent")


def time_public(scenario, seeds) -> dict:
    """One replication through ``sim.run`` per seed (what a user calls)."""
    total = []
    for s in seeds:
        t0 = time.perf_counter()
        sim.run(scenario, seed=s)
        total.append(time.perf_counter() - t0)
    return {"n": len(seeds), "total_median_s": statistics.median(total),
            "total_best_s": min(total), "total_all_s": total}


def time_runs(factory, seeds) -> dict:
    init, run, phases = [], [], []
    for s in seeds:
        t0 = time.perf_counter()
        m = factory(s)
        t1 = time.perf_counter()
        m.run()
        t2 = time.perf_counter()
        init.append(t1 - t0)
        run.append(t2 - t1)
        phases.append(dict(m.phase_seconds))
    total = [a + b for a, b in zip(init, run, strict=True)]
    phase_median = {k: statistics.median(p[k] for p in phases) for k in phases[0]}
    return {"n": len(seeds), "init_median_s": statistics.median(init),
            "run_median_s": statistics.median(run), "total_median_s": statistics.median(total),
            "total_best_s": min(total), "total_all_s": total, "phases_median_s": phase_median,
            "resident_phases_median_s": sum(phase_median[k] for k in RESIDENT_PHASES)}


MILLION_CODE = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from sim.world.model import HealthDataModel
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


AGAINST_CODE = """
import json, sys, time
sys.path.insert(0, {root!r})
import sim
assert sim.__file__.startswith({root!r}), sim.__file__  # this tree's code, not another
out = {{}}
for name in {cases!r}:
    sim.run(name, seed=10_000)  # warm-up: imports, caches, compiled code
    times = []
    for s in {seeds!r}:
        t0 = time.perf_counter()
        sim.run(name, seed=s)
        times.append(time.perf_counter() - t0)
    out[name or "default"] = times
print(json.dumps(out))
"""

#: what ``--against`` times: the declared defaults and the 2025 plan, via ``sim.run``
AGAINST_CASES = (None, "national_plan_2025")


def _time_tree(root: Path, seeds: list[int]) -> dict[str, list[float]]:
    code = AGAINST_CODE.format(root=str(root), cases=AGAINST_CASES, seeds=seeds)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=3600)
    if out.returncode:
        raise RuntimeError(f"timing {root} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def against(rev: str, rounds: int = 6, seeds: int = 3) -> dict:
    """Time revision ``rev`` and the current code alternately; medians and ratios."""
    import tempfile

    root = HERE.parent
    try:
        sha = subprocess.run(["git", "-C", str(root), "rev-parse", "--verify",
                              f"{rev}^{{commit}}"], capture_output=True, text=True,
                             check=True).stdout.strip()
    except (subprocess.CalledProcessError, FileNotFoundError):
        raise ValueError(f"--against: {rev!r} is not a revision of {root} "
                         "(give a commit, tag or branch)") from None
    with tempfile.TemporaryDirectory(prefix="bench-against-") as tmp:
        tree = Path(tmp) / sha[:12]
        subprocess.run(["git", "-C", str(root), "worktree", "add", "--detach", "--quiet",
                        str(tree), sha], check=True)
        try:
            times: dict[str, dict[str, list[float]]] = {"old": {}, "new": {}}
            per_round: dict[str, list[float]] = {}
            for r in range(rounds):
                order = (("old", tree), ("new", root))
                got = {}
                for side, where in (order if r % 2 == 0 else order[::-1]):
                    print(f"round {r + 1}/{rounds}: {side} ({where.name}) ...", flush=True)
                    got[side] = _time_tree(where, list(range(seeds)))
                    for case, ts in got[side].items():
                        times[side].setdefault(case, []).extend(ts)
                for case in got["new"]:
                    per_round.setdefault(case, []).append(
                        statistics.median(got["old"][case]) / statistics.median(got["new"][case]))
        finally:
            subprocess.run(["git", "-C", str(root), "worktree", "remove", "--force",
                            str(tree)], check=False)
    return {"against": rev, "against_sha": sha, "rounds": rounds, "seeds_per_round": seeds,
            "cases": {case: {"old_median_s": statistics.median(times["old"][case]),
                             "new_median_s": statistics.median(times["new"][case]),
                             "speedup": (statistics.median(times["old"][case])
                                         / statistics.median(times["new"][case])),
                             "speedup_per_round": per_round[case]}
                      for case in times["new"]}}


def print_against(res: dict) -> None:
    print(f"\nagainst {res['against']} ({res['against_sha'][:10]}), {res['rounds']} rounds "
          f"× {res['seeds_per_round']} seeds, alternating, via sim.run (10,000 × 365):")
    print(f"{'case':24s} {'old s':>8s} {'new s':>8s} {'old/new':>8s}  per round")
    for case, d in res["cases"].items():
        spread = f"{min(d['speedup_per_round']):.2f}-{max(d['speedup_per_round']):.2f}"
        print(f"{case:24s} {d['old_median_s']:8.3f} {d['new_median_s']:8.3f} "
              f"{d['speedup']:8.2f}  {spread}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="skip the 1,000,000-resident runs")
    ap.add_argument("--seeds", type=int, default=5, help="seeds for the 10,000 runs")
    ap.add_argument("--json", type=Path, default=None, help="also write results here")
    ap.add_argument("--against", metavar="REV", default=None,
                    help="time revision REV and the current code alternately; ratios")
    ap.add_argument("--rounds", type=int, default=6, help="--against: alternating rounds")
    args = ap.parse_args(argv)
    if args.against:
        if args.rounds < 1 or args.seeds < 1:
            print("bench_core: --rounds and --seeds must be at least 1", file=sys.stderr)
            return 2
        try:
            res = against(args.against, rounds=args.rounds, seeds=args.seeds)
        except ValueError as e:
            print(f"bench_core: {e}", file=sys.stderr)
            return 2
        print_against(res)
        if args.json:
            args.json.write_text(json.dumps(res, indent=2))
        return 0
    seeds = list(range(args.seeds))
    res: dict = {"machine": {"python": platform.python_version(), "numpy": np.__version__,
                             "mesa": __import__("mesa").__version__, "sim": sim.__version__,
                             "cpu": platform.processor() or platform.machine()}}
    print("timing the default scenario and the 2025 plan (10,000 residents, 365 days) ...",
          flush=True)
    res["default_10k_public"] = time_public(None, seeds)
    res["plan_10k_public"] = time_public("national_plan_2025", seeds)
    res["default_10k"] = time_runs(lambda s: HealthDataModel(seed=s), seeds)
    res["plan_10k"] = time_runs(lambda s: HealthDataModel("national_plan_2025", seed=s), seeds)
    print("timing the plain-Mesa residents (one Agent each) ...", flush=True)
    from plain_mesa import PlainMesaModel

    res["plain_mesa_10k"] = time_runs(lambda s: PlainMesaModel(seed=s), seeds[:2])
    res["plain_over_columns"] = (res["plain_mesa_10k"]["total_median_s"]
                                 / res["default_10k"]["total_median_s"])
    res["plain_over_columns_residents"] = (res["plain_mesa_10k"]["resident_phases_median_s"]
                                           / res["default_10k"]["resident_phases_median_s"])
    if not args.quick:
        print("timing 1,000,000 residents × 365 days (fresh process) ...", flush=True)
        res["default_1m"] = million()
        res["plan_1m"] = million(scenario="national_plan_2025")
    print()
    print(f"{'case':40s} {'median s':>9s} {'best s':>9s}  target")
    for key, label, target in (
            ("default_10k_public", "default, 10k × 365, sim.run", 0.15),
            ("default_10k", "default, 10k × 365, model.run", None),
            ("plan_10k_public", "national_plan_2025, 10k × 365, sim.run", 0.2),
            ("plan_10k", "national_plan_2025, 10k × 365, model.run", None)):
        d = res[key]
        verdict = "" if target is None else (
            f"≤ {target} s  {'met' if d['total_median_s'] <= target else 'MISSED'}")
        print(f"{label:40s} {d['total_median_s']:9.3f} {d['total_best_s']:9.3f}  {verdict}")
    d = res["plain_mesa_10k"]
    ratio = res["plain_over_columns_residents"]
    print(f"{'plain Mesa residents, 10k × 365':40s} {d['total_median_s']:9.3f} "
          f"{d['total_best_s']:9.3f}  residents' phases {ratio:.0f}× slower "
          f"(≥ 100×: {'met' if ratio >= 100 else 'MISSED'}); whole run "
          f"{res['plain_over_columns']:.1f}×")
    print("\nwhere a default run goes (median seconds per phase):")
    for k, v in res["default_10k"]["phases_median_s"].items():
        print(f"  {k:28s} {v:7.3f}")
    for key, label in (("default_1m", "default, 1M × 365"), ("plan_1m", "national_plan_2025, 1M")):
        if key in res:
            d = res[key]
            ok = d["total_s"] <= 8 and d["peak_rss_mb"] <= 1024
            print(f"{label:40s} {d['total_s']:9.1f} {'':9s}  ≤ 8 s, ≤ 1 GB: "
                  f"peak {d['peak_rss_mb']:.0f} MB  {'met' if ok else 'MISSED'}")
    if args.json:
        args.json.write_text(json.dumps(res, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
