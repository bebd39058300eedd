################################################################################
# Messaging: EventBridge -> SQS -> Lambda (terraform-aws-modules style)
################################################################################

locals {
  queues = {
    fulfillment  = { fifo = false, visibility = 360, consumer_timeout = 60 }
    notification = { fifo = false, visibility = 180, consumer_timeout = 30 }
  }
  dlq_retention = 1209600 # 14 days, longer than any source queue
}

resource "aws_kms_key" "messaging" {
  description             = "bookstore messaging"
  deletion_window_in_days = 30
  enable_key_rotation     = true
  rotation_period_in_days = 365

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "EnableRootPermissions"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "AllowEventBridge"
        Effect    = "Allow"
        Principal = { Service = "events.amazonaws.com" }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource  = "*"
      }
    ]
  })
}

resource "aws_sqs_queue" "dlq" {
  for_each = local.queues

  name                              = "${each.key}-dlq"
  message_retention_seconds         = local.dlq_retention
  kms_master_key_id                 = aws_kms_key.messaging.id
  kms_data_key_reuse_period_seconds = 300
}

resource "aws_sqs_queue" "this" {
  for_each = local.queues

  name                       = each.key
  visibility_timeout_seconds = each.value.visibility
  message_retention_seconds  = 345600
  receive_wait_time_seconds  = 20
  kms_master_key_id          = aws_kms_key.messaging.id

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq[each.key].arn
    maxReceiveCount     = 5
  })
}

resource "aws_sqs_queue_redrive_allow_policy" "dlq" {
  for_each  = local.queues
  queue_url = aws_sqs_queue.dlq[each.key].id

  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.this[each.key].arn]
  })
}

# FIFO pair for payment commands
resource "aws_sqs_queue" "payments_dlq" {
  name                      = "payments-dlq.fifo"
  fifo_queue                = true
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
}

resource "aws_sqs_queue" "payments" {
  name                        = "payments.fifo"
  fifo_queue                  = true
  content_based_deduplication = true
  deduplication_scope         = "messageGroup"
  fifo_throughput_limit       = "perMessageGroupId"
  visibility_timeout_seconds  = 180
  max_message_size            = 262144
  sqs_managed_sse_enabled     = true

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.payments_dlq.arn
    maxReceiveCount     = 3
  })
}

resource "aws_sns_topic" "alerts" {
  name              = "bookstore-alerts"
  kms_master_key_id = aws_kms_key.messaging.id
}

resource "aws_sns_topic" "order_events" {
  name                        = "order-events.fifo"
  fifo_topic                  = true
  content_based_deduplication = true
}

################################################################################
# EventBridge
################################################################################

resource "aws_cloudwatch_event_bus" "this" {
  name = "bookstore"
}

resource "aws_cloudwatch_event_rule" "order_created" {
  name           = "order-created"
  event_bus_name = aws_cloudwatch_event_bus.this.name
  event_pattern = jsonencode({
    source        = ["bookstore.orders"]
    "detail-type" = ["order.created"]
  })
}

resource "aws_cloudwatch_event_target" "fulfillment" {
  rule           = aws_cloudwatch_event_rule.order_created.name
  event_bus_name = aws_cloudwatch_event_bus.this.name
  target_id      = "fulfillment"
  arn            = aws_sqs_queue.this["fulfillment"].arn

  retry_policy {
    maximum_event_age_in_seconds = 3600
    maximum_retry_attempts       = 10
  }

  dead_letter_config {
    arn = aws_sqs_queue.dlq["fulfillment"].arn
  }
}

resource "aws_cloudwatch_event_target" "payments" {
  rule           = aws_cloudwatch_event_rule.order_created.name
  event_bus_name = aws_cloudwatch_event_bus.this.name
  target_id      = "payments"
  arn            = aws_sqs_queue.payments.arn

  sqs_target {
    message_group_id = "orders"
  }
}

resource "aws_cloudwatch_event_target" "workflow" {
  rule           = aws_cloudwatch_event_rule.order_created.name
  event_bus_name = aws_cloudwatch_event_bus.this.name
  arn            = aws_sfn_state_machine.order_workflow.arn
  role_arn       = aws_iam_role.events.arn

  input_transformer {
    input_paths = {
      order = "$.detail.orderId"
    }
    input_template = <<-EOT
      {
        "orderId": <order>,
        "source": "eventbridge"
      }
    EOT
  }
}

data "aws_iam_policy_document" "queue" {
  for_each = local.queues

  statement {
    sid       = "AllowEventBridge"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.this[each.key].arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_cloudwatch_event_rule.order_created.arn]
    }
  }
}

resource "aws_sqs_queue_policy" "this" {
  for_each  = local.queues
  queue_url = aws_sqs_queue.this[each.key].id
  policy    = data.aws_iam_policy_document.queue[each.key].json
}

################################################################################
# Lambda consumer
################################################################################

resource "aws_lambda_function" "fulfillment" {
  function_name = "fulfillment-worker"
  role          = aws_iam_role.worker.arn
  handler       = "app.handler"
  runtime       = "python3.13"
  architectures = ["arm64"]
  filename      = "${path.module}/build/fulfillment.zip"
  timeout       = 60
  memory_size   = 512

  ephemeral_storage {
    size = 1024
  }

  environment {
    variables = {
      TABLE_NAME = var.table_name
      LOG_LEVEL  = var.environment == "prod" ? "INFO" : "DEBUG"
    }
  }

  tracing_config {
    mode = "Active"
  }
}

resource "aws_lambda_event_source_mapping" "fulfillment" {
  event_source_arn                   = aws_sqs_queue.this["fulfillment"].arn
  function_name                      = aws_lambda_function.fulfillment.arn
  batch_size                         = 25
  maximum_batching_window_in_seconds = 5
  function_response_types            = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = 20
  }
}

resource "aws_cloudwatch_log_group" "fulfillment" {
  name              = "/aws/lambda/${aws_lambda_function.fulfillment.function_name}"
  retention_in_days = 90
}

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "worker" {
  name               = "fulfillment-worker"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

resource "aws_iam_role_policy" "worker" {
  name = "consume"
  role = aws_iam_role.worker.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
        Resource = aws_sqs_queue.this["fulfillment"].arn
      },
      {
        Effect   = "Allow"
        Action   = ["kms:Decrypt"]
        Resource = aws_kms_key.messaging.arn
      }
    ]
  })
}

resource "aws_iam_role" "events" {
  name = "bookstore-events"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id }
      }
    }]
  })
}

data "aws_caller_identity" "current" {}
