"""Content-hash cache of layer results (findings).

The consistency, schema and rules layers are pure functions of the files (and of
tfgen's own code and data); the terraform and checkov layers also depend on the
tools' versions, given as ``extra`` salt.  Findings are stored in :mod:`tfgen.cache`
(kind ``layers``) under a key that hashes all of that, so an unchanged tree is not
parsed and checked again.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from tfgen import cache
from tfgen.cache import code_fingerprint
from tfgen.check.findings import Finding, finding_from_dict, finding_to_dict

__all__ = ["code_fingerprint", "key", "load", "store"]

FORMAT = "tfgen-layers-v1"
KIND = "layers"
KEEP = 256


def key(layer: str, files: Mapping[str, str], extra: str = "") -> str:
    return cache.key(FORMAT, code_fingerprint(), layer, extra, files=files)


def load(folder: Path, cache_key: str) -> list[Finding] | None:
    raw = cache.load_json(folder / KIND, cache_key)
    if not isinstance(raw, list):
        return None
    try:
        return [finding_from_dict(item) for item in raw]
    except (ValueError, KeyError, TypeError):
        return None


def store(folder: Path, cache_key: str, findings: list[Finding]) -> None:
    cache.store_json(folder / KIND, cache_key, [finding_to_dict(f) for f in findings], keep=KEEP)
