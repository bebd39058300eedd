"""Network rules (AWS401-AWS406), Route 53 (AWS420-AWS421) and WAF (AWS430-AWS431)."""

from __future__ import annotations

import pytest

from check.rules.lintcase import Case, check_case

CASES = [
    Case(
        "AWS401",
        bad="""
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.1/16" # expect: AWS401
}
resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.300.0/24" # expect: AWS401
}
resource "aws_security_group" "sg" {
  name = "sg"
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8", "192.168.1.1"] # expect: AWS401
  }
}
resource "aws_vpc_security_group_ingress_rule" "r" {
  security_group_id = aws_security_group.sg.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv6         = "2001:db8::/129" # expect: AWS401
}
""",
        good="""
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = cidrsubnet(aws_vpc.main.cidr_block, 8, 1)
}
resource "aws_security_group" "sg" {
  name   = "sg"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port        = 443
    to_port          = 443
    protocol         = "tcp"
    cidr_blocks      = ["10.0.0.0/8", var.office_cidr]
    ipv6_cidr_blocks = ["2001:db8::/32"]
  }
}
""",
    ),
    Case(
        "AWS402",
        bad="""
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/8" # expect: AWS402
}
resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.0.0/29" # expect: AWS402
}
""",
        good="""
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.0.0/28"
}
""",
    ),
    Case(
        "AWS403",
        bad="""
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.0.0/20"
}
resource "aws_subnet" "b" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.8.0/24" # expect: AWS403
}
""",
        good="""
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.0.0/20"
}
resource "aws_subnet" "b" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.16.0/20"
}
resource "aws_subnet" "other_vpc" {
  vpc_id     = aws_vpc.other.id
  cidr_block = "10.0.0.0/20"
}
""",
    ),
    Case(
        "AWS404",
        bad="""
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.1.0.0/24" # expect: AWS404
}
""",
        good="""
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_vpc_ipv4_cidr_block_association" "extra" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.1.0.0/16"
}
resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.1.0.0/24"
}
resource "aws_vpc" "ipam" {
  ipv4_ipam_pool_id   = aws_vpc_ipam_pool.p.id
  ipv4_netmask_length = 16
}
resource "aws_subnet" "b" {
  vpc_id     = aws_vpc.ipam.id
  cidr_block = "172.16.0.0/24"
}
""",
    ),
    Case(
        "AWS405",
        bad="""
resource "aws_security_group" "db" {
  name = "db"
  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"] # expect: AWS405
  }
}
resource "aws_security_group_rule" "ssh" {
  type              = "ingress"
  security_group_id = aws_security_group.db.id
  from_port         = 20
  to_port           = 25
  protocol          = "tcp"
  ipv6_cidr_blocks  = ["::/0"] # expect: AWS405
}
resource "aws_vpc_security_group_ingress_rule" "redis" {
  security_group_id = aws_security_group.db.id
  ip_protocol       = "tcp"
  from_port         = 6379
  to_port           = 6379
  cidr_ipv4         = "0.0.0.0/0" # expect: AWS405
}
""",
        good="""
resource "aws_security_group" "web" {
  name = "web"
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port       = 5432
    to_port         = 5432
    protocol        = "tcp"
    security_groups = [aws_security_group.app.id]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
resource "aws_security_group_rule" "egress" {
  type              = "egress"
  security_group_id = aws_security_group.web.id
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
}
resource "aws_vpc_security_group_ingress_rule" "pg" {
  security_group_id = aws_security_group.web.id
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_ipv4         = "10.0.0.0/16"
}
""",
    ),
    Case(
        "AWS406",
        bad="""
resource "aws_security_group" "open" {
  name = "open"
  ingress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"] # expect: AWS406
  }
}
resource "aws_vpc_security_group_ingress_rule" "all" {
  security_group_id = aws_security_group.open.id
  ip_protocol       = "tcp"
  from_port         = 0
  to_port           = 65535
  cidr_ipv6         = "::/0" # expect: AWS406
}
""",
        good="""
resource "aws_security_group" "internal" {
  name = "internal"
  ingress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["10.0.0.0/16"]
  }
  ingress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    self        = true
  }
}
""",
    ),
    Case(
        "AWS420",
        bad="""
resource "aws_route53_record" "www" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "www"
  type    = "CNAME"
  ttl     = 300
  records = ["a.example.com", "b.example.com"] # expect: AWS420
}
""",
        good="""
resource "aws_route53_record" "www" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "www"
  type    = "CNAME"
  ttl     = 300
  records = ["a.example.com"]
}
resource "aws_route53_record" "mx" {
  zone_id = aws_route53_zone.main.zone_id
  name    = ""
  type    = "MX"
  ttl     = 300
  records = ["10 a.example.com", "20 b.example.com"]
}
""",
    ),
    Case(
        "AWS421",
        bad="""
resource "aws_route53_record" "txt" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "verify"
  type    = "TXT"
  records = ["token"] # expect: AWS421
}
""",
        good="""
resource "aws_route53_record" "txt" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "verify"
  type    = "TXT"
  ttl     = 60
  records = ["token"]
}
resource "aws_route53_record" "apex" {
  zone_id = aws_route53_zone.main.zone_id
  name    = ""
  type    = "A"
  alias {
    name                   = aws_lb.this.dns_name
    zone_id                = aws_lb.this.zone_id
    evaluate_target_health = true
  }
}
""",
    ),
    Case(
        "AWS430",
        bad="""
resource "aws_wafv2_web_acl" "acl" {
  name  = "acl"
  scope = "REGIONAL"
  default_action {
    allow {}
  }
  rule {
    name     = "rate"
    priority = 1
    action {
      block {}
    }
    statement {
      rate_based_statement {
        limit                 = 5 # expect: AWS430
        aggregate_key_type    = "IP"
        evaluation_window_sec = 90 # expect: AWS430
      }
    }
    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "rate"
      sampled_requests_enabled   = true
    }
  }
  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "acl"
    sampled_requests_enabled   = true
  }
}
""",
        good="""
resource "aws_wafv2_web_acl" "acl" {
  name  = "acl"
  scope = "REGIONAL"
  default_action {
    allow {}
  }
  rule {
    name     = "rate"
    priority = 1
    action {
      block {}
    }
    statement {
      rate_based_statement {
        limit                 = 10
        aggregate_key_type    = "IP"
        evaluation_window_sec = 60
      }
    }
    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "rate"
      sampled_requests_enabled   = true
    }
  }
  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "acl"
    sampled_requests_enabled   = true
  }
}
""",
    ),
    Case(
        "AWS431",
        bad="""
resource "aws_wafv2_web_acl" "acl" {
  name  = "acl"
  scope = "CLOUDFRONT"
  rule {
    name     = "common"
    priority = 1
  }
  rule {
    name     = "bad-inputs"
    priority = 1 # expect: AWS431
  }
}
""",
        good="""
resource "aws_wafv2_web_acl" "acl" {
  name  = "acl"
  scope = "CLOUDFRONT"
  rule {
    name     = "common"
    priority = 1
  }
  rule {
    name     = "bad-inputs"
    priority = 2
  }
}
""",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule(case: Case) -> None:
    check_case(case)
