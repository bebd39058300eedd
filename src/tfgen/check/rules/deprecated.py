"""Deprecated and end-of-life: removed arguments, retired services, runtimes, engine versions
and previous-generation instance types.  Date-driven rules use ``Context.today``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from tfgen.check.findings import Severity
from tfgen.check.rules.engine import Context, Issue, resource_rule
from tfgen.hcl import Block

PROVIDER_DOC = "https://registry.terraform.io/providers/hashicorp/aws/latest/docs"
EIP_DOC = f"{PROVIDER_DOC}/resources/eip#domain-1"
APPMESH_DOC = "https://docs.aws.amazon.com/app-mesh/latest/userguide/what-is-app-mesh.html"
RUNTIME_DOC = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html"
RDS_SUPPORT_DOC = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/extended-support.html"
REDIS_DOC = "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/extended-support.html"
SEARCH_DOC = (
    "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/what-is.html"
    "#choosing-version"
)
PREVIOUS_GEN_DOC = "https://aws.amazon.com/ec2/previous-generation/"
LAUNCH_CONFIG_DOC = (
    "https://docs.aws.amazon.com/autoscaling/ec2/userguide/launch-configurations.html"
)
S3_REFACTOR_DOC = f"{PROVIDER_DOC}/guides/version-4-upgrade#s3-bucket-refactor"


@resource_rule(
    "AWS901",
    "aws_eip uses vpc = true (removed in provider 6.x)",
    Severity.ERROR,
    EIP_DOC,
    ("aws_eip",),
    'replace vpc = true with domain = "vpc" (valid in 5.x and 6.x)',
)
def eip_vpc(block: Block, ctx: Context) -> Iterator[Issue]:
    if block.get("vpc") is not None:
        yield Issue(block, "argument vpc is deprecated in 5.x and removed in 6.x", block.get("vpc"))


APPMESH_END = date(2026, 9, 30)
APPMESH_TYPES = (
    "aws_appmesh_mesh",
    "aws_appmesh_virtual_node",
    "aws_appmesh_virtual_service",
    "aws_appmesh_virtual_router",
    "aws_appmesh_route",
    "aws_appmesh_virtual_gateway",
    "aws_appmesh_gateway_route",
)


@resource_rule(
    "AWS902",
    "AWS App Mesh is discontinued on 2026-09-30",
    Severity.WARNING,
    APPMESH_DOC,
    APPMESH_TYPES,
    "migrate to Amazon ECS Service Connect (or VPC Lattice)",
)
def app_mesh(block: Block, ctx: Context) -> Iterator[Issue]:
    if ctx.today > APPMESH_END:
        yield Issue(
            block,
            f"App Mesh support ended on {APPMESH_END}; its resources are no longer accessible",
            severity=Severity.ERROR,
        )
    else:
        yield Issue(block, f"App Mesh support ends on {APPMESH_END}")


# runtime -> deprecation date (Lambda runtime deprecation table)
LAMBDA_DEPRECATIONS: dict[str, date] = {
    "nodejs": date(2016, 10, 31),
    "nodejs4.3": date(2020, 3, 5),
    "nodejs4.3-edge": date(2020, 3, 5),
    "nodejs6.10": date(2019, 8, 12),
    "nodejs8.10": date(2020, 3, 6),
    "nodejs10.x": date(2021, 7, 30),
    "nodejs12.x": date(2023, 3, 31),
    "nodejs14.x": date(2023, 12, 4),
    "nodejs16.x": date(2024, 6, 12),
    "nodejs18.x": date(2025, 9, 1),
    "nodejs20.x": date(2026, 4, 30),
    "nodejs22.x": date(2027, 4, 30),
    "python2.7": date(2021, 7, 15),
    "python3.6": date(2022, 7, 18),
    "python3.7": date(2023, 12, 4),
    "python3.8": date(2024, 10, 14),
    "python3.9": date(2025, 12, 15),
    "python3.10": date(2026, 6, 30),
    "python3.11": date(2026, 6, 30),
    "python3.12": date(2028, 10, 31),
    "python3.13": date(2029, 6, 30),
    "ruby2.5": date(2021, 7, 30),
    "ruby2.7": date(2023, 11, 27),
    "ruby3.2": date(2026, 3, 31),
    "ruby3.3": date(2027, 3, 31),
    "java8": date(2024, 1, 8),
    "java8.al2": date(2026, 6, 30),
    "java11": date(2026, 6, 30),
    "java17": date(2026, 6, 30),
    "java21": date(2029, 6, 30),
    "go1.x": date(2024, 1, 8),
    "provided": date(2024, 1, 8),
    "provided.al2": date(2026, 6, 30),
    "provided.al2023": date(2029, 6, 30),
    "dotnetcore1.0": date(2019, 7, 27),
    "dotnetcore2.0": date(2019, 5, 30),
    "dotnetcore2.1": date(2022, 1, 5),
    "dotnetcore3.1": date(2023, 4, 3),
    "dotnet5.0": date(2022, 5, 10),
    "dotnet6": date(2024, 11, 12),
    "dotnet7": date(2024, 5, 14),
    "dotnet8": date(2026, 11, 10),
}


@resource_rule(
    "AWS903",
    "Lambda runtime past its deprecation date",
    Severity.WARNING,
    RUNTIME_DOC,
    ("aws_lambda_function", "aws_lambda_layer_version"),
    "move to a supported runtime (e.g. python3.13, nodejs22.x, java21, provided.al2023)",
)
def lambda_runtime(block: Block, ctx: Context) -> Iterator[Issue]:
    names = ("runtime",) if block.resource_type == "aws_lambda_function" else ()
    for name in names:
        runtime = ctx.string(block, name)
        deprecated = LAMBDA_DEPRECATIONS.get(runtime or "")
        if runtime and deprecated is not None and ctx.today >= deprecated:
            yield Issue(
                block,
                f"runtime {runtime!r} was deprecated on {deprecated}; Lambda no longer patches it",
                block.get(name),
            )
    for runtime in ctx.literal(block, "compatible_runtimes") or []:
        deprecated = LAMBDA_DEPRECATIONS.get(runtime) if isinstance(runtime, str) else None
        if deprecated is not None and ctx.today >= deprecated:
            yield Issue(
                block,
                f"compatible runtime {runtime!r} was deprecated on {deprecated}",
                block.get("compatible_runtimes"),
            )


# (engine, major version) -> end of RDS/Aurora standard support
ENGINE_END_OF_SUPPORT: dict[tuple[str, str], date] = {
    ("postgres", "9.6"): date(2022, 4, 26),
    ("postgres", "10"): date(2023, 4, 17),
    ("postgres", "11"): date(2024, 2, 29),
    ("postgres", "12"): date(2025, 2, 28),
    ("postgres", "13"): date(2026, 2, 28),
    ("aurora-postgresql", "9.6"): date(2022, 1, 31),
    ("aurora-postgresql", "10"): date(2023, 1, 31),
    ("aurora-postgresql", "11"): date(2024, 2, 29),
    ("aurora-postgresql", "12"): date(2025, 2, 28),
    ("aurora-postgresql", "13"): date(2026, 2, 28),
    ("mysql", "5.6"): date(2022, 3, 1),
    ("mysql", "5.7"): date(2024, 2, 29),
    ("mysql", "8.0"): date(2026, 7, 31),
    ("aurora-mysql", "5.7"): date(2024, 10, 31),
    ("aurora", "5.6"): date(2023, 2, 28),
}


def _major(engine: str, version: str) -> str:
    parts = version.split(".")
    if engine.endswith("postgres") or engine == "aurora-postgresql":
        return ".".join(parts[:2]) if parts[0] == "9" else parts[0]
    return ".".join(parts[:2])


@resource_rule(
    "AWS904",
    "Database engine version past the end of RDS standard support",
    Severity.WARNING,
    RDS_SUPPORT_DOC,
    ("aws_db_instance", "aws_rds_cluster", "aws_rds_global_cluster"),
    "upgrade to a major version in standard support; older ones run on paid Extended Support",
)
def rds_engine_version(block: Block, ctx: Context) -> Iterator[Issue]:
    engine = ctx.string(block, "engine")
    version = ctx.string(block, "engine_version")
    if engine is None or not version:
        return
    end = ENGINE_END_OF_SUPPORT.get((engine, _major(engine, version)))
    if end is not None and ctx.today >= end:
        yield Issue(
            block,
            f"{engine} {version} left RDS standard support on {end}",
            block.get("engine_version"),
        )


REDIS_END = date(2026, 1, 31)


@resource_rule(
    "AWS905",
    "ElastiCache Redis OSS version past end of standard support",
    Severity.WARNING,
    REDIS_DOC,
    ("aws_elasticache_cluster", "aws_elasticache_replication_group"),
    "upgrade to Redis OSS 6.2+/7.x or move to Valkey",
)
def redis_version(block: Block, ctx: Context) -> Iterator[Issue]:
    engine = ctx.string(block, "engine")
    if block.get("engine") is None and block.resource_type == "aws_elasticache_replication_group":
        engine = "redis"
    version = ctx.string(block, "engine_version")
    match = re.match(r"(\d+)\.", version or "")
    if engine != "redis" or match is None or int(match.group(1)) >= 6:
        return
    if int(match.group(1)) <= 3 or ctx.today >= REDIS_END:
        yield Issue(
            block,
            f"Redis OSS {version} is past the end of standard support",
            block.get("engine_version"),
        )


ELASTICSEARCH_END = date(2025, 11, 7)


@resource_rule(
    "AWS906",
    "Legacy Elasticsearch domain or version",
    Severity.WARNING,
    SEARCH_DOC,
    ("aws_elasticsearch_domain", "aws_opensearch_domain"),
    "use aws_opensearch_domain with a current OpenSearch engine_version (e.g. OpenSearch_2.19)",
)
def elasticsearch(block: Block, ctx: Context) -> Iterator[Issue]:
    if block.resource_type == "aws_elasticsearch_domain":
        yield Issue(
            block,
            "aws_elasticsearch_domain is the legacy Elasticsearch resource; "
            "OpenSearch Service domains use aws_opensearch_domain",
        )
        return
    version = ctx.string(block, "engine_version")
    match = re.fullmatch(r"Elasticsearch_(\d+)\.(\d+)", version or "")
    if (
        match
        and (int(match.group(1)), int(match.group(2))) < (7, 9)
        and (ctx.today >= ELASTICSEARCH_END)
    ):
        yield Issue(
            block,
            f"{version} left standard support on {ELASTICSEARCH_END}",
            block.get("engine_version"),
        )


PREVIOUS_GENERATION = (
    "t1",
    "m1",
    "m2",
    "m3",
    "c1",
    "c3",
    "cc2",
    "cg1",
    "cr1",
    "g2",
    "hi1",
    "hs1",
    "i2",
    "r3",
)
# resource type -> (attribute, class prefix)
_INSTANCE_ATTRIBUTES: dict[str, tuple[str, str]] = {
    "aws_instance": ("instance_type", ""),
    "aws_spot_instance_request": ("instance_type", ""),
    "aws_launch_template": ("instance_type", ""),
    "aws_launch_configuration": ("instance_type", ""),
    "aws_db_instance": ("instance_class", "db."),
    "aws_rds_cluster_instance": ("instance_class", "db."),
    "aws_elasticache_cluster": ("node_type", "cache."),
    "aws_elasticache_replication_group": ("node_type", "cache."),
}


@resource_rule(
    "AWS907",
    "Previous-generation instance type",
    Severity.WARNING,
    PREVIOUS_GEN_DOC,
    tuple(_INSTANCE_ATTRIBUTES),
    "use a current generation (e.g. t3/t4g, m7g, r7g) for better price and performance",
)
def previous_generation(block: Block, ctx: Context) -> Iterator[Issue]:
    name, prefix = _INSTANCE_ATTRIBUTES[block.resource_type]
    value = ctx.string(block, name)
    if value is None or not value.startswith(prefix):
        return
    family = value[len(prefix) :].split(".", 1)[0]
    if family in PREVIOUS_GENERATION:
        yield Issue(block, f"{name} {value!r} is a previous-generation type", block.get(name))


@resource_rule(
    "AWS908",
    "Launch configurations are deprecated",
    Severity.WARNING,
    LAUNCH_CONFIG_DOC,
    ("aws_launch_configuration",),
    "use aws_launch_template; new accounts cannot create launch configurations",
)
def launch_configuration(block: Block, ctx: Context) -> Iterator[Issue]:
    yield Issue(block, "aws_launch_configuration is deprecated; use aws_launch_template")


S3_INLINE = (
    "acl",
    "grant",
    "acceleration_status",
    "cors_rule",
    "lifecycle_rule",
    "logging",
    "policy",
    "replication_configuration",
    "request_payer",
    "server_side_encryption_configuration",
    "versioning",
    "website",
)


@resource_rule(
    "AWS909",
    "Deprecated inline configuration on aws_s3_bucket",
    Severity.WARNING,
    S3_REFACTOR_DOC,
    ("aws_s3_bucket",),
    "move the setting to its own resource (aws_s3_bucket_versioning, "
    "aws_s3_bucket_server_side_encryption_configuration, ...)",
)
def s3_inline(block: Block, ctx: Context) -> Iterator[Issue]:
    for name in S3_INLINE:
        target = block.get(name) or block.child(name)
        if target is not None:
            yield Issue(block, f"inline {name} on aws_s3_bucket is deprecated", target)
