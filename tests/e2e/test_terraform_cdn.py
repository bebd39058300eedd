"""Platforms with CloudFront distributions pass the real terraform validate (every workspace)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import drop_cdn, ingress_by_certificate
from tfgen.pipeline import load_project, render_project
from tfgen.terraform.locate import find_provider_mirror
from tfgen.terraform.validate import validate_tree

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(find_provider_mirror() is None, reason="no hashicorp/aws provider mirror"),
]

CDN = "specs/cdn.yaml"
ARN = "arn:aws:acm:{region}:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
ENVS = [f"environments/{e}.tfvars" for e in ("dev", "staging", "prod")]


def _validate(project: Path, *, cdn: bool = True) -> list[str]:
    files = render_project(load_project(project))
    assert ("modules/cdn/main.tf" in files) is cdn
    tree = {path: text.encode() for path, text in files.items()}
    return [f"{d.summary}: {d.detail}" for d in validate_tree(tree, var_files=ENVS)]


def test_certificate_arns_a_bucket_and_the_load_balancer(project: Path) -> None:
    """The ingress and the distribution both by certificate ARN: CloudFront reaches the load
    balancer at the origin's domain; no Route 53 or ACM resources."""
    ingress_by_certificate(project, ARN.format(region="eu-west-1"))
    cdn = project / CDN
    text = cdn.read_text().replace(
        "api: {ingress: true}", "api: {ingress: true, domain: origin.bookstore.example.com}"
    )
    arn = f"    certificate_arn: {ARN.format(region='us-east-1')}\n"
    cdn.write_text(text.replace("    price_class:", arn + "    price_class:"))
    files = render_project(load_project(project))
    assert "aws_acm_certificate" not in files["modules/cdn/main.tf"]
    assert "alb_origin_domain   = module.ingress.alb_dns_name" in files["main.tf"]
    assert _validate(project) == []


def test_a_distribution_without_aliases_of_one_bucket(project: Path) -> None:
    """The default certificate, a bucket origin only: no ALB origin, no origin request policy."""
    cdn = project / CDN
    lines = cdn.read_text().split("    behaviors:\n")[0].splitlines(True)
    kept = [ln for ln in lines if "aliases:" not in ln and "api: {ingress" not in ln]
    cdn.write_text("".join(kept) + "    default: {origin: profile-pictures}\n")
    for env in ("dev", "staging"):
        path = project / f"environments/{env}.yaml"
        path.write_text("".join(ln for ln in path.read_text().splitlines(True)
                                if "aliases:" not in ln))  # fmt: skip
    files = render_project(load_project(project))
    assert "alb_origin_domain" not in files["main.tf"]
    assert "aws_cloudfront_origin_request_policy" not in files["modules/cdn/main.tf"]
    assert _validate(project) == []


def test_a_platform_without_cdn_validates(project: Path) -> None:
    drop_cdn(project)
    assert _validate(project, cdn=False) == []
