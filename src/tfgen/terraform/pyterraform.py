"""python-terraform as tfgen's command-line builder for ``plan``, ``apply`` and ``init``.

python-terraform's methods know terraform's defaults for each command (``-input=false``,
``-no-color``, ``-detailed-exitcode`` for ``plan``, ...) and how options become flags.
tfgen runs every terraform process itself (:func:`tfgen.terraform.run.run_terraform`:
its own environment and CLI config, timeouts, error mapping), so python-terraform is
used only to *build* the argument list: :func:`terraform_args` calls the method of that
name on a :class:`~python_terraform.Terraform` whose ``cmd`` returns the command line
instead of running it.

An empty ``variables`` map would become a temporary ``-var-file``, which terraform
rejects together with a saved plan, so ``var=None`` is always passed.
"""

from __future__ import annotations

from typing import Any

import python_terraform

_METHODS = frozenset({"plan", "apply", "init", "destroy"})
_RUN_OPTIONS = ("capture_output", "raise_on_error", "synchronous")


class _ArgvBuilder(python_terraform.Terraform):  # type: ignore[misc]
    """A Terraform whose ``cmd`` returns the argument list instead of running it."""

    def cmd(self, cmd: str, *args: Any, **kwargs: Any) -> list[str]:
        for option in _RUN_OPTIONS:
            kwargs.pop(option, None)
        argv = self.generate_cmd_string(cmd, *args, **kwargs)
        return [str(a) for a in argv[1:]]


def flagged() -> Any:
    """python-terraform's marker for a value-less flag (``-no-color``)."""
    return python_terraform.IsFlagged


def terraform_args(command: str, /, *args: str, **options: Any) -> list[str]:
    """The arguments of ``terraform <command> [options] [args]`` (without the binary).

    ``plan``, ``apply``, ``init`` and ``destroy`` go through python-terraform's methods
    of that name (which add its default options); anything else, e.g. ``"workspace"``,
    through ``Terraform.cmd``.
    """
    builder = _ArgvBuilder(terraform_bin_path="terraform")
    if command in _METHODS:
        argv: list[str] = getattr(builder, command)(*args, **options)
    else:
        argv = builder.cmd(command, *args, **options)
    return argv
