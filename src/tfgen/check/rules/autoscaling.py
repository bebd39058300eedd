"""Application Auto Scaling and EC2 Auto Scaling rules."""

from __future__ import annotations

from collections.abc import Iterator

from tfgen.check.findings import Severity
from tfgen.check.rules._common import fmt, nested
from tfgen.check.rules.engine import Context, Issue, module_rule, resource_rule
from tfgen.hcl import Attribute, Block

APPAS_TARGET_DOC = (
    "https://docs.aws.amazon.com/autoscaling/application/APIReference/"
    "API_RegisterScalableTarget.html"
)
APPAS_TRACKING_DOC = (
    "https://docs.aws.amazon.com/autoscaling/application/userguide/"
    "application-auto-scaling-target-tracking.html"
)
ASG_DOC = "https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_CreateAutoScalingGroup.html"


def _min_above_max(block: Block, ctx: Context, low_name: str, high_name: str) -> Issue | None:
    """An issue at ``low_name`` when both sizes are literal and the minimum exceeds the maximum."""
    low, high = ctx.number(block, low_name), ctx.number(block, high_name)
    if low is None or high is None or low <= high:
        return None
    message = f"{low_name} {fmt(low)} is greater than {high_name} {fmt(high)}"
    return Issue(block, message, block.get(low_name))


@resource_rule(
    "AWS110",
    "Scalable target with min_capacity greater than max_capacity",
    Severity.ERROR,
    APPAS_TARGET_DOC,
    ("aws_appautoscaling_target",),
    "make min_capacity less than or equal to max_capacity",
)
def appautoscaling_min_max(block: Block, ctx: Context) -> Iterator[Issue]:
    issue = _min_above_max(block, ctx, "min_capacity", "max_capacity")
    if issue is not None:
        yield issue


def _target_key(ctx: Context, policy: Block) -> tuple[str, ...] | None:
    parts = []
    for name in ("service_namespace", "resource_id", "scalable_dimension"):
        value = ctx.value(policy, name)
        if value is None:
            return None
        parts.append(value.raw)
    return tuple(parts)


def _metric(ctx: Context, policy: Block) -> tuple[str, Attribute] | None:
    """The metric a target-tracking policy tracks, and the attribute naming it."""
    path = ["target_tracking_scaling_policy_configuration"]
    for spec in nested(policy, [*path, "predefined_metric_specification"]):
        metric = ctx.string(spec, "predefined_metric_type")
        attr = spec.get("predefined_metric_type")
        label = ctx.value(spec, "resource_label")
        if metric is not None and attr is not None:
            return (metric if label is None else f"{metric}({label.raw})"), attr
    for spec in nested(policy, [*path, "customized_metric_specification"]):
        namespace, name = ctx.string(spec, "namespace"), ctx.string(spec, "metric_name")
        attr = spec.get("metric_name")
        if namespace is not None and name is not None and attr is not None:
            return f"{namespace}/{name}", attr
    return None


@module_rule(
    "AWS111",
    "Two target-tracking policies track the same metric on one scalable target",
    Severity.ERROR,
    APPAS_TRACKING_DOC,
    ("aws_appautoscaling_policy",),
    "give each target-tracking policy of a scalable target a different metric (or merge them)",
)
def appautoscaling_duplicate_metric(ctx: Context) -> Iterator[Issue]:
    first: dict[tuple[str, ...], Block] = {}
    for policy in ctx.blocks("aws_appautoscaling_policy"):
        if ctx.string(policy, "policy_type") != "TargetTrackingScaling":
            continue
        key, metric = _target_key(ctx, policy), _metric(ctx, policy)
        if key is None or metric is None:
            continue
        seen = first.setdefault((*key, metric[0]), policy)
        if seen is not policy:
            yield Issue(
                policy,
                f"{policy.address} tracks {metric[0]} on the same scalable "
                f"target as {seen.address}",
                metric[1],
            )


@resource_rule(
    "AWS112",
    "Auto Scaling group sizes are inconsistent",
    Severity.ERROR,
    ASG_DOC,
    ("aws_autoscaling_group",),
    "keep min_size <= desired_capacity <= max_size",
)
def asg_sizes(block: Block, ctx: Context) -> Iterator[Issue]:
    issue = _min_above_max(block, ctx, "min_size", "max_size")
    if issue is not None:
        yield issue
        return
    low, high = ctx.number(block, "min_size"), ctx.number(block, "max_size")
    desired = ctx.number(block, "desired_capacity")
    if desired is None:
        return
    if (low is not None and desired < low) or (high is not None and desired > high):
        bounds = f"{fmt(low) if low is not None else '?'}..{fmt(high) if high is not None else '?'}"
        yield Issue(
            block,
            f"desired_capacity {fmt(desired)} is outside min..max {bounds}",
            block.get("desired_capacity"),
        )
