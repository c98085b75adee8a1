"""Comparing two policies: the same seeds for both, paired differences, and the worlds.

:func:`compare` (``sim.compare``) runs a baseline and a reform on the same replication seeds
(:func:`~sim.experiments.experiment.run_scenarios`), pairs their outcomes
(:func:`~sim.experiments.experiment.paired_differences`) and, when asked, tests the
comparison across plausible worlds (:func:`~sim.experiments.robustness.robustness`). It
stands above both, so that the robustness stage can run replications without importing it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..scenario import Scenario, load_scenario
from .experiment import (
    CompareResult,
    _check_seed_reps,
    check_level,
    paired_differences,
    run_scenarios,
)
from .robustness import WORLD_REPS, robustness

__all__ = ["compare"]


def compare(a: Scenario | Mapping[str, Any] | str | None,
            b: Scenario | Mapping[str, Any] | str | None, seed: int = 0, reps: int = 10, *,
            overrides: Mapping[str, Any] | None = None, progress: bool = False,
            level: float = 0.95, worlds: int | None = None, world_reps: int | None = None,
            world_size: Mapping[str, Any] | None = None, engine: str = "processes",
            workers: int | None = None, residents: bool = False,
            model: Callable[..., Any] | None = None) -> CompareResult:
    """Run two scenarios on the same seeds and return paired differences ``b − a``.

    Args:
        a: the baseline.
        b: the reform.
        seed: master seed shared by both arms.
        reps: replications per arm.
        overrides: values applied to both arms (e.g. ``n_residents``).
        progress: show a progress bar.
        level: interval level.
        worlds: also run the robustness stage over this many plausible worlds
            (:func:`sim.experiments.robustness.robustness`; ``None``: replication intervals only).
        world_reps: paired replications per world and arm (default
            :data:`sim.experiments.robustness.WORLD_REPS`).
        world_size: the worlds' run size (default: at most
            :data:`sim.experiments.robustness.WORLD_RESIDENTS` residents).
        engine: where the runs go (:func:`sim.experiments.engines.executor`): both arms'
            replications in parallel, and the worlds; ``"serial"`` runs everything in this
            process.
        workers: worker processes.
        residents: keep each resident's outcomes, for
            :meth:`~sim.experiments.experiment.CompareResult.winners`
            (about 22 bytes per resident and replication).
        model: the model class or factory for both arms (see
            :func:`~sim.experiments.experiment.run_scenarios`; the
            robustness stage's worlds use it too).

    Returns:
        A :class:`~sim.experiments.experiment.CompareResult` whose ``differences`` has one
        row per outcome, and with ``worlds``, its ``robustness`` table.

    Example:
        >>> cmp = compare("national_plan_2025", "minimal_collection", worlds=32)  # doctest: +SKIP
        >>> cmp.robustness.table.loc["utility_rate", "summary"]  # doctest: +SKIP
    """
    level = check_level(level)
    _check_seed_reps(seed, reps)
    ra, rb = run_scenarios([load_scenario(a, overrides), load_scenario(b, overrides)], seed,
                           reps, engine=engine, workers=workers, progress=progress,
                           residents=residents, model=model)
    result = CompareResult(a=ra, b=rb, differences=paired_differences(ra.runs, rb.runs, level))
    if worlds:
        result.robustness = robustness(ra.scenario, rb.scenario, worlds, seed,
                                       world_reps or WORLD_REPS, size=world_size,
                                       engine=engine, workers=workers, progress=progress,
                                       model=model)
    return result
