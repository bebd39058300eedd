"""S3 rules: bucket names and lifecycle transitions."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterator

from tfgen.check.findings import Severity
from tfgen.check.rules._common import fmt
from tfgen.check.rules.engine import Context, Issue, resource_rule
from tfgen.hcl import Attribute, Block

NAMING_DOC = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html"
TRANSITION_DOC = (
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/"
    "lifecycle-transition-general-considerations.html"
)

_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


def _ip_like(name: str) -> bool:
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        return False
    return True


_NAME_CHECKS: tuple[tuple[Callable[[str], bool], str], ...] = (
    (lambda n: not 3 <= len(n) <= 63, "must be 3-63 characters long"),
    (
        lambda n: not re.fullmatch(r"[a-z0-9.-]+", n),
        "may contain only lowercase letters, digits, dots and hyphens",
    ),
    (
        lambda n: not (n[0].isalnum() and n[-1].isalnum()),
        "must begin and end with a letter or digit",
    ),
    (lambda n: ".." in n, "must not contain two adjacent periods"),
    (_ip_like, "must not be formatted as an IP address"),
    (
        lambda n: n.startswith(_RESERVED_PREFIXES),
        "must not start with a reserved prefix (xn--, sthree-, amzn-s3-demo-)",
    ),
    (
        lambda n: n.endswith(_RESERVED_SUFFIXES),
        "must not end with a reserved suffix (-s3alias, --ol-s3, .mrap, --x-s3, --table-s3)",
    ),
)


def bucket_name_problem(name: str) -> str | None:
    """Why S3 would reject a general purpose bucket name, or None."""
    for failed, problem in _NAME_CHECKS:
        if failed(name):
            return problem
    return None


@resource_rule(
    "AWS601",
    "S3 bucket name that S3 rejects",
    Severity.ERROR,
    NAMING_DOC,
    ("aws_s3_bucket",),
    "3-63 lowercase letters, digits, dots and hyphens; start and end with a letter or digit",
)
def bucket_name(block: Block, ctx: Context) -> Iterator[Issue]:
    name = ctx.string(block, "bucket")
    problem = bucket_name_problem(name) if name is not None else None
    if name is not None and problem is not None:
        yield Issue(block, f"bucket name {name!r} {problem}", block.get("bucket"))
    prefix = ctx.string(block, "bucket_prefix")
    if prefix is not None and (len(prefix) > 37 or not re.fullmatch(r"[a-z0-9.-]*", prefix)):
        yield Issue(
            block,
            f"bucket_prefix {prefix!r} must be at most 37 lowercase letters, "
            "digits, dots and hyphens",
            block.get("bucket_prefix"),
        )


_IA_CLASSES = ("STANDARD_IA", "ONEZONE_IA")


def _lifecycle_rules(block: Block) -> list[Block]:
    name = (
        "rule"
        if block.resource_type == "aws_s3_bucket_lifecycle_configuration"
        else ("lifecycle_rule")
    )
    return block.children(name)


def _lifecycle_actions(
    ctx: Context, rule: Block, action: str, kind: str
) -> list[tuple[Block, float, Attribute]]:
    """(block, days, days attribute) of a rule's ``transition`` or ``expiration`` blocks for
    current or noncurrent versions, where the days are literal."""
    block_name, days_name = (
        (action, "days")
        if kind == "current"
        else (f"noncurrent_version_{action}", "noncurrent_days")
    )
    found = []
    for holder in rule.children(block_name):
        name = days_name if holder.get(days_name) is not None else "days"
        days, attr = ctx.number(holder, name), holder.get(name)
        if days is not None and attr is not None:
            found.append((holder, days, attr))
    return found


def _transitions(ctx: Context, rule: Block, kind: str) -> list[tuple[float, str | None, Attribute]]:
    """(days, storage class, days attribute) for current or noncurrent transitions."""
    return [
        (days, ctx.string(transition, "storage_class"), attr)
        for transition, days, attr in _lifecycle_actions(ctx, rule, "transition", kind)
    ]


@resource_rule(
    "AWS602",
    "Lifecycle transition to an IA storage class before 30 days",
    Severity.ERROR,
    TRANSITION_DOC,
    ("aws_s3_bucket_lifecycle_configuration", "aws_s3_bucket"),
    "objects must stay at least 30 days before moving to STANDARD_IA or ONEZONE_IA",
)
def ia_transition_days(block: Block, ctx: Context) -> Iterator[Issue]:
    for rule in _lifecycle_rules(block):
        for kind in ("current", "noncurrent"):
            for days, storage, attr in _transitions(ctx, rule, kind):
                if storage in _IA_CLASSES and days < 30:
                    yield Issue(
                        block,
                        f"{kind} transition to {storage} after {fmt(days)} days (minimum 30)",
                        attr,
                    )


@resource_rule(
    "AWS603",
    "Lifecycle expiration not later than a transition of the same rule",
    Severity.ERROR,
    TRANSITION_DOC,
    ("aws_s3_bucket_lifecycle_configuration", "aws_s3_bucket"),
    "expire objects after the last transition day (or drop the transition)",
)
def expiration_after_transition(block: Block, ctx: Context) -> Iterator[Issue]:
    for rule in _lifecycle_rules(block):
        for kind in ("current", "noncurrent"):
            expirations = _lifecycle_actions(ctx, rule, "expiration", kind)
            transitions = _transitions(ctx, rule, kind)
            if not expirations or not transitions:
                continue
            _, expires, attr = expirations[0]
            last = max(days for days, _, _ in transitions)
            if expires <= last:
                yield Issue(
                    block,
                    f"{kind} expiration after {fmt(expires)} days is not "
                    f"after the transition at {fmt(last)} days",
                    attr,
                )
