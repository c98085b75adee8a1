"""The eleven holes a 400-case hostile corpus found in the input and results gates (issue 20).

Each test is one case of the issue, run the way the corpus ran it; each failed on the code
before the fix (a silent acceptance, a traceback, a half-written or lost result). The
YAML cases also join the parsing corpus of ``test_input_gate.py``.
"""

from __future__ import annotations

import json
import math
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from conftest import cli, refused
from conftest import sweep_file as tiny_sweep

from sim.experiments.store import open_results
from sim.experiments.sweep import SweepError, _manifest, load_results, load_sweep, run_sweep
from sim.scenario import ScenarioError, load_scenario
from sim.yamlio import YamlInputError, parse_yaml

ROOT = Path(__file__).resolve().parent.parent


# 1 ------------------------------------------------------ a report over a device node
@pytest.mark.parametrize("command", [["lever-effects", "--reps", "2", "--residents", "300"],
                                     ["uncertainty-report", "--quick"]])
def test_a_report_is_not_written_over_a_device_or_a_folder(tmp_path, command):
    """``--out /dev/full`` exited 0 after renaming the Markdown file over the device node
    (as root, it replaced the device). A pipe is the same case without risking a device."""
    pipe = tmp_path / "pipe.md"
    os.mkfifo(pipe)
    code, _out, err = cli(*command, "--out", pipe)
    refused(code, err, str(pipe), "not a regular file")
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)
    code, _out, err = cli(*command, "--out", tmp_path)
    refused(code, err, "a folder")
    link = tmp_path / "report.md"
    link.symlink_to(tmp_path / "elsewhere.md")
    code, _out, err = cli(*command, "--out", link)
    refused(code, err, "symbolic link")
    assert not (tmp_path / "elsewhere.md").exists()


# 2 ------------------------------------------------------------ a lock that is a link
def test_a_lock_file_that_is_a_link_is_refused_and_its_target_untouched(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (out / ".lock").symlink_to(victim)
    code, _o, err = cli("sweep", tiny_sweep(tmp_path), "--out", out, "--resume",
                        "--no-progress")
    refused(code, err, ".lock", "symbolic link")
    assert victim.read_text() == "keep me"
    (out / ".lock").unlink()
    os.mkfifo(out / ".lock")
    with pytest.raises(SweepError, match="not a regular file"):
        with open_results(out, {"sha256": "x"}, resume=True):
            pass


# 3 ------------------------------------ a damaged per-run file after a killed sweep
def test_a_damaged_per_run_file_is_run_again_by_the_resume_that_finds_it(tmp_path):
    """kill -9 of a sweep, one per-run daily file truncated: ``--resume`` stored 15 of 16
    runs and exited 0 (compaction removed the damaged run's files)."""
    sweep = {"name": "damaged", "scenarios": ["national_plan_2025"], "reps": 4, "seed": 3,
             "overrides": {"n_residents": 300, "n_days": 20},
             "design": {"type": "factorial",
                        "factors": {"consent_model": ["implied", "opt_in"],
                                    "audit_strength": [0.2, 0.8]}}}
    path = tmp_path / "sweep.yaml"
    path.write_text(yaml.safe_dump(sweep))
    spec = load_sweep(path)
    ref = tmp_path / "reference"
    run_sweep(spec, ref, engine="serial", progress=False)
    want, daily = load_results(ref, daily=True)
    # the folder a killed sweep leaves: its manifest and 10 runs' per-run files, not compacted
    out = tmp_path / "out"
    with open_results(out, _manifest(spec), resume=False) as folder:
        for _, row in want.head(10).iterrows():
            folder.put(row.to_dict(), daily[daily["run_id"] == row["run_id"]])
    damaged = sorted((out / "daily").glob("*.parquet"))[3]
    damaged.write_bytes(damaged.read_bytes()[:100])  # truncated: a killed writer, a full disk
    with pytest.raises(pa.ArrowInvalid):
        pq.read_table(damaged)
    code, stdout, err = cli("sweep", path, "--out", out, "--resume", "--no-progress",
                            "--engine", "serial", timeout=300)
    assert code == 0, err
    assert "done: 7 run now" in stdout and "9 already" in stdout, stdout
    got = load_results(out)
    assert len(got) == 16 and got["run_id"].is_unique and (got["status"] == "ok").all()
    assert damaged.stem in set(got["run_id"])


# 4 ----------------------------------------------------------- a name too long
@pytest.mark.parametrize("command", [["run", "status_quo", "--set", "n_days=5",
                                      "--set", "n_residents=200"],
                                     ["sweep", "SWEEP", "--no-progress"]])
def test_an_out_path_with_a_name_over_255_bytes_is_refused_in_one_line(tmp_path, command):
    command = [str(tiny_sweep(tmp_path)) if c == "SWEEP" else c for c in command]
    code, _o, err = cli(*command, "--out", tmp_path / ("x" * 300) / "results")
    refused(code, err, "at most 255 bytes")


# 5 ------------------------------------------------------------------ merge keys
@pytest.mark.parametrize("text", ["audit_strength: 0.2\n<<: {audit_strength: 0.9}\n",
                                  "audit_strength: 0.2\n<<: [{audit_strength: 0.9}]\n",
                                  "overrides: {<<: {n_days: 5}, n_days: 6}\n"])
def test_yaml_merge_keys_are_refused(tmp_path, text):
    """``<<`` merged a second value of a key in, past the duplicate-key rule."""
    with pytest.raises(YamlInputError, match="merge key"):
        parse_yaml(text, "f.yaml")
    p = tmp_path / "s.yaml"
    p.write_text("name: merged\n" + text)
    with pytest.raises(ScenarioError, match="merge key"):
        load_scenario(p)


# 6 ----------------------------------------- a refused folder keeps no lock behind
def test_a_sweep_refused_on_a_folder_that_is_not_a_sweep_leaves_it_as_it_was(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("my notes")
    for extra in ([], ["--resume"]):
        code, _o, err = cli("sweep", tiny_sweep(tmp_path), "--out", out, "--no-progress",
                            *extra)
        refused(code, err, str(out))
        assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]


# 7 --------------------------------------------------------------- nested lists
@pytest.mark.parametrize("text", ["[[allergies]]", "[[[allergies, medications]]]",
                                  "[allergies],[medications]"])
def test_a_nested_list_on_the_command_line_is_refused_not_flattened(text):
    code, _o, err = cli("run", "status_quo", "--set", "collection_scope=custom",
                        "--set", f"collection_fields={text}", "--set", "n_days=5",
                        "--set", "n_residents=200")
    refused(code, err, "collection_fields", "flat list")


def test_a_flat_list_on_the_command_line_is_still_a_list():
    from sim.params import PARAMETERS

    p = PARAMETERS["collection_fields"]
    assert p.parse_text("[allergies, medications]") == ["allergies", "medications"]
    assert p.parse_text("allergies,medications") == ["allergies", "medications"]
    assert p.parse_text("[]") == []


# 8 ------------------------------------------------------------------- SIGTERM
def test_run_stopped_by_sigterm_says_so_and_exits_130(tmp_path):
    out = tmp_path / "res"
    proc = subprocess.Popen([sys.executable, "-m", "sim", "run", "status_quo", "--reps", "200",
                             "--set", "n_residents=3000", "--out", str(out)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(8)  # past the imports, within the replications (200 take ~30 s)
        assert proc.poll() is None, proc.communicate()
        proc.send_signal(signal.SIGTERM)
        _stdout, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert "interrupted; nothing written" in err and "Traceback" not in err
    assert not out.exists()


def test_an_interrupt_dropped_by_a_finaliser_is_raised_again(capsys):
    """The SIGTERM above once landed while Python ran a weakref callback (Mesa's agent-id
    counters, freed with a model between replications): Python printed "Exception ignored
    in ..." and the run went on past the test's minute. A dropped interrupt is raised again,
    in the command's own code, and nothing is printed for it."""
    from sim.app import cli

    class Finaliser:
        def __del__(self):
            raise KeyboardInterrupt  # what a signal arriving inside __del__ amounts to

    t0 = time.monotonic()
    with pytest.raises(KeyboardInterrupt), cli._sigterm_as_interrupt():
        Finaliser()  # freed at once: its exception is dropped
        while time.monotonic() - t0 < 5:
            time.sleep(0.01)
    assert time.monotonic() - t0 < 1
    assert "Exception ignored" not in capsys.readouterr().err
    assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL  # put back as it was


# 9 -------------------------------------------------------------- interval levels
@pytest.mark.parametrize("level", [1.5, -1, 0, 1, float("nan"), True, "0.95"])
def test_compare_refuses_a_level_that_is_not_a_probability(level):
    import sim

    with pytest.raises(ValueError, match="level: invalid value"):
        sim.compare("status_quo", "national_plan_2025", reps=2, level=level,
                    overrides={"n_residents": 200, "n_days": 5})


def test_an_interval_level_still_gives_an_interval():
    from sim.experiments.experiment import mean_ci

    mean, lo, hi = mean_ci([1.0, 2.0, 3.0, 4.0], level=0.9)
    assert lo < mean < hi


def test_an_interval_stays_within_the_values_an_outcome_can_take():
    """Issue 20: a two-replication interval of a share went below zero."""
    import pandas as pd

    from sim import OUTCOMES
    from sim.experiments.experiment import mean_ci, summarize
    from sim.experiments.summaries import policy_summary

    _mean, lo, hi = mean_ci([0.0, 0.002])  # t(1 df) = 12.7: the bare interval is ±0.0127
    assert (lo, hi) == pytest.approx((-0.0117, 0.0137), abs=1e-4)
    assert mean_ci([0.0, 0.002], bounds=(0.0, 1.0))[1:] == (0.0, pytest.approx(0.0137, abs=1e-4))
    share = next(n for n, o in OUTCOMES.items() if o.bounds == (0.0, 1.0))
    count = next(n for n, o in OUTCOMES.items() if o.count)
    free = [n for n, o in OUTCOMES.items() if o.bounds is None]  # e.g. events averted
    runs = pd.DataFrame({share: [0.0, 0.002], count: [0.0, 1.0],
                         **{n: [-1.0, 1.0] for n in free[:1]}, "status": "ok",
                         "scenario": "s", "point_id": 0, "point": "p"})
    got = summarize(runs)
    assert got.loc[share, "ci_low"] == 0.0 and got.loc[count, "ci_low"] == 0.0
    assert got.loc[share, "ci_high"] == pytest.approx(0.0137, abs=1e-4)
    for name in free[:1]:  # an outcome with no declared range keeps its interval
        assert got.loc[name, "ci_low"] < -1
    # declared with low=0: records, harm and days cannot go below zero either
    assert {n: OUTCOMES[n].bounds for n in ("records_exposed", "harm_per_1000",
                                            "mean_days_to_detect")} == dict.fromkeys(
        ("records_exposed", "harm_per_1000", "mean_days_to_detect"), (0.0, math.inf))
    by_point = policy_summary(runs).set_index("outcome")
    assert by_point.loc[share, "ci_low"] == 0.0 and by_point.loc[count, "ci_low"] == 0.0


# 10 ---------------------------------------------------------- names through the API
@pytest.mark.parametrize("name", ["../../evil", "a/b", "C:evil", "bad\nname", "", "x" * 500])
def test_a_scenario_name_given_in_python_follows_the_file_rule(name):
    base = load_scenario("status_quo")
    with pytest.raises(ScenarioError, match="name: invalid value"):
        base.with_overrides(name=name)
    assert base.with_overrides(name="a fine name").name == "a fine name"


# 11 --------------------------------------------- a value fixed by design, in --json
def test_json_says_why_an_outcome_has_no_value(tmp_path):
    """Under the master index re-identification is certain by design: the console said so,
    ``--json`` printed ``"mean": null`` alone."""
    sets = ["--set", "n_residents=300", "--set", "n_days=30"]
    code, out, err = cli("run", "national_plan_2025", "--reps", "2", "--json", *sets)
    assert code == 0, err
    metrics = json.loads(out)["metrics"]
    nulls = {k: v for k, v in metrics.items() if v["mean"] is None}
    assert nulls, "no outcome without a value: the case is not exercised"
    for name, v in nulls.items():
        assert v.get("note"), name
    code, out, err = cli("compare", "status_quo", "national_plan_2025", "--reps", "2",
                         "--json", *sets, timeout=120)
    assert code == 0, err
    diff = json.loads(out)["difference"]
    for name, v in diff.items():
        if v["mean"] is None:
            assert v.get("note"), name


# the sixth extension: frontier rows cut at 43 characters looked alike
def test_frontier_prints_long_policy_labels_whole(tmp_path):
    from conftest import sweep_file

    long_a = "a policy with a long name that differs only at its very end: version A"
    long_b = long_a[:-1] + "B"
    sw = sweep_file(tmp_path, design={"type": "policies", "policies": [
        {"name": long_a}, {"name": long_b, "audit_strength": 0.9}]}, reps=2)
    out = tmp_path / "res"
    code, _o, err = cli("sweep", sw, "--out", out, "--workers", "2", "--no-progress",
                        timeout=300)
    assert code == 0, err
    code, stdout, err = cli("frontier", out, "--baseline", long_a)
    assert code == 0, err
    assert long_a in stdout and long_b in stdout
