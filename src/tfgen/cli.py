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
from tfgen.errors import ExitCode, Failed, Location, Problem, TfgenError, user_error
from tfgen.fsinfo import os_error
from tfgen.pipeline import RenderedProject, current_output, load_and_render
from tfgen.render.writer import Scope, check_tree, write_tree
from tfgen.spec.loader import environment_names
from tfgen.terminal import color_enabled

if TYPE_CHECKING:  # the checks import lark and the rules: load them only when used
    from tfgen.check.gate import GateRecord
    from tfgen.check.run import Options, Result

F = TypeVar("F", bound=Callable[..., Any])
FORMATS = ("text", "json", "sarif", "markdown")


def _fail(lines: list[str], code: ExitCode) -> None:
    for line in lines:
        click.echo(line, err=True)
    sys.exit(int(code))


def _warn(rendered: RenderedProject) -> None:
    """The model's warnings (they do not stop the command), one line each on stderr."""
    for problem in rendered.project.warnings:
        click.echo(f"warning: {problem.render()}", err=True)


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
            _fail(exc.lines(), exc.exit_code)
        except (KeyboardInterrupt, click.exceptions.Exit, click.ClickException):
            raise
        except OSError as exc:  # the environment's fault (permissions, full disk), not a bug
            if debug:
                traceback.print_exc()
            _fail(os_error("TFG708", exc).lines(), ExitCode.USAGE)
        except Exception as exc:
            if debug:
                traceback.print_exc()
            message = f"{type(exc).__name__}: {exc}".splitlines()[0]
            hint = "this is a bug in tfgen; rerun with --debug and report it"
            bug = Problem("TFG400", f"internal error: {message}", None, hint)
            _fail([bug.render()], ExitCode.INTERNAL)
        return None

    return wrapper  # type: ignore[return-value]


def _project(ctx: click.Context) -> Path:
    return Path(ctx.find_root().params["project"])


def complete_environments(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Shell completion: the environments of the ``--project`` folder not named yet."""
    project = ctx.find_root().params.get("project") or Path(".")
    given = ctx.params.get(param.name or "") or ()
    named = set(given) if isinstance(given, tuple | list) else set()
    return [
        name
        for name in environment_names(Path(project))
        if name.startswith(incomplete) and name not in named
    ]


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
@click.option(
    "--no-color",
    is_flag=True,
    help="No ANSI colour (also NO_COLOR=1; FORCE_COLOR=1 forces it on a pipe).",
)
@click.pass_context
def main(ctx: click.Context, project: Path, debug: bool, no_color: bool) -> None:
    """Generate and validate the platform's Terraform from its YAML spec.

    Start a platform with `tfgen init`; reference pages: `tfgen docs`.
    """
    ctx.color = color_enabled(sys.stdout, no_color)


@main.command()
@click.argument("envs", nargs=-1, shell_complete=complete_environments)
@click.option("--all", "all_envs", is_flag=True, help="Render every environment.")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Output folder (default: <project>/generated).",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if the output is stale.")
@click.option(
    "--force",
    is_flag=True,
    help="Overwrite hand-edited files, delete Terraform files tfgen did not write, "
    "and render into a folder tfgen did not create (each one is listed).",
)
@click.pass_context
@guarded
def render(
    ctx: click.Context,
    envs: tuple[str, ...],
    all_envs: bool,
    out: Path | None,
    check: bool,
    force: bool,
) -> None:
    """Render Terraform for ENVS (or --all) into generated/."""
    names, everything = _selection(envs, all_envs)
    root = _project(ctx)
    rendered = load_and_render(root, names, everything)
    _warn(rendered)
    files = rendered.files
    target = out if out is not None else rendered.output
    scope = Scope(tuple(rendered.names), everything)
    if check:
        drift = check_tree(files, target, scope, root)
        drift.ensure_current(f"{target} is stale; run `tfgen render --all` and commit:")
        click.echo(f"{target} is up to date ({len(files)} files)")
        return
    written = write_tree(files, target, scope, force=force, project=root)
    for line in written.lines():
        click.echo(line, err=True)
    click.echo(f"rendered {len(files)} files into {target} for {', '.join(scope.environments)}")


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
        """Print the report; fail (exit 3) when a layer could not run, 1 on failing findings."""
        self.show(result)
        if result.tool_errors:
            raise Failed(ExitCode.TOOL)
        if result.report.summary().failed:
            raise Failed(ExitCode.FINDINGS)

    def show(self, result: Result) -> None:
        """Print the report, the skipped checks and the layers that could not run."""
        from tfgen.check import baseline  # noqa: PLC0415
        from tfgen.check.report import render as render_report  # noqa: PLC0415

        if self.write_baseline is not None:
            _write(self.write_baseline, baseline.dump(result.all_findings))
        color = self.fmt == "text" and self.output is None and bool(_context_color())
        text = render_report(result.report, self.fmt, color=color)
        if self.output is not None:
            _write(self.output, text)
        else:
            click.echo(text, nl=not text.endswith("\n"))
        for line in _skip_lines(result.skipped):
            click.echo(line, err=True)
        for problem in result.tool_errors:
            click.echo(problem.render(), err=True)


def _context_color() -> bool | None:
    """The colour decision of :func:`main` (None outside a command line)."""
    ctx = click.get_current_context(silent=True)
    return ctx.color if ctx is not None else None


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
@click.argument("envs", nargs=-1, shell_complete=complete_environments)
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
    rendered = load_and_render(_project(ctx), names, everything)
    from tfgen.check.run import validate_project  # noqa: PLC0415

    report.emit(validate_project(rendered, opts))


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


def deploy_options(fn: F) -> F:
    for option in reversed((
        click.argument("env", shell_complete=complete_environments),
        click.option("--target", "targets", multiple=True,
                     help="Limit to a resource or module address (repeatable)."),
        click.option("--backend-config", "backend_config", multiple=True,
                     help="Extra backend setting, key=value (repeatable)."),
        click.option("--fail-on", type=click.Choice(["error", "warning", "info"]),
                     default="error", show_default=True,
                     help="Refuse to plan when a finding has at least this severity."),
        click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path),
                     help="Accept the findings listed in this baseline file."),
        click.option("--skip-validation", is_flag=True,
                     help="Bypass the validation gate (needs --reason; recorded with the plan)."),
        click.option("--reason", help="Why the validation gate is bypassed."),
    )):  # fmt: skip
        fn = option(fn)
    return fn


@dataclass(frozen=True)
class GateArgs:
    fail_on: str
    baseline: Path | None
    skip_validation: bool
    reason: str | None

    def run(self, rendered: RenderedProject) -> GateRecord:
        """Validate the environment as ``tfgen validate ENV`` does (before terraform runs),
        print the findings, and refuse (exit 1, or 3 when a layer could not run) unless
        the gate is bypassed with a reason."""
        from tfgen.check import gate  # noqa: PLC0415

        reason = gate.bypass_reason(self.skip_validation, self.reason)
        report = ReportArgs(None, None, "text", None, self.fail_on, self.baseline, None)
        verdict = gate.run_gate(rendered, report.options(), reason)
        if verdict.result is not None:
            report.show(verdict.result)
        record = verdict.enforce()
        click.echo(record.banner(), err=True)
        return record


def gate_args(fn: F) -> F:
    """Collect the gate options into one ``gate: GateArgs``."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        names = ("fail_on", "baseline", "skip_validation", "reason")
        return fn(*args, gate=GateArgs(**{n: kwargs.pop(n) for n in names}), **kwargs)

    return wrapper  # type: ignore[return-value]


@main.command(name="plan")
@deploy_options
@click.pass_context
@guarded
@gate_args
def plan_cmd(
    ctx: click.Context,
    env: str,
    targets: tuple[str, ...],
    backend_config: tuple[str, ...],
    gate: GateArgs,
) -> None:
    """Validate ENV (every layer, cached), then plan it in its workspace with its tfvars and
    backend (terraform plan); the gate's verdict is saved beside the plan."""
    from tfgen.check.gate import write_record  # noqa: PLC0415
    from tfgen.terraform.workspace import plan_environment  # noqa: PLC0415

    rendered = current_output(_project(ctx), env)
    record = gate.run(rendered)
    out = rendered.output
    result = plan_environment(out, env, targets, backend_config)
    saved = write_record(record, result.plan_file)
    click.echo(result.stdout, nl=False)
    click.echo(
        f"plan saved to {result.plan_file} (gate record {saved.name}); "
        f"changes: {'yes' if result.has_changes else 'no'}"
    )


@main.command(name="apply")
@deploy_options
@click.option("--yes", is_flag=True, help="Apply without asking (CI).")
@click.pass_context
@guarded
@gate_args
def apply_cmd(
    ctx: click.Context,
    env: str,
    targets: tuple[str, ...],
    backend_config: tuple[str, ...],
    yes: bool,
    gate: GateArgs,
) -> None:
    """Validate ENV (every layer, cached), plan it, show the plan, and apply exactly that
    plan; only a plan that passed the gate, or bypassed it with a reason, is applied."""
    from tfgen.check.gate import read_record, write_record  # noqa: PLC0415
    from tfgen.terraform.workspace import apply_plan, plan_environment  # noqa: PLC0415

    rendered = current_output(_project(ctx), env)
    record = gate.run(rendered)
    out = rendered.output
    result = plan_environment(out, env, targets, backend_config)
    write_record(record, result.plan_file)
    click.echo(result.stdout, nl=False)
    click.echo(read_record(result.plan_file).banner(), err=True)  # what is about to be applied
    if not result.has_changes:
        click.echo(f"{env}: no changes")
        return
    if not yes:
        if not sys.stdin.isatty():
            raise click.UsageError("not a terminal: pass --yes to apply the plan above")
        click.confirm(f"Apply this plan to {env}?", abort=True)
    click.echo(apply_plan(out, result), nl=False)


@main.command()
@click.argument("tool", type=click.Choice(["checkov"]))
@guarded
def setup(tool: str) -> None:
    """Install TOOL into tfgen's cache now (else it is installed on first use).

    checkov: a virtualenv with the pinned checkov in <cache>/checkov-<version>/; prints
    the path of the checkov executable.  TFGEN_CHECKOV, when set, is used instead of it.
    """
    from tfgen.check.checkov_env import checkov_venv, ensure  # noqa: PLC0415

    click.echo(ensure(checkov_venv()))


@main.command()
def schema() -> None:
    """Print the JSON Schema of the spec files (for editor completion)."""
    from tfgen.spec.reference import json_schema  # noqa: PLC0415

    click.echo(json.dumps(json_schema(), indent=2, sort_keys=True))


def _complete_topics(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    from tfgen.docs import TOPIC_NAMES  # noqa: PLC0415

    return [name for name in TOPIC_NAMES if name.startswith(incomplete)]


@main.command(name="docs")
@click.argument("topic", required=False, shell_complete=_complete_topics)
@guarded
def docs_cmd(topic: str | None) -> None:
    """Print a reference page (spec, errors, secrets, env, ...); without TOPIC, list them."""
    from tfgen import docs  # noqa: PLC0415

    if topic is None:
        click.echo(docs.index(), nl=False)
        return
    if topic not in docs.TOPIC_NAMES:
        raise click.BadParameter(
            f"unknown topic {topic!r}; choose from {', '.join(docs.TOPIC_NAMES)}",
            param_hint="TOPIC",
        )
    click.echo(docs.page(topic), nl=False)


@main.command(name="init")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", help="Platform name (2-12 lowercase letters/digits; default: folder).")
@click.option("--force", is_flag=True, help="Add the missing files to an existing platform.")
@click.pass_context
@guarded
def init_cmd(ctx: click.Context, directory: Path | None, name: str | None, force: bool) -> None:
    """Start a new platform in DIRECTORY (default: --project, i.e. here) that renders and
    validates at once."""
    from tfgen.scaffold import init_project, next_steps  # noqa: PLC0415

    directory = directory if directory is not None else _project(ctx)
    result = init_project(directory, name, force)
    for rel in result.written:
        click.echo(f"created {rel}")
    for rel in result.kept:
        click.echo(f"kept    {rel} (exists)")
    click.echo(f"platform {result.name!r} in {directory.as_posix()}")
    for line in next_steps(result, directory.as_posix()):
        click.echo(line)
