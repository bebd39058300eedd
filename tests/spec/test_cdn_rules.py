"""The model rules of CloudFront distributions (cdn), located at the value to change."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import Edit, ingress_by_certificate, line_of
from tfgen.errors import UserError
from tfgen.pipeline import load_project

CDN = "specs/cdn.yaml"
ARN = "arn:aws:acm:{region}:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"


def _messages(project: Path) -> list[str]:
    with pytest.raises(UserError) as info:
        load_project(project, [], all_envs=True)
    return [p.render() for p in info.value.problems]


def _at(project: Path, needle: str, col: int) -> str:
    return f"{CDN}:{line_of(project / CDN, needle)}:{col}:"


def test_the_bookstore_distribution_loads(repo: Path) -> None:
    loaded = load_project(repo)
    dist = loaded.platform.cdn["bookstore"]
    assert dist.origins["profile-pictures"].bucket == "profile-pictures"
    assert dist.origins["api"].ingress and dist.behaviors[0].path == "/api/*"
    assert loaded.warnings == []


def test_an_origin_names_exactly_one_source(project: Path, edit: Edit) -> None:
    edit(CDN, "api: {ingress: true}", "api: {ingress: true, bucket: covers}")
    [msg] = _messages(project)
    assert msg.startswith(
        f"{_at(project, 'api: {ingress', 12)} TFG290 origin api needs exactly one of bucket or "
        "ingress: true"
    )


def test_dangling_bucket_origin(project: Path, edit: Edit) -> None:
    edit(CDN, "{bucket: profile-pictures}", "{bucket: avatars}")
    [msg] = _messages(project)
    assert msg == (
        f"{_at(project, 'avatars', 34)} TFG291 bucket 'avatars' is not defined in buckets "
        "(known: access-logs, covers, profile-pictures); hint: add it under buckets: or fix "
        "the name"
    )


def test_an_access_log_bucket_is_no_origin(project: Path, edit: Edit) -> None:
    edit(CDN, "{bucket: profile-pictures}", "{bucket: access-logs}")
    [msg] = _messages(project)
    assert msg.startswith(f"{_at(project, '{bucket: access-logs}', 34)} TFG292 access-logs is an")


def test_a_load_balancer_origin_needs_an_ingress(project: Path) -> None:
    (project / "specs/ingress.yaml").unlink()
    for env in ("dev", "staging"):
        path = project / "environments" / f"{env}.yaml"
        head, tail = path.read_text().split("\ningress:", 1)
        path.write_text(head + "\n\n" + tail.split("\n\n", 1)[1])
    services = project / "specs/services.yaml"
    services.write_text("".join(ln for ln in services.read_text().splitlines(True)
                                if "routes:" not in ln))  # fmt: skip
    messages = _messages(project)
    expected = (
        f"{_at(project, 'api: {ingress', 22)} TFG293 the origin is the load balancer but the "
        "platform has no ingress; hint: add an ingress: section, or use a bucket origin"
    )
    assert expected in messages
    # The aliases lose the zone their certificate is validated in.
    assert any(" TFG296 bookstore has aliases but no way to get their certificate" in m
               for m in messages)  # fmt: skip


def test_behavior_with_an_unknown_origin(project: Path, edit: Edit) -> None:
    edit(CDN, "        origin: api\n", "        origin: apii\n")
    [msg] = _messages(project)
    assert msg == (
        f"{_at(project, 'origin: apii', 17)} TFG294 origin 'apii' is not an origin of bookstore "
        "(known: api, profile-pictures); hint: name one of the distribution's origins"
    )


def test_default_behavior_with_an_unknown_origin(project: Path, edit: Edit) -> None:
    edit(CDN, "      origin: profile-pictures\n", "      origin: covers\n")
    [msg] = _messages(project)
    assert msg.startswith(f"{_at(project, 'origin: covers', 15)} TFG294 origin 'covers'")


def test_duplicate_path_pattern(project: Path, edit: Edit) -> None:
    behavior = "      - path: /api/*\n        origin: api\n"
    edit(CDN, behavior, behavior.replace("api/*", "api/v2/*") + behavior)
    edit(CDN, "      - path: /api/v2/*\n", "      - path: /api/*\n        methods: all\n")
    [msg] = _messages(project)
    lines = (project / CDN).read_text().splitlines()
    second = [i for i, ln in enumerate(lines, 1) if "- path: /api/*" in ln][1]
    assert msg == (
        f"{CDN}:{second}:15: TFG295 path pattern '/api/*' is listed twice; hint: give each path "
        "pattern one behavior"
    )


def test_path_pattern_must_be_a_path(project: Path, edit: Edit) -> None:
    edit(CDN, "- path: /api/*", "- path: api/*")
    [msg] = _messages(project)
    assert msg.startswith(f"{_at(project, 'path: api/*', 15)} TFG295 'api/*' is not a CloudFront")


def test_aliases_outside_the_zone(project: Path, edit: Edit) -> None:
    edit(CDN, "aliases: [cdn.bookstore.example.com]", "aliases: [cdn.example.org]")
    messages = _messages(project)
    expected = (
        f"{_at(project, 'cdn.example.org', 15)} TFG296 alias cdn.example.org is not in the "
        "hosted zone bookstore.example.com; hint: use bookstore.example.com or a name ending "
        "in .bookstore.example.com, or give certificate_arn"
    )
    assert expected in messages


def test_certificate_arn_must_be_in_us_east_1(project: Path, edit: Edit) -> None:
    arn = ARN.format(region="eu-west-1")
    edit(CDN, "    price_class:", f"    certificate_arn: {arn}\n    price_class:")
    [msg] = _messages(project)
    assert msg == (
        f"{_at(project, 'certificate_arn', 22)} TFG296 the certificate is in eu-west-1; "
        "CloudFront uses ACM certificates of us-east-1 only; hint: import or request the "
        "certificate in us-east-1"
    )


def test_an_alias_belongs_to_one_distribution(project: Path, edit: Edit) -> None:
    text = (project / CDN).read_text()
    copy = text.split("cdn:\n", 1)[1].replace("  bookstore:", "  mirror:", 1)
    (project / CDN).write_text(text + copy)
    messages = _messages(project)
    line = [i for i, ln in enumerate(text.splitlines() + copy.splitlines(), 1) if "aliases:" in ln]
    assert (
        f"{CDN}:{line[1]}:15: TFG296 alias cdn.bookstore.example.com is already an alias of "
        "bookstore; hint: a domain name belongs to one distribution"
    ) in messages


def test_access_logs_must_be_a_log_bucket(project: Path, edit: Edit) -> None:
    edit(CDN, "access_logs: access-logs", "access_logs: covers")
    [msg] = _messages(project)
    assert msg == (
        f"{_at(project, 'access_logs: covers', 18)} TFG297 'covers' is not a bucket with "
        "purpose: access-logs (known: access-logs); hint: name a bucket of buckets: with "
        "purpose: access-logs"
    )


def test_cdn_waf_rule_groups_are_checked(project: Path, edit: Edit) -> None:
    edit(CDN, "- AWSManagedRulesAmazonIpReputationList", "- AWSManagedRulesBotControlRuleSet")
    [msg] = _messages(project)
    assert msg.startswith(
        f"{_at(project, 'BotControl', 11)} TFG219 AWSManagedRulesBotControlRuleSet needs a "
        "managed rule group configuration"
    )


def _without_aliases(project: Path) -> None:
    for rel in (CDN, "environments/dev.yaml", "environments/staging.yaml"):
        path = project / rel
        path.write_text("".join(ln for ln in path.read_text().splitlines(True)
                                if "aliases:" not in ln))  # fmt: skip


def test_no_aliases_is_a_located_warning(project: Path) -> None:
    _without_aliases(project)
    loaded = load_project(project)
    assert [w.render() for w in loaded.warnings] == [
        f"{_at(project, '  bookstore:', 3)} TFG298 bookstore has no aliases: it serves "
        "*.cloudfront.net with the CloudFront default certificate, whose minimum protocol is "
        "TLSv1 (not TLSv1.2_2021); hint: add aliases (with certificate_arn or an ingress "
        "hosted_zone) for TLSv1.2_2021"
    ]


def test_certificate_arn_without_aliases(project: Path, edit: Edit) -> None:
    _without_aliases(project)
    arn = ARN.format(region="us-east-1")
    edit(CDN, "    price_class:", f"    certificate_arn: {arn}\n    price_class:")
    [msg] = _messages(project)
    assert msg.startswith(f"{_at(project, 'certificate_arn', 22)} TFG296 certificate_arn without")


def test_an_environment_keeps_whether_there_are_aliases(project: Path, edit: Edit) -> None:
    edit("environments/dev.yaml", "aliases: [cdn.dev.bookstore.example.com]", "aliases: []")
    [msg] = _messages(project)
    dev = project / "environments/dev.yaml"
    assert msg == (
        f"environments/dev.yaml:{line_of(dev, 'aliases: []')}:14: TFG299 dev removes the "
        "aliases of bookstore; whether a distribution has aliases is the same in every "
        "environment; hint: give aliases in every environment, or in none"
    )


def test_distribution_names_are_length_checked(project: Path, edit: Edit) -> None:
    long = "a" + "-b" * 19  # 39 characters: bookstore-staging-cdn-<name> is 61 > 60
    edit(CDN, "  bookstore:\n", f"  {long}:\n")
    for env in ("dev", "staging"):
        edit(f"environments/{env}.yaml", "cdn:\n  bookstore:", f"cdn:\n  {long}:")
    messages = _messages(project)
    assert any(
        m.startswith(f"{_at(project, long, 3)} TFG212 log delivery source name") for m in messages
    )


def test_load_balancer_origin_with_a_certificate_arn_ingress_needs_a_domain(
    project: Path, edit: Edit
) -> None:
    ingress_by_certificate(project, ARN.format(region="eu-west-1"))
    edit(CDN, "    price_class:", f"    certificate_arn: {ARN.format(region='us-east-1')}\n"
                                   "    price_class:")  # fmt: skip
    [msg] = _messages(project)
    assert msg.startswith(
        f"{_at(project, 'api: {ingress', 22)} TFG293 CloudFront reaches the load balancer over "
        "HTTPS and checks its certificate"
    )
    edit(CDN, "api: {ingress: true}", "api: {ingress: true, domain: origin.example.com}")
    cdn = load_project(project).platform.cdn["bookstore"]
    assert cdn.origins["api"].domain == "origin.example.com"
