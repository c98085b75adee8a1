"""Who holds whose records: the last-visit tables, retention, and every store's holdings.

A provider holds a resident's record if it saw them within ``retention_days``; a shared
store holds what the providers that feed it (the data-sharing network's upload flows,
:mod:`sim.world.network`) hold, restricted to participating residents where sharing needs
consent. Lists of who a store holds, and counts, are snapshots refreshed once per
*holdings epoch* (``HOLDINGS_REFRESH_DAYS``): attackers and insiders work from copies, and
at a million residents a list costs milliseconds.

A record's *content* is the store's fields, less what the resident withholds and the
one-off episodes that fell outside retention (:meth:`Records.recorded_mask`).
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import numpy as np

from .consent import ALL_FIELDS
from .institutions import HOLDINGS_REFRESH_DAYS, Store
from .kernels import (
    home_histograms,
    record_visits,
    row_at_least,
    row_indices_at_least,
    top_two,
    visit_days,
)

if TYPE_CHECKING:  # pragma: no cover
    from .model import HealthDataModel

__all__ = ["NEVER", "Records", "VisitTable"]

NEVER = np.iinfo(np.int16).min  # "no record" in the last-visit tables


def _small(keys: np.ndarray) -> np.ndarray:
    """``keys`` as int16 where they fit, for a stable sort.

    NumPy's stable sort of 16-bit integers is a radix sort: 8x faster at ten million keys
    (0.11 s instead of 0.89 s), and the order is the same.
    """
    if len(keys) and np.iinfo(np.int16).min <= keys.min() and keys.max() <= np.iinfo(
            np.int16).max:
        return keys.astype(np.int16)
    return keys


class VisitTable:
    """The last day each provider node recorded each resident, stored by resident.

    The plain form is a ``(providers, residents)`` table of days (:meth:`dense`), 217 cells
    a resident of which a resident uses three (their home node of each tier) and a few more
    when treated away from home: 434 bytes a resident, most of a million-resident run's
    memory. Here a resident's home visits are a ``(residents, 3)`` table (``home_last``,
    beside ``home``, the nodes) and every visit away from home an entry on two linked lists,
    the resident's and the node's (:mod:`sim.world.kernels`, "the visit table"). Reads go through
    compiled loops: :meth:`days` (cells), :meth:`rows_at_least` (a node's residents),
    :func:`sim.world.kernels.any_readable` and :func:`sim.world.kernels.top_two` (a resident's
    nodes).
    """

    def __init__(self, home: np.ndarray, tier: np.ndarray, n_providers: int) -> None:
        n = len(home)
        self.home = np.ascontiguousarray(home, dtype=np.int64)
        self.tier = np.asarray(tier, dtype=np.int64)
        self.shape = (n_providers, n)
        self.home_last = np.full((n, self.home.shape[1]), NEVER, dtype=np.int16)
        self.r_head = np.full(n, -1, dtype=np.int64)
        self.q_head = np.full(n_providers, -1, dtype=np.int64)
        self.n_entries = np.zeros(1, dtype=np.int64)
        self._alloc(1024)
        # per node, the residents whose home node of its tier it is (sorted), for row reads
        idx = np.int32 if n < np.iinfo(np.int32).max else np.int64
        self._members: list[np.ndarray] = [np.zeros(0, dtype=idx)] * n_providers
        for t in range(self.home.shape[1]):
            order = np.argsort(_small(self.home[:, t]), kind="stable").astype(idx)
            nodes = self.home[order, t]
            bounds = np.flatnonzero(np.r_[True, nodes[1:] != nodes[:-1], True]) if n else []
            for a, b in itertools.pairwise(bounds):
                self._members[int(nodes[a])] = order[a:b]

    def _alloc(self, cap: int) -> None:
        old = getattr(self, "e_q", None)
        k = int(self.n_entries[0])
        arrays = {}
        for name, dtype in (("e_q", np.int64), ("e_r", np.int64), ("e_day", np.int16),
                            ("e_next_r", np.int64), ("e_next_q", np.int64)):
            a = np.empty(cap, dtype=dtype)
            if old is not None:
                a[:k] = getattr(self, name)[:k]
            arrays[name] = a
        self.__dict__.update(arrays)

    def reserve(self, k: int) -> None:
        """Room for ``k`` more entries (a day's visits away from home at most)."""
        need = int(self.n_entries[0]) + k
        if need > len(self.e_q):
            self._alloc(max(need, 2 * len(self.e_q)))

    @property
    def away_entries(self) -> int:
        """How many (node, resident) visits away from home are held."""
        return int(self.n_entries[0])

    def days(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """``dense()[rows, cols]``: the day each pair was last recorded (``NEVER``: never)."""
        rows, cols = np.broadcast_arrays(np.asarray(rows, dtype=np.int64),
                                         np.asarray(cols, dtype=np.int64))
        return visit_days(self.home, self.home_last, self.tier, self.r_head, self.e_q,
                          self.e_day, self.e_next_r, np.ascontiguousarray(rows),
                          np.ascontiguousarray(cols), NEVER)

    def rows_at_least(self, rows, thr: int) -> np.ndarray:
        """``(dense()[rows] >= thr).any(axis=0)``: residents recorded at any of ``rows``."""
        out = np.zeros(self.shape[1], dtype=bool)
        for q in np.atleast_1d(rows).tolist():
            row_at_least(self.home_last, self._members[q], int(self.tier[q]), self.q_head,
                         self.e_r, self.e_day, self.e_next_q, q, thr, out)
        return out

    def residents_at_least(self, q: int, thr: int) -> np.ndarray:
        """``np.flatnonzero(dense()[q] >= thr)``: node ``q``'s residents, in order."""
        return row_indices_at_least(self.home_last, self._members[q], int(self.tier[q]),
                                    self.q_head, self.e_r, self.e_day, self.e_next_q, q, thr)

    def dense(self) -> np.ndarray:
        """The plain ``(providers, residents)`` table (built on each call: tests, small runs)."""
        table = np.full(self.shape, NEVER, dtype=np.int16)
        n = self.shape[1]
        for t in range(self.home.shape[1]):
            table[self.home[:, t], np.arange(n)] = self.home_last[:, t]
        k = self.away_entries
        table[self.e_q[:k], self.e_r[:k]] = self.e_day[:k]
        return table


def _search(sorted_days: np.ndarray, day: int) -> int:
    """``sorted_days.searchsorted(day)``, the key given in the array's own integer type.

    A Python int makes NumPy convert the whole array first: 0.2 ms a call at a million
    residents instead of a microsecond.
    """
    info = np.iinfo(sorted_days.dtype)
    if day > info.max:
        return len(sorted_days)
    return 0 if day < info.min else int(sorted_days.searchsorted(sorted_days.dtype.type(day)))


class Records:
    """The last-visit tables and the holdings of every store.

    Attributes:
        visits: the last day each provider recorded each resident (``NEVER``: never, or
            before electronic records), a :class:`VisitTable`; ``last_visit`` is its plain
            ``(providers, residents)`` table, built when asked.
        last_any: per resident, the last day any provider recorded them.
        last_by_region: ``(regions, residents)`` the last day a provider of each region did.

    With every provider able to read every other (a national platform), an encounter needs
    only to know whether a provider *other than its own* holds the resident; the last day
    of any provider but the latest one (:meth:`last_elsewhere`) answers it without reading
    the ``(providers, residents)`` table, kept from the first time it is asked.
    """

    def __init__(self, model: HealthDataModel) -> None:
        self.model = model
        n_regions = int(model.p["n_regions"])
        tier = np.zeros(model.n_providers, dtype=np.int64)
        table = model.provider_table
        for t in range(table.shape[1]):
            rows = table[:, t][table[:, t] >= 0]
            tier[rows] = t
        self.visits = VisitTable(model.home_provider, tier, model.n_providers)
        model.care.initial_history(self.visits.home_last)
        self.last_any = (self.visits.home_last.max(axis=1) if model.n_providers else None)
        # each provider's residents by the day of their last visit there: a store's count
        # is a sum over a few columns, not a pass over every resident (see _provider_counts)
        # (the history starts ``history_years`` before day 0: care.initial_history)
        self._day_lo = -365 * int(model.p["history_years"]) - 1
        self._hist, self._seen = home_histograms(
            self.visits.home, self.visits.home_last, model.n_providers, NEVER, self._day_lo,
            model.n_days - self._day_lo + 1)
        self._below = np.zeros(model.n_providers, dtype=np.int64)
        self._below_col = 0  # _below counts the days of columns under this one
        self._provider_region = np.asarray(model.provider_region, dtype=np.int64)
        n = model.pop.n
        self.last_by_region = np.full((n_regions, n), NEVER, dtype=np.int16)
        everyone = np.arange(n)
        for t in range(self.visits.home.shape[1]):  # (no visit away from home yet)
            reg = self._provider_region[self.visits.home[:, t]]
            self.last_by_region[reg, everyone] = np.maximum(
                self.last_by_region[reg, everyone], self.visits.home_last[:, t])
        self._counts: np.ndarray | None = None
        self._counts_day = 0
        self._unpurged: np.ndarray | None = None
        self._unpurged_day = 0
        self._lists: dict[int, tuple[int, np.ndarray]] = {}
        # one-off episodes (operations, psychiatric episodes ...) by field bit
        self._episodes = []
        for i, f in enumerate(model.catalogue):
            if f.needs_condition in model.pop.episode_day:
                days = model.pop.episode_day[f.needs_condition]
                order = np.argsort(_small(days), kind="stable")
                self._episodes.append((np.int64(1 << i), days, order, days[order]))
        self._retained_oldest: int | None = None
        # per kind of episode: where the retention horizon is in its sorted days
        self._purge_from: list[int] = []
        self._retained = np.full(model.pop.n, ALL_FIELDS, dtype=np.int64)
        # the provider of each resident's latest record, and the latest at any other one
        self._top_provider: np.ndarray | None = None
        self._second: np.ndarray | None = None

    # ----------------------------------------------------------------- writing
    def record(self, providers: np.ndarray, residents: np.ndarray) -> np.ndarray:
        """Providers record today's encounters; return each one's previous date there."""
        day = self.model.day
        if day - self._day_lo >= self._hist.shape[1]:  # run past n_days: widen
            grow = np.zeros((len(self._hist), day - self._day_lo + 1 - self._hist.shape[1]),
                            dtype=self._hist.dtype)
            self._hist = np.concatenate([self._hist, grow], axis=1)
        if self._top_provider is not None:  # (reads last_any as it was before today)
            top = self._top_provider
            moved = residents[top[residents] != providers]  # latest record: a new provider
            self._second[moved] = self.last_any[moved]
            top[residents] = providers
            # seen by two providers today: whichever one the table kept, the other is today
            self._second[residents[top[residents] != providers]] = day
        # = prior = last_visit[providers, residents]; last_visit[providers, residents] = day;
        # last_any[residents] = day; last_by_region[region of providers, residents] = day,
        # keeping the day histograms (a compiled loop: one pass, no temporaries)
        v = self.visits
        v.reserve(len(providers))
        return record_visits(v.home, v.home_last, v.tier, v.r_head, v.q_head, v.e_q, v.e_r,
                             v.e_day, v.e_next_r, v.e_next_q, v.n_entries, self._hist,
                             self._seen, self._below, self._below_col,
                             np.asarray(providers, dtype=np.int64),
                             np.asarray(residents, dtype=np.int64), day, NEVER, self._day_lo,
                             self.last_any, self.last_by_region, self._provider_region)

    @property
    def last_visit(self) -> np.ndarray:
        """The plain ``(providers, residents)`` last-visit table, built from :attr:`visits`.

        Each access builds it (2 bytes a cell): for tests, checks and small runs; the model
        reads :attr:`visits`.
        """
        return self.visits.dense()

    def last_elsewhere(self, providers: np.ndarray, residents: np.ndarray) -> np.ndarray:
        """The last day a provider other than ``providers[i]`` recorded ``residents[i]``.

        Equal to the maximum of ``last_visit[q, residents[i]]`` over ``q != providers[i]``
        (``NEVER`` if none), from two per-resident arrays: the provider of the latest
        record and the latest record at any other provider.
        """
        if self._top_provider is None:
            self._start_top_two()
        r = residents
        return np.where(self._top_provider[r] == providers, self._second[r], self.last_any[r])

    def _start_top_two(self) -> None:
        """Find each resident's latest provider and latest other record.

        The plain form scans the dense table's rows in order (:func:`top_two_plain`); here
        each resident's few nodes are read (:func:`sim.world.kernels.top_two`).
        """
        v = self.visits
        top, second = top_two(v.home, v.home_last, v.r_head, v.e_q, v.e_day, v.e_next_r,
                              NEVER)
        n_prov = self.visits.shape[0]
        self._top_provider = top.astype(np.int16 if n_prov <= np.iinfo(np.int16).max
                                        else np.int32)
        self._second = second

    def invalidate(self) -> None:
        """Forget every list and count (after the network's flows changed)."""
        self._lists.clear()
        self._counts = None
        self._unpurged = None

    # ----------------------------------------------------------------- epochs
    def epoch(self, day: int | None = None) -> int:
        """The holdings epoch of ``day`` (today): lists and counts refresh at its start."""
        return (self.model.day if day is None else day) // HOLDINGS_REFRESH_DAYS

    def retention_threshold(self) -> int:
        """Earliest last-visit day still retained today."""
        m = self.model
        return max(m.day - int(m.p["retention_days"]), int(NEVER) + 1)

    # ---------------------------------------------------------------- holdings
    def held_mask(self, store: Store, thr: int | None = None) -> np.ndarray:
        """Whether each resident is held by ``store`` today (no caching).

        ``thr``: the earliest last-visit day kept (default: today's retention threshold).
        """
        m = self.model
        thr = self.retention_threshold() if thr is None else thr
        if store.scope == "provider":
            held = self.visits.rows_at_least(store.key, thr)
        elif store.scope == "region":
            held = self.last_by_region[store.key] >= thr
        elif store.scope == "all":
            held = self.last_any >= thr
        elif store.scope == "providers":
            held = self.visits.rows_at_least(list(store.feeders), thr)
        else:
            held = np.ones(m.pop.n, dtype=bool)
        if store.members:
            held = held & getattr(m.pop, store.members)
        if store.needs_participation:
            held = held & m.pop.participating
        return held

    def holdings(self, store: Store) -> np.ndarray:
        """Residents whose records ``store`` holds.

        This epoch's snapshot if the model has taken it (:meth:`snapshot`), else as of today:
        looking never changes what the model will see.
        """
        hit = self._lists.get(store.index)
        if hit is not None and self.epoch(hit[0]) == self.epoch():
            return hit[1]
        return self.held_list(store)

    def snapshot(self, store: Store) -> np.ndarray:
        """The list of residents ``store`` holds that the model's incidents draw from.

        Taken when the model first needs it in a holdings epoch (attackers work from
        copies) and kept for the epoch.
        """
        hit = self._lists.get(store.index)
        if hit is not None and self.epoch(hit[0]) == self.epoch():
            return hit[1]
        self._lists[store.index] = (self.model.day, held := self.held_list(store))
        return held

    def held_list(self, store: Store) -> np.ndarray:
        """``np.flatnonzero(held_mask(store))``: the residents ``store`` holds today, in order.

        A provider's own store is read from the node's residents alone (at a million
        residents, a provider's few thousand instead of a pass over everyone).
        """
        if store.scope != "provider":
            return np.flatnonzero(self.held_mask(store))
        m = self.model
        held = self.visits.residents_at_least(store.key, self.retention_threshold())
        if store.members:
            held = held[getattr(m.pop, store.members)[held]]
        if store.needs_participation:
            held = held[m.pop.participating[held]]
        return held

    def store_counts(self) -> np.ndarray:
        """This epoch's number of simulated residents of every store, by ``Store.index``."""
        if self._counts is None or self.epoch(self._counts_day) != self.epoch():
            self._recount()
        return self._counts

    def unpurged_counts(self) -> np.ndarray:
        """This epoch's :meth:`store_counts` had nothing been purged by retention.

        What each store would hold if it kept every record of the ``history_years`` of
        electronic care (the institution's size; retention deletes rows, it does not make
        the institution smaller). The same array as :meth:`store_counts` while nothing has
        fallen outside retention.
        """
        m = self.model
        if self.retention_threshold() <= -365 * int(m.p["history_years"]):
            return self.store_counts()
        if self._unpurged is None or self.epoch(self._unpurged_day) != self.epoch():
            self._unpurged = self._count(int(NEVER) + 1)
            self._unpurged_day = m.day
        return self._unpurged

    def _recount(self) -> None:
        """Count every store's residents in a few vectorised passes (no index lists)."""
        self._counts = self._count(self.retention_threshold())
        self._counts_day = self.model.day

    def _count(self, thr: int) -> np.ndarray:
        """Every store's residents with a last visit on or after day ``thr``."""
        m = self.model
        part = m.pop.participating
        prov_all = self._provider_counts(thr)
        counts = np.zeros(len(m.stores), dtype=np.int64)
        cache: dict[tuple, int] = {}
        for st in m.stores:
            key = (st.scope, st.key, st.feeders, st.needs_participation, st.members)
            if key not in cache:
                if st.scope == "provider" and not st.needs_participation and not st.members:
                    cache[key] = int(prov_all[st.key])
                elif st.scope == "everyone" and not st.members:
                    cache[key] = int(part.sum()) if st.needs_participation else m.pop.n
                else:
                    cache[key] = int(np.count_nonzero(self.held_mask(st, thr)))
            counts[st.index] = cache[key]
        return counts

    def _provider_counts(self, thr: int) -> np.ndarray:
        """Per provider, the residents with a last visit there on or after day ``thr``.

        Equal to ``np.count_nonzero(self.last_visit >= thr, axis=1)``, read from the day
        histograms: the residents ever seen less those whose last visit is before ``thr``,
        a count moved from the last threshold by the columns in between (a week's, once
        per holdings epoch), whatever the number of residents.
        """
        col = min(max(thr - self._day_lo, 0), self._hist.shape[1])
        if col == 0:  # every record (the unpurged counts): leave the threshold where it is
            return self._seen.copy()
        if col < self._below_col:
            self._below -= self._hist[:, col:self._below_col].sum(axis=1)
        elif col > self._below_col:
            self._below += self._hist[:, self._below_col:col].sum(axis=1)
        self._below_col = col
        return self._seen - self._below

    # ----------------------------------------------------------------- content
    def record_fields(self, store: Store, idx: np.ndarray) -> np.ndarray:
        """The fields ``store`` holds for residents ``idx``."""
        f = np.int64(store.fields) & self.recorded_mask(idx)
        if store.needs_participation:
            f = f & self.model.pop.shared_fields[idx]
        return f

    def recorded_mask(self, idx: np.ndarray) -> np.ndarray:
        """Fields the records of residents ``idx`` hold today.

        Withholders hide sensitive clinical and lifestyle fields; and a one-off episode (an
        operation, a psychiatric episode, an infection, a pregnancy) is in the record only
        if it happened after electronic records began (``history_years`` before day 0) and
        within ``retention_days`` of today: a lifelong record keeps the episode from
        twenty years ago that a ten-year one has purged.
        """
        m = self.model
        hide = m.policy.sensitive_clinical | m.policy.lifestyle
        mask = np.where(m.pop.withholding[idx], ALL_FIELDS & ~np.int64(hide), ALL_FIELDS)
        return mask & self._retained_episodes()[idx]

    def _retained_episodes(self) -> np.ndarray:
        """Per resident, the catalogue mask minus the episodic fields purged by today.

        Kept for the whole population and updated as the retention horizon moves: a day
        later, only the residents whose episode fell off the horizon change.
        """
        p = self.model.p
        oldest = max(self.model.day - int(p["retention_days"]), -365 * int(p["history_years"]))
        prev = self._retained_oldest
        if prev is None or oldest < prev:
            self._retained[:] = ALL_FIELDS
            for bit, days, _order, _sorted in self._episodes:
                self._retained[days < oldest] &= ~bit
            # per kind of episode, the first one still kept: none is purged until the
            # horizon passes its day
            self._purge_from = [_search(s, oldest) for *_, s in self._episodes]
        elif oldest > prev:
            for e, (bit, _days, order, sorted_days) in enumerate(self._episodes):
                lo = self._purge_from[e]  # the first episode on or after the old horizon
                if lo == len(sorted_days) or sorted_days[lo] >= oldest:
                    continue  # no episode of this kind fell off today
                hi = _search(sorted_days, oldest)
                self._retained[order[lo:hi]] &= ~bit
                self._purge_from[e] = hi
        self._retained_oldest = oldest
        return self._retained


def top_two_plain(last_visit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each resident's latest provider and latest record elsewhere, from the dense table.

    Rows in order: the provider is the lowest-numbered one holding the latest day (0 if
    none), the other the latest day at any other provider (``NEVER`` if none). The
    definition :meth:`Records._start_top_two` is held to.
    """
    n_prov, n = last_visit.shape
    top = np.zeros(n, dtype=np.int64)
    best = np.full(n, NEVER, dtype=last_visit.dtype)
    second = np.full(n, NEVER, dtype=last_visit.dtype)
    for q in range(n_prov):
        row = last_visit[q]
        newer = row > best
        np.maximum(second, np.where(newer, best, row), out=second)
        top[newer] = q
        np.maximum(best, row, out=best)
    return top, second
