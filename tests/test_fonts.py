"""The charts can draw Chinese (issue 18, item 6): a CJK font is present and used.

``.ci/run`` installs Debian's fonts-wqy-microhei; on CI a missing font fails, elsewhere the
test is skipped with what to install.
"""

from __future__ import annotations

import os
import warnings

import pytest

from sim.app.dashboards.fonts import INSTALL_HINT, cjk_font


@pytest.fixture(scope="module")
def font():
    name = cjk_font()
    if name is None:
        if os.environ.get("CI"):
            pytest.fail(INSTALL_HINT)
        pytest.skip(INSTALL_HINT)
    return name


def test_chinese_chart_text_is_drawn_with_every_glyph(font):
    import matplotlib.pyplot as plt

    from sim.app.dashboards import plots  # noqa: F401  (sets the font fallback)

    fig, ax = plt.subplots(figsize=(4, 2))
    ax.set_title("谁承担风险，谁受益")
    ax.set_yticks([0, 1], ["不使用智能手机", "smartphone user"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
        fig.canvas.draw()
    plt.close(fig)


def test_latin_text_keeps_its_font(font):
    from matplotlib import font_manager, rcParams

    from sim.app.dashboards import plots  # noqa: F401

    assert font in rcParams["font.family"]
    assert rcParams["font.family"][0] != font
    used = font_manager.findfont(font_manager.FontProperties(family=rcParams["font.family"]))
    assert "DejaVu" in used or "Liberation" in used


def test_the_comparison_charts_switch_to_chinese_with_every_glyph(font):
    """The Compare tab's charts are drawn again in Chinese when the language switches
    (the verdict already was), and every character has a glyph."""
    from sim.app.dashboards import ComparisonDashboard, Runner
    from sim.app.dashboards.plots import (
        plot_differences,
        plot_group_changes,
        plot_timeseries,
        plot_tradeoff,
        plot_winners,
        png,
    )

    dash = ComparisonDashboard(baseline="national_plan_2025", reform="on_device_consent",
                               runner=Runner(workers=0), worlds=0)
    dash.settings.residents.value = 1000
    dash.settings.reps.value = 2
    dash.compare(block=True)
    english = {f: getattr(dash, f).value for f in ("fig_tradeoff", "fig_groups", "fig_diff",
                                                    "fig_winners", "fig_time")}
    dash.set_language("zh")
    for f, before in english.items():
        assert getattr(dash, f).value != before, f"{f} was not drawn again in Chinese"
    cmp = dash.result
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for fig in (plot_tradeoff(cmp, lang="zh"), plot_group_changes(cmp, "zh"),
                    plot_differences(cmp.differences, lang="zh"),
                    plot_winners(cmp.winners(), "zh"),
                    plot_timeseries({"a": cmp.a.daily, "b": cmp.b.daily}, lang="zh")):
            png(fig)


def test_the_worlds_chart_in_chinese(font):
    import sim
    from sim.app.dashboards.plots import plot_worlds, png

    cmp = sim.compare("national_plan_2025", "minimal_collection", seed=0, reps=2,
                      overrides={"n_residents": 600, "n_days": 90}, worlds=4, world_reps=1,
                      world_size={"n_residents": 600, "n_days": 90}, engine="serial")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        zh = png(plot_worlds(cmp.robustness, lang="zh"))
    assert zh != png(plot_worlds(cmp.robustness))
