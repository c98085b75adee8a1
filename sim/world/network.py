"""The data-sharing network: every flow of records between institutions is an edge.

``model.graph`` is a ``networkx.MultiDiGraph`` whose nodes are institutions (by
``Institution.index``) plus, under the on-device architecture, the residents' phones
(``DEVICE``). Each edge is one *sharing flow*, with attributes

* ``flow``: its kind (``upload``, ``index``, ``access``, ``disease report``, ``claims``,
  ``integration``, ``emergency summary``), also the edge's key;
* ``purpose``: ``care``, ``emergency``, ``public_health``, ``insurance``;
* ``store``: the name of the destination store the flow fills, if any; ``copies``: whether
  the destination keeps a copy of the clinical record (a record locator's index entry does
  not: it routes queries to the source);
* ``fields``: the field mask carried; ``master_id``: whether it carries the direct
  identifier; ``gated``: whether reading needs the resident's code.

The model reads the network, not a parallel description of it:

* **recording**: a shared store holds what the providers with a flow into it hold
  (:func:`resolve_feeds` sets each store's feeders);
* **clinical access**: provider ``i`` can read provider ``j``'s records today if some hub
  ``H`` has a care flow from ``j`` and an ``access`` flow to ``i``, the hub and the reader
  are up, and, where the hub keeps no copy, the holder too (:func:`clinical_reach`);
* **insider reach**: staff reach the stores of the hubs with an ``access`` flow to them
  (the sources' own stores, through a router), within the access breadth
  (:func:`shared_stores_for`).

A researcher adds a flow with :meth:`sim.world.model.HealthDataModel.add_flow` (which re-reads
the network); the explorer's network picture draws this graph.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

from .institutions import InstitutionKind

if TYPE_CHECKING:  # pragma: no cover
    from .institutions import Institution, Store
    from .model import HealthDataModel

__all__ = ["DEVICE", "UnreadFlowWarning", "add_flow", "build_graph", "clinical_reach",
           "node_of", "resolve_feeds", "shared_stores_for", "unread_flows", "warn_unread_flows"]

DEVICE = "device"  # the residents' phones (on-device architecture): always up


def node_of(x) -> int | str:
    """The graph node of an institution (or an index, or ``DEVICE``)."""
    return x if isinstance(x, (int, str)) else x.index


def add_flow(graph: nx.MultiDiGraph, source, destination, flow: str, *, purpose: str = "care",
             store: str | None = None, copies: bool | None = None, fields: int = 0,
             master_id: bool = False, gated: bool = False) -> None:
    """Add one sharing flow from ``source`` to ``destination`` (institutions or indices).

    ``copies``: whether the destination keeps a copy of the clinical record (default: if
    the flow fills a store); a record locator's index entry fills a store, copies none.
    """
    copies = store is not None if copies is None else copies
    key = flow if store is None else f"{flow}: {store}"  # one edge per kind and store
    graph.add_edge(node_of(source), node_of(destination), key=key, flow=flow, purpose=purpose,
                   store=store, copies=bool(copies), fields=int(fields),
                   master_id=bool(master_id), gated=bool(gated))


def _flow(d: dict) -> dict:
    """A flow's attributes, with :func:`add_flow`'s defaults for any left out.

    (An edge added to the graph directly may lack some.)
    """
    store = d.get("store")
    return {"flow": d.get("flow", "upload"), "purpose": d.get("purpose", "care"),
            "store": store, "copies": d.get("copies", store is not None),
            "gated": d.get("gated", False)}


def build_graph(model: HealthDataModel) -> nx.MultiDiGraph:
    """The network under the model's policy.

    Reporting, claims, code integration, and the architecture's own flows
    (:meth:`sim.world.architecture.Architecture.flows`).
    """
    g = nx.MultiDiGraph()
    for inst in model.institution_list:
        g.add_node(inst.index, label=inst.label, kind=inst.kind.value, region=inst.region)
    for holder in model.institution_list:
        for st in holder.stores:
            if holder.kind.is_provider or st.scope == "everyone":
                continue
            kind, purpose = _AGENCY_FLOWS.get(st.name, (None, None))
            if kind is None:
                continue  # the architecture's own stores: its flows() say who feeds them
            for prov in model.providers:
                add_flow(g, prov, holder, kind, purpose=purpose, store=st.name,
                         fields=st.fields, master_id=st.identified)
    for src, dst, flow, attrs in model.architecture.flows():
        if src == DEVICE or dst == DEVICE:
            g.add_node(DEVICE, label="residents' phones", kind="device", region=-1)
        add_flow(g, src, dst, flow, **attrs)
    return g


#: stores every provider fills by reporting, claims and code integration (store name:
#: flow, purpose); any other store is fed by the flows its architecture declares
_AGENCY_FLOWS = {
    "disease reporting": ("disease report", "public_health"),
    "settlement": ("claims", "insurance"),
    "integrated insurance view": ("integration", "insurance"),
    "integrated payment view": ("integration", "insurance"),
}


def resolve_feeds(model: HealthDataModel) -> None:
    """Set each shared store's feeders from the flows into it (call after editing flows).

    A store fed by every provider holds anyone seen anywhere (scope ``all``), one fed by
    exactly a region's providers the region's patients (``region``), any other set of
    providers their patients (``providers``).
    """
    g = model.graph
    g.graph.pop("hubs", None)
    g.graph.pop("care_copies", None)
    rows = {prov.index: prov.provider_row for prov in model.providers}
    all_rows = frozenset(rows.values())
    by_region = {r: frozenset(p.provider_row for p in model.providers if p.region == r)
                 for r in range(int(model.p["n_regions"]))}
    for holder in model.institution_list:
        for st in holder.stores:
            if st.scope in ("provider", "everyone"):
                continue
            feeders = frozenset(rows[u] for u, _, d in g.in_edges(holder.index, data=True)
                                if d.get("store") == st.name and u in rows)
            region = next((r for r, f in by_region.items() if f == feeders), None)
            if feeders == all_rows:
                st.scope, st.key, st.feeders = "all", -1, ()
            elif region is not None:
                st.scope, st.key, st.feeders = "region", region, ()
            else:
                st.scope, st.key, st.feeders = "providers", -1, tuple(sorted(feeders))


class UnreadFlowWarning(UserWarning):
    """A sharing flow that no mechanism of the model reads (it changes nothing)."""


def unread_flows(model: HealthDataModel, edges=None) -> list[tuple[Any, Any, str]]:
    """The flows of ``model.graph`` that no mechanism reads: ``(source, destination, why)``.

    ``edges``: only these ``(source, destination)`` node pairs (default: every flow; a
    design's own flows may name a store it did not make because the store would hold no
    field, as when nothing is collected).

    The model reads a flow that fills a store of its destination from a provider (the
    store then holds the provider's patients, :func:`resolve_feeds`); an ``access`` flow
    to a provider (it reads through the hub); a care or emergency flow from a provider into
    a hub that providers read (what the hub copies or routes); and any flow of the
    residents' phones. Anything else (an upload from a platform to an insurer, an access
    flow to a national body) changes no number.
    """
    g = model.graph
    providers = {p.index for p in model.providers}
    hubs = {h for h, *_ in _hubs(model)}
    out = []
    pairs = None if edges is None else set(edges)
    for u, v, d in g.edges(data=True):
        if u == DEVICE or v == DEVICE or (pairs is not None and (u, v) not in pairs):
            continue
        f = _flow(d)
        if f["store"] is not None:
            names = {st.name for st in model.institution_list[v].stores}
            if u in providers and f["store"] in names:
                continue
            why = (f"store {f['store']!r} is not a store of its destination"
                   if f["store"] not in names else
                   "stores are filled by providers' flows only (a hub's copy is its own "
                   "store, fed by the providers)")
        elif f["flow"] == "access":
            if v in providers:
                continue
            why = "an access flow is read by the provider it ends at, and this ends elsewhere"
        else:
            if u in providers and v in hubs and f["purpose"] in ("care", "emergency"):
                continue
            why = ("a flow without a store is read only as a provider's care or emergency "
                   "route into a hub that providers read")
        out.append((u, v, why))
    return out


def warn_unread_flows(model: HealthDataModel, edges) -> None:
    """Warn (:class:`UnreadFlowWarning`) for each of ``edges`` no mechanism reads.

    ``edges``: ``(source, destination)`` node pairs, the flows added by hand
    (:meth:`sim.world.model.HealthDataModel.add_flow`); one line each.
    """
    import warnings

    labels = [inst.label for inst in model.institution_list]
    for u, v, why in unread_flows(model, edges):
        warnings.warn(f"the flow from {labels[u]} to {labels[v]} changes nothing: {why}",
                      UnreadFlowWarning, stacklevel=3)


def _hubs(model: HealthDataModel):
    """Every hub with access flows, as boolean vectors over providers.

    ``(hub, copied from j, routed to j, care reads by i, gated reads, emergency reads)``
    (a read is gated when every care access flow from the hub to ``i`` is):
    a hub keeps a copy of what some feeders send it and only routes queries to others
    (a record locator), whose records are readable only while they are up.
    """
    cached = model.graph.graph.get("hubs")  # dropped by resolve_feeds
    if cached is not None:
        return cached
    g = model.graph
    n = model.n_providers
    row = {p.index: p.provider_row for p in model.providers}
    hubs = []
    for h in g.nodes:
        reads = np.zeros(n, dtype=bool)
        ungated = np.zeros(n, dtype=bool)
        emergency = np.zeros(n, dtype=bool)
        for _, v, d in g.out_edges(h, data=True):
            f = _flow(d)
            if f["flow"] == "access" and v in row:
                target = emergency if f["purpose"] == "emergency" else reads
                target[row[v]] = True
                if f["purpose"] != "emergency" and not f["gated"]:
                    ungated[row[v]] = True
        gated = reads & ~ungated  # every care access flow to the reader needs the code
        if not (reads.any() or emergency.any()):
            continue
        copied = np.zeros(n, dtype=bool)
        routed = np.zeros(n, dtype=bool)
        for u, _, d in g.in_edges(h, data=True):
            f = _flow(d)
            if u in row and f["purpose"] in ("care", "emergency"):
                (copied if f["copies"] else routed)[row[u]] = True
        hubs.append((h, copied, routed, reads, gated, emergency))
    g.graph["hubs"] = hubs
    return hubs


def clinical_reach(model: HealthDataModel, up: np.ndarray, *,
                   ungated: bool = False) -> np.ndarray:
    """``R[j, i]``: can a clinician at provider ``i`` read provider ``j``'s records today?

    Through any hub with a care flow from ``j`` and an access flow to ``i``, the hub and
    ``i`` up, and ``j`` up as well where the hub keeps no copy (a locator).

    Args:
        model: the model (its graph and providers).
        up: per institution (by ``Institution.index``), whether it is up today.
        ungated: only through access flows that do not need the resident's code.
    """
    n = model.n_providers
    prov_up = up[model.provider_index]
    r = np.zeros((n, n), dtype=bool)
    for h, copied, routed, reads, gated, _emergency in _hubs(model):
        if h != DEVICE and not up[h]:
            continue
        src = copied | (routed & prov_up)
        readers = reads & ~gated if ungated else reads
        r |= src[:, None] & (readers & prov_up)[None, :]
    return r


def code_gate(model: HealthDataModel) -> str:
    """Which care reads need the resident's code, from the access flows' ``gated`` flag.

    ``"none"``, ``"all"``, or ``"some"`` (a read needs the code only where no ungated
    access flow reaches the record).
    """
    gated_reads = open_reads = False
    for _h, copied, routed, reads, gated, _emergency in _hubs(model):
        if (copied | routed).any():
            gated_reads |= bool((reads & gated).any())
            open_reads |= bool((reads & ~gated).any())
    if not gated_reads:
        return "none"
    return "some" if open_reads else "all"


def care_reads_gated(model: HealthDataModel, inst: Institution) -> bool | None:
    """Whether every care read of provider ``inst`` through a hub needs the resident's code.

    ``None`` if no hub gives ``inst`` care reads at all.
    """
    row = inst.provider_row
    reads_here = [not gated[row] for _h, copied, routed, reads, gated, _e in _hubs(model)
                  if reads[row] and (copied | routed).any()]
    return None if not reads_here else not any(reads_here)


def _care_copies(model: HealthDataModel, h) -> list[Store]:
    """The stores of hub ``h`` that care or emergency flows copy records into.

    Cached with the hubs (:func:`_hubs`; dropped by :func:`resolve_feeds`): every provider's
    reach asks, and a hub of a national network has hundreds of flows in.
    """
    cache = model.graph.graph.setdefault("care_copies", {})
    stores = cache.get(h)
    if stores is None:
        flows = (_flow(d) for _, _, d in model.graph.in_edges(h, data=True))
        names = {f["store"] for f in flows
                 if f["purpose"] in ("care", "emergency") and f["copies"]}
        stores = cache[h] = [s for s in model.institution_list[h].stores if s.name in names]
    return stores


def shared_stores_for(model: HealthDataModel, inst: Institution, breadth: str) -> list[Store]:
    """Shared stores a staff member of provider ``inst`` can open beyond their own.

    Through every hub with an access flow to ``inst``: the hub's stores filled by care
    flows, or, through a router that keeps no copy, the other sources' own records
    (those of ``inst``'s region under ``region`` breadth). Care access is skipped where
    reading needs the resident's code (a gated flow) or the breadth is the institution or
    the treating team; emergency (break-glass) access is open to all but the treating team.
    """
    out: list[Store] = []
    row = inst.provider_row
    wide = breadth in ("region", "national")
    for h, copied, routed, reads, gated, emergency in _hubs(model):
        care_ok = reads[row] and wide and not gated[row]
        emerg_ok = emergency[row] and breadth != "treating_team"
        if not (care_ok or emerg_ok) or h == DEVICE:
            continue
        if copied.any():
            out += _care_copies(model, h)
        for prov in model.providers:
            if (prov is not inst and routed[prov.provider_row]
                    and (breadth == "national" or prov.region == inst.region)):
                out += prov.stores
    return out


def integrated_views(model: HealthDataModel, home: Institution) -> list[Store]:
    """The integrated views (code integration) a secondary user at ``home`` can query."""
    stores = [s for s in home.stores if s.name.startswith("integrated")]
    if home.kind is InstitutionKind.PUBLIC_HEALTH:
        if model.policy.public_health & model.field_bit["location_trail"]:
            stores += list(home.stores)  # the health-code trail itself
        pay = model.agency(InstitutionKind.PAYMENT)
        if pay is not None:
            stores += [s for s in pay.stores if s.name.startswith("integrated")]
    return stores
