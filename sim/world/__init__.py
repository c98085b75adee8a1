"""The world: the Mesa model, one country region by region, day by day.

The residents (:mod:`~sim.world.population`, their records, care and behaviour), the
institutions and the data-sharing network (:mod:`~sim.world.institutions`,
:mod:`~sim.world.build`, :mod:`~sim.world.network`, :mod:`~sim.world.architecture`), the
collection and consent policies (:mod:`~sim.world.policy`, :mod:`~sim.world.consent`), the
attackers (:mod:`~sim.world.attackers`) and what they see (:mod:`~sim.world.threats`), the
incident ledger and re-identification (:mod:`~sim.world.ledger`, :mod:`~sim.world.exposure`,
:mod:`~sim.world.risk`), and the outcomes each run reports (:mod:`~sim.world.outcomes`,
:mod:`~sim.world.groups`). :class:`~sim.world.model.HealthDataModel` (:mod:`~sim.world.model`)
puts them together; :mod:`~sim.world.kernels` holds its compiled loops.

The layer reads only the declaration beneath it (:mod:`sim.params`, :mod:`sim.scenario`,
:mod:`sim.fields`, ...); nothing here knows about experiments, analysis or the app.
"""

from ..package import submodule


def __getattr__(name: str):
    """A submodule on first use, as ``import sim; sim.world.model`` expects."""
    return submodule(__name__, name)
