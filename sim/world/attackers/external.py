"""External criminal groups: exfiltration and ransomware (double extortion)."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from .. import kernels
from ..institutions import SECURITY_PARAM, InstitutionKind
from ..uniforms import U_KEYS, U_SIZE, U_SUCCESS, U_TARGET, U_VICTIM
from .base import (
    _SCALAR,
    Attacker,
    array_verb,
    normal_quantile,
    normal_quantiles,
    register_attacker,
    runs_compiled,
)

__all__ = ["ExfiltrationGroup", "ExternalGroup", "RansomwareGroup"]

_SCALAR["succeed_all"] = ("succeeds", lambda a, t, u: a.succeeds(t, u))
_SCALAR["exploit_all"] = ("exploit", lambda a, t, u: a.exploit(t, u))
N_KINDS = len(InstitutionKind)


class ExternalGroup(Attacker):
    """An external criminal group that exfiltrates records for resale.

    Opportunistic groups strike whatever they find (an institution weighted by the attack
    surface of the real ones it stands for) and skip it if it is down; targeted groups
    weigh every target and pick the most profitable one. Groups learn how often attacks
    succeed against each kind of institution: ``succ_a``, ``succ_b`` are a Beta belief per
    kind, centred on the true success probability with weight
    ``attacker_success_prior_strength``.
    """

    family = "external"
    ransomware: ClassVar[bool] = False
    kind_incident: ClassVar[str] = "exfiltration"

    def __init__(self, model, *, targeted: bool, **kw) -> None:
        super().__init__(model, **kw)
        self.targeted = targeted
        # learned success rates per institution kind: Beta(a, b) around the truth
        skill = model.p["attacker_skill"]
        prior = np.array([skill * (1.0 - float(model.p[SECURITY_PARAM[k]]))
                          for k in InstitutionKind])
        k = float(model.p["attacker_success_prior_strength"])
        self.succ_a = prior * k + 1e-3
        self.succ_b = (1.0 - prior) * k + 1e-3

    @classmethod
    def create(cls, model):
        """Split ``n_external_groups`` between exfiltration and ransomware groups."""
        p = model.p
        roster = _spread(p["n_external_groups"], p["ransomware_share"], p["targeted_share"])
        n_opportunistic = sum(1 for _, targeted in roster if not targeted)
        opp_rate = (p["external_attacks_per_million_per_year"] * p["breach_rate_transfer_factor"]
                    * model.real_millions / 365.0
                    / max(n_opportunistic, 1))
        tgt_rate = p["targeted_attacks_per_group_per_year"] / 365.0
        mine = [targeted for ransom, targeted in roster if ransom == cls.ransomware]
        return [cls(model, ordinal=k, rate_per_day=tgt_rate if targeted else opp_rate,
                    targeted=targeted) for k, targeted in enumerate(mine)]

    # ------------------------------------------------------------ scalar verbs
    def success_belief(self, inst) -> float:
        """Believed success probability against an institution (learned per kind)."""
        k = inst.kind_ordinal
        return self.succ_a[k] / (self.succ_a[k] + self.succ_b[k])

    def choose_target(self, u):
        """Opportunistic: a random institution; targeted: the best expected net gain."""
        m = self.model
        i = int(self._choose(m, np.array([self.targeted]), [self], np.zeros(1, dtype=np.int64),
                             u[None, :])[0])
        return m.institution_list[i] if i >= 0 and m.threats.targets.up[i] else None

    def expected_gain(self, target):
        """Believed success × (expected haul value + ransom)."""
        return self.success_belief(target) * float(
            self.model.threats.targets.haul_value(self.ransomware)[target.index])

    def expected_penalty(self, target):
        """Sanctions only follow a successful attack."""
        return self.success_belief(target) * super().expected_penalty(target)

    def cost(self, target):
        """The cost of mounting an attempt (this group's)."""
        return self.model.p["attack_cost_yuan"] * self.cost_factor

    def attempt(self, target, u):
        """Try: on success (:meth:`succeeds`), take records (:meth:`exploit`)."""
        if self.succeeds(target, u):
            self.observe_success()
            self.exploit(target, u)

    def succeeds(self, target, u) -> bool:
        """Succeed with probability skill × (1 − security); learn from the outcome."""
        p_success = self.model.p["attacker_skill"] * (1.0 - target.security)
        if u[U_SUCCESS] < p_success:
            self.succ_a[target.kind_ordinal] += 1.0
            return True
        self.succ_b[target.kind_ordinal] += 1.0
        return False

    def exploit(self, target, u) -> None:
        """A successful attack: take a log-normal share of one real institution's records."""
        th = self.model.threats
        scale = th.targets.victim_scale(target, u[U_VICTIM])
        fraction = th.breach_fraction(float(th.targets.records_real[target.index]) * scale,
                                      normal_quantile(u[U_SIZE]))
        self.take(target, u, scale, fraction)

    def take(self, target, u, scale: float, fraction: float) -> None:
        """Record taking ``fraction`` of the records of a victim of relative size ``scale``."""
        m = self.model
        idx = np.array([target.index])
        m.ledger.breaches(kind=self.kind_incident, attackers=[self], institutions=idx,
                          fraction=np.array([fraction]), scale=np.array([scale]),
                          usable=m.threats.usable(u[None, U_KEYS]), u=u[None, :])
        if self.ransomware:
            m.threats.start_outage(idx, int(m.p["ransomware_downtime_days"]))

    # ------------------------------------------------------------- the template
    #: what :func:`sim.world.kernels.external_decisions` computes: a subclass that overrides any
    #: of these decides verb by verb (:meth:`Attacker.act`)
    COMPILED_VERBS: ClassVar[tuple[str, ...]] = (
        "choose_targets", "expected_gains", "gain_factors", "expected_penalties", "catch_all",
        "costs", "attempt_all", "succeed_all", "observe_successes", "_choose", "_beliefs",
        "_succ")

    @classmethod
    def act(cls, opp):
        """The template (:meth:`Attacker.act`), its decisions in one compiled pass.

        :func:`sim.world.kernels.external_decisions` computes the verbs of
        :attr:`COMPILED_VERBS` for every row; the successes are then exploited
        (:meth:`exploit_all`). Equal to the template verb by verb, to the last bit
        (tests/test_fast_paths.py); a subclass that overrides one of those verbs, or any
        scalar verb, gets the template.
        """
        if not runs_compiled(cls, ExternalGroup, cls.COMPILED_VERBS):
            return super().act(opp)
        m = opp.model
        t = m.threats.targets
        cohort = opp.cohort
        targets, won = kernels.external_decisions(
            opp.owner, opp.u, cls.gain_factors(opp), cohort.trait("targeted"),
            cohort.trait("ransomware"), cohort.trait("attack_cost", lambda a: a.cost(None)),
            cohort.state, float(cohort.public[0]), float(cohort.public[1]), cohort.peer_weight,
            cls._succ(cohort), t._cum, t.up, t.kind_ordinal, t.security, t.haul_value(False),
            t.haul_value(True), m.threats.perceived_penalty, float(m.p["attacker_skill"]),
            float(m.p["attacker_success_weight"]))
        if won.any():
            rows = np.flatnonzero(won)
            cls.exploit_all(opp[rows], targets[rows])

    # ------------------------------------------------------------- array verbs
    @staticmethod
    def _choose(model, targeted, agents, owner, u) -> np.ndarray:
        t = model.threats.targets
        idx = t.pick_opportunistic_many(u[:, U_TARGET])
        for j in np.flatnonzero(targeted):
            g = agents[owner[j]]
            beliefs = np.array([g.success_belief(i) for i in model.institution_list])
            value = t.haul_value(g.ransomware)
            net = beliefs * (value - g.perceived_catch() * model.threats.perceived_penalty)
            net = np.where(t.up, net - g.cost(None), -np.inf)
            best = int(np.argmax(net))
            idx[j] = best if np.isfinite(net[best]) else -1
        return idx

    @array_verb(uses=("success_belief",))
    def choose_targets(cls, opp):
        """Found by chance (opportunistic) or the best net gain (targeted); down: pass."""
        idx = cls._choose(opp.model, opp.attr("targeted"), opp.agents, opp.owner, opp.u)
        up = opp.model.threats.targets.up
        return np.where((idx >= 0) & up[np.maximum(idx, 0)], idx, -1)

    @staticmethod
    def _succ(cohort) -> np.ndarray:
        """The cohort's success beliefs, ``(agents, 2, kinds)``: [a, b] per kind.

        Shared with the agents: their ``succ_a``, ``succ_b`` become rows of it.
        """
        return cohort.table("succ", _stack_succ, _bind_succ)

    @classmethod
    def _beliefs(cls, opp, targets) -> np.ndarray:
        """Each row's believed success against its target (beliefs as the group woke up)."""
        def compute():
            succ = cls._succ(opp.cohort)
            return succ[:, 0] / (succ[:, 0] + succ[:, 1])
        table = opp.memo("success_belief", compute)
        return table[opp.owner, opp.model.threats.targets.kind_ordinal[targets]]

    @array_verb(uses=("success_belief",))
    def expected_gains(cls, opp, targets):
        """Believed success × expected haul (ransomware: + ransom)."""
        t = opp.model.threats.targets
        ransom = opp.attr("ransomware")
        value = np.where(ransom, t.haul_value(True)[targets], t.haul_value(False)[targets])
        return cls._beliefs(opp, targets) * value

    @array_verb(uses=("success_belief",))
    def expected_penalties(cls, opp, targets):
        """Believed success × believed catch × perceived penalty."""
        return (cls._beliefs(opp, targets) * cls.catch_all(opp)
                * opp.model.threats.perceived_penalty)

    @array_verb
    def costs(cls, opp, targets):
        """Each group's cost of mounting an attempt."""
        return opp.model.p["attack_cost_yuan"] * opp.attr("cost_factor")

    @array_verb
    def attempt_all(cls, opp, targets):
        """Try all; the successes (:meth:`succeed_all`) are exploited."""
        won = cls.succeed_all(opp, targets).astype(bool)
        if won.any():
            cls.observe_successes(opp[won])
            cls.exploit_all(opp[won], targets[won])

    @array_verb
    def succeed_all(cls, opp, targets) -> np.ndarray:
        """:meth:`succeeds` for each row, learning per group and institution kind."""
        m = opp.model
        t = m.threats.targets
        won = opp.u[:, U_SUCCESS] < m.p["attacker_skill"] * (1.0 - t.security[targets])
        n = len(opp.agents)
        key = (opp.owner * 2 + ~won) * N_KINDS + t.kind_ordinal[targets]
        cls._succ(opp.cohort).reshape(-1)[:] += np.bincount(key, minlength=n * 2 * N_KINDS)
        return won

    @array_verb(uses=("take",))
    def exploit_all(cls, opp, targets) -> None:
        """:meth:`exploit` for each row: take a log-normal share of one real institution."""
        m = opp.model
        th = m.threats
        scale = th.targets.victim_scales(targets, opp.u[:, U_VICTIM])
        fraction = th.breach_fractions(th.targets.records_real[targets] * scale,
                                       normal_quantiles(opp.u[:, U_SIZE]))
        m.ledger.breaches(kind=opp.attr("kind_incident"),
                          attackers=[opp.agents[o] for o in opp.owner.tolist()],
                          institutions=targets, fraction=fraction, scale=scale,
                          usable=th.usable(opp.u[:, U_KEYS]), u=opp.u)
        ransom = opp.attr("ransomware")
        if ransom.any():
            th.start_outage(targets[ransom], int(m.p["ransomware_downtime_days"]))


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


def _stack_succ(g) -> np.ndarray:
    """A group's success beliefs ``[a, b]`` (one row of the cohort's ``succ`` table)."""
    return np.stack([g.succ_a, g.succ_b])


def _bind_succ(g, row: np.ndarray) -> None:
    """Make a group's ``succ_a``, ``succ_b`` views of its row of the ``succ`` table."""
    g.succ_a, g.succ_b = row[0], row[1]
