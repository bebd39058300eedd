"""tfgen's command line: argument parsing, calls into the stages, output, exit codes."""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from tfgen import __version__
from tfgen.check import TREE_LAYERS
from tfgen.check.findings import Severity
from tfgen.errors import ExitCode, Location, Problem, TfgenError, user_error
from tfgen.pipeline import load_project, render_project
from tfgen.render.writer import Scope, Staleness, compare, write_tree
from tfgen.spec.model import Platform

if TYPE_CHECKING:  # the checks import lark and the rules: load them only when used
    from tfgen.check.run import Options, Result

F = TypeVar("F", bound=Callable[..., Any])
FORMATS = ("text", "json", "sarif", "markdown")


def _fail(problems: list[Problem], code: ExitCode) -> None:
    for problem in problems:
        click.echo(problem.render(), err=True)
    sys.exit(int(code))


def guarded(fn: F) -> F:
    """Turn tfgen errors into one line each plus the exit code; never a traceback."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = bool(click.get_current_context().find_root().params.get("debug"))
        try:
            return fn(*args, **kwargs)
        except TfgenError as exc:
            if debug:
                traceback.print_exc()
            _fail(exc.problems, exc.exit_code)
        except (KeyboardInterrupt, click.exceptions.Exit, click.ClickException):
            raise
        except Exception as exc:
            if debug:
                traceback.print_exc()
            message = f"{type(exc).__name__}: {exc}".splitlines()[0]
            hint = "this is a bug in tfgen; rerun with --debug and report it"
            _fail([Problem("TFG400", f"internal error: {message}", None, hint)], ExitCode.INTERNAL)
        return None

    return wrapper  # type: ignore[return-value]


def _project(ctx: click.Context) -> Path:
    return Path(ctx.find_root().params["project"])


def _selection(envs: tuple[str, ...], all_envs: bool) -> tuple[list[str], bool]:
    if not envs and not all_envs:
        raise click.UsageError("name one or more environments, or pass --all")
    return list(envs), all_envs


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tfgen")
@click.option(
    "--project",
    "-C",
    default=".",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Project root holding specs/ and environments/.",
)
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
def main(project: Path, debug: bool) -> None:
    """Generate and validate the platform's Terraform from its YAML spec."""


@main.command()
@click.argument("envs", nargs=-1)
@click.option("--all", "all_envs", is_flag=True, help="Render every environment.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder (default: <project>/generated).",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if the output is stale.")
@click.pass_context
@guarded
def render(
    ctx: click.Context, envs: tuple[str, ...], all_envs: bool, out: Path | None, check: bool
) -> None:
    """Render Terraform for ENVS (or --all) into generated/."""
    names, everything = _selection(envs, all_envs)
    root = _project(ctx)
    project = load_project(root, names, everything)
    files = render_project(project)
    target = out if out is not None else root / "generated"
    scope = Scope(tuple(e.environment.name for e in project.environments), everything)
    if check:
        _fail_if_stale(compare(files, target, scope), f"{target} is stale; run "
                       "`tfgen render --all` and commit:")  # fmt: skip
        click.echo(f"{target} is up to date ({len(files)} files)")
        return
    write_tree(files, target, scope)
    click.echo(f"rendered {len(files)} files into {target} for {', '.join(scope.environments)}")


def _fail_if_stale(staleness: Staleness, headline: str) -> None:
    """List the stale files and exit 1 (nothing is written)."""
    if staleness.stale:
        click.echo(headline, err=True)
        for line in staleness.lines():
            click.echo(f"  {line}", err=True)
        sys.exit(int(ExitCode.FINDINGS))


def _layers(only: str | None, skip: str | None, allowed: tuple[str, ...]) -> list[str]:
    def parse(text: str | None, option: str) -> list[str]:
        names = [n.strip() for n in (text or "").split(",") if n.strip()]
        unknown = [n for n in names if n not in allowed]
        if unknown:
            raise click.BadParameter(
                f"unknown layer {unknown[0]!r}; choose from {', '.join(allowed)}",
                param_hint=option,
            )
        return names

    chosen = parse(only, "--only") or list(allowed)
    skipped = parse(skip, "--skip")
    return [layer for layer in allowed if layer in chosen and layer not in skipped]


@dataclass(frozen=True)
class ReportArgs:
    """The options every command that reports findings shares."""

    only: str | None
    skip: str | None
    fmt: str
    output: Path | None
    fail_on: str
    baseline: Path | None
    write_baseline: Path | None

    def options(self, environments: list[str] | None = None) -> Options:
        from tfgen.check.run import Options  # noqa: PLC0415

        layers = _layers(self.only, self.skip, TREE_LAYERS)
        skipped = [x for x in TREE_LAYERS if x not in layers]
        return Options(
            layers, skipped, Severity.parse(self.fail_on), self.baseline, environments or []
        )

    def emit(self, result: Result) -> None:
        from tfgen.check import baseline  # noqa: PLC0415
        from tfgen.check.report import render as render_report  # noqa: PLC0415

        if self.write_baseline is not None:
            _write(self.write_baseline, baseline.dump(result.all_findings))
        color = self.fmt == "text" and self.output is None and sys.stdout.isatty()
        text = render_report(result.report, self.fmt, color=color)
        if self.output is not None:
            _write(self.output, text)
        else:
            click.echo(text, nl=not text.endswith("\n"))
        for line in _skip_lines(result.skipped):
            click.echo(line, err=True)
        if result.report.summary().failed:
            sys.exit(int(ExitCode.FINDINGS))


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise user_error(
            "TFG606", f"cannot write {path.as_posix()}: {exc.strerror}", Location(path.as_posix()),
            "choose a path in an existing, writable folder",
        ) from None  # fmt: skip


def _skip_lines(skipped: list[tuple[str, str, str]]) -> list[str]:
    """One line per skipped check: where it would have fired, and the spec's justification."""
    by_code: dict[tuple[str, str], list[str]] = {}
    for code, address, reason in skipped:
        by_code.setdefault((code, reason), []).append(address or "(module)")
    return [
        f"skipped {code} on {', '.join(sorted(set(addresses)))}: {reason}"
        for (code, reason), addresses in sorted(by_code.items())
    ]


_REPORT_OPTIONS = (
    click.option("--only", help="Comma-separated layers to run (default: all)."),
    click.option("--skip", help="Comma-separated layers not to run."),
    click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="text",
        show_default=True,
        help="Report format.",
    ),
    click.option(
        "--output",
        "-o",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write the report to a file instead of stdout.",
    ),
    click.option(
        "--fail-on",
        type=click.Choice(["error", "warning", "info"]),
        default="error",
        show_default=True,
        help="Exit 1 when a finding has at least this severity.",
    ),
    click.option(
        "--baseline",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Accept the findings listed in this baseline file.",
    ),
    click.option(
        "--write-baseline",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write every current finding to a baseline file.",
    ),
)
_REPORT_FIELDS = ("only", "skip", "fmt", "output", "fail_on", "baseline", "write_baseline")


def report_options(fn: F) -> F:
    """Add the report options; the command receives them as one ``report: ReportArgs``."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        report = ReportArgs(**{name: kwargs.pop(name) for name in _REPORT_FIELDS})
        return fn(*args, report=report, **kwargs)

    for option in reversed(_REPORT_OPTIONS):
        wrapper = option(wrapper)
    return wrapper  # type: ignore[return-value]


@main.command(name="validate")
@click.argument("envs", nargs=-1)
@click.option("--all", "all_envs", is_flag=True, help="Validate every environment.")
@report_options
@click.pass_context
@guarded
def validate_cmd(
    ctx: click.Context, envs: tuple[str, ...], all_envs: bool, report: ReportArgs
) -> None:
    """Check the spec, render in memory, and run the validation layers on the result.

    Layers: spec (YAML and model rules; always runs, errors exit 2), consistency, schema,
    rules, terraform (init + validate + each workspace's tfvars) and checkov.
    """
    names, everything = _selection(envs, all_envs)
    opts = report.options()
    root = _project(ctx)
    project = load_project(root, names, everything)
    files = render_project(project)
    opts.environments = [e.environment.name for e in project.environments]
    from tfgen.check.run import validate_rendered  # noqa: PLC0415

    result = validate_rendered(
        files, project.platform, project.source, project.environments, root / "generated", opts
    )
    report.emit(result)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@report_options
@guarded
def lint(paths: tuple[Path, ...], report: ReportArgs) -> None:
    """Check any Terraform (folders or files) with the tree layers.

    A folder is checked with every Terraform file below it; a file alone is checked, with
    the other files of its folder read only as context (references, variables).  Findings
    point at file:line in that HCL, under the paths as typed; a file that does not parse
    is a finding (HCL001) and the other files are still checked.
    """
    from tfgen.check.lint import LineProgress, no_progress  # noqa: PLC0415
    from tfgen.check.run import lint_paths  # noqa: PLC0415

    progress = LineProgress(sys.stderr) if sys.stderr.isatty() else None
    try:
        result = lint_paths(list(paths), report.options(), progress or no_progress)
    finally:
        if progress is not None:
            progress.clear()
    for note in result.notes:
        click.echo(f"tfgen lint: {note}", err=True)
    report.emit(result)


def _up_to_date(root: Path, env: str) -> Path:
    """The output folder, after checking it matches the specs for ``env``."""
    project = load_project(root, [env], all_envs=False)
    files = render_project(project)
    out = root / "generated"
    staleness = compare(files, out, Scope((env,), all_envs=False))
    _fail_if_stale(staleness, f"{out} is stale for {env}; run `tfgen render {env}` first:")
    return out


def deploy_options(fn: F) -> F:
    for option in reversed((
        click.argument("env"),
        click.option("--target", "targets", multiple=True,
                     help="Limit to a resource or module address (repeatable)."),
        click.option("--backend-config", "backend_config", multiple=True,
                     help="Extra backend setting, key=value (repeatable)."),
    )):  # fmt: skip
        fn = option(fn)
    return fn


@main.command(name="plan")
@deploy_options
@click.pass_context
@guarded
def plan_cmd(
    ctx: click.Context, env: str, targets: tuple[str, ...], backend_config: tuple[str, ...]
) -> None:
    """Plan ENV in its workspace with its tfvars and backend (terraform plan)."""
    from tfgen.terraform.workspace import plan_environment  # noqa: PLC0415

    out = _up_to_date(_project(ctx), env)
    result = plan_environment(out, env, targets, backend_config)
    click.echo(result.stdout, nl=False)
    click.echo(
        f"plan saved to {result.plan_file}; changes: {'yes' if result.has_changes else 'no'}"
    )


@main.command(name="apply")
@deploy_options
@click.option("--yes", is_flag=True, help="Apply without asking (CI).")
@click.pass_context
@guarded
def apply_cmd(
    ctx: click.Context,
    env: str,
    targets: tuple[str, ...],
    backend_config: tuple[str, ...],
    yes: bool,
) -> None:
    """Plan ENV, show the plan, and apply exactly that plan."""
    from tfgen.terraform.workspace import apply_plan, plan_environment  # noqa: PLC0415

    out = _up_to_date(_project(ctx), env)
    result = plan_environment(out, env, targets, backend_config)
    click.echo(result.stdout, nl=False)
    if not result.has_changes:
        click.echo(f"{env}: no changes")
        return
    if not yes:
        if not sys.stdin.isatty():
            raise click.UsageError("not a terminal: pass --yes to apply the plan above")
        click.confirm(f"Apply this plan to {env}?", abort=True)
    click.echo(apply_plan(out, result), nl=False)


@main.command()
def schema() -> None:
    """Print the JSON Schema of the spec files (for editor completion)."""
    click.echo(json.dumps(Platform.model_json_schema(), indent=2, sort_keys=True))
