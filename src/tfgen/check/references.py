"""Reference checks on a tree of Terraform modules (no provider knowledge needed).

Every ``var.x`` and ``local.x`` is declared, every resource / data source / module a
module references exists in that module, module calls pass only variables the child
declares and every variable it requires, and ``module.m.out`` names a declared
output.  Works on any tree of local modules (``source = "./..."``).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from tfgen.check.findings import Finding, HclLocation, Severity
from tfgen.hcl import Block, HclDocument

LAYER = "consistency"
_RESOURCE_ROOT = re.compile(
    r"^(aws|awscc|random|null|tls|time|archive|local|terraform)_[a-z0-9_]+$"
)
_FORMER_ADDRESSES = frozenset({"moved", "removed"})
_META_ARGS = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})


@dataclass
class Module:
    """The declarations of one module directory."""

    path: str
    docs: list[HclDocument]
    variables: dict[str, Block] = field(default_factory=dict)
    outputs: dict[str, Block] = field(default_factory=dict)
    locals: set[str] = field(default_factory=set)
    resources: set[str] = field(default_factory=set)
    data: set[str] = field(default_factory=set)
    calls: dict[str, Block] = field(default_factory=dict)

    @classmethod
    def of(cls, path: str, docs: list[HclDocument]) -> Module:
        module = cls(path, docs)
        for doc in docs:
            module.locals.update(doc.locals())
            for block in doc.blocks:
                module._declare(block)
        return module

    def _declare(self, block: Block) -> None:
        if block.type == "variable":
            self.variables[block.name] = block
        elif block.type == "output":
            self.outputs[block.name] = block
        elif block.type == "resource":
            self.resources.add(block.address)
        elif block.type == "data":
            self.data.add(".".join(block.labels))
        elif block.type == "module":
            self.calls[block.name] = block


def _finding(
    code: str, message: str, block: Block, line: int, hint: str, column: int = 1
) -> Finding:
    return Finding(
        LAYER,
        Severity.ERROR,
        code,
        message,
        HclLocation(block.filename, line, column, block.address),
        hint=hint,
    )


def _refs(block: Block, bound: frozenset[str] = frozenset()) -> Iterator[tuple[str, int, int]]:
    """The traversals a block uses, except those rooted at a name an enclosing
    ``dynamic`` block binds (its iterator: the block's label, or ``iterator = name``)."""
    inner = bound
    if block.type == "dynamic" and block.labels:
        inner = bound | {_iterator(block)}
    for name, attr in block.attributes.items():
        if name == "from" and block.type in _FORMER_ADDRESSES:
            continue  # the old address of a moved or removed object is not declared any more
        scope = inner if name == "labels" else bound  # for_each is evaluated outside
        for ref in attr.value.references():
            if ref.split(".", 1)[0].split("[", 1)[0] not in scope:
                yield ref, attr.line, attr.column
    for nested in block.blocks:
        yield from _refs(nested, inner)


def _iterator(dynamic: Block) -> str:
    named = dynamic.value("iterator")
    return named.raw.strip() if named is not None else dynamic.labels[0]


_NAMES = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*")


def names(ref: str) -> list[str]:
    """The dotted names of a traversal, up to its first index: ``var.m["k"].x`` -> var, m."""
    match = _NAMES.match(ref)
    return match.group(0).split(".") if match else []


def _missing(module: Module, parts: list[str]) -> tuple[str, str, str] | None:
    """(code, what, hint) when the traversal names something the module lacks."""
    if len(parts) < 2:
        return None
    root, name = parts[0], parts[1]
    data = f"{name}.{parts[2]}" if len(parts) > 2 else None
    checks = (
        (
            root == "var",
            name in module.variables,
            "CON003",
            f"var.{name} is not declared",
            f"declare variable {name!r}",
        ),
        (
            root == "local",
            name in module.locals,
            "CON004",
            f"local.{name} is not defined",
            "define it in a locals block",
        ),
        (
            root == "module",
            name in module.calls,
            "CON005",
            f"module.{name} is not called in this module",
            "add the module block",
        ),
        (
            root == "data" and data is not None,
            data in module.data,
            "CON005",
            f"data.{data} is not declared in this module",
            "declare the data source",
        ),
        (
            bool(_RESOURCE_ROOT.match(root)),
            f"{root}.{name}" in module.resources,
            "CON005",
            f"{root}.{name} is not declared in this module",
            "declare the resource",
        ),
    )
    for applies, present, code, message, hint in checks:
        if applies and not present:
            return code, message, hint
    return None


def _check_ref(module: Module, block: Block, ref: str, line: int, column: int) -> Finding | None:
    parts = names(ref)
    missing = _missing(module, parts) if parts else None
    if missing is None:
        return None
    code, message, hint = missing
    return _finding(code, message, block, line, f"{hint} or fix the reference", column)


def _module_dir(caller: str, source: str) -> str:
    return (
        posixpath.normpath(posixpath.join(caller, source)) if caller else posixpath.normpath(source)
    )


def _check_call(call: Block, child: Module) -> Iterator[Finding]:
    for name, attr in sorted(call.attributes.items()):
        if name not in _META_ARGS and name not in child.variables:
            yield _finding(
                "CON007",
                f"module {call.name!r} passes {name!r}, which {child.path} does not declare",
                call,
                attr.line,
                "remove the argument or declare the variable in the module",
            )
    for name, var in sorted(child.variables.items()):
        if "default" not in var.attributes and name not in call.attributes:
            yield _finding(
                "CON008",
                f"module {call.name!r} does not set required variable {name!r}",
                call,
                call.line,
                f"pass {name} = ... to the module",
            )


def _check_outputs(module: Module, modules: Mapping[str, Module]) -> Iterator[Finding]:
    for doc in module.docs:
        for block in doc.blocks:
            for ref, line, _column in _refs(block):
                parts = names(ref)
                if parts[0] != "module" or len(parts) < 3 or parts[1] not in module.calls:
                    continue
                child = modules.get(callee(module, parts[1]))
                if child is not None and parts[2] not in child.outputs:
                    yield _finding(
                        "CON006",
                        f"module.{parts[1]}.{parts[2]}: {child.path} has no output {parts[2]!r}",
                        block,
                        line,
                        "declare the output in the module or fix the reference",
                    )


def callee(module: Module, name: str) -> str:
    source = module.calls[name].value("source")
    text = source.as_str() if source is not None else None
    return _module_dir(module.path, text or "")


def check_references(modules: Mapping[str, Module]) -> list[Finding]:
    """All reference findings for a tree of modules keyed by their directory ('' = root)."""
    found: list[Finding] = []
    for module in modules.values():
        for doc in module.docs:
            for block in doc.blocks:
                found.extend(
                    f
                    for ref, line, column in _refs(block)
                    if (f := _check_ref(module, block, ref, line, column)) is not None
                )
        for name, call in sorted(module.calls.items()):
            child = modules.get(callee(module, name))
            if child is not None:
                found.extend(_check_call(call, child))
        found.extend(_check_outputs(module, modules))
    return found
