"""Error types, source locations and the exit codes fixed by DESIGN.md.

Every error a user can cause is a :class:`UserError` carrying one or more
:class:`Problem` lines (``file:line:col: CODE message; hint: ...``).  The CLI
turns the error class into the exit code; nothing else decides it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1  # findings at/above the failing severity, or a stale tree with --check
    USAGE = 2  # the input could not be used
    TOOL = 3  # a tool tfgen depends on is missing or failed
    INTERNAL = 4  # a bug in tfgen


@dataclass(frozen=True, order=True)
class Location:
    """A position in a source file; line and column are 1-based (0 = unknown)."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.file
        return f"{self.file}:{self.line}:{max(self.column, 1)}"

    def relative_to(self, base: Path) -> Location:
        try:
            rel = Path(self.file).resolve().relative_to(base.resolve())
        except ValueError:
            return self
        return Location(rel.as_posix(), self.line, self.column)


@dataclass(frozen=True)
class Problem:
    """One user-facing problem: rendered as a single line."""

    code: str
    message: str
    location: Location | None = None
    hint: str = ""

    def render(self) -> str:
        where = f"{self.location}: " if self.location is not None else ""
        hint = f"; hint: {self.hint}" if self.hint else ""
        text = f"{where}{self.code} {self.message}{hint}"
        return " ".join(text.split("\n"))


@dataclass
class TfgenError(Exception):
    """Base of all errors tfgen raises on purpose."""

    problems: list[Problem] = field(default_factory=list)
    exit_code: ExitCode = ExitCode.INTERNAL

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def lines(self) -> list[str]:
        """What the CLI prints on stderr before it exits with :attr:`exit_code`."""
        return [p.render() for p in self.problems]


class UserError(TfgenError):
    """The input could not be used (exit 2)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(sorted_problems(problems), ExitCode.USAGE)


class ToolError(TfgenError):
    """A tool tfgen depends on is missing or failed (exit 3)."""

    def __init__(self, code: str, message: str, hint: str = "") -> None:
        super().__init__([Problem(code, message, None, hint)], ExitCode.TOOL)


class Failed(TfgenError):
    """The command ran and its outcome fails: findings at or above the failing severity
    (exit 1) or a validation layer that could not run (exit 3).  What explains it (the
    report) is already printed; ``message`` lines, if any, follow on stderr."""

    def __init__(self, exit_code: ExitCode, *message: str) -> None:
        super().__init__([], exit_code)
        self.message = list(message)

    def lines(self) -> list[str]:
        return self.message


class StaleTree(TfgenError):
    """The output folder does not match the specs (exit 1): ``render --check``, plan, apply."""

    def __init__(self, headline: str, entries: list[str], hint: str = "") -> None:
        super().__init__([], ExitCode.FINDINGS)
        self.headline = headline
        self.entries = entries
        self.hint = hint

    def lines(self) -> list[str]:
        hint = [f"hint: {self.hint}"] if self.hint else []
        return [self.headline, *(f"  {entry}" for entry in self.entries), *hint]


class InternalError(TfgenError):
    """A bug in tfgen, e.g. rendered HCL that does not parse back (exit 4)."""

    def __init__(self, code: str, message: str, location: Location | None = None) -> None:
        hint = "this is a bug in tfgen; please report it with the spec that caused it"
        super().__init__([Problem(code, message, location, hint)], ExitCode.INTERNAL)


def user_error(
    code: str, message: str, location: Location | None = None, hint: str = ""
) -> UserError:
    return UserError([Problem(code, message, location, hint)])


def _sort_key(p: Problem) -> tuple[str, int, int, str]:
    loc = p.location or Location("")
    return (loc.file, loc.line, loc.column, p.code)


def sorted_problems(problems: list[Problem]) -> list[Problem]:
    """Problems in file/line order, duplicates removed (deterministic output)."""
    unique = {(p.code, p.message, p.location, p.hint): p for p in problems}
    return sorted(unique.values(), key=_sort_key)
