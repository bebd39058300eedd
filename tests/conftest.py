"""Shared fixtures: the repository root and throw-away copies of the bookstore project."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers import REPO, Edit


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A private copy of the bookstore project (specs, environments, generated)."""
    root = tmp_path / "project"
    root.mkdir()
    for name in ("specs", "environments", "generated"):
        shutil.copytree(REPO / name, root / name)
    return root


@pytest.fixture
def edit(project: Path) -> Edit:
    """Replace text in a project file (the replaced text must be present exactly once)."""

    def _edit(rel: str, old: str, new: str) -> None:
        path = project / rel
        text = path.read_text()
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {rel}"
        path.write_text(text.replace(old, new))

    return _edit
