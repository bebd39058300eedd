"""The one Jinja2 environment every template renders through."""

from __future__ import annotations

from functools import cache
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


@cache
def jinja_environment(root: Path | None = None) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(root or template_dir())),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_finalize,
        auto_reload=False,
    )
    env.filters["hcl"] = hcl.literal
    env.filters["hclmap"] = hcl.block_map
    env.filters["ident"] = hcl.ident
    env.filters["comment"] = hcl.comment
    env.filters["inner"] = hcl.inner
    env.filters["expr"] = hcl.expr
    return env
