output "event_bus_name" {
  description = "Name of the EventBridge bus the services publish to"
  value       = aws_cloudwatch_event_bus.this.name
}

output "queue_urls" {
  description = "URL of each standard queue"
  value       = { for name, queue in aws_sqs_queue.this : name => queue.url }
}

output "payments_queue_url" {
  description = "URL of the FIFO payments queue"
  value       = aws_sqs_queue.payments.url
}

output "alerts_topic_arn" {
  description = "SNS topic for operational alerts"
  value       = aws_sns_topic.alerts.arn
}

output "state_machine_arn" {
  description = "ARN of the order workflow"
  value       = aws_sfn_state_machine.order.arn
}
