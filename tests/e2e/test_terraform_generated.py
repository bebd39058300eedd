"""The committed generated/ tree against the real Terraform and the real AWS provider."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfgen.terraform.locate import find_provider_mirror
from tfgen.terraform.validate import read_tree, validate_tree

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        find_provider_mirror() is None,
        reason="no hashicorp/aws provider mirror on this machine (set TFGEN_PROVIDER_MIRROR); "
        "offline, terraform init cannot get the provider",
    ),
]

ENVS = ("dev", "staging", "prod")


def test_generated_root_is_valid_for_every_workspace(repo: Path) -> None:
    tree = read_tree(repo / "generated")
    diagnostics = validate_tree(tree, var_files=[f"environments/{e}.tfvars" for e in ENVS])
    assert [d for d in diagnostics if d.is_error] == []
    assert diagnostics == [], "the generated tree should not even have warnings"


def test_terraform_rejects_a_bad_tfvars_value_at_its_line(repo: Path) -> None:
    tree = read_tree(repo / "generated")
    text = tree["environments/dev.tfvars"].decode()
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("nat_gateways"))
    lines[index] = 'nat_gateways = "two"'
    tree["environments/dev.tfvars"] = ("\n".join(lines) + "\n").encode()
    diagnostics = validate_tree(tree, var_files=["environments/dev.tfvars"])
    assert [(d.filename, d.line, d.summary, d.detail) for d in diagnostics] == [
        (
            "environments/dev.tfvars",
            index + 1,
            "Invalid value for variable",
            "The nat_gateways value must be none, single or per_az.",
        ),
    ]


def test_terraform_rejects_an_undeclared_tfvars_key(repo: Path) -> None:
    tree = read_tree(repo / "generated")
    tree["environments/prod.tfvars"] += b"enable_multi_region = true\n"
    diagnostics = validate_tree(tree, var_files=["environments/prod.tfvars"])
    assert [(d.filename, d.summary) for d in diagnostics] == [
        ("environments/prod.tfvars", "Reference to undeclared input variable"),
    ]
    assert "enable_multi_region" in diagnostics[0].detail
