"""The checkov layer: run the real checkov on a Terraform directory, as findings.

checkov pins ``bc-python-hcl2``, whose ``hcl2`` module shadows python-hcl2 (which
tfgen itself uses), so checkov lives in its own virtualenv and runs as a subprocess:
``$TFGEN_CHECKOV``, else the pinned virtualenv tfgen provisions in its cache (see
:mod:`tfgen.check.checkov_env`), else a developer's ``.venv-checkov``, else tfgen
provisions the pinned virtualenv on first use.

A file checkov cannot parse (terraform may well accept it) is a TFG524 finding on that
file: checkov's result for it is incomplete, and the rest of the scan is still reported.

A scan is run once per input: the result is cached under a hash of every
``*.tf``, ``*.tfvars`` and ``*.tf.json`` file (path and content), the checkov
version and the command line.  Skips given as ``skip_checks`` are applied to the
(cached) result afterwards, so changing a justification never re-runs checkov, and
every resource a skipped check would have failed is reported with its reason.

Error codes: TFG521 checkov not found or not runnable, TFG522 checkov failed,
TFG523 checkov output unusable, TFG525 the directory to scan does not exist (exit 2);
finding TFG524: checkov could not parse a file.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from tfgen import cache
from tfgen.cache import cache_root
from tfgen.check.checkov_env import (
    CHECKOV_VERSION,
    NO_AUTO_INSTALL_ENV,
    SETUP_COMMAND,
    Progress,
    auto_install_allowed,
    checkov_venv,
    ensure,
    stderr_progress,
)
from tfgen.check.findings import Finding, HclLocation, Severity
from tfgen.errors import ToolError, user_error

CHECKOV_ENV = "TFGEN_CHECKOV"
VENV_NAME = ".venv-checkov"
INSTALL_COMMAND = SETUP_COMMAND
LAYER = "checkov"
DEFAULT_TIMEOUT_S = 1800.0
CACHE_FORMAT = 2
PARSE_ERROR_CODE = "TFG524"

# checkov gives up on a file whose HCL takes longer than this to parse (its default
# is 10 s) and only counts it in `parsing_errors`; generated files can be large.
PARSE_TIMEOUT_S = "120"

_ARGS = (
    "--framework", "terraform",
    "-o", "json",
    "--compact",
    "--skip-download",
    "--download-external-modules", "false",
)  # fmt: skip
_HASHED_SUFFIXES = (".tf", ".tfvars", ".tf.json")
_HASHED_NAMES = frozenset({".checkov.yaml", ".checkov.yml"})
_PRUNED_DIRS = frozenset({"node_modules"})  # plus every hidden dir, as checkov does
# Variables that would change what checkov checks, or make it call its platform.
_DROPPED_PREFIXES = ("CKV_", "BC_", "CHECKOV_", "PRISMA_")
_DROPPED_VARS = frozenset({"DOWNLOAD_EXTERNAL_MODULES", "EXTERNAL_MODULES_DIR", "LOG_LEVEL"})
_QUIET_ENV = {
    "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true",  # no PyPI version check on start-up
    "BC_SKIP_MAPPING": "TRUE",  # no platform mapping download
    "HCL_PARSE_TIMEOUT_SEC": PARSE_TIMEOUT_S,
    "PYTHONWARNINGS": "ignore",
}
_SEVERITIES = {
    "CRITICAL": Severity.ERROR,
    "HIGH": Severity.ERROR,
    "IMPORTANT": Severity.ERROR,
    "MEDIUM": Severity.WARNING,
    "MODERATE": Severity.WARNING,
    "LOW": Severity.WARNING,
    "INFO": Severity.INFO,
    "NONE": Severity.INFO,
}
_INSTALL_HINT = (
    f"run `{SETUP_COMMAND}` (installs checkov {CHECKOV_VERSION} into tfgen's cache), "
    f"or set {CHECKOV_ENV} to the path of a checkov executable"
)
_NO_SKIPS: Mapping[str, str] = MappingProxyType({})


class SkippedCheck(NamedTuple):
    """A check not reported for one resource, and why."""

    check_id: str
    address: str
    justification: str


@dataclass(frozen=True)
class CheckovResult:
    """What one checkov scan found; ``from_cache`` tells whether checkov actually ran."""

    findings: list[Finding]
    passed: int
    skipped: list[SkippedCheck]
    parsing_errors: int = 0
    checkov_version: str = ""
    from_cache: bool = False
    parsing_error_files: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- locating


def find_checkov(
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    *,
    install: bool = False,
    progress: Progress = stderr_progress,
) -> Path:
    """The checkov executable, in this order: ``$TFGEN_CHECKOV`` (a path, or a command on
    PATH), the pinned virtualenv tfgen manages in its cache, ``.venv-checkov`` here or at
    the repo root; else, with ``install`` (and unless ``$TFGEN_NO_AUTO_INSTALL`` is set),
    the managed virtualenv is provisioned now.  A ``checkov`` that is merely on PATH is not
    used: its version would decide the findings.  Raises :class:`ToolError` (TFG521) when
    there is none, TFG526 when provisioning fails."""
    environ = os.environ if env is None else env
    explicit = environ.get(CHECKOV_ENV, "").strip()
    if explicit:
        named = shutil.which(explicit, path=environ.get("PATH")) if os.sep not in explicit else None
        return _usable(Path(named or explicit).expanduser(), f"{CHECKOV_ENV}={explicit}")
    managed = checkov_venv(environ)
    if managed.ready():
        return managed.executable
    here = (cwd or Path.cwd()).resolve()
    for base in _venv_bases(here):
        candidate = base / VENV_NAME / "bin" / "checkov"
        if _is_executable(candidate):
            return candidate
    if install and auto_install_allowed(environ):
        return ensure(managed, progress)
    raise ToolError("TFG521", _not_found(install), _INSTALL_HINT)


def _not_found(install: bool) -> str:
    if install:
        return f"checkov not found, and {NO_AUTO_INSTALL_ENV} forbids installing it"
    return "checkov not found"


def _venv_bases(here: Path) -> Iterator[Path]:
    yield here
    root = next((p for p in (here, *here.parents) if (p / "pyproject.toml").is_file()), None)
    if root is not None and root != here:
        yield root


def _is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def _usable(path: Path, origin: str) -> Path:
    if not _is_executable(path):
        raise ToolError("TFG521", f"checkov from {origin} is not an executable file", _INSTALL_HINT)
    return path


# --------------------------------------------------------------------------- version


def checkov_version(executable: Path, cache_dir: Path | None = None) -> str:
    """checkov's version, from the installed package's metadata when it can be found
    next to the executable (fast), else from ``checkov --version`` (slow: checkov takes
    seconds to start), remembered in ``cache_dir`` per executable path, size and mtime."""
    real = executable.resolve()
    found = _version_from_metadata(real)
    if found:
        return found
    stat = real.stat()
    return cache.tool_version(
        cache_dir or default_cache_dir(),
        real,
        lambda: _version_from_cli(str(real), stat.st_mtime_ns, stat.st_size),
    )


_DIST_INFO = re.compile(r"^checkov-(?P<version>[^-]+)\.dist-info$")


def _version_from_metadata(executable: Path) -> str:
    for site in sorted((executable.parent.parent / "lib").glob("python*/site-packages")):
        for entry in sorted(site.glob("checkov-*.dist-info")):
            match = _DIST_INFO.match(entry.name)
            if match:
                return match.group("version")
    return ""


@functools.lru_cache(maxsize=8)
def _version_from_cli(executable: str, _mtime_ns: int, _size: int) -> str:
    env = {**os.environ, **_QUIET_ENV}
    proc = _run([executable, "--version"], cwd=None, timeout=300.0, env=env)
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        raise ToolError(
            "TFG521", f"{executable} --version failed: {_tail(proc.stderr)}", _INSTALL_HINT
        )
    return lines[-1].strip()


# --------------------------------------------------------------------------- running


def run_checkov(
    directory: Path,
    *,
    skip_checks: Mapping[str, str] = _NO_SKIPS,
    cache_dir: Path | None = None,
    executable: Path | None = None,
    timeout: float = DEFAULT_TIMEOUT_S,
) -> CheckovResult:
    """Scan ``directory`` (Terraform) with checkov, or return the cached scan of the same input.

    ``skip_checks`` maps check ids to the justification reported for each resource they
    would have failed.  A file checkov could not parse is a TFG524 finding on that file.
    Raises :class:`ToolError` when checkov is missing (and cannot be provisioned) or fails.
    """
    root = _scan_root(directory)
    exe = executable if executable is not None else find_checkov(install=True)
    folder = cache_dir if cache_dir is not None else default_cache_dir()
    entry = input_hash(root, checkov_version(exe, folder))
    result = _load_cached(folder, entry)
    if result is None:
        result = _scan(exe, root, timeout)
        _store(folder, entry, result)
    return apply_skips(result, skip_checks)


def run_checkov_files(
    files: Mapping[str, str],
    *,
    cache_dir: Path | None = None,
    executable: Path | None = None,
    timeout: float = DEFAULT_TIMEOUT_S,
) -> CheckovResult:
    """:func:`run_checkov` on an in-memory tree (relative POSIX path → text).

    The cached scan is looked up from the texts themselves: a tree checkov has already
    scanned is not written to disk again.
    """
    exe = executable if executable is not None else find_checkov(install=True)
    folder = cache_dir if cache_dir is not None else default_cache_dir()
    entry = tree_hash(files, checkov_version(exe, folder))
    cached = _load_cached(folder, entry)
    if cached is not None:
        return cached
    with tempfile.TemporaryDirectory(prefix="tfgen-checkov-") as tmp:
        root = Path(tmp).resolve()
        for rel, text in files.items():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        result = _scan(exe, root, timeout)
    _store(folder, entry, result)
    return result


def _scan_root(directory: Path) -> Path:
    root = directory.resolve()
    if not root.is_dir():
        raise user_error("TFG525", f"cannot scan {directory} with checkov: not a directory")
    return root


def _scan(exe: Path, root: Path, timeout: float) -> CheckovResult:
    with tempfile.TemporaryDirectory(prefix="tfgen-checkov-") as home:
        cmd = [str(exe), "-d", str(root), *_ARGS]
        proc = _run(cmd, cwd=Path(home), timeout=timeout, env=checkov_env(home))
    if proc.returncode not in (0, 1):  # 1 means "checks failed"
        raise ToolError(
            "TFG522",
            f"checkov failed (exit {proc.returncode}) on {root}: {_tail(proc.stderr)}",
            "run the same command by hand: " + " ".join(cmd),
        )
    return parse_output(proc.stdout, root)


def checkov_env(home: str) -> dict[str, str]:
    """The environment checkov runs in: quiet and offline, with no user config.

    ``HOME`` (and the working directory) is an empty folder so that no
    ``~/.checkov.yaml`` changes the checks; only the scanned folder's own config counts.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in _DROPPED_VARS and not key.startswith(_DROPPED_PREFIXES)
    }
    env.update(_QUIET_ENV)
    env["HOME"] = home
    return env


def _run(
    cmd: list[str], *, cwd: Path | None, timeout: float, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            cmd,
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as exc:
        raise ToolError("TFG522", f"checkov did not finish within {timeout:.0f} s") from exc
    except OSError as exc:
        raise ToolError("TFG521", f"cannot run {cmd[0]}: {exc}", _INSTALL_HINT) from exc


def _tail(text: str, lines: int = 5) -> str:
    kept = [line for line in text.strip().splitlines() if line.strip()][-lines:]
    return " | ".join(kept) or "no output"


_PARSE_HINT = (
    "checkov's HCL parser rejects some syntax terraform accepts (e.g. a comment between "
    "`for ... :` and the expression after it): rewrite that construct so checkov can check "
    f"the file; checkov also gives up on a file that takes over {PARSE_TIMEOUT_S} s to parse"
)


def parse_error_findings(files: list[str], count: int) -> list[Finding]:
    """One TFG524 finding per file checkov could not parse (plus one for any it did not
    name): checkov checked nothing in those files."""
    found = [
        Finding(
            layer=LAYER,
            severity=Severity.ERROR,
            code=PARSE_ERROR_CODE,
            message="checkov could not parse this file: none of its resources were checked",
            location=HclLocation(file, 1),
            hint=_PARSE_HINT,
        )
        for file in files
    ]
    unnamed = count - len(files)
    if unnamed > 0:
        found.append(
            Finding(
                layer=LAYER,
                severity=Severity.ERROR,
                code=PARSE_ERROR_CODE,
                message=f"checkov could not parse {unnamed} file(s) it did not name: "
                "their resources were not checked",
                hint=_PARSE_HINT,
            )
        )
    return found


# --------------------------------------------------------------------------- parsing


def parse_output(stdout: str, root: Path) -> CheckovResult:
    """checkov's ``-o json`` output (one report, a list of reports, or a bare summary)."""
    try:
        data: object = json.loads(stdout)
    except json.JSONDecodeError as exc:
        raise ToolError(
            "TFG523", f"checkov did not print JSON ({exc}): {_tail(stdout, 2)}"
        ) from exc
    items = data if isinstance(data, list) else [data]
    reports = [item for item in items if isinstance(item, dict)]
    if len(reports) != len(items):
        raise ToolError("TFG523", "checkov printed JSON of an unexpected shape")
    return _merge([_parse_report(report, root) for report in reports])


def _parse_report(report: dict[str, Any], root: Path) -> CheckovResult:
    results = report.get("results") or {}
    summary = report.get("summary") or report
    errors = sorted({_relative(str(path), root) for path in results.get("parsing_errors") or []})
    count = max(int(summary.get("parsing_errors", 0)), len(errors))
    return CheckovResult(
        findings=[
            *(_finding(record, root) for record in results.get("failed_checks") or []),
            *parse_error_findings(errors, count),
        ],
        passed=int(summary.get("passed", 0)),
        skipped=[_inline_skip(record) for record in results.get("skipped_checks") or []],
        parsing_errors=count,
        checkov_version=str(summary.get("checkov_version", "")),
        parsing_error_files=errors,
    )


def _merge(parts: list[CheckovResult]) -> CheckovResult:
    return CheckovResult(
        findings=sorted((f for p in parts for f in p.findings), key=_finding_key),
        passed=sum(p.passed for p in parts),
        skipped=sorted(s for p in parts for s in p.skipped),
        parsing_errors=sum(p.parsing_errors for p in parts),
        checkov_version=next((p.checkov_version for p in parts if p.checkov_version), ""),
        parsing_error_files=sorted({f for p in parts for f in p.parsing_error_files}),
    )


def _finding_key(finding: Finding) -> tuple[str, int, str, str]:
    loc = finding.location or HclLocation("")
    return (loc.file, loc.line, finding.code, loc.address)


def _finding(record: dict[str, Any], root: Path) -> Finding:
    lines = record.get("file_line_range") or [0, 0]
    location = HclLocation(
        file=_record_file(record, root),
        line=int(lines[0]),
        address=str(record.get("resource", "")),
    )
    return Finding(
        layer=LAYER,
        severity=_severity(record.get("severity")),
        code=str(record.get("check_id", "")),
        message=str(record.get("check_name", "")),
        location=location,
        doc_url=str(record.get("guideline") or ""),
        extra=_extra(record, lines),
    )


def _extra(record: dict[str, Any], lines: list[int]) -> dict[str, str]:
    extra = {"end_line": str(lines[-1])}
    caller = record.get("caller_file_path")
    caller_lines = record.get("caller_file_line_range") or [0]
    if caller:
        extra["caller_file"] = str(caller).lstrip("/")
        extra["caller_line"] = str(caller_lines[0])
    return extra


def _inline_skip(record: dict[str, Any]) -> SkippedCheck:
    check_result = record.get("check_result") or {}
    return SkippedCheck(
        check_id=str(record.get("check_id", "")),
        address=str(record.get("resource", "")),
        justification=str(check_result.get("suppress_comment") or ""),
    )


def _severity(value: object) -> Severity:
    if isinstance(value, dict):
        value = value.get("name")
    if isinstance(value, str):
        return _SEVERITIES.get(value.strip().upper(), Severity.WARNING)
    return Severity.WARNING


def _record_file(record: dict[str, Any], root: Path) -> str:
    absolute = record.get("file_abs_path")
    if absolute:
        return _relative(str(absolute), root)
    return str(record.get("file_path", "")).lstrip("/")


def _relative(path: str, root: Path) -> str:
    candidate = Path(path)
    if not candidate.is_absolute():
        return candidate.as_posix().lstrip("/")
    return Path(os.path.relpath(candidate, root)).as_posix()


# --------------------------------------------------------------------------- skips


def apply_skips(result: CheckovResult, skip_checks: Mapping[str, str]) -> CheckovResult:
    """``result`` with the findings of ``skip_checks`` moved to ``skipped``."""
    if not skip_checks:
        return result
    kept = [f for f in result.findings if f.code not in skip_checks]
    moved = [
        SkippedCheck(f.code, f.location.address if f.location else "", skip_checks[f.code])
        for f in result.findings
        if f.code in skip_checks
    ]
    return replace(result, findings=kept, skipped=sorted([*result.skipped, *moved]))


# --------------------------------------------------------------------------- cache


def default_cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """The folder of checkov's entries in tfgen's cache (:func:`tfgen.cache.cache_root`)."""
    return cache_root(env) / LAYER


def input_hash(root: Path, version: str) -> str:
    """The cache key of a scan: the Terraform files under ``root``, checkov's version and
    the command line."""
    tree = {p.relative_to(root).as_posix(): p.read_bytes() for p in hashed_files(root)}
    return _key(tree, version)


def tree_hash(files: Mapping[str, str], version: str) -> str:
    """:func:`input_hash` of an in-memory tree (the same key as for the files on disk)."""
    return _key({n: t for n, t in files.items() if _is_hashed_path(n)}, version)


def _key(tree: Mapping[str, bytes] | Mapping[str, str], version: str) -> str:
    return cache.key(f"tfgen-checkov/{CACHE_FORMAT}", version, *_ARGS, PARSE_TIMEOUT_S, files=tree)


def _is_hashed_path(rel: str) -> bool:
    *dirs, name = rel.split("/")
    pruned = any(d.startswith(".") or d in _PRUNED_DIRS for d in dirs)
    return not pruned and _is_hashed(name)


def hashed_files(root: Path) -> list[Path]:
    """The files a scan depends on, in a stable order (hidden folders are skipped, as
    checkov skips them)."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in _PRUNED_DIRS]
        found.extend(Path(folder) / name for name in files if _is_hashed(name))
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def _is_hashed(name: str) -> bool:
    return name.endswith(_HASHED_SUFFIXES) or name in _HASHED_NAMES


def _load_cached(folder: Path, entry: str) -> CheckovResult | None:
    data = cache.load_json(folder, entry)
    try:
        if data.get("format") != CACHE_FORMAT:
            return None
        return _from_json(data)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None  # missing or unreadable: scan again


def _store(folder: Path, entry: str, result: CheckovResult) -> None:
    cache.store_json(folder, entry, _to_json(result))


def _to_json(result: CheckovResult) -> dict[str, Any]:
    return {
        "format": CACHE_FORMAT,
        "checkov_version": result.checkov_version,
        "passed": result.passed,
        "skipped": [list(s) for s in result.skipped],
        "findings": [_finding_to_json(f) for f in result.findings],
        "parsing_errors": result.parsing_errors,
        "parsing_error_files": result.parsing_error_files,
    }


def _finding_to_json(finding: Finding) -> dict[str, Any]:
    loc = finding.location or HclLocation("")
    return {
        "severity": finding.severity.label,
        "code": finding.code,
        "message": finding.message,
        "file": loc.file,
        "line": loc.line,
        "address": loc.address,
        "doc_url": finding.doc_url,
        "hint": finding.hint,
        "extra": finding.extra,
    }


def _from_json(data: dict[str, Any]) -> CheckovResult:
    return CheckovResult(
        findings=[_finding_from_json(item) for item in data["findings"]],
        passed=int(data["passed"]),
        skipped=[SkippedCheck(*map(str, item)) for item in data["skipped"]],
        checkov_version=str(data["checkov_version"]),
        from_cache=True,
        parsing_errors=int(data["parsing_errors"]),
        parsing_error_files=[str(f) for f in data["parsing_error_files"]],
    )


def _finding_from_json(item: dict[str, Any]) -> Finding:
    return Finding(
        layer=LAYER,
        severity=Severity.parse(item["severity"]),
        code=str(item["code"]),
        message=str(item["message"]),
        location=HclLocation(str(item["file"]), int(item["line"]), 0, str(item["address"]))
        if item["file"]
        else None,
        hint=str(item["hint"]),
        doc_url=str(item["doc_url"]),
        extra={str(k): str(v) for k, v in item["extra"].items()},
    )
