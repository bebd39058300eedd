"""The messaging layer's views: entities of buses, rules, queues and topics as the
``modules/messaging`` maps need them, and what a service's relations derive.

Relations are declared once, on the service (``publishes: [bus.x, topic.y]``,
``consumes: [queue.z]``).  From them come the service's IAM statements (on exactly those
ARNs), the bus policy (only the task roles that publish), the queue policies (only the
rules and topics that deliver to the queue) and the task's plain environment.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from tfgen.spec.model import (
    BUS_REF,
    QUEUE_REF,
    TOPIC_REF,
    Bus,
    BusRule,
    Platform,
    Queue,
    Service,
    Subscription,
    Topic,
    ref_kind,
    ref_name,
    relation_environment,
)

KMS_REF = "key"
MESSAGING_KEY = "messaging"
# Data-plane actions per relation (https://docs.aws.amazon.com/service-authorization/).
PUT_EVENTS = ("events:PutEvents",)
PUBLISH = ("sns:Publish",)
CONSUME = (
    "sqs:ChangeMessageVisibility",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
    "sqs:ReceiveMessage",
)
# SNS topics and SQS queues use the messaging key (SSE-KMS): a publisher to a topic needs a
# data key, a consumer of a queue decrypts.
# https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
KMS_PUBLISH = ("kms:Decrypt", "kms:GenerateDataKey")
KMS_CONSUME = ("kms:Decrypt",)


def _ref(kind: str, name: str) -> dict[str, str]:
    return {"kind": kind, "name": name}


def relation_statements(service: Service) -> list[dict[str, Any]]:
    """The IAM statements of a service's task role for its relations, in a fixed order.

    Each is ``{sid, actions, resources: [{kind, name}]}``; the module resolves a resource
    reference to the entity's ARN (``kind`` bus, topic, queue, or key for the KMS key).
    """
    buses = sorted({ref_name(r) for r in service.publishes if ref_kind(r) == BUS_REF})
    topics = sorted({ref_name(r) for r in service.publishes if ref_kind(r) == TOPIC_REF})
    queues = sorted({ref_name(r) for r in service.consumes})
    statements: list[dict[str, Any]] = []
    if buses:
        statements.append(_statement("PutEvents", PUT_EVENTS, BUS_REF, buses))
    if topics:
        statements.append(_statement("Publish", PUBLISH, TOPIC_REF, topics))
    if queues:
        statements.append(_statement("Consume", CONSUME, QUEUE_REF, queues))
    kms = sorted(set(KMS_PUBLISH if topics else ()) | set(KMS_CONSUME if queues else ()))
    if kms:
        statements.append(_statement("MessagingKey", tuple(kms), KMS_REF, [MESSAGING_KEY]))
    return statements


def _statement(sid: str, actions: tuple[str, ...], kind: str, names: list[str]) -> dict[str, Any]:
    return {"sid": sid, "actions": list(actions), "resources": [_ref(kind, n) for n in names]}


def has_relations(service: Service) -> bool:
    return bool(service.publishes or service.consumes)


def messaging_client_entry(_name: str, service: Service) -> dict[str, Any]:
    """A service with relations: its task-role statements and its derived environment."""
    env = relation_environment(service)
    return {
        "statements": relation_statements(service),
        "environment": {var: _ref(kind, ref_name(ref)) for var, (kind, ref) in env.items()},
    }


def has_messaging(platform: Platform) -> bool:
    return bool(platform.buses or platform.queues or platform.topics)


# --------------------------------------------------------------------------- buses


@dataclass(frozen=True)
class BusView:
    bus: Bus
    publishers: list[str]


def bus_views(platform: Platform) -> dict[str, BusView]:
    publishers: dict[str, list[str]] = {name: [] for name in platform.buses}
    for svc_name, svc in sorted(platform.services.items()):
        for ref in svc.publishes:
            if ref_kind(ref) == BUS_REF and ref_name(ref) in publishers:
                publishers[ref_name(ref)].append(svc_name)
    return {
        name: BusView(bus, sorted(set(publishers[name])))
        for name, bus in sorted(platform.buses.items())
    }


def bus_entry(_name: str, view: BusView) -> dict[str, Any]:
    return {"description": view.bus.description or "Platform events"}


def published(view: BusView) -> bool:
    return bool(view.publishers)


def bus_policy_entry(_name: str, view: BusView) -> dict[str, Any]:
    return {"publishers": view.publishers}


@dataclass(frozen=True)
class RuleView:
    bus: str
    rule: str
    spec: BusRule


def rule_views(platform: Platform) -> dict[str, RuleView]:
    """Every rule of every bus, keyed ``<bus>/<rule>``."""
    return {
        f"{bus}/{rule}": RuleView(bus, rule, spec)
        for bus, body in sorted(platform.buses.items())
        for rule, spec in sorted(body.rules.items())
    }


def event_pattern(rule: BusRule) -> str:
    """The rule's event pattern as EventBridge reads it (JSON, keys sorted)."""
    pattern: dict[str, list[str]] = {"source": list(rule.pattern.source)}
    if rule.pattern.detail_type:
        pattern["detail-type"] = list(rule.pattern.detail_type)
    return json.dumps(pattern, sort_keys=True, separators=(",", ":"))


def rule_entry(_key: str, view: RuleView) -> dict[str, Any]:
    return {
        "bus": view.bus,
        "description": view.spec.description or f"{view.rule} on {view.bus}",
        "event_pattern": event_pattern(view.spec),
    }


@dataclass(frozen=True)
class TargetView:
    rule: str  # <bus>/<rule>
    queue: str
    dead_letter: str | None
    spec: BusRule


def target_views(platform: Platform) -> dict[str, TargetView]:
    """Every queue target of every rule, keyed ``<bus>/<rule>/<queue>`` (existing queues)."""
    found: dict[str, TargetView] = {}
    for key, view in rule_views(platform).items():
        for ref in view.spec.targets:
            queue = platform.queues.get(ref_name(ref))
            if queue is not None:
                dlq = queue.dead_letter.queue if queue.dead_letter else None
                found[f"{key}/{ref_name(ref)}"] = TargetView(key, ref_name(ref), dlq, view.spec)
    return dict(sorted(found.items()))


def target_entry(_key: str, view: TargetView) -> dict[str, Any]:
    return {
        "rule": view.rule,
        "bus": view.rule.split("/", 1)[0],
        "queue": view.queue,
        "dead_letter": view.dead_letter,
        "maximum_retry_attempts": view.spec.retry.max_attempts,
        "maximum_event_age": view.spec.retry.max_event_age,
    }


# --------------------------------------------------------------------------- queues


@dataclass(frozen=True)
class QueueView:
    """A queue with the rules and topics that send to it (its queue policy)."""

    queue: Queue
    rules: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)

    @property
    def retention_seconds(self) -> int:
        return self.queue.retention_seconds


def queue_views(platform: Platform) -> dict[str, QueueView]:
    rules: dict[str, set[str]] = {name: set() for name in platform.queues}
    topics: dict[str, set[str]] = {name: set() for name in platform.queues}
    for target in target_views(platform).values():
        rules[target.queue].add(target.rule)
        if target.dead_letter in rules:
            rules[target.dead_letter].add(target.rule)
    for topic, sub in _subscriptions(platform):
        if sub.protocol == "sqs" and ref_name(sub.endpoint) in topics:
            topics[ref_name(sub.endpoint)].add(topic)
    return {
        name: QueueView(queue, sorted(rules[name]), sorted(topics[name]))
        for name, queue in sorted(platform.queues.items())
    }


def _subscriptions(platform: Platform) -> list[tuple[str, Subscription]]:
    return [
        (topic, sub)
        for topic, body in sorted(platform.topics.items())
        for _, sub in sorted(body.subscriptions.items())
    ]


def queue_entry(_name: str, view: QueueView) -> dict[str, Any]:
    dead = view.queue.dead_letter
    return {
        "visibility_timeout": view.queue.visibility_timeout,
        "dead_letter": dead.queue if dead else None,
    }


def is_source(view: QueueView) -> bool:
    return view.queue.dead_letter is not None


def is_dead_letter(view: QueueView) -> bool:
    return view.queue.dead_letter is None


def source_queue_entry(_name: str, view: QueueView) -> dict[str, Any]:
    dead = view.queue.dead_letter
    assert dead is not None
    return {
        "visibility_timeout": view.queue.visibility_timeout,
        "dead_letter": dead.queue,
        "max_receives": dead.max_receives,
    }


def dead_letter_queue_entry(_name: str, view: QueueView) -> dict[str, Any]:
    return {"visibility_timeout": view.queue.visibility_timeout}


def has_senders(view: QueueView) -> bool:
    return bool(view.rules or view.topics)


def queue_policy_entry(_name: str, view: QueueView) -> dict[str, Any]:
    return {"rules": view.rules, "topics": view.topics}


# --------------------------------------------------------------------------- topics


def topic_entry(_name: str, topic: Topic) -> dict[str, Any]:
    return {"description": topic.description or "Platform notifications"}


@dataclass(frozen=True)
class SubscriptionView:
    topic: str
    spec: Subscription


def subscription_views(platform: Platform) -> dict[str, SubscriptionView]:
    """Every subscription of every topic, keyed ``<topic>/<subscription>``."""
    return {
        f"{topic}/{name}": SubscriptionView(topic, sub)
        for topic, body in sorted(platform.topics.items())
        for name, sub in sorted(body.subscriptions.items())
    }


def subscription_entry(_key: str, view: SubscriptionView) -> dict[str, Any]:
    sqs = view.spec.protocol == "sqs"
    return {
        "topic": view.topic,
        "protocol": view.spec.protocol,
        "endpoint": None if sqs else view.spec.endpoint,
        "queue": ref_name(view.spec.endpoint) if sqs else None,
    }


def messaging_flags(platform: Platform) -> dict[str, bool]:
    """Which service principals the messaging key policy admits (only those needed)."""
    subs = _subscriptions(platform)
    return {
        "present": has_messaging(platform),
        "events": bool(rule_views(platform)),
        "sns": any(sub.protocol == "sqs" for _, sub in subs),
    }
