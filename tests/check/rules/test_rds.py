"""RDS (AWS501-AWS509), ElastiCache (AWS520-AWS521) and DynamoDB (AWS530-AWS533) rules."""

from __future__ import annotations

import pytest

from check.rules.lintcase import Case, check_case

CASES = [
    Case(
        "AWS501",
        bad="""
resource "aws_db_instance" "db" {
  identifier     = "db"
  engine         = "postgres"
  instance_class = "r6g.large" # expect: AWS501
}
resource "aws_rds_cluster_instance" "i" {
  cluster_identifier = aws_rds_cluster.c.id
  instance_class     = "t4g.medium" # expect: AWS501
}
""",
        good="""
resource "aws_db_instance" "db" {
  identifier     = "db"
  engine         = "postgres"
  instance_class = "db.r6g.large"
}
resource "aws_rds_cluster_instance" "i" {
  cluster_identifier = aws_rds_cluster.c.id
  instance_class     = "db.serverless"
}
""",
    ),
    Case(
        "AWS502",
        bad="""
resource "aws_db_instance" "db" {
  identifier              = "db"
  backup_retention_period = 36 # expect: AWS502
}
resource "aws_rds_cluster" "c" {
  engine                  = "aurora-postgresql"
  backup_retention_period = 0 # expect: AWS502
}
""",
        good="""
resource "aws_db_instance" "db" {
  identifier              = "db"
  backup_retention_period = 0
}
resource "aws_rds_cluster" "c" {
  engine                  = "aurora-postgresql"
  backup_retention_period = 35
}
""",
    ),
    Case(
        "AWS503",
        bad="""
resource "aws_db_instance" "db" {
  identifier                            = "db"
  performance_insights_enabled          = true
  performance_insights_retention_period = 30 # expect: AWS503
}
""",
        good="""
resource "aws_db_instance" "db" {
  identifier                            = "db"
  performance_insights_enabled          = true
  performance_insights_retention_period = 93
}
resource "aws_rds_cluster" "c" {
  engine                                = "aurora-postgresql"
  performance_insights_retention_period = 731
}
""",
    ),
    Case(
        "AWS504",
        bad="""
resource "aws_db_instance" "db" {
  identifier = "db"
  password   = "hunter2hunter2" # expect: AWS504
}
resource "aws_rds_cluster" "c" {
  engine          = "aurora-mysql"
  master_password = "Sup3rS3cret!" # expect: AWS504
}
resource "aws_elasticache_replication_group" "r" {
  replication_group_id = "r"
  description          = "r"
  auth_token           = "0123456789abcdef0123" # expect: AWS504
}
""",
        good="""
resource "aws_db_instance" "db" {
  identifier                  = "db"
  manage_master_user_password = true
}
resource "aws_rds_cluster" "c" {
  engine          = "aurora-mysql"
  master_password = random_password.db.result
}
resource "aws_db_instance" "replica" {
  identifier = "replica"
  password   = data.aws_secretsmanager_secret_version.db.secret_string
}
""",
    ),
    Case(
        "AWS505",
        bad="""
resource "aws_rds_cluster" "pg" {
  engine           = "aurora-postgresql"
  backtrack_window = 3600 # expect: AWS505
}
resource "aws_rds_cluster" "my" {
  engine           = "aurora-mysql"
  backtrack_window = 300000 # expect: AWS505
}
""",
        good="""
resource "aws_rds_cluster" "my" {
  engine           = "aurora-mysql"
  backtrack_window = 259200
}
resource "aws_rds_cluster" "pg" {
  engine           = "aurora-postgresql"
  backtrack_window = 0
}
""",
    ),
    Case(
        "AWS506",
        bad="""
resource "aws_rds_cluster" "pg" {
  engine       = "aurora-postgresql"
  storage_type = "io1" # expect: AWS506
}
""",
        good="""
resource "aws_rds_cluster" "pg" {
  engine       = "aurora-postgresql"
  storage_type = "aurora-iopt1"
}
resource "aws_rds_cluster" "multi_az" {
  engine                    = "postgres"
  storage_type              = "io1"
  allocated_storage         = 100
  iops                      = 1000
  db_cluster_instance_class = "db.r6gd.large"
}
""",
    ),
    Case(
        "AWS507",
        bad="""
resource "aws_rds_cluster" "pg" {
  engine            = "aurora-postgresql"
  allocated_storage = 100 # expect: AWS507
  iops              = 1000 # expect: AWS507
}
""",
        good="""
resource "aws_rds_cluster" "pg" {
  engine = "aurora-postgresql"
}
""",
    ),
    Case(
        "AWS508",
        bad="""
resource "aws_db_instance" "db" {
  identifier            = "db"
  allocated_storage     = 100
  max_allocated_storage = 50 # expect: AWS508
}
""",
        good="""
resource "aws_db_instance" "db" {
  identifier            = "db"
  allocated_storage     = 100
  max_allocated_storage = 500
}
resource "aws_db_instance" "off" {
  identifier            = "off"
  allocated_storage     = 100
  max_allocated_storage = 0
}
""",
    ),
    Case(
        "AWS509",
        bad="""
resource "aws_db_instance" "db" {
  identifier        = "db"
  allocated_storage = 100
  storage_type      = "io1" # expect: AWS509
}
""",
        good="""
resource "aws_db_instance" "db" {
  identifier        = "db"
  allocated_storage = 100
  storage_type      = "io2"
  iops              = 3000
}
""",
    ),
    Case(
        "AWS520",
        bad="""
resource "aws_elasticache_replication_group" "r" {
  replication_group_id = "r"
  description          = "r"
  node_type            = "r7g.large" # expect: AWS520
}
""",
        good="""
resource "aws_elasticache_replication_group" "r" {
  replication_group_id = "r"
  description          = "r"
  node_type            = "cache.r7g.large"
}
""",
    ),
    Case(
        "AWS521",
        bad="""
resource "aws_elasticache_replication_group" "r" {
  replication_group_id       = "r"
  description                = "r"
  node_type                  = "cache.t4g.small"
  automatic_failover_enabled = true
  num_cache_clusters         = 1 # expect: AWS521
}
resource "aws_elasticache_replication_group" "s" {
  replication_group_id       = "s"
  description                = "s"
  node_type                  = "cache.t4g.small"
  automatic_failover_enabled = false
  multi_az_enabled           = true # expect: AWS521
  num_cache_clusters         = 2
}
""",
        good="""
resource "aws_elasticache_replication_group" "r" {
  replication_group_id       = "r"
  description                = "r"
  node_type                  = "cache.t4g.small"
  automatic_failover_enabled = true
  multi_az_enabled           = true
  num_cache_clusters         = 2
}
resource "aws_elasticache_replication_group" "cluster_mode" {
  replication_group_id       = "c"
  description                = "c"
  node_type                  = "cache.t4g.small"
  automatic_failover_enabled = true
  num_node_groups            = 2
  replicas_per_node_group    = 1
}
""",
    ),
    Case(
        "AWS530",
        bad="""
resource "aws_dynamodb_table" "t" { # expect: AWS530
  name     = "t"
  hash_key = "pk"
  attribute {
    name = "pk"
    type = "S"
  }
}
""",
        good="""
resource "aws_dynamodb_table" "t" {
  name           = "t"
  hash_key       = "pk"
  read_capacity  = 5
  write_capacity = 5
  attribute {
    name = "pk"
    type = "S"
  }
}
resource "aws_dynamodb_table" "u" {
  name         = "u"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  attribute {
    name = "pk"
    type = "S"
  }
}
""",
    ),
    Case(
        "AWS531",
        bad="""
resource "aws_dynamodb_table" "t" {
  name           = "t"
  billing_mode   = "PAY_PER_REQUEST"
  hash_key       = "pk"
  read_capacity  = 5 # expect: AWS531
  attribute {
    name = "pk"
    type = "S"
  }
}
""",
        good="""
resource "aws_dynamodb_table" "t" {
  name         = "t"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  attribute {
    name = "pk"
    type = "S"
  }
}
""",
    ),
    Case(
        "AWS532",
        bad="""
resource "aws_dynamodb_table" "t" {
  name           = "t"
  billing_mode   = "PAY_PER_REQUEST"
  hash_key       = "pk"
  stream_enabled = true # expect: AWS532
  attribute {
    name = "pk"
    type = "S"
  }
}
""",
        good="""
resource "aws_dynamodb_table" "t" {
  name             = "t"
  billing_mode     = "PAY_PER_REQUEST"
  hash_key         = "pk"
  stream_enabled   = true
  stream_view_type = "NEW_AND_OLD_IMAGES"
  attribute {
    name = "pk"
    type = "S"
  }
}
""",
    ),
    Case(
        "AWS533",
        bad="""
resource "aws_dynamodb_table" "t" {
  name         = "t"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  range_key    = "sk" # expect: AWS533
  attribute {
    name = "pk"
    type = "S"
  }
  attribute { # expect: AWS533
    name = "status"
    type = "S"
  }
}
""",
        good="""
resource "aws_dynamodb_table" "t" {
  name         = "t"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  range_key    = "sk"
  attribute {
    name = "pk"
    type = "S"
  }
  attribute {
    name = "sk"
    type = "S"
  }
  attribute {
    name = "status"
    type = "S"
  }
  global_secondary_index {
    name            = "by-status"
    hash_key        = "status"
    projection_type = "KEYS_ONLY"
  }
}
""",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule(case: Case) -> None:
    check_case(case)
