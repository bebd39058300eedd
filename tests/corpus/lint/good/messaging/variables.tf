variable "name" {
  description = "Name prefix of the messaging resources"
  type        = string
  default     = "bookstore"
}

variable "environment" {
  description = "Deployment environment (dev, staging or prod)"
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "The environment must be dev, staging or prod."
  }
}

variable "queues" {
  description = "Standard queues fed by the order events, with their consumer's timeout"
  type = map(object({
    visibility_timeout_seconds = number
    max_receive_count          = optional(number, 5)
  }))
  default = {
    fulfillment  = { visibility_timeout_seconds = 360 }
    notification = { visibility_timeout_seconds = 180, max_receive_count = 3 }
  }

  validation {
    condition     = alltrue([for q in values(var.queues) : q.max_receive_count >= 1 && q.max_receive_count <= 1000])
    error_message = "maxReceiveCount is between 1 and 1000."
  }
}

variable "orders_table_arn" {
  description = "DynamoDB table the fulfillment worker updates"
  type        = string
}

variable "orders_table_name" {
  description = "Name of that table"
  type        = string
}

variable "worker_package" {
  description = "Signed deployment package of the fulfillment worker"
  type        = string
  default     = "build/fulfillment.zip"
}

variable "log_retention_in_days" {
  description = "Retention of the worker and workflow logs"
  type        = number
  default     = 365
}

variable "tags" {
  description = "Tags added to every resource"
  type        = map(string)
  default     = {}
}
