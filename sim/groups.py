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

from .geography import region_names
from .outcomes import harm_by_resident
from .population import Attitude

if TYPE_CHECKING:  # pragma: no cover
    from .model import HealthDataModel

__all__ = ["AGE_BANDS", "GroupAccounts"]

AGE_BANDS = ((0, 18, "0-17"), (18, 40, "18-39"), (40, 65, "40-64"), (65, 200, "65+"))


class GroupAccounts:
    """Accumulates clinical value by group during a run and reports the breakdown."""

    def __init__(self, model: HealthDataModel) -> None:
        self.model = model
        pop = model.pop
        edges = np.array([lo for lo, _, _ in AGE_BANDS[1:]])
        self.age_band = np.searchsorted(edges, pop.age_years, side="right").astype(np.int8)
        self.labels = {
            "attitude": [a.name.lower() for a in Attitude],
            "age_band": [label for _, _, label in AGE_BANDS],
            "region": region_names(model.p),
            "settlement": ["urban", "rural"],
            "smartphone": ["smartphone user", "no smartphone"],
            "care_location": ["at home", "away from home"],
        }
        self.codes = {"attitude": pop.attitude, "age_band": self.age_band,
                      "region": pop.region, "settlement": (~pop.urban).astype(np.int8),
                      "smartphone": (~pop.has_phone).astype(np.int8)}
        self.need = {d: np.zeros(len(v)) for d, v in self.labels.items()}
        self.got = {d: np.zeros(len(v)) for d, v in self.labels.items()}

    def add_encounters(self, res: np.ndarray, away: np.ndarray, need_v: np.ndarray,
                       got_v: np.ndarray) -> None:
        """Add a day's encounters (clinical value needed and delivered) to each group."""
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
