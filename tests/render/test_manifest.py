"""The manifest of the output folder, and the drift between a folder and a render."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from tfgen.errors import UserError
from tfgen.render.drift import entries, inventory, terraform_loads, tolerated
from tfgen.render.manifest import MANIFEST, Manifest, load, of_files
from tfgen.render.writer import HEADER, Scope, compare, write_tree

ALL = Scope(("dev", "prod"), all_envs=True)
DEV = Scope(("dev",), all_envs=False)
H = HEADER.decode() + "\n"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_the_manifest_bytes_are_deterministic() -> None:
    files = {"z.tf": "z\n", "a/b.tf": "b\n"}
    b, z = _sha("b\n"), _sha("z\n")
    text = of_files(files).dump()
    assert text == (
        "{\n"
        '  "files": {\n'
        f'    "a/b.tf": "{b}",\n'
        f'    "z.tf": "{z}"\n'
        "  },\n"
        '  "format": 1,\n'
        '  "generator": "tfgen",\n'
        '  "hash": "sha256"\n'
        "}\n"
    )
    assert of_files(dict(reversed(list(files.items())))).dump() == text


def test_write_records_every_file_and_compare_accepts_it(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    files = {"main.tf": H + "a\n", "environments/dev.tfvars": H + "d\n"}
    write_tree(files, out, ALL)
    assert (out / MANIFEST).read_text() == of_files(files).dump()
    assert load(out) == of_files(files)
    assert not compare(files, out, ALL).stale


def test_no_manifest_is_none_and_a_damaged_one_is_a_located_error(tmp_path: Path) -> None:
    assert load(tmp_path) is None
    cases = {
        "{": "invalid JSON",
        '{"generator": "other"}': "generator",
        '{"generator": "tfgen", "format": 9, "hash": "sha256", "files": {}}': "format 9",
        '{"generator": "tfgen", "format": 1, "hash": "sha256", "files": {"a": 1}}': "sha256",
        '{"generator": "tfgen", "format": 1, "hash": "sha256", "files": {"../x": "%s"}}'
        % ("0" * 64): "relative paths",
    }
    for text, why in cases.items():
        (tmp_path / MANIFEST).write_text(text)
        with pytest.raises(UserError) as info:
            load(tmp_path)
        [problem] = info.value.problems
        assert problem.code == "TFG706"
        assert why in problem.message
        assert "--force" in problem.hint


def test_a_fifo_in_place_of_the_manifest_is_reported_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / MANIFEST)
    with pytest.raises(UserError) as info:
        load(tmp_path)
    assert "it is a FIFO" in info.value.problems[0].message


def test_force_rewrites_a_damaged_manifest(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    write_tree({"main.tf": H + "a\n"}, out, ALL)
    (out / MANIFEST).write_text("garbage")
    with pytest.raises(UserError):
        write_tree({"main.tf": H + "b\n"}, out, ALL)
    write_tree({"main.tf": H + "b\n"}, out, ALL, force=True)
    assert load(out) == of_files({"main.tf": H + "b\n"})


def test_a_tree_from_before_manifests_is_adopted(tmp_path: Path) -> None:
    """No manifest: files with the generated-file header are tfgen's."""
    out = tmp_path / "generated"
    out.mkdir()
    (out / "main.tf").write_text(H + "old\n")
    (out / "gone.tf").write_text(H + "gone\n")
    (out / "README.md").write_text("mine")
    files = {"main.tf": H + "new\n"}
    drift = compare(files, out, ALL)
    assert (drift.changed, drift.missing, drift.obsolete) == (["main.tf"], [MANIFEST], ["gone.tf"])
    assert drift.edited == drift.extra == []
    write_tree(files, out, ALL)
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "README.md", "main.tf"]
    assert load(out) == of_files(files)


def test_the_manifest_tells_a_hand_edit_from_a_stale_file(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    write_tree({"a.tf": H + "a\n", "b.tf": H + "b\n"}, out, ALL)
    (out / "a.tf").write_text(H + "a, edited\n")  # the header is still there
    drift = compare({"a.tf": H + "a2\n", "b.tf": H + "b2\n"}, out, ALL)
    assert drift.edited == ["a.tf"]
    assert drift.changed == [MANIFEST, "b.tf"]
    assert drift.lines()[:2] == ["edited: a.tf", f"changed: {MANIFEST}"]


def test_a_hand_made_file_at_a_rendered_path_counts_as_edited(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    write_tree({"main.tf": H + "a\n"}, out, ALL)
    (out / "modules").mkdir()
    (out / "modules" / "x.tf").write_text("mine\n")
    drift = compare({"main.tf": H + "a\n", "modules/x.tf": H + "x\n"}, out, ALL)
    assert drift.edited == ["modules/x.tf"]
    with pytest.raises(UserError):
        write_tree({"main.tf": H + "a\n", "modules/x.tf": H + "x\n"}, out, ALL)
    assert (out / "modules" / "x.tf").read_text() == "mine\n"


def test_a_partial_render_keeps_the_other_environments_in_the_manifest(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    both = {"main.tf": H + "a\n", "environments/dev.tfvars": H + "d\n",
            "environments/prod.tfvars": H + "p\n"}  # fmt: skip
    write_tree(both, out, ALL)
    (out / "environments" / "prod.tfvars").write_text(H + "p, edited\n")
    dev = {"main.tf": H + "a\n", "environments/dev.tfvars": H + "d2\n"}
    write_tree(dev, out, DEV)  # prod is not this render's business: kept, not judged
    assert (out / "environments" / "prod.tfvars").read_text() == H + "p, edited\n"
    assert load(out) == Manifest(
        {**of_files(dev).files, "environments/prod.tfvars": _sha(H + "p\n")}
    )
    assert not compare(dev, out, DEV).stale
    assert compare({**dev, "environments/prod.tfvars": H + "p\n"}, out, ALL).edited == [
        "environments/prod.tfvars"
    ]


def test_what_terraform_would_load() -> None:
    loads = ["x.tf", "modules/a/x.tf", "x.tf.json", "terraform.tfvars", "prod.auto.tfvars",
             "terraform.tfvars.json", "a.auto.tfvars.json"]  # fmt: skip
    ignored = [".x.tf", "x.tf~", "#x.tf#", "README.md", "environments/dev.tfvars",
               "modules/terraform.tfvars", ".terraform/modules/m/main.tf", "x.tfplan"]  # fmt: skip
    assert [r for r in loads if not terraform_loads(r)] == []
    assert [r for r in ignored if terraform_loads(r)] == []


def test_hidden_entries_and_local_state_are_tolerated() -> None:
    assert all(map(tolerated, [".terraform", ".tfgen/dev.tfplan", "terraform.tfstate",
                               "terraform.tfstate.d/dev/terraform.tfstate"]))  # fmt: skip
    assert not any(map(tolerated, ["main.tf", "README.md", "modules/x/main.tf"]))


def test_entries_list_symlinks_special_files_and_empty_folders(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "f.tf").write_text("x")
    (tmp_path / "empty").mkdir()
    (tmp_path / ".terraform" / "deep").mkdir(parents=True)
    (tmp_path / "link").symlink_to(tmp_path / "a")
    os.mkfifo(tmp_path / "pipe")
    assert entries(tmp_path) == [".terraform", "a/f.tf", "empty", "link", "pipe"]


def test_a_symlinked_folder_in_the_output_survives_a_render(tmp_path: Path) -> None:
    elsewhere = tmp_path / "docs"
    elsewhere.mkdir()
    (elsewhere / "notes.md").write_text("mine")
    out = tmp_path / "generated"
    write_tree({"main.tf": H + "a\n"}, out, ALL)
    (out / "docs").symlink_to(elsewhere)
    write_tree({"main.tf": H + "b\n"}, out, ALL)
    assert (out / "docs").is_symlink()
    assert (out / "docs" / "notes.md").read_text() == "mine"


def test_a_tree_from_before_manifests_with_a_readme_is_still_adopted(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(H + "a\n")
    (tmp_path / "README.md").write_text("mine")
    found = inventory({"main.tf": H + "a\n"}, tmp_path, ALL, None)
    assert not found.foreign
    assert not found.drift.stale


def test_a_hand_written_file_at_a_rendered_path_alone_is_a_foreign_folder(
    tmp_path: Path,
) -> None:
    (tmp_path / "main.tf").write_text("mine\n")
    assert inventory({"main.tf": H + "a\n"}, tmp_path, ALL, None).foreign


def test_a_folder_with_only_hidden_entries_is_not_foreign(tmp_path: Path) -> None:
    (tmp_path / ".terraform").mkdir()
    (tmp_path / ".gitkeep").write_text("")
    assert not inventory({"main.tf": H}, tmp_path, ALL, None).foreign
    (tmp_path / "notes.txt").write_text("x")
    assert inventory({"main.tf": H}, tmp_path, ALL, None).foreign


def test_the_manifest_is_valid_json_listing_paths(tmp_path: Path) -> None:
    write_tree({"main.tf": H + "a\n"}, tmp_path / "out", ALL)
    data = json.loads((tmp_path / "out" / MANIFEST).read_text())
    assert data == {"files": {"main.tf": _sha(H + "a\n")}, "format": 1,
                    "generator": "tfgen", "hash": "sha256"}  # fmt: skip
