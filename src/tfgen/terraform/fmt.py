"""``terraform fmt`` on an in-memory tree."""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

from tfgen.errors import InternalError, Location
from tfgen.terraform.run import (
    ANSI,
    TerraformContext,
    check_relative,
    first_error_line,
    run_terraform,
)

FMT_SUFFIXES = (".tf", ".tfvars")
_ON_FILE_LINE = re.compile(r"on (?P<file>.+?) line (?P<line>\d+)")


def fmt_files(files: Mapping[str, str], ctx: TerraformContext | None = None) -> dict[str, str]:
    """Format an in-memory tree with ``terraform fmt`` (one process for the whole tree).

    Keys are relative POSIX paths. ``*.tf`` and ``*.tfvars`` come back in canonical
    style; every other file passes through unchanged. A file terraform cannot
    parse raises :class:`InternalError` (TFG510) naming it: rendered code that
    does not parse is a tfgen bug.
    """
    targets = {name: text for name, text in files.items() if name.endswith(FMT_SUFFIXES)}
    if not targets:
        return dict(files)
    with tempfile.TemporaryDirectory(prefix="tfgen-fmt-") as tmp:
        root = Path(tmp)
        for name, text in targets.items():
            dest = root / check_relative(name)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(text, encoding="utf-8", newline="")
        proc = run_terraform(["fmt", "-recursive", "-list=false", "-no-color", "."], root, ctx)
        if proc.returncode != 0:
            raise _fmt_error(proc, set(targets))
        formatted = {name: _read_exact(root / name) for name in targets}
    return {name: formatted.get(name, text) for name, text in files.items()}


def _read_exact(path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.read()


def _fmt_error(proc: subprocess.CompletedProcess[str], names: set[str]) -> InternalError:
    text = ANSI.sub("", proc.stderr)
    match = _ON_FILE_LINE.search(text)
    location = None
    if match:
        name = match["file"].removeprefix("./")
        location = Location(name, int(match["line"]))
    elif len(names) == 1:
        location = Location(next(iter(names)))
    where = location.file if location else "the rendered tree"
    return InternalError(
        "TFG510", f"terraform fmt cannot parse {where}: {first_error_line(text)}", location
    )
