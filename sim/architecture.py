"""Architectures: where shared records live and who can read them.

Registered by name in :data:`ARCHITECTURES` (the values of the ``architecture`` lever).
An architecture decides:

* which shared stores exist (a platform per region, one national platform, a record
  locator, a break-glass emergency service) - :meth:`Architecture.build_stores`;
* the edges of the institutions' data-sharing network - :meth:`Architecture.edges`;
* who can read whose records today, given which systems are down -
  :meth:`Architecture.reach`: ``R[j, i]`` is true when a clinician at provider ``i`` can
  read what provider ``j`` recorded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from .registry import Registry

if TYPE_CHECKING:  # pragma: no cover
    from .institutions import Institution
    from .model import HealthDataModel

__all__ = ["ARCHITECTURES", "Architecture", "register_architecture"]

ARCHITECTURES: Registry[type[Architecture]] = Registry("architecture", name_attr="name")


def register_architecture(name: str):
    """Register an :class:`Architecture` subclass under ``name`` (its ``name``)."""
    return ARCHITECTURES.register(name)


class Architecture:
    """Base class: institution silos (nothing shared between institutions)."""

    name: ClassVar[str] = "base"
    #: sharing needs the resident's phone (on-device): the code gate always applies
    on_device: ClassVar[bool] = False
    #: how far records are pooled, 0-1, as residents perceive it (part of the design's
    #: sensitivity, :func:`sim.behaviour.policy_perception`)
    pooling: ClassVar[float] = 0.0

    def __init__(self, model: HealthDataModel) -> None:
        self.model = model

    def build_stores(self) -> None:
        """Create the architecture's own institutions and stores (none for silos)."""

    def edges(self) -> list[tuple[Institution, Institution, str]]:
        """Return data-flow edges ``(source, destination, label)`` for the network."""
        return []

    def reach(self, up: np.ndarray) -> np.ndarray:
        """Return ``R[j, i]``: can provider ``i`` read provider ``j``'s records today?

        Args:
            up: per institution (by ``Institution.index``), whether it is up today.
        """
        n = self.model.n_providers
        return np.zeros((n, n), dtype=bool)


def _provider_up(model, up):
    return up[model.provider_index]



@register_architecture("silos")
class Silos(Architecture):
    """Each institution keeps its own records; nothing is shared."""


@register_architecture("regional")
class Regional(Architecture):
    """A platform per region pools the region's providers; readable within the region."""

    pooling = 0.75

    def build_stores(self):
        """One regional platform per region, fed by that region's providers."""
        m = self.model
        self.platforms = {}
        for r in range(m.p["n_regions"]):
            inst = m.add_institution("regional_platform", region=r)
            m.add_store(inst, "platform", scope="region", key=r, fields=m.policy.platform,
                        identified=m.policy.cross_domain_identified, needs_participation=True)
            self.platforms[r] = inst

    def edges(self):
        """Providers upload to their region's platform."""
        m = self.model
        return [(p, self.platforms[p.region], "upload") for p in m.providers]

    def reach(self, up):
        """Same region, provider and platform up."""
        m = self.model
        reg = m.provider_region
        plat_up = np.array([up[self.platforms[r].index] for r in range(m.p["n_regions"])])
        pu = _provider_up(m, up)
        same = reg[:, None] == reg[None, :]
        return same & plat_up[reg][None, :] & pu[None, :]


@register_architecture("national")
class National(Architecture):
    """One national platform pools every provider's records; readable everywhere."""

    pooling = 1.0

    def build_stores(self):
        """One national platform fed by all providers."""
        m = self.model
        self.platform = m.add_institution("national_platform", region=-1)
        m.add_store(self.platform, "platform", scope="all",
                    fields=m.policy.platform, identified=m.policy.cross_domain_identified,
                    needs_participation=True)

    def edges(self):
        """Providers upload to the national platform."""
        return [(p, self.platform, "upload") for p in self.model.providers]

    def reach(self, up):
        """Everyone, if the platform and the reading provider are up."""
        m = self.model
        n = m.n_providers
        if not up[self.platform.index]:
            return np.zeros((n, n), dtype=bool)
        return np.broadcast_to(_provider_up(m, up)[None, :], (n, n)).copy()


@register_architecture("federated")
class Federated(Architecture):
    """Records stay with providers; a record locator routes queries between them."""

    pooling = 0.5

    def build_stores(self):
        """A national record-locator service holding identities and quasi-identifiers."""
        m = self.model
        self.locator = m.add_institution("record_locator", region=-1)
        m.add_store(self.locator, "index", scope="all",
                    fields=m.policy.locator, identified=m.policy.cross_domain_identified,
                    needs_participation=True)

    def edges(self):
        """Providers register with the locator and answer each other's queries."""
        m = self.model
        return [(p, self.locator, "index") for p in m.providers] + [
            (a, b, "query") for a, b in m.referral_pairs]

    def reach(self, up):
        """Everyone, if the locator, the holder and the reader are up."""
        m = self.model
        n = m.n_providers
        if not up[self.locator.index]:
            return np.zeros((n, n), dtype=bool)
        pu = _provider_up(m, up)
        return pu[:, None] & pu[None, :]


@register_architecture("on_device")
class OnDevice(Architecture):
    """The record lives on the resident's phone and is shown with consent.

    Providers keep their own encounter notes. A clinician elsewhere sees the phone's
    record when the resident shows the code. With break-glass consent, an emergency
    service holds the emergency summary for patients who cannot show it.
    """

    on_device = True
    pooling = 0.25

    def build_stores(self):
        """A break-glass emergency service, if the consent model has break-glass."""
        m = self.model
        self.break_glass = None
        if m.consent.break_glass:
            self.break_glass = m.add_institution("break_glass_service", region=-1)
            m.add_store(self.break_glass, "emergency summary", scope="all",
                        fields=m.policy.emergency, identified=True, needs_participation=True)

    def edges(self):
        """Providers write to the phone (not a network edge); break-glass gets summaries."""
        if self.break_glass is None:
            return []
        return [(p, self.break_glass, "emergency summary") for p in self.model.providers]

    def reach(self, up):
        """The phone carries every provider's record: readable wherever the reader is up."""
        m = self.model
        n = m.n_providers
        return np.broadcast_to(_provider_up(m, up)[None, :], (n, n)).copy()
