"""The one Jinja2 environment every template renders through."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, wraps
from pathlib import Path
from typing import Any

import jinja2

from tfgen.render import hcl
from tfgen.render.templates import template_dir


class RawValueError(TypeError):
    """A template printed a value without passing it through an HCL filter."""


def _finalize(value: Any) -> Any:
    if isinstance(value, hcl.Hcl):
        return value
    raise RawValueError(
        f"template printed a raw {type(value).__name__} ({value!r:.60}); "
        "pass it through | hcl, | ident or | hclmap"
    )


def _strict(fn: Callable[..., hcl.Hcl]) -> Callable[..., hcl.Hcl]:
    """A filter that reports an undefined input as Jinja's own UndefinedError."""

    @wraps(fn)
    def wrapper(value: Any, *args: Any) -> hcl.Hcl:
        if isinstance(value, jinja2.Undefined):
            value._fail_with_undefined_error()
        return fn(value, *args)

    return wrapper


FILTERS: dict[str, Callable[..., hcl.Hcl]] = {
    "hcl": hcl.literal,
    "hclmap": hcl.block_map,
    "hclobject": hcl.object_block,
    "ident": hcl.ident,
    "comment": hcl.comment,
    "inner": hcl.inner,
    "expr": hcl.expr,
}


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates in tfgen's cache folder (keyed by template source and name)."""
    from tfgen.cache import cache_dir  # noqa: PLC0415
    from tfgen.errors import ToolError  # noqa: PLC0415

    try:
        folder = cache_dir() / "jinja"
        folder.mkdir(parents=True, exist_ok=True)
    except (OSError, ToolError):
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


@cache
def jinja_environment(root: Path | None = None) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(root or template_dir())),
        bytecode_cache=_bytecode_cache(),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_finalize,
        auto_reload=False,
    )
    env.filters.update({name: _strict(fn) for name, fn in FILTERS.items()})
    return env
