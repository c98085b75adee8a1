"""Collection scopes and the compiled policy: which fields each kind of store may hold.

A *collection scope* is a named field set (registered in :data:`COLLECTION_SCOPES`, so a
researcher can add one). :class:`Policy` turns the scenario's levers into the bit masks
the model uses every day: what providers record, what each cross-domain store holds, what
a clinician needs in an emergency, and which fields are identifiers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..fields import FieldCatalogue, FieldCategory
from ..registry import Registry

__all__ = ["COLLECTION_SCOPES", "Policy", "register_collection_scope"]

#: name -> function(catalogue) -> set of field names
COLLECTION_SCOPES: Registry[Callable[[FieldCatalogue], set[str]]] = Registry("collection scope")


def register_collection_scope(name: str):
    """Register a function ``catalogue -> set of field names`` as a collection scope."""
    return COLLECTION_SCOPES.register(name)


_MINIMAL = {
    "name_phone", "birth_year", "sex", "region",
    "allergies", "medications", "chronic_conditions", "blood_type", "vaccinations",
    "test_results", "imaging", "surgery_history",
    "mental_health", "infectious_disease", "reproductive_health", "genetic_family_history",
}
_CLINICAL = _MINIMAL | {"birth_date", "county", "smoking", "drinking"}
_EXTENDED = _CLINICAL | {
    "occupation", "ethnicity", "marital_status", "education",
    "exercise", "diet", "sleep", "insurance_claims",
}
_MAXIMAL = _EXTENDED | {"payment_transactions", "location_trail", "id_number"}


@register_collection_scope("minimal")
def _minimal(cat: FieldCatalogue) -> set[str]:
    """PIPL 'minimum necessary': what care needs, with coarse demographics (birth year, region)."""
    return set(_MINIMAL)


@register_collection_scope("clinical")
def _clinical(cat: FieldCatalogue) -> set[str]:
    """Minimal plus full birth date, county, smoking and drinking."""
    return set(_CLINICAL)


@register_collection_scope("extended")
def _extended(cat: FieldCatalogue) -> set[str]:
    """The critics' list: clinical plus marriage, ethnicity, occupation, education, lifestyle."""
    return set(_EXTENDED)


@register_collection_scope("maximal")
def _maximal(cat: FieldCatalogue) -> set[str]:
    """Everything, including payment transactions and health-code location trails."""
    return set(_MAXIMAL)


@register_collection_scope("custom")
def _custom(cat: FieldCatalogue) -> set[str]:
    """Placeholder: the explicit ``collection_fields`` list is used instead."""
    return set()


# Field families held by each kind of store (before the collection scope is applied).
_PROVIDER_CATEGORIES = {
    FieldCategory.IDENTIFIER, FieldCategory.QUASI_IDENTIFIER, FieldCategory.CORE_CLINICAL,
    FieldCategory.SENSITIVE_CLINICAL, FieldCategory.LIFESTYLE,
}
_PUBLIC_HEALTH_FIELDS = {"vaccinations", "infectious_disease", "test_results", "location_trail"}
_INSURANCE_FIELDS = {"insurance_claims", "chronic_conditions", "medications"}
_PAYMENT_FIELDS = {"payment_transactions", "location_trail"}
_EMERGENCY_FIELDS = {"allergies", "medications", "chronic_conditions", "blood_type"}


@dataclass(frozen=True)
class Policy:
    """The levers of one scenario compiled into field masks.

    Attributes:
        collected: every field collected anywhere (the scope, plus the ID number under the
            ID-card master index).
        provider: what a provider records about its patients.
        platform: what a regional or national platform holds of a participating resident.
        public_health: what public health (CDC) holds.
        insurance_base: what the insurance bureau holds for settlement.
        integrated_insurance: what the bureau can see through an integrated insurance code.
        payment_base: what the payment platform holds.
        integrated_payment: what the payment platform sees through an integrated code.
        locator: what a federated record-locator service holds.
        emergency: the emergency summary (break-glass service).
        identifiers: direct-identifier fields.
        sensitive_clinical: fields a withholding resident does not disclose.
        cross_domain_identified: whether cross-domain stores carry direct identifiers.
    """

    collected: int
    provider: int
    platform: int
    public_health: int
    insurance_base: int
    integrated_insurance: int
    payment_base: int
    integrated_payment: int
    locator: int
    emergency: int
    identifiers: int
    quasi_identifiers: int
    sensitive_clinical: int
    lifestyle: int
    cross_domain_identified: bool

    @classmethod
    def compile(cls, params: Mapping[str, Any], cat: FieldCatalogue) -> Policy:
        """Build the masks from a validated parameter mapping."""
        scope = params["collection_scope"]
        names = (set(params["collection_fields"]) if scope == "custom"
                 else COLLECTION_SCOPES[scope](cat))
        master_index = params["identity"] == "id_card_master_index"
        if master_index and names:
            names = names | {"id_number"}
        collected = cat.mask(names)
        identifiers = cat.mask_where(lambda f: f.identifier)
        qis = cat.mask_where(lambda f: f.quasi_identifier)

        def of(fields) -> int:
            return cat.mask(fields) & collected

        provider = cat.mask_where(lambda f: f.category in _PROVIDER_CATEGORIES) | of(
            {"insurance_claims"})
        provider &= collected
        # Under per-domain pseudonyms, cross-domain stores hold a pseudonym, not identity.
        cross_ids = (identifiers & collected) if master_index else 0
        strip = ~identifiers if not master_index else ~0
        integration = params["code_integration"]
        clinical_view = provider & strip
        platform = (provider | of(_PUBLIC_HEALTH_FIELDS)) & strip | cross_ids
        public_health = (of(_PUBLIC_HEALTH_FIELDS) | (qis & collected)) & strip | cross_ids
        insurance_base = of(_INSURANCE_FIELDS) | (qis & collected) | (identifiers & collected)
        payment_base = of(_PAYMENT_FIELDS) | (identifiers & collected)
        integrated_insurance = (clinical_view | cross_ids) if integration != "health_only" else 0
        integrated_payment = (
            (clinical_view | of({"insurance_claims"}) | cross_ids)
            if integration == "health_insurance_payment" else 0
        )
        if not (payment_base & ~identifiers):
            payment_base = 0  # the payment platform holds nothing health-related
        locator = ((qis | identifiers) & collected) & strip | cross_ids
        emergency = of(_EMERGENCY_FIELDS) | (identifiers & collected)
        return cls(
            collected=collected,
            provider=provider,
            platform=platform,
            public_health=public_health,
            insurance_base=insurance_base,
            integrated_insurance=integrated_insurance,
            payment_base=payment_base,
            integrated_payment=integrated_payment,
            locator=locator,
            emergency=emergency,
            identifiers=identifiers,
            quasi_identifiers=qis,
            sensitive_clinical=cat.mask_where(
                lambda f: f.category is FieldCategory.SENSITIVE_CLINICAL),
            lifestyle=cat.mask_where(lambda f: f.category is FieldCategory.LIFESTYLE),
            cross_domain_identified=master_index,
        )
