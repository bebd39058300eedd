"""Planted secrets: tfgen refuses them and nothing it writes or prints contains them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from tfgen.cli import main

TFGEN = shutil.which("tfgen") or str(Path(__file__).resolve().parents[2] / ".venv/bin/tfgen")

# Assembled at run time so the repository never holds a credential verbatim.
PLANTED = {
    "DB_PASSWORD": "hunter2" + "hunter2",
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYzq9Lk3v2Hx",
    "RELEASE_FEED": "ghp_" + "aB3dE5fG7h" * 3 + "J9kL1m",
    "BUILD_SIGNER": "AKIA" + "Q7RZ2XK4" + "M3N8P5T6",
}


def _plant(project: Path) -> None:
    """Secrets in a spec's environment map, in an environment overlay and in the tags."""
    services = project / "specs/services.yaml"
    lines = "".join(
        f"      {key}: {value}\n" for key, value in PLANTED.items() if key != "BUILD_SIGNER"
    )
    anchor = '      BULL_WORKERS: "5"\n'
    services.write_text(services.read_text().replace(anchor, anchor + lines))
    dev = project / "environments/dev.yaml"
    dev.write_text(
        dev.read_text().replace(
            "LOG_LEVEL: debug}", f"LOG_LEVEL: debug, BUILD_SIGNER: {PLANTED['BUILD_SIGNER']}}}"
        )
    )
    platform = project / "specs/platform.yaml"
    platform.write_text(
        platform.read_text().replace(
            "Owner: platform-team", f"Owner: platform-team\n    Deployer: {PLANTED['RELEASE_FEED']}"
        )
    )


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}  # fmt: skip


def _assert_nowhere(project: Path, before: dict[str, bytes], *outputs: str) -> None:
    for value in PLANTED.values():
        for output in outputs:
            assert value not in output
        for rel, data in _files(project / "generated").items():
            assert value.encode() not in data, f"{value[:4]}... leaked into {rel}"
    assert _files(project / "generated") == before


COMMANDS = [
    ("render", "--all"),
    ("render", "dev"),
    ("validate", "--all", "--only", "consistency,schema,rules"),
    ("validate", "dev", "--only", "rules", "--format", "json"),
]


@pytest.mark.parametrize("args", COMMANDS)
def test_planted_secrets_exit_2_through_the_runner(project: Path, args: tuple[str, ...]) -> None:
    _plant(project)
    before = _files(project / "generated")
    result = CliRunner().invoke(main, ["-C", str(project), *args])
    assert result.exit_code == 2, result.output
    assert result.stderr.count("TFG223") >= len(PLANTED) - (1 if "dev" not in args else 0)
    _assert_nowhere(project, before, result.stdout, result.stderr)


def test_planted_secrets_exit_2_as_a_process(project: Path) -> None:
    _plant(project)
    before = _files(project / "generated")
    proc = subprocess.run(
        [TFGEN, "render", "--all"], cwd=project, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == len(PLANTED) + 1  # the token is planted twice
    assert all(" TFG223 " in line and "not shown" in line for line in lines)
    assert any(line.startswith("environments/dev.yaml:") for line in lines)
    assert any(line.startswith("specs/platform.yaml:") for line in lines)
    assert "Traceback" not in proc.stderr
    _assert_nowhere(project, before, proc.stdout, proc.stderr)


def test_planted_secrets_also_stop_a_debug_run(project: Path) -> None:
    _plant(project)
    proc = subprocess.run(
        [TFGEN, "--debug", "render", "--all"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    for value in PLANTED.values():
        assert value not in proc.stderr + proc.stdout
