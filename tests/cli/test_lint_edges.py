"""tfgen lint as a real process: what a file argument means, files that do not parse,
dynamic-block iterators, upgrade findings, and progress on a terminal."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "lint"
OFFLINE = "consistency,schema,rules"


def tfgen(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tfgen", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def findings(stdout: str) -> list[tuple[str, str, int, str]]:
    return sorted(
        (f["code"], f["location"]["file"], f["location"]["line"], f["severity"])
        for f in json.loads(stdout)["findings"]
    )


# --------------------------------------------------------------------------- FILE


def _module(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "variables.tf").write_text('variable "n" {\n  type = string\n}\n')
    (folder / "main.tf").write_text('resource "aws_sqs_queue" "q" {\n  name = var.n\n}\n')
    (folder / "other.tf").write_text('output "o" {\n  value = var.missing\n}\n')
    return folder


def test_lint_file_reports_that_file_only_and_says_what_was_context(tmp_path: Path) -> None:
    _module(tmp_path / "mod")
    run = tfgen("lint", "mod/main.tf", "--only", OFFLINE, "--format", "json", cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert findings(run.stdout) == []  # var.n resolves through variables.tf
    assert run.stderr == (
        "tfgen lint: linting mod/main.tf only; other.tf, variables.tf in its folder read as "
        "context (references and variables), not reported\n"
    )

    other = tmp_path / "mod" / "other.tf"  # typed absolute: shown absolute
    run = tfgen("lint", str(other), "--only", OFFLINE, "--format", "json", cwd=tmp_path)
    assert run.returncode == 1
    assert findings(run.stdout) == [("CON003", other.as_posix(), 2, "error")]


def test_lint_folder_reports_every_file_under_the_path_as_typed(tmp_path: Path) -> None:
    _module(tmp_path / "mod")
    run = tfgen("lint", "mod", "--only", OFFLINE, "--format", "json", cwd=tmp_path)
    assert run.returncode == 1
    assert findings(run.stdout) == [("CON003", "mod/other.tf", 2, "error")]
    assert run.stderr == ""


@pytest.mark.e2e
def test_lint_file_keeps_terraform_and_checkov_findings_of_that_file_only(
    tmp_path: Path,
) -> None:
    mod = tmp_path / "mod"
    mod.mkdir()
    bucket = 'resource "aws_s3_bucket" "%s" {\n  bucket = "tfgen-lint-%s"\n}\n'
    (mod / "a.tf").write_text(bucket % ("a", "a"))
    (mod / "b.tf").write_text(bucket % ("b", "b"))
    run = tfgen("lint", "mod/a.tf", "--format", "json", "--fail-on", "info", cwd=tmp_path)
    files = {f["location"]["file"] for f in json.loads(run.stdout)["findings"]}
    layers = {f["layer"] for f in json.loads(run.stdout)["findings"]}
    assert files == {"mod/a.tf"}, run.stdout
    assert "checkov" in layers  # the scan ran on the folder; b.tf's findings were dropped


def test_lint_file_whose_context_does_not_parse(tmp_path: Path) -> None:
    mod = _module(tmp_path / "mod")
    (mod / "variables.tf").write_text('variable "n" {\n  type = string\n')  # unclosed
    run = tfgen("lint", "mod/main.tf", "--only", OFFLINE, "--format", "json", cwd=tmp_path)
    assert run.returncode == 0, run.stdout  # var.n may be declared there: not reported
    assert findings(run.stdout) == []
    assert run.stderr.splitlines() == [
        "tfgen lint: linting mod/main.tf only; other.tf, variables.tf in its folder read as "
        "context (references and variables), not reported",
        "tfgen lint: mod/variables.tf does not parse: references to what the files of that "
        "folder declare are not checked",
    ]


# --------------------------------------------------------------------------- HCL001


def test_every_file_that_does_not_parse_is_reported_and_the_rest_is_checked(
    tmp_path: Path,
) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "a.tf").write_text('resource "aws_sqs_queue" "q" {\n  name = \n}\n')
    (broken / "b.tf").write_text("locals {\n  x = [\n")
    # may be declared in a.tf or b.tf: not reported while they do not parse
    (broken / "c.tf").write_text('output "o" {\n  value = var.n\n}\n')
    _module(tmp_path / "mod")
    run = tfgen("lint", "broken", str(tmp_path / "mod"), "--only", OFFLINE, cwd=tmp_path)
    assert run.returncode == 1
    assert "broken/a.tf:2:10: error HCL001 invalid HCL: unexpected '}'" in run.stdout
    assert "broken/b.tf:3:1: error HCL001 invalid HCL: unexpected end of file" in run.stdout
    assert "hint: fix the HCL syntax at this position\n" in run.stdout
    assert "terraform fmt" not in run.stdout  # it reports its own, different messages
    other = (tmp_path / "mod" / "other.tf").as_posix()
    assert f"{other}:2:3: error CON003 var.missing is not declared" in run.stdout
    assert "broken/c.tf" not in run.stdout
    assert run.stderr == (
        "tfgen lint: broken/a.tf, broken/b.tf do not parse: references to what the files "
        "of that folder declare are not checked\n"
    )


def test_a_file_that_does_not_parse_hides_no_finding_of_other_folders(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "bad.tf").write_text("x = {\n")
    _module(tmp_path / "y")
    run = tfgen("lint", ".", "--only", OFFLINE, "--format", "json", cwd=tmp_path)
    assert run.returncode == 1
    assert findings(run.stdout) == [
        ("CON003", "y/other.tf", 2, "error"),
        ("HCL001", "x/bad.tf", 2, "error"),
    ]


def test_deep_nesting_terraform_accepts_is_a_warning_that_says_so(tmp_path: Path) -> None:
    # `terraform fmt` and `terraform validate` accept this (python-hcl2 stops near 300)
    (tmp_path / "main.tf").write_text("locals {\n  x = " + "[" * 2000 + "]" * 2000 + "\n}\n")
    run = tfgen("lint", "main.tf", "--only", OFFLINE, cwd=tmp_path)
    assert run.returncode == 0, run.stdout
    assert (
        "main.tf:1:1: warning HCL002 expression nested too deeply for tfgen's HCL parser "
        "(python-hcl2)\n      hint: terraform accepts this file, tfgen cannot check it"
    ) in run.stdout


# --------------------------------------------------------------------------- dynamic


def test_dynamic_block_iterators_named_like_resource_types_are_not_references() -> None:
    run = tfgen("lint", str(CORPUS / "good" / "waf_dynamic"), "--only", OFFLINE, cwd=CORPUS)
    assert run.returncode == 0, run.stdout
    assert "no findings" in run.stdout


def test_an_iterator_used_outside_its_dynamic_block_is_reported(tmp_path: Path) -> None:
    module = CORPUS / "good" / "waf_dynamic"
    for part in module.glob("*.tf"):
        (tmp_path / part.name).write_text(part.read_text())
    text = (module / "main.tf").read_text()
    # the iterator of the inner dynamic, used one level up (in its for_each's sibling)
    text = text.replace(
        "for_each = [managed_rule_group_configs.value]",
        "for_each = [aws_managed_rules_atp_rule_set.value]",
    )
    (tmp_path / "main.tf").write_text(text)
    run = tfgen("lint", "main.tf", "--only", "consistency", "--format", "json", cwd=tmp_path)
    assert run.returncode == 1
    assert [(c, line) for c, _, line, _ in findings(run.stdout)] == [("CON005", 48)]


SCOPES = """\
variable "names" {
  type = list(string)
}

resource "aws_sqs_queue" "q" {
  count = length(var.names)
  name  = "${var.names[count.index]}-${terraform.workspace}"

  lifecycle {
    postcondition {
      condition     = self.name != ""
      error_message = "named in ${path.module}"
    }
  }
}

resource "aws_sns_topic" "t" {
  for_each = toset(var.names)
  name     = each.key
}

locals {
  # for variables named like resources and like the meta roots
  arns = [for aws_sqs_queue in aws_sqs_queue.q : aws_sqs_queue.arn]
  keys = { for each, topic in aws_sns_topic.t : each => topic.arn }
  text = <<-EOT
    %{for aws_sns_topic in var.names}${aws_sns_topic}%{endfor}
  EOT
}

output "missing" {
  value = [var.nope, local.nope, aws_sqs_queue.nope.arn, data.aws_region.nope.name, module.m.x]
}
"""


def test_meta_roots_and_for_variables_are_scoped_and_the_rest_is_checked(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(SCOPES)
    run = tfgen("lint", "main.tf", "--only", "consistency", "--format", "json", cwd=tmp_path)
    assert run.returncode == 1
    messages = sorted(f["message"] for f in json.loads(run.stdout)["findings"])
    assert messages == [
        "aws_sqs_queue.nope is not declared in this module",
        "data.aws_region.nope is not declared in this module",
        "local.nope is not defined",
        "module.m is not called in this module",
        "var.nope is not declared",
    ]


# --------------------------------------------------------------------------- UPG


def test_an_argument_removed_in_6_is_an_upgrade_warning_not_an_error(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n'
        '      version = ">= 5.100, < 7"\n    }\n  }\n}\n\n'
        'resource "aws_ecs_task_definition" "t" {\n  family                = "t"\n'
        '  container_definitions = "[]"\n\n  inference_accelerator {\n'
        '    device_name = "d"\n    device_type = "eia2.medium"\n  }\n}\n'
    )
    run = tfgen("lint", "main.tf", "--only", "schema", "--format", "json", cwd=tmp_path)
    assert run.returncode == 0, run.stdout
    assert findings(run.stdout) == [("UPG004", "main.tf", 14, "warning")]
    run = tfgen("lint", "main.tf", "--only", "schema", "--fail-on", "warning", cwd=tmp_path)
    assert run.returncode == 1


# --------------------------------------------------------------------------- progress


def _many_files(folder: Path, count: int = 60) -> Path:
    folder.mkdir()
    for n in range(count):
        (folder / f"q{n:02}.tf").write_text(f'resource "aws_sqs_queue" "q{n}" {{\n}}\n')
    return folder


def test_no_progress_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    _many_files(tmp_path / "many")
    run = tfgen("lint", "many", "--only", OFFLINE, cwd=tmp_path)
    assert run.returncode == 0, run.stdout
    assert run.stderr == ""


def test_progress_on_a_terminal_for_large_inputs(tmp_path: Path) -> None:
    _many_files(tmp_path / "many")
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tfgen", "lint", "many", "--only", OFFLINE, "--format", "json"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=follower,
        env={**os.environ, "TFGEN_CACHE_DIR": str(tmp_path / "cache")},
    )
    os.close(follower)
    seen = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the process closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    stdout, _ = proc.communicate(timeout=60)
    os.close(leader)
    assert proc.returncode == 0
    assert json.loads(stdout)["findings"] == []  # stdout carries the report only
    text = seen.decode()
    assert "\rtfgen lint: parsing 1/60 file(s)" in text
    assert "\rtfgen lint: running rules (3/3 layers)" in text
    assert text.endswith("\r")  # the line is cleared before the report


# --------------------------------------------------------------------------- cost


def test_each_file_is_parsed_once_for_all_layers_however_many(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tfgen.check.run import Options, lint_paths  # noqa: PLC0415
    from tfgen.hcl import parser as hcl_parser  # noqa: PLC0415

    monkeypatch.setenv("TFGEN_CACHE_DIR", str(tmp_path / "cache"))  # the layers really run
    folder = _many_files(tmp_path / "many", 300)
    hcl_parser._parse_document.cache_clear()
    result = lint_paths([folder], Options(OFFLINE.split(",")))
    assert result.report.layers_run == OFFLINE.split(",")
    assert hcl_parser._parse_document.cache_info().misses == 300


def test_the_old_address_of_a_moved_or_removed_object_is_not_a_reference(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_sqs_queue" "new" {\n  name = "q"\n}\n\n'
        "moved {\n  from = aws_sqs_queue.old\n  to   = aws_sqs_queue.new\n}\n\n"
        "removed {\n  from = aws_sqs_queue.gone\n\n  lifecycle {\n    destroy = false\n  }\n}\n\n"
        "moved {\n  from = aws_sqs_queue.older\n  to   = aws_sqs_queue.typo\n}\n"
    )
    run = tfgen("lint", "main.tf", "--only", "consistency", "--format", "json", cwd=tmp_path)
    assert run.returncode == 1
    assert findings(run.stdout) == [("CON005", "main.tf", 20, "error")]  # the `to` only
