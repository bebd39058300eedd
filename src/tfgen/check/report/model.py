"""What every report format renders: a :class:`Report` of findings plus run metadata.

The renderers (text, JSON, SARIF, Markdown) are pure functions of a :class:`Report`; this
module holds the data types and the helpers they share (ordering, counting, rule lookup).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from tfgen.check.findings import Finding, HclLocation, Severity, SpecLocation

SEVERITIES_DESC: tuple[Severity, ...] = (Severity.ERROR, Severity.WARNING, Severity.INFO)


@dataclass(frozen=True)
class RuleInfo:
    """What a report needs to know about one finding code.

    ``title`` is the one-line description, ``help`` the longer advice (usually the rule's
    hint), ``help_uri`` the documentation page, ``name`` a PascalCase friendly name
    (derived from the title when empty).
    """

    id: str
    title: str
    severity: Severity
    help_uri: str = ""
    layer: str = ""
    help: str = ""
    name: str = ""

    @property
    def friendly_name(self) -> str:
        return self.name or pascal_case(self.title) or pascal_case(self.id) or "Finding"

    @classmethod
    def from_finding(cls, finding: Finding) -> RuleInfo:
        """A minimal rule description for a code the report has no :class:`RuleInfo` for."""
        return cls(
            id=finding.code,
            title=first_line(finding.message) or finding.code,
            severity=finding.severity,
            help_uri=finding.doc_url,
            layer=finding.layer,
            help=finding.hint,
        )


class RuleMetaLike(Protocol):
    """The parts of a rule registry entry (e.g. ``tfgen.check.rules.engine.RuleMeta``)."""

    @property
    def code(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def severity(self) -> Severity: ...
    @property
    def doc_url(self) -> str: ...
    @property
    def hint(self) -> str: ...


def rule_info_from_meta(meta: RuleMetaLike, layer: str) -> RuleInfo:
    return RuleInfo(meta.code, meta.title, meta.severity, meta.doc_url, layer, meta.hint)


def rules_by_code(metas: Iterable[RuleMetaLike], layer: str) -> dict[str, RuleInfo]:
    return {meta.code: rule_info_from_meta(meta, layer) for meta in metas}


@dataclass(frozen=True)
class Summary:
    total: int
    by_severity: Mapping[str, int]  # "error"/"warning"/"info" -> count (all three present)
    by_layer: Mapping[str, int]  # every layer run or reported -> count
    baseline_suppressed: int
    fail_on: Severity
    failed: bool

    def count(self, severity: Severity) -> int:
        return self.by_severity.get(severity.label, 0)

    @property
    def verdict(self) -> str:
        return "failed" if self.failed else "passed"


@dataclass(frozen=True)
class Report:
    findings: list[Finding]
    rules: Mapping[str, RuleInfo] = field(default_factory=dict)
    tool_version: str = ""
    layers_run: list[str] = field(default_factory=list)
    layers_skipped: list[str] = field(default_factory=list)
    fail_on: Severity = Severity.ERROR
    baseline_suppressed: int = 0
    environments: list[str] = field(default_factory=list)
    information_uri: str = ""  # the tool's home page, for SARIF's tool.driver.informationUri
    anchor_file: str = ""  # SARIF: file for findings with no location (GitHub needs one)

    def summary(self) -> Summary:
        return summarize(self)

    def sorted_findings(self) -> list[Finding]:
        return sorted(self.findings, key=finding_order)

    def rule_for(self, finding: Finding) -> RuleInfo:
        return self.rules.get(finding.code) or RuleInfo.from_finding(finding)


def summarize(report: Report) -> Summary:
    severities = Counter(f.severity.label for f in report.findings)
    layers = Counter({layer: 0 for layer in report.layers_run})
    layers.update(f.layer for f in report.findings)
    return Summary(
        total=len(report.findings),
        by_severity={s.label: severities.get(s.label, 0) for s in SEVERITIES_DESC},
        by_layer=dict(sorted(layers.items())),
        baseline_suppressed=report.baseline_suppressed,
        fail_on=report.fail_on,
        failed=any(f.severity >= report.fail_on for f in report.findings),
    )


def _spec_key(spec: SpecLocation | None) -> tuple[str, int, int]:
    return (spec.file, spec.line, spec.column) if spec else ("", 0, 0)


def _hcl_key(loc: HclLocation | None) -> tuple[str, int, int, str]:
    return (loc.file, loc.line, loc.column, loc.address) if loc else ("", 0, 0, "")


def finding_order(
    f: Finding,
) -> tuple[tuple[str, int, int, str, str], tuple[str, int, int, str], int, str, str, str]:
    """A total order on findings: position first, then everything else (deterministic)."""
    return (f.sort_key(), _hcl_key(f.location), -f.severity, f.layer, f.hint, f.doc_url)


def file_group(f: Finding) -> tuple[int, str]:
    """The file a finding is shown under: its spec file (0), else its Terraform file (1),
    else none (2); spec files sort before generated ones, unlocated findings last."""
    if f.spec_location is not None:
        return (0, f.spec_location.file)
    if f.location is not None:
        return (1, f.location.file)
    return (2, "")


def display_order(f: Finding) -> tuple[tuple[int, str], tuple[object, ...]]:
    """Reading order for people: grouped by :func:`file_group`, then by position."""
    return (file_group(f), finding_order(f))


def primary_file(f: Finding) -> str:
    if f.spec_location is not None:
        return f.spec_location.file
    return f.location.file if f.location is not None else ""


def position(file: str, line: int, column: int) -> str:
    """``file:line:col``, leaving out what is unknown (0)."""
    if line <= 0:
        return file
    if column <= 0:
        return f"{file}:{line}"
    return f"{file}:{line}:{column}"


def spec_position(spec: SpecLocation) -> str:
    return position(spec.file, spec.line, spec.column)


def hcl_position(loc: HclLocation, *, with_column: bool = True) -> str:
    """``generated/x.tf:12:3 aws_x.y`` (address appended when known)."""
    where = position(loc.file, loc.line, loc.column if with_column else 0)
    return f"{where} {loc.address}" if loc.address else where


def first_line(text: str) -> str:
    return one_line(text.strip().split("\n", 1)[0]) if text.strip() else ""


def one_line(text: str) -> str:
    """Collapse all whitespace runs (newlines included) into single spaces."""
    return " ".join(text.split())


def pascal_case(text: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in re.findall(r"[A-Za-z0-9]+", text))


def plural(count: int, word: str) -> str:
    """``1 error``, ``2 errors``, ``0 info`` (info is uncountable)."""
    if word == "info" or count == 1:
        return f"{count:,} {word}"
    return f"{count:,} {word}s"


def counts_phrase(summary: Summary) -> str:
    """``3 errors, 1 warning, 0 info``."""
    return ", ".join(plural(summary.count(s), s.label) for s in SEVERITIES_DESC)
