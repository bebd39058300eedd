"""Expressions: their literal values and the traversals they reference."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from lark import Token, Tree
from lark.exceptions import UnexpectedInput

from tfgen.hcl.model import HclValue, Unknown, contains_unknown
from tfgen.hcl.tree import (
    Node,
    first_tree,
    node_end,
    node_label,
    node_start,
    parse_tree,
    string_literal,
    subtrees,
)

_HEREDOC_RE = re.compile(r"<<(-?)([A-Za-z][A-Za-z0-9._-]*)\n(.*?)[ \t]*\2\n?\Z", re.DOTALL)
_INTERP_START_RE = re.compile(r"(?<![$%])[$%]\{")


def heredoc_source(raw: str) -> str | None:
    """The body of a heredoc expression (``<<EOT ... EOT``) with template sequences kept
    as written and ``<<-`` indentation removed; ``None`` if ``raw`` is not a heredoc."""
    match = _HEREDOC_RE.match(raw.rstrip("\n") + "\n")
    if match is None:
        return None
    indent, body = match.group(1), match.group(3)
    if indent:
        lines = body.split("\n")
        widths = [len(ln) - len(ln.lstrip(" \t")) for ln in lines if ln.strip()]
        strip = min(widths, default=0)
        body = "\n".join(ln[strip:] for ln in lines)
    return body


def _heredoc_body(token: str) -> tuple[str, bool]:
    """(body, has_template_sequences) of a heredoc token."""
    body = heredoc_source(token)
    if body is None:
        return "", False
    has_template = _INTERP_START_RE.search(body.replace("$${", "").replace("%%{", "")) is not None
    return body.replace("$${", "${").replace("%%{", "%{"), has_template


_NOT_FOUND = object()


class Expr:
    """Evaluates literal parts of an expression and collects its references."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.converters: dict[str, Callable[[Tree[Token]], Any]] = {
            "int_lit": lambda n: int(str(n.children[0])),
            "float_lit": lambda n: float(str(n.children[0])),
            "literal_value": lambda n: _KEYWORD_VALUES[str(n.children[0])],
            "string": self._string,
            "tuple": lambda n: [self.literal(c) for c in subtrees(n)],
            "object": self._object,
            "unary_op": self._unary,
            "heredoc_template": self._heredoc,
            "heredoc_template_trim": self._heredoc,
        }

    def raw(self, node: Node) -> str:
        start = node_start(node)[0]
        return self.source[start : node_end(node)].rstrip()

    def value(self, node: Node) -> HclValue:
        raw = self.raw(node)
        partial = self.literal(node)
        refs = _References(self.source).collect(node)
        inner = _unwrap(node)
        kind = self.kind(inner, partial)
        function = ""
        args: tuple[HclValue, ...] = ()
        if isinstance(inner, Tree) and inner.data == "function_call":
            function = _function_name(inner)
            args = tuple(self.value(a) for a in _call_args(inner))
        return HclValue(raw, kind, partial, function, args, refs)

    def kind(self, inner: Node, partial: Any) -> str:
        if not contains_unknown(partial):
            return "literal"
        data = inner.data if isinstance(inner, Tree) else ""
        return _KINDS.get(data, "operation")

    def literal(self, node: Node) -> Any:
        """Python value with :class:`Unknown` for parts that are not literals."""
        inner = _unwrap(node)
        if isinstance(inner, Tree):
            convert = self.converters.get(inner.data)
            if convert is not None:
                result = convert(inner)
                if result is not _NOT_FOUND:
                    return result
        return Unknown(self.raw(node))

    def _string(self, node: Tree[Token]) -> Any:
        text = string_literal(node)
        return _NOT_FOUND if text is None else text

    def _heredoc(self, node: Tree[Token]) -> Any:
        body, templated = _heredoc_body(str(node.children[0]))
        return _NOT_FOUND if templated else body

    def _unary(self, node: Tree[Token]) -> Any:
        operator = str(node.children[0])
        operand = self.literal(node.children[1])
        if operator == "-" and isinstance(operand, int | float) and not isinstance(operand, bool):
            return -operand
        if operator == "!" and isinstance(operand, bool):
            return not operand
        return _NOT_FOUND

    def _object(self, node: Tree[Token]) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for elem in subtrees(node):
            key_node, value_node = subtrees(elem)[0], subtrees(elem)[-1]
            result[self._key(key_node)] = self.literal(value_node)
        return result

    def _key(self, key_node: Tree[Token]) -> Any:
        inner = _unwrap(key_node.children[0])
        if isinstance(inner, Tree) and inner.data in ("identifier", "keyword"):
            return node_label(inner)
        key = self.literal(key_node.children[0])
        return key if isinstance(key, str | int | float | bool) else Unknown(self.raw(key_node))


_KEYWORD_VALUES: dict[str, Any] = {"true": True, "false": False, "null": None}
_KINDS = {
    "string": "template",
    "heredoc_template": "template",
    "heredoc_template_trim": "template",
    "function_call": "call",
    "for_tuple_expr": "for",
    "for_object_expr": "for",
    "conditional": "conditional",
    "tuple": "collection",
    "object": "collection",
    "identifier": "reference",
    "get_attr_expr_term": "reference",
    "index_expr_term": "reference",
    "attr_splat_expr_term": "reference",
    "full_splat_expr_term": "reference",
}


def _unwrap(node: Node) -> Node:
    """Strip ``expr_term`` wrappers and parentheses."""
    while isinstance(node, Tree) and node.data in ("expr_term", "object_elem_key"):
        inner = subtrees(node)
        if len(inner) != 1:
            return node
        node = inner[0]
    return node


def _function_name(node: Tree[Token]) -> str:
    names = [node_label(c) for c in node.children if isinstance(c, Tree) and c.data == "identifier"]
    return "::".join(names)


def _call_args(node: Tree[Token]) -> list[Tree[Token]]:
    args = first_tree(node, "arguments")
    return subtrees(args) if args is not None else []


# --------------------------------------------------------------------------------------
# References
# --------------------------------------------------------------------------------------

_CHAIN_NODES = {
    "get_attr_expr_term",
    "index_expr_term",
    "attr_splat_expr_term",
    "full_splat_expr_term",
    "identifier",
}


@dataclass
class _Chain:
    root: str = ""
    steps: list[str] = field(default_factory=list)
    complete: bool = True
    nested: list[Node] = field(default_factory=list)


class _References:
    """Collects traversals (``root.attr[...]``) used by an expression, in source order."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.found: dict[str, None] = {}
        self.handlers: dict[str, Callable[[Tree[Token], frozenset[str]], None]] = {
            "function_call": self.call,
            "for_tuple_expr": self.for_expr,
            "for_object_expr": self.for_expr,
            "object_elem_key": self.object_key,
            "string": self.string,
            "heredoc_template": self.heredoc,
            "heredoc_template_trim": self.heredoc,
        }

    def collect(self, node: Node) -> tuple[str, ...]:
        self.walk(node, frozenset())
        return tuple(self.found)

    def walk(self, node: Node, bound: frozenset[str]) -> None:
        if not isinstance(node, Tree):
            return
        handler = self.handlers.get(node.data)
        if handler is not None:
            handler(node, bound)
            return
        inner = _unwrap(node)
        if isinstance(inner, Tree) and inner.data in _CHAIN_NODES:
            self.chain(inner, bound)
            return
        for child in node.children:
            self.walk(child, bound)

    def call(self, node: Tree[Token], bound: frozenset[str]) -> None:
        for arg in _call_args(node):
            self.walk(arg, bound)

    def chain(self, node: Tree[Token], bound: frozenset[str]) -> None:
        chain = _Chain()
        self._build_chain(node, chain)
        if chain.root and chain.steps and chain.root not in bound:
            self.found.setdefault(chain.root + "".join(chain.steps), None)
        for nested in chain.nested:
            self.walk(nested, bound)

    def _build_chain(self, node: Node, chain: _Chain) -> None:
        inner = _unwrap(node)
        if not isinstance(inner, Tree) or inner.data not in _CHAIN_NODES:
            chain.complete = False
            chain.nested.append(node)
            return
        if inner.data == "identifier":
            chain.root = node_label(inner)
            return
        base, *operations = inner.children
        self._build_chain(base, chain)
        for operation in operations:
            self._add_step(operation, chain)

    def _add_step(self, node: Node, chain: _Chain) -> None:
        if not isinstance(node, Tree):
            return
        if node.data in ("attr_splat", "full_splat"):
            self._push(chain, "[*]" if node.data == "full_splat" else ".*")
            for operation in node.children:
                self._add_step(operation, chain)
        elif node.data == "get_attr":
            self._push(chain, "." + node_label(subtrees(node)[0]))
        elif node.data == "short_index":
            self._push(chain, f"[{node.children[-1]}]")
        elif node.data == "braces_index":
            self._index(node, chain)

    def _index(self, node: Tree[Token], chain: _Chain) -> None:
        index = subtrees(node)[0]
        key = Expr(self.source).literal(index)
        if isinstance(key, int) and not isinstance(key, bool):
            self._push(chain, f"[{key}]")
        elif isinstance(key, str):
            self._push(chain, f"[{json.dumps(key)}]")
        else:
            chain.complete = False
            chain.nested.append(index)

    @staticmethod
    def _push(chain: _Chain, step: str) -> None:
        if chain.complete:
            chain.steps.append(step)

    def for_expr(self, node: Tree[Token], bound: frozenset[str]) -> None:
        intro = first_tree(node, "for_intro")
        names = set()
        if intro is not None:
            parts = subtrees(intro)
            names = {node_label(p) for p in parts if p.data == "identifier"}
            for part in parts:
                if part.data != "identifier":
                    self.walk(part, bound)
        for child in subtrees(node):
            if child.data != "for_intro":
                self.walk(child, bound | names)

    def object_key(self, node: Tree[Token], bound: frozenset[str]) -> None:
        inner = _unwrap(node)
        if isinstance(inner, Tree) and inner.data in ("identifier", "keyword"):
            return
        for child in node.children:
            self.walk(child, bound)

    def string(self, node: Tree[Token], bound: frozenset[str]) -> None:
        scope = bound
        stack: list[frozenset[str]] = []
        for part in node.children:
            inner = part.children[0] if isinstance(part, Tree) and part.children else None
            if not isinstance(inner, Tree):
                continue
            if inner.data == "template_for_start":
                stack.append(scope)
                idents = [c for c in subtrees(inner) if c.data == "identifier"]
                scope = scope | {node_label(c) for c in idents}
                self.walk(subtrees(inner)[-1], scope)
            elif inner.data == "template_endfor":
                scope = stack.pop() if stack else bound
            else:
                self.walk(inner, scope)

    def heredoc(self, node: Tree[Token], bound: frozenset[str]) -> None:
        body, templated = _heredoc_body(str(node.children[0]))
        if not templated:
            return
        scope = bound
        for kind, text in _template_segments(body):
            if kind == "for":
                names, _, expr = text.partition(" in ")
                self._parse_and_walk(expr, scope)
                scope = scope | {n.strip() for n in names.removeprefix("for").split(",")}
            else:
                self._parse_and_walk(text, scope)

    def _parse_and_walk(self, expr: str, bound: frozenset[str]) -> None:
        source = f"x = {expr.strip()}\n"
        try:
            tree = parse_tree(source)
        except (UnexpectedInput, RecursionError):
            return
        refs = _References(source)
        refs.walk(tree, bound)
        for ref in refs.found:
            self.found.setdefault(ref, None)


def _template_segments(body: str) -> Iterator[tuple[str, str]]:
    """(kind, expression) for each ``${...}`` / ``%{ if|for ... }`` in a heredoc body."""
    text = body.replace("$${", "").replace("%%{", "")
    for match in _INTERP_START_RE.finditer(text):
        inner = _balanced(text, match.end())
        if inner is None:
            continue
        inner = inner.strip().strip("~").strip()
        if match.group(0) == "${":
            yield "expr", inner
        elif inner.startswith("if "):
            yield "expr", inner[3:]
        elif inner.startswith("for "):
            yield "for", inner


def _balanced(text: str, start: int) -> str | None:
    depth, quote = 1, False
    for pos in range(start, len(text)):
        char = text[pos]
        if quote:
            quote = not (char == '"' and text[pos - 1] != "\\")
        elif char == '"':
            quote = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return text[start:pos]
    return None
