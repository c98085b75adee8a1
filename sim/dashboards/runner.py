"""Runs for the dashboards: a warm pool of worker processes, progress, and a cache.

A dashboard asks for replications of one or two scenarios on the same seeds. The
:class:`Runner` keeps worker processes alive between clicks (starting them costs more than
a small run), reports progress as runs finish, and returns cached results when the same
inputs come back.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, as_completed

from ..engines import SerialExecutor, default_workers, process_pool
from ..experiment import (
    CompareResult,
    RunResult,
    assemble_result,
    paired_differences,
    replication_seed,
    run_params,
)
from ..scenario import Scenario

__all__ = ["Runner"]


class Runner:
    """Runs replications in a pool kept warm between requests, with a result cache.

    Args:
        workers: worker processes (default: the available cores); 0 runs in this process.
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = default_workers() if workers is None else workers
        self._pool: Executor | None = None
        self._cache: dict[tuple, RunResult] = {}
        self._lock = threading.Lock()

    def _executor(self) -> Executor:
        if self.workers == 0:
            return SerialExecutor()
        if self._pool is None:
            self._pool = process_pool(self.workers)
            atexit.register(self.close)
        return self._pool

    def close(self) -> None:
        """Stop the worker processes."""
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def run_many(self, scenarios: Sequence[Scenario], seed: int, reps: int,
                 progress: Callable[[int, int], None] | None = None,
                 partial: Callable[[list[RunResult]], None] | None = None,
                 ) -> list[RunResult]:
        """Replications of each scenario on the same seeds (cached per scenario).

        Replications are submitted in order (replication 0 of every scenario first), so
        complete sets arrive early; ``partial`` is called with the results so far each time
        another replication is complete for every scenario (from the second one on).
        """
        with self._lock:
            keys = [(s.name, s.sha256, seed, reps) for s in scenarios]
            todo = [(i, s) for i, (s, k) in enumerate(zip(scenarios, keys, strict=True))
                    if k not in self._cache]
            total = len(todo) * reps
            done = 0
            if progress:
                progress(done, total)
            if todo:
                ex = self._executor()
                futs = {}
                for rep in range(reps):
                    for i, s in todo:
                        f = ex.submit(run_params, s.name, dict(s.params),
                                      replication_seed(seed, rep), rep)
                        futs[f] = (i, rep)
                parts: dict[int, list] = {i: [] for i, _ in todo}
                complete = 0
                for f in as_completed(futs):
                    i, rep = futs[f]
                    parts[i].append((rep, *f.result()))
                    done += 1
                    if progress:
                        progress(done, total)
                    reps_done = [{r for r, *_ in parts[j]} for j, _ in todo]
                    common = set.intersection(*reps_done)
                    if partial and len(common) > complete and 2 <= len(common) < reps:
                        complete = len(common)
                        partial([self._cache.get(k) or assemble_result(
                            s, seed, [p for p in parts.get(j, []) if p[0] in common])
                            for j, (s, k) in enumerate(zip(scenarios, keys, strict=True))])
                for i, s in todo:
                    self._cache[keys[i]] = assemble_result(s, seed, parts[i])
            return [self._cache[k] for k in keys]

    def compare(self, a: Scenario, b: Scenario, seed: int, reps: int,
                progress: Callable[[int, int], None] | None = None,
                partial: Callable[[CompareResult], None] | None = None) -> CompareResult:
        """Baseline ``a`` against reform ``b`` on the same seeds (paired differences).

        ``partial`` receives a provisional comparison on the replications complete so far.
        """
        def on_partial(results):
            ra, rb = results
            partial(CompareResult(a=ra, b=rb, differences=paired_differences(ra.runs, rb.runs)))

        ra, rb = self.run_many([a, b], seed, reps, progress, on_partial if partial else None)
        return CompareResult(a=ra, b=rb, differences=paired_differences(ra.runs, rb.runs))
