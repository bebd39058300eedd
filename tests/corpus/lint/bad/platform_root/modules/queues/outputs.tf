output "queue_arns" {
  value = { for name, queue in aws_sqs_queue.this : name => queue.arn }
}

output "queue_urls" {
  value = { for name, queue in aws_sqs_queue.this : name => queue.url }
}
