variable "name" {
  description = "Name prefix of the data stores"
  type        = string
  default     = "bookstore"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.name))
    error_message = "The name must be lower-case letters, digits and hyphens (2-21 characters)."
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

variable "vpc_id" {
  description = "VPC of the data stores"
  type        = string
}

variable "database_subnet_ids" {
  description = "Database subnets (no route to the internet), one per Availability Zone"
  type        = list(string)

  validation {
    condition     = length(var.database_subnet_ids) >= 2
    error_message = "Use at least two subnets in different Availability Zones."
  }
}

variable "client_security_group_ids" {
  description = "Security groups of the services that use the data stores"
  type        = list(string)
}

variable "instances" {
  description = "Aurora instances to create, by name"
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

variable "backup_retention_period" {
  description = "Days of automated RDS backups (1-35)"
  type        = number
  default     = 14

  validation {
    condition     = var.backup_retention_period >= 1 && var.backup_retention_period <= 35
    error_message = "RDS keeps automated backups for 1 to 35 days."
  }
}

variable "monitoring_role_arn" {
  description = "IAM role RDS enhanced monitoring publishes with"
  type        = string
}

variable "tags" {
  description = "Tags added to every resource"
  type        = map(string)
  default     = {}
}
