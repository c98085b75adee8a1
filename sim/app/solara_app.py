"""Mesa's own browser UI for the model: ``solara run sim/app/solara_app.py``.

For researchers who prefer Mesa's ``SolaraViz`` to the workbench's dashboards: the model
runs day by day in the page, its live daily series (the ``DataCollector``'s ``new_``,
``cum_`` and ``day_`` columns, :data:`sim.world.model.COLLECTED`) are plotted as it goes, and
the levers are controls generated from the parameter declaration
(:data:`sim.params.PARAMETERS`): sliders for numbers, dropdowns for choices, checkboxes
for switches. Controls start at the scenario's values; ``Reset`` builds a new model from
them with a fresh seed (shown on the page, so a run can be reproduced with ``seed=``).

Needs the ``viz`` extra (``pip install -e .[viz]``, i.e. ``solara``). The scenario and the
page's scenario is read from the environment (default ``status_quo``)::

    HEALTHCODE_SCENARIO=national_plan_2025 solara run sim/app/solara_app.py

Each browser session gets a model of its own (:func:`Page`). In a notebook,
``make_page("breach_shock")`` returns the page to display.
"""

from __future__ import annotations

import os
from typing import Any

import solara
from mesa.visualization import SolaraViz, make_plot_component

from sim.params import PARAMETERS, Parameter, levers
from sim.scenario import load_scenario

# absolute imports: ``solara run sim/app/solara_app.py`` loads this file as a script
from sim.world.model import HealthDataModel

__all__ = ["PLOTS", "Page", "lever_controls", "make_page", "slider_step"]

#: the live plots: one per group of daily series (DataCollector names)
PLOTS: tuple[tuple[str, ...], ...] = (
    ("day_utility_rate", "day_emergency_info_rate"),
    ("day_participation_rate", "day_mean_trust", "day_withholding_rate"),
    ("cum_breaches", "cum_insider_incidents", "cum_function_creep_incidents"),
    ("cum_records_exposed",),
    ("cum_residents_exposed_rate",),
)

#: the settings offered as sliders besides the levers, with an upper bound for a live page
SETTINGS = {"n_residents": 50_000, "n_days": 3650}

#: slider steps: a hundredth of the range, whole numbers for integers
_STEPS = 100


def control(p: Parameter, value: Any, high: float | None = None) -> dict[str, Any] | None:
    """Return the ``SolaraViz`` control of one declared parameter, starting at ``value``.

    Numbers get a slider over the declared range, choices a dropdown, switches a checkbox;
    lists (``collection_fields``) get none and keep the scenario's value.
    """
    label = f"{p.name} ({p.unit})" if p.unit not in ("-", "") else p.name
    if p.dtype is bool:
        return {"type": "Checkbox", "value": bool(value), "label": label}
    if p.dtype is str:
        return {"type": "Select", "value": value, "values": p.allowed_choices(),
                "label": label}
    if p.dtype in (int, float) and p.low is not None and p.high is not None:
        hi = min(p.high, high) if high is not None else p.high
        step = slider_step(p.low, hi, value, integer=p.dtype is int)
        if p.dtype is int:
            return {"type": "SliderInt", "value": int(value), "min": int(p.low), "max": int(hi),
                    "step": int(step), "label": label}
        return {"type": "SliderFloat", "value": float(value), "min": float(p.low),
                "max": float(hi), "step": step, "label": label}
    return None


def slider_step(low: float, high: float, value: float, *, integer: bool) -> float:
    """A step of about a hundredth of ``[low, high]`` that puts ``value`` on the slider's grid.

    A slider snaps to ``low + k·step``: with a plain hundredth, 365 days on ``[1, 3650]``
    became 361 and 10,000 residents 10,080 the moment ``Reset`` read the controls.
    """
    base = (high - low) / _STEPS
    span = value - low
    if integer:
        span, base = round(span), max(1, int(base))
        if span <= 0:
            return base
        # the largest divisor of the span not above the hundredth
        return max(d for d in range(1, base + 1) if span % d == 0)
    if span <= 0 or base <= 0:
        return base
    return span / max(1, round(span / base))


def lever_controls(scenario: str | None = None, **overrides: Any) -> dict[str, Any]:
    """Return ``model_params`` for ``SolaraViz``: the scenario (fixed) and a control per lever.

    The controls start at the scenario's values (with ``overrides``), so an untouched
    control reproduces it; settings in :data:`SETTINGS` get sliders too. Overrides of
    parameters without a control are passed on unchanged.
    """
    values = load_scenario(scenario, overrides or None).params
    params: dict[str, Any] = {"scenario": scenario, **overrides}
    for p in [*levers(), *(PARAMETERS[name] for name in SETTINGS)]:
        c = control(p, values[p.name], SETTINGS.get(p.name))
        if c is not None:
            params[p.name] = c
    return params


@solara.component
def RunInfo(model: HealthDataModel):
    """The run's scenario, seed (to reproduce it) and day."""
    from mesa.visualization.utils import update_counter

    update_counter.get()
    solara.Markdown(f"**{model.spec.name}** · seed `{model.seed}` · day {model.day} of "
                    f"{model.n_days} · {model.pop.n:,} residents")


def make_page(scenario: str | None = None, *, seed: int | None = None, **overrides: Any):
    """Return the ``SolaraViz`` page of one scenario (bundled name or file, or defaults)."""
    model = HealthDataModel(scenario, seed=seed, **overrides)
    components = [RunInfo, *(make_plot_component(list(group)) for group in PLOTS)]
    params = lever_controls(scenario, **overrides)
    if seed is not None:  # Reset keeps the seed; without one, each reset draws a fresh one
        params["seed"] = seed
    return SolaraViz(model, components=components, model_params=params,
                     name=f"Health-data policy workbench: {model.spec.name}")


@solara.component
def Page():
    """What ``solara run sim/app/solara_app.py`` serves: a model of its own per browser session.

    The model is built when the session opens; a module-level page would share one model
    between every visitor.
    """
    page = solara.use_memo(lambda: make_page(os.environ.get("HEALTHCODE_SCENARIO",
                                                            "status_quo")), [])
    return page
