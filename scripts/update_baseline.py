"""Regenerate tests/baseline.json: the headline numbers the regression test pins.

Run deliberately, after a model change whose effect on the numbers you have checked:

    python scripts/update_baseline.py

and commit the new file with a message saying why the numbers moved.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sim  # noqa: E402

CONFIG = {"seed": 2025, "reps": 3, "overrides": {"n_residents": 3000, "n_days": 365}}
SCENARIOS = ["status_quo", "national_plan_2025", "on_device_consent", "federated_pseudonymous"]
HEADLINES = ["residents_exposed_rate", "records_exposed", "harm_per_1000",
             "reidentification_risk", "marketer_risk", "quasi_identifier_risk",
             "identified_leak_share", "mean_dossier_completeness", "dossier_over_half_rate",
             "max_dossier_completeness", "breaches", "insider_incidents",
             "function_creep_incidents", "utility_rate", "emergency_info_rate",
             "adverse_events_averted", "duplicate_tests_avoided", "admissions_avoided",
             "downtime_days", "participation_rate", "mean_trust", "withholding_rate"]


def compute() -> dict:
    out = {"config": CONFIG, "scenarios": {}}
    for name in SCENARIOS:
        runs = sim.run(name, seed=CONFIG["seed"], reps=CONFIG["reps"],
                       overrides=CONFIG["overrides"]).runs
        out["scenarios"][name] = {k: float(runs[k].mean()) for k in HEADLINES}
    return out


if __name__ == "__main__":
    path = ROOT / "tests" / "baseline.json"
    path.write_text(json.dumps(compute(), indent=2, sort_keys=True) + "\n")
    print(f"wrote {path}")
