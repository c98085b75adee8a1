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
    """The headline finding the baseline encodes: the plan trades privacy for care."""
    plan = BASELINE["scenarios"]["national_plan_2025"]
    quo = BASELINE["scenarios"]["status_quo"]
    assert plan["utility_rate"] > quo["utility_rate"]
    assert plan["emergency_info_rate"] > quo["emergency_info_rate"]
    assert plan["harm_per_1000"] > quo["harm_per_1000"]
    assert plan["max_dossier_completeness"] > quo["max_dossier_completeness"]
