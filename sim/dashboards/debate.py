"""The debate's claims, one click each: the experiment and its computed verdict."""

from __future__ import annotations

import html
from concurrent.futures import CancelledError

import ipywidgets as W

from ..claims import CLAIMS
from ..robustness import DEFAULT_WORLDS, NOISE_REPS, WORLD_REPS
from ..verdicts import claim_verdict
from .common import Background, Cancelled, Settings, failed_runs, first_error
from .runner import Runner

__all__ = ["DebateDashboard"]


class DebateDashboard(W.VBox):
    """Pick a claim from the public debate, run its experiment, read the verdict.

    The verdict (*supported*, *partly supported*, *not supported*, *contradicted*) is
    computed from the paired comparison's intervals (:func:`sim.verdicts.claim_verdict`);
    then the claim is tested across plausible worlds
    (:func:`sim.robustness.claim_across_worlds`): in how many each prediction holds, and
    which assumption decides it.

    Args:
        runner: the worker pool (shared with the other tabs).
        reps: replications per arm.
        worlds: plausible worlds to test the claim in (0: none).
    """

    def __init__(self, runner: Runner | None = None, reps: int = 6,
                 worlds: int = DEFAULT_WORLDS) -> None:
        self.runner = runner or Runner()
        self.pick = W.Dropdown(options=[(c.claim, k) for k, c in CLAIMS.items()],
                               description="Claim", layout=W.Layout(width="760px"),
                               style={"description_width": "60px"})
        self.pick.add_class("claim-pick")
        self.settings = Settings(reps=reps)
        self.worlds = W.Dropdown(
            options=[("none: replication noise only", 0), ("8", 8), ("16", 16), ("32", 32),
                     ("64", 64)], value=worlds, description="Plausible worlds",
            style={"description_width": "initial"}, layout=W.Layout(width="300px"))
        self.worlds.add_class("worlds-choice")
        self.worlds_note = W.HTML()  # what the worlds will cost (written by the kernel)
        self.worlds_note.add_class("worlds-note")
        self.button = W.Button(description="Test this claim", button_style="primary",
                               icon="play")
        self.button.add_class("test-claim")
        self.cancel = W.Button(description="Cancel", icon="stop", disabled=True)
        self.work = Background(self.button, cancel=self.cancel)
        self.about = W.HTML()
        self.verdict = W.HTML("<i>Pick a claim and press Test this claim.</i>")
        self.verdict.add_class("claim-verdict")
        self.across = W.HTML()  # the claim across the plausible worlds
        self.across.add_class("claim-worlds")
        self.pick.observe(lambda _: self._describe(), names="value")
        for w in (*self.settings.children, self.worlds):
            w.observe(lambda _: self._describe(), names="value")
        self.button.on_click(lambda _: self.test())
        super().__init__([
            W.HTML("<h2>The debate</h2><p style='max-width:900px'>Each claim from the debate "
                   "about the health code is an experiment: two policies on the same seeds. "
                   "The verdict is computed from the differences and their 95% intervals: "
                   "<i>supported</i> when every prediction is borne out. Then the claim is "
                   "tested across plausible worlds (every uncertain assumption drawn from "
                   "its plausible range): <i>robust</i> when it holds in at least 90% of "
                   "them, or it <i>depends on</i> the assumption named.</p>"),
            self.pick, self.about, W.HBox([self.settings, self.worlds, self.worlds_note]),
            W.HBox([self.button, self.cancel, self.work.progress, self.work.status]),
            self.verdict, self.across])
        self.add_class("debate-dashboard")
        self._describe()

    def _describe(self) -> None:
        """The chosen claim: who says it, the two policies, the predictions; clear results."""
        c = CLAIMS[self.pick.value]
        preds = "".join(f"<li>{html.escape(o.replace('_', ' '))}: {w}</li>"
                        for o, w in c.expect.items())
        changes = "".join(f" ({html.escape(k)} = {html.escape(str(v))})"
                          for k, v in {**c.baseline_changes}.items())
        rchanges = "".join(f" ({html.escape(k)} = {html.escape(str(v))})"
                           for k, v in {**c.reform_changes}.items())
        self.about.value = (
            f"<p style='max-width:900px'><i>{html.escape(c.said)}</i><br>Experiment: "
            f"<b>{html.escape(c.baseline)}</b>{changes} against "
            f"<b>{html.escape(c.reform)}</b>{rchanges}. Predicted, reform against "
            f"baseline:</p><ul>{preds}</ul>")
        self.verdict.value = "<i>Press Test this claim.</i>"
        self.across.value = ""
        n = self.worlds.value
        self.worlds_note.value = (
            f"<span style='color:#555;font-size:0.85em'>then "
            f"{2 * n * WORLD_REPS + 2 * NOISE_REPS} more runs across {n} worlds</span>"
            if n else "<span style='color:#b26a00;font-size:0.85em'>replication noise only"
            "</span>")

    def _inputs(self) -> tuple:
        s = self.settings
        return (self.pick.value, s.seed.value, s.reps.value, s.residents.value, s.days.value,
                self.worlds.value)

    def test(self, block: bool = False) -> None:
        """Run the claim's comparison (in the background unless ``block``)."""
        if self.work.busy:
            self.work.status.value = "still working on the last request…"
            return
        c = CLAIMS[self.pick.value]
        a, b = c.scenarios(self.settings.overrides())
        seed, reps = self.settings.seed.value, self.settings.reps.value
        worlds = self.worlds.value
        asked = self._inputs()
        self.verdict.value = "<i>Running…</i>"
        self.across.value = ""

        def job():
            cmp = self.runner.compare(a, b, seed, reps, progress=self.work.on_progress,
                                      stop=self.work.cancelled)
            self.work.check()
            if self._inputs() != asked:  # the claim or the settings changed meanwhile
                self.verdict.value = ("<i>The claim or the settings changed while it ran: "
                                      "press Test this claim.</i>")
                self.work.status.value = "out of date"
                return
            failed = failed_runs(cmp.a, cmp.b)
            if failed:
                error = html.escape(first_error(cmp.a, cmp.b))
                self.verdict.value = (f"<div style='color:#c62828'>{failed} replications "
                                      f"failed: no verdict. {error}</div>")
                self.work.status.value = f"{failed} replications failed"
                return
            lines = claim_verdict(cmp.differences, c.expect, c.claim)
            body = "".join(f"<li>{html.escape(x.strip(' -'))}</li>" for x in lines[1:])
            self.verdict.value = (
                "<div style='background:#f3f6fa;padding:0.8em;border-left:4px solid #4c72b0;"
                f"max-width:900px'><b>{html.escape(lines[0])}</b><ul>{body}</ul>"
                + (f"<p style='color:#444'>{html.escape(c.reading)}</p>" if c.reading else "")
                + f"<p style='color:#777;font-size:0.85em'>{reps} replications from seed "
                f"{seed}, {a.params['n_residents']:,} simulated residents, "
                f"{a.params['n_days']} days.</p></div>")
            self.work.status.value = f"done ({2 * reps} runs)"
            if worlds:
                self._across_worlds(c, a, b, seed, worlds, asked)

        def cancelled():
            self.verdict.value = "<i>Cancelled.</i>"
            self.across.value = ""

        self.work.start(job, block=block, on_cancel=cancelled)

    def _across_worlds(self, c, a, b, seed: int, worlds: int, asked: tuple) -> None:
        """The claim across the plausible worlds (after its replication verdict is shown)."""
        from ..robustness import claim_across_worlds, judge, plan_worlds

        plan = plan_worlds(a, b, worlds, seed)
        self.across.value = (f"<i>Testing the claim across {worlds} plausible worlds "
                             f"({plan.runs} runs)…</i>")
        try:
            results, central = plan.execute(lambda sc, sd, r: self.runner.run_many(
                sc, sd, r, progress=self.work.on_progress, stop=self.work.cancelled))
            self.work.check()
        except (Cancelled, CancelledError):  # the replication verdict above stays; this
            # stage says it stopped
            self.across.value = ("<div style='color:#b26a00'>Cancelled: the claim was not "
                                 "tested across the plausible worlds.</div>")
            self.work.status.value = "cancelled (plausible worlds)"
            return
        if self._inputs() != asked:
            self.across.value = ("<i>The claim or the settings changed while it ran: press "
                                 "Test this claim.</i>")
            self.work.status.value = "out of date"
            return
        rob = judge(plan, results, central)
        lines, _table = claim_across_worlds(rob, c.expect, c.claim)
        body = "".join(f"<li>{html.escape(x.strip(' -'))}</li>" for x in lines[1:])
        self.across.value = (
            "<div style='background:#fbf7ef;padding:0.8em;border-left:4px solid #b26a00;"
            f"max-width:900px'><b>{html.escape(lines[0])}</b><ul>{body}</ul>"
            f"<p style='color:#777;font-size:0.85em'>{html.escape(rob.run_size_text())}."
            "</p></div>")
        self.work.status.value = f"done ({plan.runs} runs across {worlds} worlds)"
