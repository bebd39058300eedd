"""Parsing Terraform text into the document model.

The fast parser (:mod:`tfgen.hcl.fast`) reads the text first; what it does not decide
(syntax errors included) is parsed with python-hcl2's grammar, which stays the reference.
With python-hcl2, large files are parsed in pieces split after top-level blocks (linear
time, small memory).  Parsed documents are cached by content.
"""

from __future__ import annotations

import bisect
import contextlib
import contextvars
import functools
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Literal

from lark import Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from tfgen.hcl import fast
from tfgen.hcl.errors import HclSyntaxError, HclTooDeep
from tfgen.hcl.expressions import Expr
from tfgen.hcl.model import Attribute, Block, HclDocument
from tfgen.hcl.tree import first_tree, node_end, node_label, node_start, parse_tree, subtrees
from tfgen.memory import collector_paused

Engine = Literal["fast", "lark"]


def parse_hcl(text: str, filename: str, engine: Engine = "fast") -> HclDocument:
    """Parse Terraform text; raises :class:`HclSyntaxError` on invalid syntax.

    ``engine``: ``fast`` reads the text with :mod:`tfgen.hcl.fast` and leaves what it
    does not decide (syntax errors included) to python-hcl2's parser; ``lark`` always
    uses python-hcl2's parser.  Both build the same document.

    Documents are cached by (text, filename, engine): the layers that run after each
    other parse the same file once.  The document model is never modified by its users.
    """
    return _parse_document(normalise(text), filename, engine)


# Documents kept for the layers that parse the same files after each other: a tree with
# more files than this would be parsed once per layer.
DOCUMENTS_KEPT = 8192


def check_syntax(text: str, filename: str, engine: Engine = "fast") -> None:
    """Parse as :func:`parse_hcl` does; raises :class:`HclSyntaxError`.

    The document is cached, so a later :func:`parse_hcl` of the same text is free.
    """
    _parse_document(normalise(text), filename, engine)


# Documents parsed ahead (in worker processes, see :mod:`tfgen.hcl.parallel`), handed to
# the cache below on their first use.
_PARSED_AHEAD: dict[tuple[str, str], HclDocument] = {}


def parsed_ahead(documents: list[HclDocument]) -> None:
    """Documents the next :func:`parse_hcl` of their text and file name returns."""
    _PARSED_AHEAD.clear()
    _PARSED_AHEAD.update(((d.source, d.filename), d) for d in documents)


@functools.lru_cache(maxsize=DOCUMENTS_KEPT)
def _parse_document(source: str, filename: str, engine: Engine = "fast") -> HclDocument:
    ahead = _PARSED_AHEAD.pop((source, filename), None)
    if ahead is not None:
        return ahead
    if engine == "fast":
        with collector_paused():
            try:
                document = fast.parse_document(source, filename)
            except fast.Unsupported:
                pass  # python-hcl2 decides, and reports the errors
            else:
                if (on_piece := _ON_PIECE.get()) is not None:
                    on_piece(len(source))  # the whole text is one piece
                return document
    return _lark_document(source, filename)


def _lark_document(source: str, filename: str) -> HclDocument:
    attributes: dict[str, Attribute] = {}
    blocks: list[Block] = []
    with collector_paused():
        for line_offset, piece in _pieces(source):
            builder = Builder(piece, filename, line_offset)
            try:
                body = first_tree(parse_tree(piece), "body")
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


def candidate_pieces(source: str) -> list[tuple[int, str]]:
    """(line offset, text) of the pieces :func:`_pieces` tries, before any is parsed."""
    pieces, start, line = [], 0, 0
    for end in [*_split_points(source), len(source)]:
        piece = source[start:end]
        pieces.append((line, piece))
        line += piece.count("\n")
        start = end
    return pieces


def _split_points(source: str) -> Iterator[int]:
    last = 0
    for match in _TOP_LEVEL_END.finditer(source):
        if match.end() - last >= PIECE_SIZE and match.end() < len(source):
            last = match.end()
            yield last


def _parses(piece: str) -> bool:
    try:
        parse_tree(piece)
    except (UnexpectedInput, RecursionError):
        return False
    return True


def parse_file(path: str | Path) -> HclDocument:
    file = Path(path)
    return parse_hcl(file.read_text(encoding="utf-8-sig"), str(file))


def parse_module(directory: str | Path) -> list[HclDocument]:
    """All ``*.tf`` files of one module directory, in file-name order."""
    return [parse_file(p) for p in sorted(Path(directory).glob("*.tf")) if p.is_file()]


def normalise(text: str) -> str:
    """The text as the parser reads it: no byte-order mark, ``\\n`` line ends."""
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


class Builder:
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
        for child in subtrees(body):
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
        for child in subtrees(node):
            if child.data == "body":
                body = child
            else:
                names.append(node_label(child))
        attributes, blocks = self.body(body) if body is not None else ({}, [])
        _, line, column = node_start(node)
        end_line = self.line_of(node_end(node) - 1)
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
        name_node, expr = subtrees(node)[0], subtrees(node)[-1]
        _, line, column = node_start(node)
        line += self.line_offset
        value = Expr(self.source).value(expr)
        end_line = self.line_of(node_start(expr)[0] + len(value.raw) - 1)
        return Attribute(node_label(name_node), value, line, column, max(end_line, line))

    def line_of(self, pos: int) -> int:
        """The (file) line of a position in ``source``."""
        if self._line_starts is None:  # built once: counting per node is quadratic
            self._line_starts = [0, *(m.end() for m in _NEWLINE.finditer(self.source))]
        return bisect.bisect_right(self._line_starts, max(pos, 0)) + self.line_offset


_NEWLINE = re.compile("\n")
