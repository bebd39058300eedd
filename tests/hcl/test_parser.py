"""The positioned HCL document model (tfgen.hcl)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tfgen.errors import ExitCode
from tfgen.hcl import (
    HclDocument,
    HclSyntaxError,
    HclTooDeep,
    Unknown,
    heredoc_source,
    parse_hcl,
    parse_module,
    referenced_address,
)
from tfgen.hcl import parser as hcl_parser

MAIN = """\
# a comment
resource "aws_sqs_queue" "orders" {
  name                       = "orders"
  visibility_timeout_seconds = 60

  tags = {
    Team = "platform"
  }
}

data "aws_region" "current" {}

module "net" {
  source = "./modules/network"
}
"""


def parse(text: str) -> HclDocument:
    return parse_hcl(text, "main.tf")


def attr_value(text: str, name: str = "x") -> object:
    return parse(text).attributes[name].value


def test_blocks_positions_and_addresses() -> None:
    doc = parse(MAIN)
    queue, region, net = doc.blocks
    assert (queue.type, queue.labels) == ("resource", ("aws_sqs_queue", "orders"))
    assert (queue.line, queue.column, queue.end_line) == (2, 1, 9)
    assert queue.filename == "main.tf"
    assert queue.address == "aws_sqs_queue.orders"
    assert queue.resource_type == "aws_sqs_queue"
    assert (region.line, region.end_line, region.address) == (11, 11, "data.aws_region.current")
    assert net.address == "module.net"
    assert [b.address for b in doc.resources()] == ["aws_sqs_queue.orders"]
    assert [b.address for b in doc.data_sources("aws_region")] == ["data.aws_region.current"]
    assert doc.modules() == [net]


def test_attribute_positions_and_literals() -> None:
    queue = parse(MAIN).blocks[0]
    name = queue.attributes["name"]
    assert (name.line, name.column, name.end_line) == (3, 3, 3)
    assert name.value.value == "orders" and name.value.is_literal
    timeout = queue.attributes["visibility_timeout_seconds"]
    assert (timeout.line, timeout.column) == (4, 3)
    assert timeout.value.value == 60 and timeout.value.raw == "60"
    tags = queue.attributes["tags"]
    assert (tags.line, tags.column, tags.end_line) == (6, 3, 8)
    assert tags.value.value == {"Team": "platform"}


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ('"abc"', "abc"),
        ('"a\\"b\\n\\u00e9\\t"', 'a"b\né\t'),
        ('"ünïcode ✓"', "ünïcode ✓"),
        ('"$${not_interpolated}"', "${not_interpolated}"),
        ('"%%{not_a_directive}"', "%{not_a_directive}"),
        ("42", 42),
        ("-5", -5),
        ("2.5", 2.5),
        ("1e3", 1000.0),
        ("true", True),
        ("false", False),
        ("null", None),
        ("!true", False),
        ('[1, "two", [3], {a = 4}]', [1, "two", [3], {"a": 4}]),
        (
            '{ "quoted key" = 1, plain = 2, for_each = 3 }',
            {"quoted key": 1, "plain": 2, "for_each": 3},
        ),
        ("{\n  a = 1\n  b = [\n    true,\n  ]\n}", {"a": 1, "b": [True]}),
        ("(7)", 7),
        ("[]", []),
    ],
)
def test_literal_values(expr: str, expected: object) -> None:
    value = parse(f"x = {expr}\n").attributes["x"].value
    assert value.is_literal, value
    assert value.value == expected
    assert value.raw == expr


@pytest.mark.parametrize(
    ("expr", "kind", "refs"),
    [
        ("var.x", "reference", ("var.x",)),
        ("aws_lb.main.arn", "reference", ("aws_lb.main.arn",)),
        ("module.m.out", "reference", ("module.m.out",)),
        ("local.y", "reference", ("local.y",)),
        ("data.aws_region.current.name", "reference", ("data.aws_region.current.name",)),
        ("aws_instance.web[0].id", "reference", ("aws_instance.web[0].id",)),
        ('var.m["k"].v', "reference", ('var.m["k"].v',)),
        ("aws_instance.web[*].id", "reference", ("aws_instance.web[*].id",)),
        ("aws_instance.web.*.id", "reference", ("aws_instance.web.*.id",)),
        ("var.list[var.i]", "reference", ("var.list", "var.i")),
        ('"${var.a}-x"', "template", ("var.a",)),
        ('"%{ if var.on }yes%{ else }no%{ endif }"', "template", ("var.on",)),
        ("upper(var.name)", "call", ("var.name",)),
        ("var.a ? 1 : local.b", "conditional", ("var.a", "local.b")),
        ("var.a + 1", "operation", ("var.a",)),
        ("[for s in var.subnets : s.id if s.public]", "for", ("var.subnets",)),
        ("{ for k, v in var.m : k => v.name }", "for", ("var.m",)),
        ("[var.a, 1]", "collection", ("var.a",)),
        ("{ (var.key) = 1 }", "collection", ("var.key",)),
        ("each.value", "reference", ("each.value",)),
        ("string", "reference", ()),
        ("list(string)", "call", ()),
    ],
)
def test_non_literal_values(expr: str, kind: str, refs: tuple[str, ...]) -> None:
    value = parse(f"x = {expr}\n").attributes["x"].value
    assert not value.is_literal
    assert value.value is None
    assert value.kind == kind
    assert value.raw == expr
    assert value.references() == refs


def test_partial_values_keep_literal_parts() -> None:
    value = parse('x = jsonencode({ Version = "2012-10-17", Resource = aws_s3_bucket.b.arn })\n')
    v = value.attributes["x"].value
    assert v.function == "jsonencode" and v.kind == "call"
    (arg,) = v.args
    assert arg.partial == {"Version": "2012-10-17", "Resource": Unknown("aws_s3_bucket.b.arn")}
    assert v.references() == ("aws_s3_bucket.b.arn",)
    assert arg.as_dict() == arg.partial


def test_value_helpers() -> None:
    doc = parse('a = "30"\nb = 30\nc = "true"\nd = var.x\ne = ["x", 1]\nf = 2.5\n')
    values = {name: attr.value for name, attr in doc.attributes.items()}
    assert values["a"].as_number() == 30 and values["a"].as_int() == 30
    assert values["b"].as_str() is None and values["b"].as_int() == 30
    assert values["c"].as_bool() is True
    assert values["d"].as_number() is None and values["d"].traversal() == "var.x"
    assert values["e"].as_list() == ["x", 1]
    assert values["f"].as_int() is None


def test_heredocs() -> None:
    text = (
        "locals {\n"
        "  plain = <<EOT\n"
        "hello\n"
        "  world\n"
        "EOT\n"
        "  indented = <<-EOT\n"
        "    {\n"
        '      "a": 1\n'
        "    }\n"
        "    EOT\n"
        "  templ = <<EOT\n"
        "arn=${aws_s3_bucket.b.arn} %{ for s in var.subnets }${s.id}%{ endfor }\n"
        "EOT\n"
        "  after = 1\n"
        "}\n"
    )
    attrs = parse(text).blocks[0].attributes
    plain = attrs["plain"]
    assert plain.value.value == "hello\n  world\n"
    assert (plain.line, plain.end_line) == (2, 5)
    assert attrs["indented"].value.value == '{\n  "a": 1\n}\n'
    assert (attrs["indented"].line, attrs["indented"].end_line) == (6, 10)
    templ = attrs["templ"]
    assert templ.value.kind == "template" and not templ.value.is_literal
    assert templ.value.references() == ("aws_s3_bucket.b.arn", "var.subnets")
    assert attrs["after"].line == 14
    assert heredoc_source(templ.value.raw) == (
        "arn=${aws_s3_bucket.b.arn} %{ for s in var.subnets }${s.id}%{ endfor }\n"
    )
    assert heredoc_source('"not a heredoc"') is None


def test_dynamic_blocks_and_children() -> None:
    text = """\
resource "aws_security_group" "sg" {
  ingress {
    from_port = 443
  }
  dynamic "ingress" {
    for_each = var.rules
    content {
      from_port = ingress.value.port
    }
  }
}
"""
    sg = parse(text).blocks[0]
    assert [b.line for b in sg.children("ingress")] == [2]
    assert [b.line for b in sg.children("ingress", dynamic=True)] == [2, 7]
    assert sg.has_dynamic("ingress") and not sg.has_dynamic("egress")
    assert sg.child("ingress") is sg.blocks[0]
    assert [b.type for b in sg.walk()] == ["resource", "ingress", "dynamic", "content"]
    content = sg.blocks[1].blocks[0]
    port = content.attributes["from_port"]
    assert (port.line, port.column) == (8, 7)
    assert port.value.references() == ("ingress.value.port",)


def test_comments_are_not_part_of_values() -> None:
    text = (
        "// header\n"
        "/* block\n   comment */\n"
        'x = "v" # trailing\n'
        "y = 1 + 2 // trailing\n"
        "z = [\n"
        "  1, # one\n"
        "  2,\n"
        "]\n"
    )
    attrs = parse(text).attributes
    assert (attrs["x"].line, attrs["x"].value.raw) == (4, '"v"')
    assert attrs["y"].value.raw == "1 + 2"
    assert attrs["z"].value.value == [1, 2]
    assert (attrs["z"].line, attrs["z"].end_line) == (6, 9)


def test_windows_line_endings_and_bom() -> None:
    text = MAIN.replace("\n", "\r\n")
    doc = parse_hcl("\ufeff" + text, "main.tf")
    queue = doc.blocks[0]
    assert (queue.line, queue.end_line) == (2, 9)
    assert queue.attributes["name"].value.value == "orders"
    heredoc = parse("x = <<EOT\r\nline\r\nEOT\r\ny = 2\r\n").attributes
    assert heredoc["x"].value.value == "line\n"
    assert heredoc["y"].line == 4


def test_unicode_text_and_labels() -> None:
    doc = parse('resource "x" "ü✓" {\n  name = "é—ü" # ü\n}\ny = "z"\n')
    block = doc.blocks[0]
    assert block.labels == ("x", "ü✓")
    assert block.attributes["name"].value.value == "é—ü"
    assert (block.attributes["name"].line, block.attributes["name"].column) == (2, 3)
    assert (doc.attributes["y"].line, doc.attributes["y"].column) == (4, 1)


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "/* x */"])
def test_empty_documents(text: str) -> None:
    doc = parse(text)
    assert doc.blocks == [] and doc.attributes == {}


def test_tfvars_attributes() -> None:
    doc = parse_hcl('environment = "prod"\nsizes = { cpu = 256 }\n', "prod.tfvars")
    assert doc.attributes["environment"].value.value == "prod"
    assert doc.attributes["sizes"].value.value == {"cpu": 256}
    assert doc.attributes["sizes"].line == 2


def test_block_addresses() -> None:
    text = """\
variable "region" {}
output "url" {
  value = 1
}
provider "aws" {}
locals {
  a = 1
}
terraform {}
"""
    doc = parse(text)
    assert [b.address for b in doc.blocks] == [
        "var.region",
        "output.url",
        "provider.aws",
        "locals",
        "terraform",
    ]
    assert [b.name for b in doc.variables()] == ["region"]
    assert set(doc.locals()) == {"a"}


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ('resource "x" "y" {\n  a = \n}\n', 2, 7),
        ("a = {\n", 2, 1),
        ('x = "unterminated\n', 1, 6),
        ("a = 1\nb = = 2\n", 2, 5),
    ],
)
def test_syntax_errors_carry_positions(text: str, line: int, column: int) -> None:
    with pytest.raises(HclSyntaxError) as info:
        parse(text)
    err = info.value
    assert (err.filename, err.line, err.column) == ("main.tf", line, column)
    assert err.exit_code == ExitCode.USAGE
    assert str(err).startswith(f"main.tf:{line}:{column}: HCL001 invalid HCL:")


def test_duplicate_attribute_is_a_syntax_error() -> None:
    with pytest.raises(HclSyntaxError) as info:
        parse('resource "a" "b" {\n  x = 1\n  x = 2\n}\n')
    assert (info.value.line, info.value.column) == (3, 3)
    assert "redefined" in info.value.message


def test_multiline_function_call_end_line() -> None:
    text = 'x = jsonencode({\n  a = [\n    "b",\n  ]\n})\ny = 1\n'
    attrs = parse(text).attributes
    assert (attrs["x"].line, attrs["x"].end_line) == (1, 5)
    assert attrs["x"].value.args[0].value == {"a": ["b"]}
    assert attrs["y"].line == 6


def test_parse_module_reads_tf_files_in_order(tmp_path: Path) -> None:
    (tmp_path / "b.tf").write_text('resource "aws_sqs_queue" "b" {}\n')
    (tmp_path / "a.tf").write_text('resource "aws_sqs_queue" "a" {}\n')
    (tmp_path / "c.tfvars").write_text("x = 1\n")
    docs = parse_module(tmp_path)
    assert [Path(d.filename).name for d in docs] == ["a.tf", "b.tf"]
    assert docs[0].blocks[0].filename == str(tmp_path / "a.tf")


@pytest.mark.parametrize(
    ("ref", "address"),
    [
        ("aws_lb.main.arn", "aws_lb.main"),
        ("aws_lb.main[0].arn", "aws_lb.main"),
        ('aws_lb.main["a"].arn', "aws_lb.main"),
        ("aws_lb.main[*].arn", "aws_lb.main"),
        ("aws_lb.main.*.arn", "aws_lb.main"),
        ("data.aws_region.current.name", "data.aws_region.current"),
        ("module.net.vpc_id", "module.net"),
        ("var.x", "var.x"),
        ("local.tags.team", "local.tags"),
    ],
)
def test_referenced_address(ref: str, address: str) -> None:
    assert referenced_address(ref) == address


def test_real_world_module_parses() -> None:
    text = """\
terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7.0"
    }
  }
}

locals {
  azs  = slice(data.aws_availability_zones.available.names, 0, 3)
  tags = merge(var.tags, { "Module" = "vpc" })
}

resource "aws_subnet" "private" {
  for_each          = { for i, az in local.azs : az => i }
  vpc_id            = aws_vpc.this.id
  cidr_block        = cidrsubnet(var.cidr, 8, each.value)
  availability_zone = each.key

  tags = merge(local.tags, {
    Name = "${var.name}-private-${each.key}"
    Tier = "private"
  })

  lifecycle {
    ignore_changes = [tags["kubernetes.io/cluster"]]
    precondition {
      condition     = length(var.cidr) > 0 && can(cidrhost(var.cidr, 0))
      error_message = "The CIDR must be valid."
    }
  }
}

resource "aws_iam_role_policy" "p" {
  policy = <<-POLICY
    {
      "Version": "2012-10-17",
      "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "${aws_s3_bucket.b.arn}/*"}]
    }
  POLICY
}
"""
    doc = parse(text)
    subnet = doc.resources("aws_subnet")[0]
    assert subnet.attributes["for_each"].value.references() == ("local.azs",)
    assert subnet.attributes["cidr_block"].value.references() == ("var.cidr", "each.value")
    assert subnet.child("lifecycle") is not None
    precondition = subnet.child("lifecycle").child("precondition")  # type: ignore[union-attr]
    assert precondition is not None and precondition.attributes["condition"].line == 30
    policy = doc.resources("aws_iam_role_policy")[0].attributes["policy"]
    assert policy.value.references() == ("aws_s3_bucket.b.arn",)
    assert (policy.line, policy.end_line) == (37, 42)


def test_deep_nesting() -> None:
    assert parse("x = " + "[" * 50 + "]" * 50 + "\n").attributes["x"].value.is_literal
    with pytest.raises(HclTooDeep) as info:
        parse("x = " + "[" * 2000 + "]" * 2000 + "\n")
    assert "nested too deeply" in info.value.message
    # terraform fmt and validate accept this text (tested with terraform 1.x): say so
    [problem] = info.value.problems
    assert problem.code == "HCL002"
    assert problem.hint is not None and problem.hint.startswith("terraform accepts this file")


def test_parse_results_are_independent_documents() -> None:
    first, second = parse(MAIN), parse_hcl(MAIN, "other.tf")
    assert first.blocks[0].filename == "main.tf"
    assert second.blocks[0].filename == "other.tf"
    assert first.blocks[0] is not second.blocks[0]


# --------------------------------------------------------------------------- large files

REPO = Path(__file__).resolve().parents[2]
TREES = [REPO / "generated", REPO / "tests" / "corpus" / "lint"]


def _whole_and_pieces(text: str, name: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """The document of ``text`` parsed at once, and parsed after every top-level block
    (python-hcl2's parser: the fast parser reads whole texts)."""
    results = []
    for size in (10**9, 1):
        hcl_parser._parse_document.cache_clear()
        monkeypatch.setattr(hcl_parser, "PIECE_SIZE", size)
        try:
            results.append(parse_hcl(text, name, engine="lark"))
        except HclSyntaxError as exc:
            results.append((exc.line, exc.column, exc.message))
    hcl_parser._parse_document.cache_clear()
    return results[0], results[1]


def test_piecewise_parse_agrees_with_python_hcl2_on_the_golden_tree_and_corpus(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    files = [p for tree in TREES for p in sorted(tree.rglob("*")) if p.suffix in (".tf", ".tfvars")]
    assert len(files) > 70
    split = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        whole, pieces = _whole_and_pieces(text, path.name, monkeypatch)
        assert pieces == whole, path
        split += len(list(hcl_parser._pieces(text))) > 1
    assert split > 40  # most files really were parsed in pieces


@pytest.mark.parametrize(
    "text",
    [
        # a closing brace in the first column inside a heredoc and a comment
        "locals {\n  a = <<EOT\n}\nresource\nEOT\n}\n/*\n}\nx = 1\n*/\nb = 2\n",
        # a syntax error after many good blocks is reported at its line in the file
        'a = 1\nresource "x" "y" {\n}\nresource "x" "z" {\n  b = \n}\nc = 3\n',
        # an unclosed block
        'resource "x" "y" {\n}\nresource "x" "z" {\n  b = 1\n',
        # an attribute defined twice, in different pieces
        'a = 1\nresource "x" "y" {\n}\na = 2\n',
    ],
)
def test_piecewise_parse_agrees_on_tricky_splits(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole, pieces = _whole_and_pieces(text, "main.tf", monkeypatch)
    assert pieces == whole


def test_piecewise_errors_are_located_in_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    text = 'a = 1\nresource "x" "y" {\n}\nresource "x" "z" {\n  b = \n}\n'
    _, pieces = _whole_and_pieces(text, "main.tf", monkeypatch)
    assert pieces == (5, 7, "unexpected '}'")
    twice = 'a = 1\nresource "x" "y" {\n}\na = 2\n'
    _, pieces = _whole_and_pieces(twice, "main.tf", monkeypatch)
    assert pieces == (4, 1, "attribute 'a' redefined (first defined on line 1)")


def _reference_positions(text: str) -> dict[tuple[str, int, int], int]:
    """Blocks and attributes as python-hcl2's own parser places them (lark with
    ``propagate_positions``): (kind, line, column) -> where an attribute's expression
    starts in the text."""
    import hcl2  # noqa: PLC0415

    found = {}
    for node in hcl2.parses_to_tree(text).iter_subtrees_topdown():
        if node.data in ("block", "attribute"):
            expr = node.children[-1]
            start = expr.meta.start_pos if node.data == "attribute" else -1
            found[(node.data, node.meta.line, node.meta.column)] = start
    return found


def _positions(doc: HclDocument) -> dict[tuple[str, int, int], str]:
    """The same from the document model: (kind, line, column) -> an attribute's raw text."""
    found = {}
    for attr in doc.attributes.values():
        found[("attribute", attr.line, attr.column)] = attr.value.raw
    for top in doc.blocks:
        for block in top.walk():
            found[("block", block.line, block.column)] = ""
            for attr in block.attributes.values():
                found[("attribute", attr.line, attr.column)] = attr.value.raw
    return found


def test_positions_agree_with_python_hcl2_on_the_golden_tree_and_corpus() -> None:
    files = [p for tree in TREES for p in sorted(tree.rglob("*")) if p.suffix in (".tf", ".tfvars")]
    checked = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        try:
            doc = parse_hcl(text, path.name)
        except HclSyntaxError:
            continue  # the corpus has files that do not parse, on purpose
        ours, reference = _positions(doc), _reference_positions(doc.source)
        assert sorted(ours) == sorted(reference), path
        for place, raw in ours.items():
            if place[0] == "attribute":
                assert raw and doc.source.startswith(raw, reference[place]), (path, place)
                checked += 1
    assert checked > 1000


def test_worker_processes_build_the_same_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    from tfgen.hcl import parallel  # noqa: PLC0415

    if parallel.workers() < 2:
        pytest.skip("one core: tfgen parses without worker processes")
    files = {
        p.relative_to(REPO).as_posix(): p.read_text(encoding="utf-8")
        for tree in TREES
        for p in sorted(tree.rglob("*"))
        if p.suffix in (".tf", ".tfvars")
    }
    monkeypatch.setattr(parallel, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(hcl_parser, "PIECE_SIZE", 1)  # every top-level block a piece
    hcl_parser._parse_document.cache_clear()
    parallel.parse_ahead(files)
    ahead = dict(hcl_parser._PARSED_AHEAD)
    assert len(ahead) > len(files) / 2  # most files were built by the workers
    for (source, name), document in ahead.items():
        hcl_parser._PARSED_AHEAD.clear()
        hcl_parser._parse_document.cache_clear()
        assert parse_hcl(source, name) == document, name
    # a file the workers could not build alone is parsed (and reported) as without them
    broken = {"a.tf": 'a = 1\nresource "x" "y" {\n}\nresource "x" "z" {\n  b = \n}\n'}
    parallel.parse_ahead(broken)
    assert hcl_parser._PARSED_AHEAD == {}
    with pytest.raises(HclSyntaxError):
        parse_hcl(broken["a.tf"], "a.tf")
    hcl_parser._parse_document.cache_clear()
