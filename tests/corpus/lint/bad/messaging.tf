variable "private_subnet_ids" {
  type        = list(string)
  description = "subnets for the nightly report task"
}

# --- queues -------------------------------------------------------------------
resource "aws_sqs_queue" "fulfillment_dlq" {
  name                      = "fulfillment-dlq"
  message_retention_seconds = 86400 # 1 day should be enough  # expect: AWS305
  sqs_managed_sse_enabled   = true
}

resource "aws_sqs_queue" "fulfillment" {
  name                       = "fulfillment"
  visibility_timeout_seconds = 30 # expect: AWS304
  message_retention_seconds  = 1209600
  receive_wait_time_seconds  = 20
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.fulfillment_dlq.arn
    maxReceiveCount     = 3
  })
}

resource "aws_sqs_queue" "payments" {
  name                        = "payments" # expect: AWS302
  fifo_queue                  = true
  content_based_deduplication = true
  delay_seconds               = 1800 # expect: AWS301  # echo: TF-expected-delay-seconds
  max_message_size            = 2097152 # expect: AWS301  # echo: TF-expected-max-message-size
}

resource "aws_sqs_queue" "payments_dlq" {
  name                     = "payments-dlq"
  message_retention_period = 1209600 # expect: SCH002
}

resource "aws_sqs_queue_redrive_policy" "payments" {
  queue_url = aws_sqs_queue.payments.id
  redrive_policy = jsonencode({ # expect: AWS303, AWS306
    deadLetterTargetArn = aws_sqs_queue.payments_dlq.arn
    maxReceiveCount     = 0
  })
}

resource "aws_sqs_queue" "notifications" {
  name                      = "notifications.fifo" # expect: AWS302
  message_retention_seconds = 30 # expect: AWS301  # echo: TF-expected-message-retention-seconds
  url                       = "https://sqs.eu-west-1.amazonaws.com/123456789012/notifications.fifo" # expect: SCH003
}

resource "aws_sqs_queue_policy" "fulfillment" {
  queue_url = aws_sqs_queue.fulfillment.id
  policy    = <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AllowEventBridge",
      "Effect": "Allow",
      "Principal": {"Service": "events.amazonaws.com"},
      "Action": "sqs:SendMessage",
      "Resource": "${aws_sqs_queue.fulfillment.arn}",
      "Condition": {"ArnEquals": {"aws:SourceArn": "${aws_cloudwatch_event_rule.order_created.arn}"}}
    }
  ]
}
POLICY
}

# the legacy consumers read the queue URL from SSM
resource "aws_ssm_parameter" "fulfillment_queue_url" {
  name  = "/bookstore/fulfillment/queue-url"
  type  = "String"
  value = aws_sqs_queue.fulfillment.queue_url # expect: TF-unsupported-attribute
}

resource "aws_sns_topic" "alerts" {
  name = "bookstore-alerts"
}

resource "aws_sns_topic_subscription" "ops" {
  for_each  = toset(var.ops_emails) # expect: CON003
  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = each.value
}

resource "aws_sns_topic" "order_events" {
  name       = "order-events" # expect: AWS307
  fifo_topic = true
}

# --- consumer -----------------------------------------------------------------
resource "aws_lambda_function" "fulfillment_worker" {
  function_name = "fulfillment-worker"
  role          = aws_iam_role.worker.arn
  handler       = "app.handler"
  runtime       = "python3.8" # expect: AWS903
  filename      = "${path.module}/build/worker.zip"
  timeout       = 120
  memory_size   = 12288 # expect: AWS310

  environment = { # expect: SCH006
    variables = {
      QUEUE_URL = aws_sqs_queue.fulfillment.url
    }
  }
}

resource "aws_iam_role" "worker" {
  name               = "fulfillment-worker"
  assume_role_policy = <<-JSON
    {
      "Version": "2012-10-17",
      "Statement": [{
        "Effect": "Allow",
        "Principal": {"Service": "lambda.amazonaws.com"},
        "Action": "sts:AssumeRole"
      }]
    }
  JSON
}

resource "aws_lambda_event_source_mapping" "fulfillment" {
  event_source_arn = aws_sqs_queue.fulfillment.arn
  function_name    = aws_lambda_function.fulfillment_worker.arn
  batch_size       = 50 # expect: AWS311
}

# --- events -------------------------------------------------------------------
resource "aws_cloudwatch_event_bus" "bookstore" {
  name = "bookstore"
}

resource "aws_cloudwatch_event_rule" "order_created" {
  name           = "order-created"
  event_bus_name = aws_cloudwatch_event_bus.bookstore.name
  event_pattern = jsonencode({
    "detail-type" = ["order.created"]
  })
}

resource "aws_cloudwatch_event_target" "fulfillment" {
  rule           = aws_cloudwatch_event_rule.order_created.name
  event_bus_name = aws_cloudwatch_event_bus.bookstore.name
  arn            = aws_sqs_queue.fulfillment.arn

  retry_policy {
    maximum_event_age_in_seconds = 172800 # expect: AWS320  # echo: TF-expected-retry-policy-0-maximum-event-age-in-seconds
    maximum_retry_attempts       = 3
  }
}

resource "aws_cloudwatch_event_target" "payments" {
  rule           = aws_cloudwatch_event_rule.order_created.name
  event_bus_name = aws_cloudwatch_event_bus.bookstore.name
  arn            = aws_sqs_queue.payments.arn # expect: AWS322
}

resource "aws_cloudwatch_event_rule" "nightly_report" {
  name                = "nightly-report"
  schedule_expression = "cron(0 3 * * ? *)"
}

resource "aws_cloudwatch_event_target" "nightly_report" {
  rule = aws_cloudwatch_event_rule.nightly_report.name
  arn  = aws_ecs_cluster.main.arn # expect: AWS321, CON005

  ecs_target {
    task_definition_arn = aws_ecs_task_definition.report.arn # expect: CON005
    launch_type         = "FARGATE"
    network_configuration {
      subnets = var.private_subnet_ids
    }
  }

  retry_policy {
    maximum_retry_attempts = -1 # expect: AWS320
  }
}

# audit copy of every order event -- "arn to be filled in by the security team"
resource "aws_cloudwatch_event_target" "audit" { # expect: SCH008
  rule           = aws_cloudwatch_event_rule.order_created.name
  event_bus_name = aws_cloudwatch_event_bus.bookstore.name
  target_id      = "audit"
}
