"""Dashboards (ipywidgets) for planners and researchers, built from the parameter declaration.

* :class:`PolicyExplorer` - one scenario, every lever, outcomes with intervals, time series,
  the institution network;
* :class:`ComparisonDashboard` - baseline versus reform on the same seeds, a plain-language
  verdict, who bears the risk and who gains, HTML report and scenario export;
* :class:`FrontierDashboard` - a sweep's risk-utility frontier and sensitivity ranking.

Each is a widget: display it in Jupyter (``dash = ComparisonDashboard(); dash``) or serve
``notebooks/app.ipynb`` with Voila for planners without Jupyter.
"""

from .comparison import ComparisonDashboard
from .controls import ParameterPanel
from .explorer import PolicyExplorer
from .frontier import FrontierDashboard
from .runner import Runner

__all__ = ["ComparisonDashboard", "FrontierDashboard", "ParameterPanel", "PolicyExplorer",
           "Runner"]
