"""The tfgen-terraform console script, run for real as a subprocess."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tfgen.terraform import TerraformContext


def _run(
    ctx: TerraformContext, args: list[str], cwd: Path, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ctx.binary.path, *args],
        cwd=cwd,
        env=dict(ctx.env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_version(shim_ctx: TerraformContext, tmp_path: Path) -> None:
    proc = _run(shim_ctx, ["version", "-json"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    version = json.loads(proc.stdout)["terraform_version"]
    assert version == shim_ctx.binary.version
    assert version.split(".")[0] == "1"
    assert proc.stderr == ""  # tfgen's CLI config is used: no warning about ~/.terraformrc


def test_fmt_reads_stdin(shim_ctx: TerraformContext, tmp_path: Path) -> None:
    proc = _run(shim_ctx, ["fmt", "-"], tmp_path, stdin='a   =  1\nbb = "x"\n')
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == 'a  = 1\nbb = "x"\n'


def test_fmt_check_exit_code_passes_through(shim_ctx: TerraformContext, tmp_path: Path) -> None:
    assert _run(shim_ctx, ["fmt", "-check", "-"], tmp_path, stdin="a   =  1\n").returncode == 3
    assert _run(shim_ctx, ["fmt", "-check", "-"], tmp_path, stdin="a = 1\n").returncode == 0


def test_unknown_command_fails(shim_ctx: TerraformContext, tmp_path: Path) -> None:
    proc = _run(shim_ctx, ["no-such-command"], tmp_path)
    assert proc.returncode == 1
    assert "no command named" in proc.stderr


@pytest.fixture()
def module_dirs(tmp_path: Path) -> tuple[Path, Path]:
    good = tmp_path / "good"
    bad = tmp_path / "bad"
    good.mkdir()
    bad.mkdir()
    (good / "main.tf").write_text(
        'variable "n" {\n  type = number\n}\n\noutput "x" {\n  value = var.n + 1\n}\n'
    )
    (bad / "main.tf").write_text('output "x" {\n  value = var.missing\n}\n')
    return good, bad


def test_validate_honours_cwd(shim_ctx: TerraformContext, module_dirs: tuple[Path, Path]) -> None:
    good, bad = module_dirs
    assert _run(shim_ctx, ["validate", "-no-color"], good).returncode == 0
    proc = _run(shim_ctx, ["validate", "-json"], bad)
    assert proc.returncode == 1
    diag = json.loads(proc.stdout)["diagnostics"][0]
    assert diag["summary"] == "Reference to undeclared input variable"
    assert diag["range"]["start"]["line"] == 2


def test_validate_honours_chdir(
    shim_ctx: TerraformContext, module_dirs: tuple[Path, Path], tmp_path: Path
) -> None:
    good, bad = module_dirs
    assert _run(shim_ctx, [f"-chdir={good}", "validate"], tmp_path).returncode == 0
    proc = _run(shim_ctx, [f"-chdir={bad.name}", "validate", "-no-color"], bad.parent)
    assert proc.returncode == 1
    assert "undeclared input variable" in proc.stderr
