"""Sweeps: designs, validation, engines, the results store, resume after a kill, errors."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.experiments.design import Design
from sim.experiments.sweep import SweepError, load_results, load_sweep, run_sweep

ROOT = Path(__file__).resolve().parent.parent
TINY = {"n_residents": 800, "n_days": 30}


def spec(**kw):
    base = {"name": "t", "scenarios": ["national_plan_2025"], "reps": 2, "seed": 7,
            "overrides": TINY,
            "design": {"type": "factorial",
                       "factors": {"consent_model": ["implied", "opt_in"],
                                   "audit_strength": [0.2, 0.8]}}}
    base.update(kw)
    return base


def _cols(df):
    return [c for c in df.columns if c != "runtime_s"]


# -------------------------------------------------------------------------- designs
def test_factorial_crosses_every_level():
    s = load_sweep(spec())
    assert len(s.design.points) == 4 and len(s.tasks()) == 8
    combos = {(p.values["consent_model"], p.values["audit_strength"]) for p in s.design.points}
    assert combos == {("implied", 0.2), ("implied", 0.8), ("opt_in", 0.2), ("opt_in", 0.8)}


def test_replications_share_seeds_across_points():
    tasks = load_sweep(spec()).tasks()
    seeds = {}
    for t in tasks:
        seeds.setdefault(t["rep"], set()).add(t["seed"])
    assert all(len(v) == 1 for v in seeds.values())  # common random numbers
    assert len({t["run_id"] for t in tasks}) == len(tasks)


def test_latin_hypercube_stratifies_each_factor():
    d = Design.from_spec({"type": "latin_hypercube", "samples": 20,
                          "factors": {"attacker_skill": [0.2, 0.6], "audit_strength": None,
                                      "architecture": ["silos", "national"]}}, seed=1)
    x = np.array([p.values["attacker_skill"] for p in d.points])
    strata = np.floor((x - 0.2) / 0.4 * 20).clip(0, 19)
    assert sorted(strata) == list(range(20))  # one sample per stratum
    assert {p.values["architecture"] for p in d.points} == {"silos", "national"}


def test_sobol_and_morris_sizes():
    factors = {"attacker_skill": None, "audit_strength": None, "purpose_binding": None}
    sob = Design.from_spec({"type": "sobol", "samples": 8, "factors": factors}, seed=1)
    assert len(sob.points) == 8 * (3 + 2)
    mor = Design.from_spec({"type": "morris", "samples": 5, "factors": factors}, seed=1)
    assert len(mor.points) == 5 * (3 + 1)


def test_designs_are_reproducible_from_the_seed():
    d = {"type": "latin_hypercube", "samples": 5, "factors": {"attacker_skill": None}}
    a = [p.values for p in Design.from_spec(d, seed=3).points]
    assert a == [p.values for p in Design.from_spec(d, seed=3).points]
    assert a != [p.values for p in Design.from_spec(d, seed=4).points]


@pytest.mark.parametrize("change,needle", [
    ({"bogus": 1}, "unknown key 'bogus'"),
    ({"reps": 0}, "reps: invalid value 0"),
    ({"seed": -1}, "seed: invalid value -1"),
    ({"scenarios": ["nowhere"]}, "not found"),
    ({"overrides": {"audit_strength": 3}}, "audit_strength"),
    ({"design": {"type": "grid"}}, "type: invalid value 'grid'"),
    ({"design": {"type": "factorial", "factors": {"audit_strenght": [0.1]}}},
     "unknown parameter 'audit_strenght'"),
    ({"design": {"type": "factorial", "factors": {"audit_strength": [0.1, 7]}}},
     r"allowed: a number in \[0, 1\]"),
    ({"design": {"type": "latin_hypercube", "samples": 5,
                 "factors": {"audit_strength": [0.9, 0.1]}}}, "low < high"),
    ({"design": {"type": "latin_hypercube", "factors": {"audit_strength": None}}},
     "samples: invalid value None"),
    ({"design": {"type": "policies", "policies": [{"architecture": "silos"}]}}, "'name'"),
    ({"design": {"type": "policies", "policies": [{"name": "a"}, {"name": "a"}]}},
     "duplicate"),
])
def test_sweep_validation_errors(change, needle):
    with pytest.raises(SweepError, match=needle):
        load_sweep(spec(**change))


def test_sweep_file_errors_name_the_file(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text("name: x\ndesign: [unclosed\n")
    with pytest.raises(SweepError, match=r"s.yaml:\d+:\d+: not valid YAML"):
        load_sweep(p)
    with pytest.raises(SweepError, match="not found"):
        load_sweep(tmp_path / "none.yaml")


@pytest.mark.parametrize("name", ["collection_by_consent", "architecture_comparison",
                                  "sensitivity"])
def test_example_sweeps_validate(name):
    s = load_sweep(ROOT / "scenarios" / "sweeps" / f"{name}.yaml")
    assert len(s.tasks()) > 0 and s.description


# ------------------------------------------------------------------ engines, store
def test_engines_give_identical_results(tmp_path):
    s = load_sweep(spec())
    a = run_sweep(s, tmp_path / "serial", engine="serial", progress=False)
    b = run_sweep(s, tmp_path / "proc", engine="processes", workers=2, progress=False)
    assert a.completed == b.completed == 8
    ra, rb = load_results(tmp_path / "serial"), load_results(tmp_path / "proc")
    pd.testing.assert_frame_equal(ra[_cols(ra)], rb[_cols(rb)])
    _, da = load_results(tmp_path / "serial", daily=True)
    _, db = load_results(tmp_path / "proc", daily=True)
    key = ["run_id", "series", "day"]
    pd.testing.assert_frame_equal(da.sort_values(key).reset_index(drop=True),
                                  db.sort_values(key).reset_index(drop=True))


def test_dask_local_cluster_gives_identical_results(tmp_path):
    pytest.importorskip("distributed")
    s = load_sweep(spec(reps=1))
    run_sweep(s, tmp_path / "serial", engine="serial", progress=False)
    res = run_sweep(s, tmp_path / "dask", engine="dask", workers=2, progress=False)
    assert res.done
    ra, rb = load_results(tmp_path / "serial"), load_results(tmp_path / "dask")
    pd.testing.assert_frame_equal(ra[_cols(ra)], rb[_cols(rb)])


def test_store_holds_tidy_rows_with_provenance(tmp_path):
    s = load_sweep(spec())
    run_sweep(s, tmp_path / "r", engine="serial", progress=False)
    runs, daily = load_results(tmp_path / "r", daily=True)
    for col in ["run_id", "scenario", "scenario_sha256", "point_id", "point", "seed", "rep",
                "status", "package_version", "param.consent_model", "utility_rate"]:
        assert col in runs, col
    assert runs["run_id"].is_unique and (runs["status"] == "ok").all()
    assert set(daily["run_id"]) == set(runs["run_id"])
    assert set(daily.columns) == {"run_id", "day", "series", "value"}
    manifest = json.loads((tmp_path / "r" / "sweep.json").read_text())
    assert manifest["runs"] == 8 and manifest["design"]["type"] == "factorial"


def test_out_folder_rules(tmp_path):
    s = load_sweep(spec(reps=1))
    run_sweep(s, tmp_path / "r", engine="serial", progress=False)
    with pytest.raises(SweepError, match="--resume"):
        run_sweep(s, tmp_path / "r", engine="serial", progress=False)
    other = load_sweep(spec(reps=1, seed=8))
    with pytest.raises(SweepError, match="different sweep"):
        run_sweep(other, tmp_path / "r", engine="serial", progress=False, resume=True)
    again = run_sweep(s, tmp_path / "r", engine="serial", progress=False, resume=True)
    assert again.completed == 0 and again.skipped == 4


def test_partial_then_resume_completes_without_duplicates(tmp_path):
    s = load_sweep(spec())
    first = run_sweep(s, tmp_path / "r", engine="serial", progress=False, max_runs=3)
    assert first.completed == 3 and not first.done
    rest = run_sweep(s, tmp_path / "r", engine="processes", workers=2, progress=False,
                     resume=True)
    assert rest.skipped == 3 and rest.completed == 5 and rest.done
    runs = load_results(tmp_path / "r")
    assert len(runs) == 8 and runs["run_id"].is_unique


def test_killed_sweep_resumes_to_the_same_results(tmp_path):
    """Start the command-line sweep, kill it part-way (SIGKILL), resume, compare."""
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text(yaml.safe_dump(spec(reps=3, overrides={"n_residents": 2000,
                                                             "n_days": 90})))
    out = tmp_path / "killed"
    proc = subprocess.Popen([sys.executable, "-m", "sim", "sweep", str(sweep), "--out",
                             str(out), "--engine", "serial", "--no-progress"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline:
        done = list((out / "runs").glob("*.parquet")) if (out / "runs").exists() else []
        if len(done) >= 3:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "runs must be stored while the sweep is still running"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    n_before = len(list((out / "runs").glob("*.parquet")))
    assert 3 <= n_before < 12, "the kill must land part-way"
    res = run_sweep(load_sweep(sweep), out, engine="serial", progress=False, resume=True)
    assert res.skipped == n_before and res.done
    resumed = load_results(out)
    assert len(resumed) == 12 and resumed["run_id"].is_unique
    straight = tmp_path / "straight"
    run_sweep(load_sweep(sweep), straight, engine="serial", progress=False)
    fresh = load_results(straight)
    pd.testing.assert_frame_equal(resumed[_cols(resumed)], fresh[_cols(fresh)])
    assert not list(out.rglob(".*.tmp"))


def test_a_run_that_raises_is_an_error_row_and_the_sweep_goes_on(tmp_path):
    from sim.world.attackers import ATTACKER_TYPES, Attacker, register_attacker

    @register_attacker("test_exploding")
    class Exploding(Attacker):
        """Raises when the audit is strong (a stand-in for any model failure)."""

        @classmethod
        def create(cls, model):
            if model.p["audit_strength"] > 0.5:
                raise RuntimeError("boom at strong audit")
            return []

    try:
        res = run_sweep(load_sweep(spec()), tmp_path / "r", engine="serial", progress=False)
    finally:
        ATTACKER_TYPES.unregister("test_exploding")
    assert res.completed == 8 and res.failed == 4
    runs = load_results(tmp_path / "r")
    bad = runs[runs["status"] == "error"]
    assert len(bad) == 4 and (bad["param.audit_strength"] == 0.8).all()
    assert bad["error"].str.contains("boom at strong audit").all()
    assert bad["utility_rate"].isna().all()  # never another run's values
    good = runs[runs["status"] == "ok"]
    assert good["utility_rate"].notna().all() and len(good) == 4
    kept = run_sweep(load_sweep(spec()), tmp_path / "r", engine="serial", progress=False,
                     resume=True, retry_failed=False)
    assert kept.completed == 0 and kept.skipped == 8  # error rows are finished runs too
    # the fault is gone (the attacker unregistered): resume runs the errors again
    again = run_sweep(load_sweep(spec()), tmp_path / "r", engine="serial", progress=False,
                      resume=True)
    assert (again.retried, again.completed, again.failed, again.skipped) == (4, 4, 0, 4)
    runs = load_results(tmp_path / "r")
    assert len(runs) == 8 and runs["run_id"].is_unique and (runs["status"] == "ok").all()
    fresh = run_sweep(load_sweep(spec()), tmp_path / "fresh", engine="serial", progress=False)
    assert fresh.failed == 0
    pd.testing.assert_frame_equal(runs[_cols(runs)], load_results(tmp_path / "fresh")[_cols(runs)])


def test_repeated_design_points_are_distinct_runs():
    s = load_sweep(spec(reps=1, design={"type": "morris", "samples": 6,
                                        "factors": {"collection_scope": ["minimal", "maximal"],
                                                    "audit_strength": None}}))
    tasks = s.tasks()
    assert len({t["run_id"] for t in tasks}) == len(tasks) == 18


def test_sweep_on_a_running_dask_scheduler(tmp_path):
    """--scheduler ADDR: connect to a cluster started elsewhere (here: by the test)."""
    distributed = pytest.importorskip("distributed")
    s = load_sweep(spec(reps=1))
    run_sweep(s, tmp_path / "serial", engine="serial", progress=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        res = run_sweep(s, tmp_path / "remote", scheduler=cluster.scheduler_address,
                        progress=False)
    assert res.done
    ra, rb = load_results(tmp_path / "serial"), load_results(tmp_path / "remote")
    pd.testing.assert_frame_equal(ra[_cols(ra)], rb[_cols(rb)])


def test_unreachable_scheduler_is_a_clear_error(tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    import sim.experiments.engines

    monkeypatch.setattr(sim.experiments.engines, "DASK_CONNECT_TIMEOUT", "1s")
    with pytest.raises(ValueError, match=r"cannot reach a Dask scheduler at 'tcp://127\.0\.0\.1:1'"):
        run_sweep(load_sweep(spec(reps=1)), tmp_path / "r", scheduler="tcp://127.0.0.1:1",
                  progress=False)


def test_scheduler_without_workers_is_a_clear_error_not_a_hang(tmp_path, monkeypatch):
    distributed = pytest.importorskip("distributed")
    import sim.experiments.engines

    monkeypatch.setattr(sim.experiments.engines, "DASK_WORKER_TIMEOUT", 2.0)
    with distributed.LocalCluster(n_workers=0, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        addr = cluster.scheduler_address
        with pytest.raises(ValueError, match=r"has no workers after 2 s; start one with "
                                             r"'dask worker tcp://127\.0\.0\.1:\d+'"):
            run_sweep(load_sweep(spec(reps=1)), tmp_path / "r", scheduler=addr,
                      progress=False)


def test_scenarios_that_the_design_makes_equal_are_refused_before_anything_runs(tmp_path):
    """Two scenarios differing only in what the design sets would share every run id."""
    (tmp_path / "a.yaml").write_text("name: a\nextends: national_plan_2025\n"
                                     "consent_model: opt_in\n")
    (tmp_path / "b.yaml").write_text("name: b\nextends: national_plan_2025\n"
                                     "consent_model: opt_out\n")
    s = load_sweep(spec(scenarios=[str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml")],
                        design={"type": "factorial",
                                "factors": {"consent_model": ["implied", "opt_in"]}}))
    with pytest.raises(SweepError, match=r"'a' and 'b' are the same scenario at design point"):
        run_sweep(s, tmp_path / "r", engine="serial", progress=False)
    assert not (tmp_path / "r").exists()


def test_an_unknown_engine_is_refused_before_the_folder_is_made(tmp_path):
    with pytest.raises(SweepError, match="engine: invalid value 'threads'"):
        run_sweep(load_sweep(spec()), tmp_path / "r", engine="threads", progress=False)
    assert not (tmp_path / "r").exists()
