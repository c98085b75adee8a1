"""Runs for the dashboards: a warm pool of workers, progress, Cancel and a cache.

A dashboard asks for replications of one or two scenarios on the same seeds. The
:class:`Runner` keeps workers alive between clicks (starting them costs more than a small
run), reports progress as runs finish, stops at once when the page cancels, and returns
cached results when the same inputs come back.

Where the runs happen:

* by default, in worker processes of this kernel (one per core). The pool is expendable: a
  worker that dies (the kernel's memory killer, a crash) breaks a ``ProcessPoolExecutor``
  for good, so the Runner replaces the pool and runs the lost replications again (at most
  :data:`MAX_RETRIES` times per request). Workers end with the process that owns them,
  however it ends (see :func:`sim.experiments.engines.exit_with_parent`); Cancel terminates them;
* on a **shared Dask cluster** when ``scheduler`` (or the environment variable
  :data:`SCHEDULER_ENV`) names one: every page of a server then shares its workers, so the
  number of worker processes is the server's, not two per page (``python -m sim app``
  starts such a cluster on this machine; any Dask cluster serves). Cancel cancels this
  page's tasks, and a task already running stops within a simulated day
  (:func:`sim.experiments.engines.task_cancelled`); Dask itself reruns the tasks of a worker
  that died.

With ``cache_dir`` (or :data:`CACHE_ENV`) complete results are also kept on disk
(:class:`~sim.app.dashboards.cache.ResultCache`), shared by every page and kept across restarts.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, CancelledError, Executor, Future, wait
from concurrent.futures.process import BrokenProcessPool, ProcessPoolExecutor
from typing import Any

from ...experiments.engines import (
    SerialExecutor,
    connect_dask,
    default_workers,
    process_pool,
    stop_pool,
)
from ...experiments.experiment import (
    CompareResult,
    RunResult,
    assemble_result,
    paired_differences,
    replication_seed,
    run_params,
)
from ...package import __version__
from ...scenario import Scenario

__all__ = ["CACHE_ENV", "MAX_RETRIES", "SCHEDULER_ENV", "Runner", "repair_note"]

#: the environment variable naming a Dask scheduler for every page's runs
SCHEDULER_ENV = "HEALTHSIM_SCHEDULER"
#: the environment variable naming a folder for results kept on disk
CACHE_ENV = "HEALTHSIM_CACHE_DIR"

#: how many times one request replaces a broken pool and re-runs the lost replications
MAX_RETRIES = 2
#: how often a request waiting for runs checks whether :meth:`Runner.close` was called (s)
POLL_S = 0.2


def _task_key(code: str, args: tuple, model: Callable[..., Any] | None = None) -> str:
    """The shared cluster's name for the run of ``run_params(*args)``.

    A hash of its inputs, of ``code``, the code version of the workers that run it, and of
    the model's name: every page asking for that run gets the one task, and workers
    restarted on other code never hand back a result of the old.
    """
    from dask.base import tokenize

    from ...plugins import model_name

    named = (model_name(model),) if model is not None else ()
    return f"run_params-{tokenize(code, *args, *named)}"


class Runner:
    """Runs replications in a pool kept warm between requests, with a result cache.

    Only complete, successful results are cached: a request that fails raises and caches
    nothing, and a scenario with any failed run (``status == "error"``) is returned (so the
    failure can be shown) but run again next time.

    Args:
        workers: worker processes of this kernel (default: the available cores); 0 runs in
            this process. Ignored with a ``scheduler``.
        scheduler: a Dask scheduler's address (``tcp://host:8786``) whose workers run every
            request (default, when ``workers`` is not given either: the
            :data:`SCHEDULER_ENV` environment variable, if set).
        cache_dir: a folder keeping complete results on disk for every Runner that uses it
            (default: the :data:`CACHE_ENV` environment variable, if set; else results are
            kept in this process only).
        model: the model class (a :class:`~sim.world.model.HealthDataModel` subclass) or
            factory ``(scenario, seed) -> model`` every run of every page uses (default: the
            built-in model), as ``model=`` of :func:`sim.run`. Worker processes and a
            shared cluster need to import it: define it in a module (``--plugin`` or
            ``sim.plugins.load``), or in the notebook before the first run. Results of a
            model of your own are cached in this process only, never on disk (the cache
            knows the package's code, not yours).
    """

    def __init__(self, workers: int | None = None, *, scheduler: str | None = None,
                 cache_dir: str | os.PathLike | None = None,
                 model: Callable[..., Any] | None = None) -> None:
        self.model = model
        self._workers = default_workers() if workers is None else workers
        if scheduler is None and workers is None:
            scheduler = os.environ.get(SCHEDULER_ENV) or None
        self.scheduler = scheduler or None
        cache_dir = cache_dir or os.environ.get(CACHE_ENV) or None
        if cache_dir and model is None:
            from .cache import ResultCache, code_version
            self.disk: ResultCache | None = ResultCache(cache_dir)
            code_version()  # now: the code this kernel (and the workers it forks) loaded
        else:
            self.disk = None
        self._runs_code: str | None = None  # the code version of the processes that run
        #: keep each resident's outcomes (winners and losers: :meth:`CompareResult.winners`)
        self.residents = True
        self._client = None  # the Dask client, once connected
        self._threads: int | None = None  # the shared cluster's threads, once asked
        self._pool: ProcessPoolExecutor | None = None
        self._cache: dict[tuple, RunResult] = {}
        self._lock = threading.Lock()  # one request at a time
        self._pool_lock = threading.Lock()  # guards _pool and _closes (close() needs no _lock)
        self._closes = 0  # bumped by close(): a request under way stops
        self._exit_hook = False
        #: what the last request had to repair: worker processes found dead (mid-run or
        #: since the last request) and replications run again because of them
        self.repaired = {"deaths": 0, "repeated": 0}

    @property
    def workers(self) -> int:
        """How many runs go at once.

        This kernel's worker processes, or the threads of the shared cluster's workers.
        """
        if self.scheduler:
            if self._threads is None:
                self._threads = max(sum(self._connect().nthreads().values()), 1)
            return self._threads
        return self._workers

    @property
    def shared(self) -> bool:
        """Whether the runs go to a shared Dask cluster (not this kernel's own workers)."""
        return bool(self.scheduler)

    def _connect(self):
        """The Dask client (connected on first use)."""
        with self._pool_lock:
            if self._client is not None and self._client.status in ("closing", "closed"):
                self._client = None  # the scheduler went away: connect again
            if self._client is None:
                self._client = connect_dask(self.scheduler, option=SCHEDULER_ENV)
                self._close_at_exit()
            return self._client

    def _close_at_exit(self) -> None:
        """Register :meth:`close` to run when the interpreter exits (once)."""
        if not self._exit_hook:
            _at_exit(self.close)
            self._exit_hook = True

    def _code(self) -> str | None:
        """The code version of the processes that run this Runner's simulations.

        This kernel's (its workers are forked from it), or the shared cluster's workers',
        asked once: a result is stored and found under the code that computed it. None
        (no disk cache) when the cluster's workers run different versions or cannot say.
        """
        from .cache import code_version

        if not self.scheduler:
            return code_version()
        if self._runs_code is None:
            try:
                versions = set(self._connect().run(code_version).values())
            except Exception:  # a cluster that cannot say: no disk cache
                versions = set()
            self._runs_code = versions.pop() if len(versions) == 1 else ""
        return self._runs_code or None

    def _executor(self, closes: int) -> Executor:
        """The warm pool (a new one if there is none or it is broken)."""
        if self.scheduler:
            # pure: a run's key is a hash of its inputs, so the same replication asked by
            # several pages at once is computed once and given to each (and a page's Cancel
            # leaves a run that another page still wants alone)
            return self._connect().get_executor(pure=True)
        if self._workers == 0:
            return SerialExecutor()
        with self._pool_lock:
            if self._closes != closes:
                raise CancelledError("the runner was closed while running")
            if self._pool is not None and getattr(self._pool, "_broken", False):
                stop_pool(self._pool)  # a worker died between requests
                self._pool = None
                self.repaired["deaths"] += 1
            if self._pool is None:
                self._pool = process_pool(self._workers, die_with_parent=True)
                self._close_at_exit()
            return self._pool

    def _discard(self, pool: Executor) -> None:
        """Drop ``pool`` (broken) so that the next :meth:`_executor` makes a new one."""
        with self._pool_lock:
            if self._pool is pool:
                self._pool = None
        if isinstance(pool, ProcessPoolExecutor):
            stop_pool(pool)

    def close(self) -> None:
        """Stop the workers now, ending any run under way.

        This kernel's workers are terminated (running replications are not waited for,
        queued ones never start); with a shared cluster, this Runner's tasks are cancelled
        and its connection closed (the cluster's workers stay, for other pages). A request
        under way raises :class:`concurrent.futures.CancelledError` within :data:`POLL_S`
        seconds. The cache is kept, and a later request starts a new pool or connection.
        """
        with self._pool_lock:
            self._closes += 1
            pool, self._pool = self._pool, None
            client, self._client = self._client, None
        if pool is not None:
            stop_pool(pool)
        if client is not None:
            with contextlib.suppress(Exception):  # closing after the cluster went away
                client.close(timeout=2)

    def run_many(self, scenarios: Sequence[Scenario], seed: int, reps: int,
                 progress: Callable[[int, int], None] | None = None,
                 partial: Callable[[list[RunResult]], None] | None = None,
                 stop: Callable[[], bool] | None = None,
                 ) -> list[RunResult]:
        """Replications of each scenario on the same seeds (cached per scenario).

        Replications are submitted in order (replication 0 of every scenario first), so
        complete sets arrive early; ``partial`` is called with the results so far each time
        another replication is complete for every scenario (from the second one on).
        ``stop`` is polled every :data:`POLL_S` seconds: once it returns True the request
        ends and its runs stop (this kernel's workers are terminated; a shared cluster's
        tasks are cancelled), as they do when a callback raises.

        Raises:
            RuntimeError: when worker processes died more than :data:`MAX_RETRIES` times
                during this request (nothing is cached).
            concurrent.futures.CancelledError: when :meth:`close` was called or ``stop``
                returned True meanwhile.
        """
        while not self._lock.acquire(timeout=POLL_S):  # another tab's request is running
            if stop is not None and stop():
                raise CancelledError("cancelled while waiting for another request")
        try:
            closes = self._closes
            self.repaired = {"deaths": 0, "repeated": 0}
            keys = [(s.name, s.sha256, seed, reps, self.model) for s in scenarios]
            # a model of the researcher's own is never served from or stored on disk
            code = self._code() if self.disk is not None and self.model is None else None
            if code:  # another page, or this server before a restart
                for s, k in zip(scenarios, keys, strict=True):
                    if k not in self._cache and (hit := self.disk.get(s, seed, reps, code)):
                        self._cache[k] = hit
            todo = [(i, s) for i, (s, k) in enumerate(zip(scenarios, keys, strict=True))
                    if k not in self._cache]
            total = len(todo) * reps
            done = 0
            if progress:
                progress(done, total)
            fresh: dict[int, RunResult] = {}
            if todo:
                parts: dict[int, list] = {i: [] for i, _ in todo}
                complete = 0
                runs = self._replications(scenarios, todo, seed, reps, closes, stop)
                with contextlib.closing(runs):  # stopping early cancels the queued runs
                    for i, rep, out in runs:
                        parts[i].append((rep, *out))
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
                    fresh[i] = assemble_result(s, seed, parts[i])
                    if _all_ok(fresh[i]):  # a failed run is shown, never served again
                        self._cache[keys[i]] = fresh[i]
                        if code:
                            self.disk.put(fresh[i], reps, code)
            return [fresh[i] if i in fresh else self._cache[k] for i, k in enumerate(keys)]
        finally:
            self._lock.release()

    def _replications(self, scenarios: Sequence[Scenario], todo: list[tuple[int, Scenario]],
                      seed: int, reps: int, closes: int, stop: Callable[[], bool] | None = None,
                      ) -> Iterator[tuple[int, int, tuple]]:
        """Yield ``(scenario index, rep, run_params output)`` as each replication finishes.

        A dead worker breaks the pool: the pool is replaced and what it lost runs again
        (at most :data:`MAX_RETRIES` times).
        """
        # replication 0 of every scenario first, then replication 1, ...
        pending = [(i, rep) for rep in range(reps) for i, _ in todo]
        order = {task: n for n, task in enumerate(pending)}
        losses = dict.fromkeys(pending, 0)  # how many breaks each replication was lost in
        deaths = 0
        workers = self._shared_workers()  # the shared cluster's, to see which ones stop
        code = (self._code() or __version__) if self.scheduler else ""  # in the task keys
        while pending:
            ex = self._executor(closes)
            futs: dict[Future, tuple[int, int]] = {}
            task_keys: list[str] = []  # the shared cluster's names of these runs
            lost: list[tuple[int, int]] = []
            broken: BaseException | None = None
            try:
                try:
                    for i, rep in pending:
                        s = scenarios[i]
                        args = (s.name, dict(s.params), replication_seed(seed, rep), rep,
                                self.residents)
                        # on the shared cluster a run's key is a hash of its inputs (pages
                        # asking the same run share it) and known here (to count repeats)
                        key = ({"key": _task_key(code, args, self.model)} if self.scheduler
                               else {})
                        # model= only when one is given (wrappers of run_params keep working)
                        model = {"model": self.model} if self.model is not None else {}
                        futs[ex.submit(run_params, *args, **model, **key)] = (i, rep)
                        task_keys.extend(key.values())
                except BrokenProcessPool as e:  # broke while submitting
                    broken = e
                    lost = pending[len(futs):]
                except RuntimeError as e:  # shut down by close() meanwhile
                    if self._closes != closes:
                        raise CancelledError("the runner was closed while running") from e
                    raise
                for f in self._finished(futs, closes, stop):
                    try:
                        out = f.result()
                    except BrokenProcessPool as e:
                        broken = broken or e
                        lost.append(futs[f])
                        continue
                    except (CancelledError, Exception) as e:
                        if not self.scheduler:
                            raise
                        # the shared cluster failed it (a worker killed over and over, the
                        # scheduler gone): a failure, never taken for the page's Cancel
                        i, rep = futs[f]
                        raise RuntimeError(
                            f"the shared cluster could not run {scenarios[i].name} "
                            f"replication {rep} ({type(e).__name__}: {e}); try again, or "
                            "fewer simulated residents") from e
                    yield (*futs[f], out)
                if workers is not None:  # Dask repeated a dead worker's runs: say so
                    self._count_shared_repairs(task_keys, workers)
            finally:
                # stopped early (Cancel, an error, a callback raised): drop the queued work;
                # a shared cluster's running tasks stop themselves once cancelled, but this
                # kernel's workers would compute on for nobody: end them
                running = [f for f in futs if not f.cancel() and not f.done()]
                if running and isinstance(ex, ProcessPoolExecutor):
                    self._discard(ex)
            if not lost:
                return
            deaths += 1
            self.repaired["deaths"] += 1
            self.repaired["repeated"] += len(lost)
            pending = sorted(lost, key=order.__getitem__)
            for t in pending:
                losses[t] += 1
            if deaths > MAX_RETRIES:
                # which run was in the worker that died is not known (a break fails every
                # unfinished run): name one that was lost every time
                i, rep = max(pending, key=lambda t: (losses[t], -order[t]))
                raise RuntimeError(
                    f"worker processes died {deaths} times during this run "
                    f"({scenarios[i].name} replication {rep} was lost each time); "
                    "try fewer simulated residents") from broken
            self._discard(ex)  # a fresh pool runs the lost replications again

    def _shared_workers(self) -> set[str] | None:
        """The shared cluster's worker addresses now (``None``: not shared, or unknown)."""
        if not self.scheduler:
            return None
        try:
            return set(self._connect().scheduler_info()["workers"])
        except Exception:  # the cluster cannot say: nothing to report, nothing broken
            return None

    def _count_shared_repairs(self, keys: list[str], workers: set[str]) -> None:
        """Count the shared workers that stopped during this request, and its runs repeated.

        Added to :attr:`repaired`. Dask reruns on another worker what a dead worker was
        running (and counts it in the task's ``suspicious``); the page is told, as with its
        own pool.
        """
        def repeated(dask_scheduler, keys):
            tasks = dask_scheduler.tasks
            return sum(1 for k in keys if k in tasks and tasks[k].suspicious)

        try:
            client = self._connect()
            now = set(client.scheduler_info()["workers"])
            runs_again = client.run_on_scheduler(repeated, keys=keys)
        except Exception:  # the count is a courtesy: never fail a finished request over it
            return
        if runs_again:  # a worker that left without touching these runs is not this page's
            self.repaired["deaths"] += max(len(workers - now), 1)
            self.repaired["repeated"] += int(runs_again)

    def _finished(self, futs: dict[Future, tuple[int, int]], closes: int,
                  stop: Callable[[], bool] | None = None) -> Iterator[Future]:
        """``futs`` as they finish (in submission order when several have).

        Polls, rather than :func:`concurrent.futures.as_completed`, so that :meth:`close`
        or ``stop`` ends the wait at once whatever state the pool was left in.
        """
        remaining = set(futs)
        while remaining:
            if self._closes != closes:
                raise CancelledError("the runner was closed while running")
            if stop is not None and stop():
                raise CancelledError("cancelled")
            finished, remaining = wait(remaining, timeout=POLL_S, return_when=FIRST_COMPLETED)
            yield from (f for f in futs if f in finished)

    def compare(self, a: Scenario, b: Scenario, seed: int, reps: int,
                progress: Callable[[int, int], None] | None = None,
                partial: Callable[[CompareResult], None] | None = None,
                stop: Callable[[], bool] | None = None) -> CompareResult:
        """Baseline ``a`` against reform ``b`` on the same seeds (paired differences).

        ``partial`` receives a provisional comparison on the replications complete so far;
        ``stop`` as in :meth:`run_many`.
        """
        def on_partial(results):
            ra, rb = results
            partial(CompareResult(a=ra, b=rb, differences=paired_differences(ra.runs, rb.runs)))

        ra, rb = self.run_many([a, b], seed, reps, progress, on_partial if partial else None,
                               stop)
        return CompareResult(a=ra, b=rb, differences=paired_differences(ra.runs, rb.runs))


def repair_note(runner, lang: str = "en") -> str:
    """A few words on what the last request of ``runner`` had to repair ("" if nothing).

    E.g. "a worker process stopped (killed, or out of memory) and was replaced; 9 runs were
    repeated, so this took longer"; ``lang``: the language of the words.
    """
    from ...i18n import tr

    done = getattr(runner, "repaired", None) or {}
    deaths, repeated = int(done.get("deaths", 0)), int(done.get("repeated", 0))
    if not deaths:
        return ""
    who = (tr("rp_worker_stopped", lang) if deaths == 1
           else tr("rp_workers_stopped", lang).format(n=deaths))
    again = (tr("rp_repeated", lang).format(n=repeated, s="s were" if repeated != 1 else " was")
             if repeated else "")
    return tr("rp_replaced", lang).format(who=who, again=again)


def _all_ok(result: RunResult) -> bool:
    """Whether every run of ``result`` succeeded (only such results are cached)."""
    status = result.runs.get("status")
    return len(result.runs) > 0 and (status is None or bool((status == "ok").all()))


def _at_exit(fn: Callable[[], None]) -> None:
    """Call ``fn`` when this interpreter exits, before ``concurrent.futures`` joins pools.

    ``concurrent.futures`` waits at exit for every pool's running work (through
    ``threading``'s exit hooks, which run before :mod:`atexit`); a kernel shutting down in
    the middle of a long run would wait for it. Hooks registered later run first.
    """
    register = getattr(threading, "_register_atexit", None)
    if register is not None:
        try:
            register(fn)
            return
        except RuntimeError:  # the interpreter is already shutting down
            pass
    atexit.register(fn)
