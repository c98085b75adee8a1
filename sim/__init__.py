"""Health-data policy workbench: an agent-based model of national health-record rollouts.

Residents, institutions and attackers share health data under collection, consent and
sharing policies; the model reports privacy-leak risk and clinical utility with
uncertainty. Start with :func:`load_scenario`, :func:`run` and :func:`compare`.

The names below load on first use (PEP 562), so ``import sim`` is instant and the command
line can answer Ctrl-C while NumPy, pandas and Mesa are still loading.
"""

from __future__ import annotations

import importlib

# ``typing`` is not imported at run time: Ctrl-C during start-up should find as little as
# possible to interrupt before the command line's handler is in place
TYPE_CHECKING = False

__version__ = "0.1.0"

#: public name -> the module that defines it
_EXPORTS = {
    "CompareResult": "experiment", "RunResult": "experiment", "compare": "experiment",
    "run": "experiment", "summarize": "experiment",
    "HealthDataModel": "model",
    "OUTCOMES": "outcomes", "register_outcome": "outcomes",
    "PARAMETERS": "params",
    "Scenario": "scenario", "ScenarioError": "scenario", "list_scenarios": "scenario",
    "load_scenario": "scenario",
}

__all__ = [
    "OUTCOMES",
    "PARAMETERS",
    "CompareResult",
    "HealthDataModel",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "__version__",
    "compare",
    "list_scenarios",
    "load_scenario",
    "register_outcome",
    "run",
    "summarize",
]

if TYPE_CHECKING:  # for type checkers and IDEs
    from typing import Any

    from .experiment import CompareResult, RunResult, compare, run, summarize
    from .model import HealthDataModel
    from .outcomes import OUTCOMES, register_outcome
    from .params import PARAMETERS
    from .scenario import Scenario, ScenarioError, list_scenarios, load_scenario


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:  # a submodule, as ``import sim; sim.sweep.run_sweep`` expects
        try:
            return importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as e:
            if e.name != f"{__name__}.{name}":
                raise  # the submodule exists but something it imports does not
            raise AttributeError(f"module 'sim' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


def _plugins_of_parent() -> None:
    """A worker started fresh imports the plugins its parent loaded (``SIM_PLUGINS``)."""
    import os

    if os.environ.get("SIM_PLUGINS"):
        from . import plugins

        plugins.load_from_environment()


_plugins_of_parent()
