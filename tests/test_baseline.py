"""Baseline regression: headline numbers of fixed runs must not move unnoticed.

A deliberate model change regenerates the file with ``python scripts/update_baseline.py``.
"""

import importlib.util
import json
import math
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BASELINE = json.loads((ROOT / "tests" / "baseline.json").read_text())

spec = importlib.util.spec_from_file_location("update_baseline",
                                              ROOT / "scripts" / "update_baseline.py")
update_baseline = importlib.util.module_from_spec(spec)
spec.loader.exec_module(update_baseline)


@pytest.fixture(scope="module")
def current():
    return update_baseline.compute()


def test_config_unchanged():
    assert BASELINE["config"] == update_baseline.CONFIG


@pytest.mark.parametrize("scenario", sorted(BASELINE["scenarios"]))
def test_headline_numbers_match_baseline(current, scenario):
    want = BASELINE["scenarios"][scenario]
    got = current["scenarios"][scenario]
    for key, value in want.items():
        if math.isnan(value):
            assert math.isnan(got[key]), key
        else:
            assert got[key] == pytest.approx(value, rel=1e-9, abs=1e-12), (scenario, key)


def test_plan_buys_utility_with_risk():
    """The headline finding, run afresh (not read from the baseline file): against the status
    quo on the same seeds, the plan gives clinicians clearly more information, at home and in
    emergencies away from home, and exposes clearly more harmful information."""
    from sim.analysis.verdicts import row_change
    from sim.experiments.comparison import compare

    d = compare("status_quo", "national_plan_2025", seed=3, reps=4,
                overrides={"n_residents": 3000}).differences
    assert row_change(d.loc["utility_rate"]) == "higher"
    assert row_change(d.loc["emergency_info_rate"]) == "higher"
    assert row_change(d.loc["harm_per_1000"]) == "higher"
    assert row_change(d.loc["mean_dossier_completeness"]) == "higher"
