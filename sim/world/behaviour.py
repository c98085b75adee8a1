"""Residents' trust, attention, consent decisions and withholding.

**Trust** of resident ``r`` on day ``t``::

    trust = base_trust[r] + response[attitude] · policy_shift
            - shock[r] · 2^(-(t - shock_day[r]) / half_life)
            - news_level(t) · response[attitude]

``policy_shift`` is how the design itself moves trust, relative to the status quo (the
declared defaults): down with the sensitivity of what is collected and how widely it is
pooled, integrated, opened and keyed (:func:`policy_perception`), up with transparency and
control (notification, a say over sharing, purpose binding); the sizes come from the
structural model of a Chinese HIE survey (information sensitivity → trust −0.489,
transparency → trust +0.471; calibration.md §4.2). Concerned residents respond more than
pragmatic ones, unconcerned ones less (``response``: ``response_concerned``, 1 for pragmatic
residents, ``response_unconcerned``; assumptions).

**Attention.** Almost nobody revisits a default (calibration.md §4.1 (v)): a resident
reconsiders ``consent_reviews_per_year`` times a year on average. A publicised event (a
public breach notice, or any breach of 1% of the population) raises everyone's chance of
reconsidering for a few weeks: a pulse of ``news_review_share × weight`` extra reviews per
resident that decays with half-life ``attention_half_life_days``, so refusals arrive in
bursts spread over weeks (England 2021, Austria 2018). A resident told that their own
record was breached takes a personal trust shock and reconsiders once, on a day drawn
from an exponential delay of mean ``notification_review_days`` (letters and news reach
people over weeks).

**Decisions.** On reconsidering, a resident refuses sharing with probability
``logistic((participation_threshold - trust) / participation_slope + log OR)``, where the
odds ratio rises for women and ages 20-49 and falls for children (England's National Data
Opt-out, calibration.md §4.1 (iv)). The consent model decides what a refusal changes:
nothing under implied consent, leaving under opt-out, staying out under opt-in (where only
residents able to take the active steps, ``opt_in_effort``, ever join), hiding categories
under granular consent. Independently, a resident withholds sensitive information from
clinicians with probability ``withholding_rate · (1 - trust) / (1 - mean base trust)``
(times ``withholding_control_factor``, 0.5, where the consent model gives a say over
sharing): under implied consent this is the only way residents can respond to a design they
distrust.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from .consent import ReviewReasons, review_takes_why
from .population import Attitude

if TYPE_CHECKING:  # pragma: no cover
    from ..fields import FieldCatalogue
    from .model import HealthDataModel

__all__ = ["Behaviour", "attitude_response", "policy_perception"]

# How each lever's setting enters the design-perception indexes (:func:`policy_perception`):
# ordinal scores, evenly spaced from 0 (least sensitive / transparent) to 1 (most). The
# spacing is an assumption (modellers' judgement), not a measurement; the indexes' effect on
# trust is scaled by trust_sensitivity_effect and trust_transparency_effect.
_BREADTH = {"treating_team": 0.0, "institution": 1 / 3, "region": 2 / 3, "national": 1.0}
_INTEGRATION = {"health_only": 0.0, "health_insurance": 0.5, "health_insurance_payment": 1.0}
_NOTIFICATION = {"none": 0.0, "affected": 0.5, "public": 1.0}


def attitude_response(params: Mapping[str, Any]) -> np.ndarray:
    """How strongly each attitude's trust responds to the design and to news.

    Indexed by :class:`~sim.world.population.Attitude`: ``response_concerned``, 1 (pragmatic
    residents are the reference, by definition) and ``response_unconcerned``.
    """
    out = np.ones(len(Attitude))
    out[Attitude.CONCERNED] = params["response_concerned"]
    out[Attitude.UNCONCERNED] = params["response_unconcerned"]
    return out


def policy_perception(params: Mapping[str, Any], catalogue: FieldCatalogue,
                      ) -> tuple[float, float]:
    """How sensitive and how transparent a design looks to residents, each 0-1.

    Sensitivity is the mean of five parts: the sensitivity-weighted share of the field
    catalogue collected; how far records are pooled (the architecture's ``pooling``: silos 0,
    on the phone 0.25, federated 0.5, regional 0.75, national 1); code integration (health
    only 0, + insurance 0.5, + payment 1); access breadth (treating team 0 ... national 1);
    and the ID-card number as master index (1) or pseudonyms (0). Transparency is the mean of
    breach notification (none 0, affected 0.5, public 1), the say residents have over sharing
    (the consent model's ``control``) and purpose binding. The categorical settings are
    ordinal scores and the parts are weighted equally: both assumptions.

    Args:
        params: validated parameter values.
        catalogue: the field catalogue.

    Returns:
        ``(sensitivity, transparency)``.
    """
    from .architecture import ARCHITECTURES
    from .consent import CONSENT_MODELS
    from .policy import Policy

    policy = Policy.compile(params, catalogue)
    sens = catalogue.vector("sensitivity")
    collected = float((catalogue.unpack(np.array([policy.collected]))[0] * sens).sum()
                      / sens.sum())
    sensitivity = np.mean([
        collected,
        ARCHITECTURES[params["architecture"]].pooling,
        _INTEGRATION[params["code_integration"]],
        _BREADTH[params["access_breadth"]],
        1.0 if params["identity"] == "id_card_master_index" else 0.0,  # ordinal score
    ])
    transparency = np.mean([
        _NOTIFICATION[params["breach_notification"]],
        CONSENT_MODELS[params["consent_model"]].control,
        float(params["purpose_binding"]),
    ])
    return float(sensitivity), float(transparency)


class Behaviour:
    """Trust, attention and consent decisions for the whole population (vectorised).

    Args:
        model: the model (population, parameters, consent model).

    Attributes:
        policy_shift: the design's effect on a pragmatic resident's trust (negative: the
            design is trusted less than the status quo).
        sensitivity, transparency: the design's perception indexes
            (:func:`policy_perception`).
        active: residents able to take active steps (join an opt-in scheme).
        refusal_log_odds: each resident's group log odds ratio of refusing.
        attention: today's extra chance of reconsidering, per resident.
        news_level: today's general loss of trust from publicised events.
    """

    def __init__(self, model: HealthDataModel) -> None:
        from ..params import defaults

        self.model = model
        p = model.p
        pop = model.pop
        self.rng = model.streams.get("consent")
        self.decay_per_day = 0.5 ** (1.0 / p["trust_half_life_days"])
        self._decay_table = np.ones(1)  # decay_per_day ** age, for ages 0 .. today
        self._last_shock_day = 0  # the latest day a shock was given (ages >= 0 from then)
        self.attention_decay = 0.5 ** (1.0 / p["attention_half_life_days"])
        self.mean_trust0 = float(pop.base_trust.mean()) if pop.n else 0.5
        self.sensitivity, self.transparency = policy_perception(p, model.catalogue)
        ref_s, ref_t = policy_perception(defaults(), model.catalogue)  # the status quo
        self.policy_shift = (-p["trust_sensitivity_effect"] * (self.sensitivity - ref_s)
                             + p["trust_transparency_effect"] * (self.transparency - ref_t))
        self.response = attitude_response(p)[pop.attitude]
        self.static_trust = np.clip(pop.base_trust + self.response * self.policy_shift, 0, 1)
        self._static_mean = float(self.static_trust.mean()) if pop.n else 0.5
        # group odds of refusing (England NDOO: women, ages 20-49 higher; children lower);
        # the age bands are those the refusal_odds_* parameters are declared for
        age = pop.age_years
        log_or = np.where(pop.sex == 1, np.log(p["refusal_odds_women"]), 0.0)
        log_or = log_or + np.where((age >= 20) & (age < 50), np.log(p["refusal_odds_age_20_49"]),
                                   np.where(age < 20, np.log(p["refusal_odds_under_20"]), 0.0))
        self.refusal_log_odds = log_or
        # a fixed trait, from the consent stream: able to take active steps to join
        self.active = self.rng.random(pop.n) < p["opt_in_effort"]
        self.attention = 0.0
        self.news_level = 0.0
        self._scheduled: dict[int, list[np.ndarray]] = {}
        self._shocked: list[np.ndarray] = []
        self._shocked_idx = np.zeros(0, dtype=np.int64)
        self._is_shocked = np.zeros(pop.n, dtype=bool)

    # ----------------------------------------------------------------- trust
    def current_shock(self, idx: np.ndarray | None = None) -> np.ndarray:
        """Each resident's personal trust shock, decayed to today."""
        pop = self.model.pop
        sl = slice(None) if idx is None else idx
        day = self.model.day
        if day < self._last_shock_day:  # the clock was moved back by hand: no table lookup
            return pop.shock[sl] * self.decay_per_day ** (day - pop.shock_day[sl])
        if len(self._decay_table) <= day:  # the same powers, looked up instead of recomputed
            self._decay_table = self.decay_per_day ** np.arange(2 * day + 2, dtype=np.float64)
        return pop.shock[sl] * self._decay_table[day - pop.shock_day[sl]]

    def trust(self, idx: np.ndarray | None = None) -> np.ndarray:
        """Residents' trust today (all residents when ``idx`` is ``None``)."""
        sl = slice(None) if idx is None else idx
        t = (self.static_trust[sl] - self.current_shock(idx)
             - self.news_level * self.response[sl])
        return np.clip(t, 0.0, 1.0)

    def mean_trust(self) -> float:
        """Mean trust over all residents; touches only shocked residents while there is no news."""
        pop = self.model.pop
        if self.news_level > 1e-12:
            return float(self.trust().mean())
        shocked = self.shocked_residents()
        delta = (float((self.trust(shocked) - self.static_trust[shocked]).sum())
                 if len(shocked) else 0.0)
        return self._static_mean + delta / pop.n

    def shocked_residents(self) -> np.ndarray:
        """Residents who have ever had a personal trust shock (notified of a breach)."""
        if self._shocked:
            # = np.union1d(shocked, new): the new ones inserted in order, without sorting
            # the whole (growing) list again each day
            new = np.unique(np.concatenate(self._shocked))
            new = new[~self._is_shocked[new]]
            self._is_shocked[new] = True
            self._shocked_idx = np.insert(self._shocked_idx,
                                          self._shocked_idx.searchsorted(new), new)
            self._shocked = []
        return self._shocked_idx

    # ---------------------------------------------------------------- events
    def notify(self, idx: np.ndarray) -> None:
        """Residents ``idx`` are told their record was breached: a shock, a review to come."""
        m = self.model
        pop = m.pop
        p = m.p
        pop.notified[idx] = True
        pop.shock[idx] = np.maximum(self.current_shock(idx), p["breach_trust_drop"])
        pop.shock_day[idx] = m.day
        self._last_shock_day = max(self._last_shock_day, m.day)
        self._shocked.append(idx)
        delay = np.ceil(self.rng.exponential(p["notification_review_days"], len(idx)))
        for d in np.unique(delay).astype(int):
            self._scheduled.setdefault(m.day + max(d, 0), []).append(idx[delay == d])

    def publicise(self, weight: float) -> None:
        """A publicised event of ``weight`` (1 = a breach of 1% of the population or more)."""
        p = self.model.p
        self.news_level += p["news_trust_drop"] * weight
        # a pulse whose reviews add up to news_review_share × weight per resident
        self.attention += p["news_review_share"] * weight * (1.0 - self.attention_decay)

    # ------------------------------------------------------------- decisions
    def want_share(self, trust: np.ndarray, idx: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Whether residents ``idx`` with this trust want their data shared (a uniform each)."""
        p = self.model.p
        z = ((p["participation_threshold"] - trust) / p["participation_slope"]
             + self.refusal_log_odds[idx])
        refuse = 1.0 / (1.0 + np.exp(-z))
        return u >= refuse

    def withhold(self, trust: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Whether residents with this trust withhold sensitive information."""
        m = self.model
        scale = m.p["withholding_control_factor"] if m.consent.offers_control else 1.0
        base = m.p["withholding_rate"] * scale
        prob = base * (1.0 - trust) / max(1.0 - self.mean_trust0, 1e-6)
        return u < np.clip(prob, 0.0, 1.0)

    def initial(self) -> None:
        """Rollout: ``rollout_decision_share`` of residents decide at once; all set withholding."""
        m = self.model
        n = m.pop.n
        u = self.rng.random((n, 4))
        trust = self.trust()
        deciding = np.flatnonzero(u[:, 0] < m.p["rollout_decision_share"])
        want = self.want_share(trust[deciding], deciding, u[deciding, 1])
        m.consent.initial(deciding, want, u[deciding, 2])
        m.pop.withholding[:] = self.withhold(trust, u[:, 3])

    def step(self) -> int:
        """Decay news and attention, draw today's reviewers, apply decisions; return how many."""
        m = self.model
        pop = m.pop
        self.news_level *= self.decay_per_day
        routine = m.p["consent_reviews_per_year"] / 365.0
        p_day = min(routine + self.attention, 1.0)
        self.attention *= self.attention_decay
        k = int(self.rng.binomial(pop.n, p_day))
        parts = [self.rng.integers(0, pop.n, k)] if k else []
        told = self._scheduled.pop(m.day, [])
        parts += told
        if not parts:
            return 0
        idx = np.concatenate(parts) if len(parts) > 1 else parts[0]  # repeats are harmless
        u = self.rng.random((len(idx), 3))
        trust = self.trust(idx)
        want = self.want_share(trust, idx, u[:, 0])
        if review_takes_why(m.consent):
            notified = np.zeros(len(idx), dtype=bool)
            notified[k:] = True  # the scheduled reviews follow the day's random draws
            why = ReviewReasons(notified=notified, routine=float(min(routine, 1.0)),
                                attention=float(p_day - min(routine, 1.0)),
                                news_level=float(self.news_level))
            m.consent.review(idx, want, u[:, 1], why=why)
        else:
            m.consent.review(idx, want, u[:, 1])
        pop.withholding[idx] = self.withhold(trust, u[:, 2])
        return len(idx)
