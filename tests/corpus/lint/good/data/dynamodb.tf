################################################################################
# DynamoDB
################################################################################

resource "aws_dynamodb_table" "idempotency" {
  name                        = "${local.prefix}-payment-idempotency"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "id"
  deletion_protection_enabled = true

  attribute {
    name = "id"
    type = "S"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.data.arn
  }

  tags = local.tags
}

resource "aws_dynamodb_table" "carts" {
  name                        = "${local.prefix}-carts"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "cart_id"
  range_key                   = "item_id"
  stream_enabled              = true
  stream_view_type            = "NEW_AND_OLD_IMAGES"
  deletion_protection_enabled = true

  attribute {
    name = "cart_id"
    type = "S"
  }

  attribute {
    name = "item_id"
    type = "S"
  }

  attribute {
    name = "customer_id"
    type = "S"
  }

  attribute {
    name = "updated_at"
    type = "N"
  }

  global_secondary_index {
    name            = "by-customer"
    hash_key        = "customer_id"
    range_key       = "updated_at"
    projection_type = "ALL"
  }

  local_secondary_index {
    name            = "by-update"
    range_key       = "updated_at"
    projection_type = "KEYS_ONLY"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.data.arn
  }

  tags = local.tags
}
