"""ElastiCache rules: node types and replication group failover."""

from __future__ import annotations

from collections.abc import Iterator

from tfgen.check.findings import Severity
from tfgen.check.rules._common import fmt
from tfgen.check.rules.engine import Context, Issue, resource_rule
from tfgen.hcl import Block

NODE_DOC = "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheNodes.SupportedTypes.html"
GROUP_DOC = (
    "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/"
    "API_CreateReplicationGroup.html"
)


@resource_rule(
    "AWS520",
    "ElastiCache node type without the cache. prefix",
    Severity.ERROR,
    NODE_DOC,
    ("aws_elasticache_cluster", "aws_elasticache_replication_group"),
    "ElastiCache node types look like cache.r7g.large",
)
def node_type_prefix(block: Block, ctx: Context) -> Iterator[Issue]:
    node_type = ctx.string(block, "node_type")
    if node_type is not None and not node_type.startswith("cache."):
        yield Issue(
            block,
            f'node_type {node_type!r} is not an ElastiCache node type (missing "cache.")',
            block.get("node_type"),
        )


@resource_rule(
    "AWS521",
    "Replication group failover settings ElastiCache rejects",
    Severity.ERROR,
    GROUP_DOC,
    ("aws_elasticache_replication_group",),
    "automatic failover needs at least 2 cache clusters, and Multi-AZ needs automatic failover",
)
def failover(block: Block, ctx: Context) -> Iterator[Issue]:
    failover_on = ctx.boolean(block, "automatic_failover_enabled")
    nodes = ctx.number(block, "num_cache_clusters")
    if failover_on and nodes is not None and nodes < 2:
        yield Issue(
            block,
            f"automatic_failover_enabled with num_cache_clusters = {fmt(nodes)} "
            "(at least 2 required)",
            block.get("num_cache_clusters"),
        )
    if (
        ctx.boolean(block, "multi_az_enabled")
        and ctx.is_known(block, "automatic_failover_enabled")
        and not failover_on
    ):
        yield Issue(
            block,
            "multi_az_enabled requires automatic_failover_enabled = true",
            block.get("multi_az_enabled"),
        )
