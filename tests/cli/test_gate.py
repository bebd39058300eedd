"""The validation gate of tfgen plan/apply, up to the point terraform would run.

Planning for real needs an S3 backend: tests/e2e/test_apply_moto.py runs plan and apply
through the gate against moto's server, and checks the record saved beside the plan.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import Edit
from tfgen.check import gate
from tfgen.check.report import Report
from tfgen.cli import main
from tfgen.errors import UserError

SKIP_65 = """    CKV_AWS_65:
      reason: >-
        Container Insights is a tier value (var.container_insights): enabled in staging,
        enhanced in prod, disabled in dev to save cost; checkov cannot read the variable.
      resources: [module.ecs.aws_ecs_cluster.this]
"""


def _tfgen(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tfgen", "-C", str(project), *args],
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )


def _terraform_ran(project: Path) -> bool:
    out = project / "generated"
    return (out / ".terraform").exists() or (out / ".tfgen").exists()


@pytest.mark.e2e
def test_plan_is_refused_on_a_checkov_finding_before_terraform_runs(
    project: Path, edit: Edit
) -> None:
    # the spec no longer skips CKV_AWS_65, so checkov's finding on the ECS cluster counts
    edit("specs/checks.yaml", SKIP_65, "")
    assert not _terraform_ran(project)
    proc = _tfgen(project, "plan", "dev", "--fail-on", "warning")
    assert proc.returncode == 1, proc.stderr
    assert "CKV_AWS_65" in proc.stdout  # the findings are printed
    assert "module.ecs.aws_ecs_cluster.this" in proc.stdout
    assert "— failed (--fail-on warning)" in proc.stdout
    assert "refusing to plan dev: findings at or above --fail-on warning" in proc.stderr
    assert "--skip-validation --reason" in proc.stderr
    assert not _terraform_ran(project)  # no terraform init, no plan


@pytest.mark.parametrize(
    "args",
    [
        ["--skip-validation"],
        ["--skip-validation", "--reason", "  "],
        ["--reason", "reviewed by hand"],
    ],
)
def test_bypass_needs_the_flag_and_a_reason(project: Path, args: list[str]) -> None:
    proc = _tfgen(project, "plan", "dev", *args)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("TFG532 ")
    assert len(proc.stderr.strip().splitlines()) == 1
    assert not _terraform_ran(project)
    runner = CliRunner().invoke(main, ["-C", str(project), "apply", "dev", "--yes", *args])
    assert runner.exit_code == 2
    assert "TFG532" in runner.stderr
    assert not _terraform_ran(project)


def test_plan_and_apply_document_the_gate() -> None:
    for command in ("plan", "apply"):
        result = CliRunner().invoke(main, [command, "--help"])
        assert result.exit_code == 0
        assert "--skip-validation" in result.stdout
        assert "--reason" in result.stdout
        assert "--fail-on" in result.stdout


# --------------------------------------------------------------------------- the record


def _plan(tmp_path: Path) -> Path:
    plan = tmp_path / ".tfgen" / "dev.tfplan"
    plan.parent.mkdir()
    plan.write_bytes(b"PK\x03\x04 a saved plan")
    return plan


def test_bypass_record_is_deterministic_and_apply_shows_the_reason(tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    record = gate.bypassed("dev", "hotfix INC-7, findings reviewed", "error", "s" * 64, "t" * 64)
    path = gate.write_record(record, plan)
    assert path == tmp_path / ".tfgen" / "dev.tfplan.tfgen.json"
    text = path.read_text()
    data = json.loads(text)
    assert list(data) == sorted(data)
    assert data["validation"] == "bypassed"
    assert data["reason"] == "hotfix INC-7, findings reviewed"
    assert data["findings"] is None  # the layers did not run
    assert len(data["plan_sha256"]) == 64
    assert gate.write_record(record, plan).read_text() == text  # byte-stable
    assert gate.read_record(plan).banner() == "validation bypassed: hotfix INC-7, findings reviewed"


def test_passed_record_counts_the_findings(tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    report = Report(findings=[], layers_run=["consistency", "checkov"])
    gate.write_record(gate.passed("dev", report, "s", "t"), plan)
    record = gate.read_record(plan)
    assert record.findings == {"error": 0, "warning": 0, "info": 0}
    assert record.layers == ["consistency", "checkov"]
    assert record.banner().startswith("validation passed for dev (--fail-on error;")


def test_apply_refuses_a_plan_without_a_record(tmp_path: Path) -> None:
    with pytest.raises(UserError) as caught:
        gate.read_record(_plan(tmp_path))
    assert caught.value.problems[0].code == "TFG530"


def test_apply_refuses_a_plan_changed_after_the_gate(tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    gate.write_record(gate.passed("dev", Report(findings=[]), "s", "t"), plan)
    plan.write_bytes(b"PK\x03\x04 another plan")
    with pytest.raises(UserError) as caught:
        gate.read_record(plan)
    assert caught.value.problems[0].code == "TFG531"
    assert "changed after the gate" in caught.value.problems[0].message


def test_apply_refuses_a_bypass_without_a_reason(tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    gate.write_record(gate.bypassed("dev", "x", "error", "s", "t"), plan)
    path = gate.record_path(plan)
    path.write_text(path.read_text().replace('"reason": "x"', '"reason": ""'))
    with pytest.raises(UserError) as caught:
        gate.read_record(plan)
    assert caught.value.problems[0].code == "TFG531"
