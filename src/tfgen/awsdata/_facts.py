"""Loading the shipped data files (``tfgen/data/aws/*.json``) into typed, cached facts.

The files are written by ``tools/gen_aws_data.py`` (``make aws-data``); their format is
described in ``docs/aws-data.md``. Everything is read lazily, once per process.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from tfgen.errors import InternalError

# engine key -> the data file (dataset) that describes it
ENGINE_DATASETS: dict[str, str] = {
    "aurora-postgresql": "aurora",
    "aurora-mysql": "aurora",
    "redis": "elasticache",
    "valkey": "elasticache",
    "opensearch": "opensearch",
    "rabbitmq": "mq",
}
DATASETS: tuple[str, ...] = ("aurora", "rds-proxy", "elasticache", "opensearch", "mq")
# how many dot-separated numeric parts make an engine's major version ("8.0", "16", "3.13")
MAJOR_PARTS: dict[str, int] = {
    "aurora-postgresql": 1,
    "aurora-mysql": 2,
    "redis": 1,
    "valkey": 1,
    "opensearch": 1,
    "rabbitmq": 2,
}
# statuses of a version that AWS still creates new resources with
USABLE = frozenset({"available", "supported"})

JsonObject = dict[str, Any]


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Natural order: numeric parts as numbers ("16.10" after "16.9"), text after numbers."""
    parts = re.findall(r"\d+|[A-Za-z]+", version)
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)


def natural(versions: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(versions), key=lambda v: (version_key(v), v)))


@dataclass(frozen=True)
class EngineFacts:
    """What the shipped data says about one engine (see :data:`ENGINE_DATASETS`)."""

    engine: str
    dataset: str
    status: Mapping[str, str]  # full version -> available | deprecated | legacy | ...
    end_of_support: Mapping[str, str]  # version -> ISO date, where documented
    instance_classes: tuple[str, ...]  # every class AWS prices for the engine, sorted
    regions: Mapping[str, frozenset[str]]  # region -> classes offered there
    previous_generation: frozenset[str] = frozenset()
    version_families: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    single_instance_only: frozenset[str] = frozenset()
    legacy_versions: tuple[str, ...] = ()  # e.g. Elasticsearch_* for opensearch
    fact_sources: Mapping[str, str] = field(default_factory=dict)
    source: str = ""

    @property
    def versions(self) -> tuple[str, ...]:
        """Every known version, oldest first."""
        return natural(self.status)

    @property
    def prefix(self) -> str:
        """The fixed prefix of the engine's version strings ("OpenSearch_" for opensearch)."""
        return "OpenSearch_" if self.engine == "opensearch" else ""

    def fact_source(self, fact: str) -> str:
        return self.fact_sources.get(fact, self.source)


@cache
def load(dataset: str) -> JsonObject:
    """The parsed data file of ``dataset`` (one of :data:`DATASETS`)."""
    if dataset not in DATASETS:
        raise ValueError(f"unknown AWS dataset {dataset!r}; known: {', '.join(DATASETS)}")
    path = resources.files("tfgen").joinpath("data", "aws", f"{dataset}.json")
    try:
        data: JsonObject = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InternalError("TFG409", f"tfgen's AWS data file {dataset}.json: {exc}") from exc
    return data


def _regions(raw: Mapping[str, Iterable[str]]) -> dict[str, frozenset[str]]:
    return {region: frozenset(types) for region, types in raw.items()}


def _eos(versions: Mapping[str, Any]) -> dict[str, str]:
    return {v: str(d["end_of_support"]) for v, d in versions.items() if "end_of_support" in d}


def _status(versions: Mapping[str, Any]) -> dict[str, str]:
    return {v: d if isinstance(d, str) else str(d["status"]) for v, d in versions.items()}


def _aurora(engine: str, data: JsonObject) -> EngineFacts:
    raw = data["engines"][engine]
    return EngineFacts(
        engine=engine,
        dataset="aurora",
        status=_status(raw["versions"]),
        end_of_support={},
        instance_classes=tuple(raw["instance_classes"]),
        regions=_regions(raw["regions"]),
        fact_sources=data["fact_sources"],
        source=data["source"],
    )


def _elasticache(engine: str, data: JsonObject) -> EngineFacts:
    previous = frozenset(data["previous_generation"])
    return EngineFacts(
        engine=engine,
        dataset="elasticache",
        status=_status(data["engines"][engine]["versions"]),
        end_of_support={},
        # AWS creates no new cluster on a previous-generation node type
        instance_classes=tuple(t for t in data["node_types"] if t not in previous),
        regions=_regions(data["regions"]),
        previous_generation=previous,
        fact_sources=data["fact_sources"],
        source=data["source"],
    )


def _opensearch(engine: str, data: JsonObject) -> EngineFacts:
    return EngineFacts(
        engine=engine,
        dataset="opensearch",
        status=_status(data["engines"]["opensearch"]["versions"]),
        end_of_support={},
        instance_classes=tuple(data["instance_types"]),
        regions=_regions(data["regions"]),
        previous_generation=frozenset(data["previous_generation"]),
        legacy_versions=natural(data["engines"]["elasticsearch"]["versions"]),
        fact_sources=data["fact_sources"],
        source=data["source"],
    )


def _rabbitmq(engine: str, data: JsonObject) -> EngineFacts:
    raw = data["engines"]["rabbitmq"]
    return EngineFacts(
        engine=engine,
        dataset="mq",
        status=_status(raw["versions"]),
        end_of_support=_eos(raw["versions"]),
        instance_classes=tuple(raw["instance_types"]),
        regions=_regions(raw["regions"]),
        version_families={v: tuple(f) for v, f in raw["version_instance_families"].items()},
        single_instance_only=frozenset(raw["single_instance_only"]),
        fact_sources=data["fact_sources"],
        source=data["source"],
    )


_READERS = {
    "aurora": _aurora,
    "elasticache": _elasticache,
    "opensearch": _opensearch,
    "mq": _rabbitmq,
}


@cache
def facts(engine: str) -> EngineFacts:
    """The facts of ``engine`` (an AWS engine key of :data:`ENGINE_DATASETS`)."""
    dataset = ENGINE_DATASETS.get(engine)
    if dataset is None:
        known = ", ".join(ENGINE_DATASETS)
        raise ValueError(f"unknown AWS engine {engine!r}; known: {known}")
    return _READERS[dataset](engine, load(dataset))
