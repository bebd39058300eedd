"""tfgen's command line: argument parsing, calls into the stages, output, exit codes."""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from tfgen import __version__
from tfgen.errors import ExitCode, Problem, TfgenError
from tfgen.pipeline import LoadedProject, load_project, render_project
from tfgen.render.writer import Scope, compare, write_tree
from tfgen.spec.model import Platform
from tfgen.terraform.runner import validate_files

F = TypeVar("F", bound=Callable[..., Any])


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
    "--project", "-C", default=".", show_default=True,
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
    "--out", type=click.Path(file_okay=False, path_type=Path), default=None,
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
        staleness = compare(files, target, scope)
        if staleness.stale:
            click.echo(f"{target} is stale; run `tfgen render --all` and commit:", err=True)
            for line in staleness.lines():
                click.echo(f"  {line}", err=True)
            sys.exit(int(ExitCode.FINDINGS))
        click.echo(f"{target} is up to date ({len(files)} files)")
        return
    write_tree(files, target, scope)
    click.echo(f"rendered {len(files)} files into {target} for {', '.join(scope.environments)}")


def _summary(project: LoadedProject, files: dict[str, str], diagnostics: list[Any]) -> bool:
    """Print diagnostics, then one line per environment; True when nothing failed."""
    for diag in diagnostics:
        where = f"generated/{diag.filename}:{diag.line}:{diag.column}: " if diag.filename else ""
        detail = f": {diag.detail}" if diag.detail else ""
        click.echo(f"{where}terraform {diag.severity}: {diag.summary}{detail}", err=True)
    shared = [d for d in diagnostics if not (d.filename or "").startswith("environments/")]
    ok = True
    for env in project.environments:
        name = env.environment.name
        own = [d for d in diagnostics if (d.filename or "").startswith(f"environments/{name}.")]
        errors = [d for d in shared + own if d.is_error]
        warnings = [d for d in shared + own if not d.is_error]
        verdict = "valid" if not errors else f"{len(errors)} error(s)"
        ok = ok and not errors
        click.echo(
            f"{name}: spec ok · {len(files)} files rendered and parsed back · "
            f"terraform validate + {name}.tfvars: {verdict}, {len(warnings)} warning(s)"
        )
    return ok


@main.command(name="validate")
@click.argument("envs", nargs=-1)
@click.option("--all", "all_envs", is_flag=True, help="Validate every environment.")
@click.pass_context
@guarded
def validate_cmd(ctx: click.Context, envs: tuple[str, ...], all_envs: bool) -> None:
    """Check the spec, render in memory, and run terraform validate on the result."""
    names, everything = _selection(envs, all_envs)
    project = load_project(_project(ctx), names, everything)
    files = render_project(project)
    var_files = [f"environments/{e.environment.name}.tfvars" for e in project.environments]
    diagnostics = validate_files(files, var_files=var_files)
    if not _summary(project, files, diagnostics):
        sys.exit(int(ExitCode.FINDINGS))


@main.command()
def schema() -> None:
    """Print the JSON Schema of the spec files (for editor completion)."""
    click.echo(json.dumps(Platform.model_json_schema(), indent=2, sort_keys=True))
