"""Atomic writes and staleness checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfgen.render.writer import Scope, compare, write_tree

ALL = Scope(("dev", "prod"), all_envs=True)
DEV = Scope(("dev",), all_envs=False)


def _tree(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): p.read_text() for p in out.rglob("*") if p.is_file()}


def test_write_replaces_the_tree_and_drops_stale_files(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    write_tree({"main.tf": "a\n", "modules/x/main.tf": "x\n"}, out, ALL)
    write_tree({"main.tf": "b\n"}, out, ALL)
    assert _tree(out) == {"main.tf": "b\n"}


def test_foreign_files_are_kept(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    write_tree({"main.tf": "a\n"}, out, ALL)
    (out / ".terraform").mkdir()
    (out / ".terraform" / "state").write_text("keep")
    (out / ".terraform.lock.hcl").write_text("lock")
    write_tree({"main.tf": "b\n"}, out, ALL)
    assert _tree(out) == {
        "main.tf": "b\n",
        ".terraform/state": "keep",
        ".terraform.lock.hcl": "lock",
    }


def test_partial_render_keeps_other_environments(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    write_tree(
        {"main.tf": "a\n", "environments/dev.tfvars": "d\n", "environments/prod.tfvars": "p\n"},
        out,
        ALL,
    )
    write_tree({"main.tf": "b\n", "environments/dev.tfvars": "d2\n"}, out, DEV)
    assert _tree(out) == {
        "main.tf": "b\n",
        "environments/dev.tfvars": "d2\n",
        "environments/prod.tfvars": "p\n",
    }


def test_failure_leaves_the_old_tree(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    write_tree({"main.tf": "a\n"}, out, ALL)
    with pytest.raises(AttributeError):
        write_tree({"main.tf": "b\n", "bad.tf": None}, out, ALL)  # type: ignore[dict-item]
    assert _tree(out) == {"main.tf": "a\n"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["generated"]


def test_compare_lists_changed_missing_and_extra(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    write_tree({"main.tf": "a\n", "old.tf": "o\n", "environments/prod.tfvars": "p\n"}, out, ALL)
    staleness = compare({"main.tf": "changed\n", "new.tf": "n\n"}, out, DEV)
    assert staleness.changed == ["main.tf"]
    assert staleness.missing == ["new.tf"]
    assert staleness.extra == ["old.tf"]  # prod's tfvars are not in scope for a dev render
    assert staleness.stale
    assert not compare(
        {"main.tf": "a\n", "old.tf": "o\n", "environments/prod.tfvars": "p\n"}, out, ALL
    ).stale
