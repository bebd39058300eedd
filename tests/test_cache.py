"""tfgen's one cache module: the folder, entries (atomic, bounded) and keys."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tfgen import cache
from tfgen.errors import ToolError


def test_cache_dir_resolution(tmp_path: Path) -> None:
    explicit = {"TFGEN_CACHE_DIR": str(tmp_path / "a"), "XDG_CACHE_HOME": str(tmp_path / "x")}
    assert cache.cache_dir(explicit) == (tmp_path / "a").resolve()
    assert cache.cache_dir({"XDG_CACHE_HOME": str(tmp_path / "x")}) == (tmp_path / "x/tfgen")
    assert cache.cache_root({"HOME": "/h"}) == Path("/h/.cache/tfgen")
    assert (tmp_path / "a").is_dir()


def test_unusable_cache_dir_is_a_tool_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(ToolError) as info:
        cache.cache_dir({"TFGEN_CACHE_DIR": str(tmp_path / "file" / "sub")})
    assert info.value.problems[0].code == "TFG511"


def test_json_and_bytes_round_trip(tmp_path: Path) -> None:
    cache.store_json(tmp_path / "k1", "abc", {"b": [1, 2], "a": "x"})
    assert cache.load_json(tmp_path / "k1", "abc") == {"a": "x", "b": [1, 2]}
    assert (tmp_path / "k1" / "abc.json").read_text() == '{"a": "x", "b": [1, 2]}'
    cache.store_bytes(tmp_path / "k2", "abc", b"\x00\xff")
    assert cache.load_bytes(tmp_path / "k2", "abc") == b"\x00\xff"
    assert cache.load_json(tmp_path / "k1", "missing") is None
    (tmp_path / "k1" / "bad.json").write_text("{not json")
    assert cache.load_json(tmp_path / "k1", "bad") is None
    assert not list(tmp_path.rglob("*.tmp"))  # no temporary file left behind


def test_store_prunes_by_count_and_age(tmp_path: Path) -> None:
    now = time.time()
    for index in range(5):
        cache.store_json(tmp_path, f"e{index}", index, keep=3)
        os.utime(tmp_path / f"e{index}.json", (now - 100 + index, now - 100 + index))
    assert sorted(p.stem for p in tmp_path.glob("*.json")) == ["e2", "e3", "e4"]
    old = time.time() - 3600
    os.utime(tmp_path / "e4.json", (old, old))
    cache.store_json(tmp_path, "new", 0, max_age=60)
    assert "e4" not in {p.stem for p in tmp_path.glob("*.json")}
    assert cache.load_json(tmp_path, "new") == 0


def test_store_into_an_unwritable_place_is_ignored(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    cache.store_json(tmp_path / "file", "k", 1)  # no exception: a cache only saves time
    assert cache.load_json(tmp_path / "file", "k") is None


def test_keys_depend_on_salt_names_and_contents() -> None:
    base = cache.key("v1", "terraform 1.9", files={"a.tf": "x"})
    assert cache.key("v1", "terraform 1.9", files={"a.tf": b"x"}) == base
    assert cache.key("v1", "terraform 1.10", files={"a.tf": "x"}) != base
    assert cache.key("v1", "terraform 1.9", files={"b.tf": "x"}) != base
    assert cache.key("v1", "terraform 1.9", files={"a.tf": "y"}) != base
    assert cache.key("v1", "terraform 1.9") != base
    assert cache.key("v1terraform 1.9", files={"a.tf": "x"}) != base
    assert len(cache.code_fingerprint()) == 64
