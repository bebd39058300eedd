# Root of the (old) platform stack: wires the shared modules together.
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7"
    }
  }
}

variable "environment" {
  type = string
}

variable "kms_key_arn" {
  type    = string
  default = null
}

module "queues" { # expect: CON008
  source = "./modules/queues"

  environment = var.environment
  names       = ["fulfillment", "notification"]
  retention   = 345600 # expect: CON007
}

resource "aws_sns_topic" "orders" {
  name              = "orders-${var.environment}"
  kms_master_key_id = var.kms_key_arn
}

resource "aws_sns_topic_subscription" "fulfillment" {
  topic_arn = aws_sns_topic.orders.arn
  protocol  = "sqs"
  endpoint  = module.queues.queue_arns["fulfillment"]
}

output "queue_urls" {
  value = module.queues.urls # expect: CON006
}
