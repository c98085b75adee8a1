"""The EMA Workbench adapter (sim.analysis.ema): the model from the declaration, and PRIM."""

import math
import pickle
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import failing_box_runs

import sim.experiments.experiment
from sim.analysis import ema as sim_ema
from sim.params import PARAMETERS
from sim.world.outcomes import OUTCOMES


@pytest.fixture
def ew():
    return pytest.importorskip("ema_workbench")


# every declared uncertainty: their declared ranges always fit together
UNCERTAINTIES = [n for n, p in PARAMETERS.items() if p.kind == "uncertainty"]
TINY = {"n_residents": 300, "n_days": 20, "reps": 1}


def test_model_is_built_from_the_declaration(ew):
    m = sim_ema.model(uncertainties=UNCERTAINTIES, **TINY)
    unc = {p.name: p for p in m.uncertainties}
    lev = {p.name: p for p in m.levers}
    assert set(unc) == set(UNCERTAINTIES)
    assert set(lev) == {n for n, p in PARAMETERS.items() if p.kind == "lever"} - {
        "collection_fields"}
    assert "collection_fields" in sim_ema.SKIPPED
    for name, par in {**unc, **lev}.items():
        p = PARAMETERS[name]
        if p.dtype is bool:
            assert isinstance(par, ew.BooleanParameter)
        elif p.dtype is str:
            assert isinstance(par, ew.CategoricalParameter)
            assert [c.value for c in par.categories] == p.allowed_choices()
        else:
            assert isinstance(par, ew.IntegerParameter if p.dtype is int else ew.RealParameter)
            assert (par.lower_bound, par.upper_bound) == (p.low, p.high)
    kinds = {"min": ew.ScalarOutcome.MINIMIZE, "max": ew.ScalarOutcome.MAXIMIZE,
             "info": ew.ScalarOutcome.INFO}
    assert [o.name for o in m.outcomes] == list(OUTCOMES)
    for o in m.outcomes:
        assert o.kind == kinds[OUTCOMES[o.name].direction]
    assert m.function is sim_ema.run_experiment  # module level: picklable
    assert pickle.loads(pickle.dumps(m)).function is sim_ema.run_experiment


def test_model_refuses_what_it_cannot_sample(ew):
    with pytest.raises(ValueError, match="collection_fields: cannot be sampled"):
        sim_ema.model(levers=["collection_fields"], uncertainties=[])
    with pytest.raises(ValueError, match="unknown parameter"):
        sim_ema.model(uncertainties=["no_such_thing"])
    with pytest.raises(ValueError, match="declared as a lever"):
        sim_ema.model(uncertainties=["audit_strength"])
    with pytest.raises(ValueError, match="leaves the declared one"):
        sim_ema.model(uncertainties=[ew.RealParameter("attacker_skill", 0, 2)])
    with pytest.raises(ValueError, match="unknown outcome"):
        sim_ema.model(uncertainties=[], outcomes=["nope"])


def test_ranges_beyond_the_declaration_are_refused_and_declared_ones_always_fit(ew):
    # the declaration keeps every share in [0, 0.5], so any sampled pair sums to at most 1
    too_wide = [ew.RealParameter("share_concerned", 0, 0.9)]
    with pytest.raises(ValueError, match=r"uncertainties: share_concerned: range \[0, 0\.9\] "
                                         r"leaves the declared one; allowed: a number in "
                                         r"\[0, 0\.5\]"):
        sim_ema.model(uncertainties=too_wide)
    narrow = [ew.RealParameter("share_concerned", 0, 0.5),
              ew.RealParameter("share_unconcerned", 0, 0.5)]
    m = sim_ema.model(uncertainties=narrow, levers=[])
    assert [p.name for p in m.uncertainties] == ["share_concerned", "share_unconcerned"]
    every = sim_ema.model()  # every declared uncertainty and lever
    assert {"share_concerned", "share_unconcerned"} <= {p.name for p in every.uncertainties}


def overrides_seen(monkeypatch) -> list:
    """The overrides of every ``sim.experiments.experiment.run`` from now on (the runs still
    happen)."""
    seen = []
    real_run = sim.experiments.experiment.run

    def spy(*args, **kwargs):
        seen.append(kwargs["overrides"])
        return real_run(*args, **kwargs)

    monkeypatch.setattr(sim.experiments.experiment, "run", spy)
    return seen


def test_numpy_scalars_reach_the_model_as_python_values(monkeypatch):
    real_run = sim.experiments.experiment.run
    seen = overrides_seen(monkeypatch)
    out = sim_ema.run_experiment(base="national_plan_2025", reps=np.int64(2), seed=np.int64(3),
                                 spread=np.bool_(True), n_residents=np.int64(300),
                                 n_days=np.int64(20), n_external_groups=np.int64(5),
                                 encryption_at_rest=np.bool_(True),
                                 consent_model=np.str_("opt_in"),
                                 attacker_skill=np.float64(0.7))
    types = {k: type(v) for k, v in seen[0].items()}
    assert types == {"n_residents": int, "n_days": int, "n_external_groups": int,
                     "encryption_at_rest": bool, "consent_model": str, "attacker_skill": float}
    assert set(out) == set(OUTCOMES) | {f"{o}_sd" for o in OUTCOMES}
    # the mean over the two replications, as sim.run reports them
    runs = real_run("national_plan_2025", seed=3, reps=2, overrides=seen[0]).runs
    assert out["utility_rate"] == pytest.approx(runs["utility_rate"].mean())
    assert out["utility_rate_sd"] == pytest.approx(runs["utility_rate"].std(ddof=1))


def test_perform_experiments_runs_16_experiments(ew, monkeypatch):
    seen = overrides_seen(monkeypatch)
    m = sim_ema.model(uncertainties=UNCERTAINTIES, **TINY)
    np.random.seed(0)  # noqa: NPY002 - EMA 2.5 samples with the global NumPy state
    experiments, outcomes = ew.perform_experiments(
        m, scenarios=8, policies=2, evaluator=ew.SequentialEvaluator(m))
    assert len(experiments) == 16 and len(seen) == 16
    out = pd.DataFrame(outcomes)
    assert len(out) == 16 and list(out.columns) == list(OUTCOMES)
    for name in ("utility_rate", "participation_rate", "residents_exposed_rate",
                 "harm_per_1000", "mean_trust"):
        assert np.isfinite(out[name]).all(), name
    # undefined (NaN) only where the outcome needs an event or a design: a leak without
    # direct identifiers (re-identification risks; the plan's master index has none), a
    # detection, an emergency away from home
    may_be_nan = {"reidentification_risk", "marketer_risk", "journalist_records_at_risk",
                  "quasi_identifier_risk", "detected_share", "mean_days_to_detect",
                  "emergency_info_rate"}
    assert set(out.columns[out.isna().any()]) <= may_be_nan
    # every sampled lever and uncertainty reached the simulation, as a plain Python value
    for i, overrides in enumerate(seen):
        row = experiments.iloc[i]
        for par in [*m.uncertainties, *m.levers]:
            value = overrides[par.name]
            assert type(value) in (int, float, bool, str), (par.name, type(value))
            assert value == row[par.name]
        assert overrides["n_residents"] == 300 and overrides["n_days"] == 20
    # the two policies differ, and so do their outcomes on the same scenarios
    policies = experiments.groupby("policy", observed=True)
    assert policies.ngroups == 2
    a, b = (out.loc[idx.tolist()].reset_index(drop=True)
            for idx in policies.groups.values())
    cols = ["participation_rate", "utility_rate", "residents_exposed_rate", "mean_trust"]
    assert not np.allclose(a[cols].to_numpy(dtype=float), b[cols].to_numpy(dtype=float))
    # the results as our runs table, ready for PRIM
    runs = sim_ema.results_table(experiments, outcomes)
    assert len(runs) == 16 and (runs["status"] == "ok").all()
    assert runs["param.consent_model"].map(type).eq(str).all()
    median = float(runs["utility_rate"].median())
    assert isinstance(sim_ema.prim(runs, "utility_rate", median), pd.DataFrame)
    # every run failing leaves nothing to tell apart: no box (EMA's Prim would assert)
    assert sim_ema.prim(runs, "utility_rate", -1.0).empty


def test_prim_finds_the_failing_box(ew):
    runs = failing_box_runs()
    # the default threshold (0.8) keeps the widest box at least 80% failures: a > 0.49
    loose = sim_ema.prim(runs, "reidentification_risk", 0.09).set_index("parameter")
    assert loose.loc["a", "low"] < 0.6 and loose.loc["a", "density"] >= 0.8
    boxes = sim_ema.prim(runs, "reidentification_risk", 0.09, threshold=0.95)
    first = boxes[boxes["box"] == 1].set_index("parameter")
    assert set(first.index) == {"a", "b"}  # c is irrelevant
    assert first.loc["a", "low"] == pytest.approx(0.6, abs=0.03)
    assert first.loc["a", "high"] == pytest.approx(1.0, abs=0.01)
    assert first.loc["b", "values"] == "x" and math.isnan(first.loc["b", "low"])
    assert first["density"].iloc[0] > 0.95 and first["coverage"].iloc[0] > 0.95
    assert list(boxes.columns) == ["box", "parameter", "low", "high", "values", "qp",
                                   "coverage", "density", "mass", "runs"]
    # below: nothing fails -> no box
    assert sim_ema.prim(failing_box_runs(), "reidentification_risk", 0.0,
                        above=False).empty


def test_prim_without_ema_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "ema_workbench", None)
    monkeypatch.setitem(sys.modules, "ema_workbench.analysis", None)
    with pytest.raises(ImportError, match=r'pip install -e "\.\[ema\]"'):
        sim_ema.prim(failing_box_runs(), "reidentification_risk", 0.09)
    with pytest.raises(ImportError, match=r'pip install -e "\.\[ema\]"'):
        sim_ema.model()


@pytest.mark.parametrize("method", ["tree", "prim"])
def test_cli_discover_names_its_method(method, monkeypatch, capsys, tmp_path):
    import sim.app.cli

    if method == "prim":
        pytest.importorskip("ema_workbench")
    monkeypatch.setattr(sim.app.cli, "_load_runs", lambda path: failing_box_runs())
    code = sim.app.cli.main(["discover", str(tmp_path), "--limit", "0.09", "--method", method,
                         "--threshold", "0.95"])
    out = capsys.readouterr().out
    assert code == 0
    assert ("Decision tree (CART" if method == "tree" else "PRIM (EMA Workbench)") in out
    if method == "prim":
        assert "box 1: when a in [0.58" in out and "b in {x}" in out


def test_cli_discover_prim_without_ema_is_one_line(monkeypatch, capsys, tmp_path):
    import sim.app.cli

    monkeypatch.setitem(sys.modules, "ema_workbench", None)
    monkeypatch.setitem(sys.modules, "ema_workbench.analysis", None)
    monkeypatch.setattr(sim.app.cli, "_load_runs", lambda path: failing_box_runs())
    code = sim.app.cli.main(["discover", str(tmp_path), "--method", "prim"])
    err = capsys.readouterr().err
    assert code == 2 and 'pip install -e ".[ema]"' in err and "Traceback" not in err
