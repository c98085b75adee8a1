"""The global sensitivity report: the Morris design, the effects table, the document, the CLI."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import sim.analysis.uncertainty_report as ur
from sim.app.cli import main
from sim.params import PARAMETERS
from sim.plausible import NOT_SAMPLED, PLAUSIBLE
from sim.scenario import load_scenario

TINY = {"n_residents": 300, "n_days": 60}
#: one that matters for care (lifestyle fields' clinical value), one nearly inert for it,
#: one that drives breaches, and one the reform below sets itself (must be held)
NAMES = ["lifestyle_clinical_value", "prevalence_genetic", "attack_surface_exponent",
         "resale_value_multiplier"]
MINIMAL = "minimal_collection − national_plan_2025"


@pytest.fixture(scope="module")
def effects():
    reform = load_scenario("minimal_collection").with_overrides(
        {"resale_value_multiplier": 2.0})
    return ur.uncertainty_effects(reforms=(reform, "strong_enforcement"), trajectories=2,
                                  size=TINY, names=NAMES, workers=2)


def test_morris_design_stays_in_the_plausible_ranges_and_rounds_integers():
    ints = [n for n in PLAUSIBLE if PARAMETERS[n].dtype is int][:1]
    logs = [n for n in PLAUSIBLE if PLAUSIBLE[n].scale == "log"][:1]
    assert ints and logs
    names = ["lifestyle_clinical_value", *ints, *logs]
    d = ur.morris_design(names, trajectories=5, levels=4, seed=3)
    assert d.values.shape == (5 * (len(names) + 1), len(names)) == d.unit.shape
    for n in names:
        r = PLAUSIBLE[n]
        col = d.values[n]
        assert (col >= r.low - 1e-9).all() and (col <= r.high + 1e-9).all(), n
    for n in ints:
        assert all(isinstance(p[n], int) for p in d.points())
        assert np.allclose(d.values[n], np.round(d.values[n]))
    # a Morris trajectory moves one uncertainty per step
    u = d.unit.reshape(5, len(names) + 1, len(names))
    steps = (np.abs(np.diff(u, axis=1)) > 1e-12).sum(axis=2)
    assert (steps == 1).all()
    assert ur.morris_design(names, 5, seed=3).values.equals(d.values)  # reproducible


@pytest.mark.parametrize("kw,needle", [({"names": ["no_such"]}, "no plausible range"),
                                       ({"trajectories": 1}, "trajectories"),
                                       ({"levels": 3}, "levels")])
def test_morris_design_rejects_bad_arguments(kw, needle):
    args = {"names": ["lifestyle_clinical_value"], "trajectories": 2, **kw}
    with pytest.raises(ValueError, match=needle):
        ur.morris_design(**args)


def test_effects_table_shape_columns_and_held_uncertainties(effects):
    s = effects.attrs["settings"]
    assert s["held"].keys() == {"resale_value_multiplier"}
    assert s["varied"] == NAMES[:3] and s["dropped"] == 0
    assert s["runs"] == 2 * 4 * 3  # trajectories × points × arms
    assert list(effects.columns[:8]) == ["target", "outcome", "parameter", "mu_star",
                                         "mu_star_conf", "sigma", "mu_star_normalised", "rank"]
    assert set(effects["target"]) == {"national_plan_2025", MINIMAL,
                                      "strong_enforcement − national_plan_2025"}
    assert len(effects) == 3 * len(ur.HEADLINE) * 3
    for _, g in effects.groupby(["target", "outcome"]):
        assert sorted(g["rank"]) == [1, 2, 3]
        top = g.loc[g["rank"] == 1, "mu_star_normalised"].iloc[0]
        assert top == 1.0 or (math.isnan(top) and (g["mu_star"] == 0).all())


def test_a_known_influential_uncertainty_outranks_a_near_inert_one(effects):
    u = effects[(effects["target"] == MINIMAL) & (effects["outcome"] == "utility_rate")]
    by = u.set_index("parameter")
    assert by.loc["lifestyle_clinical_value", "rank"] == 1
    assert by.loc["lifestyle_clinical_value", "mu_star"] > 10 * by.loc["prevalence_genetic",
                                                                         "mu_star"]
    harm = effects[(effects["target"] == "national_plan_2025")
                   & (effects["outcome"] == "harm_per_1000")].set_index("parameter")
    assert harm.loc["attack_surface_exponent", "mu_star"] > harm.loc["prevalence_genetic",
                                                                      "mu_star"]


def test_markdown_lists_every_range_and_ranks_each_target(effects):
    text = ur.uncertainty_markdown(effects, command="python -m sim uncertainty-report --quick")
    for name in PLAUSIBLE:
        assert f"| `{name}` |" in text
    for name, why in NOT_SAMPLED.items():
        assert f"`{name}`: {why}" in text
    assert "`resale_value_multiplier`: set differently by minimal_collection" in text
    for section in ("## How it was made", "## The plausible ranges",
                    "## Which uncertainties matter for which outcome",
                    "## Uncertainties that matter for nothing", f"### `{MINIMAL}`"):
        assert section in text
    assert "`lifestyle_clinical_value` 1.00" in text


def test_a_trajectory_with_a_failed_run_is_dropped_not_counted(monkeypatch):
    real = ur.run_scenarios

    def failing(scens, *a, **kw):
        out = real(scens, *a, **{**kw, "engine": "serial"})
        for res in out:
            if res.scenario.name == "strong_enforcement [point 0]":  # trajectory 0
                res.runs.loc[:, "status"] = "error"
                res.runs.loc[:, "error"] = "RuntimeError: boom"
        return out

    monkeypatch.setattr(ur, "run_scenarios", failing)
    kw = {"reforms": ("strong_enforcement",), "size": TINY, "names": NAMES[:1]}
    e = ur.uncertainty_effects(trajectories=3, **kw)
    assert e.attrs["settings"]["dropped"] == 1 and (e["trajectories"] == 2).all()
    assert "boom" in ur.uncertainty_markdown(e)
    with pytest.raises(ur.UncertaintyRunError, match="1 of 2 trajectories"):
        ur.uncertainty_effects(trajectories=2, **kw)


def test_cli_quick_writes_the_document_and_the_figure(tmp_path, capsys):
    out = tmp_path / "docs" / "uncertainty.md"
    assert main(["uncertainty-report", "--quick", "--out", str(out), "--workers", "2"]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Which uncertainties matter") and "--quick" in text
    png = tmp_path / "docs" / "figures" / "uncertainty_morris.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "(figures/uncertainty_morris.png)" in text
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["docs", "figures", "uncertainty.md",
                                                            "uncertainty_morris.png"]
    assert "wrote" in capsys.readouterr().out


@pytest.mark.parametrize("args,option", [(["--trajectories", "0"], "--trajectories"),
                                         (["--residents", "0"], "--residents"),
                                         (["--workers", "0"], "--workers"),
                                         (["--seed", "-1"], "--seed")])
def test_cli_bad_input_exits_2_in_one_line_and_writes_nothing(tmp_path, capsys, args, option):
    out = tmp_path / "u.md"
    assert main(["uncertainty-report", "--quick", "--out", str(out), *args]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and option in err and "allowed" in err
    assert list(tmp_path.iterdir()) == []


def test_overall_matrix_and_inert_list_follow_the_table():
    rows = []
    for o in ("utility_rate", "breaches"):
        for p, v in (("a", 1.0), ("b", 0.5), ("c", 0.01)):
            rows.append({"target": "t", "outcome": o, "parameter": p, "mu_star": v,
                         "mu_star_conf": 0.0, "sigma": 0.0, "mu_star_normalised": v,
                         "rank": 1})
    e = pd.DataFrame(rows)
    assert ur.inert_uncertainties(e) == ["c"]
    assert ur._top(e, 2) == ["a", "b"]
