"""The dashboards' Runner: a dead worker is replaced, failures are never cached, and worker
processes end with their owner (closed, or killed outright)."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import CancelledError
from pathlib import Path
from types import MappingProxyType

import pandas as pd
import pytest

import sim
from sim.app.dashboards import runner as runner_mod
from sim.app.dashboards.runner import Runner
from sim.experiments.experiment import run_params

ROOT = Path(__file__).resolve().parent.parent
TINY = {"n_residents": 300, "n_days": 30}

pytestmark = pytest.mark.skipif(sys.platform != "linux",
                                reason="reads /proc; worker pools start with fork")


def tiny(name: str) -> sim.Scenario:
    return sim.load_scenario(name).with_overrides(TINY)


def alive(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie waiting to be reaped counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def wait_gone(pids, timeout: float) -> list[int]:
    """Wait up to ``timeout`` s for ``pids`` to end; return those still alive."""
    end = time.monotonic() + timeout
    while True:
        left = [p for p in pids if alive(p)]
        if not left or time.monotonic() > end:
            return left
        time.sleep(0.05)


def kill_all(pids) -> None:
    for p in pids:
        try:
            os.kill(p, signal.SIGKILL)
        except OSError:
            pass


def worker_pids(runner: Runner, n: int, timeout: float = 10.0) -> list[int]:
    """The pids of the runner's pool once it has ``n`` workers."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        pool = runner._pool
        procs = getattr(pool, "_processes", None) or {}
        if len(procs) >= n:
            return list(procs)
        time.sleep(0.01)
    raise AssertionError("the pool's workers did not start")


def in_background(runner: Runner, scen, reps: int, stop=None):
    """Start ``runner.run_many([scen], 0, reps)`` in a thread; return it and a list that
    receives "finished" or the exception it raised."""
    outcome: list = []

    def work():
        try:
            runner.run_many([scen], seed=0, reps=reps, stop=stop)
            outcome.append("finished")
        except BaseException as e:
            outcome.append(e)

    t = threading.Thread(target=work, daemon=True)
    t.start()
    return t, outcome


def numbers(res) -> pd.DataFrame:
    """A run's rows without what depends on the machine (wall time)."""
    return res.runs.drop(columns=["runtime_s"]).reset_index(drop=True)


def assert_same_compare(got, want, reps: int) -> None:
    for arm in ("a", "b"):
        g, w = getattr(got, arm), getattr(want, arm)
        assert len(g.runs) == reps and list(g.runs["rep"]) == list(range(reps))
        assert (g.runs["status"] == "ok").all()
        pd.testing.assert_frame_equal(numbers(g), numbers(w))
        pd.testing.assert_frame_equal(g.daily.reset_index(drop=True),
                                      w.daily.reset_index(drop=True))
        pd.testing.assert_frame_equal(g.groups.reset_index(drop=True),
                                      w.groups.reset_index(drop=True))
    pd.testing.assert_frame_equal(got.differences, want.differences)


def test_a_killed_worker_is_replaced_and_the_compare_completes():
    a, b = tiny("status_quo"), tiny("national_plan_2025")
    reps = 8
    clean = Runner(workers=0).compare(a, b, seed=11, reps=reps)
    runner = Runner(workers=2)
    killed: list[int] = []
    first_pool = []

    def progress(done, total):
        # SIGKILL one worker (as the memory killer would) once the first run is in: the
        # other 15 are still running or queued
        if done == 1 and not killed:
            first_pool.append(runner._pool)
            pid = worker_pids(runner, 1)[0]
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    try:
        seen = []
        got = runner.compare(a, b, seed=11, reps=reps, progress=progress,
                             partial=lambda c: seen.append(len(c.a.runs)))
        assert killed and not alive(killed[0])
        assert runner._pool is not first_pool[0]  # the broken pool was replaced
        # ... and said so: one death, the runs the broken pool lost were repeated
        assert runner.repaired["deaths"] == 1 and runner.repaired["repeated"] >= 1
        from sim.app.dashboards.runner import repair_note
        assert repair_note(runner).startswith("a worker process stopped")
        assert_same_compare(got, clean, reps)
        assert seen and seen == sorted(seen) and seen[-1] < reps
        # the next compare (new inputs) runs on the new pool
        later = runner.compare(a, b, seed=12, reps=3)
        assert_same_compare(later, Runner(workers=0).compare(a, b, seed=12, reps=3), 3)
        assert runner.repaired == {"deaths": 0, "repeated": 0}  # nothing to say this time
        # and identical inputs come from the cache
        assert runner.compare(a, b, seed=11, reps=reps).a is got.a
    finally:
        runner.close()


def _dies_on_rep_1(name, params, seed, rep=0, residents=False):
    """A replication whose worker always dies (run in a forked worker)."""
    if rep == 1:
        os.kill(os.getpid(), signal.SIGKILL)
    return run_params(name, params, seed, rep, residents)


def test_a_worker_that_keeps_dying_gives_a_clear_error_and_caches_nothing(monkeypatch):
    a, b = tiny("status_quo"), tiny("national_plan_2025")
    runner = Runner(workers=2)
    try:
        monkeypatch.setattr(runner_mod, "run_params", _dies_on_rep_1)
        with pytest.raises(RuntimeError, match=r"^worker processes died 3 times during this "
                           r"run \(\S+ replication \d was lost each time\); try fewer simulated "
                           r"residents$"):
            runner.compare(a, b, seed=3, reps=2)
        assert runner._cache == {}
        monkeypatch.undo()
        got = runner.compare(a, b, seed=3, reps=2)  # a fresh pool, full results
        assert_same_compare(got, Runner(workers=0).compare(a, b, seed=3, reps=2), 2)
    finally:
        runner.close()


def test_failed_runs_are_returned_but_never_cached(monkeypatch):
    good = tiny("status_quo")
    # bypasses validation, so the model itself raises in every replication
    bad = sim.Scenario(name="broken", description="",
                       params=MappingProxyType({**good.params, "n_residents": -3}))
    calls = []

    def counting(name, params, seed, rep=0, residents=False):
        calls.append(name)
        return run_params(name, params, seed, rep, residents)

    monkeypatch.setattr(runner_mod, "run_params", counting)
    runner = Runner(workers=0)
    first = runner.compare(good, bad, seed=1, reps=2)
    assert (first.b.runs["status"] == "error").all()
    assert "negative dimensions" in first.b.runs["error"].iloc[0]
    assert calls == ["status_quo", "broken"] * 2
    assert [k[0] for k in runner._cache] == ["status_quo"]  # the good arm only
    calls.clear()
    again = runner.compare(good, bad, seed=1, reps=2)
    assert calls == ["broken", "broken"]  # the failure is run again, not served from cache
    assert again.a is first.a and again.b is not first.b


def test_close_stops_running_work_at_once():
    # long runs (about 3-4 s each): close() must not wait for them
    big = sim.load_scenario("status_quo").with_overrides(
        {"n_residents": 100_000, "n_days": 730})
    runner = Runner(workers=2)
    t, outcome = in_background(runner, big, reps=6)
    pids = worker_pids(runner, 2)
    try:
        time.sleep(0.5)  # the workers are busy
        assert all(alive(p) for p in pids)
        t0 = time.monotonic()
        runner.close()
        took = time.monotonic() - t0
        t.join(5)
        assert took < 2.0, f"close() took {took:.1f} s"
        assert not t.is_alive() and isinstance(outcome[0], CancelledError)
        assert wait_gone(pids, 3.0) == []
        assert runner._cache == {}
    finally:
        kill_all(pids)


CHILD = textwrap.dedent("""
    import sys, threading, time
    import sim
    from sim.app.dashboards.runner import Runner

    big = sim.load_scenario("status_quo").with_overrides({"n_residents": 50000, "n_days": 365})
    runner = Runner(workers=2)
    threading.Thread(target=runner.run_many, args=([big], 0, 40), daemon=True).start()
    while len(getattr(runner._pool, "_processes", None) or {}) < 2:
        time.sleep(0.01)
    print(*runner._pool._processes, flush=True)
    time.sleep(60)
""")


def test_workers_end_when_their_owner_is_killed():
    child = subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE,
                             text=True, cwd=ROOT)
    pids: list[int] = []
    try:
        ready, _, _ = select.select([child.stdout], [], [], 60)
        assert ready, "the child did not start its pool within 60 s"
        line = child.stdout.readline()
        pids = [int(p) for p in line.split()]
        assert len(pids) == 2, line
        time.sleep(0.5)  # the workers are busy running
        assert all(alive(p) for p in pids)
        child.send_signal(signal.SIGKILL)  # the kernel killed outright: no clean-up runs
        child.wait(5)
        assert wait_gone(pids, 5.0) == [], "worker processes outlived their owner"
    finally:
        child.kill()
        child.wait(5)
        kill_all(pids)


def test_stop_ends_the_request_and_its_running_workers_at_once():
    """Issue 18, defect 4: Cancel (a ``stop`` that turns True) ends the request within a
    poll and no worker computes on after it (they were mid-run: they are ended)."""
    big = sim.load_scenario("status_quo").with_overrides(
        {"n_residents": 100_000, "n_days": 730})
    runner = Runner(workers=2)
    pressed = threading.Event()
    t, outcome = in_background(runner, big, reps=6, stop=pressed.is_set)
    pids = worker_pids(runner, 2)
    try:
        time.sleep(0.5)  # the workers are busy
        t0 = time.monotonic()
        pressed.set()
        t.join(5)
        took = time.monotonic() - t0
        assert not t.is_alive() and isinstance(outcome[0], CancelledError)
        assert took < 2.0, f"the request took {took:.1f} s to stop"
        assert wait_gone(pids, 2.0) == [], "a worker computes on after Cancel"
        # the next request starts a fresh pool and completes
        (res,) = runner.run_many([tiny("status_quo")], seed=0, reps=2)
        assert (res.runs["status"] == "ok").all()
    finally:
        runner.close()
        kill_all(pids)


def test_stop_while_waiting_for_another_request():
    """A page whose request waits for another tab's to finish can still cancel at once."""
    runner = Runner(workers=0)
    with runner._lock:  # another request holds the runner
        t0 = time.monotonic()
        with pytest.raises(CancelledError):
            runner.run_many([tiny("status_quo")], seed=0, reps=1, stop=lambda: True)
        assert time.monotonic() - t0 < 1.0


# ---------------------------------------------------------------- results kept on disk


def test_results_on_disk_serve_another_runner_and_survive_a_restart(tmp_path):
    """Issue 18, item 5: a question asked again, by another page or after a restart, is
    answered from the disk without running, with the same numbers."""
    a, b = tiny("status_quo"), tiny("national_plan_2025")
    first = Runner(workers=0, cache_dir=tmp_path)
    want = first.compare(a, b, seed=3, reps=2)
    assert len(first.disk.entries()) == 2
    calls = []
    other = Runner(workers=0, cache_dir=tmp_path)  # a new page, or the server restarted
    got = other.compare(a, b, seed=3, reps=2, progress=lambda d, t: calls.append((d, t)))
    assert calls == [(0, 0)], "nothing should have run"
    assert_same_compare(got, want, reps=2)
    assert got.a.scenario is a  # the result names the scenario asked for
    # other inputs are other entries: another seed, another replication count
    other.run_many([a], seed=4, reps=2)
    other.run_many([a], seed=3, reps=3)
    assert len(other.disk.entries()) == 4


def test_the_disk_cache_is_keyed_by_the_code(tmp_path, monkeypatch):
    """A result of other code (an edited model, another version) is never served."""
    from sim.app.dashboards import cache

    a = tiny("status_quo")
    Runner(workers=0, cache_dir=tmp_path).run_many([a], seed=0, reps=1)
    monkeypatch.setattr(cache, "code_version", lambda: "edited")
    calls = []
    Runner(workers=0, cache_dir=tmp_path).run_many([a], seed=0, reps=1,
                                                     progress=lambda d, t: calls.append(t))
    assert calls[0] == 1, "a result of other code was served"


def test_a_damaged_or_failed_entry_is_run_again(tmp_path, monkeypatch):
    a = tiny("status_quo")
    r = Runner(workers=0, cache_dir=tmp_path)
    (want,) = r.run_many([a], seed=0, reps=1)
    (entry,) = r.disk.entries()
    (entry / "daily.parquet").write_bytes(b"not parquet")
    calls = []
    (got,) = Runner(workers=0, cache_dir=tmp_path).run_many(
        [a], seed=0, reps=1, progress=lambda d, t: calls.append(t))
    assert calls[0] == 1  # read as a miss, and run
    pd.testing.assert_frame_equal(numbers(got), numbers(want))
    # a failed run is never stored
    monkeypatch.setattr(runner_mod, "run_params", _failing_run)
    b = tiny("national_plan_2025")
    fresh = Runner(workers=0, cache_dir=tmp_path / "other")
    (bad,) = fresh.run_many([b], seed=0, reps=1)
    assert (bad.runs["status"] == "error").all()
    assert fresh.disk.entries() == []


def _failing_run(name, params, seed, rep=0, residents=False):
    from sim.experiments.experiment import failed_run
    return ({"scenario": name, "rep": rep, "seed": seed, "runtime_s": 0.0,
             **failed_run(RuntimeError("boom"))}, pd.DataFrame({"day": []}), pd.DataFrame(),
            pd.DataFrame())


def test_the_disk_cache_keeps_within_its_size_by_dropping_the_least_recently_used(tmp_path):
    from sim.app.dashboards.cache import ResultCache

    r = Runner(workers=0, cache_dir=tmp_path)
    (one,) = r.run_many([tiny("status_quo")], seed=0, reps=1)
    size = r.disk.size()
    cache = ResultCache(tmp_path, max_bytes=int(2.5 * size))
    (two,) = Runner(workers=0).run_many([tiny("status_quo")], seed=1, reps=1)
    (three,) = Runner(workers=0).run_many([tiny("status_quo")], seed=2, reps=1)
    cache.put(two, 1)
    time.sleep(0.05)
    assert cache.get(one.scenario, 0, 1) is not None  # used: now the most recent
    time.sleep(0.05)
    cache.put(three, 1)  # over the limit: the least recently used (seed 1) goes
    assert cache.get(one.scenario, 1, 1) is None
    assert cache.get(one.scenario, 0, 1) is not None
    assert cache.get(one.scenario, 2, 1) is not None
    assert cache.size() <= cache.max_bytes


def test_half_written_entries_left_by_a_killed_writer_are_swept(tmp_path):
    """A process killed while writing leaves a ``.tmp-*`` folder: the next store removes
    it once it is older than any live write, and leaves a fresh one (a write under way)."""
    from sim.app.dashboards.cache import STALE_WRITE_S, ResultCache

    cache = ResultCache(tmp_path)
    old, fresh = tmp_path / "ab" / ".tmp-old", tmp_path / "cd" / ".tmp-fresh"
    for d in (old, fresh):
        d.mkdir(parents=True)
        (d / "runs.parquet").write_bytes(b"x" * 100)
    past = time.time() - STALE_WRITE_S - 60
    os.utime(old, (past, past))
    (res,) = Runner(workers=0).run_many([tiny("status_quo")], seed=0, reps=1)
    cache.put(res, 1)
    assert not old.exists() and fresh.exists()
    assert cache.get(res.scenario, 0, 1) is not None
    cache.clear()
    assert not fresh.exists() and cache.entries() == []


def test_an_unusable_cache_folder_is_refused_with_its_name(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ValueError, match=r"cannot use the folder .*file"):
        Runner(workers=0, cache_dir=blocker / "cache")


# ---------------------------------------------------------------- a shared Dask cluster


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    from sim.experiments.engines import _dask

    _dask()  # the nanny's malloc setting, as the app's cluster has it
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as c:
        yield c


def test_a_shared_cluster_gives_the_same_numbers(cluster, monkeypatch):
    """Pages of one server share the cluster's workers (``HEALTHSIM_SCHEDULER``): the
    numbers are those of this kernel's own workers, and no worker process is started here."""
    monkeypatch.setenv(runner_mod.SCHEDULER_ENV, cluster.scheduler_address)
    a, b = tiny("status_quo"), tiny("national_plan_2025")
    shared = Runner()
    try:
        assert shared.shared and shared.workers == 2
        got = shared.compare(a, b, seed=5, reps=3)
        assert shared._pool is None
    finally:
        shared.close()
    want = Runner(workers=0).compare(a, b, seed=5, reps=3)
    assert_same_compare(got, want, reps=3)


def test_cancel_on_a_shared_cluster_stops_the_running_tasks(cluster):
    """Issue 18, defect 4, with a shared pool: the workers cannot be ended (other pages use
    them), so a cancelled task stops itself within a simulated day."""
    big = sim.load_scenario("status_quo").with_overrides(
        {"n_residents": 100_000, "n_days": 730})
    runner = Runner(scheduler=cluster.scheduler_address)
    client = runner._connect()

    def executing() -> int:
        return sum(client.run(lambda dask_worker: dask_worker.state.executing_count).values())

    pressed = threading.Event()
    t, outcome = in_background(runner, big, reps=4, stop=pressed.is_set)
    try:
        end = time.monotonic() + 30
        while executing() < 2 and time.monotonic() < end:
            time.sleep(0.1)
        assert executing() == 2, "both workers should be running a replication"
        time.sleep(0.5)
        t0 = time.monotonic()
        pressed.set()
        t.join(5)
        assert isinstance(outcome[0], CancelledError)
        while executing() and time.monotonic() - t0 < 10:
            time.sleep(0.05)
        took = time.monotonic() - t0
        assert executing() == 0 and took < 2.0, f"tasks ran on {took:.1f} s after Cancel"
    finally:
        runner.close()


def test_a_shared_worker_that_dies_is_reported(cluster):
    """Issue 18, defect 5, on the team server: a shared worker killed mid-run (as the
    memory killer would). Dask reruns its replication elsewhere; the page is told that a
    worker stopped and how many of its runs were repeated, as with its own pool."""
    psutil = pytest.importorskip("psutil")
    big = sim.load_scenario("status_quo").with_overrides(
        {"n_residents": 60_000, "n_days": 240})
    runner = Runner(scheduler=cluster.scheduler_address)
    client = runner._connect()
    pids = client.run(os.getpid)

    def executing() -> dict:
        return client.run(lambda dask_worker: dask_worker.state.executing_count)

    outcome: list = []
    t = threading.Thread(target=lambda: outcome.append(
        runner.run_many([big], seed=0, reps=4)), daemon=True)
    t.start()
    try:
        end = time.monotonic() + 30
        while sum(executing().values()) < 2 and time.monotonic() < end:
            time.sleep(0.1)
        busy = [w for w, n in executing().items() if n]
        assert busy, "a worker should be running a replication"
        psutil.Process(pids[busy[0]]).kill()
        t.join(120)
        assert not t.is_alive()
        (res,) = outcome[0]
        assert len(res.runs) == 4 and (res.runs["status"] == "ok").all()
        assert runner.repaired["deaths"] >= 1 and runner.repaired["repeated"] >= 1
        assert "repeated" in runner_mod.repair_note(runner)
    finally:
        runner.close()
    end = time.monotonic() + 60  # the nanny starts a new worker for the next tests
    while len(cluster.scheduler_info["workers"]) < 2 and time.monotonic() < end:
        time.sleep(0.2)


def test_an_unreachable_scheduler_is_named(monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr("sim.experiments.engines.DASK_CONNECT_TIMEOUT", "2s")
    runner = Runner(scheduler="tcp://127.0.0.1:9")
    with pytest.raises(ValueError, match="HEALTHSIM_SCHEDULER: cannot reach a Dask scheduler"):
        runner.run_many([tiny("status_quo")], seed=0, reps=1)


def test_pages_asking_the_same_question_at_once_compute_it_once(cluster):
    """Two planners asking the same question on a shared cluster: each replication runs
    once and both get it (the run's key is a hash of its inputs)."""
    from distributed import get_task_stream

    scen = sim.load_scenario("status_quo").with_overrides({"n_residents": 3000, "n_days": 120})
    one, two = (Runner(scheduler=cluster.scheduler_address) for _ in range(2))
    try:
        client = one._connect()
        out: dict = {}
        with get_task_stream(client) as ts:
            threads = [threading.Thread(target=lambda r=r, k=k: out.__setitem__(
                k, r.run_many([scen], seed=11, reps=3))) for k, r in (("one", one), ("two", two))]
            for t in threads:
                t.start()
            for t in threads:
                t.join(120)
        runs = [t for t in ts.data if "run_params" in t["key"]]
        assert len(runs) == 3, f"{len(runs)} runs computed for 3 replications"
        pd.testing.assert_frame_equal(numbers(out["one"][0]), numbers(out["two"][0]))
    finally:
        one.close()
        two.close()


def test_the_dashboard_says_when_the_shared_cluster_is_unreachable(monkeypatch):
    from sim.app.dashboards import ComparisonDashboard

    pytest.importorskip("distributed")
    monkeypatch.setattr("sim.experiments.engines.DASK_CONNECT_TIMEOUT", "2s")
    dash = ComparisonDashboard(runner=Runner(scheduler="tcp://127.0.0.1:9"), worlds=0)
    dash.compare(block=True)
    assert "not run" in dash.work.status.value
    assert "HEALTHSIM_SCHEDULER: cannot reach a Dask scheduler" in dash.work.status.value


def test_a_shared_cluster_stores_results_under_its_workers_code(cluster, tmp_path):
    """The disk cache keys a result by the code of the processes that computed it (the
    cluster's workers, asked once), so a kernel with other code never finds it."""
    from sim.app.dashboards.cache import code_version

    shared = Runner(scheduler=cluster.scheduler_address, cache_dir=tmp_path)
    try:
        (want,) = shared.run_many([tiny("status_quo")], seed=2, reps=2)
        assert shared._runs_code == code_version()
        assert len(shared.disk.entries()) == 1
    finally:
        shared.close()
    calls = []
    (got,) = Runner(workers=0, cache_dir=tmp_path).run_many(
        [tiny("status_quo")], seed=2, reps=2, progress=lambda d, t: calls.append(t))
    assert calls == [0]
    pd.testing.assert_frame_equal(numbers(got), numbers(want))


def shorter_year(scenario, seed):
    """A model factory (module level, so worker processes import it): 20 days, not 30."""
    from sim.world.model import HealthDataModel

    return HealthDataModel(scenario.with_overrides({"n_days": 20}), seed=seed)


@pytest.mark.parametrize("workers", [0, 1])
def test_a_model_factory_runs_every_replication_of_the_pages(workers, tmp_path):
    """Issue 20: the dashboards' Runner takes ``model=`` as sim.run does; its results are
    the factory's (here the 20-day world), kept apart from the built-in model's, and never
    written to the disk cache (it knows the package's code, not the researcher's)."""
    scen = tiny("status_quo")
    mine = Runner(workers=workers, cache_dir=tmp_path, model=shorter_year)
    plain = Runner(workers=workers)
    try:
        (got,) = mine.run_many([scen], seed=2, reps=2)
        (want,) = plain.run_many([scen.with_overrides({"n_days": 20})], seed=2, reps=2)
        (builtin,) = plain.run_many([scen], seed=2, reps=2)
    finally:
        mine.close()
        plain.close()
    names = [o for o in sim.OUTCOMES if o in got.runs]
    assert len(names) > 10 and (got.runs["status"] == "ok").all()
    pd.testing.assert_frame_equal(got.runs[names], want.runs[names])
    assert not got.runs[names].equals(builtin.runs[names])
    assert mine.disk is None and not any(tmp_path.iterdir())
