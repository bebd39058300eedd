"""The tokenizer of the fast HCL parser: one compiled pattern per lexer mode.

It splits text into the tokens python-hcl2's grammar (``hcl2.lark``) sees, with the same
terminal patterns: names may contain ``-``, a newline or a comment is one token per line
(``NL``), a heredoc is a single token that ends after the newline of its closing marker,
and a quoted string is split into its characters and ``${``/``%{`` template sequences.
What the lark grammar lexes by parser state (a ``-`` before digits) and what it never
accepts is reported as :class:`Unsupported` rather than guessed.
"""

from __future__ import annotations

import re


class Unsupported(Exception):
    """The fast parser does not decide this text: python-hcl2's parser must."""


# Expression mode: blanks, then one token.  The order of the alternatives is lark's order
# (longest terminals first).
_EXPR = re.compile(
    r"""[ \t\r]*(?:
    (?P<nl>\n[ \t]*|\#[^\n]*\n|//[^\n]*\n|/\*[\s\S]*?\*/)
    |(?P<name>[A-Za-z_][A-Za-z0-9_-]*)
    |(?P<punct>\.\.\.|\.\*|\[\*\]|==|!=|<=|>=|&&|\|\||=>|::|[+*/%>!?(){}\[\],.=:~]|<(?!<)|-(?![0-9]))
    |(?P<num>-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
    |(?P<sstr>"(?:[^"\\$%\n]|\\[^\n])*")
    |(?P<quote>")
    |(?P<heredoc><<)
    )""",
    re.VERBOSE,
)
# String mode: escaped template sequences, characters, template starts, the closing quote.
_STRING = re.compile(
    r"""(?P<esc>\$\$\{[^}]*\}|%%\{[^}]*\})
    |(?P<chars>(?:(?!\$\$\{)(?!\$\{)(?!%%\{)(?!%\{)[^"\\]|\\.|(?:\$(?!\$?\{))|(?:%(?!%?\{)))+)
    |(?P<start>\$\{|%\{)
    |(?P<quote>")
    """,
    re.VERBOSE,
)
_HEREDOC = re.compile(
    r"<<(?P<heredoc>[a-zA-Z][a-zA-Z0-9._-]*)\r?\n(?:[\s\S]*?\r?\n)??\s*(?P=heredoc)\r?\n"
)
_HEREDOC_TRIM = re.compile(
    r"<<-(?P<heredoc_trim>[a-zA-Z][a-zA-Z0-9._-]*)\r?\n(?:[\s\S]*?\r?\n)??\s*(?P=heredoc_trim)\r?\n"
)
_DIGITS = re.compile(r"[0-9]+")

# Tokens after which a ``-`` is a binary minus: lark may lex ``-12`` there as a number.
_OPERAND_END = frozenset({"NAME", "NUM", ")", "]", "}", "STR_END", "HEREDOC", "[*]", ".*"})

Tokens = tuple[list[str], list[int], list[int]]


def tokenize(source: str) -> Tokens:
    """(types, starts, ends) of the tokens of ``source``, ending with ``EOF``.

    Types: ``NAME``, ``NUM``, ``NL``, ``HEREDOC``, ``SSTR`` (a quoted string without
    ``$`` or ``%``), ``STR`` (the opening quote of another string), ``STR_END``,
    ``CHARS`` (string text, escapes included), ``${``, ``%{`` and the punctuation itself
    (``{``, ``==``, ``...``).
    """
    types: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    # modes: "E" expression, "B" inside { }, "T" inside ${ } / %{ }, "S" inside a string
    stack = ["E"]
    pos, size = 0, len(source)
    while pos < size:
        if stack[-1] == "S":
            kind, start, pos = _string_token(source, pos, stack)
            types.append(kind)
            starts.append(start)
            ends.append(pos)
        else:
            pos = _expression_tokens(source, pos, stack, (types, starts, ends))
    types.append("EOF")
    starts.append(size)
    ends.append(size)
    return types, starts, ends


def _expression_tokens(source: str, pos: int, stack: list[str], tokens: Tokens) -> int:
    """Append the tokens from ``pos`` on, until a string starts or resumes; the position
    where the scan stopped."""
    types, starts, ends = tokens
    for match in _EXPR.finditer(source, pos):
        if match.start() != pos:  # a character no token starts with
            raise Unsupported("character")
        group = match.lastgroup or ""
        if group == "name":
            kind = "NAME"
        elif group == "nl":
            kind = "NL"
        elif group != "punct" or (kind := match.group(group)) in "{}":
            kind, token = _other_token(source, match, group, types, stack)
            if token is not match or stack[-1] == "S":  # the scan must start again
                types.append(kind)
                starts.append(match.start(group))
                ends.append(token.end())
                return token.end()
        types.append(kind)
        starts.append(match.start(group))
        pos = match.end()
        ends.append(pos)
    if source[pos:].strip(" \t\r"):
        raise Unsupported("character")
    return len(source)


def _string_token(source: str, pos: int, stack: list[str]) -> tuple[str, int, int]:
    """(type, start, end) of the token at ``pos`` inside a quoted string."""
    match = _STRING.match(source, pos)
    if match is None:
        raise Unsupported("string")
    kind = match.lastgroup
    if kind == "quote":
        stack.pop()
        return "STR_END", pos, match.end()
    if kind == "start":
        stack.append("T")
        return match.group(), pos, match.end()
    return "CHARS", pos, match.end()


def _other_token(
    source: str, match: re.Match[str], group: str, types: list[str], stack: list[str]
) -> tuple[str, re.Match[str]]:
    """Braces (which change the mode), numbers, quotes and heredocs."""
    if group == "punct":
        brace = match.group(group)
        if brace == "{":
            stack.append("B")
        elif len(stack) > 1:  # a closing brace; one too many is the parser's to reject
            stack.pop()
        return brace, match
    if group == "num":
        return _number(source, match, types[-1] if types else "")
    if group == "sstr":  # a whole string without template characters: one token
        return "SSTR", match
    if group == "quote":
        stack.append("S")
        return "STR", match
    heredoc = _HEREDOC.match(source, match.start(group)) or _HEREDOC_TRIM.match(
        source, match.start(group)
    )
    if heredoc is None:
        raise Unsupported("heredoc")
    return "HEREDOC", heredoc


def _number(source: str, match: re.Match[str], previous: str) -> tuple[str, re.Match[str]]:
    text = match.group("num")
    if text.startswith("-") and previous in _OPERAND_END:
        raise Unsupported("a minus before digits after an operand")
    if previous == "." and not text.isdigit():  # a short index: `.0`, never a float
        digits = _DIGITS.match(source, match.start("num"))
        if digits is None:
            raise Unsupported("index")
        return "NUM", digits
    return "NUM", match
