"""tfgen validate (layered) and tfgen lint through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tfgen.cli import main

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "lint"


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_validate_json_without_the_slow_layers(repo: Path) -> None:
    code, stdout, _ = _run(
        "-C", str(repo), "validate", "--all", "--skip", "terraform,checkov", "--format", "json"
    )
    assert code == 0
    report = json.loads(stdout)
    assert report["findings"] == []
    assert report["summary"]["failed"] is False


def test_validate_rejects_unknown_layers(repo: Path) -> None:
    code, _, stderr = _run("-C", str(repo), "validate", "--all", "--only", "vibes")
    assert code == 2
    assert "unknown layer 'vibes'" in stderr


def test_lint_finds_planted_defects_and_fails(tmp_path: Path) -> None:
    code, stdout, _ = _run("lint", str(CORPUS / "bad"), "--only", "rules", "--format", "json")
    assert code == 1
    report = json.loads(stdout)
    assert report["summary"]["failed"] is True
    assert {f["layer"] for f in report["findings"]} == {"rules"}
    assert all(f["location"]["line"] >= 1 for f in report["findings"])
    assert all(f["spec_location"] is None for f in report["findings"])


def test_lint_is_quiet_on_good_terraform() -> None:
    code, stdout, _ = _run("lint", str(CORPUS / "good"), "--only", "rules")
    assert code == 0, stdout
    assert "0 errors, 0 warnings, 0 info" in stdout


def test_baseline_accepts_known_findings(tmp_path: Path) -> None:
    base = tmp_path / "baseline.json"
    code, _, _ = _run("lint", str(CORPUS / "bad"), "--only", "rules", "--write-baseline", str(base))
    assert code == 1
    accepted = json.loads(base.read_text())["accepted"]
    assert accepted and all("line" not in entry for entry in accepted)
    code, stdout, _ = _run(
        "lint", str(CORPUS / "bad"), "--only", "rules", "--baseline", str(base), "--format", "json"
    )
    assert code == 0
    report = json.loads(stdout)
    assert report["findings"] == []
    assert report["summary"]["baseline_suppressed"] == len(accepted)


def test_fail_on_controls_the_exit_code(tmp_path: Path) -> None:
    module = tmp_path / "m"
    module.mkdir()
    (module / "main.tf").write_text(
        'resource "aws_ecr_repository" "r" {\n  name                 = "r"\n'
        '  image_tag_mutability = "MUTABLE"\n}\n'
    )
    code, stdout, _ = _run("lint", str(module), "--only", "rules", "--format", "json")
    findings = json.loads(stdout)["findings"]
    assert [f["severity"] for f in findings] == ["info"]
    assert code == 0
    code, _, _ = _run("lint", str(module), "--only", "rules", "--fail-on", "info")
    assert code == 1


def test_lint_on_invalid_hcl_is_a_located_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("broken.tf").write_text('resource "aws_sqs_queue" "q" {\n  name = \n}\n')
    code, stdout, stderr = _run("lint", "broken.tf", "--only", "rules")
    assert code == 1
    assert stderr == ""
    assert (
        "  broken.tf:2:10: error HCL001 invalid HCL: unexpected '}'\n"
        "      hint: fix the HCL syntax at this position\n"
    ) in stdout


def test_report_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "report.sarif"
    code, stdout, _ = _run(
        "lint", str(CORPUS / "bad"), "--only", "rules", "--format", "sarif", "--output", str(out)
    )
    assert code == 1
    assert stdout == ""
    sarif = json.loads(out.read_text())
    assert sarif["version"] == "2.1.0"
    assert sarif["runs"][0]["results"]


def test_lint_one_file_sees_its_module_but_reports_only_that_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("variables.tf").write_text('variable "n" {\n  type = string\n}\n')
    Path("main.tf").write_text('resource "aws_sqs_queue" "q" {\n  name = var.n\n}\n')
    Path("other.tf").write_text('output "o" {\n  value = var.missing\n}\n')
    code, stdout, _ = _run("lint", "main.tf", "--only", "consistency,rules", "--format", "json")
    assert code == 0, stdout  # var.n resolves through variables.tf; other.tf is not reported
    assert json.loads(stdout)["findings"] == []
    code, stdout, _ = _run("lint", "other.tf", "--only", "consistency", "--format", "json")
    assert code == 1
    [finding] = json.loads(stdout)["findings"]
    assert (finding["code"], finding["location"]["file"]) == ("CON003", "other.tf")


def test_lint_refuses_files_that_are_not_terraform(tmp_path: Path) -> None:
    spec = tmp_path / "platform.yaml"
    spec.write_text("platform: {}\n")
    code, _, stderr = _run("lint", str(spec))
    assert code == 2
    assert "TFG605" in stderr and "is not a Terraform file" in stderr


def test_lint_on_non_utf8_terraform_is_a_located_user_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("main.tf").write_bytes(b'locals {\n  x = "caf\xe9"\n}\n')
    code, _, stderr = _run("lint", "main.tf", "--only", "rules")
    assert code == 2
    assert stderr == (
        "main.tf:2:11: TFG002 file is not valid UTF-8 (byte 0xe9); hint: save the file as UTF-8\n"
    )


def test_unwritable_report_path_is_a_user_error(tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "report.json"
    code, _, stderr = _run("lint", str(CORPUS / "good" / "network"), "--only", "rules",
                           "--output", str(target))  # fmt: skip
    assert code == 2
    assert "TFG606 cannot write" in stderr
