variable "name" {
  description = "Name prefix for every resource of the network"
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name))
    error_message = "The name must be lower-case letters, digits and hyphens (2-31 characters)."
  }
}

variable "cidr" {
  description = "IPv4 CIDR block of the VPC"
  type        = string
  default     = "10.40.0.0/16"

  validation {
    condition     = can(cidrhost(var.cidr, 0)) && tonumber(split("/", var.cidr)[1]) <= 20
    error_message = "The VPC CIDR must be a valid IPv4 block of size /20 or larger."
  }
}

variable "azs" {
  description = "Availability Zones to spread the subnets over (names, e.g. eu-west-1a)"
  type        = list(string)

  validation {
    condition     = length(var.azs) >= 2 && length(var.azs) <= 3
    error_message = "Use two or three Availability Zones."
  }
}

variable "single_nat_gateway" {
  description = "Share one NAT gateway between all private subnets (cheaper, not highly available)"
  type        = bool
  default     = false
}

variable "flow_log_retention_in_days" {
  description = "How long VPC flow logs are kept in CloudWatch Logs"
  type        = number
  default     = 365

  validation {
    condition     = contains([365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_log_retention_in_days)
    error_message = "Keep flow logs for at least a year, in a retention CloudWatch Logs accepts."
  }
}

variable "tags" {
  description = "Tags added to every resource"
  type        = map(string)
  default     = {}
}
