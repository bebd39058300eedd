"""The var-file probe: load a workspace's tfvars the way ``plan`` would, offline.

``terraform validate`` does not read var-files; ``terraform console -var-file=...``
does, and evaluating every variable the file sets checks the values against the
variables' types and ``validation`` blocks.  It runs on the root module's variable
declarations alone (:func:`light_probe_dir`: no provider, so no ``init``, and it runs
while validate's ``init`` does), or, when a validation needs more than its variable, in
validate's scratch copy with any backend switched to ``local`` (:func:`use_local_backend`,
before validate's one ``init``) so that nothing remote is touched.  The probes run
concurrently, each with its own (never written) local state path, so that they do not
wait for each other's state lock.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from tfgen.terraform.diagnostics import TerraformDiagnostic
from tfgen.terraform.run import (
    ANSI,
    TerraformContext,
    check_relative,
    first_error_line,
    run_terraform,
)

if TYPE_CHECKING:
    from tfgen.hcl import Block

# An override file switches any backend to "local" in the scratch copy, so that
# ``terraform console`` can load the configuration and its variables offline.
_LOCAL_BACKEND = "_tfgen_local_backend_override.tf"
_LOCAL_BACKEND_TEXT = 'terraform {\n  backend "local" {}\n}\n'
_TOP_LEVEL_ASSIGNMENT = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_-]*)\s*=", re.MULTILINE)
_ERROR_HEAD = re.compile(r"^Error: (?P<summary>.+)$")
_ERROR_LINE = re.compile(r"^[\s│╷╵]*Error: ", re.MULTILINE)
_ON_LINE = re.compile(r"^\s*on (?P<file>\S+) line (?P<line>\d+)")
_MAX_PROBES = 8


def console_probe(var_file_text: str) -> str:
    """An expression that reads every variable a var-file sets (variables load lazily)."""
    names = sorted(set(_TOP_LEVEL_ASSIGNMENT.findall(var_file_text)))
    return "[" + ", ".join(f"var.{name}" for name in names) + "]\n"


def use_local_backend(work: Path) -> None:
    """Switch the scratch copy's backend to ``local`` (before its ``init -reconfigure``)."""
    (work / _LOCAL_BACKEND).write_text(_LOCAL_BACKEND_TEXT, encoding="utf-8")


def check_var_files(
    work: Path, ctx: TerraformContext, var_files: Sequence[str]
) -> list[TerraformDiagnostic]:
    """Diagnostics of loading each var-file in the scratch copy ``work``, initialised
    with the local backend (:func:`use_local_backend`)."""
    jobs = list(enumerate(var_files))
    with ThreadPoolExecutor(min(len(jobs), _MAX_PROBES) or 1) as pool:
        results = list(pool.map(lambda job: _probe(work, ctx, *job), jobs))
    found = [diag for result in results for diag in result]
    return sorted(found, key=TerraformDiagnostic.sort_key)


def _probe(
    work: Path, ctx: TerraformContext, index: int, var_file: str
) -> list[TerraformDiagnostic]:
    state = f"-state=.tfgen-probe-{index}.tfstate"  # a lock of its own; never written
    args = ["console", "-no-color", state, f"-var-file={check_relative(var_file)}"]
    probe = console_probe((work / var_file).read_text(encoding="utf-8"))
    proc = run_terraform(args, work, ctx, stdin=probe)
    # console exits 0 after printing some errors (e.g. a failed variable validation)
    if proc.returncode != 0 or _ERROR_LINE.search(ANSI.sub("", proc.stderr)):
        return parse_console_errors(proc.stderr + proc.stdout, var_file)
    return []


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


# --------------------------------------------------------------------------- light probe
# The probe only reads variables, so it needs only their declarations: a copy of the
# root module's files with every other top-level block blanked (line numbers kept, so
# the diagnostics point at the same lines) loads without providers, hence without
# ``init`` and without the provider schema (seconds per probe).  A variable whose
# ``validation`` refers to anything but itself (Terraform >= 1.9 allows other objects)
# needs the whole module: then the full probe runs after ``init``.
_PROBE_DIR = ".tfgen-variables"


def variables_only(files: Mapping[str, str]) -> dict[str, str] | None:
    """The root module's ``*.tf`` files reduced to their ``variable`` blocks, or None when
    a variable needs more than itself (or a file is ``*.tf.json`` or does not parse)."""
    from tfgen.hcl import HclSyntaxError, parse_hcl  # noqa: PLC0415 - lark is slow to import

    reduced: dict[str, str] = {}
    for name, text in files.items():
        if name.endswith(".tf.json"):
            return None
        try:
            document = parse_hcl(text, name)
        except HclSyntaxError:
            return None
        keep: set[int] = set()
        for block in document.blocks:
            if block.type != "variable":
                continue
            if not _self_contained(block):
                return None
            keep.update(range(block.line, block.end_line + 1))
        lines = text.split("\n")
        reduced[name] = "\n".join(t if n in keep else "" for n, t in enumerate(lines, 1))
    return reduced


def _self_contained(variable: Block) -> bool:
    """Whether the variable's ``validation`` conditions and messages use only itself."""
    own = f"var.{variable.name}"
    for rule in (b for b in variable.blocks if b.type == "validation"):
        for attr in rule.attributes.values():
            for ref in attr.value.references():
                if ref != own and not ref.startswith((own + ".", own + "[")):
                    return False
    return True


def light_probe_dir(work: Path, var_files: Sequence[str]) -> Path | None:
    """Write the variables-only copy of the root module in ``work`` (with the var-files)
    into a folder terraform's ``validate`` of ``work`` does not read; None when the full
    module is needed."""
    files = {p.name: p.read_text(encoding="utf-8") for p in sorted(work.glob("*.tf*"))}
    reduced = variables_only({n: t for n, t in files.items() if n.endswith((".tf", ".tf.json"))})
    if reduced is None:
        return None
    light = work / _PROBE_DIR
    for name, text in reduced.items():
        (light / name).parent.mkdir(parents=True, exist_ok=True)
        (light / name).write_text(text, encoding="utf-8")
    for var_file in var_files:
        target = light / check_relative(var_file)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(work / check_relative(var_file), target)
    return light
