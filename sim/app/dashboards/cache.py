"""Results kept on disk, shared by every page of a server and surviving its restart.

A planner's question (one scenario's replications on one seed) costs seconds to minutes;
two planners asking the same one, or one asking again after the server restarted, should get it
at once. :class:`ResultCache` stores each complete
:class:`~sim.experiments.experiment.RunResult` as Parquet tables in a folder named by a hash of
everything the numbers depend on:

* the scenario's name and resolved parameters (:attr:`Scenario.sha256`), the master seed
  and the number of replications;
* the code: the package version **and** a digest of the package's own files (its modules
  and bundled data), so an edited model never serves results of the code before the edit;
* the versions of NumPy, pandas and Mesa (their random streams and arithmetic).

Writes are atomic (a temporary folder renamed into place), so a page reading while another
writes sees a whole entry or none; an entry that cannot be read is a miss, never an error.
The oldest entries (by last use) are removed once the folder holds more than ``max_bytes``.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd

from ...experiments.experiment import RunResult
from ...scenario import Scenario

__all__ = ["ResultCache", "code_version"]

TABLES = ("runs", "daily", "groups", "residents")
#: the cache's default size limit (bytes): hundreds of comparisons at the app's default size
DEFAULT_MAX_BYTES = 1 << 30


@functools.cache
def code_version() -> str:
    """A digest of what results depend on besides the inputs.

    This package's version, its files (modules and bundled data) and the versions of the
    numerical libraries.
    """
    import mesa
    import numpy as np

    from ...package import __version__

    root = Path(__file__).resolve().parents[2]  # the package, sim/
    h = hashlib.sha256(f"{__version__}|{np.__version__}|{pd.__version__}|"
                       f"{mesa.__version__}".encode())
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


#: a half-written entry older than this was left by a process that died while writing it
STALE_WRITE_S = 3600


class ResultCache:
    """Complete results on disk, keyed by scenario, seed, replications and code.

    Args:
        root: the folder (made if missing); several processes may share it.
        max_bytes: the size above which the least recently used entries are removed.
    """

    def __init__(self, root: str | os.PathLike, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.root = Path(root).expanduser()
        self.max_bytes = int(max_bytes)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise ValueError(f"result cache: cannot use the folder {str(self.root)!r} ({e})"
                             ) from None

    def key(self, scenario: Scenario, seed: int, reps: int, code: str | None = None) -> str:
        """The entry's name: a hash of the inputs and of the code that runs them.

        ``code``: the :func:`code_version` of the processes that run the simulations
        (default: this process's).
        """
        blob = json.dumps({"name": scenario.name, "params": scenario.sha256, "seed": int(seed),
                           "reps": int(reps), "code": code or code_version()}, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / key

    def get(self, scenario: Scenario, seed: int, reps: int,
            code: str | None = None) -> RunResult | None:
        """The stored result for these inputs, or None (missing or unreadable)."""
        path = self._path(self.key(scenario, seed, reps, code))
        try:
            tables = {t: pd.read_parquet(path / f"{t}.parquet") for t in TABLES}
            os.utime(path)  # its last use, for the size limit
        except (OSError, ValueError):  # missing, half-removed, or damaged: run it again
            return None
        return RunResult(scenario=scenario, seed=seed, **tables)

    def put(self, result: RunResult, reps: int, code: str | None = None) -> None:
        """Store ``result`` (atomically; a failure to write only loses the saving)."""
        path = self._path(self.key(result.scenario, result.seed, reps, code))
        if path.exists():
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=path.parent))
            try:
                for t in TABLES:
                    getattr(result, t).to_parquet(tmp / f"{t}.parquet")
                (tmp / "inputs.json").write_text(json.dumps(
                    {"scenario": result.scenario.name, "params": dict(result.scenario.params),
                     "seed": result.seed, "reps": reps, "code": code or code_version(),
                     "stored": time.strftime("%Y-%m-%dT%H:%M:%S")}, default=str, indent=1))
                os.rename(tmp, path)  # another page may have stored it first: keep theirs
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
        except OSError:
            return
        self._trim()

    def entries(self) -> list[Path]:
        """The stored entries' folders."""
        return [p for p in self.root.glob("??/*") if p.is_dir() and not p.name.startswith(".")]

    def size(self) -> int:
        """Bytes stored."""
        return sum(_size(p) for p in self.entries())

    def _trim(self) -> None:
        """Remove the least recently used entries while the cache exceeds ``max_bytes``.

        Also removes half-written entries (``.tmp-*``) older than :data:`STALE_WRITE_S`: a
        process killed while writing leaves one behind; a live write takes seconds.
        """
        now = time.time()
        for tmp in self.root.glob("??/.tmp-*"):
            with contextlib.suppress(OSError):
                if now - tmp.stat().st_mtime > STALE_WRITE_S:
                    shutil.rmtree(tmp, ignore_errors=True)
        sized = []
        for p in self.entries():
            with contextlib.suppress(OSError):
                sized.append((p.stat().st_mtime, _size(p), p))
        total = sum(s for _, s, _ in sized)
        for _, s, p in sorted(sized, key=lambda t: t[0]):
            if total <= self.max_bytes:
                break
            shutil.rmtree(p, ignore_errors=True)
            total -= s

    def clear(self) -> None:
        """Remove every entry (and every half-written one)."""
        for p in [*self.entries(), *self.root.glob("??/.tmp-*")]:
            shutil.rmtree(p, ignore_errors=True)


def _size(path: Path) -> int:
    total = 0
    for f in path.iterdir():
        with contextlib.suppress(OSError):
            total += f.stat().st_size
    return total
