"""Findings on generated code point at the YAML line a person has to change."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import line_of
from tfgen.check.findings import SpecLocation
from tfgen.check.layers import SpecMapper
from tfgen.check.run import Options, validate_rendered
from tfgen.pipeline import LoadedProject, load_project, render_project
from tfgen.render.provenance import build_provenance


@pytest.fixture(scope="module")
def loaded() -> tuple[LoadedProject, dict[str, str]]:
    project = load_project(Path(__file__).resolve().parents[2])
    return project, render_project(project)


def _mapper(project: LoadedProject, files: dict[str, str]) -> SpecMapper:
    return SpecMapper(
        build_provenance(files),
        project.source,
        {e.environment.name: e.source for e in project.environments},
    )


def _line(files: dict[str, str], path: str, needle: str) -> int:
    return next(i for i, text in enumerate(files[path].splitlines(), 1) if needle in text)


def test_entity_instances_map_to_the_entity(
    loaded: tuple[LoadedProject, dict[str, str]], repo: Path
) -> None:
    project, files = loaded
    mapper = _mapper(project, files)
    order = SpecLocation(
        "specs/services.yaml", line_of(repo / "specs/services.yaml", "order-service:"), 3
    )
    line = _line(files, "modules/ecs/main.tf", 'resource "aws_ecs_service" "this"')
    # checkov's form (module prefix) and terraform's (relative to the module)
    for address in (
        'module.ecs.aws_ecs_service.this["order-service"]',
        'aws_ecs_service.this["order-service"]',
        'module.ecs.aws_appautoscaling_policy.memory["order-service"]',
        'module.ecs.aws_iam_policy_document.secrets["order-service"]',
    ):
        assert mapper.locate("modules/ecs/main.tf", line, address) == order, address
    line = _line(files, "modules/security/main.tf", '"aws_secretsmanager_secret" "this"')
    assert mapper.locate(
        "modules/security/main.tf", line, 'aws_secretsmanager_secret.this["stripe-api-key"]'
    ) == SpecLocation(
        "specs/secrets.yaml", line_of(repo / "specs/secrets.yaml", "stripe-api-key:"), 3
    )
    # the block itself serves every service: its section
    assert mapper.locate("modules/ecs/main.tf", line, "aws_ecs_service.this") == SpecLocation(
        "specs/services.yaml", line_of(repo / "specs/services.yaml", "services:"), 1
    )


def test_entity_map_entries_map_to_the_entity(
    loaded: tuple[LoadedProject, dict[str, str]], repo: Path
) -> None:
    project, files = loaded
    mapper = _mapper(project, files)
    for path in ("modules/ecs/services.tf", "modules/ingress/routes.tf", "modules/ecs/moved.tf"):
        start = _line(files, path, "payment-service")
        port = next(
            i
            for i, text in enumerate(files[path].splitlines(), 1)
            if i > start and ("port" in text or "to " in text)
        )
        assert mapper.locate(path, port) == SpecLocation(
            "specs/services.yaml", line_of(repo / "specs/services.yaml", "payment-service:"), 3
        ), path


def test_unknown_instance_addresses_fall_back_to_the_line(
    loaded: tuple[LoadedProject, dict[str, str]], repo: Path
) -> None:
    project, files = loaded
    mapper = _mapper(project, files)
    section = SpecLocation(
        "specs/services.yaml", line_of(repo / "specs/services.yaml", "services:"), 1
    )
    for address in (
        'aws_ecs_cluster.this["x"]',  # not an entity kind's resource
        'module.ecs.aws_ecs_service.other["order-service"]',
        'module.ecs.aws_ecs_service.this["no-such-service"]',  # not in the spec
    ):
        assert mapper.locate("modules/ecs/main.tf", 20, address) == section


def test_module_level_resources_map_to_their_section(
    loaded: tuple[LoadedProject, dict[str, str]], repo: Path
) -> None:
    project, files = loaded
    mapper = _mapper(project, files)
    line = _line(files, "modules/ingress/main.tf", 'resource "aws_lb" "this"')
    assert mapper.locate("modules/ingress/main.tf", line) == SpecLocation(
        "specs/ingress.yaml", line_of(repo / "specs/ingress.yaml", "ingress:"), 1
    )
    line = _line(files, "modules/network/main.tf", 'resource "aws_flow_log" "this"')
    assert mapper.locate("modules/network/main.tf", line) == SpecLocation(
        "specs/network.yaml", line_of(repo / "specs/network.yaml", "flow_logs:"), 3
    )


def test_tfvars_values_map_to_the_environment_file_or_the_spec(
    loaded: tuple[LoadedProject, dict[str, str]], repo: Path
) -> None:
    project, files = loaded
    mapper = _mapper(project, files)
    dev = "environments/dev.tfvars"
    lines = files[dev].splitlines()
    order = next(i for i, t in enumerate(lines, 1) if t.strip().startswith('"order-service"'))
    desired = next(i for i, t in enumerate(lines, 1) if i > order and "desired_count" in t)
    cooldown = next(i for i, t in enumerate(lines, 1) if i > order and "scale_out_cooldown" in t)
    env_line = line_of(repo / "environments/dev.yaml", "scale: {desired: 1, min: 1, max: 2}")
    assert mapper.locate(dev, desired) == SpecLocation("environments/dev.yaml", env_line, 22)
    # not overridden in dev: the value comes from the spec
    spec_line = line_of(repo / "specs/services.yaml", "scale_out_cooldown: 180")
    assert mapper.locate(dev, cooldown) == SpecLocation("specs/services.yaml", spec_line, 33)
    nat = next(i for i, t in enumerate(lines, 1) if t.startswith("nat_gateways"))
    assert mapper.locate(dev, nat) == SpecLocation(
        "environments/dev.yaml", line_of(repo / "environments/dev.yaml", "nat_gateways"), 17
    )


def test_rules_finding_on_a_for_each_block_points_at_the_section(
    loaded: tuple[LoadedProject, dict[str, str]], repo: Path, tmp_path: Path
) -> None:
    """A finding on a block every service shares points at the services section."""
    project, files = loaded
    broken = dict(files)
    ecs = broken["modules/ecs/main.tf"]
    memory = ecs.index('"aws_appautoscaling_policy" "memory"')
    head, tail = ecs[:memory], ecs[memory:]
    broken["modules/ecs/main.tf"] = head + tail.replace(
        "ECSServiceAverageMemoryUtilization", "ECSServiceAverageCPUUtilization", 1
    )
    result = validate_rendered(
        broken,
        project.platform,
        project.source,
        project.environments,
        repo / "generated",
        Options(["rules"]),
    )
    [finding] = result.report.findings
    assert finding.code == "AWS111"  # two target-tracking policies on one metric
    assert finding.location is not None
    assert finding.location.file == "generated/modules/ecs/main.tf"
    assert finding.spec_location == SpecLocation(
        "specs/services.yaml", line_of(repo / "specs/services.yaml", "services:"), 1
    )


@pytest.mark.e2e
def test_terraform_finding_points_at_the_environment_value(
    loaded: tuple[LoadedProject, dict[str, str]], repo: Path
) -> None:
    project, files = loaded
    broken = dict(files)
    broken["environments/dev.tfvars"] = files["environments/dev.tfvars"].replace(
        "log_retention_days            = 7", "log_retention_days            = 8"
    )
    assert broken != files
    result = validate_rendered(
        broken,
        project.platform,
        project.source,
        project.environments,
        repo / "generated",
        Options(["terraform"]),
    )
    [finding] = result.report.findings
    assert finding.layer == "terraform"
    assert finding.location is not None
    assert finding.location.file == "generated/environments/dev.tfvars"
    assert "log_retention_days" in finding.message or "retention" in finding.message
    assert finding.spec_location == SpecLocation(
        "environments/dev.yaml", line_of(repo / "environments/dev.yaml", "log_retention_days"), 23
    )


@pytest.mark.e2e
def test_checkov_finding_points_at_the_spec(
    loaded: tuple[LoadedProject, dict[str, str]], repo: Path
) -> None:
    project, files = loaded
    platform = project.platform.model_copy(
        update={
            "checks": project.platform.checks.model_copy(
                update={
                    "skip": {
                        k: v for k, v in project.platform.checks.skip.items() if k != "CKV_AWS_260"
                    }
                }
            )
        }
    )
    result = validate_rendered(
        files,
        platform,
        project.source,
        project.environments,
        repo / "generated",
        Options(["checkov"]),
    )
    [finding] = result.report.findings
    assert finding.code == "CKV_AWS_260"
    assert finding.location is not None
    assert finding.location.address == "module.ingress.aws_vpc_security_group_ingress_rule.alb_http"
    assert finding.spec_location == SpecLocation(
        "specs/ingress.yaml", line_of(repo / "specs/ingress.yaml", "ingress:"), 1
    )
    assert len(result.skipped) > 5


@pytest.mark.e2e
def test_checkov_findings_on_for_each_instances_point_at_their_entity(
    loaded: tuple[LoadedProject, dict[str, str]], repo: Path
) -> None:
    """Without its skip, CKV_AWS_378 fails once per target group instance, each at its service."""
    project, files = loaded
    skips = {k: v for k, v in project.platform.checks.skip.items() if k != "CKV_AWS_378"}
    platform = project.platform.model_copy(
        update={"checks": project.platform.checks.model_copy(update={"skip": skips})}
    )
    result = validate_rendered(
        files, platform, project.source, project.environments, repo / "generated",
        Options(["checkov"]),
    )  # fmt: skip
    found = {
        f.location.address: f.spec_location
        for f in result.report.findings
        if f.code == "CKV_AWS_378" and f.location is not None
    }
    routed = sorted(n for n, s in project.platform.services.items() if s.routes is not None)
    assert found == {
        f'module.ingress.aws_lb_target_group.this["{name}"]': SpecLocation(
            "specs/services.yaml", line_of(repo / "specs/services.yaml", f"{name}:"), 3
        )
        for name in routed
    }


def test_schema_finding_on_a_for_each_block_points_at_the_section(
    loaded: tuple[LoadedProject, dict[str, str]], repo: Path
) -> None:
    project, files = loaded
    broken = dict(files)
    ecs = broken["modules/ecs/main.tf"]
    start = ecs.index('resource "aws_ecs_service" "this"')
    broken["modules/ecs/main.tf"] = ecs[:start] + ecs[start:].replace(
        "deployment_maximum_percent ", "deployment_maximum_percnt ", 1
    )
    result = validate_rendered(
        broken,
        project.platform,
        project.source,
        project.environments,
        repo / "generated",
        Options(["schema"]),
    )
    [finding] = result.report.findings
    assert (finding.code, finding.hint) == (
        "SCH002",
        "did you mean 'deployment_maximum_percent'?",
    )
    assert finding.location is not None
    assert finding.location.address == "aws_ecs_service.this"
    assert finding.spec_location == SpecLocation(
        "specs/services.yaml", line_of(repo / "specs/services.yaml", "services:"), 1
    )
