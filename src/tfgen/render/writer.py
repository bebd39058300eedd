"""Write the rendered tree atomically, or compare it with what is on disk.

Nothing is written until the whole tree rendered and parsed back.  The new tree is
assembled in a temporary sibling folder and swapped in with renames, so a failure
leaves the old ``generated/`` untouched.  Files tfgen does not own are kept:
dot-folders such as ``.terraform/``, the lock file, and the tfvars of environments
that were not rendered this time.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tfgen.render.tree import env_of

KEEP_NAMES = (".terraform.lock.hcl",)


@dataclass(frozen=True)
class Scope:
    """Which environments a render covers (``all_envs``: the whole tree is ours)."""

    environments: tuple[str, ...]
    all_envs: bool

    def owns(self, rel: str) -> bool:
        """Whether a file on disk belongs to the part of the tree this render produces."""
        if _is_foreign(rel):
            return False
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


def _is_foreign(rel: str) -> bool:
    parts = rel.split("/")
    return any(p.startswith(".") for p in parts) or parts[-1] in KEEP_NAMES


def existing_files(out: Path) -> list[str]:
    if not out.is_dir():
        return []
    return sorted(
        p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() or p.is_symlink()
    )


def compare(files: Mapping[str, str], out: Path, scope: Scope) -> Staleness:
    on_disk = [p for p in existing_files(out) if scope.owns(p)]
    changed, missing = [], []
    for rel, text in sorted(files.items()):
        target = out / rel
        if not target.is_file():
            missing.append(rel)
        elif target.read_bytes() != text.encode("utf-8"):
            changed.append(rel)
    extra = [p for p in on_disk if p not in files]
    return Staleness(changed, missing, extra)


def _copy_kept(out: Path, staging: Path, scope: Scope) -> None:
    for rel in existing_files(out):
        if scope.owns(rel):
            continue
        src, dst = out / rel, staging / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            os.symlink(os.readlink(src), dst)
        else:
            shutil.copy2(src, dst)


def write_tree(files: Mapping[str, str], out: Path, scope: Scope) -> None:
    """Replace ``out`` with the rendered files (plus the files tfgen does not own)."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    backup = out.parent / f".{out.name}.old-{os.getpid()}"
    try:
        for rel, text in files.items():
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(text.encode("utf-8"))
        _copy_kept(out, staging, scope)
        if out.exists():
            os.replace(out, backup)
        os.replace(staging, out)
    except BaseException:
        if backup.exists() and not out.exists():
            os.replace(backup, out)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(backup, ignore_errors=True)
