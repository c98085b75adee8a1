"""China's world: provinces by census weight, ages, town and country, smartphones."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pytest

from sim import geography
from sim.geography import N_PROVINCES, age_weights, phone_probability, provinces
from sim.params import defaults
from sim.world.model import HealthDataModel
from sim.world.population import Population

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "china"
CENSUS_SUM = 1_409_778_724  # NBS communiqué No.3, Table 3-1: the 31 provinces


@pytest.fixture(scope="module")
def big_pop() -> Population:
    p = defaults() | {"n_residents": 200_000}
    return Population.generate(p, np.random.default_rng(7))


def test_the_31_provinces_add_up_to_the_census():
    prov = provinces()
    assert len(prov.names_en) == len(prov.names_zh) == N_PROVINCES == 31
    assert int(prov.population.sum()) == CENSUS_SUM
    assert len(set(prov.names_en)) == 31 and len(set(prov.names_zh)) == 31
    assert prov.names_en[prov.names_zh.index("广东")] == "Guangdong"
    assert set(prov.nbs_region) == {"east", "central", "west", "northeast"}


def test_drawn_province_shares_match_the_census(big_pop):
    w = provinces().weights
    n = big_pop.n
    got = np.bincount(big_pop.region, minlength=31) / n
    assert big_pop.region.min() >= 0 and big_pop.region.max() <= 30
    se = np.sqrt(w * (1 - w) / n)
    z = (got - w) / se
    assert np.abs(z).max() < 4.5, dict(zip(provinces().names_en, z.round(1), strict=True))
    # and as a whole: chi-square with 30 degrees of freedom, p > 0.001
    chi2 = float((z ** 2).sum())
    assert chi2 < 59.7


def test_ages_follow_the_census_and_each_province(big_pop):
    old = big_pop.age_years >= 60
    assert abs(old.mean() - 0.187) < 0.005
    assert abs((big_pop.age_years < 15).mean() - 0.1795) < 0.005
    names = provinces().names_en
    liaoning, guangdong = names.index("Liaoning"), names.index("Guangdong")
    assert abs(old[big_pop.region == liaoning].mean() - 0.2572) < 0.02
    assert abs(old[big_pop.region == guangdong].mean() - 0.1235) < 0.01
    # birth year and day agree with the age
    assert np.array_equal(big_pop.birth_day // 365, big_pop.birth_year)
    assert np.array_equal(big_pop.age_years, 79 - big_pop.birth_year)


def test_age_weights_honour_a_province_share():
    for share in (None, 0.12, 0.2572):
        w = age_weights(share)
        assert w.shape == (80,) and abs(w.sum() - 1) < 1e-12 and (w > 0).all()
        assert abs(w[60:].sum() - (0.187 if share is None else share)) < 1e-9


def test_smartphone_use_reproduces_the_three_published_shares(big_pop):
    p = defaults()
    assert abs(big_pop.urban.mean() - geography.urban_share()) < 0.005
    phone = big_pop.has_phone
    assert abs(phone.mean() - p["internet_use_all"]) < 0.01
    assert abs(phone[big_pop.age_years >= 60].mean() - p["internet_use_60plus"]) < 0.012
    assert abs(phone[~big_pop.urban].mean() - p["internet_use_rural"]) < 0.01
    # and moves with its parameters
    low = phone_probability(big_pop.age_years, big_pop.urban,
                            p | {"internet_use_60plus": 0.2})
    assert low[big_pop.age_years >= 60].mean() < 0.25


def test_the_model_names_the_provinces_in_both_languages():
    m = HealthDataModel({"n_residents": 500, "n_days": 2}, seed=3)
    assert m.region_names[0] == "Beijing" and m.region_names_zh[0] == "北京"
    assert len(m.region_names) == 31 and m.pop.region.max() < 31
    # nodes stand for real hospitals in proportion to their province's residents
    tert = {i.region: i.represents for i in m.providers if i.kind.value == "tertiary_hospital"}
    names = m.region_names
    assert tert[names.index("Guangdong")] > 20 * tert[names.index("Tibet")]
    m.run()
    groups = m.groups.table()
    regions = groups[groups["dimension"] == "region"]["group"].tolist()
    assert regions == list(provinces().names_en)
    assert set(groups["dimension"]) >= {"settlement", "smartphone"}


def test_generic_regions_remain_for_experiments():
    m = HealthDataModel({"n_residents": 500, "n_days": 2, "n_regions": 4}, seed=3)
    assert m.region_names == ["Region 1", "Region 2", "Region 3", "Region 4"]
    assert m.pop.region.max() < 4


@pytest.mark.skipif(not (SHARED / "population_by_province.csv").is_file(),
                    reason="the shared Chinese statistics are not beside this checkout")
def test_the_data_file_is_rebuilt_from_the_sourced_statistics(tmp_path, monkeypatch):
    import importlib.util

    spec = importlib.util.spec_from_file_location("china_data", ROOT / "scripts" / "china_data.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    rows = mod.build(SHARED)
    committed = list(csv.DictReader(io.StringIO(
        (ROOT / "sim" / "data" / "china_provinces.csv").read_text("utf-8"))))
    assert [r["population_2020"] for r in rows] == [r["population_2020"] for r in committed]
    assert [r["share_60plus"] for r in rows] == [r["share_60plus"] for r in committed]
    national = {r["quantity"]: r["value"] for r in mod.build_national(SHARED)}
    assert national == {k: f"{v:.4f}" for k, v in geography.national().items()}


def test_insurer_and_payment_platform_hold_only_their_members():
    """NHSA enrolment, the insurance e-voucher and online payment bound who they can hold."""
    m = HealthDataModel("national_plan_2025", seed=2, n_residents=3000, n_days=5)
    pop = m.pop
    assert 0.9 < pop.insured.mean() < 0.99
    assert not (pop.insurance_code & ~(pop.insured & pop.has_phone)).any()
    assert not (pop.pays_online & ~pop.has_phone).any()
    seen = set()
    for st in m.stores:
        if st.members:
            held = m.records.held_mask(st)
            assert not (held & ~getattr(pop, st.members)).any(), st.name
            assert m.records.store_counts()[st.index] == held.sum()
            seen.add(st.members)
    assert seen == {"insured", "insurance_code", "pays_online"}
    # and the shares move with their parameters
    fewer = HealthDataModel("national_plan_2025", seed=2, n_residents=3000, n_days=5,
                            insurance_enrolment=0.5)
    assert fewer.pop.insured.mean() < 0.55


def test_visits_split_by_level_of_care_as_china_does():
    """Simulated visits reach first-level care, secondary and tertiary hospitals in the NHC's
    proportions (Jan-Oct 2019; sim/data/china_national.csv), within a point and a half."""
    m = HealthDataModel({"n_residents": 20_000, "n_days": 30}, seed=1)
    tier_of = np.full(int(m.provider_table.max()) + 1, -1)
    for t in range(3):
        rows = m.provider_table[:, t, :]
        tier_of[rows[rows >= 0]] = t
    counts = np.zeros(3)
    for _ in range(60):
        counts += np.bincount(tier_of[m.care.draw().provider], minlength=3)
    n = geography.national()
    published = np.array([n["visit_share_first_level"], n["visit_share_secondary"],
                          n["visit_share_tertiary"]])
    assert published.sum() == pytest.approx(1.0, abs=1e-3)
    np.testing.assert_allclose(counts / counts.sum(), published, atol=0.015)


def test_away_visits_go_to_other_provinces_in_proportion_to_their_residents():
    """A resident treated away from home is in another province, chosen by its census weight
    (not uniformly: Guangdong receives 20 times Qinghai's share), and the node within it is
    drawn evenly."""
    m = HealthDataModel({"n_residents": 2000, "n_days": 2}, seed=1)
    w = m.pop.region_weight
    u = np.random.default_rng(0).random(400_000)
    for own in (0, 25, 30):  # Beijing, Tibet, Xinjiang (the last code)
        region, frac = m.care.away_region(np.full(len(u), own), u)
        share = np.bincount(region, minlength=N_PROVINCES) / len(u)
        expected = np.where(np.arange(N_PROVINCES) == own, 0.0, w) / (w.sum() - w[own])
        assert share[own] == 0.0
        np.testing.assert_allclose(share, expected, atol=0.003)
        assert 0.0 <= frac.min() and frac.max() < 1.0
        assert abs(frac.mean() - 0.5) < 0.005
    own = np.random.default_rng(1).integers(0, N_PROVINCES, len(u))
    region, _ = m.care.away_region(own, u)
    assert not (region == own).any()
