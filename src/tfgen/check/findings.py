"""The one Finding type every validation layer reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any


class Severity(IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls[text.strip().upper()]


@dataclass(frozen=True, order=True)
class HclLocation:
    """Where in Terraform a finding is: file (relative path), 1-based line/column, address."""

    file: str
    line: int = 0
    column: int = 0
    address: str = ""


@dataclass(frozen=True, order=True)
class SpecLocation:
    """The YAML value that produced the generated code a finding is about."""

    file: str
    line: int = 0
    column: int = 0


@dataclass(frozen=True)
class Finding:
    layer: str  # spec | consistency | schema | rules | terraform | checkov
    severity: Severity
    code: str
    message: str
    location: HclLocation | None = None
    spec_location: SpecLocation | None = None
    hint: str = ""
    doc_url: str = ""
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def sort_key(self) -> tuple[str, int, int, str, str]:
        spec = self.spec_location
        loc = self.location
        file = spec.file if spec else (loc.file if loc else "")
        line = spec.line if spec else (loc.line if loc else 0)
        col = spec.column if spec else (loc.column if loc else 0)
        return (file, line, col, self.code, self.message)


def finding_to_dict(finding: Finding) -> dict[str, object]:
    """A JSON-ready form of a finding (for caches; reports have their own shape)."""
    return {
        "layer": finding.layer,
        "severity": finding.severity.label,
        "code": finding.code,
        "message": finding.message,
        "location": None if finding.location is None else vars(finding.location),
        "spec_location": None if finding.spec_location is None else vars(finding.spec_location),
        "hint": finding.hint,
        "doc_url": finding.doc_url,
        "extra": dict(finding.extra),
    }


def finding_from_dict(data: dict[str, Any]) -> Finding:
    location = data.get("location")
    spec = data.get("spec_location")
    return Finding(
        layer=str(data["layer"]),
        severity=Severity.parse(str(data["severity"])),
        code=str(data["code"]),
        message=str(data["message"]),
        location=HclLocation(**location) if isinstance(location, dict) else None,
        spec_location=SpecLocation(**spec) if isinstance(spec, dict) else None,
        hint=str(data.get("hint", "")),
        doc_url=str(data.get("doc_url", "")),
        extra={str(k): str(v) for k, v in dict(data.get("extra") or {}).items()},
    )
