"""Every model rule, with the YAML location it reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import Edit, line_of
from tfgen.awsfacts import FARGATE_SIZES
from tfgen.errors import UserError
from tfgen.pipeline import load_project


def _messages(project: Path, envs: tuple[str, ...] = ()) -> list[str]:
    with pytest.raises(UserError) as info:
        load_project(project, list(envs), all_envs=not envs)
    return [p.render() for p in info.value.problems]


def test_bookstore_passes_every_rule(repo: Path) -> None:
    loaded = load_project(repo)
    assert [e.environment.name for e in loaded.environments] == ["dev", "prod", "staging"]


def test_duplicate_port_location(project: Path, edit: Edit) -> None:
    edit("specs/services.yaml", "port: 8081", "port: 8080")
    [msg] = _messages(project)
    lines = (project / "specs/services.yaml").read_text().splitlines()
    second = [i for i, line in enumerate(lines, 1) if "port: 8080" in line][1]
    assert msg.startswith(
        f"specs/services.yaml:{second}:11: TFG201 port 8080 is already used by order-service; hint:"
    )


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
        "      NODE_ENV: production\n      LOG_LEVEL: info\n      STRIPE_API_KEY: x\n",
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
    msgs = _messages(project)
    assert any(
        "TFG212 target group name 'bookstore-preprod12-a-very-long-n' (33 chars) exceeds "
        "AWS's 32" in m
        for m in msgs
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
    edit("specs/services.yaml", "port: 8081", "port: 8080")
    edit("specs/services.yaml", "priority: 30", "priority: 10")
    codes = sorted(m.split(": ")[1].split()[0] for m in _messages(project))
    assert codes == ["TFG201", "TFG203"]
