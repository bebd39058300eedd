"""Load balancing rules (AWS201-AWS209)."""

from __future__ import annotations

from datetime import date

import pytest

from check.rules.lintcase import Case, check_case, lint
from tfgen.check.rules import run_rules
from tfgen.hcl import parse_hcl

LISTENER_OK = """
resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"
  certificate_arn   = aws_acm_certificate.this.arn
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }
}
"""

CASES = [
    Case(
        "AWS201",
        bad="""
resource "aws_lb_listener_rule" "a" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 50001 # expect: AWS201
}
resource "aws_alb_listener_rule" "b" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 0 # expect: AWS201
}
""",
        good="""
resource "aws_lb_listener_rule" "a" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 50000
}
resource "aws_lb_listener_rule" "b" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 1
}
""",
    ),
    Case(
        "AWS202",
        bad="""
resource "aws_lb_listener_rule" "orders" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 100
}
resource "aws_lb_listener_rule" "catalog" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 100 # expect: AWS202
}
""",
        good="""
resource "aws_lb_listener_rule" "orders" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 100
}
resource "aws_lb_listener_rule" "catalog" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 110
}
resource "aws_lb_listener_rule" "other_listener" {
  listener_arn = aws_lb_listener.internal.arn
  priority     = 100
}
resource "aws_lb_listener_rule" "counted" {
  count        = 2
  listener_arn = aws_lb_listener.https.arn
  priority     = 200 + count.index
}
""",
    ),
    Case(
        "AWS203",
        bad="""
resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS" # expect: AWS203
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
}
""",
        good=LISTENER_OK,
    ),
    Case(
        "AWS204",
        bad="""
resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS-1-3-2021-06" # expect: AWS204
  certificate_arn   = aws_acm_certificate.this.arn
}
""",
        good="""
resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"
  certificate_arn   = aws_acm_certificate.this.arn
}
resource "aws_lb_listener" "future" {
  load_balancer_arn = aws_lb.this.arn
  port              = 8443
  protocol          = "TLS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-3-PQ-2027-03"
  certificate_arn   = aws_acm_certificate.this.arn
}
""",
    ),
    Case(
        "AWS205",
        bad="""
resource "aws_lb_listener" "a" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-2016-08" # expect: AWS205
  certificate_arn   = aws_acm_certificate.this.arn
}
resource "aws_lb_listener" "b" {
  load_balancer_arn = aws_lb.nlb.arn
  port              = 443
  protocol          = "TLS" # expect: AWS205
  certificate_arn   = aws_acm_certificate.this.arn
}
""",
        good=LISTENER_OK
        + """
resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"
}
resource "aws_lb_listener" "var" {
  load_balancer_arn = aws_lb.this.arn
  port              = 8443
  protocol          = "HTTPS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = aws_acm_certificate.this.arn
}
""",
    ),
    Case(
        "AWS206",
        bad="""
resource "aws_lb" "a" {
  name = "bookstore-production-public-application-lb" # expect: AWS206
}
resource "aws_lb" "b" {
  name = "internal-api" # expect: AWS206
}
resource "aws_alb" "c" {
  name = "api_lb" # expect: AWS206
}
resource "aws_lb" "d" {
  name_prefix = "bookstore" # expect: AWS206
}
""",
        good="""
resource "aws_lb" "a" {
  name = "bookstore-prod-public"
}
resource "aws_lb" "b" {
  name_prefix = "bks-"
}
resource "aws_lb" "c" {
  name = "${var.name}-alb"
}
""",
    ),
    Case(
        "AWS207",
        bad="""
resource "aws_lb_target_group" "a" {
  name = "order-service-production-target-group" # expect: AWS207
}
resource "aws_lb_target_group" "b" {
  name = "orders-" # expect: AWS207
}
""",
        good="""
resource "aws_lb_target_group" "a" {
  name = "orders-prod"
}
""",
    ),
    Case(
        "AWS208",
        bad="""
resource "aws_lb_target_group" "a" {
  name = "orders"
  health_check {
    interval            = 400 # expect: AWS208
    timeout             = 1 # expect: AWS208
    healthy_threshold   = 11 # expect: AWS208
    unhealthy_threshold = 1 # expect: AWS208
  }
}
""",
        good="""
resource "aws_lb_target_group" "a" {
  name = "orders"
  health_check {
    interval            = 30
    timeout             = 5
    healthy_threshold   = 3
    unhealthy_threshold = 2
  }
}
""",
    ),
    Case(
        "AWS209",
        bad="""
resource "aws_lb_target_group" "a" {
  name = "orders"
  health_check {
    interval = 10
    timeout  = 10 # expect: AWS209
  }
}
""",
        good="""
resource "aws_lb_target_group" "a" {
  name = "orders"
  health_check {
    interval = 10
    timeout  = 9
  }
}
""",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule(case: Case) -> None:
    check_case(case)


def test_listener_rules_in_different_modules_do_not_clash() -> None:
    rule = (
        'resource "aws_lb_listener_rule" "r" {\n  listener_arn = aws_lb_listener.l.arn\n'
        "  priority = 10\n}\n"
    )
    docs = [parse_hcl(rule, "modules/a/main.tf"), parse_hcl(rule, "modules/b/main.tf")]
    assert run_rules(docs, today=date(2026, 1, 1)) == []
    assert lint(rule + rule.replace('"r"', '"s"'))[0].code == "AWS202"
