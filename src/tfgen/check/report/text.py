"""Human-readable report: findings grouped by the file a person edits.

Findings that map to the spec are grouped under their YAML file; the rest under their
generated Terraform file. Each finding is one ``file:line:col: severity CODE message`` line
(spec position first, the generated location in brackets), with indented ``hint:`` and
``docs:`` lines. ANSI colour only when asked for (the CLI passes ``isatty()``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from itertools import groupby

from tfgen.check.findings import Finding, Severity
from tfgen.check.report.model import (
    Report,
    Summary,
    counts_phrase,
    display_order,
    file_group,
    hcl_position,
    one_line,
    position,
    spec_position,
)

RESET = "\x1b[0m"
BOLD = "\x1b[1m"
DIM = "\x1b[2m"
RED = "\x1b[31m"
GREEN = "\x1b[32m"
YELLOW = "\x1b[33m"
CYAN = "\x1b[36m"

SEVERITY_STYLE = {Severity.ERROR: BOLD + RED, Severity.WARNING: YELLOW, Severity.INFO: CYAN}

Paint = Callable[[str, str], str]

_NONE = 2  # file_group rank of findings without any location


def _paint(text: str, style: str) -> str:
    return f"{style}{text}{RESET}"


def _plain(text: str, style: str) -> str:
    return text


def clean(text: str) -> str:
    """One line, with control characters (e.g. a stray ESC) shown escaped, never emitted."""
    line = one_line(text)
    return "".join(f"\\x{ord(ch):02x}" if unicodedata.category(ch) == "Cc" else ch for ch in line)


def _where(f: Finding) -> str:
    if f.spec_location is not None:
        return clean(spec_position(f.spec_location)) + ": "
    if f.location is not None:
        loc = f.location
        return clean(position(loc.file, loc.line, loc.column)) + ": "
    return ""


def _generated(f: Finding) -> str:
    loc = f.location
    if loc is None:
        return ""
    if f.spec_location is not None:
        return f" [{clean(hcl_position(loc, with_column=False))}]"
    return f" [{clean(loc.address)}]" if loc.address else ""


def finding_lines(f: Finding, paint: Paint) -> list[str]:
    severity = paint(f.severity.label, SEVERITY_STYLE[f.severity])
    head = f"{_where(f)}{severity} {paint(clean(f.code), BOLD)} {clean(f.message)}"
    lines = [f"  {head}{paint(_generated(f), DIM)}"]
    if f.hint.strip():
        lines.append(f"      hint: {clean(f.hint)}")
    if f.doc_url.strip():
        lines.append(f"      docs: {clean(f.doc_url)}")
    return lines


def summary_line(summary: Summary, paint: Paint) -> str:
    """``3 errors, 1 warning, 0 info (2 suppressed by baseline) — failed (--fail-on error)``."""
    suppressed = (
        f" ({summary.baseline_suppressed:,} suppressed by baseline)"
        if summary.baseline_suppressed
        else ""
    )
    verdict = paint(summary.verdict, BOLD + (RED if summary.failed else GREEN))
    return f"{counts_phrase(summary)}{suppressed} — {verdict} (--fail-on {summary.fail_on.label})"


def _group_header(key: tuple[int, str], paint: Paint) -> str:
    return paint(clean(key[1]) if key[0] != _NONE else "(no location)", BOLD)


def _body(report: Report, paint: Paint) -> list[str]:
    ordered = sorted(report.findings, key=display_order)
    lines: list[str] = []
    for key, members in groupby(ordered, key=file_group):
        lines.append(_group_header(key, paint))
        for finding in members:
            lines.extend(finding_lines(finding, paint))
        lines.append("")
    return lines or ["no findings", ""]


def render_text(report: Report, color: bool) -> str:
    paint: Paint = _paint if color else _plain
    lines = _body(report, paint)
    if report.layers_skipped:
        lines.append(f"skipped layers: {clean(', '.join(report.layers_skipped))}")
    lines.append(summary_line(report.summary(), paint))
    return "\n".join(lines) + "\n"
