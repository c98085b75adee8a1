"""The package itself: its version, and submodules imported on first use.

Kept apart from ``sim/__init__.py`` (the door that hands out the public names) so that a
layer needing the version, or lazy access to its own modules, imports the foundation and
not the door above it.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"


def submodule(package: str, name: str):
    """``package``'s submodule ``name``, imported on first use (AttributeError if none).

    A layer's ``__getattr__`` (PEP 562) calls it, so ``import sim; sim.world.model`` works
    without importing every module at start-up.
    """
    try:
        return importlib.import_module(f".{name}", package)
    except ModuleNotFoundError as e:
        if e.name != f"{package}.{name}":
            raise  # the submodule exists but something it imports does not
        raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
