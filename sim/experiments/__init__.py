"""Experiments: runs, replications, comparisons, sweeps and their results folders.

:mod:`~sim.experiments.experiment` runs a scenario (:func:`sim.run`) and pairs replications on
the same seeds; :mod:`~sim.experiments.comparison` compares two policies (:func:`sim.compare`);
:mod:`~sim.experiments.changes` holds the one rule for a clear change;
:mod:`~sim.experiments.robustness` tests a comparison across the plausible worlds;
:mod:`~sim.experiments.design` and :mod:`~sim.experiments.sweep` design and run sweeps into a
results folder (:mod:`~sim.experiments.store`); :mod:`~sim.experiments.summaries` summarises its
runs; :mod:`~sim.experiments.engines` runs tasks on processes or Dask;
:mod:`~sim.experiments.preflight` checks a job before it starts.

The layer builds on the world (:mod:`sim.world`), the words (:mod:`sim.i18n`) and the
declaration (:mod:`sim.params`, :mod:`sim.scenario`); it never imports the analysis or the app.
"""

from ..package import submodule


def __getattr__(name: str):
    """A submodule on first use, as ``import sim; sim.experiments.sweep`` expects."""
    return submodule(__name__, name)
