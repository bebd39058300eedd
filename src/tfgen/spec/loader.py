"""Load ``specs/*.yaml`` and ``environments/<env>.yaml`` into validated models.

Spec files are split by concern; their top-level sections merge (an entity may be
defined in one file only).  An environment file overlays the specs: maps merge,
lists replace, and only tiered fields may change (structure is shared by every
workspace).  Every error names the YAML position of the offending value.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from tfgen.errors import Location, Problem, UserError, user_error
from tfgen.fsinfo import REGULAR, path_kind
from tfgen.spec.model import PATTERN_HELP, TIER_MARK, Environment, Platform
from tfgen.spec.yamlsource import PathKey, Positions, YamlDocument, load_yaml_file

SPEC_DIR = "specs"
ENV_DIR = "environments"
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass
class Source:
    """Merged YAML data with the position of every value."""

    data: dict[str, Any]
    positions: Positions
    files: list[str]

    def where(self, path: PathKey) -> Location | None:
        return self.positions.value(path)

    def locate(self, path: PathKey) -> Location | None:
        """Where a person edits ``path``: the key of a mapping, the value of a scalar."""
        node: Any = self.data
        for part in path:
            in_map = isinstance(node, dict) and part in node
            in_list = isinstance(node, list) and isinstance(part, int) and part < len(node)
            if in_map or in_list:
                node = node[part]
            else:
                return self.positions.value(path)
        key = self.positions.exact_key(path) if isinstance(node, dict | list) else None
        return key if key is not None else self.positions.value(path)


@dataclass
class LoadedEnvironment:
    environment: Environment
    source: Source


def _yaml_files(folder: Path, root: Path) -> list[Path]:
    """The ``*.yaml``/``*.yml`` files in ``folder``, sorted; hidden names are ignored.

    Hidden names cover editor files (``.#x.yaml``, ``.x.yaml.swp``); other editor backups
    (``x.yaml~``, ``#x.yaml#``) do not end in ``.yaml``.  Anything else named ``*.yaml``
    that is not a regular file (a dangling symlink, a symlink loop, a FIFO, a device, a
    folder) is a located error: tfgen never silently skips a file the user meant to load.
    """
    found, problems = [], []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.suffix not in YAML_SUFFIXES:
            continue
        kind = path_kind(path)
        if kind == REGULAR:
            found.append(path)
            continue
        where = Location(f"{_display(folder, root)}/{path.name}")
        hint = "make it a regular YAML file, or remove or rename it"
        problems.append(Problem("TFG011", f"not a regular YAML file: {kind}", where, hint))
    if problems:
        raise UserError(problems)
    return found


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()


def _read(path: Path, root: Path) -> YamlDocument:
    doc = load_yaml_file(path, _display(path, root))
    if not isinstance(doc.data, dict):
        raise user_error(
            "TFG008",
            "a spec file must be a mapping of sections",
            doc.positions.value(()),
            "start the file with a section such as 'services:'",
        )
    return doc


def _merge_section(merged: Source, doc: YamlDocument, section: str) -> None:
    value = doc.data[section]
    if section not in merged.data:
        merged.data[section] = value
        merged.positions.update_from(doc.positions, (section,))
        return
    first = merged.positions.key((section,))
    if not isinstance(value, dict) or not isinstance(merged.data[section], dict):
        raise user_error(
            "TFG009",
            f"section {section!r} is defined twice (first at {first})",
            doc.positions.key((section,)),
            "define a non-map section in one file only",
        )
    for name, entity in value.items():
        if name in merged.data[section]:
            earlier = merged.positions.key((section, name))
            raise user_error(
                "TFG009",
                f"{section}.{name} is defined twice (first at {earlier})",
                doc.positions.key((section, name)),
                "define each entity in one spec file",
            )
        merged.data[section][name] = entity
        merged.positions.update_from(doc.positions, (section, name))


def load_specs(root: Path) -> Source:
    """Read and merge every spec file under ``root/specs``."""
    folder = root / SPEC_DIR
    if not folder.is_dir():
        raise user_error(
            "TFG010",
            f"no {SPEC_DIR}/ folder in {root}",
            Location(_display(folder, root)),
            "run tfgen from the project root or pass --project",
        )
    merged = Source({}, Positions(), [])
    for path in _yaml_files(folder, root):
        doc = _read(path, root)
        merged.files.append(doc.file)
        for section in doc.data:
            _merge_section(merged, doc, section)
    if not merged.files:
        where = Location(_display(folder, root))
        raise user_error("TFG010", f"no YAML files in {SPEC_DIR}/", where)
    return merged


def environment_names(root: Path) -> list[str]:
    folder = root / ENV_DIR
    if not folder.is_dir():
        return []
    return [p.stem for p in _yaml_files(folder, root)]


# --- overlays -----------------------------------------------------------------------------


def _unwrap(annotation: Any) -> Any:
    """Strip Annotated/Optional wrappers down to the model, dict or leaf type."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0] if len(args) == 1 else annotation
            if len(args) != 1:
                return annotation
        else:
            return annotation


@cache
def _fields(model: type[BaseModel]) -> dict[str, FieldInfo]:
    """``model.model_fields``, looked up once per class (pydantic's accessor is not free)."""
    return dict(model.model_fields)


@cache
def _field_is_tiered(model: type[BaseModel], name: str) -> bool:
    extra = _fields(model)[name].json_schema_extra
    return isinstance(extra, dict) and bool(extra.get(TIER_MARK))


def _walk(path: PathKey, model: Any = Platform) -> tuple[Any, bool]:
    """The annotation at ``path`` and whether it (or a field above it) is tiered.

    The annotation is ``None`` when the path leaves the model.
    """
    current = model
    for key in path:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            fields = _fields(current)
            if not isinstance(key, str) or key not in fields:
                return None, False
            if _field_is_tiered(current, key):
                return fields[key].annotation, True
            current = fields[key].annotation
        elif typing.get_origin(current) is dict:
            current = typing.get_args(current)[1]
        else:
            return None, False
    return _unwrap(current), False


def is_tiered(path: PathKey, model: Any = Platform) -> bool:
    """True when the value at ``path`` may be overridden per environment."""
    return _walk(path, model)[1]


def _is_section(path: PathKey) -> bool:
    """A model-typed field (``tier``, ``ingress.waf``), as opposed to an entity or a value."""
    parent, _ = _walk(path[:-1])
    if not (isinstance(parent, type) and issubclass(parent, BaseModel)):
        return False  # entries of entity maps are entities, which the specs must define
    annotation, _ = _walk(path)
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _check_override(path: PathKey, base: Any, env: YamlDocument) -> None:
    if is_tiered(path):
        return
    if isinstance(base, dict) and len(path) == 2 and path[1] not in base:
        raise user_error(
            "TFG302",
            f"environment overrides {path[0]}.{path[1]}, which the specs do not define",
            env.positions.key(path),
            "environments can only change tiered values of entities defined in specs/",
        )
    dotted = ".".join(str(p) for p in path)
    raise user_error(
        "TFG301",
        f"{dotted} is structure and cannot differ per environment",
        env.positions.key(path),
        "move the value into specs/, or override only tiered fields (run `tfgen docs spec`)",
    )


def _overlay(base: Any, over: Any, path: PathKey, env: YamlDocument, out: Source) -> Any:
    if isinstance(base, dict) and isinstance(over, dict) and not is_tiered(path):
        result = dict(base)
        for key, value in over.items():
            sub = (*path, key)
            below = base.get(key)
            if below is None and isinstance(value, dict) and _is_section(sub):
                below = {}  # a section the specs leave to its defaults
            elif key not in base:
                _check_override(sub, base, env)
            result[key] = _overlay(below, value, sub, env, out)
        return result
    if path and not is_tiered(path):
        _check_override(path, None, env)
    if isinstance(base, dict) and isinstance(over, dict):
        merged: Any = _deep_merge(base, over)
    else:
        merged = over
        out.positions.drop(path)
    out.positions.update_from(env.positions, path)
    return merged


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """``over`` on top of ``base``; both stay unchanged and the result shares their values."""
    result = dict(base)
    for key, value in over.items():
        old = result.get(key)
        if isinstance(old, dict) and isinstance(value, dict):
            result[key] = _deep_merge(old, value)
        else:
            result[key] = value
    return result


def overlay_environment(base: Source, root: Path, name: str) -> Source:
    path = root / ENV_DIR / f"{name}.yaml"
    if not path.is_file():
        path = root / ENV_DIR / f"{name}.yml"
    if not path.is_file():
        known = ", ".join(environment_names(root)) or "none"
        raise user_error(
            "TFG300",
            f"unknown environment {name!r} (known: {known})",
            Location(ENV_DIR),
            f"create {ENV_DIR}/{name}.yaml or pick a known environment",
        )
    env = _read(path, root)
    # Copy-on-write: the overlay copies only the maps on the paths it changes and shares every
    # other value (and position) with ``base``, which stays unchanged.
    out = Source(base.data, base.positions.fork(), [*base.files, env.file])
    out.data = _overlay(base.data, env.data, (), env, out)
    return out


# --- validation ---------------------------------------------------------------------------


def _describe(error: Any) -> tuple[str, str]:
    kind = str(error["type"])
    dotted = ".".join(str(p) for p in error["loc"])
    if kind == "missing":
        return "TFG101", f"{dotted}: required field is missing"
    if kind == "extra_forbidden":
        return "TFG102", f"{dotted}: unknown field"
    return "TFG103", f"{dotted}: {error['msg']}"


_HINTS = {
    "TFG101": "add the field (run `tfgen docs spec`)",
    "TFG102": "remove the field or fix its spelling (run `tfgen docs spec`)",
    "TFG103": "fix the value (run `tfgen docs spec`)",
}


def _hint(error: Any) -> str:
    """The hint of a validation error; a pattern mismatch says what the pattern means."""
    code, _ = _describe(error)
    if error["type"] == "string_pattern_mismatch":
        meaning = PATTERN_HELP.get(str(error.get("ctx", {}).get("pattern", "")))
        if meaning is not None:
            return f"use {meaning} (run `tfgen docs spec`)"
    return _HINTS[code]


def _error_location(error: Any, source: Source) -> Location | None:
    loc: PathKey = tuple(p for p in error["loc"] if isinstance(p, str | int))
    if error["type"] == "extra_forbidden":
        return source.positions.key(loc)
    return source.positions.value(loc)


def validate(model: type[BaseModel], data: Any, source: Source) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            code, message = _describe(error)
            problems.append(Problem(code, message, _error_location(error, source), _hint(error)))
        raise UserError(problems) from None


def load_platform(root: Path) -> tuple[Platform, Source]:
    """The platform as the specs define it (the structure every workspace shares)."""
    source = load_specs(root)
    platform: Platform = validate(Platform, source.data, source)
    return platform, source


def _reuse_validated(data: dict[str, Any], base: Source, platform: Platform) -> dict[str, Any]:
    """``data`` with each section and entity the overlay left as it was replaced by its model.

    The overlay shares what it does not change with ``base`` (the same objects), and
    ``platform`` is ``base`` validated: pydantic accepts a model instance as it is, so an
    environment validates only what it overrides and shares every other model with the base
    platform (which lets the rules skip what they have already checked).
    """
    result = dict(data)
    for name, value in data.items():
        known = base.data.get(name)
        validated = getattr(platform, name, None) if name in Platform.model_fields else None
        if validated is None or known is None:
            continue
        if value is known:
            result[name] = validated
        elif isinstance(value, dict) and isinstance(known, dict) and isinstance(validated, dict):
            result[name] = {
                key: validated[key] if item is known.get(key) and key in validated else item
                for key, item in value.items()
            }
    return result


def load_environment(
    root: Path, name: str, base: Source | None = None, base_platform: Platform | None = None
) -> LoadedEnvironment:
    """The platform of environment ``name``; ``base_platform`` is ``base`` validated."""
    base_source = base if base is not None else load_specs(root)
    source = overlay_environment(base_source, root, name)
    data = source.data
    if base is not None and base_platform is not None:
        data = _reuse_validated(data, base, base_platform)
    platform: Platform = validate(Platform, data, source)
    envmodel = Environment.model_validate({"name": name, "platform": platform}, strict=False)
    return LoadedEnvironment(envmodel, source)
