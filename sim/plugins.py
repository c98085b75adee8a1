"""Extensions loaded by name, in this process and in every worker of every engine.

A researcher's module registers attackers, consent models, outcomes, phases or parameters
when it is imported. Imported inside a function of the parent process only, it is missing
in worker processes that start fresh (``spawn``, Dask workers, EMA's evaluators), and the
runs there silently use the built-in model. Load it by name instead::

    python -m sim compare status_quo national_plan_2025 --plugin my_ext --model my_ext:MyModel

    import sim.plugins
    sim.plugins.load("my_ext")           # in a notebook or script

:func:`load` imports the module here and records its name in the ``SIM_PLUGINS``
environment variable, which child processes inherit: ``import sim`` there imports the
same modules first (:func:`load_from_environment`). Installed packages can declare a
``sim.plugins`` entry point instead (``[project.entry-points."sim.plugins"]``); the command
line loads them all (:func:`load_entry_points`). Workers on other machines (a remote Dask
cluster) need the module installed there and named in their own ``SIM_PLUGINS``.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from typing import Any

__all__ = [
    "ENV",
    "PluginError",
    "load",
    "load_entry_points",
    "load_from_environment",
    "loaded",
    "model_factory",
    "model_name",
]

#: the environment variable that carries the loaded plugins to child processes
ENV = "SIM_PLUGINS"


class PluginError(ValueError):
    """A plugin or model factory cannot be loaded; the message names it and why."""


def loaded() -> list[str]:
    """The plugin modules loaded so far (this process's ``SIM_PLUGINS``), in order."""
    return [n for n in os.environ.get(ENV, "").split(",") if n]


def load(*modules: str) -> list[str]:
    """Import each module and record it for child processes; return every loaded name.

    Raises:
        PluginError: for a module that cannot be imported (naming it and the error).
    """
    names = loaded()
    for name in modules:
        name = str(name).strip()
        if not name:
            continue
        _import(name, "--plugin")
        if name not in names:
            names.append(name)
    os.environ[ENV] = ",".join(names)
    return names


def load_entry_points() -> list[str]:
    """Load every installed ``sim.plugins`` entry point (its module); return the names."""
    from importlib.metadata import entry_points

    return load(*(ep.module for ep in entry_points(group="sim.plugins")))


def load_from_environment() -> None:
    """Import the modules ``SIM_PLUGINS`` names (what ``import sim`` does in a worker)."""
    for name in loaded():
        _import(name, ENV)


def model_factory(spec: str) -> Callable[..., Any]:
    """The model class (or factory) named ``package.module:Name``.

    It is called as ``factory(scenario, seed=seed)`` and must return a
    :class:`~sim.world.model.HealthDataModel` (a subclass: an extra phase, a build hook).

    Raises:
        PluginError: naming the value and what is wrong.
    """
    module, sep, attr = str(spec).partition(":")
    if not sep or not module or not attr:
        raise PluginError(f"--model {spec}: invalid value; allowed: package.module:Name (a "
                          "HealthDataModel subclass or a function returning one)")
    obj: Any = _import(module, f"--model {spec}")
    for part in attr.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            raise PluginError(f"--model {spec}: {module} has no {attr!r}")
    if not callable(obj):
        raise PluginError(f"--model {spec}: {attr!r} is not a class or a function")
    return obj


def model_name(model: Callable[..., Any]) -> str:
    """The ``package.module:Name`` of a model class or factory (what ``--model`` takes)."""
    return f"{getattr(model, '__module__', '?')}:{getattr(model, '__qualname__', model)}"


def _import(name: str, where: str):
    try:
        return importlib.import_module(name)
    except Exception as exc:  # any error the module raises while it registers its parts
        raise PluginError(f"{where}: cannot import {name!r} ({type(exc).__name__}: {exc})"
                          ) from None
