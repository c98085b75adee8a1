"""The same resident mechanisms written the plain Mesa way: one ``mesa.Agent`` per resident.

Used only by the benchmark (to measure what the column design buys) and by a test that
checks the two implementations agree statistically. Institutions, attackers, the ledger
and the network are the package's own; only the residents' part of the day (care events,
recording, clinical access, consent reviews) is re-written as per-agent Python, each
agent holding its own attributes and a dict of the institutions that hold its records.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.fields import EncounterType
from sim.world.model import HealthDataModel

E = EncounterType


class ResidentAgent(mesa.Agent):
    """One resident as an object."""

    def __init__(self, model: PlainMesaModel, i: int) -> None:
        super().__init__(model)
        pop = model.pop
        self.i = i
        self.region = int(pop.region[i])
        self.home = [int(x) for x in model.home_provider[i]]
        self.rates = [float(model.care.rates[et][i]) / 365.0 for et in E]
        self.needs_mask = int(model.care.needs_by_resident[i])
        lv = model.initial_last_visit
        self.records: dict[int, int] = {
            int(j): int(lv[j, i]) for j in np.flatnonzero(lv[:, i] > np.iinfo(np.int16).min)}
        self.base_trust = float(pop.base_trust[i])

    # -- the resident's day ------------------------------------------------------
    def step(self) -> None:
        """Maybe fall ill; at each encounter see what the clinician gets; maybe reconsider."""
        m = self.model
        rnd = self.random
        for et in E:
            if rnd.random() < self.rates[et]:
                self.encounter(et)
        if rnd.random() < m.review_p + m.behaviour.attention:
            self.reconsider()

    def encounter(self, et: EncounterType) -> None:
        """One care event: where, what the clinician gets, and the new record."""
        m = self.model
        rnd = self.random
        p = m.p
        tier_cum = m.care.tier_cum[et]
        u = rnd.random()
        tier = 0 if u <= tier_cum[0] else (1 if u <= tier_cum[1] else 2)
        away = rnd.random() < m.care.away_share[et] and p["n_regions"] > 1
        if away:  # another region, in proportion to its residents (as CareProcess.away_region)
            others = [r for r in range(p["n_regions"]) if r != self.region]
            region = rnd.choices(others, weights=[m.pop.region_weight[r] for r in others])[0]
            per = int(m.nodes_per_tier[tier])
            prov = int(m.provider_table[region, tier, rnd.randrange(per)])
        else:
            prov = self.home[tier]
        day = m.day
        thr = m.records.retention_threshold()
        continuity = p["care_continuity"] * (0.5 if et == E.EMERGENCY else 1.0)
        seen_here = self.records.get(prov, -10**9) >= thr
        same = rnd.random() < continuity
        up = rnd.random() >= m.threats.down_share[m.provider_index[prov]]
        local = seen_here and same and up
        reach = m.threats.reach_matrix()
        shared = False
        if up and m.pop.participating[self.i] and rnd.random() < p["shared_lookup_probability"]:
            for j, last in self.records.items():
                if last >= thr and reach[j, prov] and (j != prov or (seen_here and not same)):
                    shared = True
                    break
        withholding = bool(m.pop.withholding[self.i])
        recorded = m.policy.provider & ~(
            (m.policy.sensitive_clinical | m.policy.lifestyle) if withholding else 0)
        needed = int(m.care.needs_by_type[et]) & self.needs_mask
        fields = (recorded if local else 0) | (
            recorded & int(m.pop.shared_fields[self.i]) if shared else 0)
        delivered = needed & fields
        need_v, got_v = m.value_of(needed, et), m.value_of(delivered, et)
        m.acc["value_needed"] += need_v
        m.acc["value_delivered"] += got_v
        if away and et == E.EMERGENCY:
            # a conscious patient tells their history (sim.world.care: patient_history_complete)
            incap = rnd.random() < p["emergency_incapacitated"]
            told = 0
            if not incap and rnd.random() < p["patient_history_complete"]:
                tellable = int(m.care.tellable) & ~(
                    (m.policy.sensitive_clinical | m.policy.lifestyle) if withholding else 0)
                told = needed & tellable
            m.acc["emerg_away_needed"] += need_v
            m.acc["emerg_away_delivered"] += m.value_of(delivered | told, et)
        m.acc["encounters"] += 1
        # record
        self.records[prov] = day
        m.records.record(np.array([prov]), np.array([self.i]))

    def reconsider(self) -> None:
        """Review consent and withholding (the same rules as sim.world.behaviour)."""
        m = self.model
        rnd = self.random
        trust = float(m.behaviour.trust(np.array([self.i]))[0])
        idx = np.array([self.i])
        want = bool(m.behaviour.want_share(np.array([trust]), idx, np.array([rnd.random()]))[0])
        m.consent.review(idx, np.array([want]), np.array([rnd.random()]))
        m.pop.withholding[self.i] = bool(
            m.behaviour.withhold(np.array([trust]), np.array([rnd.random()]))[0])


class PlainMesaModel(HealthDataModel):
    """:class:`~sim.world.model.HealthDataModel` with residents as one Mesa agent each."""

    def __init__(self, *args, **kw) -> None:
        super().__init__(*args, **kw)
        self.review_p = self.p["consent_reviews_per_year"] / 365.0
        self.initial_last_visit = self.records.last_visit  # (the dense table, built once)
        self.residents = mesa.agent.AgentSet(
            [ResidentAgent(self, i) for i in range(self.pop.n)], random=self.random)
        del self.initial_last_visit
        self.acc = dict.fromkeys(self.totals, 0.0)
        self._bits = [1 << k for k in range(len(self.catalogue))]

    def value_of(self, mask: int, et: int) -> float:
        """Clinical value of a field mask (plain Python loop over the bits)."""
        vals = self.care.clinical_values[et]
        return sum(vals[k] for k, b in enumerate(self._bits) if mask & b)

    # the residents' phases, per agent
    def phase_care_events(self, day) -> None:
        """Residents act one by one (care, access, recording, reviews)."""
        self.acc = dict.fromkeys(self.totals, 0.0)
        self.residents.shuffle_do("step")

    def phase_recording_and_sharing(self, day) -> None:
        """Done inside each resident's encounter."""

    def phase_clinical_access(self, day) -> None:
        """Totals gathered by the residents."""
        for k, v in self.acc.items():
            self.totals[k] += v
        day.access = dict(self.acc)

    def phase_trust_and_consent(self, day) -> None:
        """Random reviews happen inside each resident's step; news and attention decay here,
        and residents notified earlier reconsider on their day."""
        b = self.behaviour
        b.news_level *= b.decay_per_day
        b.attention *= b.attention_decay
        due = b._scheduled.pop(self.day, [])
        agents = list(self.residents)
        for idx in due:
            for i in idx:
                agents[int(i)].reconsider()
        day.reviews = 0
