"""Public extension points (issue 20): what a researcher new to the project had to work
around, now done with public API alone.

The first is the issue's credential-stuffing attacker: it targets residents' code-app
accounts, not an institution's holdings, and needed the private ``Ledger._open``.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest
from conftest import small

from sim.testing import check_attacker
from sim.world.attackers import ATTACKER_TYPES, Attacker
from sim.world.institutions import InstitutionKind
from sim.world.model import HealthDataModel


class CredentialStuffer(Attacker):
    """Tries passwords leaked elsewhere on residents' health-code app accounts.

    The account is run by public health (the code's status is served from there); a hit
    exposes what the account holds (name, phone, ID number) of a few smartphone users.
    """

    type_name = "credential_stuffer"
    family = "external"

    @classmethod
    def create(cls, model):
        return [cls(model, ordinal=0, rate_per_day=0.5)]

    def choose_target(self, u):
        return self.model.agency(InstitutionKind.PUBLIC_HEALTH)

    def expected_gain(self, target):
        return 2_000.0

    def cost(self, target):
        return 50.0 * self.cost_factor

    def attempt(self, target, u):
        m = self.model
        phones = np.flatnonzero(m.pop.has_phone)
        hit = np.sort(self.stream.choice(phones, 1 + int(u[2] * 10), replace=False))
        self.observe_success()
        m.ledger.open_incident("credential_stuffing", hit,
                               fields=m.field_bit["name_phone"] | m.field_bit["id_number"],
                               institution=target, attacker=self, u=u)


@pytest.fixture
def stuffer():
    ATTACKER_TYPES.register(CredentialStuffer.type_name)(CredentialStuffer)
    yield CredentialStuffer
    ATTACKER_TYPES.unregister(CredentialStuffer.type_name)


def test_a_credential_stuffing_attacker_opens_incidents_over_the_residents_it_chose(stuffer):
    m = HealthDataModel("status_quo", seed=3, **small(n_days=60))
    m.run()
    ours = [i for i in m.ledger.incidents if i.kind == "credential_stuffing"]
    assert len(ours) == m.ledger.count(["credential_stuffing"]) > 5
    bits = m.field_bit["name_phone"] | m.field_bit["id_number"]
    for inc in ours:
        assert 1 <= len(inc.residents) <= 11 and m.pop.has_phone[inc.residents].all()
        assert (inc.fields != 0).all() and not (inc.fields & ~bits).any()
        assert inc.reidentified.all()  # the records carry a direct identifier
        assert (m.pop.exposed_fields[inc.residents] & inc.fields == inc.fields).all()
        assert inc.institution.kind is InstitutionKind.PUBLIC_HEALTH
        assert inc.attacker.type_name == "credential_stuffer"
    table = m.ledger.incident_table()
    assert (table["kind"] == "credential_stuffing").sum() == len(ours)
    assert table.loc[table["kind"] == "credential_stuffing", "residents_exposed"].sum() == sum(
        len(i.residents) for i in ours)


def test_the_credential_stuffer_passes_the_contract_checks():
    passed = check_attacker(CredentialStuffer, n_residents=1500, n_days=45)
    assert "two runs with one seed agree" in passed
    assert "credential_stuffer" not in ATTACKER_TYPES


def test_an_incident_over_chosen_residents_is_detected_sold_and_told_like_any_other():
    m = HealthDataModel("status_quo", seed=4, **small(n_days=20, breach_notification="affected"))
    m.step()
    ph = m.agency(InstitutionKind.PUBLIC_HEALTH)
    allergies = m.field_bit["allergies"]
    before = m.ledger.n_incidents
    bought = sum(b.leaks_bought for b in m.brokers)
    m.ledger.open_incident("contractor_list", np.array([5, 9, 40]), fields=allergies,
                           institution=ph, identified=np.array([True, False, True]),
                           sold=True, detect_now=True)
    assert not m.pop.notified[[5, 9, 40]].any()
    m.step()
    inc = m.ledger.incident(before)
    assert inc.kind == "contractor_list" and inc.detected and inc.detect_day == 1
    assert list(inc.residents) == [5, 9, 40] and list(inc.identified) == [True, False, True]
    assert (inc.fields == allergies).all() and inc.n_real == 3 * m.scale
    assert inc.reidentified[[0, 2]].all()  # a direct identifier: certain
    assert m.pop.notified[[5, 9, 40]].all()  # told, as the policy says
    assert sum(b.leaks_bought for b in m.brokers) == bought + 1  # and sold to a broker
    broker = m.brokers[0]
    assert (broker.dossier[[5, 40]] & allergies).all()


@pytest.mark.parametrize("change, needle", [
    ({"residents": np.array([1, 1])}, "residents"),
    ({"residents": np.array([10 ** 9])}, "residents"),
    ({"residents": np.array([1.5])}, "residents"),
    ({"fields": -1}, "fields"),
    ({"identified": "yes"}, "identified"),
    ({"institution": "public health"}, "institution"),
    ({"n_real": float("nan")}, "n_real"),
    ({"u": np.full(5, 0.5)}, "u"),
    ({"u": np.full(12, 1.0)}, "u"),
])
def test_open_incident_refuses_bad_arguments_by_name(change, needle):
    m = HealthDataModel("status_quo", seed=4, **small(n_days=5))
    args = {"residents": np.array([1, 2]), "fields": m.field_bit["allergies"],
            "institution": m.agency(InstitutionKind.PUBLIC_HEALTH), **change}
    residents = args.pop("residents")
    with pytest.raises(ValueError, match=f"open_incident: {needle}: invalid value"):
        m.ledger.open_incident("bad", residents, **args)
    assert not m.ledger._today  # nothing half-recorded


# ------------------------------------------------------------ the network, at build time
def _commercial_insurer(m):
    """A commercial insurer that buys a copy of what the national platform holds: a store
    fed by every provider's integration flow (what a store holds follows from its feeders)."""
    insurer = m.add_institution("insurance_bureau", -1, label="commercial insurer")
    m.add_store(insurer, "underwriting copy", scope="providers",
                fields=m.field_bit["allergies"] | m.field_bit["id_number"], identified=True,
                needs_participation=True)
    for prov in m.providers:
        m.add_flow(prov, insurer, "integration", purpose="insurance",
                   store="underwriting copy", fields=m.field_bit["allergies"])
    return insurer


def test_a_build_hook_adds_an_institution_every_model_reads():
    from sim.world.build import BUILD_HOOKS, register_build_hook

    register_build_hook("test_commercial_insurer")(_commercial_insurer)
    try:
        m = HealthDataModel("national_plan_2025", seed=2, **small(n_days=15))
        m.run()
    finally:
        BUILD_HOOKS.unregister("test_commercial_insurer")
    insurer = next(i for i in m.institution_list if i.label == "commercial insurer")
    store = insurer.stores[0]
    assert store.scope == "all" and insurer in m.institutions
    assert 0 < m.records.store_counts()[store.index] <= m.pop.n
    assert m.threats.targets.records_real[insurer.index] > 0  # attackers can find it
    plain = HealthDataModel("national_plan_2025", seed=2, **small(n_days=15))
    assert len(plain.institution_list) == len(m.institution_list) - 1  # hook removed


def test_a_subclass_adds_its_institutions_in_build_network():
    class WithInsurer(HealthDataModel):
        def build_network(self):
            self.insurer = _commercial_insurer(self)

    m = WithInsurer("status_quo", seed=2, **small(n_days=5))
    m.run()
    assert m.records.store_counts()[m.insurer.stores[0].index] > 0


def test_adding_an_institution_or_a_store_after_the_build_is_a_clear_error():
    m = HealthDataModel("status_quo", seed=2, **small(n_days=5))
    with pytest.raises(RuntimeError, match=r"add_institution: the model is built.*build_network"):
        m.add_institution("insurance_bureau", -1)
    with pytest.raises(RuntimeError, match="add_store: the model is built"):
        m.add_store(m.institution_list[0], "late", scope="providers", fields=1,
                    identified=False, needs_participation=False)


def test_a_build_hook_cannot_add_a_provider():
    class MoreClinics(HealthDataModel):
        def build_network(self):
            self.add_institution("community_clinic", 0)

    with pytest.raises(RuntimeError, match="providers are laid out by region and tier"):
        MoreClinics("status_quo", seed=2, **small(n_days=5))


@pytest.mark.parametrize("flow", ["access to the insurance bureau", "upload from a platform"])
def test_a_flow_that_no_mechanism_reads_is_named_in_a_warning(flow):
    """The issue's two flows changed nothing, silently."""
    from sim.world.network import UnreadFlowWarning, unread_flows

    m = HealthDataModel("national_plan_2025", seed=2, **small(n_days=5))
    assert not unread_flows(m)
    platform = m.agency(InstitutionKind.NATIONAL_PLATFORM)
    bureau = m.agency(InstitutionKind.INSURANCE)
    with pytest.warns(UnreadFlowWarning, match="changes nothing") as caught:
        if flow.startswith("access"):
            m.add_flow(platform, bureau, "access", purpose="care")
        else:
            m.add_flow(platform, bureau, "upload", store="settlement")
    assert len(caught) == 1
    assert bureau.label in str(caught[0].message) and platform.label in str(caught[0].message)


def test_no_bundled_design_has_a_flow_that_changes_nothing():
    import itertools
    import warnings

    from sim.world.network import UnreadFlowWarning

    with warnings.catch_warnings():
        warnings.simplefilter("error", UnreadFlowWarning)
        for arch, codes, breadth in itertools.product(
                ["silos", "regional", "national", "federated", "on_device"],
                ["health_only", "health_insurance_payment"], ["treating_team", "national"]):
            HealthDataModel("status_quo", seed=1, n_residents=300, n_days=2, architecture=arch,
                            code_integration=codes, access_breadth=breadth,
                            consent_model="per_access_break_glass")


# ------------------------------------------------------- a parameter from outside
@pytest.fixture
def mfa_lever():
    """A lever registered from outside the package, read by an outcome of the test's own."""
    from sim.params import Parameter, register_parameter, unregister_parameter
    from sim.world.outcomes import OUTCOMES, register_outcome

    register_parameter(Parameter(
        name="test_mfa_share", default=0.0, kind="lever", group="security", unit="share",
        dtype=float, low=0.0, high=1.0, help="Share of code-app accounts with a second factor.",
        source="test"))
    register_outcome("test_mfa_seen", unit="share", direction="info", label="MFA seen",
                     definition="the lever's value as the model saw it",
                     headline=False)(lambda m: float(m.p["test_mfa_share"]))
    yield
    OUTCOMES.unregister("test_mfa_seen")
    unregister_parameter("test_mfa_share")


def test_a_sweep_over_a_lever_registered_from_outside(tmp_path, mfa_lever):
    """The issue's sixth extension needed an edit inside sim/params.py."""
    from sim.experiments.sweep import load_results, load_sweep, run_sweep
    from sim.scenario import load_scenario

    assert load_scenario("status_quo").params["test_mfa_share"] == 0.0
    spec = load_sweep({"name": "mfa", "scenarios": ["status_quo"], "reps": 1, "seed": 2,
                       "overrides": {"n_residents": 300, "n_days": 10},
                       "design": {"type": "factorial",
                                  "factors": {"test_mfa_share": [0.0, 0.5, 1.0]}}})
    run_sweep(spec, tmp_path / "out", engine="serial", progress=False)
    runs = load_results(tmp_path / "out")
    assert sorted(runs["param.test_mfa_share"]) == [0.0, 0.5, 1.0]
    assert (runs["test_mfa_seen"] == runs["param.test_mfa_share"]).all()
    with pytest.raises(ValueError, match="test_mfa_share"):
        load_scenario("status_quo", {"test_mfa_share": 2.0})


@pytest.mark.parametrize("change, needle", [
    ({"name": "audit_strength"}, "exists"),
    ({"name": "Bad Name"}, "snake_case"),
    ({"kind": "knob"}, "kind"),
    ({"group": "misc"}, "group"),
    ({"default": 3.0}, "default"),
    ({"help": " "}, "help is empty"),
])
def test_a_bad_parameter_is_refused_by_name(change, needle):
    from sim.params import PARAMETERS, Parameter, register_parameter

    fields = {"name": "test_x", "default": 0.5, "kind": "lever", "group": "security",
              "unit": "share", "dtype": float, "low": 0.0, "high": 1.0, "help": "x",
              "source": "test", **change}
    with pytest.raises(ValueError, match=needle):
        register_parameter(Parameter(**fields))
    assert "test_x" not in PARAMETERS


def test_compare_runs_both_arms_together_on_the_engine_it_is_given(monkeypatch):
    """compare ran its arms one after the other; run_scenarios runs them in parallel."""
    import sim
    import sim.experiments.engines

    used = []
    real = sim.experiments.engines.executor

    def recording(engine="processes", workers=None, scheduler=None):
        used.append((engine, workers))
        return real(engine, workers, scheduler)

    monkeypatch.setattr(sim.experiments.engines, "executor", recording)
    size = {"n_residents": 300, "n_days": 10}
    par = sim.compare("status_quo", "national_plan_2025", seed=1, reps=2, overrides=size,
                      workers=2)
    ser = sim.compare("status_quo", "national_plan_2025", seed=1, reps=2, overrides=size,
                      engine="serial")
    assert used == [("processes", 2), ("serial", None)]
    cols = [c for c in par.a.runs.columns if c != "runtime_s"]
    for x, y in ((par.a, ser.a), (par.b, ser.b)):
        pd.testing.assert_frame_equal(x.runs[cols], y.runs[cols])
    pd.testing.assert_frame_equal(par.differences, ser.differences)


# -------------------------------------------------------- consent: told why they review
def test_a_consent_model_is_told_why_residents_review():
    """Dynamic consent had to read ``behaviour.news_level`` to guess why."""
    from sim.world.consent import CONSENT_MODELS, OptOut, ReviewReasons

    seen: list[tuple[np.ndarray, ReviewReasons]] = []

    class Dynamic(OptOut):
        name = "test_dynamic"

        def review(self, idx, want, u, *, why=None):
            super().review(idx, want, u, why=why)
            if why is not None:
                seen.append((idx.copy(), why))

    CONSENT_MODELS.register("test_dynamic")(Dynamic)
    try:
        m = HealthDataModel("status_quo", seed=5, **small(n_days=40, consent_model="test_dynamic",
                                                        breach_notification="affected"))
        m.step()
        told = np.array([3, 8, 21])
        m.pop.participating[told] = True
        m.behaviour.notify(told)
        m.run()
    finally:
        CONSENT_MODELS.unregister("test_dynamic")
    assert seen and all(len(w.notified) == len(i) for i, w in seen)
    notified = np.concatenate([i[w.notified] for i, w in seen])
    assert set(told) <= set(notified.tolist())  # each reviewed, flagged as told of a breach
    first = seen[0][1]
    assert first.routine == pytest.approx(m.p["consent_reviews_per_year"] / 365.0)
    assert all(0.0 <= w.attention <= 1.0 for _, w in seen)


def test_an_older_consent_model_without_why_still_works():
    from sim.world.consent import CONSENT_MODELS, OptIn

    class Old(OptIn):
        name = "test_old_review"

        def review(self, idx, want, u):  # the signature before ``why``
            super().review(idx, want, u)

    CONSENT_MODELS.register("test_old_review")(Old)
    try:
        HealthDataModel("status_quo", seed=5, **small(n_days=20,
                                                     consent_model="test_old_review")).run()
    finally:
        CONSENT_MODELS.unregister("test_old_review")


# ------------------------------------------------ plugins and model factories, end to end
PLUGIN = '''
"""A researcher's extension: a model with an extra phase and an outcome that reads it."""
import numpy as np

from sim.world.model import HealthDataModel
from sim.world.outcomes import register_outcome


class AuditModel(HealthDataModel):
    """Counts the days its extra phase ran (after trust and consent)."""

    PHASES = (*HealthDataModel.PHASES[:-1], "audit_sweep", HealthDataModel.PHASES[-1])

    def phase_audit_sweep(self, day):
        """An extra phase: one audit sweep a day."""
        self.audit_days = getattr(self, "audit_days", 0) + 1


@register_outcome("ext_audit_days", unit="days", direction="info", label="Audit days",
                  definition="days the extension's phase ran", headline=False, count=True)
def _audit_days(m):
    return float(getattr(m, "audit_days", 0))
'''


@pytest.fixture
def plugin_dir(tmp_path, monkeypatch):
    (tmp_path / "ext_audit.py").write_text(PLUGIN)
    monkeypatch.setenv("PYTHONPATH", f"{tmp_path}:{os.environ.get('PYTHONPATH', '')}")
    return tmp_path


def _cli(*args, timeout=300):
    import subprocess
    import sys

    from conftest import ROOT

    p = subprocess.run([sys.executable, "-m", "sim", *map(str, args)], cwd=ROOT,
                       capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


@pytest.mark.parametrize("engine", ["processes", "dask"])
def test_compare_runs_a_subclass_with_an_extra_phase_from_a_plugin(plugin_dir, engine):
    """The issue's Done-when: compare … --model ext:Subclass --plugin ext, end to end,
    also on --engine dask (whose workers start fresh)."""
    import json

    if engine == "dask":
        pytest.importorskip("dask.distributed")
    code, out, err = _cli("compare", "status_quo", "national_plan_2025", "--reps", "2",
                          "--set", "n_residents=300", "--set", "n_days=12", "--json",
                          "--plugin", "ext_audit", "--model", "ext_audit:AuditModel",
                          "--engine", engine, "--workers", "2")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["a"]["metrics"]["ext_audit_days"]["mean"] == 12  # the phase ran every day
    assert doc["b"]["metrics"]["ext_audit_days"]["mean"] == 12
    code, out, err = _cli("compare", "status_quo", "national_plan_2025", "--reps", "2",
                          "--set", "n_residents=300", "--set", "n_days=12", "--json",
                          "--plugin", "ext_audit")
    assert code == 0, err
    assert json.loads(out)["a"]["metrics"]["ext_audit_days"]["mean"] == 0  # built-in model


@pytest.mark.parametrize("engine", ["processes", "dask"])
def test_a_sweep_loads_the_plugin_in_every_worker(plugin_dir, tmp_path, engine):
    """Spawned and Dask workers start fresh: they import the plugin from SIM_PLUGINS."""
    if engine == "dask":
        pytest.importorskip("dask.distributed")
    from conftest import sweep_file

    from sim.experiments.sweep import load_results

    sw = sweep_file(tmp_path, reps=2)
    out = tmp_path / f"res_{engine}"
    code, _stdout, err = _cli("sweep", sw, "--out", out, "--engine", engine, "--workers", "2",
                             "--no-progress", "--plugin", "ext_audit", "--model",
                             "ext_audit:AuditModel")
    assert code == 0, err
    import sys

    from sim.world.outcomes import OUTCOMES

    sys.path.insert(0, str(plugin_dir))
    try:
        import ext_audit  # noqa: F401 - registers the outcome the results carry
        runs = load_results(out)
    finally:  # leave no registration behind for the tests that follow
        sys.path.remove(str(plugin_dir))
        sys.modules.pop("ext_audit", None)
        OUTCOMES.unregister("ext_audit_days")
    assert len(runs) == 4 and (runs["status"] == "ok").all()
    assert (runs["ext_audit_days"] == 10).all()
    manifest = (out / "sweep.json").read_text()
    assert "ext_audit:AuditModel" in manifest
    code, _o, err = _cli("sweep", sw, "--out", out, "--resume", "--no-progress",
                         "--plugin", "ext_audit")  # the same sweep with the built-in model
    assert code == 2 and "different sweep" in err


def test_the_model_factory_reaches_sim_run():
    class Counting(HealthDataModel):
        PHASES = (*HealthDataModel.PHASES, "count")

        def phase_count(self, day):
            self.counted = getattr(self, "counted", 0) + 1

    seen = []

    def factory(scenario, seed):
        m = Counting(scenario, seed=seed)
        seen.append(m)
        return m

    import sim

    sim.run("status_quo", seed=1, reps=2, overrides={"n_residents": 300, "n_days": 7},
            model=factory)
    assert len(seen) == 2 and all(m.counted == 7 for m in seen)


def test_ema_runs_a_model_subclass():
    pytest.importorskip("ema_workbench")
    import warnings

    import sim.analysis.ema

    class Counting(HealthDataModel):
        built = 0

        def build_network(self):
            type(self).built += 1

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench import SequentialEvaluator, perform_experiments

    m = sim.analysis.ema.model("status_quo", n_residents=300, n_days=5, levers=["audit_strength"],
                      uncertainties=[], factory=Counting)
    with SequentialEvaluator(m) as ev, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        perform_experiments(m, policies=3, evaluator=ev)
    assert Counting.built == 3
