"""KMS key and Secrets Manager secret rules."""

from __future__ import annotations

from collections.abc import Iterator

from tfgen.check.findings import Severity
from tfgen.check.rules._common import Bound, bound_issues, fmt
from tfgen.check.rules.engine import Context, Issue, resource_rule
from tfgen.hcl import Block

DELETION_DOC = "https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html"
ROTATION_DOC = "https://docs.aws.amazon.com/kms/latest/APIReference/API_EnableKeyRotation.html"
SECRET_DELETE_DOC = (
    "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html"
)
KEYS = (
    "aws_kms_key",
    "aws_kms_replica_key",
    "aws_kms_external_key",
    "aws_kms_replica_external_key",
)


@resource_rule(
    "AWS620",
    "KMS key deletion window outside 7..30 days",
    Severity.ERROR,
    DELETION_DOC,
    KEYS,
    "set deletion_window_in_days between 7 and 30",
)
def deletion_window(block: Block, ctx: Context) -> Iterator[Issue]:
    yield from bound_issues(block, ctx, (Bound("deletion_window_in_days", 7, 30, "days"),))


@resource_rule(
    "AWS621",
    "KMS key rotation period outside 90..2560 days",
    Severity.ERROR,
    ROTATION_DOC,
    ("aws_kms_key",),
    "set rotation_period_in_days between 90 and 2560",
)
def rotation_period(block: Block, ctx: Context) -> Iterator[Issue]:
    yield from bound_issues(block, ctx, (Bound("rotation_period_in_days", 90, 2560, "days"),))


@resource_rule(
    "AWS622",
    "Automatic rotation enabled on a key that cannot rotate",
    Severity.ERROR,
    ROTATION_DOC,
    ("aws_kms_key",),
    "automatic rotation exists only for symmetric encryption keys (SYMMETRIC_DEFAULT)",
)
def rotation_key_spec(block: Block, ctx: Context) -> Iterator[Issue]:
    spec = ctx.string(block, "customer_master_key_spec")
    if ctx.boolean(block, "enable_key_rotation") and spec not in (None, "SYMMETRIC_DEFAULT"):
        yield Issue(block, f"enable_key_rotation on a {spec} key", block.get("enable_key_rotation"))


@resource_rule(
    "AWS623",
    "Secrets Manager recovery window not 0 or 7..30 days",
    Severity.ERROR,
    SECRET_DELETE_DOC,
    ("aws_secretsmanager_secret",),
    "set recovery_window_in_days to 0 (delete immediately) or 7-30",
)
def recovery_window(block: Block, ctx: Context) -> Iterator[Issue]:
    days = ctx.number(block, "recovery_window_in_days")
    if days is not None and days != 0 and not 7 <= days <= 30:
        yield Issue(
            block,
            f"recovery_window_in_days = {fmt(days)} is not 0 or 7..30",
            block.get("recovery_window_in_days"),
        )
