"""The platform model: what a user writes in ``specs/`` and ``environments/``.

Entities are maps keyed by name so an environment file can override one field of
one entity.  Fields marked :func:`tiered` may differ per environment; they are
rendered into each workspace's tfvars.  Every other field is *structure*: it is
rendered into the shared HCL and an environment file may not change it.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from tfgen.awsfacts import LOG_RETENTION_DAYS

TIER_MARK = "tier"

NAME_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
REGION_PATTERN = r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$"
PLATFORM_NAME_PATTERN = r"^[a-z][a-z0-9]{1,11}$"
ENV_NAME_PATTERN = r"^[a-z][a-z0-9]{1,9}$"  # environment (and workspace) names
ENV_VAR_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
RUNTIME_PATTERN = r"^[a-z][a-z0-9_.+-]{0,31}$"
# What a value of each common pattern looks like, in words (the hint of a TFG103 mismatch).
PATTERN_HELP = {
    PLATFORM_NAME_PATTERN: "2 to 12 characters: a lowercase letter, then lowercase letters or "
    "digits (no hyphens), e.g. acme or shop2",
    NAME_PATTERN: "a lowercase letter, then lowercase letters and digits, with single hyphens "
    "between them, e.g. order-service",
    ENV_NAME_PATTERN: "2 to 10 characters: a lowercase letter, then lowercase letters or digits",
    ENV_VAR_PATTERN: "a letter or underscore, then letters, digits or underscores",
    RUNTIME_PATTERN: "a lowercase identifier, e.g. python, go or elixir",
}

Name = Annotated[str, Field(pattern=NAME_PATTERN, min_length=2, max_length=40)]
Region = Annotated[str, Field(pattern=REGION_PATTERN)]
Port = Annotated[int, Field(ge=1, le=65535)]
Percent = Annotated[int, Field(ge=1, le=100)]


def tiered(default: Any = ..., **kwargs: Any) -> Any:
    """A field that may differ per environment (rendered into tfvars)."""
    extra: Any = {TIER_MARK: True}
    if default is ...:
        return Field(json_schema_extra=extra, **kwargs)
    return Field(default, json_schema_extra=extra, **kwargs)


def _cidr(value: str) -> str:
    try:
        net = ipaddress.IPv4Network(value, strict=True)
    except ValueError as exc:
        raise ValueError(f"not an IPv4 CIDR block with host bits zero: {exc}") from None
    if not 16 <= net.prefixlen <= 28:
        raise ValueError("AWS VPC and subnet blocks must be between /16 and /28")
    return value


def _retention(value: int) -> int:
    if value not in LOG_RETENTION_DAYS:
        allowed = ", ".join(str(v) for v in LOG_RETENTION_DAYS)
        raise ValueError(f"CloudWatch Logs accepts only these retention periods: {allowed}")
    return value


Cidr = Annotated[str, AfterValidator(_cidr)]
RetentionDays = Annotated[int, AfterValidator(_retention)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


# --- platform -----------------------------------------------------------------------------


class Regions(Strict):
    """The regions the platform deploys to."""

    primary: Region = Field(description="Region every workspace deploys to.")
    dr: Region | None = Field(None, description="Warm-standby region (used by the DR layer).")


class Backend(Strict):
    """Terraform state in S3 (one state per workspace under the same key)."""

    bucket: str = Field(
        pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
        description="S3 bucket that holds Terraform state.",
    )
    key: str = Field(
        "platform.tfstate", min_length=1, max_length=200, description="State object key."
    )
    region: Region | None = Field(None, description="Defaults to the primary region.")


class PlatformInfo(Strict):
    """Identity of the platform."""

    name: str = Field(
        pattern=PLATFORM_NAME_PATTERN,
        description="Short platform name: 2 to 12 characters, a lowercase letter then "
        "lowercase letters or digits (no hyphens; it prefixes every AWS name).",
    )
    regions: Regions = Field(description="Primary (and optional DR) region.")
    backend: Backend = Field(description="S3 backend that holds the Terraform state.")
    tags: dict[str, str] = Field(
        default_factory=dict,
        description="Tags on every resource (plain values: no secrets, TFG223).",
    )
    legacy_addresses: bool = Field(
        False,
        description="Render `moved` blocks (modules/*/moved.tf) from the per-entity addresses "
        "tfgen wrote before the for_each shape, so workspaces applied then migrate without "
        "replacement. Leave off for a new platform; turn off once every workspace has applied.",
    )


class Tier(Strict):
    """Values that differ by environment tier (all rendered into tfvars)."""

    nat_gateways: Literal["none", "single", "per_az"] = tiered("per_az")
    log_retention_days: RetentionDays = tiered(30)
    container_insights: Literal["disabled", "enabled", "enhanced"] = tiered("enabled")
    deletion_protection: bool = tiered(True)
    flow_logs_retention_days: RetentionDays = tiered(90)
    alb_access_log_retention_days: Annotated[int, Field(ge=1, le=3650)] = tiered(90)
    allow_http_only: bool = tiered(
        False,
        description="Accept `ingress.https: false` (an HTTP-only load balancer, for "
        "development tiers) in this environment.",
    )


# --- network ------------------------------------------------------------------------------


class SubnetTiers(Strict):
    """Subnet blocks per tier, one per availability zone."""

    public: list[Cidr] = Field(description="One CIDR per availability zone, in AZ order.")
    private: list[Cidr]
    data: list[Cidr]


InterfaceEndpoint = Literal[
    "ecr.api",
    "ecr.dkr",
    "logs",
    "secretsmanager",
    "ssm",
    "ssmmessages",
    "ec2messages",
    "kms",
    "sts",
    "sqs",
    "sns",
    "events",
    "monitoring",
    "xray",
    "elasticloadbalancing",
    "execute-api",
]


GatewayEndpoint = Literal["s3", "dynamodb"]


def _default_gateways() -> list[GatewayEndpoint]:
    return ["s3"]


class Endpoints(Strict):
    """VPC endpoints: gateway endpoints (free) and interface endpoints."""

    gateway: list[GatewayEndpoint] = Field(default_factory=_default_gateways)
    interface: list[InterfaceEndpoint] = Field(default_factory=list)


class FlowLogs(Strict):
    """VPC flow logs to CloudWatch Logs."""

    enabled: bool = True
    traffic_type: Literal["ALL", "ACCEPT", "REJECT"] = "ALL"


class Network(Strict):
    """The VPC: one public, private and data subnet per availability zone."""

    cidr: Cidr = Field(description="VPC block (/16 to /28).")
    availability_zones: list[Annotated[str, Field(pattern=r"^[a-z]{2}-[a-z]+-[0-9][a-z]$")]] = (
        Field(
            min_length=2,
            max_length=6,
            description="Zones of the primary region, in order. At least two: an Application "
            "Load Balancer needs subnets in two availability zones.",
        )
    )
    subnets: SubnetTiers = Field(description="Subnet blocks per tier, one per zone.")
    endpoints: Endpoints = Field(default_factory=Endpoints, description="VPC endpoints.")
    flow_logs: FlowLogs = Field(default_factory=FlowLogs, description="VPC flow logs.")


# --- messaging ----------------------------------------------------------------------------
#
# Relations name an entity as ``<kind>.<name>``: ``bus.<name>``, ``topic.<name>`` (what a
# service publishes to) and ``queue.<name>`` (what it consumes, what a rule targets).

BUS_REF = "bus"
TOPIC_REF = "topic"
QUEUE_REF = "queue"
_REF_NAME = r"[a-z][a-z0-9]*(-[a-z0-9]+)*"
PublishRef = Annotated[
    str,
    Field(
        pattern=rf"^(bus|topic)\.{_REF_NAME}$",
        description="`bus.<name>` (an entry of `buses`) or `topic.<name>` (of `topics`).",
    ),
]
QueueRef = Annotated[
    str, Field(pattern=rf"^queue\.{_REF_NAME}$", description="`queue.<name>` (of `queues`).")
]
# SQS: 60 seconds .. 14 days; visibility 0 .. 12 hours.
QueueSeconds = Annotated[int, Field(ge=60, le=1_209_600)]
VisibilitySeconds = Annotated[int, Field(ge=0, le=43_200)]


def ref_name(ref: str) -> str:
    """The entity name of a relation reference (``queue.orders`` -> ``orders``)."""
    return ref.split(".", 1)[1]


def ref_kind(ref: str) -> str:
    return ref.split(".", 1)[0]


class EventPattern(Strict):
    """The EventBridge event pattern of a rule: events whose source and detail-type match."""

    source: list[Annotated[str, Field(min_length=1, max_length=256)]] = Field(
        min_length=1, description="Event sources (the `Source` of PutEvents), any of."
    )
    detail_type: list[Annotated[str, Field(min_length=1, max_length=128)]] = Field(
        default_factory=list, description="Detail types (`DetailType`), any of; empty: all."
    )


class Retry(Strict):
    """How EventBridge retries delivery to a target before it sends the event to the DLQ."""

    max_attempts: Annotated[int, Field(ge=0, le=185)] = 185
    max_event_age: Annotated[int, Field(ge=60, le=86_400)] = Field(
        86_400, description="Seconds an undelivered event is retried."
    )


class BusRule(Strict):
    """An EventBridge rule on a bus: matching events go to queues."""

    description: str | None = Field(None, max_length=512)
    pattern: EventPattern = Field(description="Which events the rule matches.")
    targets: list[QueueRef] = Field(
        min_length=1,
        max_length=5,
        description="Queues that receive the matching events (`queue.<name>`); each gets its "
        "queue's dead-letter queue for undeliverable events.",
    )
    retry: Retry = Field(default_factory=Retry, description="Delivery retry policy.")


class Bus(Strict):
    """A custom EventBridge event bus. Only the task roles of services that publish to it
    (`services.<name>.publishes: [bus.<bus>]`) may put events on it."""

    description: str | None = Field(None, max_length=512)
    rules: dict[Name, BusRule] = Field(
        default_factory=dict, description="Rules by name: event pattern -> queues."
    )


class DeadLetter(Strict):
    """Where messages go after ``max_receives`` failed receives (the SQS redrive policy)."""

    queue: Name = Field(description="Name of another entry of `queues` (the dead-letter queue).")
    max_receives: Annotated[int, Field(ge=1, le=1000)] = Field(
        description="Receives before a message moves to the dead-letter queue (maxReceiveCount)."
    )


class Queue(Strict):
    """An SQS queue, encrypted with the platform's messaging KMS key. A queue either names
    its dead-letter queue, or is the dead-letter queue of another queue."""

    dead_letter: DeadLetter | None = Field(
        None, description="Dead-letter queue and redrive count; omit only on dead-letter queues."
    )
    visibility_timeout: VisibilitySeconds = Field(
        30, description="Seconds a received message stays hidden from other consumers."
    )
    processing_timeout: Annotated[int, Field(ge=0, le=43_200)] = Field(
        0,
        description="Longest time in seconds a consumer (an ECS task) takes for one message; "
        "visibility_timeout must be at least this (TFG244).",
    )
    retention_seconds: QueueSeconds = tiered(
        345_600, description="Seconds a message is kept (60 .. 1,209,600)."
    )


SubscriptionProtocol = Literal["email", "https", "sqs"]


class Subscription(Strict):
    """A subscription to a topic: an email address, an HTTPS endpoint or a queue."""

    protocol: SubscriptionProtocol
    endpoint: str = Field(
        min_length=1,
        max_length=2048,
        description="email: the address; https: the URL (no credentials or tokens in it); "
        "sqs: `queue.<name>`.",
    )


class Topic(Strict):
    """An SNS topic, encrypted with the platform's messaging KMS key."""

    description: str | None = Field(None, max_length=512)
    subscriptions: dict[Name, Subscription] = Field(
        default_factory=dict, description="Subscriptions by name."
    )


# --- services -----------------------------------------------------------------------------


class Size(Strict):
    """Fargate task size (a CPU/memory pair Fargate offers)."""

    cpu: int = Field(description="Fargate task CPU units (256 = 0.25 vCPU).")
    memory: int = Field(description="Fargate task memory in MiB.")


class Scale(Strict):
    """Task counts and target-tracking autoscaling on CPU and memory."""

    desired: Annotated[int, Field(ge=0, le=5000)]
    min: Annotated[int, Field(ge=0, le=5000)]
    max: Annotated[int, Field(ge=1, le=5000)]
    cpu_target: Percent = 70
    memory_target: Percent = 80
    scale_in_cooldown: Annotated[int, Field(ge=0, le=3600)] = 300
    scale_out_cooldown: Annotated[int, Field(ge=0, le=3600)] = 60


def _exec_command(value: list[str]) -> list[str]:
    if value[0] != "CMD":
        raise ValueError('use the exec form: ["CMD", "<executable>", "<arg>", ...] (no shell)')
    return value


ExecCommand = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=1024)]],
    Field(min_length=2, max_length=64),
    AfterValidator(_exec_command),
]


class HealthCheck(Strict):
    """How the load balancer and ECS check that a task is healthy."""

    path: str = Field(
        "/health",
        pattern=r"^/[A-Za-z0-9/._~!*+,=:@%-]*$",
        max_length=1024,
        description="HTTP path the load balancer and the container health check request "
        "(no spaces, quotes or shell characters such as & ; $ ( )).",
    )
    command: ExecCommand | None = Field(
        None,
        description='Container health check in exec form, e.g. ["CMD", "/app/healthcheck"], '
        "for images without curl; default: "
        '["CMD", "curl", "-fsS", "http://localhost:<port><path>"] (needs curl in the image).',
    )
    interval: Annotated[int, Field(ge=5, le=300)] = 15
    timeout: Annotated[int, Field(ge=2, le=60)] = 5
    healthy_threshold: Annotated[int, Field(ge=2, le=10)] = 2
    unhealthy_threshold: Annotated[int, Field(ge=2, le=10)] = 3
    matcher: str = Field("200", pattern=r"^[0-9]{3}(-[0-9]{3})?(,[0-9]{3}(-[0-9]{3})?)*$")
    grace_period: Annotated[int, Field(ge=0, le=300)] = 60


class Routes(Strict):
    """ALB listener rule: path patterns routed to the service, and the rule's priority."""

    paths: list[Annotated[str, Field(min_length=1, max_length=128)]] = Field(min_length=1)
    priority: Annotated[int, Field(ge=1, le=50000)]


class Capacity(Strict):
    """Fargate capacity-provider strategy: base tasks on FARGATE, the rest by weight."""

    base: Annotated[int, Field(ge=0, le=100000)] = 0
    fargate: Annotated[int, Field(ge=0, le=1000)] = 1
    fargate_spot: Annotated[int, Field(ge=0, le=1000)] = 0


IMAGE_TAG_PATTERN = r"^([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|sha256:[a-f0-9]{64})$"
# [registry[:port]/]path[:tag][@sha256:digest], lowercase path components (the OCI
# distribution reference grammar, without uppercase letters in the path).
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
IMAGE_URI_PATTERN = (
    r"^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?/)?"
    rf"{_COMPONENT}(?:/{_COMPONENT})*"
    r"(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$"
)


class Image(Strict):
    """The image of a service: a tag in the platform's own ECR repository (the default), or
    an external image by reference (public ECR, Docker Hub, any registry)."""

    tag: str | None = Field(
        None,
        pattern=IMAGE_TAG_PATTERN,
        description="Immutable tag or sha256 digest in the service's own ECR repository "
        "<platform>-<env>/<service> (tfgen creates the repository). Exactly one of tag, uri.",
    )
    uri: str | None = Field(
        None,
        pattern=IMAGE_URI_PATTERN,
        max_length=512,
        description="External image reference, pinned by tag or digest, e.g. "
        "public.ecr.aws/nginx/nginx:1.27, docker.io/library/redis:7 or "
        "<name>@sha256:<digest>; untagged or `latest` is an error (TFG211). The service gets "
        "no ECR repository. Exactly one of tag, uri.",
    )
    credentials: Name | None = Field(
        None,
        description="Entry in `secrets` holding the registry credentials "
        '({"username": ..., "password": ...}) of a private registry; only with uri.',
    )

    @property
    def external(self) -> bool:
        return self.uri is not None

    @property
    def reference(self) -> str:
        """The tier value rendered into tfvars: the tag, or the whole external reference."""
        return self.uri if self.uri is not None else self.tag or ""


class SecretRef(Strict):
    """A service environment variable whose value comes from a secret."""

    secret: Name = Field(description="Name of an entry in `secrets`.")
    key: str | None = Field(None, pattern=r"^[A-Za-z0-9_.-]+$", description="JSON key.")


# Runtimes tfgen knows (Dockerfile templates will be chosen by these); any other lowercase
# identifier is accepted as well.
KNOWN_RUNTIMES = ("dotnet", "go", "java", "node", "php", "python", "ruby", "rust")


@dataclass(frozen=True)
class StoreKind:
    """What a `uses` relation to one kind of store gives the task, as the spec sees it.

    ``section``: where the stores are in the spec; ``outputs``: the plain variables the
    task receives, ``<KIND>_<NAME>_<OUTPUT>`` (NAME, ENDPOINT, PORT, ...); ``secret``: the
    store has a credential secret, which the task receives as ``<KIND>_<NAME>_SECRET``
    through a Secrets Manager reference (never a plain value).
    """

    section: str
    outputs: tuple[str, ...]
    secret: bool = False


# The key a `uses` entry names a store by -> what that kind of store is.  The entity-kind
# registry (render/kinds.py) declares what each relation grants and where the values come
# from; a test keeps the two in step.
STORE_KINDS: dict[str, StoreKind] = {
    "table": StoreKind("tables", ("NAME",)),
    "bucket": StoreKind("buckets", ("NAME",)),
}
STORE_SECTIONS: dict[str, str] = {key: kind.section for key, kind in STORE_KINDS.items()}


class StoreUse(Strict):
    """A service's use of one data store: which store (one key naming its kind) and how."""

    table: Name | None = Field(None, description="A table of `tables`.")
    bucket: Name | None = Field(None, description="A bucket of `buckets`.")
    access: Literal["read", "write"] = Field(
        "read", description="read, or write (which includes read)."
    )

    @model_validator(mode="after")
    def _one_store(self) -> StoreUse:
        named = [key for key in STORE_SECTIONS if getattr(self, key) is not None]
        if len(named) != 1:
            keys = ", ".join(STORE_SECTIONS)
            raise ValueError(f"name exactly one store: one of the keys {keys}")
        return self

    @property
    def reference(self) -> str:
        """The kind of store used (its key: table, bucket)."""
        return next(key for key in STORE_SECTIONS if getattr(self, key) is not None)

    @property
    def target(self) -> str:
        value: str = getattr(self, self.reference)
        return value

    @property
    def prefix(self) -> str:
        """The prefix of the task's variables for this store: <KIND>_<NAME>."""
        return f"{self.reference}_{self.target}".upper().replace("-", "_")

    @property
    def variables(self) -> dict[str, str]:
        """The task's plain variables for this store: variable -> output (NAME, ENDPOINT, ...)."""
        kind = STORE_KINDS[self.reference]
        return {f"{self.prefix}_{output}": output for output in kind.outputs}

    @property
    def secret_variable(self) -> str | None:
        """The task's variable with the store's credential secret (a Secrets Manager
        reference), or None when the kind of store has no credentials."""
        return f"{self.prefix}_SECRET" if STORE_KINDS[self.reference].secret else None


class Service(Strict):
    """One ECS Fargate service: its image, size, scaling, routes, variables and secrets."""

    runtime: str = Field(
        pattern=RUNTIME_PATTERN,
        description="Language runtime of the image: any lowercase identifier (known: "
        + ", ".join(KNOWN_RUNTIMES)
        + "). Informational: shown in the generated comments; it does not change the "
        "resources (the container health check is health_check.command, or curl by default).",
    )
    port: Port = Field(
        description="Container port. Several services may use the same port (each awsvpc "
        "task has its own address)."
    )
    architecture: Literal["X86_64", "ARM64"] = Field("X86_64", description="CPU architecture.")
    size: Size = tiered(description="Fargate task size.")
    scale: Scale = tiered(description="Task counts and target-tracking autoscaling.")
    image: Image = tiered(
        description="{tag: ...} in the platform's own ECR repository "
        "<platform>-<env>/<service>, or {uri: ...} for an external image. Every environment "
        "uses the same kind (TFG228)."
    )
    exec: bool = Field(
        False,
        description="ECS Exec (`aws ecs execute-command`): enables it on the service and "
        "gives the task role the ssmmessages channel actions; sessions are logged by the "
        "cluster, encrypted with the platform key.",
    )
    capacity: Capacity = tiered(
        default_factory=Capacity, description="Fargate / Fargate Spot capacity strategy."
    )
    environment: dict[Annotated[str, Field(pattern=ENV_VAR_PATTERN)], str] = tiered(
        default_factory=dict,
        description="Plain environment variables, NAME: value. Never secrets: a secret-looking "
        "value is an error (TFG223); put secrets in `secrets`.",
    )
    health_check: HealthCheck = Field(
        HealthCheck(), description="Load balancer and container health check."
    )
    routes: Routes | None = Field(
        None, description="ALB path patterns routed to the service (needs `ingress`)."
    )
    secrets: dict[Annotated[str, Field(pattern=ENV_VAR_PATTERN)], SecretRef] = Field(
        default_factory=dict,
        description="Environment variables injected from Secrets Manager: NAME: {secret: "
        "<entry in secrets>, key: <JSON key>}.",
    )
    short_name: str | None = Field(
        None,
        pattern=r"^[a-z]([a-z0-9-]{0,11}[a-z0-9])?$",
        description="Name used where AWS limits length (target groups); default: the name "
        "without a trailing '-service'. Unique across services.",
    )
    publishes: list[PublishRef] = Field(
        default_factory=list,
        description="Buses and topics the service publishes to (`bus.<name>`, `topic.<name>`): "
        "its task role may PutEvents / Publish on exactly those, and the task gets "
        "<NAME>_BUS_NAME / <NAME>_TOPIC_ARN.",
    )
    consumes: list[QueueRef] = Field(
        default_factory=list,
        description="Queues the service consumes (`queue.<name>`): its task role may receive "
        "and delete their messages, and the task gets <NAME>_QUEUE_URL.",
    )
    uses: list[StoreUse] = Field(
        default_factory=list,
        description="Data stores the service reads or writes, e.g. [{table: payments, access: "
        "write}, {bucket: covers, access: read}]: the task role gets exactly those data-plane "
        "actions on exactly those stores (and on their KMS key), and the task gets each "
        "store's name as a plain environment variable <KIND>_<NAME>_NAME (the store's name in "
        "upper case, '-' as '_', e.g. TABLE_PAYMENTS_NAME).",
    )


class Secret(Strict):
    """A Secrets Manager secret the platform owns; its value is set out of band."""

    description: str = Field(min_length=1, max_length=2048, description="What the secret holds.")
    recovery_window_days: Annotated[int, Field(ge=7, le=30)] = Field(
        30, description="Days a deleted secret can be restored."
    )


# --- data stores --------------------------------------------------------------------------

AttributeName = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]+$", min_length=1, max_length=255)]
IndexName = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]+$", min_length=3, max_length=255)]


class TableIndex(Strict):
    """A global secondary index: its keys (attributes of the table) and projection."""

    hash_key: AttributeName = Field(description="Partition key (typed in `attributes`).")
    range_key: AttributeName | None = Field(None, description="Sort key (typed in `attributes`).")
    projection: Literal["ALL", "KEYS_ONLY", "INCLUDE"] = Field(
        "ALL", description="Attributes copied into the index."
    )
    non_key_attributes: list[AttributeName] = Field(
        default_factory=list, description="Attributes copied with projection INCLUDE."
    )


class Table(Strict):
    """A DynamoDB table: on-demand billing, KMS encryption, point-in-time recovery."""

    attributes: dict[AttributeName, Literal["S", "N", "B"]] = Field(
        min_length=1,
        description="Type (S, N or B) of every key attribute of the table and its indexes, "
        "each once; DynamoDB rejects an attribute no key uses (TFG252).",
    )
    hash_key: AttributeName = Field(description="Partition key.")
    range_key: AttributeName | None = Field(None, description="Sort key.")
    indexes: dict[IndexName, TableIndex] = Field(
        default_factory=dict, description="Global secondary indexes by name (at most 20)."
    )
    ttl: AttributeName | None = Field(
        None, description="Attribute holding the expiry time (epoch seconds); none: no TTL."
    )
    stream: Literal["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"] | None = Field(
        None, description="DynamoDB Streams view; none: no stream."
    )
    deletion_protection: bool = tiered(True, description="Refuse to delete the table.")


class LifecycleRule(Strict):
    """An S3 lifecycle rule on the objects under a prefix ("" = the whole bucket)."""

    prefix: Annotated[str, Field(max_length=1024)] = Field(
        "", description="Key prefix the rule applies to (the rule's filter)."
    )
    expire_days: Annotated[int, Field(ge=1)] | None = Field(
        None, description="Delete current objects this many days after creation."
    )
    noncurrent_days: Annotated[int, Field(ge=1)] | None = Field(
        None, description="Delete noncurrent versions this many days after they become so."
    )
    infrequent_access_days: Annotated[int, Field(ge=30)] | None = Field(
        None, description="Move current objects to STANDARD_IA after this many days (>= 30)."
    )


class Bucket(Strict):
    """An S3 bucket: private, owner-enforced, versioned, encrypted, TLS only."""

    purpose: Literal["data", "access-logs"] = Field(
        "data",
        description="data (SSE-KMS with the platform key) or access-logs: the target of S3 "
        "server access logging (SSE-S3, which that logging requires; its bucket policy lets "
        "logging.s3.amazonaws.com write the logs of the platform's buckets).",
    )
    versioning: bool = Field(True, description="Keep object versions.")
    access_logs: Name | None = Field(
        None, description="Bucket (purpose access-logs) that receives this bucket's access logs."
    )
    lifecycle: dict[Name, LifecycleRule] = Field(
        default_factory=dict,
        description="Lifecycle rules by id; every bucket also aborts incomplete multipart "
        "uploads after 7 days.",
    )


# --- ingress ------------------------------------------------------------------------------

TLS_POLICIES = (
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
)


# AWS managed rule groups (vendor AWS) that work without a ManagedRuleGroupConfig.
# https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-list.html
WAF_MANAGED_RULE_GROUPS = (
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesAdminProtectionRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesSQLiRuleSet",
    "AWSManagedRulesLinuxRuleSet",
    "AWSManagedRulesUnixRuleSet",
    "AWSManagedRulesWindowsRuleSet",
    "AWSManagedRulesPHPRuleSet",
    "AWSManagedRulesWordPressRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesAnonymousIpList",
)
# Intelligent threat mitigation groups: they need a ManagedRuleGroupConfig (login or sign-up
# paths, inspection level, challenge settings) that tfgen does not generate.
# https://docs.aws.amazon.com/waf/latest/APIReference/API_ManagedRuleGroupConfig.html
WAF_CONFIGURED_RULE_GROUPS = (
    "AWSManagedRulesBotControlRuleSet",
    "AWSManagedRulesATPRuleSet",
    "AWSManagedRulesACFPRuleSet",
    "AWSManagedRulesAntiDDoSRuleSet",
)


def _default_rule_groups() -> list[str]:
    return [
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "AWSManagedRulesSQLiRuleSet",
    ]


class Waf(Strict):
    """A web ACL: the ingress's (regional) or a distribution's (scope CLOUDFRONT)."""

    rate_limit: Annotated[int, Field(ge=10, le=2_000_000_000)] = tiered(2000)
    managed_rule_groups: list[Annotated[str, Field(pattern=r"^AWSManagedRules[A-Za-z0-9]+$")]] = (
        Field(
            default_factory=_default_rule_groups,
            json_schema_extra={"uniqueItems": True},
            description="AWS managed rule groups, in evaluation order, each once: "
            + ", ".join(WAF_MANAGED_RULE_GROUPS)
            + ".",
        )
    )
    log_retention_days: RetentionDays = tiered(90)


CERTIFICATE_ARN_PATTERN = (
    r"^arn:aws(-[a-z]+)*:acm:[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]:[0-9]{12}:"
    r"certificate/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
)


class Ingress(Strict):
    """The public entry point: an ALB with TLS, HTTP->HTTPS redirect and a regional WAF.

    TLS comes from exactly one of: ``hosted_zone`` (tfgen requests the certificate and
    validates it through Route 53), ``certificate_arn`` (an ACM certificate issued out of
    band), or ``https: false`` (HTTP only, where ``tier.allow_http_only`` allows it).
    """

    hosted_zone: str | None = Field(
        None,
        pattern=r"^([a-z0-9-]+\.)+[a-z]{2,}$",
        description="Route 53 public zone: tfgen requests an ACM certificate for hostname, "
        "validates it by DNS and points hostname at the load balancer.",
    )
    hostname: str | None = tiered(
        None,
        pattern=r"^([a-z0-9-]+\.)+[a-z]{2,}$",
        description="Public API host name (per env): the zone apex or a name inside the zone. "
        "Required with hosted_zone, and only with it.",
    )
    certificate_arn: str | None = Field(
        None,
        pattern=CERTIFICATE_ARN_PATTERN,
        description="ACM certificate (in the primary region) for the HTTPS listener, issued "
        "and validated out of band: no Route 53 or ACM resources are generated.",
    )
    https: bool = Field(
        True,
        description="false: an HTTP-only load balancer (no TLS, no redirect), accepted only "
        "where tier.allow_http_only is true, and reported as a warning (TFG227).",
    )

    @property
    def mode(self) -> Literal["zone", "certificate", "http"]:
        """Where the listener's TLS comes from (the rules make exactly one apply)."""
        if not self.https:
            return "http"
        return "certificate" if self.certificate_arn is not None else "zone"

    tls_policy: str = "ELBSecurityPolicy-TLS13-1-2-2021-06"
    idle_timeout: Annotated[int, Field(ge=1, le=4000)] = 60
    waf: Waf = Field(default_factory=Waf)


# --- cdn ----------------------------------------------------------------------------------

# AWS managed CloudFront policies, looked up by name (data sources), never copied.
# https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-cache-policies.html
CachePolicy = Literal[
    "Managed-CachingOptimized",
    "Managed-CachingOptimizedForUncompressedObjects",
    "Managed-CachingDisabled",
    "Managed-UseOriginCacheControlHeaders",
    "Managed-UseOriginCacheControlHeaders-QueryStrings",
]
# https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-origin-request-policies.html
OriginRequestPolicy = Literal[
    "Managed-AllViewer",
    "Managed-AllViewerExceptHostHeader",
    "Managed-AllViewerAndCloudFrontHeaders-2022-06",
    "Managed-CORS-CustomOrigin",
    "Managed-CORS-S3Origin",
    "Managed-UserAgentRefererHeaders",
]
CDN_METHODS = {
    "read": ["GET", "HEAD"],
    "read-options": ["GET", "HEAD", "OPTIONS"],
    "all": ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"],
}
HOSTNAME_PATTERN = r"^(\*\.)?([a-z0-9-]+\.)+[a-z]{2,}$"


class CdnOrigin(Strict):
    """An origin: a bucket of `buckets` (through origin access control) or the ALB."""

    bucket: Name | None = Field(None, description="A bucket of `buckets` (purpose data).")
    ingress: bool = Field(False, description="The platform's load balancer (the ingress).")
    domain: str | None = Field(
        None,
        pattern=r"^([a-z0-9-]+\.)+[a-z]{2,}$",
        description="Host name CloudFront connects to for the load balancer, covered by its "
        "certificate: needed when the ingress uses certificate_arn (with hosted_zone the "
        "ingress hostname is used).",
    )


class CdnBehavior(Strict):
    """How requests are served: origin, methods and AWS managed policies (by name)."""

    origin: Name = Field(description="An origin of this distribution.")
    methods: Literal["read", "read-options", "all"] = Field(
        "read", description="read (GET, HEAD), read-options (+ OPTIONS) or all methods."
    )
    cache_policy: CachePolicy = Field(
        "Managed-CachingOptimized", description="AWS managed cache policy, by name."
    )
    origin_request_policy: OriginRequestPolicy | None = Field(
        None, description="AWS managed origin request policy, by name (none: forward nothing)."
    )
    compress: bool = Field(True, description="Compress responses (gzip, brotli).")


class CdnPathBehavior(CdnBehavior):
    """A behavior for the requests whose path matches ``path`` (first match wins)."""

    path: Annotated[str, Field(min_length=1, max_length=255)] = Field(
        description="Path pattern, e.g. /api/*."
    )


class Distribution(Strict):
    """A CloudFront distribution: HTTPS only, security headers, web ACL, standard logs.

    TLSv1.2_2021 with aliases; origin access control to buckets; a CLOUDFRONT-scope web ACL
    and the certificate in us-east-1; standard logging (v2) to an access-log bucket.
    """

    comment: str | None = Field(None, max_length=128, description="Shown in the console.")
    origins: dict[Name, CdnOrigin] = Field(min_length=1, description="Origins by id.")
    default: CdnBehavior = Field(description="The default behavior (every other path).")
    behaviors: list[CdnPathBehavior] = Field(
        default_factory=list, description="Path behaviors, in precedence order."
    )
    aliases: list[Annotated[str, Field(pattern=HOSTNAME_PATTERN)]] = tiered(
        [],
        max_length=100,
        description="Domain names (per env). Certificate: certificate_arn, or one tfgen "
        "requests in us-east-1 and validates in the ingress hosted_zone (with alias "
        "records). None: the CloudFront default certificate (*.cloudfront.net).",
    )
    certificate_arn: str | None = Field(
        None,
        pattern=CERTIFICATE_ARN_PATTERN,
        description="ACM certificate in us-east-1 covering the aliases, issued out of band.",
    )
    default_root_object: str | None = Field(None, pattern=r"^[^/\s][^\s]{0,254}$")
    price_class: Literal["PriceClass_100", "PriceClass_200", "PriceClass_All"] = tiered(
        "PriceClass_All", description="Edge locations served (cost per tier)."
    )
    access_logs: Name = Field(
        description="Bucket (purpose access-logs) that receives the standard logs (v2)."
    )
    waf: Waf = Field(default_factory=Waf, description="The web ACL (scope CLOUDFRONT).")


# --- checks -----------------------------------------------------------------------------

CheckId = Annotated[str, Field(pattern=r"^(CKV2?_[A-Z0-9]+_[0-9]+|AWS[0-9]{3}|CON[0-9]{3})$")]


REASON_MIN, REASON_MAX = 10, 500
Reason = Annotated[str, Field(min_length=REASON_MIN, max_length=REASON_MAX)]
AddressGlob = Annotated[str, Field(pattern=r"^[^\s]+$", min_length=1, max_length=300)]


class Skip(Strict):
    """Why a check does not apply: everywhere, or only on some generated resources.

    In YAML a skip is either the reason alone (a string: skipped everywhere) or a mapping
    ``{reason: ..., resources: [address glob, ...]}``.
    """

    reason: Reason = Field(description="Why the check does not apply.")
    resources: list[AddressGlob] | None = Field(
        None,
        min_length=1,
        description="Resource addresses the skip is limited to, as findings name them (e.g. "
        "module.ingress.aws_s3_bucket.access_logs); '*' matches any characters, '?' one; an "
        "address without an instance key also matches its instances. Default: everywhere.",
    )

    @model_validator(mode="before")
    @classmethod
    def _reason_alone(cls, data: Any) -> Any:
        return {"reason": data} if isinstance(data, str) else data

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        mapping = handler(core_schema)
        reason = {"type": "string", "minLength": REASON_MIN, "maxLength": REASON_MAX}
        return {"anyOf": [reason, mapping]}

    def covers(self, address: str) -> bool:
        """True when the skip applies to the resource at ``address``."""
        if self.resources is None:
            return True
        bare = _INSTANCE_KEY.sub("", address)
        return any(_glob(p).fullmatch(address) or _glob(p).fullmatch(bare) for p in self.resources)


_INSTANCE_KEY = re.compile(r"(\[[^\[\]]*\])+$")


@cache
def _glob(pattern: str) -> re.Pattern[str]:
    """'*' and '?' as in fnmatch; every other character (also '[') matches itself."""
    parts = (".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    return re.compile("".join(parts), re.DOTALL)


class AllowPlain(Strict):
    """A plain value that looks like a secret but is not one (accepted with a reason)."""

    path: Annotated[str, Field(pattern=r"^[^\s]+$", min_length=1, max_length=300)] = Field(
        description="Dotted path of the value in the spec, e.g. "
        "services.web.environment.PUBLIC_TOKEN_ISSUER; '*' matches any characters."
    )
    reason: Reason = Field(description="Why the value is not a secret.")


class Checks(Strict):
    """Validation policy: checks skipped for this platform, each with its justification."""

    skip: dict[CheckId, Skip] = Field(
        default_factory=dict,
        description="Check id (checkov CKV_*, tfgen AWS###/CON###) -> why it does not apply: "
        "a reason (skipped everywhere) or {reason, resources} (skipped only on those "
        "resource addresses).",
    )
    allow_plain: list[AllowPlain] = Field(
        default_factory=list,
        description="Plain values that look like secrets (TFG223) but are not, each with its "
        "reason: {path, reason}.",
    )

    def reason_for(self, code: str, address: str) -> str | None:
        """The justification that skips finding ``code`` on ``address``, or None."""
        entry = self.skip.get(code)
        return entry.reason if entry is not None and entry.covers(address) else None

    def plain_reason(self, dotted: str) -> str | None:
        """The justification that accepts the plain value at ``dotted`` (a spec path)."""
        for entry in self.allow_plain:
            if _glob(entry.path).fullmatch(dotted):
                return entry.reason
        return None


# --- the whole platform -------------------------------------------------------------------


class Platform(Strict):
    """The whole platform: the top-level sections of the spec files."""

    platform: PlatformInfo = Field(
        description="Identity of the platform: name, regions, state backend, tags."
    )
    network: Network = Field(description="The VPC: CIDR, availability zones, subnets, endpoints.")
    ingress: Ingress | None = Field(
        None, description="The public entry point (ALB, TLS, WAF); none for worker-only platforms."
    )
    services: dict[Name, Service] = Field(
        min_length=1, description="ECS Fargate services by name (at least one)."
    )
    secrets: dict[Name, Secret] = Field(
        default_factory=dict,
        description="Secrets Manager entries by name; services reference them in their "
        "`secrets` map. Values are set out of band, never in the spec.",
    )
    buses: dict[Name, Bus] = Field(
        default_factory=dict, description="EventBridge custom buses (with rules) by name."
    )
    queues: dict[Name, Queue] = Field(default_factory=dict, description="SQS queues by name.")
    topics: dict[Name, Topic] = Field(default_factory=dict, description="SNS topics by name.")
    tables: dict[Name, Table] = Field(
        default_factory=dict, description="DynamoDB tables by name; services `use` them."
    )
    buckets: dict[Name, Bucket] = Field(
        default_factory=dict, description="S3 buckets by name; services `use` them."
    )
    cdn: dict[Name, Distribution] = Field(
        default_factory=dict, description="CloudFront distributions by name."
    )
    tier: Tier = Field(
        default_factory=Tier,
        description="Values that differ by environment tier (NAT, retention, protection).",
    )
    checks: Checks = Field(
        default_factory=Checks,
        description="Validation policy: skipped checks and accepted plain values, with reasons.",
    )


class Environment(Strict):
    """A resolved environment: its name and the platform with its overrides applied."""

    name: Annotated[str, Field(pattern=ENV_NAME_PATTERN)]
    platform: Platform


# --- generated names ----------------------------------------------------------------------
#
# Every AWS name tfgen derives from spec names is computed here, once: render/context.py turns
# these into the HCL the templates print, and the name-length rule (TFG212) checks the same
# names for every environment, so the two cannot disagree.  A name is a pattern over the
# workspace prefix "<platform>-<env>" (``var.name`` in the generated modules).

NAME_PREFIX = "{prefix}"
ACCOUNT_ID = "{account_id}"  # data.aws_caller_identity.current.account_id (12 digits)
ACCOUNT_ID_LENGTH = 12
SERVICE_SUFFIX = "-service"


@dataclass(frozen=True)
class GeneratedName:
    """One generated AWS name: what AWS calls the resource, the pattern and AWS's limit."""

    kind: str
    pattern: str
    limit: int

    def resolve(self, prefix: str) -> str:
        """The name in a workspace whose prefix is ``prefix`` (e.g. 'bookstore-prod')."""
        text = self.pattern.replace(NAME_PREFIX, prefix)
        return text.replace(ACCOUNT_ID, "0" * ACCOUNT_ID_LENGTH)


def name_prefix(platform: Platform, env: str) -> str:
    return f"{platform.platform.name}-{env}"


def short_name(name: str, service: Service) -> str:
    """The name used where AWS limits length (target groups)."""
    if service.short_name:
        return service.short_name
    return name.removesuffix(SERVICE_SUFFIX) if name != SERVICE_SUFFIX else name


def service_names(name: str, service: Service) -> dict[str, GeneratedName]:
    """The names generated for one service (a target group only when it has routes)."""
    p = NAME_PREFIX
    names = {
        "service": GeneratedName("ECS service", name, 255),
        "family": GeneratedName("task definition family", f"{p}-{name}", 255),
        "log_group": GeneratedName("CloudWatch log group", f"/aws/ecs/{p}/{name}", 512),
        "execution_role": GeneratedName("IAM role", f"{p}-{name}-execution", 64),
        "task_role": GeneratedName("IAM role", f"{p}-{name}-task", 64),
        "security_group": GeneratedName("security group", f"{p}-{name}", 255),
        "cpu_policy": GeneratedName("scaling policy", f"{p}-{name}-cpu", 256),
        "memory_policy": GeneratedName("scaling policy", f"{p}-{name}-memory", 256),
    }
    if not service.image.external:
        names["repository"] = GeneratedName("ECR repository", f"{p}/{name}", 256)
    if service.routes is not None:
        short = short_name(name, service)
        names["target_group"] = GeneratedName("target group", f"{p}-{short}", 32)
    return names


def secret_name(name: str) -> GeneratedName:
    return GeneratedName("Secrets Manager secret", f"{NAME_PREFIX}/{name}", 512)


def exec_names() -> dict[str, GeneratedName]:
    """The names generated once per workspace when a service has ECS Exec."""
    return {
        "exec_log_group": GeneratedName("CloudWatch log group", f"/aws/ecs-exec/{NAME_PREFIX}", 512)
    }


def platform_names() -> dict[str, GeneratedName]:
    """The names generated once per workspace (they depend on the platform name only)."""
    p = NAME_PREFIX
    return {
        "cluster": GeneratedName("ECS cluster", p, 255),
        "alb": GeneratedName("load balancer", p, 32),
        "alb_security_group": GeneratedName("security group", f"{p}-alb", 255),
        "access_logs_bucket": GeneratedName("S3 bucket", f"{p}-alb-logs-{ACCOUNT_ID}", 63),
        "endpoints_security_group": GeneratedName("security group", f"{p}-vpc-endpoints", 255),
        "flow_logs_log_group": GeneratedName(
            "CloudWatch log group", f"/aws/vpc/{p}/flow-logs", 512
        ),
        "flow_logs_role": GeneratedName("IAM role", f"{p}-vpc-flow-logs", 64),
        "web_acl": GeneratedName("web ACL", p, 128),
        "waf_log_group": GeneratedName("CloudWatch log group", f"aws-waf-logs-{p}", 512),
        "kms_alias": GeneratedName("KMS alias", f"alias/{p}", 256),
    }


# --- relation environment -----------------------------------------------------------------
#
# The plain variables a task gets for its relations: <NAME>_BUS_NAME for a bus it publishes
# to, <NAME>_TOPIC_ARN for a topic, <NAME>_QUEUE_URL for a queue it consumes (NAME: the
# entity name in upper case, '-' as '_').

RELATION_VARIABLES = {BUS_REF: "BUS_NAME", TOPIC_REF: "TOPIC_ARN", QUEUE_REF: "QUEUE_URL"}


def relation_variable(ref: str) -> str:
    suffix = RELATION_VARIABLES[ref_kind(ref)]
    return f"{ref_name(ref).upper().replace('-', '_')}_{suffix}"


def relation_environment(service: Service) -> dict[str, tuple[str, str]]:
    """Variable -> (kind, relation reference) for every relation of ``service``, sorted."""
    refs = [*service.publishes, *service.consumes]
    return dict(sorted((relation_variable(r), (ref_kind(r), r)) for r in refs))


def messaging_names() -> dict[str, GeneratedName]:
    """Names of the messaging resources ({key}: the entity; rules: '<bus>-<rule>')."""
    p, key = NAME_PREFIX, "{key}"
    return {
        "bus": GeneratedName("EventBridge bus", f"{p}-{key}", 256),
        "rule": GeneratedName("EventBridge rule", f"{p}-{key}", 64),
        "queue": GeneratedName("SQS queue", f"{p}-{key}", 80),
        "topic": GeneratedName("SNS topic", f"{p}-{key}", 256),
        "kms_alias": GeneratedName("KMS alias", f"alias/{p}-messaging", 256),
    }


def table_name(name: str) -> GeneratedName:
    return GeneratedName("DynamoDB table", f"{NAME_PREFIX}-{name}", 255)


def bucket_name(name: str) -> GeneratedName:
    """Bucket names are global: platform, environment, entity and the account id."""
    return GeneratedName("S3 bucket", f"{NAME_PREFIX}-{name}-{ACCOUNT_ID}", 63)


def cdn_names() -> dict[str, GeneratedName]:
    """Names of a distribution's resources ({key}: the distribution)."""
    p, key = NAME_PREFIX, "{key}"
    return {
        "origin_access_control": GeneratedName("origin access control", f"{p}-{key}", 64),
        "headers_policy": GeneratedName("response headers policy", f"{p}-{key}", 128),
        "web_acl": GeneratedName("web ACL", f"{p}-cdn-{key}", 128),
        "waf_log_group": GeneratedName("CloudWatch log group", f"aws-waf-logs-{p}-cdn-{key}", 512),
        "log_delivery": GeneratedName("log delivery source", f"{p}-cdn-{key}", 60),
    }
