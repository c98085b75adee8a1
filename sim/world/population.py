"""Residents as columns: one NumPy array per attribute, one entry per resident.

A million residents as Python objects would cost ~0.25-0.5 GB and ~1 µs per resident per
step before any rule runs (``perf_and_ecosystem.md`` §1.3); as columns they cost a few bytes
per attribute and every rule is one vectorised expression. Only institutions and attackers
(tens to hundreds) are Mesa agents.

Quasi-identifiers are drawn independently (marital status given age), so the probability
of any combination of them in the *real* population the sample represents is a product of
marginals. That is what re-identification uses: a leaked record's class size is computed
in the represented population (1.41 billion by default), not in the sample.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import geography
from ..fields import CONDITIONS

__all__ = ["EPISODIC_CONDITIONS", "QI_COLUMNS", "Attitude", "Population"]

#: conditions recorded once, at an episode (an operation, a psychiatric episode, an
#: infection, a pregnancy), rather than kept current at every visit: what a record still
#: says about them depends on how long records are kept (``retention_days``)
EPISODIC_CONDITIONS = ("surgery", "mental", "infectious", "reproductive")

DAYS_PER_YEAR = 365
MAX_AGE_YEARS = geography.MAX_AGE_YEARS  # ages 0-79 (the census's 80+ folded into 65-79)

# Categorical marginals. Sources: ethnicity, Han 91.1% (2020 census, not verified here);
# education and marital status: order of magnitude of the 2020 census (assumption);
# occupation: 20 categories with Zipf(1) weights (assumption).
_MINOR = 0.5 ** np.arange(1, 10)
_ETHNICITY = np.array([0.911, *(0.089 * _MINOR / _MINOR.sum())])
_EDUCATION = np.array([0.03, 0.25, 0.35, 0.16, 0.16, 0.05])
_OCCUPATION = (1.0 / np.arange(1, 21)) / (1.0 / np.arange(1, 21)).sum()
# marital status (single, married, divorced, widowed) by age band <20, 20-29, 30-64, 65+
_MARITAL_BY_AGE = np.array([
    [1.00, 0.00, 0.00, 0.00],
    [0.53, 0.45, 0.02, 0.00],
    [0.06, 0.84, 0.06, 0.04],
    [0.03, 0.70, 0.02, 0.25],
])
_AGE_BAND_EDGES = np.array([20, 30, 65])  # years


class Attitude(enum.IntEnum):
    """Privacy attitude (Westin-style segmentation)."""

    CONCERNED = 0
    PRAGMATIC = 1
    UNCONCERNED = 2


#: quasi-identifier field name -> population column holding its value
QI_COLUMNS = {
    "birth_date": "birth_day",
    "birth_year": "birth_year",
    "sex": "sex",
    "county": "county",
    "region": "region",
    "occupation": "occupation",
    "ethnicity": "ethnicity",
    "marital_status": "marital",
    "education": "education",
    "location_trail": "trail",
}


@dataclass
class Population:
    """Struct-of-arrays state of all residents.

    Static attributes (drawn once from the ``population`` stream, identical across policies
    compared on the same seed): region (the province, codes 0-30 in
    :func:`sim.geography.provinces` order, by default), county, birth_day, sex, occupation,
    ethnicity, marital, education, trail, conditions, attitude, base_trust, u_link (the
    resident's fixed uniform for probabilistic linkage), urban, has_phone (uses a smartphone,
    so can show a code or hold records on the device), insured (enrolled in basic medical
    insurance), pays_online, insurance_code (uses the insurance e-voucher) and the per-QI
    log-probabilities ``logp``. ``region_weight`` is each region's share of the represented
    population.

    Dynamic attributes (policy-dependent): participating, shared_fields, withholding,
    exposed_fields, notified, trust shocks.
    """

    n: int
    region: np.ndarray
    county: np.ndarray
    birth_day: np.ndarray
    birth_year: np.ndarray
    sex: np.ndarray
    occupation: np.ndarray
    ethnicity: np.ndarray
    marital: np.ndarray
    education: np.ndarray
    trail: np.ndarray
    conditions: dict[str, np.ndarray]
    attitude: np.ndarray
    base_trust: np.ndarray
    u_link: np.ndarray
    logp: dict[str, np.ndarray]
    age_years: np.ndarray
    care_propensity: np.ndarray
    episode_day: dict[str, np.ndarray]
    urban: np.ndarray
    has_phone: np.ndarray
    insured: np.ndarray
    pays_online: np.ndarray
    insurance_code: np.ndarray
    region_weight: np.ndarray
    # dynamic state
    participating: np.ndarray | None = None
    shared_fields: np.ndarray | None = None
    withholding: np.ndarray | None = None
    exposed_fields: np.ndarray | None = None
    notified: np.ndarray | None = None
    shock: np.ndarray | None = None
    shock_day: np.ndarray | None = None
    ever_exposed_day: np.ndarray | None = None

    @classmethod
    def generate(cls, p: Mapping[str, Any], rng: np.random.Generator) -> Population:
        """Draw a population from the parameters.

        Args:
            p: validated parameters (``n_residents``, ``n_regions``, ``counties_per_region``,
                ``real_population``, attitude shares and trusts, prevalences).
            rng: the ``population`` stream.
        """
        n = int(p["n_residents"])
        n_regions = int(p["n_regions"])
        cpr = int(p["counties_per_region"])
        real = float(p["real_population"])

        # geography: China's 31 provinces with the 2020 census weights (``n_regions`` = 31),
        # or generic regions of log-normal size (sigma 0.5); counties within a region of
        # log-normally varying size (sigma 1.0, the heterogeneity calibration.md §1.5 tests)
        china = geography.is_china(p)
        if china:
            prov = geography.provinces()
            w_region = prov.weights
            age_table = prov.age_weights()
        else:
            w_region = rng.lognormal(0.0, 0.5, n_regions)
            w_region /= w_region.sum()
            age_table = np.broadcast_to(geography.age_weights(), (n_regions, MAX_AGE_YEARS))
        w_county = rng.lognormal(0.0, 1.0, (n_regions, cpr))
        w_county /= w_county.sum(axis=1, keepdims=True)
        w_county_abs = (w_county * w_region[:, None]).ravel()
        county = _draw(rng, w_county_abs, n).astype(np.int32)
        region = (county // cpr).astype(np.int16)

        # ages by the census structure of the resident's province (national where the
        # census reprints stop); the day of birth uniform within the year
        u_age = rng.random(n)
        age_years = np.empty(n, dtype=np.int16)
        cum_age = np.cumsum(age_table, axis=1)
        for r in range(n_regions):
            rows = np.flatnonzero(region == r)
            age_years[rows] = np.searchsorted(cum_age[r] / cum_age[r, -1], u_age[rows],
                                              side="right").clip(0, MAX_AGE_YEARS - 1)
        birth_year = (MAX_AGE_YEARS - 1 - age_years).astype(np.int16)
        birth_day = (birth_year.astype(np.int32) * DAYS_PER_YEAR
                     + rng.integers(0, DAYS_PER_YEAR, n)).astype(np.int32)
        urban = rng.random(n) < geography.urban_share()
        has_phone = rng.random(n) < geography.phone_probability(age_years, urban, p)
        sex = rng.integers(0, 2, n).astype(np.int8)
        occupation = _draw(rng, _OCCUPATION, n).astype(np.int8)
        ethnicity = _draw(rng, _ETHNICITY, n).astype(np.int8)
        education = _draw(rng, _EDUCATION, n).astype(np.int8)
        band = np.searchsorted(_AGE_BAND_EDGES, age_years, side="right")
        cum = np.cumsum(_MARITAL_BY_AGE, axis=1)[band]
        marital = (rng.random(n)[:, None] > cum).sum(axis=1).clip(0, 3).astype(np.int8)
        # health-code trail: 4+ location points make 95% unique (de Montjoye 2013):
        # uniform over d cells with exp(-N/d) = 0.95 in the represented population.
        trail_cells = real / -np.log(0.95)
        trail = rng.integers(0, np.iinfo(np.int64).max, n, dtype=np.int64)

        conditions = {
            "chronic": rng.random(n)
            < p["prevalence_chronic"] * np.clip(age_years / 40.0, 0.1, 2.0),
            "surgery": rng.random(n) < p["prevalence_surgery"],
            "mental": rng.random(n) < p["prevalence_mental"],
            "infectious": rng.random(n) < p["prevalence_infectious"],
            "reproductive": (sex == 1) & (age_years >= 15) & (age_years < 50)
            & (rng.random(n) < p["prevalence_reproductive"]),
            "genetic": rng.random(n) < p["prevalence_genetic"],
        }
        assert set(conditions) == set(CONDITIONS)

        share_c = p["share_concerned"]
        share_u = p["share_unconcerned"]
        u = rng.random(n)
        attitude = np.where(u < share_c, Attitude.CONCERNED,
                            np.where(u < share_c + share_u, Attitude.UNCONCERNED,
                                     Attitude.PRAGMATIC)).astype(np.int8)
        trust_by = np.array([p["trust_concerned"], p["trust_pragmatic"], p["trust_unconcerned"]])
        base_trust = np.clip(trust_by[attitude] + rng.normal(0.0, 0.05, n), 0.0, 1.0)
        u_link = rng.random(n)
        # propensity to use care, mean 1: Gamma(shape, 1/shape) (drawn last: the draws
        # above do not depend on it)
        k = float(p["care_propensity_shape"])
        care_propensity = rng.gamma(k, 1.0 / k, n) if k > 0 else np.ones(n)
        # when each one-off episode (an operation, a mental-health or infectious-disease
        # episode, a pregnancy) was last recorded: a uniform point of the resident's life,
        # as a day relative to day 0 (negative: in the past)
        episode_day = {
            c: -np.ceil(rng.random(n) * np.maximum(age_years, 1) * DAYS_PER_YEAR
                        ).astype(np.int32)
            for c in EPISODIC_CONDITIONS
        }

        # who an insurer or the payment platform can hold at all (drawn last): enrolment in
        # basic medical insurance; online payment among smartphone users; the insurance code
        # (e-voucher) is used by enrolled smartphone users (NHSA: >75% of the insured)
        insured = rng.random(n) < p["insurance_enrolment"]
        pays_online = has_phone & (rng.random(n) < p["online_payment_share"])
        insurance_code = insured & has_phone

        # log-probabilities of each resident's QI values in the represented population (the
        # national age structure: a birth date's class counts people from every province)
        w_age = (age_table * w_region[:, None]).sum(axis=0)
        w_age /= w_age.sum()
        logp = {
            "birth_date": np.log(w_age[age_years] / DAYS_PER_YEAR),
            "birth_year": np.log(w_age[age_years]),
            "sex": np.full(n, np.log(0.5)),
            "county": np.log(w_county_abs[county]),
            "region": np.log(w_region[region]),
            "occupation": np.log(_OCCUPATION[occupation]),
            "ethnicity": np.log(_ETHNICITY[ethnicity]),
            "marital_status": np.log(_MARITAL_BY_AGE[band, marital]),  # given age
            "marital_marginal": np.log(_marital_marginal()[marital]),
            "education": np.log(_EDUCATION[education]),
            "location_trail": np.full(n, -np.log(trail_cells)),
        }
        # one (residents × quasi-identifiers) table, row-major (a leak reads whole rows:
        # sim.world.risk.QuasiIdentifierModel), each name a view of its column
        table = np.empty((n, len(logp)))
        for j, v in enumerate(logp.values()):
            table[:, j] = v
        logp = {k: table[:, j] for j, k in enumerate(logp)}
        return cls(
            n=n, region=region, county=county, birth_day=birth_day, birth_year=birth_year,
            sex=sex, occupation=occupation, ethnicity=ethnicity, marital=marital,
            education=education, trail=trail, conditions=conditions, attitude=attitude,
            base_trust=base_trust, u_link=u_link, logp=logp, age_years=age_years,
            care_propensity=care_propensity, episode_day=episode_day, urban=urban,
            has_phone=has_phone, insured=insured, pays_online=pays_online,
            insurance_code=insurance_code, region_weight=np.asarray(w_region, dtype=float),
        )

    def init_state(self) -> None:
        """Allocate the dynamic, policy-dependent columns."""
        n = self.n
        self.participating = np.ones(n, dtype=bool)
        self.shared_fields = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
        self.withholding = np.zeros(n, dtype=bool)
        self.exposed_fields = np.zeros(n, dtype=np.int64)
        self.notified = np.zeros(n, dtype=bool)
        self.shock = np.zeros(n, dtype=np.float32)
        self.shock_day = np.zeros(n, dtype=np.int32)
        self.ever_exposed_day = np.full(n, -1, dtype=np.int32)

    def nbytes(self) -> int:
        """Return the memory held by the population's arrays (bytes)."""
        total = 0
        for v in vars(self).values():
            if isinstance(v, np.ndarray):
                total += v.nbytes
            elif isinstance(v, dict):
                total += sum(a.nbytes for a in v.values())
        return total


def _draw(rng: np.random.Generator, weights: np.ndarray, n: int) -> np.ndarray:
    """Draw ``n`` category indices with the given weights (inverse-CDF, O(n log k))."""
    cum = np.cumsum(weights)
    cum /= cum[-1]
    return np.searchsorted(cum, rng.random(n), side="right").clip(0, len(weights) - 1)


def _marital_marginal() -> np.ndarray:
    ages = np.arange(MAX_AGE_YEARS)
    band = np.searchsorted(_AGE_BAND_EDGES, ages, side="right")
    return _MARITAL_BY_AGE[band].mean(axis=0)
