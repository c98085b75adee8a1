"""Shared fixtures: small, fast runs (the model's mechanisms do not need 10,000 residents)."""

from __future__ import annotations

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
