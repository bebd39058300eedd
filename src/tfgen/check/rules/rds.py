"""RDS and Aurora rules, plus plain-text secrets on database-like resources."""

from __future__ import annotations

from collections.abc import Iterator

from tfgen.check.findings import Severity
from tfgen.check.rules._common import Bound, bound_issues, fmt, nested
from tfgen.check.rules.engine import Context, Issue, resource_rule
from tfgen.hcl import Block

RDS_DOC = "https://docs.aws.amazon.com/AmazonRDS/latest"
CLASS_DOC = f"{RDS_DOC}/UserGuide/Concepts.DBInstanceClass.html"
CREATE_INSTANCE_DOC = f"{RDS_DOC}/APIReference/API_CreateDBInstance.html"
CREATE_CLUSTER_DOC = f"{RDS_DOC}/APIReference/API_CreateDBCluster.html"
SECRETS_DOC = f"{RDS_DOC}/UserGuide/rds-secrets-manager.html"
BACKTRACK_DOC = f"{RDS_DOC}/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.html"
AUTOSCALING_DOC = f"{RDS_DOC}/UserGuide/USER_PIOPS.Autoscaling.html"
STORAGE_DOC = f"{RDS_DOC}/UserGuide/CHAP_Storage.html"

_CLASS_ATTRIBUTES = {
    "aws_db_instance": "instance_class",
    "aws_rds_cluster_instance": "instance_class",
    "aws_rds_cluster": "db_cluster_instance_class",
}


def _engine(ctx: Context, block: Block) -> str | None:
    return ctx.string(block, "engine")


def _is_aurora(engine: str | None) -> bool:
    return engine is not None and engine.startswith("aurora")


@resource_rule(
    "AWS501",
    "RDS instance class without the db. prefix",
    Severity.ERROR,
    CLASS_DOC,
    tuple(_CLASS_ATTRIBUTES),
    "RDS instance classes look like db.r6g.large (or db.serverless)",
)
def instance_class_prefix(block: Block, ctx: Context) -> Iterator[Issue]:
    name = _CLASS_ATTRIBUTES[block.resource_type]
    value = ctx.string(block, name)
    if value is not None and not value.startswith("db."):
        yield Issue(
            block, f'{name} {value!r} is not an RDS instance class (missing "db.")', block.get(name)
        )


@resource_rule(
    "AWS502",
    "Backup retention period outside what RDS allows",
    Severity.ERROR,
    CREATE_INSTANCE_DOC,
    ("aws_db_instance", "aws_rds_cluster"),
    "DB instances keep 0-35 days of automated backups, DB clusters 1-35",
)
def backup_retention(block: Block, ctx: Context) -> Iterator[Issue]:
    low = 1 if block.resource_type == "aws_rds_cluster" else 0
    yield from bound_issues(block, ctx, (Bound("backup_retention_period", low, 35, "days"),))


_PI_VALID = frozenset({7, 731, *(31 * month for month in range(1, 24))})


@resource_rule(
    "AWS503",
    "Performance Insights retention that RDS rejects",
    Severity.ERROR,
    CREATE_INSTANCE_DOC,
    ("aws_db_instance", "aws_rds_cluster", "aws_rds_cluster_instance"),
    "use 7, a multiple of 31 up to 713 (1-23 months), or 731",
)
def performance_insights_retention(block: Block, ctx: Context) -> Iterator[Issue]:
    days = ctx.number(block, "performance_insights_retention_period")
    if days is not None and days not in _PI_VALID:
        yield Issue(
            block,
            f"performance_insights_retention_period = {fmt(days)} is not 7, month * 31 or 731",
            block.get("performance_insights_retention_period"),
        )


# resource type -> attribute paths that hold secrets
SECRET_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "aws_db_instance": ("password", "password_wo"),
    "aws_rds_cluster": ("master_password", "master_password_wo"),
    "aws_docdb_cluster": ("master_password",),
    "aws_neptune_cluster": ("master_password",),
    "aws_redshift_cluster": ("master_password",),
    "aws_elasticache_replication_group": ("auth_token",),
    "aws_mq_broker": ("user.password",),
    "aws_opensearch_domain": (
        "advanced_security_options.master_user_options.master_user_password",
    ),
}


@resource_rule(
    "AWS504",
    "Password or token written in plain text",
    Severity.WARNING,
    SECRETS_DOC,
    tuple(SECRET_ATTRIBUTES),
    "let RDS manage the password (manage_master_user_password = true) or read it from "
    "Secrets Manager; a literal ends up in version control and state",
)
def literal_secret(block: Block, ctx: Context) -> Iterator[Issue]:
    for path in SECRET_ATTRIBUTES[block.resource_type]:
        *blocks, name = path.split(".")
        for holder in nested(block, blocks):
            text = ctx.string(holder, name)
            if text:
                yield Issue(block, f"{name} is a literal string", holder.get(name))


@resource_rule(
    "AWS505",
    "Backtrack configured on an engine that does not support it",
    Severity.ERROR,
    BACKTRACK_DOC,
    ("aws_rds_cluster",),
    "Backtrack exists only for Aurora MySQL; remove backtrack_window (max 259200 s)",
)
def backtrack(block: Block, ctx: Context) -> Iterator[Issue]:
    window = ctx.number(block, "backtrack_window")
    engine = _engine(ctx, block)
    if window is None or window == 0 or not ctx.is_known(block, "engine"):
        return
    attr = block.get("backtrack_window")
    if engine not in ("aurora-mysql", "aurora"):
        yield Issue(
            block,
            f"backtrack_window is set but engine {engine or 'aurora'!r} is not Aurora MySQL",
            attr,
        )
    elif window > 259200:
        yield Issue(
            block, f"backtrack_window {fmt(window)} exceeds 259200 seconds (72 hours)", attr
        )


@resource_rule(
    "AWS506",
    "Aurora cluster with a storage_type Aurora does not have",
    Severity.ERROR,
    CREATE_CLUSTER_DOC,
    ("aws_rds_cluster",),
    'Aurora storage_type is ""/"aurora" (standard) or "aurora-iopt1"; io1/io2/gp3 are for '
    "Multi-AZ DB clusters",
)
def aurora_storage_type(block: Block, ctx: Context) -> Iterator[Issue]:
    engine, storage = _engine(ctx, block), ctx.string(block, "storage_type")
    if _is_aurora(engine) and storage not in (None, "", "aurora", "aurora-iopt1"):
        yield Issue(
            block,
            f"storage_type {storage!r} is not valid for engine {engine!r}",
            block.get("storage_type"),
        )


@resource_rule(
    "AWS507",
    "Multi-AZ-DB-cluster-only storage arguments on an Aurora cluster",
    Severity.WARNING,
    CREATE_CLUSTER_DOC,
    ("aws_rds_cluster",),
    "remove allocated_storage/iops: Aurora storage grows automatically (they apply only to "
    "Multi-AZ DB clusters of mysql/postgres)",
)
def aurora_allocated_storage(block: Block, ctx: Context) -> Iterator[Issue]:
    engine = _engine(ctx, block)
    if not _is_aurora(engine):
        return
    for name in ("allocated_storage", "iops"):
        if block.get(name) is not None and ctx.literal(block, name) is not None:
            yield Issue(
                block,
                f"{name} is only for Multi-AZ DB clusters, not engine {engine!r}",
                block.get(name),
            )


@resource_rule(
    "AWS508",
    "max_allocated_storage lower than allocated_storage",
    Severity.ERROR,
    AUTOSCALING_DOC,
    ("aws_db_instance",),
    "max_allocated_storage must exceed allocated_storage (0 disables storage autoscaling)",
)
def storage_autoscaling(block: Block, ctx: Context) -> Iterator[Issue]:
    allocated = ctx.number(block, "allocated_storage")
    maximum = ctx.number(block, "max_allocated_storage")
    if allocated is not None and maximum is not None and 0 < maximum < allocated:
        yield Issue(
            block,
            f"max_allocated_storage {fmt(maximum)} is lower than "
            f"allocated_storage {fmt(allocated)}",
            block.get("max_allocated_storage"),
        )


@resource_rule(
    "AWS509",
    "Provisioned IOPS storage without iops",
    Severity.ERROR,
    STORAGE_DOC,
    ("aws_db_instance",),
    "set iops when storage_type is io1 or io2",
)
def provisioned_iops(block: Block, ctx: Context) -> Iterator[Issue]:
    storage = ctx.string(block, "storage_type")
    if (
        storage in ("io1", "io2")
        and block.get("iops") is None
        and block.get("replicate_source_db") is None
        and block.get("snapshot_identifier") is None
    ):
        yield Issue(block, f"storage_type {storage!r} requires iops", block.get("storage_type"))
