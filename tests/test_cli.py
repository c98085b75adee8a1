"""The command line: output formats, exit codes, one-line errors, atomic --out."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sim.app.cli import main

ROOT = Path(__file__).resolve().parent.parent
SMALL = ["--residents", "800", "--days", "40"]


def cli(*args, cwd=ROOT):
    """Run ``python -m sim`` in a subprocess (exit code, stdout, stderr)."""
    p = subprocess.run([sys.executable, "-m", "sim", *args], cwd=cwd, capture_output=True,
                       text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def test_run_json_document():
    code, out, err = cli("run", "scenarios/status_quo.yaml", "--seed", "4", "--reps", "2",
                         *SMALL, "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["scenario"] == "status_quo" and doc["seed"] == 4 and doc["reps"] == 2
    m = doc["metrics"]["utility_rate"]
    assert 0 <= m["mean"] <= 1
    assert len(m["ci95"]) == 2 and m["ci95"][0] <= m["mean"] <= m["ci95"][1]
    assert "residents_exposed_rate" in doc["metrics"]


def test_compare_json_has_arms_and_difference(capsys):
    code = main(["compare", "status_quo", "national_plan_2025", "--reps", "2", *SMALL,
                 "--json"])
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["a"]["scenario"] == "status_quo"
    assert doc["b"]["scenario"] == "national_plan_2025"
    diff = doc["difference"]["utility_rate"]
    a = doc["a"]["metrics"]["utility_rate"]["mean"]
    b = doc["b"]["metrics"]["utility_rate"]["mean"]
    assert diff["mean"] == pytest.approx(b - a)


def test_table_output_names_outcomes(capsys):
    assert main(["run", "national_plan_2025", *SMALL]) == 0
    out = capsys.readouterr().out
    assert "utility_rate" in out and "residents_exposed_rate" in out and "95% interval" in out


def test_set_overrides_a_parameter(capsys):
    main(["run", "status_quo", *SMALL, "--json", "--set", "n_external_groups=0",
          "--set", "insiders_per_institution=0", "--set", "n_secondary_users=0"])
    doc = json.loads(capsys.readouterr().out)
    assert doc["metrics"]["breaches"]["mean"] == 0


@pytest.mark.parametrize("args,needle", [
    (["run", "status_quo", "--set", "audit_strength=2"], "audit_strength"),
    (["run", "status_quo", "--set", "audit_strenght=0.2"], "unknown parameter"),
    (["run", "status_quo", "--set", "audit_strength"], "KEY=VALUE"),
    (["run", "nowhere.yaml"], "not found"),
    (["run", "status_quo", "--reps", "0"], "--reps"),
    (["run", "status_quo", "--days", "0"], "--days"),
    (["validate", "status_quo", "--set", "architecture=cloud"], "architecture"),
    (["app", "--port", "0"], "--port: 0 is not allowed"),
    (["app", "--workers", "0"], "--workers: 0 is not allowed"),
    (["app", "--cache-dir", "README.md/results"], "cannot use the folder"),
])
def test_invalid_input_one_line_exit_2(args, needle):
    code, _out, err = cli(*args)
    assert code == 2
    assert needle in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_bad_scenario_file_reports_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("architecture: national\nretention_days: -5\n")
    code, _, err = cli("validate", str(bad))
    assert code == 2 and f"{bad}:2" in err and "retention_days" in err


def test_validate_ok():
    code, out, _ = cli("validate", "scenarios/breach_shock.yaml")
    assert code == 0 and out.startswith("ok: breach_shock")


def test_list_shows_levers_attackers_outcomes(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for needle in ["national_plan_2025", "consent_model", "per_access_break_glass",
                   "ransomware_group", "data_broker", "harm_per_1000", "Uncertainties"]:
        assert needle in out


def test_out_writes_everything(tmp_path):
    out = tmp_path / "res"
    assert main(["compare", "status_quo", "minimal_collection", "--reps", "2", *SMALL,
                 "--out", str(out)]) == 0
    names = {p.name for p in out.iterdir()}
    assert {"runs.csv", "daily.csv", "differences.csv", "meta.json",
            "a_status_quo.yaml", "b_minimal_collection.yaml"} <= names
    meta = json.loads((out / "meta.json").read_text())
    assert meta["reps"] == 2 and len(meta["scenarios"][0]["params_sha256"]) == 64
    # the written scenario reproduces the run's parameters
    from sim import load_scenario
    again = load_scenario(out / "b_minimal_collection.yaml")
    assert again.params["collection_scope"] == "minimal"


def test_out_refuses_non_empty_folder_and_writes_nothing(tmp_path):
    out = tmp_path / "res"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    code, _, err = cli("run", "status_quo", *SMALL, "--out", str(out))
    assert code == 2 and "not empty" in err
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".res.")]


def test_invalid_input_writes_nothing(tmp_path):
    out = tmp_path / "res"
    code, _, _ = cli("run", "status_quo", "--set", "n_days=-1", "--out", str(out))
    assert code == 2 and not out.exists()


def test_works_from_another_folder(tmp_path):
    code, out, err = cli("run", "national_plan_2025", *SMALL, "--json", cwd=tmp_path)
    assert code == 0, err
    assert json.loads(out)["scenario"] == "national_plan_2025"


# ----------------------------------------------------------------- sweeps (issue 3)
def _sweep_file(tmp_path, design, reps=2):
    import yaml

    p = tmp_path / "s.yaml"
    p.write_text(yaml.safe_dump({"name": "tiny", "scenarios": ["national_plan_2025"],
                                 "reps": reps, "seed": 3,
                                 "overrides": {"n_residents": 700, "n_days": 30},
                                 "design": design}))
    return p


def test_sweep_then_frontier_from_the_command_line(tmp_path):
    sw = _sweep_file(tmp_path, {"type": "policies", "policies": [
        {"name": "plan"}, {"name": "silos", "architecture": "silos"},
        {"name": "on device", "architecture": "on_device",
         "consent_model": "per_access_break_glass"}]})
    out = tmp_path / "res"
    code, stdout, err = cli("sweep", str(sw), "--out", str(out), "--workers", "2",
                            "--no-progress")
    assert code == 0, err
    assert "6 runs" in stdout and "0 failed" in stdout
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    code, stdout, err = cli("frontier", str(out), "--baseline", "plan")
    assert code == 0, err
    assert "baseline" in stdout and "silos" in stdout
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before  # a read, not a write
    figs = tmp_path / "frontier"
    code, stdout, err = cli("frontier", str(out), "--baseline", "plan", "--out", str(figs))
    assert code == 0, err
    assert (figs / "frontier_residents_exposed_rate_utility_rate.png").stat().st_size
    assert (figs / "frontier_residents_exposed_rate_utility_rate.csv").exists()
    code, stdout, err = cli("sweep", str(sw), "--out", str(out), "--no-progress")
    assert code == 2 and "--resume" in err
    code, stdout, err = cli("sweep", str(sw), "--out", str(out), "--resume", "--no-progress")
    assert code == 0 and "6 already stored" in stdout


def test_sensitivity_from_the_command_line(tmp_path):
    sw = _sweep_file(tmp_path, {"type": "morris", "samples": 4, "factors": {
        "audit_strength": None, "collection_scope": ["minimal", "maximal"],
        "attacker_skill": [0.2, 0.8]}}, reps=1)
    out = tmp_path / "res"
    assert cli("sweep", str(sw), "--out", str(out), "--no-progress")[0] == 0
    code, stdout, err = cli("sensitivity", str(out), "--outcome", "harm_per_1000", "--out",
                            str(tmp_path / "sens"))
    assert code == 0, err
    assert "Morris" in stdout and "collection_scope" in stdout
    assert (tmp_path / "sens" / "sensitivity.png").exists()
    assert not (out / "figures").exists()
    code, stdout, err = cli("discover", str(out), "--outcome", "harm_per_1000", "--limit", "0")
    assert code == 0, err and "of runs" in stdout


@pytest.mark.parametrize("args,needle", [
    (["sweep", "nowhere.yaml"], "not found"),
    (["frontier", "no/such/folder"], "no such results folder"),
    (["sweep", "scenarios/sweeps/sensitivity.yaml", "--workers", "0"], "--workers"),
])
def test_sweep_command_errors(args, needle):
    code, _, err = cli(*args)
    assert code == 2 and needle in err and "Traceback" not in err


@pytest.mark.parametrize("args,field", [
    (["lever-effects", "--base", "nope", "--reps", "2"], "scenario 'nope' not found"),
    (["lever-effects", "--reps", "1"], "--reps"),
    (["validate-model", "--out", "README.md"], "--out README.md"),
    (["validate-model", "--seed", "-1"], "--seed"),
])
def test_report_commands_reject_bad_input_in_one_line(args, field):
    code, _out, err = cli(*args)
    assert code == 2
    assert field in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_run_profile_times_every_phase(capsys):
    from sim.world.model import HealthDataModel

    code = main(["run", "status_quo", *SMALL, "--profile"])
    assert code == 0
    out = capsys.readouterr().out
    assert "profile of replication 0" in out
    for phase in HealthDataModel.PHASES:
        assert phase in out


def test_compare_prints_reasons_for_outcomes_fixed_by_design(capsys):
    code = main(["compare", "status_quo", "national_plan_2025", "--reps", "2", *SMALL])
    assert code == 0
    out = capsys.readouterr().out
    assert "re-identification is certain by design" in out
    assert "max_dossier_completeness" not in out  # not a headline outcome
