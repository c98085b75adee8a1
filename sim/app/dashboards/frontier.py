"""The trade-off frontier of a sweep, a policy's levers and numbers, the sensitivity ranking.

Every text is drawn in the dashboard's language (:meth:`FrontierDashboard.set_language`),
from the catalogue :mod:`sim.i18n.frontier`.
"""

from __future__ import annotations

import html
import tempfile
from pathlib import Path

import ipywidgets as W
import pandas as pd

from ...analysis import pareto_frontier, plot_frontier, plot_sensitivity, sensitivity
from ...analysis.exploration import factor_label
from ...analysis.verdicts import human_number
from ...experiments.store import DamagedResultError
from ...experiments.sweep import SweepError, load_results, load_sweep, run_sweep, sweep_manifest
from ...i18n import choice_label, field_label, lever_label, outcome_label, tr, unit_label
from ...world.outcomes import OUTCOMES
from .common import Background, image
from .plots import png
from .runner import Runner

__all__ = ["FrontierDashboard", "builtin_sweeps", "point_label", "policy_in_words"]

#: columns the dashboard reads from a sweep's runs table
RUN_COLUMNS = ("point", "status")

ROOT = Path(__file__).resolve().parents[3]


def builtin_sweeps(n_residents: int = 2000, n_days: int = 180) -> dict[str, dict]:
    """Small versions of the example sweeps, for a quick look without a cluster."""
    def small(name: str, reps: int | None = None) -> dict:
        spec = load_sweep(ROOT / "scenarios" / "sweeps" / f"{name}.yaml").source
        spec = dict(spec)
        spec["overrides"] = {**(spec.get("overrides") or {}), "n_residents": n_residents,
                             "n_days": n_days}
        if reps:
            spec["reps"] = reps
        spec["name"] = f"{name}_small"
        return spec

    # the names are the dropdown's values; BUILTIN_LABELS names them in a language
    return {"architecture comparison (small)": small("architecture_comparison", 4),
            "collection × consent (small)": small("collection_by_consent", 3),
            "sensitivity, Morris (small)": {**small("sensitivity"),
                                            "design": {**small("sensitivity")["design"],
                                                       "samples": 6}}}


#: the catalogue keys naming the built-in sweeps (:func:`builtin_sweeps`) in a language
BUILTIN_LABELS = {"architecture comparison (small)": "fr_sweep_architecture",
                  "collection × consent (small)": "fr_sweep_collection",
                  "sensitivity, Morris (small)": "fr_sweep_morris"}


def _builtin_label(name: str, lang: str = "en") -> str:
    """A built-in sweep's name in ``lang``."""
    return tr(BUILTIN_LABELS[name], lang) if name in BUILTIN_LABELS else str(name)


def policy_in_words(point: str, lang: str = "en") -> str:
    """A sweep point's label in words in ``lang``; a named policy stays as named.

    ``"architecture=national, consent_model=opt_out"`` is ``"Architecture: national;
    Consent model: opt out"`` (``"系统架构：全国集中存储；同意模式：选择退出"`` in Chinese).
    """
    parts = [p.split("=", 1) for p in str(point).split(", ")]
    if not all(len(p) == 2 for p in parts):
        return str(point)
    return tr("fr_words_sep", lang).join(
        tr("fr_words_pair", lang).format(lever=lever_label(k, lang),
                                         choice=choice_label(v, lang, parameter=k))
        for k, v in parts)


def point_label(point: str, lang: str = "en") -> str:
    """A sweep point as the dropdowns show it in ``lang``.

    In English, the point's own label as the sweep names it (``architecture=silos``); in
    another language, in words (:func:`policy_in_words`), since the sweep's labels are
    written in English.
    """
    return str(point) if lang == "en" else policy_in_words(point, lang)


def _point_options(points: list, lang: str) -> list:
    """A dropdown's options for sweep points: the points, labelled in ``lang``."""
    return list(points) if lang == "en" else [(point_label(p, lang), p) for p in points]


def levels_note(runs: pd.DataFrame, risk: str, lang: str = "en") -> str:
    """Why the frontier's levels differ from the Compare tab's: the runs' size and length.

    Exposure and counts add up over a run, so a sweep of short runs shows lower levels than
    a comparison of a year; the note names the sweep's size, so the two are read alike.
    ``lang`` is the note's language (``"en"`` or ``"zh"``).
    """
    ok = runs[runs["status"] == "ok"] if "status" in runs else runs

    def one(col: str) -> str:
        if col not in ok or ok[col].nunique() != 1:
            return tr("fr_various", lang)
        return f"{int(ok[col].iloc[0]):,}"

    text = tr("fr_levels", lang).format(residents=one("param.n_residents"),
                                        days=one("param.n_days"),
                                        label=html.escape(outcome_label(risk, lang)))
    return f"<p class='frontier-levels' style='font-size:0.85em;color:#555'>{text}</p>"


def _value_in_words(name: str, value, lang: str) -> str:
    """A lever's value as a policy sets it, in ``lang`` (choices and fields in words)."""
    if isinstance(value, bool):
        return tr("fr_yes" if value else "fr_no", lang)
    if isinstance(value, str):
        return choice_label(value, lang, parameter=name)
    if isinstance(value, list | tuple):
        words = [field_label(v, lang) if name == "collection_fields" else
                 _value_in_words(name, v, lang) for v in value]
        return tr("fr_list_sep", lang).join(words)
    return str(value)


class _FolderError(SweepError):
    """Why a sweep folder cannot be read: a catalogue key and its values.

    Its message is in English; :meth:`text` says it in another language.
    """

    def __init__(self, key: str, **values) -> None:
        self.key, self.values = key, values
        super().__init__(tr(key).format(**values))

    def text(self, lang: str = "en") -> str:
        """The reason in ``lang``."""
        return tr(self.key, lang).format(**self.values)


class FrontierDashboard(W.VBox):
    """The frontier dashboard.

    Load a sweep (or run a small built-in one), plot risk against utility with the Pareto
    front, pick a policy to see its levers and numbers, and show the sensitivity ranking.
    **Test across plausible worlds** runs every policy of the sweep in plausible worlds
    (:func:`sim.experiments.robustness.frontier_across_worlds`) and marks those whose place on the
    frontier survives them. :meth:`set_language` redraws it all in another language.

    Args:
        results: a sweep's results folder to load at once.
        runner: the worker pool for the worlds (default: a new one, started on first use).
    """

    #: most policies tested across the worlds at once (each runs in every world)
    MAX_POLICIES = 40

    def __init__(self, results: str | Path | None = None, runner: Runner | None = None) -> None:
        self.runner = runner
        self.lang = "en"
        self._privacy = [n for n, o in OUTCOMES.items() if o.privacy]
        self._care = [n for n, o in OUTCOMES.items() if not o.privacy and o.direction == "max"]
        self.path = W.Text(value=str(results or ""), placeholder=tr("fr_folder_hint"),
                           description=tr("fr_folder"), layout=W.Layout(width="520px"))
        self.load = W.Button(description=tr("fr_load"), icon="folder-open")
        self.builtin = W.Dropdown(options=self._builtin_options(), description=tr("fr_or_run"))
        self.run_button = W.Button(description=tr("fr_run_small"), icon="play")
        self.risk = W.Dropdown(options=self._outcome_options(self._privacy),
                               value="residents_exposed_rate", description=tr("fr_risk"))
        self.utility = W.Dropdown(options=self._outcome_options(self._care),
                                  value="utility_rate", description=tr("fr_utility"))
        self.baseline = W.Dropdown(options=[], description=tr("fr_baseline"))
        self.policy = W.Dropdown(options=[], description=tr("fr_policy"))
        self.worlds = W.Dropdown(options=[8, 16, 32], value=16, description=tr("fr_worlds"),
                                 style={"description_width": "initial"})
        self.test_button = W.Button(description=tr("fr_test"), icon="globe", disabled=True)
        self.test_button.add_class("test-worlds")
        self.cancel = W.Button(description=tr("fr_cancel"), icon="stop", disabled=True)
        self.work = Background(self.run_button, cancel=self.cancel)
        self.survival: pd.DataFrame | None = None  # the frontier across the worlds
        self.fig = image(width="820px")
        self.levels_note = W.HTML()  # what the levels are over (run size), beside Compare's
        self.levels_note.add_class("frontier-levels-note")
        self.table = W.HTML()
        self.detail = W.HTML()
        self.sens_fig = image()
        self.sens_table = W.HTML()
        self.runs: pd.DataFrame | None = None
        self.manifest: dict | None = None
        self.frontier: pd.DataFrame | None = None
        self.ranking: pd.DataFrame | None = None  # the sensitivity ranking shown, if any
        self._quiet = False  # True while load_folder/clear set the dropdowns themselves
        # the status line this dashboard wrote last (catalogue key, values), and its text:
        # the language switch says it again in the new language if it is still shown
        self._said: tuple | None = None
        self._title = W.HTML(tr("fr_title"))
        self._h_policy = W.HTML(f"<h3>{tr('fr_a_policy')}</h3>")
        self._h_sens = W.HTML(f"<h3>{tr('fr_sensitivity')}</h3>")
        self.load.on_click(lambda _: self.load_folder(self.path.value))
        self.run_button.on_click(lambda _: self.run_builtin())
        self.test_button.on_click(lambda _: self.test_worlds())
        for w in (self.risk, self.utility, self.baseline):
            w.observe(lambda _: self._guarded(self.refresh), names="value")
        self.policy.observe(lambda _: self._guarded(self.show_policy), names="value")
        super().__init__([
            self._title,
            W.HBox([self.path, self.load]), W.HBox([self.builtin, self.run_button]),
            W.HBox([self.work.progress, self.work.status]),
            W.HBox([self.risk, self.utility, self.baseline]),
            W.HBox([self.worlds, self.test_button, self.cancel]), self.fig, self.levels_note,
            self.table,
            self._h_policy, self.policy, self.detail,
            self._h_sens, self.sens_fig, self.sens_table])
        self.add_class("frontier-dashboard")
        self.path.add_class("sweep-folder")
        self.load.add_class("load-sweep")
        self.fig.add_class("frontier-figure")
        self.table.add_class("frontier-table")
        self.baseline.add_class("frontier-baseline")
        self.work.status.add_class("frontier-status")
        self.policy.add_class("frontier-policy")
        if results:
            self.load_folder(results)

    def _builtin_options(self) -> list[tuple[str, str]]:
        """The built-in sweeps named in the dashboard's language (values: their names)."""
        return [(_builtin_label(name, self.lang), name) for name in builtin_sweeps()]

    def _outcome_options(self, names: list[str]) -> list[tuple[str, str]]:
        """Outcomes named in the dashboard's language (values: their names)."""
        return [(outcome_label(n, self.lang), n) for n in names]

    def set_language(self, lang: str) -> None:
        """Show the dashboard in ``lang`` (``"en"`` or ``"zh"``).

        Labels, options, headings and status lines are written again, and the sweep on
        screen (its frontier, table, policy, sensitivity ranking and the survival across
        the worlds) is redrawn in the new language from what was computed: nothing runs
        again, and every chosen value stays.
        """
        self.lang = lang
        self.work.set_language(lang)  # its own status lines (running, cancelled, errors)
        self._title.value = tr("fr_title", lang)
        self._h_policy.value = f"<h3>{tr('fr_a_policy', lang)}</h3>"
        self._h_sens.value = f"<h3>{tr('fr_sensitivity', lang)}</h3>"
        self.path.placeholder = tr("fr_folder_hint", lang)
        for widget, key in ((self.path, "fr_folder"), (self.load, "fr_load"),
                            (self.builtin, "fr_or_run"), (self.run_button, "fr_run_small"),
                            (self.risk, "fr_risk"), (self.utility, "fr_utility"),
                            (self.baseline, "fr_baseline"), (self.policy, "fr_policy"),
                            (self.worlds, "fr_worlds"), (self.test_button, "fr_test"),
                            (self.cancel, "fr_cancel")):
            widget.description = tr(key, lang)
        points = list(dict.fromkeys(self.runs["point"])) if self.runs is not None else []
        relabel = ((self.builtin, self._builtin_options()),
                   (self.risk, self._outcome_options(self._privacy)),
                   (self.utility, self._outcome_options(self._care)),
                   (self.baseline, _point_options(points, lang)),
                   (self.policy, _point_options(points, lang)))
        self._quiet = True
        try:  # new labels, the same values (relabelling passes through the first option)
            for widget, options in relabel:
                value = widget.value
                widget.options = options
                widget.value = value
        finally:
            self._quiet = False
        if self._said is not None and self.work.status.value == self._said[1]:
            self._say(*self._said[0])
        if self.frontier is not None:
            try:
                self._translate_verdicts()
                self._draw()
                self._draw_sensitivity()
            except Exception as exc:  # never raised out of the language switch
                self._fail(self.path.value, exc)

    def _say(self, key: str, values: dict | None = None, error: bool = False) -> None:
        """Write the status line from catalogue ``key`` (formatted with ``values``)."""
        values = values or {}
        text = html.escape(tr(key, self.lang).format(**{
            k: v(self.lang) if callable(v) else v for k, v in values.items()}))
        if error:
            text = f"<span style='color:#c62828'>{text}</span>"
        self.work.status.value = text
        self._said = ((key, values, error), text)

    def load_folder(self, folder: str | Path) -> bool:
        """Load a sweep's results folder and show it; never raises.

        On any failure (no such folder, not a sweep folder, an unreadable ``sweep.json``,
        no finished runs, a corrupt or truncated Parquet file, results that cannot be
        plotted) the previous sweep's figures, tables and policy lists are cleared and the
        status shows one line naming the folder and what is wrong.

        Returns:
            Whether the folder was loaded.
        """
        self.clear()
        try:
            runs, manifest = _read_sweep(Path(folder))
            self.runs, self.manifest = runs, manifest
            points = list(dict.fromkeys(runs["point"]))
            self._quiet = True
            try:
                # the baseline every change is measured against is chosen and shown, never
                # blank: the first policy of the sweep, as pareto_frontier takes by default
                self.baseline.options = _point_options(points, self.lang)
                self.baseline.value = points[0]
                self.policy.options = _point_options(points, self.lang)
            finally:
                self._quiet = False
            self.refresh()
            self.show_sensitivity()
        except Exception as exc:  # shown in the status line, never raised out of a click
            self._fail(folder, exc)
            return False
        self._say("fr_loaded", {"name": manifest["name"], "runs": len(runs),
                                "points": len(points)})
        self.test_button.disabled = False
        return True

    def clear(self) -> None:
        """Forget the shown sweep: empty its figures, tables and policy lists."""
        self.runs = self.manifest = self.frontier = self.survival = None
        self.ranking = None
        self.test_button.disabled = True
        self._quiet = True
        try:
            self.baseline.options = []
            self.policy.options = []
        finally:
            self._quiet = False
        self.fig.value = b""
        self.sens_fig.value = b""
        self.table.value = self.detail.value = self.sens_table.value = ""
        self.levels_note.value = ""

    def _fail(self, folder: str | Path, exc: BaseException, what: str = "fr_cannot_load",
              **values) -> None:
        """Clear the display and show one line: ``what``, the folder and what is wrong.

        ``what`` is a catalogue key (formatted with ``values``): "Cannot load" by default.
        """
        self.clear()
        self._say("fr_fail_line", {"what": lambda lang: tr(what, lang).format(**values),
                                   "folder": str(folder),
                                   "why": lambda lang: _one_line(exc, lang)}, error=True)

    def _guarded(self, show) -> None:
        """Redraw after a control changes; a failure clears the display and is shown."""
        if self._quiet:
            return
        try:
            show()
        except Exception as exc:  # never raised out of a widget callback
            self._fail(self.path.value, exc)

    def run_builtin(self, block: bool = False) -> None:
        """Run the chosen small built-in sweep into a temporary folder, then load it.

        The previous sweep is cleared when the run starts; a failed run leaves the display
        empty with the error in the status line. Never raises.
        """
        try:
            spec = load_sweep(builtin_sweeps()[self.builtin.value])
            out = Path(tempfile.mkdtemp(prefix="sweep_")) / spec.name
            total = len(spec.tasks())
        except Exception as exc:
            self.clear()
            name = self.builtin.value
            self._say("fr_fail_line", {
                "what": lambda lang: tr("fr_cannot_run", lang),
                "folder": lambda lang: _builtin_label(name, lang),
                "why": lambda lang, e=exc: _one_line(e, lang)}, error=True)
            return
        if self.work.busy:
            self.work.status.value = tr("status_busy", self.lang)
            return
        self.clear()
        self.path.value = str(out)

        def job():
            self.work.on_progress(0, total)
            try:
                run_sweep(spec, out, progress=False)
            except Exception as exc:
                self._fail(out, exc, what="fr_run_failed", name=spec.name)
                return
            self.load_folder(out)

        self.work.start(job, block=block)

    def refresh(self) -> None:
        """Work out the frontier for the chosen outcomes and baseline, and draw it."""
        if self.runs is None:
            return
        f = pareto_frontier(self.runs, risk=self.risk.value, utility=self.utility.value,
                            baseline=self.baseline.value or None, lang=self.lang)
        s = self.survival
        tested = (s is not None and s.attrs.get("risk") == self.risk.value
                  and s.attrs.get("utility") == self.utility.value)
        if tested:
            f = f.merge(s[["scenario", "point", "on_frontier_worlds", "worlds", "survives"]],
                        on=["scenario", "point"], how="left")
        f = f.assign(number=range(1, len(f) + 1))  # the figure's labels, the table's first column
        f.attrs["tested"] = tested
        self.frontier = f
        self._draw()

    def _translate_verdicts(self) -> None:
        """The frontier's lines against the baseline in the dashboard's language.

        The lines are words on the paired differences of the runs on screen; nothing is
        run again.
        """
        f = self.frontier
        words = pareto_frontier(self.runs, risk=self.risk.value, utility=self.utility.value,
                                baseline=self.baseline.value or None, lang=self.lang)
        self.frontier = f.assign(verdict=f[["scenario", "point"]].merge(
            words[["scenario", "point", "verdict"]], on=["scenario", "point"],
            how="left")["verdict"].to_numpy())
        self.frontier.attrs.update(f.attrs)

    def _draw(self) -> None:
        """Draw the frontier on screen (figure, levels note, table, policy) in its language."""
        f, lang = self.frontier, self.lang
        tested = f.attrs.get("tested", False)
        self.fig.value = png(plot_frontier(f, risk=self.risk.value, utility=self.utility.value,
                                           lang=lang))
        self.levels_note.value = levels_note(self.runs, self.risk.value, lang)

        def worlds_cell(r) -> str:
            if not tested or pd.isna(r.worlds):
                return ""
            mark = " ◯" if r.survives else ""
            k_of_n = tr("fr_k_of_n", lang).format(k=int(r.on_frontier_worlds),
                                                  n=int(r.worlds))
            return f"<td>{k_of_n}{mark}</td>"

        base = self.baseline.value or (f["point"].iloc[0] if len(f) else "")
        on, dominated = tr("fr_on_frontier", lang), tr("fr_dominated", lang)
        rows = "".join(
            f"<tr><td>{r.number}</td><td>{on if r.on_frontier else dominated}</td>"
            f"<td title='{html.escape(point_label(r.point, lang))}'>"
            f"{html.escape(policy_in_words(r.point, lang))}</td>"
            f"<td>{html.escape(r.verdict)}</td>{worlds_cell(r)}</tr>"
            for r in f.itertuples(index=False))
        extra = f"<th>{tr('fr_th_worlds', lang)}</th>" if tested else ""
        against = tr("fr_th_against", lang).format(base=html.escape(policy_in_words(base, lang)))
        self.table.value = (
            f"<table><tr><th>#</th><th></th><th>{tr('fr_th_policy', lang)}</th>"
            f"<th>{against}</th>{extra}</tr>" + rows + "</table>"
            f"<p style='font-size:0.85em;color:#555'>{tr('fr_table_note', lang)}</p>")
        self.show_policy()

    def test_worlds(self, block: bool = False) -> None:
        """Run every policy of the loaded sweep in plausible worlds; mark the survivors.

        Each policy runs in every world on the same seeds; a policy survives when it is on
        the frontier (of the chosen risk and utility) in at least 90% of the worlds.
        Never raises: a failure or a cancel leaves the frontier as it was, with the reason
        in the status line.
        """
        from ...experiments.robustness import frontier_across_worlds, policies_from_runs

        if self.runs is None or self.work.busy:
            return
        runs, risk, utility, worlds = self.runs, self.risk.value, self.utility.value, \
            self.worlds.value
        scenarios = list(dict.fromkeys(runs.loc[runs["status"] == "ok", "scenario"]))
        groups = {sc: policies_from_runs(runs, sc) for sc in scenarios}
        total = sum(len(g) for g in groups.values())
        if total > self.MAX_POLICIES:
            self._say("fr_too_many", {"n": total, "most": self.MAX_POLICIES}, error=True)
            return
        if self.runner is None:
            self.runner = Runner()
        rep_seed = int(self.manifest.get("seed", 0)) if self.manifest else 0
        self.survival = None

        def job():
            done = [0]
            parts = []
            for sc, pols in groups.items():
                if len(pols) < 2:
                    continue
                expected = len(pols) * worlds

                def run(scens, seed, reps, _offset=done[0], _total=total * worlds):
                    return self.runner.run_many(
                        scens, seed, reps, stop=self.work.cancelled,
                        progress=lambda d, t: self.work.on_progress(_offset + d, _total))

                t = frontier_across_worlds(list(pols.values()), worlds, rep_seed, risk=risk,
                                           utility=utility, run=run)
                done[0] += expected
                parts.append(t.assign(scenario=sc, point=list(pols)))
            self.work.check()
            if not parts:
                self._say("fr_no_pairs")
                return
            out = pd.concat(parts, ignore_index=True).rename(
                columns={"on_frontier": "on_frontier_worlds"})
            out.attrs.update(risk=risk, utility=utility, worlds=worlds)
            self.survival = out
            self.refresh()
            self._say("fr_tested", {"worlds": worlds, "n": int(out["survives"].sum()),
                                    "total": len(out)})

        def guarded() -> None:
            try:
                job()
            finally:  # done, failed or cancelled: the button is back if a sweep is shown
                self.test_button.disabled = self.runs is None

        def failed(_exc: Exception) -> None:
            self.survival = None

        self.test_button.disabled = True
        self.work.start(guarded, block=block,
                        on_cancel=lambda: setattr(self, "survival", None), on_error=failed)

    def show_policy(self) -> None:
        """The chosen policy's levers (what the sweep set) and outcome means."""
        if self.runs is None or not self.policy.value:
            return
        lang = self.lang
        rows = self.runs[self.runs["point"] == self.policy.value]
        ok = rows[rows["status"] == "ok"]
        point = next((p for p in self.manifest["design"]["points"]
                      if p["label"] == self.policy.value), {"values": {}})
        levers = "".join(
            "<li>" + tr("fr_lever_line", lang).format(
                name=html.escape(k), value=html.escape(str(v)),
                lever=html.escape(lever_label(k, lang)),
                choice=html.escape(_value_in_words(k, v, lang))) + "</li>"
            for k, v in point["values"].items())
        nums = "".join(f"<tr><td>{html.escape(outcome_label(o, lang))}</td>"
                       f"<td>{ok[o].mean():.4g}</td>"
                       f"<td>{html.escape(unit_label(OUTCOMES[o].unit, lang))}</td></tr>"
                       for o in OUTCOMES.names() if o in ok)
        replications = tr("fr_replications", lang).format(ok=len(ok),
                                                          failed=len(rows) - len(ok))
        self.detail.value = (f"<p>{replications}</p>"
                             f"<ul>{levers or '<li>' + tr('fr_base_scenario', lang) + '</li>'}"
                             f"</ul><table>{nums}</table>")

    def show_sensitivity(self) -> None:
        """Sensitivity ranking, if the sweep is a Sobol or Morris design."""
        self.ranking = None
        if self.manifest is not None and self.manifest["design"]["type"] in ("sobol", "morris"):
            self.ranking = sensitivity(self.runs, self.manifest,
                                           [self.risk.value, "harm_per_1000",
                                            self.utility.value])
        self._draw_sensitivity()

    def _draw_sensitivity(self) -> None:
        """Draw the sensitivity ranking computed last, in the dashboard's language."""
        lang, table = self.lang, self.ranking
        if table is None:
            self.sens_table.value = f"<i>{tr('fr_sens_needed', lang)}</i>"
            self.sens_fig.value = b""
            return
        self.sens_fig.value = png(plot_sensitivity(table, lang=lang))
        if lang != "en":  # English shows the names as the sweep writes them
            table = table.assign(
                outcome=[outcome_label(o, lang) if o in OUTCOMES else o
                         for o in table["outcome"]],
                factor=[factor_label(f, lang) for f in table["factor"]],
            ).rename(columns={c: tr(f"fr_col_{c}", lang) for c in table.columns})
        self.sens_table.value = table.to_html(index=False, float_format=human_number,
                                              border=0)


def _one_line(exc: BaseException, lang: str = "en") -> str:
    """An exception as one short line (its first line, at most 300 characters).

    A sweep folder's known faults (:class:`_FolderError`) are said in ``lang``; other
    errors as they were raised.
    """
    text = exc.text(lang) if isinstance(exc, _FolderError) else str(exc)
    text = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return text if len(text) <= 300 else text[:299] + "…"


def _read_sweep(folder: Path) -> tuple[pd.DataFrame, dict]:
    """A sweep folder's runs table and manifest.

    Raises:
        SweepError: saying what is wrong, without the folder (the caller names it); a
            :class:`_FolderError`, which can say it in another language.
    """
    if not folder.exists():
        raise _FolderError("fr_err_no_folder")
    if not folder.is_dir():
        raise _FolderError("fr_err_not_folder")
    manifest_file = folder / "sweep.json"
    if not manifest_file.is_file():
        raise _FolderError("fr_err_no_manifest")
    try:
        manifest = sweep_manifest(folder)
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise _FolderError("fr_err_unreadable", why=_one_line(e)) from None
    if (not isinstance(manifest, dict) or "name" not in manifest
            or not isinstance(manifest.get("design"), dict)
            or "type" not in manifest["design"]):
        raise _FolderError("fr_err_no_design")
    try:
        runs = load_results(folder)
    except DamagedResultError as e:
        raise _FolderError("fr_err_corrupt", path=str(e.path.relative_to(folder)),
                           why=e.reason) from None
    except SweepError:
        raise _FolderError("fr_err_no_runs", pattern=str(Path("runs") / "*.parquet")) from None
    except Exception as e:
        raise _FolderError("fr_err_cannot_read", why=_one_line(e)) from None
    missing = [c for c in RUN_COLUMNS if c not in runs]
    if missing:
        raise _FolderError("fr_err_columns", columns=", ".join(missing))
    return runs, manifest
