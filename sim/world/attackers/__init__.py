"""Attackers (Mesa agents): external groups, insiders, secondary users, accidents, brokers.

Every attacker follows one template (:class:`Attacker`, in :mod:`sim.world.attackers.base`): on
each opportunity it picks a target, weighs the opportunity's gain (a typical gain times
its own log-normal factor: no two opportunities are worth the same) against the expected
sanction and its cost (Becker 1968: act iff gain − p·F − cost > 0, calibration.md §5.1),
and attempts. Because gains vary from one opportunity to the next and costs from one
offender to the next, the share of opportunities taken falls smoothly as the expected
sanction rises, and never to exactly zero. The model runs the template once a day per
class, over all its opportunities at once (array verbs); a subclass may override the
array verbs or just the scalar ones, which are then called row by row.

Attackers *adapt*: each keeps two Beta beliefs, starting at the policy's true values
(weight ``attacker_belief_strength``): the chance its offence is detected (learned from its
own offences: every success not yet detected adds ``attacker_success_weight`` to 'not
detected', every detection one to 'detected') and the chance a detected offender is
sanctioned (learned from the public record of its peers' detected offences, each weighing
``attacker_peer_weight``). External groups also learn how often attacks succeed against
each kind of institution. Costs and reservation gains differ between agents (log-normal),
so deterrence acts on the margin.

Register a new type with ``@register_attacker("my_name")`` and give :meth:`Attacker.create`
a rule for how many agents to make; the model builds every registered type, and runs the
types in the order they were registered.
"""

from .base import ATTACKER_TYPES, Attacker, Opportunities, array_verb, register_attacker
from .external import ExfiltrationGroup, ExternalGroup, RansomwareGroup
from .insiders import (
    Insider,
    InsiderSeller,
    InsiderSnoop,
    InsurerUnderwriting,
    OfficialMisuse,
    SecondaryUser,
    insider_roster,
)
from .other import DataBroker, LostOrStolenMedia

__all__ = [
    "ATTACKER_TYPES",
    "Attacker",
    "DataBroker",
    "ExfiltrationGroup",
    "ExternalGroup",
    "Insider",
    "InsiderSeller",
    "InsiderSnoop",
    "InsurerUnderwriting",
    "LostOrStolenMedia",
    "OfficialMisuse",
    "Opportunities",
    "RansomwareGroup",
    "SecondaryUser",
    "array_verb",
    "insider_roster",
    "register_attacker",
]
