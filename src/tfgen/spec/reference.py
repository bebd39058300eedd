"""The spec field reference, generated from the pydantic model.

``tfgen docs spec`` prints it; ``docs/spec.md`` is a copy (``python -m tools.gen_spec_docs``
rewrites it, and a test fails when it is stale).
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from tfgen.spec.model import TIER_MARK, Platform

INTRO = """# Spec reference

Generated from tfgen's model: `tfgen docs spec` prints this page, and `tfgen schema` prints
the same model as JSON Schema (with these descriptions) for editors.

Spec files (`specs/*.yaml`) hold these top-level sections; entities are maps keyed by name.
Environment files (`environments/<env>.yaml`) may override only fields marked **tiered**
(they are rendered into `environments/<env>.tfvars`); every other field is structure,
shared by every workspace. Overlays merge maps and replace lists.
"""


def _name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _name(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return " | ".join(_name(a) for a in typing.get_args(annotation))
    if origin is typing.Literal:
        return " \\| ".join(repr(a) for a in typing.get_args(annotation)).replace("'", "`")
    if origin in (list, dict):
        args = ", ".join(_name(a) for a in typing.get_args(annotation))
        return f"{origin.__name__}[{args}]"
    if annotation is type(None):
        return "null"
    return getattr(annotation, "__name__", str(annotation))


def _models(model: type[BaseModel], seen: list[type[BaseModel]]) -> None:
    if model in seen:
        return
    seen.append(model)
    for info in model.model_fields.values():
        for sub in _nested(info.annotation):
            _models(sub, seen)


def _nested(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _nested(arg)]


def _default(info: FieldInfo) -> str:
    if info.default is not PydanticUndefined:
        value = info.default
        if isinstance(value, BaseModel):
            return "(defaults)"
        return f"`{value!r}`" if value is not None else "`null`"
    if info.default_factory is not None:
        return "(defaults)"
    return "**required**"


def _metadata_patterns(metadata: list[Any]) -> list[str]:
    return [m.pattern for m in metadata if isinstance(getattr(m, "pattern", None), str)]


def _annotation_patterns(annotation: Any) -> list[str]:
    """The patterns of an annotation's constrained strings (list items, dict values)."""
    found: list[str] = []
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is dict:
        args = args[1:]  # the keys: :func:`_key_patterns`
    for arg in args:
        if isinstance(arg, FieldInfo):
            found += _metadata_patterns(arg.metadata)
        elif not (isinstance(arg, type) and issubclass(arg, BaseModel)):
            found += _annotation_patterns(arg)
    return found


def _key_patterns(annotation: Any) -> list[str]:
    """The patterns of a map's keys (entity names, variable names); also ``dict | None``."""
    maps = [annotation, *typing.get_args(annotation)]
    for candidate in maps:
        if typing.get_origin(candidate) is dict:
            key = typing.get_args(candidate)[0]
            infos = [a for a in typing.get_args(key) if isinstance(a, FieldInfo)]
            return [p for info in infos for p in _metadata_patterns(info.metadata)]
    return []


def _listed(label: str, patterns: list[str]) -> str:
    if not patterns:
        return ""
    return f" {label}: " + ", ".join(f"`{p}`" for p in dict.fromkeys(patterns)) + "."


def _patterns(info: FieldInfo) -> str:
    """' Pattern: `...`.' for the regular expressions a value (and ' Keys: ...' a map's
    keys) must match, or ''."""
    values = _metadata_patterns(info.metadata) + _annotation_patterns(info.annotation)
    return _listed("Pattern", values) + _listed("Keys", _key_patterns(info.annotation))


def _row(name: str, info: FieldInfo) -> str:
    extra = info.json_schema_extra
    tiered = "tiered" if isinstance(extra, dict) and extra.get(TIER_MARK) else ""
    description = ((info.description or "") + _patterns(info)).strip().replace("|", "\\|")
    kind = _name(info.annotation)
    kind = kind if "`" in kind else kind.replace("|", "\\|")
    return f"| `{name}` | {kind} | {_default(info)} | {tiered} | {description} |"


def render() -> str:
    """The Markdown reference of every spec section and field."""
    models: list[type[BaseModel]] = []
    _models(Platform, models)
    parts = [INTRO]
    for model in models:
        doc = (model.__doc__ or "").strip().splitlines()
        parts.append(f"\n## {model.__name__}\n")
        if doc and not doc[0].startswith("!!!"):
            parts.append(doc[0] + "\n")
        parts.append("| field | type | default | tiered | description |")
        parts.append("| --- | --- | --- | --- | --- |")
        parts.extend(_row(name, info) for name, info in model.model_fields.items())
    return "\n".join(parts) + "\n"


SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "urn:tfgen:spec"


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the spec files, with every field's description.

    It describes the merged spec; editors apply it to each file, where a section may be
    missing. ``$id`` is the stable URN ``urn:tfgen:spec``.
    """
    schema: dict[str, Any] = Platform.model_json_schema()
    return {"$schema": SCHEMA_DIALECT, "$id": SCHEMA_ID, **schema}
