"""Plain values everywhere (issue 11): NumPy scalars as parameters; scenarios, results and
models that pickle and deep-copy; declared ranges that are feasible together."""

from __future__ import annotations

import copy
import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
import pytest
from scipy.stats import qmc

import sim
from sim.frozen import FrozenMap
from sim.params import PARAMETERS, ParameterError, levers, uncertainties
from sim.scenario import Scenario, ScenarioError, load_scenario
from sim.world.model import HealthDataModel

TINY = {"n_residents": 500, "n_days": 30}


def roundtrips(obj):
    """The object after a pickle round-trip and after a deep copy."""
    return [pickle.loads(pickle.dumps(obj)), copy.deepcopy(obj)]


# ------------------------------------------------------------------ NumPy scalars
@pytest.mark.parametrize(("key", "value", "expected"), [
    ("n_days", np.int64(5), 5),
    ("n_days", np.uint16(7), 7),
    ("n_days", np.float64(5.0), 5),
    ("audit_strength", np.int64(1), 1.0),
    ("audit_strength", np.float32(0.5), 0.5),
    ("audit_strength", np.float64(0.25), 0.25),
    ("encryption_at_rest", np.bool_(True), True),
    ("encryption_at_rest", np.bool_(False), False),
    ("architecture", np.str_("national"), "national"),
    ("collection_fields", [np.str_("sex"), "county", np.str_("sex")], ["sex", "county"]),
])
def test_numpy_scalars_are_accepted_as_plain_values(key, value, expected):
    out = PARAMETERS[key].validate(value)
    assert out == expected
    assert type(out) is type(expected)
    if isinstance(out, list):
        assert all(type(item) is str for item in out)


@pytest.mark.parametrize(("key", "value", "shown"), [
    ("n_days", np.bool_(True), "True"),
    ("audit_strength", np.bool_(False), "False"),
    ("n_days", np.float64(5.5), "5.5"),
    ("encryption_at_rest", np.int64(1), "1"),
    ("audit_strength", np.float64("nan"), "nan"),
    ("audit_strength", np.int64(2), "2"),
    ("architecture", np.str_("nope"), "'nope'"),
    ("collection_fields", [np.int64(3)], "3"),
])
def test_numpy_scalars_of_the_wrong_kind_are_refused_in_one_line(key, value, shown):
    with pytest.raises(ParameterError, match=f"{key}: invalid value {shown}") as info:
        PARAMETERS[key].validate(value)
    assert "\n" not in str(info.value)


def test_a_scenario_from_numpy_values_holds_plain_values():
    s = load_scenario("national_plan_2025", {"n_days": np.int64(40),
                                             "encryption_at_rest": np.bool_(True),
                                             "share_concerned": np.float64(0.3)})
    plain = load_scenario("national_plan_2025", {"n_days": 40, "encryption_at_rest": True,
                                                 "share_concerned": 0.3})
    assert type(s.params["n_days"]) is int and type(s.params["encryption_at_rest"]) is bool
    assert s.sha256 == plain.sha256


# ------------------------------------------------------------- pickle and deepcopy
def test_a_scenario_pickles_and_deep_copies_read_only():
    s = load_scenario("national_plan_2025", {"collection_scope": "custom",
                                             "collection_fields": ["sex", "county"]})
    for again in roundtrips(s):
        assert isinstance(again, Scenario) and again == s
        assert dict(again.params) == dict(s.params)
        assert dict(again.set_values) == dict(s.set_values)
        assert again.sha256 == s.sha256 and again.chain == s.chain and again.path == s.path
        with pytest.raises(TypeError):
            again.params["audit_strength"] = 0.9  # type: ignore[index]
        with pytest.raises(TypeError):
            again.set_values["audit_strength"] = 0.9  # type: ignore[index]
        with pytest.raises(AttributeError):
            again.params._data = {}  # type: ignore[attr-defined]
    copied = copy.deepcopy(s)
    assert copied.params["collection_fields"] is not s.params["collection_fields"]


def test_any_mapping_given_to_a_scenario_is_frozen():
    values = {"n_days": 3}
    s = Scenario(name="x", description="", params=values)
    values["n_days"] = 4  # the caller's dict is copied, not shared
    assert isinstance(s.params, FrozenMap) and isinstance(s.set_values, FrozenMap)
    assert s.params["n_days"] == 3 and s.params == {"n_days": 3}


def test_run_and_compare_results_pickle_and_deep_copy():
    res = sim.run("national_plan_2025", seed=3, reps=2, overrides=TINY)
    for again in roundtrips(res):
        assert again.scenario == res.scenario and again.seed == res.seed
        pd.testing.assert_frame_equal(again.runs, res.runs)
        pd.testing.assert_frame_equal(again.daily, res.daily)
        pd.testing.assert_frame_equal(again.groups, res.groups)
    cmp = sim.compare("status_quo", "national_plan_2025", seed=3, reps=2, overrides=TINY)
    for again in roundtrips(cmp):
        pd.testing.assert_frame_equal(again.differences, cmp.differences)
        pd.testing.assert_frame_equal(again.runs, cmp.runs)
        assert again.a.scenario.sha256 == cmp.a.scenario.sha256
        assert again.to_json() == cmp.to_json()


def _outcomes(model: HealthDataModel) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    return model.summary(), model.daily(), model.breakdown()


@pytest.mark.parametrize("how", ["pickle", "deepcopy"])
def test_a_model_checkpointed_mid_run_continues_exactly(how):
    """The copy's state is complete: original and copy end the run identically."""
    model = HealthDataModel("national_plan_2025", seed=11, **TINY)
    for _ in range(10):
        model.step()
    twin = (pickle.loads(pickle.dumps(model)) if how == "pickle" else copy.deepcopy(model))
    assert twin.day == model.day == 10 and twin.spec == model.spec
    assert twin.p is twin.spec.params  # still one shared parameter mapping
    for _ in range(20):
        model.step()
        twin.step()
    assert model.day == twin.day == 30 and not model.running and not twin.running
    (s1, d1, g1), (s2, d2, g2) = _outcomes(model), _outcomes(twin)
    assert s1 == s2 or all(np.isclose(s1[k], s2[k], equal_nan=True, rtol=0, atol=0)
                           for k in s1)
    pd.testing.assert_frame_equal(d1, d2)
    pd.testing.assert_frame_equal(g1, g2)
    # and the run did something, so equality is not trivial
    assert d1.shape[0] == 30 and d1.to_numpy(dtype=float).any()


def test_a_spawned_worker_runs_a_scenario_object():
    """``spawn`` pickles the function and the Scenario to a fresh interpreter."""
    s = load_scenario("national_plan_2025", TINY)
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
        remote = pool.submit(sim.run, s, seed=5, reps=1).result(timeout=300)
    local = sim.run(s, seed=5, reps=1)
    assert remote.scenario == s and remote.scenario.sha256 == s.sha256
    cols = [c for c in local.runs.columns if c != "runtime_s"]
    pd.testing.assert_frame_equal(remote.runs[cols], local.runs[cols])
    pd.testing.assert_frame_equal(remote.daily, local.daily)


# ------------------------------------------------- ranges that are feasible together
def _sample(params, n: int, seed: int) -> list[dict]:
    """``n`` Latin-hypercube points over ``params``: numbers in [low, high], choices uniform."""
    u = qmc.LatinHypercube(d=len(params), seed=seed).random(n)
    points = []
    for row in u:
        point = {}
        for p, x in zip(params, row, strict=True):
            if p.dtype is bool:
                point[p.name] = bool(x < 0.5)
            elif p.dtype is str:
                choices = p.allowed_choices()
                point[p.name] = choices[min(int(x * len(choices)), len(choices) - 1)]
            elif p.dtype is list:
                items = list(p.item_choices())
                k = min(int(x * (len(items) + 1)), len(items))
                point[p.name] = items[:k]
            else:
                value = p.low + x * (p.high - p.low)
                point[p.name] = round(value) if p.dtype is int else float(value)
        points.append(point)
    return points


def test_every_uncertainty_combination_within_the_ranges_is_valid():
    base = load_scenario("national_plan_2025")
    params = uncertainties()
    assert {"share_concerned", "share_unconcerned"} <= {p.name for p in params}
    for point in _sample(params, 300, seed=2025):
        s = base.with_overrides(point)  # raises ScenarioError if refused
        assert s.params["share_concerned"] + s.params["share_unconcerned"] <= 1.0 + 1e-9
    # the corners too: both shares at their highest
    top = {n: PARAMETERS[n].high for n in ("share_concerned", "share_unconcerned")}
    assert base.with_overrides(top).params["share_concerned"] == top["share_concerned"]


def test_attitude_shares_above_their_ranges_are_refused_by_range():
    with pytest.raises(ScenarioError, match=r"share_concerned: invalid value 0.7; allowed: "
                                            r"a number in \[0, 0.5\]"):
        load_scenario({"share_concerned": 0.7, "share_unconcerned": 0.2})


def test_the_only_refused_lever_combination_is_a_field_list_without_custom_scope():
    """Levers sampled independently: only collection_fields outside 'custom' is refused."""
    base = load_scenario("national_plan_2025")
    refused = 0
    for point in _sample(levers(), 300, seed=11):
        meaningless = bool(point["collection_fields"]) and point["collection_scope"] != "custom"
        if not meaningless:
            base.with_overrides(point)
            continue
        with pytest.raises(ScenarioError, match=r"collection_fields: .*only with "
                                                r"collection_scope: custom") as info:
            base.with_overrides(point)
        assert "\n" not in str(info.value)
        refused += 1
        base.with_overrides({**point, "collection_fields": []})  # the rest is fine
    assert refused > 0
