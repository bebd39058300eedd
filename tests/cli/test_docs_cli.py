"""Packaged reference pages (`tfgen docs`), the spec JSON Schema and the variables page."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from tfgen import docs
from tfgen.cli import main
from tfgen.spec.loader import load_specs
from tfgen.spec.reference import SCHEMA_DIALECT, SCHEMA_ID, render

TFGEN = shutil.which("tfgen") or str(Path(__file__).resolve().parents[2] / ".venv/bin/tfgen")


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def _proc(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([TFGEN, *args], cwd=cwd, capture_output=True, text=True, check=False)


def test_docs_without_topic_lists_every_topic(tmp_path: Path) -> None:
    proc = _proc("docs", cwd=tmp_path)  # anywhere: the pages come with the installation
    assert proc.returncode == 0, proc.stderr
    for name in ("spec", "errors", "secrets", "env", "quickstart"):
        assert re.search(rf"^  {name} +\S", proc.stdout, re.MULTILINE), name


@pytest.mark.parametrize("topic", docs.TOPIC_NAMES)
def test_every_topic_prints_its_page(topic: str, repo: Path) -> None:
    code, stdout, _ = _run("docs", topic)
    assert code == 0
    assert stdout.startswith("# ")
    assert stdout == (repo / "docs" / docs.topic(topic).file).read_text()


def test_docs_spec_is_rendered_from_the_model_as_a_process(tmp_path: Path, repo: Path) -> None:
    proc = _proc("docs", "spec", cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stdout == render() == (repo / "docs/spec.md").read_text()


def test_unknown_topic_exits_2() -> None:
    code, _, stderr = _run("docs", "nope")
    assert code == 2
    assert "unknown topic 'nope'; choose from quickstart, spec, errors" in stderr


def test_pages_are_package_data(repo: Path) -> None:
    packaged = repo / "src/tfgen/data/docs"
    assert docs.docs_dir() == packaged.resolve() or docs.docs_dir() == packaged
    assert packaged.resolve() == (repo / "docs").resolve()
    pyproject = (repo / "pyproject.toml").read_text()
    assert '"data/**/*"' in pyproject


def test_no_hint_points_at_a_repository_file(repo: Path) -> None:
    offenders = []
    for path in (repo / "src/tfgen").rglob("*.py"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"\bsee\b[^\"'`]*\bdocs/", line):  # a hint, not a ``docstring``
                offenders.append(f"{path.relative_to(repo)}:{number}: {line.strip()}")
    assert offenders == []


def test_every_tfgen_variable_is_documented(repo: Path) -> None:
    used: set[str] = set()
    for path in (repo / "src/tfgen").rglob("*.py"):
        used.update(re.findall(r"\bTFGEN_[A-Z0-9_]+\b", path.read_text()))
    assert used, "no variables found: the pattern is wrong"
    page = (repo / "docs/environment.md").read_text()
    assert sorted(v for v in used if f"`{v}`" not in page) == []
    proc = _proc("docs", "env", cwd=repo.parent)
    assert proc.returncode == 0
    assert all(v in proc.stdout for v in used)


# --- the JSON Schema ----------------------------------------------------------------------


def test_schema_has_dialect_id_and_descriptions(repo: Path) -> None:
    proc = _proc("schema", cwd=repo)
    assert proc.returncode == 0
    schema = json.loads(proc.stdout)
    assert schema["$schema"] == SCHEMA_DIALECT == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == SCHEMA_ID
    Draft202012Validator.check_schema(schema)
    assert schema["description"]
    for name, prop in schema["properties"].items():
        assert prop.get("description"), f"top-level section {name} has no description"
    for name, definition in schema["$defs"].items():
        if definition.get("type") == "object":
            assert definition.get("description"), f"{name} has no description"


def test_schema_accepts_the_bookstore_spec(repo: Path) -> None:
    code, stdout, _ = _run("schema")
    assert code == 0
    validator = Draft202012Validator(json.loads(stdout))
    errors = [e.message for e in validator.iter_errors(load_specs(repo).data)]
    assert errors == []


def test_schema_file_is_up_to_date(repo: Path) -> None:
    code, stdout, _ = _run("schema")
    assert code == 0
    assert (repo / "docs/spec.schema.json").read_text() == stdout, (
        "docs/spec.schema.json is stale: run `make schema`"
    )
