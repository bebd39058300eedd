"""The entity-kind registry: adding a kind is its model, its templates and one entry.

A fake kind (one SSM parameter per platform secret, in a new ``params`` module) is added
here without touching any other code: rendering, provenance, consistency and the moved
blocks all pick it up from the registry.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tfgen.check.consistency import check_consistency
from tfgen.pipeline import LoadedProject, load_project
from tfgen.render.kinds import (
    KINDS,
    SERVICES,
    EntityKind,
    EntityMap,
    Placement,
    Resource,
    entity_of,
    module_present,
    module_section,
    moves,
    tier_values,
)
from tfgen.render.provenance import build_provenance
from tfgen.render.templates import template_dir
from tfgen.render.tree import render_tree
from tfgen.spec.model import Secret

PARAMS_MAIN = """\
{% include "_shared/header.j2" %}

resource "aws_ssm_parameter" "this" {
  for_each = local.parameters

  name  = "/${var.name}/${each.key}"
  type  = "String"
  value = each.value.description
}
"""
PARAMS_VARIABLES = """\
{% include "_shared/header.j2" %}

variable "name" {
  type = string
}
"""


def _parameter(_name: str, secret: Secret) -> dict[str, Any]:
    return {"description": secret.description}


PARAMS = EntityKind(
    section="secrets",
    model=Secret,
    placements=(
        Placement(
            module="params",
            maps=(EntityMap("parameters", _parameter),),
            resources=(Resource("aws_ssm_parameter", "this"),),
        ),
    ),
)
WITH_PARAMS = (*KINDS, PARAMS)


@pytest.fixture
def templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The shipped templates plus the fake kind's module."""
    root = tmp_path / "templates"
    shutil.copytree(template_dir(), root)
    (root / "modules/params").mkdir()
    (root / "modules/params/main.tf.j2").write_text(PARAMS_MAIN)
    (root / "modules/params/variables.tf.j2").write_text(PARAMS_VARIABLES)
    monkeypatch.setenv("TFGEN_TEMPLATES", str(root))
    yield root


@pytest.fixture(scope="module")
def bookstore() -> LoadedProject:
    return load_project(Path(__file__).resolve().parents[2])


def _render(project: LoadedProject, kinds: tuple[EntityKind, ...]) -> dict[str, str]:
    envs = [e.environment for e in project.environments]
    return render_tree(project.platform, envs, project.known, kinds).files


def test_a_new_kind_renders_its_module_and_entity_map(
    templates: Path, bookstore: LoadedProject
) -> None:
    files = _render(bookstore, WITH_PARAMS)
    assert "modules/params/main.tf" in files
    entities = files["modules/params/parameters.tf"]
    for name in bookstore.platform.secrets:
        assert f"# spec: secrets.{name}\n" in entities
        assert f'"{name}" = {{' in entities
    assert "modules/params/moved.tf" not in files  # no addresses from earlier versions
    # without the entry there is no entity map (the module would not even be valid)
    assert "modules/params/parameters.tf" not in _render(bookstore, KINDS)


def test_a_new_kind_maps_instances_to_entities_and_passes_consistency(
    templates: Path, bookstore: LoadedProject
) -> None:
    files = _render(bookstore, WITH_PARAMS)
    provenance = build_provenance(files, WITH_PARAMS)
    address = 'module.params.aws_ssm_parameter.this["stripe-api-key"]'
    assert provenance.entity_at("modules/params/main.tf", address) == ("secrets", "stripe-api-key")
    assert provenance.path_at("modules/params/main.tf", 3) == ("secrets",)  # module section
    assert check_consistency(bookstore.platform, files, WITH_PARAMS) == []


def test_consistency_finds_a_kind_template_that_lost_its_for_each(
    templates: Path, bookstore: LoadedProject
) -> None:
    main = templates / "modules/params/main.tf.j2"
    main.write_text(main.read_text().replace("for_each = local.parameters", "count = 1"))
    files = _render(bookstore, WITH_PARAMS)
    found = [(f.code, f.message) for f in check_consistency(bookstore.platform, files, WITH_PARAMS)]
    assert found == [
        (
            "CON001",
            "modules/params has no aws_ssm_parameter.this with for_each = local.parameters: "
            "secrets entities get no aws_ssm_parameter",
        )
    ]


def test_a_module_of_a_kind_without_entities_is_not_rendered(bookstore: LoadedProject) -> None:
    no_secrets = bookstore.platform.model_copy(update={"secrets": {}})
    assert not module_present(no_secrets, "params", WITH_PARAMS)
    assert module_present(bookstore.platform, "params", WITH_PARAMS)
    assert module_section("params", WITH_PARAMS) == ("secrets",)
    assert module_section("params", KINDS) is None
    assert module_section("waf") == ("ingress", "waf")


def test_moved_blocks_cover_every_legacy_address(bookstore: LoadedProject) -> None:
    found = {
        (m.source, m.target) for entity in moves(bookstore.platform, "ecs") for m in entity.moves
    }
    assert ("aws_ecs_service.order_service", 'aws_ecs_service.this["order-service"]') in found
    assert (
        "aws_vpc_security_group_egress_rule.alb_to_order_service",
        'aws_vpc_security_group_egress_rule.alb_to["order-service"]',
    ) in found
    # only the services that had the resource: notifications-service has no routes
    assert not any("alb_to_notifications" in source for source, _ in found)
    assert not any(source == "aws_iam_role_policy.search_service_secrets" for source, _ in found)
    # one move per resource that existed before: data sources are not in state
    assert not any("aws_iam_policy_document" in source for source, _ in found)
    services = bookstore.platform.services
    expected = sum(
        1
        for name, svc in services.items()
        for r in SERVICES.placements[0].resources
        if r.legacy and not r.data
        and (r.local != "routed_services" or svc.routes is not None)
        and (r.local != "services_with_secrets" or svc.secrets)
    )  # fmt: skip
    assert len(found) == expected


def test_instance_addresses(bookstore: LoadedProject) -> None:
    assert entity_of("ecs", 'aws_appautoscaling_policy.cpu["order-service"]') == (
        "services",
        "order-service",
    )
    assert entity_of("x", 'module.ecr.aws_ecr_repository.this["a/b"]') == ("services", "a")
    assert entity_of("ecs", "aws_ecs_service.this") is None
    assert entity_of("ecs", 'aws_ecs_cluster.this["a"]') is None
    assert entity_of("ecr", 'aws_ecs_service.this["a"]') is None  # another module's resource


def test_tier_values_follow_the_declared_fields(bookstore: LoadedProject) -> None:
    values = tier_values(bookstore.platform)
    assert list(values) == ["services", "queues", "tables", "cdn"]
    assert values["queues"]["fulfillment"] == {"retention_seconds": 345600}
    assert values["cdn"]["bookstore"] == {
        "aliases": ["cdn.bookstore.example.com"],
        "price_class": "PriceClass_All",
        "waf_rate_limit": 2000,
        "waf_log_retention_days": 90,
    }
    assert values["tables"]["user-interactions"] == {"deletion_protection": True}
    order = values["services"]["order-service"]
    assert list(order) == list(SERVICES.tier_fields)
    assert order["capacity"] == {"base": 0, "fargate": 1, "fargate_spot": 0}
    assert order["environment"] == dict(sorted(order["environment"].items()))
