"""Calibration to the published record: OCR fits, deterrence, behaviour, utility, outcomes."""

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from conftest import small

import sim
from sim.analysis import calibration as cal
from sim.experiments.experiment import paired_differences
from sim.world.model import HealthDataModel


# ----------------------------------------------------------------- OCR calibration
def test_ocr_targets_from_the_portal():
    t = cal.ocr_targets()
    assert len(cal.load_ocr()) == 3354
    # calibration.md §2.1: 2019-23 shares by breach and by record
    assert t["hacking"].count_share == pytest.approx(0.743, abs=0.002)
    assert t["hacking"].record_share == pytest.approx(0.931, abs=0.002)
    assert t["unauthorized_access"].count_share == pytest.approx(0.192, abs=0.002)
    assert t["all"].per_million_year == pytest.approx(3354 / 5 / 332, rel=1e-9)
    assert t["all"].log10_mean == pytest.approx(3.90, abs=0.01)
    assert t["hacking"].over_10m_per_million_year == pytest.approx(4 / 5 / 332, rel=1e-9)


def test_ocr_targets_by_year():
    """The hold-out by time: 2019-21 and 2022-23 split the portal's rows and rates."""
    fit, test, full = (cal.ocr_targets(y) for y in (cal.HOLDOUT_FIT_YEARS,
                                                    cal.HOLDOUT_TEST_YEARS, None))
    n = len(cal.ocr_rows(cal.HOLDOUT_FIT_YEARS)) + len(cal.ocr_rows(cal.HOLDOUT_TEST_YEARS))
    assert n == len(cal.load_ocr())
    # per million a year, weighted by the years each period covers
    assert (3 * fit["all"].per_million_year + 2 * test["all"].per_million_year
            == pytest.approx(5 * full["all"].per_million_year, rel=1e-9))
    assert test["hacking"].count_share > fit["hacking"].count_share  # hacking grew
    # the interval of an observed value contains it, and a period's count is not exact
    value, lo, hi = cal.observed_interval(lambda n_, c, y: float((c == "hacking").sum()) / y)
    assert lo < value < hi
    assert value == pytest.approx(len(cal.ocr_rows(cal.HOLDOUT_TEST_YEARS)
                                      .query("cause == 'hacking'")) / 2)


def test_holdout_fit_reproduces_its_own_years():
    """Breach generation refitted on 2019-21 gives 2019-21's rates and mix, not 2022-23's."""
    from sim.params import defaults

    fit = cal.holdout_fit()
    d = defaults()
    assert set(fit) >= set(cal.RATE_PARAMETERS.values())
    assert all(d[k] != v for k, v in fit.items() if k != "loss_theft_log10_mean")
    got = cal.simulated_ocr_rates({**d, **fit}, seeds=range(2))
    want = cal.ocr_targets(cal.HOLDOUT_FIT_YEARS)
    for cause in cal.CAUSES:
        assert got[cause] == pytest.approx(want[cause].per_million_year, rel=0.25), cause


def test_transfer_factor_scales_breach_generation_and_its_default_changes_nothing():
    base = HealthDataModel("status_quo", seed=4, **small())
    same = HealthDataModel("status_quo", seed=4, breach_rate_transfer_factor=1.0, **small())
    assert base.run() == same.run()
    assert base.ledger.incident_table().equals(same.ledger.incident_table())
    more = HealthDataModel("status_quo", seed=4, breach_rate_transfer_factor=3.0, **small())
    # opportunities drawn: about three times as many for the three fitted processes
    for kind in ("LostOrStolenMedia",):
        a = sum(int(x.opportunities.sum()) for x in base.attackers if type(x).__name__ == kind)
        b = sum(int(x.opportunities.sum()) for x in more.attackers if type(x).__name__ == kind)
        assert 2.0 < b / max(a, 1) < 4.0
    n = sum(int(x.opportunities.sum()) for x in base.attackers)
    n3 = sum(int(x.opportunities.sum()) for x in more.attackers)
    assert n3 > 2 * n


def test_truncated_lognormal_fit_recovers_a_known_median():
    rng = np.random.default_rng(0)
    x = rng.normal(2.9, 0.8, 200_000)
    x = x[x >= math.log10(500)]
    assert cal.fit_truncated_lognormal(x, sd=0.8) == pytest.approx(2.9, abs=0.02)


def test_attack_surface_exponent_from_the_largest_holders():
    share = cal.large_holder_share()
    assert 0.01 < share < 0.03  # a handful of the 2,491 hacking rows
    a = cal.estimate_attack_surface_exponent()
    assert 0.6 < a < 0.9
    assert sim.PARAMETERS["attack_surface_exponent"].default == pytest.approx(a, abs=0.005)


def test_size_model_matches_simulated_breaches():
    """The analytic size distribution the fit uses agrees with the model's own draws."""
    m = HealthDataModel("status_quo", seed=3)
    v = cal.victim_table(m)
    p = m.p
    grid = np.array([math.log10(500), 5.0, 6.0])
    per, _ = cal.external_size_distribution(
        v, attack_surface_exponent=p["attack_surface_exponent"],
        log10_mean=p["breach_size_log10_mean"], exponent=p["breach_size_exponent"],
        log10_sd=p["breach_size_log10_sd"],
        institution_size_log10_sd=p["institution_size_log10_sd"], targeted_per_year=0.0,
        grid=grid)
    # simulate opportunistic finds and successes directly from the model's own verbs
    rng = np.random.default_rng(1)
    n = 200_000
    t = m.threats.targets
    idx = t.pick_opportunistic_many(rng.random(n))
    ok = rng.random(n) < p["attacker_skill"] * (1 - t.security[idx])
    sizes = []
    for i, z, us in zip(idx[ok], rng.standard_normal(ok.sum()), rng.random(ok.sum()),
                        strict=True):
        inst = m.institution_list[i]
        held = t.records_real[i] * t.victim_scale(inst, us)
        sizes.append(m.threats.breach_fraction(held, z) * held)
    sizes = np.log10(np.array(sizes))
    for g, want in zip(grid, per, strict=True):
        got = (sizes >= g).sum() / n
        assert got == pytest.approx(want, rel=0.08, abs=2e-5), g


# ---------------------------------------------------------------------- deterrence
def test_deterrence_falls_smoothly_never_to_zero():
    counts = []
    for ep in (0.05, 0.1, 0.25, 0.5):
        c = [HealthDataModel("status_quo", seed=s, n_residents=1500, n_days=180,
                             enforcement_probability=ep).run()["insider_incidents"]
             for s in range(2)]
        counts.append(np.mean(c))
    assert all(c > 0 for c in counts)
    # each step lowers offences, but by less than the sanction's certainty rises
    for lo, hi in itertools.pairwise(counts):
        assert 0.2 < hi / lo < 1.0


def test_subclass_expected_gain_is_obeyed_by_opportunistic_groups():
    from sim.world.attackers import ATTACKER_TYPES, ExfiltrationGroup

    class Worthless(ExfiltrationGroup):
        def expected_gain(self, target):
            return 0.0

        def succeeds(self, target, u):  # a custom verb: the fast path must call it
            return super().succeeds(target, u)

    base = HealthDataModel("status_quo", seed=2, **small())
    base.run()
    ATTACKER_TYPES.unregister("exfiltration_group")
    try:
        ATTACKER_TYPES.register("exfiltration_group")(Worthless)
        m = HealthDataModel("status_quo", seed=2, **small())
        m.run()
    finally:
        ATTACKER_TYPES.unregister("exfiltration_group")
        ATTACKER_TYPES.register("exfiltration_group")(ExfiltrationGroup)
    kinds = m.ledger.incident_table()["kind"]
    assert (kinds == "exfiltration").sum() == 0
    assert (base.ledger.incident_table()["kind"] == "exfiltration").sum() > 0
    assert (kinds == "ransomware").sum() > 0  # the other groups are untouched


# ----------------------------------------------------------------------- behaviour
def test_opt_in_settles_near_a_fifth():
    m = HealthDataModel("national_plan_2025", seed=1, n_residents=4000, consent_model="opt_in")
    m.run()
    part = m.daily()["participation_rate"].to_numpy()
    assert 0.12 < part[-1] < 0.3
    assert abs(part[-1] - part[-91]) < 0.03  # settling, not still climbing


def test_opt_out_refusal_inside_published_range():
    m = HealthDataModel("national_plan_2025", seed=1, n_residents=4000, consent_model="opt_out")
    m.run()
    assert 0.02 < 1 - m.daily()["participation_rate"].iloc[-1] < 0.12


def test_publicised_event_spreads_reviews_over_weeks():
    m = HealthDataModel("national_plan_2025", seed=1, n_residents=4000, n_days=60,
                        consent_model="opt_out", n_external_groups=0,
                        insiders_per_institution=0, n_secondary_users=0,
                        loss_theft_per_million_per_year=0.0)
    for _ in range(5):
        m.step()
    m.behaviour.publicise(1.0)
    reviews = []
    for _ in range(40):
        m.step()
        reviews.append(m.series["consent_reviews"][m.day - 1])
    reviews = np.array(reviews)
    base = m.p["consent_reviews_per_year"] / 365 * m.pop.n
    extra = reviews - base
    half = m.p["attention_half_life_days"]
    assert extra[0] > 10 * base  # a burst ...
    assert extra[: int(half)].sum() < 0.75 * extra.sum()  # ... spread over weeks
    total = m.p["news_review_share"] * m.pop.n
    assert extra.sum() == pytest.approx(total, rel=0.25)


def test_women_and_ages_20_to_49_refuse_more():
    m = HealthDataModel("national_plan_2025", seed=1, n_residents=3000, n_days=1)
    b = m.behaviour
    n = m.pop.n
    trust = np.full(n, 0.3)
    idx = np.arange(n)
    u = np.full(n, 0.5)
    z = ((m.p["participation_threshold"] - trust) / m.p["participation_slope"]
         + b.refusal_log_odds)
    refuse = 1 / (1 + np.exp(-z))
    women = (m.pop.sex == 1) & (m.pop.age_years >= 50)
    men = (m.pop.sex == 0) & (m.pop.age_years >= 50)
    assert refuse[women].mean() > refuse[men].mean()
    mid = (m.pop.sex == 0) & (m.pop.age_years >= 20) & (m.pop.age_years < 50)
    kids = (m.pop.sex == 0) & (m.pop.age_years < 20)
    assert refuse[mid].mean() > refuse[men].mean() > refuse[kids].mean()
    assert b.want_share(trust, idx, u).dtype == bool


def test_design_moves_trust_and_withholding():
    sq = HealthDataModel("status_quo", seed=1, n_residents=2000, n_days=1)
    plan = HealthDataModel("national_plan_2025", seed=1, n_residents=2000, n_days=1)
    assert sq.behaviour.policy_shift == 0.0
    assert plan.behaviour.sensitivity > sq.behaviour.sensitivity
    assert plan.behaviour.policy_shift < 0
    assert plan.pop.withholding.mean() > sq.pop.withholding.mean()


# ------------------------------------------------------------------------- utility
def test_clinicians_who_never_look_get_no_shared_information():
    never = HealthDataModel("national_plan_2025", seed=1, shared_lookup_probability=0.0,
                            **small()).run()
    always = HealthDataModel("national_plan_2025", seed=1, shared_lookup_probability=1.0,
                             **small()).run()
    usual = HealthDataModel("national_plan_2025", seed=1, **small()).run()
    assert never["duplicate_tests_avoided"] == 0.0
    assert never["admissions_avoided"] == 0.0
    assert never["utility_rate"] < usual["utility_rate"] < always["utility_rate"]
    # the design's potential, if always used (less while the platform is down); at
    # emergencies conscious patients tell their history whatever the records
    assert (never["emergency_info_rate"] < usual["emergency_info_rate"]
            < always["emergency_info_rate"] - 0.1)
    assert always["emergency_info_rate"] > 0.4


def test_odds_ratio_effects():
    from sim.world.care import odds_reduction

    # repeat imaging: OR 0.75 at a 20% baseline
    assert odds_reduction(0.2, 0.75) == pytest.approx(0.2 - 0.15 / 0.95)
    assert odds_reduction(0.2, 1.0) == 0.0
    assert odds_reduction(0.15, 0.0) == pytest.approx(0.15)


# ------------------------------------------------------------------------ retention
def test_retention_purges_old_episodes_from_records():
    life = HealthDataModel("national_plan_2025", seed=1, n_residents=3000, n_days=1)
    ten = HealthDataModel("national_plan_2025", seed=1, n_residents=3000, n_days=1,
                          retention_days=3650)
    bit = life.field_bit["mental_health"]
    days = life.pop.episode_day["mental"]
    old = np.flatnonzero((days < -3650) & (days >= -365 * life.p["history_years"]))
    recent = np.flatnonzero(days >= -3000)
    assert len(old) and len(recent)
    assert np.all(life.records.recorded_mask(old) & bit | life.pop.withholding[old])
    assert not np.any(ten.records.recorded_mask(old) & bit)
    kept = ~ten.pop.withholding[recent]
    assert np.all((ten.records.recorded_mask(recent[kept]) & bit) != 0)


# ------------------------------------------------------------------------ outcomes
def test_dossier_outcomes_are_consistent():
    m = HealthDataModel("national_plan_2025", seed=1, **small())
    s = m.run()
    assert 0 < s["mean_dossier_completeness"] <= s["max_dossier_completeness"] <= 1
    assert 0 <= s["dossier_over_half_rate"] <= 1
    none = HealthDataModel("national_plan_2025", seed=1, n_brokers=0, **small()).run()
    assert none["mean_dossier_completeness"] == 0 == none["dossier_over_half_rate"]


def test_comparison_notes_say_why_outcomes_are_fixed():
    plan = sim.load_scenario("national_plan_2025")
    res = sim.compare(plan, plan.with_overrides(audit_strength=0.8, name="audit"), seed=1,
                      reps=2, overrides=small())
    d = res.differences
    assert "ID-card number" in d.loc["identified_leak_share", "note"]
    assert "implied consent" in d.loc["participation_rate", "note"]
    assert d.loc["utility_rate", "note"] == "" or "same" in d.loc["utility_rate", "note"]
    assert not d.loc["max_dossier_completeness", "headline"]
    pseud = sim.compare(plan, plan.with_overrides(identity="per_domain_pseudonyms",
                                                  consent_model="opt_out", name="p"),
                        seed=1, reps=2, overrides=small())
    assert pseud.differences.loc["participation_rate", "note"] == ""


def test_incident_table_has_one_row_per_incident():
    m = HealthDataModel("national_plan_2025", seed=1, **small())
    m.run()
    t = m.ledger.incident_table()
    assert len(t) == len(m.ledger.incidents)
    assert set(t["cause"]) <= {"hacking", "unauthorized_access", "theft_loss"}
    assert (t["records_real"] >= 0).all()
    assert set(t["kind"]) >= {"ransomware", "insider_sale", "loss_theft"}
    losses = t[t["kind"] == "loss_theft"]
    assert losses["detected"].all() and not losses["sanctioned"].any()


def test_paired_differences_without_parameter_columns_still_work():
    runs = pd.DataFrame({"seed": [1, 2], "status": ["ok", "ok"],
                         **{o: [0.1, 0.2] for o in sim.OUTCOMES.names()}})
    d = paired_differences(runs, runs)
    assert (d["diff_mean"].fillna(0) == 0).all()
    assert "same" in d.loc["utility_rate", "note"]
