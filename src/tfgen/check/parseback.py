"""Parse every rendered file back with python-hcl2: a file that does not parse is a bug."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tfgen.errors import InternalError, Location

HCL_SUFFIXES = (".tf", ".tfvars", ".tfbackend")


def parse_text(text: str) -> dict[str, Any]:
    import hcl2  # noqa: PLC0415 - imported on use: a cached render never needs it

    result: dict[str, Any] = hcl2.loads(text)
    return result


def parse_back(files: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """Parse each HCL file; raise :class:`InternalError` (exit 4) naming a file that fails."""
    parsed: dict[str, dict[str, Any]] = {}
    for path in sorted(files):
        if not path.endswith(HCL_SUFFIXES):
            continue
        try:
            parsed[path] = parse_text(files[path])
        except Exception as exc:  # lark raises many types: all mean "does not parse"
            line = getattr(exc, "line", 0) or 0
            column = getattr(exc, "column", 0) or 0
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise InternalError(
                "TFG403", f"rendered file does not parse back as HCL: {first}",
                Location(path, line, column),
            ) from exc
    return parsed
