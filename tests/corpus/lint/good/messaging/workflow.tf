################################################################################
# Step Functions: the order workflow
################################################################################

resource "aws_cloudwatch_log_group" "workflow" {
  name              = "/aws/vendedlogs/states/${local.prefix}-order"
  retention_in_days = var.log_retention_in_days
  kms_key_id        = aws_kms_key.messaging.arn
  tags              = local.tags
}

resource "aws_sfn_state_machine" "order" {
  name     = "${local.prefix}-order"
  role_arn = aws_iam_role.workflow.arn
  type     = "STANDARD"

  definition = jsonencode({
    Comment = "Reserve stock, then hand the order to fulfillment"
    StartAt = "Fulfil"
    States = {
      Fulfil = {
        Type     = "Task"
        Resource = "arn:${data.aws_partition.current.partition}:states:::sqs:sendMessage"
        Parameters = {
          QueueUrl        = aws_sqs_queue.this["fulfillment"].url
          "MessageBody.$" = "$"
        }
        Retry = [
          {
            ErrorEquals     = ["States.ALL"]
            IntervalSeconds = 2
            MaxAttempts     = 3
            BackoffRate     = 2
          }
        ]
        End = true
      }
    }
  })

  logging_configuration {
    log_destination        = "${aws_cloudwatch_log_group.workflow.arn}:*"
    include_execution_data = true
    level                  = "ALL"
  }

  tracing_configuration {
    enabled = true
  }

  encryption_configuration {
    type                              = "CUSTOMER_MANAGED_KMS_KEY"
    kms_key_id                        = aws_kms_key.messaging.arn
    kms_data_key_reuse_period_seconds = 300
  }

  tags = local.tags
}

data "aws_iam_policy_document" "workflow_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["states.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account]
    }
  }
}

resource "aws_iam_role" "workflow" {
  name_prefix        = "${local.prefix}-workflow-"
  assume_role_policy = data.aws_iam_policy_document.workflow_assume.json
  tags               = local.tags
}

data "aws_iam_policy_document" "workflow" {
  statement {
    sid       = "SendToFulfillment"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.this["fulfillment"].arn]
  }

  statement {
    sid       = "Encrypt"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.messaging.arn]
  }

  statement {
    sid = "DeliverLogs"
    actions = [
      "logs:CreateLogDelivery",
      "logs:GetLogDelivery",
      "logs:UpdateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:ListLogDeliveries",
      "logs:PutResourcePolicy",
      "logs:DescribeResourcePolicies",
      "logs:DescribeLogGroups",
    ]
    resources = ["*"] # log delivery actions have no resource-level permissions
  }

  statement {
    sid       = "Tracing"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"]
    resources = ["*"] # X-Ray has no resource-level permissions
  }
}

resource "aws_iam_role_policy" "workflow" {
  name   = "order-workflow"
  role   = aws_iam_role.workflow.id
  policy = data.aws_iam_policy_document.workflow.json
}
