"""Calibration of incident generation to the U.S. breach portal (HHS OCR, 2019-2023).

The OCR portal lists every breach of 500 or more people's records reported by U.S. health
providers, plans and their business associates (calibration.md §2.1-2.2; a copy of the
2019-2023 rows ships in ``sim/data``). The model generates incidents of every size; its
incidents of 500+ real records are what the portal would have listed. This module

* reads the portal and derives the calibration targets: for each cause (hacking,
  unauthorized access or disclosure, theft / loss / disposal) the rate of 500+ breaches per
  million residents a year, its share of breaches and of records, and the log10 size
  distribution (:func:`ocr_targets`);
* estimates how strongly an opportunistic attacker's finds favour institutions that hold
  more records (``attack_surface_exponent``) from how rarely the six largest U.S. insurers
  appear among the hacking rows (:func:`estimate_attack_surface_exponent`);
* fits the size of what is taken given what is held (``breach_size_log10_mean``,
  ``breach_size_exponent``, ``breach_size_log10_sd``) to the hacking rows' size
  distribution, from the status quo's institutions at day 0 (:func:`fit_external_shape`);
* fits the sizes of insider sales and of losses to their rows (a log-normal whose part
  above 500 matches the portal's mean, :func:`fit_truncated_lognormal`);
* rescales the three rates by simulation until the status quo produces the portal's rates
  per million (:func:`calibrate_rates`).

``scripts/calibrate.py`` runs all of it and prints the defaults declared in
:mod:`sim.params`; ``python -m sim validate-model`` checks the declared defaults against the
same targets. The status quo is the calibration world because it resembles the U.S. one the
portal describes (institutions keep their own records; payers hold claims); the plan's
national stores are then the model's prediction, not a fit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats
from scipy.special import ndtr

__all__ = [
    "HOLDOUT_FIT_YEARS",
    "HOLDOUT_TEST_YEARS",
    "OCR_THRESHOLD",
    "US_POPULATION",
    "CauseTarget",
    "VictimTable",
    "calibrate_rates",
    "estimate_attack_surface_exponent",
    "external_size_distribution",
    "fit_external_shape",
    "fit_truncated_lognormal",
    "holdout_fit",
    "large_holder_share",
    "load_ocr",
    "observed_interval",
    "ocr_rows",
    "ocr_targets",
    "victim_table",
]

OCR_THRESHOLD = 500  # the portal lists breaches of 500 or more people's records
#: U.S. resident population over 2019-2023 (Census: 331.4 M in 2020, 334.9 M in 2023)
US_POPULATION = 332e6
OCR_YEARS = (2019, 2023)
#: the portal's breach types grouped as the model's causes
OCR_CAUSES = {
    "Hacking/IT Incident": "hacking",
    "Unauthorized Access/Disclosure": "unauthorized_access",
    "Theft": "theft_loss",
    "Loss": "theft_loss",
    "Improper Disposal": "theft_loss",
}
CAUSES = ("hacking", "unauthorized_access", "theft_loss")
#: the hold-out by time: breach generation refitted on these years ...
HOLDOUT_FIT_YEARS = (2019, 2021)
#: ... and checked against these (sim.analysis.validation)
HOLDOUT_TEST_YEARS = (2022, 2023)


@cache
def load_ocr() -> pd.DataFrame:
    """The OCR breach portal, 2019-2023 (3,354 breaches of 500+ records).

    Returns:
        Columns ``date, year, ce`` (entity type), ``type`` (breach type), ``n`` (people
        affected), ``ba`` (business associate involved), and ``cause`` (the model's
        grouping, :data:`OCR_CAUSES`).
    """
    path = resources.files("sim") / "data" / "ocr_breaches_2019_2023.csv"
    with resources.as_file(path) as p:
        df = pd.read_csv(p)
    df["cause"] = df["type"].map(OCR_CAUSES).fillna("other")
    return df


@dataclass(frozen=True)
class CauseTarget:
    """OCR targets for one cause (or all causes): breaches of 500+ records.

    Attributes:
        cause: ``hacking``, ``unauthorized_access``, ``theft_loss`` or ``all``.
        per_million_year: breaches per million residents per year.
        count_share: share of all 500+ breaches.
        record_share: share of all records in 500+ breaches.
        log10_mean: mean of log10(records).
        log10_sd: standard deviation of log10(records).
        quantiles: log10(records) at probabilities 0.05, 0.1, ..., 0.95.
        over_1m_per_million_year: breaches of a million records or more, per million a year.
        over_10m_per_million_year: of ten million or more.
    """

    cause: str
    per_million_year: float
    count_share: float
    record_share: float
    log10_mean: float
    log10_sd: float
    quantiles: tuple[float, ...]
    over_1m_per_million_year: float
    over_10m_per_million_year: float


QUANTILE_LEVELS = tuple(np.round(np.arange(0.05, 0.96, 0.05), 2))


def ocr_rows(years: tuple[int, int] | None = None) -> pd.DataFrame:
    """The portal's rows, all of 2019-2023 or those of ``years`` (first, last; inclusive)."""
    df = load_ocr()
    if years is None:
        return df
    return df[(df["year"] >= years[0]) & (df["year"] <= years[1])]


def ocr_targets(years: tuple[int, int] | None = None) -> dict[str, CauseTarget]:
    """Calibration targets per cause and for all causes together (see :class:`CauseTarget`).

    Args:
        years: (first, last) to use only those years' rows (the hold-out by time,
            :func:`holdout_fit`); default all of 2019-2023.
    """
    df = ocr_rows(years)
    first, last = years or OCR_YEARS
    years = last - first + 1
    per_m_year = 1.0 / (US_POPULATION / 1e6 * years)
    total_n, total_rec = len(df), float(df["n"].sum())
    out = {}
    for cause in (*CAUSES, "all"):
        g = df if cause == "all" else df[df["cause"] == cause]
        x = np.log10(g["n"].to_numpy(dtype=float))
        out[cause] = CauseTarget(
            cause=cause, per_million_year=len(g) * per_m_year,
            count_share=len(g) / total_n, record_share=float(g["n"].sum()) / total_rec,
            log10_mean=float(x.mean()), log10_sd=float(x.std(ddof=1)),
            quantiles=tuple(float(q) for q in np.quantile(x, QUANTILE_LEVELS)),
            over_1m_per_million_year=float((g["n"] >= 1e6).sum()) * per_m_year,
            over_10m_per_million_year=float((g["n"] >= 1e7).sum()) * per_m_year)
    return out


# ------------------------------------------------------------------ attack surface
#: the largest U.S. health insurers and their members (millions, ~2023; company reports,
#: not verified here) and the name patterns of their rows in the portal
LARGE_HOLDERS = {
    "Anthem|Elevance": 47.0, "UnitedHealth|United Healthcare|Optum": 50.0,
    "Aetna|CVS": 26.0, "Centene|Health Net": 28.0, "Humana": 17.0, "Kaiser": 12.6,
}
#: the rest of the U.S. holders, as (number, records each): hospitals (AHA ~6,100), other
#: health plans, physician practices; orders of magnitude (assumption)
OTHER_US_HOLDERS = ((6_100, 2e5), (900, 3e5), (200_000, 2e3))


def large_holder_share(years: tuple[int, int] | None = None) -> float:
    """Share of the portal's hacking breaches (2019-23) at the six largest U.S. insurers."""
    df = ocr_rows(years)
    hack = df[df["cause"] == "hacking"]
    pattern = "|".join(LARGE_HOLDERS)
    return float(hack["name"].str.contains(pattern, case=False, na=False).mean())


def estimate_attack_surface_exponent(years: tuple[int, int] | None = None) -> float:
    """The attack surface exponent ``a`` implied by how often the largest holders are hit.

    If attackers find holders in proportion to records^a, the six largest U.S. insurers
    (≈180 M members between them) draw Σ_large H^a / Σ_all H^a of the hacking breaches;
    with the rest of the U.S. holders in :data:`OTHER_US_HOLDERS`, solve for the ``a`` that
    gives the portal's share (:func:`large_holder_share`, ≈2%). With a = 1 they would draw
    about one breach in eleven; the portal shows about one in fifty, so attack surface grows
    clearly less than in proportion to records held.
    """
    observed = large_holder_share(years)
    large = np.array(list(LARGE_HOLDERS.values())) * 1e6

    def share(a: float) -> float:
        big = float((large ** a).sum())
        rest = sum(n * h ** a for n, h in OTHER_US_HOLDERS)
        return big / (big + rest)

    return float(optimize.brentq(lambda a: share(a) - observed, 0.0, 1.0))


# ------------------------------------------------------------------ size distributions
def fit_truncated_lognormal(log10_sizes: np.ndarray, *, threshold: float = OCR_THRESHOLD,
                            sd: float) -> float:
    """Median (log10) of a log-normal whose part above ``threshold`` fits the data.

    The portal sees only breaches of 500+, so the spread below 500 is not identified; the
    spread ``sd`` is fixed (from the range of the portal's own log10 spreads, 0.6-0.9) and
    the median fitted by maximum likelihood of the truncated normal in log10.

    Args:
        log10_sizes: log10 sizes of the observed (500+) breaches.
        threshold: the reporting threshold (records).
        sd: the log10 standard deviation to assume.

    Returns:
        The fitted log10 median.
    """
    x = np.asarray(log10_sizes, dtype=float)
    t = math.log10(threshold)

    def nll(mu: float) -> float:
        return -float((stats.norm.logpdf(x, mu, sd) - stats.norm.logsf(t, mu, sd)).sum())

    res = optimize.minimize_scalar(nll, bounds=(t - 4 * sd, float(x.max())), method="bounded")
    return float(res.x)


@dataclass(frozen=True)
class VictimTable:
    """What opportunistic attackers can find: one row per institution node.

    Attributes:
        label: node labels.
        represents: real institutions per node.
        holdings: real records one real institution of the node holds.
        success: chance an attempt succeeds (skill × (1 - security)).
        value_per_record: bulk value of one of its records (yuan).
        targeted_best: index of the node targeted groups pick (the most valuable).
    """

    label: tuple[str, ...]
    represents: np.ndarray
    holdings: np.ndarray
    success: np.ndarray
    value_per_record: np.ndarray
    targeted_best: int


def victim_table(model: Any) -> VictimTable:
    """The attack surface of a model at its current day (usually day 0 of the status quo)."""
    t = model.threats.targets
    held = t.records_real > 0
    idx = np.flatnonzero(held)
    skill = float(model.p["attacker_skill"])
    sec = np.array([model.institution_list[i].security for i in idx])
    value = t.haul_value(True)[idx]
    return VictimTable(label=tuple(model.institution_list[i].label for i in idx),
                       represents=t.represents[idx].copy(),
                       holdings=t.records_real[idx].copy(), success=skill * (1.0 - sec),
                       value_per_record=t.value_per_record[idx].copy(),
                       targeted_best=int(np.argmax(value)))


def external_size_distribution(v: VictimTable, *, attack_surface_exponent: float,
                               log10_mean: float, exponent: float, log10_sd: float,
                               institution_size_log10_sd: float, targeted_per_year: float,
                               grid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Successful external breaches per attempt, at least as large as each ``grid`` size.

    Args:
        v: the victims.
        attack_surface_exponent: ``a`` in weight ∝ represents × holdings^a.
        log10_mean: median size taken from a holder of 100,000 records (log10).
        exponent: how size grows with holdings (see
            :meth:`sim.world.threats.Threats.breach_fractions`).
        log10_sd: spread of sizes at a given holder (log10).
        institution_size_log10_sd: spread of real institutions' sizes within a node (the
            victim's size is size-biased, :meth:`sim.world.threats.TargetTable.victim_scales`).
        targeted_per_year: targeted attempts a year (all on ``v.targeted_best``).
        grid: log10 sizes.

    Returns:
        ``(per_opportunistic_attempt, targeted_per_year)``: for each grid value, the expected
        successful breaches of at least that size per opportunistic attempt, and per year
        from the targeted groups.
    """
    from ..world.threats import attack_surface_weights, breach_size_log10_median

    a = attack_surface_exponent
    sd_ln = institution_size_log10_sd * math.log(10.0)
    multi = v.represents > 1
    w = attack_surface_weights(v.represents, v.holdings, a, institution_size_log10_sd)
    w = w / w.sum()
    # the victim's log10 size: node average + (a - 1/2)σ²/ln10 + sd·z, z over quadrature nodes
    z, zw = np.polynomial.hermite_e.hermegauss(24)
    zw = zw / zw.sum()
    shift = (a - 0.5) * sd_ln * sd_ln / math.log(10.0)
    h0 = np.log10(np.maximum(v.holdings, 1.0))
    sf = np.zeros((len(h0), len(grid)))
    for zi, wi in zip(z, zw, strict=True):
        h = np.where(multi, h0 + shift + institution_size_log10_sd * zi, h0)
        med = breach_size_log10_median(log10_mean, exponent, h)
        # P(size >= 10^g) for a victim holding 10^h: 0 above the holdings, else the normal
        # tail (sizes above the holdings are capped at it, so count as >= any g <= h)
        sf += wi * np.where(grid[None, :] <= h[:, None],
                            1.0 - ndtr((grid[None, :] - med[:, None]) / max(log10_sd, 1e-9)),
                            0.0)
    per_attempt = (w * v.success) @ sf
    b = v.targeted_best
    targeted = targeted_per_year * v.success[b] * sf[b]
    return per_attempt, targeted


def fit_external_shape(v: VictimTable, target: CauseTarget, *, targeted_per_year: float,
                       real_millions: float, institution_size_log10_sd: float,
                       attack_surface_exponent: float | None = None,
                       start: Mapping[str, float] | None = None) -> dict[str, float]:
    """Fit the shape of external breach generation to the portal's hacking rows.

    Minimises the squared distance between the model's and the portal's log10-size quantiles
    of breaches of 500+ (0.05 ... 0.95), plus the log-ratios of breaches of a million and ten
    million records or more a year, over ``breach_size_log10_mean``, ``breach_size_exponent``,
    ``breach_size_log10_sd`` and, unless it is given, ``attack_surface_exponent``. For each
    candidate the opportunistic attempt rate is set so that 500+ breaches match the
    portal's rate.

    The size distribution alone identifies ``attack_surface_exponent`` poorly (a world with
    few mid-size holders fits it by sending attackers to the largest ones); pass the
    estimate from :func:`estimate_attack_surface_exponent` to hold it there.

    Returns:
        The four values, ``external_attempts_per_million_per_year`` (the implied rate
        before deterrence; :func:`calibrate_rates` refines it by simulation) and ``loss``.
    """
    grid = np.linspace(math.log10(OCR_THRESHOLD), 9.5, 400)
    q_levels = np.array(QUANTILE_LEVELS)
    q_target = np.array(target.quantiles)
    rate_target = target.per_million_year * real_millions

    fixed_a = attack_surface_exponent

    def evaluate(theta):
        if fixed_a is not None:
            theta = (fixed_a, *theta)
        a, mu, e, sd = theta
        if not (0.0 <= a <= 1.0 and 0.0 <= e <= 1.0 and 0.05 <= sd <= 3.0):
            return math.inf, None
        per, tgt = external_size_distribution(
            v, attack_surface_exponent=a, log10_mean=mu, exponent=e, log10_sd=sd,
            institution_size_log10_sd=institution_size_log10_sd,
            targeted_per_year=targeted_per_year, grid=grid)
        # opportunistic attempts a year so that 500+ breaches match the portal
        opp_needed = max(rate_target - tgt[0], 1e-9)
        attempts = opp_needed / max(per[0], 1e-12)
        counts = attempts * per + tgt  # breaches >= each grid size, a year
        cdf = 1.0 - counts / counts[0]
        q_model = np.interp(q_levels, cdf, grid)
        g1m, g10m = np.interp([6.0, 7.0], grid, counts)
        loss = float(((q_model - q_target) ** 2).sum())
        for got, want in ((g1m, target.over_1m_per_million_year * real_millions),
                          (g10m, target.over_10m_per_million_year * real_millions)):
            loss += 0.5 * math.log((got + 1e-3) / (want + 1e-3)) ** 2
        return loss, attempts

    s = dict(start or {})
    x0 = [s.get("attack_surface_exponent", 0.5), s.get("breach_size_log10_mean", 3.75),
          s.get("breach_size_exponent", 0.5), s.get("breach_size_log10_sd", 0.87)]
    if fixed_a is not None:
        x0 = x0[1:]
    res = optimize.minimize(lambda th: evaluate(th)[0], x0, method="Nelder-Mead",
                            options={"xatol": 1e-4, "fatol": 1e-7, "maxiter": 4000})
    loss, attempts = evaluate(res.x)
    a, mu, e, sd = (float(x) for x in ((fixed_a, *res.x) if fixed_a is not None else res.x))
    return {"attack_surface_exponent": a, "breach_size_log10_mean": mu,
            "breach_size_exponent": e, "breach_size_log10_sd": sd,
            "external_attempts_per_million_per_year": attempts / real_millions,
            "loss": loss}


# ------------------------------------------------------------------ rates by simulation
RATE_PARAMETERS = {
    "hacking": "external_attacks_per_million_per_year",
    "unauthorized_access": "insider_acts_per_million_per_year",
    "theft_loss": "loss_theft_per_million_per_year",
}


def simulated_ocr_rates(params: Mapping[str, Any], *, seeds: range = range(4),
                        n_days: int = 365) -> dict[str, float]:
    """500+ incidents per million residents a year, by OCR cause, in runs of ``params``."""
    from ..world.model import HealthDataModel

    counts = dict.fromkeys(CAUSES, 0.0)
    millions = 0.0
    for s in seeds:
        m = HealthDataModel(dict(params), seed=s, n_days=n_days)
        m.run()
        t = m.ledger.incident_table()
        big = t[(t["records_real"] >= OCR_THRESHOLD) & ~t["blocked"]
                & (t["kind"] != "function_creep")]
        for cause in CAUSES:
            counts[cause] += float((big["cause"] == cause).sum())
        millions += m.real_millions * n_days / 365.0
    return {c: counts[c] / millions for c in CAUSES}


def calibrate_rates(params: Mapping[str, Any], *, iterations: int = 3,
                    seeds: range = range(4)) -> dict[str, float]:
    """Rescale the three incident rates until 500+ incidents match the portal's rates.

    Counts are close to proportional to the rates (opportunities are Poisson and judged one
    by one), so each iteration multiplies each rate by target / simulated.

    Args:
        params: the scenario's parameters (the status quo), with starting rates.
        iterations: rescaling rounds.
        seeds: replications per round.

    Returns:
        The three rate parameters.
    """
    targets = ocr_targets()
    p = dict(params)
    for _ in range(iterations):
        got = simulated_ocr_rates(p, seeds=seeds)
        for cause, name in RATE_PARAMETERS.items():
            if got[cause] > 0:
                p[name] = float(p[name]) * targets[cause].per_million_year / got[cause]
    return {name: float(p[name]) for name in RATE_PARAMETERS.values()}


# ------------------------------------------------------------------ hold-out by time
def _share_over(log10_median: float, log10_sd: float, threshold: float = OCR_THRESHOLD) -> float:
    """Share of a log-normal's draws at or above ``threshold``."""
    return float(stats.norm.sf(math.log10(threshold), log10_median, max(log10_sd, 1e-9)))


@cache
def holdout_fit(fit_years: tuple[int, int] = HOLDOUT_FIT_YEARS, *, seed: int = 1
                ) -> dict[str, float]:
    """Breach generation refitted on the portal's ``fit_years`` only (the hold-out by time).

    The same steps as ``scripts/calibrate.py``, on the rows of ``fit_years``: the attack
    surface exponent (:func:`estimate_attack_surface_exponent`), the external size model
    (:func:`fit_external_shape`, one start: the declared defaults), and the medians of
    insider sales and losses (:func:`fit_truncated_lognormal`, spreads held). The three rates
    are rescaled from the declared defaults as one step of :func:`calibrate_rates` does
    (counts are proportional to rates), analytically instead of by simulation: each by its
    cause's 500+ rate in ``fit_years`` over 2019-23, and by how the refitted sizes change the
    share of incidents reaching 500 records (for external attempts, the attempts the size
    model implies for the fit years over those the declared defaults imply for 2019-23).

    Returns:
        Parameter overrides: a status quo run with them is the model fitted on ``fit_years``
        (:mod:`sim.analysis.validation` checks it against the following years).
    """
    from ..params import defaults
    from ..world.attackers import ExternalGroup
    from ..world.model import HealthDataModel

    params = defaults()
    full, part = ocr_targets(), ocr_targets(fit_years)
    model = HealthDataModel(params, seed=seed)
    v = victim_table(model)
    n_targeted = sum(1 for a in model.attackers if isinstance(a, ExternalGroup) and a.targeted)
    targeted = n_targeted * float(params["targeted_attacks_per_group_per_year"])
    sd_inst = float(params["institution_size_log10_sd"])
    shape = ("attack_surface_exponent", "breach_size_log10_mean", "breach_size_exponent",
             "breach_size_log10_sd")
    a = estimate_attack_surface_exponent(fit_years)
    fit = fit_external_shape(v, part["hacking"], targeted_per_year=targeted,
                             real_millions=model.real_millions,
                             institution_size_log10_sd=sd_inst, attack_surface_exponent=a,
                             start={k: float(params[k]) for k in shape})
    # the attempts the declared shape implies for 2019-23 (the same analytic model)
    grid = np.array([math.log10(OCR_THRESHOLD)])
    per, tgt = external_size_distribution(
        v, attack_surface_exponent=float(params["attack_surface_exponent"]),
        log10_mean=float(params["breach_size_log10_mean"]),
        exponent=float(params["breach_size_exponent"]),
        log10_sd=float(params["breach_size_log10_sd"]), institution_size_log10_sd=sd_inst,
        targeted_per_year=targeted, grid=grid)
    base = (max(full["hacking"].per_million_year * model.real_millions - tgt[0], 1e-9)
            / max(per[0], 1e-12) / model.real_millions)
    out = {k: float(fit[k]) for k in shape}
    out["external_attacks_per_million_per_year"] = (
        float(params["external_attacks_per_million_per_year"])
        * fit["external_attempts_per_million_per_year"] / base)
    ocr = ocr_rows(fit_years)
    for cause, prefix, rate in (("unauthorized_access", "insider_sale",
                                 "insider_acts_per_million_per_year"),
                                ("theft_loss", "loss_theft", "loss_theft_per_million_per_year")):
        sd = float(params[f"{prefix}_log10_sd"])
        x = np.log10(ocr.loc[ocr["cause"] == cause, "n"].to_numpy(dtype=float))
        mu = fit_truncated_lognormal(x, sd=sd)
        out[f"{prefix}_log10_mean"] = mu
        out[rate] = (float(params[rate])
                     * part[cause].per_million_year / full[cause].per_million_year
                     * _share_over(float(params[f"{prefix}_log10_mean"]), sd)
                     / _share_over(mu, sd))
    return out


def observed_interval(stat, years: tuple[int, int] = HOLDOUT_TEST_YEARS, *,
                      n_boot: int = 1000, seed: int = 0, level: float = 0.95
                      ) -> tuple[float, float, float]:
    """A statistic of the portal's rows in ``years`` and its sampling interval.

    The interval is a bootstrap over calendar months (the months of ``years`` resampled
    with replacement, all of a month's rows together), so it keeps the month-to-month
    over-dispersion of breach counts (var/mean ≈4, calibration.md §2.2) that a Poisson or
    binomial interval would ignore.

    Args:
        stat: ``(sizes, causes, n_years) -> float``: the rows' sizes (people affected) and
            causes (:data:`OCR_CAUSES` groups), as arrays, and the years they cover.
        years: (first, last).
        n_boot: bootstrap resamples.
        seed: the resampling seed (fixed: the band is part of the target).
        level: coverage of the interval.

    Returns:
        ``(value, low, high)``.
    """
    df = ocr_rows(years)
    n_years = years[1] - years[0] + 1
    sizes = df["n"].to_numpy(dtype=float)
    causes = df["cause"].to_numpy(dtype=object)
    month = df["date"].str[:7].to_numpy()
    groups = [np.flatnonzero(month == m_) for m_ in np.unique(month)]
    rng = np.random.default_rng(seed)
    vals = np.empty(n_boot)
    for b in range(n_boot):
        rows = np.concatenate([groups[i] for i in rng.integers(0, len(groups), len(groups))])
        vals[b] = stat(sizes[rows], causes[rows], n_years)
    q = (1.0 - level) / 2.0
    lo, hi = np.quantile(vals, [q, 1.0 - q])
    return float(stat(sizes, causes, n_years)), float(lo), float(hi)
