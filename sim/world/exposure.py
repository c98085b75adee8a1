"""Which simulated residents an incident exposes, and whether each record can be tied to them.

Breach sizes are set for *one real institution* and thinned onto the simulated sample:
a node standing for ``R`` real clinics, whose victim holds ``s`` times the average clinic's
records and loses a share ``f`` of them, exposes each of the node's simulated residents with
probability ``f·s / R``. An insider who opens ``n`` real records out of ``H`` reachable
exposes each reachable simulated resident with probability ``n / H``.

Most incidents touch no simulated resident (a node stands for thousands of real
clinics): the opportunity's uniform ``u[U_EXPOSES]`` (:mod:`sim.world.uniforms`) decides that
case exactly, P(none) = Π (1-q)^H over the pools, without a generator or a list.
Otherwise the draws come from a generator keyed by the incident's kind, place and day.

A leaked record is *re-identifiable* if it carries a direct identifier, or, failing
that, if its quasi-identifiers single the person out: the resident's fixed linkage
uniform falls below the correct-match probability κ of the record's quasi-identifier
combination in the represented population (calibration.md §1.5). Because that uniform is
fixed per resident, a record with fewer quasi-identifiers is never re-identified where one
with more is not.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from .risk import correct_match_probability
from .uniforms import U_EXPOSES

if TYPE_CHECKING:  # pragma: no cover
    from .institutions import Institution
    from .model import HealthDataModel
    from .threats import Reach

__all__ = ["Sampler", "reidentify"]


class Sampler:
    """Draws the residents an incident exposes, from the stores' holdings snapshots."""

    def __init__(self, model: HealthDataModel) -> None:
        self.model = model
        self._pool_cache: dict[tuple, tuple[int, np.ndarray]] = {}
        self._sizes: np.ndarray | None = None
        self._sizes_epoch = -1

    def invalidate(self) -> None:
        """Forget pools and sizes (after the sharing network changed)."""
        self._pool_cache.clear()
        self._sizes_epoch = -1

    def institution_sizes(self, idx: np.ndarray) -> np.ndarray:
        """The residents the stores of each institution ``idx`` hold together this epoch.

        The epoch's store count for an institution with one store; the size of the union
        of its stores' holdings otherwise (computed on first need in an epoch).
        """
        m = self.model
        epoch = m.records.epoch()
        if self._sizes_epoch != epoch:
            counts = m.records.store_counts()
            self._sizes = np.array([
                0.0 if not inst.stores else float(counts[inst.stores[0].index])
                if len(inst.stores) == 1 else np.nan for inst in m.institution_list])
            self._sizes_epoch = epoch
        sizes = self._sizes[idx]
        for j in np.flatnonzero(np.isnan(sizes)):
            i = int(idx[j])
            stores = m.institution_list[i].stores
            self._sizes[i] = sizes[j] = len(self.pool(stores, None, None, None))
        return sizes

    def pool(self, stores, region, recent_days, home):
        """Residents held by any of ``stores`` (optionally of one region / seen recently).

        Unions and region filters are cached for as long as the holdings lists they come
        from (an epoch).
        """
        m = self.model
        rec = m.records
        if len(stores) == 1 and region is None and recent_days is None:
            return rec.snapshot(stores[0])
        key = (tuple(st.index for st in stores), region)
        hit = self._pool_cache.get(key)
        if hit is not None and rec.epoch(hit[0]) == rec.epoch():
            held = hit[1]
        else:
            if len(stores) == 1:
                held = rec.snapshot(stores[0])
            else:
                mask = np.zeros(m.pop.n, dtype=bool)
                for st in stores:
                    mask[rec.snapshot(st)] = True
                held = np.flatnonzero(mask)
            if region is not None:
                held = held[m.pop.region[held] == region]
            self._pool_cache[key] = (m.day, held)
        if recent_days is not None and home is not None and home.provider_row >= 0:
            held = held[rec.visits.days(home.provider_row, held) >= m.day - recent_days]
        return held

    def reach_pools(self, reach: Reach, home: Institution):
        """Return a reach's pools ``(stores, held, represents)`` and the real records in them.

        Pools group the stores by how many real institutions their node stands for. They
        are cached for the epoch, unless limited to recent patients (which change daily).
        """
        m = self.model
        epoch = m.records.epoch()
        cached = reach.pools_cache
        if cached is not None and cached[0] == epoch:
            return cached[1], cached[2]
        by_r: dict[int, list] = {}
        for st in reach.stores:
            by_r.setdefault(st.institution.represents, []).append(st)
        pools = [(stores, self.pool(stores, reach.region, reach.recent_days, home), r)
                 for r, stores in by_r.items()]
        total_real = max(sum(len(held) * m.scale / r for _, held, r in pools), 1.0)
        if reach.recent_days is None:
            reach.pools_cache = (epoch, pools, total_real)
        return pools, total_real

    def draw(self, plan, u, key):
        """Sample exposed residents for each ``(stores, held, q)`` pool in ``plan``.

        Residents are drawn once per pool from the union of its stores' holdings (a dump of
        an institution takes a person's records from all its stores together), conditioned
        on at least one exposure where ``u[U_EXPOSES]`` says there is one.

        Returns:
            ``None`` or ``(residents, fields, identified)``, one entry per exposed resident.
        """
        m = self.model
        pools = []
        log_p0 = 0.0
        for stores, held, q in plan:
            q = min(q, 1.0)
            if len(held) and q > 0:
                pools.append((stores, held, q))
                log_p0 += len(held) * (math.log1p(-q) if q < 1.0 else -math.inf)
        if not pools or u[U_EXPOSES] < math.exp(log_p0):
            return None
        rng = m.streams.fresh(key[0], key[1], m.day, int(u[U_EXPOSES] * 2**31))
        # condition on at least one exposure: the first pool with one is s with probability
        # P(none before s)·(1 - P0_s) / (1 - P0); draw it zero-truncated, later pools freely
        if len(pools) == 1:
            rng.random()  # (the choice of the first pool: one draw, as for several)
            first = 0
        else:
            p0 = [math.exp(len(held) * math.log1p(-q)) if q < 1.0 else 0.0
                  for _, held, q in pools]
            lead = np.cumprod([1.0, *p0[:-1]]) * (1.0 - np.array(p0))
            first = int(np.searchsorted(np.cumsum(lead) / lead.sum(), rng.random(),
                                        side="right"))
            first = min(first, len(pools) - 1)
        ks = [0] * len(pools)
        ks[first] = _truncated_binomial(len(pools[first][1]), pools[first][2], rng)
        for j in range(first + 1, len(pools)):
            ks[j] = int(rng.binomial(len(pools[j][1]), pools[j][2]))
        res, flds, ids = [], [], []
        ident_bits = np.int64(m.policy.identifiers)
        rec = m.records
        for (stores, held, _), k in zip(pools, ks, strict=True):
            if k == 0:
                continue
            idx = held[rng.choice(len(held), size=k, replace=False)] if k < len(held) else held
            for st in stores:
                sub = idx if len(stores) == 1 else idx[np.isin(idx, rec.snapshot(st))]
                f = rec.record_fields(st, sub)
                res.append(sub)
                flds.append(f)
                ids.append(((f & ident_bits) != 0) if st.identified
                           else np.zeros(len(sub), dtype=bool))
        if not res:
            return None
        idx = np.concatenate(res)
        fields = np.concatenate(flds)
        ident = np.concatenate(ids)
        if len(res) > 1:  # merge a resident's records across stores and pools
            order = np.argsort(idx, kind="stable")
            idx, fields, ident = idx[order], fields[order], ident[order]
            starts = np.flatnonzero(np.r_[True, idx[1:] != idx[:-1]])
            fields = np.bitwise_or.reduceat(fields, starts)
            ident = np.logical_or.reduceat(ident, starts)
            idx = idx[starts]
        keep = fields != 0
        return idx[keep], fields[keep], ident[keep]


def reidentify(model: HealthDataModel, idx: np.ndarray, fields: np.ndarray,
               identified: np.ndarray, n_real):
    """Return (re-identifiable, prosecutor risk, κ, class probability p) per record.

    A record's quasi-identifier combination has probability ``p`` in the represented
    population (a product of marginals). Against the population (a broker matching a
    register, the marketer model) a match is right with probability
    κ(N, p) = (1 - (1-p)^N) / (N p) (:func:`sim.world.risk.correct_match_probability`). Within
    the leaked set itself (the prosecutor model, ARX's J/n = mean 1/f), the record's
    class holds the record plus Binomial(n_real - 1, p) others, so its expected risk is
    κ(n_real, p). Both are from the quasi-identifiers alone; a record with a direct
    identifier is re-identifiable whatever they say. ``n_real``: the real records of each
    record's incident (or one for all).
    """
    p = np.exp(model.quasi_identifiers.log_probability(idx, fields))
    kappa = correct_match_probability(model.p["real_population"], p)
    reid = identified | (model.pop.u_link[idx] < kappa)
    within = correct_match_probability(np.maximum(n_real, 1.0), p)
    return reid, within, kappa, p


def _truncated_binomial(n: int, q: float, rng: np.random.Generator) -> int:
    """Draw K ~ Binomial(n, q) conditioned on K >= 1 (exactly)."""
    if q >= 1.0:
        return n
    p_none = np.exp(n * np.log1p(-q))
    if p_none < 0.5:  # rejection is cheap
        while True:
            k = int(rng.binomial(n, q))
            if k:
                return k
    # inverse CDF over k = 1, 2, ... (the mean is small here, so few steps)
    target = rng.random() * (1.0 - p_none)
    ratio = q / (1.0 - q)
    pmf = n * q * np.exp((n - 1) * np.log1p(-q))
    k, cdf = 1, pmf
    while cdf < target and k < n:
        pmf *= (n - k) / (k + 1) * ratio
        k += 1
        cdf += pmf
    return k
