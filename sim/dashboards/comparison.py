"""Baseline versus reform: the planner's dashboard."""

from __future__ import annotations

import html
import time

import ipywidgets as W
import pandas as pd

from ..analysis import comparison_verdict
from ..experiment import CompareResult
from ..scenario import Scenario, load_scenario
from .common import Background, Settings, download_link, image, scenario_names
from .controls import ParameterPanel
from .plots import plot_differences, plot_groups, plot_timeseries, png
from .report import comparison_report, differences_table
from .runner import Runner

__all__ = ["ComparisonDashboard"]

HELP = ("<p style='max-width:900px'>Pick a <b>baseline</b> and a <b>reform</b>, change the "
        "reform's levers if you like, then press <b>Compare</b>. Both run on the same seeds "
        "(the same residents fall ill on the same days), so the differences are the policy's "
        "doing. Assumptions apply to both. Results show 95% intervals over replications.</p>")


class ComparisonDashboard(W.VBox):
    """Two scenarios side by side on the same seeds, with a plain-language verdict.

    Args:
        baseline: starting baseline (bundled name).
        reform: starting reform (bundled name).
        runner: a :class:`~sim.dashboards.runner.Runner` (default: a new one).
        reps: default replications.
        residents: default simulated residents.
    """

    def __init__(self, baseline: str = "status_quo", reform: str = "national_plan_2025",
                 runner: Runner | None = None, reps: int = 10,
                 residents: int | None = None) -> None:
        self.runner = runner or Runner()
        names = scenario_names()
        self.baseline = W.Dropdown(options=names, value=baseline, description="Baseline")
        self.reform = W.Dropdown(options=names, value=reform, description="Reform from")
        self.levers = ParameterPanel(load_scenario(reform).params, kinds=("lever",))
        self.assumptions = ParameterPanel(load_scenario(baseline).params,
                                          kinds=("uncertainty",))
        self.settings = Settings(reps=reps, **({"residents": residents} if residents else {}))
        self.button = W.Button(description="Compare", button_style="primary", icon="play")
        self.button.add_class("compare-button")
        self.work = Background(self.button)
        self.verdict = W.HTML("<i>Press Compare to run.</i>")
        self.verdict.add_class("verdict")
        self.table = W.HTML()
        self.fig_diff, self.fig_time, self.fig_groups = image(), image(), image()
        self.fig_diff.add_class("figure-differences")
        self.groups_table = W.HTML()
        self.exports = W.HTML()
        self.stale = W.HTML()
        self.result: CompareResult | None = None
        self.timing: dict[str, float] = {}

        self.reform.observe(self._on_reform, names="value")
        self.baseline.observe(self._on_baseline, names="value")
        self.levers.observe_all(self._on_change)
        self.assumptions.observe_all(self._on_change)
        self.button.on_click(lambda _: self.compare())

        left = W.VBox([W.HTML("<h3>Scenarios</h3>"), self.baseline, self.reform,
                       W.HTML("<h3>Reform levers</h3>"), self.levers,
                       W.HTML("<h3>Assumptions (both arms)</h3>"), self.assumptions],
                      layout=W.Layout(width="500px"))
        right = W.VBox([W.HTML("<h3>Verdict</h3>"), self.verdict, self.stale, self.exports,
                        W.HTML("<h3>Differences</h3>"), self.fig_diff, self.table,
                        W.HTML("<h3>Over time</h3>"), self.fig_time,
                        W.HTML("<h3>Who bears the risk, who gains</h3>"), self.fig_groups,
                        self.groups_table], layout=W.Layout(flex="1"))
        super().__init__([W.HTML("<h2>Baseline versus reform</h2>" + HELP), self.settings,
                          W.HBox([self.button, self.work.progress, self.work.status]),
                          W.HBox([left, right])])

    # ------------------------------------------------------------------- inputs
    def _on_reform(self, change) -> None:
        self.levers.set_values(load_scenario(change["new"]).params)

    def _on_baseline(self, change) -> None:
        self.assumptions.set_values(load_scenario(change["new"]).params)

    def _on_change(self, _change) -> None:
        if self.result is not None:
            self.stale.value = ("<span style='color:#b26a00'>Inputs changed since these "
                                "results: press Compare to update.</span>")

    def scenarios(self) -> tuple[Scenario, Scenario]:
        """The two arms as the controls now define them."""
        shared = {**self.assumptions.values(), **self.settings.overrides()}
        base = load_scenario(self.baseline.value).with_overrides(shared)
        start = load_scenario(self.reform.value)
        levers = self.levers.values()
        edited = {k: v for k, v in levers.items() if start.params[k] != v}
        name = f"{start.name} (edited)" if edited else start.name
        if name == base.name:
            name = f"{name} (reform)"
        reform = start.with_overrides({**shared, **levers}, name=name)
        return base, reform

    # ------------------------------------------------------------------ running
    def compare(self, block: bool = False) -> None:
        """Run the comparison (in the background unless ``block``) and show it."""
        a, b = self.scenarios()
        seed, reps = self.settings.seed.value, self.settings.reps.value

        def job():
            t0 = time.perf_counter()
            self.timing = {}

            def provisional(partial_cmp: CompareResult) -> None:
                self._show_verdict(partial_cmp, provisional=reps)
                self.timing.setdefault("first_provisional_s", time.perf_counter() - t0)

            cmp = self.runner.compare(a, b, seed, reps, progress=self.work.on_progress,
                                      partial=provisional)
            t1 = time.perf_counter()
            self._show(cmp, t0)
            self.timing.update(runs_s=t1 - t0, total_s=time.perf_counter() - t0)
            self.work.status.value = (f"done in {self.timing['total_s']:.1f} s "
                                      f"({2 * reps} runs)")

        self.work.start(job, block=block)

    def _show_verdict(self, cmp: CompareResult, provisional: int | None = None) -> None:
        """The verdict and the table; ``provisional``: out of how many replications."""
        a, b = cmp.a.scenario, cmp.b.scenario
        lines = comparison_verdict(cmp.differences, f"the baseline ({a.name})",
                                   f"The reform ({b.name})")
        note = ""
        if provisional:
            note = (f"<div style='color:#b26a00;font-size:0.85em'>provisional: "
                    f"{len(cmp.a.runs)} of {provisional} replications so far; intervals "
                    "will narrow</div>")
        self.verdict.value = ("<div class='verdict-text' style='font-size:1.1em;"
                              "background:#f3f6fa;padding:0.8em;border-left:4px solid #4c72b0'>"
                              + "<br>".join(html.escape(x) for x in lines) + note + "</div>")
        self.table.value = differences_table(cmp)

    def _show(self, cmp: CompareResult, t0: float | None = None) -> None:
        """Verdict and table first (what a planner reads), then the figures and exports."""
        a, b = cmp.a.scenario, cmp.b.scenario
        self._show_verdict(cmp)
        self.stale.value = "<i>drawing figures…</i>"
        if t0 is not None:
            self.timing["verdict_s"] = time.perf_counter() - t0
        figs = {
            "Differences (reform vs baseline)": png(plot_differences(cmp.differences)),
            "Daily series": png(plot_timeseries({a.name: cmp.a.daily, b.name: cmp.b.daily})),
            "By group": png(plot_groups({a.name: cmp.a.groups, b.name: cmp.b.groups})),
        }
        self.fig_diff.value, self.fig_time.value, self.fig_groups.value = figs.values()
        groups = self.group_table(cmp)
        self.groups_table.value = groups.to_html(index=False, float_format=lambda x: f"{x:.4g}",
                                                 border=0)
        report = comparison_report(cmp, figs, groups).encode("utf-8")
        yaml_text = b.to_yaml(base=a, extends=f"{self.baseline.value}.yaml").encode("utf-8")
        self.exports.value = (
            download_link(report, f"comparison_{a.name}_vs_{_slug(b.name)}.html",
                          "text/html", "⬇ Report (HTML)")
            + download_link(yaml_text, f"{_slug(b.name)}.yaml", "application/x-yaml",
                            "⬇ Reform scenario (YAML, only what differs)"))
        self.stale.value = ""
        self.result = cmp
        self.report_html = report.decode("utf-8")
        self.reform_yaml = yaml_text.decode("utf-8")

    @staticmethod
    def group_table(cmp: CompareResult) -> pd.DataFrame:
        """Outcomes by group, both arms (means over replications) and the difference."""
        def mean(res):
            g = res.groups
            if g.empty:
                return pd.DataFrame()
            return g.groupby(["dimension", "group"], sort=False)[
                ["residents_exposed_rate", "utility_rate"]].mean()

        ga, gb = mean(cmp.a), mean(cmp.b)
        if ga.empty:
            return pd.DataFrame()
        out = ga.merge(gb, left_index=True, right_index=True,
                       suffixes=("_baseline", "_reform"))
        out["exposed_per_100k_change"] = 1e5 * (out["residents_exposed_rate_reform"]
                                                - out["residents_exposed_rate_baseline"])
        out["utility_change_pp"] = 100 * (out["utility_rate_reform"]
                                          - out["utility_rate_baseline"])
        return out.reset_index()


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name).strip("_")
