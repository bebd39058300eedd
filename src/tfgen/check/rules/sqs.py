"""SQS and SNS rules: attribute limits, FIFO naming, redrive policies, Lambda consumers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfgen.check.findings import Severity
from tfgen.check.rules._common import Bound, bound_issues, document, fmt, known_int
from tfgen.check.rules.engine import Context, Issue, module_rule, resource_rule
from tfgen.hcl import Block, Unknown, referenced_address

SQS_ATTRIBUTES_DOC = (
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/"
    "API_SetQueueAttributes.html"
)
SQS_CREATE_DOC = (
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html"
)
SQS_DLQ_DOC = (
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/"
    "sqs-dead-letter-queues.html"
)
LAMBDA_SQS_DOC = "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html"
SNS_CREATE_DOC = "https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html"

DEFAULT_VISIBILITY = 30
DEFAULT_RETENTION = 345600
DEFAULT_LAMBDA_TIMEOUT = 3

_QUEUE_BOUNDS = (
    Bound("visibility_timeout_seconds", 0, 43200, "seconds"),
    Bound("message_retention_seconds", 60, 1209600, "seconds"),
    Bound("delay_seconds", 0, 900, "seconds"),
    Bound("max_message_size", 1024, 1048576, "bytes"),
    Bound("receive_wait_time_seconds", 0, 20, "seconds"),
    Bound("kms_data_key_reuse_period_seconds", 60, 86400, "seconds"),
)


@resource_rule(
    "AWS301",
    "SQS queue attribute outside the range SQS accepts",
    Severity.ERROR,
    SQS_ATTRIBUTES_DOC,
    ("aws_sqs_queue",),
    "use a value inside the documented range; SQS rejects the queue otherwise",
)
def sqs_attribute_bounds(block: Block, ctx: Context) -> Iterator[Issue]:
    yield from bound_issues(block, ctx, _QUEUE_BOUNDS)


@resource_rule(
    "AWS302",
    "SQS queue name and fifo_queue disagree, or the name is invalid",
    Severity.ERROR,
    SQS_CREATE_DOC,
    ("aws_sqs_queue",),
    "FIFO queue names end in .fifo and standard ones do not; use up to 80 letters, digits, "
    "hyphens and underscores",
)
def sqs_queue_name(block: Block, ctx: Context) -> Iterator[Issue]:
    yield from _fifo_name_issues(block, ctx, "fifo_queue", 80, "queue")


def _fifo_name_issues(
    block: Block, ctx: Context, flag: str, limit: int, noun: str
) -> Iterator[Issue]:
    name = ctx.string(block, "name")
    fifo = ctx.boolean(block, flag)
    if name is None or not ctx.is_known(block, flag):
        return
    attr = block.get("name")
    if not re.fullmatch(r"[A-Za-z0-9_-]+(\.fifo)?", name) or len(name) > limit:
        yield Issue(
            block,
            f"{noun} name {name!r} must be 1-{limit} letters, digits, hyphens "
            "or underscores (plus .fifo for FIFO)",
            attr,
        )
    elif fifo and not name.endswith(".fifo"):
        yield Issue(block, f"FIFO {noun} name {name!r} must end with .fifo", attr)
    elif not fifo and name.endswith(".fifo"):
        yield Issue(block, f"{noun} name {name!r} ends with .fifo but {flag} is not true", attr)


def _is_standard(ctx: Context, queue: Block) -> bool:
    return ctx.is_known(queue, "fifo_queue") and not ctx.boolean(queue, "fifo_queue")


def _redrive(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def _redrives(ctx: Context) -> Iterator[tuple[Block, Block, dict[str, Any]]]:
    """(resource holding the policy, source queue, policy document) for each redrive."""
    for queue in ctx.blocks("aws_sqs_queue"):
        policy = _redrive(document(ctx, queue, "redrive_policy"))
        if policy is not None:
            yield queue, queue, policy
    for holder in ctx.blocks("aws_sqs_queue_redrive_policy"):
        source = ctx.referenced(ctx.value(holder, "queue_url"), "aws_sqs_queue")
        policy = _redrive(document(ctx, holder, "redrive_policy"))
        if source is not None and policy is not None:
            yield holder, source, policy


def _dead_letter_queues(ctx: Context) -> Iterator[tuple[Block, Block, Block]]:
    """(resource holding the policy, source queue, dead-letter queue) for each redrive whose
    dead-letter queue is declared in the module."""
    for holder, source, policy in _redrives(ctx):
        target = policy.get("deadLetterTargetArn")
        if isinstance(target, Unknown) and _is_traversal(target.raw):
            dlq = ctx.by_address(referenced_address(target.raw))
            if dlq is not None and dlq.resource_type == "aws_sqs_queue":
                yield holder, source, dlq


def _is_traversal(raw: str) -> bool:
    return re.fullmatch(r"[A-Za-z_][\w-]*(\.[\w-]+|\[[^\]]*\])+", raw.strip()) is not None


@module_rule(
    "AWS303",
    "SQS redrive maxReceiveCount outside 1..1000",
    Severity.ERROR,
    SQS_DLQ_DOC,
    ("aws_sqs_queue", "aws_sqs_queue_redrive_policy"),
    "set maxReceiveCount between 1 and 1000",
)
def sqs_max_receive_count(ctx: Context) -> Iterator[Issue]:
    for holder, _source, policy in _redrives(ctx):
        count = known_int(policy.get("maxReceiveCount"))
        if count is not None and not 1 <= count <= 1000:
            yield Issue(
                holder,
                f"redrive maxReceiveCount = {count} is outside 1..1000",
                holder.get("redrive_policy"),
            )


def _lambda_consumers(ctx: Context) -> Iterator[tuple[Block, Block, Block]]:
    """(event source mapping, queue, function) triples resolvable in the module."""
    for mapping in ctx.blocks("aws_lambda_event_source_mapping"):
        queue = ctx.referenced(ctx.value(mapping, "event_source_arn"), "aws_sqs_queue")
        function = ctx.referenced(ctx.value(mapping, "function_name"), "aws_lambda_function")
        if queue is not None and function is not None:
            yield mapping, queue, function


def _number_or_default(ctx: Context, block: Block, name: str, default: float) -> float | None:
    if block.get(name) is None:
        return default
    return ctx.number(block, name)


@module_rule(
    "AWS304",
    "SQS visibility timeout shorter than the consuming Lambda function's timeout",
    Severity.ERROR,
    LAMBDA_SQS_DOC,
    ("aws_sqs_queue", "aws_lambda_event_source_mapping", "aws_lambda_function"),
    "set the queue's visibility_timeout_seconds to at least the function timeout "
    "(AWS recommends six times it)",
)
def sqs_visibility_vs_lambda(ctx: Context) -> Iterator[Issue]:
    for _mapping, queue, function in _lambda_consumers(ctx):
        visibility = _number_or_default(
            ctx, queue, "visibility_timeout_seconds", DEFAULT_VISIBILITY
        )
        timeout = _number_or_default(ctx, function, "timeout", DEFAULT_LAMBDA_TIMEOUT)
        if visibility is None or timeout is None or visibility >= timeout:
            continue
        message = (
            f"visibility timeout {fmt(visibility)}s is shorter than the timeout "
            f"{fmt(timeout)}s of consumer {function.address}; Lambda rejects the "
            "event source mapping"
        )
        yield Issue(queue, message, queue.get("visibility_timeout_seconds"))


@module_rule(
    "AWS305",
    "Dead-letter queue keeps messages for less time than its source queue",
    Severity.WARNING,
    SQS_DLQ_DOC,
    ("aws_sqs_queue", "aws_sqs_queue_redrive_policy"),
    "give the dead-letter queue a longer message_retention_seconds than the source queue: a "
    "message's age counts from its original enqueue time",
)
def sqs_dlq_retention(ctx: Context) -> Iterator[Issue]:
    for _holder, source, dlq in _dead_letter_queues(ctx):
        if not _is_standard(ctx, source):
            continue
        source_days = _number_or_default(
            ctx, source, "message_retention_seconds", DEFAULT_RETENTION
        )
        dlq_days = _number_or_default(ctx, dlq, "message_retention_seconds", DEFAULT_RETENTION)
        if source_days is None or dlq_days is None or dlq_days >= source_days:
            continue
        message = (
            f"dead-letter queue retention {fmt(dlq_days)}s is shorter than the "
            f"{fmt(source_days)}s of source {source.address}; messages expire early"
        )
        yield Issue(dlq, message, dlq.get("message_retention_seconds"))


@module_rule(
    "AWS306",
    "FIFO queue with a standard dead-letter queue (or the reverse)",
    Severity.ERROR,
    SQS_DLQ_DOC,
    ("aws_sqs_queue", "aws_sqs_queue_redrive_policy"),
    "the dead-letter queue of a FIFO queue must be a FIFO queue, and a standard queue's must "
    "be standard",
)
def sqs_dlq_type(ctx: Context) -> Iterator[Issue]:
    for holder, source, dlq in _dead_letter_queues(ctx):
        if not (ctx.is_known(source, "fifo_queue") and ctx.is_known(dlq, "fifo_queue")):
            continue
        source_fifo = bool(ctx.boolean(source, "fifo_queue"))
        dlq_fifo = bool(ctx.boolean(dlq, "fifo_queue"))
        if source_fifo != dlq_fifo:
            kinds = ("FIFO", "standard") if source_fifo else ("standard", "FIFO")
            message = (
                f"{kinds[0]} queue {source.address} redrives to {kinds[1]} queue {dlq.address}"
            )
            yield Issue(holder, message, holder.get("redrive_policy"))


@resource_rule(
    "AWS307",
    "SNS topic name and fifo_topic disagree, or the name is invalid",
    Severity.ERROR,
    SNS_CREATE_DOC,
    ("aws_sns_topic",),
    "FIFO topic names end in .fifo and standard ones do not; use up to 256 letters, digits, "
    "hyphens and underscores",
)
def sns_topic_name(block: Block, ctx: Context) -> Iterator[Issue]:
    yield from _fifo_name_issues(block, ctx, "fifo_topic", 256, "topic")
