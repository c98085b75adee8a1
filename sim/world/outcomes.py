"""Outcomes: declared up front with unit, direction and definition, computed from a run.

Each outcome is registered in :data:`OUTCOMES`; the run summary is one value per
registered outcome (the names of the required ones are fixed so that notebooks and tests
can rely on them). ``direction`` is ``"min"`` when lower is better and ``"max"`` when
higher is better (EMA Workbench's ``ScalarOutcome`` convention). Register a new outcome
with ``@register_outcome(...)`` on a function ``model -> float``.

Counts of simulated records are per 1,000 simulated residents, so a 10,000-resident and a
million-resident run are comparable; counts of incidents are real-world counts for the
represented population over the run.

Some outcomes are fixed by a design's own rules (participation under implied consent, the
identified share of leaks when every record carries the ID-card number). Such an outcome
declares ``pinned``: a function of the scenario's parameters that returns the reason, so
that comparison views print the reason instead of "1.000 vs 1.000". Outcomes with
``headline=False`` are computed and stored but not shown by default.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from ..registry import Registry

if TYPE_CHECKING:  # pragma: no cover
    from .model import HealthDataModel

__all__ = ["MARGIN_RELATIVE", "MARGIN_SHARE", "OUTCOMES", "Outcome", "direction_arrow",
           "register_outcome"]

#: the equivalence margin by default: a change smaller than 1% of the baseline's value is
#: no change worth a word ...
MARGIN_RELATIVE = 0.01
#: ... and for quantities on a 0-1 scale (shares, probabilities, trust) at least 0.1
#: percentage point (a trust change of +0.00015 is not "better", however sure)
MARGIN_SHARE = 0.001


_ARROWS = {"min": "↓", "max": "↑"}


def direction_arrow(direction: str, blank: str = "") -> str:
    """``"↓"`` for ``"min"`` (lower is better), ``"↑"`` for ``"max"``, else ``blank``.

    ``blank`` is what an ``"info"`` outcome (or an unknown direction) gets: ``" "`` keeps
    fixed-width console columns aligned, ``""`` suits tables.
    """
    return _ARROWS.get(direction, blank)


@dataclass(frozen=True)
class Outcome:
    """Declaration of one run-level outcome."""

    name: str
    unit: str
    direction: Literal["min", "max", "info"]
    label: str
    definition: str
    compute: Callable[[HealthDataModel], float]
    privacy: bool = False  # a privacy-risk outcome (else clinical utility / other)
    headline: bool = True  # shown in default views
    pinned: Callable[[Mapping[str, Any]], str | None] | None = None
    margin_relative: float = MARGIN_RELATIVE
    margin_absolute: float = 0.0
    #: it counts whole things (incidents, days): stored as an integer in a sweep's results
    count: bool = False
    #: the smallest value it can take (``None``: not declared; a share or a count: 0)
    low: float | None = None

    def margin(self, baseline: float) -> float:
        """The equivalence margin of a change from ``baseline``: smaller is "no clear change".

        ``max(margin_relative × |baseline|, margin_absolute)``: by default 1% of the
        baseline, and at least 0.1 percentage point for a quantity on a 0-1 scale. The one
        rule behind every "no clear change" (:func:`sim.analysis.verdicts.change_class`).
        """
        base = abs(baseline) if math.isfinite(baseline) else 0.0
        return max(self.margin_relative * base, self.margin_absolute)

    @property
    def zero_one(self) -> bool:
        """Whether the outcome is on a 0-1 scale (a share, a probability, trust)."""
        return _zero_one(self.unit)

    @property
    def bounds(self) -> tuple[float, float] | None:
        """The values the outcome can take (``None``: not declared, intervals stay as they are).

        ``(0, 1)`` for a share, a probability or trust; ``(low, inf)`` for an outcome
        declared with ``low`` (records, harm, days); ``(0, inf)`` for a count.
        """
        if self.zero_one:
            return (0.0, 1.0)
        if self.low is not None:
            return (self.low, math.inf)
        return (0.0, math.inf) if self.count else None

    @property
    def arrow(self) -> str:
        """``"↓"``, ``"↑"`` or ``""`` for this outcome's direction (see :func:`direction_arrow`)."""
        return direction_arrow(self.direction)

    def pinned_reason(self, params: Mapping[str, Any]) -> str | None:
        """Why this outcome is fixed by design under ``params`` (``None`` if it is not)."""
        return self.pinned(params) if self.pinned is not None else None


OUTCOMES: Registry[Outcome] = Registry("outcome")


def register_outcome(name: str, *, unit: str, direction: str, label: str, definition: str,
                     privacy: bool = False, headline: bool = True,
                     pinned: Callable[[Mapping[str, Any]], str | None] | None = None,
                     margin_relative: float = MARGIN_RELATIVE,
                     margin_absolute: float | None = None, count: bool = False,
                     low: float | None = None):
    """Register ``fn(model) -> float`` as an outcome.

    Args:
        name: snake_case key.
        unit: unit of the value.
        direction: ``"min"`` (lower is better), ``"max"`` or ``"info"``.
        label: short label for tables and plots.
        definition: one or two sentences for planners.
        privacy: a privacy-risk outcome (else clinical utility or other).
        headline: shown in default views.
        pinned: ``params -> reason or None``: why the value is fixed by design.
        margin_relative: the equivalence margin as a share of the baseline's value
            (:meth:`Outcome.margin`).
        margin_absolute: the smallest margin, in the outcome's unit (default: 0.1
            percentage point for a 0-1 unit, a share, a probability or trust; else 0).
        count: it counts whole things (incidents, days): a sweep stores it as an integer.
        low: the smallest value it can take (0 for a rate of things); intervals of its mean
            are cut there (:attr:`Outcome.bounds`). Shares and counts need not say.
    """
    if margin_absolute is None:
        margin_absolute = MARGIN_SHARE if _zero_one(unit) else 0.0

    def deco(fn):
        OUTCOMES.register(name)(Outcome(name, unit, direction, label, definition, fn, privacy,
                                        headline, pinned, margin_relative, margin_absolute,
                                        count, low))
        return fn

    return deco


def _zero_one(unit: str) -> bool:
    """Whether a unit is a 0-1 scale (a share, a probability, trust)."""
    return unit.startswith("share") or unit in ("probability", "0-1")


def _master_index(params: Mapping[str, Any]) -> str | None:
    if params.get("identity") == "id_card_master_index":
        return ("every record carries the ID-card number (master index): re-identification "
                "is certain by design, not measured")
    return None


def _per_1000(model, x: float) -> float:
    return 1000.0 * x / model.pop.n


def _ratio(a: float, b: float) -> float:
    return a / b if b > 0 else math.nan


def _per_leaked_record(m, total: float) -> float:
    """A ledger total per leaked (simulated) record; 0 if nothing leaked."""
    return total / m.ledger.leaked_records if m.ledger.leaked_records else 0.0


def _per_deidentified_record(m, total: float) -> float:
    """A ledger total per record leaked without a direct identifier; NaN if there was none."""
    n = m.ledger.deid_records
    return total / n if n else math.nan


@register_outcome(
    "residents_exposed_rate", unit="share of residents", direction="min", privacy=True,
    label="Residents exposed",
    definition="Share of residents with at least one sensitive field (PIPL Art. 28: clinical, "
               "financial, location) exposed in re-identifiable form to an unauthorised party "
               "(breach, insider, function creep) during the run.")
def _residents_exposed(m):
    return float(np.mean((m.pop.exposed_fields & m.sensitive_mask) != 0))


@register_outcome(
    "records_exposed", unit="records per 1,000 residents", direction="min", privacy=True, low=0.0,
    label="Records exposed",
    definition="Resident records exposed in all incidents (a resident in two incidents counts "
               "twice), re-identifiable or not, per 1,000 simulated residents.")
def _records_exposed(m):
    return _per_1000(m, m.ledger.records_exposed)


@register_outcome(
    "harm_per_1000", unit="harm points per 1,000 residents", direction="min", privacy=True, low=0.0,
    label="Harm",
    definition="Σ over residents of the sensitivity weights of the distinct fields exposed in "
               "re-identifiable form, per 1,000 residents; identifier and financial harm is "
               "reduced by notified_harm_reduction for residents who were notified.")
def _harm(m):
    return _per_1000(m, float(harm_by_resident(m).sum()))


def harm_by_resident(m) -> np.ndarray:
    """Each resident's harm: the sensitivity of their distinct exposed fields.

    Identifier and financial harm is reduced by ``notified_harm_reduction`` for residents
    who were notified.
    """
    pop = m.pop
    out = np.zeros(pop.n)
    hit = np.flatnonzero(pop.exposed_fields)
    if len(hit) == 0:
        return out
    cat = m.catalogue
    harm = cat.unpack(pop.exposed_fields[hit]) * cat.vector("sensitivity")
    mitig = cat.unpack(np.full(1, m.policy.identifiers | cat.mask(
        ["insurance_claims", "payment_transactions"]), dtype=np.int64))[0]
    harm[pop.notified[hit][:, None] & mitig[None, :]] *= 1.0 - m.p["notified_harm_reduction"]
    out[hit] = harm.sum(axis=1)
    return out


@register_outcome(
    "reidentification_risk", unit="probability", direction="min", privacy=True,
    label="Re-identification risk of pseudonymised leaks (prosecutor)", pinned=_master_index,
    definition="Over leaked records that carry no direct identifier (pseudonymised or "
               "de-identified flows): the ARX prosecutor risk (J/n, the mean of 1/class "
               "size) within the real leaked set on the quasi-identifiers the records carry, "
               "estimated per record as κ(n_real, p) for a leak of n_real records and a class "
               "of probability p. NaN when every leaked record carried a direct identifier: "
               "then re-identification is certain by design (see identified_leak_share).")
def _reid(m):
    return _per_deidentified_record(m, m.ledger.deid_prosecutor_sum)


@register_outcome(
    "marketer_risk", unit="probability", direction="min", privacy=True,
    label="Re-identification risk of pseudonymised leaks (marketer)", pinned=_master_index,
    definition="Over leaked records that carry no direct identifier: the expected share "
               "correctly matched to a person in the represented population (mean "
               "correct-match probability κ of their quasi-identifiers). NaN when every "
               "leaked record carried a direct identifier.")
def _marketer(m):
    return _per_deidentified_record(m, m.ledger.deid_marketer_sum)


@register_outcome(
    "journalist_records_at_risk", unit="share of leaked records", direction="min",
    privacy=True, label="Pseudonymised leaks above the 9% risk threshold",
    pinned=_master_index,
    definition="ARX journalist 'records at risk' with τ = 0.09 (EMA / Health Canada), over "
               "leaked records that carry no direct identifier: the share whose class in the "
               "represented population is smaller than 1/τ (expected size 1 + (N-1)p). NaN "
               "when every leaked record carried a direct identifier.")
def _journalist(m):
    return _per_deidentified_record(m, m.ledger.deid_at_risk)


@register_outcome(
    "quasi_identifier_risk", unit="probability", direction="min", privacy=True,
    label="Re-identifiability from quasi-identifiers",
    definition="Mean correct-match probability κ of all leaked records from their "
               "quasi-identifiers alone (birth date or year, sex, county or region, "
               "occupation, ethnicity, marital status, education, location trail), as if names "
               "and ID numbers were stripped: how identifying what is collected is, whatever "
               "the identity design; 0 if nothing leaked.")
def _qi_risk(m):
    return _per_leaked_record(m, m.ledger.qi_match_sum)


@register_outcome(
    "identified_leak_share", unit="share of leaked records", direction="min", privacy=True,
    label="Leaked records with direct identifiers", pinned=_master_index,
    definition="Share of leaked records that carry a direct identifier (ID number, name and "
               "phone) and so need no re-identification. Institutions' own records always "
               "do; only pseudonymised shared stores leak records without them. 0 if nothing "
               "leaked.")
def _identified_share(m):
    return _per_leaked_record(m, m.ledger.identified_records)


def _best_dossier_fields(m) -> np.ndarray:
    """Per resident, the number of catalogue fields in the most complete broker dossier."""
    best = np.zeros(m.pop.n, dtype=np.int64)
    for b in m.brokers:
        if b.dossier.any():
            np.maximum(best, _popcount(b.dossier), out=best)
    return best


@register_outcome(
    "mean_dossier_completeness", unit="share of catalogue fields", direction="min",
    privacy=True, label="Broker dossiers (mean completeness)",
    definition="Mean over residents of the share of the field catalogue in the most complete "
               "dossier any data broker has linked about them by the end of the run (0 for "
               "residents with none).")
def _mean_dossier(m):
    return float(_best_dossier_fields(m).mean()) / len(m.catalogue)


@register_outcome(
    "dossier_over_half_rate", unit="share of residents", direction="min", privacy=True,
    label="Residents with a dossier over half complete",
    definition="Share of residents about whom some data broker has linked more than half of "
               "the fields the design collects.")
def _dossier_half(m):
    collected = int(_popcount(np.array([m.policy.collected], dtype=np.int64))[0])
    return float(np.mean(_best_dossier_fields(m) > collected / 2.0)) if collected else 0.0


@register_outcome(
    "max_dossier_completeness", unit="share of catalogue fields", direction="min",
    privacy=True, label="Largest broker dossier", headline=False,
    pinned=lambda params: ("over a year some resident's dossier holds everything collected: "
                           "this is the collection scope, not a risk measure"),
    definition="Largest share of the field catalogue that any data broker has linked about "
               "any one resident by the end of the run. Over a year it reaches what the "
               "design collects; see mean_dossier_completeness for how far dossiers get.")
def _dossier(m):
    return float(_best_dossier_fields(m).max()) / len(m.catalogue)


@register_outcome(
    "breaches", count=True, unit="incidents (real-world count)", direction="min", privacy=True,
    label="External breaches",
    definition="Successful external breaches (exfiltration, ransomware, the scenario's shock) "
               "in the represented population during the run.")
def _breaches(m):
    return float(m.ledger.n_breaches)


@register_outcome(
    "insider_incidents", count=True, unit="incidents (real-world count)", direction="min",
    privacy=True,
    label="Insider incidents",
    definition="Insider snooping episodes and record sales in the represented population.")
def _insider(m):
    return float(m.ledger.n_insider)


@register_outcome(
    "loss_theft_incidents", count=True, unit="incidents (real-world count)", direction="min",
    privacy=True, label="Records lost or stolen", headline=False,
    pinned=lambda params: ("accidents happen whatever the policy; encryption at rest decides "
                           "whether a lost device exposes anyone (see records_exposed)"),
    definition="Records lost, stolen or improperly disposed of (laptops, drives, paper) in the "
               "represented population: accidents, not attacks; no lever changes how many, "
               "encryption at rest changes what they expose.")
def _loss_theft(m):
    return float(m.ledger.n_loss_theft)


@register_outcome(
    "function_creep_incidents", count=True, unit="campaigns (real-world count)", direction="min",
    privacy=True, label="Function-creep campaigns",
    definition="Beyond-purpose campaigns by secondary users (blocked ones included).")
def _creep(m):
    return float(m.ledger.n_creep)


@register_outcome(
    "detected_share", unit="share of incidents", direction="max", label="Incidents detected",
    definition="Share of all incidents detected by the end of the run (NaN if none).")
def _detected(m):
    return _ratio(m.ledger.n_detected, m.ledger.n_incidents)


@register_outcome(
    "mean_days_to_detect", unit="days", direction="min", label="Days to detect", low=0.0,
    definition="Mean days from incident to detection, over incidents detected (NaN if none).")
def _ttd(m):
    d = m.ledger.detection_delays
    return float(np.mean(d)) if d else math.nan


@register_outcome(
    "utility_rate", unit="share of needed value", direction="max", label="Clinical utility",
    definition="Clinically needed information delivered at encounters, weighted by each "
               "field's clinical value for the encounter type, over all information needed. "
               "The institution's own records are always read; a shared record only when the "
               "clinician consults it (shared_lookup_probability) and the design lets them. "
               "Records only: what patients tell in an emergency is counted in "
               "emergency_info_rate, not here.")
def _utility(m):
    t = m.totals
    return _ratio(t["value_delivered"], t["value_needed"])


@register_outcome(
    "emergency_info_rate", unit="share of needed value", direction="max",
    label="Emergency information away from home",
    definition="Clinically needed information the clinician has at emergency encounters away "
               "from the home region, weighted by clinical value, over all information "
               "needed: what records they can open deliver, plus what a conscious patient "
               "(or a relative) tells with probability patient_history_complete (their "
               "history, not results or images; nothing when incapacitated).")
def _emerg(m):
    t = m.totals
    return _ratio(t["emerg_away_delivered"], t["emerg_away_needed"])


@register_outcome(
    "adverse_events_averted", unit="events per 1,000 residents", direction="max",
    label="Adverse drug events averted",
    definition="Expected potentially harmful medication-history errors averted, relative to "
               "no electronic record at all, at chronic follow-ups and emergency visits "
               "where the medication history was at hand (locally or shared): error rate × "
               "clinically important share × (1 − reconciliation RR). The RR was measured per "
               "medication, so applying it per encounter is an upper-end estimate.")
def _ae(m):
    return _per_1000(m, m.totals["ae_averted"])


@register_outcome(
    "duplicate_tests_avoided", unit="tests per 1,000 residents", direction="max",
    label="Duplicate tests avoided",
    definition="Repeat tests or images avoided because prior results arrived from another "
               "institution and were used, counted as simulated events: at each such "
               "encounter one draw decides whether the test would have been repeated "
               "without them (repeat_test_rate) and whether it still is with them (the rate "
               "under repeat_test_odds_ratio). Its expected value follows from those two "
               "inputs: the model decides only where shared results are used.")
def _dup(m):
    return _per_1000(m, m.totals["dup_avoided"])


@register_outcome(
    "admissions_avoided", unit="admissions per 1,000 residents", direction="max",
    label="Emergency admissions avoided",
    definition="Admissions avoided at emergency visits where shared information from "
               "another institution was used, counted as simulated events: at each such "
               "visit one draw decides whether it would have ended in admission "
               "(ed_admission_rate) and whether it still does (the rate under "
               "hie_admission_odds_ratio). Its expected value follows from those two inputs: "
               "the model decides only where shared information is used.")
def _admissions(m):
    return _per_1000(m, m.totals["admissions_avoided"])


@register_outcome(
    "downtime_days", count=True, unit="institution-days (real-world)", direction="min",
    label="Downtime",
    definition="Days institutions' systems were down after ransomware, summed over the real "
               "institutions of the represented country.")
def _downtime(m):
    return float(m.threats.downtime_days)


@register_outcome(
    "shared_system_downtime_days", count=True, unit="system-days", direction="min",
    label="Shared-system downtime",
    definition="Days real shared systems (platforms, record locator, "
               "break-glass service, provincial CDCs, insurance funds, payment platform) were "
               "down after ransomware, summed over the real systems.")
def _shared_downtime(m):
    return float(m.threats.shared_downtime_days)


@register_outcome(
    "participation_rate", unit="share of residents", direction="max",
    label="Participation", pinned=lambda params: _no_way_out(params),
    definition="Share of residents whose records may be shared (consent in), averaged over "
               "the run's days.")
def _participation(m):
    days = m.series["participation_rate"][: m.day]
    return float(np.mean(days)) if len(days) else float(np.mean(m.pop.participating))


@register_outcome(
    "mean_trust", unit="0-1", direction="max", label="Trust",
    definition="Residents' mean trust in the system on the last day.")
def _trust(m):
    if m.day:
        return float(m.series["mean_trust"][m.day - 1])
    return float(np.mean(m.behaviour.trust()))


@register_outcome(
    "withholding_rate", unit="share of residents", direction="min",
    label="Withholding from clinicians",
    definition="Share of residents withholding sensitive information on the last day.")
def _withholding(m):
    return float(np.mean(m.pop.withholding))


def _no_way_out(params: Mapping[str, Any]) -> str | None:
    from .consent import CONSENT_MODELS

    note = CONSENT_MODELS[params["consent_model"]].fixed_participation
    return f"{params['consent_model'].replace('_', ' ')} consent: {note}" if note else None


def _popcount(x: np.ndarray) -> np.ndarray:
    if hasattr(np, "bitwise_count"):
        return np.bitwise_count(x.astype(np.uint64))
    v = x.astype(np.uint64)
    out = np.zeros(v.shape, dtype=np.int64)
    while v.any():
        out += (v & np.uint64(1)).astype(np.int64)
        v >>= np.uint64(1)
    return out
