"""Provenance: which spec value produced each line of the generated tree.

Templates mark entity sections with ``# spec: <dotted path>`` comments (for example
``# spec: services.order-service`` before each entry of a module's entity map); a marker
applies to the lines after it until the next marker.  Lines before the first marker
belong to the module's own spec section.  A resource block ``for_each`` over an entity
map serves every entity: an instance address (``aws_ecs_service.this["order-service"]``,
as checkov reports it) maps to its entity through the kind registry
(:mod:`tfgen.render.kinds`).
tfvars lines map through the table in :mod:`tfgen.render.context`.  Resolving a path
to ``file:line:col`` is the loader's :class:`~tfgen.spec.loader.Source` job.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from tfgen.render.context import TFVARS_SOURCES
from tfgen.render.kinds import (
    KINDS,
    EntityKind,
    SpecPath,
    entity_of,
    module_section,
    tier_variables,
)

MARKER = re.compile(r"^\s*# spec: (?P<path>[a-z_]+(?:\.[A-Za-z0-9_-]+)*)")
ROOT_SECTION: SpecPath = ("platform",)
_TFVARS_TOP = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*=")
_TFVARS_ENTITY = re.compile(r'^  "(?P<entity>[^"]+)"\s*=')
_TFVARS_FIELD = re.compile(r"^    (?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*=")


@dataclass
class Provenance:
    """Per file: sorted (first line, spec path) spans; per instance address: its entity."""

    spans: dict[str, list[tuple[int, SpecPath]]] = field(default_factory=dict)
    kinds: tuple[EntityKind, ...] = KINDS

    def entity_at(self, file: str, address: str) -> SpecPath | None:
        """The entity of a ``for_each`` instance (``aws_x.this["order-service"]``, with or
        without ``module.<name>.``) of a resource in ``file``, from the kind registry."""
        parts = file.split("/")
        if len(parts) < 3 or parts[0] != "modules" or not address.endswith("]"):
            return None
        return entity_of(parts[1], address, self.kinds)

    def path_at(self, file: str, line: int) -> SpecPath | None:
        spans = self.spans.get(file)
        if not spans:
            return None
        index = bisect.bisect_right([start for start, _ in spans], max(line, 1)) - 1
        return spans[index][1] if index >= 0 else None


def default_section(file: str, kinds: tuple[EntityKind, ...] = KINDS) -> SpecPath:
    parts = file.split("/")
    if len(parts) >= 3 and parts[0] == "modules":
        return module_section(parts[1], kinds) or ROOT_SECTION
    return ROOT_SECTION


def _hcl_spans(file: str, text: str, kinds: tuple[EntityKind, ...]) -> list[tuple[int, SpecPath]]:
    spans = [(1, default_section(file, kinds))]
    for number, line in enumerate(text.splitlines(), start=1):
        match = MARKER.match(line)
        if match:
            spans.append((number, tuple(match.group("path").split("."))))
    return spans


def _tfvars_spans(text: str, kinds: tuple[EntityKind, ...]) -> list[tuple[int, SpecPath]]:
    """A top-level value maps to its source; in a per-entity map (``services = {...}``)
    an entry maps to the entity and each field to its spec path in the entity."""
    per_entity = tier_variables(kinds)
    spans: list[tuple[int, SpecPath]] = [(1, ())]
    kind: EntityKind | None = None
    entity: SpecPath = ()
    for number, line in enumerate(text.splitlines(), start=1):
        if m := _TFVARS_TOP.match(line):
            name = m.group("name")
            kind = per_entity.get(name)
            entity = (kind.section,) if kind else TFVARS_SOURCES.get(name, ())
            spans.append((number, entity))
        elif kind and (m := _TFVARS_ENTITY.match(line)):
            entity = (kind.section, m.group("entity"))
            spans.append((number, entity))
        elif kind and (m := _TFVARS_FIELD.match(line)) and len(entity) == 2:
            suffix = kind.tier_fields.get(m.group("name"), ())
            spans.append((number, (*entity, *suffix)))
    return spans


def build_provenance(files: Mapping[str, str], kinds: tuple[EntityKind, ...] = KINDS) -> Provenance:
    prov = Provenance(kinds=kinds)
    for file, text in sorted(files.items()):
        if file.endswith(".tfvars"):
            prov.spans[file] = _tfvars_spans(text, kinds)
        elif file.endswith(".tf"):
            prov.spans[file] = _hcl_spans(file, text, kinds)
    return prov
