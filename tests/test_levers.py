"""Every lever changes the outcomes it should (paired on the same seeds, averaged)."""

import functools

import pytest

import sim

BASE = "national_plan_2025"
OVERRIDES = {"n_residents": 3000, "n_days": 180}
REPS = 3


@functools.cache
def diff(base: str, **changes) -> dict:
    """Mean paired difference (changed − base) of every outcome."""
    reform = sim.load_scenario(base).with_overrides(changes, name="reform")
    res = sim.compare(base, reform, seed=3, reps=REPS, overrides=OVERRIDES)
    return res.differences["diff_mean"].to_dict()


def d(*args, base=BASE, **kw):
    return diff(base, **dict(args), **kw)


# ------------------------------------------------------------------ architecture
def test_silos_lose_shared_information():
    # clinicians consult a shared record at about one encounter in five where one exists,
    # so sharing is worth a few points of utility, not tens
    r = d(("architecture", "silos"))
    assert r["utility_rate"] < -0.02
    assert r["emergency_info_rate"] < -0.1
    assert r["duplicate_tests_avoided"] < 0
    assert r["admissions_avoided"] < 0


def test_regional_platform_fails_away_from_home():
    r = d(("architecture", "regional"))
    assert r["emergency_info_rate"] < -0.1  # away = another region


def test_on_device_without_break_glass_loses_emergencies_and_insider_reach():
    r = d(("architecture", "on_device"))
    assert r["emergency_info_rate"] < 0
    assert r["insider_incidents"] < 0
    assert r["harm_per_1000"] < 0


def test_federated_keeps_utility():
    r = d(("architecture", "federated"))
    assert abs(r["utility_rate"]) < 0.02


# -------------------------------------------------------------------- collection
def test_minimal_collection_cuts_harm_and_dossiers():
    r = d(("collection_scope", "minimal"))
    assert r["harm_per_1000"] < 0
    assert r["max_dossier_completeness"] < 0
    assert r["utility_rate"] < 0  # and costs some care: lifestyle fields gone


def test_lifestyle_value_assumption_moves_the_cost_of_minimal_collection():
    low = diff(BASE, collection_scope="minimal", lifestyle_clinical_value=0.0)
    # lifestyle worthless: minimal costs no care (it may even help: less-valuable data
    # draws fewer ransomware attacks, so less downtime)
    assert low["utility_rate"] > -0.002
    high = d(("collection_scope", "minimal"))
    assert high["utility_rate"] < low["utility_rate"]


def test_maximal_collection_makes_leaks_identifying():
    # location trails single almost everyone out (de Montjoye 2013)
    assert d(("collection_scope", "maximal"))["quasi_identifier_risk"] > 0.05


def test_retention_shorter_exposes_less():
    # what a leak reveals falls at once (episodes older than a year are purged); records
    # exposed fall too but are heavy-tailed at this size (tests/test_lever_mechanisms.py
    # checks them at a year and more replications)
    r = d(("retention_days", 365))
    assert r["harm_per_1000"] < 0
    assert r["utility_rate"] <= 0


# ------------------------------------------------------------------------ consent
def test_opt_in_lowers_participation_and_utility():
    r = d(("consent_model", "opt_in"))
    assert r["participation_rate"] < -0.3
    assert r["utility_rate"] < 0
    assert r["harm_per_1000"] < 0


def test_opt_out_lets_some_leave():
    r = d(("consent_model", "opt_out"))
    assert r["participation_rate"] < 0
    assert r["withholding_rate"] < 0  # control over sharing: less lying to clinicians


def test_granular_consent_keeps_people_and_gives_a_say():
    # almost nobody changes a default (<0.1%), so granular consent keeps everyone in; the say
    # it gives raises trust, and residents withhold less from clinicians
    r = d(("consent_model", "granular"))
    assert r["participation_rate"] == 0
    assert r["mean_trust"] > 0
    assert r["withholding_rate"] < 0
    assert r["utility_rate"] > 0


def test_break_glass_restores_emergency_information():
    without = d(("consent_model", "per_access"))
    with_bg = d(("consent_model", "per_access_break_glass"))
    assert without["emergency_info_rate"] < with_bg["emergency_info_rate"] - 0.02
    assert without["insider_incidents"] < 0  # staff cannot open records without the code


# ------------------------------------------------------------ identity, integration
def test_pseudonyms_stop_exact_linkage_across_domains():
    r = d(("identity", "per_domain_pseudonyms"))
    assert r["max_dossier_completeness"] < 0
    assert r["harm_per_1000"] < 0


def test_minimal_collection_lowers_quasi_identifier_risk():
    # birth year and region instead of birth date and county (calibration.md §1.5)
    assert diff(BASE, collection_scope="minimal")["quasi_identifier_risk"] < -0.3


def test_pseudonyms_make_re_identification_a_measurement():
    """Under the master index every leak is identified: the risk is NaN (certain by design);
    with pseudonyms, leaks from shared stores carry none and their risk is measured."""
    plan = sim.run(BASE, seed=3, reps=REPS, overrides=OVERRIDES).runs
    assert plan["identified_leak_share"].min() == 1.0
    assert plan["marketer_risk"].isna().all()
    pseud = sim.run(sim.load_scenario(BASE).with_overrides(identity="per_domain_pseudonyms"),
                    seed=3, reps=REPS, overrides=OVERRIDES).runs
    assert pseud["identified_leak_share"].max() < 1.0
    assert pseud["marketer_risk"].between(0.0, 1.0).all()


def test_code_integration_adds_function_creep_to_the_officials_lookup():
    """Officials can misuse a central code lookup under any integration (Henan 2022 used
    the health code alone); integration adds insurers' and payers' views, so more."""
    base = sim.run(BASE, seed=3, reps=REPS, overrides=OVERRIDES).runs
    creep = base["function_creep_incidents"].mean()
    r = d(("code_integration", "health_only"))
    assert creep > 0
    assert -creep < r["function_creep_incidents"] < 0


def test_narrow_access_cuts_insider_incidents():
    assert d(("access_breadth", "treating_team"))["insider_incidents"] < 0


# ------------------------------------------------------------ security, enforcement
def test_audit_detects_more_and_deters():
    r = d(("audit_strength", 0.9))
    # audit finds staff and secondary users' accesses, not outside intruders (those are
    # found with external_detection_probability), so the detected share moves less
    assert r["detected_share"] > 0.03
    assert r["insider_incidents"] < 0
    assert r["breaches"] == 0


def test_purpose_binding_blocks_beyond_purpose_use():
    r = d(("purpose_binding", 0.9))
    assert r["function_creep_incidents"] <= 0
    assert r["insider_incidents"] < 0


def test_encryption_reduces_exposure():
    assert d(("encryption_at_rest", True))["records_exposed"] < 0


@pytest.mark.parametrize("lever,value", [("enforcement_probability", 0.6),
                                         ("penalty_yuan", 5e6)])
def test_enforcement_deters_insiders(lever, value):
    assert d((lever, value))["insider_incidents"] < 0


def test_notification_informs_and_mitigates():
    """On the shock scenario: telling the affected lowers their trust and their harm."""
    none = diff("breach_shock", breach_notification="none")
    assert none["mean_trust"] > 0  # untold residents keep their trust
    assert none["harm_per_1000"] > 0  # and cannot protect themselves


def test_public_notification_publicises_small_breaches_too():
    """Under 'public' every detected breach is news (weighted by the square of its size);
    under 'affected' only a breach of 1% of the population or more is."""
    from sim.world.model import HealthDataModel

    calls = {}
    for policy in ("affected", "public"):
        m = HealthDataModel(BASE, seed=3, breach_notification=policy, **OVERRIDES)
        seen = []
        orig = m.behaviour.publicise
        m.behaviour.publicise = lambda w, _seen=seen, _orig=orig: (_seen.append(w), _orig(w))
        m.run()
        calls[policy] = seen
    assert len(calls["public"]) > len(calls["affected"])
    assert all(0 < w <= 1 for w in calls["public"])


# ------------------------------------------------------------------ uncertainties
def test_low_resale_value_draws_fewer_attacks():
    r = d(("resale_value_multiplier", 0.05))
    assert r["breaches"] < 0 and r["insider_incidents"] < 0


def test_no_attackers_no_exposure_under_the_plan():
    r = d(("n_external_groups", 0), ("insiders_per_institution", 0),
          ("n_secondary_users", 0))
    assert r["breaches"] < 0 and r["insider_incidents"] < 0
