"""Attackers decide in batches, through verbs a subclass can override (array or scalar)."""

from __future__ import annotations

import contextlib

import numpy as np
from conftest import small

from sim.attackers import (
    ATTACKER_TYPES,
    ExfiltrationGroup,
    InsiderSeller,
    InsiderSnoop,
    RansomwareGroup,
    array_verb,
)
from sim.attackers.base import batch_key
from sim.model import HealthDataModel


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
