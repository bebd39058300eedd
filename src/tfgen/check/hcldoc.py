"""A positioned document model of Terraform text (``.tf`` / ``.tfvars``).

Parsing uses python-hcl2's grammar and post-lexer (a lark LALR parser; positions come
from the tokens), so every block and attribute knows its 1-based line and column.
Attribute values are kept twice: the raw source text of the expression and, when the
expression is a literal, the Python value (``str`` without quotes, ``int``,
``float``, ``bool``, ``None``, ``list``, ``dict``; recursively).  Non-literal parts of
a collection appear as :class:`Unknown` in :attr:`HclValue.partial`, so rules can look
inside ``jsonencode({...})`` even when one leaf is ``aws_s3_bucket.b.arn``.
"""

from __future__ import annotations

import bisect
import contextlib
import contextvars
import functools
import gc
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias

import hcl2.parser
from hcl2.postlexer import PostLexer
from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from tfgen.errors import Location, Problem, UserError

Node: TypeAlias = "Tree[Token] | Token"

# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------


class HclSyntaxError(UserError):
    """The text is not valid HCL; carries the first error's position (1-based)."""

    code = "HCL001"
    hint = "fix the HCL syntax at this position"

    def __init__(self, filename: str, line: int, column: int, message: str) -> None:
        self.filename = filename
        self.line = line
        self.column = column
        self.message = message
        location = Location(filename, line, column)
        problem = Problem(self.code, self.headline(message), location, self.hint)
        super().__init__([problem])

    @staticmethod
    def headline(message: str) -> str:
        return f"invalid HCL: {message}"


class HclTooDeep(HclSyntaxError):
    """An expression nests deeper than python-hcl2 can read (Python's recursion limit,
    near 300 levels).  Terraform itself reads it: this is a limit of tfgen, not an error
    in the file."""

    code = "HCL002"
    hint = (
        "terraform accepts this file, tfgen cannot check it; move parts of the expression "
        "into locals to have it checked"
    )
    MESSAGE = "expression nested too deeply for tfgen's HCL parser (python-hcl2)"

    def __init__(self, filename: str, line: int = 1) -> None:
        super().__init__(filename, line, 1, self.MESSAGE)

    @staticmethod
    def headline(message: str) -> str:
        return message


# --------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unknown:
    """A sub-expression whose value is not known statically (its source text)."""

    raw: str

    def __str__(self) -> str:
        return self.raw


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


# --------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------


def parse_hcl(text: str, filename: str) -> HclDocument:
    """Parse Terraform text; raises :class:`HclSyntaxError` on invalid syntax.

    Documents are cached by (text, filename): the layers that run after each other parse
    the same file once.  The document model is never modified by its users.
    """
    return _parse_document(_normalise(text), filename)


# Documents kept for the layers that parse the same files after each other: a tree with
# more files than this would be parsed once per layer.
DOCUMENTS_KEPT = 8192


def check_syntax(text: str, filename: str) -> None:
    """Parse with python-hcl2's grammar; raises :class:`HclSyntaxError`.

    The document is cached, so a later :func:`parse_hcl` of the same text is free.
    """
    _parse_document(_normalise(text), filename)


@functools.lru_cache(maxsize=DOCUMENTS_KEPT)
def _parse_document(source: str, filename: str) -> HclDocument:
    attributes: dict[str, Attribute] = {}
    blocks: list[Block] = []
    with _collector_paused():
        for line_offset, piece in _pieces(source):
            builder = _Builder(piece, filename, line_offset)
            try:
                body = _first_tree(_parse_tree(piece), "body")
                piece_attributes, piece_blocks = (
                    builder.body(body, attributes) if body is not None else ({}, [])
                )
            except UnexpectedInput as exc:
                line, column = _error_position(exc, piece)
                message = _error_message(exc)
                raise HclSyntaxError(filename, line + line_offset, column, message) from None
            except RecursionError:
                raise HclTooDeep(filename, line_offset + 1) from None
            attributes.update(piece_attributes)
            blocks += piece_blocks
            if (on_piece := _ON_PIECE.get()) is not None:
                on_piece(len(piece))
    return HclDocument(filename, blocks, attributes, source)


_ON_PIECE: contextvars.ContextVar[Callable[[int], None] | None] = contextvars.ContextVar(
    "on_piece", default=None
)


@contextlib.contextmanager
def piece_progress(callback: Callable[[int], None]) -> Iterator[None]:
    """Call ``callback`` with the size of each piece parsed (for a progress display)."""
    token = _ON_PIECE.set(callback)
    try:
        yield
    finally:
        _ON_PIECE.reset(token)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a parse allocates millions of tree nodes:
    its full collections rescan the whole heap and make large files superlinear (lark
    trees hold no reference cycles, and a cycle made meanwhile is collected later)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# A top-level block ends with a closing brace in the first column, followed by another
# top-level item (a name or a comment) or the end of the text.
_TOP_LEVEL_END = re.compile(r"^\}[ \t]*\n(?=[ \t\n]*(?:[A-Za-z_#]|//|/\*|\Z))", re.MULTILINE)
PIECE_SIZE = 16 * 1024


def _pieces(source: str) -> Iterator[tuple[int, str]]:
    """(line offset, text) of consecutive parts of ``source``, split after
    top-level blocks into pieces of about :data:`PIECE_SIZE` characters.

    Parsing pieces instead of a whole large file keeps the parse linear and its memory
    small.  A split point is only a guess (a ``}`` in the first column may be inside a
    heredoc or a comment): a piece that does not parse on its own is parsed again
    together with the rest of the text, which is exactly what a whole-text parse sees.
    """
    start, line = 0, 0
    for end in _split_points(source):
        piece = source[start:end]
        if not _parses(piece):
            break
        yield line, piece
        line += piece.count("\n")
        start = end
    yield line, source[start:]


def _split_points(source: str) -> Iterator[int]:
    last = 0
    for match in _TOP_LEVEL_END.finditer(source):
        if match.end() - last >= PIECE_SIZE and match.end() < len(source):
            last = match.end()
            yield last


def _parses(piece: str) -> bool:
    try:
        _parse_tree(piece)
    except (UnexpectedInput, RecursionError):
        return False
    return True


@functools.lru_cache(maxsize=8)
def _parse_tree(source: str) -> Tree[Token]:
    """The lark tree of a text (cached for the piece that is parsed right after the
    split check; the tree is never modified)."""
    # python-hcl2 appends a newline too (lark has no end-of-file token for the grammar)
    tree: Tree[Token] = _parser().parse(source + "\n")
    return tree


@functools.cache
def _parser() -> Lark:
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


def parse_file(path: str | Path) -> HclDocument:
    file = Path(path)
    return parse_hcl(file.read_text(encoding="utf-8-sig"), str(file))


def parse_module(directory: str | Path) -> list[HclDocument]:
    """All ``*.tf`` files of one module directory, in file-name order."""
    return [parse_file(p) for p in sorted(Path(directory).glob("*.tf")) if p.is_file()]


def _normalise(text: str) -> str:
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def _error_position(exc: UnexpectedInput, source: str) -> tuple[int, int]:
    line, column = getattr(exc, "line", -1), getattr(exc, "column", -1)
    if isinstance(line, int) and isinstance(column, int) and line > 0 and column > 0:
        return line, column
    lines = source.split("\n")
    return len(lines), len(lines[-1]) + 1


def _error_message(exc: UnexpectedInput) -> str:
    if isinstance(exc, UnexpectedCharacters):
        return f"unexpected character {exc.char!r}"
    if isinstance(exc, UnexpectedEOF):
        return "unexpected end of file (unclosed block, bracket or string?)"
    if isinstance(exc, UnexpectedToken):
        token = exc.token
        if token.type == "$END":
            return "unexpected end of file (unclosed block, bracket or string?)"
        shown = str(token).strip().splitlines()[0] if str(token).strip() else "newline"
        return f"unexpected {shown[:40]!r}"
    return "syntax error"


def _first_tree(node: Node, data: str) -> Tree[Token] | None:
    if isinstance(node, Tree):
        for child in node.children:
            if isinstance(child, Tree) and child.data == data:
                return child
    return None


def _trees(node: Tree[Token]) -> list[Tree[Token]]:
    return [c for c in node.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]


def _start(node: Node) -> tuple[int, int, int]:
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


def _end_pos(node: Node) -> int:
    """End of the node's last token, ignoring trailing newlines and comments."""
    if isinstance(node, Token):
        return node.end_pos or 0
    for child in reversed(node.children):
        if isinstance(child, Token) or child.data != "new_line_or_comment":
            return _end_pos(child)
    last = node.children[-1] if node.children else None
    return _end_pos(last) if last is not None else 0


class _Builder:
    """Turns lark ``body``/``block``/``attribute`` trees into the document model.

    ``source`` may be a part of a file that starts at line ``line_offset + 1``.
    """

    _line_starts: list[int] | None = None

    def __init__(self, source: str, filename: str, line_offset: int = 0) -> None:
        self.source = source
        self.filename = filename
        self.line_offset = line_offset

    def body(
        self, body: Tree[Token], outer: dict[str, Attribute] | None = None
    ) -> tuple[dict[str, Attribute], list[Block]]:
        """The attributes and blocks of a body (``outer``: attributes of the same body
        already read from an earlier part of the file)."""
        attributes: dict[str, Attribute] = {}
        blocks: list[Block] = []
        for child in _trees(body):
            if child.data == "attribute":
                attr = self.attribute(child)
                first = attributes.get(attr.name) or (outer or {}).get(attr.name)
                if first is not None:
                    message = (
                        f"attribute {attr.name!r} redefined (first defined on line {first.line})"
                    )
                    raise HclSyntaxError(self.filename, attr.line, attr.column, message)
                attributes[attr.name] = attr
            elif child.data == "block":
                blocks.append(self.block(child))
        return attributes, blocks

    def block(self, node: Tree[Token]) -> Block:
        names: list[str] = []
        body: Tree[Token] | None = None
        for child in _trees(node):
            if child.data == "body":
                body = child
            else:
                names.append(_label(child))
        attributes, blocks = self.body(body) if body is not None else ({}, [])
        _, line, column = _start(node)
        end_line = self.line_of(_end_pos(node) - 1)
        return Block(
            names[0],
            tuple(names[1:]),
            attributes,
            blocks,
            line + self.line_offset,
            end_line,
            column,
            self.filename,
        )

    def attribute(self, node: Tree[Token]) -> Attribute:
        name_node, expr = _trees(node)[0], _trees(node)[-1]
        _, line, column = _start(node)
        line += self.line_offset
        value = _Expr(self.source).value(expr)
        end_line = self.line_of(_start(expr)[0] + len(value.raw) - 1)
        return Attribute(_label(name_node), value, line, column, max(end_line, line))

    def line_of(self, pos: int) -> int:
        """The (file) line of a position in ``source``."""
        if self._line_starts is None:  # built once: counting per node is quadratic
            self._line_starts = [0, *(m.end() for m in _NEWLINE.finditer(self.source))]
        return bisect.bisect_right(self._line_starts, max(pos, 0)) + self.line_offset


_NEWLINE = re.compile("\n")


def _label(node: Tree[Token]) -> str:
    """Block type, block label or attribute name (identifier, keyword or quoted string)."""
    if node.data == "string":
        return _string_literal(node) or ""
    return "".join(str(t) for t in node.scan_values(lambda v: isinstance(v, Token)))


# --------------------------------------------------------------------------------------
# Expressions
# --------------------------------------------------------------------------------------

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_ESCAPE_RE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.DOTALL)
_DIRECTIVE_PARTS = {
    "template_if_start",
    "template_else",
    "template_endif",
    "template_for_start",
    "template_endfor",
    "interpolation",
}


def _unescape(text: str) -> str:
    def repl(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in "uU" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _ESCAPES.get(code, "\\" + code)

    return _ESCAPE_RE.sub(repl, text).replace("$${", "${").replace("%%{", "%{")


def _string_literal(node: Tree[Token]) -> str | None:
    """The value of a quoted string without interpolation or directives, else None."""
    parts: list[str] = []
    for part in node.children:
        if not isinstance(part, Tree):
            continue
        inner = part.children[0] if part.children else ""
        if isinstance(inner, Tree):
            return None
        parts.append(str(inner))
    return _unescape("".join(parts))


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


class _Expr:
    """Evaluates literal parts of an expression and collects its references."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.converters: dict[str, Callable[[Tree[Token]], Any]] = {
            "int_lit": lambda n: int(str(n.children[0])),
            "float_lit": lambda n: float(str(n.children[0])),
            "literal_value": lambda n: _KEYWORD_VALUES[str(n.children[0])],
            "string": self._string,
            "tuple": lambda n: [self.literal(c) for c in _trees(n)],
            "object": self._object,
            "unary_op": self._unary,
            "heredoc_template": self._heredoc,
            "heredoc_template_trim": self._heredoc,
        }

    def raw(self, node: Node) -> str:
        start = _start(node)[0]
        return self.source[start : _end_pos(node)].rstrip()

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
        if not _contains_unknown(partial):
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
        text = _string_literal(node)
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
        for elem in _trees(node):
            key_node, value_node = _trees(elem)[0], _trees(elem)[-1]
            result[self._key(key_node)] = self.literal(value_node)
        return result

    def _key(self, key_node: Tree[Token]) -> Any:
        inner = _unwrap(key_node.children[0])
        if isinstance(inner, Tree) and inner.data in ("identifier", "keyword"):
            return _label(inner)
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
        inner = _trees(node)
        if len(inner) != 1:
            return node
        node = inner[0]
    return node


def _contains_unknown(value: Any) -> bool:
    if isinstance(value, Unknown):
        return True
    if isinstance(value, list):
        return any(_contains_unknown(v) for v in value)
    if isinstance(value, dict):
        return any(_contains_unknown(k) or _contains_unknown(v) for k, v in value.items())
    return False


def _function_name(node: Tree[Token]) -> str:
    names = [_label(c) for c in node.children if isinstance(c, Tree) and c.data == "identifier"]
    return "::".join(names)


def _call_args(node: Tree[Token]) -> list[Tree[Token]]:
    args = _first_tree(node, "arguments")
    return _trees(args) if args is not None else []


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
            chain.root = _label(inner)
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
            self._push(chain, "." + _label(_trees(node)[0]))
        elif node.data == "short_index":
            self._push(chain, f"[{node.children[-1]}]")
        elif node.data == "braces_index":
            self._index(node, chain)

    def _index(self, node: Tree[Token], chain: _Chain) -> None:
        index = _trees(node)[0]
        key = _Expr(self.source).literal(index)
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
        intro = _first_tree(node, "for_intro")
        names = set()
        if intro is not None:
            parts = _trees(intro)
            names = {_label(p) for p in parts if p.data == "identifier"}
            for part in parts:
                if part.data != "identifier":
                    self.walk(part, bound)
        for child in _trees(node):
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
                idents = [c for c in _trees(inner) if c.data == "identifier"]
                scope = scope | {_label(c) for c in idents}
                self.walk(_trees(inner)[-1], scope)
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
            tree = _parse_tree(source)
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


def referenced_address(reference: str) -> str:
    """The object a traversal refers to: ``aws_lb.main[0].arn`` -> ``aws_lb.main``,
    ``data.x.y.id`` -> ``data.x.y``, ``module.m.out`` -> ``module.m``, ``var.v`` ->
    ``var.v``."""
    parts = re.split(r"\.|\[", reference.replace(".*", "[*]"))
    width = {"data": 3, "ephemeral": 3}.get(parts[0], 2)
    return ".".join(p for p in parts[:width] if not p.endswith("]"))
