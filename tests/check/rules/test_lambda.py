"""Lambda rules (AWS310-AWS311) and EventBridge rules (AWS320-AWS322)."""

from __future__ import annotations

import pytest

from check.rules.lintcase import Case, check_case

CASES = [
    Case(
        "AWS310",
        bad="""
resource "aws_lambda_function" "f" {
  function_name = "f"
  role          = aws_iam_role.r.arn
  timeout       = 901 # expect: AWS310
  memory_size   = 64 # expect: AWS310
  ephemeral_storage {
    size = 20480 # expect: AWS310
  }
}
""",
        good="""
resource "aws_lambda_function" "f" {
  function_name = "f"
  role          = aws_iam_role.r.arn
  timeout       = 900
  memory_size   = 10240
  ephemeral_storage {
    size = 512
  }
}
""",
    ),
    Case(
        "AWS311",
        bad="""
resource "aws_sqs_queue" "fifo" {
  name       = "jobs.fifo"
  fifo_queue = true
}
resource "aws_sqs_queue" "std" {
  name = "jobs"
}
resource "aws_lambda_event_source_mapping" "a" {
  event_source_arn = aws_sqs_queue.fifo.arn
  function_name    = "worker"
  batch_size       = 20 # expect: AWS311
}
resource "aws_lambda_event_source_mapping" "b" {
  event_source_arn = aws_sqs_queue.std.arn
  function_name    = "worker"
  batch_size       = 100 # expect: AWS311
}
""",
        good="""
resource "aws_sqs_queue" "fifo" {
  name       = "jobs.fifo"
  fifo_queue = true
}
resource "aws_sqs_queue" "std" {
  name = "jobs"
}
resource "aws_lambda_event_source_mapping" "a" {
  event_source_arn = aws_sqs_queue.fifo.arn
  function_name    = "worker"
  batch_size       = 10
}
resource "aws_lambda_event_source_mapping" "b" {
  event_source_arn                   = aws_sqs_queue.std.arn
  function_name                      = "worker"
  batch_size                         = 100
  maximum_batching_window_in_seconds = 5
}
resource "aws_lambda_event_source_mapping" "kinesis" {
  event_source_arn  = aws_kinesis_stream.s.arn
  function_name     = "worker"
  batch_size        = 500
  starting_position = "LATEST"
}
""",
    ),
    Case(
        "AWS320",
        bad="""
resource "aws_cloudwatch_event_target" "t" {
  rule = aws_cloudwatch_event_rule.r.name
  arn  = aws_sqs_queue.q.arn
  retry_policy {
    maximum_event_age_in_seconds = 30 # expect: AWS320
    maximum_retry_attempts       = 200 # expect: AWS320
  }
}
resource "aws_scheduler_schedule" "s" {
  name                = "s"
  schedule_expression = "rate(1 hour)"
  flexible_time_window {
    mode = "OFF"
  }
  target {
    arn      = aws_sqs_queue.q.arn
    role_arn = aws_iam_role.r.arn
    retry_policy {
      maximum_event_age_in_seconds = 90000 # expect: AWS320
    }
  }
}
""",
        good="""
resource "aws_cloudwatch_event_target" "t" {
  rule = aws_cloudwatch_event_rule.r.name
  arn  = aws_sqs_queue.q.arn
  retry_policy {
    maximum_event_age_in_seconds = 3600
    maximum_retry_attempts       = 185
  }
}
""",
    ),
    Case(
        "AWS321",
        bad="""
resource "aws_cloudwatch_event_target" "ecs" {
  rule = aws_cloudwatch_event_rule.nightly.name
  arn  = aws_ecs_cluster.main.arn # expect: AWS321
  ecs_target {
    task_definition_arn = aws_ecs_task_definition.job.arn
    launch_type         = "FARGATE"
  }
}
resource "aws_cloudwatch_event_target" "sfn" {
  rule = aws_cloudwatch_event_rule.r.name
  arn  = aws_sfn_state_machine.flow.arn # expect: AWS321
}
""",
        good="""
resource "aws_cloudwatch_event_target" "ecs" {
  rule     = aws_cloudwatch_event_rule.nightly.name
  arn      = aws_ecs_cluster.main.arn
  role_arn = aws_iam_role.events.arn
  ecs_target {
    task_definition_arn = aws_ecs_task_definition.job.arn
    launch_type         = "FARGATE"
  }
}
resource "aws_cloudwatch_event_target" "sqs" {
  rule = aws_cloudwatch_event_rule.r.name
  arn  = aws_sqs_queue.q.arn
}
resource "aws_cloudwatch_event_target" "lambda" {
  rule = aws_cloudwatch_event_rule.r.name
  arn  = aws_lambda_function.f.arn
}
""",
    ),
    Case(
        "AWS322",
        bad="""
resource "aws_sqs_queue" "q" {
  name       = "orders.fifo"
  fifo_queue = true
}
resource "aws_cloudwatch_event_target" "t" {
  rule = aws_cloudwatch_event_rule.r.name
  arn  = aws_sqs_queue.q.arn # expect: AWS322
}
""",
        good="""
resource "aws_sqs_queue" "q" {
  name       = "orders.fifo"
  fifo_queue = true
}
resource "aws_cloudwatch_event_target" "t" {
  rule = aws_cloudwatch_event_rule.r.name
  arn  = aws_sqs_queue.q.arn
  sqs_target {
    message_group_id = "orders"
  }
}
""",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule(case: Case) -> None:
    check_case(case)
