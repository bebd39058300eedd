"""The lint corpus through the slow layers: real ``terraform validate`` and real checkov.

* Bad cases: terraform runs after the offline layers, and tfgen drops the diagnostics that
  echo a schema or consistency finding on the same line.  Whatever terraform still
  reports must be planted: a ``# expect: TF-...`` marker (something only terraform
  finds) or a ``# echo: TF-...`` marker (a known second report of a defect an offline
  layer already reported; see ``test_terraform_repeats_no_offline_finding``).
* Good modules: every layer, checkov included, reports nothing.  Checks that do not
  apply are skipped inline (``#checkov:skip=CKV_...:reason``): every skip comment must
  name a check checkov actually skipped (their reasons are checked offline, in
  ``test_lint_corpus.py``), and ``pytest -rP`` lists them.

Markers and case reading are shared with ``tests/check/rules/test_lint_corpus.py``.
Results of terraform and checkov are cached by content (``$TFGEN_CACHE_DIR``), so only
the first run pays for them (about 5 s per case and layer).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from check.rules.lintcase import TODAY
from check.rules.test_lint_corpus import (
    BAD,
    GOOD,
    OFFLINE_LAYERS,
    SKIP_RE,
    case_id,
    compare,
    describe,
    parse_markers,
    read_case,
)
from tfgen.check.checkov import run_checkov
from tfgen.check.consistency import parse_tree
from tfgen.check.layers import TREE_LAYERS, Subject, run_layers
from tfgen.check.rules import run_rules

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("path", BAD, ids=case_id)
def test_terraform_reports_nothing_unplanted_on_bad_case(path: Path) -> None:
    files = read_case(path)
    markers = parse_markers(files)
    outcome = run_layers(Subject(files), (*OFFLINE_LAYERS, "terraform"))
    terraform = [f for f in outcome.findings if f.layer == "terraform"]
    missing, unexpected = compare(terraform, markers, terraform=True)
    assert not missing and not unexpected, f"missing={missing} unexpected={describe(unexpected)}"


def test_terraform_repeats_no_offline_finding() -> None:
    echoes = []
    for path in BAD:
        files = read_case(path)
        markers = parse_markers(files)
        # with the rules layer too: the provider's value checks repeat rule findings
        outcome = run_layers(Subject(files), (*OFFLINE_LAYERS, "rules", "terraform"))
        echoes += [f for f in outcome.findings if f.layer == "terraform" and markers.echoed(f)]
    assert echoes == [], describe(echoes)


@pytest.mark.parametrize("path", GOOD, ids=case_id)
def test_good_module_is_clean_in_every_layer(
    path: Path, record_property: Callable[[str, object], None]
) -> None:
    files = read_case(path)
    layers = [layer for layer in TREE_LAYERS if layer != "rules"]
    findings = run_layers(Subject(files), layers).findings
    findings += run_rules([d for p, d in parse_tree(files).items() if p.endswith(".tf")], TODAY)
    assert describe(findings) == []

    # The checks skipped inline, with their reasons (shown by `pytest -rP`).  The scan
    # above is cached, so this is no second checkov run.
    skipped = run_checkov(path).skipped
    for skip in skipped:
        print(f"{path.name}: {skip.check_id} skipped on {skip.address}: {skip.justification}")
    record_property("checkov_skips", [tuple(skip) for skip in skipped])
    assert all(skip.justification.strip() for skip in skipped), skipped
    commented = {
        match.group("check") for text in files.values() for match in SKIP_RE.finditer(text)
    }
    assert commented == {skip.check_id for skip in skipped}, "a skip comment names no skipped check"


# --------------------------------------------------------------------------- known gaps

ALIASED_MODULE = """\
terraform {
  required_providers {
    aws = {
      source                = "hashicorp/aws"
      version               = ">= 5.100, < 7"
      configuration_aliases = [aws.us_east_1]
    }
  }
}

resource "aws_acm_certificate" "cdn" {
  provider          = aws.us_east_1
  domain_name       = "www.example.com"
  validation_method = "DNS"
}
"""


def test_module_with_configuration_aliases_has_no_terraform_findings() -> None:
    outcome = run_layers(Subject({"main.tf": ALIASED_MODULE}), ["terraform"])
    assert describe(outcome.findings) == []


def test_terraform_validates_modules_in_sub_folders() -> None:
    files = {
        "network/main.tf": 'resource "aws_vpc" "this" {\n'
        '  cidr_block         = "10.0.0.0/16"\n'
        '  enable_dns_support = "maybe"\n'
        "}\n"
    }
    outcome = run_layers(Subject(files), ["terraform"])
    where = [(f.location.file, f.location.line) for f in outcome.findings if f.location]
    assert where == [("network/main.tf", 3)]


def test_lint_reports_inline_checkov_skips() -> None:
    path = next(p for p in GOOD if p.name == "edge")
    outcome = run_layers(Subject(read_case(path)), ["checkov"])
    assert {code for code, _, _ in outcome.skipped} == {
        skip.check_id for skip in run_checkov(path).skipped
    }
