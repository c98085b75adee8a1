"""Attackers (Mesa agents): external groups, insiders, data brokers and secondary users.

Every attacker follows one template (:meth:`Attacker.step`): on each of today's
opportunities it draws a fixed block of uniforms from its own random stream, then

1. :meth:`~Attacker.choose_target` - where to strike;
2. weighs the opportunity's gain, :meth:`~Attacker.expected_gain` times this opportunity's
   own log-normal factor (:meth:`~Attacker.gain_factor`: no two opportunities are worth the
   same), against :meth:`~Attacker.expected_penalty` and :meth:`~Attacker.cost` (Becker
   1968: act iff gain − p·F − cost > 0, calibration.md §5.1). Because gains vary from one
   opportunity to the next and costs from one offender to the next, the share of
   opportunities taken falls smoothly as the expected sanction rises, and never to exactly
   zero;
3. :meth:`~Attacker.attempt` - try, and on success hand the loot to the ledger.

Attackers *adapt*: each keeps two Beta beliefs, starting at the policy's true values: the
chance its offence is detected (learned from its own offences: every success not yet
detected makes it bolder, every detection warier) and the chance a detected offender is
sanctioned (learned from the public record of its peers' detected offences). External
groups also learn how often attacks succeed against each kind of institution. Costs and
reservation gains differ between agents (log-normal), so deterrence acts on the margin.

Subclasses override verbs only. Register a new type with
``@register_attacker("my_name")`` and give :meth:`Attacker.create` a rule for how many
agents to make; the model builds every registered type.
"""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING, Any, ClassVar

import mesa
import numpy as np
from scipy.special import ndtri

from .institutions import Institution, InstitutionKind
from .registry import Registry

if TYPE_CHECKING:  # pragma: no cover
    from .model import HealthDataModel

__all__ = ["ATTACKER_TYPES", "Attacker", "register_attacker"]

ATTACKER_TYPES: Registry[type[Attacker]] = Registry("attacker type", name_attr="type_name")

def register_attacker(name: str):
    """Register an :class:`Attacker` subclass under ``name`` (its ``type_name``)."""
    return ATTACKER_TYPES.register(name)


def normal_quantile(u: float) -> float:
    """Standard normal quantile of ``u`` (clipped away from 0 and 1)."""
    return float(ndtri(min(max(u, 1e-12), 1.0 - 1e-12)))


def normal_quantiles(u: np.ndarray) -> np.ndarray:
    """:func:`normal_quantile` of an array (the same numbers, element by element)."""
    return ndtri(np.clip(u, 1e-12, 1.0 - 1e-12))


@functools.cache
def keeps_verbs(cls: type, base: type, verbs: tuple[str, ...]) -> bool:
    """Whether ``cls`` uses ``base``'s own implementation of every verb in ``verbs``."""
    return all(getattr(cls, v) is getattr(base, v) for v in verbs)


class Attacker(mesa.Agent):
    """Base attacker: a template ``step`` calling small verbs that subclasses override.

    Args:
        model: the model.
        ordinal: the agent's number within its type (names its random stream).
        rate_per_day: expected opportunities per day.
        home: the institution the attacker works at or attacks from (insiders, secondary
            users), if any.
    """

    type_name: ClassVar[str] = "attacker"
    family: ClassVar[str] = "external"  # who observes whose sanctions
    block: ClassVar[int] = 12  # uniforms drawn per opportunity (fixed: common random numbers)
    # u[0] target, u[1] success / blocked, u[2] size, u[3] keys stolen, u[4] ever detected,
    # u[5] sanctioned, u[6] which broker buys, u[7] whether a broker buys, u[8] detection
    # delay, u[9] whether any simulated resident is among the records taken, u[10] the
    # opportunity's gain factor, u[11] which real institution of the node (its size)
    belief_strength: ClassVar[float] = 10.0  # prior weight (pseudo-observations)
    peer_weight: ClassVar[float] = 0.2  # how much one peer's outcome counts

    def __init__(self, model: HealthDataModel, *, ordinal: int, rate_per_day: float,
                 home: Institution | None = None) -> None:
        super().__init__(model)
        self.ordinal = ordinal
        self.home = home
        self.stream = model.streams.get(f"attacker/{self.type_name}/{ordinal}")
        n_days = model.n_days
        self.opportunities = (self.stream.poisson(rate_per_day, n_days) if rate_per_day > 0
                              else np.zeros(n_days, dtype=np.int64))
        # beliefs: P(detected) from own experience, P(sanctioned | detected) from the public
        # record; both start at the policy's true values with belief_strength weight
        m = model
        pd_, ps_ = m.detection_probability(self.family), m.sanction_probability(self.family)
        k = self.belief_strength
        self.detect_a, self.detect_b = pd_ * k + 1e-3, (1.0 - pd_) * k + 1e-3
        self.sanction_a, self.sanction_b = ps_ * k + 1e-3, (1.0 - ps_) * k + 1e-3
        self.attempts = 0
        self.successes = 0
        self.deterred = 0
        # heterogeneous offenders: a log-normal factor on costs and reservation gains
        self.cost_factor = float(np.exp(model.p["reservation_log_sd"]
                                        * normal_quantile(self.stream.random())))

    # ------------------------------------------------------------------ creation
    @classmethod
    def create(cls, model: HealthDataModel) -> list[Attacker]:
        """Create this type's agents for ``model`` (override; default: none)."""
        return []

    # ------------------------------------------------------------------ template
    def step(self) -> None:
        """Act on today's opportunities (see the module docstring)."""
        k = int(self.opportunities[self.model.day])
        if k == 0:
            return
        for u in self.stream.random((k, self.block)):
            target = self.choose_target(u)
            if target is None:
                continue
            gain = self.expected_gain(target) * self.gain_factor(u)
            if gain - self.expected_penalty(target) - self.cost(target) <= 0:
                self.deterred += 1
                continue
            self.attempts += 1
            self.attempt(target, u)

    # --------------------------------------------------------------------- verbs
    def choose_target(self, u: np.ndarray) -> Any:
        """Return today's target, or ``None`` to pass."""
        return None

    def expected_gain(self, target: Any) -> float:
        """Typical (median) gain of acting on ``target`` (yuan)."""
        return 0.0

    def gain_factor(self, u: np.ndarray) -> float:
        """This opportunity's gain relative to the typical one: log-normal, median 1.

        ``exp(gain_log_sd · z)`` with ``z`` from the opportunity's own uniform ``u[10]``.
        """
        return float(np.exp(self.model.p["gain_log_sd"] * normal_quantile(u[10])))

    def expected_penalty(self, target: Any) -> float:
        """Expected sanction as perceived: belief(caught) × perceived penalty (yuan)."""
        return self.perceived_catch() * self.model.perceived_penalty

    def cost(self, target: Any) -> float:
        """Cost of acting, including the reservation gain (yuan)."""
        return 0.0

    def attempt(self, target: Any, u: np.ndarray) -> None:
        """Try; on success open an incident in the ledger."""

    # ------------------------------------------------------------------ learning
    def perceived_catch(self) -> float:
        """Current belief of being detected and sanctioned."""
        pd_ = self.detect_a / (self.detect_a + self.detect_b)
        ps_ = self.sanction_a / (self.sanction_a + self.sanction_b)
        return pd_ * ps_

    def observe_public_outcome(self, sanctioned: bool) -> None:
        """A peer's offence came to light: learn how often detection leads to a sanction."""
        if sanctioned:
            self.sanction_a += self.peer_weight
        else:
            self.sanction_b += self.peer_weight

    def observe_own_outcome(self, sanctioned: bool, counted_as_success: bool) -> None:
        """An own offence was detected: it was seen, and sanctioned or not."""
        self.detect_a += 1.0
        if counted_as_success:  # undo the 'got away with it' guess made at the time
            self.detect_b = max(self.detect_b - 0.25, 1e-3)
        if sanctioned:
            self.sanction_a += 1.0
        else:
            self.sanction_b += 1.0

    def observe_success(self) -> None:
        """Got away with it, for now (corrected if detected later)."""
        self.detect_b += 0.25


# =========================================================================== external
class ExternalGroup(Attacker):
    """An external criminal group that exfiltrates records for resale.

    Opportunistic groups strike whatever they find (a random institution, weighted by how
    many real institutions each node stands for); targeted groups weigh every target and
    pick the most profitable one.
    """

    family = "external"
    ransomware: ClassVar[bool] = False
    kind_incident: ClassVar[str] = "exfiltration"

    def __init__(self, model, *, targeted: bool, **kw) -> None:
        super().__init__(model, **kw)
        self.targeted = targeted
        # learned success rates per institution kind: Beta(a, b) around the truth
        skill = model.p["attacker_skill"]
        prior = np.array([skill * (1.0 - float(model.p[_sec_param(k)])) for k in InstitutionKind])
        self.succ_a = prior * 4.0 + 1e-3
        self.succ_b = (1.0 - prior) * 4.0 + 1e-3

    @classmethod
    def create(cls, model):
        """Split ``n_external_groups`` between exfiltration and ransomware groups."""
        p = model.p
        roster = _spread(p["n_external_groups"], p["ransomware_share"], p["targeted_share"])
        n_opportunistic = sum(1 for _, targeted in roster if not targeted)
        opp_rate = (p["external_attacks_per_million_per_year"] * model.real_millions / 365.0
                    / max(n_opportunistic, 1))
        tgt_rate = p["targeted_attacks_per_group_per_year"] / 365.0
        mine = [targeted for ransom, targeted in roster if ransom == cls.ransomware]
        return [cls(model, ordinal=k, rate_per_day=tgt_rate if targeted else opp_rate,
                    targeted=targeted) for k, targeted in enumerate(mine)]

    @classmethod
    def act_together(cls, model: HealthDataModel, groups: list[ExternalGroup]) -> None:
        """Today's opportunities of opportunistic groups, decided in one vectorised pass.

        Each group draws its own block of uniforms and judges each opportunity with its own
        beliefs and costs as it woke up today; then the attempts it decided on are made,
        group by group in the order given. A group whose class overrides a decision verb
        (:meth:`choose_target`, :meth:`expected_gain`, :meth:`expected_penalty`,
        :meth:`cost`, :meth:`gain_factor`) is not judged in bulk: it steps through the
        template, opportunity by opportunity, with its own verbs, before the others act.
        """
        custom = [g for g in groups if not g.bulk_decisions()]
        groups = [g for g in groups if g.bulk_decisions()]
        for g in custom:
            Attacker.step(g)
        if not groups:
            return
        day = model.day
        t = model.targets
        blocks = [g.stream.random((int(g.opportunities[day]), g.block)) for g in groups]
        owner = np.repeat(np.arange(len(groups)), [len(b) for b in blocks])
        block = np.concatenate(blocks)
        idx = t.pick_opportunistic_many(block[:, 0])
        belief_tab = np.stack([g.succ_a / (g.succ_a + g.succ_b) for g in groups])
        belief = belief_tab[owner, t.kind_ordinal[idx]]
        ransom = np.array([g.ransomware for g in groups])[owner]
        value = np.where(ransom, t.haul_value(True)[idx], t.haul_value(False)[idx])
        catch = np.array([g.perceived_catch() for g in groups])[owner]
        cost = np.array([g.cost(None) for g in groups])[owner]
        up = t.up[idx]
        factor = np.exp(model.p["gain_log_sd"] * normal_quantiles(block[:, 10]))
        go = up & (belief * (value * factor - catch * model.perceived_penalty) - cost > 0)
        deterred = np.bincount(owner[up & ~go], minlength=len(groups))
        for g, n in zip(groups, deterred, strict=True):
            g.deterred += int(n)
        # success and learning for all attempts at once (groups that keep the standard
        # verbs); a subclass that overrides attempt() or succeeds() is called one by one
        standard = np.array([keeps_verbs(type(g), ExternalGroup, ("attempt", "succeeds"))
                             for g in groups])
        p_success = model.p["attacker_skill"] * (1.0 - t.security[idx])
        won = go & (block[:, 1] < p_success) & standard[owner]
        lost = go & ~won & standard[owner]
        kinds = len(InstitutionKind)
        for flag, attr in ((won, "succ_a"), (lost, "succ_b")):
            if flag.any():
                counts = np.bincount(owner[flag] * kinds + t.kind_ordinal[idx[flag]],
                                     minlength=len(groups) * kinds).reshape(len(groups), kinds)
                for g, c in zip(groups, counts, strict=True):
                    setattr(g, attr, getattr(g, attr) + c)
        attempts = np.bincount(owner[go], minlength=len(groups))
        for g, n in zip(groups, attempts, strict=True):
            g.attempts += int(n)
        # what each success takes, for all at once (used by groups that keep exploit())
        w = np.flatnonzero(won)
        scale = t.victim_scales(idx[w], block[w, 11])
        fraction = model.breach_fractions(t.records_real[idx[w]] * scale,
                                          normal_quantiles(block[w, 2]))
        taken = dict(zip(w.tolist(), zip(scale.tolist(), fraction.tolist(), strict=True),
                         strict=True))
        for j in np.flatnonzero(won | (go & ~standard[owner])):
            g = groups[owner[j]]
            target = model.institution_list[idx[j]]
            if standard[owner[j]]:
                g.successes += 1
                g.observe_success()
                if keeps_verbs(type(g), ExternalGroup, ("exploit",)):
                    g.take(target, block[j], *taken[int(j)])
                else:
                    g.exploit(target, block[j])
            else:
                g.attempt(target, block[j])

    def bulk_decisions(self) -> bool:
        """Whether this group's decisions can be made in bulk (it keeps the standard verbs)."""
        return keeps_verbs(type(self), ExternalGroup, (
            "choose_target", "expected_gain", "expected_penalty", "cost", "gain_factor"))

    def step(self) -> None:
        """Act on today's opportunities (opportunistic groups: see :meth:`act_together`)."""
        if self.targeted:
            super().step()
        else:
            type(self).act_together(self.model, [self])

    def success_belief(self, inst: Institution) -> float:
        """Believed success probability against an institution (learned per kind)."""
        k = inst.kind_ordinal
        return self.succ_a[k] / (self.succ_a[k] + self.succ_b[k])

    def _value(self, inst: Institution) -> float:
        return float(self.model.targets.haul_value(self.ransomware)[inst.index])

    def choose_target(self, u):
        """Opportunistic: a random institution; targeted: the best expected net gain."""
        m = self.model
        if not self.targeted:
            inst = m.targets.pick_opportunistic(u[0])
            return inst if m.targets.up[inst.index] else None
        t = m.targets
        beliefs = (self.succ_a / (self.succ_a + self.succ_b))[t.kind_ordinal]
        value = t.haul_value(self.ransomware)
        net = beliefs * (value - self.perceived_catch() * m.perceived_penalty) - self.cost(None)
        net = np.where(t.up, net, -np.inf)
        best = int(np.argmax(net))
        return m.institution_list[best] if np.isfinite(net[best]) else None

    def expected_gain(self, target):
        """Believed success × (expected haul value + ransom)."""
        return self.success_belief(target) * self._value(target)

    def expected_penalty(self, target):
        """Sanctions only follow a successful attack."""
        return self.success_belief(target) * super().expected_penalty(target)

    def cost(self, target):
        """The cost of mounting an attempt (this group's)."""
        return self.model.p["attack_cost_yuan"] * self.cost_factor

    def attempt(self, target, u):
        """Try: on success (:meth:`succeeds`), take records (:meth:`exploit`)."""
        if self.succeeds(target, u):
            self.successes += 1
            self.observe_success()
            self.exploit(target, u)

    def succeeds(self, target, u) -> bool:
        """Succeed with probability skill × (1 − security); learn from the outcome."""
        p_success = self.model.p["attacker_skill"] * (1.0 - target.security)
        if u[1] < p_success:
            self.succ_a[target.kind_ordinal] += 1.0
            return True
        self.succ_b[target.kind_ordinal] += 1.0
        return False

    def exploit(self, target, u) -> None:
        """A successful attack: take a log-normal share of one real institution's records."""
        m = self.model
        scale = m.targets.victim_scale(target, u[11])
        fraction = m.breach_fraction(float(m.targets.records_real[target.index]) * scale,
                                     normal_quantile(u[2]))
        self.take(target, u, scale, fraction)

    def take(self, target, u, scale: float, fraction: float) -> None:
        """Record taking ``fraction`` of the records of a victim of relative size ``scale``."""
        m = self.model
        usable = (not m.p["encryption_at_rest"]) or u[3] < m.p["key_compromise_probability"]
        m.ledger.breach(attacker=self, institution=target, fraction=fraction, usable=usable,
                        kind=self.kind_incident, u=u, scale=scale)
        if self.ransomware:
            m.start_outage(target, int(m.p["ransomware_downtime_days"]))


def _spread(n: int, share_a: float, share_b: float) -> list[tuple[bool, bool]]:
    """Return ``n`` agents' traits (a, b), with exact counts.

    ``n·share_a`` (rounded half up) agents have a; within each a-class, ``class size ·
    share_b`` (rounded half up) have b, so b is spread over both classes.
    """
    def half_up(x: float) -> int:  # Python's round() sends halves to even: 4 × 0.5 × 0.25 → 0
        return int(x + 0.5)

    n_a = half_up(n * share_a)
    out = []
    for a, size in ((True, n_a), (False, n - n_a)):
        n_b = half_up(size * share_b)
        out += [(a, k < n_b) for k in range(size)]
    return out


#: staff per real institution who can open records (assumption; sets where insiders work)
STAFF_PER_INSTITUTION = {
    InstitutionKind.CLINIC: 5,
    InstitutionKind.SECONDARY: 500,
    InstitutionKind.TERTIARY: 2000,
}
STAFF_OTHER = 300  # platforms and national bodies


def _insider_roster(model) -> list[tuple[Institution, float, bool]]:
    """Every potential insider: (home, opportunities per day, seller?), drawn once per model.

    ``insiders_per_institution`` agents per data-holding node; the node's share of all
    opportunities is its share of the staff who can open records (real institutions it
    stands for × staff per institution). Each agent is a seller with probability
    ``insider_seller_share`` (its own draw from the ``insider_motives`` stream).
    """
    cached = getattr(model, "_insider_roster_cache", None)
    if cached is not None:
        return cached
    p = model.p
    holders = [inst for inst in model.institution_list if inst.stores]
    per = p["insiders_per_institution"]
    roster: list[tuple[Institution, float, bool]] = []
    if per and holders:
        staff = np.array([inst.represents * STAFF_PER_INSTITUTION.get(inst.kind, STAFF_OTHER)
                          for inst in holders], dtype=float)
        total = p["insider_acts_per_million_per_year"] * model.real_millions / 365.0
        rates = total * staff / staff.sum() / per
        u = model.streams.get("insider_motives").random(len(holders) * per)
        for j in range(per):
            for h, inst in enumerate(holders):
                seller = bool(u[j * len(holders) + h] < p["insider_seller_share"])
                roster.append((inst, float(rates[h]), seller))
    model._insider_roster_cache = roster
    return roster


def _sec_param(kind: InstitutionKind) -> str:
    from .institutions import _SECURITY_PARAM

    return _SECURITY_PARAM[kind]


@register_attacker("exfiltration_group")
class ExfiltrationGroup(ExternalGroup):
    """External group that steals records to sell them in bulk."""


@register_attacker("ransomware_group")
class RansomwareGroup(ExternalGroup):
    """External group that encrypts systems for ransom (and steals data: double extortion).

    A success also takes the institution down for ``ransomware_downtime_days``.
    """

    ransomware = True
    kind_incident = "ransomware"


# ============================================================================ insiders
class Insider(Attacker):
    """A staff member who misuses access (base for snoopers and sellers)."""

    family = "insider"

    @classmethod
    def create(cls, model):
        """``insiders_per_institution`` per data-holding institution, split by motive."""
        roster = _insider_roster(model)
        mine = [(inst, rate) for inst, rate, seller in roster if seller == (cls is InsiderSeller)]
        return [cls(model, ordinal=k, rate_per_day=rate, home=inst)
                for k, (inst, rate) in enumerate(mine)]

    def choose_target(self, u):
        """The records this insider can reach (empty reach: pass)."""
        reach = self.model.insider_reach(self.home)
        return reach if reach.stores else None

    def cost(self, target):
        """The net gain this insider needs before acting."""
        return self.model.p["insider_reservation_yuan"] * self.cost_factor

    def records_taken(self, u: np.ndarray) -> float:
        """Real records accessed in one episode."""
        raise NotImplementedError

    def attempt(self, target, u):
        """Open an insider incident over the reach."""
        self.successes += 1
        self.observe_success()
        self.home.insider_incidents += 1
        self.model.ledger.insider(attacker=self, reach=target, n_real=self.records_taken(u),
                                  kind=self.kind_incident, u=u)


@register_attacker("insider_snoop")
class InsiderSnoop(Insider):
    """Curious staff who open records without a care reason (UCLA 2008)."""

    kind_incident = "insider_snoop"

    def expected_gain(self, target):
        """Curiosity's worth, times the share of the people of interest within reach."""
        return self.model.p["curiosity_value_yuan"] * self.model.coverage(target)

    def records_taken(self, u):
        """Exponential number of records around ``snoop_records_mean``."""
        return max(1.0, -self.model.p["snoop_records_mean"] * np.log(max(u[2], 1e-12)))


@register_attacker("insider_seller")
class InsiderSeller(Insider):
    """Staff who sell look-ups or extracts to data brokers (China: ¥1,200 a look-up)."""

    kind_incident = "insider_sale"

    def expected_gain(self, target):
        """Median sale size (at most what is in reach) × bulk value of a record in reach."""
        m = self.model
        n = min(10.0 ** m.p["insider_sale_log10_mean"], target.records_real)
        return n * target.value_per_record

    def records_taken(self, u):
        """Log-normal sale size (fitted to OCR unauthorized-access breaches of 500+)."""
        p = self.model.p
        return 10.0 ** (p["insider_sale_log10_mean"]
                        + p["insider_sale_log10_sd"] * normal_quantile(u[2]))


# ===================================================================== secondary users
class SecondaryUser(Attacker):
    """An organisation that exploits integrated codes beyond their purpose (function creep)."""

    family = "secondary"
    home_kind: ClassVar[InstitutionKind] = InstitutionKind.INSURANCE
    kind_incident = "function_creep"

    @classmethod
    def create(cls, model):
        """Half of ``n_secondary_users`` each for insurers and officials."""
        n = model.p["n_secondary_users"]
        n_insurer = (n + 1) // 2
        n_here = n_insurer if cls is InsurerUnderwriting else n - n_insurer
        home = next((i for i in model.institution_list if i.kind is cls.home_kind), None)
        if n_here == 0 or home is None:
            return []
        rate = model.p["secondary_campaigns_per_year"] / 365.0
        return [cls(model, ordinal=k, rate_per_day=rate, home=home) for k in range(n_here)]

    def choose_target(self, u):
        """The integrated views this user can query (none: no function creep possible)."""
        reach = self.model.secondary_reach(self)
        return reach if reach.stores else None

    def expected_gain(self, target):
        """Residents looked up × what a look-up is worth to them, if not blocked."""
        p = self.model.p
        n = min(10.0 ** p["secondary_campaign_log10_mean"], target.records_real)
        return (1.0 - p["purpose_binding"]) * n * p["secondary_value_per_resident_yuan"]

    def cost(self, target):
        """The net gain the organisation needs before acting (as for insiders)."""
        return self.model.p["insider_reservation_yuan"] * self.cost_factor

    def attempt(self, target, u):
        """Blocked by purpose binding with its probability; otherwise look residents up."""
        m = self.model
        n_real = 10.0 ** (m.p["secondary_campaign_log10_mean"] + 0.5 * normal_quantile(u[2]))
        blocked = u[1] < m.p["purpose_binding"]
        if not blocked:
            self.successes += 1
            self.observe_success()
        m.ledger.insider(attacker=self, reach=target, n_real=n_real, kind=self.kind_incident,
                         u=u, blocked=blocked)


@register_attacker("insurer_underwriting")
class InsurerUnderwriting(SecondaryUser):
    """The insurance side reading clinical data through an integrated insurance code."""

    home_kind = InstitutionKind.INSURANCE


@register_attacker("official_misuse")
class OfficialMisuse(SecondaryUser):
    """Officials using health-code and payment data to control people (Henan 2022)."""

    home_kind = InstitutionKind.PUBLIC_HEALTH


# =========================================================================== accidents
@register_attacker("lost_or_stolen_media")
class LostOrStolenMedia(Attacker):
    """Records lost, stolen or thrown away (laptops, drives, paper): an accident, no offender.

    Not a decision maker: every opportunity is an incident (there is nothing to deter: the
    gain is infinite, the cost and the penalty nil). The holder is found the way an
    opportunistic attacker finds its target (weighted by attack surface); the size is
    log-normal (``loss_theft_log10_*``, fitted to OCR theft, loss and improper-disposal
    breaches of 500+ records), at most what one real institution holds;
    the holder notices at once. Encrypted media cannot be read unless the key went with them
    (HIPAA's encryption safe harbour).
    """

    family = "accident"
    kind_incident = "loss_theft"

    @classmethod
    def create(cls, model):
        """One process with ``loss_theft_per_million_per_year`` × real millions a year."""
        rate = model.p["loss_theft_per_million_per_year"] * model.real_millions / 365.0
        return [cls(model, ordinal=0, rate_per_day=rate)] if rate > 0 else []

    def expected_gain(self, target):
        """Nothing is weighed: every opportunity becomes an incident."""
        return math.inf

    def expected_penalty(self, target):
        """Accidents are not sanctioned."""
        return 0.0

    def choose_target(self, u):
        """A holder of records, weighted like an opportunistic attacker's find."""
        m = self.model
        inst = m.targets.pick_opportunistic(u[0])
        return inst if m.targets.records_real[inst.index] > 0 else None

    def attempt(self, target, u):
        """Lose a log-normal number of one real institution's records."""
        m = self.model
        p = m.p
        scale = m.targets.victim_scale(target, u[11])
        held = float(m.targets.records_real[target.index]) * scale
        n = 10.0 ** (p["loss_theft_log10_mean"] + p["loss_theft_log10_sd"] * normal_quantile(u[2]))
        usable = (not p["encryption_at_rest"]) or u[3] < p["key_compromise_probability"]
        self.successes += 1
        m.ledger.breach(attacker=self, institution=target, fraction=min(1.0, n / held),
                        usable=usable, kind=self.kind_incident, u=u, detect_now=True,
                        scale=scale)


# ============================================================================ brokers
@register_attacker("data_broker")
class DataBroker(Attacker):
    """Buys leaked sets and links them into dossiers.

    Linkage is exact when records carry direct identifiers (a shared master ID makes every
    leak linkable) and probabilistic through quasi-identifiers otherwise: a record is
    linked to its person with the correct-match probability κ of its quasi-identifier
    combination in the represented population (calibration.md §1.5).
    """

    family = "broker"

    def __init__(self, model, **kw) -> None:
        super().__init__(model, **kw)
        self.dossier = np.zeros(model.pop.n, dtype=np.int64)
        self.leaks_bought = 0

    @classmethod
    def create(cls, model):
        """``n_brokers`` brokers; they act in the linkage phase, not on opportunities."""
        return [cls(model, ordinal=k, rate_per_day=0.0) for k in range(model.p["n_brokers"])]

    def link(self, residents: np.ndarray, fields: np.ndarray, linked: np.ndarray) -> None:
        """Merge a bought leak into the dossiers.

        Args:
            residents: leaked residents.
            fields: field mask of each leaked record.
            linked: whether each record can be linked to its person.
        """
        self.leaks_bought += 1
        r = residents[linked]
        np.bitwise_or.at(self.dossier, r, fields[linked])
