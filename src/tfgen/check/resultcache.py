"""Content-hash cache of offline layer results.

The consistency, schema and rules layers are pure functions of the files (and of
tfgen's own code and data); their findings are stored under a key that hashes all of
that, so an unchanged tree is not parsed and checked again.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

import tfgen
from tfgen.check.findings import Finding, finding_from_dict, finding_to_dict
from tfgen.fsutil import cache_write, files_digest

FORMAT = "tfgen-layers-v1"
KEEP = 256


@functools.cache
def code_fingerprint() -> str:
    """A hash of tfgen's own sources and data: a new tfgen never reuses old results."""
    root = Path(tfgen.__file__).resolve().parent
    digest = hashlib.sha256(FORMAT.encode())
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".gz", ".json", ".tsv"):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def key(layer: str, files: Mapping[str, str], extra: str = "") -> str:
    return files_digest(files, code_fingerprint(), layer, extra)


def _path(folder: Path, cache_key: str) -> Path:
    return folder / "layers" / f"{cache_key}.json"


def load(folder: Path, cache_key: str) -> list[Finding] | None:
    try:
        raw = json.loads(_path(folder, cache_key).read_text(encoding="utf-8"))
        return [finding_from_dict(item) for item in raw]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store(folder: Path, cache_key: str, findings: list[Finding]) -> None:
    text = json.dumps([finding_to_dict(f) for f in findings], sort_keys=True)
    cache_write(_path(folder, cache_key), text, KEEP)
