"""The var-file probe: load a workspace's tfvars the way ``plan`` would, offline.

``terraform validate`` does not read var-files; ``terraform console -var-file=...``
does, and evaluating every variable the file sets checks the values against the
variables' types and ``validation`` blocks.  It runs in validate's scratch copy, with
any backend switched to ``local`` so that nothing remote is touched.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from tfgen.terraform.diagnostics import TerraformDiagnostic
from tfgen.terraform.init import init_hint, run_init
from tfgen.terraform.run import (
    ANSI,
    TerraformContext,
    check_relative,
    failure,
    first_error_line,
    run_terraform,
)

# An override file switches any backend to "local" in the scratch copy, so that
# ``terraform console`` can load the configuration and its variables offline.
_LOCAL_BACKEND = "_tfgen_local_backend_override.tf"
_LOCAL_BACKEND_TEXT = 'terraform {\n  backend "local" {}\n}\n'
_TOP_LEVEL_ASSIGNMENT = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_-]*)\s*=", re.MULTILINE)
_ERROR_HEAD = re.compile(r"^Error: (?P<summary>.+)$")
_ERROR_LINE = re.compile(r"^[\s│╷╵]*Error: ", re.MULTILINE)
_ON_LINE = re.compile(r"^\s*on (?P<file>\S+) line (?P<line>\d+)")


def console_probe(var_file_text: str) -> str:
    """An expression that reads every variable a var-file sets (variables load lazily)."""
    names = sorted(set(_TOP_LEVEL_ASSIGNMENT.findall(var_file_text)))
    return "[" + ", ".join(f"var.{name}" for name in names) + "]\n"


def check_var_files(
    work: Path, ctx: TerraformContext, var_files: Sequence[str]
) -> list[TerraformDiagnostic]:
    """Diagnostics of loading each var-file in the initialised scratch copy ``work``."""
    (work / _LOCAL_BACKEND).write_text(_LOCAL_BACKEND_TEXT, encoding="utf-8")
    proc = run_init(["-input=false", "-no-color", "-reconfigure"], work, ctx)
    if proc.returncode != 0:
        raise failure("TFG504", "terraform init (local backend)", proc, init_hint(ctx))
    found: list[TerraformDiagnostic] = []
    for var_file in var_files:
        args = ["console", "-no-color", f"-var-file={check_relative(var_file)}"]
        probe = console_probe((work / var_file).read_text(encoding="utf-8"))
        proc = run_terraform(args, work, ctx, stdin=probe)
        # console exits 0 after printing some errors (e.g. a failed variable validation)
        if proc.returncode != 0 or _ERROR_LINE.search(ANSI.sub("", proc.stderr)):
            found.extend(parse_console_errors(proc.stderr + proc.stdout, var_file))
    return sorted(found, key=TerraformDiagnostic.sort_key)


def parse_console_errors(text: str, var_file: str) -> list[TerraformDiagnostic]:
    """Diagnostics from the human-readable errors ``terraform console`` prints."""
    lines = [ANSI.sub("", raw).rstrip() for raw in text.splitlines()]
    blocks: list[list[str]] = []
    for line in lines:
        clean = line.strip(" │╷╵")
        if _ERROR_HEAD.match(clean):
            blocks.append([clean])
        elif blocks:
            blocks[-1].append(clean)
    found = [_console_diagnostic(block, var_file) for block in blocks]
    if not found:
        found = [TerraformDiagnostic(var_file, 0, 0, "error", first_error_line(text))]
    return found


def _console_diagnostic(block: list[str], var_file: str) -> TerraformDiagnostic:
    head = _ERROR_HEAD.match(block[0])
    summary = head.group("summary") if head else block[0]
    filename, line = var_file, 0
    for text in block[1:]:
        where = _ON_LINE.match(text)
        if where:
            filename, line = where.group("file").rstrip(":,"), int(where.group("line"))
            break
    detail_lines = [
        t
        for t in block[1:]
        if t
        and not _ON_LINE.match(t)
        and not t[:1].isdigit()
        and not t.startswith(("├", "│", "var."))
    ]
    detail = " ".join(t for t in detail_lines if not t.startswith("This was checked"))
    detail = detail.split(" Warning: ", 1)[0].replace("(source code not available) ", "")
    if filename.startswith("<"):  # the probe expression: blame the var-file itself
        filename, line = var_file, 0
    return TerraformDiagnostic(filename, line, 1 if line else 0, "error", summary, detail.strip())
