"""The public debate's claims as experiments: each one two policies and its predictions.

From the article the project started from (``seed/health_code_article.txt``): the experts'
and critics' claims about the health code, each written as a comparison on the same seeds
(a baseline and a reform) and the outcomes it predicts lower, higher or unchanged. Their
verdicts are computed from the numbers (:func:`sim.analysis.verdicts.claim_verdict`), never written
against them. Notebook 04 and the app's "The debate" tab run them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..scenario import Scenario, load_scenario

__all__ = ["CLAIMS", "Claim"]


@dataclass(frozen=True)
class Claim:
    """One claim as an experiment.

    Attributes:
        key: short name.
        claim: the claim, in a phrase.
        said: what the article says (or who says it), in a sentence.
        baseline, reform: bundled scenario names.
        baseline_changes, reform_changes: parameter values set on top of each.
        expect: outcome -> ``"lower"``, ``"higher"`` or ``"unchanged"`` (reform vs baseline).
        reading: how to read the result (the mechanism behind it).
    """

    key: str
    claim: str
    said: str
    baseline: str
    reform: str
    expect: dict[str, str]
    baseline_changes: dict[str, Any] = field(default_factory=dict)
    reform_changes: dict[str, Any] = field(default_factory=dict)
    reading: str = ""

    def scenarios(self, overrides: dict[str, Any] | None = None) -> tuple[Scenario, Scenario]:
        """The baseline and the reform, with ``overrides`` (run size) applied to both."""
        extra = dict(overrides or {})
        a = load_scenario(self.baseline).with_overrides(
            {**self.baseline_changes, **extra},
            name=f"{self.baseline} ({self.key} baseline)" if self.baseline_changes else None)
        b = load_scenario(self.reform).with_overrides(
            {**self.reform_changes, **extra},
            name=f"{self.reform} ({self.key})" if self.reform_changes else None)
        if a.name == b.name:
            b = b.with_overrides(name=f"{b.name} (reform)")
        return a, b


CLAIMS: dict[str, Claim] = {c.key: c for c in (
    Claim("on_device",
          "on-device storage with per-access consent keeps risk small and care intact",
          "Experts: the record lives on your phone and is shown only with your consent, so "
          "privacy risk is small, and doctors anywhere still see your history.",
          "national_plan_2025", "on_device_consent",
          {"residents_exposed_rate": "lower", "harm_per_1000": "lower",
           "insider_incidents": "lower", "emergency_info_rate": "unchanged"},
          reading="Staff cannot open records without the patient's code and there are no "
                  "integrated copies at the insurer and payment platform; institutions still "
                  "keep their own records, so risk falls but does not vanish."),
    Claim("integration",
          "integrating the codes adds function creep and harm but no clinical value",
          "Critics: merging the health, insurance and payment codes serves control, not care.",
          "national_plan_2025", "national_plan_2025",
          {"function_creep_incidents": "higher", "harm_per_1000": "higher",
           "mean_dossier_completeness": "higher", "utility_rate": "unchanged"},
          baseline_changes={"code_integration": "health_only"}),
    Claim("value",
          "data worth a tenth draws fewer attacks",
          "Experts: health data of little resale value draws few attackers.",
          "national_plan_2025", "national_plan_2025",
          {"breaches": "lower", "insider_incidents": "lower", "harm_per_1000": "lower"},
          reform_changes={"resale_value_multiplier": 0.1},
          reading="Ransomware is paid for the systems, not the data, so the value of the "
                  "records moves external breaches much less than insiders selling records."),
    Claim("enforcement",
          "strong audit, purpose binding, encryption and enforcement deter and detect",
          "Experts: strict supervision and penalties keep the data safe.",
          "national_plan_2025", "strong_enforcement",
          {"insider_incidents": "lower", "function_creep_incidents": "lower",
           "detected_share": "higher", "breaches": "lower", "harm_per_1000": "lower"},
          reading="Offences fall with the certainty of sanction, smoothly; foreign groups are "
                  "rarely sanctioned, so external breaches respond less than insiders."),
    Claim("minimal",
          "minimum-necessary collection costs little care and cuts harm",
          "The PIPL rule: collect only what the purpose needs.",
          "national_plan_2025", "minimal_collection",
          {"utility_rate": "unchanged", "emergency_info_rate": "unchanged",
           "harm_per_1000": "lower"},
          reading="The answer turns on how much lifestyle and demographic fields help "
                  "clinicians (lifestyle_clinical_value), an assumption to sweep."),
)}
