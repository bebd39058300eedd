"""Deprecated and end-of-life rules (AWS901-AWS909)."""

from __future__ import annotations

from datetime import date

import pytest

from check.rules.lintcase import Case, check_case, lint
from tfgen.check.findings import Severity

CASES = [
    Case(
        "AWS901",
        bad="""
resource "aws_eip" "nat" {
  vpc = true # expect: AWS901
}
""",
        good="""
resource "aws_eip" "nat" {
  domain = "vpc"
}
""",
    ),
    Case(
        "AWS902",
        bad="""
resource "aws_appmesh_mesh" "m" { # expect: AWS902
  name = "m"
}
""",
        good="""
resource "aws_service_discovery_http_namespace" "n" {
  name = "bookstore"
}
""",
    ),
    Case(
        "AWS903",
        bad="""
resource "aws_lambda_function" "a" {
  function_name = "a"
  role          = aws_iam_role.r.arn
  runtime       = "python3.8" # expect: AWS903
}
resource "aws_lambda_function" "b" {
  function_name = "b"
  role          = aws_iam_role.r.arn
  runtime       = "go1.x" # expect: AWS903
}
resource "aws_lambda_layer_version" "l" {
  layer_name          = "l"
  compatible_runtimes = ["nodejs16.x", "nodejs22.x"] # expect: AWS903
}
""",
        good="""
resource "aws_lambda_function" "a" {
  function_name = "a"
  role          = aws_iam_role.r.arn
  runtime       = "python3.13"
}
resource "aws_lambda_function" "b" {
  function_name = "b"
  role          = aws_iam_role.r.arn
  runtime       = "provided.al2023"
}
resource "aws_lambda_function" "c" {
  function_name = "c"
  role          = aws_iam_role.r.arn
  package_type  = "Image"
  image_uri     = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/c:1.0"
}
""",
    ),
    Case(
        "AWS904",
        bad="""
resource "aws_db_instance" "pg" {
  identifier     = "pg"
  engine         = "postgres"
  engine_version = "12.19" # expect: AWS904
}
resource "aws_rds_cluster" "mysql" {
  engine         = "aurora-mysql"
  engine_version = "5.7.mysql_aurora.2.11.2" # expect: AWS904
}
resource "aws_db_instance" "old" {
  identifier     = "old"
  engine         = "postgres"
  engine_version = "9.6" # expect: AWS904
}
""",
        good="""
resource "aws_db_instance" "pg" {
  identifier     = "pg"
  engine         = "postgres"
  engine_version = "16.4"
}
resource "aws_rds_cluster" "mysql" {
  engine         = "aurora-mysql"
  engine_version = "8.0.mysql_aurora.3.08.0"
}
resource "aws_rds_cluster" "pg" {
  engine         = "aurora-postgresql"
  engine_version = var.engine_version
}
""",
    ),
    Case(
        "AWS905",
        bad="""
resource "aws_elasticache_replication_group" "r" {
  replication_group_id = "r"
  description          = "r"
  node_type            = "cache.t4g.small"
  engine_version       = "5.0.6" # expect: AWS905
}
""",
        good="""
resource "aws_elasticache_replication_group" "r" {
  replication_group_id = "r"
  description          = "r"
  node_type            = "cache.t4g.small"
  engine               = "valkey"
  engine_version       = "8.0"
}
resource "aws_elasticache_cluster" "m" {
  cluster_id     = "m"
  engine         = "memcached"
  engine_version = "1.6.22"
  node_type      = "cache.t4g.small"
}
""",
    ),
    Case(
        "AWS906",
        bad="""
resource "aws_elasticsearch_domain" "es" { # expect: AWS906
  domain_name = "es"
}
resource "aws_opensearch_domain" "os" {
  domain_name    = "os"
  engine_version = "Elasticsearch_6.8" # expect: AWS906
}
""",
        good="""
resource "aws_opensearch_domain" "os" {
  domain_name    = "os"
  engine_version = "OpenSearch_2.19"
}
resource "aws_opensearch_domain" "es710" {
  domain_name    = "es710"
  engine_version = "Elasticsearch_7.10"
}
""",
    ),
    Case(
        "AWS907",
        bad="""
resource "aws_instance" "a" {
  ami           = "ami-123"
  instance_type = "m3.medium" # expect: AWS907
}
resource "aws_db_instance" "db" {
  identifier     = "db"
  instance_class = "db.r3.large" # expect: AWS907
}
resource "aws_elasticache_cluster" "c" {
  cluster_id = "c"
  engine     = "memcached"
  node_type  = "cache.m1.small" # expect: AWS907
}
""",
        good="""
resource "aws_instance" "a" {
  ami           = "ami-123"
  instance_type = "m7g.medium"
}
resource "aws_launch_template" "lt" {
  name          = "lt"
  instance_type = "t3.micro"
}
""",
    ),
    Case(
        "AWS908",
        bad="""
resource "aws_launch_configuration" "lc" { # expect: AWS908
  image_id      = "ami-123"
  instance_type = "t3.micro"
}
""",
        good="""
resource "aws_launch_template" "lt" {
  image_id      = "ami-123"
  instance_type = "t3.micro"
}
""",
    ),
    Case(
        "AWS909",
        bad="""
resource "aws_s3_bucket" "b" {
  bucket = "bookstore-logs"
  acl    = "private" # expect: AWS909
  versioning { # expect: AWS909
    enabled = true
  }
}
""",
        good="""
resource "aws_s3_bucket" "b" {
  bucket = "bookstore-logs"
}
resource "aws_s3_bucket_versioning" "b" {
  bucket = aws_s3_bucket.b.id
  versioning_configuration {
    status = "Enabled"
  }
}
""",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule(case: Case) -> None:
    check_case(case)


def test_app_mesh_is_an_error_after_its_end_date() -> None:
    text = 'resource "aws_appmesh_mesh" "m" {\n  name = "m"\n}\n'
    (before,) = lint(text, today=date(2026, 9, 30))
    (after,) = lint(text, today=date(2026, 10, 1))
    assert (before.severity, after.severity) == (Severity.WARNING, Severity.ERROR)


def test_runtime_rules_follow_the_date() -> None:
    text = (
        'resource "aws_lambda_function" "f" {\n  function_name = "f"\n'
        '  role = "r"\n  runtime = "nodejs20.x"\n}\n'
    )
    assert lint(text, today=date(2026, 4, 29)) == []
    assert [f.code for f in lint(text, today=date(2026, 4, 30))] == ["AWS903"]


def test_ignore_comment_silences_a_finding() -> None:
    text = """
resource "aws_eip" "a" {
  vpc = true # tfgen-ignore: AWS901
}
resource "aws_eip" "b" {
  # tfgen-ignore: AWS999, AWS901
  vpc = true
}
resource "aws_eip" "c" {
  vpc = true # tfgen-ignore: AWS123
}
"""
    assert [(f.code, f.location.line if f.location else 0) for f in lint(text)] == [("AWS901", 10)]
