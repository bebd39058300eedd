"""tfgen's one on-disk cache, shared by every stage: the folder, keyed entries, keys.

* :func:`cache_root` / :func:`cache_dir` decide where it lives: ``$TFGEN_CACHE_DIR``,
  else ``$XDG_CACHE_HOME/tfgen``, else ``~/.cache/tfgen``;
* an entry is a file ``<folder>/<key><suffix>``, where ``folder`` is one kind's folder
  in the cache (``<cache>/render``, ``<cache>/layers``, ...); it is stored atomically
  (never half-written) and loaded as JSON or bytes; a missing or unreadable entry is a miss;
* each folder is bounded: storing an entry prunes the oldest beyond ``keep`` entries
  and any older than ``max_age`` seconds;
* :func:`key` hashes a tree of files with salts (tool versions, the layer, ...);
  :func:`code_fingerprint` is the salt that makes a new tfgen ignore old results.

The cache is best effort: an entry that cannot be read or written only costs time.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import tfgen
from tfgen.errors import ToolError
from tfgen.fsutil import atomic_write_bytes

CACHE_ENV = "TFGEN_CACHE_DIR"
DEFAULT_KEEP = 256
DEFAULT_MAX_AGE_S = 30 * 24 * 3600.0


def cache_root(env: Mapping[str, str] | None = None) -> Path:
    """Where tfgen's cache folder is (not created): ``$TFGEN_CACHE_DIR``,
    ``$XDG_CACHE_HOME/tfgen``, ``~/.cache/tfgen``."""
    environ = os.environ if env is None else env
    explicit = environ.get(CACHE_ENV, "").strip()
    if explicit:
        return Path(explicit).expanduser()
    xdg = environ.get("XDG_CACHE_HOME", "").strip()
    if xdg:
        return Path(xdg) / "tfgen"
    home = environ.get("HOME") or str(Path.home())
    return Path(home) / ".cache" / "tfgen"


def cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """tfgen's cache folder (:func:`cache_root`), created and resolved.

    An unusable folder raises :class:`ToolError` (TFG511).
    """
    path = cache_root(env)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ToolError(
            "TFG511",
            f"cannot create the tfgen cache folder {path}: {exc}",
            f"set {CACHE_ENV} to a writable directory",
        ) from exc
    return path.resolve()


# --------------------------------------------------------------------------- keys


def key(*salt: str, files: Mapping[str, str] | Mapping[str, bytes] | None = None) -> str:
    """A content hash of some salt strings and a tree of files (names and contents)."""
    digest = hashlib.sha256("\0".join(salt).encode() + b"\0\0")
    tree = files or {}
    for name in sorted(tree):
        value = tree[name]
        data = value.encode("utf-8") if isinstance(value, str) else value
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


@functools.cache
def code_fingerprint() -> str:
    """A hash of tfgen's own sources and data: a new tfgen never reuses old results."""
    root = Path(tfgen.__file__).resolve().parent
    digest = hashlib.sha256(b"tfgen-code-v1")
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".gz", ".json", ".tsv"):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


# --------------------------------------------------------------------------- entries


def entry_path(folder: Path, entry_key: str, suffix: str = ".json") -> Path:
    """The file of one entry: ``<folder>/<key><suffix>``."""
    return folder / f"{entry_key}{suffix}"


def load_bytes(folder: Path, entry_key: str, suffix: str = ".bin") -> bytes | None:
    """The stored bytes of an entry, or None when it is missing or unreadable."""
    try:
        return entry_path(folder, entry_key, suffix).read_bytes()
    except OSError:
        return None


def load_json(folder: Path, entry_key: str) -> Any:
    """The stored JSON value of an entry, or None when it is missing or unreadable."""
    data = load_bytes(folder, entry_key, ".json")
    if data is None:
        return None
    try:
        return json.loads(data.decode("utf-8"))
    except ValueError:
        return None


def store_bytes(
    folder: Path,
    entry_key: str,
    data: bytes,
    *,
    suffix: str = ".bin",
    keep: int = DEFAULT_KEEP,
    max_age: float = DEFAULT_MAX_AGE_S,
) -> None:
    """Store an entry atomically, then prune its kind (errors are ignored)."""
    path = entry_path(folder, entry_key, suffix)
    try:
        atomic_write_bytes(path, data)
        prune(path.parent, f"*{suffix}", keep, max_age)
    except OSError:
        return


def store_json(
    folder: Path,
    entry_key: str,
    value: Any,
    *,
    keep: int = DEFAULT_KEEP,
    max_age: float = DEFAULT_MAX_AGE_S,
) -> None:
    """Store a JSON value (sorted keys) as an entry; see :func:`store_bytes`."""
    data = json.dumps(value, sort_keys=True).encode("utf-8")
    store_bytes(folder, entry_key, data, suffix=".json", keep=keep, max_age=max_age)


def prune(folder: Path, pattern: str, keep: int, max_age: float = DEFAULT_MAX_AGE_S) -> None:
    """Delete all but the ``keep`` newest files matching ``pattern``, and those older than
    ``max_age`` seconds (races with other processes are harmless)."""
    stamped = []
    for found in folder.glob(pattern):
        try:
            stamped.append((found.stat().st_mtime, found))
        except FileNotFoundError:
            continue
    stamped.sort(reverse=True)
    oldest = time.time() - max_age
    for index, (mtime, path) in enumerate(stamped):
        if index >= keep or mtime < oldest:
            path.unlink(missing_ok=True)


def tool_version(folder: Path, executable: str | Path, ask: Callable[[], str]) -> str:
    """A tool's version, remembered in ``folder`` per executable path, modification time and
    size, so that a process does not start the tool only to learn its version; ``ask``
    runs the tool when nothing is remembered yet."""
    stat = os.stat(executable)
    name = "version-" + key(str(executable), str(stat.st_mtime_ns), str(stat.st_size))[:32]
    memo = load_bytes(folder, name, ".txt")
    known = memo.decode("utf-8", errors="replace").strip() if memo else ""
    if known:
        return known
    version = ask()
    store_bytes(folder, name, (version + "\n").encode("utf-8"), suffix=".txt")
    return version
