"""The package's layers: imports run one way, from the app down to the declaration.

``sim/`` is read bottom up: the declaration and the input gate (the modules at the top of
the package: ``params``, ``scenario``, ``fields``, ...), then the world (``sim/world``: the
Mesa model), the words (``sim/i18n``: labels and texts in English and Chinese, which name
the world's outcomes), the experiments (``sim/experiments``), the analysis
(``sim/analysis``) and the app (``sim/app``). A module may import its own layer and the
layers below it, never one above. Every import counts: at the top of a module, inside a
function, or under ``TYPE_CHECKING``. The doors (``sim/__init__.py``, ``sim/__main__.py``
and the public contract checks ``sim/testing.py``) hand out names from any layer.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import sim

PACKAGE = Path(sim.__file__).resolve().parent

#: the layers, bottom first
LAYERS = ("declaration", "world", "i18n", "experiments", "analysis", "app")
#: modules that hand out names from every layer
DOORS = {"sim", "sim.__main__", "sim.testing"}


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> str | None:
    """The layer of ``sim.…`` module ``module`` (``None`` for a door)."""
    if module in DOORS:
        return None
    parts = module.split(".")
    if parts[1] in LAYERS:
        return parts[1]
    if len(parts) == 2:
        return "declaration"  # a module at the top of the package
    raise AssertionError(f"{module}: sim/{parts[1]}/ is not a layer; put it in one of "
                         f"{', '.join(LAYERS[1:])} or declare a new layer in this test")


def imports(path: Path, module: str, package: bool) -> list[tuple[int, str]]:
    """Every ``sim`` module ``path`` imports, with its line (relative imports resolved)."""
    here = module if package else module.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = here.split(".")[: len(here.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if target == "sim" or target.startswith("sim."):
                # ``from . import x``: x may be a module (its layer) or a name of the package
                for alias in node.names if not node.module else [None]:
                    sub = f"{target}.{alias.name}" if alias else target
                    found.append((node.lineno, sub if _exists(sub) else target))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names
                      if a.name == "sim" or a.name.startswith("sim.")]
    return found


def _exists(module: str) -> bool:
    path = PACKAGE.parent.joinpath(*module.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def violations(root: Path) -> list[str]:
    """Each import from a lower layer into a higher one, as ``file:line: what``."""
    out = []
    for path in sorted(root.rglob("*.py")):
        module = module_name(path, root)
        mine = layer_of(module)
        if mine is None:
            continue
        for line, target in imports(path, module, path.name == "__init__.py"):
            theirs = layer_of(target)
            if theirs is not None and LAYERS.index(theirs) > LAYERS.index(mine):
                out.append(f"{path.relative_to(root.parent)}:{line}: the {mine} layer imports "
                           f"{target} ({theirs}), a layer above it")
    return out


def test_no_module_imports_a_layer_above_its_own():
    found = violations(PACKAGE)
    assert not found, ("imports must run one way (" + " → ".join(reversed(LAYERS)) + "):\n"
                       + "\n".join(found))


def test_the_check_finds_an_import_that_runs_back_up(tmp_path, monkeypatch):
    """The check itself: a world module that imports the experiments is named, with its line."""
    root = tmp_path / "sim"
    for folder in ("world", "experiments"):
        (root / folder).mkdir(parents=True)
        (root / folder / "__init__.py").write_text("")
    (root / "__init__.py").write_text("")
    (root / "params.py").write_text("X = 1\n")
    (root / "experiments" / "sweep.py").write_text("from ..params import X\n")
    (root / "world" / "model.py").write_text(
        "from ..params import X\n\n\ndef f():\n    from ..experiments.sweep import X\n")
    monkeypatch.setattr(f"{__name__}.PACKAGE", root)
    assert violations(root) == ["sim/world/model.py:5: the world layer imports "
                                "sim.experiments.sweep (experiments), a layer above it"]


def test_every_module_is_in_a_layer():
    """A new folder under sim/ must be one of the layers (layer_of raises with the fix)."""
    for path in PACKAGE.rglob("*.py"):
        layer_of(module_name(path, PACKAGE))


@pytest.mark.parametrize("name", sim.__all__)
def test_the_public_api_is_importable_from_sim(name):
    assert getattr(sim, name) is not None


def test_a_layer_loads_its_modules_on_first_use():
    """``import sim; sim.world.model`` works in a fresh interpreter; a wrong name says so."""
    import subprocess
    import sys

    code = ("import sim\n"
            "assert 'sim.experiments.sweep' not in __import__('sys').modules\n"
            "print(sim.experiments.sweep.__name__, sim.world.model.HealthDataModel.__name__)\n"
            "try:\n    sim.world.nothing\nexcept AttributeError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out == ["sim.experiments.sweep HealthDataModel",
                   "module 'sim.world' has no attribute 'nothing'"]
