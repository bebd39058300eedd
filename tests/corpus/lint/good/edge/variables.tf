variable "region" {
  description = "AWS Region of the load balancer (CloudFront resources always live in us-east-1)"
  type        = string
  default     = "eu-west-1"
}

variable "name" {
  description = "Name prefix for the edge resources"
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.name))
    error_message = "The name must be lower-case letters, digits and hyphens (2-21 characters)."
  }
}

variable "vpc_id" {
  description = "VPC of the load balancer and its targets"
  type        = string
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC (the load balancer only sends traffic there)"
  type        = string
}

variable "public_subnet_ids" {
  description = "Public subnets of the load balancer, one per Availability Zone"
  type        = list(string)

  validation {
    condition     = length(var.public_subnet_ids) >= 2
    error_message = "An Application Load Balancer needs subnets in at least two Availability Zones."
  }
}

variable "domain" {
  description = "Public DNS domain of the shop, e.g. bookstore.example.com"
  type        = string
}

variable "zone_id" {
  description = "Route 53 hosted zone of the domain"
  type        = string
}

variable "services" {
  description = "Services behind the load balancer: rule priority, path patterns and port"
  type = map(object({
    priority          = number
    paths             = list(string)
    port              = number
    health_check_path = optional(string, "/health")
  }))

  validation {
    condition     = alltrue([for s in values(var.services) : s.priority >= 1 && s.priority <= 50000])
    error_message = "Listener rule priorities are between 1 and 50000."
  }
}

variable "kms_key_arn" {
  description = "KMS key (in the module's region) for the WAF log group"
  type        = string
}

variable "us_east_1_kms_key_arn" {
  description = "KMS key in us-east-1 for the CloudFront WAF log group"
  type        = string
}

variable "log_retention_in_days" {
  description = "Retention of the WAF logs"
  type        = number
  default     = 365
}

variable "tags" {
  description = "Tags added to every resource"
  type        = map(string)
  default     = {}
}
