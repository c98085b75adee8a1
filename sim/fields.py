"""The data-field catalogue: what can be collected about a resident, and what it is worth.

Every field has a category, a *sensitivity* (harm weight if exposed, 0-1), a *clinical
value* per encounter type (0-1: how much a clinician needs it), a *resale value* (yuan a
buyer pays for the field as part of one record), whether it is a direct identifier or a
quasi-identifier, and whether it is *sensitive personal information* in the sense of
PIPL Art. 28 (medical health, financial accounts, whereabouts).

Field sets are carried through the model as 64-bit masks (bit ``i`` = field ``i``), so
"which fields does this store hold for these residents" is one vectorised ``&``.

Sources: sensitivity categories follow PIPL Art. 28
(https://personalinformationprotectionlaw.com/PIPL/article-28/); resale values are set so
that a full record retails at about ¥200-300 (US$10-50 for a partial EHR, FBI 2014; China
¥1,200 per named full look-up and ¥50 per maternity record, 法治日报 2025; calibration.md
§2.5); clinical values are the modellers' judgement, ordered by the information gaps
Stiell et al. (CMAJ 2003) found in emergency departments (history 58%, labs 23%) and the
medication-history errors in Tam et al. (CMAJ 2005). They are assumptions: change them in
a copy of :data:`CATALOGUE` and pass it to the model to test them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import numpy as np

from .frozen import FrozenMap

__all__ = [
    "CATALOGUE",
    "CATEGORY_ORDER",
    "EncounterType",
    "Field",
    "FieldCatalogue",
    "FieldCategory",
]


class EncounterType(enum.IntEnum):
    """The kinds of care event a resident has."""

    ROUTINE = 0
    CHRONIC = 1
    EMERGENCY = 2
    PREVENTIVE = 3  # vaccination or screening


class FieldCategory(enum.Enum):
    """Catalogue categories named in the design brief."""

    IDENTIFIER = "identifier"
    QUASI_IDENTIFIER = "quasi_identifier"
    CORE_CLINICAL = "core_clinical"
    SENSITIVE_CLINICAL = "sensitive_clinical"
    LIFESTYLE = "lifestyle"
    FINANCIAL = "financial"
    LOCATION = "location"


CATEGORY_ORDER = tuple(FieldCategory)


@dataclass(frozen=True, kw_only=True)
class Field:
    """One collectable data field.

    Attributes:
        name: snake_case name used in scenario files.
        category: catalogue category.
        sensitivity: harm weight (0-1) when the field is exposed in re-identifiable form.
        clinical_value: need (0-1) per encounter type, ``(routine, chronic, emergency,
            preventive)``.
        resale_value_yuan: what the field adds to the retail price of one record.
        identifier: a direct identifier (name, ID-card number).
        quasi_identifier: a quasi-identifier (linkable through combinations).
        sensitive: PIPL Art. 28 sensitive personal information.
        needs_condition: the health condition that makes the field relevant
            (``None``: relevant for every resident).
        generalises: for a coarse quasi-identifier, the finer field it summarises
            (``birth_year`` generalises ``birth_date``).
        description: one line for documentation and widgets.
    """

    name: str
    category: FieldCategory
    sensitivity: float
    clinical_value: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    resale_value_yuan: float
    identifier: bool = False
    quasi_identifier: bool = False
    sensitive: bool = False
    needs_condition: str | None = None
    generalises: str | None = None
    description: str = ""

    def __post_init__(self) -> None:
        if not 0.0 <= self.sensitivity <= 1.0:
            raise ValueError(f"field {self.name}: sensitivity must be in [0, 1]")
        if len(self.clinical_value) != len(EncounterType) or not all(
            0.0 <= v <= 1.0 for v in self.clinical_value
        ):
            raise ValueError(f"field {self.name}: clinical_value needs 4 values in [0, 1]")


C = FieldCategory

_FIELDS: tuple[Field, ...] = (
    # identifiers
    Field(name="id_number", category=C.IDENTIFIER, sensitivity=0.5, resale_value_yuan=20.0,
          identifier=True,
          description="resident ID-card number (county + birth date + sex + serial)"),
    Field(name="name_phone", category=C.IDENTIFIER, sensitivity=0.3, resale_value_yuan=10.0,
          identifier=True, description="name and mobile number"),
    # quasi-identifiers
    Field(name="birth_date", category=C.QUASI_IDENTIFIER, sensitivity=0.1, resale_value_yuan=1.0,
          quasi_identifier=True, description="full date of birth"),
    Field(name="birth_year", category=C.QUASI_IDENTIFIER, sensitivity=0.02, resale_value_yuan=0.2,
          quasi_identifier=True, generalises="birth_date", description="year of birth only"),
    Field(name="sex", category=C.QUASI_IDENTIFIER, sensitivity=0.01, resale_value_yuan=0.1,
          quasi_identifier=True, description="sex"),
    Field(name="county", category=C.QUASI_IDENTIFIER, sensitivity=0.05, resale_value_yuan=0.5,
          quasi_identifier=True, description="county of residence"),
    Field(name="region", category=C.QUASI_IDENTIFIER, sensitivity=0.01, resale_value_yuan=0.1,
          quasi_identifier=True, generalises="county", description="province / region"),
    Field(name="occupation", category=C.QUASI_IDENTIFIER, sensitivity=0.05, resale_value_yuan=0.5,
          quasi_identifier=True, clinical_value=(0.02, 0.02, 0.0, 0.02), description="occupation"),
    Field(name="ethnicity", category=C.QUASI_IDENTIFIER, sensitivity=0.2, resale_value_yuan=0.5,
          quasi_identifier=True, description="ethnicity (nationality)"),
    Field(name="marital_status", category=C.QUASI_IDENTIFIER, sensitivity=0.1,
          resale_value_yuan=0.5, quasi_identifier=True, description="marital status"),
    Field(name="education", category=C.QUASI_IDENTIFIER, sensitivity=0.05, resale_value_yuan=0.5,
          quasi_identifier=True, description="education level"),
    # core clinical
    Field(name="allergies", category=C.CORE_CLINICAL, sensitivity=0.2, resale_value_yuan=4.0,
          sensitive=True, clinical_value=(0.6, 0.6, 1.0, 0.6), description="allergy status"),
    Field(name="medications", category=C.CORE_CLINICAL, sensitivity=0.4, resale_value_yuan=6.0,
          sensitive=True, clinical_value=(0.7, 1.0, 1.0, 0.3), description="current medications"),
    Field(name="chronic_conditions", category=C.CORE_CLINICAL, sensitivity=0.5,
          resale_value_yuan=8.0, sensitive=True, needs_condition="chronic",
          clinical_value=(0.6, 1.0, 0.9, 0.4), description="chronic diagnoses"),
    Field(name="blood_type", category=C.CORE_CLINICAL, sensitivity=0.1, resale_value_yuan=1.0,
          sensitive=True, clinical_value=(0.0, 0.0, 0.5, 0.0), description="blood group"),
    Field(name="vaccinations", category=C.CORE_CLINICAL, sensitivity=0.2, resale_value_yuan=2.0,
          sensitive=True, clinical_value=(0.2, 0.1, 0.2, 1.0),
          description="vaccination history (incl. COVID-era records)"),
    Field(name="test_results", category=C.CORE_CLINICAL, sensitivity=0.5, resale_value_yuan=6.0,
          sensitive=True, clinical_value=(0.7, 0.9, 0.6, 0.5),
          description="laboratory results (incl. COVID-era tests)"),
    Field(name="imaging", category=C.CORE_CLINICAL, sensitivity=0.3, resale_value_yuan=4.0,
          sensitive=True, clinical_value=(0.3, 0.6, 0.7, 0.2), description="imaging reports"),
    Field(name="surgery_history", category=C.CORE_CLINICAL, sensitivity=0.4,
          resale_value_yuan=4.0, sensitive=True, needs_condition="surgery",
          clinical_value=(0.3, 0.4, 0.6, 0.1), description="past operations"),
    # sensitive clinical
    Field(name="mental_health", category=C.SENSITIVE_CLINICAL, sensitivity=0.9,
          resale_value_yuan=15.0, sensitive=True, needs_condition="mental",
          clinical_value=(0.4, 0.5, 0.5, 0.1), description="psychiatric diagnoses and treatment"),
    Field(name="infectious_disease", category=C.SENSITIVE_CLINICAL, sensitivity=0.9,
          resale_value_yuan=15.0, sensitive=True, needs_condition="infectious",
          clinical_value=(0.4, 0.4, 0.6, 0.5), description="HIV, hepatitis and similar"),
    Field(name="reproductive_health", category=C.SENSITIVE_CLINICAL, sensitivity=0.8,
          resale_value_yuan=15.0, sensitive=True, needs_condition="reproductive",
          clinical_value=(0.4, 0.3, 0.5, 0.4), description="pregnancy, fertility, contraception"),
    Field(name="genetic_family_history", category=C.SENSITIVE_CLINICAL, sensitivity=0.8,
          resale_value_yuan=10.0, sensitive=True, needs_condition="genetic",
          clinical_value=(0.2, 0.3, 0.1, 0.7), description="genetic tests, family history"),
    # lifestyle
    Field(name="smoking", category=C.LIFESTYLE, sensitivity=0.2, resale_value_yuan=1.0,
          clinical_value=(0.1, 0.15, 0.05, 0.1), description="smoking"),
    Field(name="drinking", category=C.LIFESTYLE, sensitivity=0.3, resale_value_yuan=1.0,
          clinical_value=(0.1, 0.15, 0.1, 0.1), description="alcohol use"),
    Field(name="exercise", category=C.LIFESTYLE, sensitivity=0.05, resale_value_yuan=0.5,
          clinical_value=(0.05, 0.05, 0.0, 0.05), description="physical activity"),
    Field(name="diet", category=C.LIFESTYLE, sensitivity=0.05, resale_value_yuan=0.5,
          clinical_value=(0.05, 0.05, 0.0, 0.05), description="diet"),
    Field(name="sleep", category=C.LIFESTYLE, sensitivity=0.05, resale_value_yuan=0.5,
          clinical_value=(0.02, 0.02, 0.0, 0.0), description="sleep"),
    # financial
    Field(name="insurance_claims", category=C.FINANCIAL, sensitivity=0.6, resale_value_yuan=20.0,
          sensitive=True, clinical_value=(0.05, 0.1, 0.05, 0.05),
          description="medical-insurance settlement history"),
    Field(name="payment_transactions", category=C.FINANCIAL, sensitivity=0.7,
          resale_value_yuan=40.0, sensitive=True, description="payment-code transactions"),
    # location
    Field(name="location_trail", category=C.LOCATION, sensitivity=0.7, resale_value_yuan=30.0,
          sensitive=True, quasi_identifier=True,
          description="health-code scan / location history (4 points identify 95%)"),
)

CONDITIONS = ("chronic", "surgery", "mental", "infectious", "reproductive", "genetic")


@dataclass(frozen=True)
class FieldCatalogue:
    """An ordered, indexable collection of :class:`Field` with bit-mask helpers.

    Args:
        fields: the fields, at most 64 (one bit each).
    """

    fields: tuple[Field, ...]
    index: FrozenMap = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if len(self.fields) > 64:
            raise ValueError("a catalogue holds at most 64 fields (one bit each)")
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError("field names must be unique")
        object.__setattr__(self, "index", FrozenMap({n: i for i, n in enumerate(names)}))

    def __len__(self) -> int:
        return len(self.fields)

    def __iter__(self):
        return iter(self.fields)

    def __getitem__(self, name: str) -> Field:
        return self.fields[self.position(name)]

    @property
    def names(self) -> tuple[str, ...]:
        """Field names in catalogue order."""
        return tuple(f.name for f in self.fields)

    def position(self, name: str) -> int:
        """Return the bit position of field ``name``.

        Raises:
            KeyError: naming the valid fields, if ``name`` is not in the catalogue.
        """
        try:
            return self.index[name]
        except KeyError:
            raise KeyError(
                f"unknown field {name!r}; valid fields: {', '.join(self.names)}"
            ) from None

    def mask(self, names) -> int:
        """Return the bit mask of the named fields."""
        m = 0
        for n in names:
            m |= 1 << self.position(n)
        return m

    def mask_where(self, predicate) -> int:
        """Return the mask of the fields for which ``predicate(field)`` is true."""
        return self.mask(f.name for f in self.fields if predicate(f))

    def vector(self, attr: str) -> np.ndarray:
        """Return a float vector of a numeric attribute, one entry per field."""
        return np.array([float(getattr(f, attr)) for f in self.fields])

    def clinical_matrix(self) -> np.ndarray:
        """Return clinical values as an ``(n_encounter_types, n_fields)`` array."""
        return np.array([f.clinical_value for f in self.fields]).T

    def unpack(self, masks: np.ndarray) -> np.ndarray:
        """Turn an array of masks into a boolean ``(len(masks), n_fields)`` array."""
        shifts = np.arange(len(self.fields), dtype=np.uint64)
        return ((masks.astype(np.uint64)[:, None] >> shifts) & np.uint64(1)).astype(bool)


CATALOGUE = FieldCatalogue(_FIELDS)
