"""Workspaces, plan and apply against the real terraform."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfgen.errors import ToolError
from tfgen.terraform import (
    TerraformContext,
    apply,
    current_workspace,
    init,
    plan,
    select_or_create_workspace,
)
from tfgen.terraform.pyterraform import flagged, terraform_args


def test_workspace_plan_apply(tf_ctx: TerraformContext, tmp_path: Path) -> None:
    """Through python-terraform, on a root with no provider (terraform_data is built in)."""
    (tmp_path / "main.tf").write_text(
        'variable "v" {\n  type = string\n}\n\n'
        'resource "terraform_data" "x" {\n  input = "${terraform.workspace}-${var.v}"\n}\n\n'
        'output "o" {\n  value = terraform_data.x.output\n}\n'
    )
    (tmp_path / "dev.tfvars").write_text('v = "a"\n')
    init(tmp_path, backend=True, ctx=tf_ctx)
    select_or_create_workspace(tmp_path, "dev", tf_ctx)
    select_or_create_workspace(tmp_path, "dev", tf_ctx)  # idempotent
    assert current_workspace(tmp_path, tf_ctx) == "dev"

    first = plan(tmp_path, tmp_path / "dev.tfvars", tmp_path / "dev.tfplan", tf_ctx)
    assert first.has_changes and first.plan_file.is_file()
    assert 'o = "dev-a"' in apply(tmp_path, first.plan_file, tf_ctx)
    assert (tmp_path / "terraform.tfstate.d/dev/terraform.tfstate").is_file()

    again = plan(tmp_path, tmp_path / "dev.tfvars", tmp_path / "dev.tfplan", tf_ctx)
    assert not again.has_changes


def test_plan_failure_is_a_tool_error(tf_ctx: TerraformContext, tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('variable "v" {\n  type = number\n}\n')
    (tmp_path / "bad.tfvars").write_text('v = "not a number"\n')
    init(tmp_path, ctx=tf_ctx)
    with pytest.raises(ToolError) as info:
        plan(tmp_path, tmp_path / "bad.tfvars", tmp_path / "x.tfplan", tf_ctx)
    assert info.value.problems[0].code == "TFG507"
    assert "Error:" in info.value.problems[0].message


def test_plan_and_apply_command_lines_are_python_terraforms() -> None:
    args = terraform_args(
        "plan", var_file="dev.tfvars", out="p", var=None, input=False,
        no_color=flagged(), detailed_exitcode=flagged(), target=["a.b", "c.d"],
    )  # fmt: skip
    assert args[0] == "plan"
    assert {"-var-file=dev.tfvars", "-out=p", "-input=false", "-no-color"} <= set(args)
    assert {"-detailed-exitcode", "-target=a.b", "-target=c.d"} <= set(args)
    assert not any(a.startswith("-var=") for a in args)
    applied = terraform_args("apply", "/x/p.tfplan", var=None, input=False, skip_plan=True)
    assert applied[0] == "apply" and applied[-1] == "/x/p.tfplan"
    assert "-auto-approve=true" in applied
    assert terraform_args("workspace", "select", "dev") == ["workspace", "select", "dev"]
