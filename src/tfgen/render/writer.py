"""Write the rendered tree atomically, or compare it with what is on disk.

Nothing is written until the whole tree rendered and parsed back.  The new tree is
assembled in a temporary sibling folder and swapped in with renames, so a failure leaves
the old output untouched.  tfgen only ever removes files it generated itself (their
first line is the generated-file header); everything else in the output folder (a
``.terraform/`` folder, the lock file, a hand-written ``README.md`` or ``overrides.tf``,
the tfvars of environments not rendered this time) is moved into the new tree as it is.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tfgen.render.context import GENERATED_HEADER
from tfgen.render.tree import env_of

HEADER = f"# {GENERATED_HEADER}".encode()


@dataclass(frozen=True)
class Scope:
    """Which environments a render covers (``all_envs``: every environment file is ours)."""

    environments: tuple[str, ...]
    all_envs: bool

    def covers(self, rel: str) -> bool:
        env = env_of(rel)
        return env is None or self.all_envs or env in self.environments


@dataclass(frozen=True)
class Staleness:
    changed: list[str]
    missing: list[str]
    extra: list[str]

    @property
    def stale(self) -> bool:
        return bool(self.changed or self.missing or self.extra)

    def lines(self) -> list[str]:
        return (
            [f"changed: {p}" for p in self.changed]
            + [f"missing: {p}" for p in self.missing]
            + [f"not generated: {p}" for p in self.extra]
        )


def _generated(path: Path) -> bool:
    """Whether tfgen wrote this file (its first line is the generated-file header)."""
    try:
        with path.open("rb") as handle:
            return handle.read(len(HEADER)) == HEADER
    except OSError:
        return False


def _entries(out: Path) -> list[str]:
    """Files below ``out``; a folder whose name starts with '.' counts as one entry."""
    if not out.is_dir():
        return []
    found: list[str] = []
    for current, dirs, names in os.walk(out):
        here = Path(current)
        for name in sorted(dirs):
            if name.startswith("."):
                found.append((here / name).relative_to(out).as_posix())
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend((here / n).relative_to(out).as_posix() for n in sorted(names))
    return sorted(found)


def _stale_generated(out: Path, rel: str, scope: Scope) -> bool:
    """A file from an earlier render that this render no longer produces."""
    path = out / rel
    return scope.covers(rel) and path.is_file() and not path.is_symlink() and _generated(path)


def compare(files: Mapping[str, str], out: Path, scope: Scope) -> Staleness:
    changed, missing = [], []
    for rel, text in sorted(files.items()):
        target = out / rel
        if not target.is_file():
            missing.append(rel)
        elif target.read_bytes() != text.encode("utf-8"):
            changed.append(rel)
    extra = [r for r in _entries(out) if r not in files and _stale_generated(out, r, scope)]
    return Staleness(changed, missing, extra)


def _mode(out: Path) -> int:
    if out.is_dir():
        return out.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o777 & ~umask


def write_tree(files: Mapping[str, str], out: Path, scope: Scope) -> None:
    """Replace the generated files in ``out``; keep every file tfgen did not generate."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    backup = out.parent / f".{out.name}.old-{os.getpid()}"
    moved: list[tuple[Path, Path]] = []
    try:
        for rel, text in files.items():
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(text.encode("utf-8"))
        staging.chmod(_mode(out))
        for rel in _entries(out):
            if rel not in files and not _stale_generated(out, rel, scope):
                (staging / rel).parent.mkdir(parents=True, exist_ok=True)
                os.replace(out / rel, staging / rel)
                moved.append((out / rel, staging / rel))
        if out.exists():
            os.replace(out, backup)
        os.replace(staging, out)
    except BaseException:
        _undo(out, backup, staging, moved)
        raise
    shutil.rmtree(backup, ignore_errors=True)


def _undo(out: Path, backup: Path, staging: Path, moved: list[tuple[Path, Path]]) -> None:
    if backup.exists() and not out.exists():
        os.replace(backup, out)
    for original, kept in reversed(moved):
        if kept.exists() and not original.exists():
            original.parent.mkdir(parents=True, exist_ok=True)
            os.replace(kept, original)
    shutil.rmtree(staging, ignore_errors=True)
