"""Sweeps: designs × scenarios × replications, run on any engine, stored as they finish.

A sweep file (YAML, validated like scenarios)::

    name: collection_by_consent
    description: What collection scope and consent model do to risk and care.
    scenarios: [national_plan_2025]     # base scenarios (paths or bundled names)
    reps: 5                             # replications per design point
    seed: 2025                          # master seed (replication r uses the same seed
                                        # for every point: common random numbers)
    overrides: {n_residents: 3000}      # applied to every run
    design:
      type: factorial                   # factorial | latin_hypercube | policies | sobol | morris
      factors:
        collection_scope: [minimal, clinical, extended, maximal]
        consent_model: [implied, opt_out, opt_in]

Results go to a folder: ``runs/<run_id>.parquet`` (one row) and ``daily/<run_id>.parquet``
(the run's long time series), each written atomically the moment the run finishes, plus
``sweep.json`` (the resolved sweep). Run again with ``resume=True`` and only the runs
without a file are run: none redone, none lost, none duplicated. A run that raises is
stored with ``status="error"`` and its message, and the sweep goes on.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import time
import uuid
from collections.abc import Mapping
from concurrent.futures import CancelledError, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd
import yaml

from .design import Design, DesignError
from .experiment import failed_run, long_daily, param_columns, replication_seed, run_one
from .params import PARAMETERS, ParameterError
from .scenario import Scenario, ScenarioError, load_scenario

__all__ = ["SweepError", "SweepResult", "SweepSpec", "load_results", "load_sweep", "run_sweep"]

SWEEP_KEYS = ("name", "description", "scenarios", "reps", "seed", "overrides", "design",
              "daily")


class SweepError(ValueError):
    """A sweep cannot be loaded or run; the message names the field and the fix."""


@dataclass
class SweepSpec:
    """A validated sweep.

    Attributes:
        name: sweep name.
        description: what it is for.
        scenarios: base scenarios (validated).
        reps: replications per point.
        seed: master seed.
        overrides: values applied to every run.
        design: the :class:`~sim.design.Design`.
        daily: whether to store each run's daily time series.
        source: the sweep as written (for the record).
    """

    name: str
    description: str
    scenarios: list[Scenario]
    reps: int
    seed: int
    overrides: dict[str, Any]
    design: Design
    daily: bool = True
    source: dict[str, Any] = field(default_factory=dict)

    @property
    def sha256(self) -> str:
        """Hash of what determines the runs (scenarios, design points, reps, seed)."""
        blob = json.dumps({"scenarios": [s.sha256 for s in self.scenarios],
                           "points": [p.point_id for p in self.design.points],
                           "reps": self.reps, "seed": self.seed,
                           "overrides": self.overrides}, sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()

    def tasks(self) -> list[dict[str, Any]]:
        """Every run of the sweep, in a stable order, as a plain (picklable) dict."""
        from . import __version__

        out = []
        for si, scen in enumerate(self.scenarios):
            for pi, point in enumerate(self.design.points):
                s = scen.with_overrides({**self.overrides, **point.values})
                params = dict(s.params)
                for rep in range(self.reps):
                    seed = replication_seed(self.seed, rep)
                    # the point id keeps repeated design points (Morris, Sobol) apart
                    run_id = hashlib.sha256(json.dumps(
                        {"params": params, "seed": seed, "point": point.point_id},
                        sort_keys=True, default=str).encode()).hexdigest()[:20]
                    out.append({"run_id": run_id, "sweep": self.name, "scenario": scen.name,
                                "scenario_sha256": scen.sha256, "point_id": point.point_id,
                                "point": point.label, "scenario_index": si,
                                "point_index": pi, "rep": rep, "seed": seed,
                                "params": params, "package_version": __version__,
                                "daily": self.daily})
        return out


def load_sweep(source: str | Path | Mapping[str, Any]) -> SweepSpec:
    """Load and validate a sweep file (or mapping).

    Raises:
        SweepError: naming the file, key and what is allowed.
    """
    where = "sweep"
    base_dir = Path.cwd()
    if not isinstance(source, Mapping):
        path = Path(source)
        if not path.is_file():
            raise SweepError(f"sweep file {str(source)!r} not found")
        where = str(path)
        base_dir = path.parent
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark
            loc = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
            raise SweepError(f"{loc}: not valid YAML: {e.problem}") from None
        name_default = path.stem
    else:
        data = dict(source)
        name_default = "sweep"
    if not isinstance(data, Mapping):
        raise SweepError(f"{where}: a sweep must be a mapping of 'key: value' lines")
    for key in data:
        if key not in SWEEP_KEYS:
            raise SweepError(f"{where}: unknown key {key!r}; valid keys: {', '.join(SWEEP_KEYS)}")
    reps = data.get("reps", 1)
    if not isinstance(reps, int) or isinstance(reps, bool) or reps < 1:
        raise SweepError(f"{where}: reps: invalid value {reps!r}; allowed: an integer >= 1")
    seed = data.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise SweepError(f"{where}: seed: invalid value {seed!r}; allowed: an integer >= 0")
    overrides = data.get("overrides") or {}
    if not isinstance(overrides, Mapping):
        raise SweepError(f"{where}: overrides: must map parameter names to values")
    for k, v in overrides.items():
        if k not in PARAMETERS:
            raise SweepError(f"{where}: overrides: unknown parameter {k!r}; valid: "
                             f"{', '.join(PARAMETERS)}")
        try:
            PARAMETERS[k].validate(v)
        except ParameterError as e:
            raise SweepError(f"{where}: overrides.{e}") from None
    refs = data.get("scenarios", ["status_quo"])
    if isinstance(refs, str):
        refs = [refs]
    if not isinstance(refs, list) or not refs:
        raise SweepError(f"{where}: scenarios: a list of scenario files or bundled names")
    scenarios = []
    for ref in refs:
        cand = base_dir / str(ref)
        try:
            scenarios.append(load_scenario(cand if cand.is_file() else ref))
        except ScenarioError as e:
            raise SweepError(f"{where}: scenarios: {e}") from None
    if len({s.name for s in scenarios}) != len(scenarios):
        raise SweepError(f"{where}: scenarios: each scenario may appear once")
    if "design" not in data:
        raise SweepError(f"{where}: design: missing; allowed types: factorial, "
                         "latin_hypercube, policies, sobol, morris")
    try:
        design = Design.from_spec(data["design"], seed=seed, where=f"{where}: design")
    except DesignError as e:
        raise SweepError(str(e)) from None
    daily = data.get("daily", True)
    if not isinstance(daily, bool):
        raise SweepError(f"{where}: daily: invalid value {daily!r}; allowed: true or false")
    return SweepSpec(name=str(data.get("name") or name_default),
                     description=str(data.get("description") or "").strip(),
                     scenarios=scenarios, reps=reps, seed=seed, overrides=dict(overrides),
                     design=design, daily=daily, source=json.loads(json.dumps(
                         dict(data), default=str)))


# ------------------------------------------------------------------------ execution
def execute_task(task: Mapping[str, Any]) -> tuple[dict, pd.DataFrame | None]:
    """Run one task (in a worker); return its row and long daily table."""
    scen = Scenario(name=task["scenario"], description="",
                    params=MappingProxyType(dict(task["params"])))
    row, daily, _groups = run_one(scen, task["seed"], rep=task["rep"])
    for key in ("run_id", "sweep", "scenario_sha256", "point_id", "point", "scenario_index",
                "point_index", "package_version"):
        row[key] = task[key]
    long = None
    if task.get("daily", True) and len(daily):
        long = long_daily(daily, run_id=task["run_id"])
    return row, long


@dataclass
class SweepResult:
    """What a call to :func:`run_sweep` did."""

    out: Path
    total: int
    skipped: int
    completed: int
    failed: int
    seconds: float

    @property
    def done(self) -> bool:
        """Whether every run of the sweep now has a stored result."""
        return self.skipped + self.completed == self.total


def run_sweep(spec: SweepSpec | str | Path | Mapping[str, Any], out: str | Path, *,
              engine: str = "processes", workers: int | None = None,
              scheduler: str | None = None, resume: bool = False, progress: bool = True,
              max_runs: int | None = None) -> SweepResult:
    """Run a sweep, storing each run as it finishes.

    Args:
        spec: a :class:`SweepSpec` or a sweep file / mapping.
        out: results folder.
        engine: ``"serial"``, ``"processes"`` (default) or ``"dask"``.
        workers: worker processes (default: the available cores).
        scheduler: a Dask scheduler address (``tcp://host:8786``); implies Dask.
        resume: continue a sweep already in ``out`` (skip stored runs).
        progress: show a progress bar (tqdm; a widget in notebooks).
        max_runs: run at most this many pending runs (then stop; resume later).

    Raises:
        SweepError: for an invalid sweep, or an ``out`` folder that holds something else.
    """
    spec = spec if isinstance(spec, SweepSpec) else load_sweep(spec)
    out = Path(out)
    runs_dir, daily_dir = out / "runs", out / "daily"
    manifest = out / "sweep.json"
    if out.exists() and any(out.iterdir()):
        if not resume:
            raise SweepError(f"--out {out}: folder exists and is not empty; use --resume to "
                             "continue the sweep in it, or choose a new folder")
        if not manifest.exists():
            raise SweepError(f"--out {out}: not a sweep folder (no sweep.json)")
        old = json.loads(manifest.read_text())
        if old.get("sha256") != spec.sha256:
            raise SweepError(f"--out {out}: holds a different sweep ({old.get('name')!r}); "
                             "choose a new folder")
    runs_dir.mkdir(parents=True, exist_ok=True)
    daily_dir.mkdir(parents=True, exist_ok=True)
    for stale in list(runs_dir.glob(".*.tmp")) + list(daily_dir.glob(".*.tmp")):
        stale.unlink()  # left by a killed writer: never a finished run
    if not manifest.exists():
        _atomic_write_text(manifest, json.dumps(_manifest(spec), indent=2, default=str))
    tasks = spec.tasks()
    done = {p.stem for p in runs_dir.glob("*.parquet")}
    pending = [t for t in tasks if t["run_id"] not in done]
    skipped = len(tasks) - len(pending)
    if max_runs is not None:
        pending = pending[:max_runs]
    t0 = time.perf_counter()
    completed = failed = 0
    bar = _bar(progress, len(tasks), skipped, spec.name)
    try:
        for row, long in _results(pending, engine, workers, scheduler):
            _store(runs_dir, daily_dir, row, long)
            completed += 1
            failed += row["status"] != "ok"
            if bar is not None:
                bar.update(1)
                bar.set_postfix(failed=failed, refresh=False)
    finally:
        if bar is not None:
            bar.close()
    return SweepResult(out=out, total=len(tasks), skipped=skipped, completed=completed,
                       failed=failed, seconds=time.perf_counter() - t0)


def load_results(out: str | Path, daily: bool = False):
    """Read a sweep folder.

    Returns:
        The runs table (one row per finished run, sorted by scenario, point and rep), or
        ``(runs, daily)`` when ``daily`` is true.

    Raises:
        SweepError: if the folder holds no sweep results.
    """
    out = Path(out)
    files = sorted((out / "runs").glob("*.parquet"))
    if not files:
        raise SweepError(f"{out}: no finished runs (expected {out / 'runs'}/*.parquet)")
    runs = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
    runs = runs.sort_values(["scenario_index", "point_index", "rep"], kind="stable"
                            ).reset_index(drop=True)
    if not daily:
        return runs
    dfiles = sorted((out / "daily").glob("*.parquet"))
    d = (pd.concat([pd.read_parquet(f) for f in dfiles], ignore_index=True) if dfiles else
         pd.DataFrame(columns=["run_id", "day", "series", "value"]))
    return runs, d


def sweep_manifest(out: str | Path) -> dict[str, Any]:
    """The resolved sweep stored with the results (``sweep.json``)."""
    return json.loads((Path(out) / "sweep.json").read_text())


# -------------------------------------------------------------------------- helpers
def _results(pending, engine, workers, scheduler):
    """Yield ``(row, daily)`` as each run finishes, on the chosen engine.

    ``serial`` runs each task here, one after the other, so each is stored before the next
    starts; the others submit everything and yield in completion order.
    """
    from .engines import executor

    if not pending:
        return
    if engine == "serial" and not scheduler:
        for task in pending:
            try:
                row, long = execute_task(task)
            except Exception as exc:
                row, long = _error_row(task, exc), None
            yield row, long
        return
    with executor(engine, workers, scheduler) as ex:
        futures = {ex.submit(execute_task, t): t for t in pending}
        try:
            for fut in as_completed(futures):
                task = futures[fut]
                try:
                    row, long = fut.result()
                except (CancelledError, KeyboardInterrupt):
                    raise
                except Exception as exc:
                    row, long = _error_row(task, exc), None
                yield row, long
        finally:
            for f in futures:
                f.cancel()


def _manifest(spec: SweepSpec) -> dict[str, Any]:
    from . import __version__

    d = spec.design
    return {"name": spec.name, "description": spec.description, "sha256": spec.sha256,
            "package_version": __version__, "reps": spec.reps, "seed": spec.seed,
            "scenarios": [{"name": s.name, "sha256": s.sha256,
                           "path": str(s.path) if s.path else None} for s in spec.scenarios],
            "overrides": spec.overrides, "source": spec.source,
            "design": {"type": d.type,
                       "factors": [{"name": f.name, "low": f.low, "high": f.high,
                                    "levels": list(f.levels) if f.levels else None}
                                   for f in d.factors],
                       "problem": d.problem,
                       "unit_samples": (d.unit_samples.tolist()
                                        if d.unit_samples is not None else None),
                       "points": [{"point_id": p.point_id, "label": p.label,
                                   "values": p.values} for p in d.points]},
            "runs": len(spec.scenarios) * len(d.points) * spec.reps}


def _error_row(task: Mapping[str, Any], exc: BaseException) -> dict[str, Any]:
    """The row of a task whose worker failed (the run itself never returned)."""
    row = {k: task[k] for k in ("scenario", "rep", "seed", "run_id", "sweep",
                                "scenario_sha256", "point_id", "point", "scenario_index",
                                "point_index", "package_version")}
    row.update(failed_run(exc, runtime_s=math.nan))
    row.update(param_columns(task["params"]))
    return row


def _store(runs_dir: Path, daily_dir: Path, row: dict, long: pd.DataFrame | None) -> None:
    """Write the daily table first, then the run row: a row's file means a finished run."""
    rid = row["run_id"]
    if long is not None:
        _atomic_parquet(long, daily_dir / f"{rid}.parquet")
    _atomic_parquet(pd.DataFrame([row]), runs_dir / f"{rid}.parquet")


def _atomic_parquet(df: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(f".{path.stem}.{uuid.uuid4().hex[:8]}.tmp")
    df.to_parquet(tmp, index=False)
    os.replace(tmp, path)


def _atomic_write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _bar(enabled: bool, total: int, initial: int, name: str):
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=initial, desc=name, unit="run")
