"""The positioned document model of Terraform text (``.tf`` / ``.tfvars``).

Every block and attribute knows its 1-based line and column.  Attribute values are kept
twice: the raw source text of the expression and, when the expression is a literal, the
Python value (``str`` without quotes, ``int``, ``float``, ``bool``, ``None``, ``list``,
``dict``; recursively).  Non-literal parts of a collection appear as :class:`Unknown` in
:attr:`HclValue.partial`, so rules can look inside ``jsonencode({...})`` even when one
leaf is ``aws_s3_bucket.b.arn``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Unknown:
    """A sub-expression whose value is not known statically (its source text)."""

    raw: str

    def __str__(self) -> str:
        return self.raw


def contains_unknown(value: Any) -> bool:
    """Whether a (possibly nested) literal value has a part that is not known statically."""
    if isinstance(value, Unknown):
        return True
    if isinstance(value, list):
        return any(contains_unknown(v) for v in value)
    if isinstance(value, dict):
        return any(contains_unknown(k) or contains_unknown(v) for k, v in value.items())
    return False


@dataclass(frozen=True)
class HclValue:
    """An attribute's expression: source text, literal value, kind and references.

    ``kind`` is one of ``literal``, ``template`` (string/heredoc with interpolation),
    ``reference`` (a bare traversal such as ``var.x``), ``call``, ``for``,
    ``conditional``, ``operation``, ``collection`` (a list/object with unknown parts).
    """

    raw: str
    kind: str
    partial: Any = None
    function: str = ""
    args: tuple[HclValue, ...] = ()
    refs: tuple[str, ...] = ()

    @property
    def is_literal(self) -> bool:
        return self.kind == "literal"

    @property
    def value(self) -> Any:
        """The Python literal, or ``None`` when the expression is not a literal."""
        return self.partial if self.is_literal else None

    def references(self) -> tuple[str, ...]:
        """Traversals used by the expression, e.g. ``var.x``, ``aws_lb.main.arn``."""
        return self.refs

    def as_str(self) -> str | None:
        return self.partial if self.is_literal and isinstance(self.partial, str) else None

    def as_bool(self) -> bool | None:
        """A literal bool (Terraform also converts the strings "true"/"false")."""
        if not self.is_literal:
            return None
        if isinstance(self.partial, bool):
            return self.partial
        if self.partial in ("true", "false"):
            return bool(self.partial == "true")
        return None

    def as_number(self) -> float | None:
        """A literal number (Terraform converts numeric strings such as "30")."""
        if not self.is_literal or isinstance(self.partial, bool):
            return None
        if isinstance(self.partial, int | float):
            return float(self.partial)
        if isinstance(self.partial, str):
            try:
                return float(self.partial)
            except ValueError:
                return None
        return None

    def as_int(self) -> int | None:
        number = self.as_number()
        return int(number) if number is not None and number == int(number) else None

    def as_list(self) -> list[Any] | None:
        """The (possibly partial) elements of a list expression."""
        return self.partial if isinstance(self.partial, list) else None

    def as_dict(self) -> dict[Any, Any] | None:
        """The (possibly partial) entries of an object expression."""
        return self.partial if isinstance(self.partial, dict) else None

    def traversal(self) -> str | None:
        """The traversal when the whole expression is one reference (``var.x``)."""
        return self.refs[0] if self.kind == "reference" and self.refs else None


@dataclass(frozen=True)
class Attribute:
    name: str
    value: HclValue
    line: int
    column: int
    end_line: int


@dataclass
class Block:
    type: str
    labels: tuple[str, ...]
    attributes: dict[str, Attribute]
    blocks: list[Block]
    line: int
    end_line: int
    column: int
    filename: str

    @property
    def address(self) -> str:
        """Terraform address: ``aws_sqs_queue.q``, ``data.x.y``, ``module.m``, ``var.v``."""
        prefix = _ADDRESS_PREFIX.get(self.type)
        if self.type == "resource" and len(self.labels) >= 2:
            return f"{self.labels[0]}.{self.labels[1]}"
        if prefix is not None and self.labels:
            return f"{prefix}.{'.'.join(self.labels)}"
        return ".".join((self.type, *self.labels))

    @property
    def resource_type(self) -> str:
        """First label of a ``resource``/``data`` block (empty for other blocks)."""
        return self.labels[0] if self.type in ("resource", "data") and self.labels else ""

    @property
    def name(self) -> str:
        """Last label (resource name, variable name, ...)."""
        return self.labels[-1] if self.labels else ""

    def get(self, name: str) -> Attribute | None:
        return self.attributes.get(name)

    def value(self, name: str) -> HclValue | None:
        attr = self.attributes.get(name)
        return attr.value if attr is not None else None

    def children(self, name: str, *, dynamic: bool = False) -> list[Block]:
        """Nested blocks of one type; with ``dynamic`` also ``dynamic "name"`` contents."""
        found = [b for b in self.blocks if b.type == name]
        if dynamic:
            for dyn in self.blocks:
                if dyn.type == "dynamic" and dyn.labels == (name,):
                    found.extend(dyn.children("content"))
        return found

    def child(self, name: str) -> Block | None:
        found = self.children(name)
        return found[0] if found else None

    def has_dynamic(self, name: str) -> bool:
        return any(b.type == "dynamic" and b.labels == (name,) for b in self.blocks)

    def walk(self) -> Iterator[Block]:
        """This block and every nested block, depth first, in source order."""
        yield self
        for nested in self.blocks:
            yield from nested.walk()


_ADDRESS_PREFIX = {
    "data": "data",
    "module": "module",
    "variable": "var",
    "output": "output",
    "provider": "provider",
    "ephemeral": "ephemeral",
}


@dataclass
class HclDocument:
    filename: str
    blocks: list[Block] = field(default_factory=list)
    attributes: dict[str, Attribute] = field(default_factory=dict)
    source: str = field(default="", repr=False, compare=False)

    def blocks_of(self, type_: str) -> list[Block]:
        return [b for b in self.blocks if b.type == type_]

    def resources(self, resource_type: str | None = None) -> list[Block]:
        return _typed(self.blocks_of("resource"), resource_type)

    def data_sources(self, data_type: str | None = None) -> list[Block]:
        return _typed(self.blocks_of("data"), data_type)

    def modules(self) -> list[Block]:
        return self.blocks_of("module")

    def variables(self) -> list[Block]:
        return self.blocks_of("variable")

    def locals(self) -> dict[str, Attribute]:
        merged: dict[str, Attribute] = {}
        for block in self.blocks_of("locals"):
            merged.update(block.attributes)
        return merged


def _typed(blocks: list[Block], type_: str | None) -> list[Block]:
    return [b for b in blocks if type_ is None or b.resource_type == type_]


def referenced_address(reference: str) -> str:
    """The object a traversal refers to: ``aws_lb.main[0].arn`` -> ``aws_lb.main``,
    ``data.x.y.id`` -> ``data.x.y``, ``module.m.out`` -> ``module.m``, ``var.v`` ->
    ``var.v``."""
    parts = re.split(r"\.|\[", reference.replace(".*", "[*]"))
    width = {"data": 3, "ephemeral": 3}.get(parts[0], 2)
    return ".".join(p for p in parts[:width] if not p.endswith("]"))
