"""The fast HCL parser (tfgen.hcl.fast) builds exactly python-hcl2's document model.

python-hcl2 (``engine="lark"``) is the reference: every comparison parses the same text
with both and asserts the documents are equal (dataclass equality: blocks, attributes,
raw text, literal values, kinds, references, positions).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tfgen.hcl import HclDocument, HclSyntaxError, HclTooDeep, fast, parse_hcl
from tfgen.hcl import parser as hcl_parser
from tfgen.hcl.parser import normalise

REPO = Path(__file__).resolve().parents[2]
TREES = [REPO / "generated", REPO / "tests" / "corpus" / "lint"]
SUFFIXES = (".tf", ".tfvars", ".tfbackend")


def reference(text: str, name: str = "main.tf") -> HclDocument | tuple[int, int, str]:
    """python-hcl2's document, or its error (line, column, message)."""
    hcl_parser._parse_document.cache_clear()
    try:
        return parse_hcl(text, name, engine="lark")
    except HclSyntaxError as exc:
        return exc.line, exc.column, exc.message


def fast_document(text: str, name: str = "main.tf") -> HclDocument:
    return fast.parse_document(normalise(text), name)


def tree_files() -> list[Path]:
    return [p for tree in TREES for p in sorted(tree.rglob("*")) if p.name.endswith(SUFFIXES)]


def test_both_parsers_build_the_same_documents_for_the_golden_tree_and_corpus() -> None:
    files = tree_files()
    parsed = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        expected = reference(text, str(path))
        if isinstance(expected, tuple):  # a corpus file that must not parse
            with pytest.raises(fast.Unsupported):
                fast_document(text, str(path))
            continue
        assert fast_document(text, str(path)) == expected, path
        parsed += 1
    assert parsed > 70
    assert any(p.suffix == ".tfvars" for p in files)


TRICKY = {
    "heredocs": (
        "a = <<EOT\nline ${var.x} and $${literal}\n  %{ if var.y }yes%{ endif }\nEOT\n"
        "b = <<-EOT\n    indented\n      more\n    EOT\n"
        "c = <<EOF\n}\nEOF\nd = <<E\nE\ne = upper(<<X\nx\nX\n)\n"
        "f = <<EOT\n%{ for k, v in var.m }${k}=${v.id}${local.z}%{ endfor }\nEOT\n"
        # template expressions the fast parser leaves to python-hcl2
        "g = <<EOT\n${var.a -12} ${var.b\n} ${in.x} ${local.c}\nEOT\n"
    ),
    "nested templates": (
        'a = "${join(",", [for s in var.l : "${s}-${upper("x${s}y")}"])}"\n'
        'b = "%{ for x in var.xs ~}${x}%{ endfor ~} $${no} %%{no} 100% $5"\n'
        'bb = "%{if a}b%{else}c%{endif}"\n'
        'c = "esc \\" \\\\ \\n \\t \\u00e9 \\U0001F600 done"\n'
        'd = "${ {a = 1}["a"] } ${ "}" }"\n'
    ),
    "comments everywhere": (
        '# top\n// top2\n/* block\n comment */\nresource "a" "b" { # c\n'
        "  x = [ # c\n    1, // c\n    /* c */ 2,\n  ] # c\n"
        "  y = {\n    # c\n    k = 1 # c\n    l = 2\n  }\n"
        "  z = f( # c\n    1,\n    2, # c\n  )\n  w = a /* c */ + b\n}\n# end"
    ),
    "for expressions": (
        'a = [for k, v in var.m : upper(v) if k != "x"]\n'
        "b = {for k, v in var.m : k => v.id...}\n"
        "c = {for s in var.l : s => s if s != null}\n"
        "d = [\n  for x in local.l :\n  x.name\n  if x.on\n]\n"
        "e = { for i, az in local.azs : az => i }\n"
        "f = [for x in [for y in var.l : y.a] : x if contains(var.k, x)]\n"
    ),
    "splats and traversals": (
        "a = aws_instance.web[*].id\nb = aws_instance.web.*.id\n"
        'c = var.m["key"].x[0].y\nd = local.l[count.index]\ne = module.m.out.0.id\n'
        "f = data.aws_iam_policy_document.p.json\ng = var.l[*].a[0].b\n"
        'h = lookup(var.m, "k", null)[0]\ni = (var.a).b\nj = var.a[var.b].c\n'
        "k = var.l.*.a.*.b\nl = var.x[-1]\nm = var.x[1.5].y\nn = [1, 2][0]\n"
    ),
    "operators and conditionals": (
        "a = 1 + 2 * 3 - 4 / 5 % 6\nb = !var.x && var.y || var.z == 1\n"
        'c = var.a ? "x" : var.b ? "y" : "z"\nd = -5\ne = -var.x\nf = !true\n'
        "g = (1 + 2) * 3\nh = var.a >= 1 && var.b <= 2 && var.c < 3 && var.d > 4\n"
        "i = var.a != null ? var.a : (\n  var.b\n)\nj = 1 - -12\nk = -1.5e3\nl = - 12\n"
        "m = var.long_condition\n  ? var.a\n  : var.b\nn = var.a\n  || var.b\n"
        "o = 1\n  + 2\np = 10 % 3\nq = -12\n"
    ),
    "collections": (
        'a = []\nb = {}\nc = [1, 2, 3,]\nd = {a = 1, b: 2, "c" = 3, (var.k) = 4}\n'
        'e = {\n  a = 1\n  b = [\n    "x",\n    "y"\n  ]\n  c = { d = { e = true } }\n}\n'
        "f = { a = 1 b = 2 }\ng = [null, true, false, 1.5, 0, 007]\n"
        'h = {for = 1, in = 2, if = 3, true = 4, null = 5, 1 = 6, "${var.k}" = 7}\n'
        "i = tomap({ a = var.a })\nj = [{ a = [var.x] }]\n"
    ),
    "functions": (
        'a = jsonencode({\n  Version = "2012-10-17"\n  Statement = [{ Effect = "Allow" }]\n})\n'
        "b = concat(var.a, var.b...)\nc = provider::aws::arn_parse(var.arn)\n"
        'd = f()\ne = f(\n  1,\n  2,\n)\nf = merge(\n  local.tags,\n  { Name = "x" }\n)\n'
        "g = try(var.a.b, null)\nh = cidrsubnet(var.cidr, 8, count.index + 1)\n"
    ),
    "blocks": (
        'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n'
        "  lifecycle { prevent_destroy = true }\n}\n"
        'locals {}\nterraform {\n  backend "s3" {}\n}\n'
        'dynamic "x" {\n  for_each = var.l\n  content {\n    a = x.value\n  }\n}\n'
        'block "label" unquoted "${interp}" {\n}\nin {\n  for_each = 1\n}\n'
        'resource "a" "b"\n{\n  x = 1\n}\none { a = 1 }\n'
    ),
    "unicode": (
        'a = "héllo wörld ✓ 日本"\nb = "ümlaut ${var.o}"\n# commentaire éà\n'
        'resource "x" "ÿ" {\n  tags = { "clé" = "valeur—long" }\n}\n'
    ),
    "tfvars": 'region = "eu-west-1"\ncount = 3\nmap = {\n  a = "b"\n}\nlist = ["x"]\n',
    "crlf and bom": '\ufeffa = 1\r\nb = "x"\r\nc = <<EOT\r\nbody\r\nEOT\r\n',
    "no final newline": "a = 1\nb = <<EOT\nx\nEOT",
    "empty": "",
    "only comments": "# a\n/* b */\n// c",
}


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_tricky_snippets_agree(name: str) -> None:
    text = TRICKY[name]
    expected = reference(text)
    assert isinstance(expected, HclDocument), expected
    assert fast_document(text) == expected
    hcl_parser._parse_document.cache_clear()
    assert parse_hcl(text, "main.tf") == expected


def _nested(depth: int) -> dict[str, str]:
    return {
        "tuple": "x = " + "[" * depth + "]" * depth + "\n",
        "object": "x = " + "{a = " * depth + "1" + "}" * depth + "\n",
        "call": "x = " + "f(" * depth + "1" + ")" * depth + "\n",
        "paren": "x = " + "(" * depth + "1" + ")" * depth + "\n",
        "template": "x = " + '"${' * depth + "a" + '}"' * depth + "\n",
        "binary": "x = " + " + ".join(["a"] * depth) + "\n",
        "traversal": "x = a" + ".b" * depth + "\n",
        "blocks": "b {\n" * depth + "}\n" * depth,
    }


@pytest.mark.parametrize("kind", sorted(_nested(1)))
def test_deep_nesting_agrees_up_to_python_hcl2s_limit(kind: str) -> None:
    text = _nested(40)[kind]
    expected = reference(text)
    assert isinstance(expected, HclDocument)
    assert fast_document(text) == expected
    # deeper than python-hcl2 reads: left to it, and it reports HCL002 as before
    deep = _nested(3000)[kind]
    with pytest.raises(fast.Unsupported):
        fast_document(deep)
    hcl_parser._parse_document.cache_clear()
    with pytest.raises(HclTooDeep):
        parse_hcl(deep, "main.tf")


BROKEN = {
    "unclosed brace": 'resource "x" "y" {\n  a = 1\n',
    "unterminated string": 'x = "unterminated\n',
    "no value": 'resource "x" "y" {\n  a = \n}\n',
    "stray brace": "a = 1\n}\n",
    "double equals": "a = 1\nb = = 2\n",
    "unclosed tuple": "a = [1, 2\nb = 3\n",
    "unclosed interpolation": 'a = "${var.x"\n',
    "unterminated heredoc": "a = <<EOT\nbody\n",
    "unterminated comment": "a = 1 /* never closed\n",
    "newline after equals": "a =\n  1\n",
    "duplicate attribute": "a = 1\na = 2\n",
    "double unary": "a = !!true\n",
    "missing for colon": "a = [for x in y x]\n",
    "two commas": "a = [1,, 2]\n",
    "block without brace": 'resource "x" "y"\n',
    "bad character": "a = 1 $ 2\n",
    "non-ascii name": 'a = "${var.ö}"\n',
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_inputs_are_rejected_by_both(name: str) -> None:
    text = BROKEN[name]
    expected = reference(text)
    assert isinstance(expected, tuple), expected
    with pytest.raises(fast.Unsupported):
        fast_document(text)
    # the fast engine leaves the error to python-hcl2: the same position and message
    hcl_parser._parse_document.cache_clear()
    with pytest.raises(HclSyntaxError) as info:
        parse_hcl(text, "main.tf")
    assert (info.value.line, info.value.column, info.value.message) == expected


# Texts whose reading depends on lark's parser state: the fast parser leaves them to
# python-hcl2, and parse_hcl returns python-hcl2's answer.
DEFERRED = [
    "a = b -12\n",
    "a = b\n\n  + c\n",
    "a = b + c\n  - d\n",
    "a = in\n",
    "a = f(1\n,)\n",
    "a = ! -1.5\n",
    "a = {for k in x : k + 1\n => k}\n",
    'a = \\"x\\"\n',
]


@pytest.mark.parametrize("text", DEFERRED)
def test_undecided_texts_are_left_to_python_hcl2(text: str) -> None:
    with pytest.raises(fast.Unsupported):
        fast_document(text)
    expected = reference(text)
    hcl_parser._parse_document.cache_clear()
    try:
        got: object = parse_hcl(text, "main.tf")
    except HclSyntaxError as exc:
        got = (exc.line, exc.column, exc.message)
    assert got == expected


def test_mutated_corpus_files_never_disagree() -> None:
    """Small edits of real files (a newline, a comment, a bracket, a minus inserted or a
    character deleted): the fast parser builds python-hcl2's document, or leaves the text
    to python-hcl2; it never accepts a text python-hcl2 rejects."""
    texts = [normalise(p.read_text(encoding="utf-8")) for p in tree_files()]
    texts = [t for t in texts if len(t) < 8000]
    pieces = ["\n", "\n\n", " ", "# c\n", "/* c */", ",", "-", "-1", "{", "}", "[", "]",
              '"', "=", ":", "?", ".", "*", "${", "%{", "~", "...", "=>", "for", "if", "!",
              "<<EOT\n"]  # fmt: skip
    rng = random.Random(20261204)
    accepted = 0
    for _ in range(250):
        text = rng.choice(texts)
        pos = rng.randrange(len(text) + 1)
        if rng.random() < 0.3:
            text = text[:pos] + text[pos + 1 :]
        else:
            text = text[:pos] + rng.choice(pieces) + text[pos:]
        expected = reference(text)
        try:
            got = fast.parse_document(text, "main.tf")
        except fast.Unsupported:
            continue
        assert got == expected, text
        accepted += 1
    assert accepted > 50


def test_the_fast_engine_is_the_default_and_caches_per_engine() -> None:
    text = 'resource "a" "b" {\n  x = var.y\n}\n'
    hcl_parser._parse_document.cache_clear()
    first = parse_hcl(text, "main.tf")
    assert parse_hcl(text, "main.tf") is first
    assert parse_hcl(text, "main.tf", engine="lark") == first
    assert parse_hcl(text, "main.tf", engine="lark") is not first


class _Expressions:
    """Random HCL expressions: operators with newlines and comments around them, every
    kind of term and traversal, templates, heredocs and for expressions, nested."""

    NAMES = ("a", "var", "local", "each", "x-y", "true", "null", "in", "for", "module", "data")
    KEYS = ("k", '"s"', "(var.k)", "for", "in", "1", "true", "null", "a.b")
    OPERATORS = ("+", "-", "*", "/", "%", "==", "!=", "<", ">", "<=", ">=", "&&", "||")
    STEPS = (".b", ".0", "[0]", '["k"]', "[*]", ".*", "[var.i]", "[-1]", "[1.5]", ".true")
    NUMBERS = ("1", "-1", "-12", "1.5", "-1.5", "1e3", "007", "0")
    STRING_PARTS = ("ab", "%{ if c }y%{ else }n%{ endif }", "%{for i in l}${i}%{endfor}",
                    "$${x}", "%%{y}", "\\n", '\\"', "$", "%", "é")  # fmt: skip
    HEREDOCS = ("<<EOT\nx ${a.b}\n%{ for k in l }${k.z}%{ endfor }\nEOT\n", "<<-E\n  y\n  E\n")

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def blank(self) -> str:
        return self.rng.choice(["", " ", " ", "\n", " # c\n", " /* c */ ", "\n\n"])

    def expression(self, depth: int = 0) -> str:
        pick = self.rng.random()
        if depth > 4 or pick < 0.3:
            return self.leaf(depth)
        makers = [self.binary, self.conditional, self.tuple, self.object, self.call,
                  self.paren, self.unary, self.for_tuple, self.for_object, self.term]  # fmt: skip
        return self.rng.choice(makers)(depth + 1)

    def binary(self, depth: int) -> str:
        operator = self.rng.choice(self.OPERATORS)
        before = self.rng.choice([" ", "", "\n"])
        return self.expression(depth) + before + operator + self.blank() + self.expression(depth)

    def conditional(self, depth: int) -> str:
        return (f"{self.expression(depth)} ?{self.blank()}{self.expression(depth)}"
                f"{self.blank()}:{self.blank()}{self.expression(depth)}")  # fmt: skip

    def tuple(self, depth: int) -> str:
        items = [self.expression(depth) for _ in range(self.rng.randrange(4))]
        tail = self.rng.choice(["", ",", self.blank()])
        return "[" + self.blank() + ("," + self.blank()).join(items) + tail + "]"

    def object(self, depth: int) -> str:
        items = [f"{self.rng.choice(self.KEYS)} {self.rng.choice('=:')} {self.expression(depth)}"
                 for _ in range(self.rng.randrange(3))]  # fmt: skip
        return "{" + self.blank() + self.rng.choice([",", "\n", " ", ", "]).join(items) + "}"

    def call(self, depth: int) -> str:
        args = [self.expression(depth) for _ in range(self.rng.randrange(3))]
        tail = self.rng.choice(["", ",", "...", self.blank()])
        name = self.rng.choice(["f", "upper", "p::q::r"])
        return name + "(" + self.blank() + ("," + self.blank()).join(args) + tail + ")"

    def paren(self, depth: int) -> str:
        return "(" + self.blank() + self.expression(depth) + self.blank() + ")"

    def unary(self, depth: int) -> str:
        return self.rng.choice(["-", "!", "- "]) + self.term(depth)

    def for_tuple(self, depth: int) -> str:
        names = self.rng.choice(["k, v", "x"])
        condition = self.rng.choice(["", " if " + self.expression(depth)])
        return (f"[for {names} in {self.expression(depth)} :{self.blank()}"
                f"{self.expression(depth)}{condition}{self.blank()}]")  # fmt: skip

    def for_object(self, depth: int) -> str:
        tail = self.rng.choice(["", "...", " if v"])
        return (f"{{for k, v in {self.expression(depth)} : {self.expression(depth)} => "
                f"{self.expression(depth)}{tail}}}")  # fmt: skip

    def term(self, depth: int) -> str:
        text = self.leaf(depth) if self.rng.random() < 0.7 else self.paren(depth)
        for _ in range(self.rng.randrange(4)):
            text += self.rng.choice([*self.STEPS, f"[{self.expression(depth + 1)}]"])
        return text

    def leaf(self, depth: int) -> str:
        pick = self.rng.random()
        if pick < 0.3:
            return self.rng.choice(self.NAMES) + self.rng.choice(["", ".x", ".x.y", "[0].id"])
        if pick < 0.45:
            return self.rng.choice(self.NUMBERS)
        if pick < 0.8:
            parts = [*self.STRING_PARTS, "${" + self.expression(depth + 2) + "}"]
            return '"' + "".join(self.rng.choice(parts) for _ in range(3)) + '"'
        return self.rng.choice(self.HEREDOCS)


def test_generated_expressions_agree() -> None:
    """Random expressions in attributes and blocks: the fast parser builds python-hcl2's
    document or leaves the text to python-hcl2, and never accepts what it rejects."""
    make = _Expressions(20261204)
    accepted = 0
    for _ in range(400):
        names = make.rng.sample(["a", "b", "c"], make.rng.randrange(1, 3))
        text = "".join(f"{name} = {make.expression()}\n" for name in names)
        if make.rng.random() < 0.3:
            text = 'block "label" {\n' + text + "}\n"
        expected = reference(text)
        try:
            got = fast.parse_document(text, "main.tf")
        except fast.Unsupported:
            continue
        assert got == expected, text
        accepted += 1
    assert accepted > 150


def test_progress_counts_the_whole_text_once() -> None:
    from tfgen.hcl import piece_progress  # noqa: PLC0415

    sizes: list[int] = []
    text = 'resource "a" "b" {\n  x = 1\n}\n'
    hcl_parser._parse_document.cache_clear()
    with piece_progress(sizes.append):
        parse_hcl(text, "main.tf")
    assert sizes == [len(text)]
