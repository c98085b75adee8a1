"""Pieces shared by the dashboards: settings controls, progress, background work, images."""

from __future__ import annotations

import base64
import html
import threading
import traceback
from collections.abc import Callable

import ipywidgets as W

from ..scenario import list_scenarios

__all__ = ["Background", "Settings", "download_link", "image", "scenario_names"]

#: dashboard default population: small enough for a 10-replication comparison in ~2 s
DASHBOARD_RESIDENTS = 4000


def scenario_names() -> list[str]:
    """Bundled scenario names."""
    return [p.stem for p in list_scenarios()]


def image(png: bytes | None = None, width: str = "100%") -> W.Image:
    """An Image widget showing PNG bytes."""
    return W.Image(value=png or b"", format="png", layout=W.Layout(width=width))


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

    def overrides(self) -> dict:
        """Parameter values the settings fix."""
        return {"n_residents": self.residents.value, "n_days": self.days.value}


class Background:
    """Runs one job at a time in a thread, with a progress bar and a status line.

    The page stays responsive while a job runs; a second click while busy is refused.
    """

    def __init__(self, button: W.Button | None = None) -> None:
        self.button = button  # disabled while a job runs
        self.progress = W.IntProgress(value=0, min=0, max=1, description="",
                                      layout=W.Layout(width="300px", visibility="hidden"))
        self.status = W.HTML("")
        self.thread: threading.Thread | None = None

    @property
    def busy(self) -> bool:
        """Whether a job is running."""
        return self.thread is not None and self.thread.is_alive()

    def on_progress(self, done: int, total: int) -> None:
        """Update the bar (called from the worker thread)."""
        self.progress.max = max(total, 1)
        self.progress.value = done
        self.status.value = f"running {done} of {total} runs…" if total else "from the cache"

    def start(self, job: Callable[[], None], block: bool = False) -> None:
        """Run ``job`` (in a thread unless ``block``)."""
        if self.busy:
            self.status.value = "still working on the last request…"
            return
        self.progress.layout.visibility = "visible"
        if self.button is not None:
            self.button.disabled = True

        def wrapped():
            try:
                job()
            except Exception as exc:  # shown to the user, never swallowed silently
                self.status.value = (f"<span style='color:#c62828'>error: "
                                     f"{html.escape(str(exc))}</span>")
                traceback.print_exc()
            finally:
                self.progress.layout.visibility = "hidden"
                if self.button is not None:
                    self.button.disabled = False

        if block:
            wrapped()
        else:
            self.thread = threading.Thread(target=wrapped, daemon=True)
            self.thread.start()
