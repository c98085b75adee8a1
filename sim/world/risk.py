"""Re-identification risk: the ARX prosecutor, journalist and marketer measures.

Definitions follow ARX's ``RiskModelSampleSummary`` (El Emam's measures), as transcribed in
``calibration.md`` §1.3. Records are grouped into *equivalence classes* by their
quasi-identifier values; ``f_j`` is a class's size in the released (leaked) data and
``F_j`` its size in the population (``F_j = f_j`` when no population sizes are given, as
in ARX). With ``n`` records, ``J`` classes and threshold ``τ``:

* Prosecutor: records at risk rA = (1/n) Σ f_j · 1[1/f_j > τ]; highest risk
  rB = 1 / min f_j; success rate rC = J / n.
* Journalist: rA = (1/n) Σ f_j · 1[1/F_j > τ]; rB = 1 / min F_j;
  rC = max(J / Σ F_j, (1/n) Σ f_j / F_j).
* Marketer: rC = (1/n) Σ f_j / F_j.

The closed forms of ``calibration.md`` §1.5 (uniqueness, expected classes, correct-match
probability, k-anonymity violations) are here too; the tests check the measures against
them by simulation.

Example:
    >>> import pandas as pd
    >>> t = pd.DataFrame({"sex": [0, 0, 1, 1, 1], "year": [1980, 1980, 1990, 1990, 1991]})
    >>> r = risk_measures(t, threshold=0.4)
    >>> r.prosecutor_success_rate, r.unique_fraction
    (0.6, 0.2)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

__all__ = [
    "QuasiIdentifiers",
    "RiskMeasures",
    "correct_match_probability",
    "equivalence_classes",
    "expected_classes",
    "k_violation_rate",
    "risk_measures",
    "unique_fraction",
]


@dataclass(frozen=True)
class RiskMeasures:
    """ARX risk measures of one table (all probabilities in [0, 1])."""

    n_records: int
    n_classes: int
    prosecutor_records_at_risk: float
    prosecutor_highest_risk: float
    prosecutor_success_rate: float
    journalist_records_at_risk: float
    journalist_highest_risk: float
    journalist_success_rate: float
    marketer_success_rate: float
    unique_fraction: float
    threshold: float

    @property
    def share_above_threshold(self) -> float:
        """Share of records whose prosecutor risk exceeds the threshold (= rA, prosecutor)."""
        return self.prosecutor_records_at_risk

    def to_dict(self) -> dict[str, float]:
        """Return the measures as a plain dict (for tables)."""
        d = asdict(self)
        d["share_above_threshold"] = self.share_above_threshold
        return d


def equivalence_classes(
    qi: pd.DataFrame | Mapping[str, Sequence] | np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Group records by their quasi-identifier values.

    Args:
        qi: a table of quasi-identifier columns (DataFrame, mapping of columns, or a 2-D
            array with one row per record). Zero columns puts every record in one class.

    Returns:
        ``(class_of_record, class_sizes)``: an integer class index per record and the size
        ``f_j`` of each class.
    """
    cols = _columns(qi)
    n = len(cols[0]) if cols else _n_rows(qi)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if not cols:
        return np.zeros(n, dtype=np.int64), np.array([n], dtype=np.int64)
    codes = np.zeros(n, dtype=np.int64)
    for col in cols:
        # factorise each column, then combine; re-factorise whenever the key could overflow
        _, c = np.unique(np.asarray(col), return_inverse=True)
        card = int(c.max()) + 1
        if int(codes.max()) + 1 > np.iinfo(np.int64).max // max(card, 1):
            _, codes = np.unique(codes, return_inverse=True)
        codes = codes * card + c
    _, inv, sizes = np.unique(codes, return_inverse=True, return_counts=True)
    return inv.ravel().astype(np.int64), sizes.astype(np.int64)


def risk_measures(
    qi: pd.DataFrame | Mapping[str, Sequence] | np.ndarray,
    population_sizes: Sequence[float] | np.ndarray | None = None,
    threshold: float = 0.09,
) -> RiskMeasures:
    """Compute the ARX prosecutor, journalist and marketer risk of a table.

    Args:
        qi: the quasi-identifier columns of the released records.
        population_sizes: optional population class size ``F`` *per record* (the size, in
            the population, of the class the record belongs to; ``F >= f``). ``None``
            uses the sample sizes, as ARX does without a population table.
        threshold: τ, the highest acceptable per-record risk (0.09 is the EMA / Health
            Canada threshold; use 1/11 for "k = 11").

    Returns:
        A :class:`RiskMeasures`.

    Raises:
        ValueError: if ``threshold`` is not in (0, 1], if ``population_sizes`` has the
            wrong length, or if a population size is smaller than its sample class.
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold: invalid value {threshold!r}; allowed: a number in (0, 1]")
    cls, f = equivalence_classes(qi)
    n = len(cls)
    if n == 0:
        return RiskMeasures(0, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, threshold)
    j = len(f)
    if population_sizes is None:
        big_f = f.astype(float)
    else:
        per_record = np.asarray(population_sizes, dtype=float)
        if per_record.shape != (n,):
            raise ValueError(
                f"population_sizes: expected one value per record ({n}), got shape "
                f"{per_record.shape}")
        big_f = np.zeros(j)
        np.maximum.at(big_f, cls, per_record)  # records of a class share one F_j
        if np.any(big_f < f):
            raise ValueError("population_sizes: a population class is smaller than its "
                             "sample class (F_j must be >= f_j)")
    pros_at_risk = float(np.sum(f * (1.0 / f > threshold)) / n)
    jour_at_risk = float(np.sum(f * (1.0 / big_f > threshold)) / n)
    marketer = float(np.sum(f / big_f) / n)
    return RiskMeasures(
        n_records=n,
        n_classes=j,
        prosecutor_records_at_risk=pros_at_risk,
        prosecutor_highest_risk=float(1.0 / f.min()),
        prosecutor_success_rate=j / n,
        journalist_records_at_risk=jour_at_risk,
        journalist_highest_risk=float(1.0 / big_f.min()),
        journalist_success_rate=float(max(j / big_f.sum(), marketer)),
        marketer_success_rate=marketer,
        unique_fraction=float(np.sum(f == 1) / n),
        threshold=threshold,
    )


# ----------------------------------------------------------------- closed forms (§1.5)

def unique_fraction(n: float, p: np.ndarray | float) -> float:
    """Expected fraction of a population that is unique: Σ_c p_c (1 - p_c)^(n-1).

    Args:
        n: population size.
        p: cell probabilities (summing to 1), or a scalar ``1/d`` for ``d`` uniform cells.
    """
    p_arr = np.atleast_1d(np.asarray(p, dtype=float))
    if p_arr.size == 1:
        d = 1.0 / p_arr[0]
        return float((1.0 - 1.0 / d) ** (n - 1))
    return float(np.sum(p_arr * np.exp((n - 1) * np.log1p(-p_arr))))


def expected_classes(n: float, p: np.ndarray | float) -> float:
    """Expected number of non-empty classes: Σ_c [1 - (1 - p_c)^n] (uniform: d(1-(1-1/d)^n))."""
    p_arr = np.atleast_1d(np.asarray(p, dtype=float))
    if p_arr.size == 1:
        d = 1.0 / p_arr[0]
        return float(d * (1.0 - (1.0 - 1.0 / d) ** n))
    return float(np.sum(-np.expm1(n * np.log1p(-p_arr))))


def correct_match_probability(n: float, p: np.ndarray | float) -> np.ndarray | float:
    """Probability that a match on the quasi-identifiers is the right person.

    κ = (1 - (1 - p)^n) / (n p): the expected 1/S for a person whose cell has probability
    ``p`` in a population of ``n`` (Rocher et al. 2019 "correctness"; calibration.md §1.5
    item 4). Works on arrays of per-record cell probabilities.
    """
    p_arr = np.asarray(p, dtype=float)
    np_ = n * p_arr
    with np.errstate(divide="ignore", invalid="ignore"):
        k = -np.expm1(n * np.log1p(-np.minimum(p_arr, 1.0))) / np_
    k = np.where(np_ < 1e-12, 1.0, k)
    return float(k) if np.ndim(k) == 0 else k


def k_violation_rate(n: float, p: float, k: int) -> float:
    """P(class size < k) for a person in a cell of probability ``p``: P(X ≤ k-2), X ~ Pois(np)."""
    from math import exp, factorial

    lam = n * p
    return float(sum(exp(-lam) * lam**j / factorial(j) for j in range(max(k - 1, 0))))


def _columns(qi) -> list[np.ndarray]:
    if isinstance(qi, pd.DataFrame):
        return [qi[c].to_numpy() for c in qi.columns]
    if isinstance(qi, Mapping):
        return [np.asarray(v) for v in qi.values()]
    arr = np.asarray(qi)
    if arr.ndim == 1:
        return [arr]
    return [arr[:, i] for i in range(arr.shape[1])]


def _n_rows(qi) -> int:
    if isinstance(qi, pd.DataFrame):
        return len(qi)
    arr = np.asarray(qi)
    return arr.shape[0] if arr.ndim else 0


class QuasiIdentifiers:
    """How likely each resident's quasi-identifier combinations are in the population.

    For whatever subset of quasi-identifiers a leaked record carries.

    Args:
        pop: the residents (their ``logp`` marginals and QI columns).
        catalogue: the field catalogue (which fields are quasi-identifiers, which coarse
            field each fine one ``generalises``).
    """

    def __init__(self, pop, catalogue) -> None:
        self.pop = pop
        self.catalogue = catalogue
        self.field_bit = {f.name: 1 << i for i, f in enumerate(catalogue)}
        # (table, its columns in this model's order or None): set on first use (a leak)
        self._logp: tuple[np.ndarray, np.ndarray | None] | None = None

    def _build(self) -> None:
        """Each resident's quasi-identifier log-probabilities as one (residents × QIs) table."""
        pop = self.pop
        b = self.field_bit
        names = [f.name for f in self.catalogue
                 if f.quasi_identifier and f.name != "marital_status"]
        cols = [*names, "marital_status", "marital_marginal"]
        base = next(iter(pop.logp.values())).base
        if base is not None and all(pop.logp[c].base is base for c in cols):
            # the population keeps them as columns of one table: read its rows, no copy
            order = list(pop.logp)
            self._logp = (base, np.array([order.index(c) for c in cols]))
        else:
            self._logp = (np.stack([pop.logp[c] for c in cols], axis=1), None)
        bits = np.array([b[n] for n in names] + [0, 0], dtype=np.int64)
        gen = [f for f in self.catalogue if f.quasi_identifier and f.generalises]
        coarse = [np.int64(b[f.name]) for f in gen]
        fine = [np.int64(b[f.generalises]) for f in gen]
        age = np.int64(b["birth_date"] | b["birth_year"])
        self._bits = (bits, coarse, fine, age, np.int64(b["marital_status"]))

    def log_probability(self, idx: np.ndarray, fields: np.ndarray) -> np.ndarray:
        """Log P(record's quasi-identifier combination) in the represented population.

        Quasi-identifiers are independent by construction, so this is a sum of each present
        field's log-probability; a coarse field is ignored where the finer one it
        ``generalises`` is present (birth year under birth date, region under county), and
        marital status counts given age when the record reveals age.
        """
        if self._logp is None:
            self._build()
        bits, coarse, fine, age_bits, mar_bit = self._bits
        f = np.asarray(fields, dtype=np.int64)
        shadowed = np.zeros(len(f), dtype=np.int64)
        for c, fi in zip(coarse, fine, strict=True):
            shadowed |= np.where((f & fi) != 0, c, 0)
        f = f & ~shadowed
        mar = (f & mar_bit) != 0
        age = (f & age_bits) != 0
        present = ((f[:, None] & bits[None, :]) != 0)
        present[:, -2] = mar & age
        present[:, -1] = mar & ~age
        table, columns = self._logp
        # (one fancy index over both axes: a C-ordered block, as einsum summed before)
        rows = table[idx] if columns is None else table[np.asarray(idx)[:, None], columns]
        return np.einsum("ij,ij->i", present, rows)

    def columns(self, idx: np.ndarray, fields: np.ndarray) -> dict[str, np.ndarray]:
        """Quasi-identifier columns of leaked records (``-1`` where a record lacks one)."""
        from .population import QI_COLUMNS

        cols = {}
        for name, col in QI_COLUMNS.items():
            present = (fields & self.field_bit[name]) != 0
            if present.any():
                cols[name] = np.where(present, getattr(self.pop, col)[idx], -1)
        return cols
