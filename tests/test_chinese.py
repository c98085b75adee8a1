"""Issue 18, item 6: in 简体中文 mode no English is left, on any tab, chart or report.

One app is driven through every tab in Chinese with small runs (2 replications, 1,000
residents, 30 days): the Compare tab before and after a result (with the plausible worlds),
Explore after a run, the Frontier with a sweep loaded and tested across worlds, the debate
with a claim's verdict and its worlds. Every string the widgets show, every text drawn in
the charts they made, and the brief and report the Compare tab offers are searched for
English words (:func:`chinese_check.english_words`; scenario identifiers, the language
button and a few abbreviations are not English words). The browser test in
``test_voila_e2e.py`` counts the same in Chromium.
"""

from __future__ import annotations

import pytest
from chinese_check import english_words, figure_texts, html_text, widget_texts
from conftest import make_tiny_sweep

from sim.app.dashboards import comparison, explorer, frontier, plots
from sim.app.dashboards.app import WorkbenchApp
from sim.app.dashboards.runner import Runner

#: the tiny sweep's own names and its policies' (chosen by the test, as a planner names them)
SWEEP_NAMES = ("plan", "silos", "tiny")


@pytest.fixture(scope="module")
def drawn():
    """Figures' texts by dashboard module, recorded as the dashboards draw them."""
    texts: dict[str, list[str]] = {}
    real = plots.png

    def recording(module):
        def png(fig, *a, **kw):
            texts.setdefault(module, []).extend(figure_texts(fig))
            return real(fig, *a, **kw)
        return png

    with pytest.MonkeyPatch.context() as mp:
        for mod in (comparison, explorer, frontier):
            mp.setattr(mod, "png", recording(mod.__name__.rsplit(".", 1)[-1]))
        yield texts


@pytest.fixture(scope="module")
def app(drawn, tmp_path_factory):
    """The app in Chinese with a result on every tab."""
    runner = Runner(workers=0)
    app = WorkbenchApp(runner=runner, query="")
    app.language.value = "zh"
    yield app
    runner.close()


def small(settings) -> None:
    settings.reps.value = 2
    settings.residents.value = 1000
    settings.days.value = 30


def left(texts, allowed=()) -> list[str]:
    """English words in ``texts``, each with the string it came from (for the message)."""
    return sorted({f"{w!r} in {t[:80]!r}" for t in texts for w in english_words(t, allowed)})


def panels(app) -> tuple:
    """The parameter panels (checked on their own, not in every tab's test)."""
    return app.compare.levers, app.compare.assumptions, app.explore.panel


def test_the_parameter_panels_are_chinese(app):
    """Lever groups, every lever's and assumption's label, choices, help and unit."""
    for panel in panels(app):
        assert left(widget_texts(panel)) == []


def test_compare_idle_is_chinese():
    runner = Runner(workers=0)
    try:
        fresh = WorkbenchApp(runner=runner, query="")
        fresh.language.value = "zh"
        assert left(widget_texts(fresh.compare, panels(fresh))) == []
        assert left(widget_texts(fresh.intro)) == []
        assert left(fresh.tabs.titles) == []
    finally:
        runner.close()


def test_compare_with_a_result_is_chinese(app, drawn):
    dash = app.compare
    small(dash.settings)
    dash.worlds.value = 8
    dash.compare(block=True)
    assert dash.result is not None and dash.result.robustness is not None
    assert left(widget_texts(dash, panels(app))) == []
    assert left(drawn.get("comparison", [])) == []


def test_the_brief_and_the_report_are_chinese(app):
    dash = app.compare
    if dash.result is None:
        pytest.skip("needs the comparison above")
    assert left([html_text(dash.brief_html)]) == []
    assert left([html_text(dash.report_html)]) == []


def test_explore_is_chinese(app, drawn):
    dash = app.explore
    small(dash.settings)
    dash.run(block=True)
    assert dash.result is not None
    assert left(widget_texts(dash, panels(app))) == []
    assert left(drawn.get("explorer", [])) == []


def test_frontier_is_chinese(app, drawn, tmp_path_factory):
    dash = app.frontier
    sweep = make_tiny_sweep(tmp_path_factory.mktemp("sweeps") / "tiny")
    assert dash.load_folder(sweep)
    dash.worlds.value = 8
    dash.test_worlds(block=True)
    assert dash.survival is not None
    assert left(widget_texts(dash), SWEEP_NAMES) == []
    assert left(drawn.get("frontier", []), SWEEP_NAMES) == []


def test_the_debate_is_chinese(app):
    dash = app.debate
    small(dash.settings)
    dash.worlds.value = 8
    for claim in dash.pick.options:  # every claim's description
        dash.pick.value = claim[1]
        assert left(widget_texts(dash)) == [], claim[1]
    dash.test(block=True)
    assert "claim-verdict" in dash.verdict._dom_classes
    assert left(widget_texts(dash)) == []


def test_a_switch_during_the_worlds_stage_leaves_nothing_in_english():
    """The language is switched while the plausible worlds run (a switch does not redraw
    under a running job): when the stage ends the charts, notes and downloads are drawn
    again in Chinese, and the brief embeds the Chinese charts."""
    runner = Runner(workers=0)
    try:
        app = WorkbenchApp(runner=runner, query="")
        dash = app.compare
        small(dash.settings)
        dash.worlds.value = 8
        real, calls = runner.run_many, []

        def switching(*args, **kw):
            calls.append(1)
            if len(calls) == 2:  # the worlds stage's first request, the verdict on screen
                assert dash.work.busy
                app.language.value = "zh"
            return real(*args, **kw)

        runner.run_many = switching
        dash.compare()
        dash.work.thread.join(600)
        assert dash.result is not None and dash.result.robustness is not None
        assert len(calls) >= 2
        assert left(widget_texts(dash, panels(app))) == []
        assert left([html_text(dash.brief_html)]) == []
        assert left([html_text(dash.report_html)]) == []
    finally:
        runner.close()
