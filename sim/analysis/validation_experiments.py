"""Validation experiments: the scenarios the validation targets read, and their probes.

An :class:`Experiment` is replications of one scenario (on common seeds) whose runs several
targets in :mod:`sim.analysis.validation` read; its probe runs the model and returns what those
targets need (breach counts and sizes, participation paths, insider incidents, ...).
:func:`run_experiments` runs a set of them in parallel. The deterrence experiments are the
grid ``_DETERRENCE`` (enforcement probability, penalty) on the status quo; ``holdout`` is the
status quo with breach generation refitted on OCR 2019-21 only
(:func:`sim.analysis.calibration.holdout_fit`, computed once in the parent).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..experiments.experiment import _progress, replication_seed
from .calibration import OCR_THRESHOLD

__all__ = ["EXPERIMENTS", "Experiment", "probe_insiders", "probe_participation", "probe_plan",
           "probe_shock", "probe_status_quo", "run_experiments"]


def _ocr_rows(m) -> pd.DataFrame:
    t = m.ledger.incident_table()
    return t[(t["records_real"] >= OCR_THRESHOLD) & ~t["blocked"]
             & (t["kind"] != "function_creep")]


def probe_status_quo(m) -> dict[str, Any]:
    """Run; collect breach, incident, disclosure and detection statistics."""
    m.run()
    t = m.ledger.incident_table()
    big = _ocr_rows(m)
    years = m.n_days / 365.0
    per_m_year = 1.0 / (m.real_millions * years)
    out: dict[str, Any] = {"per_m_year": per_m_year}
    for cause in ("hacking", "unauthorized_access", "theft_loss"):
        g = big[big["cause"] == cause]
        out[f"n_{cause}"] = len(g)
        out[f"rec_{cause}"] = float(g["records_real"].sum())
    hack = big[big["cause"] == "hacking"]["records_real"].to_numpy()
    out["hack_log10"] = np.log10(hack) if len(hack) else np.zeros(0)
    out["all_log10"] = np.log10(big["records_real"].to_numpy()) if len(big) else np.zeros(0)
    out["n_over_1m"] = int((big["records_real"] >= 1e6).sum())
    out["n_over_10m"] = int((big["records_real"] >= 1e7).sum())
    inside = t["kind"].isin(["insider_snoop", "insider_sale"]).sum()
    outside = t["kind"].isin(["exfiltration", "ransomware", "shock"]).sum()
    out["internal_share"] = inside / max(inside + outside, 1)
    out["withholding"] = float(m.pop.withholding.mean())
    # residents exposed in the first half of the run have had time to be told
    exposed = (m.pop.ever_exposed_day >= 0) & (m.pop.ever_exposed_day < m.n_days // 2)
    out["notified_share"] = (float(m.pop.notified[exposed].mean()) if exposed.any()
                             else math.nan)
    tot = m.totals
    out["ed_gap"] = tot["emergency_gaps"] / max(tot["emergencies"], 1.0)
    out["mean_trust"] = float(m.behaviour.trust().mean())
    # Chinese checks: hospital staff's sales of 500+ records (the criminal threshold for
    # health information), hospital insider incidents as large as a leaked visitor list,
    # and offenders sanctioned a year
    hosp = t["institution_kind"].isin(["tertiary_hospital", "secondary_hospital"]) & ~t["blocked"]
    sale = t[hosp & (t["kind"] == "insider_sale") & (t["records_real"] >= OCR_THRESHOLD)]
    out["hospital_sales"] = sale["records_real"].to_numpy()
    out["hospital_insider_6000"] = int((hosp & t["kind"].isin(["insider_snoop", "insider_sale"])
                                        & (t["records_real"] >= 6000)).sum() / years)
    out["sanctioned_per_year"] = float(t["sanctioned"].sum()) / years
    return out


def probe_plan(m) -> dict[str, Any]:
    """Run; clinical access statistics and trust under a design."""
    m.run()
    tot = m.totals
    t = m.ledger.incident_table()
    creep = t[(t["kind"] == "function_creep") & ~t["blocked"]]["records_real"].to_numpy()
    return {"ed_lookup": tot["emergency_lookups"] / max(tot["emergencies"], 1.0),
            "creep_sizes": creep,
            "lookup_given_available": tot["shared_lookups"] / max(tot["shared_available"], 1),
            "mean_trust": float(m.behaviour.trust().mean()),
            "withholding": float(m.pop.withholding.mean())}


def probe_participation(m) -> dict[str, Any]:
    """Run; the participation path and who refuses at the end."""
    m.run()
    part = m.series["participation_rate"][: m.day]
    pop = m.pop
    out_ = ~pop.participating
    adult = pop.age_years >= 20
    women, men = (pop.sex == 1) & adult, (pop.sex == 0) & adult
    mid = (pop.age_years >= 20) & (pop.age_years < 50)
    # willing participants who changed the default to hide sensitive fields (granular):
    # residents who refuse hide more than that, the analogue of opting out
    all_fields = np.iinfo(np.int64).max
    fine_tuned = pop.shared_fields == (all_fields & ~np.int64(m.policy.sensitive_clinical))
    return {"path": part, "final": float(part[-1]),
            "last_quarter_monthly_change": float(abs(part[-1] - part[-91]) / 3.0),
            "women_over_men": float(out_[women].mean() / max(out_[men].mean(), 1e-9)),
            "age_20_49_over_all": float(out_[mid].mean() / max(out_.mean(), 1e-9)),
            "restricted_share": float(fine_tuned[pop.participating].mean())}


def probe_shock(m) -> dict[str, Any]:
    """Run day by day; who refuses in the 90 days after the shock breach."""
    shock = int(m.p["shock_day"])
    before = after_month = None
    while m.running:
        if m.day == shock:
            before = m.pop.participating.copy()
        if m.day == shock + 30:
            after_month = m.pop.participating.copy()
        m.step()
    part = m.series["participation_rate"][: m.day]
    notified = m.pop.notified
    left = before & ~m.pop.participating
    drops = -np.diff(part[shock - 1: shock + 30])
    return {"path": part,
            "notified_left": float(left[notified].mean()) if notified.any() else math.nan,
            "others_left_month": float((before & ~after_month)[~notified].mean()),
            "month_drop": float(part[shock - 1] - part[shock + 29]),
            "max_day_share": float(drops.max() / max(drops.sum(), 1e-9))}


def probe_insiders(m) -> dict[str, Any]:
    """Run; insider incidents."""
    m.run()
    return {"insider": float(m.ledger.n_insider)}


@dataclass(frozen=True)
class Experiment:
    """Replications of one scenario whose runs several targets read.

    Attributes:
        name: key.
        scenario: bundled name or path.
        overrides: parameter values on top, or a function returning them (called once,
            in the parent, when the experiment runs: the hold-out fit).
        reps: replications (full report); ``quick_reps`` for the fast subset.
        probe: ``model -> dict``: runs the model and returns what the targets need.
    """

    name: str
    scenario: str
    overrides: Mapping[str, Any] | Callable[[], Mapping[str, Any]]
    reps: int
    quick_reps: int
    probe: Callable[[Any], dict[str, Any]]


def _holdout_overrides() -> dict[str, float]:
    from .calibration import holdout_fit

    return holdout_fit()


_DETERRENCE = {"enforcement_probability": (0.05, 0.1, 0.2, 0.4), "penalty_yuan": (1e6,)}


def _experiments() -> dict[str, Experiment]:
    ex = [
        Experiment("status_quo", "status_quo", {}, 8, 2, probe_status_quo),
        # breach generation refitted on OCR 2019-21 only (calibration.holdout_fit)
        Experiment("holdout", "status_quo", _holdout_overrides, 8, 2, probe_status_quo),
        Experiment("plan", "national_plan_2025", {}, 4, 1, probe_plan),
        Experiment("plan_opt_out", "national_plan_2025", {"consent_model": "opt_out"}, 4, 2,
                   probe_participation),
        Experiment("plan_opt_in", "national_plan_2025", {"consent_model": "opt_in"}, 4, 1,
                   probe_participation),
        Experiment("plan_granular", "national_plan_2025", {"consent_model": "granular"}, 2, 1,
                   probe_participation),
        Experiment("shock_opt_out", "breach_shock", {"consent_model": "opt_out",
                                                     "n_days": 200}, 4, 1, probe_shock),
    ]
    for name, values in _DETERRENCE.items():
        for v in values:
            ex.append(Experiment(f"deter_{name}_{v:g}", "status_quo",
                                 {name: v, "n_residents": 3000}, 4, 2, probe_insiders))
    return {e.name: e for e in ex}


EXPERIMENTS: dict[str, Experiment] = _experiments()


def _run_probe(scenario: str, overrides: Mapping[str, Any], seed: int, probe) -> dict:
    from ..world.model import HealthDataModel

    return probe(HealthDataModel(scenario, seed=seed, **dict(overrides)))


def run_experiments(names: Sequence[str], *, quick: bool = False, seed: int = 0,
                    residents: int | None = None, engine: str = "processes",
                    progress: bool = False) -> dict[str, list[dict[str, Any]]]:
    """Run the named experiments; return each one's probe outputs, one per replication."""
    from ..experiments.engines import executor

    jobs = []
    for name in names:
        e = EXPERIMENTS[name]
        ov = dict(e.overrides() if callable(e.overrides) else e.overrides)
        if residents is not None and "n_residents" not in ov:
            ov["n_residents"] = residents
        jobs += [(name, r, e.scenario, ov, replication_seed(seed, r), e.probe)
                 for r in range(e.quick_reps if quick else e.reps)]
    out: dict[str, list] = {n: [] for n in names}
    with executor(engine) as ex:
        futs = [(name, r, ex.submit(_run_probe, scen, ov, s, probe))
                for name, r, scen, ov, s, probe in jobs]
        got = {(name, r): f.result()
               for name, r, f in _progress(futs, progress, "validation runs")}
    for (name, _rep), value in sorted(got.items(), key=lambda kv: kv[0]):
        out[name].append(value)
    return out
