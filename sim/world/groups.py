"""Who bears the risk and who gains: outcomes broken down by groups of residents.

Dimensions: privacy attitude, age band, home region (China's provinces by default), town or
country, whether the resident uses a smartphone (and so can show a code or keep records on
the device), and (for care) whether the encounter was at home or away. Privacy outcomes are
per resident (share exposed, harm per 1,000); clinical utility is per encounter (share of
needed value delivered).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..geography import region_names
from .kernels import add_by_group
from .outcomes import harm_by_resident
from .population import Attitude

if TYPE_CHECKING:  # pragma: no cover
    from .model import HealthDataModel

__all__ = ["AGE_BANDS", "CLINICAL_CHANGE", "GroupAccounts", "group_labels", "summarize_winners",
           "winners_and_losers"]

AGE_BANDS = ((0, 18, "0-17"), (18, 40, "18-39"), (40, 65, "40-64"), (65, 200, "65+"))


def group_labels(params) -> dict[str, list[str]]:
    """The groups' names per dimension for a run with ``params`` (regions depend on them)."""
    return {
        "attitude": [a.name.lower() for a in Attitude],
        "age_band": [label for _, _, label in AGE_BANDS],
        "region": list(region_names(params)),
        "settlement": ["urban", "rural"],
        "smartphone": ["smartphone user", "no smartphone"],
        "care_location": ["at home", "away from home"],
    }


class GroupAccounts:
    """Accumulates clinical value by group during a run and reports the breakdown."""

    def __init__(self, model: HealthDataModel) -> None:
        self.model = model
        pop = model.pop
        edges = np.array([lo for lo, _, _ in AGE_BANDS[1:]])
        self.age_band = np.searchsorted(edges, pop.age_years, side="right").astype(np.int8)
        self.labels = group_labels(model.p)
        self.codes = {"attitude": pop.attitude, "age_band": self.age_band,
                      "region": pop.region, "settlement": (~pop.urban).astype(np.int8),
                      "smartphone": (~pop.has_phone).astype(np.int8)}
        self.need = {d: np.zeros(len(v)) for d, v in self.labels.items()}
        self.got = {d: np.zeros(len(v)) for d, v in self.labels.items()}
        #: each resident's clinical value needed and delivered over the run
        self.need_r = np.zeros(pop.n)
        self.got_r = np.zeros(pop.n)
        self._stacked: np.ndarray | None = None  # the codes as one (residents, dimensions) table

    def add_encounters(self, res: np.ndarray, away: np.ndarray, need_v: np.ndarray,
                       got_v: np.ndarray) -> None:
        """Add a day's encounters (clinical value needed and delivered) to each group.

        One compiled pass (:func:`sim.world.kernels.add_by_group`) makes the same sums, in the
        same order, as :meth:`add_encounters_plain`, the definition.
        """
        dims = list(self.codes)
        if list(self.labels) != [*dims, "care_location"]:  # groups changed by an extension
            self.add_encounters_plain(res, away, need_v, got_v)
            return
        if self._stacked is None:
            # one row per resident: an encounter reads its resident's codes in one cache line
            self._stacked = np.stack([np.asarray(self.codes[d], dtype=np.int16) for d in dims],
                                     axis=1)
        width = max(len(v) for v in self.labels.values())
        need_day = np.zeros((len(dims) + 1, width))
        got_day = np.zeros_like(need_day)
        add_by_group(self.need_r, self.got_r, np.asarray(res, dtype=np.int64),
                     np.asarray(away, dtype=np.int64), need_v, got_v, self._stacked,
                     need_day, got_day)
        for row, (dim, labels) in enumerate(self.labels.items()):
            k = len(labels)
            self.need[dim] += need_day[row, :k]
            self.got[dim] += got_day[row, :k]

    def add_encounters_plain(self, res: np.ndarray, away: np.ndarray, need_v: np.ndarray,
                             got_v: np.ndarray) -> None:
        """:meth:`add_encounters` in NumPy: what the compiled pass is held to."""
        np.add.at(self.need_r, res, need_v)
        np.add.at(self.got_r, res, got_v)
        for dim, labels in self.labels.items():
            codes = away.astype(np.int64) if dim == "care_location" else self.codes[dim][res]
            k = len(labels)
            self.need[dim] += np.bincount(codes, weights=need_v, minlength=k)[:k]
            self.got[dim] += np.bincount(codes, weights=got_v, minlength=k)[:k]

    def table(self) -> pd.DataFrame:
        """One row per (dimension, group): residents, share exposed, harm per 1,000, utility."""
        m = self.model
        pop = m.pop
        exposed = (pop.exposed_fields & m.sensitive_mask) != 0
        harm = harm_by_resident(m)
        rows = []
        for dim, labels in self.labels.items():
            for g, label in enumerate(labels):
                need, got = self.need[dim][g], self.got[dim][g]
                row = {"dimension": dim, "group": label,
                       "utility_rate": got / need if need > 0 else np.nan}
                if dim in self.codes:
                    members = self.codes[dim] == g
                    n = int(members.sum())
                    row.update(residents=n,
                               residents_exposed_rate=float(exposed[members].mean()) if n
                               else np.nan,
                               harm_per_1000=float(1000 * harm[members].mean()) if n
                               else np.nan)
                else:
                    row.update(residents=np.nan, residents_exposed_rate=np.nan,
                               harm_per_1000=np.nan)
                rows.append(row)
        cols = ["dimension", "group", "residents", "residents_exposed_rate", "harm_per_1000",
                "utility_rate"]
        return pd.DataFrame(rows)[cols]

    def residents(self) -> pd.DataFrame:
        """One row per resident: their outcomes and groups (for pairing two runs).

        ``exposed`` (sensitive fields exposed by the end), ``harm`` (see
        :func:`~sim.world.outcomes.harm_by_resident`), clinical value ``need`` and ``got`` over
        the run, and the resident's group codes (indices into :attr:`labels`). Compact
        dtypes: about 22 bytes a resident.
        """
        m = self.model
        exposed = (m.pop.exposed_fields & m.sensitive_mask) != 0
        out = {"resident": np.arange(m.pop.n, dtype=np.int32), "exposed": exposed,
               "harm": harm_by_resident(m).astype(np.float32),
               "need": self.need_r.astype(np.float32), "got": self.got_r.astype(np.float32)}
        for dim, codes in self.codes.items():
            out[dim] = np.asarray(codes).astype(np.int16 if dim == "region" else np.int8)
        # who the resident is beyond their groups: conditions and how much care they use
        # (pairing two arms is refused when these differ: other population assumptions)
        conditions = np.zeros(m.pop.n, dtype=np.int16)
        for bit, has in enumerate(m.pop.conditions.values()):
            conditions |= np.asarray(has, dtype=np.int16) << bit
        out["conditions"] = conditions
        out["care_propensity"] = np.asarray(m.pop.care_propensity, dtype=np.float32)
        return pd.DataFrame(out)


#: a resident is better or worse off in clinical information when their share of needed
#: clinical value delivered changes by at least this much (5 percentage points)
CLINICAL_CHANGE = 0.05
#: the dimensions the winners-and-losers table breaks residents down by
WINNER_DIMENSIONS = ("all", "age_band", "settlement", "smartphone", "attitude", "region")


def winners_and_losers(a: pd.DataFrame, b: pd.DataFrame, labels: dict[str, list[str]],
                       threshold: float = CLINICAL_CHANGE) -> pd.DataFrame:
    """Shares of residents better and worse off under ``b`` than ``a``, by group.

    Common random numbers make resident *i* of a replication the same person in both arms
    (same age, region, attitude, illnesses and care needs): so each one's outcomes can be
    compared, as PolicyEngine counts winners and losers of a tax reform by decile.

    * **privacy**: *better* = exposed under ``a`` but not under ``b`` (protected); *worse*
      = exposed under ``b`` only (newly exposed);
    * **clinical**: among residents who needed care in both arms, *better* = their share of
      needed clinical value delivered rises by at least ``threshold``, *worse* = falls by
      at least that much.

    Args:
        a: the baseline's per-resident table (:meth:`GroupAccounts.residents` with a
            ``rep`` column).
        b: the reform's, on the same seeds.
        labels: group names per dimension (:attr:`GroupAccounts.labels`).
        threshold: the change in a resident's share of clinical value that counts.

    Returns:
        One row per (replication, outcome, dimension, group): ``residents`` (counted for the
        outcome), ``better``, ``worse`` and ``same`` as shares of them.

    Raises:
        ValueError: when the arms' residents are not the same people (other seeds, another
            population size, or a population parameter that differs).
    """
    keys = ["rep", "resident"]
    if len(a) != len(b) or not (a[keys].to_numpy() == b[keys].to_numpy()).all():
        raise ValueError("the two arms do not have the same residents (other seeds or "
                         "population sizes): they cannot be compared resident by resident")
    dims = [d for d in WINNER_DIMENSIONS if d == "all" or d in a.columns]
    person = [d for d in dims if d != "all"] + [c for c in ("conditions", "care_propensity")
                                                if c in a.columns and c in b.columns]
    if any(not (a[c].to_numpy() == b[c].to_numpy()).all() for c in person):
        raise ValueError("the two arms' residents are not the same people (a population "
                         "assumption differs): they cannot be compared resident by resident")
    with np.errstate(invalid="ignore", divide="ignore"):
        ua = np.where(a["need"] > 0, a["got"] / a["need"], np.nan)
        ub = np.where(b["need"] > 0, b["got"] / b["need"], np.nan)
    ea, eb = a["exposed"].to_numpy(), b["exposed"].to_numpy()
    delta = ub - ua
    cared = ~np.isnan(delta)
    frame = pd.DataFrame({
        "rep": a["rep"].to_numpy(),
        "privacy_better": ea & ~eb, "privacy_worse": eb & ~ea,
        "clinical_better": cared & (delta >= threshold),
        "clinical_worse": cared & (delta <= -threshold), "clinical_n": cared,
        **{d: a[d].to_numpy() for d in dims if d != "all"}})
    rows = []
    for dim in dims:
        by = ["rep"] if dim == "all" else ["rep", dim]
        agg = frame.groupby(by, sort=True).agg(
            n=("privacy_better", "size"), pb=("privacy_better", "sum"),
            pw=("privacy_worse", "sum"), cb=("clinical_better", "sum"),
            cw=("clinical_worse", "sum"), cn=("clinical_n", "sum")).reset_index()
        names = ["all residents"] if dim == "all" else labels[dim]
        for r in agg.itertuples(index=False):
            group = names[0] if dim == "all" else names[int(getattr(r, dim))]
            for outcome, n, better, worse in (("privacy", r.n, r.pb, r.pw),
                                              ("clinical", r.cn, r.cb, r.cw)):
                rows.append({"rep": int(r.rep), "outcome": outcome, "dimension": dim,
                             "group": group, "residents": int(n),
                             "better": better / n if n else np.nan,
                             "worse": worse / n if n else np.nan,
                             "same": (n - better - worse) / n if n else np.nan})
    return pd.DataFrame(rows)


def summarize_winners(table: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Mean shares over replications with a ``level`` interval (Student's t over reps).

    One row per (outcome, dimension, group): ``residents`` (mean per replication),
    ``better``, ``better_lo``, ``better_hi``, ``worse``, ``worse_lo``, ``worse_hi``,
    ``same``; shares clipped to [0, 1].
    """
    from scipy import stats

    out = []
    for (outcome, dim, group), g in table.groupby(["outcome", "dimension", "group"],
                                                  sort=False):
        row = {"outcome": outcome, "dimension": dim, "group": group,
               "residents": float(g["residents"].mean())}
        n = g["better"].notna().sum()
        t = stats.t.ppf(0.5 + level / 2, n - 1) if n > 1 else np.nan
        for col in ("better", "worse", "same"):
            x = g[col].dropna()
            mean = float(x.mean()) if len(x) else np.nan
            half = float(t * x.std(ddof=1) / np.sqrt(len(x))) if len(x) > 1 else np.nan
            row[col] = mean
            if col != "same":
                row[f"{col}_lo"] = max(0.0, mean - half) if not np.isnan(half) else np.nan
                row[f"{col}_hi"] = min(1.0, mean + half) if not np.isnan(half) else np.nan
        out.append(row)
    return pd.DataFrame(out)
