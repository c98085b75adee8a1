"""Analysis of sweeps: summaries, frontier, sensitivity and scenario discovery.

Per-policy summaries and paired differences, the risk-utility Pareto frontier, global
sensitivity (SALib) and scenario discovery (a decision tree, CART; or PRIM through EMA
Workbench), and plain-language verdicts on paired comparisons.

Every function takes the tidy runs table (:func:`sim.sweep.load_results`) and returns a
DataFrame; the ``plot_*`` functions return a matplotlib ``Figure``. The verdict functions
take a comparison's paired differences instead.

This module is the entry point: it re-exports the functions from the modules that hold
them, by topic:

* :mod:`sim.summaries` - :func:`policy_summary`, :func:`paired_vs_baseline`;
* :mod:`sim.pareto` - :func:`pareto_mask`, :func:`pareto_frontier`, :func:`plot_frontier`;
* :mod:`sim.exploration` - :func:`sensitivity_indices`, :func:`sensitivity`,
  :func:`plot_sensitivity`, :func:`discover` (a decision tree, CART);
* :mod:`sim.ema` - :func:`prim` (PRIM boxes; needs the ``ema`` extra, EMA Workbench);
* :mod:`sim.verdicts` - :func:`comparison_verdict`, :func:`describe_change`,
  :func:`claim_verdict`.
"""

from __future__ import annotations

from .ema import prim
from .exploration import discover, plot_sensitivity, sensitivity, sensitivity_indices
from .pareto import pareto_frontier, pareto_mask, plot_frontier
from .summaries import paired_vs_baseline, policy_summary
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
