"""Compare a rendered tree with an output folder: what is tfgen's, stale, edited or foreign.

Ownership comes from the manifest (:mod:`tfgen.render.manifest`).  A folder without one
that holds files carrying the generated-file header was written by a tfgen from before
manifests: it is adopted, and those files count as tfgen's (the next render writes the
manifest).  Everything below a hidden folder (``.terraform/``, tfgen's plans in
``.tfgen/``), hidden files and local Terraform state are tolerated and never judged.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from tfgen.errors import StaleTree
from tfgen.fsinfo import REGULAR, path_kind
from tfgen.render.context import GENERATED_HEADER
from tfgen.render.manifest import MANIFEST, Manifest, digest
from tfgen.render.manifest import load as load_manifest
from tfgen.render.tree import env_of

HEADER = f"# {GENERATED_HEADER}".encode()
STATE = ("terraform.tfstate", "terraform.tfstate.backup", "terraform.tfstate.d")
_AUTO_TFVARS = (".auto.tfvars", ".auto.tfvars.json")


@dataclass(frozen=True)
class Scope:
    """Which environments a render covers (``all_envs``: every environment file is ours)."""

    environments: tuple[str, ...]
    all_envs: bool

    def covers(self, rel: str) -> bool:
        env = env_of(rel)
        return env is None or self.all_envs or env in self.environments


@dataclass(frozen=True)
class Drift:
    """How an output folder differs from a render (all lists sorted, paths relative)."""

    changed: list[str]  # tfgen's file, untouched since, but the render differs (stale)
    missing: list[str]  # rendered, not on disk
    edited: list[str]  # tfgen's file changed by hand since (or a foreign file in the way)
    extra: list[str]  # a Terraform file tfgen did not write: terraform would load it
    obsolete: list[str]  # tfgen's file this render no longer produces

    @property
    def stale(self) -> bool:
        return bool(self.changed or self.missing or self.edited or self.extra or self.obsolete)

    def lines(self) -> list[str]:
        return (
            [f"edited: {p}" for p in self.edited]
            + [f"changed: {p}" for p in self.changed]
            + [f"missing: {p}" for p in self.missing]
            + [f"extra (not generated): {p}" for p in self.extra]
            + [f"obsolete (no longer generated): {p}" for p in self.obsolete]
        )

    def ensure_current(self, headline: str) -> None:
        """Raise :class:`StaleTree` listing every difference (nothing is written)."""
        if not self.stale:
            return
        hint = (
            "tfgen does not overwrite hand edits or delete files it did not write; restore "
            "or move them, or let `tfgen render --force` discard them"
            if self.edited or self.extra
            else ""
        )
        raise StaleTree(headline, self.lines(), hint)


@dataclass(frozen=True)
class Inventory:
    """An output folder as a render sees it."""

    drift: Drift
    manifest: Manifest  # the manifest this render writes
    foreign: bool  # a non-empty folder that tfgen did not create (no manifest, no header)


def is_generated(path: Path) -> bool:
    """Whether the file starts with the generated-file header (regular files only)."""
    if path.is_symlink() or path_kind(path) != REGULAR:
        return False
    with path.open("rb") as handle:
        return handle.read(len(HEADER)) == HEADER


def file_digest(path: Path) -> str | None:
    """sha256 of a regular file (not a symlink); None for anything else."""
    if path.is_symlink() or path_kind(path) != REGULAR:
        return None
    return digest(path.read_bytes())


def tolerated(rel: str) -> bool:
    """Hidden entries and local Terraform state: never tfgen's, never drift."""
    parts = rel.split("/")
    return any(p.startswith(".") for p in parts) or parts[0] in STATE


def terraform_loads(rel: str) -> bool:
    """Whether Terraform would read this file as configuration or root variables."""
    parts = rel.split("/")
    name = parts[-1]
    if any(p.startswith(".") for p in parts) or name.endswith("~") or name.startswith("#"):
        return False
    if name.endswith((".tf", ".tf.json")):
        return True
    root_vars = name in ("terraform.tfvars", "terraform.tfvars.json") or name.endswith(_AUTO_TFVARS)
    return len(parts) == 1 and root_vars


def entries(out: Path) -> list[str]:
    """Everything below ``out``: files, symlinks, special files and empty folders.

    A hidden folder and a symlink to a folder count as one entry (moved as a whole).
    Unreadable folders raise (an entry silently left out would be lost on a write).
    """
    if path_kind(out) != "a folder":
        return []
    found: list[str] = []

    def fail(exc: OSError) -> None:
        raise exc

    for current, dirs, names in os.walk(out, onerror=fail):
        here = Path(current)
        rel = here.relative_to(out)
        whole = [d for d in dirs if d.startswith(".") or (here / d).is_symlink()]
        found.extend((rel / n).as_posix() for n in [*whole, *names])
        if not dirs and not names and here != out:
            found.append(rel.as_posix())
        dirs[:] = sorted(d for d in dirs if d not in whole)
    return sorted(found)


class _Owner:
    """Which files on disk are tfgen's: by manifest, or by header in an older tree."""

    def __init__(self, out: Path, manifest: Manifest | None) -> None:
        self.out = out
        self.manifest = manifest

    def owns(self, rel: str) -> bool:
        if self.manifest is not None:
            return rel in self.manifest.files
        return is_generated(self.out / rel)

    def untouched(self, rel: str) -> bool:
        """tfgen's file, unchanged since tfgen wrote it (header trees: assumed so)."""
        if self.manifest is None:
            return self.owns(rel)
        recorded = self.manifest.files.get(rel)
        return recorded is not None and file_digest(self.out / rel) == recorded

    def recorded(self, rel: str) -> str | None:
        """The hash the new manifest keeps for a file this render leaves alone."""
        if self.manifest is not None:
            return self.manifest.files.get(rel)
        return file_digest(self.out / rel)


def _rendered_drift(files: Mapping[str, str], out: Path, owner: _Owner) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {"changed": [], "missing": [], "edited": []}
    for rel, text in sorted(files.items()):
        path = out / rel
        kind = path_kind(path)
        if kind is None:
            found["missing"].append(rel)
        elif kind != REGULAR:
            found["edited"].append(rel)
        elif path.read_bytes() == text.encode("utf-8"):
            continue
        else:
            found["changed" if owner.untouched(rel) else "edited"].append(rel)
    return found


def _classify(rel: str, scope: Scope, owner: _Owner) -> str | None:
    """What an entry that this render does not produce is: None when it is simply kept."""
    if rel == MANIFEST or tolerated(rel):
        return None
    if owner.owns(rel):
        if not scope.covers(rel):
            return "kept"
        return "obsolete" if owner.untouched(rel) else "edited"
    return "extra" if terraform_loads(rel) else None


def inventory(
    files: Mapping[str, str], out: Path, scope: Scope, manifest: Manifest | None
) -> Inventory:
    """Judge ``out`` against ``files`` (rendered for ``scope``) and its ``manifest``."""
    owner = _Owner(out, manifest)
    drift = _rendered_drift(files, out, owner)
    drift.update(extra=[], obsolete=[])
    kept = {rel: digest(text.encode("utf-8")) for rel, text in files.items()}
    on_disk = [rel for rel in entries(out) if rel != MANIFEST]
    present = [rel for rel in on_disk if rel not in files]
    for rel in present:
        verdict = _classify(rel, scope, owner)
        if verdict == "kept":
            recorded = owner.recorded(rel)
            if recorded is not None:
                kept[rel] = recorded
        elif verdict is not None:
            drift[verdict].append(rel)
    owned_any = manifest is not None or any(owner.owns(rel) for rel in on_disk)
    foreign = not owned_any and not all(map(tolerated, on_disk))
    new = Manifest(dict(sorted(kept.items())))
    return Inventory(Drift(**{k: sorted(v) for k, v in drift.items()}), new, foreign)


def compare(files: Mapping[str, str], out: Path, scope: Scope) -> Drift:
    """How ``out`` differs from ``files`` and from its manifest (``render --check``, plan)."""
    manifest = load_manifest(out)
    found = inventory(files, out, scope, manifest)
    drift = found.drift
    on_disk = out / MANIFEST
    if manifest is None:
        return replace(drift, missing=[*drift.missing, MANIFEST])
    if on_disk.read_bytes() != found.manifest.dump().encode("utf-8"):
        return replace(drift, changed=[MANIFEST, *drift.changed])
    return drift
