"""AWS facts about the data stores tfgen generates, from data shipped with tfgen.

Engine versions, instance classes and their generation, regional availability, RDS Proxy engine
families and Amazon MQ deployment modes come from ``tfgen/data/aws/*.json``, which
``make aws-data`` (``tools/gen_aws_data.py``) regenerates from pinned machine-readable sources
(botocore's API models, cfn-lint's AWS-API-derived data, the AWS CDK) and a reviewed file of
documented facts; every file records its sources. See ``docs/aws-data.md``.

Engines are named by their AWS engine keys:

=====================  ==========================================  ===================
engine key             what                                        spec (kind: engine)
=====================  ==========================================  ===================
``aurora-postgresql``  Aurora PostgreSQL (RDS engine name)         databases: postgres
``aurora-mysql``       Aurora MySQL (RDS engine name)              databases: mysql
``redis``              ElastiCache (Redis OSS)                     caches: redis
``valkey``             ElastiCache (Valkey)                        caches: valkey
``opensearch``         OpenSearch Service (``OpenSearch_X.Y``)     search
``rabbitmq``           Amazon MQ for RabbitMQ                      brokers
=====================  ==========================================  ===================

:func:`engine_for` maps a spec's engine name to its key. Versions may be given as a major
("16", "8.0", "7", "2", "3.13") or a full version ("16.4", "8.0.mysql_aurora.3.08.0", "7.1",
"OpenSearch_2.19" or "2.19"); a major means its latest release (:func:`resolve_version`). The
data names no AWS *default* version, so :func:`latest_version` is the newest usable release.
"""

from __future__ import annotations

from tfgen.awsdata import _versions as _ver
from tfgen.awsdata._checks import (
    Finding,
    allowed_classes,
    check_engine_version,
    check_instance_class,
    closest,
)
from tfgen.awsdata._facts import DATASETS, ENGINE_DATASETS, facts, load

__all__ = [
    "DATASETS",
    "ENGINES",
    "Finding",
    "check_broker_deployment",
    "check_engine_version",
    "check_instance_class",
    "deployment_modes",
    "engine_for",
    "engine_versions",
    "instance_classes",
    "is_previous_generation",
    "latest_version",
    "major_versions",
    "proxy_engine_families",
    "proxy_engine_family",
    "regions",
    "resolve_version",
    "source",
]

ENGINES: tuple[str, ...] = tuple(ENGINE_DATASETS)

# a spec's engine name -> AWS engine key (tfgen's databases are Aurora clusters)
_SPEC_ENGINES: dict[str, str] = {
    "postgres": "aurora-postgresql",
    "postgresql": "aurora-postgresql",
    "mysql": "aurora-mysql",
    "redis": "redis",
    "valkey": "valkey",
    "opensearch": "opensearch",
    "rabbitmq": "rabbitmq",
}


def engine_for(spec_engine: str) -> str:
    """The AWS engine key of a spec's engine name ("postgres" -> "aurora-postgresql"); an AWS
    key is returned as is."""
    if spec_engine in ENGINE_DATASETS:
        return spec_engine
    if spec_engine not in _SPEC_ENGINES:
        raise ValueError(f"no AWS engine for {spec_engine!r}; known: {', '.join(_SPEC_ENGINES)}")
    return _SPEC_ENGINES[spec_engine]


def engine_versions(engine: str, *, include_retired: bool = False) -> tuple[str, ...]:
    """The versions AWS creates ``engine`` resources with, oldest first; with
    ``include_retired`` also deprecated / end-of-support ones."""
    fx = facts(engine)
    return fx.versions if include_retired else _ver.usable_versions(fx)


def major_versions(engine: str) -> tuple[str, ...]:
    """Majors with at least one usable release, oldest first ("16", "8.0", "OpenSearch_2")."""
    return _ver.majors(facts(engine))


def latest_version(engine: str, major: str | None = None) -> str | None:
    """The newest usable general-purpose release (of ``major``), or None if there is none."""
    fx = facts(engine)
    return _ver.latest(fx, None if major is None else _ver.canonical(fx, major))


def resolve_version(engine: str, version: str) -> str | None:
    """The release a spec's ``version`` means (a major: its latest release), or None when AWS
    offers no such version. Check with :func:`check_engine_version` for the reason."""
    return _ver.resolve(facts(engine), version)


def instance_classes(
    engine: str, version: str | None = None, region: str | None = None
) -> tuple[str, ...]:
    """Instance classes (DB instance classes incl. ``db.serverless``, cache node types,
    OpenSearch instance types, broker instance types) AWS offers for ``engine``, sorted;
    narrowed to what ``version`` runs on and to ``region`` when given (an unknown region
    narrows nothing). ElastiCache's previous-generation node types are not included."""
    return allowed_classes(facts(engine), version, region)


def is_previous_generation(engine: str, cls: str) -> bool:
    """Whether ``cls`` is a previous-generation type (ElastiCache: no new clusters;
    OpenSearch: still accepted, AWS recommends current generation)."""
    return cls in facts(engine).previous_generation


def regions(engine: str) -> tuple[str, ...]:
    """The regions the instance-class availability data covers, sorted."""
    return tuple(sorted(facts(engine).regions))


def source(name: str, fact: str | None = None) -> str:
    """The source of a dataset (:data:`DATASETS`) or engine (:data:`ENGINES`), for a hint:
    packages with versions, documentation pages with retrieval dates. ``fact`` ("versions",
    "instance_classes", "previous_generation", ...) narrows it to that fact's sources."""
    data = load(ENGINE_DATASETS.get(name, name))
    if fact is None:
        return str(data["source"])
    return str(data["fact_sources"].get(fact, data["source"]))


# --- RDS Proxy -----------------------------------------------------------------------------


def proxy_engine_families() -> tuple[str, ...]:
    """The engine families RDS Proxy supports (``MYSQL``, ``POSTGRESQL``, ...)."""
    return tuple(load("rds-proxy")["engine_families"])


def proxy_engine_family(engine: str) -> str:
    """The RDS Proxy ``engine_family`` of an Aurora engine key ("aurora-postgresql" ->
    "POSTGRESQL")."""
    families: dict[str, str] = load("rds-proxy")["engine_family"]
    if engine not in families:
        raise ValueError(f"RDS Proxy has no engine family for {engine!r}")
    return families[engine]


# --- Amazon MQ -----------------------------------------------------------------------------


def deployment_modes(engine: str | None = None) -> tuple[str, ...]:
    """Amazon MQ deployment modes (botocore's ``DeploymentMode``), or those of one broker
    engine ("rabbitmq": ``SINGLE_INSTANCE`` and ``CLUSTER_MULTI_AZ``)."""
    data = load("mq")
    if engine is None:
        return tuple(data["deployment_modes"])
    facts(engine)  # an unknown engine raises
    return tuple(data["engines"][engine]["deployment_modes"])


def check_broker_deployment(cls: str, mode: str) -> Finding | None:
    """None when a RabbitMQ broker of instance type ``cls`` can run in deployment ``mode``."""
    fx = facts("rabbitmq")
    modes = deployment_modes("rabbitmq")
    if mode not in modes:
        return Finding(
            f"`{mode}` is not a deployment mode of Amazon MQ for RabbitMQ",
            closest(mode, modes, modes),
            source("mq", "deployment_modes"),
        )
    if mode != "SINGLE_INSTANCE" and cls in fx.single_instance_only:
        bigger = tuple(c for c in fx.instance_classes if c not in fx.single_instance_only)
        return Finding(
            f"`{cls}` runs single-instance brokers only, not {mode}",
            closest(cls, bigger, bigger[:1]),
            source("mq", "instance_classes"),
        )
    return None
