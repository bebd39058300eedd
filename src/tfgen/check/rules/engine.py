"""The rule registry and runner for AWS semantic rules.

A rule is a small function registered with :func:`resource_rule` (called once per block of
the listed types) or :func:`module_rule` (called once per module, for cross-resource
checks).  It yields :class:`Issue` objects; the runner turns them into :class:`Finding`
objects with the rule's metadata and the exact position of the offending attribute.

Rules only judge what is known statically: literal values, and ``local.*`` values that
resolve to literals in the same module.  A value that depends on a variable, a data
source or another resource's attribute is never flagged.

A finding can be silenced with a comment ``# tfgen-ignore: AWS123`` (several codes
separated by commas) on the reported line or the line above it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath
from typing import Any

from tfgen.check.findings import Finding, HclLocation, Severity
from tfgen.errors import InternalError, Location
from tfgen.hcl import (
    Attribute,
    Block,
    HclDocument,
    HclValue,
    Unknown,
    referenced_address,
)

LAYER = "rules"


@dataclass(frozen=True)
class RuleMeta:
    """What a report (text, JSON, SARIF, docs) needs to know about a rule."""

    code: str
    title: str
    severity: Severity
    doc_url: str
    resource_types: tuple[str, ...]
    hint: str
    service: str


@dataclass(frozen=True)
class Issue:
    """One problem a rule found; ``at`` is where to point (default: the resource)."""

    resource: Block
    message: str
    at: Attribute | Block | None = None
    hint: str = ""
    severity: Severity | None = None


ResourceCheck = Callable[[Block, "Context"], Iterable[Issue]]
ModuleCheck = Callable[["Context"], Iterable[Issue]]


@dataclass(frozen=True)
class Rule:
    meta: RuleMeta
    resource_check: ResourceCheck | None = None
    module_check: ModuleCheck | None = None


_REGISTRY: dict[str, Rule] = {}


def _register(rule: Rule) -> None:
    if rule.meta.code in _REGISTRY:
        raise ValueError(f"duplicate rule code {rule.meta.code}")
    _REGISTRY[rule.meta.code] = rule


def _meta(
    fn: Callable[..., Any],
    code: str,
    title: str,
    severity: Severity,
    doc_url: str,
    resources: tuple[str, ...],
    hint: str,
) -> RuleMeta:
    service = fn.__module__.rsplit(".", 1)[-1].rstrip("_")
    return RuleMeta(code, title, severity, doc_url, resources, hint, service)


def resource_rule(
    code: str, title: str, severity: Severity, doc_url: str, resources: tuple[str, ...], hint: str
) -> Callable[[ResourceCheck], ResourceCheck]:
    """Register a check called with every block of ``resources`` (``data.x`` for data)."""

    def decorate(fn: ResourceCheck) -> ResourceCheck:
        meta = _meta(fn, code, title, severity, doc_url, resources, hint)
        _register(Rule(meta, resource_check=fn))
        return fn

    return decorate


def module_rule(
    code: str, title: str, severity: Severity, doc_url: str, resources: tuple[str, ...], hint: str
) -> Callable[[ModuleCheck], ModuleCheck]:
    """Register a check called once per module (for cross-resource rules)."""

    def decorate(fn: ModuleCheck) -> ModuleCheck:
        meta = _meta(fn, code, title, severity, doc_url, resources, hint)
        _register(Rule(meta, module_check=fn))
        return fn

    return decorate


def registered_rules() -> list[Rule]:
    return [_REGISTRY[code] for code in sorted(_REGISTRY)]


# --------------------------------------------------------------------------------------
# Context: one module's documents, with literal resolution through locals
# --------------------------------------------------------------------------------------

_MAX_LOCAL_DEPTH = 8
_LOCAL_RE = re.compile(r"local\.[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*|\[\d+\]|\[\"[^\"]*\"\])*")
_NOT_RESOURCES = frozenset(
    {"var", "local", "module", "each", "count", "self", "path", "terraform", "ephemeral"}
)


@dataclass
class Context:
    """A module (the documents of one directory) as rules see it."""

    docs: list[HclDocument]
    today: date = field(default_factory=date.today)

    def __post_init__(self) -> None:
        self._by_type: dict[str, list[Block]] = defaultdict(list)
        self._by_address: dict[str, Block] = {}
        self._locals: dict[str, Attribute] = {}
        for doc in self.docs:
            self._locals.update(doc.locals())
            for block in doc.blocks:
                self._index(block)

    def _index(self, block: Block) -> None:
        if block.type == "resource":
            self._by_type[block.resource_type].append(block)
        elif block.type == "data":
            self._by_type["data." + block.resource_type].append(block)
        self._by_address.setdefault(block.address, block)

    def blocks(self, type_: str) -> list[Block]:
        """Resources of a type (``aws_sqs_queue``) or data sources (``data.aws_x``)."""
        return list(self._by_type.get(type_, []))

    def by_address(self, address: str) -> Block | None:
        return self._by_address.get(address)

    def referenced(self, value: HclValue | None, *types: str) -> Block | None:
        """The resource a value refers to when it is one traversal (``aws_x.y.arn``)."""
        if value is None:
            return None
        ref = value.traversal()
        if ref is None:
            return None
        block = self._by_address.get(referenced_address(ref))
        if block is None or (types and block.resource_type not in types):
            return None
        return block

    def referenced_type(self, value: HclValue | None) -> str | None:
        """The resource type a one-traversal value names (``aws_x.y.arn`` -> ``aws_x``),
        whether or not the resource is declared in this module."""
        ref = value.traversal() if value is not None else None
        if ref is None:
            return None
        head = referenced_address(ref).split(".")
        if head[0] == "data" and len(head) == 3:
            return "data." + head[1]
        return head[0] if len(head) == 2 and head[0] not in _NOT_RESOURCES else None

    # ---- values -------------------------------------------------------------------

    def value(self, block: Block, name: str) -> HclValue | None:
        """An attribute's value, following ``local.x`` to a literal where it can."""
        attr = block.attributes.get(name)
        return self.resolve(attr.value) if attr is not None else None

    def resolve(self, value: HclValue, depth: int = 0) -> HclValue:
        ref = value.traversal()
        if ref is None or not ref.startswith("local.") or depth > _MAX_LOCAL_DEPTH:
            return value
        name, *path = re.split(r"\.|\[", ref[len("local.") :])
        local = self._locals.get(name)
        if local is None:
            return value
        resolved = self.resolve(local.value, depth + 1)
        return _navigate(resolved, path) or value

    def resolve_partial(self, value: Any) -> Any:
        """Replace ``Unknown`` leaves that are ``local.*`` traversals by their literals."""
        if isinstance(value, Unknown) and _LOCAL_RE.fullmatch(value.raw):
            ref = HclValue(value.raw, "reference", value, refs=(value.raw,))
            resolved = self.resolve(ref)
            return resolved.value if resolved.is_literal else value
        if isinstance(value, list):
            return [self.resolve_partial(v) for v in value]
        if isinstance(value, dict):
            return {k: self.resolve_partial(v) for k, v in value.items()}
        return value

    def literal(self, block: Block, name: str) -> Any:
        """The literal Python value of an attribute, ``None`` if absent or unknown."""
        value = self.value(block, name)
        return value.value if value is not None and value.is_literal else None

    def string(self, block: Block, name: str) -> str | None:
        value = self.value(block, name)
        return value.as_str() if value is not None else None

    def number(self, block: Block, name: str) -> float | None:
        value = self.value(block, name)
        return value.as_number() if value is not None else None

    def integer(self, block: Block, name: str) -> int | None:
        value = self.value(block, name)
        return value.as_int() if value is not None else None

    def boolean(self, block: Block, name: str) -> bool | None:
        value = self.value(block, name)
        return value.as_bool() if value is not None else None

    def is_known(self, block: Block, name: str) -> bool:
        """The attribute is absent (provider default applies) or a literal."""
        value = self.value(block, name)
        return value is None or value.is_literal


def _navigate(value: HclValue, path: list[str]) -> HclValue | None:
    """Follow ``.key`` steps of a ``local.x.key`` traversal into a literal object."""
    current: Any = value.partial
    for step in path:
        key = step.rstrip("]").strip('"')
        if isinstance(current, dict) and key in current:
            current = current[key]
        elif isinstance(current, list) and key.isdigit() and int(key) < len(current):
            current = current[int(key)]
        else:
            return None
    if isinstance(current, Unknown):
        return None
    if current is value.partial:
        return value
    return HclValue(value.raw, "literal" if not _has_unknown(current) else "collection", current)


def _has_unknown(value: Any) -> bool:
    if isinstance(value, Unknown):
        return True
    if isinstance(value, list):
        return any(_has_unknown(v) for v in value)
    if isinstance(value, dict):
        return any(_has_unknown(v) for v in value.values())
    return False


# --------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------


def run_registered(docs: list[HclDocument], today: date | None = None) -> list[Finding]:
    """Run every registered rule on the documents, one module (directory) at a time."""
    findings: list[Finding] = []
    for module_docs in _modules(docs):
        ctx = Context(module_docs, today or date.today())
        ignores = _ignores(module_docs)
        for rule in registered_rules():
            for issue in _issues(rule, ctx):
                finding = _finding(rule.meta, issue)
                if not _ignored(finding, ignores):
                    findings.append(finding)
    unique = {(f.code, f.message, f.location): f for f in findings}
    return sorted(unique.values(), key=Finding.sort_key)


def _modules(docs: list[HclDocument]) -> list[list[HclDocument]]:
    groups: dict[str, list[HclDocument]] = defaultdict(list)
    for doc in docs:
        groups[str(PurePath(doc.filename).parent)].append(doc)
    return [groups[key] for key in sorted(groups)]


def _issues(rule: Rule, ctx: Context) -> Iterator[Issue]:
    try:
        if rule.module_check is not None:
            yield from rule.module_check(ctx)
        if rule.resource_check is not None:
            for type_ in rule.meta.resource_types:
                for block in ctx.blocks(type_):
                    yield from rule.resource_check(block, ctx)
    except (TypeError, ValueError, KeyError, AttributeError, IndexError) as exc:
        message = f"rule {rule.meta.code} failed: {type(exc).__name__}: {exc}"
        raise InternalError("RULE001", message, Location("")) from exc


def _finding(meta: RuleMeta, issue: Issue) -> Finding:
    target = issue.at if issue.at is not None else issue.resource
    location = HclLocation(
        issue.resource.filename, target.line, target.column, issue.resource.address
    )
    return Finding(
        layer=LAYER,
        severity=issue.severity or meta.severity,
        code=meta.code,
        message=issue.message,
        location=location,
        hint=issue.hint or meta.hint,
        doc_url=meta.doc_url,
        extra={"title": meta.title},
    )


_IGNORE_RE = re.compile(r"(?:#|//)\s*tfgen-ignore:\s*([A-Za-z0-9_, ]+)")


def _ignores(docs: list[HclDocument]) -> dict[tuple[str, int], set[str]]:
    found: dict[tuple[str, int], set[str]] = {}
    for doc in docs:
        for number, line in enumerate(doc.source.split("\n"), start=1):
            match = _IGNORE_RE.search(line)
            if match:
                codes = {c.strip().upper() for c in match.group(1).split(",") if c.strip()}
                found[(doc.filename, number)] = codes
    return found


def _ignored(finding: Finding, ignores: dict[tuple[str, int], set[str]]) -> bool:
    loc = finding.location
    if loc is None or not ignores:
        return False
    for line in (loc.line, loc.line - 1):
        if finding.code in ignores.get((loc.file, line), set()):
            return True
    return False
