"""Content-hash cache of the formatted, parsed-back tree.

``terraform fmt`` and the python-hcl2 parse-back are the slow part of rendering and
depend only on the rendered text (and the terraform that formats it); an unchanged
input reuses the last result.  Entries live in :mod:`tfgen.cache` (kind ``render``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from tfgen import cache

FORMAT = "tfgen-render-v1"
KIND = "render"
KEEP = 64


def tree_key(files: Mapping[str, str], salt: str) -> str:
    return cache.key(FORMAT, salt, files=files)


def load(folder: Path, key: str) -> dict[str, str] | None:
    data = cache.load_json(folder / KIND, key)
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        return None
    return {str(k): v for k, v in data.items()}


def store(folder: Path, key: str, files: Mapping[str, str]) -> None:
    cache.store_json(folder / KIND, key, dict(files), keep=KEEP)
