"""Levers act through mechanisms with sources (issue 17, item 5).

Function creep through a central health-code lookup, audit through detection (not trust),
enforcement judged in records and harm, encryption against a sourced bypass share,
retention within the first year.
"""

import functools

import numpy as np
import pandas as pd
import pytest

import sim
from sim.analysis.lever_effects import (
    HEADLINE_COUNTS,
    HEADLINE_MEASURES,
    headline_effects,
    lever_effects_markdown,
)
from sim.params import PARAMETERS
from sim.plausible import PLAUSIBLE
from sim.world.model import HealthDataModel

BASE = "national_plan_2025"
SMALL = {"n_residents": 3000, "n_days": 365}
HEALTH_ONLY = {"code_integration": "health_only"}
ON_DEVICE = {"code_integration": "health_only", "architecture": "on_device",
             "consent_model": "per_access_break_glass"}


@functools.cache
def compare(reps: int = 4, days: int = 365, **changes) -> pd.DataFrame:
    reform = sim.load_scenario(BASE).with_overrides(changes, name="reform")
    return sim.compare(BASE, reform, seed=3, reps=reps, overrides={"n_days": days}).differences


def creep_by_attacker(seeds=(0, 1, 2), **changes) -> dict[str, int]:
    out: dict[str, int] = {}
    for seed in seeds:
        m = HealthDataModel(BASE, seed=seed, **SMALL, **changes)
        m.run()
        t = m.ledger.incident_table()
        for name, n in t[t["kind"] == "function_creep"]["attacker"].value_counts().items():
            out[name] = out.get(name, 0) + int(n)
    return out


def official_reach_fields(**changes) -> int:
    from sim.world.institutions import InstitutionKind

    m = HealthDataModel(BASE, seed=0, n_residents=500, n_days=2, **changes)
    home = m.agency(InstitutionKind.PUBLIC_HEALTH)
    fields = 0
    for st in m.threats.secondary_reach(home).stores:
        fields |= st.fields
    return fields


# ------------------------------------------------------------------ function creep
def test_health_code_alone_allows_official_misuse():
    """Henan 2022: officials red-coded 1,317 depositors with the health code alone."""
    m = HealthDataModel(BASE, seed=0, n_residents=500, n_days=2, **HEALTH_ONLY)
    assert m.threats.central_code_lookup()
    creep = creep_by_attacker(**HEALTH_ONLY)
    assert creep.get("official_misuse", 0) > 0
    assert creep.get("insurer_underwriting", 0) == 0  # nothing integrated to underwrite from


def test_on_device_code_gives_officials_no_lookup():
    m = HealthDataModel(BASE, seed=0, n_residents=500, n_days=2, **ON_DEVICE)
    assert not m.threats.central_code_lookup()
    assert sum(creep_by_attacker(**ON_DEVICE).values()) == 0


def test_integration_puts_more_fields_in_officials_view():
    only = official_reach_fields(**HEALTH_ONLY)
    full = official_reach_fields()  # the plan: health + insurance + payment
    assert only and (full & only) == only and full != only
    assert official_reach_fields(**ON_DEVICE) == 0


def test_integration_adds_campaigns():
    integrated = sum(creep_by_attacker().values())
    assert integrated > sum(creep_by_attacker(**HEALTH_ONLY).values()) > 0


# ------------------------------------------------------------------------- audit
def test_audit_detects_insiders_not_intruders():
    lo = HealthDataModel(BASE, seed=0, n_residents=500, n_days=2, audit_strength=0.3)
    hi = HealthDataModel(BASE, seed=0, n_residents=500, n_days=2, audit_strength=0.8)
    for fam in ("insider", "secondary"):
        assert hi.threats.detection_probability(fam) > lo.threats.detection_probability(fam)
        assert hi.threats.detection_delay_days(fam) < lo.threats.detection_delay_days(fam)
    assert (hi.threats.detection_probability("external")
            == lo.threats.detection_probability("external")
            == PARAMETERS["external_detection_probability"].default)
    assert (hi.threats.detection_delay_days("external")
            == lo.threats.detection_delay_days("external"))


def test_audit_deters_insiders_and_leaves_trust_unchanged():
    """No source says audit moves trust: it acts through detection and deterrence only."""
    d = compare(audit_strength=0.8)["diff_mean"]
    assert d["insider_incidents"] < 0
    assert d["breaches"] == 0  # audit does not find or deter outside intruders
    assert abs(d["mean_trust"]) < 0.002
    assert abs(d["withholding_rate"]) < 0.003


# ------------------------------------------------------------------- enforcement
def _toy_table() -> pd.DataFrame:
    rows = [("records_exposed", "Records exposed", 366.0, -2.2, -2.6, -1.8, ""),
            ("harm_per_1000", "Harm", 1843.0, -12.8, -16.5, -9.0, ""),
            ("insider_incidents", "Insider incidents", 1961.0, -1172.0, -1253.0, -1090.0,
             "better"),
            ("breaches", "External breaches", 2406.0, -94.0, -127.0, -61.0, "better")]
    return pd.DataFrame([
        {"lever": "enforcement_probability", "setting": "enforcement_probability=0.5",
         "outcome": o, "label": lab, "direction": "min", "headline": True, "base_mean": b,
         "setting_mean": b + dm, "diff_mean": dm, "diff_low": lo, "diff_high": hi,
         "moves": mv, "note": ""} for o, lab, b, dm, lo, hi, mv in rows])


def test_enforcement_headline_is_in_records_and_harm():
    assert HEADLINE_MEASURES == ("records_exposed", "harm_per_1000")
    assert not set(HEADLINE_MEASURES) & set(HEADLINE_COUNTS)
    h = headline_effects(_toy_table()).iloc[0]
    assert h["records_exposed_pct"] == pytest.approx(-100 * 2.2 / 366)
    assert h["insider_incidents_pct"] == pytest.approx(-100 * 1172 / 1961)
    md = lever_effects_markdown(_toy_table(), base="x", reps=1, seed=0)
    line = next(x for x in md.splitlines() if x.startswith("Headline"))
    head, beside = line.split("Beside it")
    assert "Records exposed" in head and "Harm" in head and "Insider" not in head
    assert "Insider incidents -59.77%" in beside
    # and the table lists records and harm before the counts
    rows = [x for x in md.splitlines() if x.startswith("| ")]
    assert rows[-1].startswith("| no clear change: `records_exposed`, `harm_per_1000`")


# --------------------------------------------------------------------- encryption
def test_encryption_bypass_share_is_sourced_and_ranged():
    p = PARAMETERS["key_compromise_probability"]
    assert p.kind == "uncertainty" and "DBIR" in p.source and "assumption" not in p.source
    r = PLAUSIBLE["key_compromise_probability"]
    assert 0.3 <= r.low < p.default < r.high <= 0.8
    m = HealthDataModel(BASE, seed=0, n_residents=500, n_days=2, encryption_at_rest=True)
    assert m.threats.key_usable_probability == p.default
    u = np.linspace(0, 1, 10_001)[:-1]
    assert m.threats.usable(u).mean() == pytest.approx(p.default, abs=1e-3)


# ---------------------------------------------------------------------- retention
def test_short_retention_purges_at_the_start_and_breaches_take_less():
    long_ = HealthDataModel(BASE, seed=0, n_residents=3000, n_days=2, retention_days=36500)
    short = HealthDataModel(BASE, seed=0, n_residents=3000, n_days=2, retention_days=365)
    assert np.all(long_.threats.targets.retained_share == 1.0)
    k = short.threats.targets.retained_share
    held = (k < 1.0) & (k > 0.0)
    assert held.any() and np.all((k >= 0.0) & (k <= 1.0))
    # the same intrusion (same size draw) of each institution takes the retained share of
    # what it takes under lifelong retention
    e = float(short.p["breach_size_exponent"])
    z = np.zeros(len(k))
    idx = np.arange(len(k))

    def taken(m):
        th = m.threats
        held = th.targets.records_real
        f = th.kept_fractions(idx, held, z, th.breach_fractions(held, z))
        return f * held

    ratio = taken(short)[held] / taken(long_)[held]
    np.testing.assert_allclose(ratio, k[held], rtol=1e-9)
    size_law = short.threats.breach_fractions(short.threats.targets.records_real, z)
    assert np.all(size_law[held] * short.threats.targets.records_real[held]
                  >= taken(short)[held])  # no more than the size law alone would give
    assert e < 1.0


def test_one_year_retention_exposes_fewer_records_in_year_one():
    d = compare(reps=6, retention_days=365)
    assert d.loc["records_exposed", "diff_high"] < 0
    assert d.loc["harm_per_1000", "diff_high"] < 0
