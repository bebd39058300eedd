variable "environment" {
  description = "dev, staging or prod"
  type        = string
}

variable "names" {
  description = "queue names"
  type        = set(string)
}

variable "kms_key_arn" {
  description = "KMS key of the queues"
  type        = string
}
