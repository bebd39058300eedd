"""Strict YAML reading that keeps ``file:line:col`` for every key and value.

PyYAML composes a node graph that carries marks; this module turns it into plain
Python data plus a :class:`Positions` table keyed by the path of each value.
Duplicate keys, non-string keys, merge keys, custom tags, runaway alias expansion
(billion laughs) and non-UTF-8 input are errors with a location.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
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


_Mark = tuple[str, int, int]  # file, line, column: a Location made only when asked for


def _location(mark: _Mark | None) -> Location | None:
    return Location(*mark) if mark is not None else None


class _Node:
    """The positions at one path: its value, its key, and the nodes below it.

    A node belongs to one :class:`Positions` (its ``owner`` token) and is changed in place
    only by it; every other table that reaches the node copies it before writing
    (copy-on-write), so tables share every subtree neither of them changes.
    """

    __slots__ = ("children", "key", "owner", "value")

    def __init__(
        self,
        owner: object,
        value: _Mark | None = None,
        key: _Mark | None = None,
        children: dict[str | int, _Node] | None = None,
    ) -> None:
        self.owner = owner
        self.value = value
        self.key = key
        self.children = children


class Positions:
    """Where each value (and each mapping key) came from, by path.

    A tree of :class:`_Node` keyed by path parts.  Taking a subtree from another table
    shares it instead of copying it, and :meth:`fork` is O(1): the cost of every change is
    the length of its path plus the size of what it changes, never the size of the table.
    ``operations`` counts the nodes the changing methods visit or copy.
    """

    def __init__(self, root_value: Location | None = None) -> None:
        self._owner = object()
        root = None if root_value is None else (root_value.file, root_value.line, root_value.column)
        self._root = _Node(self._owner, root)
        self.operations = 0

    # --- lookups ---------------------------------------------------------------------------

    def _find(self, path: PathKey) -> tuple[_Node | None, _Mark | None]:
        """The node at ``path`` (None when absent) and the nearest value at or above it."""
        node: _Node | None = self._root
        found = self._root.value
        for part in path:
            children = node.children if node is not None else None
            node = children.get(part) if children is not None else None
            if node is None:
                return None, found
            if node.value is not None:
                found = node.value
        return node, found

    def value(self, path: PathKey) -> Location | None:
        """The location of ``path``, or of its nearest ancestor that has one."""
        return _location(self._find(path)[1])

    def key(self, path: PathKey) -> Location | None:
        node, found = self._find(path)
        return _location(node.key if node is not None and node.key is not None else found)

    def exact_key(self, path: PathKey) -> Location | None:
        """The location of the key of ``path`` itself (no fallback to a value)."""
        node = self._find(path)[0]
        return _location(node.key) if node is not None else None

    # --- building (used by the YAML reader) ------------------------------------------------

    @property
    def root(self) -> _Node:
        return self._root

    @property
    def owner(self) -> object:
        """The token of the nodes this table may change in place."""
        return self._owner

    def child(self, node: _Node, part: str | int) -> _Node:
        """A new, empty node below ``node`` (which this table must own)."""
        made = _Node(self._owner)
        if node.children is None:
            node.children = {}
        node.children[part] = made
        return made

    # --- changes ---------------------------------------------------------------------------

    def fork(self) -> Positions:
        """A copy of this table in O(1): both share every node until one of them writes."""
        other = Positions()
        other._root = self._root
        self._owner = object()  # nodes made so far are shared now: neither may change them
        return other

    def _own(self, node: _Node) -> _Node:
        if node.owner is self._owner:
            return node
        children = dict(node.children) if node.children is not None else None
        self.operations += 1 + (len(children) if children is not None else 0)
        return _Node(self._owner, node.value, node.key, children)

    def _writable(self, path: PathKey, create: bool) -> _Node | None:
        """The node at ``path``, owned by this table (copying the path to it as needed)."""
        node = self._root = self._own(self._root)
        for part in path:
            self.operations += 1
            below = node.children.get(part) if node.children is not None else None
            if below is None and not create:
                return None
            if node.children is None:
                node.children = {}
            below = node.children[part] = _Node(self._owner) if below is None else self._own(below)
            node = below
        return node

    def update_from(self, other: Positions, prefix: PathKey = ()) -> None:
        """Take every position under ``prefix`` from ``other`` (overlay wins)."""
        source = other._find(prefix)[0]
        if source is None:
            return
        other._owner = object()  # its nodes become shared with this table
        if not prefix:
            self._root = self._merged(self._root, source)
            return
        parent = self._writable(prefix[:-1], create=True)
        assert parent is not None
        if parent.children is None:
            parent.children = {}
        below = parent.children.get(prefix[-1])
        parent.children[prefix[-1]] = source if below is None else self._merged(below, source)
        self.operations += 1

    def _merged(self, mine: _Node, theirs: _Node) -> _Node:
        """``mine`` with every position of ``theirs`` on top: O(size of ``theirs``)."""
        node = self._own(mine)
        node.value = theirs.value if theirs.value is not None else node.value
        node.key = theirs.key if theirs.key is not None else node.key
        for part, sub in (theirs.children or {}).items():
            self.operations += 1
            if node.children is None:
                node.children = {}
            below = node.children.get(part)
            node.children[part] = sub if below is None else self._merged(below, sub)
        return node

    def drop(self, prefix: PathKey) -> None:
        """Forget every position strictly below ``prefix`` (a replaced list)."""
        if self._find(prefix)[0] is None:
            return
        node = self._writable(prefix, create=False)
        if node is not None:
            node.children = None


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

    def build(self, node: Node, at: _Node) -> Any:
        """The data of ``node``, recording its positions in ``at`` (and below it)."""
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
        mark = node.start_mark
        at.value = (self.file, mark.line + 1, mark.column + 1)
        if type(node) is ScalarNode:
            return _scalar(node)
        self.open.add(id(node))
        try:
            if type(node) is MappingNode:
                return self._mapping(node, at)
            child = self.positions.child
            return [self.build(item, child(at, i)) for i, item in enumerate(node.value)]
        finally:
            self.open.discard(id(node))

    def _mapping(self, node: MappingNode, at: _Node) -> dict[str, Any]:
        result: dict[str, Any] = {}
        children: dict[str | int, _Node] = {}
        at.children = children
        owner = self.positions.owner
        for key_node, value_node in node.value:
            key = self._key(key_node)
            mark = key_node.start_mark
            where = (self.file, mark.line + 1, mark.column + 1)
            if key in result:
                first = _location(children[key].key)
                raise user_error(
                    "TFG003",
                    f"duplicate key {key!r} (first defined at {first})",
                    Location(*where),
                    "remove one of the two definitions",
                )
            below = children[key] = _Node(owner, None, where)
            result[key] = self.build(value_node, below)
        return result

    def _key(self, node: Node) -> str:
        if node.tag == _STR and type(node) is ScalarNode:
            return str(node.value)
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
        return YamlDocument(file, {}, Positions(Location(file, 1, 1)))
    builder = _Builder(file)
    data = builder.build(nodes[0], builder.positions.root)
    return YamlDocument(file, data, builder.positions)


def load_yaml_file(path: Path, display: str | None = None) -> YamlDocument:
    name = display or path.as_posix()
    return load_yaml_text(read_text(path, name), name)
