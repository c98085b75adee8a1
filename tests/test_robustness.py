"""The robustness stage: worlds drawn from the plausible ranges, judged by one rule.

The statistics (counts, spread, the deciding assumption and where the answer turns, the
permutation tests that keep chance from naming one) are tested on synthetic worlds whose
answer is known; the model-backed tests check that the real deciders are found and are
the same under two master seeds.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.analysis.verdicts import change_class, claim_verdict, margin_of
from sim.experiments.experiment import RunResult
from sim.experiments.robustness import (
    ROBUST_SHARE,
    claim_across_worlds,
    draw_worlds,
    frontier_across_worlds,
    judge,
    plan_worlds,
    policies_from_runs,
)
from sim.params import PARAMETERS, uncertainties
from sim.plausible import LABELS, NOT_SAMPLED, PLAUSIBLE, check_table
from sim.scenario import load_scenario
from sim.world.outcomes import OUTCOMES

ROOT = Path(__file__).resolve().parent.parent


# ------------------------------------------------------------------- the one rule
def test_change_class_needs_the_margin_and_an_interval_clear_of_zero():
    assert change_class(0.05, 0.01, 0.03, 0.07) == "higher"
    assert change_class(-0.05, 0.01, -0.07, -0.03) == "lower"
    assert change_class(0.005, 0.01, 0.004, 0.006) == "none"  # sure, but under the margin
    assert change_class(0.05, 0.01, -0.01, 0.11) == "unclear"  # large, but noisy
    # small, but the interval reaches past the margin: not shown to be unchanged
    assert change_class(0.002, 0.01, -0.03, 0.034) == "unclear"
    assert change_class(0.002, 0.01, math.nan, math.nan) == "none"  # one replication
    assert change_class(0.05, 0.01) == "higher"  # one world: the margin alone
    assert change_class(math.nan, 0.01) == "none"


def test_margins_are_declared_with_the_outcomes():
    # 1% of the baseline, at least 0.1 point on a 0-1 scale
    assert OUTCOMES["utility_rate"].margin(0.69) == pytest.approx(0.0069)
    assert OUTCOMES["utility_rate"].margin(0.01) == pytest.approx(0.001)
    assert OUTCOMES["insider_incidents"].margin(2000.0) == pytest.approx(20.0)
    assert OUTCOMES["insider_incidents"].margin(0.0) == 0.0
    assert margin_of("mean_trust", 0.05) == pytest.approx(0.001)


def test_more_replications_do_not_turn_a_small_change_into_a_clear_one():
    # a change of 0.4% of the baseline, measured ever more precisely: unclear while the
    # interval reaches past the 1% margin, then "no clear change", never a clear change
    margin = OUTCOMES["harm_per_1000"].margin(1.0)
    seen = [change_class(0.004, margin, 0.004 - h, 0.004 + h) for h in (0.01, 0.001, 0.0001)]
    assert seen == ["unclear", "none", "none"]


def test_claim_unchanged_uses_the_margin_not_a_five_percent_band():
    d = pd.DataFrame([{"outcome": "utility_rate", "label": "Clinical utility",
                       "unit": "share of needed value", "mean_a": 0.70, "mean_b": 0.68,
                       "diff_mean": -0.02, "diff_low": -0.025, "diff_high": -0.015,
                       "note": ""}]).set_index("outcome")
    # -2 points of 70% is within a 5% band but beyond the 1% margin: against "unchanged"
    head = claim_verdict(d, {"utility_rate": "unchanged"}, "costs nothing")[0]
    assert "contradicted" in head


# ------------------------------------------------------------------- the ranges
def test_every_uncertainty_has_a_plausible_range_with_a_source_or_is_excluded_with_a_reason():
    assert check_table() == []
    names = {p.name for p in uncertainties()}
    assert names == set(PLAUSIBLE) | set(NOT_SAMPLED)
    assert set(LABELS) == set(PLAUSIBLE)
    for name, r in PLAUSIBLE.items():
        if r.assumption:  # "assumption: <why this wide>"
            assert len(r.source.removeprefix("assumption:").split()) >= 8, name


@pytest.mark.parametrize("name", ["attack_surface_exponent", "lifestyle_clinical_value",
                                  "key_compromise_probability", "emergency_incapacitated",
                                  "gain_log_sd", "breach_size_exponent"])
def test_the_decisive_uncertainties_are_wider_than_a_point(name):
    r, p = PLAUSIBLE[name], PARAMETERS[name]
    assert r.low < p.default < r.high
    assert (r.high - r.low) >= 0.3 * abs(p.default)


def test_the_screening_the_robustness_stage_reads_is_current_and_consistent():
    from sim.experiments.robustness import SCREEN_TOP, SCREENING_FILE, screened

    table = pd.read_csv(SCREENING_FILE, comment="#")
    assert set(table["parameter"]) <= set(PLAUSIBLE)
    assert set(table["outcome"]) <= set(OUTCOMES.names())
    # regenerated after any change of the plausible ranges: every sampled one is in it
    assert set(table["parameter"]) == set(PLAUSIBLE)
    care = screened("utility_rate")
    assert "lifestyle_clinical_value" in care and "attack_surface_exponent" in care
    assert len(care) == SCREEN_TOP  # a screen that keeps everything narrows nothing
    assert screened("no_such_outcome") == frozenset()


# ------------------------------------------------------------------- drawing worlds
def test_worlds_stay_in_their_ranges_and_both_arms_share_them():
    plan = plan_worlds("national_plan_2025", "on_device_consent", worlds=12, seed=3, reps=2)
    assert plan.worlds == 12 and plan.runs == 12 * 2 * 2 + 2 * plan.noise_reps
    for name in plan.varied:
        r = PLAUSIBLE[name]
        col = plan.samples[name]
        assert col.between(r.low - 1e-9, r.high + 1e-9).all(), name
        if PARAMETERS[name].dtype is int:
            assert all(float(v).is_integer() for v in col), name
    for w in range(plan.worlds):
        a, b = plan.scenarios[2 * w], plan.scenarios[2 * w + 1]
        for name in plan.varied:
            assert a.params[name] == b.params[name] == pytest.approx(plan.samples.at[w, name])
        assert a.params["architecture"] == "national" and b.params["architecture"] == "on_device"
    # Latin hypercube: each uncertainty's 12 draws fall in 12 different twelfths
    r = PLAUSIBLE["lifestyle_clinical_value"]
    strata = ((plan.samples["lifestyle_clinical_value"] - r.low) / (r.high - r.low) * 12)
    assert sorted(strata.astype(int).clip(0, 11)) == list(range(12))
    assert plan.run_size()["n_residents"] == 3000


def test_uncertainties_the_arms_set_differently_are_held_not_sampled():
    a = load_scenario("national_plan_2025")
    b = a.with_overrides({"resale_value_multiplier": 0.1}, name="cheap data")
    plan = plan_worlds(a, b, worlds=4, seed=0, reps=1, fixed=["attacker_skill"])
    assert "resale_value_multiplier" in plan.held and "attacker_skill" in plan.held
    assert "resale_value_multiplier" not in plan.varied
    assert plan.scenarios[1].params["resale_value_multiplier"] == 0.1
    assert plan.scenarios[0].params["attacker_skill"] == a.params["attacker_skill"]
    assert "shock_day" not in plan.varied  # a scenario device


def test_the_same_seed_draws_the_same_worlds_and_another_seed_others():
    s0 = draw_worlds([load_scenario("status_quo")], 8, seed=0)[0]
    assert s0.equals(draw_worlds([load_scenario("status_quo")], 8, seed=0)[0])
    assert not s0.equals(draw_worlds([load_scenario("status_quo")], 8, seed=1)[0])


@pytest.mark.parametrize("kw, field", [({"worlds": 2}, "worlds"), ({"reps": 0}, "reps"),
                                       ({"method": "grid"}, "method"),
                                       ({"fixed": ["n_residents"]}, "fixed")])
def test_bad_settings_are_refused_with_the_field_named(kw, field):
    with pytest.raises(ValueError, match=field):
        plan_worlds("status_quo", "national_plan_2025", **{"worlds": 8, **kw})


# ------------------------------------------------------------------- judging synthetic worlds
def _fake_results(plan, effect, outcome="utility_rate", base=0.6, noise=0.0, seed=0):
    """RunResults whose ``outcome`` is ``base`` in arm a and ``base + effect(world row)``
    in arm b (plus noise); every other outcome equal in both arms."""
    rng = np.random.default_rng(seed)
    out = []
    for i, scen in enumerate(plan.scenarios):
        w, arm = divmod(i, 2)
        row_w = plan.samples.loc[w]
        rows = []
        for rep in range(plan.reps):
            row = {"scenario": scen.name, "rep": rep, "seed": 1000 + rep, "status": "ok",
                   **dict.fromkeys(OUTCOMES.names(), 1.0)}
            row[outcome] = base + (effect(row_w) + noise * rng.standard_normal() if arm else 0.0)
            rows.append(row)
        out.append(RunResult(scenario=scen, seed=plan.seed, runs=pd.DataFrame(rows),
                             daily=pd.DataFrame()))
    return out


@pytest.fixture(scope="module")
def plan32():
    return plan_worlds("national_plan_2025", "minimal_collection", worlds=32, seed=0, reps=1)


def test_a_change_whose_sign_turns_on_one_assumption_depends_on_it_with_its_threshold(plan32):
    r = PLAUSIBLE["emergency_incapacitated"]
    mid = (r.low + r.high) / 2
    res = _fake_results(plan32, lambda w: 0.05 if w["emergency_incapacitated"] > mid else -0.05)
    row = judge(plan32, res).table.loc["utility_rate"]
    assert row.verdict == "depends"
    assert row.decided_by[0] == "emergency_incapacitated"
    assert row.turn_parameter == "emergency_incapacitated"
    assert abs(row.turn_threshold - mid) < 0.1 * (r.high - r.low)
    assert (row.turn_below, row.turn_above) == ("worse", "better")
    assert row.better + row.worse == 32 and row.no_clear_change == 0
    assert row.turn_p <= 0.05
    assert "emergency_incapacitated" in row.summary and "≤" in row.summary


def test_a_change_that_never_turns_is_robust_and_its_size_is_ranked(plan32):
    res = _fake_results(plan32, lambda w: -0.02 - 0.05 * w["lifestyle_clinical_value"])
    rob = judge(plan32, res)
    row = rob.table.loc["utility_rate"]
    assert row.verdict == "robust" and row.change == "worse" and row.worse == 32
    assert row.decided_by[0] == "lifestyle_clinical_value"
    assert not row.turn_parameter
    lcv = plan32.samples["lifestyle_clinical_value"]
    expect = -0.02 - 0.05 * lcv
    assert row.effect_p05 == pytest.approx(np.percentile(expect, 5))
    assert row.effect_p95 == pytest.approx(np.percentile(expect, 95))
    assert row.relative_p05 == pytest.approx(np.percentile(100 * expect / 0.6, 5))
    js = rob.outcome_json("utility_rate")
    assert js["worse"] == 32 and js["decided_by"][0] == "lifestyle_clinical_value"
    assert js["summary"].startswith("Robust: worse in 32 of 32")


def test_a_change_within_the_margin_is_no_clear_change(plan32):
    res = _fake_results(plan32, lambda w: 0.001 * (w["attacker_skill"] - 0.5))
    row = judge(plan32, res).table.loc["utility_rate"]
    assert row.verdict == "no clear change" and row.no_clear_change == 32
    assert row.summary.startswith("No clear change in 32 of 32")


def test_pure_noise_names_no_deciding_assumption(plan32):
    # 102 assumptions and 32 worlds: without the permutation tests, some assumption would
    # always correlate by chance; with them, at most a few of 20 noise runs name one
    named = 0
    for seed in range(20):
        res = _fake_results(plan32, lambda w: 0.0, noise=0.05, seed=seed)
        row = judge(plan32, res).table.loc["utility_rate"]
        named += bool(row.decided_by)
        assert row.verdict != "robust"
    assert named <= 4


def _fake_central(plan, sd, outcome="utility_rate", seed=1):
    """The noise runs: both arms at their own values, 6 paired replications whose change
    has standard deviation ``sd``."""
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal(6)
    noise = (noise - noise.mean()) / noise.std(ddof=1) * sd
    out = []
    for arm, scen in enumerate(plan.central):
        rows = [{"scenario": scen.name, "rep": r, "seed": 1000 + r, "status": "ok",
                 **dict.fromkeys(OUTCOMES.names(), 1.0),
                 outcome: 0.6 + (noise[r] if arm else 0.0)} for r in range(6)]
        out.append(RunResult(scenario=scen, seed=plan.seed, runs=pd.DataFrame(rows),
                             daily=pd.DataFrame()))
    return out


def test_replication_noise_is_shrunk_away_before_worlds_are_classed(plan32):
    # no world truly changes, but one replication's change varies by 0.03 (five times
    # the 0.006 margin): taken at face value the worlds look split; with the noise
    # measured beside them, every world's estimate sits at the common mean
    res = _fake_results(plan32, lambda w: 0.0, noise=0.03, seed=3)
    naive = judge(plan32, res).table.loc["utility_rate"]
    assert naive.verdict == "depends" and naive.better > 5 and naive.worse > 5
    rob = judge(plan32, res, _fake_central(plan32, 0.03))
    row = rob.table.loc["utility_rate"]
    assert row.noise_sd == pytest.approx(0.03)
    assert row.shrinkage < 0.4  # the sample variance of 32 draws is itself noisy
    assert row.verdict == "no clear change" and row.no_clear_change == 32
    w = rob.worlds[rob.worlds.outcome == "utility_rate"]
    assert w.estimate.std() == pytest.approx(row.shrinkage * w.change.std())


def test_noisy_worlds_that_agree_in_sign_are_judged_by_their_agreement(plan32):
    # a true loss of 0.04 everywhere under noise of 0.03: at face value a quarter of the
    # worlds look unchanged or better; their estimates agree on the loss
    res = _fake_results(plan32, lambda w: -0.04, noise=0.03, seed=5)
    naive = judge(plan32, res).table.loc["utility_rate"]
    assert naive.worse < 30
    row = judge(plan32, res, _fake_central(plan32, 0.03)).table.loc["utility_rate"]
    assert row.verdict == "robust" and row.change == "worse" and row.worse == 32
    # a real spread across worlds survives the shrinkage
    lcv = lambda w: -0.2 * w["lifestyle_clinical_value"]  # noqa: E731
    res = _fake_results(plan32, lcv, noise=0.03, seed=5)
    row = judge(plan32, res, _fake_central(plan32, 0.03)).table.loc["utility_rate"]
    assert row.shrinkage > 0.8 and row.decided_by[0] == "lifestyle_clinical_value"


def test_claims_across_the_worlds_count_where_every_prediction_holds(plan32):
    r = PLAUSIBLE["emergency_incapacitated"]
    mid = (r.low + r.high) / 2
    res = _fake_results(plan32, lambda w: 0.05 if w["emergency_incapacitated"] > mid else 0.0)
    rob = judge(plan32, res)
    lines, table = claim_across_worlds(rob, {"utility_rate": "unchanged"}, "costs no care")
    holds = int((plan32.samples["emergency_incapacitated"] <= mid).sum())
    assert table.loc[0, "holds"] == holds and table.loc[0, "worlds"] == 32
    assert f"every prediction holds in {holds} of 32" in lines[0]
    assert "emergency_incapacitated" in lines[0]
    lines, _ = claim_across_worlds(rob, {"utility_rate": "higher"}, "helps")
    assert f"holds in {32 - holds} of 32" in lines[1]


def test_the_frontier_across_worlds_keeps_only_policies_that_stay_on_it():
    pols = [load_scenario("national_plan_2025").with_overrides(
        {"audit_strength": a}, name=f"audit {a}") for a in (0.2, 0.5, 0.8)]

    def run(scens, seed, reps):
        out = []
        for s in scens:
            a = s.params["audit_strength"]
            skill = s.params["attacker_skill"]
            # audit 0.5 dominates 0.2 everywhere; 0.8 beats 0.5 on risk only when skill is high
            risk = {0.2: 0.5, 0.5: 0.4, 0.8: 0.3 if skill > 0.5 else 0.45}[a]
            util = {0.2: 0.5, 0.5: 0.6, 0.8: 0.55}[a]
            out.append(RunResult(scenario=s, seed=seed, daily=pd.DataFrame(), runs=pd.DataFrame(
                [{"status": "ok", "residents_exposed_rate": risk, "utility_rate": util}])))
        return out

    t = frontier_across_worlds(pols, worlds=20, seed=0, run=run).set_index("policy")
    assert t.loc["audit 0.2", "on_frontier"] == 0
    assert t.loc["audit 0.5", "on_frontier"] == 20 and t.loc["audit 0.5", "survives"]
    assert 0 < t.loc["audit 0.8", "on_frontier"] < 20 and not t.loc["audit 0.8", "survives"]
    assert t["share"].le(1).all() and ROBUST_SHARE == 0.9


def test_policies_are_rebuilt_from_a_sweeps_runs(tmp_path):
    from conftest import make_tiny_sweep

    from sim.experiments.sweep import load_results

    runs = load_results(make_tiny_sweep(tmp_path / "tiny"))
    pols = policies_from_runs(runs)
    assert list(pols) == ["plan", "silos"]
    assert pols["silos"].params["architecture"] == "silos"
    assert pols["plan"].params["n_residents"] == 800
    assert pols["plan"].params["collection_fields"] == []


# ------------------------------------------------------------------- the model's own deciders
def _decider(b: str, outcome: str, seed: int, worlds: int) -> tuple:
    from sim.experiments.robustness import robustness

    rob = robustness("national_plan_2025", b, worlds=worlds, seed=seed)  # the defaults
    return rob.table.loc[outcome, "decided_by"]


@pytest.mark.parametrize("seed", [0, 1])
def test_minimal_collections_care_cost_is_decided_by_the_value_of_lifestyle_fields(seed):
    assert _decider("minimal_collection", "utility_rate", seed, 16)[0] == \
        "lifestyle_clinical_value"


@pytest.mark.parametrize("seed", [0, 1])
def test_on_device_care_is_decided_by_how_often_the_national_store_is_hit(seed):
    # under the plan a ransomware hit on the national platform takes shared records down;
    # how often it is hit decides what on-device storage gains: how often it is found
    # (attack_surface_exponent) and how often an attack on it succeeds (security_platform).
    # The two trade places between seeds (seed 1 names security_platform first since the
    # tier split of visits moved records off the tertiary nodes); both must be named.
    # 32 worlds: with ~110 uncertainties sampled, 16 worlds on seed 0 name none
    deciders = _decider("on_device_consent", "utility_rate", seed, 32)
    assert deciders[0] in ("attack_surface_exponent", "security_platform"), deciders
    assert "attack_surface_exponent" in deciders, deciders


def test_the_attack_surface_exponent_really_moves_the_on_device_care_difference():
    # one at a time, everything else at its default: the named decider moves the answer
    from sim.experiments.comparison import compare

    diffs = []
    for e in (0.5, 1.0):
        c = compare("national_plan_2025", "on_device_consent", seed=0, reps=3,
                    overrides={"attack_surface_exponent": e, "n_residents": 2000})
        diffs.append(c.differences.loc["utility_rate", "diff_mean"])
    assert diffs[1] - diffs[0] > 0.02  # at least 2 points more in favour of on-device


# ------------------------------------------------------------------- the command line
def test_compare_worlds_json_gives_a_robustness_object_for_every_headline_outcome(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "sim", "compare", "national_plan_2025", "minimal_collection",
         "--worlds", "6", "--world-reps", "1", "--reps", "2", "--residents", "500",
         "--days", "60", "--json", "--out", str(tmp_path / "o")],
        capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["robustness"]["worlds"] == 6 and doc["robustness"]["n_residents"] == 500
    for name, o in OUTCOMES.items():
        if not o.headline:
            continue
        rob = doc["difference"][name]["robustness"]
        assert set(rob) >= {"worlds", "better", "worse", "no_clear_change", "effect_p05",
                            "effect_p95", "decided_by", "summary"}
        if rob["verdict"] != "not compared":  # worlds: those where both arms measured it
            assert rob["better"] + rob["worse"] + rob["no_clear_change"] == rob["worlds"]
            assert 4 <= rob["worlds"] <= 6
    written = {p.name for p in (tmp_path / "o").iterdir()}
    assert {"robustness.csv", "worlds.csv", "world_samples.csv"} <= written


@pytest.mark.parametrize("args, field", [(["--worlds", "2"], "--worlds"),
                                         (["--worlds", "8", "--world-reps", "0"],
                                          "--world-reps"),
                                         (["--worlds", "8", "--world-residents", "5"],
                                          "--world-residents")])
def test_compare_refuses_bad_world_settings_in_one_line(args, field):
    out = subprocess.run([sys.executable, "-m", "sim", "compare", "status_quo",
                          "national_plan_2025", *args], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    assert out.returncode == 2
    assert field in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
