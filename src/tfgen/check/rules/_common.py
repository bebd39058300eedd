"""Helpers shared by rule modules: value bounds, JSON documents, CIDRs, names."""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tfgen.check.rules.engine import Context, Issue
from tfgen.hcl import Attribute, Block, HclValue, Unknown, heredoc_source

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def fmt(number: float) -> str:
    return str(int(number)) if number == int(number) else str(number)


# --------------------------------------------------------------------------------------
# Numeric bounds, data-driven
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bound:
    """``path`` (``name`` or ``block.name``) must lie in ``low..high`` when literal."""

    path: str
    low: float
    high: float
    unit: str = ""


def nested(block: Block, path: list[str]) -> list[Block]:
    """Static nested blocks along ``path`` (``["health_check"]``); ``[]`` for the block."""
    current = [block]
    for name in path:
        current = [child for parent in current for child in parent.children(name)]
    return current


def bound_issues(resource: Block, ctx: Context, bounds: tuple[Bound, ...]) -> Iterator[Issue]:
    for bound in bounds:
        *blocks, name = bound.path.split(".")
        for holder in nested(resource, blocks):
            issue = _bound_issue(resource, holder, ctx, bound, name)
            if issue is not None:
                yield issue


def _bound_issue(
    resource: Block, holder: Block, ctx: Context, bound: Bound, name: str
) -> Issue | None:
    number = ctx.number(holder, name)
    attr = holder.get(name)
    if number is None or attr is None or bound.low <= number <= bound.high:
        return None
    unit = f" {bound.unit}" if bound.unit else ""
    message = (
        f"{bound.path} = {fmt(number)} is outside the allowed range "
        f"{fmt(bound.low)}..{fmt(bound.high)}{unit}"
    )
    return Issue(resource, message, attr)


# --------------------------------------------------------------------------------------
# JSON documents (jsonencode(...), heredoc or string literals)
# --------------------------------------------------------------------------------------

_MARKER = "__tfgen_unknown__"


def json_document(value: HclValue | None) -> Any:
    """The document an attribute holds as JSON, with :class:`Unknown` for unknown parts.

    Understands ``jsonencode(<expr>)``, literal JSON strings and heredocs (interpolations
    become :class:`Unknown`).  Returns ``None`` when the document cannot be known.
    """
    if value is None:
        return None
    if value.function == "jsonencode" and len(value.args) == 1:
        return value.args[0].partial
    if isinstance(value.value, str):
        return _loads(value.value)
    source = heredoc_source(value.raw)
    if source is not None and "%{" not in source.replace("%%{", ""):
        return _loads_template(source)
    return None


def document(ctx: Context, block: Block, name: str) -> Any:
    """:func:`json_document` of an attribute, with ``local.*`` leaves resolved."""
    return ctx.resolve_partial(json_document(ctx.value(block, name)))


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _loads_template(source: str) -> Any:
    text = _substitute_interpolations(source)
    if text is None:
        return None
    return _unmark(_loads(text))


def _substitute_interpolations(source: str) -> str | None:
    """Replace each ``${...}`` with a marker, quoted when outside a JSON string."""
    out: list[str] = []
    pos, in_string = 0, False
    while pos < len(source):
        char = source[pos]
        if source.startswith("$${", pos):
            out.append("$${")
            pos += 3
        elif source.startswith("${", pos):
            end = _closing_brace(source, pos + 2)
            if end < 0:
                return None
            out.append(_MARKER if in_string else f'"{_MARKER}"')
            pos = end + 1
        else:
            if char == '"' and (pos == 0 or source[pos - 1] != "\\"):
                in_string = not in_string
            out.append(char)
            pos += 1
    return "".join(out)


def _closing_brace(text: str, start: int) -> int:
    depth = 1
    for pos in range(start, len(text)):
        if text[pos] == "{":
            depth += 1
        elif text[pos] == "}":
            depth -= 1
            if depth == 0:
                return pos
    return -1


def _unmark(value: Any) -> Any:
    if isinstance(value, str) and _MARKER in value:
        return Unknown(value.replace(_MARKER, "${...}"))
    if isinstance(value, list):
        return [_unmark(v) for v in value]
    if isinstance(value, dict):
        return {k: _unmark(v) for k, v in value.items()}
    return value


def as_list(value: Any) -> list[Any]:
    """A JSON policy field that may be a scalar or a list, as a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def known_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def known_int(value: Any) -> int | None:
    """An integer from a JSON document value (ints or numeric strings)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value == int(value):
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    return None


# --------------------------------------------------------------------------------------
# Networks
# --------------------------------------------------------------------------------------


def parse_network(text: str, *, strict: bool = True) -> Network | None:
    try:
        return ipaddress.ip_network(text, strict=strict)
    except ValueError:
        return None


def literal_strings(ctx: Context, block: Block, name: str) -> list[str]:
    """The literal string elements of a list attribute (unknown elements skipped)."""
    value = ctx.value(block, name)
    if value is None:
        return []
    items = value.as_list()
    if items is None:
        text = value.as_str()
        return [text] if text is not None else []
    return [item for item in items if isinstance(item, str)]


def attribute(block: Block, name: str) -> Attribute | None:
    return block.attributes.get(name)
