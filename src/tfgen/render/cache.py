"""Content-hash cache of the formatted, parsed-back tree.

``terraform fmt`` and the python-hcl2 parse-back are the slow part of rendering and
depend only on the rendered text (and the terraform that formats it); an unchanged
input reuses the last result.  The cache is best effort: unreadable or unwritable
entries only cost time.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from tfgen.fsutil import cache_write, files_digest

FORMAT = "tfgen-render-v1"
KEEP = 64


def tree_key(files: Mapping[str, str], salt: str) -> str:
    return files_digest(files, FORMAT, salt)


def _entry(folder: Path, key: str) -> Path:
    return folder / "render" / f"{key}.json"


def load(folder: Path, key: str) -> dict[str, str] | None:
    try:
        data = json.loads(_entry(folder, key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        return None
    return {str(k): v for k, v in data.items()}


def store(folder: Path, key: str, files: Mapping[str, str]) -> None:
    cache_write(_entry(folder, key), json.dumps(dict(files), sort_keys=True), KEEP)
