"""The one parameter declaration: every lever, uncertainty and setting, declared once.

Each :class:`Parameter` carries its default, its allowed range or choices, its unit, its
kind (``lever``: what a planner controls; ``uncertainty``: what nobody controls;
``setting``: size and length of the run), its group (for widgets and documentation), a
one-line help text and the **source** of its default. Scenario validation, the command
line's ``list``, the widgets, the sweeps and the ODD documentation table all read this
declaration, so a default exists in exactly one place (EMA Workbench's separation of
levers and uncertainties; see ``STYLE.md``).

Sources cite ``calibration.md`` (the project's research notes) by section; "assumption"
marks a modellers' judgement that no source pins down, which is why those parameters are
uncertainties with wide ranges.
"""

from __future__ import annotations

import difflib
import math
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

from .yamlio import short

__all__ = [
    "GROUPS",
    "PARAMETERS",
    "Parameter",
    "ParameterError",
    "defaults",
    "levers",
    "register_parameter",
    "uncertainties",
    "unknown_name_help",
    "unregister_parameter",
]

Kind = Literal["lever", "uncertainty", "setting"]


class ParameterError(ValueError):
    """A parameter value is invalid; the message names the field, the value and what is allowed.

    Attributes:
        field: the parameter (or scenario key) at fault.
        value: the offending value.
        allowed: a human-readable description of what is allowed.
    """

    def __init__(self, field: str, value: Any, allowed: str, where: str = "") -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        self.where = where
        loc = f"{where}: " if where else ""
        super().__init__(f"{loc}{field}: invalid value {short(value)}; allowed: {allowed}")

    def __reduce__(self):  # picklable (raised in a worker, re-raised in its parent)
        return (type(self), (self.field, self.value, self.allowed, self.where))


@dataclass(frozen=True, kw_only=True)
class Parameter:
    """Declaration of one model parameter.

    Attributes:
        name: snake_case key used in scenario files, ``--set`` and widgets.
        default: default value (also the status-quo value for levers).
        kind: ``"lever"``, ``"uncertainty"`` or ``"setting"``.
        group: display group ("collection", "consent", ...).
        unit: unit of the value ("days", "probability", "yuan", "-").
        help: one-line explanation for planners.
        source: where the default comes from.
        dtype: ``int``, ``float``, ``bool``, ``str`` or ``list``.
        low: inclusive lower bound for numbers.
        high: inclusive upper bound for numbers.
        choices: allowed values for ``str`` (a tuple, or a callable returning names from a
            registry so that researchers can add options).
        item_choices: for ``list``: callable returning the allowed items.
    """

    name: str
    default: Any
    kind: Kind
    group: str
    unit: str
    help: str
    source: str
    dtype: type = float
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | Callable[[], Sequence[str]] | None = None
    item_choices: Callable[[], Sequence[str]] | None = None

    def allowed_choices(self) -> list[str]:
        """Return the allowed values of a categorical parameter."""
        if self.choices is None:
            return []
        return list(self.choices() if callable(self.choices) else self.choices)

    def describe_allowed(self) -> str:
        """Return what is allowed, for error messages and ``list``."""
        if self.dtype is bool:
            return "true or false"
        if self.dtype is str:
            return "one of " + ", ".join(self.allowed_choices())
        if self.dtype is list:
            items = self.item_choices() if self.item_choices else []
            return "a list of field names from: " + ", ".join(items)
        kind = "an integer" if self.dtype is int else "a number"
        return f"{kind} in [{_fmt(self.low)}, {_fmt(self.high)}]"

    def validate(self, value: Any, where: str = "") -> Any:
        """Return ``value`` coerced to the parameter's type, or raise.

        NumPy scalars (what EMA Workbench and array code pass) count as the Python value
        they hold and come back as plain Python values: ``np.bool_`` for a bool,
        ``np.int64`` for an integer or a number, an integral ``np.float64`` for an
        integer, ``np.str_`` for a choice or a list item. A bool (NumPy's included) is
        never a number.

        Args:
            value: the value to check.
            where: where the value came from (a file and line), for the message.

        Returns:
            The value as a plain Python ``bool``, ``int``, ``float``, ``str`` or ``list``.

        Raises:
            ParameterError: naming the field, the value and what is allowed.
        """
        value = _plain(value)
        fail = ParameterError(self.name, value, self.describe_allowed(), where)
        if self.dtype is bool:
            if isinstance(value, bool):
                return value
            raise fail
        if self.dtype is str:
            if isinstance(value, str) and value in self.allowed_choices():
                return value
            raise fail
        if self.dtype is list:
            if not isinstance(value, list | tuple):
                raise fail
            allowed = set(self.item_choices() if self.item_choices else [])
            items = [_plain(item) for item in value]
            for item in items:
                if not isinstance(item, str) or (allowed and item not in allowed):
                    raise ParameterError(self.name, item, self.describe_allowed(), where)
            return list(dict.fromkeys(items))  # drop duplicates, keep order
        # numbers; bool is an int subclass but never a valid number here
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise fail
        if self.dtype is int:
            if isinstance(value, float):
                if not value.is_integer():
                    raise fail
                value = int(value)
        else:
            try:
                value = float(value)
            except OverflowError:  # an integer beyond any float
                raise fail from None
            if not math.isfinite(value):
                raise fail
        if (self.low is not None and value < self.low) or (
            self.high is not None and value > self.high
        ):
            raise fail
        return value

    def parse_text(self, text: str) -> Any:
        """Parse a ``--set key=value`` string into a value of the right type (then validate)."""
        t = text.strip()
        if self.dtype is bool:
            low = t.lower()
            if low in {"true", "yes", "1", "on"}:
                return self.validate(True)
            if low in {"false", "no", "0", "off"}:
                return self.validate(False)
            raise ParameterError(self.name, text, self.describe_allowed())
        if self.dtype is str:
            return self.validate(t)
        if self.dtype is list:
            inner = t[1:-1] if t.startswith("[") and t.endswith("]") else t
            if "[" in inner or "]" in inner:  # a nested list is not a list of names
                raise ParameterError(self.name, text, "a flat list, e.g. [a, b] or a,b, of "
                                     + self.describe_allowed())
            items = [s.strip() for s in inner.split(",") if s.strip()]
            return self.validate(items)
        try:
            num = float(t) if self.dtype is float else _parse_int(t)
        except ValueError:
            raise ParameterError(self.name, text, self.describe_allowed()) from None
        return self.validate(num)


def _plain(value: Any) -> Any:
    """A NumPy scalar as the Python value it holds (``.item()``); anything else unchanged.

    NumPy is only looked up if something has imported it already: without it loaded, no
    value can be a NumPy scalar (and ``import sim`` stays fast).
    """
    np = sys.modules.get("numpy")
    if np is not None and isinstance(value, np.generic):
        return value.item()
    return value


def _parse_int(t: str) -> int | float:
    try:
        return int(t)
    except ValueError:
        return float(t)


def _fmt(x: float | None) -> str:
    if x is None:
        return "-inf"
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{x:g}"


def _registry_names(module: str, attr: str) -> Callable[[], list[str]]:
    """Return a callable listing a registry's names, resolved lazily to avoid import cycles."""

    def names() -> list[str]:
        import importlib

        return importlib.import_module(module).__dict__[attr].names()

    return names


def _field_names() -> list[str]:
    from .fields import CATALOGUE

    return list(CATALOGUE.names)


# Display groups, in order: levers first (as a planner meets them), then assumptions.
GROUPS: tuple[tuple[str, str], ...] = (
    ("collection", "Collection"),
    ("consent", "Consent"),
    ("architecture", "Architecture and identity"),
    ("security", "Security"),
    ("enforcement", "Enforcement"),
    ("population", "Residents (assumptions)"),
    ("care", "Care and clinical effects (assumptions)"),
    ("threats", "Attackers (assumptions)"),
    ("institutions", "Institutions (assumptions)"),
    ("shock", "Shock event (assumptions)"),
    ("run", "Run settings"),
)

P = Parameter
_CAL = "calibration.md"

_DECLARED: tuple[Parameter, ...] = (
    # ------------------------------------------------------------------ levers
    P(name="collection_scope", default="clinical", kind="lever", group="collection", unit="-",
      dtype=str, choices=_registry_names("sim.world.policy", "COLLECTION_SCOPES"),
      help="Which fields institutions collect: minimal (what care needs, coarse demographics), "
           "clinical, extended (+ marriage, ethnicity, occupation, education, lifestyle), "
           "maximal (+ payments, location trails); 'custom' uses collection_fields.",
      source="DESIGN.md levers; minimal = PIPL Art. 6 minimum necessary; extended = fields the "
             "critics list (marriage, nationality, occupation, education, lifestyle)"),
    P(name="collection_fields", default=[], kind="lever", group="collection", unit="field names",
      dtype=list, item_choices=_field_names,
      help="Explicit field list, used when collection_scope is 'custom'.",
      source="DESIGN.md levers"),
    P(name="retention_days", default=3650, kind="lever", group="collection", unit="days",
      dtype=int, low=0, high=36500,
      help="How long records are kept after a resident's last encounter (36,500 = lifelong).",
      source="assumption: 10 years is a common medical-record retention period; the plan's "
             "'lifelong record' is 36,500"),
    P(name="consent_model", default="implied", kind="lever", group="consent", unit="-",
      dtype=str, choices=_registry_names("sim.world.consent", "CONSENT_MODELS"),
      help="Who decides whether a resident's data are shared: implied, opt-out, opt-in, "
           "granular per field, per-access 'show your code' (with or without break-glass).",
      source="DESIGN.md levers; uptake regularities calibration.md §4.1"),
    P(name="architecture", default="silos", kind="lever", group="architecture", unit="-",
      dtype=str, choices=_registry_names("sim.world.architecture", "ARCHITECTURES"),
      help="Where shared records live: institution silos, regional or national platform, "
           "federated query, or on the resident's phone.",
      source="DESIGN.md levers"),
    P(name="identity", default="id_card_master_index", kind="lever", group="architecture",
      unit="-", dtype=str, choices=("id_card_master_index", "per_domain_pseudonyms"),
      help="Cross-domain key: the ID-card number as master index, or a separate pseudonym per "
           "domain (tokenised linkage).",
      source=f"{_CAL} §7 (NHC 2023 master patient index keyed on the ID number)"),
    P(name="code_integration", default="health_only", kind="lever", group="architecture",
      unit="-", dtype=str, choices=("health_only", "health_insurance", "health_insurance_payment"),
      help="Whether the health code is merged with the insurance settlement code and the "
           "financial payment code ('one code for multiple purposes').",
      source="seed article (14th Five-Year Plan: multi-code integration)"),
    P(name="access_breadth", default="institution", kind="lever", group="architecture", unit="-",
      dtype=str, choices=("treating_team", "institution", "region", "national"),
      help="Whose records a staff member may open without a care relationship: only patients "
           "under their care, anyone at their institution, their region, the whole country.",
      source="DESIGN.md levers; UCLA snooping cases calibration.md §2.6"),
    P(name="audit_strength", default=0.3, kind="lever", group="security", unit="probability",
      low=0.0, high=1.0,
      help="Access audit: probability that a staff member's or secondary user's access "
           "without a reason is ever found (× (0.5 + purpose_binding)); it deters insiders "
           "and function creep. External breaches are found with external_detection_probability.",
      source=f"{_CAL} §5.2: rule-based audit ~0 on confirmed cases, ML audit sensitivity "
             "0.76-0.79 on confirmed inappropriate EHR accesses (Boxwala 2011); "
             "explanation-based auditing explains >90% of accesses (Fabbri 2013)"),
    P(name="purpose_binding", default=0.3, kind="lever", group="security", unit="probability",
      low=0.0, high=1.0,
      help="Probability that a query beyond the stated purpose is blocked (and that an "
           "unexplained access stands out in the audit).",
      source=f"{_CAL} §5.2: explanation-based auditing explains >90% of accesses (Fabbri 2013)"),
    P(name="encryption_at_rest", default=False, kind="lever", group="security", unit="-",
      dtype=bool,
      help="Stored records are encrypted; stolen copies are unusable unless keys are stolen "
           "too. Does not stop insiders.",
      source=f"{_CAL} §2.3 (21% of PHI incidents were lost/stolen unencrypted laptops)"),
    P(name="breach_notification", default="affected", kind="lever", group="enforcement",
      unit="-", dtype=str, choices=("none", "affected", "public"),
      help="After detection: tell nobody, tell the affected residents, or announce publicly.",
      source=f"{_CAL} §4.2: only 33% of US breach victims were told by the breached "
             "organisation (Accenture 2017)"),
    P(name="enforcement_probability", default=0.1, kind="lever", group="enforcement",
      unit="probability", low=0.0, high=1.0,
      help="Probability that a detected offender is sanctioned.",
      source=f"{_CAL} §5.3: ≤2.4% of large US breaches led to money penalties; criminal "
             "referrals rarer still"),
    P(name="penalty_yuan", default=100_000.0, kind="lever", group="enforcement", unit="yuan",
      low=0.0, high=50_000_000.0,
      help="Sanction per sanctioned offence.",
      source=f"{_CAL} §5.3: PIPL Art. 66, responsible persons ¥10k-1M, organisations ≤¥50M"),
    # ------------------------------------------------------------ population
    P(name="share_concerned", default=0.25, kind="uncertainty", group="population",
      unit="share", low=0.0, high=0.5,
      help="Share of residents with a 'privacy concerned' attitude.",
      source="assumption; Westin segmentation (~25% fundamentalists, not verified here). "
             "Range 0-0.5, like share_unconcerned's, so that the two never add up to more "
             "than all residents: every pair a sweep draws within the ranges is valid "
             f"({_CAL} gives no measured range for these segments)"),
    P(name="share_unconcerned", default=0.18, kind="uncertainty", group="population",
      unit="share", low=0.0, high=0.5,
      help="Share of residents 'unconcerned' about privacy (the rest are pragmatic).",
      source="assumption; Westin segmentation (~18% unconcerned, not verified here). "
             "Range 0-0.5, like share_concerned's, so that the two never add up to more "
             "than all residents (the rest, pragmatic, is then never negative)"),
    P(name="trust_concerned", default=0.45, kind="uncertainty", group="population",
      unit="0-1", low=0.0, high=1.0, help="Starting trust in the system, concerned residents.",
      source=f"assumption; sensitivity lowers trust (-0.49, Frontiers 2022, {_CAL} §4.2)"),
    P(name="trust_pragmatic", default=0.65, kind="uncertainty", group="population", unit="0-1",
      low=0.0, high=1.0, help="Starting trust, pragmatic residents.", source="assumption"),
    P(name="trust_unconcerned", default=0.8, kind="uncertainty", group="population",
      unit="0-1", low=0.0, high=1.0, help="Starting trust, unconcerned residents.",
      source="assumption"),
    P(name="response_concerned", default=1.5, kind="uncertainty", group="population",
      unit="ratio (pragmatic = 1)", low=0.0, high=5.0,
      help="How strongly a 'privacy concerned' resident's trust responds to the design and to "
           "publicised breaches, relative to a pragmatic resident (whose response is 1 by "
           "definition).",
      source="assumption: concerned residents respond most (Westin-style segmentation); no "
             "source in calibration.md measures the response by attitude"),
    P(name="response_unconcerned", default=0.5, kind="uncertainty", group="population",
      unit="ratio (pragmatic = 1)", low=0.0, high=5.0,
      help="How strongly an 'unconcerned' resident's trust responds to the design and to "
           "publicised breaches, relative to a pragmatic resident.",
      source="assumption: unconcerned residents respond least (Westin-style segmentation)"),
    P(name="participation_threshold", default=0.25, kind="uncertainty", group="population",
      unit="0-1", low=0.0, high=1.0,
      help="Trust at which a reviewing resident (of the reference group: a man aged 50+) is "
           "equally likely to share or refuse (logistic).",
      source=f"calibrated so that the plan under opt-out settles at ~5% refusal, inside the "
             f"2-10% of national opt-out records ({_CAL} §4.1 (i))"),
    P(name="participation_slope", default=0.08, kind="uncertainty", group="population",
      unit="0-1", low=0.01, high=1.0, help="Width of the logistic participation curve.",
      source=f"calibrated with participation_threshold ({_CAL} §4.1)"),
    P(name="consent_reviews_per_year", default=0.5, kind="uncertainty", group="population",
      unit="per resident per year", low=0.0, high=12.0,
      help="How often a resident reconsiders consent and disclosure, absent news.",
      source=f"assumption; inertia: <0.1% change default access settings (ADHA 2018, {_CAL} §4.1)"),
    P(name="opt_in_effort", default=0.25, kind="uncertainty", group="population",
      unit="share", low=0.0, high=1.0,
      help="Share of residents able to take the active steps an opt-in scheme needs (a "
           "fixed trait: the others never join, however willing).",
      source=f"{_CAL} §4.1 (ii): opt-in 21% vs opt-out 95.6% head to head (de Man 2023)"),
    P(name="withholding_rate", default=0.123, kind="uncertainty", group="population",
      unit="share", low=0.0, high=0.5,
      help="Share of residents who withhold sensitive information from clinicians at average "
           "trust.",
      source=f"{_CAL} §4.2: 12.3% (HINTS, Agaku 2014)"),
    P(name="withholding_control_factor", default=0.5, kind="uncertainty", group="population",
      unit="ratio", low=0.0, high=1.0,
      help="Multiplies the chance of withholding from clinicians under consent models that "
           "give residents a say over sharing (all but implied consent): residents who can "
           "refuse sharing need not lie to their doctor.",
      source=f"assumption; for scale, low perceived control raises the odds of withholding "
             f"1.42× (aOR, Agaku 2014, {_CAL} §4.2), i.e. control ≈ ×0.7 in odds: 0.5 is a "
             f"stronger effect than that association"),
    P(name="granular_hide_share", default=0.002, kind="uncertainty", group="population",
      unit="share", low=0.0, high=1.0,
      help="Under granular consent: share of willing, concerned residents who change the "
           "default and hide sensitive clinical fields (pragmatic: a third of it).",
      source=f"{_CAL} §4.1 (v): <0.1% of My Health Record users set access controls "
             f"(ADHA 2018)"),
    P(name="breach_trust_drop", default=0.16, kind="uncertainty", group="population",
      unit="0-1", low=0.0, high=1.0,
      help="Trust lost by a resident told their record was breached.",
      source=f"calibrated so that about a quarter of notified residents refuse sharing when "
             f"they reconsider: 25% of breach victims switched provider (Accenture 2017, "
             f"{_CAL} §4.2)"),
    P(name="news_trust_drop", default=0.05, kind="uncertainty", group="population",
      unit="0-1", low=0.0, high=0.5,
      help="Trust every resident loses when a breach of 1% of the population is announced "
           "(a breach of share s < 1% counts (s / 1%)²: small breaches barely make the news); "
           "it recovers with trust_half_life_days.",
      source=f"assumption; opt-out bursts during controversies ({_CAL} §4.1)"),
    P(name="news_review_share", default=0.25, kind="uncertainty", group="population",
      unit="reviews per resident", low=0.0, high=3.0,
      help="Extra reconsiderations per resident after a publicised breach of 1% of the "
           "population or more (smaller ones by the square of their share), spread over the "
           "following weeks.",
      source=f"calibrated so that such an event under opt-out adds a few points of refusal "
             f"over a month: England 2021 +2.2 pp in a month, Austria 2018 refusals doubled "
             f"during a 2-week debate ({_CAL} §4.1 (iii))"),
    P(name="attention_half_life_days", default=10.0, kind="uncertainty", group="population",
      unit="days", low=1.0, high=365.0,
      help="Half-life of the public's attention after a publicised event.",
      source=f"assumption; refusal bursts last weeks, not days or months ({_CAL} §4.1 (iii))"),
    P(name="notification_review_days", default=21.0, kind="uncertainty", group="population",
      unit="days", low=0.0, high=365.0,
      help="Mean days between a breach notice and the resident reconsidering (exponential).",
      source="assumption; notices must go out within 60 days of discovery (HIPAA, "
             "calibration.md §5.3), and people act on them over weeks"),
    P(name="trust_sensitivity_effect", default=0.12, kind="uncertainty", group="population",
      unit="trust per unit of index", low=0.0, high=1.0,
      help="Trust lost per unit of the design's sensitivity index (what is collected, how "
           "widely pooled, integrated, opened and keyed), relative to the status quo.",
      source=f"{_CAL} §4.2: information sensitivity -> trust -0.489 (standardised, Frontiers "
             f"2022) × trust sd 0.127 × 2 sd per unit of index (assumption)"),
    P(name="trust_transparency_effect", default=0.12, kind="uncertainty", group="population",
      unit="trust per unit of index", low=0.0, high=1.0,
      help="Trust gained per unit of the design's transparency index (notification, a say "
           "over sharing, purpose binding), relative to the status quo.",
      source=f"{_CAL} §4.2: transparency -> trust +0.471 (standardised, Frontiers 2022) × "
             f"trust sd 0.127 × 2 sd per unit of index (assumption)"),
    P(name="refusal_odds_women", default=1.27, kind="uncertainty", group="population",
      unit="odds ratio", low=0.1, high=10.0,
      help="Odds of refusing sharing, women relative to men.",
      source=f"{_CAL} §4.1 (iv): England's opt-out 5.53% of women vs 4.41% of men (2021)"),
    P(name="refusal_odds_age_20_49", default=1.35, kind="uncertainty", group="population",
      unit="odds ratio", low=0.1, high=10.0,
      help="Odds of refusing sharing, ages 20-49 relative to 50 and over.",
      source=f"{_CAL} §4.1 (iv): England 2021-22: 40-49 6.04% vs 4.97% overall; women 30-39 "
             f"8.06%, 20-29 7.03%"),
    P(name="refusal_odds_under_20", default=0.35, kind="uncertainty", group="population",
      unit="odds ratio", low=0.01, high=10.0,
      help="Odds of refusing sharing, under 20 (parents decide) relative to 50 and over.",
      source=f"{_CAL} §4.1 (iv): England 2022: ages 0-9 1.67% vs ~5% overall"),
    P(name="rollout_decision_share", default=0.6, kind="uncertainty", group="population",
      unit="share", low=0.0, high=1.0,
      help="Share of residents who make a consent decision at rollout (the rest keep the "
           "default until they reconsider).",
      source=f"assumption; Australia's opt-out window: most refusals came during the "
             f"publicised window ({_CAL} §4.1)"),
    P(name="notified_harm_reduction", default=0.5, kind="uncertainty", group="population",
      unit="share", low=0.0, high=1.0,
      help="Share of identifier and financial harm a notified resident avoids (new card, "
           "frozen accounts).", source="assumption"),
    P(name="trust_half_life_days", default=180.0, kind="uncertainty", group="population",
      unit="days", low=1.0, high=3650.0, help="Half-life of a trust shock.",
      source="assumption"),
    P(name="show_code_threshold", default=0.2, kind="uncertainty", group="population",
      unit="0-1", low=0.0, high=1.0,
      help="Trust at which a resident is equally likely to show the code at an encounter.",
      source="assumption (showing a code costs less than joining a scheme)"),
    P(name="internet_use_all", default=0.730, kind="uncertainty", group="population",
      unit="share", low=0.0, high=1.0,
      help="Share of residents who use the internet (99.7% of them by phone): with the two "
           "below, sets who has a smartphone to show a code or hold records on.",
      source="CNNIC 49th report (Dec 2021): 73.0% penetration; 70.4% in Dec 2020 (47th) "
             "(shared/data/china/insurance_digital.csv, medium confidence)"),
    P(name="internet_use_60plus", default=0.432, kind="uncertainty", group="population",
      unit="share", low=0.0, high=1.0,
      help="Share of residents aged 60+ who use the internet (smartphone).",
      source="CNNIC 49th report (Dec 2021): 43.2% of those 60+ "
             "(shared/data/china/age_structure.csv, medium confidence)"),
    P(name="internet_use_rural", default=0.576, kind="uncertainty", group="population",
      unit="share", low=0.0, high=1.0,
      help="Share of rural residents who use the internet (smartphone).",
      source="CNNIC 49th report (Dec 2021): 57.6% rural penetration "
             "(shared/data/china/insurance_digital.csv, medium confidence)"),
    P(name="insurance_enrolment", default=0.954, kind="uncertainty", group="population",
      unit="share", low=0.0, high=1.0,
      help="Share of residents enrolled in basic medical insurance: only they are in the "
           "insurance bureau's settlement records.",
      source="NHSA 2022 bulletin: 1,345.92 million enrollees (1,361.31 million in 2020), "
             "of 1.41 billion; 'over 95%' (shared/data/china/insurance_digital.csv)"),
    P(name="online_payment_share", default=0.863, kind="uncertainty", group="population",
      unit="share", low=0.0, high=1.0,
      help="Share of smartphone users who pay online: only they are in the payment "
           "platform's records. Enrolled smartphone users also use the insurance code (the "
           "e-voucher), which an integrated view reads.",
      source="CNNIC 47th report (Dec 2020): 854 million online-payment users of 989 million "
             "internet users; NHSA (Nov 2023): over 1 billion insurance-code users, over 75% "
             "of the insured (shared/data/china/insurance_digital.csv)"),
    P(name="phone_present", default=0.95, kind="uncertainty", group="population",
      unit="probability", low=0.0, high=1.0,
      help="Probability that a resident who uses a smartphone has it (and the code) at hand "
           "at an encounter.",
      source="assumption"),
    P(name="emergency_incapacitated", default=0.3, kind="uncertainty", group="population",
      unit="probability", low=0.0, high=1.0,
      help="Probability that an emergency patient cannot show a code or consent.",
      source="assumption"),
    P(name="patient_history_complete", default=0.73, kind="uncertainty", group="population",
      unit="probability", low=0.0, high=1.0,
      help="Probability that a conscious emergency patient (or a relative with them) gives a "
           "complete account of the history they can know (allergies, medicines, conditions, "
           "past episodes; not test results or images). Incapacitated patients "
           "(emergency_incapacitated) tell nothing.",
      source=f"{_CAL} §3: medication histories taken from patients at admission have at "
             f"least one error in 27-54% of patients (Tam 2005): 1 - 0.27; the same "
             f"lower-end error rate as med_history_error_rate"),
    P(name="prevalence_chronic", default=0.3, kind="uncertainty", group="population",
      unit="share", low=0.0, high=1.0, help="Residents with a chronic condition.",
      source="assumption (order of magnitude of adult multimorbidity)"),
    P(name="prevalence_mental", default=0.1, kind="uncertainty", group="population",
      unit="share", low=0.0, high=1.0, help="Residents with a mental-health record.",
      source="assumption"),
    P(name="prevalence_infectious", default=0.05, kind="uncertainty", group="population",
      unit="share", low=0.0, high=1.0,
      help="Residents with a notifiable infectious-disease record.", source="assumption"),
    P(name="prevalence_genetic", default=0.2, kind="uncertainty", group="population",
      unit="share", low=0.0, high=1.0, help="Residents with genetic or family-history data.",
      source="assumption"),
    P(name="prevalence_surgery", default=0.25, kind="uncertainty", group="population",
      unit="share", low=0.0, high=1.0, help="Residents with a past operation.",
      source="assumption"),
    P(name="prevalence_reproductive", default=0.5, kind="uncertainty", group="population",
      unit="share", low=0.0, high=1.0,
      help="Women aged 15-49 with a reproductive-health record.", source="assumption"),
    # ------------------------------------------------------------------ care
    P(name="routine_visits_per_year", default=4.0, kind="uncertainty", group="care",
      unit="per resident per year", low=0.0, high=30.0, help="Routine outpatient visits.",
      source="assumption; China ≈6 outpatient visits per capita per year incl. chronic care "
             "(NHC statistical bulletin 2019, not verified here)"),
    P(name="chronic_visits_per_year", default=6.0, kind="uncertainty", group="care",
      unit="per chronic resident per year", low=0.0, high=52.0,
      help="Follow-up visits of residents with a chronic condition.", source="assumption"),
    P(name="emergency_visits_per_year", default=0.15, kind="uncertainty", group="care",
      unit="per resident per year", low=0.0, high=5.0, help="Emergency visits.",
      source="assumption"),
    P(name="preventive_visits_per_year", default=0.8, kind="uncertainty", group="care",
      unit="per resident per year", low=0.0, high=12.0,
      help="Vaccination and screening visits.", source="assumption"),
    P(name="care_propensity_shape", default=1.0, kind="uncertainty", group="care",
      unit="gamma shape", low=0.0, high=100.0,
      help="How unequally residents use care: each resident's visit rates are scaled by a "
           "Gamma(shape, 1/shape) propensity of mean 1 (small: a few heavy users, many "
           "rarely seen; 0: everyone alike).",
      source="assumption: utilisation is concentrated (a minority of patients makes most "
             "visits); shape 1 = exponential propensities"),
    P(name="away_share_emergency", default=0.15, kind="uncertainty", group="care",
      unit="share", low=0.0, high=1.0,
      help="Share of emergencies that happen away from the home region.",
      source="assumption (the experts' 'accident far from home' case)"),
    P(name="away_share_other", default=0.03, kind="uncertainty", group="care", unit="share",
      low=0.0, high=1.0, help="Share of other encounters away from the home region.",
      source="assumption"),
    P(name="care_continuity", default=0.7, kind="uncertainty", group="care",
      unit="probability", low=0.0, high=1.0,
      help="Chance that a visit to a kind of institution goes to the same one as last time "
           "(emergencies: half of it).",
      source="assumption (continuity of care with a usual source of care)"),
    P(name="lifestyle_clinical_value", default=1.0, kind="uncertainty", group="care",
      unit="ratio", low=0.0, high=5.0,
      help="Scales the clinical value of lifestyle, demographic and claims fields (tests "
           "'minimal collection costs little care').",
      source="assumption: the catalogue's values are modellers' judgement (sim/fields.py)"),
    P(name="med_history_error_rate", default=0.27, kind="uncertainty", group="care",
      unit="probability", low=0.0, high=1.0,
      help="Chance of a medication-history error at an encounter without the history.",
      source=f"{_CAL} §3: 27-54% of admissions (Tam 2005)"),
    P(name="med_error_important", default=0.35, kind="uncertainty", group="care",
      unit="probability", low=0.0, high=1.0,
      help="Share of those errors that are clinically important.",
      source=f"{_CAL} §3: 11-59% (Tam 2005)"),
    P(name="reconciliation_relative_risk", default=0.55, kind="uncertainty", group="care",
      unit="ratio", low=0.0, high=1.0,
      help="Relative risk of a discrepancy when the electronic history is available.",
      source=f"{_CAL} §3: RR 0.55 (0.51-0.58), BMC MIDM 2016"),
    P(name="repeat_test_rate", default=0.2, kind="uncertainty", group="care",
      unit="probability", low=0.0, high=1.0,
      help="Chance that a test or image is repeated when prior results are not at hand.",
      source=f"{_CAL} §3: baselines 14.7-20.7% (Lammers 2014)"),
    P(name="repeat_test_odds_ratio", default=0.75, kind="uncertainty", group="care",
      unit="odds ratio", low=0.0, high=1.0,
      help="Odds ratio of a repeat test or image when prior results are shared and used.",
      source=f"{_CAL} §3: -25% odds when accessed (AJMC 2014, Rochester); -44% to -67% "
             f"relative at ED level (Lammers 2014)"),
    P(name="shared_lookup_probability", default=0.21, kind="uncertainty", group="care",
      unit="probability", low=0.0, high=1.0,
      help="Chance that a clinician consults a shared record at an encounter where one "
           "exists (the institution's own records are always consulted).",
      source=f"{_CAL} §3: England's Summary Care Record was accessed in 21% of out-of-hours "
             f"consultations where one existed (Greenhalgh 2010); US EDs 5.4-6.8% of all "
             f"visits (Frisse 2012); >20% in integrated HMOs (Bowden & Coiera 2017)"),
    P(name="ed_admission_rate", default=0.15, kind="uncertainty", group="care",
      unit="probability", low=0.0, high=1.0,
      help="Chance that an emergency visit ends in admission without shared information.",
      source="assumption (order of magnitude of ED admission rates)"),
    P(name="hie_admission_odds_ratio", default=0.43, kind="uncertainty", group="care",
      unit="odds ratio", low=0.0, high=1.0,
      help="Odds ratio of admission after an emergency visit where shared information was "
           "used.",
      source=f"{_CAL} §3: 30-day readmission OR 0.43 (0.27-0.70) when accessed (Vest 2015); "
             f"admissions from the ED OR 0.27-0.48 (Frisse 2012)"),
    # --------------------------------------------------------------- threats
    P(name="n_external_groups", default=12, kind="uncertainty", group="threats",
      unit="groups", dtype=int, low=0, high=500,
      help="External criminal groups (exfiltration or ransomware).", source="assumption"),
    P(name="external_attacks_per_million_per_year", default=6.51, kind="uncertainty",
      group="threats", unit="attempts per million residents per year", low=0.0, high=200.0,
      help="Attempts by opportunistic external groups, per million residents represented.",
      source=f"calibrated by simulating the status quo to 1.50 hacking breaches of 500+ records "
             f"per million a year (OCR 2019-23: 2,491 in 5 years for 332 M people; "
             f"sim/analysis/calibration.py, {_CAL} §2.1)"),
    P(name="ransomware_share", default=0.5, kind="uncertainty", group="threats", unit="share",
      low=0.0, high=1.0, help="Share of external groups running ransomware (with downtime).",
      source=f"{_CAL} §2.1 (hacking/IT incidents include ransomware)"),
    P(name="targeted_share", default=0.25, kind="uncertainty", group="threats", unit="share",
      low=0.0, high=1.0,
      help="Share of external groups that pick the most valuable target rather than whatever "
           "they find.", source="assumption"),
    P(name="targeted_attacks_per_group_per_year", default=4.0, kind="uncertainty",
      group="threats", unit="attempts per group per year", low=0.0, high=365.0,
      help="Campaigns a targeted group mounts a year against the most valuable target.",
      source=f"calibrated to ≈0.8 breaches of ≥10 M records a year in the US (OCR 2019-23, "
             f"{_CAL} §2.1), ×4 for China's population"),
    P(name="attacker_skill", default=0.5, kind="uncertainty", group="threats",
      unit="probability", low=0.0, high=1.0,
      help="Success chance of an attempt against an institution with no security.",
      source="assumption"),
    P(name="attack_surface_exponent", default=0.755, kind="uncertainty", group="threats",
      unit="-", low=0.0, high=1.0,
      help="How an opportunistic attacker's chance of finding an institution grows with the "
           "records it holds: ∝ records^e (0: every institution alike; 1: every record "
           "alike, so a national store is found as often as all hospitals together).",
      source=f"estimated from OCR 2019-23: the six largest U.S. insurers (~180 M members) have "
             f"1.9% of hacking breaches, not the ~9% that e = 1 implies "
             f"(sim/analysis/calibration.py; {_CAL} §2.1)"),
    P(name="institution_size_log10_sd", default=0.8, kind="uncertainty", group="threats",
      unit="log10", low=0.0, high=2.0,
      help="How much real institutions of one tier differ in the records they hold (log10 "
           "sd; 0.8: the largest tenth hold ~10× the median). A node standing for many "
           "institutions stands for small and large ones.",
      source="assumption: hospital and clinic sizes span an order of magnitude within a tier"),
    P(name="breach_size_log10_mean", default=4.436, kind="uncertainty", group="threats",
      unit="log10(records)", low=0.0, high=9.0,
      help="Median records taken from an institution holding 100,000 records (log10).",
      source=f"fitted with breach_size_log10_sd and breach_size_exponent to the log10-size "
             f"quantiles and million-record tails of OCR 2019-23 hacking breaches of 500+ "
             f"(sim/analysis/calibration.py; {_CAL} §2.2: log10 mean 3.89, sd 0.89)"),
    P(name="breach_size_log10_sd", default=0.503, kind="uncertainty", group="threats",
      unit="log10", low=0.0, high=3.0,
      help="Spread of breach sizes at a given victim (log10 sd, log-normal); victims' own "
           "sizes add to it.",
      source="fitted with breach_size_log10_mean (sim/analysis/calibration.py)"),
    P(name="breach_size_exponent", default=0.470, kind="uncertainty", group="threats",
      unit="-", low=0.0, high=1.0,
      help="How breach size grows with what the victim holds: size ∝ holdings^e (0: the same "
           "for all; 1: the same share of every store).",
      source="fitted with breach_size_log10_mean (sim/analysis/calibration.py); large stores do "
             "lose "
             "more (Anthem 79 M, Change Healthcare 190 M, Shanghai 2022 ~1 B; calibration.md "
             "§2.1, §2.6) but not in proportion"),
    P(name="ransomware_downtime_days", default=14, kind="uncertainty", group="threats",
      unit="days", dtype=int, low=0, high=120,
      help="Days an institution's records are unavailable after ransomware.",
      source="assumption (industry reports of ~3 weeks, not verified here)"),
    P(name="insiders_per_institution", default=1, kind="uncertainty", group="threats",
      unit="agents", dtype=int, low=0, high=50,
      help="Potential insiders (curious snoopers or sellers) per data-holding institution.",
      source="assumption"),
    P(name="insider_acts_per_million_per_year", default=2.81, kind="uncertainty",
      group="threats", unit="opportunities per million residents per year", low=0.0,
      high=200.0, help="Opportunities insiders consider, per million residents represented.",
      source=f"calibrated by simulating the status quo to 0.39 unauthorized-access breaches of "
             f"500+ records per million a year (OCR 2019-23, sim/analysis/calibration.py, "
             f"{_CAL} §2.1); "
             f"internal actors are 30-70% of healthcare incidents ({_CAL} §2.3)"),
    P(name="insider_seller_share", default=0.6, kind="uncertainty", group="threats",
      unit="share", low=0.0, high=1.0,
      help="Share of insiders who sell records (the rest snoop out of curiosity).",
      source=f"{_CAL} §2.3: financial 48% vs fun/curiosity 31% (Verizon 2018)"),
    P(name="insider_sale_log10_mean", default=2.93, kind="uncertainty", group="threats",
      unit="log10(records)", low=0.0, high=7.0,
      help="Median records in one insider sale (log10).",
      source=f"fitted to OCR 2019-23 unauthorized-access/disclosure breaches of 500+ "
             f"(sim/analysis/calibration.py; {_CAL} §2.1: median 1,758)"),
    P(name="insider_sale_log10_sd", default=0.8, kind="uncertainty", group="threats",
      unit="log10", low=0.0, high=3.0, help="Spread of insider sale sizes (log10 sd).",
      source=f"within the OCR 500+ log10 spreads (0.6-0.9, {_CAL} §2.2); held fixed while "
             f"the median is fitted, since the portal cannot see below 500"),
    P(name="coverage_half_records", default=100_000.0, kind="uncertainty", group="threats",
      unit="records", low=1.0, high=1e9,
      help="Records an insider must be able to open to reach half the people they are "
           "curious about or asked to look up (wider access reaches more of them).",
      source=f"assumption; snooping targets celebrities, neighbours, colleagues ({_CAL} §2.6)"),
    P(name="snoop_records_mean", default=5.0, kind="uncertainty", group="threats",
      unit="records", low=0.0, high=1000.0,
      help="Records a curious insider opens in one episode.",
      source=f"{_CAL} §2.6 (UCLA: 939 patients over four years by one employee)"),
    P(name="loss_theft_per_million_per_year", default=0.235, kind="uncertainty",
      group="threats", unit="incidents per million residents per year", low=0.0, high=50.0,
      help="Records lost, stolen or improperly disposed of (laptops, drives, paper), of any "
           "size, per million residents represented.",
      source=f"fitted to OCR 2019-23: theft, loss and improper disposal of 500+ records, "
             f"0.13 per million a year (sim/analysis/calibration.py; {_CAL} §2.1)"),
    P(name="loss_theft_log10_mean", default=2.97, kind="uncertainty", group="threats",
      unit="log10(records)", low=0.0, high=7.0,
      help="Median records in one loss or theft (log10).",
      source="fitted to OCR 2019-23 theft/loss/disposal breaches of 500+ "
             "(sim/analysis/calibration.py)"),
    P(name="loss_theft_log10_sd", default=0.75, kind="uncertainty", group="threats",
      unit="log10", low=0.0, high=3.0, help="Spread of loss and theft sizes (log10 sd).",
      source="within the OCR 500+ log10 spreads (0.6-0.9); held fixed while the median is "
             "fitted, since the portal cannot see below 500"),
    P(name="breach_rate_transfer_factor", default=1.0, kind="uncertainty", group="threats",
      unit="×", low=0.01, high=100.0,
      help="China relative to the U.S.: multiplies the three breach-generating rates fitted "
           "to the U.S. portal (external attempts, insider opportunities, losses and thefts).",
      source=f"assumption: China has no breach register ({_CAL} §2.5; data/china/README.md), "
             f"so breach generation is fitted to the U.S. OCR portal and carried over with "
             f"this factor; 1 = the same rates per million residents (what institutions hold "
             f"is already China's); its plausible range is argued in sim/plausible.py"),
    P(name="gain_log_sd", default=1.5, kind="uncertainty", group="threats", unit="log sd",
      low=0.0, high=3.0,
      help="How much one opportunity's gain differs from the next (log-normal, median 1): "
           "why deterrence acts on the margin, offence by offence, not all at once.",
      source=f"set so that the elasticity of insider offences with respect to the "
             f"certainty of sanction is near the crime literature's ≈-0.5 (model: -0.5 to "
             f"-0.6 between 0.05 and 0.4; {_CAL} §5.1; Chalfin & McCrary, NBER w18815)"),
    P(name="n_brokers", default=1, kind="uncertainty", group="threats", unit="agents",
      dtype=int, low=0, high=20,
      help="Data brokers who buy leaks and link them into dossiers.", source="assumption"),
    P(name="broker_buy_probability", default=0.7, kind="uncertainty", group="threats",
      unit="probability", low=0.0, high=1.0,
      help="Probability that a leaked set reaches a broker.", source="assumption"),
    P(name="n_secondary_users", default=2, kind="uncertainty", group="threats", unit="agents",
      dtype=int, low=0, high=20,
      help="Secondary users (insurer underwriting, officials) who exploit integrated codes.",
      source=f"{_CAL} §2.6 (Henan 2022 red codes)"),
    P(name="secondary_campaigns_per_year", default=6.0, kind="uncertainty", group="threats",
      unit="per agent per year", low=0.0, high=365.0,
      help="Beyond-purpose campaigns each secondary user considers per year.",
      source="assumption"),
    P(name="secondary_campaign_log10_mean", default=3.0, kind="uncertainty", group="threats",
      unit="log10(residents)", low=0.0, high=8.0,
      help="Residents looked up in one beyond-purpose campaign (log10); Henan: 1,317.",
      source=f"{_CAL} §2.6 (Henan 2022: 1,317 depositors)"),
    P(name="secondary_value_per_resident_yuan", default=50.0, kind="uncertainty",
      group="threats", unit="yuan per resident", low=0.0, high=1e5,
      help="What a beyond-purpose look-up is worth to an insurer or official (underwriting "
           "savings, control).", source="assumption"),
    P(name="attack_cost_yuan", default=1_000.0, kind="uncertainty", group="threats",
      unit="yuan", low=0.0, high=1e8,
      help="Median cost to an external group of one attempt (automated campaigns are cheap).",
      source="assumption"),
    P(name="insider_reservation_yuan", default=1_000.0, kind="uncertainty", group="threats",
      unit="yuan", low=0.0, high=1e7,
      help="Median net gain an insider needs before acting (moral cost, job risk aside from "
           "sanctions).",
      source="assumption"),
    P(name="curiosity_value_yuan", default=5_000.0, kind="uncertainty", group="threats",
      unit="yuan", low=0.0, high=1e7,
      help="What satisfying curiosity is worth to a snooping insider.", source="assumption"),
    P(name="bulk_value_factor", default=0.02, kind="uncertainty", group="threats",
      unit="ratio", low=0.0, high=1.0,
      help="Bulk price of a record relative to its retail price.",
      source=f"{_CAL} §2.5: bulk $0.01-2.42 vs $10-50 retail"),
    P(name="resale_value_multiplier", default=1.0, kind="uncertainty", group="threats",
      unit="ratio", low=0.0, high=100.0,
      help="Scales every field's resale value (tests 'low-value data draws few attackers').",
      source="seed article (critics: 'valuable data attracts people seeking gain')"),
    P(name="ransom_yuan_scale", default=3_500.0, kind="uncertainty", group="threats",
      unit="yuan per records^0.55", low=0.0, high=1e6,
      help="Expected ransom = scale × (records held)^0.55 (a 1 M-record victim: ≈¥7 M).",
      source=f"exponent: breach cost ∝ records^0.55-0.57 (IBM 2018/2019, {_CAL} §2.4); "
             "level: assumption (≈US$1 M for a 1 M-record victim)"),
    P(name="reservation_log_sd", default=1.0, kind="uncertainty", group="threats",
      unit="log sd", low=0.0, high=3.0,
      help="Spread of attackers' costs and reservation gains (log-normal across agents).",
      source="assumption (heterogeneous offenders; Becker 1968)"),
    P(name="perceived_penalty_exponent", default=0.5, kind="uncertainty", group="threats",
      unit="-", low=0.0, high=1.0,
      help="Offenders perceive a sanction F as F**e: certainty deters more than severity.",
      source=f"{_CAL} §5.1 (Becker 1968; Nagin 2013: certainty > severity); form assumed"),
    P(name="attacker_belief_strength", default=10.0, kind="uncertainty", group="threats",
      unit="pseudo-observations", low=0.1, high=1000.0,
      help="Weight of an attacker's starting beliefs (Beta priors, centred on the policy's "
           "true chances of detection and of sanction): how many offences' worth of "
           "experience it takes to move them.",
      source="assumption"),
    P(name="attacker_peer_weight", default=0.2, kind="uncertainty", group="threats",
      unit="pseudo-observations per peer offence", low=0.0, high=10.0,
      help="How much one peer's detected offence (sanctioned or not) counts in an attacker's "
           "belief about the chance of sanction (its own detected offence counts 1).",
      source="assumption"),
    P(name="attacker_success_weight", default=0.25, kind="uncertainty", group="threats",
      unit="pseudo-observations per undetected success", low=0.0, high=10.0,
      help="How much one success not (yet) detected adds to an attacker's 'not detected' "
           "belief (withdrawn if the offence is detected later; a detection counts 1).",
      source="assumption"),
    P(name="attacker_success_prior_strength", default=4.0, kind="uncertainty", group="threats",
      unit="pseudo-observations", low=0.1, high=1000.0,
      help="Weight of an external group's starting belief about how often attacks on each "
           "kind of institution succeed (centred on the true success probability, attacker "
           "skill × (1 − security)); each attempt it makes counts 1.",
      source="assumption"),
    P(name="foreign_enforcement_factor", default=0.1, kind="uncertainty", group="threats",
      unit="ratio", low=0.0, high=1.0,
      help="Enforcement reach against external groups relative to domestic insiders.",
      source="assumption"),
    P(name="detection_days_external", default=213.0, kind="uncertainty", group="threats",
      unit="days", low=1.0, high=3650.0, help="Mean time to detect an external breach.",
      source=f"{_CAL} §2.4: healthcare 213 days to discovery (IBM 2023)"),
    P(name="detection_days_insider", default=400.0, kind="uncertainty", group="threats",
      unit="days", low=1.0, high=3650.0, help="Mean time to detect insider misuse.",
      source=f"{_CAL} §5.2: insider breaches 'more often taking years to detect' (DBIR 2019)"),
    P(name="key_compromise_probability", default=0.45, kind="uncertainty", group="threats",
      unit="probability", low=0.0, high=1.0,
      help="Share of breaches of encrypted stores that read the records anyway: the intruder "
           "logs in with stolen credentials or takes the keys, and encryption at rest (disk or "
           "database encryption, transparent to a logged-in user) decrypts for them; the rest "
           "take copies or media without the keys.",
      source="Verizon DBIR: use of stolen credentials in nearly half of all breaches (2022: "
             "~45-50%, the top action), 37% of breaches used or stole credentials (2020), 63% "
             "involved weak, default or stolen credentials (2016); 0.45 is the 2022 share. "
             "Encryption at rest stops only off-line copies (media, backups, dumped files)"),
    P(name="external_detection_probability", default=0.33, kind="uncertainty",
      group="threats", unit="probability", low=0.0, high=1.0,
      help="Probability that an external breach is ever detected by the breached holder "
           "(by its own monitoring, a third party or the attackers), whatever the access "
           "audit: audit_strength acts on insiders and secondary users.",
      source=f"{_CAL} §2.4 and §5.2: 33% (2023) and 42% (2024) of breaches identified by the "
             "organisation's own teams (IBM); only 33% of US breach victims were told by the "
             "breached organisation (Accenture 2017)"),
    # ----------------------------------------------------------- institutions
    P(name="security_clinic", default=0.3, kind="uncertainty", group="institutions",
      unit="0-1", low=0.0, high=1.0, help="Security level of community clinics.",
      source="assumption (attack success = skill × (1 - security))"),
    P(name="security_hospital", default=0.5, kind="uncertainty", group="institutions",
      unit="0-1", low=0.0, high=1.0, help="Security level of secondary and tertiary hospitals.",
      source="assumption"),
    P(name="security_platform", default=0.8, kind="uncertainty", group="institutions",
      unit="0-1", low=0.0, high=1.0,
      help="Security level of platforms, record locators and the break-glass service.",
      source="assumption"),
    P(name="security_agency", default=0.6, kind="uncertainty", group="institutions",
      unit="0-1", low=0.0, high=1.0,
      help="Security level of public health, the insurance bureau and the payment platform.",
      source="assumption"),
    # ------------------------------------------------------------------ shock
    P(name="shock_day", default=-1, kind="uncertainty", group="shock", unit="day", dtype=int,
      low=-1, high=36500,
      help="Day of a forced large breach of the most valuable store (-1: none).",
      source="scenario device (breach_shock); Shanghai 2022 database leak, calibration.md §2.6"),
    P(name="shock_fraction", default=0.5, kind="uncertainty", group="shock", unit="share",
      low=0.0, high=1.0, help="Share of the store's records taken in the shock.",
      source="assumption (Anthem 2015 and Shanghai 2022 lost nearly all records)"),
    # -------------------------------------------------------------- settings
    P(name="n_residents", default=10_000, kind="setting", group="run", unit="residents",
      dtype=int, low=100, high=20_000_000,
      help="Simulated residents (a representative sample).",
      source="issue #2 (10,000 default, 1,000,000 must run); issue #19 (10,000,000 on one "
             "24 GB machine; the preflight memory check refuses what does not fit)"),
    P(name="n_days", default=365, kind="setting", group="run", unit="days", dtype=int, low=1,
      high=3650, help="Length of the run.", source="issue #2"),
    P(name="real_population", default=1.41e9, kind="setting", group="run", unit="persons",
      low=1e4, high=2e9,
      help="Population the sample represents (sets breach counts and re-identification "
           "class sizes).", source="NBS: 1.41 billion (2023)"),
    P(name="n_regions", default=31, kind="setting", group="run", unit="regions", dtype=int,
      low=1, high=100,
      help="Regions, each with its own institutions. 31 (the default): China's provinces "
           "with the 2020 census weights, age mixes and names; any other number: generic "
           "regions of log-normal size.",
      source="NBS 7th census communiqué No.3 (2020), Table 3-1: the 31 provincial-level "
             "divisions (sim/data/china_provinces.csv, scripts/china_data.py)"),
    P(name="counties_per_region", default=92, kind="setting", group="run", unit="counties",
      dtype=int, low=1, high=5000, help="Counties per region (quasi-identifier geography).",
      source=f"{_CAL} §7: ≈2,850 county-level units (NBS), 92 per province on average"),
    P(name="clinics_per_region", default=4, kind="setting", group="run", unit="nodes",
      dtype=int, low=1, high=100, help="Community-clinic nodes per region.",
      source="model structure"),
    P(name="secondary_per_region", default=2, kind="setting", group="run", unit="nodes",
      dtype=int, low=1, high=50, help="Secondary-hospital nodes per region.",
      source="model structure"),
    P(name="tertiary_per_region", default=1, kind="setting", group="run", unit="nodes",
      dtype=int, low=1, high=20, help="Tertiary-hospital nodes per region.",
      source="model structure"),
    P(name="history_years", default=20, kind="setting", group="run", unit="years", dtype=int,
      low=0, high=40,
      help="Years of electronic care history institutions already hold at the start (with "
           "lifelong retention, all of it is still held).",
      source=f"assumption: hospital information systems from the mid-2000s; resident health "
             f"archives keyed on the ID number since 2011, 50% coverage then ({_CAL} §7)"),
)

_PARAMS: dict[str, Parameter] = {p.name: p for p in _DECLARED}
#: every parameter, by name: the declaration above and any registered from outside
#: (:func:`register_parameter`); a read-only view
PARAMETERS: Mapping[str, Parameter] = MappingProxyType(_PARAMS)
if len(PARAMETERS) != len(_DECLARED):  # pragma: no cover - guards the declaration itself
    raise RuntimeError("duplicate parameter names in the declaration")
if {p.group for p in _DECLARED} - {g for g, _ in GROUPS}:  # pragma: no cover
    raise RuntimeError("a parameter uses an undeclared group")


def register_parameter(param: Parameter) -> Parameter:
    """Declare a parameter from outside the package: a researcher's new lever or uncertainty.

    From then on it is a key of every scenario (its default unless a file or ``--set``
    sets it), of sweeps' factors and designs, of ``sim.run(overrides=...)``, the run
    tables' ``param.*`` columns and ``model.p``; what reads it is the researcher's own
    part (an attacker, a phase, a build hook). Register it in a module that the workers
    import too (a plugin), or runs in other processes will not know it.

    Example::

        register_parameter(Parameter(
            name="mfa_required", default=False, kind="lever", group="security", unit="-",
            dtype=bool, help="Code-app accounts need a second factor.",
            source="assumption"))

    Raises:
        ValueError: naming what is wrong (a taken or non-snake_case name, an unknown kind
            or group, a default outside its own range, a missing unit, help or source).
    """
    import re

    where = f"register_parameter({getattr(param, 'name', param)!r})"
    if not isinstance(param, Parameter):
        raise ValueError(f"{where}: expected a sim.params.Parameter, got "
                         f"{type(param).__name__}")
    if not re.fullmatch(r"[a-z][a-z0-9_]*", param.name):
        raise ValueError(f"{where}: name must be snake_case (a-z, 0-9, _)")
    if param.name in _PARAMS:
        raise ValueError(f"{where}: a parameter of that name exists; choose another name")
    if param.kind not in ("lever", "uncertainty", "setting"):
        raise ValueError(f"{where}: kind {param.kind!r}; allowed: lever, uncertainty, setting")
    if param.group not in {g for g, _ in GROUPS}:
        raise ValueError(f"{where}: group {param.group!r}; allowed: "
                         f"{', '.join(g for g, _ in GROUPS)}")
    for field in ("unit", "help", "source"):
        if not str(getattr(param, field)).strip():
            raise ValueError(f"{where}: {field} is empty; planners read it")
    try:
        param.validate(param.default)
    except ParameterError as e:
        raise ValueError(f"{where}: its default is not allowed by its own range ({e})") from None
    _PARAMS[param.name] = param
    return param


def unregister_parameter(name: str) -> None:
    """Remove a parameter registered with :func:`register_parameter` (tests, notebooks).

    Raises:
        ValueError: for a parameter of the package's own declaration.
    """
    if any(p.name == name for p in _DECLARED):
        raise ValueError(f"unregister_parameter({name!r}): a declared parameter stays")
    _PARAMS.pop(name, None)


def unknown_name_help(name: Any, extra: Iterable[str] = ()) -> str:
    """What to say after "unknown parameter X": the closest names and where all are listed.

    ~150 names are too many for one error line, so the message names the three closest
    (``difflib``) and points to ``python -m sim list`` and ``docs/parameters.md``.
    """
    extra = list(extra)
    close = difflib.get_close_matches(str(name), [*extra, *PARAMETERS], n=3, cutoff=0.6)
    hint = f"did you mean {', '.join(close)}? " if close else ""
    also = f"{', '.join(extra)} and " if extra else ""
    return (f"{hint}valid: {also}the {len(PARAMETERS)} parameters listed by "
            f"'python -m sim list' (docs/parameters.md)")


def defaults() -> dict[str, Any]:
    """Return a fresh dict of every parameter's default."""
    return {name: (list(p.default) if p.dtype is list else p.default)
            for name, p in PARAMETERS.items()}


def levers() -> list[Parameter]:
    """Return the levers (what planners control), in declaration order."""
    return [p for p in PARAMETERS.values() if p.kind == "lever"]


def uncertainties() -> list[Parameter]:
    """Return the uncertainties (what nobody controls), in declaration order."""
    return [p for p in PARAMETERS.values() if p.kind == "uncertainty"]


def by_group(
    kinds: Iterable[str] = ("lever", "uncertainty", "setting"),
) -> dict[str, list[Parameter]]:
    """Return parameters of the given kinds grouped by display group, in ``GROUPS`` order."""
    kinds = set(kinds)
    out: dict[str, list[Parameter]] = {}
    for g, _ in GROUPS:
        ps = [p for p in PARAMETERS.values() if p.group == g and p.kind in kinds]
        if ps:
            out[g] = ps
    return out
