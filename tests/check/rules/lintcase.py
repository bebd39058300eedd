"""Helpers for rule tests (import as ``check.rules.lintcase``).

A bad case marks each line where a finding must be reported with ``# expect: CODE``
(``# expect-next-line: CODE`` on the line before, where the line itself cannot hold a
comment, e.g. a heredoc opener); a good case must produce no findings at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from tfgen.check.findings import Finding
from tfgen.check.rules import run_rules
from tfgen.hcl import parse_hcl

TODAY = date(2026, 6, 1)
EXPECT_RE = re.compile(r"#\s*expect(-next-line)?:\s*([A-Z0-9, ]+)")


@dataclass(frozen=True)
class Case:
    code: str
    bad: str
    good: str

    def __str__(self) -> str:
        return self.code


def lint(text: str, today: date = TODAY, filename: str = "main.tf") -> list[Finding]:
    return run_rules([parse_hcl(text, filename)], today=today)


def expected_lines(text: str) -> set[tuple[int, str]]:
    found = set()
    for number, line in enumerate(text.splitlines(), start=1):
        match = EXPECT_RE.search(line)
        if match:
            target = number + 1 if match.group(1) else number
            found.update(
                (target, code.strip()) for code in match.group(2).split(",") if code.strip()
            )
    return found


def reported(findings: list[Finding], code: str | None = None) -> set[tuple[int, str]]:
    return {
        (f.location.line, f.code)
        for f in findings
        if f.location is not None and (code is None or f.code == code)
    }


def check_case(case: Case, today: date = TODAY) -> None:
    bad = lint(case.bad, today)
    want = {item for item in expected_lines(case.bad) if item[1] == case.code}
    assert want, f"{case.code}: bad case has no '# expect: {case.code}' marker"
    assert reported(bad, case.code) == want, [f.message for f in bad]
    good = lint(case.good, today)
    assert good == [], [(f.code, f.location, f.message) for f in good]
