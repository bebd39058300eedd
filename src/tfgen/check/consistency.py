"""The consistency layer: the rendered tree against the spec and against itself.

* every spec entity produced its resources, and nothing was generated for an entity
  the spec does not define: for each kind in the registry (:mod:`tfgen.render.kinds`),
  each module it is placed in has its entity map (``local.<name>``) with exactly the
  spec's entities, and one resource block per expected resource, ``for_each`` over it;
* every reference resolves (variables, locals, resources, module inputs/outputs);
* every tfvars key is a declared root variable, every required variable is set, and
  each value has the declared type.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Mapping

from tfgen.check.findings import Finding, HclLocation, Severity
from tfgen.check.references import LAYER, Module, check_references
from tfgen.check.tftypes import TypeSyntaxError, parse_type, type_errors
from tfgen.hcl import Attribute, Block, HclDocument, parse_hcl
from tfgen.render.kinds import KINDS, EntityKind, Placement, module_present, placements
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


def _module_docs(docs: Mapping[str, HclDocument], module: str) -> list[HclDocument]:
    folder = f"modules/{module}/"
    return [d for p, d in docs.items() if p.startswith(folder) and p.endswith(".tf")]


def _entity_map(mdocs: list[HclDocument], local: str) -> tuple[Attribute, HclDocument] | None:
    for doc in mdocs:
        attr = doc.locals().get(local)
        if attr is not None:
            return attr, doc
    return None


def _iterates(block: Block, local: str) -> bool:
    """The block is ``for_each = local.<local>`` (exactly: checkov expands only that)."""
    value = block.value("for_each")
    return value is not None and value.traversal() == f"local.{local}"


def _con(code: str, message: str, where: HclLocation, hint: str) -> Finding:
    return Finding(LAYER, Severity.ERROR, code, message, where, hint=hint)


_BUG = "a template lost this entity's resources (tfgen bug)"


def _map_coverage(
    platform: Platform, kind: EntityKind, placement: Placement, mdocs: list[HclDocument]
) -> Iterator[Finding]:
    folder = f"modules/{placement.module}"
    for emap in placement.maps:
        local = emap.local
        found = _entity_map(mdocs, local)
        if found is None:
            where = HclLocation(f"{folder}/{placement.local}.tf")
            yield _con("CON001", f"{folder} has no local.{local} (one entry per "
                       f"{kind.section} entity)", where, _BUG)  # fmt: skip
            continue
        attr, doc = found
        keys = set(attr.value.as_dict() or {})
        expected = set(kind.placed(platform, placement, emap))
        where = HclLocation(doc.filename, attr.line, attr.column, f"local.{local}")
        for name in sorted(expected - keys):
            yield _con("CON001", f"{kind.section}.{name} is missing from local.{local} in "
                       f"{folder}: it gets none of those resources", where, _BUG)  # fmt: skip
        for name in sorted(keys - expected):
            yield _con("CON002", f"local.{local} in {folder} has an entry for {kind.section}."
                       f"{name}, which the spec does not define there", where,
                       "remove the stale entry (tfgen bug)")  # fmt: skip
    # A resource only some entities get may be left out while none does (e.g. ECS Exec).
    empty = {m.local for m in placement.maps[1:] if not kind.placed(platform, placement, m)}
    yield from _block_coverage(kind, placement, mdocs, empty)


def _block_coverage(
    kind: EntityKind, placement: Placement, mdocs: list[HclDocument], empty: set[str]
) -> Iterator[Finding]:
    blocks = {
        (b.type, b.resource_type, b.name): b
        for doc in mdocs
        for b in (*doc.resources(), *doc.data_sources())
    }
    folder = f"modules/{placement.module}"
    for resource in placement.resources:
        local = placement.map_of(resource).local
        block = blocks.get(("data" if resource.data else "resource", resource.type, resource.name))
        if (block is not None and _iterates(block, local)) or (block is None and local in empty):
            continue
        where = HclLocation(f"{folder}/main.tf")
        if block is not None:
            where = HclLocation(block.filename, block.line, block.column, block.address)
        yield _con(
            "CON001",
            f"{folder} has no {resource.type}.{resource.name} with for_each = local.{local}: "
            f"{kind.section} entities get no {resource.type}",
            where,
            "a template lost this kind's resources (tfgen bug)",
        )


def _coverage(
    platform: Platform, docs: Mapping[str, HclDocument], kinds: tuple[EntityKind, ...]
) -> Iterator[Finding]:
    for kind, placement in placements(kinds):
        if module_present(platform, placement.module, kinds):
            mdocs = _module_docs(docs, placement.module)
            yield from _map_coverage(platform, kind, placement, mdocs)


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
        findings.extend(_coverage(platform, docs, kinds))
    return sorted(findings, key=Finding.sort_key)
