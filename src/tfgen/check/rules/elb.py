"""Elastic Load Balancing (ALB/NLB) rules: listeners, TLS policies, names, health checks."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tfgen.check.findings import Severity
from tfgen.check.rules._common import Bound, bound_issues, fmt, nested
from tfgen.check.rules.engine import Context, Issue, module_rule, resource_rule
from tfgen.hcl import Block

ELB_DOC = "https://docs.aws.amazon.com/elasticloadbalancing/latest"
RULE_DOC = f"{ELB_DOC}/application/listener-rules.html"
HTTPS_DOC = f"{ELB_DOC}/application/create-https-listener.html"
POLICY_DOC = f"{ELB_DOC}/application/describe-ssl-policies.html"
LB_NAME_DOC = f"{ELB_DOC}/APIReference/API_CreateLoadBalancer.html"
TG_NAME_DOC = f"{ELB_DOC}/APIReference/API_CreateTargetGroup.html"
HEALTH_DOC = f"{ELB_DOC}/application/target-group-health-checks.html"

LISTENERS = ("aws_lb_listener", "aws_alb_listener")
LISTENER_RULES = ("aws_lb_listener_rule", "aws_alb_listener_rule")
LOAD_BALANCERS = ("aws_lb", "aws_alb")
TARGET_GROUPS = ("aws_lb_target_group", "aws_alb_target_group")

# Policies that still accept TLS 1.0 or 1.1.
WEAK_POLICIES = frozenset(
    {
        "ELBSecurityPolicy-2015-05",
        "ELBSecurityPolicy-2016-08",
        "ELBSecurityPolicy-TLS-1-0-2015-04",
        "ELBSecurityPolicy-TLS-1-1-2017-01",
        "ELBSecurityPolicy-FS-2018-06",
        "ELBSecurityPolicy-FS-1-1-2019-08",
        "ELBSecurityPolicy-TLS13-1-0-2021-06",
        "ELBSecurityPolicy-TLS13-1-1-2021-06",
        "ELBSecurityPolicy-TLS13-1-0-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-0-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-1-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-0-FIPS-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-1-FIPS-PQ-2025-09",
    }
)
STRONG_POLICIES = frozenset(
    {
        "ELBSecurityPolicy-TLS13-1-2-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
        "ELBSecurityPolicy-TLS13-1-3-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-Ext1-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-Ext2-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-PQ-2025-09",
        "ELBSecurityPolicy-FS-1-2-Res-2020-10",
        "ELBSecurityPolicy-FS-1-2-Res-2019-08",
        "ELBSecurityPolicy-FS-1-2-2019-08",
        "ELBSecurityPolicy-TLS-1-2-2017-01",
        "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
    }
)
KNOWN_POLICIES = WEAK_POLICIES | STRONG_POLICIES
_NEWEST_KNOWN = (2025, 9)


def _possibly_newer_policy(name: str) -> bool:
    """A well-formed policy name dated after the newest one known here (not judged)."""
    match = re.fullmatch(r"ELBSecurityPolicy-[A-Za-z0-9-]+-(\d{4})-(\d{2})", name)
    return match is not None and (int(match.group(1)), int(match.group(2))) > _NEWEST_KNOWN


@resource_rule(
    "AWS201",
    "Listener rule priority outside 1..50000",
    Severity.ERROR,
    RULE_DOC,
    LISTENER_RULES,
    "use a priority between 1 and 50000",
)
def listener_rule_priority_range(block: Block, ctx: Context) -> Iterator[Issue]:
    priority = ctx.number(block, "priority")
    if priority is not None and not 1 <= priority <= 50000:
        yield Issue(block, f"priority {fmt(priority)} is outside 1..50000", block.get("priority"))


@module_rule(
    "AWS202",
    "Two listener rules share a priority on the same listener",
    Severity.ERROR,
    RULE_DOC,
    LISTENER_RULES,
    "give every rule of a listener a unique priority",
)
def listener_rule_priority_clash(ctx: Context) -> Iterator[Issue]:
    seen: dict[tuple[str, float], Block] = {}
    for type_ in LISTENER_RULES:
        for rule in ctx.blocks(type_):
            listener, priority = ctx.value(rule, "listener_arn"), ctx.number(rule, "priority")
            if listener is None or priority is None or rule.get("count") or rule.get("for_each"):
                continue
            first = seen.setdefault((listener.raw, priority), rule)
            if first is not rule:
                yield Issue(
                    rule,
                    f"priority {fmt(priority)} is already used by {first.address} "
                    f"on listener {listener.raw}",
                    rule.get("priority"),
                )


def _tls_protocol(ctx: Context, block: Block) -> str | None:
    protocol = ctx.string(block, "protocol")
    return protocol if protocol in ("HTTPS", "TLS") else None


@resource_rule(
    "AWS203",
    "HTTPS or TLS listener without a certificate",
    Severity.ERROR,
    HTTPS_DOC,
    LISTENERS,
    "set certificate_arn (an ACM certificate in the load balancer's region)",
)
def listener_certificate(block: Block, ctx: Context) -> Iterator[Issue]:
    protocol = _tls_protocol(ctx, block)
    if protocol is not None and block.get("certificate_arn") is None:
        yield Issue(block, f"{protocol} listener has no certificate_arn", block.get("protocol"))


@resource_rule(
    "AWS204",
    "Listener ssl_policy is not an Elastic Load Balancing security policy",
    Severity.ERROR,
    POLICY_DOC,
    LISTENERS,
    "use a predefined policy such as ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
)
def listener_unknown_policy(block: Block, ctx: Context) -> Iterator[Issue]:
    policy = ctx.string(block, "ssl_policy")
    if policy and policy not in KNOWN_POLICIES and not _possibly_newer_policy(policy):
        yield Issue(
            block,
            f"ssl_policy {policy!r} is not a known ELB security policy",
            block.get("ssl_policy"),
        )


@resource_rule(
    "AWS205",
    "Listener TLS policy accepts TLS 1.0/1.1",
    Severity.WARNING,
    POLICY_DOC,
    LISTENERS,
    "use a TLS 1.2+ policy with TLS 1.3, e.g. ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
)
def listener_weak_policy(block: Block, ctx: Context) -> Iterator[Issue]:
    protocol = _tls_protocol(ctx, block)
    if protocol is None or not ctx.is_known(block, "ssl_policy"):
        return
    policy = ctx.string(block, "ssl_policy")
    if policy is None:
        yield Issue(
            block,
            f"{protocol} listener without ssl_policy gets "
            "ELBSecurityPolicy-2016-08, which accepts TLS 1.0 and 1.1",
            block.get("protocol"),
        )
    elif policy in WEAK_POLICIES:
        yield Issue(block, f"ssl_policy {policy!r} accepts TLS 1.0/1.1", block.get("ssl_policy"))


def _name_problem(name: str, *, load_balancer: bool) -> str | None:
    if len(name) > 32:
        return f"is {len(name)} characters long (at most 32)"
    if not re.fullmatch(r"[A-Za-z0-9-]+", name):
        return "may contain only letters, digits and hyphens"
    if name.startswith("-") or name.endswith("-"):
        return "must not begin or end with a hyphen"
    if load_balancer and name.lower().startswith("internal-"):
        return 'must not begin with "internal-"'
    return None


def _naming_issues(block: Block, ctx: Context, *, load_balancer: bool) -> Iterator[Issue]:
    name = ctx.string(block, "name")
    if name is not None:
        problem = _name_problem(name, load_balancer=load_balancer)
        if problem is not None:
            yield Issue(block, f"name {name!r} {problem}", block.get("name"))
    prefix = ctx.string(block, "name_prefix")
    if prefix is not None and len(prefix) > 6:
        yield Issue(
            block, f"name_prefix {prefix!r} is longer than 6 characters", block.get("name_prefix")
        )


@resource_rule(
    "AWS206",
    "Load balancer name or name_prefix that AWS rejects",
    Severity.ERROR,
    LB_NAME_DOC,
    LOAD_BALANCERS,
    "use at most 32 letters, digits and hyphens, not starting with internal- (name_prefix: 6)",
)
def load_balancer_name(block: Block, ctx: Context) -> Iterator[Issue]:
    yield from _naming_issues(block, ctx, load_balancer=True)


@resource_rule(
    "AWS207",
    "Target group name or name_prefix that AWS rejects",
    Severity.ERROR,
    TG_NAME_DOC,
    TARGET_GROUPS,
    "use at most 32 letters, digits and hyphens, not starting or ending with a hyphen "
    "(name_prefix: 6)",
)
def target_group_name(block: Block, ctx: Context) -> Iterator[Issue]:
    yield from _naming_issues(block, ctx, load_balancer=False)


_HEALTH_BOUNDS = (
    Bound("health_check.interval", 5, 300, "seconds"),
    Bound("health_check.timeout", 2, 120, "seconds"),
    Bound("health_check.healthy_threshold", 2, 10),
    Bound("health_check.unhealthy_threshold", 2, 10),
)


@resource_rule(
    "AWS208",
    "Target group health check setting outside its range",
    Severity.ERROR,
    HEALTH_DOC,
    TARGET_GROUPS,
    "interval 5-300 s, timeout 2-120 s, healthy/unhealthy thresholds 2-10",
)
def target_group_health_bounds(block: Block, ctx: Context) -> Iterator[Issue]:
    yield from bound_issues(block, ctx, _HEALTH_BOUNDS)


@resource_rule(
    "AWS209",
    "Health check timeout not shorter than its interval",
    Severity.ERROR,
    HEALTH_DOC,
    TARGET_GROUPS,
    "make health_check.timeout smaller than health_check.interval",
)
def target_group_timeout_interval(block: Block, ctx: Context) -> Iterator[Issue]:
    for check in nested(block, ["health_check"]):
        timeout, interval = ctx.number(check, "timeout"), ctx.number(check, "interval")
        if timeout is not None and interval is not None and timeout >= interval:
            yield Issue(
                block,
                f"health check timeout {fmt(timeout)}s is not shorter than the "
                f"interval {fmt(interval)}s",
                check.get("timeout"),
            )
