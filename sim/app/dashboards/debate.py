"""The debate's claims, one click each: the experiment and its computed verdict."""

from __future__ import annotations

import html
from concurrent.futures import CancelledError

import ipywidgets as W

from ...analysis.claims import CLAIMS
from ...analysis.verdicts import claim_verdict
from ...experiments.robustness import DEFAULT_WORLDS, NOISE_REPS, WORLD_REPS, claim_across_worlds
from ...i18n import choice_label, lever_label, outcome_label, tr
from ...i18n.debate import claim_text
from .common import Background, Cancelled, Settings, failed_runs, first_error
from .runner import Runner

__all__ = ["DebateDashboard"]


class DebateDashboard(W.VBox):
    """Pick a claim from the public debate, run its experiment, read the verdict.

    The verdict (*supported*, *partly supported*, *not supported*, *contradicted*) is
    computed from the paired comparison's intervals (:func:`sim.analysis.verdicts.claim_verdict`);
    then the claim is tested across plausible worlds
    (:func:`sim.experiments.robustness.claim_across_worlds`): in how many each prediction holds, and
    which assumption decides it.

    What the boxes show is kept as a state (what happened, with the numbers: the
    differences, the robustness result), not as text, so :meth:`set_language` redraws it
    in another language without running anything again.

    Args:
        runner: the worker pool (shared with the other tabs).
        reps: replications per arm.
        worlds: plausible worlds to test the claim in (0: none).
    """

    def __init__(self, runner: Runner | None = None, reps: int = 6,
                 worlds: int = DEFAULT_WORLDS) -> None:
        self.runner = runner or Runner()
        #: the language of the tab (:meth:`set_language`)
        self.lang = "en"
        self._relabelling = False  # options being relabelled: not a change of inputs
        self.pick = W.Dropdown(options=self._claim_options(), description=tr("db_claim"),
                               layout=W.Layout(width="760px"),
                               style={"description_width": "60px"})
        self.pick.add_class("claim-pick")
        self.settings = Settings(reps=reps)
        self.worlds = W.Dropdown(
            options=self._worlds_options(), value=worlds,
            description=tr("plausible_worlds"),
            style={"description_width": "initial"}, layout=W.Layout(width="300px"))
        self.worlds.add_class("worlds-choice")
        self.worlds_note = W.HTML()  # what the worlds will cost (written by the kernel)
        self.worlds_note.add_class("worlds-note")
        self.button = W.Button(description=tr("db_test"), button_style="primary",
                               icon="play")
        self.button.add_class("test-claim")
        self.cancel = W.Button(description=tr("cancel"), icon="stop", disabled=True)
        self.work = Background(self.button, cancel=self.cancel)
        self.title = W.HTML()
        self.about = W.HTML()
        self.verdict = W.HTML()
        self.verdict.add_class("claim-verdict")
        self.across = W.HTML()  # the claim across the plausible worlds
        self.across.add_class("claim-worlds")
        #: what the verdict box and the worlds box show: (state, its data), see _show
        self._verdict_state: tuple[str, dict] = ("press", {})
        self._across_state: tuple[str, dict] = ("", {})
        #: the last status this tab wrote: (key, values, text), redrawn if still shown
        self._status_state: tuple[str, dict, str] | None = None
        self.pick.observe(lambda _: self._changed(), names="value")
        for w in (*self.settings.children, self.worlds):
            w.observe(lambda _: self._changed(), names="value")
        self.button.on_click(lambda _: self.test())
        super().__init__([
            self.title, self.pick, self.about,
            W.HBox([self.settings, self.worlds, self.worlds_note]),
            W.HBox([self.button, self.cancel, self.work.progress, self.work.status]),
            self.verdict, self.across])
        self.add_class("debate-dashboard")
        self._describe()
        self._show()

    # ---------------------------------------------------------------- language
    def _claim_options(self) -> list[tuple[str, str]]:
        return [(claim_text(c, "claim", self.lang), k) for k, c in CLAIMS.items()]

    def _worlds_options(self) -> list[tuple[str, int]]:
        return [(tr("worlds_none", self.lang), 0), *((str(n), n) for n in (8, 16, 32, 64))]

    def set_language(self, lang: str) -> None:
        """Show the tab in ``lang`` (``"en"`` or ``"zh"``): labels, the claim, the results.

        A verdict on screen is redrawn from the numbers it was computed from, in the new
        language; nothing is run again and nothing becomes out of date.
        """
        self.lang = lang
        self.work.set_language(lang)  # its own status lines (running, cancelled, errors)
        self.settings.set_language(lang)
        self.pick.description = tr("db_claim", lang)
        self.worlds.description = tr("plausible_worlds", lang)
        self.button.description = tr("db_test", lang)
        self.cancel.description = tr("cancel", lang)
        claim, worlds, self._relabelling = self.pick.value, self.worlds.value, True
        try:  # relabelling passes through the first option: put the values back
            self.pick.options = self._claim_options()
            self.pick.value = claim
            self.worlds.options = self._worlds_options()
            self.worlds.value = worlds
        finally:
            self._relabelling = False
        self._describe()
        self._show()
        if self._status_state is not None:
            key, values, shown = self._status_state
            if self.work.status.value == shown:  # still this tab's last word
                self._status(key, **values)

    def _status(self, key: str, **values) -> None:
        """Write the status line (a ``db_`` key with its values), in the tab's language."""
        text = tr(key, self.lang).format(**values)
        self._status_state = (key, values, text)
        self.work.status.value = text

    # ---------------------------------------------------------------- what is shown
    def _changed(self) -> None:
        """The claim or a setting changed: describe it; results of other inputs go."""
        if self._relabelling:
            return
        self._describe()
        self._verdict_state, self._across_state = ("press", {}), ("", {})
        self._show()

    def _describe(self) -> None:
        """The heading, and the chosen claim: who says it, the two policies, the predictions."""
        lang = self.lang
        self.title.value = (f"<h2>{tr('db_title', lang)}</h2><p style='max-width:900px'>"
                            f"{tr('db_help', lang)}</p>")
        c = CLAIMS[self.pick.value]
        preds = "".join(
            "<li>" + html.escape(tr("db_prediction", lang).format(
                name=o.replace("_", " "), label=outcome_label(o, lang),
                want=tr(f"db_want_{w}", lang))) + "</li>"
            for o, w in c.expect.items())

        def settings(changes: dict) -> str:  # " (name = value)": in words, except English
            return "".join(html.escape(tr("db_setting", lang).format(
                name=k, value=v, lever=lever_label(k, lang),
                choice=choice_label(v, lang, k) if isinstance(v, str) else v))
                for k, v in changes.items())

        self.about.value = (
            f"<p style='max-width:900px'><i>{html.escape(claim_text(c, 'said', lang))}</i><br>"
            + tr("db_experiment", lang).format(
                baseline=html.escape(c.baseline), changes=settings(c.baseline_changes),
                reform=html.escape(c.reform), rchanges=settings(c.reform_changes))
            + f"</p><ul>{preds}</ul>")
        n = self.worlds.value
        self.worlds_note.value = (
            "<span style='color:#555;font-size:0.85em'>"
            + tr("worlds_then", lang).format(runs=2 * n * WORLD_REPS + 2 * NOISE_REPS, n=n)
            + "</span>" if n else
            f"<span style='color:#b26a00;font-size:0.85em'>{tr('worlds_noise', lang)}</span>")

    def _show(self) -> None:
        """Draw the verdict box and the worlds box from their states, in the tab's language."""
        lang = self.lang
        state, v = self._verdict_state
        if state == "verdict":
            c = CLAIMS[v["claim"]]
            lines = claim_verdict(v["differences"], c.expect, claim_text(c, "claim", lang),
                                  lang)
            body = "".join(f"<li>{html.escape(x.strip(' -'))}</li>" for x in lines[1:])
            reading = claim_text(c, "reading", lang)
            self.verdict.value = (
                "<div style='background:#f3f6fa;padding:0.8em;border-left:4px solid #4c72b0;"
                f"max-width:900px'><b>{html.escape(lines[0])}</b><ul>{body}</ul>"
                + (f"<p style='color:#444'>{html.escape(reading)}</p>" if reading else "")
                + "<p style='color:#777;font-size:0.85em'>"
                + tr("db_run_size", lang).format(reps=v["reps"], seed=v["seed"],
                                                 residents=v["residents"], days=v["days"])
                + "</p></div>")
        elif state == "failed":
            self.verdict.value = ("<div style='color:#c62828'>" + tr("db_failed", lang).format(
                n=v["n"], error=html.escape(v["error"])) + "</div>")
        else:
            key = {"press": "db_press", "running": "running", "changed": "db_changed",
                   "cancelled": "db_cancelled"}[state]
            self.verdict.value = f"<i>{tr(key, lang)}</i>"
        state, v = self._across_state
        if state == "worlds":
            c = CLAIMS[v["claim"]]
            rob = v["robustness"]
            lines, _table = claim_across_worlds(rob, c.expect, claim_text(c, "claim", lang),
                                                lang)
            body = "".join(f"<li>{html.escape(x.strip(' -'))}</li>" for x in lines[1:])
            self.across.value = (
                "<div style='background:#fbf7ef;padding:0.8em;border-left:4px solid #b26a00;"
                f"max-width:900px'><b>{html.escape(lines[0])}</b><ul>{body}</ul>"
                "<p style='color:#777;font-size:0.85em'>"
                + html.escape(tr("db_worlds_size_line", lang).format(
                    text=rob.run_size_text(lang))) + "</p></div>")
        elif state == "testing":
            self.across.value = f"<i>{tr('db_testing_worlds', lang).format(**v)}</i>"
        elif state == "cancelled":
            self.across.value = (f"<div style='color:#b26a00'>{tr('db_worlds_cancelled', lang)}"
                                 "</div>")
        elif state == "changed":
            self.across.value = f"<i>{tr('db_changed', lang)}</i>"
        else:
            self.across.value = ""

    def _set(self, verdict: tuple[str, dict] | None = None,
             across: tuple[str, dict] | None = None) -> None:
        """Change what the boxes show (from the job's thread too) and draw it."""
        if verdict is not None:
            self._verdict_state = verdict
        if across is not None:
            self._across_state = across
        self._show()

    # ---------------------------------------------------------------- running
    def _inputs(self) -> tuple:
        s = self.settings
        return (self.pick.value, s.seed.value, s.reps.value, s.residents.value, s.days.value,
                self.worlds.value)

    def test(self, block: bool = False) -> None:
        """Run the claim's comparison (in the background unless ``block``)."""
        if self.work.busy:
            self.work.status.value = tr("status_busy", self.lang)
            return
        key = self.pick.value
        c = CLAIMS[key]
        a, b = c.scenarios(self.settings.overrides())
        seed, reps = self.settings.seed.value, self.settings.reps.value
        worlds = self.worlds.value
        asked = self._inputs()
        self._set(("running", {}), ("", {}))

        def job():
            cmp = self.runner.compare(a, b, seed, reps, progress=self.work.on_progress,
                                      stop=self.work.cancelled)
            self.work.check()
            if self._inputs() != asked:  # the claim or the settings changed meanwhile
                self._set(("changed", {}))
                self._status("db_status_out_of_date")
                return
            failed = failed_runs(cmp.a, cmp.b)
            if failed:
                self._set(("failed", {"n": failed, "error": first_error(cmp.a, cmp.b)}))
                self._status("db_failed_status", n=failed)
                return
            self._set(("verdict", {"claim": key, "differences": cmp.differences,
                                   "reps": reps, "seed": seed,
                                   "residents": a.params["n_residents"],
                                   "days": a.params["n_days"]}))
            self._status("db_done", runs=2 * reps)
            if worlds:
                self._across_worlds(key, a, b, seed, worlds, asked)

        def cancelled():
            self._set(("cancelled", {}), ("", {}))

        self.work.start(job, block=block, on_cancel=cancelled)

    def _across_worlds(self, key: str, a, b, seed: int, worlds: int, asked: tuple) -> None:
        """The claim across the plausible worlds (after its replication verdict is shown)."""
        from ...experiments.robustness import judge, plan_worlds

        plan = plan_worlds(a, b, worlds, seed)
        self._set(across=("testing", {"n": worlds, "runs": plan.runs}))
        try:
            results, central = plan.execute(lambda sc, sd, r: self.runner.run_many(
                sc, sd, r, progress=self.work.on_progress, stop=self.work.cancelled))
            self.work.check()
        except (Cancelled, CancelledError):  # the replication verdict above stays; this
            # stage says it stopped
            self._set(across=("cancelled", {}))
            self._status("db_worlds_cancelled_status")
            return
        if self._inputs() != asked:
            self._set(across=("changed", {}))
            self._status("db_status_out_of_date")
            return
        rob = judge(plan, results, central)
        self._set(across=("worlds", {"claim": key, "robustness": rob}))
        self._status("db_done_worlds", runs=plan.runs, n=worlds)
