"""Where the Jinja templates live: ``TFGEN_TEMPLATES``, the installed package, or the repo."""

from __future__ import annotations

import os
from pathlib import Path

from tfgen.errors import InternalError


def template_dir() -> Path:
    override = os.environ.get("TFGEN_TEMPLATES")
    candidates = [Path(override)] if override else []
    here = Path(__file__).resolve()
    candidates += [here.parent.parent / "_templates", here.parents[3] / "templates"]
    for candidate in candidates:
        if (candidate / "versions.tf.j2").is_file():
            return candidate
    raise InternalError("TFG401", "tfgen's templates/ folder is missing from the installation")
