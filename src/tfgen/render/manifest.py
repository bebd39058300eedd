"""The manifest: which files tfgen wrote into its output folder, with their sha256.

``<out>/.tfgen-manifest.json`` is written with the tree (in the same atomic swap) and
committed with it.  It is how tfgen knows a folder is its own, which files in it are its
own, and whether one of them was edited by hand since.  Its bytes are deterministic:
sorted keys, two-space indent, a trailing newline, and no tfgen version (upgrading tfgen
alone does not make a tree stale).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tfgen.errors import Location, Problem, UserError
from tfgen.fsinfo import REGULAR, display, os_error, path_kind

MANIFEST = ".tfgen-manifest.json"
FORMAT = 1
GENERATOR = "tfgen"
HASH = "sha256"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Manifest:
    """Relative POSIX path -> sha256 (hex) of the bytes tfgen wrote there."""

    files: dict[str, str] = field(default_factory=dict)

    def dump(self) -> str:
        body = {"format": FORMAT, "generator": GENERATOR, "hash": HASH, "files": self.files}
        return json.dumps(body, indent=2, sort_keys=True) + "\n"


def of_files(files: Mapping[str, str]) -> Manifest:
    return Manifest({rel: digest(text.encode("utf-8")) for rel, text in sorted(files.items())})


class ManifestError(UserError):
    """The manifest is damaged or not tfgen's (``--force`` rewrites it)."""


def _invalid(path: Path, why: str) -> ManifestError:
    problem = Problem(
        "TFG706",
        f"not a tfgen manifest: {why}",
        Location(display(path)),
        "restore it from version control, or rerun with --force to rewrite it",
    )
    return ManifestError([problem])


def _relative(rel: str) -> bool:
    parts = rel.split("/")
    return bool(rel) and not rel.startswith("/") and "" not in parts and ".." not in parts


def _valid_files(data: Any) -> bool:
    return isinstance(data, dict) and all(
        isinstance(k, str) and _relative(k) and isinstance(v, str) and len(v) == 64
        for k, v in data.items()
    )


def load(out: Path) -> Manifest | None:
    """The manifest in ``out``; None when there is none.  A damaged one is a user error."""
    path = out / MANIFEST
    kind = path_kind(path)
    if kind is None:
        return None
    if kind != REGULAR:
        raise _invalid(path, f"it is {kind}")
    try:
        data = json.loads(path.read_bytes())
    except OSError as exc:
        raise os_error("TFG707", exc, path, "read") from None
    except ValueError as exc:
        raise _invalid(path, f"invalid JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("generator") != GENERATOR:
        raise _invalid(path, 'no \'"generator": "tfgen"\'')
    if data.get("format") != FORMAT or data.get("hash") != HASH:
        raise _invalid(path, f"format {data.get('format')!r}; this tfgen reads format {FORMAT}")
    if not _valid_files(data.get("files")):
        raise _invalid(path, "'files' must map relative paths to sha256 digests")
    return Manifest(dict(sorted(data["files"].items())))
