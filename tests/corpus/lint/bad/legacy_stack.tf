#########################################################################
# platform-v1 bastion + buckets
# Inherited from the old "platform" repo (2020). Owner: ??? (ask #infra)
# "Upgraded" to provider 5.x by search-and-replace; should also run on 6.x
#########################################################################

terraform {
  required_version = ">= 1.3"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7"
    }
  }
}

variable "env" {
  type = string
}

variable "vpc_id" {
  type = string
}

variable "extra_volumes" {
  description = "device name => size in GiB"
  type        = map(number)
  default     = { "/dev/sdf" = 50 }
}

variable "buckets" {
  type = map(object({
    versioned   = bool
    expire_days = number
  }))
  default = {
    uploads = { versioned = true, expire_days = 365 }
    exports = { versioned = false, expire_days = 30 }
  }
}

locals {
  common_tags = {
    Team = "platform"
    Env  = var.env
  }
}

data "aws_caller_identity" "me" {}

data "aws_ami" "al2023" {
  most_recent = true
  owners      = ["amazon"]

  filter {
    name   = "name"
    values = ["al2023-ami-*-arm64"]
  }
}

data "aws_iam_polcy_document" "bastion_assume" { # expect: SCH001
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

# --- bastion --------------------------------------------------------------

resource "aws_instance" "bastion" {
  ami                    = data.aws_ami.al2023.id
  instance_type          = "t4g.micro"
  cpu_core_count         = 1 # expect: SCH005, UPG002
  iam_instance_profile   = aws_iam_instance_profile.bastion.name
  subnet_id              = var.subnet_id # expect: CON003
  vpc_security_group_ids = [aws_security_group.bastion.id]
  monitoring             = true

  root_block_device {
    volume_size = 20
    volume_type = "gp3"
    encrypted   = true
  }

  dynamic "ebs_block_device" {
    for_each = var.extra_volumes
    content {
      device_name  = ebs_block_device.key
      volume_sizee = ebs_block_device.value # expect: SCH002
      encrypted    = true
    }
  }

  metadata_options {
    http_tokens = "required"
  }

  tags = local.common_tags
}

resource "aws_eip" "bastion" {
  instance = aws_instance.bastion.id
  vpc      = true # expect: SCH005, UPG002  # echo: AWS901
  tags     = local.common_tagz # expect: CON004
}

resource "aws_security_group" "bastion" {
  name_prefix = "bastion-"
  description = "bastion: no inbound, SSM only"
  vpc_id      = var.vpc_id

  egress {
    description = "HTTPS to the SSM endpoints"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_iam_role" "bastion" {
  name                = "bastion-${var.env}"
  assume_role_policy  = data.aws_iam_polcy_document.bastion_assume.json
  managed_policy_arns = ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"] # expect: SCH005
}

resource "aws_iam_instance_profile" "bastion" {
  name = "bastion-${var.env}"
  role = aws_iam_role.bastion.name
}

resource "aws_ssm_association" "patch" {
  name        = "AWS-RunPatchBaseline"
  instance_id = aws_instance.bastion.id # expect: SCH005, UPG002

  parameters = {
    Operation = "Install"
  }
}

resource "aws_cloudwatch_metric_alarm" "bastion_cpu" {
  alarm_name          = "bastion-cpu-${var.env}"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 2
  metric_name         = "CPUUtilization"
  namespace           = "AWS/EC2"
  period              = 300
  statistic           = "Average"
  threshold           = 80

  dimensions { # expect: SCH006
    InstanceId = aws_instance.bastion.id
  }
}

# --- buckets (one per team) -------------------------------------------------

resource "aws_s3_bucket" "this" {
  for_each = var.buckets

  bucket = "platform-${var.env}-${each.key}-${data.aws_caller_identity.me.account_id}"
  tags   = local.common_tags
}

resource "aws_s3_bucket_versioning" "this" {
  for_each = var.buckets

  bucket = aws_s3_bucket.this[each.key].id
  versioning_configuration {
    status = each.value.versioned ? "Enabled" : "Suspended"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  for_each = var.buckets
  bucket   = aws_s3_bucket.this[each.key].id

  rule {
    id     = "expire"
    status = "Enabled"
    filter {}
    expiration {
      days = each.value.expire_days
    }
  }
}

resource "aws_s3_bucket_policy" "uploads" {
  bucket = aws_s3_bucket.this["uploads"].id
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "DenyInsecureTransport",
          "Effect": "Deny",
          "Principal": "*",
          "Action": "s3:*",
          "Resource": [
            "${aws_s3_bucket.this["uploads"].arn}",
            "${aws_s3_bucket.this["uploads"].arn}/*"
          ],
          "Condition": {"Bool": {"aws:SecureTransport": "false"}}
        }
      ]
    }
  EOT
}

# --- flow logs (v1 style) --------------------------------------------------------

resource "aws_cloudwatch_log_group" "flow" {
  name              = "/platform/flow-logs"
  retention_in_days = 90
}

resource "aws_flow_log" "platform" {
  log_group_name = aws_cloudwatch_log_group.flow.name # expect: SCH005, UPG002
  iam_role_arn   = aws_iam_role.flow_logs.arn # expect: CON005
  vpc_id         = var.vpc_id
  traffic_type   = "ALL"
}

# --- workers ----------------------------------------------------------------

resource "aws_launch_template" "workers" {
  name_prefix   = "workers-"
  image_id      = data.aws_ami.al2023.id
  instance_type = "m7g.large"

  metadata_options {
    http_tokens = "required"
  }
}

resource "aws_autoscaling_group" "workers" { # expect: SCH008, SCH008
  name_prefix         = "workers-"
  desired_capacity    = 2
  vpc_zone_identifier = data.aws_subnets.private.ids # expect: CON005

  launch_template {
    id      = aws_launch_template.workers.id
    version = "$Latest"
  }

  tag {
    key                 = "Name"
    value               = "platform-worker"
    propagate_at_launch = true
  }
}
