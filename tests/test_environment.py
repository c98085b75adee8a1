"""environment.yml (for conda users) must list what pip installs from pyproject.toml."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _norm(req: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*(.*)$", req)
    name, spec = m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")
    return name, spec


def test_environment_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(_norm(r) for r in project["dependencies"])
    for extra in ("app", "test", "viz"):
        wanted.update(_norm(r) for r in project["optional-dependencies"][extra])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    have = dict(_norm(d) for d in conda if not d.startswith(("python", "pip")))
    # conda-forge splits dask[distributed] into dask + distributed, and names SALib 'salib'
    spec = wanted.pop("dask")
    assert have.pop("dask") == spec and have.pop("distributed") == spec
    assert have.pop("salib") == wanted.pop("salib")
    assert have == wanted
    python = next(d for d in conda if d.startswith("python"))
    assert python == "python" + project["requires-python"]
    pip_section = next(d for d in env["dependencies"] if isinstance(d, dict))["pip"]
    assert pip_section == ["-e .[app,test,viz]"]
