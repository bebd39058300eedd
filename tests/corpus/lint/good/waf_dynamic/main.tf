# A web ACL in the shape of the public WAF modules: rules, and the settings of AWS
# managed rule groups, built with nested dynamic blocks whose iterators are named like
# resource types (aws_managed_rules_atp_rule_set.value is the iterator, not a resource).

resource "aws_wafv2_ip_set" "blocked" {
  for_each = var.blocked_addresses

  name               = "${var.name}-${each.key}"
  scope              = "REGIONAL"
  ip_address_version = "IPV4"
  addresses          = each.value
}

locals {
  # a for expression whose variable is named like a resource type
  ip_set_arns = [for aws_wafv2_ip_set in aws_wafv2_ip_set.blocked : aws_wafv2_ip_set.arn]
}

resource "aws_wafv2_web_acl" "this" {
  #checkov:skip=CKV2_AWS_31:logging is configured by the caller, which owns the log destination
  #checkov:skip=CKV_AWS_192:the managed rule groups (AWSManagedRulesKnownBadInputsRuleSet among them) come from var.managed_rules
  name  = var.name
  scope = "REGIONAL"

  default_action {
    allow {}
  }

  dynamic "rule" {
    for_each = var.managed_rules
    content {
      name     = rule.value.name
      priority = rule.value.priority

      override_action {
        none {}
      }

      statement {
        managed_rule_group_statement {
          name        = rule.value.name
          vendor_name = "AWS"

          dynamic "managed_rule_group_configs" {
            for_each = rule.value.atp == null ? [] : [rule.value.atp]
            content {
              dynamic "aws_managed_rules_atp_rule_set" {
                for_each = [managed_rule_group_configs.value]
                content {
                  login_path = aws_managed_rules_atp_rule_set.value.login_path

                  dynamic "request_inspection" {
                    for_each = aws_managed_rules_atp_rule_set.value.request_inspection == null ? [] : [aws_managed_rules_atp_rule_set.value.request_inspection]
                    iterator = aws_wafv2_regex_pattern_set
                    content {
                      payload_type = aws_wafv2_regex_pattern_set.value.payload_type
                      password_field {
                        identifier = aws_wafv2_regex_pattern_set.value.password_field
                      }
                      username_field {
                        identifier = aws_wafv2_regex_pattern_set.value.username_field
                      }
                    }
                  }
                }
              }
            }
          }

          dynamic "managed_rule_group_configs" {
            for_each = rule.value.bot_control == null ? [] : [rule.value.bot_control]
            iterator = bot
            content {
              dynamic "aws_managed_rules_bot_control_rule_set" {
                for_each = [bot.value]
                content {
                  inspection_level = aws_managed_rules_bot_control_rule_set.value.inspection_level
                }
              }
            }
          }
        }
      }

      visibility_config {
        cloudwatch_metrics_enabled = true
        metric_name                = rule.value.name
        sampled_requests_enabled   = true
      }
    }
  }

  dynamic "rule" {
    for_each = length(local.ip_set_arns) > 0 ? [local.ip_set_arns] : []
    iterator = blocked
    content {
      name     = "blocked-addresses"
      priority = 0

      action {
        block {}
      }

      statement {
        or_statement {
          dynamic "statement" {
            for_each = blocked.value
            content {
              ip_set_reference_statement {
                arn = statement.value
              }
            }
          }
          statement {
            ip_set_reference_statement {
              arn = blocked.value[0]
            }
          }
        }
      }

      visibility_config {
        cloudwatch_metrics_enabled = true
        metric_name                = "blocked-addresses"
        sampled_requests_enabled   = true
      }
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = var.name
    sampled_requests_enabled   = true
  }
}
