output "cluster_name" {
  description = "Name of the ECS cluster"
  value       = aws_ecs_cluster.this.name
}

output "service_name" {
  description = "Name of the ECS service"
  value       = aws_ecs_service.this.name
}

output "security_group_id" {
  description = "Security group of the tasks (allow it on the database and the cache)"
  value       = aws_security_group.service.id
}

output "repository_url" {
  description = "ECR repository of the service image"
  value       = aws_ecr_repository.this.repository_url
}

output "task_role_arn" {
  description = "IAM role of the application (grant it access to its data)"
  value       = aws_iam_role.task.arn
}
