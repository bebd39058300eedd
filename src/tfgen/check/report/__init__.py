"""Report formats for findings: human text, JSON, SARIF 2.1.0 and Markdown.

Every renderer is a pure function of a :class:`Report` (see ``docs/report-format.md``).
"""

from __future__ import annotations

from tfgen.check.report.json_report import render_json
from tfgen.check.report.markdown import render_markdown
from tfgen.check.report.model import (
    Report,
    RuleInfo,
    Summary,
    rule_info_from_meta,
    rules_by_code,
    summarize,
)
from tfgen.check.report.sarif import render_sarif
from tfgen.check.report.text import render_text

FORMATS = ("text", "json", "sarif", "markdown")


def render(report: Report, fmt: str, *, color: bool = False) -> str:
    """Render ``report`` in one of :data:`FORMATS` (``color`` applies to text only)."""
    if fmt == "text":
        return render_text(report, color)
    if fmt == "json":
        return render_json(report)
    if fmt == "sarif":
        return render_sarif(report)
    if fmt == "markdown":
        return render_markdown(report)
    raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}")


__all__ = [
    "FORMATS",
    "Report",
    "RuleInfo",
    "Summary",
    "render",
    "render_json",
    "render_markdown",
    "render_sarif",
    "render_text",
    "rule_info_from_meta",
    "rules_by_code",
    "summarize",
]
