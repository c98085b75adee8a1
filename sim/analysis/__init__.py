"""Analysis: what the runs mean, in numbers, plots and words.

The layer above the experiments: summaries and frontiers of a sweep, global sensitivity and
scenario discovery, plain-language verdicts, the debate's claims, the model's calibration and
validation against the published record, the lever-effect and uncertainty reports, and the
text the command line prints (:mod:`~sim.analysis.cli_print`). It reads the world, the words
and the experiments; only the app (:mod:`sim.app`) imports it.

Every sweep function takes the tidy runs table (:func:`sim.experiments.sweep.load_results`)
and returns a DataFrame; the ``plot_*`` functions return a matplotlib ``Figure``. The verdict
functions take a comparison's paired differences instead. This package re-exports the
functions most used, by topic:

* :mod:`sim.experiments.summaries` - :func:`policy_summary`, :func:`paired_vs_baseline`;
* :mod:`sim.analysis.pareto` - :func:`pareto_mask`, :func:`pareto_frontier`,
  :func:`plot_frontier`;
* :mod:`sim.analysis.exploration` - :func:`sensitivity_indices`, :func:`sensitivity`,
  :func:`plot_sensitivity`, :func:`discover` (a decision tree, CART);
* :mod:`sim.analysis.ema` - :func:`prim` (PRIM boxes; needs the ``ema`` extra, EMA Workbench);
* :mod:`sim.analysis.verdicts` - :func:`comparison_verdict`, :func:`describe_change`,
  :func:`claim_verdict`.
"""

from __future__ import annotations

from ..experiments.summaries import paired_vs_baseline, policy_summary
from ..package import submodule
from .ema import prim
from .exploration import discover, plot_sensitivity, sensitivity, sensitivity_indices
from .pareto import pareto_frontier, pareto_mask, plot_frontier
from .verdicts import claim_verdict, comparison_verdict, describe_change

__all__ = [
    "claim_verdict",
    "comparison_verdict",
    "describe_change",
    "discover",
    "paired_vs_baseline",
    "pareto_frontier",
    "pareto_mask",
    "plot_frontier",
    "plot_sensitivity",
    "policy_summary",
    "prim",
    "sensitivity",
    "sensitivity_indices",
]


def __getattr__(name: str):
    """A submodule on first use, as ``import sim; sim.analysis.validation`` expects."""
    return submodule(__name__, name)
