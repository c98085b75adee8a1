"""Checks made before anything runs: will it fit this machine, can its results be written.

* :func:`estimate` gives a run's memory and time from its parameters alone (the biggest
  tables are known from the declaration: the last-visit table is providers × residents);
* :func:`check_fits` refuses, with the estimate and the limit, a run that cannot fit in this
  machine's memory (``allow_large`` skips it, for bigger machines and clusters);
* :func:`check_out` refuses an output folder that cannot be written (a file, a path under a
  file, a device, a folder without write permission, a folder already holding results)
  before the simulation starts, so nothing runs for nothing;
* :func:`safe_filename` turns a scenario's name into a file name that stays inside the
  output folder.

Every refusal is a :class:`PreflightError` with a one-line message naming what to change.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Estimate", "PreflightError", "check_fits", "check_out", "check_out_file", "estimate",
           "machine_memory", "safe_filename"]

#: measured on the project's machine (benchmarks/RESULTS.md, 2026-12-07): a default run
#: (217 provider nodes) costs about 0.4 s plus 5.5 µs per resident for a year at 70 nodes,
#: times sqrt(nodes / 70) (0.46 s at 4,000 residents, 0.58 s at 10,000, 1.8 s at 100,000,
#: 8.8 s at a million), and holds about 600 bytes per resident besides its tables (946 MB
#: in all at a million), on top of ~300 MB for Python and the libraries (Numba's compiler
#: ~150 MB of it, 110 MB of which are shared library pages other processes share)
SECONDS_FIXED = 0.4
SECONDS_PER_RESIDENT_YEAR = 5.5e-6
BYTES_PER_RESIDENT = 600
BYTES_BASE = 300e6
VISIT_BYTES_PER_RESIDENT = 26  # sim.world.records.VisitTable: home days, node lists, list heads
VISIT_BYTES_PER_RESIDENT_YEAR = 18  # its entries for visits away from home (40 B, 0.22 a year)
USABLE_SHARE = 0.8  # of the machine's memory, for the runs together


class PreflightError(ValueError):
    """A run refused before it starts (the message names what to change)."""


@dataclass(frozen=True)
class Estimate:
    """A run's expected peak memory (bytes) and wall time (seconds), and its biggest table."""

    bytes: float
    seconds: float
    biggest: str
    biggest_bytes: float


def estimate(params: Mapping[str, Any]) -> Estimate:
    """Memory and time of one run with these parameter values (no model is built)."""
    n = int(params["n_residents"])
    regions = int(params["n_regions"])
    years = int(params["n_days"]) / 365.0
    providers = regions * sum(int(params[k]) for k in (
        "clinics_per_region", "secondary_per_region", "tertiary_per_region"))
    tables = {
        # (home nodes, their lists of residents, and ~0.22 visits away from home a
        # resident-year, in arrays that double when full)
        "the visit table (home nodes and visits away from home)":
            (VISIT_BYTES_PER_RESIDENT + VISIT_BYTES_PER_RESIDENT_YEAR * years) * n,
        "the regional last-visit table (regions × residents)": 2.0 * regions * n,
        "the reach matrix (providers × providers)": float(providers) ** 2,
        "the residents' columns": float(BYTES_PER_RESIDENT) * n,
    }
    biggest = max(tables, key=tables.get)
    seconds = (SECONDS_FIXED + SECONDS_PER_RESIDENT_YEAR * n * max(1.0, providers / 70) ** 0.5
               ) * years
    return Estimate(bytes=BYTES_BASE + sum(tables.values()), seconds=seconds, biggest=biggest,
                    biggest_bytes=tables[biggest])


def machine_memory() -> float:
    """This machine's physical memory in bytes (``inf`` where it cannot be read)."""
    try:
        return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX
        return math.inf


def _gb(x: float) -> str:
    return f"{x / 1e9:,.1f} GB"


def check_fits(scenarios: Sequence[Any], *, workers: int = 1,
               allow_large: bool = False) -> Estimate:
    """Refuse runs that cannot fit this machine's memory; return the largest estimate.

    ``workers`` runs at a time share the machine. ``allow_large``: skip the check (a bigger
    machine or a cluster; the command line's ``--allow-large``).

    Raises:
        PreflightError: naming the estimate, the biggest table, the limit and what to lower.
    """
    worst = max((estimate(s.params) for s in scenarios), key=lambda e: e.bytes)
    limit = USABLE_SHARE * machine_memory()
    need = worst.bytes * max(workers, 1)
    if not allow_large and need > limit:
        name = max(scenarios, key=lambda s: estimate(s.params).bytes).name
        raise PreflightError(
            f"{name}: a run needs about {_gb(worst.bytes)}"
            + (f" ({workers} at a time: {_gb(need)})" if workers > 1 else "")
            + f", {_gb(worst.biggest_bytes)} of it for {worst.biggest}; this machine can give "
            f"at most {_gb(limit)}: lower the residents, n_regions or the *_per_region "
            "counts, or pass --allow-large on a bigger machine")
    return worst


def check_out(out: Path, *, may_exist: bool = False) -> Path:
    """The output folder ``out``, resolved, if results can be written there.

    ``may_exist``: an existing folder with results is fine (a sweep that resumes).

    Raises:
        PreflightError: for a file, a path under a file, a device, a name too long for the
            file system, a folder that cannot be written, or (unless ``may_exist``) a folder
            that already holds something.
    """
    out = Path(out).expanduser()
    where = f"--out {out}"
    try:
        resolved = _resolve(out, where)
        if resolved.exists() and not resolved.is_dir():
            raise PreflightError(f"{where}: is a file (or a device), not a folder")
        _check_parent(resolved, where)
        if resolved.is_dir() and not may_exist and any(resolved.iterdir()):
            raise PreflightError(f"{where}: folder exists and is not empty; choose a new "
                                 "folder")
    except OSError as exc:
        raise PreflightError(f"{where}: cannot be used ({exc.strerror or exc})") from None
    return resolved


def check_out_file(out: Path, flag: str = "--out") -> Path:
    """The file ``out`` (a report: Markdown, a figure), resolved, if it can be written.

    The file is written beside itself and then renamed over ``out``, so ``out`` must be a
    regular file or not exist yet: a folder, a device (``/dev/full``), a pipe or a link to
    one would be replaced or written through.

    Raises:
        PreflightError: naming the path and what is allowed.
    """
    out = Path(out).expanduser()
    where = f"{flag} {out}"
    try:
        resolved = _resolve(out, where)
        if out.is_symlink() or (resolved.exists() and not resolved.is_file()):
            kind = ("a symbolic link" if out.is_symlink() else "a folder" if resolved.is_dir()
                    else "not a regular file (a device or a pipe)")
            raise PreflightError(f"{where}: is {kind}; allowed: a regular file to write (a new "
                                 "name, or a file written before)")
        _check_parent(resolved, where)
    except OSError as exc:
        raise PreflightError(f"{where}: cannot be used ({exc.strerror or exc})") from None
    return resolved


def _resolve(out: Path, where: str) -> Path:
    """``out`` resolved, after checking each name's length against the file system's limit."""
    for part in out.parts:
        if len(os.fsencode(part)) > _NAME_MAX:
            raise PreflightError(f"{where}: a name in it is {len(os.fsencode(part))} bytes "
                                 f"long; allowed: at most {_NAME_MAX} bytes per name")
    try:
        return out.resolve()
    except (OSError, RuntimeError) as exc:
        raise PreflightError(f"{where}: cannot be used ({exc.__class__.__name__})") from None


def _check_parent(resolved: Path, where: str) -> None:
    """The nearest existing folder above ``resolved`` is a folder this process may write."""
    parent = resolved
    while not parent.exists():
        parent = parent.parent
    if parent != resolved and not parent.is_dir():
        raise PreflightError(f"{where}: {parent} is a file, so nothing can be made under it")
    if not os.access(parent if parent.is_dir() else parent.parent, os.W_OK | os.X_OK):
        raise PreflightError(f"{where}: cannot write in {parent} (permission denied)")


#: the longest file name most file systems take (ext4, XFS, APFS, NTFS in UTF-16 units)
_NAME_MAX = 255


def safe_filename(name: str) -> str:
    """``name`` as a file name that cannot leave its folder (no separators, no ``..``)."""
    text = re.sub(r"[^\w.() -]+", "_", str(name)).strip(" .")
    return text or "scenario"
