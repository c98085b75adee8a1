"""Health-data policy workbench: an agent-based model of national health-record rollouts.

Residents, institutions and attackers share health data under collection, consent and
sharing policies; the model reports privacy-leak risk and clinical utility with
uncertainty. Start with :func:`load_scenario`, :func:`run` and :func:`compare`.
"""

from .experiment import CompareResult, RunResult, compare, run, summarize
from .model import HealthDataModel
from .outcomes import OUTCOMES, register_outcome
from .params import PARAMETERS
from .scenario import Scenario, ScenarioError, list_scenarios, load_scenario

__version__ = "0.1.0"

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
