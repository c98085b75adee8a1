"""Health-data policy workbench: an agent-based model of national health-record rollouts.

Residents, institutions and attackers share health data under collection, consent and
sharing policies; the model reports privacy-leak risk and clinical utility with
uncertainty. Start with :func:`load_scenario`, :func:`run` and :func:`compare`.

The names below load on first use (PEP 562), so ``import sim`` is instant and the command
line can answer Ctrl-C while NumPy, pandas and Mesa are still loading.
"""

from __future__ import annotations

import importlib

from .package import __version__
from .package import submodule as _submodule

# ``typing`` is not imported at run time: Ctrl-C during start-up should find as little as
# possible to interrupt before the command line's handler is in place
TYPE_CHECKING = False

#: public name -> the module that defines it
_EXPORTS = {
    "CompareResult": "experiments.experiment", "RunResult": "experiments.experiment",
    "compare": "experiments.comparison", "run": "experiments.experiment",
    "run_scenarios": "experiments.experiment", "summarize": "experiments.experiment",
    "load_results": "experiments.sweep", "run_sweep": "experiments.sweep",
    "robustness": "experiments.robustness",
    "HealthDataModel": "world.model",
    "OUTCOMES": "world.outcomes", "register_outcome": "world.outcomes",
    "register_attacker": "world.attackers", "register_consent_model": "world.consent",
    "register_architecture": "world.architecture",
    "register_collection_scope": "world.policy", "register_build_hook": "world.build",
    "PARAMETERS": "params", "register_parameter": "params",
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
    "load_results",
    "load_scenario",
    "register_architecture",
    "register_attacker",
    "register_build_hook",
    "register_collection_scope",
    "register_consent_model",
    "register_outcome",
    "register_parameter",
    "robustness",
    "run",
    "run_scenarios",
    "run_sweep",
    "summarize",
]

if TYPE_CHECKING:  # for type checkers and IDEs
    from typing import Any

    from .experiments.comparison import compare
    from .experiments.experiment import (
        CompareResult,
        RunResult,
        run,
        run_scenarios,
        summarize,
    )
    from .experiments.robustness import robustness
    from .experiments.sweep import load_results, run_sweep
    from .params import PARAMETERS, register_parameter
    from .scenario import Scenario, ScenarioError, list_scenarios, load_scenario
    from .world.architecture import register_architecture
    from .world.attackers import register_attacker
    from .world.build import register_build_hook
    from .world.consent import register_consent_model
    from .world.model import HealthDataModel
    from .world.outcomes import OUTCOMES, register_outcome
    from .world.policy import register_collection_scope


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:  # a layer or a module, as ``import sim; sim.world.model`` expects
        return _submodule(__name__, name)
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
