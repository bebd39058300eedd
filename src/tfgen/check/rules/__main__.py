"""Print the rule reference (``python -m tfgen.check.rules > docs/rules.md``)."""

from __future__ import annotations

import sys

from tfgen.check.rules import rules_markdown


def main() -> None:
    sys.stdout.write(rules_markdown())


if __name__ == "__main__":
    main()
