"""``terraform validate`` on a module tree, in a scratch working copy, cached by content.

``validate`` never touches the directory it checks: it copies the tree into a scratch
working copy under the cache folder, runs ``init -backend=false`` there (providers are
symlinked from the mirror / plugin cache) and ``validate -json``, probes the
workspaces' var-files (:mod:`tfgen.terraform.varfile`), and caches the diagnostics
(:mod:`tfgen.cache`, kind ``validate``) keyed by a hash of the tree, the terraform
version and the CLI config; validating the same tree again is a file read.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path

from tfgen import cache
from tfgen.errors import ToolError
from tfgen.terraform.diagnostics import TerraformDiagnostic, parse_diagnostic
from tfgen.terraform.init import init_hint, run_init
from tfgen.terraform.locate import mirror_provider_versions
from tfgen.terraform.run import (
    TerraformContext,
    check_relative,
    context_or_default,
    failure,
    run_terraform,
)
from tfgen.terraform.varfile import check_var_files, light_probe_dir, use_local_backend

_CACHE_FORMAT = "tfgen-validate-v3"
_CACHE_KIND = "validate"
_CACHE_KEEP = 256
_SKIP_DIRS = frozenset({".terraform", ".git", "terraform.tfstate.d"})
_SKIP_FILES = frozenset({".terraform.lock.hcl", ".terraform.tfstate.lock.info"})
_MISSING_INIT_SUMMARIES = frozenset(
    {"Missing required provider", "Module not installed", "Missing required providers"}
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
    tree = {str(check_relative(name)): text.encode("utf-8") for name, text in files.items()}
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
    context = context_or_default(ctx)
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
        diagnostics = _init_and_validate(work, context, var_files)
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


def _write_tree(root: Path, tree: Mapping[str, bytes]) -> None:
    for name, data in tree.items():
        dest = root / check_relative(name)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)


def context_salt(ctx: TerraformContext) -> list[str]:
    """Everything besides the files that can change terraform's answer: its kind, version
    and path, the mirror's provider versions and tfgen's CLI config."""
    mirror_versions = mirror_provider_versions(ctx.mirror) if ctx.mirror else []
    config = ctx.cli_config.read_text(encoding="utf-8") if ctx.cli_config.is_file() else ""
    return [ctx.binary.kind, ctx.binary.version, ctx.binary.path, *mirror_versions, config]


def tree_key(
    tree: Mapping[str, bytes], ctx: TerraformContext, var_files: Sequence[str] = ()
) -> str:
    """Content hash of a tree plus everything else that can change validate's answer."""
    return cache.key(_CACHE_FORMAT, *context_salt(ctx), "var-files:", *var_files, files=tree)


def _init_and_validate(
    work: Path, ctx: TerraformContext, var_files: Sequence[str]
) -> list[TerraformDiagnostic]:
    """One ``init`` (with the local backend when var-files are probed), then ``validate``
    and the var-file probes side by side; the probes count only when validate finds no
    error."""
    light = light_probe_dir(work, var_files) if var_files else None
    if light is not None:  # the probes need no init: they run while init and validate do
        with ThreadPoolExecutor(1, thread_name_prefix="tfgen-varfile") as pool:
            probes = pool.submit(check_var_files, light, ctx, var_files)
            diagnostics = _init_then_validate(work, ctx, "-backend=false")
            return _with_probes(diagnostics, probes)
    if var_files:
        use_local_backend(work)
    backend = "-reconfigure" if var_files else "-backend=false"
    diagnostics = _init_then_validate(work, ctx, backend)
    if not var_files or any(d.is_error for d in diagnostics):
        return diagnostics
    return diagnostics + check_var_files(work, ctx, var_files)


def _init_then_validate(
    work: Path, ctx: TerraformContext, backend: str
) -> list[TerraformDiagnostic]:
    proc = run_init(["-input=false", "-no-color", backend], work, ctx)
    if proc.returncode != 0:
        return _init_failed(work, ctx, proc)
    return _validate_json(work, ctx)


def _with_probes(
    diagnostics: list[TerraformDiagnostic], probes: Future[list[TerraformDiagnostic]]
) -> list[TerraformDiagnostic]:
    """The probes count only when validate finds no error."""
    if any(d.is_error for d in diagnostics):
        return diagnostics
    return diagnostics + probes.result()


def _init_failed(
    work: Path, ctx: TerraformContext, proc: subprocess.CompletedProcess[str]
) -> list[TerraformDiagnostic]:
    # init also fails on configuration errors; validate reports those with positions.
    diagnostics = _validate_json(work, ctx)
    config_errors = [
        d
        for d in diagnostics
        if d.is_error and d.filename is not None and d.summary not in _MISSING_INIT_SUMMARIES
    ]
    if config_errors:
        return diagnostics
    raise failure("TFG504", "terraform init", proc, init_hint(ctx))


def _validate_json(work: Path, ctx: TerraformContext) -> list[TerraformDiagnostic]:
    proc = run_terraform(["validate", "-json", "-no-color"], work, ctx)
    try:
        data = json.loads(proc.stdout)
        raw = data["diagnostics"]
    except (ValueError, KeyError, TypeError) as exc:
        raise failure("TFG505", "terraform validate", proc) from exc
    parsed = [parse_diagnostic(item) for item in raw if isinstance(item, dict)]
    return sorted(parsed, key=TerraformDiagnostic.sort_key)


def _load_cached(folder: Path, key: str) -> list[TerraformDiagnostic] | None:
    data = cache.load_json(folder / _CACHE_KIND, key)
    try:
        return [TerraformDiagnostic(**item) for item in data["diagnostics"]]
    except (KeyError, TypeError):
        return None


def _store_cached(folder: Path, key: str, diagnostics: list[TerraformDiagnostic]) -> None:
    payload = {"diagnostics": [asdict(d) for d in diagnostics]}
    cache.store_json(folder / _CACHE_KIND, key, payload, keep=_CACHE_KEEP)
