"""Fuzzing the parameter declaration (Hypothesis): any value is accepted in range or refused
in one line; any valid set of values builds and runs a model whose outcomes stay possible.

YAML-level mutations of scenario and sweep files are fuzzed in ``test_input_gate.py``.
Examples are derandomized, so CI sees the same cases every time; the whole file takes a
few seconds.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.experiments.preflight import estimate
from sim.params import PARAMETERS, ParameterError
from sim.scenario import ScenarioError, load_scenario
from sim.world.outcomes import OUTCOMES

NAMES = sorted(PARAMETERS)
def _fuzz(n: int) -> settings:
    return settings(max_examples=n, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])

#: anything a YAML file, a widget or a caller could hand over
ANY_VALUE = st.one_of(
    st.none(), st.booleans(),
    st.integers(), st.integers(-10 ** 400, 10 ** 400), st.integers(-10, 10 ** 7),
    st.floats(allow_nan=True, allow_infinity=True), st.floats(-1e7, 1e7),
    st.text(max_size=30), st.sampled_from(["minimal", "opt_in", "national", "1e999", "nan"]),
    st.lists(st.one_of(st.text(max_size=8), st.integers()), max_size=4),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
    st.just(np.float64(0.5)), st.just(np.int64(5)))


def _one_line(msg: str, name: str) -> None:
    assert "\n" not in msg and len(msg) < 800, msg  # bounded; the allowed list may be long
    assert name in msg, msg


@_fuzz(600)
@given(name=st.sampled_from(NAMES), value=ANY_VALUE)
def test_any_value_is_accepted_in_range_or_refused_in_one_line(name, value):
    p = PARAMETERS[name]
    try:
        got = p.validate(value)
    except ParameterError as e:
        _one_line(str(e), name)
        return
    if p.dtype in (int, float):
        assert isinstance(got, p.dtype) and not isinstance(got, bool)
        assert math.isfinite(got)
        assert (p.low is None or got >= p.low) and (p.high is None or got <= p.high)
    elif p.dtype is str:
        assert got in p.allowed_choices()
    elif p.dtype is bool:
        assert isinstance(got, bool)
    else:
        assert isinstance(got, list) and all(isinstance(x, str) for x in got)
    assert p.validate(got) == got  # validation is idempotent


@_fuzz(400)
@given(name=st.sampled_from(NAMES), text=st.one_of(
    st.text(max_size=40), st.sampled_from(["9" * 400, "1e400", "-0", "nan", "inf", " 1 ",
                                           "[a, b]", "true", "0x10", "1_000"])))
def test_any_command_line_text_is_parsed_or_refused_in_one_line(name, text):
    try:
        PARAMETERS[name].parse_text(text)
    except ParameterError as e:
        _one_line(str(e), name)


def _valid_value(p):
    """A strategy for values ``p`` accepts (all of its declared range)."""
    if p.dtype is bool:
        return st.booleans()
    if p.dtype is str:
        return st.sampled_from(p.allowed_choices())
    if p.dtype is list:
        items = list(p.item_choices()) if p.item_choices else []
        return st.lists(st.sampled_from(items), max_size=len(items)) if items else st.just([])
    if p.dtype is int:
        return st.integers(int(p.low), int(min(p.high, p.low + 50)))
    return st.floats(p.low, p.high, allow_nan=False)


#: the run size is fixed small so the examples are cheap; every other parameter is free
_SIZE = {"n_residents": 300, "n_days": 30}
_FREE = [n for n in NAMES if n not in _SIZE and n not in {"n_regions", "clinics_per_region",
                                                         "hospitals_per_region"}]


@st.composite
def parameter_sets(draw):
    chosen = draw(st.lists(st.sampled_from(_FREE), min_size=1, max_size=25, unique=True))
    return {n: draw(_valid_value(PARAMETERS[n])) for n in chosen}


_BASE = load_scenario("national_plan_2025")


@_fuzz(300)
@given(values=parameter_sets())
def test_valid_values_make_a_scenario_or_a_one_line_consistency_error(values):
    try:
        scen = _BASE.with_overrides(values)
    except ScenarioError as e:
        assert "\n" not in str(e) and len(str(e)) < 600, e
        return
    est = estimate(scen.params)
    assert est.bytes > 0 and math.isfinite(est.bytes) and est.seconds > 0


_SHARE_UNITS = ("share", "probability", "0-1")


@_fuzz(40)
@given(values=parameter_sets())
def test_any_valid_scenario_runs_and_its_outcomes_stay_possible(values):
    import sim

    try:
        scen = _BASE.with_overrides({**values, **_SIZE})
    except ScenarioError:
        return  # inconsistent combinations are refused above
    res = sim.run(scen, reps=1, seed=3)
    row = res.runs.iloc[0]
    assert row["status"] == "ok", row.get("error")
    for name in OUTCOMES:
        o = OUTCOMES[name]
        v = row[name]
        if v is None or (isinstance(v, float) and math.isnan(v)):
            continue  # not defined for this run (no leak to score, say), never a crash
        assert math.isfinite(v), (name, v)
        assert v >= 0, (name, v)
        if o.unit.startswith(_SHARE_UNITS):
            assert v <= 1 + 1e-9, (name, v)


@pytest.mark.parametrize("name", NAMES)
def test_every_declared_range_contains_its_default(name):
    p = PARAMETERS[name]
    assert p.validate(p.default) == p.default or p.dtype is list
