resource "aws_sqs_queue" "dlq" {
  for_each = var.names

  name                      = "${var.environment}-${each.key}-dlq"
  message_retention_seconds = 1209600
  kms_master_key            = var.kms_key_arn # expect: SCH002
}

resource "aws_sqs_queue" "this" {
  for_each = var.names

  name              = "${var.environment}-${each.key}"
  kms_master_key_id = var.kms_key_arn

  redrive_policy = jsonencode({ # expect: CON003
    deadLetterTargetArn = aws_sqs_queue.dlq[each.key].arn
    maxReceiveCount     = var.max_receive_count
  })
}
