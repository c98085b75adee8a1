"""Name registries for pluggable parts: consent models, architectures, attackers, outcomes.

A registry is an explicit ``dict`` filled by a class decorator. Looking up an unknown
name raises a :class:`KeyError` that lists the valid names, so a typo in a scenario file
or a notebook says what to write instead.

Example:
    >>> reg = Registry("colour")
    >>> @reg.register("dark_red")
    ... class DarkRed: ...
    >>> reg["dark_red"].__name__
    'DarkRed'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")

_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")

__all__ = ["Registry", "UnknownNameError"]


class UnknownNameError(KeyError):
    """Raised when a registry is asked for a name it does not hold."""

    def __str__(self) -> str:  # KeyError quotes its message; show it plainly
        return str(self.args[0])


class Registry(Generic[T]):
    """A mapping from snake_case names to registered classes or functions.

    Args:
        kind: what the registry holds, used in error messages ("attacker type").
        name_attr: if given, registering a class also sets this attribute of the class to
            its registered name (``cls.name``, ``cls.type_name``).
    """

    def __init__(self, kind: str, name_attr: str | None = None) -> None:
        self.kind = kind
        self.name_attr = name_attr  # set this attribute of a registered class to its name
        self._items: dict[str, T] = {}

    def register(self, name: str) -> Callable[[T], T]:
        """Return a decorator that registers its argument under ``name``.

        Raises:
            ValueError: if ``name`` is not snake_case or is already registered.
        """
        if not _SNAKE.match(name):
            raise ValueError(f"{self.kind} name {name!r} must be snake_case (a-z, 0-9, _)")

        def decorator(obj: T) -> T:
            if name in self._items and self._items[name] is not obj:
                raise ValueError(f"{self.kind} {name!r} is already registered")
            if self.name_attr is not None:
                setattr(obj, self.name_attr, name)
            self._items[name] = obj
            return obj

        return decorator

    def unregister(self, name: str) -> None:
        """Remove ``name`` (used by tests and notebooks that add temporary parts)."""
        self._items.pop(name, None)

    def __getitem__(self, name: str) -> T:
        try:
            return self._items[name]
        except KeyError:
            raise UnknownNameError(
                f"unknown {self.kind} {name!r}; valid names: {', '.join(self.names())}"
            ) from None

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def names(self) -> list[str]:
        """Return the registered names in registration order."""
        return list(self._items)

    def items(self) -> list[tuple[str, T]]:
        """Return ``(name, object)`` pairs in registration order."""
        return list(self._items.items())
