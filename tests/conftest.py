"""Shared fixtures: small, fast runs (the model's mechanisms do not need 10,000 residents)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"

#: a small population and a short horizon: fast, yet every mechanism fires
SMALL = {"n_residents": 2000, "n_days": 120}


@pytest.fixture
def scenario_dir() -> Path:
    return SCENARIOS


def small(**kw):
    """Parameter overrides for a small, fast run."""
    return {**SMALL, **kw}


def failing_box_runs():
    """400 synthetic runs whose re-identification risk is high exactly where a > 0.6 and
    b == "x" (c is irrelevant): what scenario discovery (trees, PRIM) must find."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    n = 400
    a = rng.random(n)
    b = rng.choice(["x", "y"], n)
    c = rng.random(n)  # irrelevant
    risk = np.where((a > 0.6) & (b == "x"), 0.2, 0.01) + 0.001 * c
    return pd.DataFrame({"status": "ok", "param.a": a, "param.b": b, "param.c": c,
                         "reidentification_risk": risk})


def make_tiny_sweep(out: Path) -> Path:
    """Run a tiny sweep into ``out`` (2 policies × 2 replications, 800 residents, 30 days)."""
    from sim.experiments.sweep import load_sweep, run_sweep

    spec = load_sweep({"name": "tiny", "scenarios": ["national_plan_2025"], "reps": 2,
                       "overrides": {"n_residents": 800, "n_days": 30},
                       "design": {"type": "policies", "policies": [
                           {"name": "plan"}, {"name": "silos", "architecture": "silos"}]}})
    run_sweep(spec, out, engine="serial", progress=False)
    return out


# ------------------------------------------------------------ the command line, as run
FAST = 60  # seconds: every refusal is immediate; a hang would take far longer


def cli(*args, timeout=FAST):
    """Run ``python -m sim ARGS`` from the checkout; return (exit code, stdout, stderr)."""
    p = subprocess.run([sys.executable, "-m", "sim", *map(str, args)], cwd=ROOT,
                       capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def refused(code, err, *needles):
    """Exit 2 with one short line (no traceback) that holds every one of ``needles``."""
    assert code == 2, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and len(lines[0]) < 800, err
    for n in needles:
        assert n in err, err


def sweep_file(tmp: Path, **changes) -> Path:
    """A two-run sweep of 300 residents over 10 days, written to ``tmp/sweep.yaml``."""
    import yaml

    body = {"name": "tiny", "scenarios": ["national_plan_2025"], "reps": 1, "seed": 1,
            "overrides": {"n_residents": 300, "n_days": 10},
            "design": {"type": "factorial", "factors": {"audit_strength": [0.2, 0.8]}}}
    body.update(changes)
    path = tmp / "sweep.yaml"
    path.write_text(yaml.safe_dump(body))
    return path
