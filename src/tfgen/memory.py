"""Pausing Python's cycle collector around work that allocates many short-lived objects."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a parse or a spec load allocates millions of
    objects (lark tree nodes; a YAML value, position and model field each): its full
    collections rescan the whole heap again and again and make large inputs superlinear,
    and they find nothing to free (those objects hold no reference cycles; a cycle made
    meanwhile is collected later).  The collector's earlier state is restored."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
