"""The rule registry: metadata, test coverage of every rule, and docs/rules.md."""

from __future__ import annotations

import importlib
import re

from check.rules.lintcase import Case
from helpers import REPO
from tfgen.check.findings import Severity
from tfgen.check.rules import all_rules, rules_markdown

TEST_MODULES = (
    "test_sqs",
    "test_ecs",
    "test_elb",
    "test_lambda",
    "test_network",
    "test_iam",
    "test_rds",
    "test_storage",
    "test_deprecated",
)


def _cases() -> list[Case]:
    cases: list[Case] = []
    for name in TEST_MODULES:
        cases.extend(importlib.import_module(f"check.rules.{name}").CASES)
    return cases


def test_there_are_many_rules_with_complete_metadata() -> None:
    rules = all_rules()
    assert len(rules) >= 40
    codes = [r.code for r in rules]
    assert codes == sorted(set(codes))
    for meta in rules:
        assert re.fullmatch(r"AWS\d{3}", meta.code), meta.code
        assert meta.title and meta.hint and meta.resource_types, meta.code
        assert meta.doc_url.startswith("https://"), meta.code
        assert isinstance(meta.severity, Severity)
        assert meta.service


def test_every_rule_has_a_failing_and_a_passing_case() -> None:
    covered = {case.code for case in _cases()}
    assert covered == {meta.code for meta in all_rules()}


def test_docs_rules_md_is_up_to_date() -> None:
    path = REPO / "docs" / "rules.md"
    assert path.read_text(encoding="utf-8") == rules_markdown(), (
        "docs/rules.md is stale; run: python -m tfgen.check.rules > docs/rules.md"
    )
