"""Rewrite docs/spec.md from the model (run: python -m tools.gen_spec_docs)."""

from __future__ import annotations

import sys
from pathlib import Path

from tfgen.spec.reference import render

OUT = Path(__file__).resolve().parents[1] / "docs" / "spec.md"

__all__ = ["OUT", "main", "render"]


def main() -> int:
    OUT.write_text(render())
    return 0


if __name__ == "__main__":
    sys.exit(main())
