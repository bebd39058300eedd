"""Documentation that is generated or must list what the code does."""

from __future__ import annotations

import re
from pathlib import Path

from tools.gen_spec_docs import render


def test_spec_reference_is_up_to_date(repo: Path) -> None:
    assert (repo / "docs/spec.md").read_text() == render(), (
        "docs/spec.md is stale: run `python -m tools.gen_spec_docs`"
    )


def test_every_error_code_is_documented(repo: Path) -> None:
    documented = set(re.findall(r"\bTFG\d{3}\b", (repo / "docs/errors.md").read_text()))
    used: set[str] = set()
    for path in (repo / "src/tfgen").rglob("*.py"):
        used.update(re.findall(r"[\"'](TFG\d{3})[\"']", path.read_text()))
    assert used, "no codes found: the pattern is wrong"
    assert sorted(used - documented) == []
