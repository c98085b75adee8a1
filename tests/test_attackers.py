"""Attackers decide in batches, through verbs a subclass can override (array or scalar)."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest
from conftest import small

from sim.world.attackers import (
    ATTACKER_TYPES,
    ExfiltrationGroup,
    InsiderSeller,
    InsiderSnoop,
    LostOrStolenMedia,
    RansomwareGroup,
    array_verb,
)
from sim.world.attackers.base import batch_key
from sim.world.model import HealthDataModel


@contextlib.contextmanager
def replaced(name, cls):
    """Register ``cls`` under ``name`` for the duration (restoring the original)."""
    original = ATTACKER_TYPES[name]
    ATTACKER_TYPES.unregister(name)
    ATTACKER_TYPES.register(name)(cls)
    try:
        yield
    finally:
        ATTACKER_TYPES.unregister(name)
        ATTACKER_TYPES.register(name)(original)


def _kinds(m):
    return m.ledger.incident_table()["kind"].value_counts()


def test_types_with_the_same_verbs_share_a_batch():
    assert batch_key(ExfiltrationGroup) == batch_key(RansomwareGroup)
    assert batch_key(InsiderSnoop) == batch_key(InsiderSeller)
    assert batch_key(ExfiltrationGroup) != batch_key(InsiderSnoop)

    class Scalar(ExfiltrationGroup):
        def cost(self, target):
            return 0.0

    assert batch_key(Scalar) == (Scalar,)  # decided alone, row by row where it must be


def test_an_array_verb_override_is_obeyed():
    class Priced(ExfiltrationGroup):
        @array_verb
        def expected_gains(cls, opp, targets):
            return np.zeros(len(opp))

    with replaced("exfiltration_group", Priced):
        m = HealthDataModel("status_quo", seed=4, **small())
        m.run()
    kinds = _kinds(m)
    assert kinds.get("exfiltration", 0) == 0
    assert kinds.get("ransomware", 0) > 0  # its own batch, untouched


def test_a_scalar_verb_override_is_called_for_every_opportunity():
    calls = []

    class Counted(RansomwareGroup):
        def gain_factor(self, u):
            calls.append(float(u[10]))
            return super().gain_factor(u)

    with replaced("ransomware_group", Counted):
        m = HealthDataModel("status_quo", seed=4, **small())
        m.run()
    groups = [a for a in m.attackers if isinstance(a, Counted)]
    # every opportunity whose target was up reached the decision, through the scalar verb
    decided = sum(a.attempts + a.deterred for a in groups)
    assert decided > 0 and len(calls) == decided
    assert _kinds(m).get("ransomware", 0) > 0


def test_an_insider_scalar_override_is_obeyed():
    class Honest(InsiderSeller):
        def expected_gain(self, target):
            return 0.0

    with replaced("insider_seller", Honest):
        m = HealthDataModel("status_quo", seed=4, **small())
        m.run()
    kinds = _kinds(m)
    assert kinds.get("insider_sale", 0) == 0
    assert kinds.get("insider_snoop", 0) > 0


def test_one_agent_can_step_the_mesa_way():
    m = HealthDataModel("status_quo", seed=4, **small())
    agent = next(a for a in m.actors if isinstance(a, ExfiltrationGroup) and not a.targeted)
    day = int(np.flatnonzero(agent.opportunities)[0])
    m.day = day
    agent.step()
    assert agent.attempts + agent.deterred > 0


def test_every_incident_is_a_row_and_a_view():
    m = HealthDataModel("national_plan_2025", seed=4, **small())
    m.run()
    t = m.ledger.incident_table()
    assert len(t) == m.ledger.n_incidents == len(m.ledger.incidents)
    assert set(t["kind"]) >= {"exfiltration", "ransomware", "insider_snoop", "insider_sale",
                              "loss_theft"}
    assert (t["day"].diff().dropna() >= 0).all()  # opened day by day
    exposed = t.index[t["residents_exposed"] > 0]
    assert len(exposed) and len(exposed) < len(t) / 2  # most touch no simulated resident
    view = m.ledger.incident(int(exposed[0]))
    assert len(view.residents) == t.loc[exposed[0], "residents_exposed"]
    assert view.kind == t.loc[exposed[0], "kind"]
    assert view.detected == bool(t.loc[exposed[0], "detected"])
    assert t["detected"].sum() == m.ledger.n_detected


def test_overriding_a_helper_the_bulk_path_stands_in_for_is_obeyed():
    """take, success_belief, reach, observe_success: overriding any of them is obeyed."""
    calls = {"take": 0, "observe_success": 0, "reach": 0}

    class Taker(ExfiltrationGroup):
        def take(self, target, u, scale, fraction):
            calls["take"] += 1
            super().take(target, u, scale, fraction)

        def observe_success(self):
            calls["observe_success"] += 1
            super().observe_success()

    class Hopeless(RansomwareGroup):
        def success_belief(self, inst):
            return 0.0

    class Blind(InsiderSnoop):
        def reach(self):
            calls["reach"] += 1
            return super().reach()

    with replaced("exfiltration_group", Taker), replaced("ransomware_group", Hopeless), \
            replaced("insider_snoop", Blind):
        m = HealthDataModel("status_quo", seed=4, **small())
        m.run()
    kinds = _kinds(m)
    assert calls["take"] == kinds.get("exfiltration", 0) > 0
    assert calls["observe_success"] >= calls["take"]
    assert kinds.get("ransomware", 0) == 0  # believes it never succeeds: never tries
    assert calls["reach"] > 0


def test_types_batched_together_keep_their_own_traits():
    class StolenLaptops(LostOrStolenMedia):
        kind_incident = "stolen_laptop"

    ATTACKER_TYPES.register("stolen_laptops")(StolenLaptops)
    try:
        m = HealthDataModel("status_quo", seed=4, **small())
        m.run()
    finally:
        ATTACKER_TYPES.unregister("stolen_laptops")
    kinds = _kinds(m)
    assert kinds.get("stolen_laptop", 0) > 0 and kinds.get("loss_theft", 0) > 0

    class StateActor(ExfiltrationGroup):
        family = "insider"

    assert batch_key(StateActor) != batch_key(ExfiltrationGroup)


def test_agents_of_an_unregistered_type_still_act():
    """A registered type may create agents of a subclass it does not register."""
    class Unlisted(LostOrStolenMedia):
        kind_incident = "unlisted_loss"

    class Maker(LostOrStolenMedia):
        @classmethod
        def create(cls, model):
            return [Unlisted(model, ordinal=7, rate_per_day=1.0)]

    ATTACKER_TYPES.register("maker")(Maker)
    try:
        m = HealthDataModel("status_quo", seed=4, **small())
        m.run()
    finally:
        ATTACKER_TYPES.unregister("maker")
    assert _kinds(m).get("unlisted_loss", 0) > 0


def test_an_incident_recorded_after_the_attacks_keeps_its_day():
    class Late(HealthDataModel):
        PHASES = (*HealthDataModel.PHASES, "late_loss")

        def phase_late_loss(self, day):
            agent = next(a for a in self.actors if isinstance(a, LostOrStolenMedia))
            u = np.full((1, agent.block), 0.5)
            agent.attempt(self.institution_list[0], u[0])

    m = Late("status_quo", seed=4, n_residents=500, n_days=12)
    m.run()  # the last day's late incident is opened that day (no index past the run)
    t = m.ledger.incident_table()
    late = t[(t["kind"] == "loss_theft") & (t["institution"] == m.institution_list[0].label)]
    assert sorted(set(late["day"])) == list(range(12))


def test_sanction_beliefs_set_and_learn_own_cases():
    """Issue 20: the setter added a difference (own += value - total) instead of setting
    the own part; a detection now adds exactly one own case."""
    m = HealthDataModel("status_quo", seed=2, **small(n_days=5))
    a = next(iter(m.actors))
    m.ledger.public_record[a.family][:] = [7, 3]
    a.sanction_a = 5.0
    assert a.sanction_a == pytest.approx(5.0, rel=1e-15)
    own_a, own_b = a._state[2], a._state[3]
    a.observe_own_outcome(sanctioned=True, counted_as_success=False)
    a.observe_own_outcome(sanctioned=False, counted_as_success=False)
    assert (a._state[2] - own_a, a._state[3] - own_b) == (1.0, 1.0)
