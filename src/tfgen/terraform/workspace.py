"""Workspaces, plan and apply: one environment in the output folder.

``terraform init -backend-config=environments/<env>.s3.tfbackend``, then
``terraform workspace select <env>`` (created when missing), then
``terraform plan -var-file=environments/<env>.tfvars -out=...`` and, for apply, the
saved plan.  The root module refuses a workspace/var-file mismatch on its own.

The command lines of ``plan`` and ``apply`` are python-terraform's
(:func:`tfgen.terraform.pyterraform.terraform_args`); every process is run by
:func:`tfgen.terraform.run.run_terraform`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tfgen.errors import ToolError
from tfgen.terraform.init import init
from tfgen.terraform.pyterraform import flagged, terraform_args
from tfgen.terraform.run import TerraformContext, first_error_line, run_terraform

PLAN_DIR = ".tfgen"


@dataclass(frozen=True)
class PlanResult:
    """Outcome of ``terraform plan -detailed-exitcode -out=...``."""

    has_changes: bool
    plan_file: Path
    stdout: str
    stderr: str


def _pt(
    ctx: TerraformContext | None, directory: Path, command: str, *args: str, **options: Any
) -> tuple[int, str, str]:
    proc = run_terraform(terraform_args(command, *args, **options), directory, ctx)
    return proc.returncode, proc.stdout, proc.stderr


def current_workspace(directory: Path, ctx: TerraformContext | None = None) -> str:
    """The selected workspace of the working directory."""
    code, out, err = _pt(ctx, directory, "workspace", "show")
    if code != 0:
        raise ToolError("TFG506", f"terraform workspace show failed: {first_error_line(err)}")
    return out.strip()


def select_or_create_workspace(
    directory: Path, name: str, ctx: TerraformContext | None = None
) -> None:
    """Select workspace ``name`` in ``directory``, creating it when it does not exist."""
    if current_workspace(directory, ctx) == name:
        return
    code, _, _ = _pt(ctx, directory, "workspace", "select", name)
    if code == 0:
        return
    code, out, err = _pt(ctx, directory, "workspace", "new", name)
    if code != 0:
        raise ToolError(
            "TFG506",
            f"cannot select or create terraform workspace {name!r}: {first_error_line(err or out)}",
        )


def plan(
    directory: Path,
    var_file: Path,
    out: Path,
    ctx: TerraformContext | None = None,
    targets: Sequence[str] = (),
) -> PlanResult:
    """``terraform plan -var-file=VAR_FILE -out=OUT -detailed-exitcode`` in ``directory``."""
    plan_file = out.resolve()
    code, stdout, stderr = _pt(
        ctx,
        directory,
        "plan",
        var_file=str(var_file.resolve()),
        out=str(plan_file),
        var=None,
        input=False,
        no_color=flagged(),
        detailed_exitcode=flagged(),
        target=list(targets) or None,
    )
    if code not in (0, 2):
        raise ToolError(
            "TFG507", f"terraform plan failed (exit {code}): {first_error_line(stderr)}"
        )
    return PlanResult(has_changes=code == 2, plan_file=plan_file, stdout=stdout, stderr=stderr)


def apply(directory: Path, plan_file: Path, ctx: TerraformContext | None = None) -> str:
    """``terraform apply PLAN_FILE`` in ``directory``; returns terraform's output."""
    code, stdout, stderr = _pt(
        ctx, directory, "apply", str(plan_file.resolve()), var=None, input=False, skip_plan=True
    )
    if code != 0:
        raise ToolError(
            "TFG508", f"terraform apply failed (exit {code}): {first_error_line(stderr)}"
        )
    return stdout


def plan_environment(
    out_dir: Path, env: str, targets: Sequence[str] = (), backend_config: Sequence[str] = ()
) -> PlanResult:
    """Initialise the backend, select the workspace and save a plan for ``env``."""
    init(out_dir, backend=True, backend_config=[f"environments/{env}.s3.tfbackend",
                                                *backend_config])  # fmt: skip
    select_or_create_workspace(out_dir, env)
    plan_file = out_dir / PLAN_DIR / f"{env}.tfplan"
    plan_file.parent.mkdir(parents=True, exist_ok=True)
    return plan(out_dir, out_dir / "environments" / f"{env}.tfvars", plan_file, targets=targets)


def apply_plan(out_dir: Path, result: PlanResult) -> str:
    """Apply a plan saved by :func:`plan_environment` (exactly what was reviewed)."""
    return apply(out_dir, result.plan_file)
