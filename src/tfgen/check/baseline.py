"""Baseline files: findings a team has accepted, matched without line numbers.

A baseline is JSON ``{"version": 1, "accepted": [{"code", "file", "address", "message"}]}``.
Matching ignores lines and columns so an accepted finding stays accepted when code
moves; it matches by code, file, resource address and message.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from tfgen.check.findings import Finding
from tfgen.errors import Location, user_error

VERSION = 1
Key = tuple[str, str, str, str]


def key(finding: Finding) -> Key:
    loc = finding.location
    spec = finding.spec_location
    file = spec.file if spec else (loc.file if loc else "")
    return (finding.code, file, loc.address if loc else "", finding.message)


def dump(findings: Iterable[Finding]) -> str:
    accepted = [
        dict(zip(("code", "file", "address", "message"), k, strict=True))
        for k in sorted(key(f) for f in findings)
    ]
    return json.dumps({"version": VERSION, "accepted": accepted}, indent=2, sort_keys=True) + "\n"


def load(path: Path) -> Counter[Key]:
    where = Location(path.as_posix())
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise user_error("TFG601", f"cannot read baseline: {exc.strerror}", where) from None
    except ValueError as exc:
        raise user_error(
            "TFG602",
            f"baseline is not JSON: {exc}",
            where,
            "write it with tfgen validate --write-baseline",
        ) from None
    entries = data.get("accepted") if isinstance(data, dict) else None
    if data.get("version") != VERSION or not isinstance(entries, list):
        raise user_error(
            "TFG602",
            "baseline has an unknown format",
            where,
            "write it with tfgen validate --write-baseline",
        )
    return Counter(
        (
            str(e.get("code", "")),
            str(e.get("file", "")),
            str(e.get("address", "")),
            str(e.get("message", "")),
        )
        for e in entries
        if isinstance(e, dict)
    )


def suppress(findings: list[Finding], accepted: Counter[Key]) -> tuple[list[Finding], int]:
    """Findings not in the baseline, and how many were suppressed."""
    remaining = Counter(accepted)
    kept, suppressed = [], 0
    for finding in findings:
        k = key(finding)
        if remaining[k] > 0:
            remaining[k] -= 1
            suppressed += 1
        else:
            kept.append(finding)
    return kept, suppressed
