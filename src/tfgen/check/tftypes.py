"""Terraform type constraints (``map(object({a = number}))``) and literal values.

Enough of Terraform's type system to check a tfvars literal against a variable's
``type``: primitives (with Terraform's string/number/bool conversions), collections,
``object`` (with ``optional``), ``tuple`` and ``any``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_TOKEN = re.compile(r"\s*(?:(?P<name>[A-Za-z_][A-Za-z0-9_-]*)|(?P<punct>[(){}\[\],=])|#[^\n]*)")


@dataclass(frozen=True)
class TfType:
    kind: str  # string number bool any list set map object tuple
    element: TfType | None = None
    attributes: dict[str, TfType] = field(default_factory=dict)
    optional: frozenset[str] = frozenset()
    elements: tuple[TfType, ...] = ()

    def describe(self) -> str:
        if self.element is not None:
            return f"{self.kind}({self.element.describe()})"
        if self.kind == "object":
            return "object({" + ", ".join(sorted(self.attributes)) + "})"
        return self.kind


class TypeSyntaxError(ValueError):
    pass


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = [
            m.group("name") or m.group("punct")
            for m in _TOKEN.finditer(text)
            if m.group("name") or m.group("punct")
        ]
        self.pos = 0

    def peek(self) -> str:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ""

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if not token or (expected is not None and token != expected):
            raise TypeSyntaxError(f"expected {expected or 'a type'}, found {token or 'the end'}")
        self.pos += 1
        return token

    def parse(self) -> TfType:
        name = self.take()
        if name in ("string", "number", "bool", "any"):
            return TfType(name)
        if name in ("list", "set", "map"):
            self.take("(")
            element = self.parse()
            self.take(")")
            return TfType(name, element=element)
        if name == "object":
            return self._object()
        if name == "tuple":
            return self._tuple()
        raise TypeSyntaxError(f"unknown type {name!r}")

    def _object(self) -> TfType:
        self.take("(")
        self.take("{")
        attributes: dict[str, TfType] = {}
        optional: set[str] = set()
        while self.peek() != "}":
            key = self.take()
            self.take("=")
            if self.peek() == "optional":
                self.take()
                self.take("(")
                attributes[key] = self.parse()
                optional.add(key)
                self._skip_default()
            else:
                attributes[key] = self.parse()
            if self.peek() == ",":
                self.take()
        self.take("}")
        self.take(")")
        return TfType("object", attributes=attributes, optional=frozenset(optional))

    def _skip_default(self) -> None:
        depth = 1
        while depth:
            token = self.take()
            depth += {"(": 1, ")": -1}.get(token, 0)

    def _tuple(self) -> TfType:
        self.take("(")
        self.take("[")
        elements = []
        while self.peek() != "]":
            elements.append(self.parse())
            if self.peek() == ",":
                self.take()
        self.take("]")
        self.take(")")
        return TfType("tuple", elements=tuple(elements))


def parse_type(text: str) -> TfType:
    parser = _Parser(text)
    result = parser.parse()
    if parser.peek():
        raise TypeSyntaxError(f"unexpected {parser.peek()!r} after the type")
    return result


def _primitive_error(kind: str, value: Any, where: str) -> str | None:
    if value is None:
        return None
    if kind == "string":
        ok = isinstance(value, str | int | float | bool)
    elif kind == "number":
        ok = (isinstance(value, int | float) and not isinstance(value, bool)) or (
            isinstance(value, str) and _numeric(value)
        )
    else:
        ok = isinstance(value, bool) or value in ("true", "false")
    return None if ok else f"{where}: {kind} required, got {_describe(value)}"


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "a bool"
    if isinstance(value, int | float):
        return "a number"
    return f"the string {value!r}"


def type_errors(t: TfType, value: Any, where: str = "value") -> list[str]:
    """Why ``value`` (a Python literal) does not conform to ``t`` (empty: it does)."""
    if t.kind == "any":
        return []
    if t.kind in ("string", "number", "bool"):
        error = _primitive_error(t.kind, value, where)
        return [error] if error else []
    if t.kind in ("list", "set", "tuple"):
        return _sequence_errors(t, value, where)
    if t.kind == "map":
        if not isinstance(value, dict):
            return [f"{where}: map required, got {_describe(value)}"]
        assert t.element is not None
        return [e for k, v in value.items() for e in type_errors(t.element, v, f"{where}[{k!r}]")]
    return _object_errors(t, value, where)


def _sequence_errors(t: TfType, value: Any, where: str) -> list[str]:
    if not isinstance(value, list):
        return [f"{where}: {t.kind} required, got {_describe(value)}"]
    if t.kind == "tuple":
        if len(value) != len(t.elements):
            return [f"{where}: tuple of {len(t.elements)} elements required, got {len(value)}"]
        pairs = list(zip(t.elements, value, strict=True))
    else:
        assert t.element is not None
        pairs = [(t.element, v) for v in value]
    return [e for i, (et, v) in enumerate(pairs) for e in type_errors(et, v, f"{where}[{i}]")]


def _object_errors(t: TfType, value: Any, where: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{where}: object required, got {_describe(value)}"]
    errors = [
        f"{where}: attribute {k!r} is required"
        for k in sorted(t.attributes)
        if k not in value and k not in t.optional
    ]
    errors += [
        f"{where}: unexpected attribute {k!r}" for k in sorted(value) if k not in t.attributes
    ]
    for key, sub in sorted(t.attributes.items()):
        if key in value:
            errors += type_errors(sub, value[key], f"{where}.{key}")
    return errors
