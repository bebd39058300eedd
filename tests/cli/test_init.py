"""`tfgen init`: a new platform that renders and validates at once, never overwriting."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from tfgen.cli import main
from tfgen.scaffold import templates

TFGEN = shutil.which("tfgen") or str(Path(__file__).resolve().parents[2] / ".venv/bin/tfgen")


def _proc(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([TFGEN, *args], cwd=cwd, capture_output=True, text=True, check=False)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}  # fmt: skip


def test_init_then_render_and_validate_as_processes(tmp_path: Path) -> None:
    proc = _proc("init", "acme-platform", "--name", "acme", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    root = tmp_path / "acme-platform"
    assert "created specs/services.yaml" in proc.stdout
    assert "Next steps:" in proc.stdout
    assert "tfgen -C acme-platform render --all" in proc.stdout
    assert sorted(_files(root)) == [
        ".gitignore",
        "environments/dev.yaml",
        "environments/prod.yaml",
        "environments/staging.yaml",
        "specs/checks.yaml",
        "specs/ingress.yaml",
        "specs/network.yaml",
        "specs/platform.yaml",
        "specs/secrets.yaml",
        "specs/services.yaml",
    ]
    assert "name: acme\n" in (root / "specs/platform.yaml").read_text()

    render = _proc("-C", "acme-platform", "render", "--all", cwd=tmp_path)
    assert render.returncode == 0, render.stderr
    assert "for dev, prod, staging" in render.stdout
    assert (root / "generated/environments/prod.tfvars").is_file()

    layers = "consistency,schema,rules"
    validate = _proc("-C", "acme-platform", "validate", "--all", "--only", layers, cwd=tmp_path)
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert "0 errors, 0 warnings, 0 info — passed" in validate.stdout

    check = _proc("render", "--all", "--check", cwd=root)
    assert check.returncode == 0, check.stderr


def test_gitignore_covers_terraform_working_files(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["init", str(tmp_path), "--name", "demo"])
    assert result.exit_code == 0, result.output
    ignored = (tmp_path / ".gitignore").read_text().splitlines()
    for pattern in (".terraform/", "*.tfplan", "*.tfstate", ".tfgen/", "crash.log"):
        assert pattern in ignored


def test_init_defaults_to_the_current_folder_and_its_name(tmp_path: Path) -> None:
    root = tmp_path / "Shop-2"
    root.mkdir()
    proc = _proc("init", cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert "platform 'shop2' in ." in proc.stdout
    assert "  tfgen render --all" in proc.stdout
    assert "name: shop2\n" in (root / "specs/platform.yaml").read_text()


def test_init_uses_the_project_option_as_default_folder(tmp_path: Path) -> None:
    proc = _proc("-C", "there", "init", "--name", "acme", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "there/specs/platform.yaml").is_file()
    assert "tfgen -C there render --all" in proc.stdout


@pytest.mark.parametrize("name", ["Acme", "a", "1acme", "acme-corp", "thirteenchars"])
def test_invalid_platform_names_exit_2_and_write_nothing(tmp_path: Path, name: str) -> None:
    result = CliRunner().invoke(main, ["init", str(tmp_path / "p"), "--name", name])
    assert result.exit_code == 2
    assert f"TFG711 invalid platform name {name!r}" in result.stderr
    assert "it must match ^[a-z][a-z0-9]{1,11}$; hint: use 2 to 12 characters" in result.stderr
    assert not (tmp_path / "p").exists()


def test_a_folder_name_without_a_platform_name_needs_name(tmp_path: Path) -> None:
    root = tmp_path / "123"
    root.mkdir()
    proc = _proc("init", cwd=root)
    assert proc.returncode == 2
    assert "TFG711 cannot derive a platform name from the folder name '123'" in proc.stderr
    assert "hint: pass --name" in proc.stderr
    assert list(root.iterdir()) == []


def test_an_existing_platform_is_refused(project: Path) -> None:
    before = _files(project)
    proc = _proc("init", "--name", "acme", cwd=project)
    assert proc.returncode == 2
    assert proc.stderr == (
        "specs: TFG712 the folder already holds a platform (specs/, environments/); hint: "
        "init a new folder, or pass --force to add only the missing files\n"
    )
    assert "Traceback" not in proc.stderr
    assert _files(project) == before


def test_force_adds_only_missing_files(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(tmp_path), "--name", "acme"]).exit_code == 0
    services = tmp_path / "specs/services.yaml"
    services.write_text("# mine\n" + services.read_text())
    (tmp_path / "environments/staging.yaml").unlink()
    edited = _files(tmp_path)

    refused = runner.invoke(main, ["init", str(tmp_path), "--name", "acme"])
    assert refused.exit_code == 2
    assert _files(tmp_path) == edited

    forced = runner.invoke(main, ["init", str(tmp_path), "--name", "other", "--force"])
    assert forced.exit_code == 0, forced.output
    assert "created environments/staging.yaml" in forced.stdout
    assert "kept    specs/services.yaml (exists)" in forced.stdout
    after = _files(tmp_path)
    assert {k: v for k, v in after.items() if k != "environments/staging.yaml"} == edited
    assert services.read_text().startswith("# mine\n")


def test_init_into_a_file_exits_2(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    result = CliRunner().invoke(main, ["init", str(target), "--name", "acme"])
    assert result.exit_code == 2
    assert "is a file" in result.stderr
    assert target.read_text() == "x"


def test_scaffold_is_package_data(repo: Path) -> None:
    shipped = templates()
    assert ".gitignore" in shipped
    assert all("${name}" in shipped[f] for f in ("specs/platform.yaml",))
    scaffold = repo / "src/tfgen/data/scaffold"
    assert scaffold.is_dir() and not scaffold.is_symlink()


@pytest.mark.e2e
def test_init_passes_every_validation_layer(tmp_path: Path) -> None:
    """The scaffold through real terraform init/validate (every workspace) and checkov."""
    assert _proc("init", "p", "--name", "acme", cwd=tmp_path).returncode == 0
    proc = _proc("-C", "p", "validate", "--all", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 errors, 0 warnings, 0 info — passed" in proc.stdout
    assert "skipped layers" not in proc.stdout
