"""tfgen never touches what it does not own: output paths, hand edits, foreign files,
file-system failures and spec discovery, through the real command line.

Most cases run tfgen as a real subprocess (``python -m tfgen``, with a timeout so that a
FIFO that blocked would fail the test instead of hanging it); the ``tfgen`` fixture runs
the central ones through click's runner too.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from helpers import REPO
from tfgen.cli import guarded, main
from tfgen.render.manifest import MANIFEST

Run = Callable[..., tuple[int, str, str]]
Lock = Callable[[Path], None]
CHATTR = shutil.which("chattr")
ROOT = os.geteuid() == 0


def _subprocess(project: Path, *args: str) -> tuple[int, str, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "tfgen", *args],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    return proc.returncode, proc.stdout, proc.stderr


def _runner(project: Path, *args: str) -> tuple[int, str, str]:
    cwd = Path.cwd()
    os.chdir(project)
    try:
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(cwd)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(params=["subprocess", "runner"])
def tfgen(request: pytest.FixtureRequest, project: Path) -> Run:
    how = _subprocess if request.param == "subprocess" else _runner
    return lambda *args: how(project, *args)


@pytest.fixture
def run(project: Path) -> Run:
    return lambda *args: _subprocess(project, *args)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def _no_bug(stderr: str) -> None:
    assert "TFG400" not in stderr
    assert "bug in tfgen" not in stderr
    assert "Traceback" not in stderr


# --- the output path ------------------------------------------------------------------


def test_a_regular_file_at_the_output_path_is_refused(project: Path, tfgen: Run) -> None:
    shutil.rmtree(project / "generated")
    (project / "generated").write_text("my notes\n")
    for force in ([], ["--force"]):
        code, _, stderr = tfgen("render", "--all", *force)
        assert code == 2
        assert stderr == (
            "generated: TFG701 the output path is a regular file, not a folder; hint: tfgen "
            "writes only into folders; remove it yourself or choose another --out\n"
        )
    assert (project / "generated").read_text() == "my notes\n"


def test_a_fifo_or_a_device_at_the_output_path_is_refused(project: Path, run: Run) -> None:
    os.mkfifo(project / "pipe")
    code, _, stderr = run("render", "--all", "--out", "pipe")
    assert code == 2
    assert "pipe: TFG701 the output path is a FIFO, not a folder" in stderr
    assert stat.S_ISFIFO((project / "pipe").stat().st_mode)
    code, _, stderr = run("render", "--all", "--out", "/dev/null", "--force")
    assert code == 2
    assert "/dev/null: TFG701 the output path is a device, not a folder" in stderr
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.parametrize(
    ("out", "why"),
    [
        (".", "is the project root"),
        ("..", "contains the project root"),
        ("specs", "is inside specs/"),
        ("specs/terraform", "is inside specs/"),
        ("environments", "is inside environments/"),
        ("generated/modules", "is inside generated, another tfgen output folder"),
    ],
)
def test_the_project_and_its_inputs_are_never_an_output(
    project: Path, run: Run, out: str, why: str
) -> None:
    before = _snapshot(project)
    code, _, stderr = run("render", "--all", "--force", "--out", out)
    assert code == 2
    assert f"{out}: TFG702 the output folder {why}" in stderr
    assert "render into a folder of its own" in stderr
    assert _snapshot(project) == before
    assert not (project / "specs/terraform").exists()


def test_the_check_refuses_the_same_paths(project: Path, run: Run) -> None:
    code, _, stderr = run("render", "--all", "--check", "--out", "specs")
    assert code == 2
    assert "specs: TFG702" in stderr


def test_a_folder_tfgen_did_not_create_is_refused_unless_forced(project: Path, tfgen: Run) -> None:
    mine = project / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me\n")
    (mine / "other.tf").write_text('locals {\n  x = "mine"\n}\n')
    code, _, stderr = tfgen("render", "--all", "--out", "mine")
    assert code == 2
    assert stderr.startswith(
        "mine: TFG703 the output folder is not empty and tfgen did not create it"
    )
    assert sorted(p.name for p in mine.iterdir()) == ["notes.txt", "other.tf"]
    code, stdout, stderr = tfgen("render", "--all", "--out", "mine", "--force")
    assert code == 0, stderr
    assert "removed (not generated by tfgen, or edited): other.tf" in stderr
    golden = json.loads((REPO / "generated" / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert f"rendered {len(golden)} files into mine" in stdout
    assert (mine / "notes.txt").read_text() == "keep me\n"
    assert not (mine / "other.tf").exists()
    assert (mine / MANIFEST).is_file()
    assert tfgen("render", "--all", "--out", "mine", "--check")[0] == 0


def test_an_empty_folder_or_one_with_terraform_state_only_is_fine(project: Path, run: Run) -> None:
    (project / "fresh" / ".terraform").mkdir(parents=True)
    (project / "fresh" / ".terraform.lock.hcl").write_text("lock")
    code, _, stderr = run("render", "dev", "--out", "fresh")
    assert code == 0, stderr
    assert (project / "fresh" / ".terraform.lock.hcl").read_text() == "lock"


# --- drift: hand edits and foreign files ------------------------------------------------


def test_a_hand_edit_is_refused_and_forced_only_on_request(project: Path, tfgen: Run) -> None:
    ecs = project / "generated/modules/ecs/main.tf"
    ecs.write_text(ecs.read_text() + "# tuned by hand\n")
    before = _snapshot(project / "generated")
    code, _, stderr = tfgen("render", "--all")
    assert code == 2
    assert stderr == (
        "generated/modules/ecs/main.tf: TFG704 edited by hand since tfgen wrote it; rendering "
        "would overwrite it; hint: move the change into specs/ or environments/ (or save the "
        "file elsewhere), or pass --force to discard it\n"
    )
    assert _snapshot(project / "generated") == before
    code, _, stderr = tfgen("render", "--all", "--force")
    assert code == 0
    assert stderr == "overwrote (edited by hand): modules/ecs/main.tf\n"
    assert not ecs.read_text().endswith("# tuned by hand\n")
    assert tfgen("render", "--all", "--check")[0] == 0


def test_a_sneaky_tf_file_fails_the_check_plan_and_render(project: Path, tfgen: Run) -> None:
    sneaky = project / "generated/sneaky.tf"
    sneaky.write_text('output "x" {\n  value = "surprise"\n}\n')
    before = _snapshot(project / "generated")

    code, _, stderr = tfgen("render", "--all", "--check")
    assert code == 1
    assert "  extra (not generated): sneaky.tf\n" in stderr

    code, _, stderr = tfgen("plan", "dev")  # refused before terraform runs
    assert code == 1
    assert "is stale for dev" in stderr
    assert "  extra (not generated): sneaky.tf\n" in stderr
    assert not (project / "generated/.terraform").exists()

    code, _, stderr = tfgen("render", "--all")
    assert code == 2
    assert stderr.startswith("generated/sneaky.tf: TFG705 a Terraform file tfgen did not write")
    assert _snapshot(project / "generated") == before

    code, _, stderr = tfgen("render", "--all", "--force")
    assert code == 0
    assert "removed (not generated by tfgen, or edited): sneaky.tf" in stderr
    assert not sneaky.exists()


def test_plan_refuses_a_hand_edited_tree(project: Path, run: Run) -> None:
    tfvars = project / "generated/environments/dev.tfvars"
    tfvars.write_text(tfvars.read_text().replace("dev", "prod", 1))
    code, _, stderr = run("plan", "dev")
    assert code == 1
    assert "  edited: environments/dev.tfvars\n" in stderr
    assert not (project / "generated/.tfgen").exists()


def test_check_lists_every_kind_of_drift_and_writes_nothing(project: Path, run: Run) -> None:
    gen = project / "generated"
    (gen / "main.tf").write_text((gen / "main.tf").read_text() + "# edit\n")
    (gen / "outputs.tf").unlink()
    (gen / "extra.tf.json").write_text("{}\n")
    (gen / "NOTES.md").write_text("foreign but harmless\n")
    before = _snapshot(project)
    code, _, stderr = run("render", "--all", "--check")
    assert code == 1
    assert stderr.splitlines()[1:] == [
        "  edited: main.tf",
        "  missing: outputs.tf",
        "  extra (not generated): extra.tf.json",
        "hint: tfgen does not overwrite hand edits or delete files it did not write; restore "
        "or move them, or let `tfgen render --force` discard them",
    ]
    assert _snapshot(project) == before


def test_a_tree_without_manifest_is_adopted(project: Path, run: Run) -> None:
    (project / "generated" / MANIFEST).unlink()
    (project / "generated" / "README.md").write_text("how we deploy\n")
    code, _, stderr = run("render", "--all", "--check")
    assert code == 1
    assert stderr.splitlines()[1:] == [f"  missing: {MANIFEST}"]
    code, _, stderr = run("render", "--all")
    assert code == 0, stderr
    assert run("render", "--all", "--check")[0] == 0
    assert (project / "generated" / "README.md").read_text() == "how we deploy\n"


def test_a_damaged_manifest_is_a_located_error(project: Path, run: Run) -> None:
    (project / "generated" / MANIFEST).write_text("{not json")
    code, _, stderr = run("render", "--all")
    assert code == 2
    assert stderr.startswith(f"generated/{MANIFEST}: TFG706 not a tfgen manifest: invalid JSON")
    code, _, stderr = run("render", "--all", "--force")
    assert code == 0, stderr
    assert run("render", "--all", "--check")[0] == 0


# --- file-system failures are the environment's, not bugs --------------------------------


def test_an_output_below_a_regular_file(project: Path, tfgen: Run) -> None:
    (project / "afile").write_text("x")
    code, _, stderr = tfgen("render", "--all", "--out", "afile/generated")
    assert code == 2
    assert stderr.startswith("afile: TFG707 cannot write afile: ")
    assert "a part of the path" in stderr
    _no_bug(stderr)


@pytest.fixture
def locked(project: Path) -> Iterator[Lock]:
    """Make a folder unwritable for real: ``chattr +i`` as root, read-only mode otherwise."""
    done: list[Path] = []

    def lock(path: Path) -> None:
        if ROOT:
            if CHATTR is None:
                pytest.skip("running as root without chattr: no way to make a folder read-only")
            if subprocess.run([CHATTR, "+i", str(path)], check=False).returncode != 0:
                pytest.skip("chattr +i is not supported on this file system")
        else:
            path.chmod(0o555)
        done.append(path)
        probe = path / "probe"
        with pytest.raises(OSError):
            probe.write_text("x")

    yield lock
    for path in done:
        if ROOT:
            subprocess.run([CHATTR, "-i", str(path)], check=True)  # type: ignore[list-item]
        else:
            path.chmod(0o755)


def test_an_immutable_output_folder(project: Path, tfgen: Run, locked: Lock) -> None:
    locked(project / "generated")
    code, _, stderr = tfgen("render", "--all")
    assert code == 2
    assert stderr.startswith("generated: TFG707 cannot write generated: ")
    assert "check the permissions" in stderr
    _no_bug(stderr)


def test_an_unwritable_parent_folder(project: Path, run: Run, locked: Lock) -> None:
    (project / "ro").mkdir()
    locked(project / "ro")
    code, _, stderr = run("render", "--all", "--out", "ro/generated")
    assert code == 2
    assert stderr.startswith("ro: TFG707 cannot write ro: ")
    _no_bug(stderr)


READ_ONLY_MOUNT = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'


def _read_only(folder: Path, *command: str) -> list[str]:
    """``command`` in a private mount namespace where ``folder`` is a read-only mount (the
    mount disappears with the process)."""
    return ["unshare", "-m", "sh", "-c", READ_ONLY_MOUNT, "sh", str(folder), *command]


def test_a_read_only_file_system(project: Path) -> None:
    mnt = project / "mnt"
    mnt.mkdir()
    probe = _read_only(mnt, "sh", "-c", f"! touch {shlex.quote(str(mnt / 'probe'))}")
    if shutil.which("unshare") is None or subprocess.run(probe, check=False).returncode:
        pytest.skip("needs unshare and the right to mount (root) for a read-only mount")
    command = [sys.executable, "-m", "tfgen", "render", "--all", "--out", "mnt/generated"]
    proc = subprocess.run(_read_only(mnt, *command), cwd=project, capture_output=True,
                          text=True, check=False, timeout=120)  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("mnt: TFG707 cannot write mnt: Read-only file system")
    assert "mounted read-only" in proc.stderr
    _no_bug(proc.stderr)
    assert list((project / "mnt").iterdir()) == []


def test_any_os_error_is_a_located_user_error_not_a_bug(tmp_path: Path) -> None:
    @click.command()
    @guarded
    def reads() -> None:
        (tmp_path / "no" / "such.yaml").read_text()

    result = CliRunner().invoke(reads, [])
    assert result.exit_code == 2
    assert "TFG708 cannot use " in result.stderr
    assert "such.yaml: No such file or directory" in result.stderr
    _no_bug(result.stderr)


# --- spec discovery ----------------------------------------------------------------------


def _dangling(path: Path) -> None:
    path.symlink_to(path.parent / "nowhere.yaml")


def _loop(path: Path) -> None:
    path.symlink_to(path)


def _device(path: Path) -> None:
    path.symlink_to("/dev/null")


SPECIALS: dict[str, tuple[Callable[[Path], None], str]] = {
    "dangling": (_dangling, "a dangling symlink"),
    "loop": (_loop, "a symlink loop"),
    "fifo": (os.mkfifo, "a FIFO"),
    "device": (_device, "a device"),
    "folder": (Path.mkdir, "a folder"),
}


@pytest.mark.parametrize("kind", sorted(SPECIALS))
@pytest.mark.parametrize("folder", ["specs", "environments"])
def test_spec_entries_that_are_not_files_are_located_errors(
    project: Path, run: Run, kind: str, folder: str
) -> None:
    make, described = SPECIALS[kind]
    make(project / folder / "extra.yaml")
    before = _snapshot(project / "generated")
    code, _, stderr = run("render", "--all")
    assert code == 2
    assert stderr == (
        f"{folder}/extra.yaml: TFG011 not a regular YAML file: {described}; "
        "hint: make it a regular YAML file, or remove or rename it\n"
    )
    assert _snapshot(project / "generated") == before


def test_hidden_and_editor_files_in_specs_are_ignored(project: Path, run: Run) -> None:
    platform = (project / "specs/platform.yaml").read_text()
    for name in (".#platform.yaml", ".platform.yaml.swp", "platform.yaml~", "#platform.yaml#"):
        (project / "specs" / name).write_text(platform)  # loaded, each would be TFG009
    os.mkfifo(project / "specs" / ".#services.yaml")  # hidden: not even looked at
    (project / "environments" / ".#dev.yaml").write_text("nonsense: [\n")
    code, _, stderr = run("render", "--all", "--check")
    assert code == 0, stderr
