"""Before anything runs: the output folder can be written and the runs fit this machine."""

from __future__ import annotations

import os

import pytest

import sim.experiments.experiment as experiment
from sim.app.cli import main
from sim.experiments.preflight import check_fits, check_out, estimate, safe_filename
from sim.scenario import load_scenario

QUICK = ["--days", "5", "--residents", "300"]


@pytest.fixture
def no_runs(monkeypatch):
    """Fail the test if a simulation starts (the check must come first)."""
    def boom(*args, **kw):
        raise AssertionError("a simulation ran before the inputs were checked")
    monkeypatch.setattr(experiment, "run", boom)


@pytest.mark.parametrize("kind", ["file", "under_a_file", "device", "not_empty"])
def test_an_unusable_out_is_refused_before_running(tmp_path, capsys, no_runs, kind):
    target = {"file": tmp_path / "f.txt", "under_a_file": tmp_path / "f.txt" / "sub",
              "device": "/dev/null", "not_empty": tmp_path / "full"}[kind]
    (tmp_path / "f.txt").write_text("x")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "old.csv").write_text("x")
    code = main(["run", "status_quo", *QUICK, "--out", str(target)])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: --out") and err.count("\n") == 1
    assert "Traceback" not in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_an_unwritable_out_is_refused(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(ValueError, match="permission denied"):
            check_out(locked / "results")
    finally:
        locked.chmod(0o700)


def test_a_run_too_big_for_the_machine_is_refused_with_its_estimate(capsys, no_runs,
                                                                   monkeypatch):
    import sim.experiments.preflight as preflight

    monkeypatch.setattr(preflight, "machine_memory", lambda: 4e9)  # a 4 GB machine
    code = main(["run", "status_quo", "--residents", "5000000"])
    err = capsys.readouterr().err
    assert code == 2 and "residents' columns" in err and "--allow-large" in err
    assert "4 GB" in err or "3.2 GB" in err  # what this machine can give
    assert err.count("\n") == 1


def test_the_estimate_follows_the_tables_and_the_override_skips_the_check(monkeypatch):
    import sim.experiments.preflight as preflight

    base = load_scenario("status_quo")
    small = estimate(base.params)
    more = estimate(base.with_overrides({"n_residents": 1_000_000}).params)
    # a million residents: the per-resident tables a hundred times over, the libraries once
    lib = preflight.BYTES_BASE
    assert 90 < (more.bytes - lib) / (small.bytes - lib) < 110
    # a network of 10,000 nodes: the reach matrix (nodes × nodes) grows, nothing per resident
    nodes = base.with_overrides({"n_regions": 100, "clinics_per_region": 100})
    assert estimate(nodes.params).bytes - small.bytes > 1e8
    monkeypatch.setattr(preflight, "machine_memory", lambda: 16e9)
    big = base.with_overrides({"n_residents": 20_000_000})
    with pytest.raises(ValueError):
        check_fits([big])
    assert check_fits([big], allow_large=True).bytes > 1.28e10


def test_a_failed_replication_is_reported_in_one_line(capsys, monkeypatch):
    real = experiment.run_one

    def failing(scenario, seed, *, rep=0, model_hook=None, residents=False):
        def boom(model):
            raise MemoryError("Unable to allocate 158 GiB")
        return real(scenario, seed, rep=rep, model_hook=boom)

    monkeypatch.setattr(experiment, "run_one", failing)
    code = main(["run", "status_quo", *QUICK])
    err = capsys.readouterr().err
    assert code == 2  # out of memory: the inputs are too large for this machine
    assert "1 of 1 replications failed: MemoryError: Unable to allocate 158 GiB" in err


def test_file_names_from_scenario_names_stay_in_their_folder():
    for name in ("../../x", "/etc/passwd", "a/b", "..", "C:\\\\evil"):
        safe = safe_filename(name)
        assert "/" not in safe and "\\\\" not in safe and safe not in ("", ".", "..")
