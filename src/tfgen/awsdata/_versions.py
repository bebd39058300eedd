"""Engine versions: majors, the latest usable version, and what a spec's version means."""

from __future__ import annotations

import re

from tfgen.awsdata._facts import MAJOR_PARTS, USABLE, EngineFacts, natural


def numeric(fx: EngineFacts, version: str) -> str:
    """``version`` without the engine's fixed prefix ("OpenSearch_2.19" -> "2.19")."""
    return version.removeprefix(fx.prefix)


def canonical(fx: EngineFacts, version: str) -> str:
    """The spelling the data uses: "2.19" -> "OpenSearch_2.19", "7.x" -> "7"."""
    text = str(version).strip()
    text = re.sub(r"\.x$", "", text, flags=re.IGNORECASE)
    if fx.prefix and not text.startswith(fx.prefix) and not text.startswith("Elasticsearch_"):
        text = fx.prefix + text
    return text


def major_of(fx: EngineFacts, version: str) -> str:
    """The major version ``version`` belongs to ("16.4" -> "16", "8.0.mysql_aurora.3.08.0" ->
    "8.0", "3.13.2" -> "3.13", "OpenSearch_2.19" -> "OpenSearch_2")."""
    parts = re.split(r"[.-]", numeric(fx, version))
    return fx.prefix + ".".join(parts[: MAJOR_PARTS[fx.engine]])


def is_plain(fx: EngineFacts, version: str) -> bool:
    """A general-purpose version (not e.g. Aurora's "16.4-limitless" special builds)."""
    return "-" not in numeric(fx, version)


def usable(fx: EngineFacts, version: str) -> bool:
    return fx.status.get(version) in USABLE


def usable_versions(fx: EngineFacts, major: str | None = None) -> tuple[str, ...]:
    """Versions AWS creates new resources with, oldest first (optionally of one major)."""
    return tuple(
        v for v in fx.versions if usable(fx, v) and (major is None or major_of(fx, v) == major)
    )


def majors(fx: EngineFacts) -> tuple[str, ...]:
    """Majors with at least one usable general-purpose version, oldest first."""
    return natural(major_of(fx, v) for v in usable_versions(fx) if is_plain(fx, v))


def latest(fx: EngineFacts, major: str | None = None) -> str | None:
    """The newest usable general-purpose version (of ``major``), or None."""
    candidates = [v for v in usable_versions(fx, major) if is_plain(fx, v)]
    return candidates[-1] if candidates else None


def is_major(fx: EngineFacts, version: str) -> bool:
    """Whether ``version`` (canonical) names a major version rather than one release."""
    return version not in fx.status and major_of(fx, version) == version


def resolve(fx: EngineFacts, version: str) -> str | None:
    """The release a spec's version means: itself when usable, the latest of a major, or None.

    Line-versioned engines (RabbitMQ: "3.13") also accept a patch release of a usable line.
    """
    value = canonical(fx, version)
    if usable(fx, value):
        return value
    if is_major(fx, value):
        return latest(fx, value)
    line = major_of(fx, value)
    if line in fx.status and usable(fx, line) and fx.engine == "rabbitmq":
        return value
    return None
