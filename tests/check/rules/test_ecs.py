"""ECS/ECR rules (AWS101-AWS109) and Auto Scaling rules (AWS110-AWS112)."""

from __future__ import annotations

import pytest

from check.rules.lintcase import Case, check_case

CASES = [
    Case(
        "AWS101",
        bad="""
resource "aws_ecs_task_definition" "a" {
  family                   = "a"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "4096" # expect: AWS101
  container_definitions    = "[]"
}
resource "aws_ecs_task_definition" "b" {
  family                   = "b"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 300 # expect: AWS101
  memory                   = 1024
  container_definitions    = "[]"
}
resource "aws_ecs_task_definition" "c" {
  family                   = "c"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "8 vCPU"
  memory                   = "18 GB" # expect: AWS101
  container_definitions    = "[]"
}
resource "aws_ecs_task_definition" "d" { # expect: AWS101
  family                   = "d"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "512"
  container_definitions    = "[]"
}
""",
        good="""
resource "aws_ecs_task_definition" "a" {
  family                   = "a"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "1024"
  memory                   = "2048"
  container_definitions    = "[]"
}
resource "aws_ecs_task_definition" "b" {
  family                   = "b"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "16 vCPU"
  memory                   = "120 GB"
  container_definitions    = "[]"
}
resource "aws_ecs_task_definition" "ec2" {
  family                   = "ec2"
  requires_compatibilities = ["EC2"]
  cpu                      = "300"
  memory                   = "777"
  container_definitions    = "[]"
}
resource "aws_ecs_task_definition" "unknown" {
  family                   = "u"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  container_definitions    = "[]"
}
""",
    ),
    Case(
        "AWS102",
        bad="""
resource "aws_ecs_task_definition" "a" {
  family                   = "a"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "bridge" # expect: AWS102
  cpu                      = "256"
  memory                   = "512"
  container_definitions    = "[]"
}
resource "aws_ecs_task_definition" "b" { # expect: AWS102
  family                   = "b"
  requires_compatibilities = ["FARGATE", "EC2"]
  cpu                      = "256"
  memory                   = "512"
  container_definitions    = "[]"
}
""",
        good="""
resource "aws_ecs_task_definition" "a" {
  family                   = "a"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  container_definitions    = "[]"
}
resource "aws_ecs_task_definition" "b" {
  family                = "b"
  network_mode          = "bridge"
  container_definitions = "[]"
}
""",
    ),
    Case(
        "AWS103",
        bad="""
resource "aws_ecs_task_definition" "a" {
  family = "a"
  container_definitions = jsonencode([ # expect: AWS103
    { name = "app", image = "nginx:latest" },
    { name = "sidecar", image = "public.ecr.aws/aws-observability/aws-otel-collector" },
    { name = "templ", image = "${aws_ecr_repository.r.repository_url}:latest" },
  ])
}
resource "aws_ecs_task_definition" "b" {
  family = "b"
  # expect-next-line: AWS103
  container_definitions = <<EOF
[{"name": "web", "image": "registry.example.com:5000/web", "memory": ${var.memory}}]
EOF
}
""",
        good="""
resource "aws_ecs_task_definition" "a" {
  family = "a"
  container_definitions = jsonencode([
    { name = "app", image = "nginx:1.27.2" },
    { name = "pinned", image = "public.ecr.aws/x/y@sha256:0123456789abcdef" },
    { name = "port", image = "registry.example.com:5000/web:2.1" },
    { name = "templ", image = "${aws_ecr_repository.r.repository_url}:${var.tag}" },
    { name = "var", image = var.image },
  ])
}
resource "aws_ecs_task_definition" "b" {
  family                = "b"
  container_definitions = templatefile("${path.module}/containers.json", {})
}
""",
    ),
    Case(
        "AWS104",
        bad="""
resource "aws_ecs_task_definition" "a" {
  family       = "a"
  network_mode = "awsvpc"
  container_definitions = jsonencode([{ # expect: AWS104
    name         = "app"
    image        = "app:1.0"
    portMappings = [{ containerPort = 8080, hostPort = 80 }]
  }])
}
""",
        good="""
resource "aws_ecs_task_definition" "a" {
  family       = "a"
  network_mode = "awsvpc"
  container_definitions = jsonencode([{
    name         = "app"
    image        = "app:1.0"
    portMappings = [{ containerPort = 8080, hostPort = 8080 }, { containerPort = 9090 }]
  }])
}
resource "aws_ecs_task_definition" "bridge" {
  family       = "b"
  network_mode = "bridge"
  container_definitions = jsonencode([{
    name         = "app"
    image        = "app:1.0"
    portMappings = [{ containerPort = 8080, hostPort = 0 }]
  }])
}
""",
    ),
    Case(
        "AWS105",
        bad="""
resource "aws_ecs_service" "s" {
  name        = "s"
  launch_type = "FARGATE" # expect: AWS105
  capacity_provider_strategy {
    capacity_provider = "FARGATE_SPOT"
    weight            = 1
  }
}
""",
        good="""
resource "aws_ecs_service" "s" {
  name = "s"
  capacity_provider_strategy {
    capacity_provider = "FARGATE_SPOT"
    weight            = 1
  }
}
resource "aws_ecs_service" "t" {
  name        = "t"
  launch_type = "FARGATE"
}
""",
    ),
    Case(
        "AWS106",
        bad="""
resource "aws_ecr_repository" "a" { # expect: AWS106
  name = "a"
}
resource "aws_ecr_repository" "b" {
  name                 = "b"
  image_tag_mutability = "MUTABLE" # expect: AWS106
}
""",
        good="""
resource "aws_ecr_repository" "a" {
  name                 = "a"
  image_tag_mutability = "IMMUTABLE"
}
resource "aws_ecr_repository" "b" {
  name                 = "b"
  image_tag_mutability = var.mutability
}
""",
    ),
    Case(
        "AWS107",
        bad="""
resource "aws_ecr_lifecycle_policy" "p" {
  repository = "r"
  policy = jsonencode({ # expect: AWS107
    rules = [
      {
        rulePriority = 1
        selection = {
          tagStatus = "any"
          countType = "imageCountMoreThan"
          countNumber = 30
        }
        action = { type = "expire" }
      },
      {
        rulePriority = 2
        selection = {
          tagStatus = "untagged"
          countType = "sinceImagePushed"
          countUnit = "days"
          countNumber = 7
        }
        action = { type = "expire" }
      },
    ]
  })
}
""",
        good="""
resource "aws_ecr_lifecycle_policy" "p" {
  repository = "r"
  policy = jsonencode({
    rules = [
      {
        rulePriority = 1
        selection = {
          tagStatus = "untagged"
          countType = "sinceImagePushed"
          countUnit = "days"
          countNumber = 7
        }
        action = { type = "expire" }
      },
      {
        rulePriority = 10
        selection = {
          tagStatus = "any"
          countType = "imageCountMoreThan"
          countNumber = 30
        }
        action = { type = "expire" }
      },
    ]
  })
}
""",
    ),
    Case(
        "AWS108",
        bad="""
resource "aws_ecr_lifecycle_policy" "p" {
  repository = "r"
  policy = jsonencode({ # expect: AWS108
    rules = [
      {
        rulePriority = 1
        selection = {
          tagStatus = "tagged"
          countType = "imageCountMoreThan"
          countNumber = 10
        }
        action = { type = "expire" }
      },
    ]
  })
}
""",
        good="""
resource "aws_ecr_lifecycle_policy" "p" {
  repository = "r"
  policy = jsonencode({
    rules = [
      {
        rulePriority = 1
        selection = {
          tagStatus = "tagged"
          tagPrefixList = ["v"]
          countType = "imageCountMoreThan"
          countNumber = 10
        }
        action = { type = "expire" }
      },
      {
        rulePriority = 2
        selection = {
          tagStatus = "tagged"
          tagPatternList = ["release-*"]
          countType = "imageCountMoreThan"
          countNumber = 10
        }
        action = { type = "expire" }
      },
    ]
  })
}
""",
    ),
    Case(
        "AWS109",
        bad="""
resource "aws_ecr_lifecycle_policy" "p" {
  repository = "r"
  policy = jsonencode({ # expect: AWS109
    rules = [
      {
        rulePriority = 1
        selection = {
          tagStatus = "untagged"
          countType = "imageCountMoreThan"
          countNumber = 1
        }
        action = { type = "expire" }
      },
      {
        rulePriority = 1
        selection = {
          tagStatus = "tagged"
          tagPrefixList = ["x"]
          countType = "imageCountMoreThan"
          countNumber = 5
        }
        action = { type = "expire" }
      },
    ]
  })
}
""",
        good="""
resource "aws_ecr_lifecycle_policy" "p" {
  repository = "r"
  policy     = file("${path.module}/policy.json")
}
""",
    ),
    Case(
        "AWS110",
        bad="""
resource "aws_appautoscaling_target" "t" {
  min_capacity       = 5 # expect: AWS110
  max_capacity       = 2
  resource_id        = "service/c/s"
  scalable_dimension = "ecs:service:DesiredCount"
  service_namespace  = "ecs"
}
""",
        good="""
resource "aws_appautoscaling_target" "t" {
  min_capacity       = 2
  max_capacity       = 2
  resource_id        = "service/c/s"
  scalable_dimension = "ecs:service:DesiredCount"
  service_namespace  = "ecs"
}
""",
    ),
    Case(
        "AWS111",
        bad="""
resource "aws_appautoscaling_policy" "cpu" {
  name               = "cpu"
  policy_type        = "TargetTrackingScaling"
  resource_id        = aws_appautoscaling_target.t.resource_id
  scalable_dimension = aws_appautoscaling_target.t.scalable_dimension
  service_namespace  = aws_appautoscaling_target.t.service_namespace
  target_tracking_scaling_policy_configuration {
    target_value = 70
    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}
resource "aws_appautoscaling_policy" "cpu_again" {
  name               = "cpu-again"
  policy_type        = "TargetTrackingScaling"
  resource_id        = aws_appautoscaling_target.t.resource_id
  scalable_dimension = aws_appautoscaling_target.t.scalable_dimension
  service_namespace  = aws_appautoscaling_target.t.service_namespace
  target_tracking_scaling_policy_configuration {
    target_value = 50
    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization" # expect: AWS111
    }
  }
}
""",
        good="""
resource "aws_appautoscaling_policy" "cpu" {
  name               = "cpu"
  policy_type        = "TargetTrackingScaling"
  resource_id        = aws_appautoscaling_target.t.resource_id
  scalable_dimension = aws_appautoscaling_target.t.scalable_dimension
  service_namespace  = aws_appautoscaling_target.t.service_namespace
  target_tracking_scaling_policy_configuration {
    target_value = 70
    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}
resource "aws_appautoscaling_policy" "memory" {
  name               = "memory"
  policy_type        = "TargetTrackingScaling"
  resource_id        = aws_appautoscaling_target.t.resource_id
  scalable_dimension = aws_appautoscaling_target.t.scalable_dimension
  service_namespace  = aws_appautoscaling_target.t.service_namespace
  target_tracking_scaling_policy_configuration {
    target_value = 80
    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageMemoryUtilization"
    }
  }
}
resource "aws_appautoscaling_policy" "requests_a" {
  name               = "requests-a"
  policy_type        = "TargetTrackingScaling"
  resource_id        = aws_appautoscaling_target.t.resource_id
  scalable_dimension = aws_appautoscaling_target.t.scalable_dimension
  service_namespace  = aws_appautoscaling_target.t.service_namespace
  target_tracking_scaling_policy_configuration {
    target_value = 1000
    predefined_metric_specification {
      predefined_metric_type = "ALBRequestCountPerTarget"
      resource_label         = var.label_a
    }
  }
}
resource "aws_appautoscaling_policy" "requests_b" {
  name               = "requests-b"
  policy_type        = "TargetTrackingScaling"
  resource_id        = aws_appautoscaling_target.t.resource_id
  scalable_dimension = aws_appautoscaling_target.t.scalable_dimension
  service_namespace  = aws_appautoscaling_target.t.service_namespace
  target_tracking_scaling_policy_configuration {
    target_value = 1000
    predefined_metric_specification {
      predefined_metric_type = "ALBRequestCountPerTarget"
      resource_label         = var.label_b
    }
  }
}
resource "aws_appautoscaling_policy" "other_service_cpu" {
  name               = "cpu"
  policy_type        = "TargetTrackingScaling"
  resource_id        = aws_appautoscaling_target.other.resource_id
  scalable_dimension = aws_appautoscaling_target.other.scalable_dimension
  service_namespace  = aws_appautoscaling_target.other.service_namespace
  target_tracking_scaling_policy_configuration {
    target_value = 70
    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}
""",
    ),
    Case(
        "AWS112",
        bad="""
resource "aws_autoscaling_group" "a" {
  min_size = 3 # expect: AWS112
  max_size = 1
}
resource "aws_autoscaling_group" "b" {
  min_size         = 1
  max_size         = 3
  desired_capacity = 4 # expect: AWS112
}
""",
        good="""
resource "aws_autoscaling_group" "a" {
  min_size         = 1
  max_size         = 3
  desired_capacity = 2
}
resource "aws_autoscaling_group" "b" {
  min_size         = var.min
  max_size         = 3
  desired_capacity = 2
}
""",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule(case: Case) -> None:
    check_case(case)
