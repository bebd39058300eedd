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


def ingress_by_certificate(root: Path, arn: str) -> None:
    """Give the bookstore's ingress an ACM certificate ARN instead of its Route 53 zone."""
    for env in ("dev", "staging"):
        path = root / f"environments/{env}.yaml"
        lines = path.read_text().splitlines(keepends=True)
        path.write_text("".join(line for line in lines if "  hostname:" not in line))
        if "ingress:\n\n" in path.read_text() or path.read_text().endswith("ingress:\n"):
            path.write_text(path.read_text().replace("ingress:\n", ""))
    ingress = root / "specs/ingress.yaml"
    zone = "  hosted_zone: bookstore.example.com\n  hostname: api.bookstore.example.com\n"
    assert zone in ingress.read_text()
    ingress.write_text(ingress.read_text().replace(zone, f"  certificate_arn: {arn}\n"))
