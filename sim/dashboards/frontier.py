"""The trade-off frontier of a sweep, a policy's levers and numbers, the sensitivity ranking."""

from __future__ import annotations

import html
import tempfile
from pathlib import Path

import ipywidgets as W
import pandas as pd

from ..analysis import pareto_frontier, plot_frontier, plot_sensitivity, sensitivity
from ..outcomes import OUTCOMES
from ..store import DamagedResultError
from ..sweep import SweepError, load_results, load_sweep, run_sweep, sweep_manifest
from ..verdicts import human_number
from .common import Background, image
from .plots import png
from .runner import Runner

__all__ = ["FrontierDashboard", "builtin_sweeps"]

#: columns the dashboard reads from a sweep's runs table
RUN_COLUMNS = ("point", "status")

ROOT = Path(__file__).resolve().parents[2]


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

    return {"architecture comparison (small)": small("architecture_comparison", 4),
            "collection × consent (small)": small("collection_by_consent", 3),
            "sensitivity, Morris (small)": {**small("sensitivity"),
                                            "design": {**small("sensitivity")["design"],
                                                       "samples": 6}}}


def policy_in_words(point: str) -> str:
    """A sweep point's label in words; a named policy stays as named.

    ``"architecture=national, consent_model=opt_out"`` is ``"Architecture: national;
    Consent model: opt out"``.
    """
    from ..i18n import choice_label, lever_label

    parts = [p.split("=", 1) for p in str(point).split(", ")]
    if not all(len(p) == 2 for p in parts):
        return str(point)
    return "; ".join(f"{lever_label(k)}: {choice_label(v, parameter=k)}" for k, v in parts)


def levels_note(runs: pd.DataFrame, risk: str) -> str:
    """Why the frontier's levels differ from the Compare tab's: the runs' size and length.

    Exposure and counts add up over a run, so a sweep of short runs shows lower levels than
    a comparison of a year; the note names the sweep's size, so the two are read alike.
    """
    ok = runs[runs["status"] == "ok"] if "status" in runs else runs

    def one(col: str) -> str:
        if col not in ok or ok[col].nunique() != 1:
            return "various"
        return f"{int(ok[col].iloc[0]):,}"

    o = OUTCOMES[risk]
    return ("<p class='frontier-levels' style='font-size:0.85em;color:#555'>Levels are over "
            f"this sweep's runs: {one('param.n_residents')} simulated residents for "
            f"{one('param.n_days')} days each. {html.escape(o.label)} adds up over a run, so "
            "runs of another length or size (the Compare tab's, or another sweep's) show "
            "other levels; compare the changes against the baseline, not the levels, "
            "across tabs.</p>")


class FrontierDashboard(W.VBox):
    """The frontier dashboard.

    Load a sweep (or run a small built-in one), plot risk against utility with the Pareto
    front, pick a policy to see its levers and numbers, and show the sensitivity ranking.
    **Test across plausible worlds** runs every policy of the sweep in plausible worlds
    (:func:`sim.robustness.frontier_across_worlds`) and marks those whose place on the
    frontier survives them.

    Args:
        results: a sweep's results folder to load at once.
        runner: the worker pool for the worlds (default: a new one, started on first use).
    """

    #: most policies tested across the worlds at once (each runs in every world)
    MAX_POLICIES = 40

    def __init__(self, results: str | Path | None = None, runner: Runner | None = None) -> None:
        self.runner = runner
        privacy = [n for n, o in OUTCOMES.items() if o.privacy]
        care = [n for n, o in OUTCOMES.items() if not o.privacy and o.direction == "max"]
        self.path = W.Text(value=str(results or ""), placeholder="results/<sweep folder>",
                           description="Sweep folder", layout=W.Layout(width="520px"))
        self.load = W.Button(description="Load", icon="folder-open")
        self.builtin = W.Dropdown(options=list(builtin_sweeps()), description="or run")
        self.run_button = W.Button(description="Run small sweep", icon="play")
        self.risk = W.Dropdown(options=[(OUTCOMES[n].label, n) for n in privacy],
                               value="residents_exposed_rate", description="Risk (x)")
        self.utility = W.Dropdown(options=[(OUTCOMES[n].label, n) for n in care],
                                  value="utility_rate", description="Utility (y)")
        self.baseline = W.Dropdown(options=[], description="Baseline")
        self.policy = W.Dropdown(options=[], description="Policy")
        self.worlds = W.Dropdown(options=[8, 16, 32], value=16, description="Plausible worlds",
                                 style={"description_width": "initial"})
        self.test_button = W.Button(description="Test across plausible worlds", icon="globe",
                                    disabled=True)
        self.test_button.add_class("test-worlds")
        self.cancel = W.Button(description="Cancel", icon="stop", disabled=True)
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
        self._quiet = False  # True while load_folder/clear set the dropdowns themselves
        self.load.on_click(lambda _: self.load_folder(self.path.value))
        self.run_button.on_click(lambda _: self.run_builtin())
        self.test_button.on_click(lambda _: self.test_worlds())
        for w in (self.risk, self.utility, self.baseline):
            w.observe(lambda _: self._guarded(self.refresh), names="value")
        self.policy.observe(lambda _: self._guarded(self.show_policy), names="value")
        super().__init__([
            W.HTML("<h2>Trade-off frontier</h2><p>Each dot is a policy (mean over "
                   "replications, 95% intervals); the line joins the policies no other beats "
                   "on both risk and utility.</p>"),
            W.HBox([self.path, self.load]), W.HBox([self.builtin, self.run_button]),
            W.HBox([self.work.progress, self.work.status]),
            W.HBox([self.risk, self.utility, self.baseline]),
            W.HBox([self.worlds, self.test_button, self.cancel]), self.fig, self.levels_note,
            self.table,
            W.HTML("<h3>A policy</h3>"), self.policy, self.detail,
            W.HTML("<h3>Sensitivity</h3>"), self.sens_fig, self.sens_table])
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
                self.baseline.options = points
                self.baseline.value = points[0]
                self.policy.options = points
            finally:
                self._quiet = False
            self.refresh()
            self.show_sensitivity()
        except Exception as exc:  # shown in the status line, never raised out of a click
            self._fail(folder, exc)
            return False
        self.work.status.value = html.escape(f"{manifest['name']}: {len(runs)} runs, "
                                             f"{len(points)} policies")
        self.test_button.disabled = False
        return True

    def clear(self) -> None:
        """Forget the shown sweep: empty its figures, tables and policy lists."""
        self.runs = self.manifest = self.frontier = self.survival = None
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

    def _fail(self, folder: str | Path, exc: BaseException, what: str = "Cannot load") -> None:
        """Clear the display and show one line: ``what``, the folder and what is wrong."""
        self.clear()
        self.work.status.value = (f"<span style='color:#c62828'>{html.escape(what)} "
                                  f"{html.escape(str(folder))}: "
                                  f"{html.escape(_one_line(exc))}</span>")

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
            self.work.status.value = (f"<span style='color:#c62828'>Cannot run "
                                      f"{html.escape(str(self.builtin.value))}: "
                                      f"{html.escape(_one_line(exc))}</span>")
            return
        if self.work.busy:
            self.work.status.value = "still working on the last request…"
            return
        self.clear()
        self.path.value = str(out)

        def job():
            self.work.on_progress(0, total)
            try:
                run_sweep(spec, out, progress=False)
            except Exception as exc:
                self._fail(out, exc, what=f"Run of {spec.name} failed in")
                return
            self.load_folder(out)

        self.work.start(job, block=block)

    def refresh(self) -> None:
        """Redraw the frontier for the chosen outcomes."""
        if self.runs is None:
            return
        f = pareto_frontier(self.runs, risk=self.risk.value, utility=self.utility.value,
                            baseline=self.baseline.value or None)
        s = self.survival
        tested = (s is not None and s.attrs.get("risk") == self.risk.value
                  and s.attrs.get("utility") == self.utility.value)
        if tested:
            f = f.merge(s[["scenario", "point", "on_frontier_worlds", "worlds", "survives"]],
                        on=["scenario", "point"], how="left")
        f = f.assign(number=range(1, len(f) + 1))  # the figure's labels, the table's first column
        self.frontier = f
        self.fig.value = png(plot_frontier(f, risk=self.risk.value, utility=self.utility.value))
        self.levels_note.value = levels_note(self.runs, self.risk.value)

        def worlds_cell(r) -> str:
            if not tested or pd.isna(r.worlds):
                return ""
            mark = " ◯" if r.survives else ""
            return f"<td>{int(r.on_frontier_worlds)} of {int(r.worlds)}{mark}</td>"

        base = self.baseline.value or (f["point"].iloc[0] if len(f) else "")
        rows = "".join(
            f"<tr><td>{r.number}</td><td>{'★ on the frontier' if r.on_frontier else 'dominated'}"
            f"</td><td title='{html.escape(r.point)}'>{html.escape(policy_in_words(r.point))}"
            f"</td><td>{html.escape(r.verdict)}</td>{worlds_cell(r)}</tr>"
            for r in f.itertuples(index=False))
        extra = ("<th>on the frontier in plausible worlds (◯: in ≥90%)</th>"
                 if tested else "")
        self.table.value = (
            "<table><tr><th>#</th><th></th><th>policy</th><th>against the baseline: "
            f"{html.escape(policy_in_words(base))}</th>{extra}</tr>" + rows + "</table>"
            "<p style='font-size:0.85em;color:#555'>★ on the frontier: no other policy is "
            "lower on the risk and higher on the utility at once. Dominated: another policy "
            "is better on both. # is the number beside each dot in the figure.</p>")
        self.show_policy()

    def test_worlds(self, block: bool = False) -> None:
        """Run every policy of the loaded sweep in plausible worlds; mark the survivors.

        Each policy runs in every world on the same seeds; a policy survives when it is on
        the frontier (of the chosen risk and utility) in at least 90% of the worlds.
        Never raises: a failure or a cancel leaves the frontier as it was, with the reason
        in the status line.
        """
        from ..robustness import frontier_across_worlds, policies_from_runs

        if self.runs is None or self.work.busy:
            return
        runs, risk, utility, worlds = self.runs, self.risk.value, self.utility.value, \
            self.worlds.value
        scenarios = list(dict.fromkeys(runs.loc[runs["status"] == "ok", "scenario"]))
        groups = {sc: policies_from_runs(runs, sc) for sc in scenarios}
        total = sum(len(g) for g in groups.values())
        if total > self.MAX_POLICIES:
            self.work.status.value = (f"<span style='color:#c62828'>{total} policies: too "
                                      f"many to test across the worlds (at most "
                                      f"{self.MAX_POLICIES})</span>")
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
                self.work.status.value = "no scenario of this sweep has two policies to compare"
                return
            out = pd.concat(parts, ignore_index=True).rename(
                columns={"on_frontier": "on_frontier_worlds"})
            out.attrs.update(risk=risk, utility=utility, worlds=worlds)
            self.survival = out
            self.refresh()
            n = int(out["survives"].sum())
            self.work.status.value = (f"tested across {worlds} plausible worlds: {n} of "
                                      f"{len(out)} policies stay on the frontier in ≥90%")

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
        rows = self.runs[self.runs["point"] == self.policy.value]
        ok = rows[rows["status"] == "ok"]
        point = next((p for p in self.manifest["design"]["points"]
                      if p["label"] == self.policy.value), {"values": {}})
        levers = "".join(f"<li><code>{html.escape(k)}</code> = {html.escape(str(v))}</li>"
                         for k, v in point["values"].items())
        nums = "".join(f"<tr><td>{html.escape(OUTCOMES[o].label)}</td>"
                       f"<td>{ok[o].mean():.4g}</td><td>{html.escape(OUTCOMES[o].unit)}</td></tr>"
                       for o in OUTCOMES.names() if o in ok)
        self.detail.value = (f"<p>{len(ok)} replications ({len(rows) - len(ok)} failed).</p>"
                             f"<ul>{levers or '<li>the base scenario</li>'}</ul>"
                             f"<table>{nums}</table>")

    def show_sensitivity(self) -> None:
        """Sensitivity ranking, if the sweep is a Sobol or Morris design."""
        if self.manifest is None or self.manifest["design"]["type"] not in ("sobol", "morris"):
            self.sens_table.value = ("<i>Load a sensitivity sweep (type sobol or morris) to "
                                     "see which levers and assumptions drive the outcomes.</i>")
            self.sens_fig.value = b""
            return
        table = sensitivity(self.runs, self.manifest,
                            [self.risk.value, "harm_per_1000", self.utility.value])
        self.sens_fig.value = png(plot_sensitivity(table))
        self.sens_table.value = table.to_html(index=False, float_format=human_number,
                                              border=0)


def _one_line(exc: BaseException) -> str:
    """An exception as one short line (its first line, at most 300 characters)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text if len(text) <= 300 else text[:299] + "…"


def _read_sweep(folder: Path) -> tuple[pd.DataFrame, dict]:
    """A sweep folder's runs table and manifest.

    Raises:
        SweepError: saying what is wrong, without the folder (the caller names it).
    """
    if not folder.exists():
        raise SweepError("no such folder (no finished runs to show)")
    if not folder.is_dir():
        raise SweepError("not a folder")
    manifest_file = folder / "sweep.json"
    if not manifest_file.is_file():
        raise SweepError("not a sweep folder (no sweep.json)")
    try:
        manifest = sweep_manifest(folder)
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise SweepError(f"unreadable manifest sweep.json ({_one_line(e)})") from None
    if (not isinstance(manifest, dict) or "name" not in manifest
            or not isinstance(manifest.get("design"), dict)
            or "type" not in manifest["design"]):
        raise SweepError("unreadable manifest sweep.json (no sweep name or design)")
    try:
        runs = load_results(folder)
    except DamagedResultError as e:
        raise SweepError(f"{e.path.relative_to(folder)} is corrupt or truncated ({e.reason})"
                         ) from None
    except SweepError:
        raise SweepError("no finished runs (expected results.parquet or "
                         f"{Path('runs') / '*.parquet'})") from None
    except Exception as e:
        raise SweepError(f"cannot read the runs ({_one_line(e)})") from None
    missing = [c for c in RUN_COLUMNS if c not in runs]
    if missing:
        raise SweepError(f"the runs table lacks the column(s) {', '.join(missing)}")
    return runs, manifest
