"""The layers run concurrently (terraform and checkov in threads) with the same outcome as
one after another; and a warm run finds the terraform result before parsing anything."""

from __future__ import annotations

from pathlib import Path

import pytest

from check.rules.test_lint_corpus import BAD, GOOD, read_case
from tfgen.check import layers
from tfgen.check.layers import TREE_LAYERS, Outcome, Subject, run_layers
from tfgen.terraform.run import default_context

pytestmark = pytest.mark.e2e

TF_CASE = next(p for p in BAD if p.name == "data.tf")  # terraform finds something
CASES = [TF_CASE, next(p for p in GOOD if p.name == "edge")]  # findings; inline skips


def _fresh_cache(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    monkeypatch.setenv("TFGEN_CACHE_DIR", str(folder))
    default_context.cache_clear()


def _run(files: dict[str, str], concurrent: bool) -> Outcome:
    return run_layers(Subject(dict(files)), TREE_LAYERS, concurrent=concurrent)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_concurrent_outcome_equals_sequential(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = read_case(path)
    _fresh_cache(monkeypatch, tmp_path / "sequential")
    sequential = _run(files, concurrent=False)
    _fresh_cache(monkeypatch, tmp_path / "concurrent")
    concurrent = _run(files, concurrent=True)
    warm = _run(files, concurrent=True)
    default_context.cache_clear()
    assert sequential.layers_run == list(TREE_LAYERS)
    assert {f.layer for f in sequential.findings} >= ({"terraform"} if path == TF_CASE else set())
    assert concurrent == sequential
    assert warm == sequential


def test_warm_terraform_layer_parses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = read_case(TF_CASE)
    _fresh_cache(monkeypatch, tmp_path)
    cold = run_layers(Subject(files), ["terraform"])
    parsed: list[int] = []
    real = layers.parse_tree

    def counting(tree: dict[str, str]) -> object:
        parsed.append(len(tree))
        return real(tree)

    monkeypatch.setattr(layers, "parse_tree", counting)
    warm = run_layers(Subject(files), ["terraform"])
    default_context.cache_clear()
    assert warm == cold
    assert any(f.layer == "terraform" for f in cold.findings)
    assert parsed == []


def test_root_modules_are_validated_side_by_side_in_root_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad_vpc = 'resource "aws_vpc" "this" {\n  cidr_block = "10.0.0.0/16"\n  nope = 1\n}\n'
    files = {f"{name}/main.tf": bad_vpc for name in ("c", "a", "b")}
    _fresh_cache(monkeypatch, tmp_path)
    outcome = run_layers(Subject(files), ["terraform"])
    default_context.cache_clear()
    where = [(f.location.file, f.location.line) for f in outcome.findings if f.location]
    assert where == [("a/main.tf", 3), ("b/main.tf", 3), ("c/main.tf", 3)]
