"""A fast hand-written HCL parser that builds the same document model as python-hcl2's.

:func:`parse_document` tokenizes the text once (:mod:`tfgen.hcl.fastlex`), parses the
tokens by recursive descent with operator precedence, and builds the model exactly as
:class:`tfgen.hcl.parser.Builder` builds it from python-hcl2's lark tree: the same raw
source slices, literal values, kinds, references and positions.

python-hcl2 stays the reference.  Whatever this parser does not decide the same way for
certain (a syntax error, a construct whose reading depends on lark's parser state, text
nested deeper than python-hcl2 reads) raises :class:`Unsupported`, and the caller parses
the text with python-hcl2 instead; so an error is always python-hcl2's error.  A test
parses the golden tree and the lint corpus with both parsers and compares the documents.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable
from typing import Any

from tfgen.hcl.expressions import _heredoc_body, _References, _template_segments
from tfgen.hcl.fastlex import Unsupported, tokenize
from tfgen.hcl.model import Attribute, Block, HclDocument, HclValue, Unknown, contains_unknown
from tfgen.hcl.tree import unescape

__all__ = ["Unsupported", "parse_body", "parse_document"]

_PRECEDENCE = {
    "||": 1,
    "&&": 2,
    "==": 3,
    "!=": 3,
    "<": 4,
    ">": 4,
    "<=": 4,
    ">=": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "/": 6,
    "%": 6,
}
_KEYWORDS = frozenset({"if", "in", "for", "for_each", "else", "endif", "endfor"})
_LITERALS: dict[str, Any] = {"true": True, "false": False, "null": None}
_RESERVED = _KEYWORDS | _LITERALS.keys()
_CHAIN = frozenset({"ident", "trav"})
_LEAVES = frozenset({"NAME", "NUM", "SSTR"})
# what may continue an expression after a name, number or string
_CONTINUES = frozenset({*_PRECEDENCE, "?", ".", "[", ".*", "[*]", "(", "::", "NL"})
_KINDS = {
    "string": "template",
    "plain": "template",
    "heredoc": "template",
    "call": "call",
    "for": "for",
    "cond": "conditional",
    "tuple": "collection",
    "object": "collection",
    "ident": "reference",
    "trav": "reference",
}
# python-hcl2's builder recurses once or more per nesting level of the lark tree and
# stops near Python's recursion limit (HCL002).  Nesting is counted in about the frames
# it costs there; deeper text is left to python-hcl2, which decides as before.
DEPTH_LIMIT = 600
_NEWLINE = re.compile("\n")


class Node:
    """An expression: ``tag`` names its kind, ``start``/``end`` its source span."""

    __slots__ = ("end", "kids", "ops", "start", "tag", "text")

    def __init__(
        self,
        tag: str,
        start: int,
        end: int,
        text: str = "",
        kids: list[Node] | None = None,
        ops: list[tuple[str, Node | None]] | None = None,
    ) -> None:
        self.tag = tag
        self.start = start
        self.end = end
        self.text = text
        self.kids = kids or []
        # a traversal's steps: (".name" | "[0]" | ".*" | "[*]", None) or ("", index)
        self.ops = ops or []


def parse_document(source: str, filename: str) -> HclDocument:
    """The document of ``source`` (normalised text); raises :class:`Unsupported`."""
    attributes, blocks = parse_body(source, filename)
    return HclDocument(filename, blocks, attributes, source)


def parse_body(
    source: str, filename: str, line_offset: int = 0
) -> tuple[dict[str, Attribute], list[Block]]:
    """The top-level attributes and blocks of ``source``, a part of a file that starts at
    line ``line_offset + 1``; raises :class:`Unsupported`."""
    parser = _Parser(source, filename, line_offset)
    try:
        return parser.body("EOF")
    except (RecursionError, IndexError):
        raise Unsupported("nesting") from None


def _unwrap(node: Node) -> Node:
    while node.tag == "paren":
        node = node.kids[0]
    return node


class _Parser:
    def __init__(self, source: str, filename: str, line_offset: int = 0) -> None:
        self.source = source + "\n"  # as python-hcl2 reads it
        self.filename = filename
        self.line_offset = line_offset
        self.types, self.starts, self.ends = tokenize(self.source)
        self.i = 0
        self.depth = 0
        self.values = _Values(self.source)
        self.line_starts: list[int] | None = None
        self.last_expression: Node | None = None  # of the last attribute

    # ------------------------------------------------------------------ tokens

    def text(self, index: int) -> str:
        return self.source[self.starts[index] : self.ends[index]]

    def expect(self, kind: str) -> int:
        index = self.i
        if self.types[index] != kind:
            raise Unsupported(kind)
        self.i = index + 1
        return index

    def newlines(self) -> int:
        """Skip newlines and comments; how many."""
        types, start = self.types, self.i
        while types[self.i] == "NL":
            self.i += 1
        return self.i - start

    def deeper(self, units: int) -> None:
        self.depth += units
        if self.depth > DEPTH_LIMIT:
            raise Unsupported("nesting")

    def word(self, word: str) -> None:
        if self.types[self.i] != "NAME" or self.text(self.i) != word:
            raise Unsupported(word)
        self.i += 1

    def name(self) -> str:
        """A for-expression variable."""
        text = self.text(self.expect("NAME"))
        if text in _RESERVED:
            raise Unsupported(text)
        return text

    # ------------------------------------------------------------------ positions

    def line_of(self, pos: int) -> int:
        if self.line_starts is None:
            self.line_starts = [0, *(m.end() for m in _NEWLINE.finditer(self.source))]
        return bisect.bisect_right(self.line_starts, max(pos, 0)) + self.line_offset

    def position(self, pos: int) -> tuple[int, int]:
        line = self.line_of(pos)
        assert self.line_starts is not None
        return line, pos - self.line_starts[line - self.line_offset - 1] + 1

    # ------------------------------------------------------------------ bodies

    def body(self, closing: str) -> tuple[dict[str, Attribute], list[Block]]:
        attributes: dict[str, Attribute] = {}
        blocks: list[Block] = []
        types = self.types
        while True:
            kind = types[self.i]
            if kind == "NL":
                self.i += 1
            elif kind == closing:
                return attributes, blocks
            elif kind != "NAME":
                raise Unsupported(kind)
            elif types[self.i + 1] == "=":
                attr = self.attribute()
                if attr.name in attributes:  # python-hcl2's builder reports it
                    raise Unsupported("attribute redefined")
                attributes[attr.name] = attr
            else:
                blocks.append(self.block())

    def attribute(self) -> Attribute:
        name_index = self.i
        self.i += 2
        expr = self.expression()
        self.last_expression = expr
        value = self.values.value(expr)
        line, column = self.position(self.starts[name_index])
        end_line = self.line_of(expr.start + len(value.raw) - 1)
        return Attribute(self.text(name_index), value, line, column, max(end_line, line))

    def block(self) -> Block:
        start = self.starts[self.i]
        names = [self.text(self.i)]
        self.i += 1
        while True:
            kind = self.types[self.i]
            if kind == "NAME":
                names.append(self.text(self.i))
                self.i += 1
            elif kind in ("STR", "SSTR"):
                label = self.values.literal(self.primary())
                names.append(label if isinstance(label, str) else "")
            else:
                break
        self.newlines()
        self.expect("{")
        self.deeper(2)
        attributes, blocks = self.body("}")
        self.depth -= 2
        close = self.expect("}")
        line, column = self.position(start)
        end_line = self.line_of(self.starts[close])
        return Block(
            names[0], tuple(names[1:]), attributes, blocks, line, end_line, column, self.filename
        )

    # ------------------------------------------------------------------ expressions

    def expression(self) -> Node:
        leaf = self.leaf_expression()
        if leaf is not None:
            return leaf
        condition = self.binary(1)
        types, index = self.types, self.i
        while types[index] == "NL":
            index += 1
        if types[index] != "?":
            return condition
        if index - self.i > 1:  # python-hcl2 merges one newline into the operator only
            raise Unsupported("newlines before an operator")
        self.i = index + 1
        self.deeper(1)
        self.newlines()
        then = self.expression()
        self.newlines()
        self.expect(":")
        self.newlines()
        otherwise = self.expression()
        self.depth -= 1
        return Node("cond", condition.start, otherwise.end, kids=[condition, then, otherwise])

    def leaf_expression(self) -> Node | None:
        """A name, number or plain string that is a whole expression (most are): read
        without the descent through every precedence level."""
        types, index = self.types, self.i
        kind, following = types[index], types[index + 1]
        if kind not in _LEAVES or following in _CONTINUES:
            if following != "NL" or kind not in _LEAVES:
                return None
            after = index + 2
            while types[after] == "NL":
                after += 1
            if types[after] in _CONTINUES:
                return None
        start, end = self.starts[index], self.ends[index]
        text = self.source[start:end]
        if kind == "NAME":
            if text in _KEYWORDS:
                return None
            tag = "lit" if text in _LITERALS else "ident"
        elif kind == "NUM":
            tag = "num"
        else:
            self.i = index + 1
            return Node("plain", start, end, text[1:-1])
        self.i = index + 1
        return Node(tag, start, end, text)

    def binary(self, lowest: int) -> Node:
        left = self.unary()
        types, added = self.types, 0
        while True:
            index = self.i
            while types[index] == "NL":
                index += 1
            precedence = _PRECEDENCE.get(types[index])
            if precedence is None or precedence < lowest:
                self.depth -= added
                return left
            if index > self.i and (index - self.i > 1 or types[index] == "-"):
                raise Unsupported("newlines before an operator")
            self.i = index + 1
            self.newlines()
            right = self.binary(precedence + 1)
            left = Node("binop", left.start, right.end, kids=[left, right])
            added += 1
            self.deeper(1)

    def unary(self) -> Node:
        kind = self.types[self.i]
        if kind not in ("-", "!"):
            return self.term()
        start = self.starts[self.i]
        self.i += 1
        if self.types[self.i] == "NUM" and self.text(self.i).startswith("-"):
            raise Unsupported("signed number after a unary operator")
        self.deeper(2)
        operand = self.term()
        self.depth -= 2
        return Node("unary", start, operand.end, kind, [operand])

    def term(self) -> Node:
        base = self.primary()
        ops: list[tuple[str, Node | None]] = []
        types = self.types
        while True:
            kind = types[self.i]
            if kind == ".":
                following = types[self.i + 1]
                if following == "NAME":
                    ops.append(("." + self.text(self.i + 1), None))
                elif following == "NUM":
                    ops.append(("[" + self.text(self.i + 1) + "]", None))
                else:
                    raise Unsupported("traversal")
                self.i += 2
            elif kind == "[":
                self.i += 1
                self.deeper(3)
                self.newlines()
                index = self.expression()
                self.newlines()
                self.expect("]")
                self.depth -= 3
                ops.append(("", index))
            elif kind in (".*", "[*]"):
                ops.append((kind, None))
                self.i += 1
            else:
                break
            self.deeper(2)
        if not ops:
            return base
        self.depth -= 2 * len(ops)
        if base.tag == "num" and base.text.startswith("-"):
            raise Unsupported("traversal of a signed number")
        return Node("trav", base.start, self.ends[self.i - 1], kids=[base], ops=ops)

    def primary(self) -> Node:
        method = _PRIMARY.get(self.types[self.i])
        if method is None:
            raise Unsupported(self.types[self.i])
        return method(self)

    def leaf(self) -> Node:
        """A number or a heredoc."""
        index = self.i
        self.i += 1
        tag = "num" if self.types[index] == "NUM" else "heredoc"
        return Node(tag, self.starts[index], self.ends[index], self.text(index))

    def simple_string(self) -> Node:
        index = self.i
        self.i += 1
        start, end = self.starts[index], self.ends[index]
        return Node("plain", start, end, self.source[start + 1 : end - 1])

    def paren(self) -> Node:
        start = self.starts[self.i]
        self.i += 1
        self.deeper(1)
        self.newlines()
        inner = self.expression()
        self.newlines()
        close = self.expect(")")
        self.depth -= 1
        return Node("paren", start, self.ends[close], kids=[inner])

    def named(self) -> Node:
        index = self.i
        text = self.text(index)
        following = self.types[index + 1]
        if following in ("(", "::"):
            if text in _RESERVED:
                raise Unsupported(text)
            return self.call()
        self.i += 1
        if text in _LITERALS:
            return Node("lit", self.starts[index], self.ends[index], text)
        if text in _KEYWORDS:
            raise Unsupported(text)
        return Node("ident", self.starts[index], self.ends[index], text)

    def call(self) -> Node:
        start = self.starts[self.i]
        names = [self.text(self.expect("NAME"))]
        if self.types[self.i] == "::":
            self.i += 1
            names.append(self.name())
            self.expect("::")
            names.append(self.name())
        self.expect("(")
        self.deeper(3)
        self.newlines()
        args = self.arguments() if self.types[self.i] != ")" else []
        self.newlines()
        close = self.expect(")")
        self.depth -= 3
        return Node("call", start, self.ends[close], "::".join(names), args)

    def arguments(self) -> list[Node]:
        args = [self.expression()]
        types = self.types
        while True:
            index = self.i
            while types[index] == "NL":
                index += 1
            kind = types[index]
            if kind not in (",", "..."):
                return args
            newline_before = index > self.i
            self.i = index + 1
            if kind == ",":
                self.newlines()
                if types[self.i] != ")":
                    args.append(self.expression())
                    continue
            if newline_before:  # before a trailing comma or `...`: python-hcl2 decides
                raise Unsupported("newline before the end of the arguments")
            return args

    def tuple(self) -> Node:
        start = self.starts[self.i]
        self.i += 1
        self.deeper(3)
        self.newlines()
        if self.types[self.i] == "NAME" and self.text(self.i) == "for":
            node = self.for_expression(start, "]")
            self.depth -= 3
            return node
        items: list[Node] = []
        types = self.types
        while types[self.i] != "]":
            items.append(self.expression())
            self.newlines()
            if types[self.i] == ",":
                self.i += 1
                self.newlines()
            elif types[self.i] != "]":
                raise Unsupported(types[self.i])
        close = self.expect("]")
        self.depth -= 3
        return Node("tuple", start, self.ends[close], kids=items)

    def object(self) -> Node:
        start = self.starts[self.i]
        self.i += 1
        self.deeper(3)
        self.newlines()
        types = self.types
        if (
            types[self.i] == "NAME"
            and self.text(self.i) == "for"
            and types[self.i + 1] not in ("=", ":")
        ):
            node = self.for_expression(start, "}")
            self.depth -= 3
            return node
        items: list[Node] = []
        while types[self.i] != "}":
            items.append(self.object_key())
            if types[self.i] not in ("=", ":"):
                raise Unsupported(types[self.i])
            self.i += 1
            items.append(self.expression())
            self.newlines()
            if types[self.i] == ",":
                self.i += 1
                self.newlines()
        close = self.expect("}")
        self.depth -= 3
        return Node("object", start, self.ends[close], kids=items)

    def object_key(self) -> Node:
        index = self.i
        if self.types[index] == "NAME" and self.text(index) in _KEYWORDS:
            if self.types[index + 1] not in ("=", ":"):
                raise Unsupported("keyword")
            self.i += 1
            return Node("keyword", self.starts[index], self.ends[index], self.text(index))
        return self.expression()

    def for_expression(self, start: int, closing: str) -> Node:
        self.i += 1  # `for`
        self.newlines()
        names = [self.name()]
        if self.types[self.i] == ",":
            self.i += 1
            names.append(self.name())
            self.newlines()
        self.newlines()
        self.word("in")
        self.newlines()
        kids = [self.expression()]
        self.newlines()
        self.expect(":")
        self.newlines()
        kids.append(self.expression())
        if closing == "}":
            self.expect("=>")
            self.newlines()
            kids.append(self.expression())
            self.newlines()
            if self.types[self.i] == "...":
                self.i += 1
                self.newlines()
        self.newlines()
        if self.types[self.i] == "NAME" and self.text(self.i) == "if":
            self.i += 1
            self.newlines()
            kids.append(self.expression())
            self.newlines()
        close = self.expect(closing)
        return Node("for", start, self.ends[close], " ".join(names), kids)

    # ------------------------------------------------------------------ templates

    def string(self) -> Node:
        start = self.starts[self.i]
        self.i += 1
        parts: list[Node] = []
        types = self.types
        while True:
            kind = types[self.i]
            if kind == "CHARS":
                parts.append(Node("chars", 0, 0, self.text(self.i)))
                self.i += 1
            elif kind == "STR_END":
                self.i += 1
                return Node("string", start, self.ends[self.i - 1], kids=parts)
            elif kind == "${":
                self.i += 1
                self.deeper(4)
                parts.append(Node("interp", 0, 0, kids=[self.expression()]))
                self.expect("}")
                self.depth -= 4
            elif kind == "%{":
                self.i += 1
                self.deeper(4)
                parts.append(self.directive())
                self.depth -= 4
            else:
                raise Unsupported(kind)

    def directive(self) -> Node:
        if self.types[self.i] == "~":
            self.i += 1
        word = self.text(self.i) if self.types[self.i] == "NAME" else ""
        self.i += 1
        if word == "if":
            node = Node("if", 0, 0, kids=[self.expression()])
        elif word == "for":
            names = [self.name()]
            if self.types[self.i] == ",":
                self.i += 1
                names.append(self.name())
            self.word("in")
            node = Node("for", 0, 0, " ".join(names), [self.expression()])
        elif word in ("else", "endif", "endfor"):
            node = Node(word, 0, 0)
        else:
            raise Unsupported("directive")
        if self.types[self.i] == "~":
            self.i += 1
        self.expect("}")
        return node


class _Values:
    """Literal values, kinds and references of expressions, as :mod:`tfgen.hcl.expressions`
    computes them from lark trees."""

    def __init__(self, source: str) -> None:
        self.source = source

    def raw(self, node: Node) -> str:
        return self.source[node.start : node.end].rstrip()

    def value(self, node: Node) -> HclValue:
        raw = self.raw(node)
        partial = self.literal(node)
        found: dict[str, None] = {}
        self.walk(node, frozenset(), found)
        inner = _unwrap(node)
        kind = "literal" if not contains_unknown(partial) else _KINDS.get(inner.tag, "operation")
        if inner.tag == "call":
            args = tuple(self.value(a) for a in inner.kids)
            return HclValue(raw, kind, partial, inner.text, args, tuple(found))
        return HclValue(raw, kind, partial, "", (), tuple(found))

    def literal(self, node: Node) -> Any:
        """Python value with :class:`Unknown` for parts that are not literals."""
        inner = _unwrap(node)
        convert = _CONVERTERS.get(inner.tag)
        if convert is not None:
            result = convert(self, inner)
            if result is not _NOT_FOUND:
                return result
        return Unknown(self.raw(node))

    def number(self, node: Node) -> Any:
        text = node.text
        return float(text) if ("." in text or "e" in text or "E" in text) else int(text)

    def keyword(self, node: Node) -> Any:
        return _LITERALS[node.text]

    def string(self, node: Node) -> Any:
        if all(p.tag == "chars" for p in node.kids):
            return unescape("".join(p.text for p in node.kids))
        return _NOT_FOUND

    def plain(self, node: Node) -> Any:
        """A string without ``$`` or ``%``: only escapes to read."""
        return unescape(node.text) if "\\" in node.text else node.text

    def heredoc_text(self, node: Node) -> Any:
        body, templated = _heredoc_body(node.text)
        return _NOT_FOUND if templated else body

    def tuple(self, node: Node) -> Any:
        return [self.literal(k) for k in node.kids]

    def object(self, node: Node) -> Any:
        kids = node.kids
        return {self.key(kids[i]): self.literal(kids[i + 1]) for i in range(0, len(kids), 2)}

    def unary(self, node: Node) -> Any:
        operand = self.literal(node.kids[0])
        if node.text == "-" and isinstance(operand, int | float) and not isinstance(operand, bool):
            return -operand
        if node.text == "!" and isinstance(operand, bool):
            return not operand
        return _NOT_FOUND

    def key(self, node: Node) -> Any:
        if node.tag == "keyword":
            return node.text
        inner = _unwrap(node)
        if inner.tag == "ident":
            return inner.text
        key = self.literal(node)
        return key if isinstance(key, str | int | float | bool) else Unknown(self.raw(node))

    # ------------------------------------------------------------------ references

    def walk(self, node: Node, bound: frozenset[str], found: dict[str, None]) -> None:
        tag = node.tag
        if tag in _CHAIN:
            self.chain(node, bound, found)
        elif tag == "for":
            self.walk(node.kids[0], bound, found)
            inner = bound | set(node.text.split(" "))
            for kid in node.kids[1:]:
                self.walk(kid, inner, found)
        elif tag == "string":
            self.template(node, bound, found)
        elif tag == "heredoc":
            self.heredoc(node, bound, found)
        elif tag == "object":
            kids = node.kids
            for i in range(0, len(kids), 2):
                key = kids[i]
                if key.tag != "keyword" and _unwrap(key).tag != "ident":
                    self.walk(key, bound, found)
                self.walk(kids[i + 1], bound, found)
        else:  # call, tuple, paren, binop, unary, cond; literals have no kids
            for kid in node.kids:
                self.walk(kid, bound, found)

    def chain(self, node: Node, bound: frozenset[str], found: dict[str, None]) -> None:
        steps: list[str] = []
        nested: list[Node] = []
        root = self.build_chain(node, steps, nested)
        if root and steps and root not in bound:
            found.setdefault(root + "".join(steps), None)
        for expr in nested:
            self.walk(expr, bound, found)

    def build_chain(self, node: Node, steps: list[str], nested: list[Node]) -> str:
        """The root name of a traversal; its steps while they are known, and the
        expressions it uses (a computed base or index) into ``nested``."""
        inner = _unwrap(node)
        if inner.tag == "ident":
            return inner.text
        if inner.tag != "trav":
            nested.append(node)
            return ""
        root = self.build_chain(inner.kids[0], steps, nested)
        complete = not nested
        for written, index in inner.ops:
            step = written
            if index is not None:
                step = self.index_step(index)
                if not step:
                    complete = False
                    nested.append(index)
            if complete:
                steps.append(step)
        return root

    def index_step(self, index: Node) -> str:
        key = self.literal(index)
        if isinstance(key, int) and not isinstance(key, bool):
            return f"[{key}]"
        if isinstance(key, str):
            return f"[{json.dumps(key)}]"
        return ""

    def template(self, node: Node, bound: frozenset[str], found: dict[str, None]) -> None:
        scope = bound
        stack: list[frozenset[str]] = []
        for part in node.kids:
            tag = part.tag
            if tag == "for":
                stack.append(scope)
                scope = scope | set(part.text.split(" "))
                self.walk(part.kids[0], scope, found)
            elif tag == "endfor":
                scope = stack.pop() if stack else bound
            elif tag in ("interp", "if"):
                self.walk(part.kids[0], scope, found)

    def heredoc(self, node: Node, bound: frozenset[str], found: dict[str, None]) -> None:
        body, templated = _heredoc_body(node.text)
        if not templated:
            return
        scope = bound
        for kind, text in _template_segments(body):
            if kind == "for":
                names, _, expr = text.partition(" in ")
                _snippet_references(expr, scope, found)
                scope = scope | {n.strip() for n in names.removeprefix("for").split(",")}
            else:
                _snippet_references(text, scope, found)


_NOT_FOUND: Any = object()
_PRIMARY: dict[str, Callable[[_Parser], Node]] = {
    "NAME": _Parser.named,
    "NUM": _Parser.leaf,
    "HEREDOC": _Parser.leaf,
    "STR": _Parser.string,
    "SSTR": _Parser.simple_string,
    "(": _Parser.paren,
    "[": _Parser.tuple,
    "{": _Parser.object,
}
_CONVERTERS: dict[str, Callable[[_Values, Node], Any]] = {
    "num": _Values.number,
    "lit": _Values.keyword,
    "string": _Values.string,
    "plain": _Values.plain,
    "heredoc": _Values.heredoc_text,
    "tuple": _Values.tuple,
    "object": _Values.object,
    "unary": _Values.unary,
}


def _snippet_references(expr: str, bound: frozenset[str], found: dict[str, None]) -> None:
    """References of an expression of a heredoc template, read as ``x = <expr>``."""
    source = f"x = {expr.strip()}\n"
    try:
        parser = _Parser(source, "")
        attributes, blocks = parser.body("EOF")
        if len(attributes) != 1 or blocks or parser.last_expression is None:
            raise Unsupported("not one attribute")
        parser.values.walk(parser.last_expression, bound, found)
    except (Unsupported, RecursionError, IndexError):
        lark = _References(source)
        lark._parse_and_walk(expr, bound)
        for ref in lark.found:
            found.setdefault(ref, None)
