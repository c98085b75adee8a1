"""Institutions (Mesa agents) and the stores of records they hold.

An institution node stands for one tier of real institutions in one region (all the
community clinics of a region, say), or for one national body. ``represents`` is how many
real institutions the node stands for: attacks and breach sizes apply to one real
institution, so a breach of a clinic node exposes each of the node's residents with
probability ``fraction / represents`` (a thinning that keeps the sample representative).

Real counts (NHC statistical bulletin 2021, not verified here): 3,275 tertiary hospitals,
10,848 secondary hospitals, ~977,790 primary-care institutions. National bodies
(platforms, public health reporting, the insurance bureau's platform, a payment platform,
a record locator, a break-glass service) are single systems.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:  # pragma: no cover
    from .model import HealthDataModel

__all__ = [
    "AGENCY_COUNTS",
    "HOLDINGS_REFRESH_DAYS",
    "REAL_COUNTS",
    "SECURITY_PARAM",
    "Institution",
    "InstitutionKind",
    "Store",
]

#: how stale a store's list of the residents it holds may be (attackers work from snapshots)
HOLDINGS_REFRESH_DAYS = 7


class InstitutionKind(enum.Enum):
    """Kinds of institution in the model."""

    TERTIARY = "tertiary_hospital"
    SECONDARY = "secondary_hospital"
    CLINIC = "community_clinic"
    PUBLIC_HEALTH = "public_health"
    INSURANCE = "insurance_bureau"
    PAYMENT = "payment_platform"
    REGIONAL_PLATFORM = "regional_platform"
    NATIONAL_PLATFORM = "national_platform"
    RECORD_LOCATOR = "record_locator"
    BREAK_GLASS = "break_glass_service"

    @property
    def is_provider(self) -> bool:
        """Whether the institution treats patients (and records encounters)."""
        return self in _PROVIDERS


_PROVIDERS = {InstitutionKind.TERTIARY, InstitutionKind.SECONDARY, InstitutionKind.CLINIC}

#: real institutions of each provider tier in the country: NHC 2021 statistical bulletin,
#: 3,275 tertiary and 10,848 secondary hospitals, 977,790 primary-care institutions
#: (shared/data/china/health_system.csv, read via reprints)
REAL_COUNTS = {
    InstitutionKind.TERTIARY: 3_275,
    InstitutionKind.SECONDARY: 10_848,
    InstitutionKind.CLINIC: 977_790,
}

#: real systems a national body's node stands for: disease reporting is run by the 31
#: provincial CDCs, basic medical insurance is pooled and settled by the 333 prefecture-level
#: funds (NBS 2023 divisions; pooling level: NHSA, not verified here); one payment platform
AGENCY_COUNTS = {
    InstitutionKind.PUBLIC_HEALTH: 31,
    InstitutionKind.INSURANCE: 333,
}

#: the security parameter of each kind of institution
SECURITY_PARAM = {
    InstitutionKind.TERTIARY: "security_hospital",
    InstitutionKind.SECONDARY: "security_hospital",
    InstitutionKind.CLINIC: "security_clinic",
    InstitutionKind.PUBLIC_HEALTH: "security_agency",
    InstitutionKind.INSURANCE: "security_agency",
    InstitutionKind.PAYMENT: "security_agency",
    InstitutionKind.REGIONAL_PLATFORM: "security_platform",
    InstitutionKind.NATIONAL_PLATFORM: "security_platform",
    InstitutionKind.RECORD_LOCATOR: "security_platform",
    InstitutionKind.BREAK_GLASS: "security_platform",
}


@dataclass(eq=False)
class Store:
    """A body of records held by an institution.

    Attributes:
        name: short label ("local records", "platform", "integrated insurance view").
        institution: the holder.
        scope: whose encounters feed the store: ``"provider"`` (one provider row, ``key``),
            ``"region"`` (the providers of region ``key``), ``"all"`` (every provider),
            ``"providers"`` (the provider rows ``feeders``) or ``"everyone"`` (every
            resident, encounters or not).
        key: the provider row or region for ``scope``.
        fields: bit mask of the fields held (already restricted to what is collected).
        identified: records carry direct identifiers.
        needs_participation: only residents who participate in sharing are held, and only
            the fields they share.
        index: position in ``model.stores``.
        feeders: provider rows feeding the store when ``scope`` is ``"providers"`` (set
            from the sharing network, :func:`sim.world.network.resolve_feeds`).
        members: name of a boolean population column of the only residents the holder can
            hold at all (``"insured"``, ``"pays_online"``, ``"insurance_code"``), or ``""``.
    """

    name: str
    institution: Institution
    scope: str
    key: int
    fields: int
    identified: bool
    needs_participation: bool
    index: int = -1
    feeders: tuple[int, ...] = ()
    members: str = ""
    retail_value: float = field(default=0.0, repr=False)


class Institution(mesa.Agent):
    """A hospital, clinic, agency or platform that holds records.

    Attributes:
        kind: :class:`InstitutionKind`.
        region: region index, ``-1`` for national bodies.
        security: 0-1; an attempt succeeds with probability ``skill × (1 - security)``.
        represents: real institutions this node stands for.
        stores: the record stores it holds.
        index: position in ``model.institution_list`` (row of per-institution arrays).
        provider_row: row in the encounter table, ``-1`` if not a provider.
        kind_ordinal: position of ``kind`` in :class:`InstitutionKind` (for arrays).
        label: a readable name ("clinic Guangdong 2").
    """

    def __init__(self, model: HealthDataModel, kind: InstitutionKind, region: int,
                 label: str) -> None:
        super().__init__(model)
        self.kind = kind
        self.region = region
        self.label = label
        self.security = float(model.p[SECURITY_PARAM[kind]])
        self.represents = 1
        if kind.is_provider:
            per_region = model.p[{
                InstitutionKind.TERTIARY: "tertiary_per_region",
                InstitutionKind.SECONDARY: "secondary_per_region",
                InstitutionKind.CLINIC: "clinics_per_region",
            }[kind]]
            # real institutions are spread over the regions as the residents are (a node of
            # Guangdong stands for 35 times as many hospitals as one of Tibet)
            share = float(model.pop.region_weight[region])
            self.represents = max(1, round(REAL_COUNTS[kind] * share / per_region))
        elif kind in AGENCY_COUNTS:
            self.represents = AGENCY_COUNTS[kind]
        self.stores: list[Store] = []
        self.index = -1
        self.provider_row = -1
        self.kind_ordinal = list(InstitutionKind).index(kind)

    def __repr__(self) -> str:
        return f"Institution({self.label!r}, {self.kind.value})"
