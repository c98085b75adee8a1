"""Exported reform scenarios load from any folder and reproduce the reform exactly."""

from pathlib import Path

import pandas as pd
import pytest
import yaml

from sim.app.dashboards import ComparisonDashboard
from sim.app.dashboards.runner import Runner
from sim.experiments.experiment import run
from sim.scenario import ScenarioError, export_reform_yaml, load_scenario

SHARED = {"share_concerned": 0.31, "trust_concerned": 0.4, "n_residents": 800, "n_days": 30}


def _arms(reform_from="national_plan_2025", baseline="status_quo", **levers):
    """Both arms as the comparison dashboard builds them: shared assumptions and run size
    on both, the reform's levers on the reform."""
    a = load_scenario(baseline).with_overrides(SHARED)
    b = load_scenario(reform_from).with_overrides({**SHARED, **levers},
                                                  name=f"{reform_from} (edited)")
    return a, b


def _save(folder: Path, text: str, name: str = "reform.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_text(text, encoding="utf-8")
    return p


# ------------------------------------------------------------- extends resolves anywhere
@pytest.mark.parametrize("ref", ["national_plan_2025", "national_plan_2025.yaml"])
def test_extends_a_bundled_name_from_any_folder(tmp_path, ref):
    p = _save(tmp_path / "elsewhere", f"extends: {ref}\naudit_strength: 0.9\n")
    s = load_scenario(p)
    assert s.params["architecture"] == "national"  # from the bundled plan
    assert s.params["audit_strength"] == 0.9
    assert s.chain == ("national_plan_2025", "status_quo")


def test_a_file_beside_it_still_wins_over_the_bundled_one(tmp_path):
    _save(tmp_path, "name: local\narchitecture: federated\n", "national_plan_2025.yaml")
    s = load_scenario(_save(tmp_path, "extends: national_plan_2025.yaml\n"))
    assert s.chain == ("local",) and s.params["architecture"] == "federated"


def test_missing_parent_names_the_file_line_and_chain(tmp_path):
    _save(tmp_path, "name: a\nextends: b.yaml\n", "a.yaml")
    _save(tmp_path, "name: b\n\nextends: nowhere.yaml\n", "b.yaml")
    with pytest.raises(ScenarioError) as e:
        load_scenario(tmp_path / "a.yaml")
    msg = str(e.value)
    assert f"{tmp_path / 'b.yaml'}:3: extends:" in msg
    assert "'nowhere.yaml' not found" in msg and "a.yaml -> b.yaml -> nowhere.yaml" in msg
    assert "status_quo" in msg and "\n" not in msg  # lists the bundled names; one line


def test_a_path_with_folders_is_not_taken_for_a_bundled_name(tmp_path):
    with pytest.raises(ScenarioError, match="not found"):
        load_scenario(_save(tmp_path, "extends: sub/national_plan_2025.yaml\n"))


# ------------------------------------------------------------------- the reform export
def test_the_old_export_call_loses_the_shared_edits(tmp_path):
    """Why the comparison dashboard must export with export_reform_yaml: ``to_yaml(base=a)``
    writes only what differs between the arms, so the edited assumptions and the run size
    (shared by both arms) are lost, and it copies the reform source's description."""
    a, b = _arms(audit_strength=0.85)
    text = b.to_yaml(base=a, extends="status_quo.yaml")
    loaded = load_scenario(_save(tmp_path, text))  # loads now: the bundled name resolves
    assert loaded.params["share_concerned"] != b.params["share_concerned"]
    assert loaded.params["n_residents"] != b.params["n_residents"]
    assert yaml.safe_load(text)["description"] == load_scenario("national_plan_2025").description


def test_export_loads_in_any_folder_and_reproduces_the_reform(tmp_path):
    a, b = _arms(audit_strength=0.85, consent_model="opt_in")
    text = export_reform_yaml(a, b, "status_quo")
    loaded = load_scenario(_save(tmp_path / "downloads", text))
    assert dict(loaded.params) == dict(b.params)
    assert loaded.sha256 == b.sha256


def test_export_includes_edited_assumptions_and_run_size(tmp_path):
    a, b = _arms(audit_strength=0.85)
    body = yaml.safe_load(export_reform_yaml(a, b, "status_quo.yaml"))
    assert body["extends"] == "status_quo"  # the bundled name, resolvable anywhere
    for key, value in SHARED.items():
        assert body[key] == value, key
    assert body["audit_strength"] == 0.85 and body["architecture"] == "national"
    # nothing is written that the bundled baseline already has
    sq = load_scenario("status_quo").params
    assert all(sq[k] != v for k, v in body.items() if k in sq)


def test_export_has_its_own_name_and_description():
    a, b = _arms(audit_strength=0.85)
    body = yaml.safe_load(export_reform_yaml(a, b, "status_quo"))
    assert body["name"] == "national_plan_2025 (edited)"
    desc = body["description"]
    assert desc.startswith("national_plan_2025 (edited): sets ")
    assert "audit_strength = 0.85" in desc and "relative to status_quo" in desc
    assert "share_concerned = 0.31" in desc and "n_residents = 800" in desc
    for source in ("status_quo", "national_plan_2025"):
        assert load_scenario(source).description not in desc


def test_export_keeps_what_the_reform_source_sets_beyond_the_baseline(tmp_path):
    # reform from breach_shock: its shock (an assumption in the declaration) is the reform's
    a, b = _arms("breach_shock")
    text = export_reform_yaml(a, b, "status_quo")
    assert yaml.safe_load(text)["shock_day"] == 90
    assert load_scenario(_save(tmp_path, text)).params["shock_day"] == 90


def test_export_against_a_non_default_baseline(tmp_path):
    a, b = _arms("minimal_collection", baseline="national_plan_2025", retention_days=365)
    loaded = load_scenario(_save(tmp_path / "x", export_reform_yaml(a, b, "national_plan_2025")))
    assert dict(loaded.params) == dict(b.params)
    assert loaded.chain[0] == "national_plan_2025"


def test_a_reform_named_like_its_baseline_gets_its_own_name(tmp_path):
    a = load_scenario("status_quo").with_overrides(SHARED)
    b = a.with_overrides(audit_strength=0.9)
    text = export_reform_yaml(a, b, "status_quo")
    loaded = load_scenario(_save(tmp_path, text))
    assert loaded.name == "status_quo (reform)" and dict(loaded.params) == dict(b.params)


def test_export_refuses_a_baseline_that_is_not_bundled():
    a, b = _arms()
    with pytest.raises(ScenarioError, match="'my_plan' is not a bundled scenario"):
        export_reform_yaml(a, b, "my_plan")


def test_rerun_command_in_the_header(tmp_path):
    a, b = _arms(audit_strength=0.85)
    text = export_reform_yaml(a, b, "status_quo", seed=4, reps=3)
    line = next(x for x in text.splitlines() if x.startswith("# Rerun"))
    assert "python -m sim compare status_quo <this file> --seed 4 --reps 3" in line
    assert "--set share_concerned=0.31" in line and "--set n_residents=800" in line


def test_the_exported_file_reruns_to_the_same_numbers(tmp_path):
    a, b = _arms(audit_strength=0.85)
    loaded = load_scenario(_save(tmp_path, export_reform_yaml(a, b, "status_quo")))
    first, again = run(b, seed=11, reps=2), run(loaded, seed=11, reps=2)
    assert (first.runs["status"] == "ok").all()
    pd.testing.assert_frame_equal(first.runs.drop(columns="runtime_s"),
                                  again.runs.drop(columns="runtime_s"))


def test_the_dashboards_arms_export_and_reload(tmp_path):
    """The arms the comparison dashboard builds from its controls (an edited assumption,
    a run size, an edited lever) survive the export."""
    dash = ComparisonDashboard(runner=Runner(workers=0), reps=2, residents=1000, worlds=0)
    dash.settings.days.value = 60
    dash.assumptions.set_values({"share_concerned": 0.33})
    dash.levers.set_values({"audit_strength": 0.75})
    a, b = dash.scenarios()
    assert b.params["share_concerned"] == 0.33 and b.params["n_days"] == 60
    loaded = load_scenario(_save(tmp_path / "out", export_reform_yaml(a, b, dash.baseline.value)))
    assert dict(loaded.params) == dict(b.params)
