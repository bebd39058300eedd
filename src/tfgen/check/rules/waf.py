"""AWS WAF (v2) rules: rate-based limits and rule priorities."""

from __future__ import annotations

from collections.abc import Iterator

from tfgen.check.findings import Severity
from tfgen.check.rules._common import Bound, bound_issues, fmt
from tfgen.check.rules.engine import Context, Issue, resource_rule
from tfgen.hcl import Block

WAF_RATE_DOC = (
    "https://docs.aws.amazon.com/waf/latest/developerguide/"
    "waf-rule-statement-type-rate-based-high-level-settings.html"
)
WAF_RULE_DOC = "https://docs.aws.amazon.com/waf/latest/APIReference/API_Rule.html"
WEB_ACLS = ("aws_wafv2_web_acl", "aws_wafv2_rule_group")


@resource_rule(
    "AWS430",
    "WAF rate-based rule limit or window outside what WAF accepts",
    Severity.ERROR,
    WAF_RATE_DOC,
    WEB_ACLS,
    "limit must be 10-2,000,000,000 requests; evaluation_window_sec 60, 120, 300 or 600",
)
def rate_limit(block: Block, ctx: Context) -> Iterator[Issue]:
    yield from bound_issues(
        block,
        ctx,
        (Bound("rule.statement.rate_based_statement.limit", 10, 2_000_000_000, "requests"),),
    )
    for rule in block.children("rule"):
        for statement in rule.children("statement"):
            for rate in statement.children("rate_based_statement"):
                window = ctx.number(rate, "evaluation_window_sec")
                if window is not None and window not in (60, 120, 300, 600):
                    yield Issue(
                        block,
                        f"evaluation_window_sec = {fmt(window)} is not 60, 120, 300 or 600",
                        rate.get("evaluation_window_sec"),
                    )


@resource_rule(
    "AWS431",
    "WAF rules share a priority",
    Severity.ERROR,
    WAF_RULE_DOC,
    WEB_ACLS,
    "give every rule of a web ACL or rule group a unique priority",
)
def rule_priority(block: Block, ctx: Context) -> Iterator[Issue]:
    seen: dict[float, str] = {}
    for rule in block.children("rule"):
        priority, name = ctx.number(rule, "priority"), ctx.string(rule, "name") or "?"
        if priority is None:
            continue
        if priority in seen:
            yield Issue(
                block,
                f"rule {name!r} uses priority {fmt(priority)} like rule {seen[priority]!r}",
                rule.get("priority"),
            )
        seen.setdefault(priority, name)
