"""The sharing network is what the model reads: a flow added is a flow used."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import small

from sim.world import network
from sim.world.institutions import InstitutionKind
from sim.world.model import HealthDataModel
from sim.world.network import DEVICE


def _regional(**kw):
    return HealthDataModel("national_plan_2025", seed=3,
                           **small(architecture="regional", n_regions=3, **kw))


def _platform(m, region):
    return next(i for i in m.institution_list
                if i.kind is InstitutionKind.REGIONAL_PLATFORM and i.region == region)


def test_every_edge_is_a_described_flow():
    m = _regional()
    kinds = set()
    for _, _, key, d in m.graph.edges(keys=True, data=True):
        assert key == d["flow"] or key == f"{d['flow']}: {d['store']}"
        assert {"purpose", "store", "copies", "fields", "master_id", "gated"} <= set(d)
        kinds.add(d["flow"])
    assert {"upload", "access", "disease report", "claims"} <= kinds


@pytest.mark.parametrize("architecture", ["silos", "regional", "national", "federated",
                                          "on_device"])
def test_reach_comes_from_the_flows(architecture):
    m = HealthDataModel("national_plan_2025", seed=1,
                        **small(architecture=architecture, n_regions=2))
    r = m.threats.reach_matrix()
    region = m.provider_region
    same = region[:, None] == region[None, :]
    if architecture == "silos":
        assert not r.any()
    elif architecture == "regional":
        assert (r == same).all()
    else:  # one hub (platform, locator or the residents' phones) reaches everyone
        assert r.all()
    if architecture == "on_device":
        assert DEVICE in m.graph


def test_an_added_upload_and_access_flow_is_read():
    """A provider of region 1 uploads to region 0's platform: region 0 reads its records."""
    m = _regional()  # records held at the start: each resident's history
    src = next(p for p in m.providers if p.region == 1)
    reader = next(p for p in m.providers if p.region == 0)
    plat = _platform(m, 0)
    store = next(s for s in plat.stores if s.name == "platform")
    before_reach = m.threats.reach_matrix()[src.provider_row, reader.provider_row]
    before_held = set(m.records.holdings(store).tolist())
    assert not before_reach

    m.add_flow(src, plat, "upload", store="platform", fields=store.fields)

    assert store.scope == "providers" and src.provider_row in store.feeders
    assert m.threats.reach_matrix()[src.provider_row, reader.provider_row]
    # what the day's encounters read follows the edit too (the readable providers are
    # cached with the reach, and forgotten with it)
    readable, _ = m.threats.readable_providers()
    np.testing.assert_array_equal(
        readable, np.flatnonzero(m.threats.reach_matrix().any(axis=1)))
    seen_at_src = np.flatnonzero(m.records.last_visit[src.provider_row]
                                 >= m.records.retention_threshold())
    held = set(m.records.holdings(store).tolist())
    new = held - before_held
    assert new, "the platform should now hold the new feeder's patients"
    assert new <= set(seen_at_src.tolist())


def test_removing_access_flows_cuts_reading():
    m = _regional()
    plat = _platform(m, 0)
    readers = [p for p in m.providers if p.region == 0]
    for p in readers:
        m.graph.remove_edge(plat.index, p.index, key="access")
    m.flows_changed()
    rows = [p.provider_row for p in readers]
    assert not m.threats.reach_matrix()[:, rows].any()


def test_cross_region_flows_bring_records_to_emergencies_away():
    """Connecting every provider to every regional platform (in and out) works like one
    national platform for care away from home: the network drives clinical utility."""
    base = _regional(n_days=200)
    linked = _regional(n_days=200)
    for plat in (_platform(linked, r) for r in range(3)):
        store = next(s for s in plat.stores if s.name == "platform")
        for p in linked.providers:
            if p.region != plat.region:
                linked.add_flow(p, plat, "upload", store="platform", fields=store.fields)
                linked.add_flow(plat, p, "access")
    a, b = base.run(), linked.run()
    assert b["emergency_info_rate"] > a["emergency_info_rate"] + 0.05


def test_insiders_reach_what_the_network_gives_them():
    m = _regional(access_breadth="national")
    prov = next(p for p in m.providers if p.region == 0)
    names = {(s.institution.index, s.name) for s in m.threats.insider_reach(prov).stores}
    assert (_platform(m, 0).index, "platform") in names
    assert (_platform(m, 1).index, "platform") not in names
    m.add_flow(_platform(m, 1), prov, "access")
    names = {(s.institution.index, s.name) for s in m.threats.insider_reach(prov).stores}
    assert (_platform(m, 1).index, "platform") in names


def test_two_flows_of_one_kind_into_two_stores_both_count():
    m = _regional()
    ins = m.agency(InstitutionKind.INSURANCE)
    settlement = next(s for s in ins.stores if s.name == "settlement")
    assert settlement.scope == "all"
    prov = m.providers[0]
    m.add_flow(prov, ins, "claims", store="integrated insurance view")
    assert settlement.scope == "all"  # the settlement flow is still there


def test_an_edge_added_without_attributes_is_a_care_flow():
    m = _regional()
    src = next(p for p in m.providers if p.region == 1)
    reader = next(p for p in m.providers if p.region == 0)
    m.graph.add_edge(src.index, _platform(m, 0).index)  # no attributes at all
    m.flows_changed()  # routed through the platform: readable while the source is up
    assert m.threats.reach_matrix()[src.provider_row, reader.provider_row]


def test_a_flow_added_mid_run_reaches_the_incident_sampler():
    m = _regional(n_days=30)
    for _ in range(9):
        m.step()
    plat = _platform(m, 0)
    store = next(s for s in plat.stores if s.name == "platform")
    before = m.ledger.sampler.institution_sizes(np.array([plat.index]))[0]
    for p in m.providers:
        if p.region != 0:
            m.add_flow(p, plat, "upload", store="platform", fields=store.fields)
    after = m.ledger.sampler.institution_sizes(np.array([plat.index]))[0]
    assert after > before and after == len(m.records.snapshot(store))


def test_looking_at_holdings_does_not_change_the_run():
    plain = HealthDataModel("national_plan_2025", seed=1, **small())
    looked = HealthDataModel("national_plan_2025", seed=1, **small())
    while looked.running:
        for st in looked.stores:
            looked.records.holdings(st)
        looked.step()
    plain.run()
    assert plain.summary() == pytest.approx(looked.summary(), nan_ok=True)


def test_readable_providers_follow_flows_added_to_silos():
    """Silos read nothing; a provider made a hub (one upload, one access flow) is readable
    (the readable providers the day's access uses are cached with the reach, and forgotten
    with it)."""
    m = HealthDataModel("status_quo", seed=1, **small(n_days=5))
    readable, everyone = m.threats.readable_providers()
    assert len(readable) == 0 and not everyone
    a, hub, c = m.providers[0], m.providers[1], m.providers[2]
    m.add_flow(a, hub, "upload", store=hub.stores[0].name)
    m.add_flow(hub, c, "access")
    readable, everyone = m.threats.readable_providers()
    assert readable.tolist() == [a.provider_row] and not everyone


def _per_access(seed=3):
    return HealthDataModel("national_plan_2025", seed=seed,
                           **small(n_days=120, architecture="national",
                                   consent_model="per_access"))


def _open_access(m, providers):
    """Replace the platform's access flows to ``providers`` by ungated ones."""
    hub = next(m.institution_list[h] for h, *_ in network._hubs(m) if h != DEVICE)
    for p in providers:
        m.add_flow(hub, p, "access", gated=False)


def test_the_code_gate_is_read_from_the_access_flows():
    """Per-access consent gates every read through the platform; opening the access flows
    of half the providers lifts the gate there only, and opening all lifts it everywhere."""
    runs = {}
    for share in (0.0, 0.5, 1.0):
        m = _per_access()
        _open_access(m, m.providers[: int(len(m.providers) * share)])
        runs[share] = (m.threats.code_gate(), m.run(), dict(m.totals))
    gates = {k: g for k, (g, _, _) in runs.items()}
    assert gates == {0.0: "all", 0.5: "some", 1.0: "none"}
    asked = {k: t["code_requests"] for k, (_, _, t) in runs.items()}
    assert asked[0.0] > asked[0.5] > asked[1.0] == 0
    # what the gate held back (codes not shown) is delivered once it is lifted
    delivered = {k: t["value_delivered"] for k, (_, _, t) in runs.items()}
    assert delivered[0.0] < delivered[0.5] < delivered[1.0]
    # the same residents and encounters throughout: only the gate differs
    assert len({t["encounters"] for _, _, t in runs.values()}) == 1


def test_a_gated_flow_beside_an_ungated_one_does_not_gate_the_reader():
    m = _per_access()
    hub = next(m.institution_list[h] for h, *_ in network._hubs(m) if h != DEVICE)
    p = m.providers[0]
    # a second access flow beside the platform's gated one (an edge added directly)
    m.graph.add_edge(hub.index, p.index, key="access: open", flow="access", gated=False)
    m.flows_changed()
    flows = [d for _, v, d in m.graph.out_edges(hub.index, data=True) if v == p.index]
    assert sorted(d["gated"] for d in flows) == [False, True]
    _, _, _, reads, gated, _ = next(x for x in network._hubs(m) if x[0] == hub.index)
    assert reads[p.provider_row] and not gated[p.provider_row]
    assert gated[m.providers[1].provider_row]
    assert m.threats.code_gate() == "some"


def test_insiders_region_limit_follows_the_access_flows_gate():
    """Region breadth limits a staff member to their region's residents wherever their care
    reads need no code: opening a per-access platform's flows brings that limit with them."""
    def reach(open_flows):
        m = HealthDataModel("national_plan_2025", seed=3,
                            **small(n_days=2, architecture="national",
                                    consent_model="per_access", access_breadth="region"))
        if open_flows:
            _open_access(m, m.providers)
        p = next(p for p in m.providers if p.region == 1)
        r = m.threats.insider_reach(p)
        return p, r, {s.name for s in r.stores}

    p, gated, names = reach(False)
    assert gated.region is None and "platform" not in names  # own records only
    p, opened, names = reach(True)
    assert opened.region == p.region == 1 and "platform" in names
