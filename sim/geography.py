"""China's geography and people: provinces, ages, town and country, phones.

The default world is China's: residents are drawn by province with the 2020 census weights
(``sim/data/china_provinces.csv``, built by ``scripts/china_data.py`` from the sourced
figures in the project's shared data; the national figures in ``sim/data/china_national.csv``),
with the national age structure adjusted to a province's own share aged 60+ where the census
reprints give it, the national urban share, and smartphone (internet) use by age and by town
and country from CNNIC. Setting ``n_regions`` to anything
other than 31 gives generic regions of log-normal size instead (for experiments and tests).

Every figure here carries its source; ``docs/odd.md`` (§3) explains how they are used and
what is approximated.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

__all__ = [
    "AGE_BANDS",
    "N_PROVINCES",
    "Provinces",
    "age_weights",
    "national",
    "national_age_shares",
    "phone_probability",
    "provinces",
    "region_names",
    "urban_share",
]

#: China's provincial-level divisions in the 2020 census (mainland; the active military,
#: 2,000,000 persons, belong to none)
N_PROVINCES = 31
MAX_AGE_YEARS = 80  # the model's ages are 0-79 (see population.py)


@functools.cache
def national() -> dict[str, float]:
    """Return the national figures of ``sim/data/china_national.csv`` (shares).

    ``age_share_0_14`` 0.1795, ``age_share_15_59`` 0.6335, ``age_share_60plus`` 0.1870,
    ``age_share_65plus`` 0.1350 (NBS communiqué No.5, Table 5-1) and ``urban_share`` 0.6389
    (NBS main-data release, 2021-05-11), and the split of visits by level of care that
    :mod:`sim.world.care` reproduces (``visit_share_first_level`` 0.598, ``visit_share_secondary``
    0.165, ``visit_share_tertiary`` 0.237: NHC monthly statistics, Jan-Oct 2019), each row
    with its source; built by ``scripts/china_data.py``.
    """
    text = resources.files("sim").joinpath("data/china_national.csv").read_text("utf-8")
    return {r["quantity"]: float(r["value"]) for r in csv.DictReader(text.splitlines())}


def national_age_shares() -> dict[str, float]:
    """Return the census share of each of the model's age bands (:data:`AGE_BANDS`)."""
    n = national()
    return {"0-14": n["age_share_0_14"], "15-59": n["age_share_15_59"],
            "60-64": n["age_share_60plus"] - n["age_share_65plus"],
            "65+": n["age_share_65plus"]}


#: the model's age years in each band (ages are 0-79: the 80+, 2.5% of the census, are folded
#: into 65-79; within a band ages are uniform, an approximation: the census reprints give
#: only the broad bands)
AGE_BANDS = {"0-14": (0, 15), "15-59": (15, 60), "60-64": (60, 65), "65+": (65, 80)}


def urban_share() -> float:
    """Return the urban share of residents (2020 census: 63.89%).

    The reprints give no provincial split, so every province gets the national share.
    """
    return national()["urban_share"]


def age_weights(share_60plus: float | None = None) -> np.ndarray:
    """Return the probability of each age year 0-79.

    Args:
        share_60plus: the province's share aged 60+; ``None``: the national 18.70%. The
            shares of the bands under and over 60 are rescaled to it, keeping the national
            proportions within each side.
    """
    w = np.zeros(MAX_AGE_YEARS)
    shares = national_age_shares()
    for band, (lo, hi) in AGE_BANDS.items():
        w[lo:hi] = shares[band] / (hi - lo)
    if share_60plus is not None:
        old = w[60:].sum()
        w[60:] *= share_60plus / old
        w[:60] *= (1.0 - share_60plus) / (1.0 - old)
    return w / w.sum()


@dataclass(frozen=True)
class Provinces:
    """The 31 provinces (rows in ``code`` order 0-30).

    Attributes:
        names_en: English names ("Guangdong").
        names_zh: Chinese names ("广东").
        nbs_region: the NBS region of each ("east", "central", "west", "northeast").
        population: resident population at the 2020 census.
        share_60plus: share aged 60+, ``NaN`` where the stored census reprints stop.
        weights: population shares (sum 1).
    """

    names_en: tuple[str, ...]
    names_zh: tuple[str, ...]
    nbs_region: tuple[str, ...]
    population: np.ndarray
    share_60plus: np.ndarray

    @property
    def weights(self) -> np.ndarray:
        """Each province's share of the 31 provinces' residents."""
        return self.population / self.population.sum()

    def age_weights(self) -> np.ndarray:
        """Return a ``(31, 80)`` table: each province's probability of each age year."""
        return np.stack([age_weights(None if np.isnan(s) else float(s))
                         for s in self.share_60plus])


@functools.cache
def provinces() -> Provinces:
    """Return the provinces read from the package's ``data/china_provinces.csv``."""
    text = resources.files("sim").joinpath("data/china_provinces.csv").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    if [int(r["code"]) for r in rows] != list(range(N_PROVINCES)):
        raise RuntimeError("sim/data/china_provinces.csv must list codes 0-30 in order")
    return Provinces(
        names_en=tuple(r["name_en"] for r in rows),
        names_zh=tuple(r["name_zh"] for r in rows),
        nbs_region=tuple(r["nbs_region"] for r in rows),
        population=np.array([float(r["population_2020"]) for r in rows]),
        share_60plus=np.array([float(r["share_60plus"]) if r["share_60plus"] else np.nan
                               for r in rows]),
    )


def is_china(p: Mapping[str, Any]) -> bool:
    """Whether the parameters ask for China's provinces (``n_regions`` = 31)."""
    return int(p["n_regions"]) == N_PROVINCES


def region_names(p: Mapping[str, Any], lang: str = "en") -> list[str]:
    """Return the regions' display names: the provinces, or "Region 1" ... for generic ones."""
    if is_china(p):
        prov = provinces()
        return list(prov.names_zh if lang == "zh" else prov.names_en)
    word = "地区" if lang == "zh" else "Region"
    return [f"{word} {r + 1}" for r in range(int(p["n_regions"]))]


def phone_probability(age_years: np.ndarray, urban: np.ndarray,
                      p: Mapping[str, Any]) -> np.ndarray:
    """Return each resident's probability of using a smartphone (and so a code app).

    Three published shares fix three unknowns: the use of those under 60 and of those 60+
    in towns, and a factor for the countryside, assuming (for want of a cross-table) that
    age and town/country act independently and that both age groups are as urban as the
    nation. ``internet_use_all`` = Σ age groups × (urban + rural × factor) and so on;
    children count as users through a guardian's phone (assumption). Used: CNNIC internet
    penetration, overall, at 60+ and rural (``params.py``).
    """
    old_share = national()["age_share_60plus"]
    urban = np.asarray(urban, dtype=bool)
    town_share = urban_share()
    rural_share = 1.0 - town_share
    all_, old, rural = (float(p["internet_use_all"]), float(p["internet_use_60plus"]),
                        float(p["internet_use_rural"]))
    # rural users = factor × (mean town use) × rural share; mean town use = all / mix
    # => factor solves rural = factor × all / (urban + rural_share × factor)
    factor = rural * town_share / max(all_ - rural * rural_share, 1e-9)
    mix = town_share + rural_share * factor
    young = (all_ - old * old_share) / (1.0 - old_share)
    town = np.where(age_years >= 60, old, young) / mix
    prob = town * np.where(urban, 1.0, factor)
    return np.clip(prob, 0.0, 1.0)
