"""Policy explorer: one scenario, every lever, outcomes with intervals, the network.

In English or Simplified Chinese (:meth:`PolicyExplorer.set_language`).
"""

from __future__ import annotations

import html
import math

import ipywidgets as W

from ...analysis.verdicts import human_number
from ...experiments.experiment import RunResult, replication_seed
from ...i18n import outcome_definition, outcome_label, pinned_reason, tr, unit_label
from ...scenario import Scenario, ScenarioError, load_scenario
from ...world.model import HealthDataModel
from ...world.outcomes import OUTCOMES, direction_arrow
from .common import (
    Background,
    Settings,
    checked_inputs_key,
    failed_runs,
    first_error,
    image,
    plain_message,
    scenario_label,
    scenario_names,
)
from .controls import ParameterPanel
from .plots import plot_network, plot_timeseries, png
from .runner import Runner

__all__ = ["PolicyExplorer", "outcome_table_html"]


def outcome_table_html(result: RunResult, lang: str = "en") -> str:
    """Privacy and clinical outcomes with 95% intervals, as an HTML table.

    Args:
        result: the run to show.
        lang: the language of the headings, labels, units, definitions (the rows'
            tooltips) and the reasons an outcome is fixed by design (``"en"`` or ``"zh"``).
    """
    s = result.summary()
    params = result.scenario.params
    rows = []
    for key, privacy in (("ex_privacy", True), ("ex_clinical", False)):
        rows.append(f"<tr><th colspan=4 style='text-align:left;padding-top:8px'>"
                    f"{tr(key, lang)}</th></tr>")
        for name, r in s.iterrows():
            o = OUTCOMES[name]
            if o.privacy != privacy or not o.headline:
                continue
            arrow = direction_arrow(r.direction)
            label = html.escape(outcome_label(name, lang))
            tip = html.escape(outcome_definition(name, lang))
            why = pinned_reason(name, params, lang)
            if why and not (math.isfinite(r["mean"]) and r.ci_low != r.ci_high):
                # fixed by this design: say why instead of printing a number that cannot move
                rows.append(f"<tr title='{tip}'><td>{arrow} {label}</td>"
                            f"<td>{_value(r['mean'])}</td>"
                            f"<td colspan=2><i>{html.escape(why)}</i></td></tr>")
                continue
            ci = (f"[{human_number(r.ci_low)}, {human_number(r.ci_high)}]"
                  if math.isfinite(r.ci_low) else "")
            rows.append(f"<tr title='{tip}'><td>{arrow} {label}</td>"
                        f"<td>{human_number(r['mean'])}</td><td>{ci}</td>"
                        f"<td>{html.escape(unit_label(r.unit, lang))}</td></tr>")
    head = "".join(f"<th>{tr(k, lang)}</th>" for k in ("t_outcome", "ex_mean", "t_ci", "t_unit"))
    return f"<table class='outcomes'><tr>{head}</tr>" + "".join(rows) + "</table>"


def _value(x: float) -> str:
    return human_number(x)


#: the table's messages shown as a note (in italics); the others are failures (in red)
_NOTES = ("ex_press_run", "running", "ex_cancelled")


class PolicyExplorer(W.VBox):
    """Explore one scenario: change any lever or assumption, run replications, read outcomes.

    Args:
        scenario: starting scenario (bundled name).
        runner: a :class:`~sim.app.dashboards.runner.Runner` (default: a new one).
        reps: replications to start with.
    """

    def __init__(self, scenario: str = "national_plan_2025", runner: Runner | None = None,
                 reps: int = 10) -> None:
        self.runner = runner or Runner()
        self.lang = "en"
        self.pick = W.Dropdown(options=scenario_names(), value=scenario,
                               description=tr("ex_scenario"))
        self.panel = ParameterPanel(load_scenario(scenario).params)
        self.settings = Settings(reps=reps)
        self.button = W.Button(description=tr("ex_run"), button_style="primary", icon="play")
        self.button.add_class("explore-button")
        self.cancel = W.Button(description=tr("cancel"), icon="stop", disabled=True)
        self.work = Background(self.button, cancel=self.cancel)
        self.table = W.HTML()
        self.table.add_class("explorer-outcomes")
        self.fig_time, self.fig_net = image(), image()
        self.stale = W.HTML()
        self.stale.add_class("stale-flag")
        self.invalid = W.HTML()
        self.result: RunResult | None = None
        self.result_key: tuple | None = None  # the inputs of what is on screen
        #: what the charts on screen were drawn from, kept so that a language switch redraws
        #: them without a rerun: the seed and replication 0's model (the network picture)
        self._seed: int | None = None
        self._network_model: HealthDataModel | None = None
        #: the table's message when it shows no result (key, arguments) and the status line
        #: the run wrote (key, arguments, text on screen), for a language switch to rewrite
        self._message: tuple[str, dict] = ("ex_press_run", {})
        self._status: tuple[str, dict, str] | None = None
        self.pick.observe(lambda c: self.panel.set_values(load_scenario(c["new"]).params),
                          names="value")
        self.panel.observe_all(self._on_change)
        for w in (self.pick, *self.settings.children):
            w.observe(self._on_change, names="value")
        self.button.on_click(lambda _: self.run())
        left = W.VBox([self.pick, self.panel], layout=W.Layout(width="500px"))
        self._headings = {key: W.HTML() for key in ("ex_title", "ex_outcomes", "ex_daily",
                                                      "ex_network")}
        self.results_box = W.VBox([self._headings["ex_outcomes"], self.table,
                                   self._headings["ex_daily"], self.fig_time,
                                   self._headings["ex_network"], self.fig_net])
        right = W.VBox([self.stale, self.results_box], layout=W.Layout(flex="1"))
        super().__init__([self._headings["ex_title"], self.settings,
                          W.HBox([self.button, self.cancel, self.work.progress,
                                  self.work.status]),
                          self.invalid, W.HBox([left, right])])
        self.add_class("policy-explorer")
        self._write_headings()
        self._clear()

    def _write_headings(self) -> None:
        for key, widget in self._headings.items():
            level = "h2" if key == "ex_title" else "h3"
            widget.value = f"<{level}>{tr(key, self.lang)}</{level}>"

    def _on_change(self, _change) -> None:
        """Refuse inputs the model refuses; mark a result computed for other inputs."""
        key = checked_inputs_key(self, tr("cannot_run", self.lang))
        stale = self.result_key is not None and key != self.result_key
        self.stale.value = ("<div class='stale' style='color:#b26a00;font-weight:bold'>"
                            f"{tr('ex_out_of_date', self.lang)}</div>") if stale else ""
        self.results_box.layout.opacity = "0.45" if stale else None

    def inputs_key(self) -> tuple:
        """The exact inputs of a run: the scenario's parameters, seed, replications."""
        scen = self.scenario()
        return scen.sha256, scen.name, self.settings.seed.value, self.settings.reps.value

    def _clear(self, key: str = "ex_press_run", **args) -> None:
        """No result: the table shows message ``key`` (with ``args``), the charts nothing."""
        self._seed, self._network_model = None, None
        self._show_message(key, **args)
        for fig in (self.fig_time, self.fig_net):
            fig.value = b""
            fig.layout.display = "none"

    def _show_message(self, key: str, **args) -> None:
        """Show message ``key`` in the table's place, in the page's language."""
        self._message = (key, args)
        text = tr(key, self.lang).format(**{  # an error's known wording in the language too
            k: html.escape(plain_message(str(v), self.lang) if k == "error" else str(v))
            for k, v in args.items()})
        self.table.value = (f"<i>{text}</i>" if key in _NOTES else
                            f"<div style='color:#c62828'>{text}</div>")

    def _set_status(self, key: str, **args) -> None:
        """Write the status line from message ``key`` (rewritten on a language switch)."""
        text = tr(key, self.lang).format(**args)
        self._status = (key, args, text)
        self.work.status.value = text

    def scenario(self) -> Scenario:
        """The scenario the controls define (its name marks an edited one, in English)."""
        base = load_scenario(self.pick.value)
        values = {**self.panel.values(), **self.settings.overrides()}
        changed = any(base.params[k] != v for k, v in values.items()
                      if k not in ("n_residents", "n_days"))
        return base.with_overrides(values, name=f"{base.name} (edited)" if changed else None)

    def run(self, block: bool = False) -> None:
        """Run replications (in the background unless ``block``) and show the outcomes."""
        if self.work.busy:  # one run at a time; touch nothing of the one in progress
            self.work.status.value = tr("status_busy", self.lang)
            return
        try:
            scen = self.scenario()
            key = self.inputs_key()
        except ScenarioError as exc:
            self._on_change(None)
            self._status = None
            why = tr("ex_not_run", self.lang).format(error=html.escape(str(exc)))
            self.work.status.value = f"<span style='color:#c62828'>{why}</span>"
            return
        seed, reps = self.settings.seed.value, self.settings.reps.value
        self.result, self.result_key = None, None
        self._status = None
        self._clear("running")
        self._on_change(None)

        def job():
            (res,) = self.runner.run_many([scen], seed, reps, progress=self.work.on_progress,
                                          stop=self.work.cancelled)
            failed = failed_runs(res)
            if failed:
                self._show_message("ex_failed_detail", failed=failed, reps=reps,
                                   error=first_error(res))
                self._set_status("ex_failed", failed=failed, reps=reps)
                return
            self.work.check()
            self.result, self.result_key, self._seed = res, key, seed
            self._draw_table()
            self._draw_timeseries()
            model = HealthDataModel(scen, seed=replication_seed(seed, 0))  # replication 0
            model.run()
            self.work.check()
            self._network_model = model  # kept: the picture is redrawn in another language
            self._draw_network()
            self._on_change(None)
            self._set_status("ex_done", reps=reps)

        def stopped(key: str, **args) -> None:
            self.result, self.result_key = None, None
            self._clear(key, **args)
            self._on_change(None)

        self.work.start(job, block=block,
                        on_cancel=lambda: stopped("ex_cancelled"),
                        on_error=lambda exc: stopped("ex_run_failed", error=exc),
                        can_run=self._can_run)

    def _draw_table(self) -> None:
        self.table.value = outcome_table_html(self.result, self.lang)

    def _draw_timeseries(self) -> None:
        res = self.result
        self.fig_time.value = png(plot_timeseries(
            {scenario_label(res.scenario.name, self.lang): res.daily},
            ("residents_exposed_rate", "utility_rate", "breaches", "mean_trust"),
            lang=self.lang))
        self.fig_time.layout.display = None

    def _draw_network(self) -> None:
        run = tr("ex_network_run", self.lang).format(seed=self._seed)
        self.fig_net.value = png(plot_network(self._network_model, run=run, lang=self.lang))
        self.fig_net.layout.display = None

    def _can_run(self) -> bool:
        try:
            self.inputs_key()
        except ScenarioError:
            return False
        return True

    def set_language(self, lang: str) -> None:
        """Show labels, headings, the outcomes and the charts in ``lang`` (``"en"``, ``"zh"``).

        The result on screen is redrawn in the new language, not recomputed: it stays
        current.
        """
        self.lang = lang
        self.work.set_language(lang)  # its own status lines (running, cancelled, errors)
        self._write_headings()
        self.pick.description = tr("ex_scenario", lang)
        self.button.description = tr("ex_run", lang)
        self.cancel.description = tr("cancel", lang)
        self.panel.set_language(lang)
        self.settings.set_language(lang)
        if self.result is not None:
            self._draw_table()
            self._draw_timeseries()
            if self._network_model is not None:
                self._draw_network()
        else:
            key, args = self._message
            self._show_message(key, **args)
        if self._status is not None and self.work.status.value == self._status[2]:
            self._set_status(self._status[0], **self._status[1])
        self._on_change(None)
