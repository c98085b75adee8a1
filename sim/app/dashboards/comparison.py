"""Baseline versus reform: the planner's dashboard.

What is on screen is always the answer to the inputs it says it answers: every result
carries the key of the exact inputs it was computed from
(:meth:`ComparisonDashboard.inputs_key`: both scenarios' parameter hashes, the seed and the
replications; a provisional result, those of the run in progress); whenever the
controls no longer give that key the result is marked out of date; a new run clears the
previous figures and downloads; a run can be cancelled; failed replications are shown as
failures; inputs the model refuses are refused at the controls, with the reason.
"""

from __future__ import annotations

import html
import math
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import CancelledError
from pathlib import Path

import ipywidgets as W
import pandas as pd

from ...analysis import comparison_verdict
from ...analysis.verdicts import information_sources, winners_sentence
from ...experiments.experiment import CompareResult
from ...experiments.robustness import DEFAULT_WORLDS
from ...i18n import choice_label, lever_label, param_help, tr
from ...scenario import Scenario, ScenarioError, export_reform_yaml, load_scenario
from .common import (
    Background,
    Cancelled,
    Settings,
    checked_inputs_key,
    download_link,
    failed_runs,
    first_error,
    image,
    plain_message,
    scenario_label,
    scenario_names,
)
from .controls import ParameterPanel
from .plots import (
    group_changes,
    plot_differences,
    plot_group_changes,
    plot_timeseries,
    plot_tradeoff,
    plot_winners,
    plot_worlds,
    png,
)
from .report import (
    brief_report,
    comparison_report,
    differences_table,
    group_changes_table,
    robustness_table,
)
from .runner import Runner, repair_note

__all__ = ["ComparisonDashboard"]

#: the figures' titles (the report's headings) by their catalogue keys
_FIG_KEYS = {"tradeoff": "rp_fig_tradeoff", "groups": "rp_fig_groups",
             "differences": "rp_fig_differences", "daily": "rp_fig_daily",
             "winners": "rp_fig_winners", "worlds": "rp_fig_worlds"}
#: ... each figure's English title (what the dashboard keys its figures by)
_TITLE = {name: tr(key) for name, key in _FIG_KEYS.items()}
#: the catalogue key of each English title
_FIGURES = {tr(key): key for key in _FIG_KEYS.values()}


class ComparisonDashboard(W.VBox):
    """Two scenarios side by side on the same seeds, with a plain-language verdict.

    Args:
        baseline: starting baseline (bundled name).
        reform: starting reform (bundled name).
        runner: a :class:`~sim.app.dashboards.runner.Runner` (default: a new one).
        reps: default replications.
        residents: default simulated residents.
        worlds: plausible worlds the robustness stage runs after the replication verdict
            (0: none).
    """

    def __init__(self, baseline: str = "status_quo", reform: str = "national_plan_2025",
                 runner: Runner | None = None, reps: int = 10,
                 residents: int | None = None, worlds: int = DEFAULT_WORLDS) -> None:
        self.runner = runner or Runner()
        names = scenario_names()
        self.baseline = W.Dropdown(options=names, value=baseline, description="Baseline")
        self.reform = W.Dropdown(options=names, value=reform, description="Reform from")
        self.levers = ParameterPanel(load_scenario(reform).params, kinds=("lever",))
        self.assumptions = ParameterPanel(load_scenario(baseline).params,
                                          kinds=("uncertainty",))
        self.settings = Settings(reps=reps, **({"residents": residents} if residents else {}))
        self.worlds = W.Dropdown(
            options=[("none: replication noise only", 0), ("8", 8), ("16", 16), ("32", 32),
                     ("64", 64)], value=worlds, description="Plausible worlds",
            style={"description_width": "initial"}, layout=W.Layout(width="300px"))
        self.worlds.add_class("worlds-choice")
        self.worlds_note = W.HTML()  # what the robustness stage will cost, before it runs
        self.worlds_note.add_class("worlds-note")
        self._relabelling = False  # the worlds control is being relabelled (no value change)
        self.worlds.observe(lambda _: self._relabelling or self._note_worlds(), names="value")
        self._note_worlds()
        self.button = W.Button(description="Compare", button_style="primary", icon="play")
        self.button.add_class("compare-button")
        self.cancel = W.Button(description="Cancel", icon="stop", disabled=True)
        self.cancel.add_class("cancel-button")
        self.invalid = W.HTML()
        self.invalid.add_class("invalid-inputs")
        self.work = Background(self.button, cancel=self.cancel)
        self.verdict = W.HTML(f"<i>{tr('press_compare')}</i>")
        #: the message in the verdict's place while no verdict is shown (drawn again in a
        #: new language): ``lang -> HTML``
        self._message: Callable[[str], str] | None = (
            lambda lang: f"<i>{tr('press_compare', lang)}</i>")
        self.verdict.add_class("verdict")
        self.table = W.HTML()
        self.fig_tradeoff, self.fig_groups = image(width="640px"), image()
        self.fig_diff, self.fig_time = image(), image()
        self.fig_tradeoff.add_class("figure-tradeoff")
        self.fig_groups.add_class("figure-groups")
        self.fig_diff.add_class("figure-differences")
        self.fig_winners = image()  # residents better and worse off, resident by resident
        self.fig_winners.add_class("figure-winners")
        self.winners_note = W.HTML()
        self.winners_note.add_class("winners-note")
        self.info_note = W.HTML()  # where a change in clinical information comes from
        self.info_note.add_class("information-sources")
        self.changes = W.HTML()  # what the reform changes, before anything runs
        self.changes.add_class("reform-changes")
        self.groups_table = W.HTML()
        self.robust = W.HTML()  # the robustness stage: each outcome across the worlds
        self.robust.add_class("robustness-panel")
        self.fig_worlds = image()
        self.fig_worlds.add_class("figure-worlds")
        self.exports = W.HTML()
        self.stale = W.HTML()
        self.stale.add_class("stale-flag")
        self.answered = W.HTML()  # which inputs the result on screen answers
        self._answered_args: dict | None = None
        self.answered.add_class("result-inputs")
        self.runs_done = 0
        self.results_box: W.VBox | None = None
        self.result: CompareResult | None = None
        self.result_key: tuple | None = None  # the inputs of what is on screen
        self.running_key: tuple | None = None  # the inputs of the run in progress
        self._confirm_key: tuple | None = None  # inputs whose cost was shown, awaiting a click
        self.timing: dict[str, float] = {}
        self._robust_message: Callable[[str], str] | None = None  # the worlds stage's message
        self._baseline_name = baseline  # the baseline file the downloads extend

        #: a reform YAML from the planner's computer: the app's own export or any scenario
        self.upload = W.FileUpload(accept=".yaml,.yml", multiple=False,
                                   description="Open a reform file", icon="upload",
                                   tooltip=tr("open_reform_file_tip"),
                                   layout=W.Layout(width="260px"))
        self.upload.add_class("reform-upload")
        self.upload.observe(self._on_upload, names="value")
        self.share = W.HTML()  # a link that opens the app with these inputs
        self.share.add_class("share-link")
        # keeps the page's address in step with the inputs (a script run in the browser:
        # reloading the page, or copying its address, keeps the inputs)
        self._address = W.Output(layout=W.Layout(display="none"))
        self._upload_dir: Path | None = None
        self._uploaded: dict[str, str] = {}  # uploaded reform files: path -> scenario name
        self.reform.observe(self._on_reform, names="value")
        self.baseline.observe(self._on_baseline, names="value")
        self.levers.observe_all(self._on_change)
        self.assumptions.observe_all(self._on_change)
        for w in (*self.settings.children, self.worlds):
            w.observe(self._on_change, names="value")
        self.button.on_click(lambda _: self.compare())

        self.lang = "en"
        #: held while the result's text, charts and downloads are written (by the run, or
        #: by a language switch), so that the two never interleave
        self._screen = threading.RLock()
        h = self._headings = {key: W.HTML(f"<h3>{tr(key)}</h3>") for key in (
            "scenarios", "reform_levers", "assumptions", "verdict", "who_gains",
            "every_outcome", "over_time", "by_group_table", "across_worlds")}
        self._title = W.HTML(f"<h2>{tr('compare_title')}</h2><p style='max-width:900px'>"
                             f"{tr('compare_help')}</p>")
        left = W.VBox([h["scenarios"], self.baseline, self.reform, self.upload, self.share,
                       self._address, self.changes,
                       h["reform_levers"], self.levers, h["assumptions"], self.assumptions],
                      layout=W.Layout(width="500px"))
        self.results_box = W.VBox([
            self.answered, self.verdict, self.fig_tradeoff,
            h["across_worlds"], self.robust, self.fig_worlds,
            h["who_gains"], self.fig_groups, self.winners_note, self.fig_winners,
            self.exports,
            h["every_outcome"], self.table, self.info_note, self.fig_diff,
            h["over_time"], self.fig_time, h["by_group_table"], self.groups_table])
        self.results_box.add_class("comparison-results")
        right = W.VBox([h["verdict"], self.stale, self.results_box],
                       layout=W.Layout(flex="1"))
        super().__init__([self._title, W.HBox([self.settings, self.worlds, self.worlds_note]),
                          W.HBox([self.button, self.cancel, self.work.progress,
                                  self.work.status]),
                          self.invalid, W.HBox([left, right])])
        self.add_class("comparison-dashboard")
        self._clear_figures()
        self._on_change(None)

    # ------------------------------------------------------------------- inputs
    def _on_reform(self, change) -> None:
        if self._relabelling:  # the uploaded files' labels change language: no new inputs
            return
        self.levers.set_values(load_scenario(change["new"]).params)
        self._on_change(None)  # a new reform file is new inputs even if no lever moved

    def _on_baseline(self, change) -> None:
        if self._relabelling:
            return
        self.assumptions.set_values(load_scenario(change["new"]).params)
        self._on_change(None)

    # ----------------------------------------------------------- inputs by link
    def link_query(self) -> str:
        """The inputs on screen as a URL query: open ``?<query>`` to get them back.

        ``baseline`` and ``reform`` (bundled names; an uploaded reform is carried by its
        lever values), ``lever.<name>`` for each lever that differs from the reform's file,
        ``assume.<name>`` for each assumption edited from the baseline's file, and the run
        settings (``residents``, ``days``, ``seed``, ``reps``, ``worlds``). Values are JSON.
        """
        import json
        from urllib.parse import urlencode

        bundled = set(scenario_names())
        reform = self.reform.value if self.reform.value in bundled else self.baseline.value
        start, base = load_scenario(reform), load_scenario(self.baseline.value)
        query = [("baseline", self.baseline.value), ("reform", reform)]
        query += [(f"lever.{k}", json.dumps(v)) for k, v in self.levers.values().items()
                  if start.params[k] != v]
        query += [(f"assume.{k}", json.dumps(v)) for k, v in self.assumptions.values().items()
                  if base.params[k] != v]
        s = self.settings
        query += [("residents", s.residents.value), ("days", s.days.value),
                  ("seed", s.seed.value), ("reps", s.reps.value), ("worlds", self.worlds.value)]
        return urlencode(query)

    def _share_html(self) -> str:
        try:
            q = self.link_query()
        except Exception:  # an input the model refuses: no link until it is fixed
            return ""
        self._set_address(q)
        return (f"<a class='share-link-a' href='?{html.escape(q)}' target='_top' "
                f"style='font-size:0.85em'>{tr('share_link', self.lang)}</a> <span "
                f"style='color:#777;font-size:0.8em'>{tr('share_help', self.lang)}</span>")

    def _set_address(self, query: str) -> None:
        """Put ``query`` in the page's address without reloading (history.replaceState).

        Only in the served app (Voila tells the kernel ``SERVER_SOFTWARE=voila/…``): in
        JupyterLab the address belongs to the Lab, not to this dashboard.
        """
        import json
        import os

        if not os.environ.get("SERVER_SOFTWARE", "").lower().startswith("voila"):
            return
        from IPython.display import Javascript, display

        self._address.clear_output()
        with self._address:
            display(Javascript(
                "try { const u = new URL(window.top.location.href); u.search = "
                f"{json.dumps(query)}; window.top.history.replaceState(null, '', u); "
                "} catch (e) {}"))

    def open_link(self, query: str) -> bool:
        """Set the inputs from a URL query made by :meth:`link_query` (the page's link).

        Every value passes the input gate first: a link with an unknown name or a value the
        model refuses changes nothing, and the status line names the field and what is
        allowed.

        Returns:
            Whether the inputs were set.
        """
        import json
        from urllib.parse import parse_qsl

        def refuse(why: Callable[[str], str]) -> bool:
            self.work.say(lambda lang: "<span class='link-refused' style='color:#c62828'>"
                          + html.escape(tr("rp_link_refused", lang).format(why=why(lang)))
                          + "</span>")
            return False

        pairs = parse_qsl(query.lstrip("?"), keep_blank_values=True)
        if not pairs:
            return False
        given = dict(pairs)
        names = set(scenario_names())
        baseline = given.pop("baseline", self.baseline.value)
        reform = given.pop("reform", self.reform.value)
        for field, value in (("baseline", baseline), ("reform", reform)):
            if value not in names:
                return refuse(lambda lang, f=field, v=value: tr("rp_link_unknown", lang).format(
                    field=f, value=v, allowed=", ".join(sorted(names))))
        levers, assume = {}, {}
        settings = {}
        for key, text in given.items():
            group, _, name = key.partition(".")
            try:
                value = json.loads(text) if group in ("lever", "assume") else int(text)
            except ValueError:
                return refuse(lambda lang, k=key, x=text: tr("rp_link_not_value", lang).format(
                    key=k, text=x))
            if group == "lever" and name in self.levers.controls:
                levers[name] = value
            elif group == "assume" and name in self.assumptions.controls:
                assume[name] = value
            elif key in ("residents", "days", "seed", "reps", "worlds"):
                settings[key] = value
            else:
                return refuse(lambda lang, k=key: tr("rp_link_not_input", lang).format(key=k))
        try:  # the input gate, before any control moves
            load_scenario(reform).with_overrides({**assume, **levers})
            load_scenario(baseline).with_overrides(assume)
        except ScenarioError as exc:
            why = str(exc).removeprefix("override: ").splitlines()[0]
            return refuse(lambda lang: plain_message(why, lang))
        s = self.settings
        for key, widget in (("residents", s.residents), ("worlds", self.worlds)):
            allowed = [o[1] if isinstance(o, tuple) else o for o in widget.options]
            if key in settings and settings[key] not in allowed:
                return refuse(lambda lang, k=key, v=settings[key], a=allowed: tr(
                    "rp_link_not_offered", lang).format(
                        key=k, value=v, allowed=", ".join(str(x) for x in a)))
        for key, widget in (("days", s.days), ("reps", s.reps), ("seed", s.seed)):
            if key in settings and not widget.min <= settings[key] <= widget.max:
                return refuse(lambda lang, k=key, v=settings[key], w=widget: tr(
                    "rp_link_range", lang).format(key=k, value=v, low=w.min, high=w.max))
        self.baseline.value = baseline  # the files' own values first, then the link's
        self.reform.value = reform
        self.levers.set_values({**load_scenario(reform).params, **levers})
        self.assumptions.set_values({**load_scenario(baseline).params, **assume})
        for key, widget in (("residents", s.residents), ("days", s.days), ("seed", s.seed),
                            ("reps", s.reps), ("worlds", self.worlds)):
            if key in settings:
                widget.value = settings[key]
        self._on_change(None)
        return True

    def _on_upload(self, change) -> None:
        files = change["new"]
        if files:
            f = files[0]
            self.open_reform(f["name"], bytes(f["content"]))

    def open_reform(self, filename: str, content: bytes) -> bool:
        """Open a reform YAML (an upload): the reform starts from it, with its run size.

        The file passes the same input gate as any scenario file; a file the gate refuses
        changes nothing and the status line gives its one-line reason. A loaded reform is
        added to "Reform from" as "<name> (uploaded)" and chosen, so its levers and
        assumptions fill the controls; its simulated residents and days become the run
        settings where the controls offer them.

        Returns:
            Whether the file was opened.
        """
        from ...experiments.preflight import safe_filename

        def refuse(why: Callable[[str], str]) -> bool:
            self.work.say(lambda lang: "<span class='upload-refused' style='color:#c62828'>"
                          + html.escape(tr("rp_upload_refused", lang).format(
                              file=filename, why=why(lang))) + "</span>")
            return False

        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            return refuse(lambda lang: tr("rp_upload_not_text", lang))
        if self._upload_dir is None:
            self._upload_dir = Path(tempfile.mkdtemp(prefix="reforms_"))
        stem = safe_filename(Path(filename).stem)[:80] or "reform"
        path = self._upload_dir / f"{stem}.yaml"
        k = 1
        while path.exists():
            k += 1
            path = self._upload_dir / f"{stem}_{k}.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            scen = load_scenario(path)
        except ScenarioError as exc:
            path.unlink(missing_ok=True)
            why = str(exc).splitlines()[0].replace(str(path), filename)
            return refuse(lambda lang: plain_message(why, lang))
        options = [o if isinstance(o, tuple) else (o, o) for o in self.reform.options]
        self._uploaded[str(path)] = scen.name
        self.reform.options = [*options, (tr("rp_uploaded", self.lang).format(name=scen.name),
                                          str(path))]
        self.reform.value = str(path)
        settings = self.settings
        if scen.params["n_residents"] in settings.residents.options:
            settings.residents.value = scen.params["n_residents"]
        if settings.days.min <= scen.params["n_days"] <= settings.days.max:
            settings.days.value = scen.params["n_days"]
        self.work.say(lambda lang: "<span class='upload-opened'>" + html.escape(
            tr("rp_upload_opened", lang).format(file=filename, name=scen.name)) + "</span>")
        return True

    def _answer_line(self) -> None:
        """Which inputs the result on screen answers, in the page's language."""
        self.answered.value = (
            "<div style='color:#555;font-size:0.9em'>"
            + html.escape(tr("result_line", self.lang).format(**{
                **self._answered_args, "a": scenario_label(self._answered_args["a"], self.lang),
                "b": scenario_label(self._answered_args["b"], self.lang)}))
            + "</div>")

    def _note_worlds(self) -> None:
        """Say beside the control what the robustness stage will run after the verdict."""
        n = self.worlds.value
        runs = 2 * _world_runs_per_arm(n)
        lang = getattr(self, "lang", "en")
        self.worlds_note.value = (
            f"<span style='color:#555;font-size:0.85em'>"
            f"{tr('worlds_then', lang).format(runs=runs, n=n)}</span>" if n else
            f"<span style='color:#b26a00;font-size:0.85em'>{tr('worlds_noise', lang)}</span>")

    def _on_change(self, _change) -> None:
        """Any control changed: refuse invalid inputs, mark a result for other inputs."""
        if self._relabelling:
            return
        key = checked_inputs_key(self, tr("cannot_run", self.lang))
        if key is not None:
            self.changes.value = self._changes_html()
            self.share.value = self._share_html()
        self._mark(key)

    def set_language(self, lang: str) -> None:
        """Show labels, headings and the verdict in ``lang`` (``"en"`` or ``"zh"``).

        Everything on screen is written again in ``lang`` from what is already there: the
        message or verdict, the status line, the tables, the charts and the downloads (the
        brief and the report are made again in ``lang``). Nothing is recomputed and the
        result is not marked out of date.
        """
        with self._screen:  # never between a run's writes
            self.lang = lang
            for key, widget in self._headings.items():
                widget.value = f"<h3>{tr(key, lang)}</h3>"
            self._title.value = (f"<h2>{tr('compare_title', lang)}</h2><p style='max-width:"
                                 f"900px'>{tr('compare_help', lang)}</p>")
            self.button.description = tr("compare", lang)
            self.cancel.description = tr("cancel", lang)
            self.baseline.description = tr("baseline", lang)
            self.reform.description = tr("reform_from", lang)
            self.settings.set_language(lang)
            self.worlds.description = tr("plausible_worlds", lang)
            self.work.set_language(lang)  # the status line on screen too
            self.upload.description = tr("open_reform_file", lang)
            self.upload.tooltip = tr("open_reform_file_tip", lang)
            worlds, reform, self._relabelling = self.worlds.value, self.reform.value, True
            try:  # relabelling passes through the first option: put the value back
                self.worlds.options = [(tr("worlds_none", lang), 0),
                                       *((str(n), n) for n in (8, 16, 32, 64))]
                self.worlds.value = worlds
                if self._uploaded:  # "<name> (uploaded)" in the new language
                    self.reform.options = [
                        (tr("rp_uploaded", lang).format(name=self._uploaded[value]), value)
                        if value in self._uploaded else (label, value)
                        for label, value in (o if isinstance(o, tuple) else (o, o)
                                             for o in self.reform.options)]
                    self.reform.value = reform
            finally:
                self._relabelling = False
            self._note_worlds()
            if self._answered_args is not None:
                self._answer_line()
            self.levers.set_language(lang)
            self.assumptions.set_language(lang)
            if self._message is not None:  # no verdict on screen: the message in its place
                self.verdict.value = self._message(lang)
            if self._robust_message is not None:
                self.robust.value = self._robust_message(lang)
            if self.result is not None and self.result_key is not None:
                self._show_verdict(self.result)
                if not _failures(self.result):
                    # the charts, tables and downloads in the new language, from the same
                    # result (also during the worlds stage: the run waits for this)
                    self._figs, self._group_changes = self._draw(self.result, in_job=False)
                    rob = self.result.robustness
                    if rob is not None:
                        self.robust.value = robustness_table(rob, lang=lang)
                        self.fig_worlds.value = png(plot_worlds(rob, lang=lang))
                    self._exports(self.result, self._baseline_name)
            self._on_change(None)

    def _changes_html(self) -> str:
        """What the reform sets differently from the baseline, in plain words."""
        a, b = self.scenarios()
        diff = b.diff(a)
        if not diff:
            return f"<div style='color:#b26a00'>{tr('same_as_baseline', self.lang)}</div>"
        items = "".join(
            f"<li title='{html.escape(param_help(k, self.lang))}'>"
            f"{html.escape(lever_label(k, self.lang))}: "
            f"{html.escape(_show_value(a.params[k], self.lang, k))} → "
            f"{html.escape(_show_value(v, self.lang, k))}</li>"
            for k, v in diff.items())
        return (f"<details><summary>{tr('reform_changes', self.lang).format(n=len(diff))}"
                "</summary>"
                f"<ul style='font-size:0.9em;margin:0'>{items}</ul></details>")

    def _mark(self, key: tuple | None) -> None:
        """Flag the result on screen as out of date unless ``key`` is its inputs.

        A provisional verdict answers the inputs of the run in progress.
        """
        shown = self.result_key if self.result_key is not None else self.running_key
        if shown is None or key == shown:
            self.stale.value = ""
            if self.results_box is not None:
                self.results_box.remove_class("out-of-date")
                self.results_box.layout.opacity = None
            return
        self.stale.value = ("<div class='stale' style='color:#b26a00;font-weight:bold'>"
                            f"{tr('out_of_date', self.lang)}</div>")
        self.results_box.add_class("out-of-date")
        self.results_box.layout.opacity = "0.45"

    def scenarios(self) -> tuple[Scenario, Scenario]:
        """The two arms as the controls now define them.

        Each arm keeps its own file's assumptions, except those edited in the assumptions
        panel (which apply to both); run settings apply to both.

        Raises:
            ScenarioError: for inputs the model refuses (with the reason).
        """
        base_file = load_scenario(self.baseline.value)
        edited_assumptions = {k: v for k, v in self.assumptions.values().items()
                              if base_file.params[k] != v}
        shared = {**edited_assumptions, **self.settings.overrides()}
        base = base_file.with_overrides(shared)
        start = load_scenario(self.reform.value)
        levers = self.levers.values()
        edited = {k: v for k, v in levers.items() if start.params[k] != v}
        name = f"{start.name} (edited)" if edited else start.name
        if name == base.name:
            name = f"{name} (reform)"
        reform = start.with_overrides({**shared, **levers}, name=name)
        return base, reform

    def inputs_key(self) -> tuple:
        """The exact inputs of a comparison: both arms' parameters, seed, replications, worlds."""
        a, b = self.scenarios()
        return (a.sha256, b.sha256, b.name, self.settings.seed.value,
                self.settings.reps.value, self.worlds.value)

    # ------------------------------------------------------------------ running
    def compare(self, block: bool = False) -> None:
        """Run the comparison (in the background unless ``block``) and show it."""
        if self.work.busy:  # one run at a time; touch nothing of the one in progress
            self.work.say(lambda lang: tr("status_busy", lang))
            return

        def not_run(why: str) -> None:
            self.work.say(lambda lang: "<span style='color:#c62828'>" + html.escape(
                tr("rp_not_run", lang).format(why=plain_message(why, lang))) + "</span>")

        try:
            a, b = self.scenarios()
            key = self.inputs_key()
        except ScenarioError as exc:  # refused at the controls: say why, run nothing
            self._on_change(None)
            not_run(str(exc).removeprefix("override: "))
            return
        seed, reps = self.settings.seed.value, self.settings.reps.value
        worlds = self.worlds.value
        try:
            if not self._confirmed(a, b, reps, worlds, key):
                return
        except ValueError as exc:  # the shared cluster cannot be reached (named)
            not_run(str(exc))
            return
        baseline_name = self.baseline.value  # what the exports extend, as of this run
        # what was on screen answers other inputs (or these, about to be recomputed): clear
        self.result, self.result_key, self.running_key = None, None, key
        self._clear_figures(lambda lang: f"<i>{tr('running', lang)}</i>")
        self._mark(self._current_key())

        def job():
            t0 = time.perf_counter()
            self.timing = {}

            def provisional(partial_cmp: CompareResult) -> None:
                self.work.check()
                with self._screen:
                    self._show_verdict(partial_cmp, provisional=reps)
                self._mark(self._current_key())
                self.timing.setdefault("first_provisional_s", time.perf_counter() - t0)

            cmp = self.runner.compare(a, b, seed, reps, progress=self.work.on_progress,
                                      partial=provisional, stop=self.work.cancelled)
            self.work.check()
            t1 = time.perf_counter()
            with self._screen:  # a language switch meanwhile waits, then redraws all of it
                self._show(cmp, t0, baseline_name)
                self.runs_done += 1
                self._answered_args = dict(
                    n=self.runs_done, a=a.name, b=b.name, reps=reps, seed=seed,
                    residents=a.params["n_residents"], days=a.params["n_days"])
                self._answer_line()
                self.result, self.result_key, self.running_key = cmp, key, None
                self._mark(self._current_key())
            self.timing.update(runs_s=t1 - t0, total_s=time.perf_counter() - t0)
            failed = _failures(cmp)
            self._repaired = [_repairs(self.runner)]  # the worlds stage adds its own
            seconds, cached = self.timing["total_s"], self.work.ran == 0

            def status(lang: str) -> str:
                return (tr("status_done", lang).format(s=seconds, runs=2 * reps)
                        + (f", <span class='from-cache'>{tr('status_all_cached', lang)}</span>"
                           if cached else "")
                        + (tr("status_failed", lang).format(n=failed) if failed else "")
                        + tr("rp_close", lang) + _repairs_html(self._repaired, lang))

            self.work.say(status)
            if worlds and not failed:
                self._across_worlds(cmp, worlds, baseline_name, t1 - t0)

        def stopped(message: Callable[[str], str]) -> None:  # nothing half-shown stays
            self.result, self.result_key, self.running_key = None, None, None
            self._clear_figures(message)
            self._mark(None)

        def failed(exc: Exception) -> None:
            why = str(exc)
            stopped(lambda lang: "<div class='verdict-failed' style='color:#c62828'>"
                    + html.escape(tr("rp_failed", lang).format(why=plain_message(why, lang)))
                    + "</div>")

        self.work.start(job, block=block,
                        on_cancel=lambda: stopped(
                            lambda lang: f"<i>{tr('rp_cancelled_nothing', lang)}</i>"),
                        on_error=failed,
                        can_run=lambda: self._current_key() is not None)

    #: a comparison expected to take longer than this (seconds) waits for a second click: the
    #: default one, its robustness stage included, is estimated at ~35 s on two workers
    #: (measured 45-55 s; sim.experiments.preflight's run times, re-measured for issue 19) and
    #: starts at once; 50 replications of 50,000 residents for three years ask first
    CONFIRM_SECONDS = 60.0
    #: ... and one whose runs together need more than this share of the machine's memory
    CONFIRM_MEMORY_SHARE = 0.5

    def estimate(self, a: Scenario, b: Scenario, reps: int, worlds: int) -> tuple[float, float]:
        """Expected wall time (s) and peak memory (bytes) of a comparison on this pool.

        From :func:`sim.experiments.preflight.estimate` (time and memory of one run from its
        parameters, measured on the project's machine): the 2 × ``reps`` replications, then the
        robustness stage's runs at its own size, shared among the pool's workers; memory is
        one run per worker at once.
        """
        from ...experiments.preflight import estimate
        from ...experiments.robustness import WORLD_RESIDENTS

        try:
            workers = max(getattr(self.runner, "workers", 1) or 1, 1)
        except OSError:  # the shared cluster went away meanwhile: the run will say so
            workers = 1
        ea, eb = estimate(a.params), estimate(b.params)
        seconds = reps * (ea.seconds + eb.seconds)
        if worlds:
            small = {"n_residents": min(int(a.params["n_residents"]), WORLD_RESIDENTS)}
            per = (estimate({**a.params, **small}).seconds
                   + estimate({**b.params, **small}).seconds)
            seconds += per * _world_runs_per_arm(worlds)
        return seconds / workers, max(ea.bytes, eb.bytes) * workers

    def _confirmed(self, a: Scenario, b: Scenario, reps: int, worlds: int, key) -> bool:
        """Whether to start now.

        A long or large comparison first says what it will cost and starts on the second
        click with the same inputs (issue 18, item 4).
        """
        from ...experiments.preflight import machine_memory

        seconds, need = self.estimate(a, b, reps, worlds)
        memory = machine_memory()
        big = need > self.CONFIRM_MEMORY_SHARE * memory
        if (seconds <= self.CONFIRM_SECONDS and not big) or self._confirm_key == key:
            self._confirm_key = None
            return True
        self._confirm_key = key

        def text(lang: str) -> str:
            when = (tr("rp_seconds", lang).format(n=seconds) if seconds < 120 else
                    tr("rp_minutes", lang).format(n=seconds / 60))
            mem = f"{need / 1e9:.1f} GB"
            if math.isfinite(memory):
                mem += tr("rp_of_machine", lang).format(gb=memory / 1e9)
            return tr("confirm", lang).format(
                when=when, mem=mem, runs=2 * reps, residents=a.params["n_residents"],
                days=a.params["n_days"],
                worlds=tr("confirm_worlds", lang).format(n=worlds) if worlds else "")

        self.work.say(lambda lang: "<span class='confirm-needed' style='color:#b26a00'>"
                      f"{html.escape(text(lang))}</span>")
        return False

    def _across_worlds(self, cmp: CompareResult, worlds: int, baseline_name: str,
                       runs_s: float) -> None:
        """The robustness stage (in the job, after the replication verdict is on screen).

        Runs the baseline and the reform in ``worlds`` plausible worlds
        (:mod:`sim.experiments.robustness`) on the warm pool, then adds the "how sure" line to the
        verdict, the table and figure of the worlds, and the robustness to the brief and the
        report. Cancel stops this stage alone: the replication verdict stays, marked as
        replication noise only.
        """
        from ...experiments import robustness as rb

        a, b = cmp.a.scenario, cmp.b.scenario

        def failed(exc: Exception) -> None:  # say so, and keep the replication verdict
            why = str(exc)
            self._say_robust(lambda lang: (
                "<div class='robustness-failed' style='color:#c62828'>" + html.escape(
                    tr("rp_worlds_failed", lang).format(why=plain_message(why, lang)))
                + "</div>"))
            self.work.say(lambda lang: tr("rp_worlds_failed_status", lang))

        try:
            plan = rb.plan_worlds(a, b, worlds, cmp.a.seed)
        except ValueError as exc:  # a world the model refuses
            failed(exc)
            return
        per_run = runs_s / max(len(cmp.a.runs) + len(cmp.b.runs), 1)
        est = per_run * plan.runs  # the replications' wall time per run, on the same pool
        self._say_robust(lambda lang: "<i>{}</i>".format(tr("testing_worlds", lang).format(
            n=worlds, runs=plan.runs,
            s="" if est < 1 else tr("rp_about_s", lang).format(s=est))))  # none when cached
        t0 = time.perf_counter()
        try:
            results, central = plan.execute(lambda sc, sd, r: self.runner.run_many(
                sc, sd, r, progress=self.work.on_progress, stop=self.work.cancelled))
            self.work.check()
        except (Cancelled, CancelledError):
            self._say_robust(lambda lang: (
                "<div class='robustness-cancelled' style='color:#b26a00'>"
                f"{tr('worlds_cancelled', lang)}</div>"))
            self.work.say(lambda lang: tr("worlds_cancelled_status", lang))
            return
        except RuntimeError as exc:  # worker processes kept dying (the Runner's message)
            failed(exc)
            return
        rob = rb.judge(plan, results, central)  # the runs are done: show them, even if
        with self._screen:                      # Cancel was pressed meanwhile
            cmp.robustness = rob
            self._show_verdict(cmp)
            self._robust_message = None
            self.robust.value = robustness_table(rob, lang=self.lang)
            self.fig_worlds.value = png(plot_worlds(rob, lang=self.lang))
            self.fig_worlds.layout.display = None
            self._exports(cmp, baseline_name)
        self.timing["worlds_s"] = time.perf_counter() - t0
        n_failed, seconds = rob.settings["failed_runs"], self.timing["worlds_s"]
        repairs = [*getattr(self, "_repaired", []), _repairs(self.runner)]

        def status(lang: str) -> str:
            failed = tr("rp_worlds_failed_runs", lang).format(n=n_failed) if n_failed else ""
            return (tr("rp_worlds_done", lang).format(n=worlds, runs=plan.runs, s=seconds,
                                                      failed=failed)
                    + _repairs_html(repairs, lang))

        self.work.say(status)

    def _say_robust(self, message: Callable[[str], str]) -> None:
        """Show ``message(lang)`` in the robustness stage's place, and again after a switch."""
        with self._screen:
            self._robust_message = message
            self.robust.value = message(self.lang)

    def _current_key(self) -> tuple | None:
        try:
            return self.inputs_key()
        except ScenarioError:
            return None

    def _clear_figures(self, verdict: Callable[[str], str] | None = None) -> None:
        """Empty every result slot (no stale figure, table or download stays on screen).

        ``verdict``: the message in the verdict's place, by language (default: press
        Compare to run).
        """
        with self._screen:
            self._message = verdict or (lambda lang: f"<i>{tr('press_compare', lang)}</i>")
            self.verdict.value = self._message(self.lang)
            self._robust_message = None
            self.answered.value = ""
            self._answered_args = None
            self.table.value = ""
            self.groups_table.value = ""
            self.winners_note.value = ""
            self.info_note.value = ""
            self.exports.value = ""
            self.robust.value = ""
            for fig in (self.fig_tradeoff, self.fig_groups, self.fig_diff, self.fig_time,
                        self.fig_worlds, self.fig_winners):
                fig.value = b""
                fig.layout.display = "none"

    def _show_verdict(self, cmp: CompareResult, provisional: int | None = None) -> None:
        """The verdict and the table; ``provisional``: out of how many replications."""
        a, b = cmp.a.scenario, cmp.b.scenario
        self._message = None  # a verdict, not a message, is in the verdict's place
        failed = _failures(cmp)
        if failed:  # a failure is shown as one, never as "no clear change"
            total = len(cmp.a.runs) + len(cmp.b.runs)
            error = plain_message(first_error(cmp.a, cmp.b), self.lang)
            self.verdict.value = (
                "<div class='verdict-text verdict-failed' style='font-size:1.1em;"
                "background:#fdecea;padding:0.8em;border-left:4px solid #c62828'>"
                + html.escape(tr("rp_reps_failed", self.lang).format(
                    failed=failed, total=total, error=error)) + "</div>")
            self.table.value = ""
            return
        lang = self.lang
        lines = comparison_verdict(cmp.differences,
                                   tr("rp_the_baseline", lang).format(
                                       name=scenario_label(a.name, lang)),
                                   tr("rp_the_reform", lang).format(
                                       name=scenario_label(b.name, lang)),
                                   robustness=cmp.robustness,
                                   **({"lang": lang} if lang != "en" else {}))
        note = ""
        if provisional:
            note = ("<div style='color:#b26a00;font-size:0.85em'>" + html.escape(
                tr("rp_provisional", lang).format(done=len(cmp.a.runs), total=provisional))
                + "</div>")
        self.verdict.value = ("<div class='verdict-text' style='font-size:1.1em;"
                              "background:#f3f6fa;padding:0.8em;border-left:4px solid #4c72b0'>"
                              + "<br>".join(html.escape(x) for x in lines) + note + "</div>")
        self.table.value = differences_table(cmp, self.lang)

    def _show(self, cmp: CompareResult, t0: float | None = None,
              baseline_name: str | None = None) -> None:
        """Verdict and table first (what a planner reads), then the figures and exports."""
        self._show_verdict(cmp)
        if t0 is not None:
            self.timing["verdict_s"] = time.perf_counter() - t0
        if _failures(cmp):
            return
        figs, changes = self._draw(cmp)
        self._figs, self._group_changes = figs, changes
        self._exports(cmp, baseline_name or self.baseline.value)

    def _draw(self, cmp: CompareResult, in_job: bool = True
              ) -> tuple[dict[str, bytes], pd.DataFrame]:
        """The figures, the group table and the notes, in the page's language.

        ``in_job``: drawn by the run (which stops here if Cancel was pressed), not by a
        language switch.
        """
        a, b = cmp.a.scenario, cmp.b.scenario
        figs = {  # keyed by each figure's English title (its catalogue key: _FIGURES)
            _TITLE["tradeoff"]: png(plot_tradeoff(cmp, lang=self.lang)),
            _TITLE["groups"]: png(plot_group_changes(cmp, self.lang)),
            _TITLE["differences"]: png(plot_differences(cmp.differences, lang=self.lang)),
            _TITLE["daily"]: png(plot_timeseries({scenario_label(a.name, self.lang): cmp.a.daily,
                                                  scenario_label(b.name, self.lang): cmp.b.daily},
                                                 lang=self.lang)),
        }
        if in_job:
            self.work.check()
        for fig, value in zip((self.fig_tradeoff, self.fig_groups, self.fig_diff,
                               self.fig_time), figs.values(), strict=True):
            fig.value = value
            fig.layout.display = None
        changes = group_changes(cmp)
        self.groups_table.value = group_changes_table(changes, self.lang)
        sources = information_sources(cmp.a.runs, cmp.b.runs, self.lang)
        self.info_note.value = (f"<div style='max-width:900px;color:#333;margin:0.4em 0'>"
                                f"{html.escape(sources)}</div>" if sources else "")
        try:  # kept by the Runner; refused when the arms are not the same people
            winners = (cmp.winners() if len(cmp.a.residents) and len(cmp.b.residents)
                       else None)
        except ValueError as exc:
            winners = None
            self.winners_note.value = (f"<div style='color:#777;max-width:900px'>"
                                       f"{html.escape(plain_message(str(exc), self.lang))}"
                                       "</div>")
            self.fig_winners.value = b""
            self.fig_winners.layout.display = "none"
        if winners is not None:
            figs[_TITLE["winners"]] = png(plot_winners(winners, self.lang))
            self.fig_winners.value = figs[_TITLE["winners"]]
            self.fig_winners.layout.display = None
            self.winners_note.value = (
                "<div style='max-width:900px;color:#333'>"
                f"{html.escape(winners_sentence(winners, self.lang))} "
                f"<span style='color:#777'>{html.escape(tr('winners_help', self.lang))}"
                "</span></div>")
        return figs, changes

    def _exports(self, cmp: CompareResult, baseline_name: str) -> None:
        """The downloads: the brief, the full report and the reform scenario.

        Made again when the robustness stage adds to the result; until it has, the brief
        and the report say that it did not run.
        """
        a, b = cmp.a.scenario, cmp.b.scenario
        lang = self.lang
        self._baseline_name = baseline_name  # made again on a language switch
        figs = dict(self._figs)
        if cmp.robustness is not None:
            figs[_TITLE["worlds"]] = (self.fig_worlds.value if self.fig_worlds.value else
                                     png(plot_worlds(cmp.robustness, lang=lang)))
        titled = {tr(_FIGURES[title], lang): value for title, value in figs.items()}
        report = comparison_report(cmp, titled, self._group_changes, lang).encode("utf-8")
        yaml_text = export_reform_yaml(a, b, baseline_name, seed=cmp.a.seed,
                                       reps=len(cmp.a.runs)).encode("utf-8")
        reform_file = f"{_slug(b.name)}.yaml"
        brief = brief_report(cmp, figs[_TITLE["tradeoff"]], baseline_name, reform_file,
                             lang).encode("utf-8")
        self.exports.value = (
            download_link(brief, f"brief_{_slug(b.name)}_vs_{a.name}.html", "text/html",
                          tr("rp_dl_brief", lang))
            + download_link(report, f"comparison_{a.name}_vs_{_slug(b.name)}.html",
                            "text/html", tr("rp_dl_report", lang))
            + download_link(yaml_text, reform_file, "application/x-yaml",
                            tr("rp_dl_yaml", lang)))
        self.brief_html = brief.decode("utf-8")
        self.report_html = report.decode("utf-8")
        self.reform_yaml = yaml_text.decode("utf-8")

    @staticmethod
    def group_table(cmp: CompareResult) -> pd.DataFrame:
        """Outcomes by group, both arms (means over replications) and the difference."""
        def mean(res):
            g = res.groups
            if g.empty:
                return pd.DataFrame()
            return g.groupby(["dimension", "group"], sort=False)[
                ["residents_exposed_rate", "utility_rate"]].mean()

        ga, gb = mean(cmp.a), mean(cmp.b)
        if ga.empty:
            return pd.DataFrame()
        out = ga.merge(gb, left_index=True, right_index=True,
                       suffixes=("_baseline", "_reform"))
        out["exposed_per_100k_change"] = 1e5 * (out["residents_exposed_rate_reform"]
                                                - out["residents_exposed_rate_baseline"])
        out["utility_change_pp"] = 100 * (out["utility_rate_reform"]
                                          - out["utility_rate_baseline"])
        return out.reset_index()


def _show_value(v, lang: str = "en", parameter: str | None = None) -> str:
    if isinstance(v, list):
        return ", ".join(map(str, v))
    return choice_label(v, lang, parameter) if isinstance(v, str) else str(v)


def _failures(cmp: CompareResult) -> int:
    """Replications of either arm that did not finish."""
    return failed_runs(cmp.a, cmp.b)


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name).strip("_")


def _world_runs_per_arm(worlds: int) -> int:
    """Runs of each arm in the robustness stage.

    Every world, then the noise replications at the arms' own values: what the note beside
    the control and the cost estimate both count.
    """
    from ...experiments.robustness import NOISE_REPS, WORLD_REPS

    return worlds * WORLD_REPS + NOISE_REPS


def _repairs(runner) -> dict[str, int]:
    """What the last request of ``runner`` had to repair (a copy; see :func:`repair_note`)."""
    return dict(getattr(runner, "repaired", None) or {})


def _repairs_html(repairs, lang: str) -> str:
    """The status line's note on replaced workers, in ``lang`` ("" if none were).

    ``repairs``: :func:`_repairs` of each stage of the request.
    """
    from types import SimpleNamespace

    notes = [repair_note(SimpleNamespace(repaired=r), lang) for r in repairs if r]
    text = ("; " if lang == "en" else "；").join(n for n in notes if n)
    return f"; <span class='worker-repaired'>{html.escape(text)}</span>" if text else ""
