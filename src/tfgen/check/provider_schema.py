"""Offline schemas of the hashicorp/aws provider, per provider version, and a typed API on them.

The data ships as package data in ``tfgen/data/schemas/aws-<version>.tsv.gz`` and feeds the
schema validation layer (unknown resource types and arguments, missing required arguments,
wrong nested blocks, ``max_items``, deprecated arguments) and the 5.x → 6.x upgrade report.

Versions and where their data comes from
----------------------------------------
``5.100.0``
    From the real provider: ``terraform providers schema -json`` against a filesystem mirror
    (``tools/schema/extract_terraform.py``). Every facet is exact: attribute types,
    required/optional/computed, deprecated, sensitive, write-only, nesting mode, min/max items,
    deprecated blocks.
``6.69.1``
    No 6.x provider binary can be had offline, so this comes from the PyPI package
    ``cdktn-provider-aws==25.8.1`` (CDK Terrain's prebuilt bindings, generated from
    hashicorp/aws 6.69.1; ``tools/schema/extract_cdk.py``). Its generated JavaScript keeps the
    Terraform names and each attribute's required/optional/computed flags, the nesting mode
    (list/set/single), whether a block is required (``min_items >= 1``) and whether it takes at
    most one item (``max_items == 1``), write-only arguments, and types (from the generated
    getters and converters). It has **no** deprecation or sensitivity information, no exact
    ``min_items``/``max_items`` beyond that, and treats the inner collection of nested
    primitive collections as ``list``. Where the generator replaced a too-deep block by
    ``any`` (``aws_wafv2_web_acl.rule.statement``, QuickSight ``definition``) or shares one
    struct between levels of a recursive schema (``aws_wafv2_web_acl_rule``), the block is kept
    with ``truncated=True`` (contents unknown) and, for the former, nesting ``"unknown"``.
    Blocks whose attributes are all read-only (result lists of some data sources) may appear
    as computed attributes instead.

:attr:`ProviderSchema.facets` says which facets a version has; an unknown facet reads as
``None`` (``AttributeSchema.deprecated``, ``.sensitive``, ``BlockSchema.deprecated``). For
versions without ``"max_items"`` a ``max_items`` of ``None`` means "more than one or
unknown"; without ``"min_items"`` a ``min_items`` of 1 means "at least one".

Compact file format (format 1)
------------------------------
A gzip stream (mtime 0, no name) of UTF-8 lines. Line 1 is a JSON header: ``format`` (1),
``provider`` (registry address), ``version``, ``source`` (how it was made), ``facets`` (sorted
names) and ``counts`` per kind. Every other line is ``KIND<TAB>NAME<TAB>BLOCK`` where KIND is
``provider`` (NAME ``aws``: the provider configuration), ``resource``, ``data`` or
``ephemeral``, sorted by kind then name; BLOCK is canonical JSON (sorted keys, no spaces)::

    BLOCK  = {"attributes": {NAME: ATTR}, "blocks": {NAME: NESTED},
              "deprecated": true, "truncated": true}          # each key only when non-empty
    ATTR   = {"type": CTY, "required": true, "optional": true, "computed": true,
              "deprecated": true, "sensitive": true, "write_only": true}   # false omitted
    NESTED = {"nesting": "single"|"list"|"set"|"map"|"group"|"unknown",
              "min_items": N, "max_items": N, "block": BLOCK}  # 0 / unlimited omitted

CTY is Terraform's JSON type notation (``"string"``, ``["list","string"]``,
``["object",{"a":"number"}]``); a missing ``type`` means unknown. Descriptions are dropped.
Lines are parsed lazily, one resource at a time, so loading a version costs one
decompression (about 0.1 s for both); equal attributes share one (frozen) instance, so treat
``AttributeSchema.type`` lists as read-only.

Also known from the data (not guessed): 6.x removed the OpsWorks, SimpleDB and WorkLink
resources and ``data.aws_redshift_service_account``, ``aws_eip.vpc``,
``aws_instance.cpu_core_count``, ``aws_launch_template.elastic_gpu_specifications``,
``aws_redshift_cluster.logging`` and others, made ``aws_redshift_cluster.encrypted`` a string
and added ``region`` to every regional resource and data source (see the tests).
"""

from __future__ import annotations

import difflib
import functools
import gzip
import json
import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from types import MappingProxyType
from typing import Any, Literal, TypeAlias

CtyType: TypeAlias = str | list[Any]
Nesting = Literal["single", "list", "set", "map", "group", "unknown"]
Kind = Literal["provider", "resource", "data", "ephemeral"]

FORMAT_VERSION = 1
_FILE_RE = re.compile(r"^aws-(\d+\.\d+\.\d+)\.tsv\.gz$")
_EMPTY: Mapping[str, Any] = MappingProxyType({})


class UnknownSchemaVersion(LookupError):
    """No schema data for the requested provider version."""


# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class AttributeSchema:
    """One attribute. ``None`` in a facet means the version's data does not carry it."""

    type: CtyType | None
    required: bool = False
    optional: bool = False
    computed: bool = False
    deprecated: bool | None = None
    sensitive: bool | None = None
    write_only: bool | None = None

    @property
    def settable(self) -> bool:
        """Whether configuration may set it (an *argument*)."""
        return self.required or self.optional

    @property
    def read_only(self) -> bool:
        """Computed and not settable: an exported attribute only."""
        return self.computed and not self.settable


@dataclass(frozen=True)
class BlockSchema:
    """A resource, data source or nested block body."""

    attributes: Mapping[str, AttributeSchema] = field(default_factory=lambda: _EMPTY)
    blocks: Mapping[str, NestedBlockSchema] = field(default_factory=lambda: _EMPTY)
    deprecated: bool | None = None
    truncated: bool = False  # contents unknown (see the module docstring)

    def arguments(self) -> tuple[str, ...]:
        """Names configuration may use here: settable attributes and nested blocks, sorted."""
        names = [n for n, a in self.attributes.items() if a.settable]
        return tuple(sorted([*names, *self.blocks]))

    def required_arguments(self) -> tuple[str, ...]:
        """Required attributes and blocks with ``min_items >= 1``, sorted."""
        names = [n for n, a in self.attributes.items() if a.required]
        names += [n for n, b in self.blocks.items() if b.min_items > 0]
        return tuple(sorted(names))

    def deprecated_arguments(self) -> tuple[str, ...]:
        """Attributes and blocks flagged deprecated (empty when the facet is unknown)."""
        names = [n for n, a in self.attributes.items() if a.deprecated]
        names += [n for n, b in self.blocks.items() if b.block.deprecated]
        return tuple(sorted(names))


@dataclass(frozen=True)
class NestedBlockSchema:
    """A nested block type: how it nests, how many it takes, and its body."""

    nesting: Nesting
    min_items: int
    max_items: int | None
    block: BlockSchema


# --------------------------------------------------------------------------- parsing


_FLAGS = ("required", "optional", "computed", "deprecated", "sensitive", "write_only")


class _Parser:
    """Builds schema objects from compact JSON; equal attributes share one instance."""

    def __init__(self, facets: frozenset[str]) -> None:
        self.facets = facets
        self._attributes: dict[tuple[object, ...], AttributeSchema] = {}

    def _flag(self, raw: Mapping[str, Any], name: str) -> bool | None:
        return bool(raw.get(name)) if name in self.facets else None

    def attribute(self, raw: Mapping[str, Any]) -> AttributeSchema:
        cty = raw.get("type")
        key = (cty if isinstance(cty, str) else json.dumps(cty), *(raw.get(f) for f in _FLAGS))
        found = self._attributes.get(key)
        if found is None:
            found = self._attributes[key] = AttributeSchema(
                type=cty,
                required=bool(raw.get("required")),
                optional=bool(raw.get("optional")),
                computed=bool(raw.get("computed")),
                deprecated=self._flag(raw, "deprecated"),
                sensitive=self._flag(raw, "sensitive"),
                write_only=self._flag(raw, "write_only"),
            )
        return found

    def nested(self, raw: Mapping[str, Any]) -> NestedBlockSchema:
        return NestedBlockSchema(
            nesting=raw["nesting"],
            min_items=int(raw.get("min_items", 0)),
            max_items=raw.get("max_items"),
            block=self.block(raw["block"]),
        )

    def block(self, raw: Mapping[str, Any]) -> BlockSchema:
        attributes = {k: self.attribute(v) for k, v in raw.get("attributes", {}).items()}
        blocks = {k: self.nested(v) for k, v in raw.get("blocks", {}).items()}
        return BlockSchema(
            attributes=MappingProxyType(attributes) if attributes else _EMPTY,
            blocks=MappingProxyType(blocks) if blocks else _EMPTY,
            deprecated=bool(raw.get("deprecated")) if "block_deprecated" in self.facets else None,
            truncated=bool(raw.get("truncated")),
        )


# --------------------------------------------------------------------------- schema


@dataclass(frozen=True)
class ProviderSchema:
    """The schema of one provider version; entries are parsed on first use."""

    provider: str
    version: str
    source: str
    facets: frozenset[str]
    _raw: Mapping[tuple[str, str], str] = field(repr=False, compare=False)
    _parsed: dict[tuple[str, str], BlockSchema] = field(
        default_factory=dict, repr=False, compare=False
    )
    _parser: _Parser = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_parser", _Parser(self.facets))

    def has_facet(self, name: str) -> bool:
        return name in self.facets

    def _get(self, kind: Kind, name: str) -> BlockSchema | None:
        key = (kind, name)
        cached = self._parsed.get(key)
        if cached is None and key in self._raw:
            cached = self._parsed[key] = self._parser.block(json.loads(self._raw[key]))
        return cached

    def resource(self, type_name: str) -> BlockSchema | None:
        return self._get("resource", type_name)

    def data_source(self, type_name: str) -> BlockSchema | None:
        return self._get("data", type_name)

    def ephemeral_resource(self, type_name: str) -> BlockSchema | None:
        return self._get("ephemeral", type_name)

    def provider_config(self) -> BlockSchema | None:
        """The ``provider "aws"`` block."""
        return self._get("provider", "aws")

    def _names(self, kind: Kind) -> tuple[str, ...]:
        return tuple(sorted(name for k, name in self._raw if k == kind))

    def resource_types(self) -> tuple[str, ...]:
        return self._names("resource")

    def data_source_types(self) -> tuple[str, ...]:
        return self._names("data")

    def ephemeral_resource_types(self) -> tuple[str, ...]:
        return self._names("ephemeral")


def parse_schema_text(text: str) -> ProviderSchema:
    """A :class:`ProviderSchema` from the uncompressed text of a compact file."""
    lines = text.splitlines()
    header = json.loads(lines[0]) if lines else {}
    if header.get("format") != FORMAT_VERSION:
        raise ValueError(f"unsupported schema format {header.get('format')!r}")
    raw: dict[tuple[str, str], str] = {}
    for line in lines[1:]:
        kind, name, body = line.split("\t", 2)
        raw[(kind, name)] = body
    return ProviderSchema(
        provider=str(header["provider"]),
        version=str(header["version"]),
        source=str(header["source"]),
        facets=frozenset(header["facets"]),
        _raw=MappingProxyType(raw),
    )


def _data_dir() -> Any:
    return resources.files("tfgen").joinpath("data", "schemas")


def available_versions() -> tuple[str, ...]:
    """Provider versions with shipped data, oldest first."""
    found = []
    for entry in _data_dir().iterdir():
        match = _FILE_RE.match(entry.name)
        if match:
            found.append(match.group(1))
    return tuple(sorted(found, key=_version_key))


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def resolve_version(version: str) -> str:
    """The newest shipped version matching ``version`` ("5", "5.100", "5.100.0")."""
    wanted = version.strip().removeprefix("v").split(".")
    matches = [v for v in available_versions() if v.split(".")[: len(wanted)] == wanted]
    if not matches:
        raise UnknownSchemaVersion(
            f"no hashicorp/aws schema for {version!r}; shipped: {', '.join(available_versions())}"
        )
    return matches[-1]


@functools.cache
def _load_exact(version: str) -> ProviderSchema:
    data = _data_dir().joinpath(f"aws-{version}.tsv.gz").read_bytes()
    return parse_schema_text(gzip.decompress(data).decode("utf-8"))


def load_schema(version: Literal["5", "6"] | str) -> ProviderSchema:
    """The shipped schema for a provider version or major version (cached)."""
    return _load_exact(resolve_version(version))


def closest(name: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The candidate most like ``name`` ("did you mean"), or None when none is close."""
    matches = difflib.get_close_matches(name, list(candidates), n=1, cutoff=cutoff)
    return matches[0] if matches else None


def format_type(cty: CtyType | None) -> str:
    """A type as Terraform writes it in HCL: ``list(string)``, ``object({a=number})``."""
    if cty is None:
        return "unknown"
    if isinstance(cty, str):
        return cty
    kind = cty[0]
    if kind == "object":
        fields = ", ".join(f"{k}={format_type(v)}" for k, v in sorted(cty[1].items()))
        return f"object({{{fields}}})"
    if kind == "tuple":
        return f"tuple([{', '.join(format_type(v) for v in cty[1])}])"
    return f"{kind}({format_type(cty[1])})"


# --------------------------------------------------------------------------- diff


def type_delta(old: CtyType, new: CtyType, path: str = "") -> list[str]:
    """How a type changed, briefly: ``+field``/``-field`` inside objects (through collections
    of the same kind), else ``old -> new`` for the part that differs."""
    if old == new:
        return []
    if isinstance(old, list) and isinstance(new, list) and old[0] == new[0]:
        if old[0] == "object":
            return _object_delta(old[1], new[1], path)
        if old[0] in ("list", "set", "map"):
            return type_delta(old[1], new[1], path)
    where = f"{path}: " if path else ""
    return [f"{where}{format_type(old)} -> {format_type(new)}"]


def _object_delta(old: Mapping[str, Any], new: Mapping[str, Any], path: str) -> list[str]:
    changes: list[str] = []
    for name in sorted(set(old) | set(new)):
        inner = f"{path}.{name}" if path else name
        if name not in new:
            changes.append(f"-{inner}")
        elif name not in old:
            changes.append(f"+{inner}")
        else:
            changes.extend(type_delta(old[name], new[name], inner))
    return changes


@dataclass(frozen=True, order=True)
class SchemaChange:
    """One change at ``path`` (dotted, through nested blocks) of a resource or data source."""

    kind: Literal["resource", "data"]
    type_name: str
    path: str
    detail: str = ""

    def __str__(self) -> str:
        prefix = "data." if self.kind == "data" else ""
        suffix = f" ({self.detail})" if self.detail else ""
        return f"{prefix}{self.type_name}.{self.path}{suffix}"


@dataclass(frozen=True)
class SchemaDiff:
    """What changes from ``old_version`` to ``new_version``; every tuple is sorted.

    Arguments are settable attributes; ``attributes_removed`` are read-only ones (references
    to them break). Inside truncated blocks or blocks of unknown nesting nothing is compared.
    """

    old_version: str
    new_version: str
    resources_removed: tuple[str, ...] = ()
    resources_added: tuple[str, ...] = ()
    data_sources_removed: tuple[str, ...] = ()
    data_sources_added: tuple[str, ...] = ()
    arguments_removed: tuple[SchemaChange, ...] = ()
    arguments_added: tuple[SchemaChange, ...] = ()
    arguments_now_required: tuple[SchemaChange, ...] = ()
    attributes_removed: tuple[SchemaChange, ...] = ()
    blocks_removed: tuple[SchemaChange, ...] = ()
    blocks_added: tuple[SchemaChange, ...] = ()
    blocks_now_required: tuple[SchemaChange, ...] = ()
    types_changed: tuple[SchemaChange, ...] = ()

    def changes_for(self, kind: Literal["resource", "data"], type_name: str) -> list[SchemaChange]:
        """Every argument/attribute/block change of one resource or data source type."""
        groups = (
            self.arguments_removed,
            self.arguments_now_required,
            self.attributes_removed,
            self.blocks_removed,
            self.blocks_now_required,
            self.types_changed,
            self.arguments_added,
            self.blocks_added,
        )
        return [c for g in groups for c in g if c.kind == kind and c.type_name == type_name]


_Bucket = dict[str, list[SchemaChange]]


def _diff_attributes(
    where: tuple[Literal["resource", "data"], str, str],
    old: BlockSchema,
    new: BlockSchema,
    out: _Bucket,
) -> None:
    kind, type_name, prefix = where
    for name, before in old.attributes.items():
        after = new.attributes.get(name)
        change = SchemaChange(kind, type_name, prefix + name)
        if after is None:
            if name not in new.blocks:
                out["arguments_removed" if before.settable else "attributes_removed"].append(change)
            continue
        if after.required and not before.required:
            out["arguments_now_required"].append(change)
        if before.type is not None and after.type is not None and before.type != after.type:
            detail = "; ".join(type_delta(before.type, after.type))
            out["types_changed"].append(SchemaChange(kind, type_name, prefix + name, detail))
    for name, after in new.attributes.items():
        if name not in old.attributes and name not in old.blocks and after.settable:
            out["arguments_added"].append(SchemaChange(kind, type_name, prefix + name))


def _diff_blocks(
    where: tuple[Literal["resource", "data"], str, str],
    old: BlockSchema,
    new: BlockSchema,
    out: _Bucket,
) -> None:
    kind, type_name, prefix = where
    for name, before in old.blocks.items():
        after = new.blocks.get(name)
        change = SchemaChange(kind, type_name, prefix + name)
        if after is None:
            if name not in new.attributes:
                out["blocks_removed"].append(change)
            continue
        if after.min_items > 0 and before.min_items == 0:
            out["blocks_now_required"].append(change)
        if "unknown" not in (before.nesting, after.nesting):
            _diff_block((kind, type_name, f"{prefix}{name}."), before.block, after.block, out)
    for name in new.blocks:
        if name not in old.blocks and name not in old.attributes:
            out["blocks_added"].append(SchemaChange(kind, type_name, prefix + name))


def _diff_block(
    where: tuple[Literal["resource", "data"], str, str],
    old: BlockSchema,
    new: BlockSchema,
    out: _Bucket,
) -> None:
    if old.truncated or new.truncated:
        return
    _diff_attributes(where, old, new, out)
    _diff_blocks(where, old, new, out)


def _pairs(
    old: ProviderSchema, new: ProviderSchema, only: Collection[str] | None
) -> Iterator[tuple[Literal["resource", "data"], str, BlockSchema, BlockSchema]]:
    def chosen(names: set[str]) -> list[str]:
        return sorted(names if only is None else names & set(only))

    for name in chosen(set(old.resource_types()) & set(new.resource_types())):
        before, after = old.resource(name), new.resource(name)
        if before is not None and after is not None:
            yield "resource", name, before, after
    for name in chosen(set(old.data_source_types()) & set(new.data_source_types())):
        before, after = old.data_source(name), new.data_source(name)
        if before is not None and after is not None:
            yield "data", name, before, after


def diff_versions(
    old: ProviderSchema, new: ProviderSchema, only: Collection[str] | None = None
) -> SchemaDiff:
    """What an upgrade from ``old`` to ``new`` removes, adds or tightens.

    ``only`` limits the argument/attribute/block comparison to those resource and data source
    type names (the ones a configuration uses; comparing all of them parses every entry of
    both versions, about two seconds); added/removed types are always complete.
    """
    out: _Bucket = {name: [] for name in _CHANGE_FIELDS}
    for kind, name, before, after in _pairs(old, new, only):
        _diff_block((kind, name, ""), before, after, out)
    old_r, new_r = set(old.resource_types()), set(new.resource_types())
    old_d, new_d = set(old.data_source_types()), set(new.data_source_types())
    return SchemaDiff(
        old_version=old.version,
        new_version=new.version,
        resources_removed=tuple(sorted(old_r - new_r)),
        resources_added=tuple(sorted(new_r - old_r)),
        data_sources_removed=tuple(sorted(old_d - new_d)),
        data_sources_added=tuple(sorted(new_d - old_d)),
        **{name: tuple(sorted(changes)) for name, changes in out.items()},
    )


_CHANGE_FIELDS = (
    "arguments_removed",
    "arguments_added",
    "arguments_now_required",
    "attributes_removed",
    "blocks_removed",
    "blocks_added",
    "blocks_now_required",
    "types_changed",
)
