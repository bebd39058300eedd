"""EventBridge rules: retry policies, target roles, FIFO queue targets."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tfgen.check.findings import Severity
from tfgen.check.rules._common import Bound, bound_issues
from tfgen.check.rules.engine import Context, Issue, resource_rule
from tfgen.hcl import Block

RETRY_DOC = "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_RetryPolicy.html"
TARGET_DOC = "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Target.html"
SQS_PARAMS_DOC = (
    "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_SqsParameters.html"
)

_TARGET_BOUNDS = (
    Bound("retry_policy.maximum_event_age_in_seconds", 60, 86400, "seconds"),
    Bound("retry_policy.maximum_retry_attempts", 0, 185),
)
_SCHEDULE_BOUNDS = (
    Bound("target.retry_policy.maximum_event_age_in_seconds", 60, 86400, "seconds"),
    Bound("target.retry_policy.maximum_retry_attempts", 0, 185),
)


@resource_rule(
    "AWS320",
    "EventBridge retry policy outside its limits",
    Severity.ERROR,
    RETRY_DOC,
    ("aws_cloudwatch_event_target", "aws_scheduler_schedule"),
    "maximum_event_age_in_seconds 60-86400, maximum_retry_attempts 0-185",
)
def retry_policy_bounds(block: Block, ctx: Context) -> Iterator[Issue]:
    bounds = (
        _SCHEDULE_BOUNDS if block.resource_type == "aws_scheduler_schedule" else (_TARGET_BOUNDS)
    )
    yield from bound_issues(block, ctx, bounds)


# Targets EventBridge can only invoke with a role (PutTargets: "RoleArn is required").
_ROLE_TARGET_TYPES = (
    "aws_sfn_state_machine",
    "aws_kinesis_stream",
    "aws_codebuild_project",
    "aws_codepipeline",
    "aws_batch_job_queue",
)
_ROLE_ARN_RE = re.compile(r"arn:aws[\w-]*:(states|kinesis|codebuild|codepipeline|batch|ecs):")
_ROLE_BLOCKS = ("ecs_target", "batch_target")


def _needs_role(ctx: Context, block: Block) -> str | None:
    for name in _ROLE_BLOCKS:
        if block.children(name) or block.has_dynamic(name):
            return f"with {name}"
    arn = ctx.value(block, "arn")
    if ctx.referenced_type(arn) in _ROLE_TARGET_TYPES and arn is not None:
        return arn.raw
    text = arn.as_str() if arn is not None else None
    if text is not None and _ROLE_ARN_RE.match(text):
        return text
    return None


@resource_rule(
    "AWS321",
    "EventBridge target that needs role_arn has none",
    Severity.ERROR,
    TARGET_DOC,
    ("aws_cloudwatch_event_target",),
    "set role_arn to a role EventBridge can assume (events.amazonaws.com) with permission to "
    "invoke the target",
)
def target_role(block: Block, ctx: Context) -> Iterator[Issue]:
    if block.get("role_arn") is not None:
        return
    target = _needs_role(ctx, block)
    if target is not None:
        yield Issue(
            block,
            f"target {target} requires role_arn; PutTargets fails without it",
            block.get("arn"),
        )


@resource_rule(
    "AWS322",
    "EventBridge target is a FIFO queue but has no message group id",
    Severity.ERROR,
    SQS_PARAMS_DOC,
    ("aws_cloudwatch_event_target",),
    'add sqs_target { message_group_id = "..." } for FIFO queue targets',
)
def fifo_queue_target(block: Block, ctx: Context) -> Iterator[Issue]:
    queue = ctx.referenced(ctx.value(block, "arn"), "aws_sqs_queue")
    if queue is None or not ctx.boolean(queue, "fifo_queue"):
        return
    has_group = any(t.get("message_group_id") is not None for t in block.children("sqs_target"))
    if not has_group and not block.has_dynamic("sqs_target"):
        yield Issue(
            block,
            f"FIFO queue {queue.address} is a target without sqs_target.message_group_id",
            block.get("arn"),
        )
