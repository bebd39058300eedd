"""Markdown report for pull-request comments.

A headline with the verdict and counts, then one table per severity (errors, warnings,
info); a section of more than ``DETAILS_AFTER`` rows is folded into ``<details>``. The text
always fits a GitHub comment (65,536 characters at most): when the full report is longer,
hints are dropped first, then rows are cut from the end (info first), and a closing line
says how many findings were left out. Everything taken from a finding is escaped, so a
message cannot break the table, inject HTML, start maths or mention anyone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from tfgen.check.findings import Finding, Severity
from tfgen.check.report.model import (
    SEVERITIES_DESC,
    Report,
    display_order,
    hcl_position,
    one_line,
    position,
    spec_position,
)
from tfgen.check.report.sarif import is_absolute_uri
from tfgen.check.report.text import summary_line

GITHUB_COMMENT_LIMIT = 65_535  # the text must stay strictly below this
DEFAULT_MAX_CHARS = 65_000
DETAILS_AFTER = 10  # sections with more rows than this are folded
MAX_CELL = 600  # characters kept of one message or hint
MARKER = "<!-- tfgen-report -->"
TITLES = {Severity.ERROR: "Errors", Severity.WARNING: "Warnings", Severity.INFO: "Info"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ESCAPES = (  # order matters: "\\" before the other backslash escapes, "&" before entities
    ("\\", "\\\\"),
    *((ch, "\\" + ch) for ch in "`*_[]|~$#"),
    ("&", "&amp;"),
    ("<", "&lt;"),
    (">", "&gt;"),
    ("@", "@&#8203;"),
)


def escape(text: str) -> str:
    """Plain text safe in a Markdown table cell: no HTML, links, code, maths or mentions."""
    out = _CONTROL.sub(" ", one_line(text))
    for raw, escaped in _ESCAPES:
        out = out.replace(raw, escaped)
    return out


def _clip(text: str, limit: int = MAX_CELL) -> str:
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _link(url: str) -> str:
    return quote(url.strip(), safe=":/?#[]!$&'*+,;=%-._~@")


def _location_cell(f: Finding) -> str:
    loc = f.location
    if f.spec_location is not None:
        cell = escape(spec_position(f.spec_location))
        if loc is not None:
            cell += "<br>↳ " + escape(hcl_position(loc, with_column=False))
        return cell
    if loc is not None:
        where = position(loc.file, loc.line, loc.column)
        return escape(where) + (f"<br>{escape(loc.address)}" if loc.address else "")
    return "—"


def _code_cell(f: Finding) -> str:
    code = escape(f.code) or "—"
    return f"[{code}]({_link(f.doc_url)})" if is_absolute_uri(f.doc_url) else code


def _message_cell(f: Finding, hints: bool) -> str:
    cell = escape(_clip(f.message))
    if hints and f.hint.strip():
        cell += "<br>hint: " + escape(_clip(f.hint))
    return cell


def table_row(f: Finding, hints: bool) -> str:
    return f"| {_location_cell(f)} | {_code_cell(f)} | {_message_cell(f, hints)} |"


@dataclass(frozen=True)
class _Rows:
    """Findings in report order (errors first) and the table rows rendered for them.

    Rendering stops once the rows alone exceed the size budget, so ``rows`` may cover
    only a prefix of ``findings``; nothing past that prefix could be shown anyway.
    """

    findings: list[Finding]
    rows: list[str]
    hints: bool

    @property
    def complete(self) -> bool:
        return len(self.rows) == len(self.findings)

    def span(self, severity: Severity) -> tuple[int, int]:
        """Index range of ``severity`` in ``findings`` (they are sorted by severity)."""
        start = sum(1 for f in self.findings if f.severity > severity)
        return start, start + sum(1 for f in self.findings if f.severity is severity)


def _ordered(report: Report) -> list[Finding]:
    return sorted(report.findings, key=lambda f: (-f.severity, display_order(f)))


def _rows(findings: list[Finding], hints: bool, budget: int) -> _Rows:
    rows: list[str] = []
    used = 0
    for finding in findings:
        if used > budget:
            break
        rows.append(table_row(finding, hints))
        used += len(rows[-1]) + 1
    return _Rows(findings, rows, hints)


def _headline(report: Report) -> list[str]:
    summary = report.summary()
    icon = "❌" if summary.failed else "✅"
    meta = [f"tfgen {report.tool_version}".strip()]
    if report.environments:
        meta.append("environments: " + ", ".join(report.environments))
    if report.layers_run:
        meta.append("layers: " + ", ".join(report.layers_run))
    if report.layers_skipped:
        meta.append("skipped: " + ", ".join(report.layers_skipped))
    return [
        MARKER,
        f"### {icon} tfgen: {summary.verdict}",
        "",
        escape(summary_line(summary, lambda text, style: text)),
        "",
        f"<sub>{escape(' · '.join(meta))}</sub>",
        "",
    ]


def _section(severity: Severity, rows: list[str], total: int) -> list[str]:
    shown = f"{len(rows):,}" if len(rows) == total else f"{len(rows):,} of {total:,} shown"
    title = f"{TITLES[severity]} ({shown})"
    table = ["| location | code | message |", "| --- | --- | --- |", *rows]
    if len(rows) <= DETAILS_AFTER:
        return [f"#### {title}", "", *table, ""]
    attr = " open" if severity is Severity.ERROR else ""
    return [f"<details{attr}><summary><b>{title}</b></summary>", "", *table, "", "</details>", ""]


def _sections(rows: _Rows, shown: int) -> list[str]:
    lines: list[str] = []
    for severity in SEVERITIES_DESC:
        start, end = rows.span(severity)
        kept = rows.rows[start : min(end, shown)]
        if kept:
            lines += _section(severity, kept, end - start)
    return lines


def _compose(head: list[str], rows: _Rows, shown: int) -> str:
    lines = [*head, *(["No findings.", ""] if not rows.findings else [])]
    lines += _sections(rows, shown)
    omitted = len(rows.findings) - shown
    if omitted:
        lines += [f"… and {omitted:,} more findings; see the SARIF/JSON artifact.", ""]
    if not rows.hints and any(f.hint.strip() for f in rows.findings[:shown]):
        lines += ["<sub>Hints left out to fit the comment size limit.</sub>", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _most_rows(head: list[str], rows: _Rows, limit: int) -> int:
    """The largest number of rows whose report fits in ``limit`` (binary search)."""
    low, high = 0, len(rows.rows)
    while low < high:
        mid = (low + high + 1) // 2
        if len(_compose(head, rows, mid)) <= limit:
            low = mid
        else:
            high = mid - 1
    return low


def render_markdown(report: Report, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """The report as a pull-request comment of at most ``max_chars`` (and < 65,535)."""
    limit = min(max_chars, GITHUB_COMMENT_LIMIT - 1)
    head = _headline(report)
    findings = _ordered(report)
    for hints in (True, False):
        rows = _rows(findings, hints, limit)
        text = _compose(head, rows, len(findings)) if rows.complete else ""
        if text and len(text) <= limit:
            return text
    text = _compose(head, rows, _most_rows(head, rows, limit))
    return text if len(text) <= limit else text[: max(limit - 2, 0)] + "…\n"
