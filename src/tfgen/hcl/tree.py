"""python-hcl2's grammar as a lark parser, and what the document builder needs from its
trees: node positions (from their tokens), labels and string literals."""

from __future__ import annotations

import functools
import re
from typing import TypeAlias

import hcl2.parser
from hcl2.postlexer import PostLexer
from lark import Lark, Token, Tree

Node: TypeAlias = "Tree[Token] | Token"


@functools.lru_cache(maxsize=8)
def parse_tree(source: str) -> Tree[Token]:
    """The lark tree of a text (cached for the piece that is parsed right after the
    split check; the tree is never modified)."""
    # python-hcl2 appends a newline too (lark has no end-of-file token for the grammar)
    tree: Tree[Token] = lark_parser().parse(source + "\n")
    return tree


@functools.cache
def lark_parser() -> Lark:
    """python-hcl2's grammar and post-lexer, without ``propagate_positions``: every token
    carries its position already, and copying positions into every tree node doubled the
    cost of a parse.  Node positions come from their first and last tokens."""
    return Lark.open(
        "hcl2.lark",
        rel_to=hcl2.parser.__file__,
        parser="lalr",
        propagate_positions=False,
        postlex=PostLexer(),
        cache=True,
    )


def first_tree(node: Node, data: str) -> Tree[Token] | None:
    if isinstance(node, Tree):
        for child in node.children:
            if isinstance(child, Tree) and child.data == data:
                return child
    return None


def subtrees(node: Tree[Token]) -> list[Tree[Token]]:
    return [c for c in node.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]


def node_start(node: Node) -> tuple[int, int, int]:
    """(start_pos, line, column) of a node: those of its first token."""
    token = _first_token(node)
    if token is None:  # an empty body: no text of its own
        return 0, 0, 0
    return token.start_pos or 0, token.line or 0, token.column or 0


def _first_token(node: Node) -> Token | None:
    if isinstance(node, Token):
        return node
    for child in node.children:
        token = _first_token(child)
        if token is not None:
            return token
    return None


def node_end(node: Node) -> int:
    """End of the node's last token, ignoring trailing newlines and comments."""
    if isinstance(node, Token):
        return node.end_pos or 0
    for child in reversed(node.children):
        if isinstance(child, Token) or child.data != "new_line_or_comment":
            return node_end(child)
    last = node.children[-1] if node.children else None
    return node_end(last) if last is not None else 0


def node_label(node: Tree[Token]) -> str:
    """Block type, block label or attribute name (identifier, keyword or quoted string)."""
    if node.data == "string":
        return string_literal(node) or ""
    return "".join(str(t) for t in node.scan_values(lambda v: isinstance(v, Token)))


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_ESCAPE_RE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.DOTALL)


def unescape(text: str) -> str:
    def repl(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in "uU" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _ESCAPES.get(code, "\\" + code)

    return _ESCAPE_RE.sub(repl, text).replace("$${", "${").replace("%%{", "%{")


def string_literal(node: Tree[Token]) -> str | None:
    """The value of a quoted string without interpolation or directives, else None."""
    parts: list[str] = []
    for part in node.children:
        if not isinstance(part, Tree):
            continue
        inner = part.children[0] if part.children else ""
        if isinstance(inner, Tree):
            return None
        parts.append(str(inner))
    return unescape("".join(parts))
