"""The checks: a spec's engine version or instance class against the shipped AWS data."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tfgen.awsdata import _versions as ver
from tfgen.awsdata._facts import EngineFacts, facts

CLOSEST = 3


@dataclass(frozen=True)
class Finding:
    """Why a value is not one AWS accepts: a short message, the closest valid values, and the
    source of the fact (package and version, or documentation page) to cite in the hint."""

    message: str
    closest: tuple[str, ...]
    source: str

    @property
    def hint(self) -> str:
        """E.g. "use 16.6, 16.8 or 17.7 (AWS data: cfn-lint 1.58.0)"."""
        use = f"use {_or(self.closest)} " if self.closest else ""
        return f"{use}(AWS data: {self.source})"


def _or(values: Sequence[str]) -> str:
    quoted = [f"`{v}`" for v in values]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def closest(value: str, candidates: Iterable[str], fallback: Sequence[str] = ()) -> tuple[str, ...]:
    """Up to three candidates that look like ``value``, else ``fallback`` (its last three)."""
    pool = list(dict.fromkeys(candidates))
    found = difflib.get_close_matches(value, pool, n=CLOSEST, cutoff=0.5)
    return tuple(found) if found else tuple(fallback[-CLOSEST:])


# --- versions ------------------------------------------------------------------------------


def _latest_of_first_part(fx: EngineFacts, value: str) -> str | None:
    """The newest usable release whose first number is the value's ("3.12" -> "3.13")."""
    first = ver.numeric(fx, value).split(".")[0]
    same = [
        v
        for v in ver.usable_versions(fx)
        if ver.is_plain(fx, v) and ver.numeric(fx, v).split(".")[0] == first
    ]
    return same[-1] if same else None


def _version_suggestions(fx: EngineFacts, value: str) -> tuple[str, ...]:
    """The latest release of the value's major (or of its first number), the latest overall,
    then look-alikes: at most three."""
    picks = [
        ver.latest(fx, ver.major_of(fx, value)),
        _latest_of_first_part(fx, value),
        ver.latest(fx),
    ]
    found = [v for v in picks if v is not None]
    found += closest(value, ver.usable_versions(fx))
    return tuple(dict.fromkeys(found))[:CLOSEST]


def _retired(fx: EngineFacts, value: str) -> str:
    status = fx.status[value]
    if value in fx.end_of_support:
        return f"reached end of support on {fx.end_of_support[value]}"
    if status == "deprecated":
        return "is deprecated: AWS no longer creates new clusters with it"
    return f"is {status}"


def _legacy_version(fx: EngineFacts, value: str) -> Finding | None:
    if value not in fx.legacy_versions:
        return None
    message = f"`{value}` is a legacy Elasticsearch engine version; {fx.engine} takes OpenSearch"
    newest = ver.latest(fx)
    return Finding(message, (newest,) if newest else (), fx.fact_source("versions"))


def check_engine_version(engine: str, version: str) -> Finding | None:
    """None when AWS creates ``engine`` resources with ``version`` (a major such as "16" or
    "8.0", or a full version such as "16.4"); otherwise why not, and the closest valid values."""
    fx = facts(engine)
    value = ver.canonical(fx, version)
    if ver.resolve(fx, value) is not None:
        return None
    legacy = _legacy_version(fx, value)
    if legacy is not None:
        return legacy
    source = fx.fact_source("versions")
    if value in fx.status:
        message = f"{engine} version `{value}` {_retired(fx, value)}"
        return Finding(message, _version_suggestions(fx, value), source)
    if ver.is_major(fx, value) and ver.usable_versions(fx, value) == ():
        known = any(ver.major_of(fx, v) == value for v in fx.status)
        what = "has no version AWS still offers" if known else "is not a major version AWS offers"
        return Finding(f"{engine} {what}: `{value}`", _version_suggestions(fx, value), source)
    message = f"`{value}` is not an engine version AWS offers for {engine}"
    return Finding(message, _version_suggestions(fx, value), source)


# --- instance classes ----------------------------------------------------------------------


def allowed_classes(fx: EngineFacts, version: str | None, region: str | None) -> tuple[str, ...]:
    """The classes valid for the engine, narrowed to a version's families and a region."""
    classes = fx.instance_classes
    families = _families(fx, version)
    if families:
        classes = tuple(c for c in classes if _family(c) in families)
    if region is not None and region in fx.regions:
        classes = tuple(c for c in classes if c in fx.regions[region])
    return classes


def _family(cls: str) -> str:
    """ "mq.m7g.large" -> "mq.m7g", "db.r6g.large" -> "db.r6g", "r6g.large.search" -> "r6g"."""
    parts = cls.split(".")
    return ".".join(parts[:2]) if parts[0] in {"db", "cache", "mq"} else parts[0]


def _families(fx: EngineFacts, version: str | None) -> tuple[str, ...]:
    if version is None or not fx.version_families:
        return ()
    resolved = ver.resolve(fx, version) or ver.canonical(fx, version)
    return fx.version_families.get(ver.major_of(fx, resolved), ())


def _class_in_context(
    fx: EngineFacts, cls: str, version: str | None, region: str | None
) -> Finding | None:
    source = fx.fact_source("instance_classes")
    families = _families(fx, version)
    if families and _family(cls) not in families:
        message = f"{fx.engine} {version} runs only on {_or(families)} instance types, not `{cls}`"
        return Finding(message, closest(cls, allowed_classes(fx, version, None)), source)
    if region is not None and region in fx.regions and cls not in fx.regions[region]:
        message = f"AWS does not offer `{cls}` for {fx.engine} in {region}"
        return Finding(message, closest(cls, allowed_classes(fx, version, region)), source)
    return None


def check_instance_class(
    engine: str, cls: str, *, version: str | None = None, region: str | None = None
) -> Finding | None:
    """None when ``cls`` is an instance class (node type, broker instance type) AWS offers for
    ``engine`` -- for that ``version`` and in that ``region`` when given; otherwise why not."""
    fx = facts(engine)
    if cls in fx.previous_generation and cls not in fx.instance_classes:
        message = f"`{cls}` is a previous-generation type: AWS creates no new {engine} nodes on it"
        suggestions = closest(cls, allowed_classes(fx, version, region))
        return Finding(message, suggestions, fx.fact_source("previous_generation"))
    if cls not in fx.instance_classes:
        message = f"`{cls}` is not an instance class AWS offers for {engine}"
        suggestions = closest(cls, allowed_classes(fx, version, region))
        return Finding(message, suggestions, fx.fact_source("instance_classes"))
    return _class_in_context(fx, cls, version, region)
