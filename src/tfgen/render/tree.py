"""Render the whole Terraform tree in memory.

Templates under ``templates/`` mirror the output: ``modules/ecs/main.tf.j2`` renders
``modules/ecs/main.tf``; ``environments/env.*.j2`` render once per environment
(``environments/<env>.*``).  Folders starting with ``_`` hold partials.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from tfgen.errors import InternalError
from tfgen.render.context import shared_context, tfvars_values
from tfgen.render.environment import RawValueError, jinja_environment
from tfgen.render.kinds import (
    KINDS,
    EntityKind,
    module_present,
    moves,
    placements,
    present_stores,
    store_wiring,
    tier_values,
)
from tfgen.render.templates import template_dir
from tfgen.spec.model import Environment, Platform

PER_ENV_PREFIX = "environments/env."
SUFFIX = ".j2"


@dataclass
class RenderedTree:
    """Relative POSIX path -> file text, before ``terraform fmt``."""

    files: dict[str, str] = field(default_factory=dict)


def is_env_file(path: str) -> bool:
    return path.startswith("environments/")


def env_of(path: str) -> str | None:
    """The environment a per-environment file belongs to (environments/<env>.<kind>)."""
    if not is_env_file(path):
        return None
    return path.removeprefix("environments/").split(".", 1)[0]


def _templates(root: Path) -> list[str]:
    names = []
    for path in sorted(root.rglob(f"*{SUFFIX}")):
        rel = path.relative_to(root).as_posix()
        if not any(part.startswith("_") for part in rel.split("/")):
            names.append(rel)
    return names


def _render(name: str, context: dict[str, Any]) -> str:
    env = jinja_environment(template_dir())
    try:
        return env.get_template(name).render(context)
    except (jinja2.TemplateError, RawValueError, TypeError, ValueError) as exc:
        raise InternalError("TFG402", f"template {name} failed to render: {exc}") from exc


def _wanted(template: str, platform: Platform, kinds: tuple[EntityKind, ...]) -> bool:
    """Module templates render only when the registry says the module is present."""
    parts = template.split("/")
    return parts[0] != "modules" or module_present(platform, parts[1], kinds)


ENTITIES_TEMPLATE = "_shared/entities.tf.j2"
MOVED_TEMPLATE = "_shared/moved.tf.j2"


def _entity_files(
    platform: Platform, shared: dict[str, Any], kinds: tuple[EntityKind, ...]
) -> dict[str, str]:
    """Per module of a kind: the locals map of its entities (``<local>.tf``) and the
    ``moved`` blocks from the explicit addresses of earlier tfgen versions (``moved.tf``)."""
    files: dict[str, str] = {}
    for kind, placement in placements(kinds):
        if not module_present(platform, placement.module, kinds):
            continue
        maps = {
            emap.local: {
                name: emap.structure(name, entity)
                for name, entity in kind.placed(platform, placement, emap).items()
            }
            for emap in placement.maps
        }
        markers = {n: kind.spec_path(n) for m in maps.values() for n in m}
        context = {**shared, "section": kind.section, "maps": maps, "markers": markers}
        folder = f"modules/{placement.module}"
        files[f"{folder}/{placement.local}.tf"] = _render(ENTITIES_TEMPLATE, context)
        found = (
            moves(platform, placement.module, kinds) if platform.platform.legacy_addresses else []
        )
        if found:
            files[f"{folder}/moved.tf"] = _render(MOVED_TEMPLATE, {**shared, "moves": found})
    return files


def render_tree(
    platform: Platform,
    environments: list[Environment],
    known: list[str],
    kinds: tuple[EntityKind, ...] = KINDS,
) -> RenderedTree:
    """Render the shared HCL from the specs and one tfvars/backend per given environment.

    ``known`` lists every environment of the project: the shared HCL accepts exactly
    those, whichever subset is rendered now, so it is the same for every subset.
    """
    shared = shared_context(platform, sorted(known)) | {
        "stores": present_stores(platform, kinds),
        "store_wiring": store_wiring(platform, kinds),
    }
    tree = RenderedTree()
    for template in _templates(template_dir()):
        if not _wanted(template, platform, kinds):
            continue
        out = template.removesuffix(SUFFIX)
        if template.startswith(PER_ENV_PREFIX):
            kind = out.removeprefix(PER_ENV_PREFIX)
            for env in environments:
                values = tfvars_values(env) | tier_values(env.platform, kinds)
                context = {
                    **shared,
                    "env": env.name,
                    "values": values,
                    "entity_maps": sorted(k.section for k in kinds if k.tier_fields),
                }
                tree.files[f"environments/{env.name}.{kind}"] = _render(template, context)
        else:
            tree.files[out] = _render(template, shared)
    entity_files = _entity_files(platform, shared, kinds)
    clash = sorted(set(entity_files) & set(tree.files))
    if clash:
        raise InternalError("TFG402", f"an entity map would overwrite the template of {clash[0]}")
    tree.files.update(entity_files)
    return RenderedTree(dict(sorted(tree.files.items())))
