"""The consistency layer: the rendered tree against the spec and against itself.

* every spec entity produced its resources, and nothing was generated for an entity
  the spec does not define (through the ``# spec:`` provenance markers);
* every reference resolves (variables, locals, resources, module inputs/outputs);
* every tfvars key is a declared root variable, every required variable is set, and
  each value has the declared type.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Mapping

from tfgen.check.findings import Finding, HclLocation, Severity
from tfgen.check.hcldoc import Block, HclDocument, parse_hcl
from tfgen.check.references import LAYER, Module, check_references
from tfgen.check.tftypes import TypeSyntaxError, parse_type, type_errors
from tfgen.render.kinds import KINDS, EntityKind, placements
from tfgen.render.provenance import build_provenance
from tfgen.spec.model import Platform


def parse_tree(files: Mapping[str, str]) -> dict[str, HclDocument]:
    return {
        path: parse_hcl(text, path)
        for path, text in sorted(files.items())
        if path.endswith((".tf", ".tfvars"))
    }


def modules_of(docs: Mapping[str, HclDocument]) -> dict[str, Module]:
    grouped: dict[str, list[HclDocument]] = {}
    for path, doc in docs.items():
        if path.endswith(".tf"):
            grouped.setdefault(posixpath.dirname(path), []).append(doc)
    return {folder: Module.of(folder, group) for folder, group in sorted(grouped.items())}


def _produced(
    files: Mapping[str, str], docs: Mapping[str, HclDocument], kinds: tuple[EntityKind, ...]
) -> dict[tuple[str, str, str], set[str]]:
    """(module, section, entity) -> resource types found under that entity's marker."""
    provenance = build_provenance(files, kinds)
    produced: dict[tuple[str, str, str], set[str]] = {}
    for path, doc in docs.items():
        parts = path.split("/")
        if len(parts) != 3 or parts[0] != "modules":
            continue
        for block in doc.resources():
            spec = provenance.path_at(path, block.line)
            if spec is not None and len(spec) == 2:
                produced.setdefault((parts[1], spec[0], spec[1]), set()).add(block.resource_type)
    return produced


def _coverage(
    platform: Platform,
    files: Mapping[str, str],
    docs: Mapping[str, HclDocument],
    kinds: tuple[EntityKind, ...],
) -> Iterator[Finding]:
    produced = _produced(files, docs, kinds)
    for kind, placement in placements(kinds):
        module = placement.module
        for name, entity in kind.placed(platform, placement).items():
            expected = {r.type for r in placement.resources if not r.data and r.when(entity)}
            missing = expected - produced.get((module, kind.section, name), set())
            if missing:
                yield Finding(
                    LAYER,
                    Severity.ERROR,
                    "CON001",
                    f"{kind.section}.{name} produced no {', '.join(sorted(missing))} in "
                    f"modules/{module}",
                    HclLocation(f"modules/{module}/main.tf"),
                    hint="a template lost this entity's resources (tfgen bug)",
                )
    defined = {k.section: set(k.entities(platform)) for k in kinds}
    for module, section, name in sorted(produced):
        if name not in defined.get(section, {name}):
            yield Finding(
                LAYER,
                Severity.ERROR,
                "CON002",
                f"modules/{module} has resources for {section}.{name}, which the spec "
                "does not define",
                HclLocation(f"modules/{module}/main.tf"),
                hint="remove the stale resources (tfgen bug)",
            )


def _tfvars_findings(doc: HclDocument, root: Module) -> Iterator[Finding]:
    for name, attr in sorted(doc.attributes.items()):
        location = HclLocation(doc.filename, attr.line, attr.column, f"var.{name}")
        variable = root.variables.get(name)
        if variable is None:
            yield Finding(
                LAYER,
                Severity.ERROR,
                "CON009",
                f"{name} is not a declared variable",
                location,
                hint="declare it in variables.tf or remove it",
            )
            continue
        yield from _type_findings(variable, attr.value.value, location)
    for name, variable in sorted(root.variables.items()):
        if "default" not in variable.attributes and name not in doc.attributes:
            yield Finding(
                LAYER,
                Severity.ERROR,
                "CON010",
                f"required variable {name} is not set",
                HclLocation(doc.filename, 1, 1),
                hint=f"set {name} in the tfvars",
            )


def _type_findings(variable: Block, value: object, location: HclLocation) -> Iterator[Finding]:
    declared = variable.value("type")
    if declared is None:
        return
    try:
        constraint = parse_type(declared.raw)
    except TypeSyntaxError as exc:
        yield Finding(
            LAYER,
            Severity.WARNING,
            "CON012",
            f"cannot read the type of var.{variable.name}: {exc}",
            location,
        )
        return
    for error in type_errors(constraint, value, location.address):
        yield Finding(
            LAYER,
            Severity.ERROR,
            "CON011",
            f"wrong type: {error}",
            location,
            hint=f"the variable is {constraint.describe()}",
        )


def check_consistency(
    platform: Platform | None, files: Mapping[str, str], kinds: tuple[EntityKind, ...] = KINDS
) -> list[Finding]:
    """Consistency findings for a rendered tree (``platform`` None: skip spec coverage)."""
    docs = parse_tree(files)
    modules = modules_of(docs)
    findings = check_references(modules)
    root = modules.get("")
    if root is not None:
        for path, doc in docs.items():
            if path.endswith(".tfvars"):
                findings.extend(_tfvars_findings(doc, root))
    if platform is not None:
        findings.extend(_coverage(platform, files, docs, kinds))
    return sorted(findings, key=Finding.sort_key)
