"""tfgen-managed virtualenvs (how checkov is provisioned), with real venv and real pip.

The provisioning logic is exercised with a tiny pure-Python package that has a console
script (pyflakes), so these tests take seconds; one e2e test provisions the real pinned
checkov.  Tests that need PyPI skip when it is unreachable; the offline behaviour is
tested for real by pointing pip at a closed local port.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import REPO
from tfgen.check.checkov_env import (
    CHECKOV_REQUIREMENT,
    MARKER_NAME,
    OFFLINE_SIGNS,
    ManagedVenv,
    checkov_venv,
    ensure,
)
from tfgen.cli import main
from tfgen.errors import ToolError

TINY = "pyflakes==3.2.0"
CLOSED_INDEX = "http://127.0.0.1:9/simple"  # nothing listens on the discard port
INSECURE = REPO / "tests" / "check" / "fixtures" / "checkov" / "insecure"


def _tiny(tmp_path: Path) -> ManagedVenv:
    return ManagedVenv(tmp_path / "cache" / "pyflakes-3.2.0", TINY, "pyflakes")


def _ensure_or_skip(venv: ManagedVenv, messages: list[str]) -> Path:
    try:
        return ensure(venv, messages.append)
    except ToolError as exc:
        if "unreachable" in exc.problems[0].message:
            pytest.skip(f"PyPI is unreachable: {exc.problems[0].message}")
        raise


def _version(exe: Path) -> str:
    proc = subprocess.run([str(exe), "--version"], capture_output=True, text=True, check=True)
    return proc.stdout.strip()


def test_venv_is_installed_stamped_and_then_reused(tmp_path: Path) -> None:
    venv = _tiny(tmp_path)
    messages: list[str] = []
    exe = _ensure_or_skip(venv, messages)
    assert exe == venv.path / "bin" / "pyflakes"
    assert _version(exe).startswith("3.2.0")
    assert venv.stamp.read_text() == f"{TINY}\n"
    assert [m.split(" into ")[0].split(" is ")[0] for m in messages] == [
        "installing pyflakes 3.2.0",
        "pyflakes 3.2.0",
    ]
    assert "one time" in messages[0]
    assert messages[1].endswith(f"is ready: {exe}")
    start = time.perf_counter()
    again: list[str] = []
    assert ensure(venv, again.append) == exe
    assert again == []  # nothing installed the second time
    assert time.perf_counter() - start < 0.5


def test_interrupted_install_is_redone_not_used(tmp_path: Path) -> None:
    venv = _tiny(tmp_path)
    _ensure_or_skip(venv, [])
    venv.stamp.unlink()  # as if the install had been killed before the stamp
    (venv.path / "leftover").write_text("half-installed")
    assert not venv.ready()
    messages: list[str] = []
    exe = ensure(venv, messages.append)
    assert len(messages) == 2 and messages[0].startswith("installing")
    assert not (venv.path / "leftover").exists()
    assert venv.ready()
    assert _version(exe).startswith("3.2.0")


_ENSURE_SCRIPT = """
import sys
from pathlib import Path
from tfgen.check.checkov_env import ManagedVenv, ensure
print(ensure(ManagedVenv(Path(sys.argv[1]), sys.argv[2], "pyflakes")))
"""


def test_concurrent_runs_install_once(tmp_path: Path) -> None:
    venv = _tiny(tmp_path)
    cmd = [sys.executable, "-c", _ENSURE_SCRIPT, str(venv.path), TINY]
    procs = [
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=600) for p in procs]
    errors = "".join(err for _, err in outputs)
    if any(sign in errors for sign in ("unreachable", *OFFLINE_SIGNS)):
        pytest.skip("PyPI is unreachable")
    assert [p.returncode for p in procs] == [0, 0], errors
    assert {out.strip() for out, _ in outputs} == {str(venv.executable)}
    assert errors.count("installing pyflakes") == 1, errors
    assert venv.ready()


def test_folder_not_made_by_tfgen_is_left_alone(tmp_path: Path) -> None:
    venv = _tiny(tmp_path)
    venv.path.mkdir(parents=True)
    mine = venv.path / "precious.txt"
    mine.write_text("not tfgen's")
    with pytest.raises(ToolError) as caught:
        ensure(venv, lambda _: None)
    assert caught.value.problems[0].code == "TFG526"
    assert "not made by tfgen" in caught.value.problems[0].message
    assert mine.read_text() == "not tfgen's"
    assert not (venv.path / MARKER_NAME).exists()


def test_checkov_venv_is_pinned_and_lives_in_the_tfgen_cache(tmp_path: Path) -> None:
    venv = checkov_venv({"TFGEN_CACHE_DIR": str(tmp_path)})
    assert venv.requirement == CHECKOV_REQUIREMENT == "checkov==3.3.30"
    assert venv.path == tmp_path.resolve() / "checkov-3.3.30"
    assert venv.executable == venv.path / "bin" / "checkov"


def test_install_script_pins_the_same_checkov() -> None:
    script = (REPO / "tools" / "install-checkov.sh").read_text()
    assert f'spec="${{CHECKOV_SPEC:-{CHECKOV_REQUIREMENT}}}"' in script


# --------------------------------------------------------------------------- real CLI


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """No TFGEN_CHECKOV, a private tfgen cache, and a working directory without a
    .venv-checkov: tfgen must provision checkov itself, as for a pip-installed user."""
    env = {k: v for k, v in os.environ.items() if k not in ("TFGEN_CHECKOV", "PIP_INDEX_URL")}
    env.update(TFGEN_CACHE_DIR=str(tmp_path / "cache"), **extra)
    return env


def _tfgen(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    return subprocess.run(
        [sys.executable, "-m", "tfgen", *args],
        cwd=work,
        env=_env(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )


def test_setup_offline_says_exactly_what_to_do(tmp_path: Path) -> None:
    proc = _tfgen(tmp_path, "setup", "checkov", PIP_INDEX_URL=CLOSED_INDEX)
    assert proc.returncode == 3, proc.stderr
    assert proc.stdout == ""
    assert "installing checkov 3.3.30 into" in proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("TFG526 cannot install checkov==3.3.30")
    assert "PyPI is unreachable" in last
    assert "run `tfgen setup checkov`" in last
    assert "TFGEN_CHECKOV=DIR/bin/checkov" in last
    assert "Traceback" not in proc.stderr
    assert not checkov_venv(_env(tmp_path)).ready()  # never used half-installed


def test_lint_offline_prints_the_other_layers_findings_then_exits_3(tmp_path: Path) -> None:
    proc = _tfgen(
        tmp_path, "lint", str(INSECURE), "--only", "rules,checkov", PIP_INDEX_URL=CLOSED_INDEX
    )
    assert proc.returncode == 3, proc.stderr
    assert "AWS405 ingress from the internet to 22" in proc.stdout  # the rules layer's finding
    assert "skipped layers: consistency, schema, terraform, checkov\n" in proc.stdout
    assert "TFG526 layer checkov did not run: cannot install checkov==3.3.30" in proc.stderr


def test_auto_install_can_be_turned_off(tmp_path: Path) -> None:
    proc = _tfgen(
        tmp_path, "lint", str(INSECURE), "--only", "rules,checkov", TFGEN_NO_AUTO_INSTALL="1"
    )
    assert proc.returncode == 3, proc.stderr
    assert "AWS405" in proc.stdout
    assert "installing checkov" not in proc.stderr
    assert "TFG521 layer checkov did not run: checkov not found, and TFGEN_NO_AUTO_INSTALL" in (
        proc.stderr
    )
    assert "tfgen setup checkov" in proc.stderr
    assert not checkov_venv(_env(tmp_path)).path.exists()


def test_checkov_failing_while_it_runs_keeps_the_other_findings(tmp_path: Path) -> None:
    false = shutil.which("false")
    assert false is not None
    proc = _tfgen(tmp_path, "lint", str(INSECURE), "--only", "rules,checkov", TFGEN_CHECKOV=false)
    assert proc.returncode == 3, proc.stderr
    assert "AWS405" in proc.stdout
    assert "TFG521 layer checkov did not run:" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_missing_checkov_through_cli_runner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TFGEN_CHECKOV", raising=False)
    monkeypatch.setenv("TFGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("TFGEN_NO_AUTO_INSTALL", "1")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["lint", str(INSECURE), "--only", "rules,checkov"])
    assert result.exit_code == 3, result.stderr
    assert "AWS405" in result.stdout
    assert "TFG521 layer checkov did not run: checkov not found" in result.stderr


@pytest.mark.e2e
def test_setup_checkov_provisions_the_pinned_checkov(tmp_path: Path) -> None:
    """The real thing: about a minute, downloads checkov from PyPI (once per machine with
    pip's cache)."""
    proc = _tfgen(tmp_path, "setup", "checkov")
    if proc.returncode == 3 and "unreachable" in proc.stderr:
        pytest.skip("PyPI is unreachable")
    assert proc.returncode == 0, proc.stderr
    exe = Path(proc.stdout.strip())
    assert exe == checkov_venv(_env(tmp_path)).executable
    assert "installing checkov 3.3.30" in proc.stderr
    version = subprocess.run(
        [str(exe), "--version"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true"},
    )
    assert version.stdout.strip().splitlines()[-1] == "3.3.30"
    again = _tfgen(tmp_path, "setup", "checkov")
    assert (again.returncode, again.stdout, again.stderr) == (0, proc.stdout, "")
    # and a scan through the CLI uses it, with no further install
    scan = _tfgen(tmp_path, "lint", str(INSECURE), "--only", "checkov")
    assert scan.returncode == 0, scan.stderr
    assert "CKV_AWS_24" in scan.stdout
    assert "installing" not in scan.stderr
