"""Winners and losers: shares of residents better and worse off, resident by resident
(issue 18, item 1). Common random numbers make resident i the same person in both arms."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim
from sim.world.groups import group_labels, summarize_winners, winners_and_losers

SMALL = {"n_residents": 3000, "n_days": 365}


def table(exposed, need, got, rep=0, **codes):
    n = len(exposed)
    return pd.DataFrame({"resident": np.arange(n, dtype=np.int32), "exposed": exposed,
                         "harm": np.zeros(n, np.float32), "need": np.asarray(need, float),
                         "got": np.asarray(got, float), "rep": rep,
                         "age_band": codes.get("age_band", np.zeros(n, np.int8))})


def test_each_resident_is_counted_by_what_changed_for_them():
    labels = group_labels(sim.load_scenario("status_quo").params)
    a = table([True, True, False, False, False], need=[1, 1, 1, 1, 0],
              got=[0.5, 0.5, 0.5, 0.5, 0], age_band=np.array([0, 0, 3, 3, 3], np.int8))
    b = table([False, True, True, False, False], need=[1, 1, 1, 1, 0],
              got=[0.56, 0.46, 0.5, 0.2, 0], age_band=np.array([0, 0, 3, 3, 3], np.int8))
    w = winners_and_losers(a, b, labels).set_index(["outcome", "dimension", "group"])
    allr = w.loc[("privacy", "all", "all residents")]
    assert allr["residents"] == 5 and allr["better"] == pytest.approx(1 / 5)
    assert allr["worse"] == pytest.approx(1 / 5) and allr["same"] == pytest.approx(3 / 5)
    clin = w.loc[("clinical", "all", "all residents")]
    # resident 4 needed no care: not counted; +0.06 better, -0.04 (under 5 points) same
    assert clin["residents"] == 4
    assert clin["better"] == pytest.approx(1 / 4) and clin["worse"] == pytest.approx(1 / 4)
    young = w.loc[("clinical", "age_band", "0-17")]
    old = w.loc[("clinical", "age_band", "65+")]
    assert young["better"] == 0.5 and young["worse"] == 0
    assert old["worse"] == 0.5 and old["better"] == 0


def test_arms_with_other_residents_are_refused():
    labels = group_labels(sim.load_scenario("status_quo").params)
    a = table([True, False], [1, 1], [1, 1])
    with pytest.raises(ValueError, match="same residents"):
        winners_and_losers(a, table([True], [1], [1]), labels)
    other = table([True, False], [1, 1], [1, 1], age_band=np.array([1, 0], np.int8))
    with pytest.raises(ValueError, match="not the same people"):
        winners_and_losers(a, other, labels)


def test_a_policy_against_itself_has_no_winners_or_losers():
    cmp = sim.compare("national_plan_2025", "national_plan_2025", seed=2, reps=2,
                      overrides={"n_residents": 1000, "n_days": 120}, residents=True)
    w = cmp.winners()
    assert (w["better"].fillna(0) == 0).all() and (w["worse"].fillna(0) == 0).all()


@pytest.fixture(scope="module")
def on_device():
    return sim.compare("national_plan_2025", "on_device_consent", seed=0, reps=3,
                       overrides=SMALL, residents=True)


def test_on_device_care_leaves_residents_without_a_smartphone_worse_off(on_device):
    """On-device records need a phone: residents without one lose clinical information
    where smartphone users gain; the all-resident shares add up."""
    w = on_device.winners().set_index(["outcome", "dimension", "group"])
    phone = w.loc[("clinical", "smartphone", "smartphone user")]
    none = w.loc[("clinical", "smartphone", "no smartphone")]
    assert none["worse"] > 2 * phone["worse"]
    assert phone["better"] > none["better"]
    assert none["worse"] > none["better"]
    total = w.loc[("clinical", "all", "all residents")]
    assert total["better"] + total["worse"] + total["same"] == pytest.approx(1)
    assert 0 <= total["better_lo"] <= total["better"] <= total["better_hi"] <= 1
    # every resident is in exactly one region, one age band, ...
    for dim in ("age_band", "smartphone", "region"):
        sub = w.xs(("privacy", dim), level=("outcome", "dimension"))
        assert sub["residents"].sum() == pytest.approx(SMALL["n_residents"])


def test_winners_need_the_residents_kept():
    cmp = sim.compare("status_quo", "minimal_collection", seed=0, reps=2,
                      overrides={"n_residents": 500, "n_days": 30})
    with pytest.raises(ValueError, match="residents=True"):
        cmp.winners()


def test_summaries_average_replications():
    labels = group_labels(sim.load_scenario("status_quo").params)
    a = pd.concat([table([True, False], [1, 1], [1, 1], rep=r) for r in range(3)])
    b = pd.concat([table([False, e], [1, 1], [1, 1], rep=r)
                   for r, e in enumerate([False, True, True])])
    s = summarize_winners(winners_and_losers(a, b, labels)).set_index(
        ["outcome", "dimension", "group"]).loc[("privacy", "all", "all residents")]
    assert s["better"] == pytest.approx(0.5) and s["worse"] == pytest.approx(1 / 3)
    assert s["worse_lo"] >= 0 and s["worse_hi"] <= 1 and s["worse_lo"] < s["worse"]


def test_the_sentence_names_the_group_most_often_worse_off(on_device):
    from sim.analysis.verdicts import winners_sentence

    w = on_device.winners()
    clin = w[(w.outcome == "clinical") & (w.dimension == "all")].iloc[0]
    en = winners_sentence(w)
    assert en.startswith("Resident by resident:")
    assert f"{100 * clin['better']:.0f}% get at least 5 points more" in en
    assert "(most often: no smartphone," in en
    zh = winners_sentence(w, "zh")
    assert "不使用智能手机最多" in zh and not any(c.isascii() and c.isalpha() for c in zh)


def test_the_dashboard_shows_winners_and_clears_them(on_device):
    from sim.app.dashboards import ComparisonDashboard, Runner

    dash = ComparisonDashboard(baseline="national_plan_2025", reform="on_device_consent",
                               runner=Runner(workers=0), worlds=0)
    dash.settings.residents.value = 1000
    dash.settings.reps.value = 2
    dash.compare(block=True)
    assert dash.fig_winners.value and dash.fig_winners.layout.display is None
    assert "Resident by resident:" in dash.winners_note.value
    assert "Residents better and worse off" in dash._figs
    # arms that are not the same people: said, and the verdict and other charts stay
    dash.result.b.residents["conditions"] += 1
    dash._draw(dash.result)
    assert "not the same people" in dash.winners_note.value
    assert dash.fig_winners.value == b"" and dash.fig_tradeoff.value
    dash._clear_figures()
    assert dash.fig_winners.value == b"" and dash.winners_note.value == ""


# ------------------------------------------- where a change in clinical information comes from


def test_the_utility_rate_is_the_sum_of_its_parts_by_field():
    from sim.experiments.experiment import run_one

    scen = sim.load_scenario("national_plan_2025").with_overrides(
        {"n_residents": 1500, "n_days": 120})
    row, *_ = run_one(scen, 3)
    parts = {k: v for k, v in row.items() if k.startswith("utility_from.")}
    assert len(parts) == len(sim.world.model.HealthDataModel(scen, seed=0).catalogue)
    assert sum(parts.values()) == pytest.approx(row["utility_rate"], rel=1e-9)
    assert parts["utility_from.medications"] > 0 and parts["utility_from.location_trail"] == 0


def test_information_falling_while_avoided_events_hold_is_explained():
    """Issue 18, defect 9: minimal collection loses 7 points of clinical information while
    the avoided events do not move; the sentence says which fields went and why."""
    from sim.analysis.verdicts import information_sources

    cmp = sim.compare("national_plan_2025", "minimal_collection", seed=0, reps=3,
                      overrides={"n_residents": 1500})
    d = cmp.differences
    assert d.loc["utility_rate", "diff_high"] < 0
    assert d.loc["duplicate_tests_avoided", "diff_mean"] == 0
    en = information_sources(cmp.a.runs, cmp.b.runs)
    assert en.startswith("Clinical information falls by")
    assert "smoking" in en and "medications (+0.0 points)" in en
    zh = information_sources(cmp.a.runs, cmp.b.runs, "zh")
    assert zh.startswith("诊疗信息减少") and "吸烟" in zh


def test_no_explanation_without_a_clear_change():
    from sim.analysis.verdicts import information_sources

    cmp = sim.compare("national_plan_2025", "national_plan_2025", seed=0, reps=2,
                      overrides={"n_residents": 800, "n_days": 60})
    assert information_sources(cmp.a.runs, cmp.b.runs) == ""


def test_residents_with_other_conditions_are_not_paired():
    """Other population assumptions (e.g. disease prevalence) make other people even where
    their groups agree: refused, never paired."""
    labels = group_labels(sim.load_scenario("status_quo").params)
    a = table([True, False], [1, 1], [1, 1]).assign(conditions=np.int16(0))
    b = a.assign(conditions=np.array([0, 3], np.int16))
    with pytest.raises(ValueError, match="not the same people"):
        winners_and_losers(a, b, labels)
