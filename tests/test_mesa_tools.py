"""Mesa's own tools take the model: batch_run, seeds, the signature, DataCollector, SolaraViz."""

import inspect
import math
from typing import ClassVar

import mesa
import numpy as np
import pandas as pd
import pytest

import sim
import sim.params
import sim.world.model
from sim.params import PARAMETERS
from sim.world.model import COLLECTED, DAILY_SERIES, HealthDataModel, Series
from sim.world.outcomes import OUTCOMES

SMALL = {"n_residents": 400, "n_days": 12}


def _batch(model=HealthDataModel, **kw):
    # Mesa >= 3.5 deprecates iterations= for rng=[None] * n (same meaning); both accepted
    if tuple(int(x) for x in mesa.__version__.split(".")[:2]) >= (3, 5):
        kw["rng"] = [None] * kw.pop("iterations")
    return pd.DataFrame(mesa.batch_run(model, number_processes=1, display_progress=False,
                                       **kw))


def test_batch_run_gives_distinct_iterations():
    df = _batch(parameters={"n_residents": 400, "n_days": 12,
                            "consent_model": ["opt_in", "opt_out"]},
                iterations=2, max_steps=30)
    assert len(df) == 4
    assert df["seed"].nunique() == 4  # each run records the seed it drew
    # outcomes are filled at the end of the run (n_days < max_steps); runs differ
    assert df["utility_rate"].notna().all()
    for _, runs in df.groupby("consent_model"):
        assert runs["utility_rate"].nunique() == 2 or runs["new_encounters"].nunique() == 2


def test_batch_run_every_day_and_seed_reproduces():
    df = _batch(parameters={**SMALL}, iterations=1, max_steps=30, data_collection_period=1)
    # a row per day (Step counts from 0 on Mesa 3.3, from 1 on Mesa >= 3.5)
    assert len(df) == SMALL["n_days"]
    assert df["utility_rate"].iloc[:-1].isna().all()
    seed = int(df["seed"].iloc[-1])
    again = HealthDataModel(None, seed=seed, **SMALL)
    assert again.run()["utility_rate"] == pytest.approx(df["utility_rate"].iloc[-1], abs=0)


def test_seed_none_is_fresh_recorded_and_reproducible():
    a = HealthDataModel("breach_shock", **SMALL)
    b = HealthDataModel("breach_shock", seed=None, **SMALL)
    assert isinstance(a.seed, int) and 0 <= a.seed < 2**63 and a.seed != b.seed
    assert a.seed_value == a.seed
    ra, rb = a.run(), b.run()
    assert a.daily()["encounters"].tolist() != b.daily()["encounters"].tolist() or ra != rb
    again = HealthDataModel("breach_shock", seed=a.seed, **SMALL)
    assert again.run() == pytest.approx(ra, nan_ok=True, abs=0)
    pd.testing.assert_frame_equal(again.daily(), a.daily())


def test_explicit_seed_gives_todays_numbers():
    # the model's numbers for this seed (China's world, issue 17; records exposed 15.0 ->
    # 12.5 with breach sizes refitted after the tier split of visits), pinned so that a
    # change to how seeds reach the streams or to the DataCollector shows here
    ours = HealthDataModel("status_quo", seed=7, **SMALL)
    assert ours.seed == 7
    summary = ours.run()
    assert summary["utility_rate"] == 0.6121263182359606
    assert summary["mean_trust"] == 0.6161913996453813
    assert summary["records_exposed"] == 12.5 and summary["breaches"] == 73.0
    assert ours.daily()["encounters"].tolist() == [5, 6, 13, 5, 9, 9, 7, 5, 7, 9, 12, 8]
    # the DataCollector reads the model's values: it changes no number
    dc = ours.datacollector.get_model_vars_dataframe()
    daily = ours.daily()
    assert len(dc) == SMALL["n_days"]  # a row at the end of each day
    np.testing.assert_array_equal(dc["new_encounters"], daily["encounters"])
    np.testing.assert_array_equal(dc["cum_breaches"], daily["breaches"].cumsum())
    np.testing.assert_array_equal(dc["day_mean_trust"], daily["mean_trust"])
    assert (dc["seed"] == 7).all()
    last = dc.iloc[-1]
    for name, value in summary.items():
        assert (math.isnan(value) and math.isnan(last[name])) or last[name] == value
    assert dc[list(OUTCOMES)].iloc[:-1].isna().all().all()  # outcomes only at the end


def test_rng_argument_like_mesa():
    by_int = HealthDataModel(None, rng=11, **SMALL)
    assert by_int.seed == 11
    gen_a = HealthDataModel(None, rng=np.random.default_rng(5), **SMALL)
    gen_b = HealthDataModel(None, rng=np.random.default_rng(5), **SMALL)
    assert gen_a.seed == gen_b.seed
    with pytest.raises(ValueError, match="not both"):
        HealthDataModel(None, seed=1, rng=1, **SMALL)
    for bad in (-1, 1.5, "3", True):
        with pytest.raises(ValueError, match="non-negative integer"):
            HealthDataModel(None, seed=bad, **SMALL)


def test_signature_lists_every_declared_parameter():
    sig = inspect.signature(HealthDataModel.__init__)
    params = sig.parameters
    assert not any(p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL) for p in params.values())
    assert list(params)[:5] == ["self", "scenario", "seed", "rng", "catalogue"]
    assert params["seed"].default is None and params["rng"].default is None
    for name, p in PARAMETERS.items():
        assert params[name].kind is inspect.Parameter.KEYWORD_ONLY
        assert params[name].default == p.default
    assert set(params) - {"self", "scenario", "seed", "rng", "catalogue"} == set(PARAMETERS)
    # the class's signature (what Mesa 3.5's SolaraViz reads via type(model).__init__)
    assert "n_residents" in inspect.signature(HealthDataModel).parameters
    # today's call forms still work, and a misspelt keyword is still refused
    assert HealthDataModel("status_quo", seed=1, **SMALL).p["n_days"] == SMALL["n_days"]
    with pytest.raises(sim.ScenarioError):
        HealthDataModel("status_quo", seed=1, n_resident=5)


class WithAudits(HealthDataModel):
    """A researcher's model: an extra phase and the daily series it keeps, each in one place."""

    PHASES = (*HealthDataModel.PHASES[:-1], "audit", HealthDataModel.PHASES[-1])
    SERIES: ClassVar = {**HealthDataModel.SERIES,
                        "audits": Series("audits", lambda m, day: m.audits_today, ("new", "cum"))}

    def phase_audit(self, day):
        self.audits_today = 1.0 + self.day % 2  # 1, 2, 1, 2, ...


def test_a_new_daily_series_is_one_entry_of_series():
    """Issue 20: a daily series is declared once (unit, reading, DataCollector columns) and
    reaches daily(), the DataCollector (new_/cum_) and batch_run; the built-in ones stay."""
    m = WithAudits(None, seed=3, **SMALL)
    m.run()
    want = [1.0 + d % 2 for d in range(SMALL["n_days"])]
    assert m.daily()["audits"].tolist() == want
    dc = m.datacollector.get_model_vars_dataframe()
    assert dc["new_audits"].tolist() == want
    assert dc["cum_audits"].tolist() == list(np.cumsum(want))
    plain = HealthDataModel(None, seed=3, **SMALL)
    plain.run()
    pd.testing.assert_frame_equal(m.daily().drop(columns="audits"), plain.daily())
    assert "audits" not in plain.daily() and "new_audits" not in COLLECTED
    df = _batch(WithAudits, parameters={**SMALL}, iterations=1, max_steps=30,
                data_collection_period=1)
    assert df["cum_audits"].tolist() == list(np.cumsum(want))


def test_collected_names_are_stocks_or_flows_and_never_outcomes():
    for name, (series, kind) in COLLECTED.items():
        assert series in DAILY_SERIES
        assert name.startswith(("new_", "cum_", "day_")) and kind in ("new", "cum", "day")
        assert name not in OUTCOMES
    assert set(DAILY_SERIES) <= {s for s, _ in COLLECTED.values()}
    assert HealthDataModel(None, seed=1, **SMALL).scenario is None  # ours is model.spec


def test_solara_page_renders_headless(monkeypatch):
    solara = pytest.importorskip("solara")
    pytest.importorskip("altair")  # mesa.visualization imports it
    from sim.app import solara_app
    params = solara_app.lever_controls("national_plan_2025")
    assert params["scenario"] == "national_plan_2025"
    plan = sim.load_scenario("national_plan_2025").params
    for p in sim.params.levers():
        if p.dtype is not list:
            assert params[p.name]["value"] == plan[p.name], p.name
    assert params["consent_model"]["type"] == "Select"
    assert params["audit_strength"]["type"] == "SliderFloat"
    assert params["retention_days"]["type"] == "SliderInt"
    assert params["encryption_at_rest"]["type"] == "Checkbox"
    page = solara_app.make_page("national_plan_2025", seed=2, n_residents=300, n_days=5)
    # the sidebar (controls, buttons) renders into the app layout
    _box, rc = solara.render(solara.AppLayout(children=[page]), handle_error=False)
    import ipyvuetify as v

    def button(label):
        return next(b for b in rc.find(v.Btn).widgets if label in str(b.children))

    # a slider per number lever and setting (+ Mesa's 2), a dropdown per choice lever
    numbers = [p for p in sim.params.levers() if p.dtype in (int, float)]
    choices = [p for p in sim.params.levers() if p.dtype is str]
    assert len(rc.find(v.Slider).widgets) == len(numbers) + len(solara_app.SETTINGS) + 2
    assert len(rc.find(v.Select).widgets) == len(choices)
    button("Step").click()  # one day in the page, plots redrawn
    button("Step").click()
    built = []
    real = sim.world.model.load_scenario
    monkeypatch.setattr(sim.world.model, "load_scenario",
                        lambda source, overrides: built.append((source, overrides))
                        or real(source, overrides))
    button("Reset").click()  # SolaraViz rebuilds the model from the controls
    assert len(built) == 1
    source, overrides = built[0]
    assert source == "national_plan_2025"  # Mesa 3.5 passes no Scenario of its own
    assert overrides["n_residents"] == 300 and overrides["consent_model"] == plan["consent_model"]
    button("Step").click()


def test_solara_page_gives_each_session_its_own_model_and_reset_keeps_the_values(monkeypatch):
    """Issue 20: every browser session shared one model (a fresh browser opened at "day
    9"), and Reset snapped 365 days to 361 and 10,000 residents to 10,080."""
    solara = pytest.importorskip("solara")
    pytest.importorskip("altair")
    import functools

    import ipyvuetify as v

    from sim.app import solara_app
    made = []
    init = sim.world.model.HealthDataModel.__init__

    @functools.wraps(init)
    def counted(self, *args, **kw):
        init(self, *args, **kw)
        made.append(self)

    monkeypatch.setattr(sim.world.model.HealthDataModel, "__init__", counted)
    monkeypatch.setenv("HEALTHCODE_SCENARIO", "status_quo")
    sessions = [solara.render(solara.AppLayout(children=[solara_app.Page()]),
                              handle_error=False)[1] for _ in range(2)]
    assert len(made) == 2 and made[0] is not made[1]

    def button(rc, label):
        return next(b for b in rc.find(v.Btn).widgets if label in str(b.children))

    button(sessions[0], "Step").click()
    assert (made[0].day, made[1].day) == (1, 0)  # the other session did not move
    built = []
    real = sim.world.model.load_scenario
    monkeypatch.setattr(sim.world.model, "load_scenario",
                        lambda source, overrides: built.append(overrides)
                        or real(source, overrides))
    button(sessions[1], "Reset").click()
    defaults = sim.load_scenario("status_quo").params
    assert built and built[-1]["n_days"] == defaults["n_days"] == 365
    assert built[-1]["n_residents"] == defaults["n_residents"]
    for name, value in built[-1].items():
        if name in sim.params.PARAMETERS and isinstance(value, int | float):
            assert value == pytest.approx(defaults[name], rel=1e-12), name


def test_the_solara_file_runs_as_a_script():
    """``solara run sim/app/solara_app.py`` loads the file outside the package: it failed with
    "attempted relative import with no known parent package"."""
    pytest.importorskip("solara")
    pytest.importorskip("altair")
    import importlib.util
    from pathlib import Path

    path = Path(sim.__file__).parent / "app" / "solara_app.py"
    spec = importlib.util.spec_from_file_location("solara_app_as_script", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert callable(module.Page)
