"""A pip-installed tfgen (built wheel, no repository around it) has its docs and scaffold."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.e2e
def test_wheel_ships_docs_scaffold_and_templates(repo: Path, tmp_path: Path) -> None:
    wheels, target = tmp_path / "wheels", tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(wheels), str(repo)], check=True)
    [wheel] = wheels.glob("tfgen-*.whl")
    subprocess.run([*pip, "install", "--no-deps", "--target", str(target), str(wheel)], check=True)
    env = {**os.environ, "PYTHONPATH": str(target)}  # the installed copy wins over the checkout
    work = tmp_path / "work"
    work.mkdir()

    def tfgen(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "tfgen", *args], cwd=work, env=env,
                              capture_output=True, text=True, check=False)  # fmt: skip

    where = subprocess.run(
        [sys.executable, "-c", "import tfgen; print(tfgen.__file__)"],
        cwd=work, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert where.stdout.startswith(str(target))
    for topic in ("spec", "errors", "env", "secrets", "quickstart"):
        proc = tfgen("docs", topic)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout == (repo / "docs" / _page(topic)).read_text()
    assert tfgen("init", "p", "--name", "acme").returncode == 0
    assert (work / "p/.gitignore").is_file()
    proc = tfgen("-C", "p", "render", "--all")
    assert proc.returncode == 0, proc.stderr


def _page(topic: str) -> str:
    from tfgen.docs import topic as find  # noqa: PLC0415

    return find(topic).file
