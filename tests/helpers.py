"""Helpers shared by the tests (importable as ``helpers``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

Edit = Callable[[str, str, str], None]


def line_of(path: Path, needle: str) -> int:
    """1-based line of the first line containing ``needle``."""
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def drop_cdn(root: Path) -> None:
    """Remove the bookstore's CloudFront distributions (specs/cdn.yaml and the environment
    overrides, the last section of each environment file that has one)."""
    (root / "specs/cdn.yaml").unlink()
    for env in (root / "environments").glob("*.yaml"):
        text = env.read_text()
        if "\ncdn:" in text:
            env.write_text(text.split("\ncdn:", 1)[0].rstrip("\n").removesuffix(
                "\n# dev: its own CloudFront alias, the cheapest price class, short web ACL log "
                "retention.") + "\n")  # fmt: skip
