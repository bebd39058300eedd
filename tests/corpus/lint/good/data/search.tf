################################################################################
# OpenSearch: in the VPC, fine-grained access control, three dedicated masters
################################################################################

resource "aws_security_group" "search" {
  name_prefix = "${local.prefix}-search-"
  description = "OpenSearch of ${local.prefix}"
  vpc_id      = var.vpc_id
  tags        = local.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "search" {
  for_each = toset(var.client_security_group_ids)

  security_group_id            = aws_security_group.search.id
  description                  = "HTTPS from a service"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = each.value
}

resource "aws_cloudwatch_log_group" "search" {
  for_each = toset(["index-slow", "search-slow", "application", "audit"])

  name              = "/aws/opensearch/${local.prefix}/${each.key}"
  retention_in_days = 365
  kms_key_id        = aws_kms_key.data.arn
  tags              = local.tags
}

data "aws_iam_policy_document" "search_logs" {
  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [for group in aws_cloudwatch_log_group.search : "${group.arn}:*"]

    principals {
      type        = "Service"
      identifiers = ["es.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account]
    }
  }
}

resource "aws_cloudwatch_log_resource_policy" "search" {
  policy_name     = "${local.prefix}-opensearch"
  policy_document = data.aws_iam_policy_document.search_logs.json
}

resource "aws_opensearch_domain" "this" {
  domain_name    = local.prefix
  engine_version = "OpenSearch_2.19"

  cluster_config {
    instance_type            = "r7g.large.search"
    instance_count           = 3
    zone_awareness_enabled   = true
    dedicated_master_enabled = true
    dedicated_master_type    = "m7g.large.search"
    dedicated_master_count   = 3

    zone_awareness_config {
      availability_zone_count = 3
    }
  }

  ebs_options {
    ebs_enabled = true
    volume_type = "gp3"
    volume_size = 100
  }

  vpc_options {
    subnet_ids         = var.database_subnet_ids
    security_group_ids = [aws_security_group.search.id]
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

  advanced_security_options {
    enabled                        = true
    anonymous_auth_enabled         = false
    internal_user_database_enabled = false

    master_user_options {
      master_user_arn = aws_iam_role.search_admin.arn
    }
  }

  log_publishing_options {
    log_type                 = "INDEX_SLOW_LOGS"
    enabled                  = true
    cloudwatch_log_group_arn = aws_cloudwatch_log_group.search["index-slow"].arn
  }

  log_publishing_options {
    log_type                 = "SEARCH_SLOW_LOGS"
    enabled                  = true
    cloudwatch_log_group_arn = aws_cloudwatch_log_group.search["search-slow"].arn
  }

  log_publishing_options {
    log_type                 = "ES_APPLICATION_LOGS"
    enabled                  = true
    cloudwatch_log_group_arn = aws_cloudwatch_log_group.search["application"].arn
  }

  log_publishing_options {
    log_type                 = "AUDIT_LOGS"
    enabled                  = true
    cloudwatch_log_group_arn = aws_cloudwatch_log_group.search["audit"].arn
  }

  software_update_options {
    auto_software_update_enabled = true
  }

  tags = local.tags

  depends_on = [aws_cloudwatch_log_resource_policy.search]
}

data "aws_iam_policy_document" "search_admin_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "AWS"
      identifiers = ["${local.arn}:iam::${local.account}:root"]
    }

    condition {
      test     = "Bool"
      variable = "aws:MultiFactorAuthPresent"
      values   = ["true"]
    }
  }
}

resource "aws_iam_role" "search_admin" {
  name_prefix        = "${local.prefix}-search-admin-"
  assume_role_policy = data.aws_iam_policy_document.search_admin_assume.json
  tags               = local.tags
}
