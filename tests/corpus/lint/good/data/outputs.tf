output "kms_key_arn" {
  description = "ARN of the data key"
  value       = aws_kms_key.data.arn
}

output "cluster_endpoint" {
  description = "Writer endpoint of the Aurora cluster"
  value       = aws_rds_cluster.this.endpoint
}

output "cluster_reader_endpoint" {
  description = "Reader endpoint of the Aurora cluster"
  value       = aws_rds_cluster.this.reader_endpoint
}

output "master_user_secret_arn" {
  description = "Secrets Manager secret of the Aurora master user (managed and rotated by RDS)"
  value       = aws_rds_cluster.this.master_user_secret[0].secret_arn
}

output "cache_endpoint" {
  description = "Primary endpoint of the cache"
  value       = aws_elasticache_replication_group.this.primary_endpoint_address
}

output "table_arns" {
  description = "ARNs of the DynamoDB tables"
  value = {
    idempotency = aws_dynamodb_table.idempotency.arn
    carts       = aws_dynamodb_table.carts.arn
  }
}

output "search_endpoint" {
  description = "HTTPS endpoint of the OpenSearch domain"
  value       = aws_opensearch_domain.this.endpoint
}
