"""Loading specs and environment overlays, with located model errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import Edit, line_of
from tfgen.errors import UserError
from tfgen.spec.loader import (
    is_tiered,
    load_environment,
    load_platform,
    load_specs,
    overlay_environment,
)


def _problems(fn: object, *args: object) -> list[str]:
    with pytest.raises(UserError) as info:
        fn(*args)  # type: ignore[operator]
    return [p.render() for p in info.value.problems]


def test_bookstore_loads_with_the_seed_numbers(repo: Path) -> None:
    platform, _ = load_platform(repo)
    assert sorted(platform.services) == [
        "catalog-service",
        "notifications-service",
        "order-service",
        "payment-service",
        "search-service",
        "user-service",
    ]
    order = platform.services["order-service"]
    assert (order.size.cpu, order.size.memory) == (1024, 2048)
    assert (order.scale.desired, order.scale.min, order.scale.max) == (3, 3, 10)
    search = platform.services["search-service"]
    assert (search.size.cpu, search.size.memory, search.scale.max) == (2048, 4096, 12)
    assert platform.platform.regions.primary == "eu-west-1"
    assert platform.platform.regions.dr == "eu-west-2"
    assert platform.network.cidr == "10.0.0.0/16"


def test_environment_overlay_merges_maps_and_keeps_positions(repo: Path) -> None:
    dev = load_environment(repo, "dev")
    svc = dev.environment.platform.services["order-service"]
    assert (svc.scale.desired, svc.scale.min, svc.scale.max) == (1, 1, 2)
    # fields the overlay did not touch keep their spec values
    assert svc.scale.scale_out_cooldown == 180
    assert svc.environment["CORRELATION_ID_HEADER"] == "X-Correlation-ID"
    assert svc.environment["SPRING_PROFILES_ACTIVE"] == "dev"
    where = dev.source.where(("services", "order-service", "scale", "desired"))
    assert where is not None
    assert where.file == "environments/dev.yaml" or where.file.endswith("environments/dev.yaml")
    kept = dev.source.where(("services", "order-service", "scale", "scale_out_cooldown"))
    assert kept is not None and kept.file.endswith("specs/services.yaml")


def test_lists_replace_in_overlays(project: Path) -> None:
    (project / "environments" / "dev.yaml").write_text(
        "ingress:\n  waf:\n    rate_limit: 500\nservices:\n  order-service:\n"
        "    environment: {A: b}\n"
    )
    env = load_environment(project, "dev").environment.platform
    assert env.ingress.waf.rate_limit == 500
    assert env.services["order-service"].environment["A"] == "b"


def test_tiered_fields() -> None:
    assert is_tiered(("services", "x", "scale"))
    assert is_tiered(("services", "x", "scale", "desired"))
    assert is_tiered(("tier", "nat_gateways"))
    assert is_tiered(("ingress", "hostname"))
    assert not is_tiered(("services", "x", "port"))
    assert not is_tiered(("network", "cidr"))
    assert not is_tiered(("services",))


def test_structure_cannot_change_per_environment(project: Path) -> None:
    env_file = project / "environments" / "dev.yaml"
    env_file.write_text("services:\n  order-service:\n    port: 9090\n")
    assert _problems(load_environment, project, "dev") == [
        "environments/dev.yaml:3:5: TFG301 services.order-service.port is structure and "
        "cannot differ per environment; hint: move the value into specs/, or override only "
        "tiered fields (run `tfgen docs spec`)"
    ]


def test_environment_cannot_add_entities(project: Path) -> None:
    (project / "environments" / "dev.yaml").write_text(
        "services:\n  ghost-service:\n    scale: {desired: 1, min: 1, max: 1}\n"
    )
    [message] = _problems(load_environment, project, "dev")
    assert message.startswith(
        "environments/dev.yaml:2:3: TFG302 environment overrides services.ghost-service"
    )


def test_unknown_field_points_at_the_key(project: Path, edit: Edit) -> None:
    edit(
        "specs/services.yaml",
        "    runtime: java\n    port: 8080\n",
        "    runtime: java\n    prot: 8080\n    port: 8080\n",
    )
    line = line_of(project / "specs/services.yaml", "prot: 8080")
    assert _problems(load_platform, project) == [
        f"specs/services.yaml:{line}:5: TFG102 services.order-service.prot: unknown field; "
        "hint: remove the field or fix its spelling (run `tfgen docs spec`)"
    ]


def test_missing_field_points_at_the_entity(project: Path, edit: Edit) -> None:
    edit("specs/services.yaml", "    runtime: python\n", "")
    [message] = _problems(load_platform, project)
    line = line_of(project / "specs/services.yaml", "search-service:") + 1
    assert message.startswith(
        f"specs/services.yaml:{line}:5: TFG101 services.search-service.runtime: required field"
    )


def test_wrong_type_is_located(project: Path, edit: Edit) -> None:
    edit("specs/services.yaml", "port: 8080", 'port: "8080"')
    [message] = _problems(load_platform, project)
    line = line_of(project / "specs/services.yaml", 'port: "8080"')
    assert message.startswith(f"specs/services.yaml:{line}:11: TFG103 services.order-service.port:")


def test_invalid_cidr_is_located(project: Path, edit: Edit) -> None:
    edit("specs/network.yaml", "cidr: 10.0.0.0/16", "cidr: 10.0.0.1/16")
    [message] = _problems(load_platform, project)
    assert message.startswith("specs/network.yaml:3:9: TFG103 network.cidr:")
    assert "host bits" in message


def test_entity_defined_in_two_files(project: Path) -> None:
    (project / "specs" / "zz-more.yaml").write_text("services:\n  order-service:\n    port: 1\n")
    [message] = _problems(load_specs, project)
    assert message.startswith(
        "specs/zz-more.yaml:2:3: TFG009 services.order-service is defined "
        "twice (first at specs/services.yaml:"
    )


def test_sections_split_over_files_merge(project: Path) -> None:
    services = project / "specs" / "services.yaml"
    text = services.read_text()
    head, tail = text.split("  search-service:", 1)
    services.write_text(head)
    (project / "specs" / "search.yaml").write_text("services:\n  search-service:" + tail)
    platform, source = load_platform(project)
    assert "search-service" in platform.services
    where = source.where(("services", "search-service", "port"))
    assert where is not None and where.file.endswith("specs/search.yaml")


def test_unknown_environment(repo: Path) -> None:
    [message] = _problems(load_environment, repo, "qa")
    assert message.startswith(
        "environments: TFG300 unknown environment 'qa' (known: dev, prod, staging)"
    )


def test_environment_sets_sections_the_specs_leave_to_defaults(project: Path) -> None:
    platform = project / "specs/platform.yaml"
    platform.write_text(platform.read_text().split("\ntier:", 1)[0] + "\n")
    ingress = project / "specs/ingress.yaml"
    ingress.write_text(ingress.read_text().split("  waf:", 1)[0])
    (project / "environments/dev.yaml").write_text(
        "tier:\n  nat_gateways: single\ningress:\n  waf: {rate_limit: 500}\n"
    )
    env = load_environment(project, "dev")
    assert env.environment.platform.tier.nat_gateways == "single"
    assert env.environment.platform.tier.log_retention_days == 30  # the model default
    assert env.environment.platform.ingress.waf.rate_limit == 500
    where = env.source.where(("tier", "nat_gateways"))
    assert where is not None and (where.file, where.line) == ("environments/dev.yaml", 2)


def test_overlay_shares_what_it_does_not_change(repo: Path) -> None:
    base = load_specs(repo)
    before = base.where(("services", "order-service", "scale", "desired"))
    dev = load_environment(repo, "dev", base).source
    services, base_services = dev.data["services"], base.data["services"]
    # dev.yaml changes no field of network or of the secrets: no copy at all
    assert dev.data["network"] is base.data["network"]
    assert dev.data["secrets"] is base.data["secrets"]
    # a changed service is a new map that shares its untouched values
    order, base_order = services["order-service"], base_services["order-service"]
    assert order is not base_order and order["scale"]["desired"] == 1
    assert order["routes"] is base_order["routes"]
    assert order["health_check"] is base_order["health_check"]
    # the base data and positions stay as the specs define them
    assert base_order["scale"]["desired"] == 3
    assert base.where(("services", "order-service", "scale", "desired")) == before
    where = dev.where(("services", "order-service", "scale", "desired"))
    assert where is not None and where.file == "environments/dev.yaml"


def test_overlay_work_grows_with_the_overrides_not_the_platform(project: Path) -> None:
    def positions_work(services: int) -> int:
        spec = "services:\n" + "".join(
            f"  s{i}:\n    runtime: java\n    port: {9000 + i}\n" for i in range(services)
        )
        (project / "specs" / "services.yaml").write_text(spec)
        (project / "environments" / "dev.yaml").write_text(
            "services:\n  s1:\n    scale: {desired: 1, min: 1, max: 2}\n"
        )
        base = load_specs(project)
        dev = overlay_environment(base, project, "dev")
        assert dev.data["services"]["s2"] is base.data["services"]["s2"]
        return dev.positions.operations

    # copying the services map is linear (once per environment); the rest is constant
    small, large = positions_work(20), positions_work(200)
    assert large - small <= 200 - 20
