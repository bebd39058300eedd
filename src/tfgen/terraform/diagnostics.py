"""Terraform's diagnostics, as tfgen reads them from ``terraform validate -json``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class TerraformDiagnostic:
    """One diagnostic from ``terraform validate -json``.

    ``filename`` is relative to the validated directory (None for diagnostics
    without a source range); lines and columns are 1-based, 0 when unknown.
    """

    filename: str | None
    line: int
    column: int
    severity: Severity
    summary: str
    detail: str = ""
    end_line: int = 0
    end_column: int = 0
    address: str | None = None
    snippet: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def sort_key(self) -> tuple[str, int, int, str, str, str]:
        """File/line order; diagnostics without a file first."""
        return (
            self.filename or "",
            self.line,
            self.column,
            self.severity,
            self.summary,
            self.detail,
        )


def parse_diagnostic(raw: Mapping[str, Any]) -> TerraformDiagnostic:
    """A :class:`TerraformDiagnostic` from one entry of terraform's JSON ``diagnostics``."""
    rng = raw.get("range") if isinstance(raw.get("range"), dict) else None
    start = _position(rng, "start")
    end = _position(rng, "end")
    snippet = raw.get("snippet")
    code = snippet.get("code") if isinstance(snippet, dict) else None
    address = raw.get("address")
    return TerraformDiagnostic(
        filename=str(rng["filename"]) if rng and "filename" in rng else None,
        line=start[0],
        column=start[1],
        severity="error" if raw.get("severity") == "error" else "warning",
        summary=str(raw.get("summary", "")),
        detail=str(raw.get("detail", "")),
        end_line=end[0],
        end_column=end[1],
        address=str(address) if address else None,
        snippet=str(code) if code is not None else None,
    )


def _position(rng: Mapping[str, Any] | None, which: str) -> tuple[int, int]:
    pos = rng.get(which) if rng else None
    if not isinstance(pos, dict):
        return (0, 0)
    return (int(pos.get("line", 0)), int(pos.get("column", 0)))
