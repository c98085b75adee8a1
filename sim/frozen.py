"""A read-only mapping that pickles and deep-copies (``types.MappingProxyType`` does neither).

Scenarios hold their parameters in a :class:`FrozenMap`; the model and its components
share that one object, so a :class:`~sim.scenario.Scenario`, a run's result and a model
in mid-run travel to other processes (joblib, Dask, ``ProcessPoolExecutor``) and into
checkpoints like any plain value.

Example:
    >>> import pickle
    >>> m = FrozenMap({"a": 1})
    >>> pickle.loads(pickle.dumps(m)) == {"a": 1}
    True
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["FrozenMap"]


class FrozenMap(Mapping):
    """A read-only view of a private copy of a mapping, as a plain value.

    Reading is a dict's (``m[key]``, ``get``, ``in``, ``keys``, ``items``); there is no
    way to write through it. It equals any mapping with the same items, pickles as its
    items and deep-copies as a new ``FrozenMap`` of copied items.

    Args:
        data: the items (copied).
    """

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        object.__setattr__(self, "_data", dict(data or {}))

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def get(self, key: str, default: Any = None) -> Any:
        """The value of ``key``, or ``default``."""
        return self._data.get(key, default)

    def keys(self):  # noqa: D102 - as dict.keys
        return self._data.keys()

    def items(self):  # noqa: D102 - as dict.items
        return self._data.items()

    def values(self):  # noqa: D102 - as dict.values
        return self._data.values()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenMap):
            return self._data == other._data
        if isinstance(other, Mapping):
            return self._data == dict(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # its values may be lists

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("FrozenMap is read-only")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("FrozenMap is read-only")

    def __reduce__(self) -> tuple:
        return (FrozenMap, (self._data,))

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"
