"""CloudFront distributions (cdn) rendered: the module, the bucket and key policies that admit
them, the us-east-1 provider alias, and a platform without a cdn."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import hcl2
import pytest

from helpers import drop_cdn
from tfgen.pipeline import load_project, render_project
from tfgen.render.context import cdn_entry
from tfgen.render.kinds import CDN, KINDS, entity_of
from tfgen.spec.model import Distribution

US_EAST_1 = {
    "aws_kms_key",
    "aws_wafv2_web_acl",
    "aws_cloudwatch_log_group",
    "aws_wafv2_web_acl_logging_configuration",
    "aws_acm_certificate",
    "aws_acm_certificate_validation",
    "aws_cloudwatch_log_delivery_source",
    "aws_cloudwatch_log_delivery_destination",
    "aws_cloudwatch_log_delivery",
}


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    return render_project(load_project(Path(__file__).resolve().parents[2]))


def _unquote(value: Any) -> Any:
    """python-hcl2 keeps the quotes of strings, in keys and values."""
    if isinstance(value, dict):
        return {_unquote(k): _unquote(v) for k, v in value.items() if not k.startswith("__")}
    if isinstance(value, list):
        return [_unquote(v) for v in value]
    if isinstance(value, str) and len(value) > 1 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def _resources(text: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for block in hcl2.loads(text).get("resource", []):
        for rtype, named in block.items():
            for name, body in named.items():
                found[f"{_unquote(rtype)}.{_unquote(name)}"] = _unquote(body)
    return found


def test_every_registered_resource_iterates_its_entity_map(rendered: dict[str, str]) -> None:
    resources = _resources(rendered["modules/cdn/main.tf"])
    [placement] = CDN.placements
    for resource in placement.resources:
        body = resources[f"{resource.type}.{resource.name}"]
        assert body["for_each"] == f"${{local.{placement.map_of(resource).local}}}"
    for address, body in resources.items():
        wanted = "${aws.us_east_1}" if address.split(".")[0] in US_EAST_1 else None
        assert body.get("provider") == wanted, address


def test_the_distribution_is_https_only_behind_its_acl(rendered: dict[str, str]) -> None:
    dist = _resources(rendered["modules/cdn/main.tf"])["aws_cloudfront_distribution.this"]
    assert dist["web_acl_id"] == "${aws_wafv2_web_acl.this[each.key].arn}"
    [default] = dist["default_cache_behavior"]
    assert default["viewer_protocol_policy"] == "redirect-to-https"
    assert "data.aws_cloudfront_cache_policy.this" in default["cache_policy_id"]
    assert "aws_cloudfront_response_headers_policy.this" in default["response_headers_policy_id"]
    [cert] = dist["viewer_certificate"]
    assert cert["minimum_protocol_version"] == "${each.value.minimum_protocol_version}"
    acl = _resources(rendered["modules/cdn/main.tf"])["aws_wafv2_web_acl.this"]
    assert acl["scope"] == "CLOUDFRONT"
    headers = _resources(rendered["modules/cdn/main.tf"])[
        "aws_cloudfront_response_headers_policy.this"
    ]
    [config] = headers["security_headers_config"]
    assert set(config) == {
        "strict_transport_security",
        "content_type_options",
        "frame_options",
        "referrer_policy",
        "xss_protection",
    }
    oac = _resources(rendered["modules/cdn/main.tf"])["aws_cloudfront_origin_access_control.this"]
    assert (oac["signing_behavior"], oac["signing_protocol"]) == ("always", "sigv4")


def test_the_entity_map_holds_the_bookstore_distribution(rendered: dict[str, str]) -> None:
    text = rendered["modules/cdn/distributions.tf"]
    assert "# spec: cdn.bookstore" in text
    local = _unquote(hcl2.loads(text)["locals"][0])
    entry = local["distributions"]["bookstore"]
    assert entry["certificate"] == "acm" and entry["minimum_protocol_version"] == "TLSv1.2_2021"
    assert entry["bucket_origins"] == {"profile-pictures": {"bucket": "profile-pictures"}}
    assert entry["behaviors"][0]["path"] == "/api/*"
    assert entry["behaviors"][0]["cache_policy"] == "Managed-CachingDisabled"
    assert [g["name"] for g in entry["waf_rule_groups"]][
        1
    ] == "AWSManagedRulesKnownBadInputsRuleSet"
    assert set(local["bucket_fronting"]) == set(local["certified"]) == {"bookstore"}


def test_the_bucket_policy_admits_exactly_the_distribution(rendered: dict[str, str]) -> None:
    buckets = rendered["modules/buckets/main.tf"]
    doc = _unquote(hcl2.loads(buckets))["data"]
    [cloudfront] = [d["aws_iam_policy_document"]["cloudfront"] for d in doc
                    if "cloudfront" in d.get("aws_iam_policy_document", {})]  # fmt: skip
    statements = {s["content"][0]["sid"]: s["content"][0] for s in
                  [d["statement"] for d in cloudfront["dynamic"]]}  # fmt: skip
    read = statements["CloudFrontReadsObjects"]
    assert read["actions"] == ["s3:GetObject"]
    assert read["principals"][0]["identifiers"] == ["cloudfront.amazonaws.com"]
    assert read["condition"][0]["variable"] == "AWS:SourceArn"
    assert read["condition"][0]["values"] == "${statement.value}"
    logs = statements["CloudFrontLogDeliveryWrite"]
    assert logs["principals"][0]["identifiers"] == ["delivery.logs.amazonaws.com"]
    assert "delivery-source:${var.name}-cdn-*" in logs["condition"][2]["values"][0]
    policy = _resources(buckets)["aws_s3_bucket_policy.this"]
    assert policy["policy"] == "${data.aws_iam_policy_document.cloudfront[each.key].json}"
    root = rendered["main.tf"]
    assert "cloudfront_readers     = module.cdn.bucket_readers" in root
    assert 'cloudfront_log_buckets = ["access-logs"]' in root
    readers = 'bucket_readers = { profile-pictures = ["bookstore"] }'
    assert readers in rendered["modules/cdn/main.tf"]


def test_the_platform_key_lets_the_distributions_decrypt(rendered: dict[str, str]) -> None:
    security = rendered["modules/security/main.tf"]
    assert 'sid       = "CloudFrontDecryptsOrigins"' in security
    statement = security.split('"CloudFrontDecryptsOrigins"')[1].split("\n  }\n")[0]
    assert 'actions   = ["kms:Decrypt"]' in statement
    assert 'variable = "AWS:SourceArn"' in statement
    assert ":cloudfront::${data.aws_caller_identity.current.account_id}:distribution/*" in statement
    # The key does not wait for the distributions (every module uses it).
    assert "module.cdn" not in rendered["main.tf"].split('module "security"')[1].split("}")[0]


def test_the_us_east_1_provider_is_passed_to_the_module(rendered: dict[str, str]) -> None:
    assert 'alias  = "us_east_1"' in rendered["providers.tf"]
    assert "configuration_aliases = [aws.us_east_1]" in rendered["modules/cdn/versions.tf"]
    assert "aws.us_east_1 = aws.us_east_1" in rendered["main.tf"]
    dev = hcl2.loads(rendered["environments/dev.tfvars"])
    assert _unquote(dev["cdn"])["bookstore"] == {
        "aliases": ["cdn.dev.bookstore.example.com"],
        "price_class": "PriceClass_100",
        "waf_rate_limit": 2000,
        "waf_log_retention_days": 30,
    }


def test_a_platform_without_cdn_renders_no_cdn_module(project: Path) -> None:
    drop_cdn(project)
    files = render_project(load_project(project))
    assert not [p for p in files if p.startswith("modules/cdn/")]
    assert 'module "cdn"' not in files["main.tf"] and "us_east_1" not in files["providers.tf"]
    assert 'variable "cdn"' not in files["variables.tf"]
    assert "cdn" not in hcl2.loads(files["environments/prod.tfvars"])
    assert "cloudfront" not in files["modules/buckets/main.tf"] + files["modules/security/main.tf"]
    assert "configuration_aliases" not in "".join(files.values())


def test_without_aliases_the_default_certificate(project: Path) -> None:
    for rel in ("specs/cdn.yaml", "environments/dev.yaml", "environments/staging.yaml"):
        path = project / rel
        path.write_text("".join(ln for ln in path.read_text().splitlines(True)
                                if "aliases:" not in ln))  # fmt: skip
    files = render_project(load_project(project))
    local = _unquote(hcl2.loads(files["modules/cdn/distributions.tf"])["locals"][0])
    entry = local["distributions"]["bookstore"]
    assert (entry["certificate"], entry["default_certificate"]) == ("default", True)
    assert entry["minimum_protocol_version"] == "TLSv1" and entry["ssl_support_method"] is None
    assert local["certified"] == {}
    main = files["modules/cdn/main.tf"]
    assert "aws_acm_certificate" not in main and "aws_route53" not in main


def test_cdn_entry_without_aliases_and_with_a_certificate_arn() -> None:
    base: dict[str, Any] = {
        "origins": {"site": {"bucket": "site"}},
        "default": {"origin": "site"},
        "access_logs": "logs",
    }
    plain = cdn_entry("web", Distribution.model_validate(base))
    assert plain["certificate"] == "default" and plain["ingress_origins"] == {}
    arn = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
    given = cdn_entry(
        "web",
        Distribution.model_validate(base | {"aliases": ["a.example.com"], "certificate_arn": arn}),
    )
    assert (given["certificate"], given["certificate_arn"]) == ("arn", arn)
    assert given["minimum_protocol_version"] == "TLSv1.2_2021"


@pytest.mark.parametrize(
    "address",
    [
        'module.cdn.aws_cloudfront_distribution.this["bookstore"]',
        'module.cdn.aws_wafv2_web_acl.this["bookstore"]',
        'module.cdn.aws_acm_certificate.this["bookstore"]',
    ],
)
def test_instance_addresses_map_back_to_the_distribution(address: str) -> None:
    assert CDN in KINDS
    assert entity_of("", address) == ("cdn", "bookstore")
