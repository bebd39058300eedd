"""S3 (AWS601-AWS603), CloudFront (AWS610-AWS612), KMS/Secrets Manager (AWS620-AWS623) and
CloudWatch Logs (AWS630-AWS631) rules."""

from __future__ import annotations

import pytest

from check.rules.lintcase import Case, check_case
from tfgen.check.rules.s3 import bucket_name_problem

CASES = [
    Case(
        "AWS601",
        bad="""
resource "aws_s3_bucket" "a" {
  bucket = "Bookstore-Assets" # expect: AWS601
}
resource "aws_s3_bucket" "b" {
  bucket = "xn--bookstore" # expect: AWS601
}
resource "aws_s3_bucket" "c" {
  bucket_prefix = "this-prefix-is-far-too-long-for-s3-buckets-" # expect: AWS601
}
""",
        good="""
resource "aws_s3_bucket" "a" {
  bucket = "bookstore-assets-123456789012"
}
resource "aws_s3_bucket" "b" {
  bucket = "${var.prefix}-assets"
}
resource "aws_s3_bucket" "c" {
  bucket_prefix = "bookstore-logs-"
}
""",
    ),
    Case(
        "AWS602",
        bad="""
resource "aws_s3_bucket_lifecycle_configuration" "l" {
  bucket = aws_s3_bucket.b.id
  rule {
    id     = "archive"
    status = "Enabled"
    filter {}
    transition {
      days          = 7 # expect: AWS602
      storage_class = "STANDARD_IA"
    }
    noncurrent_version_transition {
      noncurrent_days = 10 # expect: AWS602
      storage_class   = "ONEZONE_IA"
    }
  }
}
""",
        good="""
resource "aws_s3_bucket_lifecycle_configuration" "l" {
  bucket = aws_s3_bucket.b.id
  rule {
    id     = "archive"
    status = "Enabled"
    filter {}
    transition {
      days          = 30
      storage_class = "STANDARD_IA"
    }
    transition {
      days          = 0
      storage_class = "INTELLIGENT_TIERING"
    }
    transition {
      days          = 1
      storage_class = "GLACIER"
    }
  }
}
""",
    ),
    Case(
        "AWS603",
        bad="""
resource "aws_s3_bucket_lifecycle_configuration" "l" {
  bucket = aws_s3_bucket.b.id
  rule {
    id     = "archive"
    status = "Enabled"
    filter {}
    transition {
      days          = 90
      storage_class = "GLACIER"
    }
    expiration {
      days = 60 # expect: AWS603
    }
  }
}
""",
        good="""
resource "aws_s3_bucket_lifecycle_configuration" "l" {
  bucket = aws_s3_bucket.b.id
  rule {
    id     = "archive"
    status = "Enabled"
    filter {}
    transition {
      days          = 90
      storage_class = "GLACIER"
    }
    expiration {
      days = 365
    }
    noncurrent_version_expiration {
      noncurrent_days = 30
    }
  }
}
""",
    ),
    Case(
        "AWS610",
        bad="""
resource "aws_cloudfront_distribution" "cdn" {
  enabled = true
  viewer_certificate {
    acm_certificate_arn      = "arn:aws:acm:eu-west-1:123456789012:certificate/abc" # expect: AWS610
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }
}
""",
        good="""
resource "aws_cloudfront_distribution" "cdn" {
  enabled = true
  viewer_certificate {
    acm_certificate_arn      = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }
}
resource "aws_cloudfront_distribution" "ref" {
  enabled = true
  viewer_certificate {
    acm_certificate_arn      = aws_acm_certificate.cdn.arn
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2025"
  }
}
""",
    ),
    Case(
        "AWS611",
        bad="""
resource "aws_cloudfront_distribution" "a" {
  enabled = true
  viewer_certificate {
    acm_certificate_arn      = aws_acm_certificate.cdn.arn
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2019" # expect: AWS611
  }
}
resource "aws_cloudfront_distribution" "b" {
  enabled = true
  viewer_certificate { # expect: AWS611
    acm_certificate_arn = aws_acm_certificate.cdn.arn
    ssl_support_method  = "sni-only"
  }
}
""",
        good="""
resource "aws_cloudfront_distribution" "a" {
  enabled = true
  viewer_certificate {
    cloudfront_default_certificate = true
  }
}
resource "aws_cloudfront_distribution" "b" {
  enabled = true
  viewer_certificate {
    acm_certificate_arn      = aws_acm_certificate.cdn.arn
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.3_2025"
  }
}
""",
    ),
    Case(
        "AWS612",
        bad="""
resource "aws_cloudfront_distribution" "a" {
  enabled = true
  default_cache_behavior {
    target_origin_id       = "s3"
    viewer_protocol_policy = "allow-all" # expect: AWS612
  }
  ordered_cache_behavior {
    path_pattern           = "/api/*"
    target_origin_id       = "alb"
    viewer_protocol_policy = "allow-all" # expect: AWS612
  }
}
""",
        good="""
resource "aws_cloudfront_distribution" "a" {
  enabled = true
  default_cache_behavior {
    target_origin_id       = "s3"
    viewer_protocol_policy = "redirect-to-https"
  }
  ordered_cache_behavior {
    path_pattern           = "/api/*"
    target_origin_id       = "alb"
    viewer_protocol_policy = "https-only"
  }
}
""",
    ),
    Case(
        "AWS620",
        bad="""
resource "aws_kms_key" "k" {
  description             = "k"
  deletion_window_in_days = 45 # expect: AWS620
}
""",
        good="""
resource "aws_kms_key" "k" {
  description             = "k"
  deletion_window_in_days = 30
  enable_key_rotation     = true
}
""",
    ),
    Case(
        "AWS621",
        bad="""
resource "aws_kms_key" "k" {
  description             = "k"
  enable_key_rotation     = true
  rotation_period_in_days = 30 # expect: AWS621
}
""",
        good="""
resource "aws_kms_key" "k" {
  description             = "k"
  enable_key_rotation     = true
  rotation_period_in_days = 90
}
""",
    ),
    Case(
        "AWS622",
        bad="""
resource "aws_kms_key" "sign" {
  description              = "signing"
  key_usage                = "SIGN_VERIFY"
  customer_master_key_spec = "RSA_2048"
  enable_key_rotation      = true # expect: AWS622
}
""",
        good="""
resource "aws_kms_key" "sign" {
  description              = "signing"
  key_usage                = "SIGN_VERIFY"
  customer_master_key_spec = "RSA_2048"
}
""",
    ),
    Case(
        "AWS623",
        bad="""
resource "aws_secretsmanager_secret" "s" {
  name                    = "s"
  recovery_window_in_days = 3 # expect: AWS623
}
""",
        good="""
resource "aws_secretsmanager_secret" "s" {
  name                    = "s"
  recovery_window_in_days = 0
}
resource "aws_secretsmanager_secret" "t" {
  name                    = "t"
  recovery_window_in_days = 30
}
""",
    ),
    Case(
        "AWS630",
        bad="""
resource "aws_cloudwatch_log_group" "g" {
  name              = "/ecs/orders"
  retention_in_days = 45 # expect: AWS630
}
""",
        good="""
resource "aws_cloudwatch_log_group" "g" {
  name              = "/ecs/orders"
  retention_in_days = 400
}
resource "aws_cloudwatch_log_group" "h" {
  name              = "/ecs/catalog"
  retention_in_days = 0
}
""",
    ),
    Case(
        "AWS631",
        bad="""
resource "aws_cloudwatch_log_group" "g" {
  name = "/ecs/order service" # expect: AWS631
}
""",
        good="""
resource "aws_cloudwatch_log_group" "g" {
  name = "/aws/ecs/order-service#prod"
}
""",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule(case: Case) -> None:
    check_case(case)


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("abc", True),
        ("my.bucket-1", True),
        ("ab", False),
        ("a" * 64, False),
        ("-abc", False),
        ("abc-", False),
        ("a..b", False),
        ("192.168.5.4", False),
        ("sthree-x", False),
        ("amzn-s3-demo-x", False),
        ("x-s3alias", False),
        ("x--ol-s3", False),
        ("x.mrap", False),
        ("x--x-s3", False),
        ("x--table-s3", False),
        ("My_Bucket", False),
    ],
)
def test_bucket_name_rules(name: str, ok: bool) -> None:
    assert (bucket_name_problem(name) is None) is ok
