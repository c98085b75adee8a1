"""The attacker template: scalar verbs for one opportunity, array verbs for a day's.

Every attacker decides the same way (Becker 1968, calibration.md §5.1): on each
opportunity it picks a target, weighs the opportunity's gain (a typical gain times the
opportunity's own log-normal factor) against the expected sanction and its cost, and acts
iff gain − p·F − cost > 0; then it attempts.

The model runs the template once a day per batch of attacker types, over all of their
opportunities today at once (:meth:`Attacker.act`): an :class:`Opportunities` batch, one
row per opportunity, each with its owner and its fixed block of uniforms. Types whose
verbs are the same code (exfiltration and ransomware groups; snoops and sellers) share a
batch (:func:`batch_key`): what sets them apart is read from each row's agent. Each step is an
**array verb** (``choose_targets``, ``expected_gains``, ``gain_factors``,
``expected_penalties``, ``costs``, ``attempt_all``) whose row-by-row meaning is the
**scalar verb** of the same name (``choose_target``, ``expected_gain``, ...). A subclass
overrides either:

* the array verb, for speed (the built-in types do);
* or just the scalar verb, for clarity: where a class defines a scalar verb below the class
  that vectorised it, the array verb calls the scalar one row by row instead
  (:func:`array_verb`), so an override is never ignored.

A target is an institution index: the institution attacked (external groups, accidents),
or the attacker's home (insiders, secondary users, whose scalar verbs receive the home's
:class:`~sim.world.threats.Reach`); ``-1`` passes. :meth:`Attacker.target_object` turns one
into what the scalar verbs receive.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

import mesa
import numpy as np

from ...registry import Registry
from ..threats import normal_quantiles
from ..uniforms import N_UNIFORMS, U_GAIN

if TYPE_CHECKING:  # pragma: no cover
    from ..model import HealthDataModel

__all__ = ["ATTACKER_TYPES", "Attacker", "Opportunities", "array_verb", "batch_key",
           "normal_quantile", "normal_quantiles", "plan_opportunities", "register_attacker",
           "runs_compiled"]

ATTACKER_TYPES: Registry[type[Attacker]] = Registry("attacker type", name_attr="type_name")


def register_attacker(name: str):
    """Register an :class:`Attacker` subclass under ``name`` (its ``type_name``)."""
    return ATTACKER_TYPES.register(name)


def normal_quantile(u: float) -> float:
    """Standard normal quantile of ``u`` (clipped away from 0 and 1)."""
    return float(normal_quantiles(u))


#: the learned state and counters of an attacker: one row of its cohort's table
STATE = ("detect_a", "detect_b", "sanction_a_own", "sanction_b_own", "public_sanctioned",
         "public_unsanctioned", "attempts", "successes", "deterred")
_COL = {name: k for k, name in enumerate(STATE)}


class Cohort:
    """Attackers decided together, and their state as one table (a row per agent).

    Each agent's beliefs and counters (``detect_a`` ... ``deterred``, :data:`STATE`) are
    its row of :attr:`state`; its attributes read and write that row, so a day's
    decisions and what is learned from them are array operations over the cohort.

    Attributes:
        agents: the attackers, in row order.
        state: ``(agents, len(STATE))`` table of beliefs and counters.
        public: the family's public record of detected offences ``[sanctioned, not]``
            (``model.ledger.public_record``).
    """

    def __init__(self, model: HealthDataModel, agents: list[Attacker]) -> None:
        self.model = model
        self.agents = agents
        self.state = np.array([a._state for a in agents], dtype=float).reshape(-1, len(STATE))
        for k, a in enumerate(agents):
            a._state = self.state[k]
            a._cohort = self
        self.public = model.ledger.public_record[agents[0].family] if agents else [0, 0]
        self.peer_weight = float(model.p["attacker_peer_weight"])
        self._traits: dict[str, np.ndarray] = {}
        self._binders: dict[str, Callable[[Attacker, np.ndarray], None]] = {}

    def trait(self, name: str, compute=None) -> np.ndarray:
        """Every agent's attribute ``name`` (or ``compute(agent)``), read once.

        For traits that do not change during a run.
        """
        values = self._traits.get(name)
        if values is None:
            get = compute or (lambda a: getattr(a, name))
            values = self._traits[name] = np.array([get(a) for a in self.agents])
        return values

    def table(self, name: str, build, bind) -> np.ndarray:
        """An array held by every agent, stacked into one table the agents then share.

        ``build(agent)`` returns the agent's array; then ``bind(agent, row)`` gives each
        agent its row of the table (a view), so that changing either changes both.
        """
        values = self._traits.get(name)
        if values is None:
            values = self._traits[name] = np.stack([build(a) for a in self.agents])
            self._binders[name] = bind
            for a, row in zip(self.agents, values, strict=True):
                bind(a, row)
        return values

    def rebind(self) -> None:
        """Make each agent's state and tables views of the cohort's tables again.

        Pickling or deep-copying a model copies a NumPy view as an array of its own, so an
        agent's row and the cohort's table would drift apart; the model calls this once
        it is restored (``bind`` functions given to :meth:`table` must therefore pickle:
        module-level functions, not closures).
        """
        for k, a in enumerate(self.agents):
            a._state = self.state[k]
            a._cohort = self
        for name, bind in self._binders.items():
            for a, row in zip(self.agents, self._traits[name], strict=True):
                bind(a, row)

    def add(self, name: str, rows: np.ndarray, weight: float = 1.0) -> None:
        """Add ``weight`` to state ``name`` of the agent of each of ``rows`` (repeats add up)."""
        if len(rows):
            self.state[:, _COL[name]] += weight * np.bincount(rows, minlength=len(self.agents))

    def perceived_catch(self) -> np.ndarray:
        """Every agent's belief of being detected and sanctioned.

        :meth:`Attacker.perceived_catch` for the whole cohort at once.
        """
        st = self.state
        w = self.peer_weight
        sa = st[:, 2] + w * (self.public[0] - st[:, 4])
        sb = st[:, 3] + w * (self.public[1] - st[:, 5])
        return st[:, 0] / (st[:, 0] + st[:, 1]) * (sa / (sa + sb))


class Opportunities:
    """Today's opportunities of some attackers of one cohort: one row each.

    Attributes:
        model: the model.
        cohort: the attackers' :class:`Cohort`.
        agents: the cohort's attackers (rows refer to them by position).
        owner: per row, the position of its attacker in ``agents``.
        u: per row, the opportunity's block of uniforms (see :attr:`Attacker.block`).
    """

    def __init__(self, model: HealthDataModel, cohort: Cohort, owner: np.ndarray,
                 u: np.ndarray) -> None:
        self.model = model
        self.cohort = cohort
        self.agents = cohort.agents
        self.owner = owner
        self.u = u
        self._memo: dict[str, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.owner)

    def __getitem__(self, rows) -> Opportunities:
        sub = Opportunities(self.model, self.cohort, self.owner[rows], self.u[rows])
        sub._memo = self._memo
        return sub

    def rows(self):
        """``(agent, uniforms)`` for each row."""
        agents = self.agents
        return ((agents[o], u) for o, u in zip(self.owner.tolist(), self.u, strict=True))

    def attr(self, name: str) -> np.ndarray:
        """Per row, its agent's attribute ``name`` (a trait: read once per run)."""
        return self.cohort.trait(name)[self.owner]

    def memo(self, name: str, compute) -> np.ndarray:
        """``compute()``, computed once per batch.

        For values that hold while the batch is decided (beliefs as the agents woke up); a
        subset of rows (``batch[rows]``) shares it.
        """
        values = self._memo.get(name)
        if values is None:
            values = self._memo[name] = compute()
        return values

    def add(self, name: str, mask: np.ndarray, weight: float = 1.0) -> None:
        """Add ``weight`` to state ``name`` of each row's agent where ``mask`` holds."""
        self.cohort.add(name, self.owner[mask], weight)


# --------------------------------------------------------------- scalar ↔ array
#: each array verb's scalar verb and how to call it on one row (agent, target, uniforms)
_SCALAR = {
    "choose_targets": ("choose_target", lambda a, t, u: a.choose_target(u)),
    "expected_gains": ("expected_gain", lambda a, t, u: a.expected_gain(t)),
    "gain_factors": ("gain_factor", lambda a, t, u: a.gain_factor(u)),
    "expected_penalties": ("expected_penalty", lambda a, t, u: a.expected_penalty(t)),
    "costs": ("cost", lambda a, t, u: a.cost(t)),
    "attempt_all": ("attempt", lambda a, t, u: a.attempt(t, u)),
    "catch_all": ("perceived_catch", lambda a, t, u: a.perceived_catch()),
    "observe_successes": ("observe_success", lambda a, t, u: a.observe_success()),
}


@functools.cache
def scalar_override(cls: type, array: str) -> bool:
    """Whether ``cls`` must compute array verb ``array`` row by row.

    It must where a class below the one that vectorised the verb (in ``cls``'s method
    resolution order) defines the verb's scalar form, or any scalar method the vectorised
    form stands in for (its ``uses``: ``success_belief``, ``take``, ``reach`` ...).
    """
    mro = cls.__mro__
    owner = next((k for k in mro if array in k.__dict__), None)
    if owner is None:
        return False
    names = {_SCALAR[array][0], *getattr(owner.__dict__[array], "uses", ())}
    return any(n in k.__dict__ for k in mro[: mro.index(owner)] for n in names)


#: array verbs that act rather than compute (their row-by-row form returns nothing)
_NO_RESULT = {"attempt_all", "observe_successes", "exploit_all"}


def _rowwise(cls, array: str, opp: Opportunities, targets: np.ndarray | None):
    """Array verb ``array`` computed by calling its scalar verb on each row."""
    call = _SCALAR[array][1]
    out = []
    for j, (a, u) in enumerate(opp.rows()):
        t = None if targets is None else cls.target_object(a, int(targets[j]))
        v = call(a, t, u)
        out.append(cls.target_index(a, v) if array == "choose_targets" else v)
    if array in _NO_RESULT:
        return None
    return np.array(out, dtype=np.int64 if array == "choose_targets" else float)


@functools.cache
def batch_key(cls: type) -> tuple:
    """Attacker types with equal keys decide in one batch.

    They do where every array verb resolves to the same vectorised code (differences
    between them are attributes of their agents, read per row); a type that has any verb
    computed row by row from a scalar override decides alone.
    """
    if any(scalar_override(cls, name) for name in _SCALAR):
        return (cls,)
    return (cls.family, cls.block, *(
        getattr(getattr(cls, name, None), "__func__", None)
        for name in (*_SCALAR, "act", "target_object", "target_index")))


@functools.cache
def runs_compiled(cls: type, owner: type, verbs: tuple[str, ...]) -> bool:
    """Whether ``cls`` may decide with ``owner``'s compiled template.

    ``owner`` computes ``verbs`` (the template's array verbs, and the helpers they call) in
    one compiled pass: ``cls`` may use it where it overrides none of them, and no scalar
    verb either (then it decides alone, verb by verb: :func:`batch_key`).
    """
    def plain(c, name):
        v = getattr(c, name, None)
        return getattr(v, "__func__", v)

    return batch_key(cls) != (cls,) and all(plain(cls, n) is plain(owner, n) for n in verbs)


def array_verb(fn=None, *, uses: tuple[str, ...] = ()):
    """Make ``fn`` an array verb (a classmethod) that defers to a more specific scalar one.

    ``uses``: other scalar methods the vectorised code stands in for (a subclass that
    overrides one of them also gets the verb row by row). Use as ``@array_verb`` or
    ``@array_verb(uses=("success_belief",))``.
    """
    if fn is None:
        return lambda f: array_verb(f, uses=uses)
    name = fn.__name__

    @functools.wraps(fn)
    def method(cls, opp, *args):
        if scalar_override(cls, name):
            return _rowwise(cls, name, opp, args[0] if args else None)
        return fn(cls, opp, *args)

    verb = classmethod(method)
    verb.uses = tuple(uses)
    return verb


def _state_column(name: str, kind: type):
    k = _COL[name]

    def get(self):
        return kind(self._state[k])

    def set(self, value) -> None:
        self._state[k] = value

    return property(get, set, doc=f"``{name}`` (this agent's row of its cohort's state).")


class Attacker(mesa.Agent):
    """Base attacker: the template (:meth:`act`) and verbs that subclasses override.

    Args:
        model: the model.
        ordinal: the agent's number within its type (names its random stream).
        rate_per_day: expected opportunities per day.
        home: the institution the attacker works at or attacks from (insiders, secondary
            users), if any.

    Attributes:
        opportunities: opportunities per day (drawn at creation from the agent's stream).
        uniforms: the uniforms of all its opportunities, in order (drawn at creation, right
            after; a run's attacks are fixed by the seed whatever the policy).
        detect_a, detect_b: Beta belief of being detected (own experience).
        sanction_a, sanction_b: Beta belief of a detected offence being sanctioned (own
            cases, and peers' in the public record, each weighing
            ``attacker_peer_weight``).
        attempts, successes, deterred: counters.
    """

    type_name: ClassVar[str] = "attacker"
    family: ClassVar[str] = "external"  # who observes whose sanctions
    #: uniforms drawn per opportunity (fixed: common random numbers); what each column
    #: decides is named in :mod:`sim.world.uniforms` (``U_TARGET`` ... ``U_VICTIM``)
    block: ClassVar[int] = N_UNIFORMS

    def __init__(self, model: HealthDataModel, *, ordinal: int, rate_per_day: float,
                 home=None) -> None:
        super().__init__(model)
        self.ordinal = ordinal
        self.home = home
        self.stream = model.streams.get(f"attacker/{self.type_name}/{ordinal}")
        n_days = model.n_days
        self.opportunities = (self.stream.poisson(rate_per_day, n_days) if rate_per_day > 0
                              else np.zeros(n_days, dtype=np.int64))
        # beliefs: P(detected) from own experience, P(sanctioned | detected) from the public
        # record; both start at the policy's true values with attacker_belief_strength weight
        th = model.threats
        pd_, ps_ = th.detection_probability(self.family), th.sanction_probability(self.family)
        k = float(model.p["attacker_belief_strength"])
        # the sanction belief: this prior and own cases, plus the family's public record
        # less this attacker's own share of it (see sanction_a); state lives in a cohort
        # table once the model has batched the attackers (Cohort), alone until then
        self._state = np.zeros(len(STATE))
        self._state[:4] = (pd_ * k + 1e-3, (1.0 - pd_) * k + 1e-3,
                           ps_ * k + 1e-3, (1.0 - ps_) * k + 1e-3)
        self._cohort: Cohort | None = None
        # heterogeneous offenders: a log-normal factor on costs and reservation gains
        self.cost_factor = float(np.exp(model.p["reservation_log_sd"]
                                        * normal_quantile(self.stream.random())))
        self.uniforms = self.stream.random((int(self.opportunities.sum()), self.block))

    detect_a = _state_column("detect_a", float)
    detect_b = _state_column("detect_b", float)
    attempts = _state_column("attempts", int)
    successes = _state_column("successes", int)
    deterred = _state_column("deterred", int)

    # ------------------------------------------------------------------ creation
    @classmethod
    def create(cls, model: HealthDataModel) -> list[Attacker]:
        """Create this type's agents for ``model`` (override; default: none)."""
        return []

    # ------------------------------------------------------------------ template
    @classmethod
    def act(cls, opp: Opportunities) -> None:
        """Decide and attempt today's opportunities of attackers of this class, together.

        Each decision uses its attacker's beliefs and costs as it woke up today.
        """
        targets = cls.choose_targets(opp)
        seen = targets >= 0
        if not seen.all():
            opp, targets = opp[seen], targets[seen]
        if not len(opp):
            return
        net = (cls.expected_gains(opp, targets) * cls.gain_factors(opp)
               - cls.expected_penalties(opp, targets) - cls.costs(opp, targets))
        go = net > 0
        opp.add("deterred", ~go)
        opp.add("attempts", go)
        if go.any():
            if not go.all():
                opp, targets = opp[go], targets[go]
            cls.attempt_all(opp, targets)

    def step(self) -> None:
        """Act on today's opportunities alone (Mesa's way; the model batches a class)."""
        k = int(self.opportunities[self.model.day])
        if k:
            start = int(self.opportunities[: self.model.day].sum())
            cohort = self._cohort or Cohort(self.model, [self])
            row = cohort.agents.index(self)
            type(self).act(Opportunities(self.model, cohort, np.full(k, row, dtype=np.int64),
                                         self.uniforms[start:start + k]))

    # ------------------------------------------------------------ target objects
    @classmethod
    def target_object(cls, agent: Attacker, t: int) -> Any:
        """What the scalar verbs receive for target ``t`` (default: the institution)."""
        return agent.model.institution_list[t]

    @classmethod
    def target_index(cls, agent: Attacker, target: Any) -> int:
        """The target index of what :meth:`choose_target` returned (``None``: -1)."""
        return -1 if target is None else int(target.index)

    # ----------------------------------------------------------- scalar verbs
    def choose_target(self, u: np.ndarray) -> Any:
        """Return this opportunity's target, or ``None`` to pass."""
        return None

    def expected_gain(self, target: Any) -> float:
        """Typical (median) gain of acting on ``target`` (yuan)."""
        return 0.0

    def gain_factor(self, u: np.ndarray) -> float:
        """This opportunity's gain relative to the typical one: log-normal, median 1.

        ``exp(gain_log_sd · z)`` with ``z`` from the opportunity's own uniform ``u[U_GAIN]``.
        """
        return float(np.exp(self.model.p["gain_log_sd"] * normal_quantile(u[U_GAIN])))

    def expected_penalty(self, target: Any) -> float:
        """Expected sanction as perceived: belief(caught) × perceived penalty (yuan)."""
        return self.perceived_catch() * self.model.threats.perceived_penalty

    def cost(self, target: Any) -> float:
        """Cost of acting, including the reservation gain (yuan)."""
        return 0.0

    def attempt(self, target: Any, u: np.ndarray) -> None:
        """Try; on success open an incident in the ledger."""

    # ------------------------------------------------------------ array verbs
    @array_verb
    def choose_targets(cls, opp: Opportunities) -> np.ndarray:
        """Targets of each opportunity (institution indices, ``-1`` to pass)."""
        return np.full(len(opp), -1, dtype=np.int64)

    @array_verb
    def expected_gains(cls, opp: Opportunities, targets: np.ndarray) -> np.ndarray:
        """:meth:`expected_gain` of each row."""
        return np.zeros(len(opp))

    @array_verb
    def gain_factors(cls, opp: Opportunities) -> np.ndarray:
        """:meth:`gain_factor` of each row."""
        return np.exp(opp.model.p["gain_log_sd"] * normal_quantiles(opp.u[:, U_GAIN]))

    @array_verb
    def expected_penalties(cls, opp: Opportunities, targets: np.ndarray) -> np.ndarray:
        """:meth:`expected_penalty` of each row."""
        return cls.catch_all(opp) * opp.model.threats.perceived_penalty

    @array_verb
    def catch_all(cls, opp: Opportunities) -> np.ndarray:
        """:meth:`perceived_catch` of each row's agent (as it woke up today)."""
        return opp.memo("catch", opp.cohort.perceived_catch)[opp.owner]

    @array_verb
    def costs(cls, opp: Opportunities, targets: np.ndarray) -> np.ndarray:
        """:meth:`cost` of each row."""
        return np.zeros(len(opp))

    @array_verb
    def attempt_all(cls, opp: Opportunities, targets: np.ndarray) -> None:
        """:meth:`attempt` each row (all rows decided to act)."""

    # ------------------------------------------------------------------ learning
    def perceived_catch(self) -> float:
        """Current belief of being detected and sanctioned."""
        pd_ = self.detect_a / (self.detect_a + self.detect_b)
        ps_ = self.sanction_a / (self.sanction_a + self.sanction_b)
        return pd_ * ps_

    def _peers(self, k: int) -> float:
        public = self._cohort.public if self._cohort is not None else \
            self.model.ledger.public_record[self.family]
        return float(self.model.p["attacker_peer_weight"]) * (public[k] - self._state[4 + k])

    @property
    def sanction_a(self) -> float:
        """Belief weight on 'a detected offence is sanctioned' (prior, own cases, peers')."""
        return float(self._state[2]) + self._peers(0)

    @sanction_a.setter
    def sanction_a(self, value: float) -> None:
        self._state[2] = value - self._peers(0)  # own cases: the peers' part is theirs

    @property
    def sanction_b(self) -> float:
        """Belief weight on 'a detected offence goes unpunished'."""
        return float(self._state[3]) + self._peers(1)

    @sanction_b.setter
    def sanction_b(self, value: float) -> None:
        self._state[3] = value - self._peers(1)

    def published(self, sanctioned: bool) -> None:
        """An own detected offence entered the public record (so it is not a peer's)."""
        self._state[4 if sanctioned else 5] += 1

    def observe_own_outcome(self, sanctioned: bool, counted_as_success: bool) -> None:
        """An own offence was detected: it was seen, and sanctioned or not."""
        self.detect_a += 1.0
        if counted_as_success:  # undo the 'got away with it' guess made at the time
            w = float(self.model.p["attacker_success_weight"])
            self.detect_b = max(self.detect_b - w, 1e-3)
        self._state[2 if sanctioned else 3] += 1.0  # one more own case

    def observe_success(self) -> None:
        """A success: got away with it, for now (corrected if detected later)."""
        self.successes += 1
        self.detect_b += float(self.model.p["attacker_success_weight"])

    @array_verb
    def observe_successes(cls, opp: Opportunities) -> None:
        """:meth:`observe_success` for each row (each a success)."""
        everyone = np.ones(len(opp), dtype=bool)
        opp.add("successes", everyone)
        opp.add("detect_b", everyone, float(opp.model.p["attacker_success_weight"]))


def plan_opportunities(model: HealthDataModel, actors: list[Attacker]) -> list[tuple]:
    """Each batch of attacker types' opportunities for the whole run, ordered by day.

    Per batch (types with the same :func:`batch_key`, in registry order): its
    :class:`Cohort`, where each day's rows start, and per row its agent (position in the
    cohort) and its uniforms, as each agent drew them at creation.
    """
    n_days = model.n_days
    plan = []
    scalar_override.cache_clear()  # a class may have been changed since the last model
    batch_key.cache_clear()
    runs_compiled.cache_clear()
    batches: dict[tuple, list[type]] = {}
    types = [cls for _, cls in ATTACKER_TYPES.items()]
    types += [t for t in dict.fromkeys(type(a) for a in actors) if t not in types]
    for cls in types:  # registered types first, in order; then any other agents' types
        batches.setdefault(batch_key(cls), []).append(cls)
    for classes in batches.values():
        agents = [a for c in classes for a in actors if type(a) is c]
        if not agents:
            continue
        days = np.concatenate([np.repeat(np.arange(n_days), a.opportunities) for a in agents])
        owner = np.concatenate([np.full(len(a.uniforms), k, dtype=np.int64)
                                for k, a in enumerate(agents)])
        u = np.concatenate([a.uniforms for a in agents])
        order = np.argsort(days, kind="stable")
        starts = np.searchsorted(days[order], np.arange(n_days + 1)).tolist()
        plan.append((classes[0], Cohort(model, agents), starts, owner[order], u[order]))
    return plan
