output "alb_arn" {
  description = "ARN of the load balancer"
  value       = aws_lb.this.arn
}

output "alb_dns_name" {
  description = "DNS name of the load balancer"
  value       = aws_lb.this.dns_name
}

output "alb_security_group_id" {
  description = "Security group of the load balancer (allow it on the targets)"
  value       = aws_security_group.alb.id
}

output "https_listener_arn" {
  description = "ARN of the HTTPS listener"
  value       = aws_lb_listener.https.arn
}

output "target_group_arns" {
  description = "Target group ARN per service"
  value       = { for name, tg in aws_lb_target_group.this : name => tg.arn }
}

output "target_group_resource_labels" {
  description = "ALBRequestCountPerTarget resource label per service"
  value       = { for name, tg in aws_lb_target_group.this : name => "${aws_lb.this.arn_suffix}/${tg.arn_suffix}" }
}

output "cloudfront_distribution_id" {
  description = "ID of the CloudFront distribution of the site"
  value       = aws_cloudfront_distribution.site.id
}

output "site_bucket" {
  description = "Bucket the site is published to"
  value       = aws_s3_bucket.site.id
}
