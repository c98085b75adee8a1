"""Architectures: where shared records live and who can read them.

Registered by name in :data:`ARCHITECTURES` (the values of the ``architecture`` lever).
An architecture decides:

* which shared stores exist (a platform per region, one national platform, a record
  locator, a break-glass emergency service) - :meth:`Architecture.build_stores`;
* the sharing flows between institutions - :meth:`Architecture.flows`: who uploads to
  which store, and who may read through which hub. The flows are edges of the model's
  data-sharing network (:mod:`sim.world.network`), which the model reads for recording,
  clinical access and insider reach.

Three class attributes still steer the model directly: ``on_device`` (the records live on
the resident's phone: its access flows are gated, and break-glass reads see only the
emergency summary), ``pooling`` (how residents perceive the design) and, for the on-device
architecture, the ``break_glass`` service whose outage stops emergency access. The code
gate at care itself is read from the access flows' ``gated`` flag (:mod:`sim.world.network`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from ..registry import Registry
from .network import DEVICE

if TYPE_CHECKING:  # pragma: no cover
    from .institutions import Institution
    from .model import HealthDataModel

__all__ = ["ARCHITECTURES", "Architecture", "register_architecture"]

ARCHITECTURES: Registry[type[Architecture]] = Registry("architecture", name_attr="name")

Flow = tuple["Institution | str", "Institution | str", str, dict[str, Any]]


def register_architecture(name: str):
    """Register an :class:`Architecture` subclass under ``name`` (its ``name``)."""
    return ARCHITECTURES.register(name)


class Architecture:
    """Base class: institution silos (nothing shared between institutions)."""

    name: ClassVar[str] = "base"
    #: the records live on the resident's phone (on-device): its access flows are gated
    on_device: ClassVar[bool] = False
    #: how far records are pooled, 0-1, as residents perceive it (part of the design's
    #: sensitivity, :func:`sim.world.behaviour.policy_perception`)
    pooling: ClassVar[float] = 0.0

    def __init__(self, model: HealthDataModel) -> None:
        self.model = model

    def build_stores(self) -> None:
        """Create the architecture's own institutions and stores (none for silos)."""

    def flows(self) -> list[Flow]:
        """Sharing flows ``(source, destination, kind, attributes)`` (:mod:`sim.world.network`)."""
        return []

    def _upload_and_read(self, hub: Institution, providers, store: str, fields: int,
                         identified: bool, *, copies: bool = True,
                         kind: str = "upload") -> list[Flow]:
        """Providers send records to ``hub``'s ``store``; ``hub`` serves them back to read."""
        gated = self.model.consent.requires_code
        return [(p, hub, kind, {"store": store, "fields": fields, "master_id": identified,
                                "copies": copies}) for p in providers] + [
            (hub, p, "access", {"gated": gated}) for p in providers]


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

    def flows(self):
        """A region's providers upload to its platform and read from it."""
        m = self.model
        out = []
        for r, plat in self.platforms.items():
            members = [p for p in m.providers if p.region == r]
            out += self._upload_and_read(plat, members, "platform", m.policy.platform,
                                         m.policy.cross_domain_identified)
        return out


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

    def flows(self):
        """Every provider uploads to the national platform and reads from it."""
        m = self.model
        return self._upload_and_read(self.platform, m.providers, "platform", m.policy.platform,
                                     m.policy.cross_domain_identified)


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

    def flows(self):
        """Providers register patients with the locator, which routes queries back.

        The locator keeps no copy of the record: the holder must be up.
        """
        m = self.model
        return self._upload_and_read(self.locator, m.providers, "index", m.policy.locator,
                                     m.policy.cross_domain_identified, copies=False,
                                     kind="index")


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

    def flows(self):
        """Providers write to the resident's phone, readable wherever the code is shown.

        With break-glass, providers send the emergency summary to the service, which any
        emergency clinician may open.
        """
        m = self.model
        prov = m.providers
        out = [(p, DEVICE, "upload", {"fields": m.policy.provider, "master_id": True,
                                      "copies": True}) for p in prov]
        out += [(DEVICE, p, "access", {"gated": True}) for p in prov]
        if self.break_glass is not None:
            out += [(p, self.break_glass, "emergency summary",
                     {"purpose": "emergency", "store": "emergency summary",
                      "fields": m.policy.emergency, "master_id": True}) for p in prov]
            out += [(self.break_glass, p, "access", {"purpose": "emergency"}) for p in prov]
        return out
