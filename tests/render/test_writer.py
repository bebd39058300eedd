"""Atomic writes and staleness checks: tfgen only ever removes files it generated."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tfgen.render.writer import HEADER, Scope, compare, write_tree

ALL = Scope(("dev", "prod"), all_envs=True)
DEV = Scope(("dev",), all_envs=False)
H = HEADER.decode() + "\n"


def _tree(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): p.read_text() for p in out.rglob("*") if p.is_file()}


def test_write_replaces_the_tree_and_drops_stale_generated_files(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    write_tree({"main.tf": H + "a\n", "modules/x/main.tf": H + "x\n"}, out, ALL)
    write_tree({"main.tf": H + "b\n"}, out, ALL)
    assert _tree(out) == {"main.tf": H + "b\n"}


def test_files_tfgen_did_not_generate_are_kept(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    write_tree({"main.tf": H + "a\n"}, out, ALL)
    (out / ".terraform").mkdir()
    (out / ".terraform" / "state").write_text("keep")
    (out / ".terraform.lock.hcl").write_text("lock")
    (out / "README.md").write_text("mine")
    (out / "overrides.tf").write_text("locals {\n  mine = true\n}\n")
    write_tree({"main.tf": H + "b\n"}, out, ALL)
    assert _tree(out) == {
        "main.tf": H + "b\n",
        ".terraform/state": "keep",
        ".terraform.lock.hcl": "lock",
        "README.md": "mine",
        "overrides.tf": "locals {\n  mine = true\n}\n",
    }


def test_rendering_into_the_project_root_keeps_the_specs(tmp_path: Path) -> None:
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "services.yaml").write_text("services: {}\n")
    write_tree({"main.tf": H + "a\n"}, tmp_path, ALL)
    assert _tree(tmp_path) == {"specs/services.yaml": "services: {}\n", "main.tf": H + "a\n"}


def test_kept_folders_are_moved_not_copied(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    write_tree({"main.tf": H + "a\n"}, out, ALL)
    (out / ".terraform").mkdir()
    big = out / ".terraform" / "provider"
    big.write_text("binary")
    inode = big.stat().st_ino
    write_tree({"main.tf": H + "b\n"}, out, ALL)
    assert (out / ".terraform" / "provider").stat().st_ino == inode


def test_the_folder_keeps_its_permissions(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    out.mkdir(mode=0o755)
    out.chmod(0o755)
    write_tree({"main.tf": H + "a\n"}, out, ALL)
    assert out.stat().st_mode & 0o777 == 0o755
    fresh = tmp_path / "fresh"
    write_tree({"main.tf": H + "a\n"}, fresh, ALL)
    umask = os.umask(0)
    os.umask(umask)
    assert fresh.stat().st_mode & 0o777 == 0o777 & ~umask


def test_partial_render_keeps_other_environments(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    files = {"main.tf": H + "a\n", "environments/dev.tfvars": H + "d\n",
             "environments/prod.tfvars": H + "p\n"}  # fmt: skip
    write_tree(files, out, ALL)
    write_tree({"main.tf": H + "b\n", "environments/dev.tfvars": H + "d2\n"}, out, DEV)
    assert _tree(out) == {
        "main.tf": H + "b\n",
        "environments/dev.tfvars": H + "d2\n",
        "environments/prod.tfvars": H + "p\n",
    }


def test_failure_leaves_the_old_tree(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    write_tree({"main.tf": H + "a\n"}, out, ALL)
    (out / "README.md").write_text("mine")
    with pytest.raises(AttributeError):
        write_tree({"main.tf": H + "b\n", "bad.tf": None}, out, ALL)  # type: ignore[dict-item]
    assert _tree(out) == {"main.tf": H + "a\n", "README.md": "mine"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["generated"]


def test_compare_lists_changed_missing_and_stale_generated(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    files = {"main.tf": H + "a\n", "old.tf": H + "o\n", "environments/prod.tfvars": H + "p\n"}
    write_tree(files, out, ALL)
    (out / "README.md").write_text("not generated, never stale")
    staleness = compare({"main.tf": H + "changed\n", "new.tf": H + "n\n"}, out, DEV)
    assert staleness.changed == ["main.tf"]
    assert staleness.missing == ["new.tf"]
    assert staleness.extra == ["old.tf"]  # prod's tfvars are not in scope for a dev render
    assert staleness.stale
    assert not compare(files, out, ALL).stale
