"""``sim.testing``: the contract checks pass every built-in part and catch broken ones.

A check that passed whatever it was given would be worse than none: each broken part below
breaks one rule, and the check must name that rule and the fix.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.testing import ContractError, check_attacker, check_consent_model, check_outcome
from sim.world.attackers import ATTACKER_TYPES
from sim.world.attackers.external import ExfiltrationGroup
from sim.world.attackers.insiders import InsiderSnoop
from sim.world.consent import CONSENT_MODELS, OptIn
from sim.world.outcomes import OUTCOMES, Outcome

SMALL = {"n_residents": 1500, "n_days": 45}
#: a scenario under which each built-in type creates agents
ACTS_UNDER = {"insurer_underwriting": "national_plan_2025", "official_misuse": "status_quo"}


@pytest.mark.parametrize("name", ATTACKER_TYPES.names())
def test_every_built_in_attacker_keeps_the_contract(name):
    passed = check_attacker(ATTACKER_TYPES[name], scenario=ACTS_UNDER.get(name, "status_quo"),
                            **SMALL)
    assert "array verbs agree with scalar verbs" in passed
    assert "two runs with one seed agree" in passed
    assert name in ATTACKER_TYPES and ATTACKER_TYPES[name].type_name == name


def test_every_built_in_outcome_keeps_the_contract():
    for name in OUTCOMES.names():
        assert "two runs with one seed agree" in check_outcome(
            name, scenarios=("national_plan_2025",), **SMALL)


@pytest.mark.parametrize("name", CONSENT_MODELS.names())
def test_every_built_in_consent_model_keeps_the_contract(name):
    assert "review keeps the state's types" in check_consent_model(CONSENT_MODELS[name],
                                                                   **SMALL)


# ------------------------------------------------------------------- broken parts
class DriftingCosts(ExfiltrationGroup):
    """The vectorised cost doubles what the scalar one says (a drifted override)."""

    type_name = "test_drifting_costs"

    @classmethod
    def costs(cls, opp, targets):
        return 2.0 * opp.model.p["attack_cost_yuan"] * opp.attr("cost_factor")


class GlobalRandom(InsiderSnoop):
    """Draws from NumPy's global generator: runs differ whatever the seed."""

    type_name = "test_global_random"

    def choose_target(self, u):  # half the opportunities pass, decided by a global coin
        keep = np.random.random() < 0.5  # noqa: NPY002 (the bug under test)
        return super().choose_target(u) if keep else None


class NoFamily(ExfiltrationGroup):
    type_name = "test_no_family"
    family = "hackers"


class ShortBlock(ExfiltrationGroup):
    type_name = "test_short_block"
    block = 8


@pytest.mark.parametrize("cls, needles", [
    (DriftingCosts, ["costs vs its scalar verb", "row 0", "make the array verb compute"]),
    (GlobalRandom, ["reproducibility", "np.random"]),
    (NoFamily, ["family", "'hackers'", "external"]),
    (ShortBlock, ["block", "u[0..11]"]),
])
def test_a_broken_attacker_is_named_with_the_rule_and_the_fix(cls, needles):
    with pytest.raises(ContractError) as e:
        check_attacker(cls, **SMALL)
    msg = str(e.value)
    assert msg.startswith(f"check_attacker({cls.__name__}): "), msg
    for n in needles:
        assert n in msg, msg
    assert cls.type_name not in ATTACKER_TYPES  # the check's registration is undone


def test_an_attacker_registered_under_another_class_name_is_refused():
    class Impostor(ExfiltrationGroup):
        pass  # inherits type_name "exfiltration_group", registered for ExfiltrationGroup

    with pytest.raises(ContractError, match="registered for"):
        check_attacker(Impostor, **SMALL)
    assert ATTACKER_TYPES["exfiltration_group"] is ExfiltrationGroup


def _outcome(name, fn, unit="share of residents", direction="min", **declared):
    return Outcome(name, unit, direction, "test", "a test outcome", fn, False, False, None,
                   0.05, 0.001, **declared)


@pytest.mark.parametrize("outcome, needles", [
    (_outcome("test_text", lambda m: "high"), ["value under", "str", "return a number"]),
    (_outcome("test_bool", lambda m: True), ["value under", "bool"]),
    (_outcome("test_share", lambda m: 1.5), ["1.5", "[0, 1]"]),
    (_outcome("test_count", lambda m: -2.0, unit="incidents", count=True),
     ["-2.0", "[0, inf]", "low="]),
    (_outcome("test_low", lambda m: -0.5, unit="days", low=0.0), ["-0.5", "[0, inf]"]),
    (_outcome("test_inf", lambda m: float("inf")), ["inf", "finite"]),
    (_outcome("test_direction", lambda m: 0.1, direction="lower"), ["direction", "'min'"]),
    (_outcome("test_random", lambda m: float(np.random.random())),  # noqa: NPY002
     ["reproducibility"]),
])
def test_a_broken_outcome_is_named_with_the_rule_and_the_fix(outcome, needles):
    with pytest.raises(ContractError) as e:
        check_outcome(outcome, scenarios=("status_quo",), **SMALL)
    for n in needles:
        assert n in str(e.value), str(e.value)
    assert outcome.name not in OUTCOMES


class FloatParticipation(OptIn):
    name = "test_float_participation"

    def initial(self, idx_deciding, want, u):
        super().initial(idx_deciding, want, u)
        self.model.pop.participating = self.model.pop.participating.astype(float)


class MovesFixed(OptIn):
    name = "test_moves_fixed"
    fixed_participation = "participation is fixed by law"


@pytest.mark.parametrize("cls, needles", [
    (FloatParticipation, ["initial", "float64", "bool array"]),
    (MovesFixed, ["fixed_participation", "leave participation alone"]),
])
def test_a_broken_consent_model_is_named_with_the_rule_and_the_fix(cls, needles):
    with pytest.raises(ContractError) as e:
        check_consent_model(cls, **SMALL)
    for n in needles:
        assert n in str(e.value), str(e.value)
    assert cls.name not in CONSENT_MODELS


def test_an_attacker_with_more_uniforms_than_the_ledger_reads_keeps_the_contract():
    """An attacker type with a larger block (its own extra draws) used to break the day's
    incident table: rows of 16 uniforms could not stack with the others' 12."""

    class WideBlock(ExfiltrationGroup):
        type_name = "test_wide_block"
        block = 16

    assert "a whole run completes" in check_attacker(WideBlock, **SMALL)
