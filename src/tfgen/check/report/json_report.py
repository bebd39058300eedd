"""Machine-readable report: a stable JSON document (schema: ``docs/report.schema.json``).

Deterministic: findings in a total order, keys sorted, 2-space indent, trailing newline.
Paths are exactly as the findings carry them (relative to the directory tfgen ran in).
"""

from __future__ import annotations

import json
from typing import Any

from tfgen.check.findings import Finding, HclLocation, SpecLocation
from tfgen.check.report.model import Report, Summary


def _location(loc: HclLocation | None) -> dict[str, Any] | None:
    if loc is None:
        return None
    return {"file": loc.file, "line": loc.line, "column": loc.column, "address": loc.address}


def _spec_location(spec: SpecLocation | None) -> dict[str, Any] | None:
    if spec is None:
        return None
    return {"file": spec.file, "line": spec.line, "column": spec.column}


def finding_to_json(f: Finding) -> dict[str, Any]:
    return {
        "layer": f.layer,
        "severity": f.severity.label,
        "code": f.code,
        "message": f.message,
        "hint": f.hint,
        "location": _location(f.location),
        "spec_location": _spec_location(f.spec_location),
        "doc_url": f.doc_url,
    }


def summary_to_json(report: Report, summary: Summary) -> dict[str, Any]:
    return {
        "total": summary.total,
        "by_severity": dict(summary.by_severity),
        "by_layer": dict(summary.by_layer),
        "baseline_suppressed": summary.baseline_suppressed,
        "fail_on": summary.fail_on.label,
        "failed": summary.failed,
        "tool_version": report.tool_version,
        "layers_run": list(report.layers_run),
        "layers_skipped": list(report.layers_skipped),
        "environments": list(report.environments),
    }


def report_to_json(report: Report) -> dict[str, Any]:
    return {
        "findings": [finding_to_json(f) for f in report.sorted_findings()],
        "summary": summary_to_json(report, report.summary()),
    }


def render_json(report: Report) -> str:
    return json.dumps(report_to_json(report), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
