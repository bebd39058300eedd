"""Every model rule, with the YAML location it reports."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from helpers import Edit, drop_cdn, line_of
from tfgen.awsfacts import FARGATE_SIZES
from tfgen.errors import UserError
from tfgen.pipeline import load_project
from tfgen.spec.loader import load_environment, load_platform
from tfgen.spec.memo import Memo
from tfgen.spec.rules import check_platform


def _messages(project: Path, envs: tuple[str, ...] = ()) -> list[str]:
    with pytest.raises(UserError) as info:
        load_project(project, list(envs), all_envs=not envs)
    return [p.render() for p in info.value.problems]


def test_bookstore_passes_every_rule(repo: Path) -> None:
    loaded = load_project(repo)
    assert [e.environment.name for e in loaded.environments] == ["dev", "prod", "staging"]


def test_services_may_share_a_container_port(project: Path, edit: Edit) -> None:
    # Each awsvpc task has its own address: equal ports do not collide (TFG201 is retired).
    edit("specs/services.yaml", "port: 8081", "port: 8080")
    loaded = load_project(project)
    assert loaded.platform.services["user-service"].port == 8080


def test_duplicate_path_pattern(project: Path, edit: Edit) -> None:
    edit("specs/services.yaml", '"/api/v1/users*"', '"/api/v1/orders*"')
    [msg] = _messages(project)
    lines = (project / "specs/services.yaml").read_text().splitlines()
    line = [i for i, text in enumerate(lines, 1) if '"/api/v1/orders*"' in text][1]
    assert msg.startswith(f"specs/services.yaml:{line}:")
    assert "TFG202 path pattern '/api/v1/orders*' is already routed to order-service" in msg


def test_duplicate_priority(project: Path, edit: Edit) -> None:
    edit("specs/services.yaml", "priority: 30", "priority: 10")
    [msg] = _messages(project)
    assert "TFG203 listener rule priority 10 is already used by order-service" in msg
    assert f":{line_of(project / 'specs/services.yaml', '/api/v1/users*')}:" in msg


def test_invalid_path_pattern(project: Path, edit: Edit) -> None:
    edit("specs/services.yaml", '"/api/v1/users*"', '"api/v1/users <x>"')
    [msg] = _messages(project)
    assert "TFG213 'api/v1/users <x>' is not a valid ALB path pattern" in msg


def test_desired_outside_min_max_reported_in_the_environment_file(project: Path) -> None:
    env = project / "environments" / "dev.yaml"
    env.write_text(
        env.read_text().replace(
            "order-service:\n    scale: {desired: 1, min: 1, max: 2}",
            "order-service:\n    scale: {desired: 5, min: 1, max: 2}",
        )
    )
    [msg] = _messages(project, ("dev",))
    line = line_of(env, "desired: 5")
    assert msg == (
        f"environments/dev.yaml:{line}:22: TFG204 scale.desired 5 is outside min 1 .. max 2; "
        "hint: make min <= desired <= max"
    )


def test_min_above_max(project: Path, edit: Edit) -> None:
    edit(
        "specs/services.yaml",
        "scale: {desired: 2, min: 2, max: 6}",
        "scale: {desired: 2, min: 7, max: 6}",
    )
    [msg] = _messages(project, ("prod",))
    assert "TFG204 scale.min 7 is above scale.max 6" in msg


@pytest.mark.parametrize(
    ("cpu", "memory", "ok"),
    [
        (256, 512, True),
        (256, 4096, False),
        (512, 3072, True),
        (1024, 1024, False),
        (4096, 30720, True),
        (8192, 20480, True),
        (8192, 18432, False),
        (16384, 122880, True),
        (300, 1024, False),
    ],
)
def test_fargate_sizes(project: Path, edit: Edit, cpu: int, memory: int, ok: bool) -> None:
    edit(
        "specs/services.yaml",
        "size: {cpu: 2048, memory: 4096}",
        f"size: {{cpu: {cpu}, memory: {memory}}}",
    )
    if ok:
        load_project(project, ["prod"], all_envs=False)
        return
    [msg] = _messages(project, ("prod",))
    assert "TFG205" in msg
    line = line_of(project / "specs/services.yaml", f"cpu: {cpu}, memory: {memory}")
    assert msg.startswith(f"specs/services.yaml:{line}:")


def test_fargate_table_matches_aws() -> None:
    assert FARGATE_SIZES[256] == (512, 1024, 2048)
    assert FARGATE_SIZES[4096][-1] == 30720
    assert FARGATE_SIZES[16384][0] == 32768 and FARGATE_SIZES[16384][-1] == 122880


def test_secret_reference_must_resolve(project: Path, edit: Edit) -> None:
    edit(
        "specs/services.yaml",
        "STRIPE_API_KEY: {secret: stripe-api-key, key: api_key}",
        "STRIPE_API_KEY: {secret: stripe-key, key: api_key}",
    )
    [msg] = _messages(project)
    line = line_of(project / "specs/services.yaml", "secret: stripe-key")
    assert msg.startswith(
        f"specs/services.yaml:{line}:32: TFG210 secret 'stripe-key' is not defined in secrets"
    )


def test_secret_and_env_var_clash(project: Path, edit: Edit) -> None:
    edit(
        "specs/services.yaml",
        "      NODE_ENV: production\n      LOG_LEVEL: info\n",
        "      NODE_ENV: production\n      LOG_LEVEL: info\n      STRIPE_API_KEY: disabled\n",
    )
    [msg] = _messages(project)
    assert "TFG215 STRIPE_API_KEY is both an environment variable and a secret" in msg


def test_latest_tag_is_refused(project: Path) -> None:
    env = project / "environments" / "staging.yaml"
    env.write_text(
        env.read_text().replace(
            "search-service:\n    scale: {desired: 2, min: 2, max: 6}",
            "search-service:\n    scale: {desired: 2, min: 2, max: 6}\n    image: {tag: latest}",
        )
    )
    [msg] = _messages(project, ("staging",))
    line = line_of(env, "tag: latest")
    assert msg.startswith(f"environments/staging.yaml:{line}:") and "TFG211" in msg


def test_subnet_outside_vpc_and_overlap(project: Path, edit: Edit) -> None:
    edit("specs/network.yaml", "10.0.23.0/24", "10.1.23.0/24")
    edit("specs/network.yaml", "10.0.13.0/24", "10.0.12.0/24")
    msgs = _messages(project)
    assert any("TFG206 subnet 10.1.23.0/24 is outside the VPC block 10.0.0.0/16" in m for m in msgs)
    overlap = [m for m in msgs if "TFG207" in m]
    assert len(overlap) == 1
    assert overlap[0].startswith(
        "specs/network.yaml:7:43: TFG207 subnet 10.0.12.0/24 overlaps "
        "10.0.12.0/24 (at specs/network.yaml:7:29)"
    )


def test_subnet_count_must_match_azs(project: Path, edit: Edit) -> None:
    edit(
        "specs/network.yaml",
        "data: [10.0.21.0/24, 10.0.22.0/24, 10.0.23.0/24]",
        "data: [10.0.21.0/24, 10.0.22.0/24]",
    )
    [msg] = _messages(project)
    assert msg.startswith("specs/network.yaml:8:11: TFG208 data has 2 subnets for 3 availability")


def test_az_outside_region(project: Path, edit: Edit) -> None:
    edit("specs/network.yaml", "eu-west-1c]", "us-east-1c]")
    [msg] = _messages(project)
    assert msg.startswith(
        "specs/network.yaml:4:48: TFG209 us-east-1c is not an availability zone of eu-west-1"
    )


def test_target_group_name_too_long(project: Path, edit: Edit) -> None:
    edit(
        "specs/services.yaml",
        "  catalog-service:\n",
        "  catalog-service:\n    short_name: a-very-long-n\n",
    )
    load_project(project)  # 'bookstore-staging-a-very-long-n' has 31 characters: fine
    (project / "environments" / "preprod12.yaml").write_text("tier: {}\n")
    [msg] = _messages(project)
    line = line_of(project / "specs/services.yaml", "short_name: a-very-long-n")
    assert msg == (
        f"specs/services.yaml:{line}:17: TFG212 target group name "
        "'bookstore-preprod12-a-very-long-n' (33 chars) exceeds AWS's 32; "
        "hint: set a shorter short_name"
    )


def test_capacity_needs_a_weight(project: Path) -> None:
    env = project / "environments" / "dev.yaml"
    env.write_text(
        env.read_text().replace(
            "capacity: {base: 0, fargate: 0, fargate_spot: 1}",
            "capacity: {base: 0, fargate: 0, fargate_spot: 0}",
        )
    )
    [msg] = _messages(project, ("dev",))
    assert "TFG214 capacity needs a weight above 0" in msg
    assert msg.startswith(f"environments/dev.yaml:{line_of(env, 'fargate_spot: 0')}:")


def test_health_check_timeout_below_interval(project: Path, edit: Edit) -> None:
    edit(
        "specs/services.yaml",
        "health_check: {path: /health}",
        "health_check: {path: /health, interval: 10, timeout: 10}",
    )
    [msg] = _messages(project)
    assert "TFG216 health check timeout 10s must be shorter than its interval 10s" in msg


def test_all_problems_are_reported_at_once(project: Path, edit: Edit) -> None:
    edit("specs/services.yaml", '"/api/v1/users*"', '"/api/v1/orders*"')
    edit("specs/services.yaml", "priority: 30", "priority: 10")
    codes = sorted(m.split(": ")[1].split()[0] for m in _messages(project))
    assert codes == ["TFG202", "TFG203"]


# --- generated names (TFG212) -------------------------------------------------------------


def _add_service(project: Path, name: str, extra: str = "") -> int:
    """Append a minimal service to specs/services.yaml; returns the line of its key."""
    path = project / "specs/services.yaml"
    path.write_text(
        path.read_text()
        + f"\n  {name}:\n    runtime: python\n    port: 8090\n"
        + "    size: {cpu: 256, memory: 512}\n    scale: {desired: 1, min: 1, max: 1}\n"
        + '    image: {tag: "1.0.0"}\n'
        + extra
    )
    return line_of(path, f"  {name}:")


def test_iam_role_name_too_long(project: Path) -> None:
    # 'bookstore-staging-' + 37 characters + '-execution' = 65 > 64
    line = _add_service(project, "recommendation-engine-batch-processor")
    [msg] = _messages(project)
    assert msg == (
        f"specs/services.yaml:{line}:3: TFG212 IAM role name "
        "'bookstore-staging-recommendation-engine-batch-processor-execution' (65 chars) "
        "exceeds AWS's 64; hint: shorten the service name (or the platform or environment name)"
    )


def test_iam_role_name_at_the_limit_passes(project: Path) -> None:
    _add_service(project, "recommendation-engine-batch-processo")  # staging: 64 characters
    load_project(project)


def test_names_are_checked_for_every_known_environment(project: Path) -> None:
    line = _add_service(project, "recommendation-engine-batch-process")  # staging: 63 chars
    load_project(project)
    (project / "environments" / "preprod12.yaml").write_text("tier: {}\n")
    [msg] = _messages(project, ("dev",))  # only dev is loaded; preprod12 is known all the same
    assert msg == (
        f"specs/services.yaml:{line}:3: TFG212 IAM role name "
        "'bookstore-preprod12-recommendation-engine-batch-process-execution' (65 chars) "
        "exceeds AWS's 64; hint: shorten the service name (or the platform or environment name)"
    )


def test_target_group_name_of_a_routed_service_without_short_name(project: Path) -> None:
    line = _add_service(
        project,
        "recommendations-service",
        '    routes: {paths: ["/api/v1/recommendations*"], priority: 60}\n',
    )
    [msg] = _messages(project)
    assert msg == (
        f"specs/services.yaml:{line}:3: TFG212 target group name "
        "'bookstore-staging-recommendations' (33 chars) exceeds AWS's 32; "
        "hint: set a shorter short_name"
    )


def test_secret_names_follow_the_same_rule(project: Path) -> None:
    path = project / "specs/secrets.yaml"
    long = "s" * 40
    path.write_text(path.read_text() + f"  {long}:\n    description: A long secret name.\n")
    load_project(project)  # 'bookstore-staging/' + 40 characters is far below 512


# --- short names (TFG217) -----------------------------------------------------------------


def test_short_name_used_twice(project: Path, edit: Edit) -> None:
    edit("specs/services.yaml", "  user-service:\n", "  user-service:\n    short_name: order\n")
    [msg] = _messages(project)
    line = line_of(project / "specs/services.yaml", "short_name: order")
    assert msg == (
        f"specs/services.yaml:{line}:17: TFG217 short name 'order' of user-service is already "
        "used by order-service; hint: set a short_name that no other service uses"
    )


def test_default_short_names_collide(project: Path) -> None:
    _add_service(project, "order")  # order-service's default short name is 'order' too
    [msg] = _messages(project)
    line = line_of(project / "specs/services.yaml", "  order-service:")
    assert msg == (
        f"specs/services.yaml:{line}:3: TFG217 short name 'order' of order-service is already "
        "used by order; hint: set a short_name that no other service uses"
    )


def test_distinct_short_name_resolves_the_collision(project: Path, edit: Edit) -> None:
    _add_service(project, "order")
    edit("specs/services.yaml", "  order-service:\n", "  order-service:\n    short_name: orders\n")
    load_project(project)


@pytest.mark.parametrize(
    ("short", "ok"), [("orders", True), ("o", True), ("orders-", False), ("a-very-long-na", False)]
)
def test_short_name_pattern(project: Path, edit: Edit, short: str, ok: bool) -> None:
    edit(
        "specs/services.yaml", "  order-service:\n", f"  order-service:\n    short_name: {short}\n"
    )
    if ok:
        load_project(project)
        return
    [msg] = _messages(project)
    line = line_of(project / "specs/services.yaml", f"short_name: {short}")
    assert msg.startswith(
        f"specs/services.yaml:{line}:17: TFG103 services.order-service.short_name: "
        "String should match pattern"
    )


# --- ARM64 on Fargate Spot (TFG218) -------------------------------------------------------


def test_arm64_cannot_run_on_fargate_spot(project: Path, edit: Edit) -> None:
    edit(
        "specs/services.yaml",
        "  notifications-service:\n    runtime: node\n",
        "  notifications-service:\n    runtime: node\n    architecture: ARM64\n",
    )
    msgs = _messages(project)
    spec_line = line_of(project / "specs/services.yaml", "fargate_spot: 3")
    dev_line = line_of(project / "environments/dev.yaml", "fargate_spot: 1")
    text = (
        "TFG218 notifications-service runs ARM64 tasks, which Fargate Spot does not support; "
        "hint: set fargate_spot: 0 or architecture: X86_64"
    )
    assert msgs == [
        f"environments/dev.yaml:{dev_line}:51: {text}",
        f"specs/services.yaml:{spec_line}:51: {text}",
    ]


def test_arm64_on_fargate_passes(project: Path, edit: Edit) -> None:
    edit(
        "specs/services.yaml",
        "  order-service:\n    runtime: java\n",
        "  order-service:\n    runtime: java\n    architecture: ARM64\n",
    )
    load_project(project)


# --- WAF managed rule groups (TFG219) -----------------------------------------------------


def test_waf_rule_group_listed_twice(project: Path, edit: Edit) -> None:
    edit(
        "specs/ingress.yaml",
        "      - AWSManagedRulesSQLiRuleSet\n",
        "      - AWSManagedRulesSQLiRuleSet\n      - AWSManagedRulesCommonRuleSet\n",
    )
    [msg] = _messages(project)
    assert msg == (
        "specs/ingress.yaml:13:9: TFG219 AWSManagedRulesCommonRuleSet is listed twice; "
        "hint: list each group once"
    )


def test_unknown_waf_rule_group(project: Path, edit: Edit) -> None:
    edit("specs/ingress.yaml", "AWSManagedRulesSQLiRuleSet", "AWSManagedRulesSQLRuleSet")
    [msg] = _messages(project)
    assert msg.startswith(
        "specs/ingress.yaml:12:9: TFG219 AWSManagedRulesSQLRuleSet is not an AWS managed rule "
        "group; hint: use one of AWSManagedRulesCommonRuleSet, "
    )
    assert "AWSManagedRulesAnonymousIpList" in msg


def test_waf_rule_group_that_needs_configuration(project: Path, edit: Edit) -> None:
    edit("specs/ingress.yaml", "AWSManagedRulesSQLiRuleSet", "AWSManagedRulesATPRuleSet")
    [msg] = _messages(project)
    assert msg.startswith(
        "specs/ingress.yaml:12:9: TFG219 AWSManagedRulesATPRuleSet needs a managed rule group "
        "configuration, which tfgen does not generate; hint: use one of "
    )


def test_waf_rule_group_name_pattern(project: Path, edit: Edit) -> None:
    edit("specs/ingress.yaml", "AWSManagedRulesSQLiRuleSet", "SQLiRuleSet")
    [msg] = _messages(project)
    assert msg.startswith(
        "specs/ingress.yaml:12:9: TFG103 ingress.waf.managed_rule_groups.2: "
        "String should match pattern '^AWSManagedRules[A-Za-z0-9]+$'"
    )


def test_other_known_waf_rule_groups_pass(project: Path, edit: Edit) -> None:
    edit(
        "specs/ingress.yaml",
        "      - AWSManagedRulesSQLiRuleSet\n",
        "      - AWSManagedRulesSQLiRuleSet\n      - AWSManagedRulesAmazonIpReputationList\n"
        "      - AWSManagedRulesLinuxRuleSet\n",
    )
    load_project(project)


# --- private egress (TFG220) --------------------------------------------------------------


def test_no_nat_gateways_needs_the_task_endpoints(project: Path, edit: Edit) -> None:
    edit("environments/dev.yaml", "nat_gateways: single", "nat_gateways: none")
    edit(
        "specs/network.yaml",
        "interface: [ecr.api, ecr.dkr, logs, secretsmanager]",
        "interface: [ecr.api, ecr.dkr]",
    )
    edit("specs/network.yaml", "gateway: [s3, dynamodb]", "gateway: [dynamodb]")
    [msg] = _messages(project)
    line = line_of(project / "environments/dev.yaml", "nat_gateways: none")
    assert msg == (
        f"environments/dev.yaml:{line}:17: TFG220 without NAT gateways tasks cannot pull images, "
        "write logs or read secrets: network.endpoints lacks logs, secretsmanager, s3 (gateway); "
        "hint: add the endpoints to network.endpoints, or use nat_gateways: single"
    )


def test_no_nat_gateways_with_the_task_endpoints_passes(project: Path, edit: Edit) -> None:
    edit("environments/dev.yaml", "nat_gateways: single", "nat_gateways: none")
    load_project(project)  # the bookstore has ecr.api, ecr.dkr, logs, secretsmanager and s3


# --- host name in the hosted zone (TFG221) -------------------------------------------------


def test_hostname_outside_the_hosted_zone(project: Path, edit: Edit) -> None:
    edit(
        "environments/staging.yaml",
        "hostname: api.staging.bookstore.example.com",
        "hostname: api.staging-bookstore.example.com",
    )
    [msg] = _messages(project)
    line = line_of(project / "environments/staging.yaml", "hostname:")
    assert msg == (
        f"environments/staging.yaml:{line}:13: TFG221 hostname api.staging-bookstore.example.com "
        "is not in the hosted zone bookstore.example.com; "
        "hint: use bookstore.example.com or a name ending in .bookstore.example.com"
    )


def test_hostname_may_be_the_zone_apex(project: Path, edit: Edit) -> None:
    edit(
        "specs/ingress.yaml",
        "hostname: api.bookstore.example.com",
        "hostname: bookstore.example.com",
    )
    load_project(project)


# --- availability zones (model) -----------------------------------------------------------


def test_one_availability_zone_is_refused(project: Path, edit: Edit) -> None:
    edit("specs/network.yaml", "[eu-west-1a, eu-west-1b, eu-west-1c]", "[eu-west-1a]")
    for tier, first in (
        ("public", "10.0.1.0/24"),
        ("private", "10.0.11.0/24"),
        ("data", "10.0.21.0/24"),
    ):
        path = project / "specs/network.yaml"
        lines = path.read_text().splitlines(keepends=True)
        lines = [
            f"    {tier}: [{first}]\n" if line.startswith(f"    {tier}:") else line
            for line in lines
        ]
        path.write_text("".join(lines))
    [msg] = _messages(project)
    assert msg.startswith(
        "specs/network.yaml:4:23: TFG103 network.availability_zones: List should have at least "
        "2 items after validation, not 1"
    )


def test_two_availability_zones_pass(project: Path, edit: Edit) -> None:
    edit("specs/network.yaml", "[eu-west-1a, eu-west-1b, eu-west-1c]", "[eu-west-1a, eu-west-1b]")
    path = project / "specs/network.yaml"
    for third in ("10.0.3.0/24", "10.0.13.0/24", "10.0.23.0/24"):
        edit("specs/network.yaml", f", {third}]", "]")
    assert "eu-west-1c" not in path.read_text()
    load_project(project)


# --- container health check (model) -------------------------------------------------------


@pytest.mark.parametrize("path", ["/health;reboot", "/health$(id)", "/a b", "/x'y", "/a&b"])
def test_health_check_path_without_shell_characters(project: Path, edit: Edit, path: str) -> None:
    edit(
        "specs/services.yaml", "health_check: {path: /health}", f'health_check: {{path: "{path}"}}'
    )
    [msg] = _messages(project)
    line = line_of(project / "specs/services.yaml", "health_check:")
    assert msg.startswith(
        f"specs/services.yaml:{line}:26: TFG103 services.order-service.health_check.path: "
        "String should match pattern"
    )


def test_health_check_command_must_use_the_exec_form(project: Path, edit: Edit) -> None:
    edit(
        "specs/services.yaml",
        "health_check: {path: /health}",
        'health_check: {path: /health, command: ["CMD-SHELL", "curl localhost || exit 1"]}',
    )
    [msg] = _messages(project)
    line = line_of(project / "specs/services.yaml", "health_check:")
    assert msg.startswith(
        f"specs/services.yaml:{line}:44: TFG103 services.order-service.health_check.command: "
        'Value error, use the exec form: ["CMD", "<executable>", "<arg>", ...] (no shell)'
    )


def test_health_check_command_in_exec_form_passes(project: Path, edit: Edit) -> None:
    edit(
        "specs/services.yaml",
        "health_check: {path: /health}",
        'health_check: {path: /health, command: ["CMD", "/app/healthcheck"]}',
    )
    load_project(project)


def test_routes_need_an_ingress(project: Path) -> None:
    drop_cdn(project)  # its API origin is the load balancer
    (project / "specs/ingress.yaml").unlink()
    for env in ("dev", "staging"):
        path = project / "environments" / f"{env}.yaml"
        text = path.read_text()
        head, tail = text.split("\ningress:", 1)
        rest = tail.split("\n\n", 1)
        path.write_text(head + ("\n\n" + rest[1] if len(rest) > 1 else "\n"))
    msgs = _messages(project)
    assert len(msgs) == 5  # every routed service
    line = line_of(project / "specs/services.yaml", '"/api/v1/orders*"')
    assert (
        f"specs/services.yaml:{line}:13: TFG222 order-service has routes but the platform has "
        "no ingress; hint: add an ingress: section (hosted_zone, hostname) or remove the routes"
    ) in msgs


def test_environments_reuse_the_checks_of_the_models_they_share(repo: Path) -> None:
    platform, source = load_platform(repo)
    known = ["dev", "prod", "staging"]
    prod = load_environment(repo, "prod", source, platform).environment.platform
    dev = load_environment(repo, "dev", source, platform)
    # prod.yaml overrides only the tier: every service is the base platform's model
    assert all(prod.services[name] is svc for name, svc in platform.services.items())
    assert prod.tier != platform.tier
    memo = Memo()
    assert check_platform(platform, source, known, memo) == []
    after_base = memo.misses
    assert check_platform(prod, source, known, memo) == []
    assert memo.misses == after_base + 1  # only the new tier section is scanned
    # what an environment overrides is checked again, with the same result as without memo
    dev_platform = dev.environment.platform
    with_memo = check_platform(dev_platform, dev.source, known, memo)
    assert with_memo == check_platform(dev_platform, dev.source, known)
    assert memo.misses > after_base + 1 + len(dev_platform.services)


def test_a_shared_model_keeps_its_problems_in_every_environment(project: Path, edit: Edit) -> None:
    # a secret-looking value in a service that no environment overrides is reported once
    # (problems are unique), at the spec, although every environment shares the model
    edit("specs/services.yaml", "X-Correlation-ID", "AKIAIOSFODNN7EXAMPLE")
    for env in ("dev", "staging"):
        path = project / "environments" / f"{env}.yaml"
        path.write_text(path.read_text().split("\nservices:", 1)[0] + "\n")
    [msg] = _messages(project)
    line = line_of(project / "specs/services.yaml", "AKIAIOSFODNN7EXAMPLE")
    assert msg.startswith(f"specs/services.yaml:{line}:")
    assert "TFG223" in msg and "AWS access key id" in msg


def test_loading_leaves_the_garbage_collector_as_it_was(project: Path, edit: Edit) -> None:
    assert gc.isenabled()
    load_project(project)
    assert gc.isenabled()
    edit("specs/services.yaml", "priority: 30", "priority: 10")
    _messages(project)  # a failed load re-enables it too
    assert gc.isenabled()
    gc.disable()
    try:
        _messages(project)
        assert not gc.isenabled()
    finally:
        gc.enable()
