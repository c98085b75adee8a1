"""Scenario files: YAML, validated on load against the parameter declaration.

A scenario file is a flat mapping of parameter names to values, plus three optional
keys: ``name``, ``description`` and ``extends`` (another scenario whose values this one
starts from). ``extends`` is looked up relative to this file's folder, then the current
folder, then among the bundled scenarios by name (``national_plan_2025`` or
``national_plan_2025.yaml``), so a file that extends a bundled scenario loads from any
folder. Files are read through the input gate :func:`sim.yamlio.read_yaml`: safe
constructors only (no code ever runs from YAML), libyaml's C parser, each file parsed
once, with limits on size and nesting, and no duplicate keys, aliases or huge integers.
A ``name:`` is a name, not a path (it is used in output file names).

:func:`export_reform_yaml` writes a reform as such a file: it extends the bundled
baseline by name and sets every value in which the reform differs from it, so loading the
file anywhere gives back exactly the reform's parameters.

Errors say what to fix, and where:

* a YAML syntax error: the file, line and column;
* an unknown key: the key, its line, the closest valid keys and where all are listed;
* a bad value: the key, its line, the value and the allowed range or choices;
* an ``extends`` cycle: the chain; a missing parent: the file and line that names it,
  the chain that led there, and the bundled scenarios;
* a file refused at the gate (too large, too deep, not UTF-8, duplicate key, alias, huge
  integer): the file, the line and the limit.

Every message is one line; values in it are cut to a short ``repr``.

Example:
    >>> s = load_scenario({"architecture": "national", "consent_model": "opt_out"})
    >>> s.params["architecture"], s.params["retention_days"]
    ('national', 3650)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .frozen import FrozenMap
from .params import PARAMETERS, ParameterError, defaults, unknown_name_help
from .yamlio import MAX_INT_DIGITS, YamlInputError, check_name, read_yaml, short

__all__ = ["SCENARIO_DIRS", "Scenario", "ScenarioError", "export_reform_yaml",
           "list_scenarios", "load_scenario", "rerun_command"]

META_KEYS = ("name", "description", "extends")

#: longest ``extends`` chain (a file, its parent, its parent's parent, ...)
MAX_EXTENDS = 20


class ScenarioError(ValueError):
    """A scenario cannot be loaded; the message names the field, the value and the fix."""


def _repo_scenarios() -> Path:
    return Path(__file__).resolve().parent.parent / "scenarios"


#: folders searched for a scenario given by bare name (``"status_quo"``)
SCENARIO_DIRS: list[Path] = [Path.cwd() / "scenarios", _repo_scenarios()]


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: every parameter's value, and where the values came from.

    Attributes:
        name: short name (file stem unless the file sets ``name``).
        description: what the scenario represents.
        params: every parameter's value (a read-only :class:`~sim.frozen.FrozenMap`; any
            mapping given is copied into one, so a scenario pickles and deep-copies).
        set_values: the values the file (and its ``extends`` chain and overrides) set,
            i.e. what differs from the declared defaults by intent.
        path: the file it was loaded from, if any.
        chain: names of the scenarios it extends, nearest first.
    """

    name: str
    description: str
    params: Mapping[str, Any]
    set_values: Mapping[str, Any] = field(default_factory=dict)
    path: Path | None = None
    chain: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("params", "set_values"):
            value = getattr(self, name)
            if not isinstance(value, FrozenMap):
                object.__setattr__(self, name, FrozenMap(value))

    @property
    def sha256(self) -> str:
        """Hash of the resolved parameter values (what a run actually used)."""
        blob = json.dumps(dict(self.params), sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()

    def with_overrides(self, overrides: Mapping[str, Any] | None = None, *,
                       name: str | None = None, **kw: Any) -> Scenario:
        """Return a copy with some parameters changed (validated).

        Raises:
            ScenarioError: for an unknown key or an invalid value.
        """
        changes = {**(overrides or {}), **kw}
        if not changes and name is None:
            return self
        if name is not None and (why := check_name(name)) is not None:
            raise ScenarioError(f"override: name: invalid value {short(name)}; {why}")
        params = dict(self.params)
        set_values = dict(self.set_values)
        for key, value in changes.items():
            params[key] = _validate_key(key, value, where="override")
            set_values[key] = params[key]
        _cross_check(params, set_values, "override")
        return Scenario(name=name or self.name, description=self.description,
                        params=FrozenMap(params),
                        set_values=FrozenMap(set_values), path=self.path,
                        chain=self.chain)

    def diff(self, base: Scenario) -> dict[str, Any]:
        """Return the parameters whose values differ from ``base`` (this scenario's values)."""
        return {k: v for k, v in self.params.items() if base.params.get(k) != v}

    def to_yaml(self, base: Scenario | None = None, extends: str | None = None) -> str:
        """Write the scenario as YAML: all set values, or only what differs from ``base``."""
        body: dict[str, Any] = {"name": self.name}
        if self.description:
            body["description"] = self.description
        if extends:
            body["extends"] = extends
        values = self.diff(base) if base is not None else dict(self.set_values)
        body.update({k: values[k] for k in PARAMETERS if k in values})
        return yaml.safe_dump(body, sort_keys=False, allow_unicode=True)


def list_scenarios() -> list[Path]:
    """Return the bundled scenario files (``scenarios/*.yaml``)."""
    seen: dict[str, Path] = {}
    for d in SCENARIO_DIRS:
        if d.is_dir():
            for f in sorted(d.glob("*.yaml")):
                seen.setdefault(f.stem, f)
    return list(seen.values())


def export_reform_yaml(baseline: Scenario, reform: Scenario, baseline_name: str, *,
                       seed: int | None = None, reps: int | None = None) -> str:
    """The reform as a scenario file that extends the bundled baseline by name.

    The file extends ``baseline_name`` by its bare name (which resolves from any folder)
    and sets every parameter in which ``reform`` differs from that bundled file: changed
    levers, edited assumptions and run settings (``n_residents``, ``n_days``, ...) alike.
    Loading the text with :func:`load_scenario` from a file in any folder therefore gives
    exactly ``reform.params``; this is checked before the text is returned. The file has
    the reform's own name (``"<name> (reform)"`` if that is the baseline's) and its own
    description: what it sets relative to ``baseline`` (the baseline as compared), then
    the values both arms share that differ from the bundled file. With ``seed`` and
    ``reps``, a comment at the top gives the command that reruns the comparison.

    Args:
        baseline: the baseline arm as compared (the bundled scenario plus shared edits).
        reform: the reform arm as compared.
        baseline_name: the bundled scenario the baseline arm starts from, with or
            without ``.yaml`` (``"status_quo"``).
        seed: the comparison's master seed (only for the rerun command).
        reps: the comparison's replications (only for the rerun command).

    Returns:
        The YAML text.

    Raises:
        ScenarioError: if ``baseline_name`` is not a bundled scenario.
    """
    path = _bundled(baseline_name)
    if path is None:
        names = ", ".join(p.stem for p in list_scenarios())
        raise ScenarioError(f"export: baseline {baseline_name!r} is not a bundled scenario; "
                            f"bundled scenarios: {names}")
    stem = path.stem
    parent = _from_file(path.resolve(), stack=())
    values = {k: reform.params[k] for k in PARAMETERS
              if k in reform.params and reform.params[k] != parent.params.get(k)}
    changes = {k: reform.params[k] for k in PARAMETERS
               if k in reform.params and baseline.params.get(k) != reform.params[k]}
    shared = {k: v for k, v in values.items() if k not in changes}
    name = reform.name if reform.name != stem else f"{reform.name} (reform)"
    what = (f"sets {_listing(changes)}" if changes else "changes nothing")
    description = f"{name}: {what} relative to {stem}"
    if shared:
        description += f"; both arms as compared also have {_listing(shared)}"
    body: dict[str, Any] = {"name": name, "description": description, "extends": stem,
                            **values}
    text = yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=88)
    again = _from_mapping(yaml.safe_load(text), lines={}, where="export",
                          base_dir=path.parent, path=None, stack=())
    if dict(again.params) != dict(reform.params):  # pragma: no cover - a bug if reached
        raise ScenarioError(f"export: the YAML for {name!r} does not reproduce the reform")
    header = [f"# {name}: a reform exported against the bundled scenario {stem}; it sets",
              "# every value that differs from it. Load it from any folder with",
              "# sim.load_scenario('<this file>')."]
    if seed is not None and reps is not None:
        command = rerun_command(baseline, reform, stem, "<this file>", seed=seed, reps=reps)
        if command:
            header.append(f"# Rerun the comparison: {command}")
    return "\n".join(header) + "\n" + text


def rerun_command(baseline: Scenario, reform: Scenario, baseline_name: str, reform_file: str,
                  *, seed: int, reps: int) -> str | None:
    """The command line that reruns a comparison (``None`` if it is not one command).

    From the bundled baseline and the file :func:`export_reform_yaml` wrote.

    What the baseline arm set beyond its bundled file (edited assumptions, the run size)
    goes in ``--set`` flags, which ``compare`` applies to both arms; that reproduces the
    comparison when the reform shares those values, as the dashboard's arms do.
    """
    stem = Path(baseline_name).stem
    parent = load_scenario(stem)
    base_edits = {k: v for k, v in baseline.params.items() if parent.params.get(k) != v}
    if any(reform.params.get(k) != v for k, v in base_edits.items()):
        return None
    sets = "".join(f" --set {k}={_cli_text(v)}" for k, v in base_edits.items())
    return f"python -m sim compare {stem} {reform_file} --seed {seed} --reps {reps}{sets}"


def _listing(values: Mapping[str, Any]) -> str:
    """``"key = value, ..."`` for a description."""
    return ", ".join(f"{k} = {_cli_text(v)}" for k, v in values.items())


def _cli_text(value: Any) -> str:
    """A value as ``--set`` text (parses back to the same value)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return repr(value) if isinstance(value, float) else str(value)


def load_scenario(source: str | Path | Mapping[str, Any] | Scenario | None = None,
                  overrides: Mapping[str, Any] | None = None) -> Scenario:
    """Load and validate a scenario.

    Args:
        source: a path to a YAML file, a bundled scenario name (``"status_quo"``), a
            mapping of parameter values (may contain ``extends``), an existing
            :class:`Scenario`, or ``None`` for the declared defaults.
        overrides: parameter values applied on top (``--set`` on the command line).

    Returns:
        The validated :class:`Scenario`.

    Raises:
        ScenarioError: naming the file, line, key and what is allowed.
    """
    if isinstance(source, Scenario):
        return source.with_overrides(overrides)
    if source is None:
        scen = Scenario(name="defaults", description="declared defaults",
                        params=FrozenMap(defaults()))
    elif isinstance(source, Mapping):
        scen = _from_mapping(dict(source), lines={}, where="scenario", base_dir=Path.cwd(),
                             path=None, stack=())
    else:
        scen = _from_file(_resolve_path(str(source), Path.cwd()), stack=())
    return scen.with_overrides(overrides)


# ---------------------------------------------------------------------------- internals

def _resolve_path(ref: str, base_dir: Path) -> Path:
    """The file ``ref`` names.

    Looked for relative to ``base_dir``, then the current folder, then among the bundled
    scenarios by name (with or without ``.yaml``).
    """
    cand = Path(ref)
    tries = [cand if cand.is_absolute() else base_dir / cand, Path.cwd() / cand]
    if cand.suffix == "":
        tries += [d / f"{ref}.yaml" for d in [base_dir, *SCENARIO_DIRS]]
    for t in tries:
        if _is_file(t):
            return t.resolve()
    bundled = _bundled(ref)
    if bundled is not None:
        return bundled.resolve()
    names = ", ".join(p.stem for p in list_scenarios())
    raise ScenarioError(f"scenario {short(ref)} not found (looked in {base_dir}); "
                        f"bundled scenarios: {names}")


def _is_file(path: Path) -> bool:
    """``path.is_file()``, false for names the system cannot even look up (too long, NUL)."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def _bundled(ref: str) -> Path | None:
    """The bundled scenario file named ``ref``, or ``None``.

    ``ref`` is a bare name with or without ``.yaml`` (``"status_quo"``,
    ``"status_quo.yaml"``); a path with folders is never taken for a bundled name.
    """
    if not ref or "\0" in ref or Path(ref).name != ref or "\\" in ref:
        return None
    stem = ref[: -len(".yaml")] if ref.endswith(".yaml") else ref
    return next((p for p in list_scenarios() if p.stem == stem), None)


def _from_file(path: Path, stack: tuple[Path, ...]) -> Scenario:
    if path in stack:
        chain = " -> ".join(p.name for p in (*stack, path))
        raise ScenarioError(f"{path}: 'extends' makes a cycle: {chain}")
    if len(stack) >= MAX_EXTENDS:
        chain = " -> ".join(p.name for p in (*stack[:3], path))
        raise ScenarioError(f"{path}: 'extends' chain longer than {MAX_EXTENDS} files "
                            f"({chain} ...); allowed: at most {MAX_EXTENDS}")
    try:
        doc = read_yaml(path, int_allowed=_int_allowed)
    except YamlInputError as e:
        raise ScenarioError(str(e)) from None
    data = doc.data
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ScenarioError(f"{path}:1: a scenario must be a mapping of 'key: value' lines, "
                            f"got {type(data).__name__}")
    lines = {k[0]: n for k, n in doc.lines.items() if len(k) == 1}
    return _from_mapping(data, lines=lines, where=str(path), base_dir=path.parent, path=path,
                         stack=(*stack, path))


def _from_mapping(data: dict[str, Any], *, lines: Mapping[str, int], where: str,
                  base_dir: Path, path: Path | None, stack: tuple[Path, ...]) -> Scenario:
    def loc(key: str) -> str:
        return f"{where}:{lines[key]}" if key in lines else where

    for key in data:
        if not isinstance(key, str):
            raise ScenarioError(f"{where}: keys must be text, got {short(key)}")
    parent_ref = data.get("extends")
    if parent_ref is not None:
        if not isinstance(parent_ref, str):
            raise ScenarioError(f"{loc('extends')}: extends: invalid value {short(parent_ref)}; "
                                "allowed: a scenario file path or bundled name")
        try:
            parent_path = _resolve_path(parent_ref, base_dir)
        except ScenarioError as e:
            via = " -> ".join([*(p.name for p in stack), parent_ref]) if stack else ""
            raise ScenarioError(f"{loc('extends')}: extends: {e}"
                                + (f"; chain: {via}" if via else "")) from None
        parent = _from_file(parent_path, stack=stack)
        params = dict(parent.params)
        set_values = dict(parent.set_values)
        chain = (parent.name, *parent.chain)
    else:
        params, set_values, chain = defaults(), {}, ()
    for key, value in data.items():
        if key in META_KEYS:
            continue
        params[key] = _validate_key(key, value, where=loc(key))
        set_values[key] = params[key]
    _cross_check(params, set_values, where)
    name = data.get("name") or (path.stem if path else "scenario")
    description = data.get("description") or ""
    for meta in ("name", "description"):
        if meta in data and not isinstance(data[meta], str):
            raise ScenarioError(f"{loc(meta)}: {meta}: invalid value {short(data[meta])}; "
                                "allowed: text")
    if data.get("name"):  # an empty name falls back to the file's, as before
        why = check_name(data["name"])
        if why:
            raise ScenarioError(f"{loc('name')}: name: invalid value {short(data['name'])}; "
                                f"{why}")
    return Scenario(name=str(name), description=str(description).strip(),
                    params=FrozenMap(params), set_values=FrozenMap(set_values),
                    path=path, chain=chain)


def _validate_key(key: str, value: Any, where: str) -> Any:
    param = PARAMETERS.get(key)
    if param is None:
        raise ScenarioError(f"{where}: unknown key {short(key)}; "
                            f"{unknown_name_help(key, META_KEYS)}")
    return validate_value(param.name, value, where, error=ScenarioError)


def validate_value(key: str, value: Any, where: str = "", *,
                   error: type[Exception] = ParameterError) -> Any:
    """``PARAMETERS[key].validate(value)``, with one-line, short messages (raised as ``error``).

    Integers too long for any parameter are refused before any arithmetic (no
    ``OverflowError``), and the value in the message is cut to a short ``repr``.
    """
    param = PARAMETERS[key]
    loc = f"{where}: " if where else ""
    if (isinstance(value, int) and not isinstance(value, bool)
            and value.bit_length() > 3.33 * MAX_INT_DIGITS):
        raise error(f"{loc}{key}: invalid value {short(value)}; allowed: "
                    f"{param.describe_allowed()}")
    try:
        return param.validate(value, where=where)
    except ParameterError as e:
        raise error(f"{loc}{key}: invalid value {short(e.value)}; allowed: {e.allowed}") from None
    except (OverflowError, ValueError, TypeError):
        raise error(f"{loc}{key}: invalid value {short(value)}; allowed: "
                    f"{param.describe_allowed()}") from None


def _int_allowed(key_path: tuple) -> str | None:
    """What a scenario file allows at ``key_path`` (for the gate's huge-integer message)."""
    param = PARAMETERS.get(key_path[0]) if len(key_path) == 1 else None
    return param.describe_allowed() if param is not None else None


def _cross_check(params: Mapping[str, Any], set_values: Mapping[str, Any], where: str) -> None:
    """Refuse values that are each in range but meaningless together.

    The declared ranges of the two attitude shares (each at most 0.5) keep their sum
    within 1, so every combination of uncertainties a sweep draws within the ranges
    passes; the first rule only guards against a declaration widened later. The second
    refuses a field list that would be ignored (it only applies to the ``custom`` scope).

    Raises:
        ScenarioError: naming the parameters, the value and what is allowed.
    """
    total = params["share_concerned"] + params["share_unconcerned"]
    if total > 1.0 + 1e-9:
        raise ScenarioError(
            f"{where}: share_concerned + share_unconcerned: invalid value {total:g}; allowed: "
            "at most 1 (the rest are pragmatic)")
    if params["collection_fields"] and params["collection_scope"] != "custom":
        raise ScenarioError(
            f"{where}: collection_fields: invalid value {params['collection_fields']!r}; "
            "allowed: only with collection_scope: custom")
