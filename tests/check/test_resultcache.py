"""The offline-layer result cache: round trip, and keys that change with the input."""

from __future__ import annotations

from pathlib import Path

from tfgen.check import resultcache
from tfgen.check.findings import Finding, HclLocation, Severity, SpecLocation


def test_round_trip(tmp_path: Path) -> None:
    finding = Finding(
        "schema", Severity.WARNING, "SCH005", "'vpc' is deprecated",
        HclLocation("main.tf", 3, 5, "aws_eip.nat"), SpecLocation("specs/x.yaml", 2, 3),
        hint="use domain", doc_url="https://example.test/doc", extra={"title": "t"},
    )  # fmt: skip
    resultcache.store(tmp_path, "k", [finding])
    assert resultcache.load(tmp_path, "k") == [finding]
    assert resultcache.load(tmp_path, "other") is None


def test_keys_depend_on_files_layer_and_extra() -> None:
    files = {"main.tf": "a = 1\n"}
    base = resultcache.key("rules", files)
    assert resultcache.key("rules", {"main.tf": "a = 2\n"}) != base
    assert resultcache.key("rules", {"other.tf": "a = 1\n"}) != base
    assert resultcache.key("schema", files) != base
    assert resultcache.key("rules", files, "platform") != base
    assert resultcache.key("rules", dict(files)) == base
