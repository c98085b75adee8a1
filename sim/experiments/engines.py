"""Execution engines: one interface, three back ends, the same results.

:func:`executor` yields a :class:`concurrent.futures.Executor`:

* ``"serial"`` - runs each task in this process when submitted (debugging, tiny sweeps);
* ``"processes"`` - local worker processes (the default; one per core). Uses the
  ``fork`` start method on Linux (workers inherit the imported package, and it works from
  notebooks), ``spawn`` elsewhere; tasks are plain functions of the installed package, so
  nothing defined in a notebook needs pickling; workers end themselves when the process
  that started them is gone (killed outright included), so they never outlive a sweep;
* ``"dask"`` - Dask distributed: ``Client(scheduler)`` for a running cluster
  (``--scheduler tcp://host:8786``), or a ``LocalCluster`` of processes started here.
  Dask's nanny sets ``MALLOC_TRIM_THRESHOLD_=65536`` in workers, which made NumPy
  simulations 2.5× slower in our measurements (perf_and_ecosystem.md §2.3); it is unset.

Every run's randomness comes from its own seed, so the engine changes only speed, never
numbers.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import (
    CancelledError,
    Executor,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
)
from concurrent.futures.process import BrokenProcessPool

__all__ = ["ENGINES", "IsolatedExecutor", "SerialExecutor", "connect_dask", "default_workers",
           "executor", "process_pool", "stop_pool", "task_cancelled"]

ENGINES = ("serial", "processes", "dask")
DASK_CONNECT_TIMEOUT = "20s"  # how long to try reaching a --scheduler address
DASK_WORKER_TIMEOUT = 60.0  # seconds to wait for a --scheduler's first worker


class SerialExecutor(Executor):
    """Runs each task immediately in this process (a ``concurrent.futures`` executor)."""

    def submit(self, fn: Callable, /, *args, **kwargs) -> Future:
        """Run ``fn`` now and return a finished future."""
        fut: Future = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as e:
            fut.set_exception(e)
        return fut


class IsolatedExecutor(Executor):
    """Runs each task in a fresh one-worker process, at most ``workers`` at a time.

    A task whose process dies (the memory killer, a crash) fails only itself, with
    :class:`~concurrent.futures.process.BrokenProcessPool`; in a shared pool it would fail
    every task under way or queued. Slower (a fork per task), so the sweep uses it only for
    its last try at runs whose worker died (:func:`sim.experiments.sweep.run_sweep`).

    ``shutdown(cancel_futures=True)`` (Ctrl-C) starts nothing more and lets the tasks
    under way end, as the process pool of :func:`executor` does.
    """

    def __init__(self, workers: int) -> None:
        self._threads = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="isolated")
        self._stopping = threading.Event()

    def submit(self, fn: Callable, /, *args, **kwargs) -> Future:
        """Queue ``fn(*args, **kwargs)`` to run in a process of its own."""
        return self._threads.submit(self._run, fn, args, kwargs)

    def _run(self, fn: Callable, args: tuple, kwargs: dict):
        pool = None
        try:
            with _FORK_LOCK:  # fork while no other thread here is forking
                if self._stopping.is_set():  # checked under the lock: nothing starts after
                    raise CancelledError("the sweep is stopping")
                try:
                    pool = process_pool(1, die_with_parent=True)
                    fut = pool.submit(fn, *args, **kwargs)
                except OSError as e:  # no process could be made (out of memory, say): the
                    raise BrokenProcessPool(  # machine failed the run, not the model
                        f"could not start a worker process: {e}") from e
            return fut.result()  # the task's own exceptions pass through unchanged
        finally:
            if pool is not None:
                pool.shutdown(wait=True)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop taking tasks; ``cancel_futures`` also drops those not yet started."""
        if cancel_futures:
            self._stopping.set()
        self._threads.shutdown(wait=wait, cancel_futures=cancel_futures)


_FORK_LOCK = threading.Lock()


def default_workers() -> int:
    """Worker processes to use by default: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def process_pool(workers: int, *, die_with_parent: bool = False) -> ProcessPoolExecutor:
    """A pool of ``workers`` local processes, started with ``fork`` where available.

    ``fork`` (Linux) lets workers inherit the imported package and works from notebooks;
    elsewhere ``spawn``. Used by :func:`executor` and by the dashboards' warm pool.

    Args:
        workers: worker processes.
        die_with_parent: each worker ends itself (within :data:`PARENT_POLL_S` seconds)
            once the process that made the pool is gone, even if that process was killed
            outright and never shut the pool down (see :func:`exit_with_parent`).
    """
    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context(method),
                               initializer=_init_worker,
                               initargs=(os.getpid() if die_with_parent else None,))


def _init_worker(parent: int | None) -> None:
    """Pool initializer: SIGTERM ends the worker; SIGINT (Ctrl-C) is left to the parent.

    A forked worker inherits its parent's Python signal handlers; one that turns SIGTERM into
    ``KeyboardInterrupt`` (as the command-line sweep does) would make the pool's own
    ``terminate()`` land inside a task as an exception, leaving the worker alive and the
    pool waiting for it forever after another worker died.
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # Ctrl-C in a terminal reaches the whole process group: the parent decides (it lets
    # the running tasks end); a worker interrupted mid-task would break the pool
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if parent is not None:
        exit_with_parent(parent)


#: how often a worker of a ``die_with_parent`` pool checks that its parent is alive (s)
PARENT_POLL_S = 0.25


def exit_with_parent(parent: int) -> None:
    """Pool initializer: end this worker process once ``parent`` is no longer its parent.

    A daemon thread polls :func:`os.getppid` (an orphan is re-parented, so the value
    changes when the parent dies, however it died) and calls :func:`os._exit`, stopping
    the worker even in the middle of a run. Portable, unlike Linux's parent-death signal
    (``PR_SET_PDEATHSIG``), which fires when the *thread* that forked the worker ends, not
    its process: a pool first used from a short-lived thread would lose its workers.
    """
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_S)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


#: seconds a stopped pool's workers get to end after SIGTERM, before SIGKILL
STOP_GRACE_S = 1.0


def stop_pool(pool: ProcessPoolExecutor, grace: float = STOP_GRACE_S) -> None:
    """End ``pool``'s workers now (SIGTERM, then SIGKILL); its unfinished futures fail."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    # not cancel_futures: Future.cancel() does not wake as_completed()/wait() callers; with
    # its workers gone the pool fails every unfinished future (BrokenProcessPool) instead
    pool.shutdown(wait=False)
    for p in procs:
        try:
            p.terminate()
        except (OSError, ValueError):  # already gone / already closed
            pass
    deadline = time.monotonic() + grace
    for p in procs:
        try:
            p.join(max(0.0, deadline - time.monotonic()))
            if p.is_alive():
                p.kill()
                p.join(grace)
        except (OSError, ValueError):
            pass


@contextlib.contextmanager
def executor(engine: str = "processes", workers: int | None = None,
             scheduler: str | None = None) -> Iterator[Executor]:
    """Yield an executor for ``engine``; shut it (and any cluster it started) down after.

    Args:
        engine: ``"serial"``, ``"processes"`` or ``"dask"``.
        workers: worker processes (default: the available cores).
        scheduler: a Dask scheduler address; implies ``engine="dask"``.

    Raises:
        ValueError: for an unknown engine or a non-positive number of workers.
    """
    if scheduler:
        engine = "dask"
    if engine not in ENGINES:
        raise ValueError(f"engine: invalid value {engine!r}; allowed: one of {', '.join(ENGINES)}")
    if workers is not None and workers < 1:
        raise ValueError(f"workers: invalid value {workers!r}; allowed: an integer >= 1")
    n = workers or default_workers()
    if engine == "serial":
        yield SerialExecutor()
    elif engine == "processes":
        ex = process_pool(n, die_with_parent=True)
        try:
            yield ex
        finally:
            # On Ctrl-C, SIGTERM or an error, drop what has not started and let the running
            # tasks end (at most one run per worker). Terminating a worker instead can cut
            # its result mid-message, and on Python 3.11 the pool's manager thread then
            # waits for the rest forever, hanging the interpreter's exit.
            ex.shutdown(wait=True, cancel_futures=True)
    else:
        with _dask_executor(n, scheduler) as ex:
            yield ex


@contextlib.contextmanager
def _dask_executor(n: int, scheduler: str | None) -> Iterator[Executor]:
    cluster = None
    if scheduler:
        client = connect_dask(scheduler)
    else:
        LocalCluster = _dask().LocalCluster
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None)
        client = _dask().Client(cluster)
    try:
        yield client.get_executor(pure=False)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _dask():
    """``dask.distributed``, with the nanny's ``MALLOC_TRIM_THRESHOLD_`` unset."""
    try:
        import dask
        import dask.distributed
    except ImportError as e:  # pragma: no cover - depends on the install
        raise ValueError("engine dask needs dask[distributed]: pip install 'dask[distributed]'"
                         ) from e
    dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None})
    return dask.distributed


def connect_dask(scheduler: str, option: str = "--scheduler"):
    """A :class:`distributed.Client` of the running scheduler at ``scheduler``.

    Waits (at most :data:`DASK_WORKER_TIMEOUT` s) for its first worker: a scheduler with
    none would hold every run forever.

    Raises:
        ValueError: naming ``option`` when the scheduler cannot be reached or has no worker.
    """
    Client = _dask().Client
    try:
        client = Client(scheduler, timeout=DASK_CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as e:
        raise ValueError(f"{option}: cannot reach a Dask scheduler at {scheduler!r} "
                         f"({e}); start one with 'dask scheduler' or drop {option}"
                         ) from None
    try:
        client.wait_for_workers(1, timeout=max(DASK_WORKER_TIMEOUT, 0.1))
    except BaseException as e:
        client.close()
        if not isinstance(e, TimeoutError | OSError):  # Ctrl-C while waiting
            raise
        raise ValueError(f"{option}: the Dask scheduler at {scheduler!r} has no "
                         f"workers after {DASK_WORKER_TIMEOUT:g} s; start one with "
                         f"'dask worker {scheduler}' or drop {option}") from None
    return client


def task_cancelled() -> Callable[[], bool] | None:
    """A cheap test of whether the task running in this thread was cancelled (or None).

    In a Dask worker, a task whose future is cancelled (or whose client went away) keeps
    running in its thread, using the core others wait for: Dask cannot interrupt it. The
    worker marks it ``cancelled`` in its own state, though, and a long task can read that
    (a dictionary lookup, no message to the scheduler) and stop. Outside a Dask task (this
    process, a local process pool, whose workers are simply terminated) this returns None.
    """
    if "distributed.worker" not in sys.modules:  # not a Dask worker (and no slow import)
        return None
    from distributed import get_worker
    from distributed.worker import thread_state
    key = getattr(thread_state, "key", None)
    if key is None:
        return None
    try:
        tasks = get_worker().state.tasks
    except (ValueError, AttributeError):  # not in a worker; an unknown Dask layout
        return None

    def cancelled() -> bool:
        ts = tasks.get(key)
        return ts is None or ts.state in ("cancelled", "released", "forgotten")

    return cancelled
