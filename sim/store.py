"""A sweep's results folder: every run stored once, atomically, by one writer at a time.

Layout of ``out/``::

    sweep.json               the resolved sweep (what the runs are)
    runs/<run_id>.parquet    one row per finished run (``status`` "ok" or "error")
    daily/<run_id>.parquet   the run's daily series (long form), written before its row
    .lock                    held (``flock``) by the sweep writing here; holds its pid

A row's file means a finished run: files are written to a hidden temporary name and renamed
into place, so a killed writer leaves at most a ``.*.tmp`` file, removed on the next start.
The lock is released by the operating system when its holder ends, however it ends, so a
killed sweep never leaves a stale lock behind.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["DamagedResultError", "ResultsFolder", "SweepError", "load_results", "open_results",
           "sweep_manifest"]

try:  # POSIX; elsewhere a second writer is not detected
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


class SweepError(ValueError):
    """A sweep cannot be loaded or run; the message names the field and the fix."""


class DamagedResultError(SweepError):
    """A stored result file cannot be read; ``path`` names it, ``reason`` says why."""

    def __init__(self, path: Path, reason: str):
        self.path, self.reason = path, reason
        super().__init__(f"{path}: not a readable Parquet file ({reason}); delete it and "
                         "run the sweep again with --resume")


class ResultsFolder:
    """The open results folder of a running sweep (see :func:`open_results`)."""

    def __init__(self, out: Path):
        self.out = out
        self.runs_dir = out / "runs"
        self.daily_dir = out / "daily"

    def stored(self) -> dict[str, str]:
        """``{run_id: status}`` of every stored run (unreadable files are left out)."""
        import pyarrow.parquet as pq

        found: dict[str, str] = {}
        for path in self.runs_dir.glob("*.parquet"):
            try:
                status = pq.read_table(path, columns=["status"]).column(0)[0].as_py()
            except Exception:
                continue
            found[path.stem] = str(status)
        return found

    def put(self, row: Mapping[str, Any], daily: pd.DataFrame | None) -> None:
        """Store one run: its daily table first, then its row (the row marks it finished)."""
        rid = row["run_id"]
        if daily is not None:
            _atomic_parquet(daily, self.daily_dir / f"{rid}.parquet")
        else:  # a run stored again (a retried error) must not keep an older daily table
            (self.daily_dir / f"{rid}.parquet").unlink(missing_ok=True)
        _atomic_parquet(pd.DataFrame([dict(row)]), self.runs_dir / f"{rid}.parquet")

    def count(self) -> int:
        """How many runs are stored."""
        return sum(1 for _ in self.runs_dir.glob("*.parquet"))


@contextmanager
def open_results(out: str | Path, manifest: Mapping[str, Any], *, resume: bool
                 ) -> Iterator[ResultsFolder]:
    """Open ``out`` for writing a sweep's runs; hold its lock until the block ends.

    Args:
        out: the results folder (made if missing).
        manifest: the resolved sweep; its ``sha256`` must match a folder being resumed.
        resume: continue the sweep already in ``out``.

    Raises:
        SweepError: ``out`` is a file or cannot be written, holds something else (or a
            sweep, without ``resume``), holds a different sweep, or another sweep is
            writing to it.
    """
    out = Path(out)
    where = f"--out {out}"
    if out.exists() and not out.is_dir():
        raise SweepError(f"{where}: is a file, not a folder")
    try:
        had = out.exists() and any(p.name != ".lock" for p in out.iterdir())
        out.mkdir(parents=True, exist_ok=True)
        lock = open(out / ".lock", "a+", encoding="utf-8")
    except OSError as exc:
        raise SweepError(f"{where}: cannot write here ({exc.strerror or exc})") from None
    try:
        _acquire(lock, where)
        path = out / "sweep.json"
        if had:
            if not resume:
                raise SweepError(f"{where}: folder exists and is not empty; use --resume to "
                                 "continue the sweep in it, or choose a new folder")
            if not path.exists():
                raise SweepError(f"{where}: not a sweep folder (no sweep.json)")
            try:
                old = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise SweepError(f"{where}: sweep.json cannot be read ({exc}); choose a new "
                                 "folder") from None
            if old.get("sha256") != manifest["sha256"]:
                raise SweepError(f"{where}: holds a different sweep ({old.get('name')!r}); "
                                 "choose a new folder")
        folder = ResultsFolder(out)
        try:
            folder.runs_dir.mkdir(exist_ok=True)
            folder.daily_dir.mkdir(exist_ok=True)
            for stale in [*folder.runs_dir.glob(".*.tmp"), *folder.daily_dir.glob(".*.tmp")]:
                stale.unlink()  # left by a killed writer: never a finished run
            if not path.exists():
                _atomic_write_text(path, json.dumps(dict(manifest), indent=2, default=str))
        except OSError as exc:
            raise SweepError(f"{where}: cannot write here ({exc.strerror or exc})") from None
        yield folder
    finally:
        lock.close()  # releases the flock


def _acquire(lock, where: str) -> None:
    if fcntl is None:  # pragma: no cover - Windows
        return
    try:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        lock.seek(0)
        pid = lock.read().strip() or "unknown"
        raise SweepError(f"{where}: another sweep (process {pid}) is writing here; wait for "
                         "it to end or choose another folder") from None
    lock.seek(0)
    lock.truncate()
    lock.write(str(os.getpid()))
    lock.flush()


def load_results(out: str | Path, daily: bool = False):
    """Read a sweep folder.

    Returns:
        The runs table (one row per finished run, sorted by scenario, point and rep), or
        ``(runs, daily)`` when ``daily`` is true.

    Raises:
        SweepError: if the folder holds no sweep results, or a file cannot be read (named).
    """
    out = Path(out)
    files = sorted((out / "runs").glob("*.parquet"))
    if not files:
        raise SweepError(f"{out}: no finished runs (expected {out / 'runs'}/*.parquet)")
    runs = pd.concat([_read(f) for f in files], ignore_index=True)
    runs = runs.sort_values(["scenario_index", "point_index", "rep"], kind="stable"
                            ).reset_index(drop=True)
    if not daily:
        return runs
    dfiles = sorted((out / "daily").glob("*.parquet"))
    d = (pd.concat([_read(f) for f in dfiles], ignore_index=True) if dfiles else
         pd.DataFrame(columns=["run_id", "day", "series", "value"]))
    return runs, d


def sweep_manifest(out: str | Path) -> dict[str, Any]:
    """The resolved sweep stored with the results (``sweep.json``)."""
    path = Path(out) / "sweep.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SweepError(f"{path}: cannot be read ({exc.__class__.__name__})") from None


def _read(path: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except Exception as exc:
        raise DamagedResultError(path, str(exc).splitlines()[0][:80] if str(exc) else
                                 exc.__class__.__name__) from None


def _atomic_parquet(df: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(f".{path.stem}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        df.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _atomic_write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
