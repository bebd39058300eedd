################################################################################
# Aurora PostgreSQL (terraform-aws-modules/rds-aurora style)
################################################################################

resource "aws_db_subnet_group" "this" {
  name        = local.prefix
  description = "${local.prefix} databases"
  subnet_ids  = var.database_subnet_ids
  tags        = local.tags
}

resource "aws_security_group" "db" {
  name_prefix = "${local.prefix}-db-"
  description = "PostgreSQL of ${local.prefix}"
  vpc_id      = var.vpc_id
  tags        = local.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "db" {
  for_each = toset(var.client_security_group_ids)

  security_group_id            = aws_security_group.db.id
  description                  = "PostgreSQL from a service"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = each.value
}

resource "aws_rds_cluster_parameter_group" "this" {
  name_prefix = "${local.prefix}-pg16-"
  family      = "aurora-postgresql16"
  description = "${local.prefix} Aurora PostgreSQL 16"

  parameter {
    name         = "rds.force_ssl"
    value        = "1"
    apply_method = "pending-reboot"
  }

  parameter {
    name  = "log_statement"
    value = "ddl"
  }

  parameter {
    name  = "log_min_duration_statement"
    value = "1000"
  }

  tags = local.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_rds_cluster" "this" {
  cluster_identifier                    = local.prefix
  engine                                = "aurora-postgresql"
  engine_version                        = "16.4"
  database_name                         = "bookstore"
  master_username                       = "bookstore_admin"
  manage_master_user_password           = true
  master_user_secret_kms_key_id         = aws_kms_key.data.arn
  storage_encrypted                     = true
  kms_key_id                            = aws_kms_key.data.arn
  storage_type                          = "aurora-iopt1"
  backup_retention_period               = var.backup_retention_period
  preferred_backup_window               = "02:00-03:00"
  preferred_maintenance_window          = "sun:03:30-sun:04:30"
  copy_tags_to_snapshot                 = true
  deletion_protection                   = true
  db_subnet_group_name                  = aws_db_subnet_group.this.name
  db_cluster_parameter_group_name       = aws_rds_cluster_parameter_group.this.name
  vpc_security_group_ids                = [aws_security_group.db.id]
  enabled_cloudwatch_logs_exports       = ["postgresql"]
  iam_database_authentication_enabled   = true
  performance_insights_enabled          = true
  performance_insights_kms_key_id       = aws_kms_key.data.arn
  performance_insights_retention_period = 7
  final_snapshot_identifier             = "${local.prefix}-final"

  serverlessv2_scaling_configuration {
    min_capacity = 0.5
    max_capacity = 16
  }

  tags = local.tags
}

resource "aws_rds_cluster_instance" "this" {
  for_each = var.instances

  identifier                      = "${local.prefix}-${each.key}"
  cluster_identifier              = aws_rds_cluster.this.id
  engine                          = aws_rds_cluster.this.engine
  engine_version                  = aws_rds_cluster.this.engine_version
  instance_class                  = each.value.instance_class
  promotion_tier                  = each.value.promotion_tier
  db_subnet_group_name            = aws_db_subnet_group.this.name
  auto_minor_version_upgrade      = true
  performance_insights_enabled    = true
  performance_insights_kms_key_id = aws_kms_key.data.arn
  monitoring_interval             = 60
  monitoring_role_arn             = var.monitoring_role_arn

  tags = local.tags
}

################################################################################
# Reporting replica target: a small PostgreSQL instance for BI tools
################################################################################

resource "aws_db_parameter_group" "reporting" {
  name_prefix = "${local.prefix}-reporting-"
  family      = "postgres17"
  description = "${local.prefix} reporting database"

  parameter {
    name         = "rds.force_ssl"
    value        = "1"
    apply_method = "pending-reboot"
  }

  parameter {
    name  = "log_statement"
    value = "ddl"
  }

  parameter {
    name  = "log_min_duration_statement"
    value = "5000"
  }

  tags = local.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_db_instance" "reporting" {
  identifier                            = "${local.prefix}-reporting"
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
  master_user_secret_kms_key_id         = aws_kms_key.data.arn
  iam_database_authentication_enabled   = true
  multi_az                              = true
  parameter_group_name                  = aws_db_parameter_group.reporting.name
  db_subnet_group_name                  = aws_db_subnet_group.this.name
  vpc_security_group_ids                = [aws_security_group.db.id]
  backup_retention_period               = var.backup_retention_period
  copy_tags_to_snapshot                 = true
  deletion_protection                   = true
  auto_minor_version_upgrade            = true
  enabled_cloudwatch_logs_exports       = ["postgresql", "upgrade"]
  monitoring_interval                   = 60
  monitoring_role_arn                   = var.monitoring_role_arn
  performance_insights_enabled          = true
  performance_insights_kms_key_id       = aws_kms_key.data.arn
  performance_insights_retention_period = 93
  skip_final_snapshot                   = false
  final_snapshot_identifier             = "${local.prefix}-reporting-final"

  tags = local.tags
}

################################################################################
# AWS Backup: daily snapshots kept 35 days, in a vault encrypted with the data key
################################################################################

resource "aws_backup_vault" "this" {
  name        = local.prefix
  kms_key_arn = aws_kms_key.data.arn
  tags        = local.tags
}

resource "aws_backup_plan" "this" {
  name = local.prefix

  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.this.name
    schedule          = "cron(0 3 * * ? *)"
    start_window      = 60
    completion_window = 360

    lifecycle {
      delete_after = 35
    }
  }

  tags = local.tags
}

data "aws_iam_policy_document" "backup_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["backup.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "backup" {
  name_prefix        = "${local.prefix}-backup-"
  assume_role_policy = data.aws_iam_policy_document.backup_assume.json
  tags               = local.tags
}

resource "aws_iam_role_policy_attachment" "backup" {
  role       = aws_iam_role.backup.name
  policy_arn = "${local.arn}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"
}

resource "aws_backup_selection" "this" {
  name         = local.prefix
  plan_id      = aws_backup_plan.this.id
  iam_role_arn = aws_iam_role.backup.arn
  resources = [
    aws_rds_cluster.this.arn,
    aws_db_instance.reporting.arn,
    aws_dynamodb_table.idempotency.arn,
    aws_dynamodb_table.carts.arn,
  ]
}
