"""The plausible worlds: for each declared uncertainty, the range of values it could take.

A parameter's declared bounds (:data:`sim.params.PARAMETERS`, ``low``/``high``) say what the
model *accepts*; the range here says what the world could *plausibly be*, and it is what the
robustness stage (:mod:`sim.experiments.robustness`) and the global sensitivity analysis
(``docs/uncertainty.md``) sample. Each range carries its source: a study or record that
bounds it, or ``"assumption: ..."`` with one sentence saying why the range is as wide as it
is. Where no source bounds a value, the range is wide rather than narrow: a verdict that
survives a wide range is worth more than one that survives a narrow one.

Ranges that span orders of magnitude (money, counts of pseudo-observations) are sampled on
a log scale (``scale="log"``). Parameters that are scenario devices rather than facts about
the world (the forced shock of ``breach_shock``) are listed in :data:`NOT_SAMPLED` with the
reason.

Example:
    >>> from sim.plausible import PLAUSIBLE
    >>> r = PLAUSIBLE["lifestyle_clinical_value"]
    >>> r.low < 1.0 < r.high
    True
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

import numpy as np

from .params import PARAMETERS

__all__ = ["LABELS", "NOT_SAMPLED", "PLAUSIBLE", "Plausible", "check_table", "from_unit",
           "label"]

_CAL = "calibration.md"


@dataclass(frozen=True)
class Plausible:
    """The plausible range of one uncertainty.

    Attributes:
        low: lowest plausible value (inclusive).
        high: highest plausible value (inclusive).
        source: what bounds the range (a study, a record, a fit's uncertainty), or
            ``"assumption: ..."`` with one sentence saying why the range is as wide as it is.
        scale: ``"linear"`` or ``"log"`` (sampled uniformly in log; needs ``low > 0``).
    """

    low: float
    high: float
    source: str
    scale: Literal["linear", "log"] = "linear"

    @property
    def assumption(self) -> bool:
        """Whether no source bounds the range (it is the modellers' judgement)."""
        return self.source.startswith("assumption")

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Map values in [0, 1] onto the range (uniform, or log-uniform for ``"log"``)."""
        u = np.asarray(u, dtype=float)
        if self.scale == "log":
            lo, hi = math.log(self.low), math.log(self.high)
            return np.exp(lo + u * (hi - lo))
        return self.low + u * (self.high - self.low)

    def describe(self) -> str:
        """The range as text, e.g. ``"0.5-0.95"`` or ``"100-10,000 (log)"``."""
        def f(x: float) -> str:
            return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"
        return f"{f(self.low)}-{f(self.high)}" + (" (log)" if self.scale == "log" else "")


P = Plausible

#: uncertainty -> its plausible range, in the declaration's order
PLAUSIBLE: Mapping[str, Plausible] = MappingProxyType({
    # ------------------------------------------------------------------ the decisive ones
    "attack_surface_exponent": P(
        0.5, 1.0,
        f"the point estimate 0.755 rests on an assumed table of U.S. holder sizes "
        f"(calibration.OTHER_US_HOLDERS, 'orders of magnitude'): with that table ten times "
        f"more or less fragmented the same 1.9% large-insurer share of hacking breaches gives "
        f"about 0.6-0.9; widened to 0.5 (a national store found far less often than its size "
        f"implies) and 1.0 (every record equally findable, the critics' 'risk grows in "
        f"proportion'), the model's own upper bound ({_CAL} §2.1)"),
    "lifestyle_clinical_value": P(
        0.0, 2.0,
        "assumption: no study measures what marriage, occupation, education and lifestyle "
        "fields add to a clinician's decision; the catalogue's values (sim/fields.py) are "
        "modellers' judgement, so the range runs from worthless (0) to twice that judgement"),
    "key_compromise_probability": P(
        0.3, 0.8,
        "Verizon DBIR: stolen credentials used in 37% (2020) to nearly half (2022) of "
        "breaches, weak/default/stolen credentials in 63% (2016); an intruder logged in with "
        "them, or with administrator rights on the live server where the keys sit, reads "
        "records that encryption at rest decrypts for any logged-in user. From a little "
        "under the credentials share (0.3: some stolen accounts cannot reach the records) to "
        "credentials plus exploited live applications and ransomware crews with domain "
        "rights (0.8); only off-line copies and lost media stay protected"),
    "external_detection_probability": P(
        0.2, 0.8,
        f"IBM: 33% (2023) and 42% (2024) of breaches identified by the organisation's own "
        f"teams, the rest disclosed by third parties or the attackers ({_CAL} §5.2); breaches "
        f"nobody ever finds are not counted anywhere, so from 0.2 to 0.8"),
    "emergency_incapacitated": P(
        0.1, 0.6,
        "assumption: no source gives the share of emergency patients unable to unlock a phone "
        "or consent; trauma, stroke, cardiac arrest and intoxication are a large part of "
        "emergency care, so from a tenth to more than half"),
    "patient_history_complete": P(
        0.4, 0.9,
        f"medication histories taken from patients are wrong in 27-54% of patients (Tam 2005, "
        f"{_CAL} §3), so 0.46-0.73 for the hardest item; widened down to 0.4 (an emergency "
        f"leaves less time than an admission interview) and up to 0.9 (allergies and "
        f"diagnoses are recalled better than full medicine lists)"),
    "gain_log_sd": P(
        0.75, 2.5,
        f"the elasticity it was set to reproduce (≈-0.5, Chalfin & McCrary) is itself "
        f"uncertain (-0.1 to -1 across crime studies, {_CAL} §5.1); in the model 0.5, 1.5 "
        f"and 3.0 give elasticities of -2.2, -0.57 and -0.24, so 0.75-2.5 spans about -1 to "
        f"-0.3"),
    "breach_size_exponent": P(
        0.3, 0.7,
        f"fitted jointly with the size median and spread to the OCR 2019-23 hacking quantiles "
        f"and million-record tails (sim/analysis/calibration.py): the fit is loose (the tails are "
        f"0.8-15 events a year), and mega-breaches of national stores (Anthem 79 M, Change "
        f"Healthcare 190 M, Shanghai ~1 B, {_CAL} §2.1, §2.6) argue for the upper end, so "
        f"about ±0.2 around the fitted 0.47"),
    # ------------------------------------------------------------------ population
    "share_concerned": P(
        0.1, 0.45,
        "assumption: the Westin-style ~25% is not verified and no Chinese survey measures the "
        "segment; from a tenth (Chinese respondents accept contact-tracing apps far more than "
        "Germans or Americans, attitudes.csv) to nearly half; any pair with share_unconcerned "
        "is valid (both at most 0.5)"),
    "share_unconcerned": P(
        0.05, 0.5,
        "assumption: the Westin-style ~18% is not verified; up to the declared 0.5 because "
        "almost 60% of Chinese respondents strongly accepted contact-tracing apps against "
        "fewer than 20% in Germany and the US (Kostka & Habich-Sobiegalla, attitudes.csv)"),
    "trust_concerned": P(
        0.25, 0.55,
        "assumption: no survey gives absolute trust levels (attitudes.csv: scales not "
        "given); the three attitudes' ranges meet but do not overlap, so concerned residents "
        "always start below pragmatic ones, from a quarter to just over a half"),
    "trust_pragmatic": P(
        0.55, 0.75,
        "assumption: no survey gives absolute trust levels; between the concerned and the "
        "unconcerned ranges, ±0.1 around the default"),
    "trust_unconcerned": P(
        0.75, 0.95,
        "assumption: no survey gives absolute trust levels; above the pragmatic range and "
        "short of complete trust"),
    "response_concerned": P(
        1.0, 3.0,
        "assumption: no source measures how trust responds by attitude; from no more than a "
        "pragmatic resident (1) to three times as much"),
    "response_unconcerned": P(
        0.1, 1.0,
        "assumption: no source measures how trust responds by attitude; from almost no "
        "response to as much as a pragmatic resident (1)"),
    "participation_threshold": P(
        0.15, 0.32,
        f"the range the calibration target allows: opt-out regimes settle at 2-10% refusal "
        f"({_CAL} §4.1 (i)); in four runs of 10,000 residents of the plan under opt-out, "
        f"0.15 gives 2.1% refusal and 0.32 gives 10.4% (default 0.25: 6%)"),
    "participation_slope": P(
        0.05, 0.12,
        f"calibrated with the threshold to the 2-10% opt-out refusal ({_CAL} §4.1 (i)): at "
        f"the default threshold 0.05 gives 3.3% and 0.12 gives 9.6% (four runs of 10,000, "
        f"plan under opt-out); kept inside the target since the threshold also moves it"),
    "consent_reviews_per_year": P(
        0.1, 2.0,
        f"assumption: nothing measures how often residents revisit a consent decision, only "
        f"that almost nobody changes a default (<0.1%, ADHA 2018, {_CAL} §4.1 (v)); from "
        f"once a decade to twice a year",
        scale="log"),
    "opt_in_effort": P(
        0.15, 0.7,
        f"low: below the 21% opt-in participation of the head-to-head study (de Man 2023, "
        f"{_CAL} §4.1 (ii); the model joins ≈0.74 of this share); high: China's internet "
        f"penetration, 70-73% in 2020-21 (insurance_digital.csv), as the most who could take "
        f"an online active step"),
    "withholding_rate": P(
        0.09, 0.16,
        f"HINTS: 12.3% (10.8-13.8%, Agaku 2014), a 13.57% peak in 2014 (Yang 2020) and 10.8% "
        f"of women (Ajayi 2023), {_CAL} §4.2; one U.S. survey, so widened by about a quarter "
        f"either way"),
    "withholding_control_factor": P(
        0.3, 1.0,
        f"assumption: the only measurement is an association (low perceived control raises "
        f"the odds of withholding 1.42×, Agaku 2014, {_CAL} §4.2, i.e. ≈×0.7); a say over "
        f"sharing may do more than that (0.3) or nothing for what patients tell a doctor (1)"),
    "granular_hide_share": P(
        0.0002, 0.01,
        f"<0.1% of 5.8 M My Health Record users set access controls (ADHA 2018, {_CAL} "
        f"§4.1 (v)), which the default reproduces; from a tenth of it to five times (a "
        f"system where hiding is easier or more contested than Australia's)",
        scale="log"),
    "breach_trust_drop": P(
        0.05, 0.25,
        f"the range the calibration target allows: 25% of breach victims switched provider "
        f"and 21% payer (Accenture 2017), abnormal churn 6.1% (Ponemon 2015), {_CAL} §4.2; in "
        f"four runs of breach_shock under opt-out 0.05 makes 14% and 0.25 makes 38% of "
        f"notified residents refuse within 90 days (default 0.16: 25%)"),
    "news_trust_drop": P(
        0.01, 0.15,
        "assumption: no Chinese survey measures trust before and after an incident "
        "(attitudes.csv gaps); from a drop too small to notice to three times the default, "
        "as large as a notified victim's personal shock at the low end of its range",
        scale="log"),
    "news_review_share": P(
        0.05, 0.6,
        f"the range the calibration target allows: England 2021 +2.2 pp of refusal in a month, "
        f"Austria 2018 refusals doubled in a 2-week debate ({_CAL} §4.1 (iii)); in four runs "
        f"of breach_shock under opt-out 0.05 makes 1.0% and 0.6 makes 4.8% of residents not "
        f"notified refuse in the month after (default 0.25: 2.7%)",
        scale="log"),
    "attention_half_life_days": P(
        4.0, 30.0,
        f"assumption: refusal bursts last weeks (Austria's 2-week debate, England's month, "
        f"Australia's last 3 months, {_CAL} §4.1 (iii)); from a half-life of days to a month"),
    "notification_review_days": P(
        7.0, 60.0,
        f"assumption: notices may go out up to 60 days after discovery (HIPAA, {_CAL} §5.3) "
        f"and people act on them over weeks; from a week to two months"),
    "trust_sensitivity_effect": P(
        0.03, 0.25,
        f"the path coefficient -0.489 (Frontiers 2022, {_CAL} §4.2) × trust sd 0.127 is "
        f"0.062 per sd of the index; the index's width is assumed (2 sd per unit), so from "
        f"0.5 to 4 sd per unit"),
    "trust_transparency_effect": P(
        0.03, 0.25,
        f"the path coefficient +0.471 (Frontiers 2022, {_CAL} §4.2) × trust sd 0.127 is "
        f"0.060 per sd of the index; the index's width is assumed (2 sd per unit), so from "
        f"0.5 to 4 sd per unit"),
    "refusal_odds_women": P(
        1.0, 1.6,
        f"England's opt-out: women 5.53% vs men 4.41% in 2021 (odds ratio 1.27) and 3.02% vs "
        f"2.51% before the GPDPR controversy (1.21), {_CAL} §4.1 (iv); one country, so "
        f"widened to no difference (1) and 1.6"),
    "refusal_odds_age_20_49": P(
        1.1, 1.8,
        f"England 2021-22: ages 40-49 6.04% vs 4.97% overall (odds ratio ≈1.23 against "
        f"everyone, more against 50+), women 30-39 8.06%, 20-29 7.03% ({_CAL} §4.1 (iv)); one "
        f"country, so widened"),
    "refusal_odds_under_20": P(
        0.2, 0.7,
        f"England 2022: ages 0-9 1.67% vs ~5% overall, an odds ratio ≈0.32 ({_CAL} §4.1 "
        f"(iv)); teenagers are not reported and may refuse more, so up to 0.7"),
    "rollout_decision_share": P(
        0.3, 0.9,
        f"assumption: Australia's refusals came mostly during the publicised window (half in "
        f"its last 3 months, {_CAL} §4.1), but nothing gives how many decided then; from "
        f"under a third to nearly everyone"),
    "notified_harm_reduction": P(
        0.1, 0.8,
        "assumption: no source measures how much identity and financial harm a notice "
        "averts; from little (notices late or ignored) to most (cards replaced, accounts "
        "frozen in time)"),
    "trust_half_life_days": P(
        30.0, 730.0,
        "assumption: no survey follows trust after a Chinese incident (attitudes.csv gaps); "
        "from a month (a news cycle) to two years (a lasting reputation)",
        scale="log"),
    "show_code_threshold": P(
        0.05, 0.35,
        "assumption: showing a code costs less than joining a scheme, so it sits near or "
        "below participation_threshold; from 0.05 to a little above that threshold's "
        "default"),
    "internet_use_all": P(
        0.70, 0.78,
        "CNNIC: 70.4% (Dec 2020), 73.0% (Dec 2021), rising ~2-3 pp a year "
        "(insurance_digital.csv); from the 2020 figure to a few years' growth past 2021"),
    "internet_use_60plus": P(
        0.35, 0.60,
        "CNNIC 43.2% at 60+ (Dec 2021, age_structure.csv); the fastest-growing group, and "
        "some without their own phone are helped by family: from below it to well above"),
    "internet_use_rural": P(
        0.50, 0.70,
        "CNNIC 57.6% rural (Dec 2021, insurance_digital.csv); from a little below it to "
        "several years' growth above"),
    "insurance_enrolment": P(
        0.93, 0.98,
        "NHSA: 95.4% (2022) to 96.5% (2020) of 1.41 billion, 'stable above 95%' "
        "(insurance_digital.csv); from a little below to the 2020 figure plus margin"),
    "online_payment_share": P(
        0.75, 0.95,
        "CNNIC 86% of internet users paid online in Dec 2020 (insurance_digital.csv), and "
        "the share has grown since; from below it to nearly all smartphone users"),
    "phone_present": P(
        0.8, 0.99,
        "assumption: given a smartphone (who has one is set by the three internet_use_* "
        "shares), whether it is at hand with the code; from four in five encounters to "
        "nearly all"),
    "prevalence_chronic": P(
        0.15, 0.5,
        "assumption: the default is an order of magnitude of adult multimorbidity, no "
        "Chinese prevalence in the data; from half to nearly twice it"),
    "prevalence_mental": P(
        0.03, 0.2,
        "assumption: no source in the data; from 3% (recorded diagnoses only) to a fifth "
        "(any mental-health contact on record)"),
    "prevalence_infectious": P(
        0.01, 0.15,
        "assumption: no source in the data; from 1% to three times the default, depending "
        "on which notifiable diseases stay on record",
        scale="log"),
    "prevalence_genetic": P(
        0.05, 0.5,
        "assumption: no source in the data; genetic tests are rare but family history is "
        "recorded for many, so from 5% to half"),
    "prevalence_surgery": P(
        0.1, 0.45,
        "assumption: no source in the data; from a tenth to almost half of residents with a "
        "past operation on record"),
    "prevalence_reproductive": P(
        0.3, 0.8,
        "assumption: no source in the data; from under a third of women 15-49 (births only) "
        "to most of them (any prenatal, contraceptive or screening record)"),
    # ------------------------------------------------------------------------ care
    "routine_visits_per_year": P(
        2.5, 5.0,
        "China: 5.5-6.8 visits per resident a year in 2020-23 (health_system.csv, NHC "
        "bulletins via reprints, medium confidence); the defaults' chronic, emergency and "
        "preventive visits add ≈2.75, so 2.5-5 keeps the total about 5-8"),
    "chronic_visits_per_year": P(
        2.0, 12.0,
        "assumption: no source in the data; from two follow-ups a year to monthly ones"),
    "emergency_visits_per_year": P(
        0.05, 0.4,
        "assumption: no Chinese emergency-visit rate in the data; from one visit in twenty "
        "years to one in two or three"),
    "preventive_visits_per_year": P(
        0.3, 2.0,
        "assumption: no source in the data; from a check-up every few years to two a year "
        "(vaccinations, screening, maternal and child care)"),
    "care_propensity_shape": P(
        0.4, 4.0,
        "assumption: use of care is concentrated but no source gives how much; from very "
        "skewed (0.4: most residents rarely seen) to fairly even (4)",
        scale="log"),
    "away_share_emergency": P(
        0.05, 0.35,
        "assumption: the experts' 'accident far from home' case has no measured share; from "
        "one emergency in twenty to a third (migrant workers, travel)"),
    "away_share_other": P(
        0.01, 0.1,
        "assumption: no source in the data; from 1% to a tenth of ordinary visits away from "
        "the home region",
        scale="log"),
    "care_continuity": P(
        0.4, 0.9,
        "assumption: no Chinese measure of continuity with a usual source of care; from "
        "little (patients pick hospitals freely) to most visits at the usual place"),
    "med_history_error_rate": P(
        0.2, 0.6,
        f"27-54% of patients have a medication-history error at admission (up to 67% overall; "
        f"Tam 2005, {_CAL} §3); one systematic review, so widened to 0.2-0.6"),
    "med_error_important": P(
        0.11, 0.59,
        f"11-59% of those errors clinically important (Tam 2005, {_CAL} §3)"),
    "reconciliation_relative_risk": P(
        0.44, 0.8,
        f"per-medication RR 0.55 (0.51-0.58, BMC MIDM 2016) and discharge errors OR 0.57 "
        f"(0.44-0.74, Smith 2016), {_CAL} §3; the meta-analysis found no significant change "
        f"in the share of patients with a discrepancy, so up to 0.8"),
    "repeat_test_rate": P(
        0.08, 0.25,
        f"repeat-imaging baselines 14.7-20.7% (Lammers 2014), 14.3% (Medicare 2018) and 8% "
        f"within 90 days in Rochester (AJMC 2014), {_CAL} §3"),
    "repeat_test_odds_ratio": P(
        0.35, 1.0,
        f"from Lammers' 44-67% relative reduction at ED level through Rochester's -25% odds "
        f"(CI 13-35%) to the Medicare null result (aOR 1.06, 1.00-1.13), {_CAL} §3"),
    "shared_lookup_probability": P(
        0.05, 0.5,
        f"US EDs consulted HIE at 5.4-6.8% of visits (Frisse 2012), England's SCR at 21% of "
        f"consultations where one existed (Greenhalgh 2010), >20% in HMOs (Bowden & Coiera "
        f"2017), {_CAL} §3; up to 0.5 for routine lookup (Yaraghi's systematic query)"),
    "ed_admission_rate": P(
        0.08, 0.3,
        "assumption: the default is an order of magnitude of ED admission rates, with no "
        "Chinese figure in the data; from under a tenth to under a third"),
    "hie_admission_odds_ratio": P(
        0.25, 0.75,
        f"readmission OR 0.43 (0.27-0.70, Vest 2015) and ED admissions OR 0.27-0.48 (Frisse "
        f"2012), {_CAL} §3; slightly widened"),
    # --------------------------------------------------------------------- threats
    "n_external_groups": P(
        4, 40,
        "assumption: nobody counts the criminal groups attacking Chinese health care; from "
        "a handful to forty (more targeted groups mean more targeted attempts, since that "
        "rate is per group)",
        scale="log"),
    "external_attacks_per_million_per_year": P(
        4.0, 9.0,
        f"the target's year-to-year spread: hacking breaches of 500+ were 314 (2019) to 602 "
        f"(2023) against a 2019-23 mean of 498 (ocr_yearly.csv × ocr_cause_share_by_year.csv; "
        f"{_CAL} §2.1), 0.63-1.21× the mean, i.e. 4.3-8.3; rounded out since recent years "
        f"still grow with late reports"),
    "ransomware_share": P(
        0.2, 0.8,
        f"assumption: the portal's hacking category includes ransomware without a separate "
        f"count ({_CAL} §2.1); from a fifth to four fifths of the groups"),
    "targeted_share": P(
        0.1, 0.5,
        "assumption: no source splits opportunistic from targeted groups; from a tenth to "
        "half (it also scales the calibrated targeted attempts)"),
    "targeted_attacks_per_group_per_year": P(
        1.0, 10.0,
        f"the target's uncertainty: 4 hacking breaches of ≥10 M records in 2019-23 (2 in "
        f"2019, 2 in 2023; {_CAL} §2.1, 0.8 a year; 53.6% chance a year, Edwards 2016, "
        f"§2.2); a Poisson 95% interval for 4 events is 0.2-2.0 a year, ×0.27-2.6",
        scale="log"),
    "attacker_skill": P(
        0.25, 0.85,
        "assumption: success = skill × (1 - security) and neither factor is measured; from "
        "a quarter to most attempts against an undefended institution succeeding"),
    "institution_size_log10_sd": P(
        0.4, 1.2,
        "assumption: within-tier sizes are not in the data; across tiers tertiary hospitals "
        "are ≈8% of hospitals with ≈52% of hospital visits (health_system.csv, ≈12× the "
        "others' average); from a factor ~3 to ~30 between median and largest tenth"),
    "breach_size_log10_mean": P(
        4.24, 4.64,
        f"the target's spread: the mean log10 size of hacking breaches ran 3.96 (2019) to "
        f"4.13 (2023) (ocr_breaches_2009_2024.csv) and the all-cause median 4,000-7,188 "
        f"({_CAL} §2.1); ±0.2 around the fit, which is joint with the exponent and spread"),
    "breach_size_log10_sd": P(
        0.4, 0.7,
        f"the target's spread: hacking breaches' log10 sd was 0.83-1.04 by year 2019-23 "
        f"(ocr_breaches_2009_2024.csv), all causes 0.84-0.89 ({_CAL} §2.2); victims' sizes "
        f"make up the rest, so 0.4-0.7 around the fitted 0.50"),
    "ransomware_downtime_days": P(
        3, 42,
        "assumption: industry reports of ~3 weeks are not verified here; from a few days "
        "(restored from backups) to six weeks",
        scale="log"),
    "insiders_per_institution": P(
        1, 5,
        "assumption: the insider opportunity rate is calibrated in total and split among "
        "them, so this sets how many agents learn and differ; from one to five per node "
        "(zero would switch insiders off)"),
    "insider_acts_per_million_per_year": P(
        1.4, 3.3,
        f"high: unauthorized-access breaches of 500+ ran 115-139 a year in 2019-23 (±10%, "
        f"ocr_yearly.csv × ocr_cause_share_by_year.csv) plus late reports; low: the category "
        f"also holds staff errors (DBIR 2018: errors 33.5%, misuse 29.5% of PHI incidents, "
        f"{_CAL} §2.3), so perhaps only half is insider misuse"),
    "insider_seller_share": P(
        0.45, 0.9,
        f"insider motives: financial 48%, fun/curiosity 31%, other 16% (Verizon 2018, {_CAL} "
        f"§2.3); from 0.45 (only the financial share) to 0.9 (DBIR 2019's 83% financial vs "
        f"6% fun, all actors)"),
    "insider_sale_log10_mean": P(
        2.6, 3.3,
        "the fit's uncertainty (sim/analysis/calibration.py fit_truncated_lognormal on the "
        "portal's "
        "unauthorized-access rows): refitted year by year 2019-23 it gives 2.76-3.10, and "
        "with the assumed sd anywhere in 0.6-0.9, 2.73-3.23"),
    "insider_sale_log10_sd": P(
        0.5, 1.0,
        f"the portal cannot see below 500, so the spread is assumed; around the OCR 500+ "
        f"log10 spreads 0.6-0.9 ({_CAL} §2.2), widened by 0.1 either way"),
    "coverage_half_records": P(
        1e3, 1e8,
        f"assumption: snooping targets neighbours, colleagues and celebrities ({_CAL} §2.6): "
        f"if mostly local, a hospital's records already hold half of them (10^3); if "
        f"anywhere in the country, only a national store does (10^8)",
        scale="log"),
    "snoop_records_mean": P(
        1.0, 100.0,
        f"from one celebrity's record per episode to Zhou's 323 look-ups in three weeks and "
        f"one UCLA employee's 939 patients over four years ({_CAL} §2.6)",
        scale="log"),
    "loss_theft_per_million_per_year": P(
        0.1, 0.34,
        f"the target's year-to-year spread: theft, loss and disposal breaches of 500+ ran "
        f"20 (2023) to 67 (2020) against a 2019-23 mean of 44, 0.45-1.52× "
        f"(ocr_yearly.csv × ocr_cause_share_by_year.csv; {_CAL} §2.1)"),
    "loss_theft_log10_mean": P(
        2.5, 3.25,
        "the fit's uncertainty (sim/analysis/calibration.py fit_truncated_lognormal on the "
        "portal's "
        "theft/loss/disposal rows): refitted year by year 2019-23 it gives 2.53-3.20, and "
        "with the assumed sd anywhere in 0.6-0.9, 2.67-3.19"),
    "loss_theft_log10_sd": P(
        0.5, 1.0,
        f"the portal cannot see below 500, so the spread is assumed; around the OCR 500+ "
        f"log10 spreads 0.6-0.9 ({_CAL} §2.2), widened"),
    "breach_rate_transfer_factor": P(
        0.25, 4.0,
        f"assumption: there is no Chinese breach register (data/china/README.md), so the "
        f"rates fitted to the U.S. portal are carried over and this factor is not measured. "
        f"Reasons for more in China: a large look-up trade (¥1,200 a query, {_CAL} §2.5), "
        f"insider sales of maternity records by nurses (incidents.csv), health-code apps "
        f"at 59.9% PIPL compliance (insurance_digital.csv), and no mandatory public "
        f"notification to make institutions invest; for fewer: less of the record is "
        f"digital at small providers (2018 EMR levels 2.11 tertiary, 0.83 secondary), "
        f"fewer ransomware groups work in Chinese, and 6,000-9,800 people a year are "
        f"prosecuted for personal-information crime. The direction is unknown, so the range "
        f"is symmetric on a log scale; its width, a factor 4 either way, is the U.S. "
        f"portal's own change within a decade (199 breaches of 500+ in 2010, 745 in 2023, "
        f"×3.7, {_CAL} §2.1): two countries' reporting, security spending and digitisation "
        f"are assumed to differ at least as much as one country's over ten years",
        scale="log"),
    "n_brokers": P(
        1, 5,
        f"assumption: China's look-up trade (¥1,200 a query, {_CAL} §2.5) shows brokers "
        f"exist (so not 0) but not how many buy leaks; one to five"),
    "broker_buy_probability": P(
        0.3, 0.95,
        f"assumption: large leaks are offered for sale (Shanghai 2022, {_CAL} §2.6) but no "
        f"source gives the share that sells; from under a third to nearly all"),
    "n_secondary_users": P(
        2, 10,
        f"assumption: Henan 2022 shows one such misuse with 5 officials disciplined ({_CAL} "
        f"§2.6); at least one insurer and one official (2), up to five of each"),
    "secondary_campaigns_per_year": P(
        1.0, 30.0,
        "assumption: one documented campaign (Henan 2022) gives no rate; from one a year to "
        "a few a month per user",
        scale="log"),
    "secondary_campaign_log10_mean": P(
        2.0, 5.0,
        f"assumption around the one case, Henan 2022: 1,317 depositors (10^3.1, {_CAL} "
        f"§2.6); from a hundred to a hundred thousand residents per campaign"),
    "secondary_value_per_resident_yuan": P(
        5.0, 1_200.0,
        f"assumption: Chinese prices run from ¥50 for a maternity record to ¥1,200 for a "
        f"named person's full records ({_CAL} §2.5); from a tenth of the former to the latter",
        scale="log"),
    "attack_cost_yuan": P(
        100.0, 100_000.0,
        "assumption: no source prices an attempt; from automated campaigns at ¥100 to "
        "bespoke intrusions at ¥100,000",
        scale="log"),
    "insider_reservation_yuan": P(
        100.0, 30_000.0,
        "assumption: no source prices an insider's moral cost and job risk; from ¥100 to "
        "¥30,000, the range in which record prices (¥50-1,200) and bulk sales matter",
        scale="log"),
    "curiosity_value_yuan": P(
        500.0, 50_000.0,
        "assumption: nothing prices curiosity; a tenth to ten times the default",
        scale="log"),
    "bulk_value_factor": P(
        0.001, 0.25,
        f"bulk $0.01-2.42 per record vs $10-50 retail, 40,000 records for $500; cards ~$3 "
        f"bulk vs $14-25 retail ({_CAL} §2.5): ratios from ≈0.0002 to 0.24, the most "
        f"extreme pairing dropped at the low end",
        scale="log"),
    "resale_value_multiplier": P(
        0.25, 4.0,
        f"record prices vary about fourfold: $1-30 (Kaspersky 2021), $10-50 (FBI 2014), and "
        f"$75-100 fell to $20-50 within a few years ({_CAL} §2.5)",
        scale="log"),
    "ransom_yuan_scale": P(
        350.0, 35_000.0,
        f"level assumed (≈US$1 M for a 1 M-record victim); a tenth to ten times, i.e. about "
        f"US$0.1-10 M, the top a quarter of IBM's $40-42 M full cost of a 1 M-record breach "
        f"({_CAL} §2.4)",
        scale="log"),
    "reservation_log_sd": P(
        0.5, 2.0,
        "assumption: offenders differ (Becker 1968) by an unmeasured amount; from a factor "
        "~1.6 to ~7 between a typical and a one-sd offender"),
    "perceived_penalty_exponent": P(
        0.2, 0.9,
        f"certainty deters more than severity (Nagin 2013, {_CAL} §5.1), so below 1; the form "
        f"is assumed, so from severity barely counting (0.2) to nearly in full (0.9)"),
    "attacker_belief_strength": P(
        1.0, 100.0,
        "assumption: no source; from beliefs one offence can overturn to beliefs that take a "
        "hundred",
        scale="log"),
    "attacker_peer_weight": P(
        0.02, 1.0,
        "assumption: no source; from peers barely counting to a peer's detected offence "
        "counting as much as one's own",
        scale="log"),
    "attacker_success_weight": P(
        0.05, 1.0,
        "assumption: no source; from undetected successes barely reassuring to counting as "
        "much as a detection",
        scale="log"),
    "attacker_success_prior_strength": P(
        1.0, 40.0,
        "assumption: no source; from a guess one attempt overturns to forty attempts' worth "
        "of experience",
        scale="log"),
    "foreign_enforcement_factor": P(
        0.01, 0.5,
        f"assumption: foreign groups are seldom prosecuted but no source gives how seldom "
        f"(external motives are 83-98% financial, {_CAL} §2.3); from a hundredth to half of "
        f"domestic reach",
        scale="log"),
    "detection_days_external": P(
        100.0, 400.0,
        f"IBM: 197 days to identify (2018), 212 (2021), healthcare 213 to discovery (2023); "
        f"lifecycle 241-287 days ({_CAL} §2.4); survey means of breaches found, widened to "
        f"100-400"),
    "detection_days_insider": P(
        200.0, 1100.0,
        f"insider breaches 'more often taking years to detect' (DBIR 2019, {_CAL} §5.2); "
        f"UCLA snooping ran 2003-2007 and Zhou's was sanctioned 6.5 years on (§2.6); from "
        f"about the external delay to three years"),
    # -------------------------------------------------------------------- institutions
    "security_clinic": P(
        0.1, 0.55,
        "assumption: no measure of Chinese institutions' security; community clinics "
        "likely weakest, from nearly undefended to about a hospital's default"),
    "security_hospital": P(
        0.3, 0.75,
        "assumption: no measure of Chinese hospitals' security (2018 EMR levels 2.11 "
        "tertiary, 0.83 secondary, insurance_digital.csv, measure functions, not security); "
        "±0.2 or so around the default"),
    "security_platform": P(
        0.3, 0.95,
        f"assumption: a platform can be well defended, but Shanghai 2022's ~1 B-person police "
        f"database sat behind a dashboard without a password ({_CAL} §2.6, incidents.csv), "
        f"so from weak (0.3) to nearly impregnable"),
    "security_agency": P(
        0.35, 0.85,
        "assumption: no measure; 30 health-code apps averaged 59.9% compliance with PIPL in "
        "their privacy policies (insurance_digital.csv), a hint of middling practice; ±0.25 "
        "around the default"),
})

#: each sampled uncertainty in plain words, for verdicts ("depends on ...")
LABELS: Mapping[str, str] = MappingProxyType({
    "share_concerned": "the share of privacy-concerned residents",
    "share_unconcerned": "the share of residents unconcerned about privacy",
    "trust_concerned": "concerned residents' starting trust",
    "trust_pragmatic": "pragmatic residents' starting trust",
    "trust_unconcerned": "unconcerned residents' starting trust",
    "response_concerned": "how strongly concerned residents react",
    "response_unconcerned": "how strongly unconcerned residents react",
    "participation_threshold": "the trust at which residents refuse sharing",
    "participation_slope": "how sharply refusal rises as trust falls",
    "consent_reviews_per_year": "how often residents reconsider consent",
    "opt_in_effort": "the share able to take an opt-in step",
    "withholding_rate": "how many withhold information from clinicians",
    "withholding_control_factor": "how much a say over sharing reduces withholding",
    "granular_hide_share": "how many hide fields under granular consent",
    "breach_trust_drop": "the trust a breach victim loses",
    "news_trust_drop": "the trust everyone loses after a publicised breach",
    "news_review_share": "how many reconsider after a publicised breach",
    "attention_half_life_days": "how long public attention lasts",
    "notification_review_days": "how soon notified residents act",
    "trust_sensitivity_effect": "how much sensitive designs cost in trust",
    "trust_transparency_effect": "how much transparency earns in trust",
    "refusal_odds_women": "how much more often women refuse",
    "refusal_odds_age_20_49": "how much more often adults 20-49 refuse",
    "refusal_odds_under_20": "how often minors' parents refuse",
    "rollout_decision_share": "how many decide at rollout",
    "notified_harm_reduction": "how much harm a breach notice averts",
    "trust_half_life_days": "how long a trust shock lasts",
    "show_code_threshold": "the trust at which residents show their code",
    "internet_use_all": "how many residents use a smartphone",
    "internet_use_60plus": "how many residents aged 60+ use a smartphone",
    "internet_use_rural": "how many rural residents use a smartphone",
    "insurance_enrolment": "how many residents are enrolled in basic medical insurance",
    "online_payment_share": "how many smartphone users pay online",
    "phone_present": "how often a smartphone user has the code at hand",
    "emergency_incapacitated": "the share of emergency patients unable to show a code",
    "patient_history_complete": "how often a conscious emergency patient can tell their history",
    "prevalence_chronic": "chronic-disease prevalence",
    "prevalence_mental": "mental-health record prevalence",
    "prevalence_infectious": "infectious-disease record prevalence",
    "prevalence_genetic": "genetic-data prevalence",
    "prevalence_surgery": "past-surgery prevalence",
    "prevalence_reproductive": "reproductive-health record prevalence",
    "routine_visits_per_year": "routine visits a year",
    "chronic_visits_per_year": "chronic follow-up visits a year",
    "emergency_visits_per_year": "emergency visits a year",
    "preventive_visits_per_year": "vaccination and screening visits a year",
    "care_propensity_shape": "how evenly residents use care",
    "away_share_emergency": "the share of emergencies away from home",
    "away_share_other": "the share of other care away from home",
    "care_continuity": "how often patients return to the same provider",
    "lifestyle_clinical_value": "how much lifestyle and demographic fields help clinicians",
    "med_history_error_rate": "how often medication histories are wrong",
    "med_error_important": "how many medication errors matter clinically",
    "reconciliation_relative_risk": "how much a shared history cuts medication errors",
    "repeat_test_rate": "how often tests are repeated without prior results",
    "repeat_test_odds_ratio": "how much shared results cut repeat tests",
    "shared_lookup_probability": "how often clinicians look at a shared record",
    "ed_admission_rate": "how often emergency visits end in admission",
    "hie_admission_odds_ratio": "how much shared information cuts admissions",
    "n_external_groups": "the number of criminal groups",
    "external_attacks_per_million_per_year": "how often criminals attack",
    "ransomware_share": "the share of groups running ransomware",
    "targeted_share": "the share of groups that target the biggest store",
    "targeted_attacks_per_group_per_year": "how often targeted groups strike",
    "attacker_skill": "attackers' skill",
    "attack_surface_exponent": "how much easier large stores are to find",
    "institution_size_log10_sd": "how much institutions differ in size",
    "breach_size_log10_mean": "the typical breach size",
    "breach_size_log10_sd": "how much breach sizes vary",
    "breach_size_exponent": "how much more a large store loses in a breach",
    "ransomware_downtime_days": "how long ransomware takes systems down",
    "insiders_per_institution": "potential insiders per institution",
    "insider_acts_per_million_per_year": "how often insiders are tempted",
    "insider_seller_share": "the share of insiders who sell records",
    "insider_sale_log10_mean": "the typical insider sale",
    "insider_sale_log10_sd": "how much insider sales vary",
    "coverage_half_records": "how much wider access helps snoopers",
    "snoop_records_mean": "records opened per snooping episode",
    "loss_theft_per_million_per_year": "how often records are lost or stolen",
    "loss_theft_log10_mean": "the typical loss or theft",
    "loss_theft_log10_sd": "how much losses vary",
    "breach_rate_transfer_factor": "China's breach rates relative to the U.S. record",
    "gain_log_sd": "how much offenders' gains vary (deterrence at the margin)",
    "n_brokers": "the number of data brokers",
    "broker_buy_probability": "how often leaks reach brokers",
    "n_secondary_users": "the number of beyond-purpose users",
    "secondary_campaigns_per_year": "how often beyond-purpose campaigns are considered",
    "secondary_campaign_log10_mean": "the size of a beyond-purpose campaign",
    "secondary_value_per_resident_yuan": "what a beyond-purpose look-up is worth",
    "attack_cost_yuan": "what an attack costs",
    "insider_reservation_yuan": "the gain an insider needs before acting",
    "curiosity_value_yuan": "what curiosity is worth to a snooper",
    "bulk_value_factor": "the bulk price of a record",
    "resale_value_multiplier": "what health data sells for",
    "ransom_yuan_scale": "the size of ransoms",
    "reservation_log_sd": "how much attackers differ in costs",
    "perceived_penalty_exponent": "how much penalties deter",
    "attacker_belief_strength": "how firmly attackers hold their beliefs",
    "attacker_peer_weight": "how much attackers learn from peers",
    "attacker_success_weight": "how much attackers learn from success",
    "attacker_success_prior_strength": "how firmly groups believe in their success",
    "foreign_enforcement_factor": "how far enforcement reaches foreign groups",
    "detection_days_external": "how long external breaches go undetected",
    "detection_days_insider": "how long insider misuse goes undetected",
    "key_compromise_probability": "how often a breach defeats encryption at rest (stolen "
                                  "credentials or keys)",
    "external_detection_probability": "how often an external breach is ever detected",
    "security_clinic": "clinics' security",
    "security_hospital": "hospitals' security",
    "security_platform": "platforms' security",
    "security_agency": "agencies' security",
})


def label(name: str) -> str:
    """An uncertainty in plain words (its name, with underscores as spaces, if unlabelled)."""
    return LABELS.get(name) or name.replace("_", " ")


#: uncertainties the robustness stage never samples, with the reason
NOT_SAMPLED: Mapping[str, str] = MappingProxyType({
    "shock_day": "a scenario device (breach_shock forces a breach on a chosen day), not a "
                 "fact about the world",
    "shock_fraction": "a scenario device: the size of the forced breach of breach_shock",
})


def from_unit(names: list[str], u: np.ndarray) -> dict[str, list]:
    """Map a ``(worlds, len(names))`` matrix of [0, 1] draws to parameter values.

    Integer parameters are rounded; every value is a plain Python number.
    """
    out = {}
    for j, name in enumerate(names):
        x = PLAUSIBLE[name].from_unit(u[:, j])
        if PARAMETERS[name].dtype is int:
            out[name] = [round(float(v)) for v in x]
        else:
            out[name] = [float(v) for v in x]
    return out


def check_table() -> list[str]:
    """What is wrong with the table (empty if nothing): ranges out of bounds or missing.

    Every uncertainty must have a plausible range or a reason it is not sampled; each range
    must lie within the parameter's declared bounds, contain its default and name a source.
    """
    problems = []
    for name, p in PARAMETERS.items():
        if p.kind != "uncertainty":
            if name in PLAUSIBLE or name in NOT_SAMPLED:
                problems.append(f"{name}: a {p.kind}, not an uncertainty")
            continue
        r = PLAUSIBLE.get(name)
        if r is None:
            if name not in NOT_SAMPLED:
                problems.append(f"{name}: no plausible range and no reason it is not sampled")
            continue
        if name in NOT_SAMPLED:
            problems.append(f"{name}: both sampled and not sampled")
        if not r.low < r.high:
            problems.append(f"{name}: low {r.low} is not below high {r.high}")
        if (p.low is not None and r.low < p.low) or (p.high is not None and r.high > p.high):
            problems.append(f"{name}: range {r.low}-{r.high} outside the declared "
                            f"{p.low}-{p.high}")
        if not r.low <= p.default <= r.high:
            problems.append(f"{name}: default {p.default} outside the range {r.low}-{r.high}")
        if r.scale == "log" and r.low <= 0:
            problems.append(f"{name}: a log range needs low > 0")
        if len(r.source.split()) < 6:
            problems.append(f"{name}: the source should say where the range comes from")
        if name not in LABELS:
            problems.append(f"{name}: no label in plain words (LABELS)")
    return problems
