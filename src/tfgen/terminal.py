"""Whether output gets ANSI colour: one decision for the whole command line.

``--no-color`` or ``NO_COLOR`` (any non-empty value, https://no-color.org) turn colour off;
``FORCE_COLOR`` (non-empty and not ``0``/``false``) turns it on for a pipe; otherwise
colour only on a terminal.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import IO, Any

NO_COLOR_ENV = "NO_COLOR"
FORCE_COLOR_ENV = "FORCE_COLOR"
_FALSE = ("0", "false", "no")


def color_enabled(
    stream: IO[Any], no_color: bool = False, env: Mapping[str, str] | None = None
) -> bool:
    """True when text written to ``stream`` may carry ANSI colour."""
    environ = os.environ if env is None else env
    if no_color or environ.get(NO_COLOR_ENV, ""):
        return False
    forced = environ.get(FORCE_COLOR_ENV, "").strip().lower()
    if forced and forced not in _FALSE:
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty()) if callable(isatty) else False
