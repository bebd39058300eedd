"""The platform model: what a user writes in ``specs/`` and ``environments/``.

Entities are maps keyed by name so an environment file can override one field of
one entity.  Fields marked :func:`tiered` may differ per environment; they are
rendered into each workspace's tfvars.  Every other field is *structure*: it is
rendered into the shared HCL and an environment file may not change it.
"""

from __future__ import annotations

import ipaddress
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from tfgen.awsfacts import LOG_RETENTION_DAYS

TIER_MARK = "tier"

NAME_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
REGION_PATTERN = r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$"
ENV_NAME_PATTERN = r"^[a-z][a-z0-9]{1,9}$"  # environment (and workspace) names
ENV_VAR_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"

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
    primary: Region = Field(description="Region every workspace deploys to.")
    dr: Region | None = Field(None, description="Warm-standby region (used by the DR layer).")


class Backend(Strict):
    bucket: str = Field(
        pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
        description="S3 bucket that holds Terraform state.",
    )
    key: str = Field("platform.tfstate", min_length=1, max_length=200)
    region: Region | None = Field(None, description="Defaults to the primary region.")


class PlatformInfo(Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9]{1,11}$", description="Short platform name.")
    regions: Regions
    backend: Backend
    tags: dict[str, str] = Field(default_factory=dict, description="Tags on every resource.")


class Tier(Strict):
    """Values that differ by environment tier (all rendered into tfvars)."""

    nat_gateways: Literal["none", "single", "per_az"] = tiered("per_az")
    log_retention_days: RetentionDays = tiered(30)
    container_insights: Literal["disabled", "enabled", "enhanced"] = tiered("enabled")
    deletion_protection: bool = tiered(True)
    flow_logs_retention_days: RetentionDays = tiered(90)
    alb_access_log_retention_days: Annotated[int, Field(ge=1, le=3650)] = tiered(90)


# --- network ------------------------------------------------------------------------------


class SubnetTiers(Strict):
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
    gateway: list[GatewayEndpoint] = Field(default_factory=_default_gateways)
    interface: list[InterfaceEndpoint] = Field(default_factory=list)


class FlowLogs(Strict):
    enabled: bool = True
    traffic_type: Literal["ALL", "ACCEPT", "REJECT"] = "ALL"


class Network(Strict):
    cidr: Cidr
    availability_zones: list[Annotated[str, Field(pattern=r"^[a-z]{2}-[a-z]+-[0-9][a-z]$")]] = (
        Field(min_length=1, max_length=6)
    )
    subnets: SubnetTiers
    endpoints: Endpoints = Field(default_factory=Endpoints)
    flow_logs: FlowLogs = Field(default_factory=FlowLogs)


# --- services -----------------------------------------------------------------------------


class Size(Strict):
    cpu: int = Field(description="Fargate task CPU units (256 = 0.25 vCPU).")
    memory: int = Field(description="Fargate task memory in MiB.")


class Scale(Strict):
    desired: Annotated[int, Field(ge=0, le=5000)]
    min: Annotated[int, Field(ge=0, le=5000)]
    max: Annotated[int, Field(ge=1, le=5000)]
    cpu_target: Percent = 70
    memory_target: Percent = 80
    scale_in_cooldown: Annotated[int, Field(ge=0, le=3600)] = 300
    scale_out_cooldown: Annotated[int, Field(ge=0, le=3600)] = 60


class HealthCheck(Strict):
    path: str = Field("/health", pattern=r"^/[A-Za-z0-9/._~!$&'()*+,;=:@%-]*$", max_length=1024)
    interval: Annotated[int, Field(ge=5, le=300)] = 15
    timeout: Annotated[int, Field(ge=2, le=60)] = 5
    healthy_threshold: Annotated[int, Field(ge=2, le=10)] = 2
    unhealthy_threshold: Annotated[int, Field(ge=2, le=10)] = 3
    matcher: str = Field("200", pattern=r"^[0-9]{3}(-[0-9]{3})?(,[0-9]{3}(-[0-9]{3})?)*$")
    grace_period: Annotated[int, Field(ge=0, le=300)] = 60


class Routes(Strict):
    paths: list[Annotated[str, Field(min_length=1, max_length=128)]] = Field(min_length=1)
    priority: Annotated[int, Field(ge=1, le=50000)]


class Capacity(Strict):
    """Fargate capacity-provider strategy: base tasks on FARGATE, the rest by weight."""

    base: Annotated[int, Field(ge=0, le=100000)] = 0
    fargate: Annotated[int, Field(ge=0, le=1000)] = 1
    fargate_spot: Annotated[int, Field(ge=0, le=1000)] = 0


class Image(Strict):
    tag: str = Field(
        pattern=r"^([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|sha256:[a-f0-9]{64})$",
        description="Immutable image tag or sha256 digest.",
    )


class SecretRef(Strict):
    secret: Name = Field(description="Name of an entry in `secrets`.")
    key: str | None = Field(None, pattern=r"^[A-Za-z0-9_.-]+$", description="JSON key.")


class Service(Strict):
    runtime: Literal["java", "python", "node"]
    port: Port
    architecture: Literal["X86_64", "ARM64"] = "X86_64"
    size: Size = tiered()
    scale: Scale = tiered()
    image: Image = tiered()
    capacity: Capacity = tiered(default_factory=Capacity)
    environment: dict[Annotated[str, Field(pattern=ENV_VAR_PATTERN)], str] = tiered(
        default_factory=dict
    )
    health_check: HealthCheck = HealthCheck()
    routes: Routes | None = None
    secrets: dict[Annotated[str, Field(pattern=ENV_VAR_PATTERN)], SecretRef] = Field(
        default_factory=dict
    )
    short_name: str | None = Field(
        None,
        pattern=r"^[a-z][a-z0-9-]{0,12}$",
        description="Name used where AWS limits length (target groups); default: the name "
        "without a trailing '-service'.",
    )


class Secret(Strict):
    description: str = Field(min_length=1, max_length=2048)
    recovery_window_days: Annotated[int, Field(ge=7, le=30)] = 30


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


class Waf(Strict):
    rate_limit: Annotated[int, Field(ge=10, le=2_000_000_000)] = tiered(2000)
    managed_rule_groups: list[str] = Field(
        default_factory=lambda: [
            "AWSManagedRulesCommonRuleSet",
            "AWSManagedRulesKnownBadInputsRuleSet",
            "AWSManagedRulesSQLiRuleSet",
        ]
    )
    log_retention_days: RetentionDays = tiered(90)


class Ingress(Strict):
    hosted_zone: str = Field(pattern=r"^([a-z0-9-]+\.)+[a-z]{2,}$", description="Route 53 zone.")
    hostname: str = tiered(
        pattern=r"^([a-z0-9-]+\.)+[a-z]{2,}$", description="Public API host name (per env)."
    )
    tls_policy: str = "ELBSecurityPolicy-TLS13-1-2-2021-06"
    idle_timeout: Annotated[int, Field(ge=1, le=4000)] = 60
    waf: Waf = Field(default_factory=Waf)


# --- checks -----------------------------------------------------------------------------

CheckId = Annotated[str, Field(pattern=r"^(CKV2?_[A-Z0-9]+_[0-9]+|AWS[0-9]{3}|CON[0-9]{3})$")]


class Checks(Strict):
    """Validation policy: checks skipped for this platform, each with its justification."""

    skip: dict[CheckId, Annotated[str, Field(min_length=10, max_length=500)]] = Field(
        default_factory=dict,
        description="Check id (checkov CKV_*, tfgen AWS###/CON###) -> why it does not apply.",
    )


# --- the whole platform -------------------------------------------------------------------


class Platform(Strict):
    platform: PlatformInfo
    network: Network
    ingress: Ingress
    services: dict[Name, Service] = Field(min_length=1)
    secrets: dict[Name, Secret] = Field(default_factory=dict)
    tier: Tier = Field(default_factory=Tier)
    checks: Checks = Field(default_factory=Checks)


class Environment(Strict):
    """A resolved environment: its name and the platform with its overrides applied."""

    name: Annotated[str, Field(pattern=ENV_NAME_PATTERN)]
    platform: Platform
