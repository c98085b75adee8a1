"""Residents' trust, consent decisions and withholding.

Trust of resident ``r`` on day ``t``::

    trust = base_trust[r] - shock[r] · 2^(-(t - shock_day[r]) / half_life)
                          - news_level(t) · news_sensitivity[attitude[r]]

A resident told their record was breached takes a personal shock (``breach_trust_drop``)
and reconsiders at once; a public announcement (or any million-record breach) raises the
news level for everyone, which also multiplies how often residents reconsider (opt-out
bursts during controversies, calibration.md §4.1). Otherwise a resident reconsiders
``consent_reviews_per_year`` times a year on average.

On reconsidering, a resident *wants* to share with probability
``1 / (1 + exp(-(trust - participation_threshold) / participation_slope))``; the consent
model decides what that changes. Independently, a resident withholds sensitive
information from clinicians with probability ``withholding_rate · (1 - trust) /
(1 - mean starting trust)`` (halved where the consent model gives control over sharing).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from .model import HealthDataModel

__all__ = ["Behaviour"]

NEWS_SENSITIVITY = np.array([1.5, 1.0, 0.5])  # concerned, pragmatic, unconcerned (assumption)
BURST_PER_NEWS = 20.0  # review hazard multiplier per unit of news level (0.05 doubles it)


class Behaviour:
    """Trust dynamics and consent reviews for the whole population (vectorised)."""

    def __init__(self, model: HealthDataModel) -> None:
        self.model = model
        self.rng = model.streams.get("consent")
        p = model.p
        self.decay_per_day = 0.5 ** (1.0 / p["trust_half_life_days"])
        self.mean_trust0 = float(model.pop.base_trust.mean()) if model.pop.n else 0.5

    def want_share(self, trust: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Whether residents with this trust want their data shared (one uniform each)."""
        p = self.model.p
        prob = 1.0 / (1.0 + np.exp(-(trust - p["participation_threshold"])
                                   / p["participation_slope"]))
        return u < prob

    def withhold(self, trust: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Whether residents with this trust withhold sensitive information."""
        m = self.model
        scale = 0.5 if m.consent.offers_control else 1.0
        base = m.p["withholding_rate"] * scale
        prob = base * (1.0 - trust) / max(1.0 - self.mean_trust0, 1e-6)
        return u < np.clip(prob, 0.0, 1.0)

    def initial(self) -> None:
        """Rollout: ``rollout_decision_share`` of residents decide at once; all set withholding."""
        m = self.model
        n = m.pop.n
        u = self.rng.random((n, 4))
        trust = m.pop.base_trust
        deciding = np.flatnonzero(u[:, 0] < m.p["rollout_decision_share"])
        want = self.want_share(trust[deciding], u[deciding, 1])
        m.consent.initial(deciding, want, u[deciding, 2])
        m.pop.withholding[:] = self.withhold(trust, u[:, 3])

    def step(self) -> int:
        """Decay news, draw today's reviewers, apply their decisions; return how many."""
        m = self.model
        pop = m.pop
        m.news_level *= self.decay_per_day
        p_day = m.p["consent_reviews_per_year"] / 365.0 * (1.0 + BURST_PER_NEWS * m.news_level)
        k = int(self.rng.binomial(pop.n, min(p_day, 1.0)))
        parts = [self.rng.integers(0, pop.n, k)] if k else []
        parts += m.ledger.forced_review
        m.ledger.forced_review = []
        if not parts:
            return 0
        idx = np.concatenate(parts) if len(parts) > 1 else parts[0]  # repeats are harmless
        u = self.rng.random((len(idx), 3))
        trust = m.trust(idx)
        m.consent.review(idx, self.want_share(trust, u[:, 0]), u[:, 1])
        pop.withholding[idx] = self.withhold(trust, u[:, 2])
        return len(idx)
