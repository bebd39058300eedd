"""Lambda rules: function limits and SQS event source mappings."""

from __future__ import annotations

from collections.abc import Iterator

from tfgen.check.findings import Severity
from tfgen.check.rules._common import Bound, bound_issues, fmt
from tfgen.check.rules.engine import Context, Issue, resource_rule
from tfgen.hcl import Block

LIMITS_DOC = "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html"
ESM_DOC = "https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html"

_FUNCTION_BOUNDS = (
    Bound("timeout", 1, 900, "seconds"),
    Bound("memory_size", 128, 10240, "MB"),
    Bound("ephemeral_storage.size", 512, 10240, "MB"),
)


@resource_rule(
    "AWS310",
    "Lambda timeout, memory or ephemeral storage outside Lambda's limits",
    Severity.ERROR,
    LIMITS_DOC,
    ("aws_lambda_function",),
    "timeout 1-900 s, memory_size 128-10240 MB, ephemeral_storage 512-10240 MB",
)
def lambda_bounds(block: Block, ctx: Context) -> Iterator[Issue]:
    yield from bound_issues(block, ctx, _FUNCTION_BOUNDS)


@resource_rule(
    "AWS311",
    "SQS event source mapping batch size that Lambda rejects",
    Severity.ERROR,
    ESM_DOC,
    ("aws_lambda_event_source_mapping",),
    "FIFO queues allow at most 10; above 10 on a standard queue set "
    "maximum_batching_window_in_seconds >= 1 (and at most 10000)",
)
def sqs_batch_size(block: Block, ctx: Context) -> Iterator[Issue]:
    queue = ctx.referenced(ctx.value(block, "event_source_arn"), "aws_sqs_queue")
    size = ctx.number(block, "batch_size")
    if queue is None or size is None or size <= 10:
        return
    attr = block.get("batch_size")
    if ctx.boolean(queue, "fifo_queue"):
        yield Issue(
            block,
            f"batch_size {fmt(size)} is above 10, the maximum for FIFO queue {queue.address}",
            attr,
        )
    elif size > 10000:
        yield Issue(block, f"batch_size {fmt(size)} is above 10000, the SQS maximum", attr)
    elif block.get("maximum_batching_window_in_seconds") is None or (
        (window := ctx.number(block, "maximum_batching_window_in_seconds")) is not None
        and window < 1
    ):
        yield Issue(
            block,
            f"batch_size {fmt(size)} above 10 needs "
            "maximum_batching_window_in_seconds of at least 1",
            attr,
        )
