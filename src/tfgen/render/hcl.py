"""HCL literals: the only way a value reaches generated Terraform.

:func:`literal` turns Python data into an HCL expression; strings are quoted and
escaped (``"``, ``\\``, ``${``, ``%{``, control characters, newlines), so no spec
value can inject HCL.  :func:`ident` makes a safe Terraform identifier from an
entity name.  Both return :class:`Hcl`, a marked string: the Jinja environment
refuses to print anything that is not marked, so a raw value cannot slip through.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class Hcl(str):
    """Text that is already valid HCL (a literal, identifier or expression)."""

    __slots__ = ()


def _escape(text: str) -> str:
    out: list[str] = []
    for i, ch in enumerate(text):
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch in "$%" and nxt == "{":
            # "\u0024{" is a literal "${" for Terraform; unlike "$${" it also parses in
            # python-hcl2, which needs a closing brace after "$${".
            out.append(f"\\u{ord(ch):04x}")
        elif ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 or ch in "\u2028\u2029":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def string(text: str) -> Hcl:
    return Hcl('"' + _escape(text) + '"')


def inner(text: str) -> Hcl:
    """The escaped body of a string literal, for use inside a template's own quotes."""
    return Hcl(_escape(str(text)))


def _key(key: str) -> str:
    return key if IDENT.match(key) else string(key)


def _number(value: int | float) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"cannot render non-finite number {value!r} as HCL")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return json.dumps(value)


def _scalar(value: Any) -> Hcl | None:
    if isinstance(value, Hcl):
        return value
    if value is None:
        return Hcl("null")
    if isinstance(value, bool):
        return Hcl("true" if value else "false")
    if isinstance(value, int | float):
        return Hcl(_number(value))
    if isinstance(value, str):
        return string(value)
    return None


def literal(value: Any) -> Hcl:
    """Render a Python value as an HCL literal expression (single line)."""
    scalar = _scalar(value)
    if scalar is not None:
        return scalar
    if isinstance(value, Mapping):
        items = ", ".join(f"{_key(str(k))} = {literal(v)}" for k, v in value.items())
        return Hcl("{ " + items + " }" if items else "{}")
    if isinstance(value, Sequence):
        return Hcl("[" + ", ".join(literal(v) for v in value) + "]")
    raise TypeError(f"cannot render {type(value).__name__} as HCL")


def block_map(value: Mapping[str, Any], indent: int = 2) -> Hcl:
    """A multi-line map literal (terraform fmt aligns the '=' afterwards)."""
    if not value:
        return Hcl("{}")
    pad = " " * (indent + 2)
    lines = [f"{pad}{_key(str(k))} = {literal(v)}" for k, v in value.items()]
    return Hcl("{\n" + "\n".join(lines) + "\n" + " " * indent + "}")


def object_block(value: Mapping[str, Any], indent: int = 0, depth: int = 2) -> Hcl:
    """A multi-line object literal whose nested objects are multi-line too, down to
    ``depth`` levels (lists, scalars and deeper objects stay on one line), so each field
    of a rendered entity is a line of its own."""
    if not value:
        return Hcl("{}")
    pad = " " * (indent + 2)
    lines = []
    for k, v in value.items():
        nested = isinstance(v, Mapping) and v and depth > 1
        text = object_block(v, indent + 2, depth - 1) if nested else literal(v)
        lines.append(f"{pad}{_key(str(k))} = {text}")
    return Hcl("{\n" + "\n".join(lines) + "\n" + " " * indent + "}")


def ident(name: str) -> Hcl:
    """A Terraform identifier from an entity name: 'order-service' -> 'order_service'."""
    if not _NAME.match(name):
        raise ValueError(f"{name!r} cannot be turned into a Terraform identifier")
    text = name.replace("-", "_").replace(".", "_")
    if text[0].isdigit():
        text = "_" + text
    return Hcl(text)


def expr(text: str) -> Hcl:
    """Mark template-owned expression text (never user input) as HCL."""
    return Hcl(text)


def comment(text: str) -> Hcl:
    """Text safe inside a ``#`` comment: one line, no control characters."""
    return Hcl("".join(ch if ch.isprintable() else " " for ch in str(text)))
