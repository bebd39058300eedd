"""checkov's own virtualenv, provisioned by tfgen the way pre-commit provisions hook
environments: version-pinned, in the user cache, created once, reused afterwards.

checkov pins ``bc-python-hcl2``, whose ``hcl2`` module would shadow python-hcl2 in
tfgen's environment, so checkov never shares tfgen's virtualenv.  On first use tfgen
creates ``<cache>/checkov-<version>/`` (``<cache>`` is ``$TFGEN_CACHE_DIR``, else
``$XDG_CACHE_HOME/tfgen``, else ``~/.cache/tfgen``) with ``python -m venv`` from the
interpreter running tfgen and pip-installs the pinned requirement into it.  A stamp
file is written only after the install succeeded, so an interrupted install is redone,
never used; a lock file keeps two concurrent tfgen runs from installing twice.

Nothing here knows about checkov in particular: :class:`ManagedVenv` takes any pinned
requirement and console script (the tests provision a tiny package the same way).

Error codes: TFG521 checkov not found and not installable here, TFG526 the managed
virtualenv could not be created or installed (offline, pip failed).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from tfgen.cache import cache_dir
from tfgen.errors import ToolError

CHECKOV_VERSION = "3.3.30"
CHECKOV_REQUIREMENT = f"checkov=={CHECKOV_VERSION}"
NO_AUTO_INSTALL_ENV = "TFGEN_NO_AUTO_INSTALL"
SETUP_COMMAND = "tfgen setup checkov"
STAMP_NAME = ".tfgen-installed"
MARKER_NAME = ".tfgen-managed"  # written first: the folder is tfgen's to clear and redo
INSTALL_TIMEOUT_S = 1800.0
OFFLINE_SIGNS = (
    "NewConnectionError",
    "Temporary failure in name resolution",
    "Network is unreachable",
    "No matching distribution found",
    "Could not find a version that satisfies",
    "ConnectTimeoutError",
    "ProxyError",
)

Progress = Callable[[str], None]


def stderr_progress(message: str) -> None:
    """The default progress sink: one line on stderr, flushed at once."""
    print(f"tfgen: {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class ManagedVenv:
    """A tfgen-managed virtualenv holding one pinned requirement and its console script."""

    path: Path
    requirement: str  # ``name==version``
    script: str  # the console script to run, e.g. ``checkov``

    @classmethod
    def in_cache(
        cls, requirement: str, script: str, env: Mapping[str, str] | None = None
    ) -> ManagedVenv:
        name, _, version = requirement.partition("==")
        if not version:
            raise ValueError(f"requirement {requirement!r} is not pinned (name==version)")
        return cls(cache_dir(env) / f"{name}-{version}", requirement, script)

    @property
    def python(self) -> Path:
        return self.path / "bin" / "python"

    @property
    def executable(self) -> Path:
        return self.path / "bin" / self.script

    @property
    def stamp(self) -> Path:
        return self.path / STAMP_NAME

    @property
    def lock(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    @property
    def log(self) -> Path:
        return self.path.with_name(self.path.name + ".log")

    def ready(self) -> bool:
        """Installed completely (stamp written after success) and still runnable."""
        try:
            stamped = self.stamp.read_text(encoding="utf-8").strip() == self.requirement
        except OSError:
            return False
        return stamped and _runnable(self.executable) and _runnable(self.python)


def _runnable(path: Path) -> bool:
    # bin/python is a symlink to the interpreter that made the venv: follow it
    return path.is_file() and os.access(path, os.X_OK)


def checkov_venv(env: Mapping[str, str] | None = None) -> ManagedVenv:
    """The managed virtualenv for the pinned checkov."""
    return ManagedVenv.in_cache(CHECKOV_REQUIREMENT, "checkov", env)


def manual_steps(venv: ManagedVenv) -> str:
    """What to do by hand when tfgen cannot install (offline, no venv module, ...)."""
    return (
        f"with access to PyPI run `tfgen setup {venv.script}`; or install {venv.requirement} "
        f"into any virtualenv (`python3 -m venv DIR && DIR/bin/pip install {venv.requirement}`) "
        f"and set TFGEN_CHECKOV=DIR/bin/{venv.script}"
    )


def auto_install_allowed(env: Mapping[str, str] | None = None) -> bool:
    value = (os.environ if env is None else env).get(NO_AUTO_INSTALL_ENV, "").strip().lower()
    return value in ("", "0", "false", "no")


def ensure(venv: ManagedVenv, progress: Progress = stderr_progress) -> Path:
    """The console script of ``venv``, installing the venv first when it is not ready.

    Raises :class:`ToolError` (TFG526) when the install fails; nothing half-installed is
    ever returned.
    """
    if venv.ready():
        return venv.executable
    with _locked(venv, progress):
        if not venv.ready():  # another tfgen may have finished it while we waited
            install(venv, progress)
    return venv.executable


@contextlib.contextmanager
def _locked(venv: ManagedVenv, progress: Progress) -> Iterator[None]:
    venv.lock.parent.mkdir(parents=True, exist_ok=True)
    with venv.lock.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            progress(f"waiting for another tfgen to finish installing into {venv.path} ...")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def install(venv: ManagedVenv, progress: Progress = stderr_progress) -> None:
    """Create ``venv`` from scratch and install its requirement; stamp it on success."""
    name, _, version = venv.requirement.partition("==")
    progress(f"installing {name} {version} into {venv.path} (one time, about a minute) ...")
    _fresh_folder(venv)
    with contextlib.suppress(OSError):
        venv.log.write_text("", encoding="utf-8")
    _step(venv, [sys.executable, "-m", "venv", str(venv.path)], "create the virtualenv")
    pip = [str(venv.python), "-m", "pip", "install", "--disable-pip-version-check"]
    _step(venv, [*pip, "--no-input", "--retries", "2", venv.requirement], "pip install")
    if not _runnable(venv.executable):
        raise _install_error(venv, f"pip installed {venv.requirement} without {venv.script}")
    venv.stamp.write_text(venv.requirement + "\n", encoding="utf-8")
    progress(f"{name} {version} is ready: {venv.executable}")


def _fresh_folder(venv: ManagedVenv) -> None:
    """An empty folder marked as tfgen's; only a folder tfgen made is ever cleared."""
    if venv.path.exists():
        if not (venv.path / MARKER_NAME).is_file():
            raise ToolError(
                "TFG526",
                f"{venv.path} exists but was not made by tfgen; not touching it",
                f"move it away, or set TFGEN_CHECKOV to the {venv.script} inside it",
            )
        shutil.rmtree(venv.path)
    venv.path.mkdir(parents=True)
    (venv.path / MARKER_NAME).write_text(f"{venv.requirement}\n", encoding="utf-8")


def _step(venv: ManagedVenv, cmd: list[str], what: str) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.pop("VIRTUAL_ENV", None)
    try:
        proc = subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            timeout=INSTALL_TIMEOUT_S,
            check=False,
            stdin=subprocess.DEVNULL,
            env=env,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise _install_error(venv, f"cannot {what}: {exc}") from exc
    with contextlib.suppress(OSError), venv.log.open("a", encoding="utf-8") as log:
        log.write(f"$ {' '.join(cmd)}\n{proc.stdout}{proc.stderr}\n")
    if proc.returncode != 0:
        raise _install_error(venv, f"{what} failed (exit {proc.returncode}): {_reason(proc)}")


def _reason(proc: subprocess.CompletedProcess[str]) -> str:
    text = proc.stderr + proc.stdout
    if any(sign in text for sign in OFFLINE_SIGNS):
        return "PyPI is unreachable (offline?)"
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if line.lower().startswith("error")]
    return (errors or lines or ["no output"])[-1]


def _install_error(venv: ManagedVenv, message: str) -> ToolError:
    return ToolError(
        "TFG526",
        f"cannot install {venv.requirement} into {venv.path}: {message} (log: {venv.log})",
        manual_steps(venv),
    )
