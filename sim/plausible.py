"""The plausible worlds: for each declared uncertainty, the range of values it could take.

A parameter's declared bounds (:data:`sim.params.PARAMETERS`, ``low``/``high``) say what the
model *accepts*; the range here says what the world could *plausibly be*, and it is what the
robustness stage (:mod:`sim.robustness`) and the global sensitivity analysis
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

__all__ = ["NOT_SAMPLED", "PLAUSIBLE", "Plausible", "check_table", "from_unit"]

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
        0.02, 0.8,
        "assumption: no source gives how often a breach of encrypted health data also takes "
        "the keys; ransomware and intrusions with administrator rights often do (keys on the "
        "same servers), lost devices almost never, so the range runs from rare (2%) to most "
        "intrusions (80%)"),
    "emergency_incapacitated": P(
        0.1, 0.6,
        "assumption: no source gives the share of emergency patients unable to unlock a phone "
        "or consent; trauma, stroke, cardiac arrest and intoxication are a large part of "
        "emergency care, so from a tenth to more than half"),
    "gain_log_sd": P(
        0.75, 2.5,
        f"the elasticity it was set to reproduce (≈-0.5, Chalfin & McCrary) is itself "
        f"uncertain (-0.1 to -1 across crime studies, {_CAL} §5.1); in the model 0.5, 1.5 "
        f"and 3.0 give elasticities of -2.2, -0.57 and -0.24, so 0.75-2.5 spans about -1 to "
        f"-0.3"),
    "breach_size_exponent": P(
        0.3, 0.7,
        f"fitted jointly with the size median and spread to the OCR 2019-23 hacking quantiles "
        f"and million-record tails (sim/calibration.py): the fit is loose (the tails are "
        f"0.8-15 events a year), and mega-breaches of national stores (Anthem 79 M, Change "
        f"Healthcare 190 M, Shanghai ~1 B, {_CAL} §2.1, §2.6) argue for the upper end, so "
        f"±0.2 around 0.457"),
})

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
        if p.low is not None and r.low < p.low or p.high is not None and r.high > p.high:
            problems.append(f"{name}: range {r.low}-{r.high} outside the declared "
                            f"{p.low}-{p.high}")
        if not r.low <= p.default <= r.high:
            problems.append(f"{name}: default {p.default} outside the range {r.low}-{r.high}")
        if r.scale == "log" and r.low <= 0:
            problems.append(f"{name}: a log range needs low > 0")
        if len(r.source.split()) < 6:
            problems.append(f"{name}: the source should say where the range comes from")
    return problems
