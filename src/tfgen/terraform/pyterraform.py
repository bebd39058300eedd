"""A typed, Python-3.11-safe door to python-terraform 0.10.1.

python-terraform predates Python 3.11 and two of its habits need a small shim:

* it always runs terraform with a copy of ``os.environ`` (there is no ``env``
  argument), so tfgen's CLI config would be ignored; :func:`tf_cmd` runs each
  call with ``os.environ`` temporarily replaced by tfgen's environment (under a
  lock, restored afterwards);
* it logs failures with the deprecated ``Logger.warn``; its logger gets an
  instance-level ``warn`` alias to ``warning`` so no DeprecationWarning is
  raised (and nothing breaks where ``warn`` is gone).

It also turns an empty ``variables`` map into a temporary ``-var-file``, which
terraform rejects together with a saved plan, so ``var=None`` is always passed.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import python_terraform

_ENVIRON_LOCK = threading.Lock()
_METHODS = frozenset({"plan", "apply", "init", "destroy"})


@contextmanager
def _environ(env: Mapping[str, str]) -> Iterator[None]:
    with _ENVIRON_LOCK:
        saved = dict(os.environ)
        os.environ.clear()
        os.environ.update(env)
        try:
            yield
        finally:
            os.environ.clear()
            os.environ.update(saved)


# Logger.warn is deprecated (and slated for removal); python-terraform calls it
# on every non-zero exit, which includes ``plan -detailed-exitcode`` with changes.
python_terraform.log.warn = python_terraform.log.warning


def flagged() -> Any:
    """python-terraform's marker for a value-less flag (``-no-color``)."""
    return python_terraform.IsFlagged


def tf_cmd(
    binary: str,
    working_dir: Path,
    env: Mapping[str, str],
    command: str,
    /,
    *args: str,
    **options: Any,
) -> tuple[int, str, str]:
    """Run ``terraform <command> [options] [args]`` in ``working_dir`` through python-terraform.

    ``plan``, ``apply``, ``init`` and ``destroy`` go through python-terraform's
    methods of that name (which add its default options); anything else, e.g.
    ``"workspace"``, through ``Terraform.cmd``.
    Returns ``(exit code, stdout, stderr)``.
    """
    tf = python_terraform.Terraform(working_dir=str(working_dir), terraform_bin_path=binary)
    options.setdefault("capture_output", True)
    with _environ(env):
        if command in _METHODS:
            code, out, err = getattr(tf, command)(*args, **options)
        else:
            code, out, err = tf.cmd(command, *args, **options)
    return int(code), str(out or ""), str(err or "")
