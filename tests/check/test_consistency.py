"""Spec coverage in the consistency layer: entity maps and for_each blocks, from the registry."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfgen.check.consistency import check_consistency
from tfgen.pipeline import LoadedProject, load_project, render_project


@pytest.fixture(scope="module")
def loaded() -> tuple[LoadedProject, dict[str, str]]:
    project = load_project(Path(__file__).resolve().parents[2])
    return project, render_project(project)


def _findings(
    loaded: tuple[LoadedProject, dict[str, str]], path: str, old: str, new: str
) -> list[tuple[str, str]]:
    project, files = loaded
    assert files[path].count(old) == 1, old
    broken = {**files, path: files[path].replace(old, new)}
    return [(f.code, f.message) for f in check_consistency(project.platform, broken)]


def test_the_rendered_tree_is_consistent(loaded: tuple[LoadedProject, dict[str, str]]) -> None:
    project, files = loaded
    assert check_consistency(project.platform, files) == []


def test_an_entity_missing_from_its_map(loaded: tuple[LoadedProject, dict[str, str]]) -> None:
    text = loaded[1]["modules/ecr/repositories.tf"]
    start = text.index("    # spec: services.order-service")
    end = text.index("    # spec: services.payment-service")
    found = _findings(loaded, "modules/ecr/repositories.tf", text[start:end], "")
    assert found == [
        (
            "CON001",
            "services.order-service is missing from local.repositories in modules/ecr: "
            "it gets none of those resources",
        )
    ]


def test_an_entry_the_spec_does_not_define_there(
    loaded: tuple[LoadedProject, dict[str, str]],
) -> None:
    found = _findings(
        loaded, "modules/ingress/routes.tf", "  routes = {\n", '  routes = {\n    "ghost" = {}\n'
    )
    assert found == [
        (
            "CON002",
            "local.routes in modules/ingress has an entry for services.ghost, which the spec "
            "does not define there",
        )
    ]


def test_a_block_that_is_not_for_each_over_its_map(
    loaded: tuple[LoadedProject, dict[str, str]],
) -> None:
    block = 'resource "aws_vpc_security_group_egress_rule" "alb_to" {\n'
    old = block + "  for_each = local.routed_services"
    new = old.replace("local.routed_services", "local.services")
    found = _findings(loaded, "modules/ecs/main.tf", old, new)
    assert found == [
        (
            "CON001",
            "modules/ecs has no aws_vpc_security_group_egress_rule.alb_to with for_each = "
            "local.routed_services: services entities get no aws_vpc_security_group_egress_rule",
        )
    ]


def test_moved_from_names_an_address_that_no_longer_exists() -> None:
    files = {
        "main.tf": 'resource "aws_sqs_queue" "this" {\n  for_each = toset(["a"])\n}\n\n'
        'moved {\n  from = aws_sqs_queue.a\n  to   = aws_sqs_queue.this["a"]\n}\n\n'
        'moved {\n  from = aws_sqs_queue.b\n  to   = aws_sqs_queue.other["b"]\n}\n'
    }
    found = [(f.code, f.message) for f in check_consistency(None, files)]
    assert found == [("CON005", "aws_sqs_queue.other is not declared in this module")]
