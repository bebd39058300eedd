"""The messaging layer: relations derive IAM statements, policies and environment;
a platform without buses, queues or topics renders no messaging module."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import hcl2
import pytest

from helpers import Edit
from tfgen.pipeline import load_project, render_project
from tfgen.render.kinds import entity_of
from tfgen.render.messaging import CONSUME, PUBLISH, PUT_EVENTS, relation_statements
from tfgen.spec.model import Service, relation_environment

BASE: dict[str, Any] = {
    "runtime": "python",
    "port": 8080,
    "size": {"cpu": 256, "memory": 512},
    "scale": {"desired": 1, "min": 1, "max": 1},
    "image": {"tag": "1.0.0"},
}


def _service(**relations: list[str]) -> Service:
    return Service.model_validate({**BASE, **relations})


def _res(kind: str, *names: str) -> list[dict[str, str]]:
    return [{"kind": kind, "name": n} for n in names]


@pytest.mark.parametrize(
    ("relations", "expected"),
    [
        ({}, []),
        (
            {"publishes": ["bus.events"]},
            [{"sid": "PutEvents", "actions": list(PUT_EVENTS), "resources": _res("bus", "events")}],
        ),
        (
            {"publishes": ["topic.alerts"]},
            [
                {"sid": "Publish", "actions": list(PUBLISH), "resources": _res("topic", "alerts")},
                {
                    "sid": "MessagingKey",
                    "actions": ["kms:Decrypt", "kms:GenerateDataKey"],
                    "resources": _res("key", "messaging"),
                },
            ],
        ),
        (
            {"consumes": ["queue.orders"]},
            [
                {"sid": "Consume", "actions": list(CONSUME), "resources": _res("queue", "orders")},
                {
                    "sid": "MessagingKey",
                    "actions": ["kms:Decrypt"],
                    "resources": _res("key", "messaging"),
                },
            ],
        ),
        (
            {
                "publishes": ["topic.b", "bus.x", "bus.a", "topic.b"],
                "consumes": ["queue.z", "queue.y"],
            },
            [
                {
                    "sid": "PutEvents",
                    "actions": list(PUT_EVENTS),
                    "resources": _res("bus", "a", "x"),
                },
                {"sid": "Publish", "actions": list(PUBLISH), "resources": _res("topic", "b")},
                {"sid": "Consume", "actions": list(CONSUME), "resources": _res("queue", "y", "z")},
                {
                    "sid": "MessagingKey",
                    "actions": ["kms:Decrypt", "kms:GenerateDataKey"],
                    "resources": _res("key", "messaging"),
                },
            ],
        ),
    ],
)
def test_each_relation_adds_exactly_its_statements(
    relations: dict[str, list[str]], expected: list[dict[str, Any]]
) -> None:
    assert relation_statements(_service(**relations)) == expected


def test_consume_actions_are_the_data_plane_only() -> None:
    assert CONSUME == (
        "sqs:ChangeMessageVisibility",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:ReceiveMessage",
    )


def test_environment_naming_rule() -> None:
    svc = _service(publishes=["bus.book-events", "topic.alerts"], consumes=["queue.orders"])
    assert relation_environment(svc) == {
        "ALERTS_TOPIC_ARN": ("topic", "topic.alerts"),
        "BOOK_EVENTS_BUS_NAME": ("bus", "bus.book-events"),
        "ORDERS_QUEUE_URL": ("queue", "queue.orders"),
    }


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    return render_project(load_project(Path(__file__).resolve().parents[2]))


def _unquote(value: Any) -> Any:
    """python-hcl2 keeps the quotes of strings, in keys and values."""
    if isinstance(value, dict):
        return {_unquote(k): _unquote(v) for k, v in value.items() if not k.startswith("__")}
    if isinstance(value, list):
        return [_unquote(v) for v in value]
    return value.strip('"') if isinstance(value, str) else value


def _locals(text: str) -> dict[str, Any]:
    return {
        k: _unquote(m or {})
        for k, m in hcl2.loads(text)["locals"][0].items()
        if not k.startswith("__")
    }


def test_bookstore_messaging_maps(rendered: dict[str, str]) -> None:
    clients = _locals(rendered["modules/ecs/services.tf"])["messaging_clients"]
    assert sorted(clients) == [
        "catalog-service",
        "notifications-service",
        "order-service",
        "search-service",
    ]
    order = clients["order-service"]
    assert order["environment"] == {
        "BOOKSTORE_BUS_NAME": {"kind": "bus", "name": "bookstore"},
        "FULFILLMENT_QUEUE_URL": {"kind": "queue", "name": "fulfillment"},
    }
    buses = _locals(rendered["modules/messaging/buses.tf"])
    assert buses["published_buses"]["bookstore"]["publishers"] == [
        "catalog-service",
        "order-service",
    ]
    queues = _locals(rendered["modules/messaging/queues.tf"])
    # the rule's target queue and its dead-letter queue admit exactly that rule
    policies = queues["queue_policies"]
    assert policies["fulfillment"]["rules"] == ["bookstore/order-created-to-fulfillment"]
    assert policies["fulfillment-dlq"]["rules"] == ["bookstore/order-created-to-fulfillment"]
    assert sorted(queues["dead_letter_queues"]) == [
        "catalog-dlq",
        "fulfillment-dlq",
        "notifications-dlq",
    ]
    targets = _locals(rendered["modules/messaging/rule_targets.tf"])["rule_targets"]
    assert (
        targets["bookstore/order-created-to-fulfillment/fulfillment"]["dead_letter"]
        == "fulfillment-dlq"
    )
    text = rendered["modules/messaging/rule_targets.tf"]
    assert "# spec: buses.bookstore.rules.order-created-to-fulfillment.targets" in text


def test_instance_addresses_map_to_their_entity() -> None:
    rule = 'module.messaging.aws_cloudwatch_event_rule.this["bookstore/catalog-events"]'
    assert entity_of("messaging", rule) == ("buses", "bookstore")
    assert entity_of("messaging", 'aws_sqs_queue.dead_letter["catalog-dlq"]') == (
        "queues",
        "catalog-dlq",
    )
    assert entity_of("messaging", 'aws_sns_topic_subscription.this["dlq-alerts/x"]') == (
        "topics",
        "dlq-alerts",
    )


def test_messaging_key_and_encryption(rendered: dict[str, str]) -> None:
    main = rendered["modules/messaging/main.tf"]
    assert "enable_key_rotation     = true" in main
    assert 'identifiers = ["events.amazonaws.com"]' in main
    # the bookstore subscribes no queue to a topic: SNS gets no use of the key
    assert '"SnsToQueues"' not in main and '"EventBridgeToQueues"' in main
    assert main.count("kms_master_key_id") == 3


def _without_messaging(project: Path, edit: Edit) -> None:
    (project / "specs/messaging.yaml").unlink()
    text = (project / "specs/services.yaml").read_text()
    lines = [ln for ln in text.splitlines() if "publishes:" not in ln and "consumes:" not in ln]
    (project / "specs/services.yaml").write_text("\n".join(lines) + "\n")
    dev = (project / "environments/dev.yaml").read_text()
    (project / "environments/dev.yaml").write_text(dev.split("\nqueues:")[0] + "\n")


def test_a_platform_without_messaging_renders_no_messaging_module(
    project: Path, edit: Edit
) -> None:
    _without_messaging(project, edit)
    files = render_project(load_project(project))
    assert not any(p.startswith("modules/messaging/") for p in files)
    assert 'module "messaging"' not in files["main.tf"]
    assert "module.messaging" not in files["main.tf"] + files["outputs.tf"]
    assert _locals(files["modules/ecs/services.tf"])["messaging_clients"] == {}
    assert hcl2.loads(files["environments/dev.tfvars"])["queues"] == {}
