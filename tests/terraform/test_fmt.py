"""terraform fmt on an in-memory tree, with the real terraform."""

from __future__ import annotations

import pytest

from tfgen.errors import ExitCode, InternalError
from tfgen.terraform import TerraformContext, fmt_files

UGLY = """resource "aws_sqs_queue" "q" {
name="orders"
    visibility_timeout_seconds=30
  tags = {
  Team="x"
      LongerKey = "y"
  }
}
"""

CANONICAL = """resource "aws_sqs_queue" "q" {
  name                       = "orders"
  visibility_timeout_seconds = 30
  tags = {
    Team      = "x"
    LongerKey = "y"
  }
}
"""


def test_fmt_canonical_and_idempotent(tf_ctx: TerraformContext) -> None:
    tree = {
        "main.tf": UGLY,
        "modules/queue/main.tf": UGLY,
        "environments/dev.tfvars": 'a=1\nlonger_name="x"\n',
        "README.md": "x   =   1\n",
    }
    out = fmt_files(tree, tf_ctx)
    assert out["main.tf"] == out["modules/queue/main.tf"] == CANONICAL
    assert out["environments/dev.tfvars"] == 'a           = 1\nlonger_name = "x"\n'
    assert out["README.md"] == tree["README.md"]
    assert list(out) == list(tree)
    assert fmt_files(out, tf_ctx) == out


def test_fmt_error_names_the_file(tf_ctx: TerraformContext) -> None:
    tree = {"ok.tf": "a = 1\n", "modules/x/broken.tf": 'resource "a" "b" {\n  name =\n}\n'}
    with pytest.raises(InternalError) as info:
        fmt_files(tree, tf_ctx)
    problem = info.value.problems[0]
    assert problem.code == "TFG510"
    assert problem.location is not None
    assert problem.location.file == "modules/x/broken.tf"
    assert problem.location.line == 2
    assert info.value.exit_code == ExitCode.INTERNAL


def test_fmt_rejects_escaping_paths(tf_ctx: TerraformContext) -> None:
    with pytest.raises(InternalError):
        fmt_files({"../evil.tf": "a = 1\n"}, tf_ctx)
