"""Assemble a validation :class:`Report` for a rendered project or for any Terraform."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from tfgen import __version__
from tfgen.check import baseline
from tfgen.check.consistency import parse_tree
from tfgen.check.findings import Finding, Severity, SpecLocation
from tfgen.check.layers import (
    Outcome,
    SpecMapper,
    Subject,
    map_to_spec,
    run_layers,
)
from tfgen.check.lint import (
    PARSE_LAYER,
    Progress,
    is_large,
    layer_progress,
    no_progress,
    syntax_findings,
    unresolvable_dropped,
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
    notes: list[str] = field(default_factory=list)  # one-line remarks for stderr


def _rules() -> dict[str, RuleInfo]:
    from tfgen.check.rules import all_rules  # noqa: PLC0415 - registers the rules on import
    from tfgen.check.schema import CODES, DOC, code_severity  # noqa: PLC0415

    infos = rules_by_code(all_rules(), "rules")
    infos["HCL001"] = RuleInfo("HCL001", "Invalid HCL syntax", Severity.ERROR, "", PARSE_LAYER)
    infos["HCL002"] = RuleInfo(
        "HCL002", "Expression nested too deeply for tfgen's parser", Severity.WARNING, "",
        PARSE_LAYER,
    )  # fmt: skip
    for code, title in CODES.items():
        infos[code] = RuleInfo(code, title, code_severity(code), DOC, "schema")
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
        rendered.output, opts, spec_findings(project.warnings),
    )  # fmt: skip


def spec_findings(warnings: Sequence[Problem]) -> list[Finding]:
    """The model's warnings (e.g. TFG227) as findings of the spec layer."""
    return [
        Finding(
            "spec",
            Severity.WARNING,
            p.code,
            p.message,
            spec_location=None
            if p.location is None
            else SpecLocation(p.location.file, p.location.line, p.location.column),
            hint=p.hint,
        )
        for p in warnings
    ]


def validate_rendered(
    files: dict[str, str],
    platform: Platform,
    base: Source,
    environments: Sequence[LoadedEnvironment],
    out_dir: Path,
    opts: Options,
    extra: Sequence[Finding] = (),
) -> Result:
    """Run the tree layers on a rendered project and map findings to the spec (``extra``:
    findings of the spec layer, reported with them)."""
    names = [e.environment.name for e in environments]
    subject = Subject(
        files, platform, [f"environments/{n}.tfvars" for n in names], platform.checks.reason_for
    )
    outcome = run_layers(subject, opts.layers)
    mapper = SpecMapper(
        build_provenance(files), base, {e.environment.name: e.source for e in environments}
    )
    findings = [*extra, *map_to_spec(outcome.findings, mapper, display_prefix(out_dir))]
    return _finish(findings, outcome, opts, base.files[0] if base.files else "")


@dataclass(frozen=True)
class LintTarget:
    """What one ``tfgen lint PATH`` argument checks.

    ``files``: every Terraform file read (relative to ``root``, the module folder);
    ``named``: the files reported on (a file argument: that file alone, its siblings are
    read only as context for references and variables; a folder: all of them);
    ``typed``: the path as the user typed it, which findings are shown under.
    """

    typed: Path
    root: Path
    files: dict[str, str]
    named: frozenset[str]

    @property
    def is_file(self) -> bool:
        return self.typed.is_file()

    def shown(self, rel: str) -> str:
        """A file of the target as the user names it (relative or absolute, as typed)."""
        if not self.is_file:
            return (self.typed / rel).as_posix()
        return self.typed.as_posix() if rel in self.named else (self.typed.parent / rel).as_posix()

    def context_note(self) -> str | None:
        """For a file argument, the one line that says what was read only as context."""
        context = sorted(set(self.files) - self.named)
        if not self.is_file or not context:
            return None
        more = f" and {len(context) - 5} more" if len(context) > 5 else ""
        shown = ", ".join(context[:5]) + more
        return (
            f"linting {self.typed.as_posix()} only; {shown} in its folder read as context "
            "(references and variables), not reported"
        )


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
        files = _terraform_files(path.parent, False)
        return LintTarget(path, path.parent, files, frozenset({path.name}))
    if not path.is_dir():
        raise user_error("TFG604", f"no such file or directory: {path}", where)
    files = _terraform_files(path, True)
    if not files:
        raise user_error(
            "TFG605", f"no Terraform files (*.tf, *.tfvars) in {path}", where,
            "point tfgen lint at a module folder or a .tf file",
        )  # fmt: skip
    return LintTarget(path, path, files, frozenset(files))


def lint_paths(paths: Sequence[Path], opts: Options, progress: Progress = no_progress) -> Result:
    """Run the tree layers on hand-written Terraform; locations are in that HCL, shown
    under the paths as the user typed them.  A file that does not parse is a finding
    (HCL001); the other files are still checked."""
    findings: list[Finding] = []
    total = Outcome()
    notes: list[str] = []
    for path in paths:
        target = _lint_target(path)
        if (note := target.context_note()) is not None:
            notes.append(note)
        found, outcome, broken = _lint_one(target, opts, progress)
        if _hides_references(broken, target.files):
            shown = ", ".join(target.shown(p) for p in broken)
            notes.append(
                f"{shown} {'does' if len(broken) == 1 else 'do'} not parse: references to "
                "what the files of that folder declare are not checked"
            )
        findings += found
        total.skipped += outcome.skipped
        total.layers_run = outcome.layers_run
        total.layers_failed = sorted({*total.layers_failed, *outcome.layers_failed})
        total.tool_errors += outcome.tool_errors
    anchor = paths[0].as_posix() if paths and paths[0].is_file() else ""
    result = _finish(sorted(findings, key=Finding.sort_key), total, opts, anchor)
    result.notes = notes
    return result


def _lint_one(
    target: LintTarget, opts: Options, progress: Progress
) -> tuple[list[Finding], Outcome, list[str]]:
    """The findings on the named files, the layers' outcome, and the files that do not
    parse (checked by no layer)."""
    if not is_large(target.files):
        progress = no_progress
    broken = syntax_findings(target.files, progress)
    readable = {p: t for p, t in target.files.items() if p not in broken}
    on_layer = layer_progress(progress, list(opts.layers))
    outcome = run_layers(Subject(readable), opts.layers, on_layer)
    found = [*broken.values(), *unresolvable_dropped(outcome.findings, set(broken))]
    mine = [f for f in found if _reported(f, target)]
    outcome.skipped = _skips_in(outcome.skipped, target, readable)
    return [_shown(f, target) for f in mine], outcome, sorted(broken)


def _reported(finding: Finding, target: LintTarget) -> bool:
    """A folder reports everything; a file, its own findings and those of no file."""
    loc = finding.location
    return not target.is_file or loc is None or not loc.file or loc.file in target.named


def _hides_references(broken: list[str], files: Mapping[str, str]) -> bool:
    """Whether a file that does not parse shares its folder with files that do."""
    folders = {posixpath.dirname(p) for p in broken}
    return any(posixpath.dirname(p) in folders for p in files if p not in broken)


def _shown(finding: Finding, target: LintTarget) -> Finding:
    loc = finding.location
    if loc is None or not loc.file:
        return finding
    return replace(finding, location=replace(loc, file=target.shown(loc.file)))


def _skips_in(
    skipped: list[tuple[str, str, str]], target: LintTarget, files: Mapping[str, str]
) -> list[tuple[str, str, str]]:
    """The inline skips of resources declared in the named files."""
    if not target.is_file:
        return skipped
    named = {p: t for p, t in files.items() if p in target.named}
    addresses = {b.address for doc in parse_tree(named).values() for b in doc.blocks}
    return [s for s in skipped if s[1] in addresses]
