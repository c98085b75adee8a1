"""Issue 18, item 1 and 7: the verdict names every outcome that is clearly worse, with a
one-line trade-off; numbers on screen are never in scientific notation."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from sim.analysis.verdicts import (
    comparison_verdict,
    human_number,
    outcome_verdicts,
    tradeoff_sentences,
)
from sim.app.dashboards.report import differences_table
from sim.world.outcomes import OUTCOMES


def _differences(changes: dict[str, tuple[float, float, float]]) -> pd.DataFrame:
    """A differences table: every outcome unchanged at 100 (a share at 0.5) except
    ``changes``: outcome -> (mean change, interval low, interval high)."""
    rows = []
    for name in OUTCOMES.names():
        o = OUTCOMES[name]
        base = 0.5 if str(o.unit).startswith(("share", "probability")) else 100.0
        mean, lo, hi = changes.get(name, (0.0, -1e-6 * base, 1e-6 * base))
        better = (math.nan if o.direction == "info" or mean == 0
                  else bool((mean < 0) == (o.direction == "min")))
        rows.append({"outcome": name, "label": o.label, "unit": o.unit,
                     "direction": o.direction, "mean_a": base, "mean_b": base + mean,
                     "diff_mean": mean, "diff_low": lo, "diff_high": hi,
                     "relative": mean / base, "b_better": better, "n_pairs": 10,
                     "headline": o.headline, "note": ""})
    return pd.DataFrame(rows).set_index("outcome")


#: the reform of the issue: less exposure, less clinical information, and two harms the
#: old verdict never mentioned (external breaches, downtime)
PLAN_VS_ON_DEVICE = {
    "residents_exposed_rate": (-0.02, -0.025, -0.015),
    "utility_rate": (-0.031, -0.036, -0.026),
    "breaches": (41.0, 25.0, 57.0),
    "downtime_days": (326.0, 196.0, 456.0),
    "adverse_events_averted": (5.0, 3.0, 7.0),
}


def test_every_clearly_worse_outcome_is_named_with_its_numbers():
    d = _differences(PLAN_VS_ON_DEVICE)
    verdicts = outcome_verdicts(d)
    worse = set(verdicts[verdicts == "worse"].index)
    assert worse == {"utility_rate", "breaches", "downtime_days"}
    line, listing = tradeoff_sentences(d)
    assert line.startswith("The trade-off: it protects 2,000 residents per 100,000 from "
                           "exposure at a cost of 3.1 percentage points of the information "
                           "clinicians need; also worse on ")
    for name in worse - {"utility_rate"}:
        assert OUTCOMES[name].label.lower() in line.lower()
    assert "2 better, 3 worse" in line
    assert listing.startswith("Clearly worse: ")
    assert "(+41.0 [+25.0, +57.0] incidents (real-world count))" in listing
    assert "(+326 [+196, +456] institution-days (real-world))" in listing
    assert "(-3.10 [-3.60, -2.60] points)" in listing  # a share in percentage points
    # the verdict carries the trade-off right after its headline
    lines = comparison_verdict(d)
    assert lines[1] == line and lines[2] == listing


def test_the_table_marks_worse_exactly_what_the_verdict_names():
    d = _differences(PLAN_VS_ON_DEVICE)

    class Cmp:
        differences = d

    table = differences_table(Cmp())
    marked = {re.search(r"<td[^>]*>[↓↑]? ?([^<]+)</td>", row)[1].strip()
              for row in table.split("<tr>")[1:] if ">worse</td>" in row}
    assert marked == {OUTCOMES[n].label for n in ("utility_rate", "breaches", "downtime_days")}


def test_no_worse_outcome_and_no_change_are_said_plainly():
    assert "no outcome is clearly worse" in tradeoff_sentences(
        _differences({"residents_exposed_rate": (-0.02, -0.025, -0.015)}))[0]
    only = tradeoff_sentences(_differences({}))
    assert len(only) == 1
    assert "no clear change in exposure or in the information clinicians get" in only[0]
    both = tradeoff_sentences(_differences({"residents_exposed_rate": (0.02, 0.015, 0.025),
                                            "utility_rate": (-0.03, -0.035, -0.025)}))
    assert "it exposes 2,000 more residents per 100,000 and it gives clinicians 3.0" in both[0]
    assert "nothing else is clearly worse" in both[0]


def test_the_trade_off_speaks_chinese():
    line, listing = tradeoff_sentences(_differences(PLAN_VS_ON_DEVICE), lang="zh")
    assert line.startswith("权衡：每10万居民少暴露 2,000 人，"
                           "代价是医生获得的所需信息少 3.1 个百分点")
    assert "起事件（全国实际数）" in listing
    assert not re.search(r"[A-Za-z]{3,}", line + listing), line + listing


@pytest.mark.parametrize("x", [9.14e-07, 1.934e4, 0.0123, 1.5, 12.345, 123456.7, -3.2e-5,
                               1e-12, 0.0, 5e9])
def test_numbers_on_screen_are_never_in_scientific_notation(x):
    text = human_number(x)
    assert "e" not in text.lower()
    if abs(x) >= 1e-8:  # what is shown reads back within three significant digits
        assert float(text.replace(",", "")) == pytest.approx(x, rel=5e-3)
    assert human_number(x, sign=True).startswith(("+", "-"))
    assert human_number(np.nan) == "–"


def test_the_network_marks_only_what_exposed_residents_and_names_every_flow_and_run():
    """Issue 18, defect 7: red rings only where an incident reached simulated residents,
    every flow colour in the legend, the central institutions labelled, and the run named
    as the user chose it."""
    import matplotlib.pyplot as plt
    import networkx as nx

    from sim.app.dashboards.plots import plot_network
    from sim.world.model import HealthDataModel

    m = HealthDataModel("national_plan_2025", seed=0, n_residents=1500, n_days=90)
    m.run()
    fig = plot_network(m, run="replication 1 of your seed 7")
    ax = fig.axes[0]
    assert "replication 1 of your seed 7" in ax.get_title()
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    flows = set(nx.get_edge_attributes(m.graph, "flow").values())
    assert {f"flow: {f}" for f in flows} <= set(legend)
    hit = m.ledger.incident_table()
    reached = hit.loc[hit["residents_exposed"] > 0, "institution"].nunique()
    ring = next(x for x in legend if x.startswith("exposed simulated residents"))
    assert ring == f"exposed simulated residents ({reached} of {len(m.institution_list)})"
    assert 0 < reached < len(m.institution_list)
    labels = {t.get_text() for t in ax.texts}
    assert {"national platform", "insurance bureau"} <= labels
    plt.close(fig)
    m = HealthDataModel("on_device_consent", seed=0, n_residents=800, n_days=10)
    m.run()
    fig = plot_network(m)  # the on-device hub, where every provider reads, is named
    assert "residents' phones" in {t.get_text() for t in fig.axes[0].texts}
    plt.close(fig)


def test_the_trade_off_chart_says_the_verdict_tests_the_paired_difference():
    import matplotlib.pyplot as plt

    import sim
    from sim.app.dashboards.plots import paired_note, plot_tradeoff

    cmp = sim.compare("status_quo", "national_plan_2025", reps=3, engine="serial",
                      overrides={"n_residents": 800, "n_days": 30})
    note = paired_note(cmp)
    e = cmp.differences.loc["residents_exposed_rate"]
    assert f"{1e5 * e.diff_mean:+,.0f} [{1e5 * e.diff_low:+,.0f}, " in note
    fig = plot_tradeoff(cmp)
    assert any("paired difference" in t.get_text() for t in fig.texts)
    plt.close(fig)


def test_a_note_names_the_arm_whose_design_fixes_an_outcome():
    """Issue 18, defect 9: a reform with pseudonyms against the ID-card master index is not
    told that *it* carries the ID-card number."""
    import sim

    cmp = sim.compare("national_plan_2025", "federated_pseudonymous", reps=2,
                      engine="serial", overrides={"n_residents": 800, "n_days": 30})
    note = cmp.differences.loc["reidentification_risk", "note"]
    assert note.startswith("baseline: every record carries the ID-card number"), note
    assert "the reform is measured" in note
    back = sim.compare("federated_pseudonymous", "national_plan_2025", reps=2,
                       engine="serial", overrides={"n_residents": 800, "n_days": 30})
    assert back.differences.loc["reidentification_risk", "note"].startswith(
        "reform: every record carries the ID-card number")


def test_the_comparison_table_speaks_chinese():
    """Issue 18, item 6 (the table): headers, units and better/worse in Chinese."""
    d = _differences(PLAN_VS_ON_DEVICE)

    class Cmp:
        differences = d

    zh = differences_table(Cmp(), "zh")
    assert "<th>改革方案 − 基线</th>" in zh and ">更差</td>" in zh and ">更好</td>" in zh
    assert "起事件（全国实际数）" in zh
    for english in (">worse<", ">better<", "<th>outcome</th>", "incidents (real-world count)",
                    "outcomes with no clear change"):
        assert english not in zh, english
    en = differences_table(Cmp())
    assert ">worse</td>" in en and "<th>reform − baseline</th>" in en
