"""CloudFront rules: viewer certificates, minimum TLS version, viewer protocol policy."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tfgen.check.findings import Severity
from tfgen.check.rules.engine import Context, Issue, resource_rule
from tfgen.hcl import Block

CF_DOC = "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide"
ACM_REGION_DOC = f"{CF_DOC}/cnames-and-https-requirements.html"
PROTOCOLS_DOC = f"{CF_DOC}/secure-connections-supported-viewer-protocols-ciphers.html"
VIEWER_HTTPS_DOC = f"{CF_DOC}/using-https-viewers-to-cloudfront.html"
DISTRIBUTION = ("aws_cloudfront_distribution",)

WEAK_PROTOCOLS = ("SSLv3", "TLSv1", "TLSv1_2016", "TLSv1.1_2016", "TLSv1.2_2018", "TLSv1.2_2019")
_ACM_ARN = re.compile(r"arn:aws[\w-]*:acm:([a-z0-9-]+):\d{12}:certificate/.+")


@resource_rule(
    "AWS610",
    "CloudFront certificate from ACM outside us-east-1",
    Severity.ERROR,
    ACM_REGION_DOC,
    DISTRIBUTION,
    "request or import the certificate in us-east-1 (N. Virginia), e.g. with a provider alias",
)
def acm_region(block: Block, ctx: Context) -> Iterator[Issue]:
    for certificate in block.children("viewer_certificate"):
        arn = ctx.string(certificate, "acm_certificate_arn")
        match = _ACM_ARN.fullmatch(arn) if arn else None
        if match is not None and match.group(1) != "us-east-1":
            yield Issue(
                block,
                f"acm_certificate_arn is in {match.group(1)}; CloudFront only "
                "uses ACM certificates from us-east-1",
                certificate.get("acm_certificate_arn"),
            )


@resource_rule(
    "AWS611",
    "CloudFront minimum TLS version below TLSv1.2_2021",
    Severity.WARNING,
    PROTOCOLS_DOC,
    DISTRIBUTION,
    'set minimum_protocol_version = "TLSv1.2_2021" (or newer) with a custom certificate',
)
def minimum_protocol(block: Block, ctx: Context) -> Iterator[Issue]:
    for certificate in block.children("viewer_certificate"):
        if ctx.boolean(certificate, "cloudfront_default_certificate") or not ctx.is_known(
            certificate, "minimum_protocol_version"
        ):
            continue
        version = ctx.string(certificate, "minimum_protocol_version")
        custom = any(certificate.get(n) for n in ("acm_certificate_arn", "iam_certificate_id"))
        if version is None and custom:
            yield Issue(
                block,
                "viewer_certificate without minimum_protocol_version defaults to TLSv1",
                certificate,
            )
        elif version in WEAK_PROTOCOLS:
            yield Issue(
                block,
                f"minimum_protocol_version {version!r} allows protocols older than TLS 1.2_2021",
                certificate.get("minimum_protocol_version"),
            )


@resource_rule(
    "AWS612",
    "CloudFront cache behavior serves plain HTTP",
    Severity.WARNING,
    VIEWER_HTTPS_DOC,
    DISTRIBUTION,
    'use viewer_protocol_policy = "redirect-to-https" or "https-only"',
)
def viewer_protocol(block: Block, ctx: Context) -> Iterator[Issue]:
    behaviors = block.children("default_cache_behavior") + block.children("ordered_cache_behavior")
    for behavior in behaviors:
        if ctx.string(behavior, "viewer_protocol_policy") == "allow-all":
            path = ctx.string(behavior, "path_pattern") or "default"
            yield Issue(
                block,
                f"cache behavior {path!r} allows plain HTTP (allow-all)",
                behavior.get("viewer_protocol_policy"),
            )
