"""What ``tfgen lint`` adds around the layers: files that do not parse are findings,
not a stop, and progress for large inputs."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TextIO

from tfgen.check.findings import Finding, HclLocation, Severity

Progress = Callable[[str], None]
LARGE_BYTES = 1_000_000  # inputs at least this large (or with this many files) show progress
LARGE_FILES = 50
PARSE_LAYER = "parse"

# findings that a declaration in a file that does not parse could have answered
_UNRESOLVABLE = ("CON003", "CON004", "CON005", "CON006", "CON007", "CON008")
_TF_UNRESOLVABLE = ("TF-reference-to-undeclared",)


def no_progress(_message: str) -> None:
    """The progress callback that shows nothing."""


def is_large(files: Mapping[str, str]) -> bool:
    return len(files) >= LARGE_FILES or sum(len(t) for t in files.values()) >= LARGE_BYTES


def syntax_findings(files: Mapping[str, str], progress: Progress) -> dict[str, Finding]:
    """One finding per file that does not parse, keyed by file (HCL001: invalid HCL,
    HCL002: valid, but nested too deeply for python-hcl2).  Parsed documents are cached,
    so the layers that follow do not parse again."""
    from tfgen.hcl import piece_progress  # noqa: PLC0415
    from tfgen.hcl.parallel import parse_ahead  # noqa: PLC0415

    shown = _ParseProgress(progress, len(files), sum(len(t) for t in files.values()))
    shown.ahead = parse_ahead(files, shown.parsed)  # in worker processes, when large enough
    broken: dict[str, Finding] = {}
    with piece_progress(shown.parsed):
        for path, text in sorted(files.items()):
            shown.next_file(len(text))
            finding = _syntax_finding(path, text)
            if finding is not None:
                broken[path] = finding
    return broken


@dataclass
class _ParseProgress:
    """``parsing 3/12 files (1.2 of 4.8 MB)``, updated after each piece of a file."""

    progress: Progress
    files: int
    total: int
    file: int = 0
    done: int = 0
    finished: int = 0  # the size of the files before this one
    ahead: bool = False  # worker processes parsed the files (and counted them in done)

    def next_file(self, size: int) -> None:
        self.file += 1
        if not self.ahead:
            self.done = self.finished
            self.finished += size
        self.parsed(0)

    def parsed(self, size: int) -> None:
        self.done += size
        which = f"{self.file}/{self.files}" if self.file else str(self.files)
        done = _mb(min(self.done, self.total))
        self.progress(f"parsing {which} file(s) ({done} of {_mb(self.total)} MB)")


def _syntax_finding(path: str, text: str) -> Finding | None:
    from tfgen.hcl import HclSyntaxError, HclTooDeep, parse_hcl  # noqa: PLC0415

    try:
        parse_hcl(text, path)
    except HclSyntaxError as exc:
        [problem] = exc.problems
        severity = Severity.WARNING if isinstance(exc, HclTooDeep) else Severity.ERROR
        where = HclLocation(path, exc.line, exc.column, "")
        return Finding(PARSE_LAYER, severity, exc.code, problem.message, where, hint=problem.hint)
    return None


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f}"


def unresolvable_dropped(findings: list[Finding], broken: set[str]) -> list[Finding]:
    """``findings`` without the reference findings of module folders holding a file that
    does not parse (its declarations are unknown, so those findings may be false)."""
    folders = {posixpath.dirname(p) for p in broken}

    def unresolvable(finding: Finding) -> bool:
        loc = finding.location
        return (
            loc is not None
            and posixpath.dirname(loc.file) in folders
            and finding.code.startswith((*_UNRESOLVABLE, *_TF_UNRESOLVABLE))
        )

    return [f for f in findings if not unresolvable(f)]


def layer_progress(progress: Progress, layers: list[str]) -> Callable[[str], None]:
    """A callback for :func:`tfgen.check.layers.run_layers`: one line per layer started."""

    def started(layer: str) -> None:
        number = layers.index(layer) + 1 if layer in layers else 0
        progress(f"running {layer} ({number}/{len(layers)} layers)")

    return started


class LineProgress:
    """Progress as one line on a terminal, rewritten in place (``\\r``); clear it
    before anything else is printed."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.width = 0

    def __call__(self, message: str) -> None:
        text = f"tfgen lint: {message}"
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()
        self.width = max(self.width, len(text))

    def clear(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0
