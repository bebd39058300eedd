"""Plan and apply one environment: its workspace, backend and var-file, in the output folder.

``terraform init -backend-config=environments/<env>.s3.tfbackend``, then
``terraform workspace select <env>`` (created when missing), then
``terraform plan -var-file=environments/<env>.tfvars -out=...`` and, for apply, the
saved plan.  The root module refuses a workspace/var-file mismatch on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tfgen.terraform.runner import PlanResult, apply, init, plan, select_or_create_workspace

PLAN_DIR = ".tfgen"


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
