"""What each uniform of an attack opportunity decides: its column in the block of 12.

Every opportunity of an attacker draws its block at creation (``Attacker.uniforms``; a
batch's ``Opportunities.u``), so a run's attacks are fixed by the seed whatever the policy
(common random numbers), and each decision about the opportunity, or the incident it
becomes, reads its own column. An attacker type that needs more draws sets a larger
``block`` and uses the columns from :data:`N_UNIFORMS` on.
"""

from __future__ import annotations

__all__ = ["N_UNIFORMS", "U_BROKER", "U_DELAY", "U_DETECTED", "U_EXPOSES", "U_GAIN", "U_KEYS",
           "U_SANCTIONED", "U_SIZE", "U_SOLD", "U_SUCCESS", "U_TARGET", "U_VICTIM"]

U_TARGET = 0  # which target an opportunistic attacker (or an accident) finds
U_SUCCESS = 1  # whether the attempt succeeds (a secondary user: whether it is blocked)
U_SIZE = 2  # how many records are taken (the breach's, sale's or episode's size)
U_KEYS = 3  # whether the stolen copy can be read (encryption keys taken too)
U_DETECTED = 4  # whether the incident is ever detected
U_SANCTIONED = 5  # whether a detected offender is sanctioned
U_BROKER = 6  # which data broker buys the records
U_SOLD = 7  # whether a broker buys them
U_DELAY = 8  # the delay until detection
U_EXPOSES = 9  # whether any simulated resident is among the records (and the draw's key)
U_GAIN = 10  # the opportunity's gain factor (log-normal around the typical gain)
U_VICTIM = 11  # which real institution of the node is hit (its size)
#: uniforms every opportunity has (``Attacker.block`` is at least this)
N_UNIFORMS = 12
