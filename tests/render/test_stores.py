"""Data stores in the registry: what each `uses` relation grants, and where stores render."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import drop_cdn
from tfgen.pipeline import LoadedProject, load_project
from tfgen.render.kinds import (
    BUCKETS,
    KINDS,
    TABLES,
    entity_of,
    kms_actions,
    present_stores,
    stores,
    use_statements,
    uses_entry,
)
from tfgen.render.tree import render_tree
from tfgen.spec.model import STORE_SECTIONS, Service, StoreUse

TABLE_READ = [
    "dynamodb:BatchGetItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
    "dynamodb:GetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
]
TABLE_WRITE = sorted(
    [
        *TABLE_READ,
        "dynamodb:BatchWriteItem",
        "dynamodb:DeleteItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
    ]
)
OBJECTS_WRITE = ["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:PutObject"]

# (relation, expected statements: sid, actions, section, entity, ARN suffixes, KMS actions)
RELATIONS = [
    (
        {"table": "orders", "access": "read"},
        [("TableOrdersItems", TABLE_READ, "tables", "orders", ["", "/index/*"])],
        ["kms:Decrypt"],
    ),
    (
        {"table": "orders", "access": "write"},
        [("TableOrdersItems", TABLE_WRITE, "tables", "orders", ["", "/index/*"])],
        ["kms:Decrypt", "kms:GenerateDataKey"],
    ),
    (
        {"bucket": "covers"},
        [
            ("BucketCoversList", ["s3:ListBucket"], "buckets", "covers", [""]),
            ("BucketCoversObjects", ["s3:GetObject"], "buckets", "covers", ["/*"]),
        ],
        ["kms:Decrypt"],
    ),
    (
        {"bucket": "covers", "access": "write"},
        [
            ("BucketCoversList", ["s3:ListBucket"], "buckets", "covers", [""]),
            ("BucketCoversObjects", OBJECTS_WRITE, "buckets", "covers", ["/*"]),
        ],
        ["kms:Decrypt", "kms:GenerateDataKey"],
    ),
]


@pytest.mark.parametrize(("relation", "statements", "kms"), RELATIONS)
def test_each_relation_adds_exactly_its_statements(
    relation: dict[str, str], statements: list[tuple[object, ...]], kms: list[str]
) -> None:
    use = StoreUse.model_validate(relation)
    expected = [
        {"sid": sid, "actions": actions, "store": store, "entity": entity, "suffixes": suffixes}
        for sid, actions, store, entity, suffixes in statements
    ]
    assert use_statements(use) == expected
    assert kms_actions([use]) == kms


def test_write_implies_read_for_every_store_kind() -> None:
    for kind in stores().values():
        assert kind.store is not None
        for grant in kind.store.grants:
            assert set(grant.actions("read")) <= set(grant.actions("write"))
            assert grant.actions("read"), f"{kind.section}: {grant.sid} grants nothing to read"


def test_a_service_gets_the_union_of_its_relations() -> None:
    service = Service.model_validate(
        {
            "runtime": "java",
            "port": 8080,
            "size": {"cpu": 256, "memory": 512},
            "scale": {"desired": 1, "min": 1, "max": 1},
            "image": {"tag": "1"},
            "uses": [{"table": "orders"}, {"bucket": "covers", "access": "write"}],
        }
    )
    entry = uses_entry("api", service)
    assert [s["sid"] for s in entry["statements"]] == [
        "TableOrdersItems",
        "BucketCoversList",
        "BucketCoversObjects",
    ]
    assert entry["kms_actions"] == ["kms:Decrypt", "kms:GenerateDataKey"]


def test_the_model_and_the_registry_know_the_same_stores() -> None:
    assert {ref: kind.section for ref, kind in stores().items()} == STORE_SECTIONS
    assert set(STORE_SECTIONS) <= set(StoreUse.model_fields)
    assert TABLES in KINDS and BUCKETS in KINDS
    assert all(kind.store is not None and not kind.store.network for kind in (TABLES, BUCKETS))


def test_store_variable_naming_rule() -> None:
    use = StoreUse.model_validate({"table": "payment-idempotency"})
    assert use.variables == {"TABLE_PAYMENT_IDEMPOTENCY_NAME": "NAME"}
    assert use.secret_variable is None
    assert StoreUse.model_validate({"bucket": "covers"}).variables == {"BUCKET_COVERS_NAME": "NAME"}


@pytest.mark.parametrize(
    ("address", "entity"),
    [
        (
            'module.tables.aws_dynamodb_table.this["user-interactions"]',
            ("tables", "user-interactions"),
        ),
        ('module.buckets.aws_s3_bucket_policy.this["covers"]', ("buckets", "covers")),
        ('module.buckets.aws_s3_bucket_logging.this["covers"]', ("buckets", "covers")),
        ('module.ecs.aws_iam_role_policy.uses["user-service"]', ("services", "user-service")),
    ],
)
def test_instance_addresses_map_back_to_the_entity(address: str, entity: tuple[str, str]) -> None:
    assert entity_of("", address) == entity


def _render(project: LoadedProject) -> dict[str, str]:
    envs = [e.environment for e in project.environments]
    return render_tree(project.platform, envs, project.known).files


def _without_stores(root: Path) -> None:
    drop_cdn(root)  # the distribution fronts a bucket
    (root / "specs/tables.yaml").unlink()
    (root / "specs/storage.yaml").unlink()
    services = root / "specs/services.yaml"
    services.write_text(re.sub(r"(?m)^    uses: .*\n", "", services.read_text()))
    dev = root / "environments/dev.yaml"
    dev.write_text(dev.read_text().split("\n# dev tables")[0] + "\n")


def test_a_platform_without_stores_renders_no_store_module(project: Path) -> None:
    _without_stores(project)
    loaded = load_project(project)
    assert present_stores(loaded.platform) == []
    files = _render(loaded)
    assert not [f for f in files if f.startswith(("modules/tables/", "modules/buckets/"))]
    assert "store_arns" not in files["main.tf"] and 'variable "tables"' not in files["variables.tf"]
    assert "services_with_uses = {\n  }" in files["modules/ecs/services.tf"]
    assert "tables =" not in files["environments/dev.tfvars"]


def test_the_bookstore_renders_both_store_modules(repo: Path) -> None:
    loaded = load_project(repo)
    assert present_stores(loaded.platform) == ["tables", "buckets"]
    files = _render(loaded)
    assert "for_each = local.tables" in files["modules/tables/main.tf"]
    assert "# spec: tables.payment-idempotency" in files["modules/tables/tables.tf"]
    assert "# spec: buckets.covers" in files["modules/buckets/buckets.tf"]
    uses = files["modules/ecs/services.tf"].split("services_with_uses = {")[1]
    named = re.findall(r"# spec: services\.([a-z-]+)", uses)
    assert named == sorted(n for n, s in loaded.platform.services.items() if s.uses)
