"""Which uncertainties matter, and for what? A global sensitivity screening (Morris).

Every declared uncertainty (``kind="uncertainty"`` in :mod:`sim.params`) with a plausible
range (:data:`sim.plausible.PLAUSIBLE`) is screened by the method of Morris (elementary
effects, SALib): ``trajectories`` one-at-a-time paths through the unit cube, each step
moving one uncertainty across part of its plausible range. At every point of the design the
base scenario and every reform run on the **same seed** (common random numbers), so each
reform's difference from the base is measured without replication noise between the arms.
Morris indices are computed for the base's level of each headline outcome and for each
reform-minus-base difference: ``mu_star`` (the mean absolute elementary effect) ranks
influence, ``sigma`` (their standard deviation) flags interactions and non-linearity.

    python -m sim uncertainty-report --trajectories 6     # writes docs/uncertainty.md
    make uncertainty

Uncertainties that a reform sets differently from the base are part of what is compared:
they are held at their values and listed, not sampled. Scenario devices
(:data:`sim.plausible.NOT_SAMPLED`) are never sampled. A trajectory with a failed run is
dropped whole (never turned into a number) and the report says how many were.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from ..experiments.experiment import run_scenarios
from ..params import PARAMETERS
from ..plausible import NOT_SAMPLED, PLAUSIBLE, from_unit
from ..scenario import Scenario, load_scenario
from ..world.outcomes import OUTCOMES

__all__ = [
    "DEFAULT_SIZE",
    "DEFAULT_TRAJECTORIES",
    "HEADLINE",
    "INERT",
    "QUICK_UNCERTAINTIES",
    "REFORMS",
    "MorrisDesign",
    "UncertaintyRunError",
    "morris_design",
    "uncertainty_effects",
    "uncertainty_figure",
    "uncertainty_markdown",
]

#: the outcomes screened: exposure, harm, care, emergency care, insiders, breaches
HEADLINE: tuple[str, ...] = ("residents_exposed_rate", "harm_per_1000", "utility_rate",
                             "emergency_info_rate", "insider_incidents", "breaches")
#: the reforms compared with the base
REFORMS: tuple[str, ...] = ("minimal_collection", "on_device_consent", "strong_enforcement",
                            "federated_pseudonymous")
#: trajectories by default (each costs one run per uncertainty and arm, plus one)
DEFAULT_TRAJECTORIES = 6
#: run size of every design point by default
DEFAULT_SIZE: Mapping[str, Any] = MappingProxyType({"n_residents": 3_000})
#: the few uncertainties ``--quick`` screens (one known to matter for care, a few others)
QUICK_UNCERTAINTIES: tuple[str, ...] = ("lifestyle_clinical_value", "prevalence_genetic",
                                        "attack_surface_exponent",
                                        "key_compromise_probability")
#: normalised mu_star below which an uncertainty is said to matter for nothing
INERT = 0.05
#: at most this many runs go to one pool of workers (whole trajectories; bounds memory)
CHUNK_RUNS = 600
#: uncertainties in the overall matrix and the figure
TOP = 15

_MINUS = " − "


class UncertaintyRunError(RuntimeError):
    """Too many trajectories had failed runs for the screening to mean anything."""


# ------------------------------------------------------------------------------ design
@dataclass(frozen=True)
class MorrisDesign:
    """A Morris design over the plausible ranges of some uncertainties.

    Attributes:
        names: the uncertainties, in column order.
        trajectories: how many trajectories.
        levels: grid levels of the unit cube.
        problem: the SALib problem (over the unit cube: the indices are per share of each
            plausible range, so they compare across uncertainties).
        unit: the ``(trajectories × (len(names) + 1), len(names))`` sample in [0, 1].
        values: the same points on the plausible ranges (integers rounded), one column per
            uncertainty.
    """

    names: tuple[str, ...]
    trajectories: int
    levels: int
    problem: dict[str, Any]
    unit: np.ndarray
    values: pd.DataFrame

    @property
    def points_per_trajectory(self) -> int:
        """Points of one trajectory (one more than the uncertainties)."""
        return len(self.names) + 1

    def points(self) -> list[dict[str, Any]]:
        """Every point as ``{uncertainty: value}`` with plain Python numbers."""
        cols = {n: self.values[n].tolist() for n in self.names}
        return [{n: cols[n][i] for n in self.names} for i in range(len(self.values))]


def morris_design(names: Sequence[str], trajectories: int, levels: int = 4,
                  seed: int = 0) -> MorrisDesign:
    """A SALib Morris sample over the unit cube, mapped onto the plausible ranges.

    Args:
        names: uncertainties with a plausible range (:data:`sim.plausible.PLAUSIBLE`).
        trajectories: how many trajectories (at least 2).
        levels: grid levels (an even integer >= 2).
        seed: the sampler's seed.

    Returns:
        A :class:`MorrisDesign`; ``values`` maps each unit column with
        :func:`sim.plausible.from_unit` (uniform or log-uniform, integers rounded).

    Raises:
        ValueError: for an unknown or repeated name, or a bad ``trajectories`` / ``levels``.
    """
    from SALib.sample import morris

    names = list(names)
    if not names:
        raise ValueError("names: no uncertainties to sample; allowed: any of "
                         f"{', '.join(PLAUSIBLE)}")
    for name in names:
        if name not in PLAUSIBLE:
            raise ValueError(f"names: {name!r} has no plausible range; allowed: any of "
                             f"{', '.join(PLAUSIBLE)}")
    if len(set(names)) != len(names):
        raise ValueError("names: an uncertainty is named twice")
    if not _is_int(trajectories) or trajectories < 2:
        raise ValueError(f"trajectories: invalid value {trajectories!r}; allowed: an integer "
                         ">= 2")
    if not _is_int(levels) or levels < 2 or levels % 2:
        raise ValueError(f"levels: invalid value {levels!r}; allowed: an even integer >= 2")
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    unit = morris.sample(problem, int(trajectories), num_levels=int(levels), seed=int(seed))
    values = pd.DataFrame(from_unit(names, unit))
    return MorrisDesign(names=tuple(names), trajectories=int(trajectories), levels=int(levels),
                        problem=problem, unit=unit, values=values)


# ------------------------------------------------------------------------------ effects
def uncertainty_effects(base: str | Scenario = "national_plan_2025",
                        reforms: Sequence[str | Scenario] = REFORMS, *,
                        trajectories: int = DEFAULT_TRAJECTORIES, seed: int = 0,
                        size: Mapping[str, Any] = DEFAULT_SIZE,
                        outcomes: Sequence[str] = HEADLINE,
                        names: Sequence[str] | None = None, levels: int = 4,
                        engine: str = "processes", workers: int | None = None,
                        progress: bool = False) -> pd.DataFrame:
    """Morris indices of each uncertainty for the base's outcomes and each reform's change.

    Args:
        base: the base scenario (name, path or :class:`Scenario`).
        reforms: the reforms; each is compared with the base at every design point.
        trajectories: Morris trajectories (at least 2).
        seed: master seed: the design's sampler and every run (all runs use replication 0
            of this seed: common random numbers across arms and points).
        size: run size of every run (``n_residents``, optionally ``n_days``).
        outcomes: the outcomes screened.
        names: the uncertainties to sample (default: every one with a plausible range);
            those a reform sets differently from the base are held whatever is asked.
        levels: Morris grid levels.
        engine: where the runs go (:func:`sim.experiments.engines.executor`).
        workers: worker processes.
        progress: show progress bars (one per chunk of trajectories).

    Returns:
        A tidy table, one row per target, outcome and uncertainty: ``target`` (the base's
        name, or ``"<reform> − <base>"``), ``outcome``, ``parameter``, ``mu_star``,
        ``mu_star_conf`` (half-width of its 95% bootstrap interval), ``sigma``,
        ``mu_star_normalised`` (divided by the largest ``mu_star`` of that target and
        outcome; NaN when no uncertainty moves it), ``rank`` (1 = most influential),
        ``mu`` (the signed mean effect), ``trajectories`` (used) and ``base_mean`` (the
        base's mean level of the outcome over the design: what the outcome's margin is
        taken of). Indices are in the outcome's unit per whole plausible range.
        ``attrs["settings"]`` says what ran: base, reforms, targets, trajectories (asked,
        used, dropped and why), runs, run size, seed, levels, ``varied``, ``held`` (name ->
        reason) and ``not_analysed``.

    Raises:
        ValueError: for bad arguments (a scenario that does not load, a bad count).
        UncertaintyRunError: if fewer than 2 trajectories ran without a failed run.
    """
    for o in outcomes:
        if o not in OUTCOMES:
            raise ValueError(f"outcomes: unknown outcome {o!r}; allowed: "
                             f"{', '.join(OUTCOMES.names())}")
    if not reforms:
        raise ValueError("reforms: at least one reform is needed")
    if not _is_int(seed) or seed < 0:
        raise ValueError(f"seed: invalid value {seed!r}; allowed: an integer >= 0")
    base_s = load_scenario(base).with_overrides(dict(size))
    reform_s = [load_scenario(r).with_overrides(dict(size)) for r in reforms]
    arms = [base_s, *reform_s]
    asked = list(PLAUSIBLE) if names is None else list(names)
    held: dict[str, str] = {}
    for name in asked:
        if name not in PLAUSIBLE:
            continue  # morris_design names it
        differ = [r.name for r in reform_s if r.params[name] != base_s.params[name]]
        if differ:
            held[name] = (f"set differently by {', '.join(differ)} than by {base_s.name} "
                          f"({base_s.params[name]}): part of what is compared")
    varied = [n for n in asked if n not in held]
    design = morris_design(varied, trajectories, levels=levels, seed=seed)
    points = design.points()
    per = design.points_per_trajectory

    # run every point for every arm, whole trajectories at a time (bounded memory)
    n_arms = len(arms)
    values = np.full((n_arms, len(points), len(outcomes)), np.nan)
    ok = np.zeros((n_arms, len(points)), dtype=bool)
    errors: list[str] = []
    chunk = max(1, CHUNK_RUNS // (per * n_arms))
    for t0 in range(0, design.trajectories, chunk):
        idx = range(t0 * per, min((t0 + chunk) * per, len(points)))
        if progress:
            t1 = min(t0 + chunk, design.trajectories)
            print(f"trajectories {t0 + 1}-{t1} of {design.trajectories}: "
                  f"{len(idx) * n_arms:,} runs", file=sys.stderr, flush=True)
        scens = [arm.with_overrides(points[i], name=f"{arm.name} [point {i}]")
                 for i in idx for arm in arms]
        results = run_scenarios(scens, seed, 1, engine=engine, workers=workers,
                                progress=progress)
        for k, res in enumerate(results):
            i, a = idx[k // n_arms], k % n_arms
            row = res.runs.iloc[0]
            if row["status"] == "ok":
                ok[a, i] = True
                values[a, i] = [float(row[o]) for o in outcomes]
            elif len(errors) < 3:
                errors.append(f"{arms[a].name} at point {i}: {row['error']}")

    traj_ok = ok.all(axis=0).reshape(design.trajectories, per).all(axis=1)
    dropped = int((~traj_ok).sum())
    failed_runs = int((~ok).sum())
    if traj_ok.sum() < 2:
        raise UncertaintyRunError(
            f"{dropped} of {design.trajectories} trajectories had failed runs ({failed_runs} "
            f"failed runs); at least 2 must run without failure. First: "
            f"{errors[0] if errors else 'unknown error'}")

    good = np.repeat(traj_ok, per)  # points of complete trajectories
    base_mean = {o: float(np.nanmean(values[0, good, j])) for j, o in enumerate(outcomes)}
    targets = [base_s.name] + [f"{r.name}{_MINUS}{base_s.name}" for r in reform_s]
    target_y = [values[0]] + [values[a] - values[0] for a in range(1, n_arms)]
    rows, not_analysed = [], []
    for target, y_all in zip(targets, target_y, strict=True):
        for j, outcome in enumerate(outcomes):
            y = y_all[:, j].reshape(design.trajectories, per)
            keep = traj_ok & np.isfinite(y).all(axis=1)
            if keep.sum() < 2:
                not_analysed.append({"target": target, "outcome": outcome,
                                     "reason": f"measured in {int(keep.sum())} complete "
                                               "trajectories (at least 2 needed)"})
                continue
            x = design.unit.reshape(design.trajectories, per, -1)[keep].reshape(-1, len(varied))
            rows.append(_morris_rows(design, x, y[keep].reshape(-1), seed, target, outcome,
                                     int(keep.sum())))
    table = (pd.concat(rows, ignore_index=True) if rows else
             pd.DataFrame(columns=["target", "outcome", "parameter", "mu_star", "mu_star_conf",
                                   "sigma", "mu_star_normalised", "rank", "mu",
                                   "trajectories"]))
    table["base_mean"] = table["outcome"].map(base_mean)
    table.attrs["settings"] = {
        "base": base_s.name, "reforms": [r.name for r in reform_s], "targets": targets,
        "outcomes": list(outcomes), "trajectories": design.trajectories,
        "trajectories_used": int(traj_ok.sum()), "dropped": dropped,
        "failed_runs": failed_runs, "errors": errors, "runs": len(points) * n_arms,
        "points": len(points), "levels": design.levels, "seed": int(seed),
        "n_residents": int(base_s.params["n_residents"]),
        "n_days": int(base_s.params["n_days"]), "varied": varied, "held": held,
        "not_analysed": not_analysed}
    return table


def _morris_rows(design: MorrisDesign, x: np.ndarray, y: np.ndarray, seed: int, target: str,
                 outcome: str, used: int) -> pd.DataFrame:
    from SALib.analyze import morris

    res = morris.analyze(design.problem, x, y, num_levels=design.levels, seed=seed)
    df = pd.DataFrame({"target": target, "outcome": outcome, "parameter": list(design.names),
                       "mu_star": np.asarray(res["mu_star"], dtype=float),
                       "mu_star_conf": np.asarray(res["mu_star_conf"], dtype=float),
                       "sigma": np.asarray(res["sigma"], dtype=float)})
    top = float(df["mu_star"].max())
    df["mu_star_normalised"] = df["mu_star"] / top if top > 0 else math.nan
    df = df.sort_values("mu_star", ascending=False, kind="stable").reset_index(drop=True)
    df["rank"] = np.arange(1, len(df) + 1)
    mu = dict(zip(design.names, np.asarray(res["mu"], dtype=float), strict=True))
    df["mu"] = df["parameter"].map(mu)
    df["trajectories"] = used
    return df


# ------------------------------------------------------------------------------ summaries
def _importance(effects: pd.DataFrame) -> pd.DataFrame:
    """Normalised mu_star as a parameter × (target, outcome) matrix (NaN: not moved)."""
    m = effects.pivot_table(index="parameter", columns=["target", "outcome"],
                            values="mu_star_normalised", aggfunc="first", dropna=False)
    targets = list(dict.fromkeys(effects["target"]))
    outcomes = list(dict.fromkeys(effects["outcome"]))
    cols = [(t, o) for t in targets for o in outcomes if (t, o) in m.columns]
    return m.reindex(columns=pd.MultiIndex.from_tuples(cols, names=["target", "outcome"]))


def _top(effects: pd.DataFrame, n: int = TOP) -> list[str]:
    """The ``n`` uncertainties with the largest mean normalised mu_star over everything."""
    m = _importance(effects)
    score = m.fillna(0.0).mean(axis=1)
    peak = m.max(axis=1).fillna(0.0)
    order = pd.DataFrame({"score": score, "peak": peak}).sort_values(
        ["score", "peak"], ascending=False, kind="stable")
    return list(order.index[:n])


def inert_uncertainties(effects: pd.DataFrame, threshold: float = INERT) -> list[str]:
    """Uncertainties whose normalised mu_star is below ``threshold`` for every target/outcome."""
    peak = _importance(effects).max(axis=1)
    varied = list(dict.fromkeys(effects["parameter"]))
    return [p for p in varied if not peak.get(p, math.nan) >= threshold]


# ------------------------------------------------------------------------------ document
def uncertainty_markdown(effects: pd.DataFrame, *, command: str | None = None,
                         figure: str | None = "figures/uncertainty_morris.png",
                         top: int = 5, seconds: float | None = None) -> str:
    """The global sensitivity report as Markdown.

    Args:
        effects: :func:`uncertainty_effects` (its ``attrs["settings"]`` say what ran).
        command: the command that made it (shown; default ``python -m sim
            uncertainty-report``).
        figure: the heatmap's path relative to the document (``None``: no figure).
        top: uncertainties listed per target and outcome.
        seconds: how long the runs took (shown if given).
    """
    s = effects.attrs.get("settings", {})
    when = dt.date.today().isoformat()
    command = command or "python -m sim uncertainty-report"
    base = s.get("base", "the base")
    lines = [
        "# Which uncertainties matter, and for what",
        "",
        f"Generated by `{command}` on {when}. Do not edit by hand: regenerate with "
        "`make uncertainty`.",
        "",
        "## How it was made",
        "",
        f"A global sensitivity screening by the method of Morris (elementary effects; "
        f"SALib): {s.get('trajectories', '?')} trajectories over {s.get('levels', '?')} grid "
        f"levels through the plausible ranges of {len(s.get('varied', []))} uncertainties, "
        f"{s.get('points', '?'):,} design points. At every point `{base}` and "
        f"{_names(s.get('reforms', []))} ran with that point's values on the same seed "
        f"(master seed {s.get('seed', '?')}; common random numbers across arms and points): "
        f"{s.get('runs', 0):,} runs of {s.get('n_residents', 0):,} simulated residents over "
        f"{s.get('n_days', '?')} days" + (f", {seconds / 60:,.1f} minutes." if seconds
                                           else "."),
        "",
        f"Each **target** is `{base}`'s level of an outcome or a reform's paired difference "
        f"from it (reform − {base}). For each uncertainty, **μ\\*** (mu_star, the mean "
        "absolute elementary effect: the change in the target when the uncertainty moves "
        "across part of its plausible range, in the outcome's unit per whole range) ranks its "
        "influence; **σ** (sigma, the spread of its elementary effects) flags interactions "
        "with other uncertainties or a non-linear effect: where σ exceeds μ\\* the effect "
        "changes size or sign across the worlds (marked \\*). Tables show μ\\* *normalised* "
        "by the largest μ\\* of that target and outcome (1 = the most influential), with the "
        "largest μ\\* in the outcome's unit beside it. Morris screening ranks influence; it "
        "does not apportion variance (that needs Sobol indices and many more runs). Each "
        "design point runs once, so every elementary effect carries some simulation noise: "
        "an inert uncertainty whose change reshuffles the random draws still gets a small "
        "μ\\*, and a target whose largest μ\\* is small in its unit is mostly noise.",
        "",
        "The plausible ranges come from `sim/plausible.py` (`PLAUSIBLE`), each with its "
        "source or the assumption that sets its width; log-scale ranges are sampled "
        "uniformly in the logarithm, integer uncertainties are rounded.",
        "",
    ]
    if s.get("dropped"):
        lines += [f"**{s['dropped']} of {s['trajectories']} trajectories were dropped** "
                  f"because {s.get('failed_runs', '?')} of their runs failed (first: "
                  f"{_cell(s['errors'][0]) if s.get('errors') else 'unknown'}); the indices "
                  f"use the {s.get('trajectories_used')} complete ones.", ""]
    else:
        lines += ["No run failed: every trajectory is used.", ""]
    lines += _ranges_section(s)
    lines += _targets_section(effects, top)
    lines += _overall_section(effects, figure)
    lines += _inert_section(effects)
    return "\n".join(lines) + "\n"


def _ranges_section(s: Mapping[str, Any]) -> list[str]:
    from .cli_print import format_default

    varied = set(s.get("varied", []))
    held = s.get("held", {})
    lines = ["## The plausible ranges", "",
             "Every declared uncertainty, its plausible range and what bounds it: a **source** "
             "(a study, a record, a fit) or an **assumption** (the modellers' judgement, with "
             "why the range is this wide). *Screened* says whether this report sampled it.", "",
             "| parameter | group | default | plausible range | scale | basis | screened | "
             "source or assumption |",
             "|---|---|---:|---|---|---|---|---|"]
    missing = []
    for name, p in PARAMETERS.items():
        if p.kind != "uncertainty" or name in NOT_SAMPLED:
            continue
        r = PLAUSIBLE.get(name)
        if r is None:
            missing.append(name)
            continue
        screened = ("yes" if name in varied else "held" if name in held else "no")
        basis = "assumption" if r.assumption else "source"
        src = r.source[len("assumption:"):].strip() if r.assumption else r.source
        lines.append(f"| `{name}` | {p.group} | {format_default(p.default)} | "
                     f"{r.describe().replace(' (log)', '')} | {r.scale} | {basis} | {screened} "
                     f"| {_cell(src)} |")
    lines.append("")
    n = sum(1 for p in PARAMETERS.values() if p.kind == "uncertainty")
    n_assumed = sum(1 for r in PLAUSIBLE.values() if r.assumption)
    lines += [f"{len(PLAUSIBLE)} of {n} uncertainties have a plausible range ({n_assumed} of "
              f"them set by assumption).", ""]
    if held:
        lines += ["Held at the scenarios' values (not sampled):", ""]
        lines += [f"- `{k}`: {v}" for k, v in held.items()] + [""]
    if NOT_SAMPLED:
        lines += ["Never sampled:", ""]
        lines += [f"- `{k}`: {v}" for k, v in NOT_SAMPLED.items()] + [""]
    if missing:
        lines += ["No plausible range declared yet (not sampled):", "",
                  ", ".join(f"`{m}`" for m in missing), ""]
    return lines


def _targets_section(effects: pd.DataFrame, top: int) -> list[str]:
    lines = ["## The most influential uncertainties, target by target", ""]
    not_analysed = effects.attrs.get("settings", {}).get("not_analysed", [])
    for target in dict.fromkeys(effects["target"]):
        t = effects[effects["target"] == target]
        what = ("its level" if _MINUS not in target else "the reform's paired difference")
        lines += [f"### `{target}`", "",
                  f"The top {top} uncertainties for {what}, by normalised μ\\* "
                  "(\\* σ > μ\\*).", "",
                  "| outcome | largest μ\\* (unit) | "
                  + " | ".join(str(k) for k in range(1, top + 1)) + " |",
                  "|---|---:|" + "---|" * top]
        for outcome in dict.fromkeys(t["outcome"]):
            o = t[t["outcome"] == outcome].sort_values("rank")
            label = _outcome_label(outcome)
            first = o.iloc[0]
            if not first["mu_star"] > 0:
                lines.append(f"| {label} | 0 | no uncertainty moves it: the same at every "
                             "design point |" + " |" * (top - 1))
                continue
            cells = []
            for r in o[o["mu_star"] > 0].head(top).itertuples(index=False):
                mark = "\\*" if r.sigma > r.mu_star else ""
                cells.append(f"`{r.parameter}` {r.mu_star_normalised:.2f}{mark}")
            cells += [""] * (top - len(cells))
            unit = OUTCOMES[outcome].unit if outcome in OUTCOMES else ""
            unit = unit.replace(" (", ", ").replace(")", "")
            mu, conf = float(first["mu_star"]), float(first["mu_star_conf"])
            conf = 0.0 if not conf >= 1e-3 * mu else conf  # a bootstrap of equal effects
            lines.append(f"| {label} | {_num(mu)} ± {_num(conf)} ({unit}) | "
                         + " | ".join(cells) + " |")
        for na in not_analysed:
            if na["target"] == target:
                lines.append(f"| {_outcome_label(na['outcome'])} | – | not analysed: "
                             f"{na['reason']} |" + " |" * (top - 1))
        lines.append("")
    return lines


def _overall_section(effects: pd.DataFrame, figure: str | None) -> list[str]:
    m = _importance(effects)
    top = _top(effects)
    outcomes = list(dict.fromkeys(effects["outcome"]))
    lines = ["## Which uncertainties matter for which outcome", "",
             f"The {len(top)} uncertainties with the largest mean normalised μ\\* over all "
             "targets and outcomes; each cell is the largest normalised μ\\* over the targets "
             f"(`{effects.attrs.get('settings', {}).get('base', 'the base')}`'s level and "
             "every reform's difference) for that outcome. **Bold**: at least 0.5. A target "
             "whose largest μ\\* is small in its unit (the tables above) lends every "
             "uncertainty a large normalised μ\\* for little: read the two together.", "",
             "| uncertainty | " + " | ".join(_outcome_label(o) for o in outcomes) + " |",
             "|---|" + "---:|" * len(outcomes)]
    for p in top:
        cells = []
        for o in outcomes:
            cols = [c for c in m.columns if c[1] == o]
            v = m.loc[p, cols].max() if cols else math.nan
            cells.append("–" if not math.isfinite(v) else
                         f"**{v:.2f}**" if v >= 0.5 else f"{v:.2f}")
        lines.append(f"| `{p}` | " + " | ".join(cells) + " |")
    lines.append("")
    if figure:
        lines += [f"![Normalised Morris μ* of the {len(top)} most influential uncertainties "
                  f"for every target and outcome]({figure})", ""]
    return lines


def _inert_section(effects: pd.DataFrame) -> list[str]:
    inert = inert_uncertainties(effects)
    lines = ["## Uncertainties that matter for nothing", "",
             f"Normalised μ\\* below {INERT} for every target and outcome: within their "
             "plausible ranges these move no headline outcome and no reform's difference by "
             "more than a twentieth of the most influential uncertainty.", ""]
    if inert:
        lines += [", ".join(f"`{p}`" for p in inert), ""]
    else:
        lines += ["None: every screened uncertainty reaches at least "
                  f"{INERT} somewhere.", ""]
    return lines


# ------------------------------------------------------------------------------ figure
def uncertainty_figure(effects: pd.DataFrame, top: int = TOP):
    """A heatmap of normalised mu_star: top uncertainties (rows) × target and outcome.

    Returns:
        A matplotlib ``Figure`` (the caller saves it; use the Agg backend headless).
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import Normalize

    m = _importance(effects)
    rows = _top(effects, top)
    data = m.loc[rows].to_numpy(dtype=float)
    targets = list(dict.fromkeys(c[0] for c in m.columns))
    base = effects.attrs.get("settings", {}).get("base", "")
    fig_w = max(8.0, 2.5 + 0.42 * data.shape[1])
    fig_h = max(4.0, 2.6 + 0.36 * len(rows))
    fig, ax = plt.subplots(figsize=(fig_w, fig_h))
    cmap = plt.get_cmap("viridis").with_extremes(bad="#dddddd")
    im = ax.imshow(np.ma.masked_invalid(data), aspect="auto", cmap=cmap,
                   norm=Normalize(0.0, 1.0), interpolation="nearest")
    ax.set_yticks(range(len(rows)), rows, fontsize=9)
    ax.set_xticks(range(data.shape[1]), [_short(c[1]) for c in m.columns], rotation=60,
                  ha="right", fontsize=8)
    col = 0
    for t in targets:
        n = sum(1 for c in m.columns if c[0] == t)
        name = (t.replace(f"{_MINUS}{base}", "\n− base") if _MINUS in t else f"{t}\n(level)")
        ax.text(col + (n - 1) / 2, -0.7, name, ha="center", va="bottom", fontsize=8,
                fontweight="bold")
        if col:
            ax.axvline(col - 0.5, color="white", lw=2)
        col += n
    cb = fig.colorbar(im, ax=ax, fraction=0.03, pad=0.02)
    cb.set_label("normalised Morris μ*")
    ax.set_title("Which uncertainties matter: normalised Morris μ* (1 = the most influential "
                 "for that target and outcome; grey: nothing moves it)", fontsize=10, pad=34)
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------------------ helpers
_SHORT = {"residents_exposed_rate": "exposed", "harm_per_1000": "harm",
          "utility_rate": "utility", "emergency_info_rate": "emergency info",
          "insider_incidents": "insider incidents", "breaches": "breaches"}


def _short(outcome: str) -> str:
    return _SHORT.get(outcome, outcome)


def _outcome_label(outcome: str) -> str:
    return f"{OUTCOMES[outcome].label} (`{outcome}`)" if outcome in OUTCOMES else outcome


def _names(names: Sequence[str]) -> str:
    q = [f"`{n}`" for n in names]
    return q[0] if len(q) == 1 else ", ".join(q[:-1]) + " and " + q[-1] if q else "no reform"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _num(x: float) -> str:
    if not math.isfinite(x):
        return "–"
    ax = abs(x)
    if ax >= 100:
        return f"{x:,.0f}"
    if ax >= 1:
        return f"{x:.3g}"
    if ax == 0:
        return "0"
    return f"{x:.2g}"


def _is_int(x: Any) -> bool:
    return isinstance(x, int | np.integer) and not isinstance(x, bool)


def write_screening(effects: pd.DataFrame, path: str | Path) -> None:
    """Write the screening the robustness stage reads (``sim/data/screening.csv``).

    One row per target, outcome and uncertainty: ``target, outcome, parameter, mu_star,
    mu_star_conf, sigma, base_mean``, with a comment header saying what ran. Written to a
    temporary file and renamed, so a failure never leaves half a table.
    """
    s = effects.attrs.get("settings", {})
    path = Path(path)
    head = (f"# Morris screening by `python -m sim uncertainty-report` ({s.get('trajectories')} "
            f"trajectories, {s.get('n_residents')} residents, {s.get('n_days')} days, seed "
            f"{s.get('seed')}); read by sim.experiments.robustness.screened()\n")
    cols = ["target", "outcome", "parameter", "mu_star", "mu_star_conf", "sigma", "base_mean"]
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(head)
            effects[cols].to_csv(f, index=False, float_format="%.6g")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
