variable "name" {
  description = "Name of the service (also the ECS cluster prefix and the ECR repository name)"
  type        = string
  default     = "order-service"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name))
    error_message = "The name must be lower-case letters, digits and hyphens (2-31 characters)."
  }
}

variable "environment" {
  description = "Deployment environment (dev, staging or prod)"
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "The environment must be dev, staging or prod."
  }
}

variable "image_tag" {
  description = "Release tag of the container image (never latest)"
  type        = string

  validation {
    condition     = can(regex("^v[0-9]+\\.[0-9]+\\.[0-9]+$", var.image_tag))
    error_message = "Deploy a release tag such as v1.4.2."
  }
}

variable "container_port" {
  description = "Port the application listens on"
  type        = number
  default     = 8080
}

variable "cpu" {
  description = "Task CPU units"
  type        = number
  default     = 1024
}

variable "memory" {
  description = "Task memory (MiB); must be a Fargate combination with cpu"
  type        = number
  default     = 2048
}

variable "desired_count" {
  description = "Initial number of tasks (autoscaling owns it afterwards)"
  type        = number
  default     = 2
}

variable "min_capacity" {
  description = "Minimum number of tasks"
  type        = number
  default     = 2
}

variable "max_capacity" {
  description = "Maximum number of tasks"
  type        = number
  default     = 10

  validation {
    condition     = var.max_capacity >= 1
    error_message = "max_capacity must be at least 1."
  }
}

variable "capacity_provider_strategy" {
  description = "Fargate capacity providers of the service"
  type = list(object({
    name   = string
    weight = number
    base   = optional(number)
  }))
  default = [
    { name = "FARGATE", weight = 1, base = 1 },
    { name = "FARGATE_SPOT", weight = 3 },
  ]
}

variable "vpc_id" {
  description = "VPC of the service"
  type        = string
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC (database and cache traffic stays inside)"
  type        = string
}

variable "private_subnet_ids" {
  description = "Private subnets of the tasks"
  type        = list(string)
}

variable "alb_security_group_id" {
  description = "Security group of the load balancer in front of the service"
  type        = string
}

variable "target_group_arn" {
  description = "Target group the service registers its tasks with"
  type        = string
}

variable "alb_resource_label" {
  description = "ALBRequestCountPerTarget resource label (app/<lb>/<id>/targetgroup/<tg>/<id>)"
  type        = string
}

variable "db_secret_arn" {
  description = "Secrets Manager secret with the database credentials"
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key for logs, the image repository and ECS Exec sessions"
  type        = string
}

variable "log_retention_in_days" {
  description = "Retention of the service logs"
  type        = number
  default     = 365
}

variable "tags" {
  description = "Tags added to every resource"
  type        = map(string)
  default     = {}
}
