"""Accidents (records lost or stolen) and the data brokers who buy and link leaks."""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np

from ..uniforms import U_KEYS, U_SIZE, U_TARGET, U_VICTIM
from .base import Attacker, array_verb, normal_quantiles, register_attacker, runs_compiled

__all__ = ["DataBroker", "LostOrStolenMedia"]


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
        rate = (model.p["loss_theft_per_million_per_year"]
                * model.p["breach_rate_transfer_factor"] * model.real_millions / 365.0)
        return [cls(model, ordinal=0, rate_per_day=rate)] if rate > 0 else []

    def choose_target(self, u):
        """A holder of records, weighted like an opportunistic attacker's find."""
        i = int(self._holders(self.model, u[None, :])[0])
        return self.model.institution_list[i] if i >= 0 else None

    @staticmethod
    def _holders(model, u):
        t = model.threats.targets
        idx = t.pick_opportunistic_many(u[:, U_TARGET])
        return np.where(t.records_real[idx] > 0, idx, -1)

    @array_verb
    def choose_targets(cls, opp):
        """:meth:`choose_target` of each row."""
        return cls._holders(opp.model, opp.u)

    #: the verbs whose answer :meth:`act` knows (every row with a holder acts): a subclass
    #: that overrides any of these decides verb by verb (:meth:`Attacker.act`)
    DECIDED_VERBS: ClassVar[tuple[str, ...]] = (
        "expected_gains", "gain_factors", "expected_penalties", "costs")

    @classmethod
    def act(cls, opp):
        """The template (:meth:`Attacker.act`) without the weighing whose answer is known.

        An infinite gain less nothing is always positive: every row with a holder is
        attempted, as the template would decide (tests/test_fast_paths.py). A subclass
        that overrides one of :attr:`DECIDED_VERBS`, or any scalar verb, gets the template.
        """
        if not runs_compiled(cls, LostOrStolenMedia, cls.DECIDED_VERBS):
            return super().act(opp)
        targets = cls.choose_targets(opp)
        seen = targets >= 0
        if not seen.all():
            opp, targets = opp[seen], targets[seen]
        if len(opp):
            opp.add("attempts", np.ones(len(opp), dtype=bool))
            cls.attempt_all(opp, targets)

    def expected_gain(self, target):
        """Nothing is weighed: every opportunity becomes an incident."""
        return math.inf

    @array_verb
    def expected_gains(cls, opp, targets):
        """:meth:`expected_gain` of each row."""
        return np.full(len(opp), math.inf)

    def expected_penalty(self, target):
        """Accidents are not sanctioned."""
        return 0.0

    @array_verb
    def expected_penalties(cls, opp, targets):
        """:meth:`expected_penalty` of each row."""
        return np.zeros(len(opp))

    def attempt(self, target, u):
        """Lose a log-normal number of one real institution's records."""
        self._lose(self.model, [self], np.array([target.index]), u[None, :])

    @array_verb
    def attempt_all(cls, opp, targets):
        """:meth:`attempt` each row."""
        cls._lose(opp.model, [opp.agents[o] for o in opp.owner.tolist()], targets, opp.u)

    @staticmethod
    def _lose(model, agents, targets, u) -> None:
        p = model.p
        th = model.threats
        for a in agents:
            a.successes += 1
        scale = th.targets.victim_scales(targets, u[:, U_VICTIM])
        held = th.targets.records_real[targets] * scale
        n = 10.0 ** (p["loss_theft_log10_mean"] + p["loss_theft_log10_sd"]
                     * normal_quantiles(u[:, U_SIZE]))
        model.ledger.breaches(kind=[a.kind_incident for a in agents], attackers=agents,
                              institutions=targets,
                              fraction=np.minimum(1.0, n / held), scale=scale,
                              usable=th.usable(u[:, U_KEYS]), u=u, detect_now=True)


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
