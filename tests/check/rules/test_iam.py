"""IAM policy document rules (AWS410-AWS413)."""

from __future__ import annotations

import pytest

from check.rules.lintcase import Case, check_case

CASES = [
    Case(
        "AWS410",
        bad="""
resource "aws_iam_policy" "admin" {
  name = "admin"
  policy = jsonencode({ # expect: AWS410
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}
resource "aws_iam_role_policy" "inline" {
  role = aws_iam_role.r.id
  # expect-next-line: AWS410
  policy = <<-EOF
    {
      "Version": "2012-10-17",
      "Statement": {"Effect": "Allow", "Action": ["*"], "Resource": ["*"]}
    }
  EOF
}
data "aws_iam_policy_document" "doc" {
  statement { # expect: AWS410
    actions   = ["*"]
    resources = ["*"]
  }
}
""",
        good="""
resource "aws_iam_policy" "reader" {
  name = "reader"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["s3:GetObject"], Resource = "${aws_s3_bucket.b.arn}/*" },
      { Effect = "Allow", Action = "logs:CreateLogGroup", Resource = "*" },
      {
        Effect    = "Deny"
        Action    = "*"
        Resource  = "*"
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })
}
resource "aws_kms_key" "k" {
  description = "k"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Root"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}
""",
    ),
    Case(
        "AWS411",
        bad="""
resource "aws_iam_policy" "p" {
  name = "p"
  policy = jsonencode({ # expect: AWS411
    Version   = "2024-01-01"
    Statement = [{ Effect = "Allow", Action = "s3:ListBucket", Resource = "arn:aws:s3:::b" }]
  })
}
data "aws_iam_policy_document" "d" {
  version = "2012-10-18" # expect: AWS411
  statement {
    actions   = ["s3:ListBucket"]
    resources = ["arn:aws:s3:::b"]
  }
}
""",
        good="""
resource "aws_iam_policy" "p" {
  name = "p"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:ListBucket", Resource = "arn:aws:s3:::b" }]
  })
}
data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["s3:ListBucket"]
    resources = ["arn:aws:s3:::b"]
  }
}
""",
    ),
    Case(
        "AWS412",
        bad="""
resource "aws_sqs_queue_policy" "open" {
  queue_url = aws_sqs_queue.q.id
  policy = jsonencode({ # expect: AWS412
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.q.arn
    }]
  })
}
resource "aws_iam_role" "anyone" {
  name = "anyone"
  assume_role_policy = jsonencode({ # expect: AWS412
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "sts:AssumeRole" }]
  })
}
data "aws_iam_policy_document" "bucket" {
  statement { # expect: AWS412
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::site/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}
""",
        good="""
resource "aws_sqs_queue_policy" "events" {
  queue_url = aws_sqs_queue.q.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.q.arn
      Condition = { ArnEquals = { "aws:SourceArn" = aws_cloudwatch_event_rule.r.arn } }
    }]
  })
}
data "aws_iam_policy_document" "tls_only" {
  statement {
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = ["arn:aws:s3:::b/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
  statement {
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::b/*"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalOrgID"
      values   = ["o-123"]
    }
  }
}
""",
    ),
    Case(
        "AWS413",
        bad="""
resource "aws_iam_policy" "p" {
  name = "p"
  policy = jsonencode({ # expect: AWS413
    Version   = "2012-10-17"
    Statement = [{ Effect = "allow", Action = "s3:ListBucket", Resource = "*" }]
  })
}
data "aws_iam_policy_document" "d" {
  statement { # expect: AWS413
    effect    = "Permit"
    actions   = ["s3:ListBucket"]
    resources = ["*"]
  }
}
""",
        good="""
data "aws_iam_policy_document" "d" {
  statement {
    effect    = var.effect
    actions   = ["s3:ListBucket"]
    resources = ["*"]
  }
}
""",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule(case: Case) -> None:
    check_case(case)
