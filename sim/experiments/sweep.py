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

Results go to a folder (:mod:`sim.experiments.store`): ``runs/<run_id>.parquet`` (one row) and
``daily/<run_id>.parquet`` (the run's long time series), each written atomically the moment
the run finishes, plus ``sweep.json`` (the resolved sweep); when the sweep ends they are
compacted into one dataset, ``results.parquet`` and ``daily.parquet``. Run again with
``resume=True`` and only the runs not stored, or stored as errors, are run: none lost, none
duplicated.
A run that raises is stored with ``status="error"`` and its message, and the sweep goes on;
a run whose worker process died is run again on a fresh pool, never stored as an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..params import PARAMETERS, unknown_name_help
from ..scenario import Scenario, ScenarioError, load_scenario, validate_value
from ..yamlio import Document, YamlInputError, check_name, read_yaml, short
from .design import MAX_POINTS, MAX_SAMPLES, Design, DesignError, DesignSizeError
from .experiment import failed_run, long_daily, param_columns, replication_seed, run_one
from .store import SweepError, load_results, open_results, sweep_manifest

__all__ = ["MAX_REPS", "MAX_RESTARTS", "MAX_RUNS", "SweepError", "SweepResult", "SweepSpec",
           "load_results", "load_sweep", "run_sweep", "sweep_manifest"]

SWEEP_KEYS = ("name", "description", "scenarios", "reps", "seed", "overrides", "design",
              "daily")


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
        design: the :class:`~sim.experiments.design.Design`.
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
        from ..package import __version__

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
        seen: dict[str, dict[str, Any]] = {}
        for t in out:
            first = seen.setdefault(t["run_id"], t)
            if first is not t:  # equal parameters, seed and point: one run, stored once
                raise SweepError(
                    f"scenarios: {first['scenario']!r} and {t['scenario']!r} are the same "
                    f"scenario at design point {short(t['point'], 60)} (the design sets "
                    "what differs between them), so their runs would overwrite each other; "
                    "allowed: scenarios that differ in something the design does not set")
        return out


def load_sweep(source: str | Path | Mapping[str, Any], *, allow_large: bool = False
               ) -> SweepSpec:
    """Load and validate a sweep file (or mapping).

    Files go through the input gate (:func:`sim.yamlio.read_yaml`: size and nesting
    limits, no duplicate keys or aliases, one parse with libyaml). Sizes are capped:
    ``reps`` at :data:`MAX_REPS`, ``samples`` at :data:`~sim.experiments.design.MAX_SAMPLES`, design
    points at :data:`~sim.experiments.design.MAX_POINTS` and the runs of the whole sweep at
    :data:`MAX_RUNS`.

    Args:
        source: a sweep file or a mapping.
        allow_large: lift the caps on reps, samples, design points and runs (for a
            cluster); the file size and nesting limits stay.

    Raises:
        SweepError: one line naming the file, line, key and what is allowed.
    """
    where = "sweep"
    base_dir = Path.cwd()
    doc: Document | None = None
    if not isinstance(source, Mapping):
        path = Path(source)
        if not _is_file(path):
            raise SweepError(f"sweep file {short(str(source))} not found")
        where = str(path)
        base_dir = path.parent
        try:
            doc = read_yaml(path)
        except YamlInputError as e:
            raise SweepError(str(e)) from None
        data = doc.data
        name_default = path.stem
    else:
        data = dict(source)
        name_default = "sweep"

    def loc(*keys: Any) -> str:
        return doc.loc(*keys) if doc is not None else where

    if not isinstance(data, Mapping):
        raise SweepError(f"{where}: a sweep must be a mapping of 'key: value' lines")
    for key in data:
        if key not in SWEEP_KEYS:
            raise SweepError(f"{loc(key)}: unknown key {short(key)}; valid keys: "
                             f"{', '.join(SWEEP_KEYS)}")
    for meta in ("name", "description"):
        if data.get(meta) is not None and not isinstance(data[meta], str):
            raise SweepError(f"{loc(meta)}: {meta}: invalid value {short(data[meta])}; "
                             "allowed: text")
    if data.get("name"):
        why = check_name(data["name"])
        if why:
            raise SweepError(f"{loc('name')}: name: invalid value {short(data['name'])}; "
                             f"{why}")
    reps = data.get("reps", 1)
    if not isinstance(reps, int) or isinstance(reps, bool) or reps < 1:
        raise SweepError(f"{where}: reps: invalid value {short(reps)}; allowed: an integer "
                         ">= 1")
    if reps > MAX_REPS and not allow_large:
        raise SweepError(f"{loc('reps')}: reps: invalid value {reps:,}; allowed: at most "
                         f"{MAX_REPS:,} ({_OVERRIDE} lifts the limit)")
    seed = data.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise SweepError(f"{where}: seed: invalid value {short(seed)}; allowed: an integer "
                         ">= 0")
    overrides = data.get("overrides") or {}
    if not isinstance(overrides, Mapping):
        raise SweepError(f"{where}: overrides: must map parameter names to values")
    for k, v in overrides.items():
        if k not in PARAMETERS:
            raise SweepError(f"{loc('overrides', k)}: overrides: unknown parameter "
                             f"{short(k)}; {unknown_name_help(k)}")
        try:
            validate_value(k, v, error=SweepError)
        except SweepError as e:
            raise SweepError(f"{loc('overrides', k)}: overrides.{e}") from None
    refs = data.get("scenarios", ["status_quo"])
    if isinstance(refs, str):
        refs = [refs]
    if not isinstance(refs, list) or not refs or not all(isinstance(r, str) for r in refs):
        raise SweepError(f"{loc('scenarios')}: scenarios: a list of scenario files or "
                         "bundled names")
    scenarios = []
    for ref in refs:
        cand = base_dir / ref
        try:
            scenarios.append(load_scenario(cand if _is_file(cand) else ref))
        except ScenarioError as e:
            raise SweepError(f"{where}: scenarios: {e}") from None
    if len({s.name for s in scenarios}) != len(scenarios):
        raise SweepError(f"{where}: scenarios: each scenario may appear once")
    if "design" not in data:
        raise SweepError(f"{where}: design: missing; allowed types: factorial, "
                         "latin_hypercube, policies, sobol, morris")
    _check_design_block(data["design"], loc)
    max_points = None
    if not allow_large:
        max_points = max(1, min(MAX_POINTS, MAX_RUNS // (reps * len(scenarios))))
    try:
        design = Design.from_spec(data["design"], seed=seed, where=f"{where}: design",
                                  max_points=max_points,
                                  max_samples=None if allow_large else MAX_SAMPLES)
    except DesignSizeError as e:
        runs = e.points * reps * len(scenarios)
        if e.limit == MAX_POINTS and runs <= MAX_RUNS:
            raise SweepError(f"{e} ({_OVERRIDE} lifts the limit)") from None
        raise SweepError(
            f"{loc('design')}: design: {e.points:,} points x {len(scenarios)} scenario(s) x "
            f"{reps:,} reps = {runs:,} runs; allowed: at most {MAX_RUNS:,} runs "
            f"({_OVERRIDE} lifts the limit)") from None
    except DesignError as e:
        raise SweepError(str(e)) from None
    except MemoryError:
        raise SweepError(f"{loc('design')}: design: too large to build in memory; allowed: "
                         "fewer samples or levels") from None
    _check_design_points(design, loc)
    daily = data.get("daily", True)
    if not isinstance(daily, bool):
        raise SweepError(f"{where}: daily: invalid value {short(daily)}; allowed: true or "
                         "false")
    return SweepSpec(name=str(data.get("name") or name_default),
                     description=str(data.get("description") or "").strip(),
                     scenarios=scenarios, reps=reps, seed=seed, overrides=dict(overrides),
                     design=design, daily=daily, source=json.loads(json.dumps(
                         dict(data), default=str)))


#: most replications per design point (without ``allow_large``)
MAX_REPS = 10_000
#: most runs in one sweep: scenarios x design points x reps (without ``allow_large``)
MAX_RUNS = 1_000_000
_OVERRIDE = "allow_large"


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def _check_design_block(spec: Any, loc) -> None:
    """What the design types accept silently today but should not (before building)."""
    if not isinstance(spec, Mapping):
        return  # Design.from_spec says what is wrong
    if "second_order" in spec and not isinstance(spec["second_order"], bool):
        raise SweepError(f"{loc('design', 'second_order')}: design.second_order: invalid "
                         f"value {short(spec['second_order'])}; allowed: true or false")
    if spec.get("type") == "morris" and "levels" in spec:
        lv = spec["levels"]
        if not isinstance(lv, int) or isinstance(lv, bool) or not 2 <= lv <= 100:
            raise SweepError(f"{loc('design', 'levels')}: design.levels: invalid value "
                             f"{short(lv)}; allowed: an integer from 2 to 100")
    factors = spec.get("factors")
    if spec.get("type") == "factorial" and isinstance(factors, Mapping):
        for name, levels in factors.items():
            if not isinstance(levels, list):
                continue
            seen: list[Any] = []
            for v in levels:
                if any(_same(v, s) for s in seen):
                    raise SweepError(
                        f"{loc('design', 'factors', name)}: design.factors.{str(name)[:40]}: "
                        f"level {short(v)} is listed twice; allowed: each level once")
                seen.append(v)


def _same(a: Any, b: Any) -> bool:
    """Whether two YAML values are the same level (``1`` and ``1.0``: yes; ``1``, ``true``: no)."""
    return (type(a) is type(b) and a == b) or (
        isinstance(a, int | float) and isinstance(b, int | float)
        and not isinstance(a, bool) and not isinstance(b, bool) and a == b)


def _check_design_points(design: Design, loc) -> None:
    """Two policies with the same values would share every run id: refuse, naming both."""
    if design.type != "policies":
        return
    first: dict[str, str] = {}
    for point in design.points:
        other = first.setdefault(point.point_id, point.label)
        if other != point.label:
            raise SweepError(
                f"{loc('design', 'policies')}: design.policies: "
                f"{short(other, 40)} and {short(point.label, 40)} set the same values (they "
                "would be the same runs); allowed: policies that differ in some value")


# ------------------------------------------------------------------------ execution
def execute_task(task: Mapping[str, Any]) -> tuple[dict, pd.DataFrame | None]:
    """Run one task (in a worker); return its row and long daily table."""
    scen = Scenario(name=task["scenario"], description="", params=task["params"])
    extra = {"model": task["model"]} if task.get("model") is not None else {}
    row, daily, *_ = run_one(scen, task["seed"], rep=task["rep"], **extra)
    for key in ("run_id", "sweep", "scenario_sha256", "point_id", "point", "scenario_index",
                "point_index", "package_version"):
        row[key] = task[key]
    long = None
    if task.get("daily", True) and len(daily):
        long = long_daily(daily, run_id=task["run_id"])
    return row, long


@dataclass
class SweepResult:
    """What a call to :func:`run_sweep` did.

    Attributes:
        out: the results folder.
        total: runs in the sweep.
        skipped: runs already stored and not run again.
        completed: runs finished and stored by this call (including ``failed``).
        failed: of those, runs whose model raised (stored with ``status="error"``).
        seconds: wall-clock time of this call.
        retried: stored failed runs run again (``resume`` with ``retry_failed``).
        lost: runs not stored because their worker process kept dying (the machine, not
            the model: often the memory killer); ``resume`` runs them.
        restarts: fresh worker pools started after a worker died.
        compact_error: why the runs could not be folded into one dataset (they stay as
            per-run files, read as usual), or None.
    """

    out: Path
    total: int
    skipped: int
    completed: int
    failed: int
    seconds: float
    retried: int = 0
    lost: int = 0
    restarts: int = 0
    compact_error: str | None = None

    @property
    def done(self) -> bool:
        """Whether every run of the sweep now has a stored result."""
        return self.skipped + self.completed == self.total


#: fresh worker pools a sweep starts after workers die, before leaving runs for ``resume``
MAX_RESTARTS = 3


def run_sweep(spec: SweepSpec | str | Path | Mapping[str, Any], out: str | Path, *,
              engine: str = "processes", workers: int | None = None,
              scheduler: str | None = None, resume: bool = False, progress: bool = True,
              max_runs: int | None = None, retry_failed: bool = True,
              max_restarts: int = MAX_RESTARTS,
              model: Callable[..., Any] | None = None) -> SweepResult:
    """Run a sweep, storing each run as it finishes.

    A worker process that dies (killed by the memory killer, say) fails the runs it held and,
    on the processes engine, breaks its pool: those runs are not stored as errors but run
    again on a fresh pool, at most ``max_restarts`` times (the last time each in a process
    of its own, so a run that always kills its worker fails alone); what is still unfinished then is
    counted in :attr:`SweepResult.lost` and left for ``resume``. Workers end with the
    process that started them. One sweep at a time may write to ``out`` (a lock file).

    Args:
        spec: a :class:`SweepSpec` or a sweep file / mapping.
        out: results folder.
        engine: ``"serial"``, ``"processes"`` (default) or ``"dask"``.
        workers: worker processes (default: the available cores).
        scheduler: a Dask scheduler address (``tcp://host:8786``); implies Dask.
        resume: continue a sweep already in ``out`` (skip stored runs).
        progress: show a progress bar (tqdm; a widget in notebooks).
        max_runs: run at most this many pending runs (then stop; resume later).
        retry_failed: with ``resume``, run again the runs stored as errors.
        max_restarts: fresh pools to start after workers die.
        model: the model class or factory for every run (it must pickle and be importable
            in the workers: a plugin, :mod:`sim.plugins`); recorded in ``sweep.json``, so a
            resume with another model is refused.

    Raises:
        SweepError: for an invalid sweep, an ``out`` folder that holds something else or
            cannot be written, or another sweep writing to it.
    """
    from .engines import ENGINES

    spec = spec if isinstance(spec, SweepSpec) else load_sweep(spec)
    if engine not in ENGINES and not scheduler:  # refused before the folder is made
        raise SweepError(f"engine: invalid value {engine!r}; allowed: one of "
                         f"{', '.join(ENGINES)}")
    if workers is not None and workers < 1:
        raise SweepError(f"workers: invalid value {workers!r}; allowed: an integer >= 1")
    tasks = spec.tasks()
    manifest = _manifest(spec)
    if model is not None:
        from ..plugins import model_name

        name = model_name(model)
        manifest["model"] = name
        manifest["sha256"] = hashlib.sha256(f"{spec.sha256} {name}".encode()).hexdigest()
        for t in tasks:
            t["model"] = model
    with open_results(out, manifest, resume=resume) as folder:
        stored = folder.stored() if resume else {}
        redo = {rid for rid, status in stored.items() if status != "ok"} if retry_failed \
            else set()
        pending = [t for t in tasks if t["run_id"] not in stored or t["run_id"] in redo]
        skipped = len(tasks) - len(pending)
        if max_runs is not None:
            pending = pending[:max_runs]
        t0 = time.perf_counter()
        completed = failed = 0
        lost: list[dict[str, Any]] = []
        restarts = [0]
        bar = _bar(progress, len(tasks), skipped, spec.name)
        results = _results(pending, engine, workers, scheduler, max_restarts, lost, restarts)
        try:
            for row, long in results:
                folder.put(row, long)
                completed += 1
                failed += row["status"] != "ok"
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix(failed=failed, refresh=False)
        finally:
            results.close()  # an interrupted sweep stops its workers now, not at collection
            if bar is not None:
                bar.close()
        compact_error = None
        try:  # one dataset; the per-run files stay if this fails (nothing is lost)
            folder.compact()
        except (OSError, SweepError) as exc:
            compact_error = (f"the runs are stored but not compacted into one dataset "
                             f"({short(str(exc), 200)}); --resume or "
                             "sim.experiments.store.compact(out) tries again")
        return SweepResult(out=Path(out), total=len(tasks), skipped=skipped,
                           completed=completed, failed=failed,
                           seconds=time.perf_counter() - t0,
                           retried=sum(t["run_id"] in redo for t in pending),
                           lost=len(lost), restarts=restarts[0], compact_error=compact_error)


# -------------------------------------------------------------------------- helpers
#: exceptions that mean the machine failed a run, not the model (checked by name, so the
#: optional Dask need not be imported)
_INFRASTRUCTURE = {"BrokenProcessPool", "BrokenExecutor", "KilledWorker", "CommClosedError",
                   "FutureCancelledError", "CancelledError"}


def _infrastructure(exc: BaseException) -> bool:
    return any(c.__name__ in _INFRASTRUCTURE for c in type(exc).__mro__)


def _results(pending, engine, workers, scheduler, max_restarts, lost, restarts):
    """Yield ``(row, daily)`` as each run finishes, on the chosen engine.

    ``serial`` runs each task here, one after the other, so each is stored before the next
    starts; the others submit everything and yield in completion order. Runs failed by a
    dead worker are run again on a fresh executor (``restarts[0]`` counts them), local ones
    the last time each in a process of its own; those still failed after ``max_restarts``
    go to ``lost``.
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
    todo = list(pending)
    for attempt in range(max_restarts + 1):
        failed_by_machine: list[dict[str, Any]] = []
        if attempt:
            restarts[0] += 1
        # the last try of local runs gives each its own process: a run that kills its
        # worker every time (one that needs more memory than there is) then loses itself
        # only, not the runs beside it in a shared pool
        isolate = attempt and attempt == max_restarts and engine == "processes" and not scheduler
        with (_isolated(workers) if isolate else executor(engine, workers, scheduler)) as ex:
            futures = {ex.submit(execute_task, t): t for t in todo}
            try:
                for fut in as_completed(futures):
                    task = futures[fut]
                    try:
                        row, long = fut.result()
                    except KeyboardInterrupt:
                        raise
                    except BaseException as exc:
                        if _infrastructure(exc):
                            failed_by_machine.append(task)
                            continue
                        if not isinstance(exc, Exception):
                            raise
                        row, long = _error_row(task, exc), None
                    yield row, long
            finally:
                if not isinstance(ex, ProcessPoolExecutor):  # a pool is stopped whole, and
                    for f in futures:  # 3.11's breaking pool fails on a cancelled future
                        f.cancel()
        if not failed_by_machine:
            return
        order = {t["run_id"]: i for i, t in enumerate(pending)}
        todo = sorted(failed_by_machine, key=lambda t: order[t["run_id"]])
    lost.extend(todo)


@contextlib.contextmanager
def _isolated(workers: int | None):
    """An ``IsolatedExecutor`` (:mod:`~sim.experiments.engines`), drained on the way out."""
    from .engines import IsolatedExecutor, default_workers

    ex = IsolatedExecutor(workers or default_workers())
    try:
        yield ex
    finally:
        ex.shutdown(wait=True, cancel_futures=True)


def _manifest(spec: SweepSpec) -> dict[str, Any]:
    from ..package import __version__

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


def _bar(enabled: bool, total: int, initial: int, name: str):
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=initial, desc=name, unit="run")
