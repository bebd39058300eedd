"""SQS/SNS rules (AWS301-AWS307)."""

from __future__ import annotations

import pytest

from check.rules.lintcase import Case, check_case, lint

CASES = [
    Case(
        "AWS301",
        bad="""
resource "aws_sqs_queue" "q" {
  name                       = "orders"
  visibility_timeout_seconds = 43201 # expect: AWS301
  message_retention_seconds  = 30 # expect: AWS301
  delay_seconds              = 901 # expect: AWS301
  max_message_size           = 1048577 # expect: AWS301
  receive_wait_time_seconds  = 21 # expect: AWS301
}
""",
        good="""
resource "aws_sqs_queue" "q" {
  name                       = "orders"
  visibility_timeout_seconds = 43200
  message_retention_seconds  = 1209600
  delay_seconds              = 900
  max_message_size           = 1048576
  receive_wait_time_seconds  = var.wait
}
""",
    ),
    Case(
        "AWS302",
        bad="""
resource "aws_sqs_queue" "a" {
  name       = "orders" # expect: AWS302
  fifo_queue = true
}
resource "aws_sqs_queue" "b" {
  name = "orders.fifo" # expect: AWS302
}
resource "aws_sqs_queue" "c" {
  name = "orders queue" # expect: AWS302
}
""",
        good="""
resource "aws_sqs_queue" "a" {
  name       = "orders.fifo"
  fifo_queue = true
}
resource "aws_sqs_queue" "b" {
  name = "orders"
}
resource "aws_sqs_queue" "c" {
  name       = "orders.fifo"
  fifo_queue = var.fifo
}
""",
    ),
    Case(
        "AWS303",
        bad="""
resource "aws_sqs_queue" "dlq" {
  name = "orders-dlq"
}
resource "aws_sqs_queue" "q" {
  name = "orders"
  redrive_policy = jsonencode({ # expect: AWS303
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = 0
  })
}
resource "aws_sqs_queue_redrive_policy" "r" {
  queue_url      = aws_sqs_queue.q.id
  # expect-next-line: AWS303
  redrive_policy = "{\\"deadLetterTargetArn\\": \\"x\\", \\"maxReceiveCount\\": 1001}"
}
""",
        good="""
resource "aws_sqs_queue" "dlq" {
  name = "orders-dlq"
}
resource "aws_sqs_queue" "q" {
  name = "orders"
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = var.max_receives
  })
}
""",
    ),
    Case(
        "AWS304",
        bad="""
resource "aws_sqs_queue" "q" {
  name                       = "jobs"
  visibility_timeout_seconds = 30 # expect: AWS304
}
resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = aws_iam_role.r.arn
  timeout       = 60
}
resource "aws_lambda_event_source_mapping" "m" {
  event_source_arn = aws_sqs_queue.q.arn
  function_name    = aws_lambda_function.worker.arn
}
resource "aws_sqs_queue" "implicit" { # expect: AWS304
  name = "implicit"
}
resource "aws_lambda_event_source_mapping" "m2" {
  event_source_arn = aws_sqs_queue.implicit.arn
  function_name    = aws_lambda_function.worker.function_name
}
""",
        good="""
resource "aws_sqs_queue" "q" {
  name                       = "jobs"
  visibility_timeout_seconds = 360
}
resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = aws_iam_role.r.arn
  timeout       = 60
}
resource "aws_lambda_event_source_mapping" "m" {
  event_source_arn = aws_sqs_queue.q.arn
  function_name    = aws_lambda_function.worker.arn
}
resource "aws_sqs_queue" "unknown" {
  name                       = "unknown"
  visibility_timeout_seconds = var.visibility
}
resource "aws_lambda_event_source_mapping" "m2" {
  event_source_arn = aws_sqs_queue.unknown.arn
  function_name    = aws_lambda_function.worker.arn
}
""",
    ),
    Case(
        "AWS305",
        bad="""
resource "aws_sqs_queue" "dlq" {
  name                      = "orders-dlq"
  message_retention_seconds = 86400 # expect: AWS305
}
resource "aws_sqs_queue" "q" {
  name = "orders"
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = 3
  })
}
""",
        good="""
resource "aws_sqs_queue" "dlq" {
  name                      = "orders-dlq"
  message_retention_seconds = 1209600
}
resource "aws_sqs_queue" "q" {
  name                      = "orders"
  message_retention_seconds = 345600
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = 3
  })
}
""",
    ),
    Case(
        "AWS306",
        bad="""
resource "aws_sqs_queue" "dlq" {
  name                      = "orders-dlq"
  message_retention_seconds = 1209600
}
resource "aws_sqs_queue" "q" {
  name       = "orders.fifo"
  fifo_queue = true
}
resource "aws_sqs_queue_redrive_policy" "q" {
  queue_url = aws_sqs_queue.q.url
  redrive_policy = jsonencode({ # expect: AWS306
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = 3
  })
}
""",
        good="""
resource "aws_sqs_queue" "dlq" {
  name       = "orders-dlq.fifo"
  fifo_queue = true
}
resource "aws_sqs_queue" "q" {
  name       = "orders.fifo"
  fifo_queue = true
}
resource "aws_sqs_queue_redrive_policy" "q" {
  queue_url = aws_sqs_queue.q.url
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = 3
  })
}
""",
    ),
    Case(
        "AWS307",
        bad="""
resource "aws_sns_topic" "t" {
  name       = "events" # expect: AWS307
  fifo_topic = true
}
""",
        good="""
resource "aws_sns_topic" "t" {
  name       = "events.fifo"
  fifo_topic = true
}
resource "aws_sns_topic" "u" {
  name = "alerts"
}
""",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule(case: Case) -> None:
    check_case(case)


def test_locals_resolve_to_literals() -> None:
    findings = lint("""
locals {
  queue = { visibility = 50000 }
  timeout = local.queue.visibility
}
resource "aws_sqs_queue" "q" {
  name                       = "orders"
  visibility_timeout_seconds = local.timeout
}
""")
    assert [(f.code, f.location.line if f.location else 0) for f in findings] == [("AWS301", 8)]
    assert "50000" in findings[0].message


def test_heredoc_redrive_policy_with_interpolation() -> None:
    findings = lint("""
resource "aws_sqs_queue" "q" {
  name           = "orders"
  redrive_policy = <<EOF
{"deadLetterTargetArn": "${aws_sqs_queue.dlq.arn}", "maxReceiveCount": ${var.n}}
EOF
}
resource "aws_sqs_queue" "r" {
  name           = "other"
  redrive_policy = <<EOF
{"deadLetterTargetArn": "${aws_sqs_queue.dlq.arn}", "maxReceiveCount": 5000}
EOF
}
""")
    assert [(f.code, f.location.line if f.location else 0) for f in findings] == [("AWS303", 10)]


def test_finding_carries_metadata() -> None:
    (finding,) = lint('resource "aws_sqs_queue" "q" {\n  delay_seconds = 1000\n}\n')
    assert finding.layer == "rules"
    assert finding.location is not None
    assert (finding.location.file, finding.location.line, finding.location.column) == (
        "main.tf",
        2,
        3,
    )
    assert finding.location.address == "aws_sqs_queue.q"
    assert finding.doc_url.startswith("https://docs.aws.amazon.com/")
    assert finding.hint
