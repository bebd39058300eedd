// Data layer.  NOTE: this file uses Windows line endings (edited on a laptop).

variable "private_subnet_ids" {
  type = list(string)
}

locals {
  db_users = {
    app       = "bookstore_app"
    reporting = "bookstore_reporting"
  }
}

resource "aws_db_subnet_group" "main" {
  name       = "bookstore"
  subnet_ids = var.private_subnet_ids
}

resource "aws_db_instance" "reporting" {
  identifier                            = "bookstore-reporting"
  engine                                = "postgres"
  engine_version                        = "12.17" # expect: AWS904
  instance_class                        = "m5.large" # expect: AWS501
  allocated_storage                     = 200
  max_allocated_storage                 = 100 # expect: AWS508
  storage_type                          = "io1" # expect: AWS509
  storage_encrypted                     = true
  username                              = "reporting"
  password                              = "ChangeMe123!" # expect: AWS504
  backup_retention_period               = 40 # expect: AWS502  # echo: TF-expected-backup-retention-period
  performance_insights_enabled          = true
  performance_insights_retention_period = 30 # expect: AWS503  # echo: TF-expected-performance-insights-retention-period
  db_subnet_group_name                  = aws_db_subnet_group.main.name
  skip_final_snapshot                   = true
}

resource "aws_rds_cluster" "main" {
  cluster_identifier      = "bookstore"
  engine                  = "aurora-postgresql"
  engine_version          = "15.4"
  database_name           = "bookstore"
  master_username         = "bookstore"
  master_password         = var.db_password # expect: CON003
  arn                     = "arn:aws:rds:eu-west-1:123456789012:cluster:bookstore" # from `terraform state show`  # expect: SCH003
  storage_encrypted       = true
  storage_type            = "io1" # expect: AWS506
  allocated_storage       = 100 # expect: AWS507
  backtrack_window        = 86400 # expect: AWS505
  backup_retention_period = 7
  db_subnet_group_name    = aws_db_subnet_group.main.name
}

# reader for the reporting jobs
resource "aws_rds_cluster_instance" "reader" { # expect: SCH008
  identifier         = "bookstore-reader"
  cluster_identifier = aws_rds_cluster.main.id
  engine             = aws_rds_cluster.main.engine
  promotion_tier     = 15
}

resource "aws_secretsmanager_secret" "db_user" {
  for_each = local.db_userz # expect: CON004

  name        = "bookstore/db/${each.key}"
  description = "credentials of ${each.value}"
}

resource "aws_rds_cluster_instance" "main" {
  count              = 2
  identifier         = "bookstore-${count.index}"
  cluster_identifier = aws_rds_cluster.main.id
  instance_class     = "db.r6g.large"
  engine             = aws_rds_cluster.main.engine
}

resource "aws_elasticache_replication_group" "cache" {
  replication_group_id       = "bookstore-cache"
  description                = "session cache"
  engine                     = "redis"
  engine_version             = "5.0.6" # expect: AWS905
  node_type                  = "r6g.large" # expect: AWS520
  num_cache_clusters         = 1 # expect: AWS521
  automatic_failover_enabled = true
  at_rest_encryption_enabled = true
  transit_encryption_enabled = true
  snapshot_retention_limit   = "7 days" # expect: TF-incorrect-attribute-value-type
}

# sessions moved to Valkey... eventually
resource "aws_elasticache_replication_group" "sessions" {
  replication_group_id       = "bookstore-sessions"
  description                = "user sessions"
  engine                     = "redis"
  engine_version             = "7.1"
  node_type                  = "cache.t4g.small"
  number_cache_clusters      = 2 # removed in provider 5.0  # expect: SCH002
  automatic_failover_enabled = true
  at_rest_encryption_enabled = true
  transit_encryption_enabled = true
}

resource "aws_dynamodb_table" "idempotency" { # expect: AWS530
  name      = "payment-idempotency"
  hash_key  = "id"
  range_key = "created" # expect: AWS533

  attribute {
    name = "id"
    type = "S"
  }

  stream_enabled = true # expect: AWS532

  point_in_time_recover { # expect: SCH004
    enabled = true
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }
}

resource "aws_dynamodb_table" "carts" {
  name           = "carts"
  billing_mode   = "PAY_PER_REQUEST"
  hash_key       = "cart_id"
  read_capacity  = 10 # expect: AWS531
  write_capacity = 10 # expect: AWS531

  attribute {
    name = "cart_id"
    type = "S"
  }
  attribute { # expect: AWS533
    name = "customer_id"
    type = "S"
  }

  tags { # expect: SCH006
    Name = "carts"
  }
}
