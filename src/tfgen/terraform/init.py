"""``terraform init``: in place (plan/apply), or in validate's scratch working copies.

Providers come from the offline mirror / the shared plugin cache configured in tfgen's
CLI config (:mod:`tfgen.terraform.cli_config`), so an init links them instead of
downloading or copying them.  Every init is logged (logger ``tfgen.terraform``) and
counted in :data:`INIT_COUNT`, so that tests and benchmarks can see how many ran.
"""

from __future__ import annotations

import itertools
import logging
import subprocess
import threading
from collections.abc import Sequence
from pathlib import Path

from tfgen.terraform.run import TerraformContext, context_or_default, failure, run_terraform

LOG = logging.getLogger("tfgen.terraform")
_COUNTER = itertools.count(1)
INIT_COUNT = [0]  # terraform init processes run by this process (tests, benchmarks)
# Terraform's plugin cache is not safe for concurrent installs: one init at a time (the
# validate and console runs that follow are concurrent).
_INIT_LOCK = threading.Lock()


def run_init(
    args: Sequence[str], directory: Path, ctx: TerraformContext | None
) -> subprocess.CompletedProcess[str]:
    """Run ``terraform init ARGS`` in ``directory`` (logged and counted; one at a time)."""
    with _INIT_LOCK:
        INIT_COUNT[0] = next(_COUNTER)
        LOG.debug("terraform init #%d in %s: %s", INIT_COUNT[0], directory, " ".join(args))
        return run_terraform(["init", *args], directory, ctx)


def init(
    directory: Path,
    backend: bool = False,
    ctx: TerraformContext | None = None,
    backend_config: Sequence[str] = (),
) -> None:
    """``terraform init`` in ``directory`` (in place), offline-capable through the mirror.

    ``backend_config`` entries are passed as ``-backend-config=...`` (files or key=value).
    Raises :class:`ToolError` (TFG504) with terraform's first error line on failure.
    """
    args = ["-input=false", "-no-color", "-reconfigure" if backend else "-backend=false"]
    args += [f"-backend-config={item}" for item in backend_config]
    proc = run_init(args, directory, ctx)
    if proc.returncode != 0:
        context = context_or_default(ctx)
        raise failure("TFG504", f"terraform init in {directory}", proc, init_hint(context))


def init_hint(ctx: TerraformContext) -> str:
    """Where providers come from, for an init that failed."""
    if ctx.mirror is None:
        return (
            "no provider mirror was found and the registry may be unreachable; "
            "set TFGEN_PROVIDER_MIRROR to a Terraform filesystem mirror holding hashicorp/aws"
        )
    return (
        f"tfgen's terraform CLI config is {ctx.cli_config}: providers found in {ctx.mirror} "
        "are installed from there, all others from the registry"
    )
