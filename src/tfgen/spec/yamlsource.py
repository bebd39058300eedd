"""Strict YAML reading that keeps ``file:line:col`` for every key and value.

PyYAML composes a node graph that carries marks; this module turns it into plain
Python data plus a :class:`Positions` table keyed by the path of each value.
Duplicate keys, non-string keys, merge keys, custom tags, runaway alias expansion
(billion laughs) and non-UTF-8 input are errors with a location.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

from tfgen.errors import Location, Problem, UserError, user_error
from tfgen.textio import read_text

try:  # the C loader is much faster; fall back to the pure-Python one
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

PathKey = tuple[str | int, ...]

MAX_NODES = 100_000  # expanded nodes per document; a real spec has a few thousand
_STR = "tag:yaml.org,2002:str"
_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}
_BOOL_WORDS = {"true": True, "false": False}


@dataclass
class Positions:
    """Where each value (and each mapping key) came from, by path."""

    values: dict[PathKey, Location] = field(default_factory=dict)
    keys: dict[PathKey, Location] = field(default_factory=dict)

    def value(self, path: PathKey) -> Location | None:
        """The location of ``path``, or of its nearest ancestor that has one."""
        for depth in range(len(path), -1, -1):
            found = self.values.get(path[:depth])
            if found is not None:
                return found
        return None

    def key(self, path: PathKey) -> Location | None:
        return self.keys.get(path) or self.value(path)

    def update_from(self, other: Positions, prefix: PathKey = ()) -> None:
        """Take every position under ``prefix`` from ``other`` (overlay wins)."""
        for table, mine in ((other.values, self.values), (other.keys, self.keys)):
            for path, loc in table.items():
                if path[: len(prefix)] == prefix:
                    mine[path] = loc

    def drop(self, prefix: PathKey) -> None:
        """Forget every position strictly below ``prefix`` (a replaced list)."""
        for table in (self.values, self.keys):
            for path in [p for p in table if len(p) > len(prefix) and p[: len(prefix)] == prefix]:
                del table[path]


@dataclass
class YamlDocument:
    file: str
    data: Any
    positions: Positions


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org") else tag


def _loc(file: str, node: Node) -> Location:
    mark = node.start_mark
    return Location(file, mark.line + 1, mark.column + 1)


class _Builder:
    """Turns a composed node graph into Python data, recording positions."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.positions = Positions()
        self.budget = MAX_NODES
        self.open: set[int] = set()  # collections being built: an alias to one is a cycle

    def build(self, node: Node, path: PathKey) -> Any:
        if id(node) in self.open:
            raise user_error(
                "TFG006",
                "YAML alias refers to a value that contains it (a cycle)",
                _loc(self.file, node),
                "remove the recursive alias",
            )
        self.budget -= 1
        if self.budget < 0:
            raise user_error(
                "TFG006",
                f"YAML expands to more than {MAX_NODES} values (alias bomb?)",
                _loc(self.file, node),
                "write the values out instead of nesting anchors and aliases",
            )
        if node.tag not in _PLAIN_TAGS:
            raise user_error(
                "TFG005",
                f"unsupported YAML tag {_short_tag(node.tag)!r}",
                _loc(self.file, node),
                "remove the tag; tfgen reads plain YAML only",
            )
        self.positions.values[path] = _loc(self.file, node)
        if isinstance(node, ScalarNode):
            return _scalar(node)
        self.open.add(id(node))
        try:
            if isinstance(node, MappingNode):
                return self._mapping(node, path)
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        finally:
            self.open.discard(id(node))

    def _mapping(self, node: MappingNode, path: PathKey) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node)
            where = _loc(self.file, key_node)
            if key in result:
                first = self.positions.keys[(*path, key)]
                raise user_error(
                    "TFG003",
                    f"duplicate key {key!r} (first defined at {first})",
                    where,
                    "remove one of the two definitions",
                )
            self.positions.keys[(*path, key)] = where
            result[key] = self.build(value_node, (*path, key))
        return result

    def _key(self, node: Node) -> str:
        if node.tag == "tag:yaml.org,2002:merge":
            raise user_error(
                "TFG005",
                "YAML merge keys (<<) are not supported",
                _loc(self.file, node),
                "write the keys out, or move shared values into an environment file",
            )
        if not isinstance(node, ScalarNode) or node.tag != _STR:
            raise user_error(
                "TFG004",
                "mapping keys must be strings",
                _loc(self.file, node),
                "quote the key",
            )
        return str(node.value)


def _scalar(node: ScalarNode) -> Any:
    """Resolve a scalar with YAML 1.2-like rules: only true/false are booleans."""
    text = str(node.value)
    tag = node.tag
    if tag == "tag:yaml.org,2002:bool":
        return _BOOL_WORDS.get(text.lower(), text)
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:int":
        return _int(text)
    if tag == "tag:yaml.org,2002:float":
        try:
            return float(text.replace("_", ""))
        except ValueError:
            return text
    return text  # str and timestamps stay text


def _int(text: str) -> int | str:
    clean = text.replace("_", "")
    try:
        if clean.lower().startswith(("0x", "-0x", "+0x")):
            return int(clean, 16)
        if clean.lower().startswith(("0o", "-0o", "+0o")):
            return int(clean, 8)
        return int(clean, 10)
    except ValueError:
        return text  # sexagesimal or leading-zero forms: keep the text, the model decides


def _syntax_error(exc: yaml.MarkedYAMLError, file: str) -> UserError:
    mark = exc.problem_mark or exc.context_mark
    loc = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
    problem = (exc.problem or exc.context or "invalid YAML").strip()
    return UserError(
        [
            Problem(
                "TFG001",
                f"YAML syntax error: {problem}",
                loc,
                "fix the YAML syntax at this position",
            )
        ]
    )


def _compose(text: str, file: str) -> Iterator[Node]:
    try:
        loader = _Loader(text)
        try:
            while loader.check_node():
                node = loader.get_node()
                if node is not None:
                    yield node
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, file) from None
    except yaml.YAMLError as exc:
        raise user_error("TFG001", f"YAML error: {exc}", Location(file)) from None


def load_yaml_text(text: str, file: str) -> YamlDocument:
    """Load one YAML document (an empty file is an empty mapping)."""
    nodes = list(_compose(text, file))
    if len(nodes) > 1:
        raise user_error(
            "TFG001",
            "expected one YAML document, found several",
            _loc(file, nodes[1]),
            "remove the '---' separator or split the file",
        )
    if not nodes:
        return YamlDocument(file, {}, Positions({(): Location(file, 1, 1)}))
    builder = _Builder(file)
    data = builder.build(nodes[0], ())
    return YamlDocument(file, data, builder.positions)


def load_yaml_file(path: Path, display: str | None = None) -> YamlDocument:
    name = display or path.as_posix()
    return load_yaml_text(read_text(path, name), name)
