"""Consent models: who decides whether a resident's data are shared, and how.

Each model is a small class registered by name in :data:`CONSENT_MODELS` (the names are
the values of the ``consent_model`` lever). A model answers four questions:

* :meth:`ConsentModel.initial`: where does each resident start at rollout?
* :meth:`ConsentModel.review`: what happens when a resident reconsiders (after news, a
  breach notice, or at random)?
* ``requires_code``: must the resident show their code at each encounter before a
  clinician can read shared data ("show your code")?
* ``break_glass``: can an emergency clinician read without it?

To add one, subclass :class:`ConsentModel` and decorate it with
``@register_consent_model("my_name")``; the lever, the validation and the widgets pick it
up from the registry.
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from ..registry import Registry
from .population import Attitude

if TYPE_CHECKING:  # pragma: no cover
    from .model import HealthDataModel

__all__ = ["CONSENT_MODELS", "ConsentModel", "ReviewReasons", "register_consent_model",
           "review_takes_why"]

CONSENT_MODELS: Registry[type[ConsentModel]] = Registry("consent model", name_attr="name")


def register_consent_model(name: str):
    """Register a :class:`ConsentModel` subclass under ``name`` (its ``name``)."""
    return CONSENT_MODELS.register(name)


ALL_FIELDS = np.int64(np.iinfo(np.int64).max)


class ConsentModel:
    """Base class: implied consent semantics with hooks to override.

    Args:
        model: the model (for parameters, policy masks and the population).
    """

    name: ClassVar[str] = "base"
    requires_code: ClassVar[bool] = False
    break_glass: ClassVar[bool] = False
    offers_control: ClassVar[bool] = False  # residents who control sharing withhold less
    #: the say residents have over sharing, 0-1 (part of the design's transparency,
    #: :func:`sim.world.behaviour.policy_perception`)
    control: ClassVar[float] = 0.0
    default_in: ClassVar[bool] = True
    #: why participation cannot move under this model (``None`` if it can)
    fixed_participation: ClassVar[str | None] = None

    def __init__(self, model: HealthDataModel) -> None:
        self.model = model

    def initial(self, idx_deciding: np.ndarray, want: np.ndarray, u: np.ndarray) -> None:
        """Set the starting state; residents ``idx_deciding`` decide at rollout."""
        pop = self.model.pop
        pop.participating[:] = self.default_in
        pop.shared_fields[:] = ALL_FIELDS
        self.review(idx_deciding, want, u)

    def review(self, idx: np.ndarray, want: np.ndarray, u: np.ndarray, *,
               why: ReviewReasons | None = None) -> None:
        """Apply the decisions of reviewing residents.

        Args:
            idx: residents who review.
            want: whether each would like their data shared (from trust).
            u: a uniform per resident for any further draw (effort, field choices).
            why: why they review today (:class:`ReviewReasons`; ``None`` at rollout). A
                subclass whose ``review`` takes no ``why`` keyword is called without it.
        """


@dataclass(frozen=True)
class ReviewReasons:
    """Why residents review their consent today (what :meth:`ConsentModel.review` is told).

    Attributes:
        notified: per reviewing resident, whether they were told of a breach of their
            record (they review after ``notification_review_days``); the others were
            drawn at random.
        routine: the day's probability of a review out of habit
            (``consent_reviews_per_year`` / 365).
        attention: the day's extra probability after publicised incidents (decays by
            ``attention_half_life_days``): a resident drawn at random reviews because of
            the news with probability ``attention / (routine + attention)``.
        news_level: the public's current awareness of incidents
            (:class:`sim.world.behaviour.Behaviour`).
    """

    notified: np.ndarray
    routine: float
    attention: float
    news_level: float


def review_takes_why(consent: ConsentModel) -> bool:
    """Whether ``consent.review`` accepts the ``why`` keyword (older subclasses do not)."""
    return _takes_why(type(consent))


@functools.cache
def _takes_why(cls: type) -> bool:
    try:
        params = inspect.signature(cls.review).parameters
    except (TypeError, ValueError):  # pragma: no cover - builtins, C extensions
        return False
    return "why" in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


@register_consent_model("implied")
class Implied(ConsentModel):
    """Everyone's data are shared; there is no way out (only withholding from clinicians)."""

    fixed_participation = ("nobody can leave, so participation is 1 by design; residents "
                           "respond by withholding information from clinicians "
                           "(withholding_rate)")


@register_consent_model("opt_out")
class OptOut(ConsentModel):
    """Shared by default; a resident who no longer wants it leaves (and may come back)."""

    offers_control = True
    control = 0.5

    def review(self, idx, want, u, *, why=None):
        """Residents who review set participation to what they want."""
        self.model.pop.participating[idx] = want


@register_consent_model("opt_in")
class OptIn(ConsentModel):
    """Not shared unless a resident joins; joining takes active steps.

    Only residents able to take them (``Behaviour.active``: a share ``opt_in_effort`` of
    residents, a fixed trait) ever join, so participation settles near that share of the
    willing, as where opt-in needs active effort (21% head to head, calibration.md §4.1).
    """

    offers_control = True
    control = 1.0
    default_in = False

    def review(self, idx, want, u, *, why=None):
        """Willing residents able to take the steps join; unwilling ones leave."""
        pop = self.model.pop
        pop.participating[idx] = want & self.model.behaviour.active[idx]


@register_consent_model("granular")
class Granular(ConsentModel):
    """Per-field consent: residents hide categories rather than leave.

    An unwilling resident shares only the core clinical summary; a willing but concerned
    one hides the sensitive clinical fields with probability ``granular_hide_share`` (a
    third of that for pragmatic residents): almost nobody changes a default setting
    (<0.1% set access controls, calibration.md §4.1 (v)).
    """

    offers_control = True
    control = 1.0
    fixed_participation = ("residents hide categories of fields rather than leave, so "
                           "participation is 1 by design")

    def review(self, idx, want, u, *, why=None):
        """Set each reviewing resident's shared-field mask."""
        m = self.model
        pop = m.pop
        pol = m.policy
        hide_all = pol.sensitive_clinical | pol.lifestyle | m.catalogue.mask(
            ["insurance_claims", "payment_transactions", "location_trail"])
        att = pop.attitude[idx]
        share = m.p["granular_hide_share"]
        p_hide = np.where(att == Attitude.CONCERNED, share,
                          np.where(att == Attitude.PRAGMATIC, share / 3.0, 0.0))
        hide_sensitive = u < p_hide
        mask = np.where(~want, ALL_FIELDS & ~np.int64(hide_all),
                        np.where(hide_sensitive, ALL_FIELDS & ~np.int64(pol.sensitive_clinical),
                                 ALL_FIELDS))
        pop.shared_fields[idx] = mask
        pop.participating[idx] = True


@register_consent_model("per_access")
class PerAccess(ConsentModel):
    """'Show your code': shared data are read only when the resident shows the code."""

    requires_code = True
    offers_control = True
    control = 1.0
    fixed_participation = ("residents decide at each encounter whether to show their code, "
                           "not whether to take part, so participation is 1 by design")


@register_consent_model("per_access_break_glass")
class PerAccessBreakGlass(PerAccess):
    """'Show your code', with emergency break-glass access when the patient cannot."""

    break_glass = True
