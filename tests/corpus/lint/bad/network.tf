terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

variable "azs" {
  default = ["eu-west-1a", "eu-west-1b"]
}

resource "aws_vpc" "main" {
  cidr_block           = "10.20.0.0/16"
  enable_dns_hostnames = true
  tags = { # expect: CON003
    Name        = "bookstore"
    Environment = var.environment # echo: TF-reference-to-undeclared-input-variable
  }
}

resource "aws_subnet" "public_a" {
  vpc_id                  = aws_vpc.main.id
  cidr_block              = "10.20.0.0/22"
  availability_zone       = var.azs[0]
  map_public_ip_on_launch = true
}

resource "aws_subnet" "public_b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.20.2.0/24" # overlaps public_a  # expect: AWS403
  availability_zone = var.azs[1]
  region            = "eu-west-1" # pasted from the 6.x docs; 5.x has no per-resource region  # expect: SCH002
}

resource "aws_subnet" "private_a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.21.0.0/24" # expect: AWS404
  availability_zone = "eu-west-1a"
  map_public_ip     = false # expect: SCH002
}

resource "aws_subnet" "private_b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.20.16.0/30" # expect: AWS402
  availability_zone = "eu-west-1b"
}

resource "aws_subnet" "data" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.20.256.0/24" # expect: AWS401
}

# dynamic subnets are fine: computed CIDRs are never judged
resource "aws_subnet" "computed" {
  count      = 3
  vpc_id     = aws_vpc.main.id
  cidr_block = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index + 100)
}

resource "aws_eip" "nat" {
  vpc = true # expect: SCH005  # echo: AWS901, TF-argument-is-deprecated
}

resource "aws_nat_gateway" "main" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public_a.id
}

resource "aws_network_acl" "data" {
  vpc_id     = aws_vpc.main.id
  subnet_ids = [aws_subnet.data.id]
}

resource "aws_network_acl_rule" "deny_rdp" { # expect: SCH008
  network_acl_id = aws_network_acl.data.id
  rule_number    = 90
  egress         = false
  protocol       = "tcp"
  cidr_block     = "0.0.0.0/0"
  from_port      = 3389
  to_port        = 3389
}

resource "aws_security_group" "db" {
  name   = "db"
  vpc_id = aws_vpc.main.id

  ingress {
    description = "postgres from the VPC"
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_block  = [aws_vpc.main.cidr_block] # expect: SCH002
  }
}

resource "aws_security_group_rule" "db_from_anywhere" {
  type              = "ingress"
  security_group_id = aws_security_group.db.id
  from_port         = 3306
  to_port           = 3306
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"] # expect: AWS405
}

resource "aws_vpc_security_group_ingress_rule" "mongo" {
  security_group_id = aws_security_group.db.id
  ip_protocol       = "tcp"
  from_port         = 27000
  to_port           = 28000
  cidr_ipv4         = "0.0.0.0/0" # expect: AWS405
}

resource "aws_vpc_security_group_ingress_rule" "from_app" {
  security_group_id            = aws_security_group.db.id
  referenced_security_group_id = aws_security_group.app.id # expect: CON005
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
}

resource "aws_route53_zone" "main" {
  name = "bookstore.example.com"
}

resource "aws_route53_record" "api" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "api"
  type    = "CNAME"
  ttl     = 300
  records = ["api-1.example.net", "api-2.example.net"] # expect: AWS420
}

resource "aws_route53_record" "spf" {
  zone_id = aws_route53_zone.main.zone_id
  name    = ""
  type    = "TXT"
  records = ["v=spf1 include:amazonses.com -all"] # expect: AWS421
}

resource "aws_wafv2_web_acl" "api" {
  name  = "bookstore-api"
  scope = "REGIONAL"

  default_action {
    allow {}
  }

  # TODO: switch to block once the allow-list is in place
  default_action { # expect: SCH007  # echo: TF-too-many-default-action-blocks
    block {}
  }

  rule {
    name     = "AWSManagedRulesCommonRuleSet"
    priority = 10
    override_action {
      none {}
    }
    statement {
      managed_rule_group_statement {
        name        = "AWSManagedRulesCommonRuleSet"
        vendor_name = "AWS"
      }
    }
    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "common"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "rate-limit"
    priority = 10 # expect: AWS431
    action {
      block {}
    }
    statement {
      rate_based_statement {
        limit              = 5 # expect: AWS430
        aggregate_key_type = "IP"
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
    metric_name                = "bookstore-api"
    sampled_requests_enabled   = true
  }
}
