"""Pieces shared by the dashboards: settings controls, progress, background work, images."""

from __future__ import annotations

import base64
import html
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import CancelledError

import ipywidgets as W

from ...i18n import tr
from ...scenario import list_scenarios

__all__ = ["Background", "Cancelled", "Settings", "checked_inputs_key", "download_link",
           "failed_runs", "first_error", "image", "plain_message", "scenario_label",
           "scenario_names"]

#: dashboard default population: small enough for a 10-replication comparison in ~2 s
DASHBOARD_RESIDENTS = 4000


def scenario_label(name: str, lang: str = "en") -> str:
    """A scenario's name as shown in ``lang``.

    The dashboard names an edited reform ``"<file> (edited)"`` (and ``"<name> (reform)"``
    when it would have the baseline's name); those words are shown in ``lang``, the name
    itself never changes.
    """
    if lang == "en":
        return name
    for suffix, key in ((" (reform)", "rp_as_reform"), (" (edited)", "rp_edited")):
        if name.endswith(suffix):
            return scenario_label(name.removesuffix(suffix), lang) + tr(key, lang)
    return name


def plain_message(text: str, lang: str = "en") -> str:
    """A message of the model or the runner (written in English) in ``lang``.

    Known messages (:data:`sim.i18n.report.MESSAGES_ZH`, exact, and
    :data:`~sim.i18n.report.PATTERNS_ZH`, with their values) are translated; any other
    is shown as written.
    """
    if lang != "zh" or not text:
        return text
    import re

    from ...i18n.report import MESSAGES_ZH, PATTERNS_ZH

    if text in MESSAGES_ZH:
        return MESSAGES_ZH[text]
    for pattern, zh in PATTERNS_ZH:
        m = re.fullmatch(pattern, text, flags=re.S)
        if m:
            return zh.format(None, *m.groups())
    return text


def checked_inputs_key(dash, cannot_run: str = "Cannot run these inputs:") -> tuple | None:
    """``dash.inputs_key()``, or ``None`` with the reason shown and the run button disabled.

    A dashboard's controls may form inputs the model refuses (a ``ScenarioError``): the
    message ``cannot_run`` and the error go into ``dash.invalid``. Valid inputs clear it and
    enable ``dash.button`` unless a run is under way (``dash.work.busy``).
    """
    from ...scenario import ScenarioError

    try:
        key = dash.inputs_key()
    except ScenarioError as exc:
        dash.invalid.value = (f"<div style='color:#c62828'>{cannot_run} "
                              f"{html.escape(str(exc).removeprefix('override: '))}</div>")
        dash.button.disabled = True
        return None
    dash.invalid.value = ""
    dash.button.disabled = dash.work.busy
    return key


def scenario_names() -> list[str]:
    """Bundled scenario names."""
    return [p.stem for p in list_scenarios()]


def image(png: bytes | None = None, width: str = "100%") -> W.Image:
    """An Image widget showing PNG bytes; hidden while it has none (no broken image)."""
    img = W.Image(value=png or b"", format="png", layout=W.Layout(width=width))

    def sync(_change=None) -> None:
        img.layout.display = None if img.value else "none"

    img.observe(sync, names="value")
    sync()
    return img


def download_link(data: bytes, filename: str, mime: str, label: str) -> str:
    """An HTML link that downloads ``data`` (works in JupyterLab and Voila)."""
    b64 = base64.b64encode(data).decode()
    return (f'<a download="{html.escape(filename)}" href="data:{mime};base64,{b64}" '
            f'class="export-link" style="margin-right:1.5em">{html.escape(label)}</a>')


class Settings(W.HBox):
    """Replications, seed, residents and days."""

    def __init__(self, reps: int = 10, residents: int = DASHBOARD_RESIDENTS, days: int = 365):
        style = {"description_width": "initial"}
        self.reps = W.IntSlider(value=reps, min=2, max=50, description="Replications",
                                continuous_update=False, style=style)
        self.seed = W.BoundedIntText(value=0, min=0, max=2**31 - 1, description="Seed",
                                     style=style, layout=W.Layout(width="150px"))
        self.residents = W.Dropdown(options=[1000, 2000, 4000, 10000, 50000], value=residents,
                                    description="Simulated residents", style=style,
                                    layout=W.Layout(width="250px"))
        self.days = W.IntSlider(value=days, min=30, max=1095, step=5, description="Days",
                                continuous_update=False, style=style)
        super().__init__([self.reps, self.seed, self.residents, self.days])
        self.set_language("en")  # the tooltips (a label without one shows "null" on hover)

    def set_language(self, lang: str) -> None:
        """Label the settings in ``lang``."""
        from ...i18n import tr

        for widget, key in ((self.reps, "replications"), (self.seed, "seed"),
                            (self.residents, "residents"), (self.days, "days")):
            widget.description = tr(key, lang)
            widget.tooltip = tr(f"tip_{key}", lang)

    def overrides(self) -> dict:
        """Parameter values the settings fix."""
        return {"n_residents": self.residents.value, "n_days": self.days.value}


class Cancelled(Exception):
    """The user cancelled the running job."""


class Background:
    """Runs one job at a time in a thread, with a progress bar, a status line and Cancel.

    The page stays responsive while a job runs; a second click while busy is refused. A job
    calls :meth:`check` (and progress reports do) to stop as soon as Cancel is pressed.
    """

    def __init__(self, button: W.Button | None = None, cancel: W.Button | None = None) -> None:
        self.button = button  # disabled while a job runs
        self.cancel_button = cancel  # enabled while a job runs
        self.progress = W.IntProgress(value=0, min=0, max=1, description="",
                                      layout=W.Layout(width="300px", visibility="hidden"))
        self.status = W.HTML("")
        self.thread: threading.Thread | None = None
        #: how many runs the job's last request needed (0: answered from the cache)
        self.ran: int | None = None
        #: the language of the status line (set by the dashboard's language switch)
        self.lang = "en"
        self._said: Callable[[str], str] | None = None  # what say() showed, by language
        self._shown = ""  # ... and the text it showed
        self._cancelled = threading.Event()
        if cancel is not None:
            cancel.on_click(lambda _: self.cancel())

    def say(self, text: Callable[[str], str]) -> None:
        """Show ``text(lang)`` on the status line, and again after a language switch."""
        self._said = text
        self.status.value = self._shown = text(self.lang)

    def set_language(self, lang: str) -> None:
        """Write the status line in ``lang`` from now on.

        The line on screen is redrawn in ``lang`` if it is still the one :meth:`say` showed.
        """
        self.lang = lang
        if self._said is not None and self.status.value == self._shown:
            self.say(self._said)

    @property
    def busy(self) -> bool:
        """Whether a job is running."""
        return self.thread is not None and self.thread.is_alive()

    def cancel(self) -> None:
        """Ask the running job to stop."""
        if self.busy:
            self._cancelled.set()
            self.say(lambda lang: tr("status_cancelling", lang))

    def check(self) -> None:
        """Raise :class:`Cancelled` if Cancel was pressed (call from the job)."""
        if self._cancelled.is_set():
            raise Cancelled

    def cancelled(self) -> bool:
        """Whether Cancel was pressed.

        What a job gives the Runner as ``stop``, so that its runs stop at once rather than
        at the next progress report.
        """
        return self._cancelled.is_set()

    def on_progress(self, done: int, total: int) -> None:
        """Update the bar (called from the worker thread); stops the job if cancelled."""
        self.check()
        self.ran = total  # runs the request needed (0: all of it from the cache)
        self.progress.max = max(total, 1)
        self.progress.value = done
        self.say(lambda lang: tr("status_running", lang).format(done=done, total=total)
                 if total else tr("status_cache", lang))

    def start(self, job: Callable[[], None], block: bool = False,
              on_cancel: Callable[[], None] | None = None,
              on_error: Callable[[Exception], None] | None = None,
              can_run: Callable[[], bool] | None = None) -> None:
        """Run ``job`` (in a thread unless ``block``).

        ``on_cancel`` runs if it is cancelled, ``on_error(exc)`` if it raises (after the
        status shows the error); afterwards the button is enabled only if ``can_run()``
        (the inputs now on screen can run).
        """
        if self.busy:
            self.say(lambda lang: tr("status_busy", lang))
            return
        self._cancelled.clear()
        self.ran = None
        self.progress.layout.visibility = "visible"
        if self.button is not None:
            self.button.disabled = True
        if self.cancel_button is not None:
            self.cancel_button.disabled = False

        def wrapped():
            try:
                job()
            except (Cancelled, CancelledError):  # CancelledError: the Runner's runs stopped
                self.say(lambda lang: tr("status_cancelled", lang))
                if on_cancel is not None:
                    on_cancel()
            except Exception as exc:  # shown to the user, never swallowed silently
                why = str(exc)  # (``exc`` is gone after the except block; the line is not)
                self.say(lambda lang: "<span style='color:#c62828'>" + html.escape(
                    tr("rp_status_error", lang).format(why=plain_message(why, lang)))
                    + "</span>")
                traceback.print_exc()
                if on_error is not None:
                    on_error(exc)
            finally:
                self.progress.layout.visibility = "hidden"
                if self.button is not None:
                    self.button.disabled = not (can_run is None or can_run())
                if self.cancel_button is not None:
                    self.cancel_button.disabled = True

        if block:
            wrapped()
        else:
            self.thread = threading.Thread(target=wrapped, daemon=True)
            self.thread.start()


def failed_runs(*results) -> int:
    """Replications that did not finish, over one or more results (``RunResult``)."""
    return int(sum((r.runs["status"] != "ok").sum() for r in results if "status" in r.runs))


def first_error(*results) -> str:
    """The first failed replication's error message (empty if none failed)."""
    for r in results:
        if "status" in r.runs:
            bad = r.runs.loc[r.runs["status"] != "ok", "error"]
            if len(bad):
                return str(bad.iloc[0])
    return ""
