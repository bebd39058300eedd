"""Report each problem once, from the layer that explains it best.

* terraform validate repeats what the offline layers derive from the same sources: the
  provider schema (unknown arguments, missing ones, too many blocks, deprecations), the
  references of the module, and the provider's value checks on an attribute a rule already
  flagged (with a hint).  Those diagnostics are dropped when the layer that covers them ran;
  any other terraform diagnostic is kept, whatever else shares its line.
* a rule and the schema layer can flag the same deprecated or 6.x-removed argument; the
  schema finding stays and takes the rule's more specific hint and documentation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from tfgen.check.findings import Finding

SCHEMA_ECHOES = (
    "TF-unsupported-argument",
    "TF-unsupported-block-type",
    "TF-missing-required-",
    "TF-invalid-resource-type",
    "TF-invalid-data-source",
    "TF-too-many-",
    "TF-insufficient-",
    "TF-value-for-unconfigurable-attribute",
    "TF-argument-is-deprecated",
    "TF-deprecated-",
)
REFERENCE_ECHOES = ("TF-reference-to-undeclared",)
# The provider's own value checks ("expected x to be in the range ...") restate a rule
# finding on the same attribute.
VALUE_ECHO = re.compile(r"^TF-(expected-|invalid-value|.*-isn-t-a-valid-|.*-must-be-)")
_QUOTED = re.compile(r'"([^"]+)"')

Place = tuple[str, int]


def _place(finding: Finding) -> Place | None:
    loc = finding.location
    return (loc.file, loc.line) if loc is not None and loc.file else None


def _echoes_reference(finding: Finding, explained: Mapping[str, list[str]]) -> bool:
    """Whether a consistency finding in the same file names what terraform quotes
    (``explained``: the consistency messages by file)."""
    names = _QUOTED.findall(finding.message)
    file = finding.location.file if finding.location else ""
    return any(n in message for message in explained.get(file, ()) for n in names)


def _terraform_echo(
    finding: Finding, ran: Sequence[str], offline: set[Place], consistency: Mapping[str, list[str]]
) -> bool:
    if finding.layer != "terraform":
        return False
    if "schema" in ran and finding.code.startswith(SCHEMA_ECHOES):
        return True
    if finding.code.startswith(REFERENCE_ECHOES) and _echoes_reference(finding, consistency):
        return True
    return bool(VALUE_ECHO.match(finding.code)) and _place(finding) in offline


def _merge_rules_into_schema(findings: list[Finding]) -> list[Finding]:
    rules = {p: f for f in findings if f.layer == "rules" and (p := _place(f)) is not None}
    merged: list[Finding] = []
    absorbed: set[int] = set()
    for found in findings:
        place = _place(found)
        rule = rules.get(place) if place is not None else None
        upgrade = found.code == "SCH005" or found.code.startswith("UPG")
        if found.layer == "schema" and upgrade and rule is not None:
            merged.append(
                replace(found, hint=rule.hint or found.hint, doc_url=rule.doc_url or found.doc_url)
            )
            absorbed.add(id(rule))
        else:
            merged.append(found)
    return [f for f in merged if id(f) not in absorbed]


def once(findings: list[Finding], ran: Sequence[str]) -> list[Finding]:
    """The findings with every repeated report of one problem removed."""
    offline = {p for f in findings if f.layer == "rules" and (p := _place(f)) is not None}
    consistency: dict[str, list[str]] = {}  # by file: one lookup per terraform finding
    for found in findings:
        if found.layer == "consistency" and found.location is not None:
            consistency.setdefault(found.location.file, []).append(found.message)
    kept = [f for f in findings if not _terraform_echo(f, ran, offline, consistency)]
    return _merge_rules_into_schema(kept)
