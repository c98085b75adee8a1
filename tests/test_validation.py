"""The validation report (fast subset) and the lever-effect table."""

import re

import pandas as pd
import pytest
from conftest import ROOT

from sim import validation
from sim.lever_effects import (
    LEVER_ALTERNATIVES,
    lever_effects,
    lever_effects_markdown,
    silent_levers,
    unmoved_outcomes,
)
from sim.params import levers


@pytest.fixture(scope="module")
def quick():
    return validation.validate(quick=True)


def test_every_target_has_a_source_band_and_measure():
    assert len(validation.TARGETS) >= 12
    keys = [t.key for t in validation.TARGETS]
    assert len(set(keys)) == len(keys)
    for t in validation.TARGETS:
        assert t.source and t.published and t.section.startswith("§"), t.key
        assert t.low <= t.high, t.key
        assert t.kind in {"emergent", "calibrated", "input", "closed form"}, t.key
        assert set(t.experiments) <= set(validation.EXPERIMENTS), t.key


def test_quick_report_meets_the_core_targets(quick):
    table, _ = quick
    assert len(table) >= 12
    must = ["uniqueness_closed_form", "correct_match_closed_form", "rate_hacking",
            "rate_unauthorized", "share_hacking_count", "size_log10_mean", "size_ks",
            "internal_actor_share", "opt_out_refusal", "opt_in_participation", "burst_spread",
            "withholding", "trust_design", "deterrence_elasticity", "no_cliff"]
    got = table.set_index("key")
    for key in must:
        assert got.loc[key, "met"], (key, got.loc[key, "value"])
    # a missed target carries its explanation
    for _, r in table[~table["met"]].iterrows():
        assert r.note, r.key


def test_report_markdown_lists_every_target_and_every_miss(quick, tmp_path):
    table, raw = quick
    figs = validation.figures(raw, tmp_path / "figures")
    assert figs and all(p.exists() and p.stat().st_size > 1000 for p in figs.values())
    text = validation.report_markdown(table, figures_=figs, relative_to=tmp_path, quick=True)
    for title in table["title"]:
        assert title in text
    n_met = int(table["met"].sum())
    assert f"{n_met} of {len(table)} targets met" in text
    for _, r in table[~table["met"]].iterrows():
        assert r.note in text


def test_committed_report_is_the_full_one():
    text = (ROOT / "docs" / "validation.md").read_text()
    m = re.search(r"\*\*(\d+) of (\d+) targets met", text)
    assert m and int(m.group(2)) == len(validation.TARGETS)
    assert "--quick" not in text.split("\n")[2]
    assert int(m.group(1)) >= 0.8 * int(m.group(2))


# ----------------------------------------------------------------- lever effects
def test_every_lever_has_alternatives():
    assert set(LEVER_ALTERNATIVES) == {p.name for p in levers()}


def test_lever_effect_table_on_a_small_run():
    alts = {k: LEVER_ALTERNATIVES[k] for k in ("encryption_at_rest", "code_integration")}
    import sim.lever_effects as le

    saved = dict(le.LEVER_ALTERNATIVES)
    le.LEVER_ALTERNATIVES.clear()
    le.LEVER_ALTERNATIVES.update(alts)
    try:
        t = lever_effects(reps=3, overrides={"n_residents": 1500, "n_days": 180},
                          engine="serial")
    finally:
        le.LEVER_ALTERNATIVES.clear()
        le.LEVER_ALTERNATIVES.update(saved)
    enc = t[t["lever"] == "encryption_at_rest"].set_index("outcome")
    assert enc.loc["harm_per_1000", "moves"] == "better"
    assert enc.loc["insider_incidents", "note"]  # encryption does not stop insiders
    integ = t[t["lever"] == "code_integration"].set_index("outcome")
    assert integ.loc["function_creep_incidents", "diff_mean"] < 0
    assert silent_levers(t) == []
    text = lever_effects_markdown(t, base="national_plan_2025", reps=3, seed=0)
    assert "## `encryption_at_rest`" in text and "**better**" in text
    assert isinstance(unmoved_outcomes(t), list)


def test_committed_lever_table_has_no_unexplained_silence():
    text = (ROOT / "docs" / "lever_effects.md").read_text()
    assert "unexplained: a defect" not in text
    for p in levers():
        assert f"## `{p.name}`" in text


def test_silent_lever_detection():
    t = pd.DataFrame({"lever": ["a", "a", "b"], "setting": ["x", "x", "y"],
                      "outcome": ["o1", "o2", "o1"], "headline": [True, True, True],
                      "moves": ["", "", "better"], "note": ["", "", ""]})
    assert silent_levers(t) == ["a"]
    assert unmoved_outcomes(t) == ["o2"]
