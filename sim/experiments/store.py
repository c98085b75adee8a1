"""A sweep's results folder: every run stored once, atomically, by one writer at a time.

Layout of ``out/``::

    sweep.json               the resolved sweep (what the runs are)
    results.parquet          the runs, one row per run_id (``status`` "ok" or "error"),
                             written by :func:`compact` at the end of a sweep
    daily.parquet            the runs' daily series (long: run_id, day, series, value)
    runs/<run_id>.parquet    one row per run finished since the last compaction
    daily/<run_id>.parquet   that run's daily series, written before its row
    .lock                    held (``flock``) by the sweep writing here; holds its pid

While a sweep runs, each run is stored the moment it finishes as its own small file (a row's
file means a finished run: files are written to a hidden temporary name and renamed into
place, so a killed writer leaves at most a ``.*.tmp`` file, removed on the next start). When
the sweep ends, :func:`compact` folds those files into ``results.parquet`` and
``daily.parquet`` and removes them: a folder of 10,000 runs is then two files that pandas,
Polars, DuckDB or Arrow read in one call, instead of 20,000.

A per-run file always wins over the compacted row of the same ``run_id`` (it is newer: a
retried error), so the folder holds one row per run whatever state a crash leaves it in:
the compacted files are written to a temporary name and renamed into place (daily first,
then runs), and the per-run files are removed only after both are in place, each row before
its daily table. The lock is released by the operating system when its holder ends, however
it ends, so a killed sweep never leaves a stale lock behind.

Column types (:func:`load_results`, and the compacted file read by any Parquet reader):
``scenario``, ``sweep``, ``point``, ``status`` and every text parameter (``param.*``) are
categorical (Arrow dictionary); list parameters (``param.collection_fields``) are lists of
text; incident and downtime counts (:func:`count_columns`) are integers (nullable: a failed
run has none).
"""

from __future__ import annotations

import json
import os
import stat
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["DamagedResultError", "ResultsFolder", "SweepError", "compact", "count_columns",
           "count_stored", "load_results", "open_results", "stored_runs", "sweep_manifest"]

#: the compacted runs and daily tables, in the results folder
RESULTS_FILE, DAILY_FILE = "results.parquet", "daily.parquet"
#: sort order of the runs table
SORT_KEYS = ("scenario_index", "point_index", "rep")
#: run columns of text that repeats (categorical), besides the text parameters
CATEGORY_COLUMNS = ("scenario", "sweep", "point", "status")


def count_columns() -> tuple[str, ...]:
    """Outcomes that count whole things (incidents, campaigns, institution- and system-days).

    Integers in the model (``Ledger.count``, ``Threats.downtime_days``), floats in a row:
    stored as nullable integers. Declared with the outcome (``register_outcome(...,
    count=True)``), so an outcome registered from outside is stored the same way.
    """
    from ..world.outcomes import OUTCOMES

    return tuple(name for name, o in OUTCOMES.items() if o.count)

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
        super().__init__(f"{path}: not a readable Parquet file ({reason}); run the sweep "
                         "again with --resume: it runs again what this file held")

    def __reduce__(self):  # picklable (raised in a worker, re-raised in its parent)
        return (type(self), (self.path, self.reason))


class ResultsFolder:
    """The open results folder of a running sweep (see :func:`open_results`)."""

    def __init__(self, out: Path):
        self.out = out
        self.runs_dir = out / "runs"
        self.daily_dir = out / "daily"

    def stored(self) -> dict[str, str]:
        """``{run_id: status}`` of every stored run, compacted or not (see :func:`stored_runs`)."""
        return stored_runs(self.out)

    def put(self, row: Mapping[str, Any], daily: pd.DataFrame | None) -> None:
        """Store one run: its daily table first, then its row (the row marks it finished)."""
        rid = row["run_id"]
        if daily is not None:
            _atomic_parquet(daily, self.daily_dir / f"{rid}.parquet")
        else:  # a run stored again (a retried error) must not keep an older daily table
            (self.daily_dir / f"{rid}.parquet").unlink(missing_ok=True)
        table = _tidy(pa_table(pd.DataFrame([dict(row)])))
        _atomic_parquet(table, self.runs_dir / f"{rid}.parquet")

    def count(self) -> int:
        """How many runs are stored."""
        return count_stored(self.out)

    def compact(self) -> int:
        """Fold the per-run files into the compacted dataset (see :func:`compact`)."""
        return _compact(self.out)


def stored_runs(out: str | Path) -> dict[str, str]:
    """``{run_id: status}`` of every run stored in ``out``: compacted, then per-run files.

    Unreadable files are left out (their runs are run again by ``resume``).
    """
    import pyarrow.parquet as pq

    out = Path(out)
    found: dict[str, str] = {}
    if (out / RESULTS_FILE).exists() and _readable(out / DAILY_FILE):
        try:
            t = pq.read_table(out / RESULTS_FILE, columns=["run_id", "status"])
            found.update(zip(t.column("run_id").to_pylist(),
                             map(str, t.column("status").to_pylist()), strict=True))
        except Exception:
            pass  # damaged: compact() moves it aside once its runs are stored again
    for path in (out / "runs").glob("*.parquet"):
        try:
            status = pq.read_table(path, columns=["status"]).column(0)[0].as_py()
        except Exception:
            continue
        if not _readable(out / "daily" / path.name):
            continue  # its daily table is damaged (a killed writer, a full disk): run again
        found[path.stem] = str(status)
    return found


def _readable(path: Path) -> bool:
    """Whether ``path`` is absent or a Parquet file whose footer reads (a cheap check)."""
    import pyarrow.parquet as pq

    if not path.exists():
        return True
    try:
        pq.read_metadata(path)
    except (FileNotFoundError, PermissionError, MemoryError):
        raise
    except Exception:
        return False
    return True


def _sweep_runs(out: Path) -> int | None:
    """How many runs the sweep in ``out`` has (from ``sweep.json``), if it says."""
    try:
        return int(json.loads((out / "sweep.json").read_text(encoding="utf-8"))["runs"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def count_stored(out: str | Path) -> int:
    """How many runs ``out`` holds (compacted or not), reading only run ids and file names."""
    import pyarrow.parquet as pq

    out = Path(out)
    ids: set[str] = set()
    if (out / RESULTS_FILE).exists():
        try:
            ids.update(pq.read_table(out / RESULTS_FILE, columns=["run_id"]).column(0)
                       .to_pylist())
        except Exception:
            pass
    if (out / "runs").is_dir():
        ids.update(p.stem for p in (out / "runs").glob("*.parquet"))
    return len(ids)


def compact(out: str | Path) -> int:
    """Fold a sweep folder's per-run files into ``results.parquet`` and ``daily.parquet``.

    Run at the end of every sweep (and of every ``resume``); call it on a folder left by an
    interrupted sweep to tidy it. Holds the folder's lock, so it refuses while a sweep is
    writing there. Safe to kill at any point: the compacted files are replaced atomically
    and a per-run file is removed only once both are in place (a per-run file always wins
    over a compacted row of the same run). A per-run file that cannot be read is left where
    it is (``resume`` runs it again); while a compacted file cannot be read, ``resume`` runs
    all its runs again, and once every run of the sweep is stored afresh the damaged file
    is renamed to ``<name>.damaged``.

    Returns:
        The runs in the compacted dataset.

    Raises:
        SweepError: ``out`` is not a sweep folder, or a sweep is writing to it.
        DamagedResultError: a compacted file cannot be read and not every run is stored
            afresh yet (nothing is changed; ``resume`` runs its runs again).
    """
    out = Path(out)
    if not (out / "sweep.json").is_file():
        raise SweepError(f"{out}: not a sweep folder (no sweep.json)")
    lock, _created = _open_lock(out, str(out))
    with lock:
        _acquire(lock, str(out))
        return _compact(out)


def _compact(out: Path) -> int:
    import pyarrow.parquet as pq

    runs_dir, daily_dir = out / "runs", out / "daily"
    files = sorted(runs_dir.glob("*.parquet")) if runs_dir.is_dir() else []
    fresh: dict[str, Any] = {}
    for f in files:
        try:
            fresh[f.stem] = _tidy(pq.read_table(f))
        except Exception:
            continue  # damaged: stays for load_results to name and resume to rerun
    dparts = []
    for rid in list(fresh):
        path = daily_dir / f"{rid}.parquet"
        if not path.exists():
            continue
        try:
            dparts.append(_read(path, table=True))
        except DamagedResultError:  # its daily series is lost: resume runs it again
            del fresh[rid]
            (runs_dir / f"{rid}.parquet").unlink(missing_ok=True)
            path.unlink(missing_ok=True)
    if not fresh:
        return count_stored(out)
    # a damaged compacted file may be set aside only once every run is stored again (resume
    # ignores the compacted rows while either file is damaged, so it reruns them all)
    total = _sweep_runs(out)
    every_run_fresh = total is not None and len(fresh) >= total
    base = _read_compacted(out / RESULTS_FILE, aside=every_run_fresh)
    runs = _merge(base, list(fresh.values()), list(fresh))
    dbase = _read_compacted(out / DAILY_FILE, aside=every_run_fresh)
    if dparts or dbase is not None:
        daily = _merge_daily(dbase, dparts, list(fresh))
        _atomic_parquet(daily, out / DAILY_FILE, sync=True)
    _atomic_parquet(runs, out / RESULTS_FILE, sync=True)
    for rid in fresh:  # the row first: a daily table without its row is never read
        (runs_dir / f"{rid}.parquet").unlink(missing_ok=True)
        (daily_dir / f"{rid}.parquet").unlink(missing_ok=True)
    rows = {p.stem for p in runs_dir.glob("*.parquet")}
    for orphan in daily_dir.glob("*.parquet") if daily_dir.is_dir() else []:
        if orphan.stem not in rows:  # its run never finished (or is compacted): unused
            orphan.unlink(missing_ok=True)
    return runs.num_rows


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
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SweepError(f"{where}: cannot write here ({exc.strerror or exc})") from None
    lock, created = _open_lock(out, where)
    try:
        _acquire(lock, where)  # then look: a sweep that just ended has filled the folder
        had = any(p.name != ".lock" for p in out.iterdir())
        path = out / "sweep.json"
        if had and (not resume or not path.exists()):
            if created:  # a refused folder is left as it was found
                (out / ".lock").unlink(missing_ok=True)
            if not resume:
                raise SweepError(f"{where}: folder exists and is not empty; use --resume to "
                                 "continue the sweep in it, or choose a new folder")
            raise SweepError(f"{where}: not a sweep folder (no sweep.json)")
        if had:
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
            for stale in [*folder.runs_dir.glob(".*.tmp"), *folder.daily_dir.glob(".*.tmp"),
                          *out.glob(".*.tmp")]:
                stale.unlink()  # left by a killed writer: never a finished run
            if not path.exists():
                _atomic_write_text(path, json.dumps(dict(manifest), indent=2, default=str))
        except OSError as exc:
            raise SweepError(f"{where}: cannot write here ({exc.strerror or exc})") from None
        yield folder
    finally:
        lock.close()  # releases the flock


def _open_lock(out: Path, where: str):
    """Open (or make) ``out/.lock`` for reading and writing; return it and whether it is new.

    Only a regular file is used: a symbolic link (whose target the pid would overwrite), a
    folder, a device or a pipe is refused with a message that names it.
    """
    path = out / ".lock"
    flags = os.O_RDWR | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    created = False
    try:
        try:
            fd = os.open(path, flags | os.O_CREAT | os.O_EXCL, 0o644)
            created = True
        except FileExistsError:
            if path.is_symlink():
                raise SweepError(f"{where}: {path} is a symbolic link; allowed: a regular "
                                 "file (remove the link)") from None
            fd = os.open(path, flags | getattr(os, "O_NONBLOCK", 0))
    except SweepError:
        raise
    except OSError as exc:
        if path.is_symlink():
            raise SweepError(f"{where}: {path} is a symbolic link; allowed: a regular file "
                             "(remove the link)") from None
        raise SweepError(f"{where}: cannot write here ({exc.strerror or exc})") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise SweepError(f"{where}: {path} is not a regular file (a folder, device or pipe); "
                         "allowed: a regular file (remove it)")
    return os.fdopen(fd, "r+", encoding="utf-8"), created


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
    """Read a sweep folder: the compacted dataset plus any runs stored since.

    Returns:
        The runs table (one row per run, sorted by scenario, point and rep), or
        ``(runs, daily)`` when ``daily`` is true. ``scenario``, ``sweep``, ``point``,
        ``status`` and the text parameters are categorical, list parameters hold Python
        lists, :func:`count_columns` are nullable integers (``Int64``).

    Raises:
        SweepError: if the folder holds no sweep results, or a file cannot be read (named).
    """
    for _attempt in range(3):
        try:
            return _load_results(Path(out), daily)
        except FileNotFoundError:  # a compaction moved per-run files meanwhile: look again
            continue
    raise SweepError(f"{out}: its files keep changing while being read (a sweep compacting "
                     "it?); try again when it has ended")


def _load_results(out: Path, daily: bool):
    runs_dir = out / "runs"
    files = sorted(runs_dir.glob("*.parquet")) if runs_dir.is_dir() else []
    base = _read_compacted(out / RESULTS_FILE)
    if not files and base is None:
        raise SweepError(f"{out}: no finished runs (expected {out / RESULTS_FILE} or "
                         f"{runs_dir}/*.parquet)")
    fresh = [_tidy(_read(f, table=True)) for f in files]
    ids = [f.stem for f in files]
    runs = _to_pandas(_merge(base, fresh, ids))
    if not daily:
        return runs
    dparts = [_read(out / "daily" / f"{rid}.parquet", table=True) for rid in ids
              if (out / "daily" / f"{rid}.parquet").exists()]
    dbase = _read_compacted(out / DAILY_FILE)
    if dbase is None and not dparts:
        return runs, pd.DataFrame(columns=["run_id", "day", "series", "value"])
    return runs, _to_pandas(_merge_daily(dbase, dparts, ids))


def sweep_manifest(out: str | Path) -> dict[str, Any]:
    """The resolved sweep stored with the results (``sweep.json``)."""
    path = Path(out) / "sweep.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SweepError(f"{path}: cannot be read ({exc.__class__.__name__})") from None


def _read(path: Path, table: bool = False):
    try:
        if table:
            import pyarrow.parquet as pq

            return pq.read_table(path)
        return pd.read_parquet(path)
    except (FileNotFoundError, PermissionError, MemoryError):
        raise  # not damage: gone (compacted meanwhile), not readable by us, too big
    except Exception as exc:
        raise DamagedResultError(path, str(exc).splitlines()[0][:80] if str(exc) else
                                 exc.__class__.__name__) from None


def _read_compacted(path: Path, aside: bool = False):
    """The compacted table at ``path`` (None if absent); ``aside``: rename it if damaged."""
    if not path.exists():
        return None
    try:
        return _read(path, table=True)
    except DamagedResultError:
        if not aside:
            raise
        os.replace(path, path.with_name(path.name + ".damaged"))
        return None


def pa_table(df: pd.DataFrame):
    """``df`` as an Arrow table (no index)."""
    import pyarrow as pa

    return pa.Table.from_pandas(df, preserve_index=False)


def _kind(name: str) -> str | None:
    """How a runs column is stored: "category", "list", "int" or None (as it comes)."""
    if name in CATEGORY_COLUMNS:
        return "category"
    if name in count_columns():
        return "int"
    if name.startswith("param."):
        from ..params import PARAMETERS

        p = PARAMETERS.get(name[len("param."):])
        if p is not None:
            return {str: "category", list: "list", int: "int"}.get(p.dtype)
    return None


def _tidy(table):
    """Give a runs table its stored types (see the module notes); lists from comma text."""
    import pyarrow as pa
    import pyarrow.compute as pc

    table = table.replace_schema_metadata(None)  # pandas' notes would undo the types below
    for i, name in enumerate(table.column_names):
        kind = _kind(name)
        col = table.column(i)
        if kind == "category":
            if pa.types.is_dictionary(col.type):
                continue
            new = pc.dictionary_encode(col.cast(pa.string()))
        elif kind == "list":
            if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
                new = pa.chunked_array([pa.array([v.split(",") if v else [] if v is not None
                                                  else None for v in col.to_pylist()],
                                                 pa.list_(pa.string()))])
            elif col.type == pa.list_(pa.string()):
                continue
            else:
                new = col.cast(pa.list_(pa.string()))
        elif kind == "int":
            if pa.types.is_integer(col.type) and col.type == pa.int64():
                continue
            try:
                if pa.types.is_floating(col.type):
                    col = pc.if_else(pc.is_nan(col), pa.scalar(None, col.type), col)
                new = col.cast(pa.int64())  # safe: a fraction stays a float, never rounded
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                continue
        else:
            continue
        table = table.set_column(i, name, new)
    return table


def _merge(base, fresh: list, ids: list[str]):
    """Compacted runs without the ones stored again since, plus those, sorted."""
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = []
    if base is not None:
        if ids:
            base = base.filter(pc.invert(pc.is_in(base.column("run_id"), pa.array(ids))))
        parts.append(_tidy(base))
    parts.extend(fresh)
    table = parts[0] if len(parts) == 1 else pa.concat_tables(
        [_plain(p) for p in parts], promote_options="permissive")
    table = _tidy(table).sort_by([(k, "ascending") for k in SORT_KEYS if k in
                                  table.column_names])
    return table.combine_chunks()


def _plain(table):
    """Dictionary columns as text (tables with different dictionaries concatenate)."""
    import pyarrow as pa

    for i, field in enumerate(table.schema):
        if pa.types.is_dictionary(field.type):
            table = table.set_column(i, field.name, table.column(i).cast(pa.string()))
    return table


def _merge_daily(base, fresh: list, ids: list[str]):
    """The compacted daily table without runs stored again, plus theirs, by run id."""
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = []
    if base is not None:
        if ids:
            base = base.filter(pc.invert(pc.is_in(base.column("run_id").cast(pa.string()),
                                                  pa.array(ids))))
        parts.append(base)
    parts.extend(fresh)
    table = pa.concat_tables([_plain(p).replace_schema_metadata(None) for p in parts],
                             promote_options="permissive")
    if fresh:  # the compacted table is in run-id order already
        table = table.sort_by([("run_id", "ascending")])
    for name in ("run_id", "series"):
        if name in table.column_names:
            i = table.column_names.index(name)
            table = table.set_column(i, name, pc.dictionary_encode(table.column(i)))
    return table.combine_chunks()


def _to_pandas(table) -> pd.DataFrame:
    """An Arrow runs (or daily) table as pandas: categories sorted, lists, nullable ints."""
    import pyarrow as pa

    df = table.to_pandas()
    counts = count_columns()
    for i, field in enumerate(table.schema):
        name = field.name
        if isinstance(df[name].dtype, pd.CategoricalDtype):
            cats = df[name].cat.categories
            df[name] = df[name].cat.reorder_categories(sorted(cats))
        elif pa.types.is_list(field.type):
            df[name] = pd.Series(table.column(i).to_pylist(), index=df.index, dtype=object)
        elif name in counts and pa.types.is_integer(field.type):
            col = table.column(i)
            df[name] = pd.arrays.IntegerArray(
                col.fill_null(0).to_numpy().astype("int64"),
                col.is_null().to_numpy(zero_copy_only=False))
    return df


def _atomic_parquet(df, path: Path, sync: bool = False) -> None:
    """Write a DataFrame or Arrow table to ``path`` through a hidden temporary file."""
    tmp = path.with_name(f".{path.stem}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        if isinstance(df, pd.DataFrame):
            df.to_parquet(tmp, index=False)
        else:
            import pyarrow.parquet as pq

            pq.write_table(df, tmp)
        if sync:  # a compacted file replaces many: make it durable before it does
            with open(tmp, "rb") as f:
                os.fsync(f.fileno())
        os.replace(tmp, path)
        if sync and hasattr(os, "O_DIRECTORY"):
            fd = os.open(path.parent, os.O_DIRECTORY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _atomic_write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
