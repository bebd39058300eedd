"""Compare a CDK-derived compact schema with a Terraform-derived one of the same version.

Used by ``extract_cdk --verify-against FILE`` to measure how faithfully the CDK bindings carry
the provider schema: it reports, per facet the CDK data claims to have, how many facts differ.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

_FLAGS = ("required", "optional", "computed", "write_only")


def parse_text(text: str) -> dict[tuple[str, str], Any]:
    lines = text.splitlines()
    result: dict[tuple[str, str], Any] = {}
    for line in lines[1:]:
        kind, name, body = line.split("\t", 2)
        result[(kind, name)] = json.loads(body)
    return result


def _compare_attribute(
    path: str, ours: Mapping[str, Any], ref: Mapping[str, Any]
) -> Iterator[tuple[str, str]]:
    for flag in _FLAGS:
        if bool(ours.get(flag)) != bool(ref.get(flag)):
            yield f"attribute.{flag}", path
    if "type" not in ours:
        yield "attribute.type_unknown", path
    elif ours["type"] != ref.get("type"):
        yield "attribute.type", f"{path}: {ours['type']} != {ref.get('type')}"


def _compare_nested(
    path: str, ours: Mapping[str, Any], ref: Mapping[str, Any]
) -> Iterator[tuple[str, str]]:
    if ours["nesting"] != ref["nesting"]:
        yield "block.nesting", f"{path}: {ours['nesting']} != {ref['nesting']}"
    if (ours.get("min_items", 0) >= 1) != (ref.get("min_items", 0) >= 1):
        yield "block.min_items_lower_bound", path
    if (ours.get("max_items") == 1) != (ref.get("max_items") == 1):
        yield "block.max_items_one", f"{path}: {ours.get('max_items')} vs {ref.get('max_items')}"
    yield from compare_block(path, ours["block"], ref["block"])


def compare_block(
    path: str, ours: Mapping[str, Any], ref: Mapping[str, Any]
) -> Iterator[tuple[str, str]]:
    """(category, where) for every difference between two compact blocks."""
    for section, compare in (("attributes", _compare_attribute), ("blocks", _compare_nested)):
        mine, theirs = ours.get(section, {}), ref.get(section, {})
        for name in sorted(set(mine) | set(theirs)):
            where = f"{path}.{name}"
            if name not in mine:
                yield f"{section}.missing", where
            elif name not in theirs:
                yield f"{section}.extra", where
            else:
                yield from compare(where, mine[name], theirs[name])


def report(text: str, reference: Path) -> int:
    """Print a summary of differences; 0 when none."""
    ours = parse_text(text)
    theirs = parse_text(gzip.decompress(reference.read_bytes()).decode("utf-8"))
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    for key in sorted(set(ours) | set(theirs)):
        label = f"{key[0]} {key[1]}"
        if key not in ours or key not in theirs:
            category = "entry.missing" if key not in ours else "entry.extra"
            diffs: Iterator[tuple[str, str]] = iter([(category, label)])
        else:
            diffs = compare_block(label, ours[key], theirs[key])
        for category, where in diffs:
            counts[category] += 1
            examples.setdefault(category, []).append(where)
    print(f"compared {len(ours)} entries with {len(theirs)} in {reference}")
    for category, count in sorted(counts.items()):
        print(f"  {category}: {count}  e.g. {examples[category][:4]}")
    return 0 if not counts else 1
