"""The checkov layer, against the real checkov (installed by tools/install-checkov.sh)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import REPO, line_of
from tfgen.check.checkov import (
    CheckovResult,
    SkippedCheck,
    apply_skips,
    checkov_version,
    default_cache_dir,
    find_checkov,
    hashed_files,
    input_hash,
    parse_output,
    run_checkov,
)
from tfgen.check.checkov_env import CHECKOV_REQUIREMENT, checkov_venv
from tfgen.check.findings import Finding, Severity
from tfgen.errors import ExitCode, ToolError

FIXTURES = Path(__file__).parent / "fixtures" / "checkov"
INSTALL = REPO / "tools" / "install-checkov.sh"
OFFLINE_SIGNS = (
    "NewConnectionError",
    "Temporary failure in name resolution",
    "Network is unreachable",
    "No matching distribution found",
    "Could not find a version that satisfies",
)
SQS_SKIP_REASON = "Encryption handled by the consumer in this test"


@dataclass
class Scan:
    folder: Path
    cache: Path
    result: CheckovResult
    seconds: float


def _install_checkov() -> Path:
    proc = subprocess.run(
        ["bash", str(INSTALL)], capture_output=True, text=True, timeout=1200, check=False
    )
    if proc.returncode != 0:
        if any(sign in proc.stderr for sign in OFFLINE_SIGNS):
            pytest.skip(f"checkov is not installed and PyPI is unreachable: {proc.stderr[-300:]}")
        pytest.fail(f"{INSTALL} failed:\n{proc.stderr}")
    return Path(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def checkov_exe() -> Path:
    try:
        return find_checkov(cwd=REPO)
    except ToolError:
        return _install_checkov()


def _copy_fixture(name: str, dest: Path) -> Path:
    folder = dest / name
    shutil.copytree(FIXTURES / name, folder)
    return folder


@pytest.fixture(scope="module")
def scan(checkov_exe: Path, tmp_path_factory: pytest.TempPathFactory) -> Scan:
    base = tmp_path_factory.mktemp("checkov")
    folder = _copy_fixture("insecure", base)
    cache = base / "cache"
    start = time.perf_counter()
    result = run_checkov(folder, cache_dir=cache, executable=checkov_exe)
    return Scan(folder, cache, result, time.perf_counter() - start)


def _keys(result: CheckovResult) -> set[tuple[str, str, int, str]]:
    return {
        (f.code, f.location.file, f.location.line, f.location.address)
        for f in result.findings
        if f.location is not None
    }


def _line(folder: Path, rel: str, needle: str) -> int:
    return line_of(folder / rel, needle)


# --------------------------------------------------------------------------- real scans


@pytest.mark.e2e
def test_known_failing_checks_are_reported_at_their_resource(scan: Scan) -> None:
    main, audit = "main.tf", "modules/audit/main.tf"
    bucket = _line(scan.folder, main, 'resource "aws_s3_bucket" "logs"')
    group = _line(scan.folder, main, 'resource "aws_security_group" "ssh"')
    logs = _line(scan.folder, main, 'resource "aws_cloudwatch_log_group" "app"')
    nested = _line(scan.folder, audit, 'resource "aws_cloudwatch_log_group" "this"')
    expected = {
        ("CKV_AWS_145", main, bucket, "aws_s3_bucket.logs"),  # no KMS encryption
        ("CKV_AWS_24", main, group, "aws_security_group.ssh"),  # 22 open to 0.0.0.0/0
        ("CKV_AWS_158", main, logs, "aws_cloudwatch_log_group.app"),  # no KMS key
        ("CKV_AWS_158", audit, nested, "module.audit.aws_cloudwatch_log_group.this"),
    }
    assert expected <= _keys(scan.result)
    assert scan.result.from_cache is False
    assert scan.result.parsing_errors == 0
    assert scan.result.checkov_version.startswith("3.")


@pytest.mark.e2e
def test_findings_carry_layer_severity_message_and_module_caller(scan: Scan) -> None:
    assert all(f.layer == "checkov" and f.message for f in scan.result.findings)
    # offline (--skip-download) checkov has no severities: failed checks are warnings
    assert {f.severity for f in scan.result.findings} == {Severity.WARNING}
    sg = _only(scan.result.findings, "CKV_AWS_24")
    assert sg.message == "Ensure no security groups allow ingress from 0.0.0.0:0 to port 22"
    next_resource = _line(scan.folder, "main.tf", 'resource "aws_cloudwatch_log_group" "app"')
    assert sg.extra["end_line"] == str(next_resource - 2)
    nested = [f for f in scan.result.findings if f.location and "module." in f.location.address]
    call = _line(scan.folder, "main.tf", 'module "audit"')
    assert {(f.extra["caller_file"], f.extra["caller_line"]) for f in nested} == {
        ("main.tf", str(call))
    }


def _only(findings: list[Finding], code: str) -> Finding:
    matching = [f for f in findings if f.code == code]
    assert len(matching) == 1, matching
    return matching[0]


@pytest.mark.e2e
def test_well_configured_resource_has_no_findings(scan: Scan) -> None:
    addresses = {f.location.address for f in scan.result.findings if f.location}
    assert "aws_kms_key.good" not in addresses
    assert scan.result.passed > 0


@pytest.mark.e2e
def test_inline_skip_comment_is_honoured_and_reported(scan: Scan) -> None:
    assert SkippedCheck("CKV_AWS_27", "aws_sqs_queue.skipped", SQS_SKIP_REASON) in (
        scan.result.skipped
    )
    assert "CKV_AWS_27" not in {f.code for f in scan.result.findings}


@pytest.mark.e2e
def test_second_scan_of_same_content_comes_from_cache(scan: Scan, checkov_exe: Path) -> None:
    start = time.perf_counter()
    again = run_checkov(scan.folder, cache_dir=scan.cache, executable=checkov_exe)
    elapsed = time.perf_counter() - start
    assert again.from_cache is True  # checkov did not run
    assert elapsed < 1.0 < scan.seconds
    assert again.findings == scan.result.findings
    assert again.skipped == scan.result.skipped
    assert again.passed == scan.result.passed


@pytest.mark.e2e
def test_skip_checks_moves_findings_to_skipped_without_rescanning(
    scan: Scan, checkov_exe: Path
) -> None:
    skips = {"CKV_AWS_24": "bastion reached through SSM only", "CKV_AWS_158": "AWS-owned key"}
    result = run_checkov(
        scan.folder, skip_checks=skips, cache_dir=scan.cache, executable=checkov_exe
    )
    assert result.from_cache is True
    assert not {f.code for f in result.findings} & set(skips)
    assert {
        SkippedCheck("CKV_AWS_24", "aws_security_group.ssh", skips["CKV_AWS_24"]),
        SkippedCheck("CKV_AWS_158", "aws_cloudwatch_log_group.app", skips["CKV_AWS_158"]),
        SkippedCheck(
            "CKV_AWS_158", "module.audit.aws_cloudwatch_log_group.this", skips["CKV_AWS_158"]
        ),
        SkippedCheck("CKV_AWS_27", "aws_sqs_queue.skipped", SQS_SKIP_REASON),
    } == set(result.skipped)
    kept = [f for f in scan.result.findings if f.code not in skips]
    assert result.findings == kept


@pytest.mark.e2e
def test_changed_content_is_scanned_again(scan: Scan, checkov_exe: Path, tmp_path: Path) -> None:
    folder = _copy_fixture("insecure", tmp_path)
    main = folder / "main.tf"
    main.write_text("# moved down one line\n" + main.read_text())
    result = run_checkov(folder, cache_dir=scan.cache, executable=checkov_exe)
    assert result.from_cache is False
    shifted = {
        (code, file, line + (file == "main.tf"), address)
        for code, file, line, address in _keys(scan.result)
    }
    assert _keys(result) == shifted


@pytest.mark.e2e
def test_file_checkov_cannot_parse_is_a_finding_on_that_file(
    checkov_exe: Path, tmp_path: Path
) -> None:
    folder = _copy_fixture("broken", tmp_path)
    cache = tmp_path / "cache"
    result = run_checkov(folder, cache_dir=cache, executable=checkov_exe)
    unparsed = [f for f in result.findings if f.code == "TFG524"]
    assert [(f.location.file if f.location else None, f.severity) for f in unparsed] == [
        ("bad.tf", Severity.ERROR)
    ]
    assert "could not parse" in unparsed[0].message
    assert "comment" in unparsed[0].hint
    assert (result.parsing_errors, result.parsing_error_files) == (1, ["bad.tf"])
    # the file checkov could read is still checked and reported
    assert {f.location.file for f in result.findings if f.location and f.code != "TFG524"} == {
        "main.tf"
    }


@pytest.mark.e2e
def test_comment_inside_a_for_expression_does_not_end_the_scan(
    checkov_exe: Path, tmp_path: Path
) -> None:
    """terraform accepts the file; checkov 3.3.30 cannot parse it: a finding, not an abort."""
    folder = _copy_fixture("for-comment", tmp_path)
    cache = tmp_path / "cache"
    result = run_checkov(folder, cache_dir=cache, executable=checkov_exe)
    by_file = {(f.code, f.location.file) for f in result.findings if f.location}
    assert ("TFG524", "for_comment.tf") in by_file
    assert ("CKV_AWS_24", "main.tf") in by_file  # the other file's findings are kept
    assert not any(f.location and "aws_sqs_queue" in f.location.address for f in result.findings)
    again = run_checkov(folder, cache_dir=cache, executable=checkov_exe)
    assert again.from_cache is True  # the finding is deterministic, so it is cached
    assert again.findings == result.findings
    assert again.parsing_error_files == ["for_comment.tf"]


def test_unnamed_parsing_errors_are_still_a_finding() -> None:
    text = json.dumps({"passed": 0, "failed": 0, "parsing_errors": 2, "resource_count": 0})
    result = parse_output(text, Path("/scan"))
    assert [(f.code, f.location, f.severity) for f in result.findings] == [
        ("TFG524", None, Severity.ERROR)
    ]
    assert "2 file(s)" in result.findings[0].message


def test_checkov_version_is_read_without_running_checkov(checkov_exe: Path) -> None:
    start = time.perf_counter()
    version = checkov_version(checkov_exe)
    assert time.perf_counter() - start < 0.5
    assert version.split(".")[0] == "3"


# --------------------------------------------------------------------------- output parsing


def test_list_of_reports_is_merged() -> None:
    text = (FIXTURES / "recorded" / "two-frameworks.json").read_text()
    assert isinstance(json.loads(text), list)
    result = parse_output(text, Path("/scan"))
    files = {f.location.file for f in result.findings if f.location}
    assert files == {"main.tf", "extra.tf.json"}
    assert {f.code for f in result.findings} == {"CKV_AWS_66", "CKV_AWS_158", "CKV_AWS_338"}
    assert len(result.findings) == 6
    assert result.checkov_version == "3.3.30"


def test_bare_summary_means_nothing_scanned() -> None:
    text = (FIXTURES / "recorded" / "empty.json").read_text()
    result = parse_output(text, Path("/scan"))
    assert (result.findings, result.passed, result.skipped, result.parsing_errors) == (
        [],
        0,
        [],
        0,
    )


def test_output_that_is_not_json_is_a_tool_error() -> None:
    with pytest.raises(ToolError) as caught:
        parse_output("Traceback (most recent call last):\n  boom", Path("/scan"))
    assert caught.value.problems[0].code == "TFG523"


def test_apply_skips_without_skips_is_identity() -> None:
    result = parse_output((FIXTURES / "recorded" / "two-frameworks.json").read_text(), Path("/"))
    assert apply_skips(result, {}) is result
    skipped = apply_skips(result, {"CKV_AWS_66": "retention set by AWS Backup"})
    assert len(skipped.findings) == 4
    assert {s.address for s in skipped.skipped} == {"aws_cloudwatch_log_group.tf", "resource.json"}


# --------------------------------------------------------------------------- locating


def _fake_executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(0o755)
    return path


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """An environment whose tfgen cache (and so the managed virtualenv) is private."""
    return {"TFGEN_CACHE_DIR": str(tmp_path / "tfgen-cache"), "PATH": "", **extra}


def _ready_managed_venv(tmp_path: Path) -> Path:
    venv = checkov_venv(_env(tmp_path))
    _fake_executable(venv.python)
    exe = _fake_executable(venv.executable)
    venv.stamp.write_text(f"{CHECKOV_REQUIREMENT}\n")
    return exe


def test_env_variable_wins(tmp_path: Path) -> None:
    exe = _fake_executable(tmp_path / "bin" / "checkov")
    _ready_managed_venv(tmp_path)
    assert find_checkov(_env(tmp_path, TFGEN_CHECKOV=str(exe)), cwd=tmp_path) == exe


def test_env_variable_pointing_nowhere_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ToolError) as caught:
        find_checkov(_env(tmp_path, TFGEN_CHECKOV=str(tmp_path / "nope")), cwd=tmp_path)
    assert caught.value.problems[0].code == "TFG521"


def test_env_variable_may_name_a_command_on_path(tmp_path: Path) -> None:
    exe = _fake_executable(tmp_path / "bin" / "checkov-3")
    env = _env(tmp_path, TFGEN_CHECKOV="checkov-3", PATH=str(exe.parent))
    assert find_checkov(env, cwd=tmp_path) == exe


def test_version_of_a_checkov_outside_a_venv_is_asked_once_and_remembered(
    tmp_path: Path,
) -> None:
    runs = tmp_path / "runs"
    exe = tmp_path / "bin" / "checkov"
    exe.parent.mkdir()
    exe.write_text(f'#!/bin/sh\necho run >> "{runs}"\necho 3.9.1\n')
    exe.chmod(0o755)
    cache = tmp_path / "cache"
    assert checkov_version(exe, cache) == "3.9.1"
    assert checkov_version(exe, cache) == "3.9.1"
    assert runs.read_text().count("run") == 1
    assert [p.read_text() for p in cache.glob("version-*.txt")] == ["3.9.1\n"]


def test_venv_at_repo_root_is_found_from_a_subfolder(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    exe = _fake_executable(tmp_path / ".venv-checkov" / "bin" / "checkov")
    sub = tmp_path / "generated" / "modules"
    sub.mkdir(parents=True)
    assert find_checkov(_env(tmp_path), cwd=sub) == exe


def test_managed_venv_comes_before_the_developer_venv(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    _fake_executable(tmp_path / ".venv-checkov" / "bin" / "checkov")
    managed = _ready_managed_venv(tmp_path)
    assert managed.parent.parent.name == f"checkov-{CHECKOV_REQUIREMENT.split('==')[1]}"
    assert find_checkov(_env(tmp_path), cwd=tmp_path) == managed


def test_half_installed_managed_venv_is_not_used(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    exe = _ready_managed_venv(tmp_path)
    (exe.parent.parent / ".tfgen-installed").unlink()  # as after an interrupted install
    with pytest.raises(ToolError) as caught:
        find_checkov(_env(tmp_path), cwd=tmp_path)
    assert caught.value.problems[0].code == "TFG521"


def test_checkov_merely_on_path_is_not_used(tmp_path: Path) -> None:
    """Its version would decide the findings; TFGEN_CHECKOV=checkov opts in explicitly."""
    (tmp_path / "pyproject.toml").write_text("")
    exe = _fake_executable(tmp_path / "bin" / "checkov")
    with pytest.raises(ToolError):
        find_checkov(_env(tmp_path, PATH=str(exe.parent)), cwd=tmp_path)
    env = _env(tmp_path, PATH=str(exe.parent), TFGEN_CHECKOV="checkov")
    assert find_checkov(env, cwd=tmp_path) == exe


def test_missing_checkov_hint_names_the_setup_command(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    with pytest.raises(ToolError) as caught:
        find_checkov(_env(tmp_path), cwd=tmp_path)
    assert caught.value.exit_code == ExitCode.TOOL
    assert "tfgen setup checkov" in caught.value.problems[0].hint
    assert "TFGEN_CHECKOV" in caught.value.problems[0].hint


def test_auto_install_can_be_forbidden(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    env = _env(tmp_path, TFGEN_NO_AUTO_INSTALL="1")
    with pytest.raises(ToolError) as caught:
        find_checkov(env, cwd=tmp_path, install=True)
    assert caught.value.problems[0].code == "TFG521"
    assert "TFGEN_NO_AUTO_INSTALL" in caught.value.problems[0].message
    assert not checkov_venv(env).path.exists()  # nothing was installed


# --------------------------------------------------------------------------- cache key


def test_hash_covers_terraform_files_only(tmp_path: Path) -> None:
    folder = _copy_fixture("insecure", tmp_path)
    before = input_hash(folder, "3.3.30")
    (folder / "README.md").write_text("not terraform")
    (folder / ".terraform").mkdir()
    (folder / ".terraform" / "junk.tf").write_text("ignored, as checkov ignores it")
    assert input_hash(folder, "3.3.30") == before
    assert input_hash(folder, "3.3.31") != before
    (folder / "prod.tfvars").write_text('environment = "prod"\n')
    assert input_hash(folder, "3.3.30") != before
    rel = [p.relative_to(folder).as_posix() for p in hashed_files(folder)]
    assert rel == ["main.tf", "modules/audit/main.tf", "prod.tfvars"]


def test_default_cache_dir_order() -> None:
    assert default_cache_dir({"TFGEN_CACHE_DIR": "/c", "XDG_CACHE_HOME": "/x"}) == Path(
        "/c/checkov"
    )
    assert default_cache_dir({"XDG_CACHE_HOME": "/x", "HOME": "/h"}) == Path("/x/tfgen/checkov")
    assert default_cache_dir({"HOME": "/h"}) == Path("/h/.cache/tfgen/checkov")


def test_install_script_is_quick_when_installed(checkov_exe: Path) -> None:
    if checkov_exe.parent.parent != REPO / ".venv-checkov":
        pytest.skip("checkov does not come from the repo's .venv-checkov")
    start = time.perf_counter()
    proc = subprocess.run(["bash", str(INSTALL)], capture_output=True, text=True, check=True)
    assert time.perf_counter() - start < 2.0
    assert Path(proc.stdout.strip()) == checkov_exe


@pytest.mark.e2e
def test_lint_reports_an_unparsable_file_and_everything_else(tmp_path: Path) -> None:
    """Through the real CLI: the file checkov cannot read is an error finding with its path,
    and the run goes on to report the other files' findings (all layers)."""
    folder = _copy_fixture("for-comment", tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "tfgen", "lint", folder.name, "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    found = {(f["code"], f["severity"], f["location"]["file"]) for f in report["findings"]}
    assert ("TFG524", "error", "for-comment/for_comment.tf") in found
    assert ("CKV_AWS_24", "warning", "for-comment/main.tf") in found
    assert ("AWS405", "warning", "for-comment/main.tf") in found  # the rules layer ran too
    assert report["summary"]["layers_run"][-2:] == ["terraform", "checkov"]
