"""A small platform that is not the bookstore: external images (public ECR, Docker Hub with
registry credentials), three services on the same container port, ingress with an ACM
certificate ARN (no Route 53), ECS Exec on one service, runtimes tfgen has no template for.
Rendered into a temp folder through the CLI (click runner and a real process)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tfgen.cli import main

ARN = "arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012"

SPECS = {
    "specs/platform.yaml": """\
platform:
  name: acme
  regions: {primary: us-east-2}
  backend: {bucket: acme-terraform-state}
tier:
  nat_gateways: single
""",
    "specs/network.yaml": """\
network:
  cidr: 10.20.0.0/16
  availability_zones: [us-east-2a, us-east-2b]
  subnets:
    public: [10.20.0.0/24, 10.20.1.0/24]
    private: [10.20.10.0/24, 10.20.11.0/24]
    data: [10.20.20.0/24, 10.20.21.0/24]
""",
    "specs/secrets.yaml": """\
secrets:
  registry-login:
    description: Username and password of the private registry.
""",
    "specs/services.yaml": """\
services:
  web:
    runtime: rust
    port: 8080
    size: {cpu: 256, memory: 512}
    scale: {desired: 1, min: 1, max: 2}
    image: {uri: "public.ecr.aws/nginx/nginx:1.27"}
    routes: {paths: ["/*"], priority: 20}
    exec: true
  api:
    runtime: elixir
    port: 8080
    size: {cpu: 256, memory: 512}
    scale: {desired: 1, min: 1, max: 2}
    image: {tag: "2.3.1"}
    routes: {paths: ["/api/*"], priority: 10}
  cache:
    runtime: go
    port: 8080
    size: {cpu: 256, memory: 512}
    scale: {desired: 1, min: 1, max: 1}
    image: {uri: "docker.io/library/redis:7", credentials: registry-login}
    health_check: {command: ["CMD", "redis-cli", "ping"]}
""",
    "specs/ingress.yaml": f"""\
ingress:
  certificate_arn: {ARN}
""",
    "environments/dev.yaml": """\
tier:
  log_retention_days: 7
services:
  web:
    image: {uri: "public.ecr.aws/nginx/nginx:1.27.3"}
""",
}


@pytest.fixture
def acme(tmp_path: Path) -> Path:
    root = tmp_path / "acme"
    for rel, text in SPECS.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def _block(text: str, header: str) -> str:
    """The text of the top-level block that starts with ``header``."""
    start = text.index(header)
    end = text.index("\n}\n", start)
    return text[start : end + 2]


def _render(root: Path) -> Path:
    result = CliRunner().invoke(main, ["-C", str(root), "render", "--all"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # no warnings for an HTTPS platform
    return root / "generated"


def test_external_images_get_no_repository(acme: Path) -> None:
    out = _render(acme)
    repositories = (out / "modules/ecr/repositories.tf").read_text()
    assert re.findall(r'^    "([a-z]+)" = ', repositories, re.M) == ["api"]
    services = (out / "modules/ecs/services.tf").read_text()
    assert 'external_image = true\n      credentials    = "registry-login"' in services
    readers = _block(services.replace("\n  services_with_secrets", "\nX"), "X = {")
    reader = '"cache" = {\n      secrets       = ["registry-login"]\n      store_secrets = []'
    assert reader in readers
    main_tf = (out / "modules/ecs/main.tf").read_text()
    assert (
        "image                  = each.value.external_image ? var.services[each.key].image : "
        '"${var.repository_urls[each.key]}:${var.services[each.key].image}"'
    ) in main_tf
    assert "credentialsParameter = var.secret_arns[each.value.credentials]" in main_tf
    dev = (out / "environments/dev.tfvars").read_text()
    assert 'image              = "public.ecr.aws/nginx/nginx:1.27.3"' in dev
    assert 'image              = "docker.io/library/redis:7"' in dev
    assert 'image              = "2.3.1"' in dev


def test_services_share_a_port_with_their_own_target_groups_and_rules(acme: Path) -> None:
    out = _render(acme)
    routes = (out / "modules/ingress/routes.tf").read_text()
    assert routes.count("port       = 8080") == 2
    assert '"api" = {' in routes and '"web" = {' in routes
    ecs = (out / "modules/ecs/services.tf").read_text()
    assert ecs.count("port           = 8080") == 3
    routed = _block(ecs.replace("\n  routed_services", "\nX"), "X = {")
    assert routed.count("port = 8080") == 2
    main_tf = (out / "modules/ecs/main.tf").read_text()
    # Every per-service rule is keyed by service name, never by port.
    assert (
        'resource "aws_vpc_security_group_ingress_rule" "from_alb" {\n'
        "  for_each = local.routed_services" in main_tf
    )


def test_certificate_arn_ingress_has_no_route53_or_acm(acme: Path) -> None:
    out = _render(acme)
    ingress = (out / "modules/ingress/main.tf").read_text()
    assert "aws_route53" not in ingress and "aws_acm_certificate" not in ingress
    listener = _block(ingress, 'resource "aws_lb_listener" "https"')
    assert f'certificate_arn   = "{ARN}"' in listener
    assert "api_hostname" not in (out / "variables.tf").read_text()
    assert "api_hostname" not in (out / "environments/dev.tfvars").read_text()
    redirect = _block(ingress, 'resource "aws_lb_listener" "http"')
    assert 'type = "redirect"' in redirect


def test_exec_on_one_service(acme: Path) -> None:
    out = _render(acme)
    services = (out / "modules/ecs/services.tf").read_text()
    exec_map = services[services.index("  services_with_exec = {") :]
    assert exec_map[: exec_map.index("\n  }\n") + 5] == (
        '  services_with_exec = {\n    # spec: services.web\n    "web" = {}\n  }\n'
    )
    main_tf = (out / "modules/ecs/main.tf").read_text()
    assert "enable_execute_command             = each.value.exec" in main_tf
    cluster = _block(main_tf, 'resource "aws_ecs_cluster" "this"')
    assert (
        "execute_command_configuration {\n      kms_key_id = var.kms_key_arn\n"
        '      logging    = "OVERRIDE"' in cluster
    )
    assert "cloud_watch_encryption_enabled = true" in cluster
    log_group = _block(main_tf, 'resource "aws_cloudwatch_log_group" "exec"')
    assert 'name              = "/aws/ecs-exec/${var.name}"' in log_group
    assert "kms_key_id        = var.kms_key_arn" in log_group
    policy = _block(main_tf, 'resource "aws_iam_role_policy" "exec"')
    assert "for_each = local.services_with_exec" in policy
    assert "role   = aws_iam_role.task[each.key].id" in policy
    document = _block(main_tf, 'data "aws_iam_policy_document" "exec"')
    for action in (
        "CreateControlChannel",
        "CreateDataChannel",
        "OpenControlChannel",
        "OpenDataChannel",
    ):
        assert f'"ssmmessages:{action}"' in document
    assert 'resources = ["${aws_cloudwatch_log_group.exec.arn}:*"]' in document


def test_offline_layers_are_clean_as_a_process(acme: Path) -> None:
    tfgen = [sys.executable, "-m", "tfgen", "-C", str(acme)]
    render = subprocess.run(
        [*tfgen, "render", "--all"], capture_output=True, text=True, check=False
    )
    assert render.returncode == 0, render.stderr
    layers = "consistency,schema,rules"
    proc = subprocess.run(
        [*tfgen, "validate", "--all", "--only", layers], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 errors, 0 warnings, 0 info — passed" in proc.stdout


def test_http_only_ingress_renders_with_a_warning(acme: Path) -> None:
    (acme / "specs/ingress.yaml").write_text("ingress:\n  https: false\n")
    dev = acme / "environments/dev.yaml"
    dev.write_text(dev.read_text().replace("tier:\n", "tier:\n  allow_http_only: true\n"))
    result = CliRunner().invoke(main, ["-C", str(acme), "render", "--all"])
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "warning: specs/ingress.yaml:2:10: TFG227 the load balancer serves plain HTTP (no TLS): "
        "for development tiers only; hint: give a hosted_zone or certificate_arn before real "
        "traffic reaches it\n"
    )
    ingress = (acme / "generated/modules/ingress/main.tf").read_text()
    assert 'resource "aws_lb_listener" "https"' not in ingress and "alb_https" not in ingress
    http = _block(ingress, 'resource "aws_lb_listener" "http"')
    assert 'type = "fixed-response"' in http and "redirect" not in http
    assert "listener_arn = aws_lb_listener.http.arn" in ingress


def test_http_only_is_refused_where_the_tier_does_not_allow_it(acme: Path) -> None:
    (acme / "specs/ingress.yaml").write_text("ingress:\n  https: false\n")
    result = CliRunner().invoke(main, ["-C", str(acme), "render", "--all"])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "specs/ingress.yaml:2:10: TFG226 https: false is not allowed in dev"
    )
    assert not (acme / "generated").exists()


@pytest.mark.e2e
def test_terraform_validates_it(acme: Path) -> None:
    from tfgen.terraform.locate import find_provider_mirror  # noqa: PLC0415
    from tfgen.terraform.validate import read_tree, validate_tree  # noqa: PLC0415

    if find_provider_mirror() is None or shutil.which("terraform") is None:
        pytest.skip("no terraform or hashicorp/aws provider mirror on this machine")
    out = _render(acme)
    diagnostics = validate_tree(read_tree(out), var_files=["environments/dev.tfvars"])
    assert [d for d in diagnostics if d.is_error] == []


def test_validate_reports_http_only_as_a_spec_warning(acme: Path) -> None:
    (acme / "specs/ingress.yaml").write_text("ingress:\n  https: false\n")
    dev = acme / "environments/dev.yaml"
    dev.write_text(dev.read_text().replace("tier:\n", "tier:\n  allow_http_only: true\n"))
    args = ["-C", str(acme), "validate", "--all", "--only", "consistency,schema,rules"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert (
        "specs/ingress.yaml:2:10: warning TFG227 the load balancer serves plain HTTP (no TLS)"
    ) in result.stdout
    assert "0 errors, 1 warning" in result.stdout
    failing = CliRunner().invoke(main, [*args, "--fail-on", "warning"])
    assert failing.exit_code == 1


def test_only_external_images_render_no_ecr_module(acme: Path) -> None:
    services = acme / "specs/services.yaml"
    services.write_text(
        services.read_text().replace(
            'image: {tag: "2.3.1"}', 'image: {uri: "ghcr.io/acme/api:2.3.1"}'
        )
    )
    out = _render(acme)
    assert not (out / "modules/ecr").exists()
    root = (out / "main.tf").read_text()
    assert 'module "ecr"' not in root and "repository_urls" not in root
    assert "ecr_repository_urls" not in (out / "outputs.tf").read_text()
    args = ["-C", str(acme), "validate", "--all", "--only", "consistency,schema,rules"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings, 0 info — passed" in result.stdout


def test_http_only_warning_as_a_process(acme: Path) -> None:
    (acme / "specs/ingress.yaml").write_text("ingress:\n  https: false\n")
    dev = acme / "environments/dev.yaml"
    dev.write_text(dev.read_text().replace("tier:\n", "tier:\n  allow_http_only: true\n"))
    tfgen = [sys.executable, "-m", "tfgen", "-C", str(acme)]
    render = subprocess.run(
        [*tfgen, "render", "--all"], capture_output=True, text=True, check=False
    )
    assert render.returncode == 0, render.stderr
    assert render.stderr.startswith("warning: specs/ingress.yaml:2:10: TFG227 ")
    proc = subprocess.run(
        [*tfgen, "validate", "--all", "--only", "rules", "--fail-on", "warning"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "specs/ingress.yaml:2:10: warning TFG227" in proc.stdout
