################################################################################
# Messaging: EventBridge -> SQS -> Lambda, and a Step Functions workflow
################################################################################

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  prefix        = "${var.name}-${var.environment}"
  tags          = merge(var.tags, { Module = "messaging", Environment = var.environment })
  account       = data.aws_caller_identity.current.account_id
  dlq_retention = 1209600 # 14 days, longer than any source queue keeps a message
}

resource "aws_kms_key" "messaging" {
  description             = "${local.prefix} messaging"
  deletion_window_in_days = 30
  enable_key_rotation     = true
  rotation_period_in_days = 365

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministration"
        Effect    = "Allow"
        Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${local.account}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "EventBridgeAndSns"
        Effect    = "Allow"
        Principal = { Service = ["events.amazonaws.com", "sns.amazonaws.com"] }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource  = "*"
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account }
        }
      },
      {
        Sid       = "CloudWatchLogs"
        Effect    = "Allow"
        Principal = { Service = "logs.${data.aws_region.current.name}.amazonaws.com" }
        Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
        Resource  = "*"
      }
    ]
  })

  tags = local.tags
}

################################################################################
# Queues
################################################################################

resource "aws_sqs_queue" "dlq" {
  for_each = var.queues

  name                              = "${local.prefix}-${each.key}-dlq"
  message_retention_seconds         = local.dlq_retention
  kms_master_key_id                 = aws_kms_key.messaging.id
  kms_data_key_reuse_period_seconds = 300
  tags                              = local.tags
}

resource "aws_sqs_queue" "this" {
  for_each = var.queues

  name                       = "${local.prefix}-${each.key}"
  visibility_timeout_seconds = each.value.visibility_timeout_seconds
  message_retention_seconds  = 345600
  receive_wait_time_seconds  = 20
  kms_master_key_id          = aws_kms_key.messaging.id

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq[each.key].arn
    maxReceiveCount     = each.value.max_receive_count
  })

  tags = local.tags
}

resource "aws_sqs_queue_redrive_allow_policy" "dlq" {
  for_each = var.queues

  queue_url = aws_sqs_queue.dlq[each.key].id
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.this[each.key].arn]
  })
}

# FIFO pair for payment commands
resource "aws_sqs_queue" "payments_dlq" {
  name                      = "${local.prefix}-payments-dlq.fifo"
  fifo_queue                = true
  message_retention_seconds = local.dlq_retention
  kms_master_key_id         = aws_kms_key.messaging.id
  tags                      = local.tags
}

resource "aws_sqs_queue" "payments" {
  name                        = "${local.prefix}-payments.fifo"
  fifo_queue                  = true
  content_based_deduplication = true
  deduplication_scope         = "messageGroup"
  fifo_throughput_limit       = "perMessageGroupId"
  visibility_timeout_seconds  = 180
  max_message_size            = 262144
  kms_master_key_id           = aws_kms_key.messaging.id

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.payments_dlq.arn
    maxReceiveCount     = 3
  })

  tags = local.tags
}

data "aws_iam_policy_document" "queue" {
  for_each = var.queues

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
  for_each = var.queues

  queue_url = aws_sqs_queue.this[each.key].id
  policy    = data.aws_iam_policy_document.queue[each.key].json
}

################################################################################
# Topics
################################################################################

resource "aws_sns_topic" "alerts" {
  name              = "${local.prefix}-alerts"
  kms_master_key_id = aws_kms_key.messaging.id
  tags              = local.tags
}

resource "aws_sns_topic" "order_events" {
  name                        = "${local.prefix}-order-events.fifo"
  fifo_topic                  = true
  content_based_deduplication = true
  kms_master_key_id           = aws_kms_key.messaging.id
  tags                        = local.tags
}

################################################################################
# EventBridge
################################################################################

resource "aws_cloudwatch_event_bus" "this" {
  name = local.prefix
  tags = local.tags
}

resource "aws_cloudwatch_event_rule" "order_created" {
  name           = "${local.prefix}-order-created"
  description    = "Orders placed in the shop"
  event_bus_name = aws_cloudwatch_event_bus.this.name

  event_pattern = jsonencode({
    source        = ["bookstore.orders"]
    "detail-type" = ["order.created"]
  })

  tags = local.tags
}

resource "aws_cloudwatch_event_target" "queue" {
  for_each = var.queues

  rule           = aws_cloudwatch_event_rule.order_created.name
  event_bus_name = aws_cloudwatch_event_bus.this.name
  target_id      = each.key
  arn            = aws_sqs_queue.this[each.key].arn

  retry_policy {
    maximum_event_age_in_seconds = 3600
    maximum_retry_attempts       = 10
  }

  dead_letter_config {
    arn = aws_sqs_queue.dlq[each.key].arn
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
  target_id      = "order-workflow"
  arn            = aws_sfn_state_machine.order.arn
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

data "aws_iam_policy_document" "events_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account]
    }
  }
}

resource "aws_iam_role" "events" {
  name_prefix        = "${local.prefix}-events-"
  assume_role_policy = data.aws_iam_policy_document.events_assume.json
  tags               = local.tags
}

data "aws_iam_policy_document" "events" {
  statement {
    actions   = ["states:StartExecution"]
    resources = [aws_sfn_state_machine.order.arn]
  }
}

resource "aws_iam_role_policy" "events" {
  name   = "start-order-workflow"
  role   = aws_iam_role.events.id
  policy = data.aws_iam_policy_document.events.json
}
