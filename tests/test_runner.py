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
from sim.dashboards import runner as runner_mod
from sim.dashboards.runner import Runner
from sim.experiment import run_params

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
        from sim.dashboards.runner import repair_note
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


def _dies_on_rep_1(name, params, seed, rep=0):
    """A replication whose worker always dies (run in a forked worker)."""
    if rep == 1:
        os.kill(os.getpid(), signal.SIGKILL)
    return run_params(name, params, seed, rep)


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

    def counting(name, params, seed, rep=0):
        calls.append(name)
        return run_params(name, params, seed, rep)

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
    outcome = []

    def work():
        try:
            runner.run_many([big], seed=0, reps=6)
            outcome.append("finished")
        except BaseException as e:
            outcome.append(e)

    t = threading.Thread(target=work, daemon=True)
    t.start()
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
    from sim.dashboards.runner import Runner

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
