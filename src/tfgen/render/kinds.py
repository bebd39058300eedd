"""The entity-kind registry: one entry per kind of repeated spec entity.

A kind (services, secrets, ...) is a map of named entities in one spec section.  Its
entry says everything the other stages need to know about it, so that adding a kind is
its model, its templates, one entry in :data:`KINDS` and tests:

* ``section`` and ``model``: where the entities are in the spec, and their pydantic type;
* ``placements``: the modules that build resources for the entities.  Each gets its
  entity maps rendered from the spec (``local.<name>``, one literal entry per entity,
  keyed by entity name, each marked ``# spec: <section>.<entity>``, all in
  ``<first map>.tf``) and has one block per resource, ``for_each = local.<name>``, so a
  reviewer reads ``aws_ecs_service.this["order-service"]``;
* the presence rule: which entities a module builds (its first map's ``when``), which of
  those get a resource (the ``when`` of the map the resource iterates); a module that
  only a kind uses is rendered only when it has entities, and a resource of a map other
  than the first may be left out of the templates while that map is empty;
* the expected resources (the consistency layer checks the maps and the blocks), the
  explicit names used before ``for_each`` (``Resource.legacy``, rendered into ``moved``
  blocks) and provenance: every instance address ``<type>.<name>["<entity>"]`` maps
  back to ``<section>.<entity>``;
* ``tier_fields``: the values that differ per workspace, rendered into the tfvars map
  ``<section> = { "<entity>" = { field = value } }`` and mapped back to their spec path.

:data:`MODULES` lists the modules the templates always have, with the spec section their
unmarked lines map to and when they are rendered.  A module that only a new kind uses
needs no entry there: its section is the kind's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from tfgen.render import hcl, messaging
from tfgen.render.context import (
    bucket_entry,
    cdn_acm_entry,
    cdn_entry,
    cdn_oac_entry,
    ecr_entry,
    ecs_entry,
    exec_entry,
    logged_bucket_entry,
    route_entry,
    routed_entry,
    secret_entry,
    secret_reader_entry,
    table_entry,
)
from tfgen.spec.model import (
    STORE_KINDS,
    Bucket,
    Bus,
    BusRule,
    Distribution,
    Platform,
    Queue,
    Secret,
    Service,
    StoreUse,
    Subscription,
    Table,
    Topic,
)

SpecPath = tuple[str, ...]
Predicate = Callable[[Any], bool]


def _always(_: Any) -> bool:
    return True


@dataclass(frozen=True)
class EntityMap:
    """A ``locals`` map rendered into a module: one literal entry per entity (``when``
    selects them), built by ``structure``.  Only literals: checkov expands a ``for_each``
    into its instances only when it can evaluate the whole map."""

    local: str
    structure: Callable[[str, Any], Mapping[str, Any]]
    when: Predicate = _always


@dataclass(frozen=True)
class Resource:
    """One block built per entity: ``<type>.<name>["<entity>"]``, ``for_each`` over
    ``local.<local>`` (default: the placement's first map).

    ``legacy`` is its explicit name before ``for_each`` (``{id}`` stands for the entity
    as an identifier); ``data`` marks a data source.
    """

    type: str
    name: str
    legacy: str | None = None
    data: bool = False
    local: str | None = None

    def address(self, key: str) -> str:
        prefix = "data." if self.data else ""
        return f"{prefix}{self.type}.{self.name}[{hcl.string(key)}]"

    def legacy_address(self, key: str) -> str | None:
        """The explicit address tfgen wrote before ``for_each`` (resources only)."""
        if self.legacy is None or self.data:
            return None
        return f"{self.type}.{self.legacy.format(id=hcl.ident(key))}"


@dataclass(frozen=True)
class Placement:
    """The resources one module builds per entity, and the maps they iterate.

    The first map selects the entities the module builds at all; the others (for
    resources only some entities get) select among those.  All are rendered into
    ``modules/<module>/<first map>.tf``.
    """

    module: str
    maps: tuple[EntityMap, ...]
    resources: tuple[Resource, ...]

    @property
    def local(self) -> str:
        return self.maps[0].local

    @property
    def when(self) -> Predicate:
        return self.maps[0].when

    def map_of(self, resource: Resource) -> EntityMap:
        wanted = resource.local or self.local
        return next(m for m in self.maps if m.local == wanted)


@dataclass(frozen=True)
class Grant:
    """IAM actions a ``uses`` relation grants on some ARNs of the store: ``read`` for
    ``access: read``, ``read + write`` for ``access: write`` (write implies read).
    ``resources`` are suffixes of the store's ARN ("" the ARN itself, "/index/*")."""

    sid: str
    read: tuple[str, ...]
    write: tuple[str, ...]
    resources: tuple[str, ...]

    def actions(self, access: str) -> list[str]:
        return sorted({*self.read, *(self.write if access == "write" else ())})


@dataclass(frozen=True)
class Store:
    """What a kind of data store gives a service that ``uses`` it.

    ``reference`` is the key of a ``uses`` entry (``{table: payments}``).  The store's
    module outputs, by entity:

    * ``environment``: output (NAME, ENDPOINT, ...; :data:`tfgen.spec.model.STORE_KINDS`)
      -> value, the task's plain variables ``<KIND>_<NAME>_<OUTPUT>``;
    * ``arns`` when it has ``grants``: the ARN the grants' resource suffixes extend;
    * ``connections`` when it is ``network`` (reached in the VPC, not over an AWS API):
      ``{security_group_id, port}``; the ECS module opens the task's security group to the
      store's on that port, in both directions' rules;
    * ``secret_arns`` when its spec kind has a credential secret: the task receives it as
      ``<KIND>_<NAME>_SECRET`` through a Secrets Manager reference, which the execution
      role may read (encrypted with the platform key).

    ``kms``: the task reads the store's data encrypted with the platform key itself (reads
    need ``kms:Decrypt``, writes also ``kms:GenerateDataKey``).
    """

    reference: str
    grants: tuple[Grant, ...] = ()
    kms: bool = True
    network: bool = False

    @property
    def secret(self) -> bool:
        return STORE_KINDS[self.reference].secret

    def wiring(self, section: str) -> dict[str, Any]:
        """The module outputs the root passes to the ECS module (main.tf.j2)."""
        return {
            "section": section,
            "environment": True,
            "arns": bool(self.grants),
            "connections": self.network,
            "secret_arns": self.secret,
        }


KMS_READ = ("kms:Decrypt",)
KMS_WRITE = ("kms:Decrypt", "kms:GenerateDataKey")


@dataclass(frozen=True)
class EntityKind:
    section: str
    model: type[BaseModel]
    placements: tuple[Placement, ...]
    tier_fields: Mapping[str, SpecPath] = field(default_factory=dict)
    # Entities nested in the section (the rules of a bus) or seen with the platform around
    # them (a bus with its publishers): ``collect`` lists them by key, and ``marker`` gives
    # the spec path of a key (``<bus>/<rule>`` -> ``buses.<bus>.rules.<rule>``).
    collect: Callable[[Platform], Mapping[str, Any]] | None = None
    marker: Callable[[str], str] | None = None
    store: Store | None = None
    # The tfvars map of tier values exists only while the kind has entities.
    tier_when_present: bool = False

    def entities(self, platform: Platform) -> dict[str, Any]:
        """The kind's entities, by name, sorted (the order of every rendered map)."""
        if self.collect is not None:
            return dict(sorted(self.collect(platform).items()))
        found: Mapping[str, Any] = getattr(platform, self.section, None) or {}
        return dict(sorted(found.items()))

    def spec_path(self, key: str) -> str:
        """The dotted spec path of an entity key (its ``# spec:`` marker)."""
        return self.marker(key) if self.marker is not None else f"{self.section}.{key}"

    def placed(
        self, platform: Platform, placement: Placement, emap: EntityMap | None = None
    ) -> dict[str, Any]:
        """The entities of ``placement``'s first map (or of ``emap``, among those)."""
        wanted = (placement.when, emap.when if emap is not None else _always)
        return {n: e for n, e in self.entities(platform).items() if all(w(e) for w in wanted)}


@dataclass(frozen=True)
class Module:
    """A module that is not built for one kind: where its lines map, when it exists."""

    name: str
    section: SpecPath
    present: Callable[[Platform], bool] = lambda _: True


# --------------------------------------------------------------------------- the registry


def _has_ingress(platform: Platform) -> bool:
    return platform.ingress is not None


def _routed(service: Service) -> bool:
    return service.routes is not None


def _has_secrets(service: Service) -> bool:
    """The execution role reads secrets: the service's own, registry credentials or the
    credential secrets of stores it uses."""
    return (
        bool(service.secrets)
        or service.image.credentials is not None
        or any(use.secret_variable is not None for use in service.uses)
    )


def _own_image(service: Service) -> bool:
    return not service.image.external


def _exec(service: Service) -> bool:
    return service.exec


def _has_own_images(platform: Platform) -> bool:
    return any(_own_image(s) for s in platform.services.values())


_READERS = "services_with_secrets"
_EXEC = "services_with_exec"
_CLIENTS = "messaging_clients"
_INGRESS_RULE = "aws_vpc_security_group_ingress_rule"
_EGRESS_RULE = "aws_vpc_security_group_egress_rule"

MODULES: dict[str, Module] = {
    "network": Module("network", ("network",)),
    "security": Module("security", ("secrets",)),
    "ecr": Module("ecr", ("services",), _has_own_images),
    "ingress": Module("ingress", ("ingress",), _has_ingress),
    "waf": Module("waf", ("ingress", "waf"), _has_ingress),
    "ecs": Module("ecs", ("services",)),
}


def _uses_stores(service: Service) -> bool:
    """The service's task role gets a data-store policy (some relation grants actions)."""
    entry = uses_entry("", service)
    return bool(entry["statements"] or entry["kms_actions"])


def _uses_entry(name: str, service: Service) -> dict[str, Any]:
    return uses_entry(name, service)  # defined below, with the store kinds it reads


SERVICES = EntityKind(
    section="services",
    model=Service,
    placements=(
        Placement(
            module="ecs",
            maps=(
                EntityMap("services", ecs_entry),
                EntityMap("routed_services", routed_entry, _routed),
                EntityMap(_READERS, secret_reader_entry, _has_secrets),
                EntityMap(_EXEC, exec_entry, _exec),
                EntityMap(_CLIENTS, messaging.messaging_client_entry, messaging.has_relations),
                EntityMap("services_with_uses", _uses_entry, _uses_stores),
            ),
            resources=(
                Resource("aws_cloudwatch_log_group", "this", "{id}"),
                Resource("aws_iam_role", "execution", "{id}_execution"),
                Resource("aws_iam_role_policy_attachment", "execution", "{id}_execution"),
                Resource("aws_iam_policy_document", "secrets", data=True, local=_READERS),
                Resource(
                    "aws_iam_role_policy", "secrets", "{id}_secrets", local="services_with_secrets"
                ),
                Resource("aws_iam_role", "task", "{id}_task"),
                Resource("aws_iam_role_policy", "exec", local=_EXEC),
                Resource("aws_iam_policy_document", "messaging", data=True, local=_CLIENTS),
                Resource("aws_iam_role_policy", "messaging", local=_CLIENTS),
                Resource("aws_iam_policy_document", "uses", data=True, local="services_with_uses"),
                Resource("aws_iam_role_policy", "uses", local="services_with_uses"),
                Resource("aws_security_group", "this", "{id}"),
                Resource(_INGRESS_RULE, "from_alb", "{id}_from_alb", local="routed_services"),
                Resource(_EGRESS_RULE, "alb_to", "alb_to_{id}", local="routed_services"),
                Resource(_EGRESS_RULE, "https", "{id}_https"),
                Resource("aws_ecs_task_definition", "this", "{id}"),
                Resource("aws_ecs_service", "this", "{id}"),
                Resource("aws_appautoscaling_target", "this", "{id}"),
                Resource("aws_appautoscaling_policy", "cpu", "{id}_cpu"),
                Resource("aws_appautoscaling_policy", "memory", "{id}_memory"),
            ),
        ),
        Placement(
            module="ecr",
            maps=(EntityMap("repositories", ecr_entry, _own_image),),
            resources=(
                Resource("aws_ecr_repository", "this", "{id}"),
                Resource("aws_ecr_lifecycle_policy", "this", "{id}"),
            ),
        ),
        Placement(
            module="ingress",
            maps=(EntityMap("routes", route_entry, _routed),),
            resources=(
                Resource("aws_lb_target_group", "this", "{id}"),
                Resource("aws_lb_listener_rule", "this", "{id}"),
            ),
        ),
    ),
    tier_fields={
        "cpu": ("size", "cpu"),
        "memory": ("size", "memory"),
        "desired_count": ("scale", "desired"),
        "min_capacity": ("scale", "min"),
        "max_capacity": ("scale", "max"),
        "cpu_target": ("scale", "cpu_target"),
        "memory_target": ("scale", "memory_target"),
        "scale_in_cooldown": ("scale", "scale_in_cooldown"),
        "scale_out_cooldown": ("scale", "scale_out_cooldown"),
        "image": ("image", "reference"),
        "environment": ("environment",),
        "capacity": ("capacity",),
    },
)

SECRETS = EntityKind(
    section="secrets",
    model=Secret,
    placements=(
        Placement(
            module="security",
            maps=(EntityMap("secrets", secret_entry),),
            resources=(Resource("aws_secretsmanager_secret", "this", "{id}"),),
        ),
    ),
)


def _nested(child: str, *more: str) -> Callable[[str], str]:
    """Marker of a nested key: ``a/b`` -> ``<section>.a.<child>.b`` (+ ``more``)."""

    def marker(key: str) -> str:
        parent, name = key.split("/")[:2]
        return ".".join((parent, child, name, *more))

    return marker


def _section_marker(section: str, inner: Callable[[str], str]) -> Callable[[str], str]:
    return lambda key: f"{section}.{inner(key)}"


_MESSAGING = "messaging"

QUEUES = EntityKind(
    section="queues",
    model=Queue,
    collect=messaging.queue_views,
    placements=(
        Placement(
            module=_MESSAGING,
            maps=(
                EntityMap("queues", messaging.queue_entry),
                EntityMap("source_queues", messaging.source_queue_entry, messaging.is_source),
                EntityMap(
                    "dead_letter_queues",
                    messaging.dead_letter_queue_entry,
                    messaging.is_dead_letter,
                ),
                EntityMap("queue_policies", messaging.queue_policy_entry, messaging.has_senders),
            ),
            resources=(
                Resource("aws_sqs_queue", "this", local="source_queues"),
                Resource("aws_sqs_queue", "dead_letter", local="dead_letter_queues"),
                Resource("aws_iam_policy_document", "queue", data=True, local="queue_policies"),
                Resource("aws_sqs_queue_policy", "this", local="queue_policies"),
            ),
        ),
    ),
    tier_fields={"retention_seconds": ("retention_seconds",)},
)

BUSES = EntityKind(
    section="buses",
    model=Bus,
    collect=messaging.bus_views,
    placements=(
        Placement(
            module=_MESSAGING,
            maps=(
                EntityMap("buses", messaging.bus_entry),
                EntityMap("published_buses", messaging.bus_policy_entry, messaging.published),
            ),
            resources=(
                Resource("aws_cloudwatch_event_bus", "this"),
                Resource("aws_iam_policy_document", "bus", data=True, local="published_buses"),
                Resource("aws_cloudwatch_event_bus_policy", "this", local="published_buses"),
            ),
        ),
    ),
)

BUS_RULES = EntityKind(
    section="buses",
    model=BusRule,
    collect=messaging.rule_views,
    marker=_section_marker("buses", _nested("rules")),
    placements=(
        Placement(
            module=_MESSAGING,
            maps=(EntityMap("rules", messaging.rule_entry),),
            resources=(Resource("aws_cloudwatch_event_rule", "this"),),
        ),
    ),
)

RULE_TARGETS = EntityKind(
    section="buses",
    model=BusRule,
    collect=messaging.target_views,
    marker=_section_marker("buses", _nested("rules", "targets")),
    placements=(
        Placement(
            module=_MESSAGING,
            maps=(EntityMap("rule_targets", messaging.target_entry),),
            resources=(Resource("aws_cloudwatch_event_target", "this"),),
        ),
    ),
)

TOPICS = EntityKind(
    section="topics",
    model=Topic,
    placements=(
        Placement(
            module=_MESSAGING,
            maps=(EntityMap("topics", messaging.topic_entry),),
            resources=(Resource("aws_sns_topic", "this"),),
        ),
    ),
)

TOPIC_SUBSCRIPTIONS = EntityKind(
    section="topics",
    model=Subscription,
    collect=messaging.subscription_views,
    marker=_section_marker("topics", _nested("subscriptions")),
    placements=(
        Placement(
            module=_MESSAGING,
            maps=(EntityMap("subscriptions", messaging.subscription_entry),),
            resources=(Resource("aws_sns_topic_subscription", "this"),),
        ),
    ),
)

# https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html
TABLES = EntityKind(
    section="tables",
    model=Table,
    placements=(
        Placement(
            module="tables",
            maps=(EntityMap("tables", table_entry),),
            resources=(Resource("aws_dynamodb_table", "this"),),
        ),
    ),
    tier_fields={"deletion_protection": ("deletion_protection",)},
    store=Store(
        reference="table",
        grants=(
            Grant(
                "Items",
                read=(
                    "dynamodb:BatchGetItem",
                    "dynamodb:ConditionCheckItem",
                    "dynamodb:DescribeTable",
                    "dynamodb:GetItem",
                    "dynamodb:Query",
                    "dynamodb:Scan",
                ),
                write=(
                    "dynamodb:BatchWriteItem",
                    "dynamodb:DeleteItem",
                    "dynamodb:PutItem",
                    "dynamodb:UpdateItem",
                ),
                resources=("", "/index/*"),
            ),
        ),
    ),
)


def _logged(bucket: Bucket) -> bool:
    return bucket.access_logs is not None


# https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
BUCKETS = EntityKind(
    section="buckets",
    model=Bucket,
    placements=(
        Placement(
            module="buckets",
            maps=(
                EntityMap("buckets", bucket_entry),
                EntityMap("logged_buckets", logged_bucket_entry, _logged),
            ),
            resources=(
                Resource("aws_s3_bucket", "this"),
                Resource("aws_s3_bucket_public_access_block", "this"),
                Resource("aws_s3_bucket_ownership_controls", "this"),
                Resource("aws_s3_bucket_versioning", "this"),
                Resource("aws_s3_bucket_server_side_encryption_configuration", "this"),
                Resource("aws_s3_bucket_lifecycle_configuration", "this"),
                Resource("aws_iam_policy_document", "this", data=True),
                Resource("aws_s3_bucket_policy", "this"),
                Resource("aws_s3_bucket_logging", "this", local="logged_buckets"),
            ),
        ),
    ),
    store=Store(
        reference="bucket",
        grants=(
            Grant("List", read=("s3:ListBucket",), write=(), resources=("",)),
            Grant(
                "Objects",
                read=("s3:GetObject",),
                write=("s3:AbortMultipartUpload", "s3:DeleteObject", "s3:PutObject"),
                resources=("/*",),
            ),
        ),
    ),
)


def network_use(use: StoreUse) -> bool:
    """The used store is reached in the VPC (the task's security group opens to it)."""
    store = stores(KINDS)[use.reference].store
    return store is not None and store.network


def store_links(platform: Platform) -> dict[str, StoreLink]:
    """Every ``uses`` relation to a network store, keyed ``<service>/<section>/<store>``."""
    return {
        f"{name}/{STORE_KINDS[use.reference].section}/{use.target}": StoreLink(name, use)
        for name, svc in platform.services.items()
        for use in svc.uses
        if network_use(use)
    }


@dataclass(frozen=True)
class StoreLink:
    """A service's ``uses`` relation to a store it reaches in the VPC."""

    service: str
    use: StoreUse


def store_link_entry(_key: str, link: StoreLink) -> dict[str, Any]:
    """The security-group rules between a task and a store it uses (the store's port)."""
    section = STORE_KINDS[link.use.reference].section
    return {"service": link.service, "store": section, "entity": link.use.target}


STORE_LINKS = EntityKind(
    section="services",
    model=StoreUse,
    collect=store_links,
    marker=lambda key: f"services.{key.split('/')[0]}.uses",
    placements=(
        Placement(
            module="ecs",
            maps=(EntityMap("store_links", store_link_entry),),
            resources=(
                Resource(_EGRESS_RULE, "to_store"),
                Resource(_INGRESS_RULE, "store_from_task"),
            ),
        ),
    ),
)


def _fronts_bucket(dist: Distribution) -> bool:
    return any(o.bucket is not None for o in dist.origins.values())


def _requests_certificate(dist: Distribution) -> bool:
    return bool(dist.aliases) and dist.certificate_arn is None


_CDN_WAF = "aws_wafv2_web_acl"
# CloudFront distributions; the web ACL, its logs, the certificate and the log delivery in
# us-east-1 (provider aws.us_east_1).
CDN = EntityKind(
    section="cdn",
    model=Distribution,
    placements=(
        Placement(
            module="cdn",
            maps=(
                EntityMap("distributions", cdn_entry),
                EntityMap("bucket_fronting", cdn_oac_entry, _fronts_bucket),
                EntityMap("certified", cdn_acm_entry, _requests_certificate),
            ),
            resources=(
                Resource("aws_cloudfront_origin_access_control", "this", local="bucket_fronting"),
                Resource("aws_cloudfront_response_headers_policy", "this"),
                Resource(_CDN_WAF, "this"),
                Resource("aws_cloudwatch_log_group", "waf"),
                Resource(f"{_CDN_WAF}_logging_configuration", "this"),
                Resource("aws_acm_certificate", "this", local="certified"),
                Resource("aws_acm_certificate_validation", "this", local="certified"),
                Resource("aws_cloudfront_distribution", "this"),
                Resource("aws_cloudwatch_log_delivery_source", "this"),
                Resource("aws_cloudwatch_log_delivery_destination", "this"),
                Resource("aws_cloudwatch_log_delivery", "this"),
            ),
        ),
    ),
    tier_fields={
        "aliases": ("aliases",),
        "price_class": ("price_class",),
        "waf_rate_limit": ("waf", "rate_limit"),
        "waf_log_retention_days": ("waf", "log_retention_days"),
    },
    tier_when_present=True,
)

KINDS: tuple[EntityKind, ...] = (
    SERVICES,
    SECRETS,
    QUEUES,
    BUSES,
    BUS_RULES,
    RULE_TARGETS,
    TOPICS,
    TOPIC_SUBSCRIPTIONS,
    TABLES,
    BUCKETS,
    CDN,
    STORE_LINKS,
)


def stores(kinds: tuple[EntityKind, ...] = KINDS) -> dict[str, EntityKind]:
    """The kinds a service can ``use``, by their reference (table, bucket)."""
    return {k.store.reference: k for k in kinds if k.store is not None}


def present_stores(platform: Platform, kinds: tuple[EntityKind, ...] = KINDS) -> list[str]:
    """The sections of the store kinds the platform has entities of (their modules exist)."""
    return [k.section for k in kinds if k.store is not None and k.entities(platform)]


def store_wiring(platform: Platform, kinds: tuple[EntityKind, ...] = KINDS) -> list[dict[str, Any]]:
    """Per present store kind: which of its module's outputs the ECS module receives."""
    return [
        k.store.wiring(k.section) for k in kinds if k.store is not None and k.entities(platform)
    ]


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", name) if part)


def use_statements(use: StoreUse, kinds: tuple[EntityKind, ...] = KINDS) -> list[dict[str, Any]]:
    """The task-role statements one ``uses`` relation adds (literal: see ``uses_entry``)."""
    kind = stores(kinds)[use.reference]
    assert kind.store is not None
    prefix = _camel(use.reference) + _camel(use.target)
    return [
        {
            "sid": prefix + grant.sid,
            "actions": grant.actions(use.access),
            "store": kind.section,
            "entity": use.target,
            "suffixes": list(grant.resources),
        }
        for grant in kind.store.grants
    ]


def kms_actions(uses: list[StoreUse], kinds: tuple[EntityKind, ...] = KINDS) -> list[str]:
    """What the task may do with the platform key for the stores it uses."""
    found: set[str] = set()
    for use in uses:
        store = stores(kinds)[use.reference].store
        if store is not None and store.kms:
            found.update(KMS_WRITE if use.access == "write" else KMS_READ)
    return sorted(found)


def uses_entry(_name: str, svc: Service) -> dict[str, Any]:
    """A service that uses data stores: its task-role statements and KMS actions."""
    return {
        "statements": [st for use in svc.uses for st in use_statements(use)],
        "kms_actions": kms_actions(list(svc.uses)),
    }


# --------------------------------------------------------------------------- queries


def placements(kinds: tuple[EntityKind, ...] = KINDS) -> Iterator[tuple[EntityKind, Placement]]:
    for kind in kinds:
        for placement in kind.placements:
            yield kind, placement


def module_section(module: str, kinds: tuple[EntityKind, ...] = KINDS) -> SpecPath | None:
    """The spec section a module's unmarked lines come from (None: not a known module)."""
    if module in MODULES:
        return MODULES[module].section
    return next(((k.section,) for k, p in placements(kinds) if p.module == module), None)


def module_present(platform: Platform, module: str, kinds: tuple[EntityKind, ...] = KINDS) -> bool:
    """Whether ``modules/<module>/`` is rendered for ``platform``."""
    if module in MODULES:
        return MODULES[module].present(platform)
    own = [(k, p) for k, p in placements(kinds) if p.module == module]
    return not own or any(k.placed(platform, p) for k, p in own)


def _walk(value: Any, path: SpecPath) -> Any:
    for part in path:
        value = getattr(value, part)
    if isinstance(value, BaseModel):
        return value.model_dump()
    if isinstance(value, Mapping):
        return dict(sorted(value.items()))
    return value


def tier_values(platform: Platform, kinds: tuple[EntityKind, ...] = KINDS) -> dict[str, Any]:
    """The tfvars map of every kind with tier values: section -> entity -> field -> value."""
    return {
        kind.section: {
            name: {key: _walk(entity, path) for key, path in kind.tier_fields.items()}
            for name, entity in kind.entities(platform).items()
        }
        for kind in kinds
        if kind.tier_fields
        and ((kind.store is None and not kind.tier_when_present) or kind.entities(platform))
    }


def tier_variables(kinds: tuple[EntityKind, ...] = KINDS) -> dict[str, EntityKind]:
    """The tfvars variables that hold one entry per entity (named after the section)."""
    return {kind.section: kind for kind in kinds if kind.tier_fields}


@dataclass(frozen=True)
class Move:
    source: hcl.Hcl
    target: hcl.Hcl


@dataclass(frozen=True)
class EntityMoves:
    path: str
    moves: list[Move]


def moves(
    platform: Platform, module: str, kinds: tuple[EntityKind, ...] = KINDS
) -> list[EntityMoves]:
    """The ``moved`` blocks of one module: every explicit address of an entity's resource
    (before ``for_each``) to its instance address, grouped by entity."""
    found = []
    for kind, placement in placements(kinds):
        if placement.module != module:
            continue
        members = {m.local: kind.placed(platform, placement, m) for m in placement.maps}
        for name in kind.placed(platform, placement):
            pairs = [
                Move(hcl.Hcl(legacy), hcl.Hcl(r.address(name)))
                for r in placement.resources
                if name in members[placement.map_of(r).local]
                and (legacy := r.legacy_address(name)) is not None
            ]
            if pairs:
                found.append(EntityMoves(f"{kind.section}.{name}", pairs))
    return found


_ADDRESS = re.compile(
    r"^(?:module\.(?P<module>[A-Za-z0-9_-]+)\.)*(?:data\.)?"
    r'(?P<type>[A-Za-z0-9_]+)\.(?P<name>[A-Za-z0-9_-]+)\["(?P<key>[^"]+)"\]$'
)


def entity_of(module: str, address: str, kinds: tuple[EntityKind, ...] = KINDS) -> SpecPath | None:
    """The spec entity of a ``for_each`` instance address in ``module``, or None.

    ``address`` may carry ``module.<name>.`` prefixes (checkov's form) and ``data.``;
    keys of the form ``<entity>/<part>`` belong to ``<entity>``.
    """
    match = _ADDRESS.match(address)
    if match is None:
        return None
    module = match.group("module") or module
    rtype, name = match.group("type"), match.group("name")
    for kind, placement in placements(kinds):
        if placement.module == module and any(
            r.type == rtype and r.name == name for r in placement.resources
        ):
            return (kind.section, match.group("key").split("/", 1)[0])
    return None
