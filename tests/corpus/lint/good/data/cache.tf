################################################################################
# ElastiCache (Valkey) with RBAC: the application authenticates with IAM
################################################################################

resource "aws_elasticache_subnet_group" "this" {
  name        = local.prefix
  description = "${local.prefix} cache"
  subnet_ids  = var.database_subnet_ids
  tags        = local.tags
}

resource "aws_security_group" "cache" {
  name_prefix = "${local.prefix}-cache-"
  description = "Valkey of ${local.prefix}"
  vpc_id      = var.vpc_id
  tags        = local.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "cache" {
  for_each = toset(var.client_security_group_ids)

  security_group_id            = aws_security_group.cache.id
  description                  = "Valkey from a service"
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  referenced_security_group_id = each.value
}

# The built-in "default" user must be in every user group: switch it off.
resource "aws_elasticache_user" "default" {
  user_id       = "${local.prefix}-default"
  user_name     = "default"
  engine        = "valkey"
  access_string = "off -@all"

  authentication_mode {
    type = "no-password-required"
  }

  tags = local.tags
}

resource "aws_elasticache_user" "app" {
  user_id       = "${local.prefix}-app"
  user_name     = "${local.prefix}-app"
  engine        = "valkey"
  access_string = "on ~* +@all -@dangerous"

  authentication_mode {
    type = "iam"
  }

  tags = local.tags
}

resource "aws_elasticache_user_group" "this" {
  user_group_id = local.prefix
  engine        = "valkey"
  user_ids      = [aws_elasticache_user.default.user_id, aws_elasticache_user.app.user_id]
  tags          = local.tags
}

resource "aws_cloudwatch_log_group" "cache" {
  name              = "/aws/elasticache/${local.prefix}"
  retention_in_days = 365
  kms_key_id        = aws_kms_key.data.arn
  tags              = local.tags
}

resource "aws_elasticache_replication_group" "this" {
  #checkov:skip=CKV_AWS_31:clients authenticate through the RBAC user group (IAM users), which replaces the AUTH token
  replication_group_id       = local.prefix
  description                = "${local.prefix} cache"
  engine                     = "valkey"
  engine_version             = "8.0"
  node_type                  = "cache.r7g.large"
  num_cache_clusters         = 2
  automatic_failover_enabled = true
  multi_az_enabled           = true
  at_rest_encryption_enabled = true
  transit_encryption_enabled = true
  kms_key_id                 = aws_kms_key.data.arn
  user_group_ids             = [aws_elasticache_user_group.this.user_group_id]
  subnet_group_name          = aws_elasticache_subnet_group.this.name
  security_group_ids         = [aws_security_group.cache.id]
  snapshot_retention_limit   = 7
  snapshot_window            = "01:00-02:00"
  maintenance_window         = "sun:03:00-sun:04:00"
  auto_minor_version_upgrade = true

  log_delivery_configuration {
    destination      = aws_cloudwatch_log_group.cache.name
    destination_type = "cloudwatch-logs"
    log_format       = "json"
    log_type         = "slow-log"
  }

  tags = local.tags
}
