"""The results store (issue 11, "One results dataset"): compaction, resume, types, scale."""

import importlib.util
import shutil
from pathlib import Path

import pandas as pd
import pytest

from sim.experiments import store
from sim.experiments.store import ResultsFolder, SweepError, compact, load_results, open_results
from sim.experiments.sweep import load_sweep, run_sweep

ROOT = Path(__file__).resolve().parent.parent
SPEC = {"name": "t", "scenarios": ["national_plan_2025"], "reps": 2, "seed": 7,
        "overrides": {"n_residents": 600, "n_days": 20},
        "design": {"type": "factorial", "factors": {"consent_model": ["implied", "opt_in"],
                                                    "audit_strength": [0.2, 0.8]}}}


def _bench():
    spec = importlib.util.spec_from_file_location("bench_store",
                                                  ROOT / "benchmarks" / "bench_store.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _cols(df):
    return [c for c in df.columns if c != "runtime_s"]


def _files(out):
    return sorted(p.name for p in [*(out / "runs").glob("*.parquet"),
                                   *(out / "daily").glob("*.parquet")])


@pytest.fixture(scope="module")
def uncompacted(tmp_path_factory):
    """A finished sweep left as per-run files (compaction switched off)."""
    out = tmp_path_factory.mktemp("store") / "files"
    mp = pytest.MonkeyPatch()
    mp.setattr(ResultsFolder, "compact", lambda self: 0)
    try:
        run_sweep(load_sweep(SPEC), out, engine="serial", progress=False)
    finally:
        mp.undo()
    assert len(list((out / "runs").glob("*.parquet"))) == 8
    return out


def test_compaction_round_trip_equals_the_per_run_data(uncompacted, tmp_path):
    runs0, daily0 = load_results(uncompacted, daily=True)
    out = tmp_path / "c"
    shutil.copytree(uncompacted, out)
    assert compact(out) == 8
    assert _files(out) == []  # folded in: the folder is two files now
    runs1, daily1 = load_results(out, daily=True)
    pd.testing.assert_frame_equal(runs0, runs1)
    pd.testing.assert_frame_equal(daily0, daily1)
    assert set(store.stored_runs(out)) == set(runs0["run_id"])
    assert compact(out) == 8  # again: nothing to do, nothing changes
    pd.testing.assert_frame_equal(runs0, load_results(out))


def test_a_sweep_compacts_when_it_ends_and_resume_runs_nothing_new(tmp_path):
    out = tmp_path / "r"
    first = run_sweep(load_sweep(SPEC), out, engine="serial", progress=False, max_runs=3)
    assert first.completed == 3 and (out / "results.parquet").exists() and _files(out) == []
    rest = run_sweep(load_sweep(SPEC), out, engine="serial", progress=False, resume=True)
    assert (rest.skipped, rest.completed) == (3, 5) and _files(out) == []
    again = run_sweep(load_sweep(SPEC), out, engine="serial", progress=False, resume=True)
    assert (again.skipped, again.completed) == (8, 0) and _files(out) == []
    runs = load_results(out)
    assert len(runs) == 8 and runs["run_id"].is_unique
    keys = runs[["scenario_index", "point_index", "rep"]].apply(tuple, axis=1)
    assert keys.is_monotonic_increasing
    assert store.count_stored(out) == 8


def test_a_retried_error_replaces_its_row(tmp_path, monkeypatch):
    import sim.experiments.sweep as sweep_mod

    real = sweep_mod.execute_task
    bad = {t["run_id"] for t in load_sweep(SPEC).tasks()[::3]}

    def flaky(task):
        if task["run_id"] in bad:
            raise RuntimeError("flaky disk")
        return real(task)

    out = tmp_path / "r"
    monkeypatch.setattr(sweep_mod, "execute_task", flaky)
    res = run_sweep(load_sweep(SPEC), out, engine="serial", progress=False)
    assert res.failed == len(bad)
    runs = load_results(out)
    assert set(runs.loc[runs["status"] == "error", "run_id"]) == bad
    monkeypatch.setattr(sweep_mod, "execute_task", real)
    again = run_sweep(load_sweep(SPEC), out, engine="serial", progress=False, resume=True)
    assert again.retried == len(bad) and again.failed == 0
    runs, daily = load_results(out, daily=True)
    assert len(runs) == 8 and runs["run_id"].is_unique and (runs["status"] == "ok").all()
    assert set(daily["run_id"].astype(str)) == set(runs["run_id"])
    fresh = tmp_path / "fresh"
    run_sweep(load_sweep(SPEC), fresh, engine="serial", progress=False)
    pd.testing.assert_frame_equal(runs[_cols(runs)], load_results(fresh)[_cols(runs)])


def test_a_crash_mid_compaction_loses_and_duplicates_nothing(uncompacted, tmp_path,
                                                            monkeypatch):
    want_runs, want_daily = load_results(uncompacted, daily=True)
    # killed after the compacted files were renamed into place, before any per-run file
    # was removed: both hold every run
    out = tmp_path / "a"
    shutil.copytree(uncompacted, out)
    monkeypatch.setattr(Path, "unlink", lambda self, missing_ok=False: None)
    compact(out)
    monkeypatch.undo()
    assert len(_files(out)) == 16 and (out / "results.parquet").exists()
    runs, daily = load_results(out, daily=True)
    pd.testing.assert_frame_equal(runs, want_runs)
    pd.testing.assert_frame_equal(daily, want_daily)
    assert len(store.stored_runs(out)) == 8 and store.count_stored(out) == 8
    # killed between a run's row file and its daily file: the daily file is an orphan
    next(iter((out / "runs").glob("*.parquet"))).unlink()
    pd.testing.assert_frame_equal(load_results(out, daily=True)[1], want_daily)
    res = run_sweep(load_sweep(SPEC), out, engine="serial", progress=False, resume=True)
    assert (res.skipped, res.completed) == (8, 0) and _files(out) == []
    pd.testing.assert_frame_equal(load_results(out), want_runs)
    pd.testing.assert_frame_equal(load_results(out, daily=True)[1], want_daily)

    # killed after daily.parquet was replaced, before results.parquet was
    out = tmp_path / "b"
    shutil.copytree(uncompacted, out)
    real = store._atomic_parquet

    def crash_on_runs(df, path, sync=False):
        if path.name == "results.parquet":
            raise KeyboardInterrupt
        return real(df, path, sync=sync)

    monkeypatch.setattr(store, "_atomic_parquet", crash_on_runs)
    with pytest.raises(KeyboardInterrupt):
        compact(out)
    monkeypatch.undo()
    assert (out / "daily.parquet").exists() and not (out / "results.parquet").exists()
    assert len(_files(out)) == 16 and not list(out.glob(".*.tmp"))
    runs, daily = load_results(out, daily=True)
    pd.testing.assert_frame_equal(runs, want_runs)
    pd.testing.assert_frame_equal(daily, want_daily)
    compact(out)
    pd.testing.assert_frame_equal(load_results(out, daily=True)[1], want_daily)


def test_compact_refuses_while_a_sweep_writes(uncompacted, tmp_path):
    import json

    out = tmp_path / "c"
    shutil.copytree(uncompacted, out)
    manifest = json.loads((out / "sweep.json").read_text())
    with open_results(out, manifest, resume=True), pytest.raises(SweepError, match="another"):
        compact(out)
    with pytest.raises(SweepError, match="not a sweep folder"):
        compact(tmp_path)


def test_types_are_tidy(tmp_path):
    out = tmp_path / "r"
    run_sweep(load_sweep(SPEC), out, engine="serial", progress=False)
    for runs in (load_results(out), pd.read_parquet(out / "results.parquet")):
        for col in ("scenario", "sweep", "point", "status", "param.consent_model",
                    "param.architecture"):
            assert isinstance(runs[col].dtype, pd.CategoricalDtype), col
        assert runs["param.audit_strength"].dtype == float
        assert pd.api.types.is_integer_dtype(runs["param.retention_days"])
    runs = load_results(out)
    assert runs["param.collection_fields"].map(type).eq(list).all()
    assert set(store.count_columns()) >= {"breaches", "downtime_days"}
    for col in store.count_columns():
        assert str(runs[col].dtype) == "Int64", col
    assert runs["residents_exposed_rate"].dtype == float
    assert list(runs["status"].cat.categories) == ["ok"]
    _, daily = load_results(out, daily=True)
    assert isinstance(daily["series"].dtype, pd.CategoricalDtype)


def test_lists_and_errors_in_a_large_synthetic_store(tmp_path):
    """10,000 compacted runs, 5 newer per-run files and 3 compacted runs stored again."""
    bench = _bench()
    out = bench.synthetic_store(tmp_path / "s", 10_000, fresh=5, replace=3)
    runs = load_results(out)
    assert runs.shape[0] == 10_005 and runs.shape[1] > 150 and runs["run_id"].is_unique
    keys = runs[["scenario_index", "point_index", "rep"]].apply(tuple, axis=1)
    assert keys.is_monotonic_increasing and keys.is_unique
    fields = runs["param.collection_fields"]
    assert fields.map(type).eq(list).all() and fields.map(len).max() == 3
    assert (runs.loc[runs["param.collection_scope"] != "custom", "param.collection_fields"]
            .map(len) == 0).all()
    errors = runs[runs["status"] == "error"]
    assert len(errors) > 0 and errors["breaches"].isna().all()
    assert (runs.loc[runs["run_id"].isin([f"{i:020x}" for i in range(3)]), "status"]
            == "ok").all()  # the per-run files won over their compacted rows
    assert compact(out) == 10_005 and _files(out) == []
    pd.testing.assert_frame_equal(load_results(out), runs)


def test_old_per_run_files_with_comma_lists_are_read_as_lists(tmp_path):
    out = tmp_path / "old"
    (out / "runs").mkdir(parents=True)
    (out / "sweep.json").write_text("{}")
    row = {"run_id": "a", "scenario": "s", "scenario_index": 0, "point_index": 0, "rep": 0,
           "status": "ok", "breaches": 3.0, "param.collection_fields": "sex,region"}
    pd.DataFrame([row]).to_parquet(out / "runs" / "a.parquet")  # as before issue 11
    runs = load_results(out)
    assert runs.loc[0, "param.collection_fields"] == ["sex", "region"]
    assert runs.loc[0, "breaches"] == 3 and str(runs["breaches"].dtype) == "Int64"


def test_the_dataset_can_be_queried_with_duckdb(tmp_path):
    duckdb = pytest.importorskip("duckdb")
    out = tmp_path / "r"
    run_sweep(load_sweep(SPEC), out, engine="serial", progress=False)
    got = duckdb.sql(f"select point, avg(harm_per_1000) as harm from "
                     f"'{out / 'results.parquet'}' where status = 'ok' group by point").df()
    assert len(got) == 4


def test_filters_on_the_compacted_file(tmp_path):
    out = tmp_path / "r"
    run_sweep(load_sweep(SPEC), out, engine="serial", progress=False)
    got = pd.read_parquet(out / "results.parquet",
                          filters=[("param.consent_model", "==", "opt_in")])
    assert len(got) == 4 and set(got["param.consent_model"]) == {"opt_in"}


# ----------------------------------------------- damaged files (review of the compaction)
def test_a_damaged_daily_dataset_loses_no_run_and_resume_recomputes_it(tmp_path):
    spec = load_sweep(SPEC)
    out = tmp_path / "r"
    run_sweep(spec, out, engine="serial", progress=False)
    want_runs, want_daily = load_results(out, daily=True)
    (out / store.DAILY_FILE).write_bytes(b"PAR1 garbage")
    # while daily.parquet is damaged the compacted rows do not count as stored ...
    assert store.stored_runs(out) == {}
    # ... so resume runs everything again, and only then is the damaged file set aside
    res = run_sweep(spec, out, engine="serial", progress=False, resume=True)
    assert res.completed == 8 and res.compact_error is None
    assert (out / f"{store.DAILY_FILE}.damaged").exists()
    runs, daily = load_results(out, daily=True)
    pd.testing.assert_frame_equal(runs[_cols(runs)], want_runs[_cols(want_runs)])
    pd.testing.assert_frame_equal(daily, want_daily)


def test_compaction_never_sets_a_damaged_dataset_aside_while_its_runs_are_elsewhere(
        tmp_path):
    spec = load_sweep(SPEC)
    out = tmp_path / "r"
    run_sweep(spec, out, engine="serial", progress=False)
    (out / store.DAILY_FILE).write_bytes(b"PAR1 garbage")
    # one new per-run file (a run retried by hand, say): compaction must not drop the rest
    row = load_results(out).iloc[0].to_dict()
    ResultsFolder(out).put(row, None)
    with pytest.raises(store.DamagedResultError, match=r"daily\.parquet"):
        compact(out)
    assert (out / store.RESULTS_FILE).exists() and len(list((out / "runs").glob("*.parquet")))
    assert not (out / f"{store.DAILY_FILE}.damaged").exists()


def test_a_run_whose_daily_file_is_damaged_is_run_again_not_blocking_compaction(
        uncompacted, tmp_path):
    out = tmp_path / "c"
    shutil.copytree(uncompacted, out)
    victim = sorted((out / "daily").glob("*.parquet"))[0]
    victim.write_bytes(b"PAR1 garbage")
    assert compact(out) == 7  # the other runs are folded in
    assert victim.stem not in store.stored_runs(out)  # resume runs it again
    res = run_sweep(load_sweep(SPEC), out, engine="serial", progress=False, resume=True)
    assert res.completed == 1 and res.done
    assert len(load_results(out)) == 8


def test_a_sweep_whose_compaction_fails_says_so_and_keeps_its_runs(tmp_path, monkeypatch):
    def fail(self):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ResultsFolder, "compact", fail)
    res = run_sweep(load_sweep(SPEC), tmp_path / "r", engine="serial", progress=False)
    assert res.done and "No space left on device" in res.compact_error
    assert len(load_results(tmp_path / "r")) == 8  # read from the per-run files


def test_store_errors_survive_a_trip_through_a_worker():
    import pickle

    from sim.params import ParameterError

    for exc in (store.DamagedResultError(Path("/x/runs/a.parquet"), "bad"),
                ParameterError("audit_strength", 10 ** 400, "a number in [0, 1]", "f.yaml:3")):
        again = pickle.loads(pickle.dumps(exc))
        assert type(again) is type(exc) and str(again) == str(exc)
