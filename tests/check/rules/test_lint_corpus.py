"""The lint corpus: messy Terraform with planted defects, and clean, complete modules.

``tests/corpus/lint/bad/`` holds cases: each ``*.tf`` file is linted as a module of its
own, each folder as a tree of modules (a root calling local modules).  Every planted
defect carries a trailing marker on the line where tfgen must report it::

    vpc = true # expect: SCH005, UPG002  # echo: AWS901, TF-argument-is-deprecated

``# expect: CODE[, CODE]`` lists the findings that must be reported on that line, once
each (write a code twice when it is reported twice, e.g. two missing required arguments
of one block).  ``# echo: CODE[, CODE]`` lists a *second* report of a defect that is
already expected (on that line or near it): a known double report that tfgen does not
yet fold into one.  Echoes are tolerated (reported or not) and collected by the
``..._once`` tests, which are strict xfails until tfgen reports each defect once.
``-next-line`` variants (``# expect-next-line:``) mark the following line, for lines
that cannot hold a comment.  Codes are offline codes (``CON``/``SCH``/``UPG``/``AWS``) or
terraform codes (``TF-...``, matched as a prefix of the slugged diagnostic summary);
terraform codes are checked by the end-to-end tests in ``tests/check/test_lint.py``.

``tests/corpus/lint/good/<module>/`` holds complete modules (typed, described variables,
outputs, a provider constraint admitting 5.100 and 6.x) on which no layer reports
anything.

The tests here run the offline layers (consistency, schema, rules) the way ``tfgen lint``
does, with a fixed date for end-of-support rules.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from check.rules.lintcase import TODAY, reported
from helpers import REPO
from tfgen.check.consistency import parse_tree
from tfgen.check.dedupe import once
from tfgen.check.findings import Finding
from tfgen.check.layers import Subject, run_layers
from tfgen.check.rules import all_rules, run_rules
from tfgen.check.run import LINT_SUFFIXES
from tfgen.hcl import parse_hcl

CORPUS = REPO / "tests" / "corpus" / "lint"
BAD = sorted(p for p in (CORPUS / "bad").iterdir() if p.suffix == ".tf" or p.is_dir())
GOOD = sorted(p for p in (CORPUS / "good").iterdir() if p.is_dir())
OFFLINE_LAYERS = ("consistency", "schema")  # + rules, run with a fixed date

SKIP_RE = re.compile(r"#\s*checkov:skip=(?P<check>[A-Z0-9_]+)(?::(?P<reason>.*))?")
MARKER_RE = re.compile(
    r"#\s*(?P<kind>expect|echo)(?P<next>-next-line)?:\s*"
    r"(?P<codes>[A-Za-z0-9-]+(?:\s*,\s*[A-Za-z0-9-]+)*)"
)

Where = tuple[str, int]  # (file relative to the case, line)


@dataclass
class Markers:
    """The planted defects of one case: what must be reported, what may be echoed."""

    expect: Counter[tuple[str, int, str]] = field(default_factory=Counter)
    echo: dict[Where, set[str]] = field(default_factory=dict)

    def expected(self, terraform: bool) -> Counter[tuple[str, int, str]]:
        return Counter(
            {k: n for k, n in self.expect.items() if k[2].startswith("TF-") == terraform}
        )

    def echoed(self, finding: Finding) -> bool:
        loc = finding.location
        if loc is None:
            return False
        return any(_matches(finding.code, code) for code in self.echo.get((loc.file, loc.line), ()))

    def codes(self) -> set[str]:
        return {code for _, _, code in self.expect} | {c for cs in self.echo.values() for c in cs}


def _matches(code: str, marker: str) -> bool:
    """A terraform marker is a prefix of the slugged summary; other codes match exactly."""
    return code.startswith(marker) if marker.startswith("TF-") else code == marker


def parse_markers(files: Mapping[str, str]) -> Markers:
    markers = Markers()
    for name, text in sorted(files.items()):
        for number, line in enumerate(text.splitlines(), start=1):
            for match in MARKER_RE.finditer(line):
                target = number + 1 if match.group("next") else number
                codes = [c.strip() for c in match.group("codes").split(",") if c.strip()]
                if match.group("kind") == "expect":
                    markers.expect.update((name, target, code) for code in codes)
                else:
                    markers.echo.setdefault((name, target), set()).update(codes)
    return markers


def read_case(path: Path) -> dict[str, str]:
    """The files ``tfgen lint PATH`` reads (a file alone, or every .tf/.tfvars below a folder).

    Files are decoded without newline translation, so a CRLF file reaches the parser as is.
    """
    if path.is_file():
        return {path.name: path.read_bytes().decode("utf-8-sig")}
    return {
        p.relative_to(path).as_posix(): p.read_bytes().decode("utf-8-sig")
        for p in sorted(path.rglob("*"))
        if p.is_file() and p.suffix in LINT_SUFFIXES
    }


def lint_offline(files: Mapping[str, str]) -> list[Finding]:
    """consistency + schema (as ``tfgen lint`` runs them) + rules on a fixed date."""
    found = run_layers(Subject(files), OFFLINE_LAYERS).findings
    docs = [d for p, d in parse_tree(files).items() if p.endswith(".tf")]
    return once(found + run_rules(docs, today=TODAY), [*OFFLINE_LAYERS, "rules"])


def describe(findings: Iterable[Finding]) -> list[str]:
    return [
        f"{f.location.file}:{f.location.line}: {f.code} {f.message}"
        if f.location
        else f"{f.code} {f.message}"
        for f in findings
    ]


def compare(
    findings: Sequence[Finding], markers: Markers, terraform: bool
) -> tuple[list[tuple[str, int, str]], list[Finding]]:
    """(expected but not reported, reported but neither expected nor a known echo)."""
    want = markers.expected(terraform)
    unexpected: list[Finding] = []
    for finding in findings:
        loc = finding.location
        key = next(
            (
                k
                for k in want
                if loc is not None
                and k[:2] == (loc.file, loc.line)
                and want[k] > 0
                and _matches(finding.code, k[2])
            ),
            None,
        )
        if key is not None:
            want[key] -= 1
        elif not markers.echoed(finding):
            unexpected.append(finding)
    missing = sorted(k for k, n in want.items() for _ in range(n))
    return missing, unexpected


def case_id(path: Path) -> str:
    return path.name + ("/" if path.is_dir() else "")


# --------------------------------------------------------------------------- tests


def test_corpus_is_present() -> None:
    assert len([p for p in BAD if p.is_file()]) >= 6
    assert any(p.is_dir() for p in BAD), "keep one bad case that is a tree of modules"
    assert len(GOOD) >= 4


@pytest.mark.parametrize("path", BAD, ids=case_id)
def test_bad_case_reports_exactly_the_planted_defects(path: Path) -> None:
    files = read_case(path)
    markers = parse_markers(files)
    assert markers.expected(terraform=False), f"{path.name} has no '# expect:' markers"
    missing, unexpected = compare(lint_offline(files), markers, terraform=False)
    assert not missing and not unexpected, f"missing={missing} unexpected={describe(unexpected)}"


def test_bad_corpus_exercises_every_rule() -> None:
    planted = {code for path in BAD for code in parse_markers(read_case(path)).codes()}
    assert {meta.code for meta in all_rules()} <= planted


def test_bad_corpus_exercises_the_schema_and_consistency_checks() -> None:
    planted = {code for path in BAD for code in parse_markers(read_case(path)).codes()}
    schema = {f"SCH00{n}" for n in range(1, 9)} | {"UPG002", "UPG004"}
    consistency = {"CON003", "CON004", "CON005", "CON006", "CON007", "CON008"}
    assert schema | consistency <= planted


def test_offline_layers_report_each_defect_once() -> None:
    echoes = []
    for path in BAD:
        files = read_case(path)
        markers = parse_markers(files)
        echoes += [f for f in lint_offline(files) if markers.echoed(f)]
    assert echoes == [], describe(echoes)


@pytest.mark.parametrize("path", GOOD, ids=case_id)
def test_good_module_has_no_offline_findings(path: Path) -> None:
    assert describe(lint_offline(read_case(path))) == []


@pytest.mark.parametrize("path", GOOD, ids=case_id)
def test_every_inline_skip_has_a_reason(path: Path) -> None:
    for name, text in read_case(path).items():
        for match in SKIP_RE.finditer(text):
            reason = (match.group("reason") or "").strip()
            assert len(reason) >= 20, f"{name}: {match.group(0)!r} needs a real justification"


def test_crlf_file_reports_the_same_lines_as_lf() -> None:
    crlf = [p for p in BAD if p.is_file() and b"\r\n" in p.read_bytes()]
    assert crlf, "the corpus should keep one file with Windows line endings"
    for path in crlf:
        text = read_case(path)[path.name]
        assert "\r\n" in text
        lf = lint_offline({"x.tf": text.replace("\r\n", "\n")})
        crlf_findings = lint_offline({"x.tf": text})
        assert reported(lf) == reported(crlf_findings)
        assert reported(run_rules([parse_hcl(text, "x.tf")], today=TODAY)) <= reported(lf)


@pytest.mark.parametrize("path", GOOD, ids=case_id)
def test_good_module_is_complete(path: Path) -> None:
    """Each good module stands alone: versions pinned, inputs typed and described."""
    docs = [d for p, d in parse_tree(read_case(path)).items() if p.endswith(".tf")]
    blocks = [b for doc in docs for b in doc.blocks]
    constraints = [
        value.as_dict()
        for b in blocks
        if b.type == "terraform"
        for providers in b.children("required_providers")
        if (value := providers.value("aws")) is not None
    ]
    assert constraints == [{"source": "hashicorp/aws", "version": ">= 5.100, < 7"}]
    variables = [b for b in blocks if b.type == "variable"]
    outputs = [b for b in blocks if b.type == "output"]
    assert variables and outputs
    assert [v.name for v in variables if not {"type", "description"} <= set(v.attributes)] == []
    assert [o.name for o in outputs if "description" not in o.attributes] == []


def test_unknown_nested_block_names_its_parent() -> None:
    files = read_case(CORPUS / "bad" / "edge_storage.tf")
    [message] = [f.message for f in lint_offline(files) if f.code == "SCH004"]
    assert message == "unknown block 'forwarded_value' in default_cache_behavior"
