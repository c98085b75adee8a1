import math

import pytest

from sim.params import GROUPS, PARAMETERS, ParameterError, by_group, defaults, levers


def test_every_parameter_is_fully_declared():
    groups = {g for g, _ in GROUPS}
    for p in PARAMETERS.values():
        assert p.kind in {"lever", "uncertainty", "setting"}, p.name
        assert p.group in groups, p.name
        assert p.unit and p.help and p.source, p.name
        # the default is itself a valid value
        assert p.validate(p.default) == p.default, p.name
        if p.dtype in (int, float):
            assert p.low is not None and p.high is not None, p.name
            assert p.low <= p.default <= p.high, p.name


def test_levers_named_in_issue_exist():
    names = {p.name for p in levers()}
    for lever in ["collection_scope", "collection_fields", "consent_model", "architecture",
                  "identity", "code_integration", "access_breadth", "purpose_binding",
                  "audit_strength", "encryption_at_rest", "retention_days",
                  "breach_notification", "enforcement_probability", "penalty_yuan"]:
        assert lever in names


def test_defaults_returns_fresh_copies():
    a = defaults()
    a["collection_fields"].append("sex")
    assert defaults()["collection_fields"] == []


@pytest.mark.parametrize("name,value", [
    ("audit_strength", 1.5), ("audit_strength", -0.1), ("audit_strength", "high"),
    ("n_days", 2.5), ("n_days", True), ("encryption_at_rest", "yes"),
    ("architecture", "blockchain"), ("collection_fields", ["sex", "shoe_size"]),
    ("audit_strength", math.nan),
])
def test_invalid_values_raise_with_field_and_allowed(name, value):
    with pytest.raises(ParameterError) as e:
        PARAMETERS[name].validate(value)
    msg = str(e.value)
    assert name in msg and "allowed" in msg


def test_range_is_named_in_the_error():
    with pytest.raises(ParameterError, match=r"audit_strength: invalid value 1.5; allowed: a "
                                             r"number in \[0, 1\]"):
        PARAMETERS["audit_strength"].validate(1.5)


def test_choice_error_lists_registered_options():
    with pytest.raises(ParameterError, match="national"):
        PARAMETERS["architecture"].validate("blockchain")


@pytest.mark.parametrize("name,text,expected", [
    ("audit_strength", "0.8", 0.8), ("n_days", "30", 30), ("n_days", "3e1", 30),
    ("encryption_at_rest", "true", True), ("encryption_at_rest", "off", False),
    ("collection_fields", "sex,region", ["sex", "region"]),
    ("architecture", "national", "national"),
])
def test_parse_text(name, text, expected):
    assert PARAMETERS[name].parse_text(text) == expected


def test_by_group_orders_levers_first():
    groups = list(by_group(("lever",)))
    assert groups == ["collection", "consent", "architecture", "security", "enforcement"]
