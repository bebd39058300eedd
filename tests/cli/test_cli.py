"""The command line, through click's runner and as a real subprocess."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import REPO, Edit, line_of
from tfgen.cli import main
from tfgen.render.manifest import MANIFEST

TFGEN = shutil.which("tfgen") or str(Path(__file__).resolve().parents[2] / ".venv/bin/tfgen")


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_render_all_into_a_folder(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, stdout, _ = _run("-C", str(project), "render", "--all", "--out", str(out))
    assert code == 0
    golden = json.loads((REPO / "generated" / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert f"rendered {len(golden)} files" in stdout
    assert _snapshot(out) == _snapshot(project / "generated")


def test_render_needs_environments_or_all(project: Path) -> None:
    code, _, stderr = _run("-C", str(project), "render")
    assert code == 2
    assert "name one or more environments, or pass --all" in stderr


def test_render_one_environment_keeps_the_others(project: Path) -> None:
    prod = project / "generated/environments/prod.tfvars"
    prod.write_text(prod.read_text() + "# hand edit\n")
    code, _, _ = _run("-C", str(project), "render", "dev")
    assert code == 0
    assert prod.read_text().endswith("# hand edit\n")


def test_check_passes_on_a_fresh_tree(project: Path) -> None:
    code, stdout, _ = _run("-C", str(project), "render", "--all", "--check")
    assert code == 0
    assert "up to date" in stdout


def test_check_reports_stale_files_and_writes_nothing(project: Path, edit: Edit) -> None:
    edit("specs/services.yaml", "port: 8082", "port: 8083")
    before = _snapshot(project / "generated")
    code, _, stderr = _run("-C", str(project), "render", "--all", "--check")
    assert code == 1
    assert "changed: modules/ecs/services.tf" in stderr
    assert "changed: modules/ingress/routes.tf" in stderr
    assert _snapshot(project / "generated") == before


def test_broken_spec_exits_2_with_one_located_line(project: Path, edit: Edit) -> None:
    edit("specs/services.yaml", "    port: 8081\n", "    port: 8081\n    port: 8081\n")
    before = _snapshot(project / "generated")
    code, stdout, stderr = _run("-C", str(project), "render", "--all")
    assert code == 2
    line = line_of(project / "specs/services.yaml", "port: 8081") + 1
    assert stderr == (
        f"specs/services.yaml:{line}:5: TFG003 duplicate key 'port' (first defined at "
        f"specs/services.yaml:{line - 1}:5); hint: remove one of the two definitions\n"
    )
    assert stdout == ""
    assert _snapshot(project / "generated") == before


def test_model_errors_exit_2_and_write_nothing(project: Path, edit: Edit) -> None:
    edit("specs/services.yaml", "size: {cpu: 2048, memory: 4096}", "size: {cpu: 2048, memory: 1}")
    before = _snapshot(project / "generated")
    code, _, stderr = _run("-C", str(project), "render", "--all")
    assert code == 2
    assert "TFG205 Fargate cpu 2048 does not accept memory 1 MiB" in stderr
    assert stderr.count("\n") == 1
    assert _snapshot(project / "generated") == before


def test_unknown_environment_exits_2(project: Path) -> None:
    code, _, stderr = _run("-C", str(project), "render", "qa")
    assert code == 2
    assert "TFG300 unknown environment 'qa' (known: dev, prod, staging)" in stderr


def test_missing_project_exits_2(tmp_path: Path) -> None:
    code, _, stderr = _run("-C", str(tmp_path), "render", "--all")
    assert code == 2
    assert "TFG300" in stderr or "TFG010" in stderr


def test_schema_is_json_schema() -> None:
    code, stdout, _ = _run("schema")
    assert code == 0
    schema = json.loads(stdout)
    assert schema["title"] == "Platform"
    assert "services" in schema["properties"]


@pytest.mark.e2e
def test_validate_all_with_real_terraform(repo: Path) -> None:
    code, stdout, stderr = _run("-C", str(repo), "validate", "--all")
    assert code == 0, stdout + stderr
    assert "0 errors, 0 warnings, 0 info — passed" in stdout
    # checks the spec skips are reported with their justification
    assert (
        "skipped CKV_AWS_260 on module.ingress.aws_vpc_security_group_ingress_rule.alb_http: "
        "The ALB accepts port 80" in stderr
    )


# --- the installed console script, as a real process ------------------------------------


def _proc(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([TFGEN, *args], cwd=cwd, capture_output=True, text=True, check=False)


def test_console_script_version(repo: Path) -> None:
    proc = _proc("--version", cwd=repo)
    assert proc.returncode == 0
    assert proc.stdout.startswith("tfgen, version ")


def test_console_script_check_on_the_repository(repo: Path) -> None:
    proc = _proc("render", "--all", "--check", cwd=repo)
    assert proc.returncode == 0, proc.stderr


def test_console_script_bad_input_has_no_traceback(project: Path) -> None:
    (project / "specs" / "services.yaml").write_bytes(b"services:\n  a: \xff\n")
    proc = _proc("render", "--all", cwd=project)
    assert proc.returncode == 2
    assert proc.stderr == (
        "specs/services.yaml:2:6: TFG002 file is not valid UTF-8 (byte 0xff); "
        "hint: save the file as UTF-8\n"
    )
    assert "Traceback" not in proc.stderr + proc.stdout


def test_rendered_hcl_that_does_not_parse_is_a_bug_exit_4(project: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(Path(__file__).resolve().parents[2] / "templates", templates)
    broken = templates / "modules/waf/outputs.tf.j2"
    broken.write_text(broken.read_text() + 'output "oops" {\n  value = [\n}\n')
    before = _snapshot(project / "generated")
    proc = subprocess.run(
        [TFGEN, "render", "--all"],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "TFGEN_TEMPLATES": str(templates)},
        check=False,
    )
    assert proc.returncode == 4
    assert "modules/waf/outputs.tf" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1
    assert _snapshot(project / "generated") == before


@pytest.mark.parametrize("name", ["1dev", "dév", "Prod", "x"])
def test_bad_environment_file_names_exit_2(project: Path, name: str) -> None:
    (project / "environments" / f"{name}.yaml").write_text("tier: {}\n", encoding="utf-8")
    code, _, stderr = _run("-C", str(project), "render", "--all")
    assert code == 2
    assert stderr.startswith(f"environments/{name}.yaml: TFG303 invalid environment name")


def test_a_dangling_store_use_is_one_located_line_and_nothing_is_written(
    project: Path, edit: Edit
) -> None:
    old = "uses: [{table: payment-idempotency, access: write}]"
    edit("specs/services.yaml", old, "uses: [{table: payments, access: write}]")
    before = _snapshot(project / "generated")
    line = line_of(project / "specs/services.yaml", "{table: payments")
    expected = f"specs/services.yaml:{line}:20: TFG250 table 'payments' is not defined in tables"
    code, stdout, stderr = _run("-C", str(project), "render", "--all")
    assert (code, stdout) == (2, "")
    assert stderr.startswith(expected) and "Traceback" not in stderr
    proc = subprocess.run([TFGEN, "-C", str(project), "render", "--all"],
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert proc.returncode == 2 and proc.stderr.startswith(expected)
    assert _snapshot(project / "generated") == before


def test_a_dangling_cdn_origin_is_one_located_line_and_nothing_is_written(
    project: Path, edit: Edit
) -> None:
    edit("specs/cdn.yaml", "{bucket: profile-pictures}", "{bucket: avatars}")
    before = _snapshot(project / "generated")
    line = line_of(project / "specs/cdn.yaml", "{bucket: avatars}")
    expected = f"specs/cdn.yaml:{line}:34: TFG291 bucket 'avatars' is not defined in buckets"
    code, stdout, stderr = _run("-C", str(project), "render", "--all")
    assert (code, stdout) == (2, "")
    assert stderr.startswith(expected) and len(stderr.splitlines()) == 1
    proc = subprocess.run([TFGEN, "-C", str(project), "render", "--all"],
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert proc.returncode == 2 and proc.stderr.startswith(expected)
    assert "Traceback" not in stderr + proc.stderr
    assert _snapshot(project / "generated") == before


def test_a_distribution_without_aliases_renders_with_a_located_warning(project: Path) -> None:
    for rel in ("specs/cdn.yaml", "environments/dev.yaml", "environments/staging.yaml"):
        path = project / rel
        path.write_text("".join(ln for ln in path.read_text().splitlines(True)
                                if "aliases:" not in ln))  # fmt: skip
    line = line_of(project / "specs/cdn.yaml", "  bookstore:")
    expected = f"warning: specs/cdn.yaml:{line}:3: TFG298 bookstore has no aliases"
    code, _, stderr = _run("-C", str(project), "render", "--all", "--force")
    assert code == 0 and expected in stderr
    proc = subprocess.run([TFGEN, "-C", str(project), "render", "--all", "--force"],
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert proc.returncode == 0 and expected in proc.stderr
    written = (project / "generated/modules/cdn/distributions.tf").read_text()
    assert re.search(r'minimum_protocol_version += "TLSv1"\n', written)
