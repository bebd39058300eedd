################################################################################
# Lambda consumer of the fulfillment queue (signed code only)
################################################################################

resource "aws_signer_signing_profile" "worker" {
  platform_id = "AWSLambda-SHA384-ECDSA"
  name_prefix = "fulfillment_"

  signature_validity_period {
    value = 5
    type  = "YEARS"
  }

  tags = local.tags
}

resource "aws_lambda_code_signing_config" "worker" {
  description = "Only code signed by the ${local.prefix} CI"

  allowed_publishers {
    signing_profile_version_arns = [aws_signer_signing_profile.worker.version_arn]
  }

  policies {
    untrusted_artifact_on_deployment = "Enforce"
  }
}

resource "aws_cloudwatch_log_group" "worker" {
  name              = "/aws/lambda/${local.prefix}-fulfillment"
  retention_in_days = var.log_retention_in_days
  kms_key_id        = aws_kms_key.messaging.arn
  tags              = local.tags
}

resource "aws_lambda_function" "worker" {
  #checkov:skip=CKV_AWS_116:the function is only invoked by the SQS event source mapping; failed messages go to the queue's redrive DLQ
  #checkov:skip=CKV_AWS_117:the worker only calls AWS APIs (SQS, DynamoDB); it has nothing to reach inside the VPC
  function_name                  = "${local.prefix}-fulfillment"
  role                           = aws_iam_role.worker.arn
  handler                        = "app.handler"
  runtime                        = "python3.13"
  architectures                  = ["arm64"]
  filename                       = "${path.module}/${var.worker_package}"
  timeout                        = 60
  memory_size                    = 512
  reserved_concurrent_executions = 20
  kms_key_arn                    = aws_kms_key.messaging.arn
  code_signing_config_arn        = aws_lambda_code_signing_config.worker.arn

  ephemeral_storage {
    size = 1024
  }

  environment {
    variables = {
      TABLE_NAME = var.orders_table_name
      LOG_LEVEL  = var.environment == "prod" ? "INFO" : "DEBUG"
    }
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.worker.name
  }

  tracing_config {
    mode = "Active"
  }

  tags = local.tags
}

resource "aws_lambda_event_source_mapping" "worker" {
  event_source_arn                   = aws_sqs_queue.this["fulfillment"].arn
  function_name                      = aws_lambda_function.worker.arn
  batch_size                         = 25
  maximum_batching_window_in_seconds = 5
  function_response_types            = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = 20
  }
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
  name_prefix        = "${local.prefix}-worker-"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
  tags               = local.tags
}

data "aws_iam_policy_document" "worker" {
  statement {
    sid       = "Consume"
    actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
    resources = [aws_sqs_queue.this["fulfillment"].arn]
  }

  statement {
    sid       = "UpdateOrders"
    actions   = ["dynamodb:GetItem", "dynamodb:UpdateItem"]
    resources = [var.orders_table_arn]
  }

  statement {
    sid       = "Decrypt"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.messaging.arn]
  }

  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.worker.arn}:*"]
  }

  statement {
    sid       = "Tracing"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"] # X-Ray has no resource-level permissions
  }
}

resource "aws_iam_role_policy" "worker" {
  name   = "fulfillment-worker"
  role   = aws_iam_role.worker.id
  policy = data.aws_iam_policy_document.worker.json
}
