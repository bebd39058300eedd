"""The lint corpus: messy files with planted defects, and clean realistic files.

``tests/corpus/lint/bad/*.tf`` mark every planted defect with a trailing
``# expect: CODE[, CODE]`` on the line where the finding must be reported (or
``# expect-next-line: CODE`` on the line before, for lines that cannot hold a comment).
Exactly those findings, and nothing else, must be reported.
``tests/corpus/lint/good/*.tf`` must produce no findings at all.

Each file is linted as its own module, with a fixed date for end-of-support rules.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from check.rules.lintcase import TODAY, expected_lines, reported
from helpers import REPO
from tfgen.check.hcldoc import parse_hcl
from tfgen.check.rules import all_rules, run_rules

CORPUS = REPO / "tests" / "corpus" / "lint"
BAD = sorted((CORPUS / "bad").glob("*.tf"))
GOOD = sorted((CORPUS / "good").glob("*.tf"))


def _lint(path: Path) -> tuple[str, list[tuple[int, str, str]]]:
    text = path.read_text(encoding="utf-8")
    docs = [parse_hcl(text, f"{path.parent.name}/{path.name}")]
    findings = run_rules(docs, today=TODAY)
    return text, [(f.location.line if f.location else 0, f.code, f.message) for f in findings]


def test_corpus_is_present() -> None:
    assert len(BAD) >= 5 and len(GOOD) >= 5


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.name)
def test_bad_file_reports_exactly_the_planted_defects(path: Path) -> None:
    text, findings = _lint(path)
    want = expected_lines(text)
    assert want, f"{path.name} has no '# expect:' markers"
    got = {(line, code) for line, code, _ in findings}
    missing, extra = sorted(want - got), sorted(got - want)
    details = [f for f in findings if (f[0], f[1]) in set(extra)]
    assert not missing and not extra, f"missing={missing} extra={details}"


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_good_file_has_no_findings(path: Path) -> None:
    _, findings = _lint(path)
    assert findings == []


def test_bad_corpus_exercises_every_rule() -> None:
    planted = {code for path in BAD for _, code in expected_lines(path.read_text())}
    assert planted == {meta.code for meta in all_rules()}


def test_crlf_file_reports_the_same_lines_as_lf() -> None:
    crlf = [p for p in BAD if b"\r\n" in p.read_bytes()]
    assert crlf, "the corpus should keep one file with Windows line endings"
    for path in crlf:
        text = path.read_text(encoding="utf-8")
        lf = run_rules([parse_hcl(text.replace("\r\n", "\n"), "x.tf")], today=TODAY)
        crlf_findings = run_rules([parse_hcl(text, "x.tf")], today=TODAY)
        assert reported(lf) == reported(crlf_findings)
