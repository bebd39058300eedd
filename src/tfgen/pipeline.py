"""The pipeline as plain functions: load -> rules -> render -> fmt -> parse back.

The CLI calls these and only prints and picks exit codes.  Nothing here writes to
``generated/``; :mod:`tfgen.render.writer` does, once everything succeeded.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tfgen.check.parseback import parse_back
from tfgen.errors import Location, Problem, UserError, sorted_problems, user_error
from tfgen.memory import collector_paused
from tfgen.render import cache
from tfgen.render.tree import render_tree
from tfgen.render.writer import Scope, check_tree
from tfgen.spec.loader import (
    ENV_DIR,
    LoadedEnvironment,
    Source,
    environment_names,
    load_environment,
    load_specs,
    validate,
)
from tfgen.spec.memo import Memo
from tfgen.spec.model import ENV_NAME_PATTERN, Platform
from tfgen.spec.rules import check_environment, check_platform, check_warnings
from tfgen.terraform.fmt import fmt_files
from tfgen.terraform.run import default_context

ENV_NAME = re.compile(ENV_NAME_PATTERN)
OUTPUT_DIR = "generated"
ENV_NAME_HINT = "name environment files with 2-10 lowercase letters or digits, e.g. prod.yaml"


@dataclass
class LoadedProject:
    root: Path
    platform: Platform
    source: Source
    known: list[str]
    environments: list[LoadedEnvironment]
    warnings: list[Problem] = field(default_factory=list)  # model warnings (e.g. TFG227)


def _known_environments(root: Path) -> list[str]:
    names = environment_names(root)
    if not names:
        raise user_error(
            "TFG300",
            f"no environment files in {ENV_DIR}/",
            Location(ENV_DIR),
            "add environments/<env>.yaml (e.g. dev.yaml, prod.yaml)",
        )
    bad = [n for n in names if not ENV_NAME.match(n)]
    if bad:
        raise user_error(
            "TFG303",
            f"invalid environment name {bad[0]!r}",
            Location(f"{ENV_DIR}/{bad[0]}.yaml"),
            ENV_NAME_HINT,
        )
    return names


def select_environments(
    root: Path, requested: Sequence[str], all_envs: bool, known: list[str] | None = None
) -> list[str]:
    known = known if known is not None else _known_environments(root)
    if all_envs or not requested:
        return known
    for name in requested:
        if name not in known:
            raise user_error(
                "TFG300",
                f"unknown environment {name!r} (known: {', '.join(known)})",
                Location(ENV_DIR),
                f"create {ENV_DIR}/{name}.yaml or pick a known environment",
            )
    return sorted(set(requested))


def load_project(root: Path, requested: Sequence[str] = (), all_envs: bool = True) -> LoadedProject:
    """Load the specs and the selected environments, and enforce every model rule."""
    with collector_paused():
        return _load_project(root, requested, all_envs)


def _load_project(root: Path, requested: Sequence[str], all_envs: bool) -> LoadedProject:
    known = _known_environments(root)
    names = select_environments(root, requested, all_envs, known)
    source = load_specs(root)
    platform: Platform = validate(Platform, source.data, source)
    envs = [load_environment(root, name, source, platform) for name in names]
    memo = Memo()  # the environments share every model they do not override with the platform
    problems: list[Problem] = list(check_platform(platform, source, known, memo))
    warnings = check_warnings(platform, source)
    for env in envs:
        resolved = env.environment.platform
        problems.extend(check_platform(resolved, env.source, known, memo))
        problems.extend(check_environment(platform, resolved, env.source, env.environment.name))
        warnings.extend(w for w in check_warnings(resolved, env.source) if w not in warnings)
    if problems:
        raise UserError(problems)
    return LoadedProject(root, platform, source, known, envs, sorted_problems(warnings))


@dataclass
class RenderedProject:
    """A loaded project and its rendered tree (path -> final text)."""

    project: LoadedProject
    files: dict[str, str]

    @property
    def names(self) -> list[str]:
        return [e.environment.name for e in self.project.environments]

    @property
    def output(self) -> Path:
        return self.project.root / OUTPUT_DIR


def load_and_render(
    root: Path, requested: Sequence[str] = (), all_envs: bool = True
) -> RenderedProject:
    """Load and check the specs, then render the selected environments in memory."""
    project = load_project(root, requested, all_envs)
    return RenderedProject(project, render_project(project))


def current_output(root: Path, env: str) -> RenderedProject:
    """Render ``env`` and check that ``generated/`` holds exactly that render (and nothing
    tfgen did not write); raise :class:`~tfgen.errors.StaleTree` otherwise."""
    rendered = load_and_render(root, [env], all_envs=False)
    out = rendered.output
    drift = check_tree(rendered.files, out, Scope((env,), all_envs=False), root)
    drift.ensure_current(f"{out} is stale for {env}; run `tfgen render {env}` first:")
    return rendered


def render_project(project: LoadedProject) -> dict[str, str]:
    """Render, ``terraform fmt`` and parse back the tree; returns path -> final text."""
    tree = render_tree(
        project.platform, [e.environment for e in project.environments], project.known
    )
    ctx = default_context()
    key = cache.tree_key(tree.files, f"{ctx.binary.kind}:{ctx.binary.version}")
    cached = cache.load(ctx.cache, key)
    if cached is not None:
        return cached
    formatted = fmt_files(tree.files, ctx)
    parse_back(formatted)
    cache.store(ctx.cache, key, formatted)
    return formatted
