"""Contract tests over the registries (scikit-learn style): every registered part builds
with defaults, runs, is deterministic, and unknown names list the valid ones."""

import pytest
from conftest import small

from sim.registry import Registry
from sim.world.architecture import ARCHITECTURES
from sim.world.attackers import ATTACKER_TYPES
from sim.world.consent import CONSENT_MODELS
from sim.world.model import HealthDataModel
from sim.world.outcomes import OUTCOMES
from sim.world.policy import COLLECTION_SCOPES


def _run(**kw):
    m = HealthDataModel("national_plan_2025", seed=8, **small(n_days=60, **kw))
    return m, m.run()


@pytest.mark.parametrize("name", ARCHITECTURES.names())
def test_every_architecture_runs_deterministically(name):
    _, a = _run(architecture=name)
    _, b = _run(architecture=name)
    assert a == b
    assert 0.0 <= a["utility_rate"] <= 1.0


@pytest.mark.parametrize("name", CONSENT_MODELS.names())
def test_every_consent_model_runs_deterministically(name):
    _, a = _run(consent_model=name)
    _, b = _run(consent_model=name)
    assert a == b
    assert 0.0 <= a["participation_rate"] <= 1.0


@pytest.mark.parametrize("name", [n for n in COLLECTION_SCOPES.names() if n != "custom"])
def test_every_collection_scope_collects_something(name):
    m, s = _run(collection_scope=name)
    assert m.policy.collected != 0
    assert s["utility_rate"] > 0


@pytest.mark.parametrize("name", ATTACKER_TYPES.names())
def test_every_attacker_type_is_created_and_documented(name):
    m = HealthDataModel("national_plan_2025", seed=1, **small())
    cls = ATTACKER_TYPES[name]
    assert cls.__doc__ and cls.type_name == name
    assert any(type(a) is cls for a in m.attackers), name


@pytest.mark.parametrize("name", OUTCOMES.names())
def test_every_outcome_declares_unit_direction_definition(name):
    o = OUTCOMES[name]
    assert o.unit and o.label and len(o.definition) > 30
    assert o.direction in {"min", "max", "info"}


@pytest.mark.parametrize("registry", [ARCHITECTURES, CONSENT_MODELS, ATTACKER_TYPES, OUTCOMES,
                                      COLLECTION_SCOPES])
def test_unknown_name_lists_valid_names(registry):
    with pytest.raises(KeyError) as e:
        registry["nope"]
    assert registry.names()[0] in str(e.value)


def test_registry_rejects_bad_and_duplicate_names():
    reg = Registry("thing")
    with pytest.raises(ValueError, match="snake_case"):
        reg.register("BadName")
    reg.register("ok")(int)
    with pytest.raises(ValueError, match="already registered"):
        reg.register("ok")(float)


def test_new_attacker_type_joins_the_model():
    """A researcher's attacker: registered, created, acting, counted."""
    from sim.world.attackers import InsiderSnoop, register_attacker

    @register_attacker("test_night_shift_snoop")
    class NightShiftSnoop(InsiderSnoop):
        """A snooper who only works nights: twice the opportunities."""

        @classmethod
        def create(cls, model):
            home = model.providers[0]
            return [cls(model, ordinal=0, rate_per_day=2.0, home=home)]

        def expected_penalty(self, target):
            return 0.0

    try:
        m, _s = _run(access_breadth="national")
        mine = [a for a in m.attackers if isinstance(a, NightShiftSnoop)]
        assert len(mine) == 1 and mine[0].attempts > 0
    finally:
        ATTACKER_TYPES.unregister("test_night_shift_snoop")
