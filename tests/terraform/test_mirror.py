"""Provider mirror discovery: env override, search order, layouts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfgen.errors import ToolError
from tfgen.terraform import find_provider_mirror, mirror_provider_versions, mirror_search_dirs
from tfgen.terraform.locate import is_provider_mirror, mirror_providers, os_arch


def _unpacked(root: Path, version: str = "5.99.0", arch: str | None = None) -> Path:
    leaf = root / "registry.terraform.io/hashicorp/aws" / version / (arch or os_arch())
    leaf.mkdir(parents=True)
    (leaf / f"terraform-provider-aws_v{version}_x5").write_bytes(b"")
    return root


def _packed(root: Path, version: str = "6.0.0") -> Path:
    folder = root / "registry.terraform.io/hashicorp/aws"
    folder.mkdir(parents=True)
    (folder / f"terraform-provider-aws_{version}_{os_arch()}.zip").write_bytes(b"")
    return root


def test_layouts(tmp_path: Path) -> None:
    assert mirror_provider_versions(_unpacked(tmp_path / "u")) == ["5.99.0"]
    assert mirror_provider_versions(_packed(tmp_path / "p")) == ["6.0.0"]
    assert not is_provider_mirror(_unpacked(tmp_path / "other", arch="plan9_mips"))
    assert not is_provider_mirror(tmp_path / "missing")
    assert mirror_providers(tmp_path / "u") == ["registry.terraform.io/hashicorp/aws"]


def test_env_override(tmp_path: Path) -> None:
    mirror = _unpacked(tmp_path / "m")
    assert find_provider_mirror({"TFGEN_PROVIDER_MIRROR": str(mirror)}) == mirror.resolve()


def test_env_override_invalid_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ToolError) as info:
        find_provider_mirror({"TFGEN_PROVIDER_MIRROR": str(tmp_path)})
    assert info.value.problems[0].code == "TFG503"


def test_search_takes_first_valid(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    second = _unpacked(tmp_path / "second")
    third = _packed(tmp_path / "third")
    dirs = [tmp_path / "missing", empty, second, third]
    assert find_provider_mirror({}, search_dirs=dirs) == second.resolve()
    assert find_provider_mirror({}, search_dirs=[empty]) is None


def test_search_dirs_follow_home_and_xdg(tmp_path: Path) -> None:
    dirs = mirror_search_dirs({"HOME": str(tmp_path / "h"), "XDG_DATA_HOME": str(tmp_path / "x")})
    assert dirs.index(tmp_path / "h/.terraform.d/plugins") < dirs.index(
        tmp_path / "x/terraform/plugins"
    )
    assert tmp_path / "h/.local/share/terraform/plugins" in dirs
    assert Path("/usr/share/terraform/plugins") in dirs
    assert len(dirs) == len(set(dirs))


def test_home_mirror_is_found(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _unpacked(home / ".terraform.d/plugins")
    env = {"HOME": str(home)}
    dirs = [d for d in mirror_search_dirs(env) if str(d).startswith(str(tmp_path))]
    assert find_provider_mirror(env, search_dirs=dirs) == (home / ".terraform.d/plugins").resolve()


def test_machine_mirror_if_any() -> None:
    found = find_provider_mirror({})
    if found is None:
        pytest.skip("no provider mirror on this machine")
    assert mirror_provider_versions(found)
