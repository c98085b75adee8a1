"""Experiment designs built from the one parameter declaration.

A design is a list of *points*: each point sets some parameters (levers, uncertainties or
settings). Points are crossed with base scenarios and replications to make runs; every run of
replication ``r`` uses the same seed (:func:`sim.experiments.experiment.replication_seed`), so
points are compared on common random numbers.

Design types:

* ``factorial`` - every combination of the listed values;
* ``latin_hypercube`` - ``samples`` points, each factor stratified over its range
  (``scipy.stats.qmc.LatinHypercube``);
* ``policies`` - a hand-picked list of named points;
* ``sobol`` / ``morris`` - SALib's samplers for global sensitivity analysis.

Numeric factors are given as ``[low, high]`` ranges (``null``: the declared range);
categorical factors (and booleans) as lists of values, which continuous designs map to
equal slices of [0, 1).

Sizes are capped before anything is built: ``samples`` at :data:`MAX_SAMPLES` and the
number of points at :data:`MAX_POINTS` (``Design.from_spec(..., max_points=None,
max_samples=None)`` lifts the caps).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..params import PARAMETERS, Parameter, ParameterError, unknown_name_help

__all__ = ["DESIGN_TYPES", "MAX_POINTS", "MAX_SAMPLES", "Design", "DesignError",
           "DesignSizeError", "Factor", "Point"]

DESIGN_TYPES = ("factorial", "latin_hypercube", "policies", "sobol", "morris")

#: most design points built (unless ``max_points=None``)
MAX_POINTS = 1_000_000
#: largest ``samples`` (unless ``max_samples=None``)
MAX_SAMPLES = 100_000


class DesignError(ValueError):
    """A design is invalid; the message names the field and what is allowed."""


class DesignSizeError(DesignError):
    """A design has more points than allowed (``points``: how many; ``limit``: the cap)."""

    def __init__(self, message: str, points: int, limit: int) -> None:
        super().__init__(message)
        self.points = points
        self.limit = limit


@dataclass(frozen=True)
class Factor:
    """One varied parameter: a numeric range or a list of levels."""

    name: str
    low: float | None = None
    high: float | None = None
    levels: tuple | None = None

    @property
    def param(self) -> Parameter:
        """The declared parameter."""
        return PARAMETERS[self.name]

    def from_unit(self, u: np.ndarray) -> list[Any]:
        """Map values in [0, 1] to the factor's values (levels: equal slices)."""
        if self.levels is not None:
            k = np.minimum((np.asarray(u) * len(self.levels)).astype(int), len(self.levels) - 1)
            return [self.levels[i] for i in k]
        x = self.low + np.asarray(u) * (self.high - self.low)
        if self.param.dtype is int:
            return [round(float(v)) for v in x]
        return [float(v) for v in x]


@dataclass(frozen=True)
class Point:
    """One design point: an id, a label and the parameter values it sets."""

    point_id: str
    label: str
    values: Mapping[str, Any]


@dataclass
class Design:
    """A validated design.

    Attributes:
        type: one of :data:`DESIGN_TYPES`.
        factors: the varied parameters (not for ``policies``).
        points: the design points, in a stable order.
        problem: the SALib problem dict (``sobol`` / ``morris``), else ``None``.
        unit_samples: the [0, 1] sample matrix behind continuous designs.
    """

    type: str
    factors: list[Factor] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)
    problem: dict | None = None
    unit_samples: np.ndarray | None = None

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any], seed: int, where: str = "design", *,
                  max_points: int | None = MAX_POINTS,
                  max_samples: int | None = MAX_SAMPLES) -> Design:
        """Build and validate a design from its mapping (the ``design:`` block of a sweep).

        Args:
            spec: the mapping.
            seed: the seed of sampled designs.
            where: how messages name the block.
            max_points: refuse a design of more points (before building it); ``None``:
                no cap.
            max_samples: refuse a larger ``samples``; ``None``: no cap.

        Raises:
            DesignError: naming the key and what is allowed (:class:`DesignSizeError`
                for a design over ``max_points``).
        """
        if not isinstance(spec, Mapping):
            raise DesignError(f"{where}: must be a mapping with a 'type'")
        dtype = spec.get("type")
        if dtype not in DESIGN_TYPES:
            raise DesignError(f"{where}.type: invalid value {dtype!r}; allowed: one of "
                              f"{', '.join(DESIGN_TYPES)}")
        allowed = {"type", "factors", "samples", "policies", "levels", "second_order"}
        for key in spec:
            if key not in allowed:
                raise DesignError(f"{where}: unknown key {key!r}; valid keys: "
                                  f"{', '.join(sorted(allowed))}")
        if dtype == "policies":
            return cls(type=dtype, points=_policies(spec.get("policies"), f"{where}.policies"))
        factors = _factors(spec.get("factors"), f"{where}.factors", discrete=dtype == "factorial")
        if dtype == "factorial":
            _cap(math.prod(len(f.levels) for f in factors), max_points, where,
                 " x ".join(str(len(f.levels)) for f in factors) + " levels")
            names = [f.name for f in factors]
            combos = itertools.product(*[f.levels for f in factors])
            points = [_point(dict(zip(names, c, strict=True))) for c in combos]
            return cls(type=dtype, factors=factors, points=points)
        samples = spec.get("samples")
        if not isinstance(samples, int) or isinstance(samples, bool) or samples < 1:
            raise DesignError(f"{where}.samples: invalid value {samples!r}; allowed: an "
                              "integer >= 1")
        if max_samples is not None and samples > max_samples:
            raise DesignError(f"{where}.samples: invalid value {samples:,}; allowed: at "
                              f"most {max_samples:,}")
        d = len(factors)
        per = {"latin_hypercube": 1, "morris": d + 1,
               "sobol": 2 * d + 2 if spec.get("second_order") else d + 2}[dtype]
        _cap(samples * per, max_points, where, f"{samples:,} samples x {per}")
        if dtype == "latin_hypercube":
            from scipy.stats import qmc

            u = qmc.LatinHypercube(d=len(factors), seed=np.random.default_rng(seed)).random(
                samples)
            return cls(type=dtype, factors=factors, points=_from_unit(factors, u),
                       unit_samples=u)
        problem = {"num_vars": len(factors), "names": [f.name for f in factors],
                   "bounds": [[0.0, 1.0]] * len(factors)}
        if dtype == "sobol":
            from SALib.sample import sobol

            second = bool(spec.get("second_order", False))
            u = sobol.sample(problem, samples, calc_second_order=second, seed=seed)
            problem["second_order"] = second
        else:
            from SALib.sample import morris

            levels = spec.get("levels", 4)
            u = morris.sample(problem, samples, num_levels=levels, seed=seed)
            problem["num_levels"] = levels
        return cls(type=dtype, factors=factors, points=_from_unit(factors, u), problem=problem,
                   unit_samples=u)


def _cap(points: int, max_points: int | None, where: str, how: str) -> None:
    if max_points is not None and points > max_points:
        raise DesignSizeError(f"{where}: {points:,} points ({how}); allowed: at most "
                              f"{max_points:,} points", points, max_points)


def _factors(spec, where: str, discrete: bool) -> list[Factor]:
    if not isinstance(spec, Mapping) or not spec:
        raise DesignError(f"{where}: must map parameter names to values or ranges")
    out = []
    for name, value in spec.items():
        p = PARAMETERS.get(name)
        if p is None:
            raise DesignError(f"{where}: unknown parameter {name!r}; "
                              f"{unknown_name_help(name)}")
        loc = f"{where}.{name}"
        categorical = p.dtype in (str, bool, list)
        if discrete or categorical:
            if value is None and p.dtype is bool:
                value = [False, True]
            elif value is None and p.dtype is str:
                value = p.allowed_choices()
            if not isinstance(value, list) or not value:
                raise DesignError(f"{loc}: invalid value {value!r}; allowed: a list of values "
                                  f"({p.describe_allowed()})")
            levels = tuple(_check(p, v, loc) for v in value)
            out.append(Factor(name, levels=levels))
        else:
            if value is None:
                lo, hi = p.low, p.high
            elif isinstance(value, list) and len(value) == 2:
                lo, hi = (_check(p, v, loc) for v in value)
            else:
                raise DesignError(f"{loc}: invalid value {value!r}; allowed: [low, high] "
                                  f"within {p.describe_allowed()}, or null for that range")
            if not lo < hi:
                raise DesignError(f"{loc}: invalid range [{lo}, {hi}]; allowed: low < high")
            out.append(Factor(name, low=float(lo), high=float(hi)))
    return out


def _check(p: Parameter, v: Any, where: str) -> Any:
    try:
        return p.validate(v)
    except ParameterError as e:
        raise DesignError(f"{where}: invalid value {v!r}; allowed: {e.allowed}") from None


def _policies(spec, where: str) -> list[Point]:
    if not isinstance(spec, list) or not spec:
        raise DesignError(f"{where}: must be a list of policies (name plus parameter values)")
    points, names = [], set()
    for i, pol in enumerate(spec):
        loc = f"{where}[{i}]"
        if not isinstance(pol, Mapping) or not isinstance(pol.get("name"), str):
            raise DesignError(f"{loc}: each policy needs a 'name' and parameter values")
        if pol["name"] in names:
            raise DesignError(f"{loc}.name: duplicate policy name {pol['name']!r}")
        names.add(pol["name"])
        values = {}
        for k, v in pol.items():
            if k == "name":
                continue
            p = PARAMETERS.get(k)
            if p is None:
                raise DesignError(f"{loc}: unknown parameter {k!r}; "
                                  f"{unknown_name_help(k)}")
            values[k] = _check(p, v, f"{loc}.{k}")
        points.append(_point(values, label=pol["name"]))
    return points


def _from_unit(factors: Sequence[Factor], u: np.ndarray) -> list[Point]:
    cols = [f.from_unit(u[:, j]) for j, f in enumerate(factors)]
    return [_point({f.name: cols[j][i] for j, f in enumerate(factors)}, index=i)
            for i in range(u.shape[0])]


def _point(values: Mapping[str, Any], label: str | None = None, index: int | None = None) -> Point:
    blob = json.dumps(dict(values), sort_keys=True, default=str).encode()
    digest = hashlib.sha256(blob).hexdigest()[:12]
    pid = f"p{index:05d}-{digest}" if index is not None else digest
    if label is None:
        label = ", ".join(f"{k}={_short(v)}" for k, v in values.items())
    return Point(point_id=pid, label=label, values=dict(values))


def _short(v: Any) -> str:
    return f"{v:.3g}" if isinstance(v, float) else str(v)
