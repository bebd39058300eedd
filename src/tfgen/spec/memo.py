"""Results of work on model objects already seen, by identity.

An environment shares every model its overlay does not change with the base platform
(:func:`tfgen.spec.loader.load_environment`), so the rules that run once per environment can
reuse what they computed for the base platform instead of redoing it for each environment.
Models are frozen; the memo keeps each object alive so that its ``id`` stays unique.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class Memo:
    def __init__(self) -> None:
        self._results: dict[tuple[Hashable, ...], tuple[tuple[object, ...], Any]] = {}
        self.misses = 0

    def get(
        self, objs: tuple[object, ...], key: tuple[Hashable, ...], compute: Callable[[], T]
    ) -> T:
        """``compute()``, once per identity of the objects in ``objs`` and value of ``key``."""
        full = (*(id(obj) for obj in objs), *key)
        found = self._results.get(full)
        if found is None:
            self.misses += 1
            found = self._results[full] = (objs, compute())
        result: T = found[1]
        return result
