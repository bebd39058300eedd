"""The schema layer: resources and arguments against the AWS provider's own schema, offline.

Checks every ``resource`` and ``data`` block of the ``aws`` provider against the schemas
tfgen ships (hashicorp/aws 5.100 from the provider itself, the current 6.x from its CDK
bindings): unknown resource and data-source types, unknown or misspelled arguments and
nested blocks ("did you mean"), arguments written as blocks and blocks written as
arguments, read-only attributes set in configuration, missing required arguments and
blocks, too many blocks, and deprecated arguments.

Both versions are checked when the module's ``required_providers`` constraint admits
both (or says nothing): a finding in both is an ``SCH`` finding; one that only 6.x has is
an upgrade finding (``UPG``, a warning: the code works with 5.x and breaks on the
upgrade), and one that only 5.x has says the code needs 6.x.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from tfgen.check.findings import Finding, HclLocation, Severity
from tfgen.check.provider_schema import BlockSchema, ProviderSchema, closest, load_schema
from tfgen.hcl import Block, HclDocument

LAYER = "schema"
META_ARGUMENTS = frozenset({"count", "for_each", "provider", "depends_on"})
META_BLOCKS = frozenset({"lifecycle", "provisioner", "connection", "precondition", "postcondition"})
DOC = "https://registry.terraform.io/providers/hashicorp/aws/latest/docs"
_UPGRADE = (
    "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/guides/version-6-upgrade"
)


# code -> title (the finding codes this layer reports; UPG### mirror SCH### for 6.x only)
CODES: dict[str, str] = {
    "SCH001": "Unknown resource type or data source",
    "SCH002": "Unknown argument",
    "SCH003": "Read-only attribute set in configuration",
    "SCH004": "Unknown nested block",
    "SCH005": "Deprecated argument or block",
    "SCH006": "Block written as an argument, or argument written as a block",
    "SCH007": "Too many blocks of one type",
    "SCH008": "Missing required argument or block",
}
CODES.update(
    {
        "UPG" + code[3:]: f"{title} (hashicorp/aws 6.x only)"
        for code, title in CODES.items()
        if code != "SCH005"
    }
)


# An argument, block or type that only hashicorp/aws 6.x rejects, in a module whose
# constraint admits both 5.x and 6.x, works today and breaks on the upgrade: a warning.
UPGRADE_SEVERITY = Severity.WARNING


def upgrade_code(code: str) -> str:
    """The ``UPG`` code of a schema code (``SCH004`` -> ``UPG004``)."""
    return "UPG" + code[3:]


def code_severity(code: str) -> Severity:
    """The severity a schema-layer code is reported with."""
    return Severity.WARNING if code == "SCH005" or code.startswith("UPG") else Severity.ERROR


@dataclass(frozen=True)
class Issue:
    code: str
    severity: Severity
    message: str
    hint: str
    line: int
    column: int
    address: str
    filename: str
    key: str  # identity across provider versions (no version wording)


def _doc_url(kind: str, type_name: str) -> str:
    short = type_name.removeprefix("aws_")
    return f"{DOC}/{'resources' if kind == 'resource' else 'data-sources'}/{short}"


class _Checker:
    def __init__(self, schema: ProviderSchema) -> None:
        self.schema = schema
        self.deprecations = schema.has_facet("deprecated")
        self.issues: list[Issue] = []

    def add(
        self,
        code: str,
        severity: Severity,
        message: str,
        hint: str,
        at: Block,
        line: int,
        column: int,
        address: str,
    ) -> None:
        self.issues.append(
            Issue(
                code,
                severity,
                message,
                hint,
                line,
                column,
                address,
                at.filename,
                f"{code}|{address}|{message}",
            )
        )

    def top(self, block: Block) -> None:
        kind, type_name = block.type, block.resource_type
        schema = (
            self.schema.resource(type_name)
            if kind == "resource"
            else self.schema.data_source(type_name)
        )
        if schema is None:
            known = (
                self.schema.resource_types()
                if kind == "resource"
                else self.schema.data_source_types()
            )
            noun = "resource type" if kind == "resource" else "data source"
            self.add(
                "SCH001",
                Severity.ERROR,
                f"unknown {noun} {type_name!r}",
                _did_you_mean(type_name, known, "check the provider documentation"),
                block,
                block.line,
                block.column,
                block.address,
            )
            return
        self.body(block, schema, block.address, block.address)

    def body(self, block: Block, schema: BlockSchema, address: str, path: str) -> None:
        if schema.truncated:
            return
        for name, attr in sorted(block.attributes.items()):
            if name not in META_ARGUMENTS or path != address:
                self.attribute(block, schema, name, attr.line, attr.column, address, path)
        for nested in block.blocks:
            name, body = _nested_name(nested)
            if name in META_BLOCKS and path == address:
                continue
            self.nested(nested, name, body, schema, address, f"{path}.{name}")
        self.missing(block, schema, address, path)
        self.too_many(block, schema, address)

    def attribute(
        self,
        block: Block,
        schema: BlockSchema,
        name: str,
        line: int,
        column: int,
        address: str,
        path: str,
    ) -> None:
        spec = schema.attributes.get(name)
        where = f"{name!r}" if path == address else f"{name!r} in {_inner(path, address)}"
        if spec is None:
            if name in schema.blocks:
                self.add(
                    "SCH006",
                    Severity.ERROR,
                    f"{where} is a block, not an argument",
                    f"write it as a block: {name} {{ ... }}",
                    block,
                    line,
                    column,
                    address,
                )
                return
            self.add(
                "SCH002",
                Severity.ERROR,
                f"unknown argument {where}",
                _did_you_mean(name, schema.arguments()),
                block,
                line,
                column,
                address,
            )
        elif spec.read_only:
            self.add(
                "SCH003",
                Severity.ERROR,
                f"{where} is read-only (set by AWS)",
                "remove it; read it as an attribute instead",
                block,
                line,
                column,
                address,
            )
        elif self.deprecations and spec.deprecated:
            self.add(
                "SCH005",
                Severity.WARNING,
                f"{where} is deprecated",
                "see the resource documentation for its replacement",
                block,
                line,
                column,
                address,
            )

    def nested(
        self, nested: Block, name: str, body: Block, schema: BlockSchema, address: str, path: str
    ) -> None:
        spec = schema.blocks.get(name)
        object_type = _object_element(schema, name)
        if spec is None and object_type is not None:
            # "attributes as blocks": a list/set-of-objects argument written as blocks
            # (aws_security_group ingress, aws_route_table route) is valid Terraform.
            self.object_body(body, object_type, name, address)
            return
        if spec is None:
            parent = _inner(path.rsplit(".", 1)[0], address)
            where = f"{name!r}" if parent == address else f"{name!r} in {parent}"
            if name in schema.attributes:
                self.add(
                    "SCH006",
                    Severity.ERROR,
                    f"{where} is an argument, not a block",
                    f"write it as an argument: {name} = ...",
                    nested,
                    nested.line,
                    nested.column,
                    address,
                )
                return
            self.add(
                "SCH004",
                Severity.ERROR,
                f"unknown block {where}",
                _did_you_mean(name, schema.arguments()),
                nested,
                nested.line,
                nested.column,
                address,
            )
            return
        if self.deprecations and spec.block.deprecated:
            self.add(
                "SCH005",
                Severity.WARNING,
                f"block {name!r} is deprecated",
                "see the resource documentation",
                nested,
                nested.line,
                nested.column,
                address,
            )
        self.body(body, spec.block, address, path)

    def object_body(self, body: Block, fields: dict[str, object], name: str, address: str) -> None:
        for key, attr in sorted(body.attributes.items()):
            if key not in fields:
                self.add(
                    "SCH002",
                    Severity.ERROR,
                    f"unknown argument {key!r} in {name}",
                    _did_you_mean(key, fields),
                    body,
                    attr.line,
                    attr.column,
                    address,
                )

    def missing(self, block: Block, schema: BlockSchema, address: str, path: str) -> None:
        present = set(block.attributes) | {_nested_name(b)[0] for b in block.blocks}
        known = set(schema.attributes) | set(schema.blocks)
        # a misspelt required argument is reported once, as unknown with its did-you-mean
        suggested = {closest(n, schema.arguments()) for n in present - known - META_ARGUMENTS}
        for name in schema.required_arguments():
            if name not in present and name not in suggested:
                where = "" if path == address else f" in {_inner(path, address)}"
                self.add(
                    "SCH008",
                    Severity.ERROR,
                    f"missing required argument {name!r}{where}",
                    f"set {name}",
                    block,
                    block.line,
                    block.column,
                    address,
                )

    def too_many(self, block: Block, schema: BlockSchema, address: str) -> None:
        by_name: dict[str, list[Block]] = {}
        for nested in block.blocks:
            if nested.type != "dynamic":
                by_name.setdefault(nested.type, []).append(nested)
        for name, blocks in sorted(by_name.items()):
            spec = schema.blocks.get(name)
            if spec is None or spec.max_items is None or len(blocks) <= spec.max_items:
                continue
            surplus = blocks[spec.max_items]  # the first block over the limit
            self.add(
                "SCH007",
                Severity.ERROR,
                f"block {name!r} appears {len(blocks)} times; at most {spec.max_items} allowed",
                "merge the blocks",
                surplus,
                surplus.line,
                surplus.column,
                address,
            )


def _did_you_mean(
    name: str, candidates: Iterable[str], otherwise: str = "remove it or check the docs"
) -> str:
    """The hint for an unknown name: the closest candidate, else ``otherwise``."""
    guess = closest(name, candidates)
    return f"did you mean {guess!r}?" if guess else otherwise


def _inner(path: str, address: str) -> str:
    """A nested path without its resource address: ``rule.action``."""
    return path[len(address) + 1 :] if path.startswith(address + ".") else path


def _object_element(schema: BlockSchema, name: str) -> dict[str, object] | None:
    """The object fields of a list/set-of-objects attribute, else None."""
    attr = schema.attributes.get(name)
    kind = attr.type if attr is not None and attr.settable else None
    if isinstance(kind, list) and len(kind) == 2 and kind[0] in ("list", "set"):
        element = kind[1]
        if isinstance(element, list) and len(element) >= 2 and element[0] == "object":
            fields = element[1]
            return dict(fields) if isinstance(fields, dict) else None
    return None


def _nested_name(block: Block) -> tuple[str, Block]:
    """A nested block's schema name and body (``dynamic "x"`` -> x and its content)."""
    if block.type == "dynamic" and block.labels:
        content = block.child("content")
        return block.labels[0], content if content is not None else block
    return block.type, block


def _aws_blocks(docs: Sequence[HclDocument]) -> Iterator[Block]:
    for doc in docs:
        for block in doc.blocks:
            if block.type in ("resource", "data") and block.resource_type.startswith("aws_"):
                yield block


def check_version(docs: Sequence[HclDocument], schema: ProviderSchema) -> list[Issue]:
    checker = _Checker(schema)
    for block in _aws_blocks(docs):
        checker.top(block)
    return checker.issues


# --- version constraints ----------------------------------------------------------------

_CONSTRAINT = re.compile(r"^\s*(=|!=|>=|<=|>|<|~>)?\s*v?(\d+(?:\.\d+){0,2})\s*$")


def _tuple(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def admits(constraint: str, version: str) -> bool:
    """Whether a Terraform version constraint (``>= 5.100, < 7``) admits ``version``."""
    have = _tuple(version)
    for part in constraint.split(","):
        match = _CONSTRAINT.match(part)
        if match is None:
            return True  # unreadable: do not narrow the check
        op, want = match.group(1) or "=", match.group(2)
        if not _compare(op, have, want):
            return False
    return True


def _compare(op: str, have: tuple[int, ...], want_text: str) -> bool:
    want = _tuple(want_text)
    padded = want + (0,) * (3 - len(want))
    if op == "~>":
        upper = list(want[:-1]) if len(want) > 1 else [want[0]]
        upper[-1] += 1
        return have >= padded and have < tuple(upper)
    return {
        "=": have == padded,
        "!=": have != padded,
        ">": have > padded,
        ">=": have >= padded,
        "<": have < padded,
        "<=": have <= padded,
    }[op]


def aws_constraint(docs: Sequence[HclDocument]) -> str | None:
    for doc in docs:
        for terraform in doc.blocks_of("terraform"):
            for providers in terraform.children("required_providers"):
                attr = providers.value("aws")
                value = attr.as_dict() if attr is not None else None
                if isinstance(value, dict) and isinstance(value.get("version"), str):
                    return str(value["version"])
    return None


# --- the layer ----------------------------------------------------------------------------


def _finding(issue: Issue, code: str, message: str, severity: Severity, url: str) -> Finding:
    return Finding(
        LAYER,
        severity,
        code,
        message,
        HclLocation(issue.filename, issue.line, issue.column, issue.address),
        hint=issue.hint,
        doc_url=url,
    )


def _url(issue: Issue) -> str:
    if issue.code.endswith("001"):  # the type itself is unknown: no page to link
        return DOC
    kind, _, rest = issue.address.partition(".")
    if kind == "data":
        return _doc_url("data", rest.split(".", 1)[0])
    return _doc_url("resource", kind)


def check_schema(docs: Sequence[HclDocument]) -> list[Finding]:
    """Schema findings for one tree (modules may set their own aws version constraint)."""
    constraint = aws_constraint(docs) or ""
    old, new = load_schema("5"), load_schema("6")
    use_old = admits(constraint, old.version)
    use_new = admits(constraint, new.version)
    issues_old = {i.key: i for i in check_version(docs, old)} if use_old else {}
    issues_new = {i.key: i for i in check_version(docs, new)} if use_new else {}
    findings = []
    for key, issue in sorted(issues_old.items()):
        only_old = use_new and key not in issues_new and issue.code != "SCH005"
        note = f" (hashicorp/aws {old.version}; valid in {new.version})" if only_old else ""
        findings.append(
            _finding(issue, issue.code, issue.message + note, issue.severity, _url(issue))
        )
    for key, issue in sorted(issues_new.items()):
        if key in issues_old or issue.code == "SCH005":
            continue
        if use_old:  # valid in 5.x, which the constraint admits: a warning about the upgrade
            message = f"{issue.message} in hashicorp/aws {new.version}"
            code = upgrade_code(issue.code)
            findings.append(_finding(issue, code, message, UPGRADE_SEVERITY, _UPGRADE))
        else:
            findings.append(_finding(issue, issue.code, issue.message, issue.severity, _url(issue)))
    return sorted(findings, key=Finding.sort_key)
