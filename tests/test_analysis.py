"""Frontier, sensitivity and scenario discovery on inputs with known answers."""

import math

import numpy as np
import pandas as pd
import pytest
from conftest import failing_box_runs

import sim
from sim.analysis import (
    discover,
    paired_vs_baseline,
    pareto_frontier,
    pareto_mask,
    policy_summary,
    sensitivity_indices,
)


def test_pareto_mask_hand_table():
    # risk (min), utility (max)
    risk = [0.10, 0.20, 0.15, 0.30, 0.10, 0.05]
    util = [0.80, 0.90, 0.70, 0.90, 0.60, 0.50]
    # A(0.10,0.80) frontier; B(0.20,0.90) frontier; C dominated by A; D dominated by B
    # (same utility, more risk); E dominated by A (same risk, less utility); F frontier
    assert pareto_mask(risk, util).tolist() == [True, True, False, False, False, True]


def test_pareto_mask_ties_and_nan():
    assert pareto_mask([0.1, 0.1], [0.5, 0.5]).tolist() == [True, True]
    assert pareto_mask([0.1, math.nan], [0.5, 0.9]).tolist() == [True, False]


def _runs(points: dict[str, tuple[list[float], list[float]]]) -> pd.DataFrame:
    rows = []
    for i, (name, (risk, util)) in enumerate(points.items()):
        for rep, (r, u) in enumerate(zip(risk, util, strict=True)):
            rows.append({"scenario": "s", "scenario_index": 0, "point_id": f"id{i}",
                         "point_index": i, "point": name, "rep": rep, "seed": 100 + rep,
                         "status": "ok", "residents_exposed_rate": r, "utility_rate": u})
    return pd.DataFrame(rows)


def test_frontier_and_plain_language_verdict():
    runs = _runs({
        "plan": ([0.50, 0.52, 0.48, 0.50], [0.90, 0.91, 0.89, 0.90]),
        "reform": ([0.20, 0.21, 0.19, 0.20], [0.86, 0.87, 0.85, 0.86]),
        "worse": ([0.60, 0.61, 0.59, 0.60], [0.80, 0.81, 0.79, 0.80]),
    })
    f = pareto_frontier(runs, baseline="plan").set_index("point")
    assert f.loc["plan", "on_frontier"] and f.loc["reform", "on_frontier"]
    assert f.loc["worse", "dominated"] and f.loc["worse", "verdict"] == "dominated"
    assert f.loc["plan", "verdict"] == "baseline"
    v = f.loc["reform", "verdict"]
    # risk -0.30/0.50 = -60%; utility -0.04/0.90 = -4.4%, both with clear intervals
    assert v.startswith("cuts residents exposed by 60% [")
    assert "4.4% [" in v and "less clinical utility" in v
    assert f.loc["reform", "residents_exposed_rate_mean"] == pytest.approx(0.20)


def test_paired_differences_use_matching_seeds():
    runs = _runs({"a": ([1.0, 2.0, 3.0], [0, 0, 0]), "b": ([1.5, 2.5, 3.5], [0, 0, 0])})
    d = paired_vs_baseline(runs, "a", ["residents_exposed_rate"]).set_index("point")
    assert d.loc["b", "diff_mean"] == pytest.approx(0.5)
    # identical paired differences: zero-width interval despite spread between seeds
    assert d.loc["b", "diff_low"] == pytest.approx(0.5)
    assert d.loc["b", "rel_mean"] == pytest.approx(0.25)


def test_policy_summary_excludes_error_rows():
    runs = _runs({"a": ([1.0, 3.0], [0.5, 0.5])})
    runs.loc[1, "status"] = "error"
    s = policy_summary(runs, ["residents_exposed_rate"])
    assert s["mean"].iloc[0] == 1.0 and s["n"].iloc[0] == 1


def _ishigami(x, a=7.0, b=0.1):
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_sobol_indices_of_the_ishigami_function():
    from SALib.sample import sobol

    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[0, 1]] * 3,
               "second_order": False}
    u = sobol.sample(problem, 2048, calc_second_order=False, seed=1)
    y = _ishigami(-np.pi + 2 * np.pi * u)
    t = sensitivity_indices(problem, u, y, "sobol").set_index("factor")
    # known values: S1 = (0.314, 0.442, 0), ST = (0.558, 0.442, 0.244)
    assert t.loc["x1", "S1"] == pytest.approx(0.314, abs=0.04)
    assert t.loc["x2", "S1"] == pytest.approx(0.442, abs=0.04)
    assert t.loc["x3", "S1"] == pytest.approx(0.0, abs=0.04)
    assert t.loc["x1", "ST"] == pytest.approx(0.558, abs=0.05)
    assert t.loc["x3", "ST"] == pytest.approx(0.244, abs=0.05)
    assert list(t.index) == ["x1", "x2", "x3"]  # ranked by ST


def test_morris_ranks_a_linear_function_by_its_coefficients():
    from SALib.sample import morris

    problem = {"num_vars": 3, "names": ["big", "small", "dummy"], "bounds": [[0, 1]] * 3,
               "num_levels": 4}
    u = morris.sample(problem, 30, num_levels=4, seed=2)
    y = 5 * u[:, 0] + 1 * u[:, 1] + 0 * u[:, 2]
    t = sensitivity_indices(problem, u, y, "morris").set_index("factor")
    assert t.loc["big", "mu_star"] == pytest.approx(5.0)
    assert t.loc["small", "mu_star"] == pytest.approx(1.0)
    assert t.loc["dummy", "mu_star"] == pytest.approx(0.0)


def test_sensitivity_refuses_missing_outputs():
    problem = {"num_vars": 1, "names": ["a"], "bounds": [[0, 1]]}
    with pytest.raises(ValueError, match="missing values"):
        sensitivity_indices(problem, np.zeros((4, 1)), np.array([1, np.nan, 1, 1]), "sobol")


def test_discovery_finds_the_failing_box():
    runs = failing_box_runs()
    a, b = runs["param.a"].to_numpy(), runs["param.b"].to_numpy()
    res = discover(runs, "reidentification_risk", 0.09)
    top = res["rules"].iloc[0]
    assert "a > 0.6" in top["rule"] or "a > 0.59" in top["rule"]
    assert "b=x" in top["rule"] or "b ≠ y" in top["rule"]
    assert "c" not in top["rule"].replace("coverage", "")
    assert top["density"] > 0.95 and top["coverage"] > 0.95
    assert res["fail_share"] == pytest.approx(((a > 0.6) & (b == "x")).mean())


def test_describe_change_never_writes_scientific_notation():
    """A tiny share (records per resident, a rare harm) was written ``2.14e-05`` in the
    debate's claim lines; every number a planner reads is written out."""
    from sim.analysis.verdicts import describe_change

    name = next(n for n, o in sim.OUTCOMES.items() if o.zero_one and o.headline)
    o = sim.OUTCOMES[name]
    differences = pd.DataFrame([{
        "outcome": name, "label": o.label, "unit": o.unit, "direction": o.direction,
        "mean_a": 0.0000214, "mean_b": 0.0000107, "diff_mean": -0.0000107,
        "diff_low": -0.0000151, "diff_high": -0.0000063, "relative": -0.5, "b_better": True,
        "n_pairs": 10, "headline": True, "note": ""}]).set_index("outcome")
    text = describe_change(differences, name)
    assert "e-0" not in text and "0.0000214" in text and "-0.0000107" in text
