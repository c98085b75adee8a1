"""Policy explorer: one scenario, every lever, outcomes with intervals, the network."""

from __future__ import annotations

import html
import math

import ipywidgets as W

from ..experiment import RunResult, replication_seed
from ..model import HealthDataModel
from ..outcomes import OUTCOMES, direction_arrow
from ..scenario import Scenario, load_scenario
from .common import Background, Settings, image, scenario_names
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
            ci = (f"[{r.ci_low:.3g}, {r.ci_high:.3g}]" if math.isfinite(r.ci_low) else "")
            rows.append(f"<tr title='{html.escape(OUTCOMES[name].definition)}'>"
                        f"<td>{arrow} {html.escape(r.label)}</td><td>{r['mean']:.4g}</td>"
                        f"<td>{ci}</td><td>{html.escape(r.unit)}</td></tr>")
    return ("<table class='outcomes'><tr><th>outcome</th><th>mean</th><th>95% interval</th>"
            "<th>unit</th></tr>" + "".join(rows) + "</table>")


def _value(x: float) -> str:
    return f"{x:.4g}" if math.isfinite(x) else "–"


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
        self.work = Background(self.button)
        self.table = W.HTML("<i>Press Run.</i>")
        self.fig_time, self.fig_net = image(), image()
        self.result: RunResult | None = None
        self.pick.observe(lambda c: self.panel.set_values(load_scenario(c["new"]).params),
                          names="value")
        self.button.on_click(lambda _: self.run())
        left = W.VBox([self.pick, self.panel], layout=W.Layout(width="500px"))
        right = W.VBox([W.HTML("<h3>Outcomes</h3>"), self.table,
                        W.HTML("<h3>Daily series</h3>"), self.fig_time,
                        W.HTML("<h3>Institution network</h3>"), self.fig_net],
                       layout=W.Layout(flex="1"))
        super().__init__([W.HTML("<h2>Policy explorer</h2>"), self.settings,
                          W.HBox([self.button, self.work.progress, self.work.status]),
                          W.HBox([left, right])])

    def scenario(self) -> Scenario:
        """The scenario the controls define."""
        base = load_scenario(self.pick.value)
        values = {**self.panel.values(), **self.settings.overrides()}
        changed = any(base.params[k] != v for k, v in values.items()
                      if k not in ("n_residents", "n_days"))
        return base.with_overrides(values, name=f"{base.name} (edited)" if changed else None)

    def run(self, block: bool = False) -> None:
        """Run replications (in the background unless ``block``) and show the outcomes."""
        scen = self.scenario()
        seed, reps = self.settings.seed.value, self.settings.reps.value

        def job():
            (res,) = self.runner.run_many([scen], seed, reps, progress=self.work.on_progress)
            self.result = res
            self.table.value = outcome_table_html(res)
            self.fig_time.value = png(plot_timeseries(
                {scen.name: res.daily},
                ("residents_exposed_rate", "utility_rate", "breaches", "mean_trust")))
            model = HealthDataModel(scen, seed=replication_seed(seed, 0))  # replication 0
            model.run()
            self.fig_net.value = png(plot_network(model))
            self.work.status.value = f"done ({reps} replications)"

        self.work.start(job, block=block)
