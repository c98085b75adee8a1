"""The app: the command line, the dashboards, the SolaraViz page and the team server.

:mod:`~sim.app.cli` (``python -m sim``), :mod:`~sim.app.dashboards` (ipywidgets, served by
Voila from ``notebooks/app.ipynb``), :mod:`~sim.app.serve` (one server and worker pool for a
team) and :mod:`~sim.app.solara_app` (Mesa's own browser page). The top layer: it may use
every other, and none uses it.
"""

from ..package import submodule


def __getattr__(name: str):
    """A submodule on first use, as ``import sim; sim.app.cli`` expects."""
    return submodule(__name__, name)
