"""Colour (--no-color, NO_COLOR, FORCE_COLOR, a real terminal) and shell completion."""

from __future__ import annotations

import io
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tfgen.cli import main
from tfgen.terminal import color_enabled

TFGEN = shutil.which("tfgen") or str(Path(__file__).resolve().parents[2] / ".venv/bin/tfgen")
FAST = ("validate", "--all", "--only", "rules")
ESC = "\x1b["


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("tty", "flag", "env", "expected"),
    [
        (True, False, {}, True),
        (False, False, {}, False),
        (True, True, {}, False),
        (True, False, {"NO_COLOR": "1"}, False),
        (True, False, {"NO_COLOR": ""}, True),
        (False, False, {"FORCE_COLOR": "1"}, True),
        (False, False, {"FORCE_COLOR": "0"}, False),
        (False, False, {"FORCE_COLOR": "1", "NO_COLOR": "yes"}, False),
        (False, True, {"FORCE_COLOR": "1"}, False),
    ],
)
def test_the_colour_decision(tty: bool, flag: bool, env: dict[str, str], expected: bool) -> None:
    stream = _Tty() if tty else io.StringIO()
    assert color_enabled(stream, flag, env) is expected


def _env(**extra: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return {**clean, **extra}


def test_force_color_colours_a_pipe_and_no_color_wins(repo: Path) -> None:
    def run(*args: str, **env: str) -> str:
        proc = subprocess.run([TFGEN, *args, *FAST], cwd=repo, capture_output=True, text=True,
                              env=_env(**env), check=False)  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    assert ESC not in run()
    assert ESC in run(FORCE_COLOR="1")
    assert ESC not in run(FORCE_COLOR="1", NO_COLOR="1")
    assert ESC not in run("--no-color", FORCE_COLOR="1")


def test_runner_honours_no_color(repo: Path) -> None:
    runner = CliRunner()
    forced = runner.invoke(
        main, ["-C", str(repo), *FAST], env={"FORCE_COLOR": "1", "NO_COLOR": None}, color=True
    )
    assert forced.exit_code == 0
    assert ESC in forced.stdout
    off = runner.invoke(
        main,
        ["--no-color", "-C", str(repo), *FAST],
        env={"FORCE_COLOR": "1", "NO_COLOR": None},
        color=True,
    )
    assert off.exit_code == 0
    assert ESC not in off.stdout


def _on_a_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    """Run tfgen with stdout on a pseudo-terminal; returns what it printed there."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [TFGEN, *args], cwd=cwd, stdout=follower, stderr=subprocess.DEVNULL, env=env
    )
    os.close(follower)
    chunks: list[bytes] = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    assert proc.wait(timeout=120) == 0
    return b"".join(chunks).decode()


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_colour_on_a_real_terminal_unless_no_color(repo: Path) -> None:
    assert ESC in _on_a_terminal(list(FAST), repo, _env())
    assert ESC not in _on_a_terminal(list(FAST), repo, _env(NO_COLOR="1"))
    assert ESC not in _on_a_terminal(["--no-color", *FAST], repo, _env())


# --- shell completion ---------------------------------------------------------------------


def _complete(words: str, cwd: Path, shell: str = "bash") -> list[str]:
    """What click's completion machinery answers for the command line ``words``."""
    parts = words.split(" ")
    env = _env(
        _TFGEN_COMPLETE=f"{shell}_complete", COMP_WORDS=words, COMP_CWORD=str(len(parts) - 1)
    )
    proc = subprocess.run([TFGEN], cwd=cwd, capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 0, proc.stderr
    return [line.split(",", 1)[1] for line in proc.stdout.splitlines() if "," in line]


def test_environment_names_complete_in_the_project(project: Path) -> None:
    assert _complete("tfgen render ", project) == ["dev", "prod", "staging"]
    assert _complete("tfgen render d", project) == ["dev"]
    assert _complete("tfgen validate dev ", project) == ["prod", "staging"]
    assert _complete("tfgen plan p", project) == ["prod"]
    assert _complete("tfgen apply s", project) == ["staging"]


def test_environment_names_complete_for_the_project_option(project: Path) -> None:
    (project / "environments/qa.yaml").write_text("tier: {}\n")
    elsewhere = project.parent
    assert _complete(f"tfgen -C {project} render q", elsewhere) == ["qa"]
    assert _complete(f"tfgen --project {project} plan ", elsewhere) == [
        "dev",
        "prod",
        "qa",
        "staging",
    ]
    assert _complete("tfgen render ", elsewhere) == []  # no environments/ here


def test_docs_topics_and_commands_complete(tmp_path: Path) -> None:
    assert _complete("tfgen docs s", tmp_path) == ["spec", "secrets"]
    commands = _complete("tfgen ", tmp_path)
    assert {"init", "docs", "render", "validate", "plan", "apply", "schema"} <= set(commands)


def test_the_completion_script_is_generated(tmp_path: Path) -> None:
    for shell in ("bash", "zsh", "fish"):
        proc = subprocess.run(
            [TFGEN], cwd=tmp_path, capture_output=True, text=True, check=False,
            env=_env(_TFGEN_COMPLETE=f"{shell}_source"),
        )  # fmt: skip
        assert proc.returncode == 0
        assert "_TFGEN_COMPLETE" in proc.stdout
