"""tfgen's own terraform CLI config and subprocess environment."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tfgen.terraform import TerraformContext, cache_dir, cli_config_text, terraform_env
from tfgen.terraform.cli_config import hcl_string
from tfgen.terraform.locate import os_arch


def _mirror(root: Path) -> Path:
    leaf = root / "registry.terraform.io/hashicorp/aws/5.99.0" / os_arch()
    leaf.mkdir(parents=True)
    (leaf / "terraform-provider-aws_v5.99.0_x5").write_bytes(b"")
    return root


def test_config_with_mirror(tmp_path: Path) -> None:
    text = cli_config_text(_mirror(tmp_path / "m"), tmp_path / "pc")
    assert f"plugin_cache_dir = {hcl_string(str(tmp_path / 'pc'))}" in text
    assert "filesystem_mirror {" in text
    assert f"path    = {hcl_string(str(tmp_path / 'm'))}" in text
    assert 'include = ["registry.terraform.io/hashicorp/aws"]' in text
    assert 'exclude = ["registry.terraform.io/hashicorp/aws"]' in text


def test_config_without_mirror(tmp_path: Path) -> None:
    text = cli_config_text(None, tmp_path / "pc")
    assert "filesystem_mirror" not in text
    assert "direct {}" in text


def test_hcl_string_escapes() -> None:
    assert hcl_string('a"b\\c') == '"a\\"b\\\\c"'
    assert hcl_string("/x/${y}") == '"/x/$${y}"'


def test_cache_dir_resolution(tmp_path: Path) -> None:
    assert cache_dir({"TFGEN_CACHE_DIR": str(tmp_path / "a")}) == (tmp_path / "a").resolve()
    assert cache_dir({"XDG_CACHE_HOME": str(tmp_path / "x")}) == (tmp_path / "x/tfgen").resolve()
    assert cache_dir({"HOME": str(tmp_path / "h")}) == (tmp_path / "h/.cache/tfgen").resolve()
    assert (tmp_path / "h/.cache/tfgen").is_dir()


def test_env_overrides_user_config(tmp_path: Path) -> None:
    base = {
        "PATH": "/bin",
        "TF_CLI_CONFIG_FILE": str(tmp_path / "missing.terraformrc"),
        "TERRAFORM_CONFIG": "/elsewhere",
        "TF_WORKSPACE": "prod",
        "TF_CLI_ARGS_plan": "-refresh=false",
        "TF_DATA_DIR": "/tmp/data",
        "AWS_REGION": "eu-west-1",
    }
    env = terraform_env(tmp_path / "cache", base, _mirror(tmp_path / "m"))
    config = Path(env["TF_CLI_CONFIG_FILE"])
    assert config == tmp_path / "cache" / "terraformrc"
    assert "filesystem_mirror" in config.read_text()
    assert (tmp_path / "cache/plugin-cache").is_dir()
    assert env["TF_IN_AUTOMATION"] == env["CHECKPOINT_DISABLE"] == "1"
    assert env["TF_INPUT"] == "0"
    assert env["AWS_REGION"] == "eu-west-1" and env["PATH"] == "/bin"
    for dropped in ("TERRAFORM_CONFIG", "TF_WORKSPACE", "TF_CLI_ARGS_plan", "TF_DATA_DIR"):
        assert dropped not in env


def test_terraform_accepts_the_config(tf_ctx: TerraformContext, tmp_path: Path) -> None:
    """The real terraform reads our config without complaint (no CLI config warnings)."""
    proc = subprocess.run(
        [tf_ctx.binary.path, "version"],
        cwd=tmp_path,
        env=dict(tf_ctx.env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0
    assert proc.stderr == ""
