"""Small file-system helpers shared by the caches and the writers."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename (never half-written)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cache_write(path: Path, text: str, keep: int) -> None:
    """Best effort: store a cache entry and keep the ``keep`` newest in its folder.

    A cache that cannot be written only costs time, so errors are ignored.
    """
    try:
        atomic_write(path, text)
        prune(path.parent, f"*{path.suffix}", keep)
    except OSError:
        return


def prune(folder: Path, pattern: str, keep: int) -> None:
    """Delete all but the ``keep`` newest files matching ``pattern`` (races are harmless)."""
    stamped = []
    for entry in folder.glob(pattern):
        try:
            stamped.append((entry.stat().st_mtime, entry))
        except FileNotFoundError:
            continue
    for _, stale in sorted(stamped, reverse=True)[keep:]:
        stale.unlink(missing_ok=True)


def files_digest(files: Mapping[str, str], *salt: str) -> str:
    """A content hash of a tree of text files (names and contents) and some salt strings."""
    digest = hashlib.sha256("\0".join(salt).encode() + b"\0\0")
    for name in sorted(files):
        data = files[name].encode("utf-8")
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()
