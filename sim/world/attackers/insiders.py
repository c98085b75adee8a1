"""Insiders (staff who snoop or sell) and secondary users (function creep)."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from .. import kernels
from ..institutions import InstitutionKind
from ..uniforms import U_SIZE, U_SUCCESS
from .base import (
    _SCALAR,
    Attacker,
    array_verb,
    normal_quantile,
    normal_quantiles,
    register_attacker,
    runs_compiled,
)

__all__ = ["Insider", "InsiderSeller", "InsiderSnoop", "InsurerUnderwriting", "OfficialMisuse",
           "SecondaryUser", "insider_roster"]

#: staff per real institution who can open records (assumption; sets where insiders work)
STAFF_PER_INSTITUTION = {
    InstitutionKind.CLINIC: 5,
    InstitutionKind.SECONDARY: 500,
    InstitutionKind.TERTIARY: 2000,
}
STAFF_OTHER = 300  # platforms and national bodies

_SCALAR["records_taken_all"] = ("records_taken", lambda a, t, u: a.records_taken(u))


def insider_roster(model) -> list[tuple]:
    """Every potential insider: (home, opportunities per day, seller?).

    ``insiders_per_institution`` agents per data-holding node; the node's share of all
    opportunities is its share of the staff who can open records (real institutions it
    stands for × staff per institution). Each agent is a seller with probability
    ``insider_seller_share`` (its own draw from the ``insider_motives`` stream, drawn
    afresh: the same roster whichever type asks).
    """
    p = model.p
    holders = [inst for inst in model.institution_list if inst.stores]
    per = p["insiders_per_institution"]
    roster = []
    if per and holders:
        staff = np.array([inst.represents * STAFF_PER_INSTITUTION.get(inst.kind, STAFF_OTHER)
                          for inst in holders], dtype=float)
        total = (p["insider_acts_per_million_per_year"] * p["breach_rate_transfer_factor"]
                 * model.real_millions / 365.0)
        rates = total * staff / staff.sum() / per
        u = model.streams.fresh("insider_motives").random(len(holders) * per)
        for j in range(per):
            for h, inst in enumerate(holders):
                seller = bool(u[j * len(holders) + h] < p["insider_seller_share"])
                roster.append((inst, float(rates[h]), seller))
    return roster


class _Reacher(Attacker):
    """An attacker whose target is what it can reach from its home (a :class:`Reach`)."""

    def reach(self):
        """What this attacker can open (this epoch)."""
        raise NotImplementedError

    @classmethod
    def target_object(cls, agent, t):
        """The agent's reach (the target index is its home)."""
        return agent.reach()

    @classmethod
    def target_index(cls, agent, target):
        """The home, if anything is in reach."""
        return -1 if target is None else agent.home.index

    def choose_target(self, u):
        """The records within reach (nothing within reach: pass)."""
        reach = self.reach()
        return reach if reach.stores else None

    @array_verb
    def choose_targets(cls, opp):
        """The home, if its reach holds anything."""
        homes = np.array([a.home.index if a.reach().stores else -1 for a in opp.agents])
        return homes[opp.owner]

    def cost(self, target):
        """The net gain this attacker needs before acting."""
        return self.model.p["insider_reservation_yuan"] * self.cost_factor

    @array_verb
    def costs(cls, opp, targets):
        """Each attacker's reservation gain."""
        return opp.model.p["insider_reservation_yuan"] * opp.attr("cost_factor")


class Insider(_Reacher):
    """A staff member who misuses access: a snoop (``sells`` false) or a seller.

    Snoops open records out of curiosity: the gain is ``curiosity_value_yuan`` times the
    share of the people of interest within reach (:meth:`sim.world.threats.Threats.coverage`),
    and an episode opens an exponential number of records around ``snoop_records_mean``.
    Sellers sell look-ups or extracts: the gain is the median sale (at most what is in
    reach) times the bulk value of a record in reach, and a sale's size is log-normal
    (``insider_sale_log10_*``, fitted to OCR unauthorized-access breaches of 500+).
    Insiders always succeed.
    """

    family = "insider"
    sells: ClassVar[bool] = False

    @classmethod
    def create(cls, model):
        """``insiders_per_institution`` per data-holding institution, split by motive."""
        mine = [(inst, rate) for inst, rate, seller in insider_roster(model)
                if seller == cls.sells]
        return [cls(model, ordinal=k, rate_per_day=rate, home=inst)
                for k, (inst, rate) in enumerate(mine)]

    def reach(self):
        """The stores staff of the home can open without a care relationship."""
        return self.model.threats.insider_reach(self.home)

    @array_verb(uses=("reach",))
    def choose_targets(cls, opp):
        """The home, if its reach holds anyone this epoch."""
        homes = opp.cohort.trait("home_index", lambda a: a.home.index)[opp.owner]
        return np.where(opp.model.threats.insider_reach_table()[2][homes], homes, -1)

    def expected_gain(self, target):
        """Curiosity's worth × coverage (snoop), or median sale × value per record (seller)."""
        p = self.model.p
        if self.sells:
            return min(10.0 ** p["insider_sale_log10_mean"], target.records_real) * \
                target.value_per_record
        return p["curiosity_value_yuan"] * self.model.threats.coverage(target.records_real)

    @array_verb(uses=("reach",))
    def expected_gains(cls, opp, targets):
        """:meth:`expected_gain` of each row."""
        p = opp.model.p
        real, value, _ = opp.model.threats.insider_reach_table()
        real, value = real[targets], value[targets]
        sale = np.minimum(10.0 ** p["insider_sale_log10_mean"], real) * value
        snoop = p["curiosity_value_yuan"] * opp.model.threats.coverage(real)
        return np.where(opp.attr("sells"), sale, snoop)

    def records_taken(self, u: np.ndarray) -> float:
        """Real records opened in one episode (snoop: exponential; seller: log-normal)."""
        p = self.model.p
        if self.sells:
            return 10.0 ** (p["insider_sale_log10_mean"]
                            + p["insider_sale_log10_sd"] * normal_quantile(u[U_SIZE]))
        return max(1.0, -p["snoop_records_mean"] * np.log(max(u[U_SIZE], 1e-12)))

    @array_verb
    def records_taken_all(cls, opp) -> np.ndarray:
        """:meth:`records_taken` of each row."""
        p = opp.model.p
        u2 = opp.u[:, U_SIZE]
        sale = 10.0 ** (p["insider_sale_log10_mean"]
                        + p["insider_sale_log10_sd"] * normal_quantiles(u2))
        snoop = np.maximum(1.0, -p["snoop_records_mean"] * np.log(np.maximum(u2, 1e-12)))
        return np.where(opp.attr("sells"), sale, snoop)

    def attempt(self, target, u):
        """Open an insider incident over the reach (at most what it holds)."""
        self.observe_success()
        n_real = min(self.records_taken(u), target.records_real)
        self.model.ledger.insiders(kind=self.kind_incident, attackers=[self], reaches=[target],
                                   n_real=np.array([n_real]), u=u[None, :])

    @array_verb(uses=("reach",))
    def attempt_all(cls, opp, targets):
        """Open an insider incident per row (insiders always succeed), at most the reach."""
        cls.observe_successes(opp)
        cls._open_episodes(opp, targets)

    @classmethod
    def _open_episodes(cls, opp, targets) -> None:
        """The ledger's incidents of rows that acted: :meth:`records_taken_all`, capped."""
        real = opp.model.threats.insider_reach_table()[0][targets]
        opp.model.ledger.insiders(kind=opp.attr("kind_incident"),
                                  attackers=[opp.agents[o] for o in opp.owner.tolist()],
                                  reaches=None,
                                  n_real=np.minimum(cls.records_taken_all(opp), real), u=opp.u)

    #: what :func:`sim.world.kernels.insider_decisions` computes: a subclass that overrides any of
    #: these decides verb by verb (:meth:`Attacker.act`)
    COMPILED_VERBS: ClassVar[tuple[str, ...]] = (
        "choose_targets", "expected_gains", "gain_factors", "expected_penalties", "catch_all",
        "costs", "attempt_all", "observe_successes")

    @classmethod
    def act(cls, opp):
        """The template (:meth:`Attacker.act`), its decisions in one compiled pass.

        :func:`sim.world.kernels.insider_decisions` computes the verbs of :attr:`COMPILED_VERBS`
        for every row; the episodes of the rows that act are then opened
        (:meth:`records_taken_all`, the ledger). Equal to the template verb by verb, to
        the last bit (tests/test_fast_paths.py); a subclass that overrides one of those
        verbs, or any scalar verb, gets the template.
        """
        if not runs_compiled(cls, Insider, cls.COMPILED_VERBS):
            return super().act(opp)
        m = opp.model
        p = m.p
        cohort = opp.cohort
        real, value, reachable = m.threats.insider_reach_table()
        homes = cohort.trait("home_index", lambda a: a.home.index)
        go = kernels.insider_decisions(
            opp.owner, cls.gain_factors(opp), homes, cohort.trait("sells"),
            cohort.trait("reservation", lambda a: a.cost(None)), cohort.state,
            float(cohort.public[0]), float(cohort.public[1]), cohort.peer_weight, real, value,
            reachable, 10.0 ** p["insider_sale_log10_mean"], float(p["curiosity_value_yuan"]),
            float(p["coverage_half_records"]), m.threats.perceived_penalty,
            float(p["attacker_success_weight"]))
        if go.any():
            sub = opp[np.flatnonzero(go)]
            cls._open_episodes(sub, homes[sub.owner])


@register_attacker("insider_snoop")
class InsiderSnoop(Insider):
    """Curious staff who open records without a care reason (UCLA 2008)."""

    kind_incident = "insider_snoop"


@register_attacker("insider_seller")
class InsiderSeller(Insider):
    """Staff who sell look-ups or extracts to data brokers (China: ¥1,200 a look-up)."""

    kind_incident = "insider_sale"
    sells = True


# ===================================================================== secondary users
class SecondaryUser(_Reacher):
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
        home = model.agency(cls.home_kind)
        if n_here == 0 or home is None:
            return []
        rate = model.p["secondary_campaigns_per_year"] / 365.0
        return [cls(model, ordinal=k, rate_per_day=rate, home=home) for k in range(n_here)]

    def reach(self):
        """The integrated views this user can query (none: no function creep possible)."""
        return self.model.threats.secondary_reach(self.home)

    def expected_gain(self, target):
        """Residents looked up × what a look-up is worth to them, if not blocked."""
        p = self.model.p
        n = min(10.0 ** p["secondary_campaign_log10_mean"], target.records_real)
        return (1.0 - p["purpose_binding"]) * n * p["secondary_value_per_resident_yuan"]

    def attempt(self, target, u):
        """Blocked by purpose binding with its probability; otherwise look residents up."""
        m = self.model
        n_real = min(target.records_real, 10.0 ** (m.p["secondary_campaign_log10_mean"]
                                                   + 0.5 * normal_quantile(u[U_SIZE])))
        blocked = u[U_SUCCESS] < m.p["purpose_binding"]
        if not blocked:
            self.observe_success()
        m.ledger.insiders(kind=self.kind_incident, attackers=[self], reaches=[target],
                          n_real=np.array([n_real]), u=u[None, :], blocked=np.array([blocked]))


@register_attacker("insurer_underwriting")
class InsurerUnderwriting(SecondaryUser):
    """The insurance side reading clinical data through an integrated insurance code."""

    home_kind = InstitutionKind.INSURANCE


@register_attacker("official_misuse")
class OfficialMisuse(SecondaryUser):
    """Officials using health-code and payment data to control people (Henan 2022)."""

    home_kind = InstitutionKind.PUBLIC_HEALTH
