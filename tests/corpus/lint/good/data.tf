################################################################################
# Data stores (terraform-aws-modules/rds-aurora, elasticache, dynamodb-table style)
################################################################################

variable "instances" {
  description = "Aurora instances to create"
  type = map(object({
    instance_class = optional(string, "db.r7g.large")
    promotion_tier = optional(number, 1)
  }))
  default = {
    one = {}
    two = { promotion_tier = 2 }
  }

  validation {
    condition     = alltrue([for i in values(var.instances) : startswith(i.instance_class, "db.")])
    error_message = "Instance classes start with \"db.\"."
  }
}

resource "aws_kms_key" "data" {
  description             = "bookstore data stores"
  deletion_window_in_days = 7
  enable_key_rotation     = true
}

resource "aws_db_subnet_group" "this" {
  name       = "bookstore-${var.environment}"
  subnet_ids = var.database_subnet_ids
}

resource "aws_rds_cluster_parameter_group" "this" {
  name_prefix = "bookstore-pg16-"
  family      = "aurora-postgresql16"

  parameter {
    name         = "rds.force_ssl"
    value        = "1"
    apply_method = "pending-reboot"
  }
}

resource "aws_rds_cluster" "this" {
  cluster_identifier                    = "bookstore-${var.environment}"
  engine                                = "aurora-postgresql"
  engine_version                        = "16.4"
  database_name                         = "bookstore"
  master_username                       = "bookstore_admin"
  manage_master_user_password           = true
  master_user_secret_kms_key_id         = aws_kms_key.data.arn
  storage_encrypted                     = true
  kms_key_id                            = aws_kms_key.data.arn
  storage_type                          = "aurora-iopt1"
  backup_retention_period               = var.environment == "prod" ? 35 : 7
  preferred_backup_window               = "02:00-03:00"
  copy_tags_to_snapshot                 = true
  deletion_protection                   = true
  db_subnet_group_name                  = aws_db_subnet_group.this.name
  db_cluster_parameter_group_name       = aws_rds_cluster_parameter_group.this.name
  vpc_security_group_ids                = [aws_security_group.db.id]
  enabled_cloudwatch_logs_exports       = ["postgresql"]
  performance_insights_enabled          = true
  performance_insights_kms_key_id       = aws_kms_key.data.arn
  performance_insights_retention_period = 7
  iam_database_authentication_enabled   = true
  final_snapshot_identifier             = "bookstore-${var.environment}-final"

  serverlessv2_scaling_configuration {
    min_capacity = 0.5
    max_capacity = 16
  }
}

resource "aws_rds_cluster_instance" "this" {
  for_each = var.instances

  identifier                   = "bookstore-${var.environment}-${each.key}"
  cluster_identifier           = aws_rds_cluster.this.id
  engine                       = aws_rds_cluster.this.engine
  engine_version               = aws_rds_cluster.this.engine_version
  instance_class               = each.value.instance_class
  promotion_tier               = each.value.promotion_tier
  performance_insights_enabled = true
  monitoring_interval          = 60
  monitoring_role_arn          = var.monitoring_role_arn
}

resource "aws_db_instance" "reporting" {
  identifier                            = "bookstore-reporting"
  engine                                = "postgres"
  engine_version                        = "17.2"
  instance_class                        = "db.m7g.large"
  allocated_storage                     = 100
  max_allocated_storage                 = 500
  storage_type                          = "gp3"
  storage_encrypted                     = true
  kms_key_id                            = aws_kms_key.data.arn
  username                              = "reporting"
  manage_master_user_password           = true
  multi_az                              = true
  backup_retention_period               = 14
  performance_insights_enabled          = true
  performance_insights_retention_period = 93
  db_subnet_group_name                  = aws_db_subnet_group.this.name
  vpc_security_group_ids                = [aws_security_group.db.id]
  skip_final_snapshot                   = false
  final_snapshot_identifier             = "bookstore-reporting-final"
}

resource "aws_security_group" "db" {
  name_prefix = "bookstore-db-"
  vpc_id      = var.vpc_id

  ingress {
    description     = "PostgreSQL from the services"
    from_port       = 5432
    to_port         = 5432
    protocol        = "tcp"
    security_groups = var.service_security_group_ids
  }

  ingress {
    description = "PostgreSQL from the VPN"
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["10.99.0.0/16"]
  }
}

################################################################################
# ElastiCache (Valkey)
################################################################################

resource "aws_elasticache_subnet_group" "this" {
  name       = "bookstore-${var.environment}"
  subnet_ids = var.database_subnet_ids
}

resource "aws_elasticache_replication_group" "this" {
  replication_group_id       = "bookstore-${var.environment}"
  description                = "bookstore cache"
  engine                     = "valkey"
  engine_version             = "8.0"
  node_type                  = "cache.r7g.large"
  num_cache_clusters         = 2
  automatic_failover_enabled = true
  multi_az_enabled           = true
  at_rest_encryption_enabled = true
  transit_encryption_enabled = true
  kms_key_id                 = aws_kms_key.data.arn
  subnet_group_name          = aws_elasticache_subnet_group.this.name
  security_group_ids         = [aws_security_group.db.id]
  snapshot_retention_limit   = 7

  log_delivery_configuration {
    destination      = aws_cloudwatch_log_group.cache.name
    destination_type = "cloudwatch-logs"
    log_format       = "json"
    log_type         = "slow-log"
  }
}

resource "aws_cloudwatch_log_group" "cache" {
  name              = "/aws/elasticache/bookstore-${var.environment}"
  retention_in_days = 30
}

################################################################################
# DynamoDB
################################################################################

resource "aws_dynamodb_table" "idempotency" {
  name         = "payment-idempotency"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

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
}

resource "aws_dynamodb_table" "carts" {
  name             = "carts"
  billing_mode     = "PROVISIONED"
  read_capacity    = 5
  write_capacity   = 5
  hash_key         = "cart_id"
  range_key        = "item_id"
  stream_enabled   = true
  stream_view_type = "NEW_AND_OLD_IMAGES"

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
    read_capacity   = 5
    write_capacity  = 5
  }

  local_secondary_index {
    name            = "by-update"
    range_key       = "updated_at"
    projection_type = "KEYS_ONLY"
  }

  lifecycle {
    ignore_changes = [read_capacity, write_capacity]
  }
}

resource "aws_secretsmanager_secret" "api_keys" {
  name                    = "bookstore/${var.environment}/api-keys"
  kms_key_id              = aws_kms_key.data.arn
  recovery_window_in_days = 7
}

resource "aws_opensearch_domain" "search" {
  domain_name    = "bookstore-${var.environment}"
  engine_version = "OpenSearch_2.19"

  cluster_config {
    instance_type          = "r7g.large.search"
    instance_count         = 3
    zone_awareness_enabled = true
  }

  encrypt_at_rest {
    enabled    = true
    kms_key_id = aws_kms_key.data.arn
  }

  node_to_node_encryption {
    enabled = true
  }

  domain_endpoint_options {
    enforce_https       = true
    tls_security_policy = "Policy-Min-TLS-1-2-PFS-2023-10"
  }
}
