"""The benchmark's plain-Mesa residents implement the same mechanisms as the columns."""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from plain_mesa import PlainMesaModel, ResidentAgent

from sim.model import HealthDataModel


@pytest.mark.parametrize("scenario", ["status_quo", "national_plan_2025"])
def test_same_mechanisms_same_utility(scenario):
    kw = {"n_residents": 1500, "n_days": 60}
    cols = [HealthDataModel(scenario, seed=s, **kw).run() for s in range(4)]
    plain_models = [PlainMesaModel(scenario, seed=s, **kw) for s in range(4)]
    plain = [m.run() for m in plain_models]
    assert all(isinstance(a, ResidentAgent) for a in plain_models[0].residents)
    assert len(plain_models[0].residents) == 1500
    for key, tol in (("utility_rate", 0.02), ("emergency_info_rate", 0.15)):
        a = np.nanmean([c[key] for c in cols])
        b = np.nanmean([p[key] for p in plain])
        assert abs(a - b) < tol, (key, a, b)
