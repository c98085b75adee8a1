"""The input gate for scenario and sweep files: one careful YAML reader.

Every scenario and sweep file goes through :func:`read_yaml`, which

* refuses a file over :data:`MAX_BYTES` before parsing it (and reads at most that much,
  so ``/dev/zero`` or a huge file cannot fill memory);
* refuses text that is not UTF-8, naming the file and the byte offset;
* parses it once, with libyaml's C parser when it is there (``yaml.CSafeLoader``, else
  ``yaml.SafeLoader``), building the node tree without recursion, so that
* nesting deeper than :data:`MAX_DEPTH` levels is refused where it starts,
* aliases (``*name``) are refused: a 1 KB "billion laughs" file cannot expand,
* duplicate keys in a mapping are refused (YAML's "the last one wins" hides mistakes),
  compared as the values they load as (``yes`` and ``true``, ``0x10`` and ``16``),
* integers of more than :data:`MAX_INT_DIGITS` digits are refused before Python builds
  them (no 400- or 5,000-digit value ever reaches the parameter checks);
* and records the line of every mapping key, so callers can name the line of a field.

Only the safe constructors run (no Python tags). Every :class:`YamlInputError` message is
one line naming the file, the line where known, the field and what is allowed; values in
messages go through :func:`short` (a ``repr`` capped at :data:`REPR_LIMIT` characters).

:func:`check_name` is the rule for a ``name:`` that is used to build file names: a name,
never a path.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_INT_DIGITS", "MAX_NAME_CHARS", "REPR_LIMIT", "Document",
           "YamlInputError", "check_name", "dotted", "one_line", "parse_yaml", "read_yaml",
           "short"]

#: largest scenario or sweep file read (bytes)
MAX_BYTES = 2 * 1024 * 1024
#: deepest nesting of mappings and lists
MAX_DEPTH = 20
#: most digits in an integer (any declared parameter fits in far fewer)
MAX_INT_DIGITS = 18
#: longest ``name:``
MAX_NAME_CHARS = 120
#: longest value shown in an error message
REPR_LIMIT = 80

_INT_TAG = "tag:yaml.org,2002:int"
#: scalar keys compared by the value they load as (``yes``/``true``, ``0x10``/``16``, ``1``/``1.0``)
_VALUE_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("bool", "int", "float", "null", "str")}
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def _int_digits(text: str) -> int:
    """Digits (and letters, for hex and the like) of a YAML integer as written."""
    return sum(c.isalnum() for c in text)


def _key_identity(node: ScalarNode) -> Any:
    """What a scalar mapping key is once loaded: two keys equal here end up as one key.

    A loaded mapping is a Python dict, so ``yes`` and ``true`` (both ``True``), ``0x10`` and
    ``16``, or ``1`` and ``1.0`` would silently merge, the last one winning.
    """
    if node.tag not in _VALUE_TAGS or (node.tag == _INT_TAG
                                       and _int_digits(node.value) > MAX_INT_DIGITS):
        return (node.tag, node.value)  # compared as written (and no huge int is built)
    try:  # the tag's own constructor: construct_object would keep every node it built
        value = _CONSTRUCTOR.yaml_constructors[node.tag](_CONSTRUCTOR, node)
    except (yaml.YAMLError, ValueError, KeyError, IndexError, TypeError):
        return (node.tag, node.value)  # not a valid value: the loader says why, later
    return value if isinstance(value, str) or value is None else ("value", value)
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MERGE_TAG = "tag:yaml.org,2002:merge"


class YamlInputError(ValueError):
    """A file was refused at the gate; the message is one line naming the file and why."""


@dataclass
class Document:
    """A parsed file: its data and the line (1-based) of every mapping key by key path."""

    data: Any
    path: Path | str
    lines: dict[tuple, int] = field(default_factory=dict)

    def line(self, *keys: Any) -> int | None:
        """The line of the key at ``keys`` (``("design", "factors", "x")``), if known."""
        return self.lines.get(tuple(keys))

    def loc(self, *keys: Any) -> str:
        """``"file:line"`` for the key at ``keys`` (just the file if the line is unknown)."""
        n = self.line(*keys)
        return f"{self.path}:{n}" if n else str(self.path)


def short(value: Any, limit: int = REPR_LIMIT) -> str:
    """``repr(value)`` on one line, cut to ``limit`` characters (never huge, never raises)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        return f"<an integer of about {int(value.bit_length() * 0.30103) + 1} digits>"
    if isinstance(value, list | tuple | dict | set) and _size_over(value, limit):
        kind = type(value).__name__
        n = len(value)
        head = _head_repr(value, limit)
        return f"{head}... ({kind} of {n} items)"
    try:
        text = repr(value)
    except Exception:  # pragma: no cover - an odd object's repr failing
        text = f"<{type(value).__name__}>"
    text = text.replace("\n", "\\n")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _size_over(value: Any, limit: int) -> bool:
    """Whether a container's repr would be long (checked without building it)."""
    return len(value) > limit or len(_head_repr(value, limit + 1)) > limit


def _head_repr(value: Any, limit: int) -> str:
    """The start of a container's repr, built item by item until ``limit`` characters."""
    items = value.items() if isinstance(value, dict) else value
    opener = {"list": "[", "tuple": "(", "dict": "{", "set": "{"}.get(type(value).__name__, "[")
    closer = {"[": "]", "(": ")", "{": "}"}[opener]
    out, used = [], 1
    for item in items:
        part = (f"{short(item[0], limit)}: {short(item[1], limit)}" if isinstance(value, dict)
                else short(item, limit))
        out.append(part)
        used += len(part) + 2
        if used > limit:
            return (opener + ", ".join(out))[:limit]
    return opener + ", ".join(out) + closer


def check_name(name: Any) -> str | None:
    r"""Why ``name`` cannot be a ``name:`` (used in file names), or ``None`` if it can.

    A name is a name, not a path: no ``/`` or ``\``, no ``..``, no drive (``C:``), no
    control characters, not empty, at most :data:`MAX_NAME_CHARS` characters.
    """
    if not isinstance(name, str):
        return "allowed: text"
    if not name.strip():
        return "allowed: a name that is not blank"
    if len(name) > MAX_NAME_CHARS:
        return f"allowed: a name of at most {MAX_NAME_CHARS} characters, not {len(name)}"
    if "/" in name or "\\" in name or ".." in name or re.match(r"^[A-Za-z]:", name):
        return ("allowed: a name, not a path (no '/', '\\', '..' or drive letter); it is used "
                "in output file names")
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return "allowed: a name without control characters (newlines, tabs, ...)"
    return None


def read_yaml(path: str | Path, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH,
              int_allowed: Callable[[tuple], str | None] | None = None) -> Document:
    """Read and parse one YAML file through the gate.

    Args:
        path: the file.
        max_bytes: refuse a larger file (before parsing).
        max_depth: refuse deeper nesting.
        int_allowed: given a key path, what is allowed there (for the message when an
            integer has too many digits); ``None``: a generic text.

    Returns:
        The :class:`Document` (``data`` is ``None`` for an empty file).

    Raises:
        YamlInputError: one line naming the file (and line, field) and what is allowed.
    """
    path = Path(path)
    try:
        with open(path, "rb") as f:
            raw = f.read(max_bytes + 1)
    except OSError as e:
        raise YamlInputError(f"{path}: cannot read file: {e.strerror or e}") from None
    if len(raw) > max_bytes:
        raise YamlInputError(f"{path}: file too large (over {max_bytes:,} bytes); allowed: "
                             f"at most {max_bytes:,} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise YamlInputError(f"{path}:{line}: not UTF-8 text (byte {e.start}: "
                             f"0x{raw[e.start]:02x}); allowed: UTF-8 encoded YAML") from None
    return parse_yaml(text, path, max_depth=max_depth, int_allowed=int_allowed)


def parse_yaml(text: str, where: str | Path, *, max_depth: int = MAX_DEPTH,
               int_allowed: Callable[[tuple], str | None] | None = None) -> Document:
    """Parse YAML text through the gate (see :func:`read_yaml`); ``where`` names it."""
    if text.startswith("\ufeff"):
        text = text[1:]
    loader = _Loader(text)
    try:
        node, lines = _compose(loader, where, max_depth, int_allowed)
        data = None if node is None else loader.construct_document(node)
    except YamlInputError:
        raise
    except yaml.reader.ReaderError as e:
        line = text[: e.position].count("\n") + 1
        raise YamlInputError(f"{where}:{line}: not valid YAML: unacceptable character "
                             f"#x{e.character:04x}: {e.reason}; allowed: printable "
                             "characters") from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        loc = f"{where}:{mark.line + 1}:{mark.column + 1}" if mark else str(where)
        problem = e.problem or e.context or "invalid"
        if "nesting depth" in problem:  # libyaml's own limit (1,000), met while scanning
            raise YamlInputError(f"{loc}: nesting deeper than {max_depth} levels; allowed: "
                                 f"at most {max_depth} levels") from None
        raise YamlInputError(f"{loc}: not valid YAML: {one_line(problem)}") from None
    except yaml.YAMLError as e:
        raise YamlInputError(f"{where}: not valid YAML: {one_line(str(e))}") from None
    except (RecursionError, MemoryError, ValueError, OverflowError, KeyError, IndexError,
            TypeError) as e:  # PyYAML's own constructors fail so on some tagged scalars
        raise YamlInputError(f"{where}: not valid YAML: {type(e).__name__}: "
                             f"{one_line(str(e))}") from None
    finally:
        loader.dispose()
    return Document(data=data, path=where, lines=lines)


def dotted(key_path: tuple) -> str:
    """A key path as text: ``design.factors.x``, ``design.policies[0].name``."""
    out = ""
    for part in key_path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def one_line(text: str, limit: int = 200) -> str:
    """``text`` on one line (whitespace runs become one space), cut to ``limit`` characters."""
    return _cut(" ".join(str(text).split()), limit)


def _compose(loader, where, max_depth, int_allowed):
    """Build the node tree of the single document from the parser's events, iteratively.

    Returns ``(node, lines)``: the root node (``None`` for an empty stream) and the line of
    every mapping key by its key path.
    """
    lines: dict[tuple, int] = {}
    loader.get_event()  # StreamStart
    if loader.check_event(yaml.StreamEndEvent):
        loader.get_event()
        return None, lines
    loader.get_event()  # DocumentStart
    root = None
    # each frame: [node, key path, pending key node (mappings), seen keys (mappings)]
    stack: list[list] = []

    def path_of(frame_index: int) -> tuple:
        return stack[frame_index][1] if stack else ()

    def attach(node) -> tuple | None:
        """Add ``node`` to the open collection; return its key path."""
        nonlocal root
        if not stack:
            root = node
            return ()
        top = stack[-1]
        parent, ppath = top[0], top[1]
        if isinstance(parent, SequenceNode):
            sub = (*ppath, len(parent.value))
            parent.value.append(node)
            return sub
        if top[2] is None:  # a key
            if isinstance(node, ScalarNode) and node.tag == _MERGE_TAG:
                # '<<' merges another mapping's keys in, past the duplicate-key rule
                raise YamlInputError(
                    f"{where}:{node.start_mark.line + 1}: merge key '<<' is not allowed; "
                    "allowed: each key written out once (no merge keys)")
            if isinstance(node, ScalarNode):
                ident = _key_identity(node)
                key_path = (*ppath, node.value)
                if ident in top[3]:
                    raise YamlInputError(
                        f"{where}:{node.start_mark.line + 1}: duplicate key "
                        f"{short(node.value)} (first on line {top[3][ident]}); allowed: each "
                        "key once")
                top[3][ident] = node.start_mark.line + 1
                lines.setdefault(key_path, node.start_mark.line + 1)
            top[2] = node
            return None
        key = top[2]
        top[2] = None
        parent.value.append((key, node))
        if isinstance(key, ScalarNode):
            return (*ppath, key.value)
        return (*ppath, "?")

    while not loader.check_event(yaml.DocumentEndEvent):
        event = loader.get_event()
        line = event.start_mark.line + 1 if event.start_mark else None
        field_path = _cut(dotted(path_of(-1)), 60) if stack else ""
        if isinstance(event, yaml.AliasEvent):
            at = f" (under {field_path})" if field_path else ""
            raise YamlInputError(f"{where}:{line}: alias *{_cut(str(event.anchor), 40)}"
                                 f"{at} is not allowed; allowed: values written out in "
                                 "full (no anchors and aliases)")
        if isinstance(event, yaml.ScalarEvent):
            tag = event.tag
            if tag is None or tag == "!":
                tag = loader.resolve(ScalarNode, event.value, event.implicit)
            node = ScalarNode(tag, event.value, event.start_mark, event.end_mark,
                              style=event.style)
            sub = attach(node)
            if tag == _INT_TAG:
                digits = _int_digits(event.value)
                if digits > MAX_INT_DIGITS:
                    key_path = sub if sub is not None else path_of(-1)
                    name = _cut(dotted(key_path), 60) or "value"
                    allowed = (int_allowed(key_path) if int_allowed else None) or (
                        f"an integer of at most {MAX_INT_DIGITS} digits")
                    raise YamlInputError(
                        f"{where}:{line}: {name}: invalid value (an integer of {digits} "
                        f"digits); allowed: {allowed}")
        elif isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            if len(stack) >= max_depth:
                raise YamlInputError(f"{where}:{line}: nesting deeper than {max_depth} levels"
                                     f"{f' (under {field_path})' if field_path else ''}; "
                                     f"allowed: at most {max_depth} levels")
            is_seq = isinstance(event, yaml.SequenceStartEvent)
            cls = SequenceNode if is_seq else MappingNode
            tag = event.tag
            if tag is None or tag == "!":
                tag = loader.resolve(cls, None, event.implicit)
            node = cls(tag, [], event.start_mark, None, flow_style=event.flow_style)
            sub = attach(node)
            if sub is None:  # a collection used as a mapping key
                sub = (*path_of(-1), "?")
            stack.append([node, sub, None, {}])
        elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
            frame = stack.pop()
            frame[0].end_mark = event.end_mark
        else:  # pragma: no cover - the parser yields nothing else inside a document
            raise YamlInputError(f"{where}:{line}: not valid YAML: unexpected "
                                 f"{type(event).__name__}")
    loader.get_event()  # DocumentEnd
    if not loader.check_event(yaml.StreamEndEvent):
        event = loader.get_event()
        line = event.start_mark.line + 1 if event.start_mark else "?"
        raise YamlInputError(f"{where}:{line}: not valid YAML: more than one document "
                             "('---'); allowed: one document")
    loader.get_event()
    return root, lines
