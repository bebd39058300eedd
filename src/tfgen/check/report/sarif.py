"""SARIF 2.1.0 report, for code-scanning UIs (GitHub code scanning and others).

One run. A finding mapped to the spec is reported at its YAML position (the file a person
edits), with the generated Terraform as a related location carrying the resource address;
an unmapped finding is reported at its Terraform position. Rules are listed for the codes
that occur. ``partialFingerprints`` hash the code, file, address and message (never line
numbers), so code scanning keeps tracking an alert when lines move.

GitHub specifics honoured here: every result has a physical location (GitHub rejects the
whole file otherwise), ``region.startLine`` is always >= 1, and paths are relative URIs
against ``%SRCROOT%`` (the directory tfgen ran in, i.e. the repository root in CI).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote, urlsplit

from tfgen.check.findings import Finding, HclLocation, Severity
from tfgen.check.report.model import Report, RuleInfo, hcl_position, primary_file

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "tfgenFindingHash/v1"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_LINK_LIKE = re.compile(r"\[([^\[\]]*)\]\(")

Json = dict[str, Any]


def is_absolute_uri(text: str) -> bool:
    parts = urlsplit(text.strip())
    return parts.scheme in {"http", "https"} and bool(parts.netloc) and " " not in text.strip()


def relative_uri(path: str) -> str:
    """A relative file path as a URI reference (``/`` separators, percent-encoded)."""
    posix = path.replace("\\", "/")
    while posix.startswith("./"):
        posix = posix[2:]
    uri = quote(posix, safe="/")
    first = uri.split("/", 1)[0]
    return f"./{uri}" if ":" in first else uri


def _plain(text: str) -> str:
    """Message text with ``[x](y)`` escaped so SARIF viewers don't take it for a link."""
    return _LINK_LIKE.sub(lambda m: "\\[" + m.group(1) + "\\](", text)


def _region(line: int, column: int) -> Json:
    region: Json = {"startLine": max(line, 1)}
    if column >= 1 and line >= 1:
        region["startColumn"] = column
    return region


def _artifact(file: str) -> Json:
    """A path relative to where tfgen ran, or a ``file://`` URI for an absolute path (as
    ``tfgen lint /abs/path`` reports it)."""
    path = PurePosixPath(file.replace("\\", "/"))
    if path.is_absolute():
        return {"uri": path.as_uri()}
    return {"uri": relative_uri(file), "uriBaseId": SRCROOT}


def _physical(file: str, line: int, column: int) -> Json:
    return {"artifactLocation": _artifact(file), "region": _region(line, column)}


def address_kind(address: str) -> str:
    """SARIF logical-location kind of a Terraform address."""
    last = re.sub(r"^(module\.[^.]+\.)+", "", address)
    if last.startswith(("var.", "local.", "output.")):
        return "variable"
    return "module" if last.startswith("module.") or last == "" else "resource"


def _logical(address: str) -> list[Json]:
    return [{"fullyQualifiedName": address, "kind": address_kind(address)}] if address else []


def _hcl_location(loc: HclLocation) -> Json:
    location: Json = {"physicalLocation": _physical(loc.file, loc.line, loc.column)}
    logical = _logical(loc.address)
    if logical:
        location["logicalLocations"] = logical
    return location


def _related(loc: HclLocation) -> Json:
    location = _hcl_location(loc)
    location["id"] = 0
    location["message"] = {"text": f"generated Terraform: {hcl_position(loc)}"}
    return location


def _primary(f: Finding, anchor: str) -> Json:
    if f.spec_location is not None:
        spec = f.spec_location
        return {"physicalLocation": _physical(spec.file, spec.line, spec.column)}
    if f.location is not None:
        return _hcl_location(f.location)
    return {"physicalLocation": _physical(anchor, 1, 0)}


def message_text(f: Finding) -> str:
    parts = [f.message.strip() or f.code]
    if f.hint.strip():
        parts.append(f"hint: {f.hint.strip()}")
    if f.spec_location is not None and f.location is not None:
        parts.append(f"generated: {hcl_position(f.location)}")
    return _plain("\n".join(parts))


def fingerprint(f: Finding, occurrence: int) -> str:
    """Stable across commits: code, file, address and message; no line numbers."""
    address = f.location.address if f.location is not None else ""
    key = "\x00".join((f.code, primary_file(f), address, " ".join(f.message.split())))
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return f"{digest}:{occurrence}"


def _fingerprints(findings: list[Finding]) -> list[str]:
    seen: Counter[str] = Counter()
    prints: list[str] = []
    for f in findings:
        base = fingerprint(f, 1)
        seen[base] += 1
        prints.append(fingerprint(f, seen[base]))
    return prints


def rule_descriptor(rule: RuleInfo) -> Json:
    title = rule.title.strip() or rule.id
    full = f"{title}\n\n{rule.help.strip()}" if rule.help.strip() else title
    descriptor: Json = {
        "id": rule.id,
        "name": rule.friendly_name,
        "shortDescription": {"text": title},
        "fullDescription": {"text": full},
        "help": {"text": rule.help.strip() or title},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": sorted({"tfgen", rule.layer or "tfgen"})},
    }
    if is_absolute_uri(rule.help_uri):
        descriptor["helpUri"] = rule.help_uri.strip()
    return descriptor


def _rules(report: Report, findings: list[Finding]) -> list[RuleInfo]:
    first: dict[str, Finding] = {}
    for f in findings:
        first.setdefault(f.code, f)
    return [report.rule_for(first[code]) for code in sorted(first)]


def _result(f: Finding, index: int, anchor: str, print_: str) -> Json:
    result: Json = {
        "ruleId": f.code,
        "ruleIndex": index,
        "level": LEVELS[f.severity],
        "message": {"text": message_text(f)},
        "locations": [_primary(f, anchor)],
        "partialFingerprints": {FINGERPRINT_KEY: print_},
        "properties": {"layer": f.layer},
    }
    if f.spec_location is not None and f.location is not None:
        result["relatedLocations"] = [_related(f.location)]
    return result


def _anchor(report: Report, findings: list[Finding]) -> str:
    """Where results without any location are attached (GitHub needs a file)."""
    if report.anchor_file:
        return report.anchor_file
    return next((primary_file(f) for f in findings if primary_file(f)), "specs")


def _driver(report: Report, rules: list[RuleInfo]) -> Json:
    driver: Json = {"name": "tfgen", "rules": [rule_descriptor(r) for r in rules]}
    if report.tool_version:
        driver["version"] = report.tool_version
    if is_absolute_uri(report.information_uri):
        driver["informationUri"] = report.information_uri.strip()
    return driver


def _invocation(report: Report) -> Json:
    notes = [
        {"level": "note", "message": {"text": f"layer {layer!r} was skipped"}}
        for layer in report.layers_skipped
    ]
    invocation: Json = {"executionSuccessful": True}
    if notes:
        invocation["toolExecutionNotifications"] = notes
    return invocation


def _run_properties(report: Report) -> Json:
    summary = report.summary()
    return {
        "layersRun": list(report.layers_run),
        "layersSkipped": list(report.layers_skipped),
        "environments": list(report.environments),
        "baselineSuppressed": report.baseline_suppressed,
        "failOn": report.fail_on.label,
        "failed": summary.failed,
    }


def sarif_log(report: Report) -> Json:
    findings = report.sorted_findings()
    rules = _rules(report, findings)
    index = {rule.id: i for i, rule in enumerate(rules)}
    anchor = _anchor(report, findings)
    results = [
        _result(f, index[f.code], anchor, p)
        for f, p in zip(findings, _fingerprints(findings), strict=True)
    ]
    run: Json = {
        "tool": {"driver": _driver(report, rules)},
        "originalUriBaseIds": {
            SRCROOT: {"description": {"text": "The directory tfgen ran in (the project root)."}}
        },
        "columnKind": "unicodeCodePoints",
        "invocations": [_invocation(report)],
        "results": results,
        "properties": _run_properties(report),
    }
    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def render_sarif(report: Report) -> str:
    return json.dumps(sarif_log(report), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
