"""Assemble a validation :class:`Report` for a rendered project or for any Terraform."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tfgen import __version__
from tfgen.check import baseline
from tfgen.check.findings import Finding, Severity
from tfgen.check.layers import (
    Outcome,
    SpecMapper,
    Subject,
    map_to_spec,
    prefixed,
    run_layers,
)
from tfgen.check.report import Report, RuleInfo, rules_by_code
from tfgen.errors import Location, Problem, sorted_problems, user_error
from tfgen.render.provenance import build_provenance
from tfgen.spec.loader import LoadedEnvironment, Source
from tfgen.spec.model import Platform
from tfgen.textio import read_text

if TYPE_CHECKING:
    from tfgen.pipeline import RenderedProject

HOME = ""  # no public home page yet: SARIF omits informationUri
LINT_SUFFIXES = (".tf", ".tfvars")


@dataclass
class Options:
    layers: Sequence[str]
    layers_skipped: Sequence[str] = ()
    fail_on: Severity = Severity.ERROR
    baseline: Path | None = None
    environments: Sequence[str] = ()


@dataclass
class Result:
    report: Report
    skipped: list[tuple[str, str, str]] = field(default_factory=list)
    all_findings: list[Finding] = field(default_factory=list)  # before the baseline
    tool_errors: list[Problem] = field(default_factory=list)  # layers that could not run


def _rules() -> dict[str, RuleInfo]:
    from tfgen.check.rules import all_rules  # noqa: PLC0415 - registers the rules on import
    from tfgen.check.schema import CODES, DOC  # noqa: PLC0415

    infos = rules_by_code(all_rules(), "rules")
    for code, title in CODES.items():
        severity = Severity.WARNING if code == "SCH005" else Severity.ERROR
        infos[code] = RuleInfo(code, title, severity, DOC, "schema")
    return infos


def display_prefix(folder: Path) -> str:
    rel = os.path.relpath(folder.resolve(), Path.cwd().resolve())
    return "" if rel == "." else Path(rel).as_posix() + "/"


def _finish(findings: list[Finding], outcome: Outcome, opts: Options, anchor: str) -> Result:
    kept, suppressed = findings, 0
    if opts.baseline is not None:
        kept, suppressed = baseline.suppress(findings, baseline.load(opts.baseline))
    report = Report(
        findings=kept,
        rules=_rules(),
        tool_version=__version__,
        layers_run=outcome.layers_run,
        layers_skipped=[*opts.layers_skipped, *outcome.layers_failed],
        fail_on=opts.fail_on,
        baseline_suppressed=suppressed,
        environments=list(opts.environments),
        information_uri=HOME,
        anchor_file=anchor,  # SARIF: where findings without a location are shown
    )
    return Result(report, outcome.skipped, findings, sorted_problems(outcome.tool_errors))


def validate_project(rendered: RenderedProject, opts: Options) -> Result:
    """Run the tree layers on a rendered project (every environment it was rendered for)."""
    project = rendered.project
    opts.environments = rendered.names
    return validate_rendered(
        rendered.files, project.platform, project.source, project.environments,
        rendered.output, opts,
    )  # fmt: skip


def validate_rendered(
    files: dict[str, str],
    platform: Platform,
    base: Source,
    environments: Sequence[LoadedEnvironment],
    out_dir: Path,
    opts: Options,
) -> Result:
    """Run the tree layers on a rendered project and map findings to the spec."""
    names = [e.environment.name for e in environments]
    subject = Subject(
        files, platform, [f"environments/{n}.tfvars" for n in names], platform.checks.reason_for
    )
    outcome = run_layers(subject, opts.layers)
    mapper = SpecMapper(
        build_provenance(files), base, {e.environment.name: e.source for e in environments}
    )
    findings = map_to_spec(outcome.findings, mapper, display_prefix(out_dir))
    return _finish(findings, outcome, opts, base.files[0] if base.files else "")


@dataclass(frozen=True)
class LintTarget:
    """The module tree to check, and (for a file argument) the one file to report on."""

    root: Path
    files: dict[str, str]
    only: str | None = None


def _terraform_files(folder: Path, recursive: bool) -> dict[str, str]:
    found = folder.rglob("*") if recursive else folder.glob("*")
    files = {}
    for p in sorted(found):
        rel = p.relative_to(folder)
        if (
            p.is_file()
            and p.suffix in LINT_SUFFIXES
            and not any(part.startswith(".") for part in rel.parts)
        ):
            files[rel.as_posix()] = read_text(p, p.as_posix())
    return files


def _lint_target(path: Path) -> LintTarget:
    where = Location(path.as_posix())
    if path.is_file():
        if path.suffix not in LINT_SUFFIXES:
            raise user_error(
                "TFG605", f"{path.as_posix()} is not a Terraform file (*.tf, *.tfvars)", where,
                "point tfgen lint at a module folder or a .tf file",
            )  # fmt: skip
        # the file's whole module, so references to its sibling files resolve
        return LintTarget(path.parent, _terraform_files(path.parent, False), path.name)
    if not path.is_dir():
        raise user_error("TFG604", f"no such file or directory: {path}", where)
    files = _terraform_files(path, True)
    if not files:
        raise user_error(
            "TFG605", f"no Terraform files (*.tf, *.tfvars) in {path}", where,
            "point tfgen lint at a module folder or a .tf file",
        )  # fmt: skip
    return LintTarget(path, files)


def lint_paths(paths: Sequence[Path], opts: Options) -> Result:
    """Run the tree layers on hand-written Terraform; locations are in that HCL."""
    findings: list[Finding] = []
    total = Outcome()
    for path in paths:
        target = _lint_target(path)
        outcome = run_layers(Subject(target.files), opts.layers)
        mine = [
            f for f in outcome.findings
            if target.only is None or f.location is None or f.location.file == target.only
        ]  # fmt: skip
        findings += prefixed(mine, display_prefix(target.root))
        total.skipped += outcome.skipped
        total.layers_run = outcome.layers_run
        total.layers_failed = sorted({*total.layers_failed, *outcome.layers_failed})
        total.tool_errors += outcome.tool_errors
    anchor = paths[0].as_posix() if paths and paths[0].is_file() else ""
    return _finish(sorted(findings, key=Finding.sort_key), total, opts, anchor)
