"""What partitions of one country pay to run in lockstep on a Dask cluster (docs/scale.md).

    python benchmarks/bench_lockstep.py                       # 2 partitions of 100,000
    python benchmarks/bench_lockstep.py --partitions 4 --residents 50000 --days 120

A run of the represented 1.41 billion would be split by province (``docs/scale.md``): each
partition holds its residents and their records, and the partitions must meet once a day,
because the attack phase is national (one attacker population, targets drawn from every
institution's holdings, incidents that expose residents of several provinces). This measures
that meeting on a local cluster: each of ``--partitions`` Dask actors holds a model of
``--residents`` residents; every simulated day the coordinator sends each one the day's
message, the partition steps its day and returns what the national phases need from it
(its store counts, the day's exposures and clinical totals). The same models run free (one
task each, no meeting) give the reference; the difference is the cost of meeting per day.

It is a proxy: the partitions here are independent models, so the messages have the size
and the number a partitioned run would exchange, not its content.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


class Partition:
    """One partition's model, stepped a day at a time by the coordinator."""

    def __init__(self, residents: int, days: int, seed: int) -> None:
        from sim.world.model import HealthDataModel

        self.model = HealthDataModel(seed=seed, n_residents=residents, n_days=days)

    def step_day(self, message: bytes) -> bytes:
        """Step one day; return what the national phases read from this partition."""
        m = self.model
        m.step()
        led = m.ledger
        d = m.day - 1
        return pickle.dumps({
            "store_counts": m.records.store_counts(),
            "records_exposed": int(led.daily_records[d]),
            "incidents": int(led.daily_breaches[d] + led.daily_insider[d]),
            "totals": dict(m.totals),
        })


def run_free(residents: int, days: int, seed: int) -> float:
    """A partition's model run through without meeting anyone (seconds)."""
    from sim.world.model import HealthDataModel

    t0 = time.perf_counter()
    HealthDataModel(seed=seed, n_residents=residents, n_days=days).run()
    return time.perf_counter() - t0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--partitions", type=int, default=2)
    ap.add_argument("--residents", type=int, default=100_000, help="per partition")
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)

    from dask.distributed import Client, LocalCluster

    out: dict = {"partitions": args.partitions, "residents_per_partition": args.residents,
                 "days": args.days, "workers": args.workers}
    with LocalCluster(n_workers=args.workers, threads_per_worker=1, host="127.0.0.1",
                      dashboard_address=None, processes=True) as cluster, \
            Client(cluster) as client:
        # warm every worker (imports, compiled kernels loaded from the disk cache)
        client.run(lambda: run_free(500, 3, 0))
        seeds = range(args.partitions)
        t0 = time.perf_counter()
        free = client.gather([client.submit(run_free, args.residents, args.days, s, pure=False)
                              for s in seeds])
        out["free_wall_s"] = time.perf_counter() - t0
        out["free_run_s"] = free

        actors = [client.submit(Partition, args.residents, args.days, s, actor=True,
                                pure=False).result() for s in seeds]
        message = pickle.dumps({"incidents": [(0, 0.0)] * 40})  # a day's national incidents
        sent = received = 0
        meet = []
        t0 = time.perf_counter()
        for _ in range(args.days):
            t_day = time.perf_counter()
            replies = [f.result() for f in [a.step_day(message) for a in actors]]
            meet.append(time.perf_counter() - t_day)
            sent += len(message) * len(actors)
            received += sum(len(r) for r in replies)
        out["lockstep_wall_s"] = time.perf_counter() - t0
        out["bytes_sent_per_day"] = sent / args.days
        out["bytes_received_per_day"] = received / args.days
        del actors

    waves = -(-args.partitions // args.workers)  # partitions a worker steps one after another
    per_day_free = out["free_wall_s"] / args.days
    out["meeting_cost_per_day_ms"] = 1e3 * (out["lockstep_wall_s"] - out["free_wall_s"]) / args.days
    print(f"{args.partitions} partitions × {args.residents:,} residents × {args.days} days on "
          f"{args.workers} workers ({waves} partition(s) per worker in turn)")
    print(f"  free (no meeting):   {out['free_wall_s']:7.2f} s  "
          f"({1e3 * per_day_free:.1f} ms a day)")
    print(f"  lockstep (daily):    {out['lockstep_wall_s']:7.2f} s")
    print(f"  meeting cost:        {out['meeting_cost_per_day_ms']:7.2f} ms a simulated day")
    print(f"  exchanged a day:     {out['bytes_sent_per_day'] / 1e3:.1f} kB out, "
          f"{out['bytes_received_per_day'] / 1e3:.1f} kB back")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
