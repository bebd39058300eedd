"""CloudWatch Logs rules: retention values and log group names."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tfgen.awsfacts import LOG_RETENTION_DAYS
from tfgen.check.findings import Severity
from tfgen.check.rules._common import fmt
from tfgen.check.rules.engine import Context, Issue, resource_rule
from tfgen.hcl import Block

RETENTION_DOC = (
    "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/"
    "API_PutRetentionPolicy.html"
)
NAME_DOC = (
    "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html"
)

# 0 is Terraform's "never expire" (no retention policy).
RETENTION_DAYS = (0, *LOG_RETENTION_DAYS)


@resource_rule(
    "AWS630",
    "Log group retention_in_days is not a value CloudWatch Logs accepts",
    Severity.ERROR,
    RETENTION_DOC,
    ("aws_cloudwatch_log_group",),
    "use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, "
    "2192, 2557, 2922, 3288, 3653 (or 0 for never)",
)
def retention(block: Block, ctx: Context) -> Iterator[Issue]:
    days = ctx.number(block, "retention_in_days")
    if days is not None and days not in RETENTION_DAYS:
        nearest = min(RETENTION_DAYS[1:], key=lambda d: abs(d - days))
        yield Issue(
            block,
            f"retention_in_days = {fmt(days)} is not an allowed value (nearest: {nearest})",
            block.get("retention_in_days"),
        )


_NAME_RE = re.compile(r"[.\-_/#A-Za-z0-9]{1,512}")


@resource_rule(
    "AWS631",
    "Log group name CloudWatch Logs rejects",
    Severity.ERROR,
    NAME_DOC,
    ("aws_cloudwatch_log_group",),
    "use 1-512 characters from a-z, A-Z, 0-9, '_', '-', '/', '.', '#'",
)
def log_group_name(block: Block, ctx: Context) -> Iterator[Issue]:
    name = ctx.string(block, "name")
    if name is not None and not _NAME_RE.fullmatch(name):
        problem = (
            "is longer than 512 characters"
            if len(name) > 512
            else ("contains characters outside [a-zA-Z0-9_-/.#]")
        )
        yield Issue(block, f"log group name {name!r} {problem}", block.get("name"))
