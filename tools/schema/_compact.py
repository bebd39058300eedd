"""Writer for tfgen's compact provider-schema files (format 1).

The format is documented in :mod:`tfgen.check.provider_schema`, which reads it. In short: a
gzip stream (mtime 0, no file name) of UTF-8 text lines. Line 1 is the header JSON object;
every further line is ``KIND<TAB>NAME<TAB>BLOCK-JSON`` with KIND one of ``provider``,
``resource``, ``data``, ``ephemeral``, sorted by kind (in that order) then name. All JSON is
written with sorted keys and no spaces, so the same input always gives the same bytes.
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

FORMAT_VERSION = 1
KINDS: tuple[str, ...] = ("provider", "resource", "data", "ephemeral")

JsonObject = dict[str, Any]


def dumps(value: object) -> str:
    """Canonical JSON: sorted keys, no whitespace, non-ASCII kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def render_lines(
    header: Mapping[str, object], entries: Mapping[str, Mapping[str, JsonObject]]
) -> str:
    """The uncompressed text of a schema file; ``entries`` maps kind -> name -> block."""
    unknown = set(entries) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown kinds: {sorted(unknown)}")
    lines = [dumps(dict(header))]
    for kind in KINDS:
        for name in sorted(entries.get(kind, {})):
            if "\t" in name or "\n" in name:
                raise ValueError(f"bad name {name!r}")
            lines.append(f"{kind}\t{name}\t{dumps(entries[kind][name])}")
    return "\n".join(lines) + "\n"


def gzip_bytes(text: str) -> bytes:
    """Deterministic gzip: no file name, mtime 0, level 9."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as gz:
        gz.write(text.encode("utf-8"))
    return buffer.getvalue()


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same directory."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def make_header(
    *,
    provider: str,
    version: str,
    source: str,
    facets: Iterable[str],
    entries: Mapping[str, Mapping[str, JsonObject]],
) -> JsonObject:
    """The header object: provenance, facets and counts per kind."""
    return {
        "format": FORMAT_VERSION,
        "provider": provider,
        "version": version,
        "source": source,
        "facets": sorted(set(facets)),
        "counts": {kind: len(entries.get(kind, {})) for kind in KINDS},
    }
