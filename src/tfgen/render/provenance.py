"""Provenance: which spec value produced each line of the generated tree.

Templates mark entity sections with ``# spec: <dotted path>`` comments (for example
``# spec: services.order-service``); a marker applies to the lines after it until the
next marker.  Lines before the first marker belong to the module's own spec section.
tfvars lines map through the table in :mod:`tfgen.render.context`.  Resolving a path
to ``file:line:col`` is the loader's :class:`~tfgen.spec.loader.Source` job.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from tfgen.render.context import SERVICE_VALUE_SOURCES, TFVARS_SOURCES

SpecPath = tuple[str, ...]

MARKER = re.compile(r"^\s*# spec: (?P<path>[a-z_]+(?:\.[A-Za-z0-9_-]+)*)")
MODULE_SECTIONS: dict[str, SpecPath] = {
    "network": ("network",),
    "security": ("secrets",),
    "ecr": ("services",),
    "ingress": ("ingress",),
    "waf": ("ingress", "waf"),
    "ecs": ("services",),
}
ROOT_SECTION: SpecPath = ("platform",)
_TFVARS_TOP = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*=")
_TFVARS_ENTITY = re.compile(r'^  "(?P<entity>[^"]+)"\s*=')
_TFVARS_FIELD = re.compile(r"^    (?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*=")


@dataclass
class Provenance:
    """Per file: sorted (first line, spec path) spans."""

    spans: dict[str, list[tuple[int, SpecPath]]] = field(default_factory=dict)

    def path_at(self, file: str, line: int) -> SpecPath | None:
        spans = self.spans.get(file)
        if not spans:
            return None
        index = bisect.bisect_right([start for start, _ in spans], max(line, 1)) - 1
        return spans[index][1] if index >= 0 else None


def default_section(file: str) -> SpecPath:
    parts = file.split("/")
    if len(parts) >= 3 and parts[0] == "modules":
        return MODULE_SECTIONS.get(parts[1], ROOT_SECTION)
    return ROOT_SECTION


def _hcl_spans(file: str, text: str) -> list[tuple[int, SpecPath]]:
    spans = [(1, default_section(file))]
    for number, line in enumerate(text.splitlines(), start=1):
        match = MARKER.match(line)
        if match:
            spans.append((number, tuple(match.group("path").split("."))))
    return spans


def _tfvars_spans(text: str) -> list[tuple[int, SpecPath]]:
    spans: list[tuple[int, SpecPath]] = [(1, ())]
    top: SpecPath = ()
    entity: SpecPath = ()
    for number, line in enumerate(text.splitlines(), start=1):
        if m := _TFVARS_TOP.match(line):
            top = TFVARS_SOURCES.get(m.group("name"), ())
            entity = top
            spans.append((number, top))
        elif (m := _TFVARS_ENTITY.match(line)) and top == ("services",):
            entity = (*top, m.group("entity"))
            spans.append((number, entity))
        elif (m := _TFVARS_FIELD.match(line)) and len(entity) == 2:
            suffix = SERVICE_VALUE_SOURCES.get(m.group("name"), ())
            spans.append((number, (*entity, *suffix)))
    return spans


def build_provenance(files: Mapping[str, str]) -> Provenance:
    prov = Provenance()
    for file, text in sorted(files.items()):
        if file.endswith(".tfvars"):
            prov.spans[file] = _tfvars_spans(text)
        elif file.endswith(".tf"):
            prov.spans[file] = _hcl_spans(file, text)
    return prov
