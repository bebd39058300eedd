"""The reference pages shipped with tfgen (``tfgen docs [TOPIC]``).

The pages are the Markdown files of the repository's ``docs/`` folder, installed as package
data (``tfgen/data/docs``); the spec reference is rendered from the model itself, so a
pip-installed tfgen prints the same pages a clone has.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tfgen.errors import InternalError


@dataclass(frozen=True)
class Topic:
    name: str
    summary: str
    file: str  # the page under docs/
    render: Callable[[], str] | None = None  # generated pages: the generator


def _spec() -> str:
    from tfgen.spec.reference import render  # noqa: PLC0415

    return render()


TOPICS: tuple[Topic, ...] = (
    Topic("quickstart", "start a new platform with `tfgen init`", "quickstart.md"),
    Topic("spec", "every field of the spec files: type, default, tiered or not", "spec.md", _spec),
    Topic("errors", "every error code (TFGnnn) and what it means", "errors.md"),
    Topic("secrets", "how services get secrets; TFG223 and checks.allow_plain", "secrets.md"),
    Topic("rules", "the AWS rules of the `rules` layer", "rules.md"),
    Topic("report", "the JSON report format of `--format json`", "report-format.md"),
    Topic("env", "environment variables (TFGEN_*, NO_COLOR), colour, completion", "environment.md"),
    Topic("deviations", "where tfgen departs from the seed platform document", "deviations.md"),
)
TOPIC_NAMES = tuple(t.name for t in TOPICS)


def docs_dir() -> Path:
    """The installed pages (``tfgen/data/docs``), or the repository's ``docs/``."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "data" / "docs", here.parents[1] / "docs"):
        if (candidate / "errors.md").is_file():
            return candidate
    raise InternalError("TFG409", "tfgen's documentation pages are missing from the installation")


def topic(name: str) -> Topic:
    return next(t for t in TOPICS if t.name == name)


def page(name: str) -> str:
    """The Markdown text of topic ``name`` (one of :data:`TOPIC_NAMES`)."""
    chosen = topic(name)
    if chosen.render is not None:
        return chosen.render()
    return (docs_dir() / chosen.file).read_text(encoding="utf-8")


def index() -> str:
    """The list of topics, one per line."""
    width = max(len(t.name) for t in TOPICS)
    lines = ["Reference pages (tfgen docs TOPIC):", ""]
    lines += [f"  {t.name.ljust(width)}  {t.summary}" for t in TOPICS]
    return "\n".join(lines) + "\n"
