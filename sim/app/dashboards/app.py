"""The planner's app: every dashboard in one page, as tabs.

``notebooks/app.ipynb`` shows :class:`WorkbenchApp`; ``make app`` serves it with Voila.
Tabs: **Compare** (baseline versus reform), **Explore** (one policy, its daily series and
the institution network), **Frontier** (sweeps, the risk-utility frontier and the
sensitivity ranking) and **The debate** (the article's claims as one-click experiments with
computed verdicts). The dashboards that run models share one warm worker pool.
"""

from __future__ import annotations

import os

import ipywidgets as W

from ...i18n import LANGUAGES, tr
from .comparison import ComparisonDashboard
from .debate import DebateDashboard
from .explorer import PolicyExplorer
from .frontier import FrontierDashboard
from .runner import Runner

__all__ = ["WorkbenchApp"]

INTRO = ("<h1 style='margin-bottom:0'>Health-data policy workbench</h1>"
         "<p style='max-width:900px;color:#444'>How a national electronic health record "
         "would trade privacy-leak risk for clinical information, under the policy you "
         "choose. <b>Compare</b> a reform with a baseline; <b>Explore</b> one policy in "
         "detail; see the <b>Frontier</b> of many policies from a sweep; test the claims of "
         "<b>the debate</b>.</p>")


class WorkbenchApp(W.VBox):
    """The app's page: an introduction and one tab per dashboard.

    Args:
        baseline: the comparison's starting baseline (bundled name).
        reform: the comparison's starting reform (bundled name).
        runner: the worker pool shared by the comparison and the explorer.
        query: a URL query to open the comparison with (default: the page's own, which
            Voila passes to the kernel as ``QUERY_STRING``; see
            :meth:`ComparisonDashboard.link_query`).
    """

    def __init__(self, baseline: str = "national_plan_2025", reform: str = "on_device_consent",
                 runner: Runner | None = None, query: str | None = None) -> None:
        self.runner = runner or Runner()
        self.compare = ComparisonDashboard(baseline=baseline, reform=reform, runner=self.runner)
        self.explore = PolicyExplorer(scenario=reform, runner=self.runner)
        self.frontier = FrontierDashboard(runner=self.runner)
        self.debate = DebateDashboard(runner=self.runner)
        self.tabs = W.Tab(children=[self.compare, self.explore, self.frontier, self.debate],
                          titles=("Compare", "Explore", "Frontier", "The debate"))
        self.tabs.add_class("app-tabs")
        self.intro = W.HTML(INTRO)
        self.language = W.ToggleButtons(options=[(name, code) for code, name in
                                                 LANGUAGES.items()], value="en")
        self.language.add_class("language-switch")
        self.language.observe(lambda c: self.set_language(c["new"]), names="value")
        super().__init__([W.HBox([self.intro, self.language]), self.tabs])
        # a link to a comparison opens with its inputs: Voila gives the kernel the page's
        # query string (QUERY_STRING); the Compare tab's "Link to these inputs" writes one
        query = os.environ.get("QUERY_STRING", "") if query is None else query
        if query:
            self.compare.open_link(query)

    def set_language(self, lang: str) -> None:
        """Labels, headings and verdicts in ``lang`` (English or Simplified Chinese)."""
        from .fonts import INSTALL_HINT, cjk_font

        missing = (f"<p class='font-missing' style='color:#b26a00'>{INSTALL_HINT}</p>"
                   if lang == "zh" and cjk_font() is None else "")
        self.intro.value = (f"<h1 style='margin-bottom:0'>{tr('app_title', lang)}</h1>"
                            f"<p style='max-width:900px;color:#444'>{tr('app_intro', lang)}</p>"
                            + missing)
        self.tabs.titles = tuple(tr(k, lang) for k in ("tab_compare", "tab_explore",
                                                          "tab_frontier", "tab_debate"))
        self.compare.set_language(lang)
        self.explore.set_language(lang)
        self.frontier.set_language(lang)
        self.debate.set_language(lang)
