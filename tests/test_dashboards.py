"""Dashboards: controls from the declaration, callbacks as plain functions, exports."""

import re

import ipywidgets as W
import pytest
import yaml

import sim
from sim.app.dashboards import (
    ComparisonDashboard,
    FrontierDashboard,
    ParameterPanel,
    PolicyExplorer,
    Runner,
)
from sim.params import PARAMETERS


@pytest.fixture(scope="module")
def runner():
    r = Runner(workers=0)  # in this process: deterministic and quick to start
    yield r
    r.close()


def test_panel_has_a_control_for_every_lever_and_uncertainty():
    panel = ParameterPanel()
    want = {p.name for p in PARAMETERS.values() if p.kind in ("lever", "uncertainty")}
    assert set(panel.controls) == want
    # every control starts at a valid value and round-trips through validation
    s = sim.load_scenario(None).with_overrides(panel.values())
    assert s.params["audit_strength"] == PARAMETERS["audit_strength"].default


def test_controls_respect_declared_ranges():
    panel = ParameterPanel()
    slider = panel.controls["audit_strength"]
    assert isinstance(slider, W.FloatSlider) and (slider.min, slider.max) == (0.0, 1.0)
    assert slider.continuous_update is False  # a drag does not flood the kernel
    assert panel.controls["penalty_yuan"].max == PARAMETERS["penalty_yuan"].high
    options = panel.controls["consent_model"].options
    assert tuple(v for _, v in options) == tuple(PARAMETERS["consent_model"].allowed_choices())
    assert "per access, break glass" in [label for label, _ in options]
    fields = panel.controls["collection_fields"]
    assert fields.disabled  # only with collection_scope custom
    panel.controls["collection_scope"].value = "custom"
    assert not fields.disabled


def test_comparison_dashboard_verdict_exports_and_cache(runner):
    dash = ComparisonDashboard("status_quo", "national_plan_2025", runner=runner, reps=3,
                               worlds=0)
    dash.settings.residents.value = 1000
    dash.settings.days.value = 120
    dash.compare(block=True)
    assert "Compared with the baseline (status_quo), the reform (national_plan_2025)" in \
        dash.verdict.value
    assert "per 100,000" in dash.verdict.value and "[" in dash.verdict.value
    for fig in (dash.fig_tradeoff, dash.fig_groups, dash.fig_diff, dash.fig_time):
        assert fig.value[:4] == b"\x89PNG" and fig.layout.display is None
    assert dash.exports.value.count("download=") == 3
    assert "Key assumptions" in dash.brief_html and "<img" in dash.brief_html
    assert "<img" in dash.report_html and "the reform" in dash.report_html
    groups = dash.group_table(dash.result)
    assert set(groups["dimension"]) == {"attitude", "age_band", "region", "settlement",
                                        "smartphone", "care_location"}
    # (a word match: Hunan, Henan, Hainan and Yunnan contain "nan")
    assert "Guangdong" in dash.groups_table.value
    assert not re.search(r"\bnan\b", dash.groups_table.value)
    # the exported reform extends the bundled baseline by name and sets what differs
    body = yaml.safe_load(dash.reform_yaml)
    assert body["extends"] == "status_quo"
    assert body["architecture"] == "national" and "audit_strength" not in body
    assert body["n_residents"] == 1000 and body["n_days"] == 120  # the run size too
    # same inputs again: from the cache
    first = dash.result
    dash.compare(block=True)
    assert dash.result.a is first.a and dash.timing["runs_s"] < 0.5


def test_lever_change_marks_results_stale_and_changes_the_reform(runner):
    dash = ComparisonDashboard("national_plan_2025", "national_plan_2025", runner=runner,
                               reps=2)
    dash.settings.residents.value = 1000
    dash.settings.days.value = 60
    dash.compare(block=True)
    dash.levers.controls["consent_model"].value = "opt_in"
    assert "Out of date" in dash.stale.value and "Press Compare" in dash.stale.value
    a, b = dash.scenarios()
    assert b.name.endswith("(edited)") and b.params["consent_model"] == "opt_in"
    assert a.params["consent_model"] == "implied"


def test_assumptions_apply_to_both_arms(runner):
    dash = ComparisonDashboard("status_quo", "national_plan_2025", runner=runner, worlds=0)
    dash.assumptions.controls["attacker_skill"].value = 0.8
    a, b = dash.scenarios()
    assert a.params["attacker_skill"] == b.params["attacker_skill"] == 0.8


def test_policy_explorer_runs_and_draws_the_network(runner):
    ex = PolicyExplorer("national_plan_2025", runner=runner, reps=2)
    ex.settings.residents.value = 1000
    ex.settings.days.value = 60
    ex.run(block=True)
    assert "Residents exposed" in ex.table.value and "95% interval" in ex.table.value
    assert ex.fig_net.value[:4] == b"\x89PNG" and ex.fig_time.value[:4] == b"\x89PNG"


def test_the_explorer_redraws_its_result_in_another_language(runner, monkeypatch):
    """The language switch redraws the table and both charts, never reruns the model."""
    from sim.app.dashboards import explorer

    ex = PolicyExplorer("national_plan_2025", runner=runner, reps=2)
    ex.settings.residents.value = 1000
    ex.settings.days.value = 30
    ex.panel.controls["audit_strength"].value = 0.9  # an edited scenario
    ex.run(block=True)
    english, result = ex.table.value, ex.result
    assert "done (2 replications)" in ex.work.status.value

    def no_rerun(*_a, **_kw):
        raise AssertionError("the language switch reran the model")

    monkeypatch.setattr(explorer, "HealthDataModel", no_rerun)
    monkeypatch.setattr(runner, "run_many", no_rerun)
    drawn, real = [], explorer.plot_network  # the kept model of replication 0, redrawn
    monkeypatch.setattr(explorer, "plot_network", lambda *a, **kw: drawn.append(kw) or real(
        *a, **kw))
    ex.set_language("zh")
    assert ex.result is result and ex.stale.value == ""
    assert "信息暴露的居民" in ex.table.value and "隐私风险" in ex.table.value
    assert ex.button.description == "运行" and ex.work.status.value == "完成（2次重复运行）"
    assert drawn[-1]["lang"] == "zh" and "随机种子0" in drawn[-1]["run"]
    ex.set_language("en")
    assert ex.table.value == english and ex.work.status.value == "done (2 replications)"


def test_errors_are_shown_not_swallowed(runner):
    dash = ComparisonDashboard(runner=runner, worlds=0)

    def boom():
        raise ValueError("bad input X")

    dash.work.start(boom, block=True)
    assert "bad input X" in dash.work.status.value
    assert not dash.button.disabled  # usable again


def test_frontier_dashboard_loads_a_sweep(tmp_path):
    from sim.experiments.sweep import load_sweep, run_sweep

    spec = load_sweep({"name": "t", "scenarios": ["national_plan_2025"], "reps": 2,
                       "overrides": {"n_residents": 800, "n_days": 40},
                       "design": {"type": "policies", "policies": [
                           {"name": "plan"}, {"name": "silos", "architecture": "silos"}]}})
    run_sweep(spec, tmp_path / "r", engine="serial", progress=False)
    fd = FrontierDashboard(tmp_path / "r")
    assert fd.fig.value[:4] == b"\x89PNG"
    assert "plan" in fd.table.value and "silos" in fd.table.value
    fd.policy.value = "silos"
    assert "architecture" in fd.detail.value
    assert "sensitivity sweep" in fd.sens_table.value  # not a sobol/morris sweep
    fd.load_folder(tmp_path / "nowhere")
    assert "no finished runs" in fd.work.status.value


def test_provisional_comparisons_arrive_before_the_final_one():
    runner = Runner(workers=0)
    a = sim.load_scenario("status_quo", {"n_residents": 800, "n_days": 40})
    b = sim.load_scenario("national_plan_2025", {"n_residents": 800, "n_days": 40})
    seen = []
    final = runner.compare(a, b, seed=5, reps=4, partial=lambda c: seen.append(len(c.a.runs)))
    assert seen == [2, 3] and len(final.a.runs) == 4
    # the provisional numbers are the final ones restricted to the first replications
    assert set(final.a.runs["seed"]) >= set(final.b.runs["seed"])


def test_failed_replications_are_shown_as_failures_not_as_no_change(runner, monkeypatch):
    """Issue 9 (4): every reform run failing must not read "no clear change: +nan"."""
    import sim.experiments.experiment as ex

    dash = ComparisonDashboard(runner=runner, reps=2, residents=1000, worlds=0)
    dash.settings.days.value = 30
    real = ex.run_one

    def boom(model):
        raise MemoryError("Unable to allocate 158 GiB")

    def failing(scenario, seed, *, rep=0, model_hook=None, residents=False):
        reform = scenario.name.startswith("national_plan_2025")  # every reform run fails
        return real(scenario, seed, rep=rep, model_hook=boom if reform else model_hook,
                    residents=residents)

    monkeypatch.setattr(ex, "run_one", failing)
    dash.compare(block=True)
    assert "replications failed" in dash.verdict.value
    assert "MemoryError" in dash.verdict.value
    assert "no clear change" not in dash.verdict.value
    assert dash.exports.value == ""  # nothing to download from a failed comparison

def refuse_many_concerned(monkeypatch):
    """A consistency rule the sliders cannot prevent (the declared ranges now keep the
    real attitude-share rule from ever failing at the controls)."""
    import sim.scenario as scenario

    real = scenario._cross_check

    def check(params, set_values, where):
        if params["share_concerned"] > 0.4:
            raise scenario.ScenarioError(
                f"{where}: share_concerned: invalid value {params['share_concerned']}; "
                "allowed: at most 0.4 (test rule)")
        real(params, set_values, where)

    monkeypatch.setattr(scenario, "_cross_check", check)


def test_a_result_for_other_inputs_is_marked_and_invalid_inputs_refused(runner, monkeypatch):
    dash = ComparisonDashboard(runner=runner, reps=2, residents=1000, worlds=0)
    dash.settings.days.value = 30
    dash.compare(block=True)
    assert dash.stale.value == ""
    dash.settings.seed.value = 3  # any input, settings included
    assert "Out of date" in dash.stale.value
    dash.settings.seed.value = 0
    assert dash.stale.value == ""
    refuse_many_concerned(monkeypatch)
    dash.assumptions.controls["share_concerned"].value = 0.5
    assert "share_concerned: invalid value 0.5" in dash.invalid.value
    assert dash.button.disabled
    dash.compare(block=True)  # refused, not raised
    assert "not run" in dash.work.status.value


def test_reform_from_a_scenario_keeps_its_own_assumptions(runner):
    dash = ComparisonDashboard(baseline="status_quo", reform="breach_shock", runner=runner)
    base, reform = dash.scenarios()
    assert base.params["shock_day"] == -1 and reform.params["shock_day"] == 90
    dash.assumptions.controls["attacker_skill"].value = 0.5  # edited: applies to both
    base, reform = dash.scenarios()
    assert base.params["attacker_skill"] == reform.params["attacker_skill"] == 0.5


def test_debate_tab_computes_a_claims_verdict(runner):
    from sim.analysis.claims import CLAIMS
    from sim.app.dashboards.debate import DebateDashboard

    dash = DebateDashboard(runner=runner, reps=3, worlds=8)
    dash.settings.residents.value = 1000
    dash.settings.days.value = 60
    assert set(k for _, k in dash.pick.options) == set(CLAIMS)
    dash.pick.value = "enforcement"
    assert "strong_enforcement" in dash.about.value
    dash.test(block=True)
    # the verdict is computed: one of the words, with the count of the claim's 5 predictions,
    # and one line per prediction saying whether it was borne out
    head = re.search(r'Verdict on &quot;.*&quot;: (supported|partly supported[^(]*|'
                     r'not shown either way|contradicted) \((\d) of 5 predictions borne out',
                     dash.verdict.value)
    assert head, dash.verdict.value[:300]
    lines = re.findall(r"<li>predicted (lower|higher|unchanged), ([^:]+):", dash.verdict.value)
    assert len(lines) == 5
    assert int(head.group(2)) == sum(s == "as predicted" for _, s in lines)
    assert "Insider incidents" in dash.verdict.value
    # then across the plausible worlds: every prediction, in how many worlds it holds
    text = dash.across.value
    assert "Across 8 plausible worlds" in text and "every prediction holds in" in text
    assert text.count("holds in") == 1 + len(CLAIMS["enforcement"].expect)


def test_every_claim_names_outcomes_and_scenarios_that_exist():
    from sim.analysis.claims import CLAIMS

    for c in CLAIMS.values():
        a, b = c.scenarios({"n_residents": 500, "n_days": 10})
        assert a.name != b.name and set(c.expect) <= set(sim.OUTCOMES.names())
        assert set(c.expect.values()) <= {"lower", "higher", "unchanged"}


def test_language_switch_relabels_and_rewrites_the_verdict(runner):
    from sim.app.dashboards.app import WorkbenchApp

    app = WorkbenchApp(runner=runner)
    dash = app.compare
    dash.settings.residents.value = 1000
    dash.settings.days.value = 30
    dash.settings.reps.value = 2
    dash.compare(block=True)
    english = dash.verdict.value
    app.language.value = "zh"
    assert app.tabs.titles[0] == "比较" and dash.button.description == "比较"
    assert "与基线" in dash.verdict.value and dash.verdict.value != english
    assert dash.stale.value == ""  # the same inputs: the result is still current
    consent = dash.levers.controls["consent_model"]
    assert ("默示同意", "implied") in consent.options
    app.language.value = "en"
    assert dash.verdict.value == english


def test_a_new_baseline_or_reform_file_marks_the_result(runner):
    dash = ComparisonDashboard("status_quo", "national_plan_2025", runner=runner, reps=2,
                               worlds=0)
    dash.settings.residents.value = 1000
    dash.settings.days.value = 30
    dash.compare(block=True)
    assert dash.stale.value == ""
    dash.reform.value = "breach_shock"  # same levers as the plan, plus a shock
    assert "Out of date" in dash.stale.value
    assert "Shock day: -1 → 90" in dash.changes.value


def test_the_language_switch_keeps_every_value(runner):
    from sim.app.dashboards.app import WorkbenchApp

    app = WorkbenchApp(runner=runner)
    dash = app.compare
    dash.settings.residents.value = 1000
    dash.settings.days.value = 30
    dash.settings.reps.value = 2
    dash.levers.controls["collection_scope"].value = "custom"
    dash.levers.controls["collection_fields"].value = ("id_number", "allergies")
    dash.compare(block=True)
    before = dash.levers.values()
    app.language.value = "zh"
    assert dash.levers.values() == before and dash.stale.value == ""
    assert dash.levers.controls["architecture"].options[2] == ("全国集中存储", "national")


def test_the_button_stays_off_when_a_run_ends_on_invalid_inputs(runner, monkeypatch):
    dash = ComparisonDashboard(runner=runner, reps=2, residents=1000, worlds=0)
    dash.settings.days.value = 30
    real = runner.compare

    def meanwhile(*args, **kw):  # the planner breaks the inputs while the run goes on
        refuse_many_concerned(monkeypatch)
        dash.assumptions.controls["share_concerned"].value = 0.5
        return real(*args, **kw)

    monkeypatch.setattr(runner, "compare", meanwhile)
    dash.compare(block=True)
    assert dash.button.disabled and "Out of date" in dash.stale.value


def test_the_debate_never_shows_a_verdict_for_another_claim(runner, monkeypatch):
    from sim.app.dashboards.debate import DebateDashboard

    dash = DebateDashboard(runner=runner, reps=2, worlds=0)
    dash.settings.residents.value = 1000
    dash.settings.days.value = 30
    dash.pick.value = "on_device"
    real = runner.compare

    def meanwhile(*args, **kw):
        dash.pick.value = "enforcement"
        return real(*args, **kw)

    monkeypatch.setattr(runner, "compare", meanwhile)
    dash.test(block=True)
    assert "Verdict on" not in dash.verdict.value and "changed" in dash.verdict.value


def test_the_debate_redraws_its_verdict_in_another_language_without_running(runner,
                                                                             monkeypatch):
    from sim.app.dashboards.debate import DebateDashboard

    dash = DebateDashboard(runner=runner, reps=2, worlds=8)
    dash.settings.residents.value = 1000
    dash.settings.days.value = 30
    dash.pick.value = "value"
    dash.test(block=True)
    english = (dash.about.value, dash.verdict.value, dash.across.value,
               dash.work.status.value)
    assert "Verdict on" in english[1] and "Across 8 plausible worlds" in english[2]

    def no_run(*args, **kw):
        raise AssertionError("the language switch ran the model")

    monkeypatch.setattr(runner, "compare", no_run)
    monkeypatch.setattr(runner, "run_many", no_run)
    dash.set_language("zh")
    assert dash.pick.value == "value" and dash.worlds.value == 8
    assert "对“数据的转卖价值降到十分之一" in dash.verdict.value
    assert "在8个可能世界中检验" in dash.across.value and "拉丁超立方抽样" in dash.across.value
    assert "Verdict on" not in dash.verdict.value and "实验：" in dash.about.value
    assert dash.work.status.value.startswith("完成")
    dash.set_language("en")
    assert (dash.about.value, dash.verdict.value, dash.across.value,
            dash.work.status.value) == english


def test_policy_explorer_refuses_inputs_the_model_refuses(runner, monkeypatch):
    ex = PolicyExplorer("national_plan_2025", runner=runner, reps=2)
    refuse_many_concerned(monkeypatch)
    ex.panel.controls["share_concerned"].value = 0.5
    assert ex.invalid.value.startswith("<div style='color:#c62828'>Cannot run these inputs: ")
    assert "share_concerned: invalid value 0.5" in ex.invalid.value and ex.button.disabled
    ex.panel.controls["share_concerned"].value = 0.2
    assert ex.invalid.value == "" and not ex.button.disabled


def test_the_comparison_is_tested_across_plausible_worlds_after_its_verdict(runner):
    dash = ComparisonDashboard("national_plan_2025", "minimal_collection", runner=runner,
                               reps=2, residents=1000, worlds=8)
    dash.settings.days.value = 60
    dash.compare(block=True)
    rob = dash.result.robustness
    assert rob is not None and rob.settings["worlds"] == 8
    assert rob.settings["n_residents"] == 1000 and rob.settings["n_days"] == 60
    assert "How sure, across 8 plausible worlds" in dash.verdict.value
    assert "table class='robustness'" in dash.robust.value
    assert dash.fig_worlds.value and dash.fig_worlds.layout.display is None
    assert "How sure: across the plausible worlds" in dash.brief_html
    assert "How sure: across the plausible worlds" in dash.report_html
    assert "did not run" not in dash.brief_html
    # the brief's key assumptions are the ones that decided this comparison
    from sim.app.dashboards.report import key_assumptions

    deciders = [p for n in ("residents_exposed_rate", "utility_rate") for p in
                rob.table.loc[n, "decided_by"]]
    assert set(deciders) <= set(key_assumptions(dash.result)) | set(deciders[6:])
    assert "plausible worlds" in dash.work.status.value


def test_a_failed_robustness_stage_keeps_the_replication_verdict(runner, monkeypatch):
    import sim.experiments.robustness

    dash = ComparisonDashboard("national_plan_2025", "minimal_collection", runner=runner,
                               reps=2, residents=1000, worlds=8)
    dash.settings.days.value = 30

    def broken(*a, **kw):
        raise ValueError("share_concerned: invalid value 0.6; allowed: at most 0.5")

    monkeypatch.setattr(sim.experiments.robustness, "plan_worlds", broken)
    dash.compare(block=True)
    assert "the reform" in dash.verdict.value and "How sure" not in dash.verdict.value
    assert "robustness stage failed" in dash.robust.value
    assert "share_concerned" in dash.robust.value
    assert dash.result is not None and dash.result.robustness is None
    assert "did not run" in dash.brief_html


def test_without_worlds_the_brief_says_the_robustness_stage_did_not_run(runner):
    dash = ComparisonDashboard("status_quo", "national_plan_2025", runner=runner, reps=2,
                               residents=1000, worlds=0)
    dash.settings.days.value = 30
    dash.compare(block=True)
    assert "The robustness stage did not run" in dash.brief_html
    assert dash.robust.value == "" and not dash.fig_worlds.value


def test_a_long_comparison_says_what_it_will_cost_and_waits_for_a_second_click():
    """Issue 18, item 4: 50 replications of 50,000 residents for 1,095 days is not started
    by one click; the status gives the time and memory, the same inputs start on the second
    click, and other inputs ask again."""
    calls = []

    class Pool:  # a stand-in worker pool: records what was asked, runs nothing
        workers = 2

        def compare(self, *args, **kwargs):
            calls.append(args)
            raise RuntimeError("not run in this test")

    dash = ComparisonDashboard(runner=Pool(), reps=50, residents=50000, worlds=0)
    dash.settings.days.value = 1095
    dash.compare(block=True)
    assert calls == []
    status = dash.work.status.value
    assert "confirm-needed" in status and "Press Compare again" in status
    seconds, _need = dash.estimate(*dash.scenarios(), 50, 0)
    assert seconds > ComparisonDashboard.CONFIRM_SECONDS
    assert re.search(r"about \d+ (s|minutes)", status) and "GB" in status
    assert "100 runs of 50,000 residents for 1,095 days" in status
    dash.compare(block=True)  # the same inputs: it starts
    assert len(calls) == 1
    dash.settings.seed.value = 3  # other inputs: the cost is shown again first
    dash.compare(block=True)
    assert len(calls) == 1 and "Press Compare again" in dash.work.status.value
    quick = ComparisonDashboard(runner=Pool(), reps=2, residents=1000, worlds=0)
    quick.compare(block=True)  # a small comparison starts at once
    assert len(calls) == 2


def test_a_reform_file_is_opened_with_its_levers_and_run_size_or_refused_in_one_line():
    """Issue 18, item 3: the app's own export (or any scenario file) opens as the reform;
    a file the input gate refuses changes nothing and says why in one line."""
    from sim.scenario import export_reform_yaml, load_scenario

    dash = ComparisonDashboard(runner=Runner(workers=0), reps=2, residents=1000, worlds=0)
    base = load_scenario("status_quo")
    reform = load_scenario("national_plan_2025").with_overrides(
        {"collection_scope": "maximal", "n_residents": 2000, "n_days": 180},
        name="maximal plan")
    text = export_reform_yaml(base, reform, "status_quo")
    assert dash.open_reform("maximal_plan.yaml", text.encode())
    assert dash.reform.label == "maximal plan (uploaded)"
    assert dash.levers.values()["collection_scope"] == "maximal"
    assert dash.settings.residents.value == 2000 and dash.settings.days.value == 180
    _a, b = dash.scenarios()
    assert b.params["collection_scope"] == "maximal" and b.params["n_residents"] == 2000
    assert "upload-opened" in dash.work.status.value
    before = (dash.reform.value, tuple(dash.reform.options))
    bad = "name: x\nextends: national_plan_2025\ncollection_scope: everything\n"
    assert not dash.open_reform("bad.yaml", bad.encode())
    status = dash.work.status.value
    assert "upload-refused" in status and "collection_scope" in status and "\n" not in status
    assert (dash.reform.value, tuple(dash.reform.options)) == before
    assert not dash.open_reform("binary.yaml", b"\xff\xfe\x00")
    assert "not a UTF-8 text file" in dash.work.status.value


def test_a_link_carries_the_inputs_and_a_bad_link_changes_nothing():
    """Issue 18, item 3: the inputs on screen as a URL query; opening it in a fresh app
    gives the same inputs (the same comparison key); a link with a value the model refuses,
    an unknown input or an unoffered size is refused in one line and moves nothing."""
    from sim.app.dashboards.app import WorkbenchApp

    runner = Runner(workers=0)
    dash = ComparisonDashboard("status_quo", "national_plan_2025", runner=runner, worlds=0)
    dash.levers.controls["collection_scope"].value = "maximal"
    dash.assumptions.controls["attacker_skill"].value = 0.8
    dash.settings.seed.value = 7
    dash.settings.residents.value = 1000
    query = dash.link_query()
    assert "lever.collection_scope=%22maximal%22" in query and "seed=7" in query
    assert "Link to these inputs" in dash.share.value and query.split("&")[0] in \
        dash.share.value
    app = WorkbenchApp(runner=runner, query=query)  # a fresh page opened with the link
    assert app.compare.inputs_key() == dash.inputs_key()
    fresh = ComparisonDashboard(runner=runner, worlds=0)
    before = fresh.inputs_key()
    for bad, field in ((query.replace("%22maximal%22", "%22everything%22"), "collection_scope"),
                       (query + "&lever.nonsense=1", "lever.nonsense"),
                       (query.replace("residents=1000", "residents=1234"), "residents"),
                       (query.replace("baseline=status_quo", "baseline=..%2Fetc"), "baseline")):
        assert not fresh.open_link(bad)
        status = fresh.work.status.value
        assert "link-refused" in status and field in status and "\n" not in status, status
        assert fresh.inputs_key() == before
