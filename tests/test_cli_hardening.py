"""The hardening review's command-line cases (issue 10), run as a user runs them.

Each case once gave a traceback, a hang or a silent acceptance; each must now exit 2 (an
input to fix) with one line naming the file or flag, the value and what is allowed, within
seconds, and write nothing.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import FAST, cli, refused, sweep_file

ROOT = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------- scenario files
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
    for p, c in zip("abcdefgh", "bcdefghi", strict=True)) + "audit_strength: *i\n"


@pytest.mark.parametrize("text,needles", [
    (BOMB, ["alias"]),
    ("audit_strength: " + "[" * 5000 + "]" * 5000 + "\n", ["nest"]),
    ("n_residents: 200\nn_residents: 5000000\n",
     ["duplicate key 'n_residents'", "first on line 2"]),
    ("penalty_yuan: " + "9" * 400 + "\n", ["penalty_yuan"]),
    ("n_residents: " + "9" * 5000 + "\n", ["n_residents"]),
    ("name: ../../x\n", ["name"]),
    ("name: /some/path/victim\n", ["name"]),
], ids=["alias_bomb", "deep_nesting", "duplicate_key", "400_digits", "5000_digits",
        "name_dotdot", "name_absolute"])
def test_bad_scenario_files_are_refused_in_one_line(tmp_path, text, needles):
    path = tmp_path / "bad.yaml"
    path.write_text("extends: national_plan_2025\n" + text)
    for command in (["validate", path], ["run", path, "--out", tmp_path / "out"]):
        code, _out, err = cli(*command)
        refused(code, err, str(path), *needles)
    assert not (tmp_path / "out").exists()


def test_a_file_that_is_not_utf8_names_the_file(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("description: Gesundheitsdaten für alle\n".encode("latin-1"))
    code, _out, err = cli("validate", path)
    refused(code, err, str(path), "UTF-8")


def test_a_huge_number_on_the_command_line_is_refused(tmp_path):
    code, _out, err = cli("run", "status_quo", "--set", "penalty_yuan=" + "9" * 400)
    refused(code, err, "penalty_yuan", "allowed")


def test_replications_are_capped_with_an_override_named():
    code, _out, err = cli("run", "status_quo", "--reps", 10 ** 9)
    refused(code, err, "--reps", "--allow-large")


# ------------------------------------------------------------------------ sweeps
@pytest.mark.parametrize("changes,needles", [
    ({"reps": 10 ** 9}, ["reps", "allow_large"]),
    ({"design": {"type": "latin_hypercube", "samples": 10 ** 9,
                 "factors": {"audit_strength": None}}}, ["samples"]),
    ({"design": {"type": "factorial", "factors": {
        f: [0.01 * i for i in range(1, 10)] for f in
        ["audit_strength", "attacker_skill", "enforcement_probability", "trust_concerned",
         "trust_pragmatic", "trust_unconcerned", "withholding_rate", "granular_hide_share",
         "news_review_share", "phone_present", "emergency_incapacitated",
         "away_share_emergency", "away_share_other"]}}}, ["design", "allow_large"]),
    ({"design": {"type": "morris", "levels": "abc", "factors": {"audit_strength": None}}},
     ["levels", "an integer"]),
    ({"design": {"type": "sobol", "samples": 8, "second_order": "no",
                 "factors": {"audit_strength": None}}}, ["second_order", "true or false"]),
    ({"name": "/tmp/elsewhere"}, ["name"]),
], ids=["reps", "samples", "factorial_1e12", "morris_levels", "sobol_second_order", "name"])
def test_bad_sweeps_are_refused_at_once_in_one_line(tmp_path, changes, needles):
    path = sweep_file(tmp_path, **changes)
    t0 = time.perf_counter()
    code, _out, err = cli("sweep", path, "--out", tmp_path / "out")
    assert time.perf_counter() - t0 < 30
    refused(code, err, *needles)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("where", ["file", "under_file", "devnull"])
def test_a_sweep_out_that_cannot_hold_results_is_refused_before_running(tmp_path, where):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    out = {"file": blocker, "under_file": blocker / "sub", "devnull": Path("/dev/null")}[where]
    code, out_text, err = cli("sweep", sweep_file(tmp_path), "--out", out)
    refused(code, err, f"--out {out}")
    assert "runs ->" not in out_text  # refused before the sweep began
    assert blocker.read_text() == "x"


def test_a_corrupt_results_file_is_named_not_a_traceback(tmp_path):
    code, _out, err = cli("sweep", sweep_file(tmp_path), "--out", tmp_path / "r",
                          "--engine", "serial", "--no-progress")
    assert code == 0, err
    victim = tmp_path / "r" / "results.parquet"  # the sweep's runs, compacted when it ended
    n = len(pd.read_parquet(victim))
    victim.write_bytes(b"PAR1 this is not parquet")
    code, _out, err = cli("frontier", tmp_path / "r")
    refused(code, err, str(victim), "--resume")
    # --resume runs the damaged file's runs again (kept aside, never deleted): folder whole
    code, out, err = cli("sweep", sweep_file(tmp_path), "--out", tmp_path / "r", "--resume",
                         "--engine", "serial", "--no-progress")
    assert code == 0 and f"done: {n} run now" in out, err
    assert len(pd.read_parquet(victim)) == n and pd.read_parquet(victim)["run_id"].is_unique
    assert (tmp_path / "r" / "results.parquet.damaged").read_bytes().startswith(b"PAR1 this")


def test_discover_refuses_a_limit_that_is_not_a_number(tmp_path):
    code, _out, err = cli("discover", tmp_path, "--limit", "nan")
    refused(code, err, "--limit", "finite")


# ---------------------------------------------------------------------- Ctrl-C
@pytest.mark.parametrize("delay", [0.05, 0.15, 0.3, 0.6, 1.0])
def test_ctrl_c_at_any_moment_of_start_up_is_not_a_traceback(delay):
    p = subprocess.Popen([sys.executable, "-m", "sim", "run", "status_quo", "--residents",
                          "300", "--days", "10"], cwd=ROOT, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    time.sleep(delay)
    p.send_signal(signal.SIGINT)
    _out, err = p.communicate(timeout=FAST)
    # an interrupt inside the interpreter's own start-up (site, runpy: before any line of
    # ours) is Python's to report; from the first line of the package on, it is ours
    ours = [line for line in err.splitlines() if f'File "{ROOT / "sim"}' in line]
    assert not ours, err
    if "Traceback" not in err:
        assert p.returncode in (0, 130, -signal.SIGINT), (p.returncode, err)
