##############################################
# ECS platform -- "works on my laptop" edition
# TODO(ops): clean this up before go-live!!
##############################################

variable "environment" {
  type    = string
  default = "dev"
}
variable "prefix" { default = "bookstore" }
variable "private_subnet_ids" {
  type = list(string)
}
variable "worker_image" {
  type        = string
  description = "worker image (pin a digest!)"
}

variable "target_groups" {
  type    = map(object({ arn = string, port = number }))
  default = {}
}

data "aws_region" "current" {}

data "aws_ssm_parameter" "ecs_ami" {
  name = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
}

locals {
  app_name  = "order-service"
  task_cpu  = "512"
  task_mem  = "512"   # FIXME too small?
  log_days  = 45
  common_tags = {
    Project     = "bookstore"
    Environment = var.environment
    ManagedBy   = "terraform"
  }
}

resource "aws_ecs_cluster" "main" {
  name = "${var.prefix}-cluster"
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
  tags = local.common_tags
}

resource "aws_ecs_cluster_capacity_provider" "main" { # expect: SCH001
  cluster_name       = aws_ecs_cluster.main.name
  capacity_providers = ["FARGATE", "FARGATE_SPOT"]
}

resource "aws_cloudwatch_log_group" "orders" {
  name              = "/ecs/${local.app_name}"
  retention_in_days = local.log_days # expect: AWS630  # echo: TF-expected-retention-in-days-to-be-one-of
  tags              = local.common_tags
}

resource "aws_cloudwatch_log_group" "legacy" {
  name = "/ecs/order service (legacy)" # expect: AWS631  # echo: TF-name-isn-t-a-valid-log-group-name
  retention_in_days = 14
}

resource "aws_ecs_task_definition" "orders" {
  family                   = local.app_name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = local.task_cpu
  memory                   = local.task_mem # expect: AWS101
  execution_role_arn       = aws_iam_role.exec.arn
  task_role_arn            = aws_iam_role.task.arn # expect: CON005

  container_definitions = jsonencode([ # expect: AWS103, AWS104
    {
      name      = local.app_name
      image     = "${aws_ecr_repository.orders.repository_url}:latest"
      essential = true
      portMappings = [
        { containerPort = 8080, hostPort = 80, protocol = "tcp" }
      ]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          "awslogs-group"         = aws_cloudwatch_log_group.orders.name
          "awslogs-region"        = data.aws_region.current.name
          "awslogs-stream-prefix" = "ecs"
        }
      }
    },
    {
      name      = "xray"
      image     = "public.ecr.aws/xray/aws-xray-daemon:3.3.13"
      essential = false
    }
  ])
}

# Worker copied from an old EC2-based stack
resource "aws_ecs_task_definition" "worker" {
  family                   = "worker"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "bridge"     # expect: AWS102
  cpu                      = 1024
  memory                   = 3072

  inference_accelerator { # expect: UPG004
    device_name = "device_1"
    device_type = "eia2.medium"
  }

  container_definitions    = <<DEFS
[
  {
    "name": "worker",
    "image": "${var.worker_image}",
    "cpu": 1024,
    "memory": 3072
  }
]
DEFS
}

resource "aws_ecs_service" "orders" {
  name            = local.app_name
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.orders.arn
  desired_count   = 2
  launch_type     = "FARGATE" # expect: AWS105

  deployment_maximum_percentage = 200 # expect: SCH002

  capacity_provider_strategy {
    capacity_provider = "FARGATE_SPOT"
    weight            = 100
  }

  network_configuration {
    subnets         = var.private_subnet_ids
    security_groups = [aws_security_group.orders.id]
  }

  dynamic "load_balancer" {
    for_each = var.target_groups
    content { # echo: SCH008 (container_name is the misspelt container_nme)
      target_group_arn = load_balancer.value.arn
      container_nme    = local.app_name # expect: SCH002
      container_port   = load_balancer.value.port
    }
  }

  deployment_circuit_breaker { # expect: SCH008
    enable = true
  }
}

resource "aws_security_group" "orders" {
  name_prefix = "orders-"
  description = "order-service tasks"
}

resource "aws_appautoscaling_target" "orders" {
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.main.name}/${aws_ecs_service.orders.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = 4 # expect: AWS110
  max_capacity       = 2
}

resource "aws_appautoscaling_policy" "cpu" {
  name               = "orders-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.orders.service_namespace
  resource_id        = aws_appautoscaling_target.orders.resource_id
  scalable_dimension = aws_appautoscaling_target.orders.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value = 70
    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

# "memory" policy -- someone copy/pasted the CPU one and forgot to change the metric
resource "aws_appautoscaling_policy" "memory" {
  name               = "orders-memory"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.orders.service_namespace
  resource_id        = aws_appautoscaling_target.orders.resource_id
  scalable_dimension = aws_appautoscaling_target.orders.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value = 80
    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization" # expect: AWS111
    }
  }
}

resource "aws_ecr_repository" "orders" {
  name                 = "bookstore/order-service"
  image_tag_mutability = "MUTABLE" # expect: AWS106
  image_scanning_configuration {
    scan_on_push = true
  }
}

resource "aws_ecr_lifecycle_policy" "orders" {
  repository = aws_ecr_repository.orders.name
  policy = jsonencode({ # expect: AWS107, AWS108, AWS109
    rules = [
      {
        rulePriority = 1
        description  = "keep last 30 images"
        selection = {
          tagStatus   = "any"
          countType   = "imageCountMoreThan"
          countNumber = 30
        }
        action = { type = "expire" }
      },
      {
        rulePriority = 2
        description  = "expire old release tags"
        selection = {
          tagStatus   = "tagged"
          countType   = "sinceImagePushed"
          countUnit   = "days"
          countNumber = 90
        }
        action = { type = "expire" }
      },
      {
        rulePriority = 2 # copy/paste
        selection = {
          tagStatus   = "untagged"
          countType   = "sinceImagePushed"
          countUnit   = "days"
          countNumber = 14
        }
        action = { type = "expire" }
      }
    ]
  })
}

resource "aws_autoscaling_group" "ecs_hosts" {
  name                = "ecs-hosts"
  min_size            = 1
  max_size            = 3
  desired_capacity    = 5 # expect: AWS112
  vpc_zone_identifier = var.private_subnet_ids
  launch_template {
    id      = aws_launch_template.ecs.id
    version = "$Latest"
  }
  launch_template { # expect: SCH007  # echo: TF-too-many-launch-template-blocks
    id      = aws_launch_template.ecs.id
    version = "$Default"
  }
}

resource "aws_launch_template" "ecs" { # echo: TF-argument-is-deprecated
  name_prefix   = "ecs-"
  image_id      = data.aws_ssm_parameter.ecs_ami.value
  instance_type = "c3.large" # expect: AWS907

  elastic_gpu_specifications { # expect: SCH005, UPG004
    type = "eg1.medium"
  }
}

resource "aws_iam_role" "exec" { # echo: TF-argument-is-deprecated
  name = "${local.app_name}-exec"

  assume_role_policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"Service": "ecs-tasks.amazonaws.com"},
      "Action": "sts:AssumeRole"
    }
  ]
}
EOF

  inline_policy { # expect: SCH005
    name = "pull-and-log"
    policy = jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Effect   = "Allow"
        Action   = ["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "logs:PutLogEvents"]
        Resource = "*"
      }]
    })
  }
}
