"""Example platforms other than the bookstore: each renders and validates through every
layer (spec, consistency, schema, rules, terraform, checkov) with no code of its own.

An example is a folder here with ``specs/`` and ``environments/``; the tests run on a
private copy, as a user would: ``tfgen render --all``, ``tfgen validate --all``,
``tfgen render --all --check``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tfgen.cli import main
from tfgen.terraform.locate import find_provider_mirror

HERE = Path(__file__).resolve().parent
EXAMPLES = sorted(p for p in HERE.iterdir() if (p / "specs").is_dir())

needs_provider = pytest.mark.skipif(
    find_provider_mirror() is None,
    reason="no hashicorp/aws provider mirror on this machine (set TFGEN_PROVIDER_MIRROR); "
    "offline, terraform init cannot get the provider",
)


def _copy(example: Path, tmp_path: Path) -> Path:
    root = tmp_path / example.name
    shutil.copytree(example, root)
    return root


def _tfgen(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "tfgen", "-C", str(root), *args]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def _generated(root: Path) -> dict[str, str]:
    out = root / "generated"
    return {p.relative_to(out).as_posix(): p.read_text() for p in out.rglob("*") if p.is_file()}


def test_there_is_an_example_besides_the_bookstore() -> None:
    assert [p.name for p in EXAMPLES] == ["ledger"]


@pytest.mark.e2e
@needs_provider
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_renders_and_validates_through_every_layer(example: Path, tmp_path: Path) -> None:
    root = _copy(example, tmp_path)
    render = _tfgen(root, "render", "--all")
    assert render.returncode == 0, render.stderr
    validate = _tfgen(root, "validate", "--all", "--fail-on", "warning")
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert re.search(r"^0 errors, 0 warnings, 0 info — passed", validate.stdout, re.M)
    check = _tfgen(root, "render", "--all", "--check")
    assert check.returncode == 0, check.stdout + check.stderr
    generated = _generated(root)
    assert not [path for path, text in generated.items() if "bookstore" in text.lower()]


def test_ledger_is_not_bookstore_shaped(tmp_path: Path) -> None:
    """Through click's runner: the ledger's own shape reaches the generated tree."""
    root = _copy(HERE / "ledger", tmp_path)
    result = CliRunner().invoke(main, ["-C", str(root), "render", "--all"])
    assert result.exit_code == 0, result.output
    files = _generated(root)
    modules = sorted({path.split("/")[1] for path in files if path.startswith("modules/")})
    # no search, no tables, no ECR repository for an external image only
    assert "search" not in modules and "tables" not in modules
    assert {"buckets", "ecs", "ingress", "messaging", "network", "security", "waf"} <= set(modules)
    services = files["modules/ecs/services.tf"]
    entries = re.findall(r"^      port\s+= (\d+)$", services, re.M)
    assert set(entries) == {"8080"} and len(entries) >= 3, "three services share a port"
    assert "arn:aws:acm:us-east-2:123456789012:certificate/" in files["modules/ingress/main.tf"]
    assert "aws_route53_zone" not in "".join(files.values())
    assert sorted(p.split("/")[1] for p in files if p.startswith("environments/")) == [
        "dev.s3.tfbackend",
        "dev.tfvars",
        "prod.s3.tfbackend",
        "prod.tfvars",
    ]
