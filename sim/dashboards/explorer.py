"""Policy explorer: one scenario, every lever, outcomes with intervals, the network."""

from __future__ import annotations

import html
import math

import ipywidgets as W

from ..experiment import RunResult, replication_seed
from ..model import HealthDataModel
from ..outcomes import OUTCOMES, direction_arrow
from ..scenario import Scenario, ScenarioError, load_scenario
from ..verdicts import human_number
from .common import (
    Background,
    Settings,
    checked_inputs_key,
    failed_runs,
    first_error,
    image,
    scenario_names,
)
from .controls import ParameterPanel
from .plots import plot_network, plot_timeseries, png
from .runner import Runner

__all__ = ["PolicyExplorer", "outcome_table_html"]


def outcome_table_html(result: RunResult) -> str:
    """Privacy and clinical outcomes with 95% intervals, as an HTML table."""
    s = result.summary()
    params = result.scenario.params
    rows = []
    for title, privacy in (("Privacy risk", True), ("Clinical utility and other", False)):
        rows.append(f"<tr><th colspan=4 style='text-align:left;padding-top:8px'>{title}</th>"
                    "</tr>")
        for name, r in s.iterrows():
            o = OUTCOMES[name]
            if o.privacy != privacy or not o.headline:
                continue
            arrow = direction_arrow(r.direction)
            why = o.pinned_reason(params)
            if why and not (math.isfinite(r["mean"]) and r.ci_low != r.ci_high):
                # fixed by this design: say why instead of printing a number that cannot move
                rows.append(f"<tr title='{html.escape(o.definition)}'>"
                            f"<td>{arrow} {html.escape(r.label)}</td>"
                            f"<td>{_value(r['mean'])}</td>"
                            f"<td colspan=2><i>{html.escape(why)}</i></td></tr>")
                continue
            ci = (f"[{human_number(r.ci_low)}, {human_number(r.ci_high)}]"
                  if math.isfinite(r.ci_low) else "")
            rows.append(f"<tr title='{html.escape(OUTCOMES[name].definition)}'>"
                        f"<td>{arrow} {html.escape(r.label)}</td><td>{human_number(r['mean'])}</td>"
                        f"<td>{ci}</td><td>{html.escape(r.unit)}</td></tr>")
    return ("<table class='outcomes'><tr><th>outcome</th><th>mean</th><th>95% interval</th>"
            "<th>unit</th></tr>" + "".join(rows) + "</table>")


def _value(x: float) -> str:
    return human_number(x)


class PolicyExplorer(W.VBox):
    """Explore one scenario: change any lever or assumption, run replications, read outcomes.

    Args:
        scenario: starting scenario (bundled name).
        runner: a :class:`~sim.dashboards.runner.Runner` (default: a new one).
    """

    def __init__(self, scenario: str = "national_plan_2025", runner: Runner | None = None,
                 reps: int = 10) -> None:
        self.runner = runner or Runner()
        self.pick = W.Dropdown(options=scenario_names(), value=scenario, description="Scenario")
        self.panel = ParameterPanel(load_scenario(scenario).params)
        self.settings = Settings(reps=reps)
        self.button = W.Button(description="Run", button_style="primary", icon="play")
        self.button.add_class("explore-button")
        self.cancel = W.Button(description="Cancel", icon="stop", disabled=True)
        self.work = Background(self.button, cancel=self.cancel)
        self.table = W.HTML("<i>Press Run.</i>")
        self.table.add_class("explorer-outcomes")
        self.fig_time, self.fig_net = image(), image()
        self.stale = W.HTML()
        self.stale.add_class("stale-flag")
        self.invalid = W.HTML()
        self.result: RunResult | None = None
        self.result_key: tuple | None = None  # the inputs of what is on screen
        self.pick.observe(lambda c: self.panel.set_values(load_scenario(c["new"]).params),
                          names="value")
        self.panel.observe_all(self._on_change)
        for w in (self.pick, *self.settings.children):
            w.observe(self._on_change, names="value")
        self.button.on_click(lambda _: self.run())
        left = W.VBox([self.pick, self.panel], layout=W.Layout(width="500px"))
        self.results_box = W.VBox([W.HTML("<h3>Outcomes</h3>"), self.table,
                                   W.HTML("<h3>Daily series</h3>"), self.fig_time,
                                   W.HTML("<h3>Institution network</h3>"), self.fig_net])
        right = W.VBox([self.stale, self.results_box], layout=W.Layout(flex="1"))
        super().__init__([W.HTML("<h2>Policy explorer</h2>"), self.settings,
                          W.HBox([self.button, self.cancel, self.work.progress,
                                  self.work.status]),
                          self.invalid, W.HBox([left, right])])
        self.add_class("policy-explorer")
        self._clear()

    def _on_change(self, _change) -> None:
        """Refuse inputs the model refuses; mark a result computed for other inputs."""
        key = checked_inputs_key(self)
        stale = self.result_key is not None and key != self.result_key
        self.stale.value = ("<div class='stale' style='color:#b26a00;font-weight:bold'>Out of "
                            "date: the inputs have changed since these results were computed. "
                            "Press Run to update.</div>") if stale else ""
        self.results_box.layout.opacity = "0.45" if stale else None

    def inputs_key(self) -> tuple:
        """The exact inputs of a run: the scenario's parameters, seed, replications."""
        scen = self.scenario()
        return scen.sha256, scen.name, self.settings.seed.value, self.settings.reps.value

    def _clear(self, text: str = "<i>Press Run.</i>") -> None:
        self.table.value = text
        for fig in (self.fig_time, self.fig_net):
            fig.value = b""
            fig.layout.display = "none"

    def scenario(self) -> Scenario:
        """The scenario the controls define."""
        base = load_scenario(self.pick.value)
        values = {**self.panel.values(), **self.settings.overrides()}
        changed = any(base.params[k] != v for k, v in values.items()
                      if k not in ("n_residents", "n_days"))
        return base.with_overrides(values, name=f"{base.name} (edited)" if changed else None)

    def run(self, block: bool = False) -> None:
        """Run replications (in the background unless ``block``) and show the outcomes."""
        if self.work.busy:  # one run at a time; touch nothing of the one in progress
            self.work.status.value = "still working on the last request…"
            return
        try:
            scen = self.scenario()
            key = self.inputs_key()
        except ScenarioError as exc:
            self._on_change(None)
            self.work.status.value = (f"<span style='color:#c62828'>not run: "
                                      f"{html.escape(str(exc))}</span>")
            return
        seed, reps = self.settings.seed.value, self.settings.reps.value
        self.result, self.result_key = None, None
        self._clear("<i>Running…</i>")
        self._on_change(None)

        def job():
            (res,) = self.runner.run_many([scen], seed, reps, progress=self.work.on_progress,
                                          stop=self.work.cancelled)
            failed = failed_runs(res)
            if failed:
                self.table.value = (f"<div style='color:#c62828'>{failed} of {reps} "
                                    f"replications failed: {html.escape(first_error(res))}"
                                    "</div>")
                self.work.status.value = f"{failed} of {reps} replications failed"
                return
            self.work.check()
            self.result, self.result_key = res, key
            self.table.value = outcome_table_html(res)
            self.fig_time.value = png(plot_timeseries(
                {scen.name: res.daily},
                ("residents_exposed_rate", "utility_rate", "breaches", "mean_trust")))
            self.fig_time.layout.display = None
            model = HealthDataModel(scen, seed=replication_seed(seed, 0))  # replication 0
            model.run()
            self.work.check()
            self.fig_net.value = png(plot_network(
                model, run=f"replication 1 of your seed {seed}"))
            self.fig_net.layout.display = None
            self._on_change(None)
            self.work.status.value = f"done ({reps} replications)"

        def stopped(message: str) -> None:
            self.result, self.result_key = None, None
            self._clear(message)
            self._on_change(None)

        self.work.start(job, block=block,
                        on_cancel=lambda: stopped("<i>Cancelled: nothing shown.</i>"),
                        on_error=lambda exc: stopped(
                            f"<div style='color:#c62828'>The run failed: "
                            f"{html.escape(str(exc))}</div>"),
                        can_run=self._can_run)

    def _can_run(self) -> bool:
        try:
            self.inputs_key()
        except ScenarioError:
            return False
        return True

    def set_language(self, lang: str) -> None:
        """Label the controls in ``lang`` (the result on screen stays current)."""
        self.panel.set_language(lang)
        self.settings.set_language(lang)
        self._on_change(None)
