"""Named random streams: one seed in, an independent generator per model component.

Each component of the model (residents, care events, consent reviews, each attacker ...)
draws from its own :class:`numpy.random.Generator`, seeded from the run's seed *and a
stable hash of the component's name* (``zlib.crc32``, never Python's salted ``hash``).
Two consequences the model relies on:

* adding a component, or changing how many numbers another component draws, does not
  shift anyone else's draws;
* two runs of different policies on the same seed see the same residents and the same
  care events (common random numbers), because those streams never depend on policy.
"""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np

__all__ = ["Streams", "fresh_seed", "resolve_seed", "stream_key"]

#: seeds drawn for ``seed=None`` are below this bound (they fit a signed 64-bit column)
SEED_BOUND = 2**63


def stream_key(name: str) -> int:
    """Return the stable 32-bit key of a stream name (``zlib.crc32`` of its UTF-8 bytes)."""
    return zlib.crc32(name.encode("utf-8"))


def fresh_seed() -> int:
    """Return a new seed from the operating system's entropy (below :data:`SEED_BOUND`).

    What ``seed=None`` means: numpy's ``SeedSequence().entropy`` (128 bits of OS entropy),
    folded into 63 bits so that the seed a run records fits an int64 column.
    """
    return int(np.random.SeedSequence().entropy) % SEED_BOUND


def resolve_seed(seed: Any = None, rng: Any = None) -> int:
    """Return the integer seed of a run from Mesa-style ``seed=`` and ``rng=`` arguments.

    Args:
        seed: a non-negative integer, or ``None``.
        rng: Mesa 3's alternative (``mesa.Model(rng=...)``): ``None``, a non-negative integer
            (used as the seed), or a ``numpy.random.Generator``, ``BitGenerator`` or
            ``SeedSequence`` from which one seed is drawn.

    Both ``None``: a fresh seed (:func:`fresh_seed`). The model records the seed it used
    (``model.seed``), so passing it back as ``seed=`` reproduces the run.

    Raises:
        ValueError: if both are given, or the seed is not a non-negative integer.
    """
    if seed is not None and rng is not None:
        raise ValueError("pass either seed= or rng=, not both")
    if rng is not None:
        if isinstance(rng, np.random.Generator | np.random.BitGenerator | np.random.SeedSequence):
            return int(np.random.default_rng(rng).integers(SEED_BOUND, dtype=np.uint64))
        seed = rng
    if seed is None:
        return fresh_seed()
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer or None, got {seed!r}")
    return int(seed)


class Streams:
    """A factory of named, independent random generators for one run.

    Args:
        seed: the run's seed (a non-negative integer).

    Example:
        >>> s = Streams(42)
        >>> a = s.get("care").random()
        >>> b = Streams(42).get("care").random()
        >>> a == b
        True
    """

    def __init__(self, seed: int) -> None:
        if not isinstance(seed, int | np.integer) or seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
        self.seed = int(seed)
        self._cache: dict[str, np.random.Generator] = {}

    def seed_sequence(self, name: str, *extra: int) -> np.random.SeedSequence:
        """Return the :class:`~numpy.random.SeedSequence` of stream ``name`` (plus integers)."""
        return np.random.SeedSequence([self.seed, stream_key(name), *map(int, extra)])

    def get(self, name: str) -> np.random.Generator:
        """Return the generator of stream ``name``, creating it on first use."""
        gen = self._cache.get(name)
        if gen is None:
            gen = np.random.default_rng(self.seed_sequence(name))
            self._cache[name] = gen
        return gen

    def fresh(self, name: str, *extra: int) -> np.random.Generator:
        """Return a new generator for a one-off event keyed by ``name`` and integers.

        Used for rare events (a breach on a given day) so that the event's draws do not
        depend on how many draws happened before it.
        """
        return np.random.default_rng(self.seed_sequence(name, *extra))
