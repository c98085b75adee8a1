from pathlib import Path

import pytest
import yaml

from sim.scenario import ScenarioError, list_scenarios, load_scenario

BUNDLED = ["status_quo", "national_plan_2025", "minimal_collection", "on_device_consent",
           "federated_pseudonymous", "strong_enforcement", "breach_shock"]


def test_all_required_scenarios_are_bundled():
    assert {p.stem for p in list_scenarios()} >= set(BUNDLED)


@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_scenarios_validate(name, scenario_dir):
    s = load_scenario(scenario_dir / f"{name}.yaml")
    assert s.name == name
    assert s.description


def test_national_plan_matches_the_article(scenario_dir):
    p = load_scenario(scenario_dir / "national_plan_2025.yaml").params
    assert p["architecture"] == "national"
    assert p["identity"] == "id_card_master_index"
    assert p["collection_scope"] == "extended"
    assert p["consent_model"] == "implied"
    assert p["code_integration"] == "health_insurance_payment"


def test_extends_inherits_and_overrides(scenario_dir):
    s = load_scenario(scenario_dir / "minimal_collection.yaml")
    assert s.params["architecture"] == "national"  # from national_plan_2025
    assert s.params["collection_scope"] == "minimal"  # its own
    assert s.chain == ("national_plan_2025", "status_quo")


def test_breach_shock_is_in_month_three(scenario_dir):
    assert 60 <= load_scenario(scenario_dir / "breach_shock.yaml").params["shock_day"] < 91


def _write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def test_unknown_key_names_line_and_valid_keys(tmp_path):
    p = _write(tmp_path, "name: x\narchitecture: national\naudit_strenght: 0.5\n")
    with pytest.raises(ScenarioError) as e:
        load_scenario(p)
    msg = str(e.value)
    assert f"{p}:3" in msg and "audit_strenght" in msg and "audit_strength" in msg


def test_out_of_range_names_line_and_range(tmp_path):
    p = _write(tmp_path, "audit_strength: 2\n")
    with pytest.raises(ScenarioError, match=r"s.yaml:1: audit_strength: invalid value 2; "
                                            r"allowed: a number in \[0, 1\]"):
        load_scenario(p)


def test_bad_choice_lists_choices(tmp_path):
    p = _write(tmp_path, "\n\nconsent_model: maybe\n")
    with pytest.raises(ScenarioError, match=r":3: consent_model.*opt_out"):
        load_scenario(p)


def test_yaml_syntax_error_names_line(tmp_path):
    p = _write(tmp_path, "name: x\narchitecture: [national\nretention_days: 5\n")
    with pytest.raises(ScenarioError, match=r"s.yaml:\d+:\d+: not valid YAML"):
        load_scenario(p)


def test_top_level_must_be_mapping(tmp_path):
    with pytest.raises(ScenarioError, match="mapping"):
        load_scenario(_write(tmp_path, "- a\n- b\n"))


def test_python_tags_are_rejected(tmp_path):
    p = _write(tmp_path, "name: !!python/object/apply:os.system ['echo hacked']\n")
    with pytest.raises(ScenarioError, match="not valid YAML"):
        load_scenario(p)


def test_extends_cycle(tmp_path):
    _write(tmp_path, "extends: b.yaml\n", "a.yaml")
    _write(tmp_path, "extends: a.yaml\n", "b.yaml")
    with pytest.raises(ScenarioError, match="cycle"):
        load_scenario(tmp_path / "a.yaml")


def test_missing_parent(tmp_path):
    with pytest.raises(ScenarioError, match="not found"):
        load_scenario(_write(tmp_path, "extends: nowhere.yaml\n"))


def test_missing_file():
    with pytest.raises(ScenarioError, match="not found"):
        load_scenario("no/such/file.yaml")


def test_collection_fields_need_custom_scope():
    with pytest.raises(ScenarioError, match="collection_scope: custom"):
        load_scenario({"collection_fields": ["sex"]})
    s = load_scenario({"collection_scope": "custom", "collection_fields": ["sex", "sex"]})
    assert s.params["collection_fields"] == ["sex"]


def test_attitude_shares_cannot_exceed_one():
    # the declared ranges (each share at most 0.5) keep the sum within 1 ...
    with pytest.raises(ScenarioError, match=r"share_concerned: invalid value 0\.7"):
        load_scenario({"share_concerned": 0.7, "share_unconcerned": 0.2})
    assert load_scenario({"share_concerned": 0.5, "share_unconcerned": 0.5}).params[
        "share_unconcerned"] == 0.5
    # ... and the rule still guards a declaration widened later
    from sim.scenario import _cross_check

    params = {**load_scenario().params, "share_concerned": 0.7, "share_unconcerned": 0.5}
    with pytest.raises(ScenarioError, match="share_concerned \\+ share_unconcerned"):
        _cross_check(params, {}, "scenario")


def test_overrides_are_validated():
    s = load_scenario("status_quo", {"audit_strength": 0.9})
    assert s.params["audit_strength"] == 0.9
    with pytest.raises(ScenarioError, match="override: audit_strength"):
        s.with_overrides(audit_strength=9)


def test_to_yaml_round_trip_and_diff(tmp_path, scenario_dir):
    base = load_scenario(scenario_dir / "national_plan_2025.yaml")
    reform = base.with_overrides({"consent_model": "opt_out", "audit_strength": 0.7},
                                 name="my_reform")
    text = reform.to_yaml(base=base, extends="national_plan_2025.yaml")
    body = yaml.safe_load(text)
    assert body == {"name": "my_reform", "description": base.description,
                    "extends": "national_plan_2025.yaml", "consent_model": "opt_out",
                    "audit_strength": 0.7}
    p = tmp_path / "reform.yaml"
    (tmp_path / "national_plan_2025.yaml").write_text(
        (scenario_dir / "national_plan_2025.yaml").read_text())
    (tmp_path / "status_quo.yaml").write_text((scenario_dir / "status_quo.yaml").read_text())
    p.write_text(text)
    again = load_scenario(p)
    assert dict(again.params) == dict(reform.params)


def test_sha_changes_with_values():
    a = load_scenario({"audit_strength": 0.5})
    assert a.sha256 == load_scenario({"audit_strength": 0.5}).sha256
    assert a.sha256 != load_scenario({"audit_strength": 0.6}).sha256
