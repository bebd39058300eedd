"""Model rules: cross-references and AWS rules on the typed platform.

Each rule yields :class:`Problem` objects located at the YAML value that has to
change.  Rules run on a resolved environment (after the overlay), so a value that
only an environment file makes invalid is reported at that file.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial

from tfgen.awsfacts import FARGATE_SIZES
from tfgen.errors import Problem
from tfgen.spec import secrets
from tfgen.spec.loader import Source
from tfgen.spec.memo import Memo
from tfgen.spec.model import (
    BUS_REF,
    QUEUE_REF,
    STORE_SECTIONS,
    TOPIC_REF,
    WAF_CONFIGURED_RULE_GROUPS,
    WAF_MANAGED_RULE_GROUPS,
    Distribution,
    GeneratedName,
    Platform,
    Service,
    StoreUse,
    Table,
    bucket_name,
    cdn_names,
    exec_names,
    messaging_names,
    name_prefix,
    platform_names,
    ref_kind,
    ref_name,
    relation_environment,
    secret_name,
    service_names,
    short_name,
    table_name,
)
from tfgen.spec.yamlsource import PathKey

Rule = Callable[[Platform, Source], Iterator[Problem]]

ALB_CONDITION_VALUES = 5  # values per listener rule across all conditions
PATH_PATTERN_CHARS = re.compile(r"^[A-Za-z0-9_\-.$/~\"'@:+&()!,;=*?]+$")
# What Fargate tasks in private subnets reach without a NAT gateway: the image (ECR API, the
# registry, and S3 for its layers), the awslogs driver, and secrets injected at start.
# https://repost.aws/knowledge-center/ecs-fargate-docker-timeout-error
TASK_INTERFACE_ENDPOINTS = ("ecr.api", "ecr.dkr", "logs")
SECRETS_ENDPOINT = "secretsmanager"
EXEC_ENDPOINT = "ssmmessages"  # ECS Exec sessions
TASK_GATEWAY_ENDPOINTS = ("s3",)


def _problem(
    source: Source, path: PathKey, code: str, message: str, hint: str, *, key: bool = False
) -> Problem:
    """A problem at the value of ``path`` (``key=True``: at its key, e.g. an entity name)."""
    where = source.locate(path) if key else source.where(path)
    return Problem(code, message, where, hint)


def routes(p: Platform, src: Source) -> Iterator[Problem]:
    paths: dict[str, str] = {}
    priorities: dict[int, str] = {}
    for name, svc in sorted(p.services.items()):
        if svc.routes is None:
            continue
        base: PathKey = ("services", name, "routes")
        yield from _route_paths(src, name, svc, paths)
        if svc.routes.priority in priorities:
            yield _problem(
                src,
                (*base, "priority"),
                "TFG203",
                f"listener rule priority {svc.routes.priority} is already used by "
                f"{priorities[svc.routes.priority]}",
                "give every route its own priority",
            )
        priorities.setdefault(svc.routes.priority, name)


def _route_paths(src: Source, name: str, svc: Service, seen: dict[str, str]) -> Iterator[Problem]:
    assert svc.routes is not None
    base: PathKey = ("services", name, "routes", "paths")
    if len(svc.routes.paths) > ALB_CONDITION_VALUES:
        yield _problem(
            src,
            base,
            "TFG213",
            f"an ALB listener rule accepts at most {ALB_CONDITION_VALUES} path patterns "
            f"({len(svc.routes.paths)} given)",
            "merge patterns with wildcards",
        )
    for i, path in enumerate(svc.routes.paths):
        if not path.startswith("/") or not PATH_PATTERN_CHARS.match(path):
            yield _problem(
                src,
                (*base, i),
                "TFG213",
                f"{path!r} is not a valid ALB path pattern",
                "start with '/' and use only A-Z a-z 0-9 _ - . $ / ~ \" ' @ : + & ( ) ! , ; = * ?",
            )
        if path in seen:
            yield _problem(
                src,
                (*base, i),
                "TFG202",
                f"path pattern {path!r} is already routed to {seen[path]}",
                "route each path pattern to one service",
            )
        seen.setdefault(path, name)


def scale_bounds(p: Platform, src: Source) -> Iterator[Problem]:
    for name, svc in sorted(p.services.items()):
        s = svc.scale
        base: PathKey = ("services", name, "scale")
        if s.min > s.max:
            yield _problem(
                src,
                (*base, "min"),
                "TFG204",
                f"scale.min {s.min} is above scale.max {s.max}",
                "make min <= desired <= max",
            )
        elif not s.min <= s.desired <= s.max:
            yield _problem(
                src,
                (*base, "desired"),
                "TFG204",
                f"scale.desired {s.desired} is outside min {s.min} .. max {s.max}",
                "make min <= desired <= max",
            )


def fargate_sizes(p: Platform, src: Source) -> Iterator[Problem]:
    for name, svc in sorted(p.services.items()):
        cpu, memory = svc.size.cpu, svc.size.memory
        base: PathKey = ("services", name, "size")
        if cpu not in FARGATE_SIZES:
            valid = ", ".join(str(c) for c in FARGATE_SIZES)
            yield _problem(
                src,
                (*base, "cpu"),
                "TFG205",
                f"Fargate has no task size with cpu {cpu}",
                f"use one of {valid}",
            )
        elif memory not in FARGATE_SIZES[cpu]:
            allowed = FARGATE_SIZES[cpu]
            yield _problem(
                src,
                (*base, "memory"),
                "TFG205",
                f"Fargate cpu {cpu} does not accept memory {memory} MiB",
                f"use {allowed[0]}..{allowed[-1]} MiB in steps of {_step(allowed)}",
            )


def _step(values: tuple[int, ...]) -> int:
    return values[1] - values[0] if len(values) > 1 else values[0]


def capacity(p: Platform, src: Source) -> Iterator[Problem]:
    for name, svc in sorted(p.services.items()):
        c = svc.capacity
        if c.fargate == 0 and c.fargate_spot == 0:
            yield _problem(
                src,
                ("services", name, "capacity"),
                "TFG214",
                "capacity needs a weight above 0 on fargate or fargate_spot",
                "set fargate: 1 (on-demand) or fargate_spot: 1",
            )
        elif c.base > 0 and c.fargate == 0:
            yield _problem(
                src,
                ("services", name, "capacity", "base"),
                "TFG214",
                "capacity.base places tasks on FARGATE, whose weight is 0",
                "set capacity.fargate above 0 or base to 0",
            )


def secret_refs(p: Platform, src: Source) -> Iterator[Problem]:
    for name, svc in sorted(p.services.items()):
        for var, ref in sorted(svc.secrets.items()):
            if ref.secret not in p.secrets:
                known = ", ".join(sorted(p.secrets)) or "none defined"
                yield _problem(
                    src,
                    ("services", name, "secrets", var, "secret"),
                    "TFG210",
                    f"secret {ref.secret!r} is not defined in secrets (known: {known})",
                    "add it under secrets: or fix the name",
                )
            if var in svc.environment:
                yield _problem(
                    src,
                    ("services", name, "secrets", var),
                    "TFG215",
                    f"{var} is both an environment variable and a secret",
                    "keep one of the two",
                )


def image_tags(p: Platform, src: Source) -> Iterator[Problem]:
    for name, svc in sorted(p.services.items()):
        image = svc.image
        if image.tag is not None and image.tag.lower() == "latest":
            yield _problem(
                src,
                ("services", name, "image", "tag"),
                "TFG211",
                "'latest' is a mutable tag; repositories are IMMUTABLE and deployments must be "
                "reproducible",
                "pin a version tag (e.g. 1.4.2) or a sha256 digest",
            )
        if image.uri is not None and not _pinned(image.uri):
            yield _problem(
                src,
                ("services", name, "image", "uri"),
                "TFG211",
                f"image {image.uri!r} is not pinned: an untagged or 'latest' reference can "
                "change under a running service",
                "add a version tag (e.g. :1.27) or a digest (@sha256:...)",
            )


def _pinned(uri: str) -> bool:
    """A reference with a digest, or with a tag other than 'latest'."""
    if "@sha256:" in uri:
        return True
    last = uri.rsplit("/", 1)[-1]
    return ":" in last and last.rsplit(":", 1)[1].lower() != "latest"


def image_sources(p: Platform, src: Source) -> Iterator[Problem]:
    """Exactly one of tag and uri; registry credentials only for external images."""
    for name, svc in sorted(p.services.items()):
        image = svc.image
        base: PathKey = ("services", name, "image")
        if (image.tag is None) == (image.uri is None):
            both = image.tag is not None
            yield _problem(
                src,
                (*base, "uri") if both else base,
                "TFG228",
                f"{name}'s image has {'both tag and uri' if both else 'neither tag nor uri'}",
                "give a tag in the service's own ECR repository, or the uri of an external image",
            )
        if image.credentials is not None and image.uri is None:
            yield _problem(
                src,
                (*base, "credentials"),
                "TFG228",
                "registry credentials apply only to an external image (uri)",
                "remove credentials, or use uri",
            )
        elif image.credentials is not None and image.credentials not in p.secrets:
            known = ", ".join(sorted(p.secrets)) or "none defined"
            yield _problem(
                src,
                (*base, "credentials"),
                "TFG210",
                f"secret {image.credentials!r} is not defined in secrets (known: {known})",
                "add it under secrets: or fix the name",
            )


def image_kinds(base: Platform, env: Platform, src: Source, env_name: str) -> Iterator[Problem]:
    """An environment keeps each service's kind of image: whether the service has its own
    ECR repository is structure, shared by every workspace."""
    for name, svc in sorted(env.services.items()):
        shared = base.services.get(name)
        if shared is None or shared.image.external == svc.image.external:
            continue
        field = "uri" if svc.image.uri is not None else "tag"
        yield _problem(
            src,
            ("services", name, "image", field),
            "TFG228",
            f"{env_name} gives {name} {'an external image' if svc.image.external else 'an ECR tag'}"
            f" where specs/ give {'an external image' if shared.image.external else 'an ECR tag'}",
            "use the same kind of image (tag or uri) in every environment",
        )


def _subnets(p: Platform) -> Iterator[tuple[PathKey, ipaddress.IPv4Network]]:
    for tier in ("public", "private", "data"):
        for i, cidr in enumerate(getattr(p.network.subnets, tier)):
            yield ("network", "subnets", tier, i), ipaddress.IPv4Network(cidr)


def subnet_layout(p: Platform, src: Source) -> Iterator[Problem]:
    vpc = ipaddress.IPv4Network(p.network.cidr)
    seen: list[tuple[PathKey, ipaddress.IPv4Network]] = []
    for path, net in _subnets(p):
        if not net.subnet_of(vpc):
            yield _problem(
                src,
                path,
                "TFG206",
                f"subnet {net} is outside the VPC block {vpc}",
                f"pick a block inside {vpc}",
            )
        for other_path, other in seen:
            if net.overlaps(other):
                where = src.where(other_path)
                yield _problem(
                    src,
                    path,
                    "TFG207",
                    f"subnet {net} overlaps {other} (at {where})",
                    "give every subnet its own block",
                )
        seen.append((path, net))
    yield from _subnet_counts(p, src)


def _subnet_counts(p: Platform, src: Source) -> Iterator[Problem]:
    azs = len(p.network.availability_zones)
    for tier in ("public", "private", "data"):
        count = len(getattr(p.network.subnets, tier))
        if count != azs:
            yield _problem(
                src,
                ("network", "subnets", tier),
                "TFG208",
                f"{tier} has {count} subnets for {azs} availability zones",
                "give each tier exactly one subnet per availability zone, in AZ order",
            )


def availability_zones(p: Platform, src: Source) -> Iterator[Problem]:
    region = p.platform.regions.primary
    seen: set[str] = set()
    for i, az in enumerate(p.network.availability_zones):
        path: PathKey = ("network", "availability_zones", i)
        if not az.startswith(region) or len(az) != len(region) + 1:
            yield _problem(
                src,
                path,
                "TFG209",
                f"{az} is not an availability zone of {region}",
                f"use {region}a, {region}b, ...",
            )
        if az in seen:
            yield _problem(src, path, "TFG209", f"{az} is listed twice", "list each zone once")
        seen.add(az)


@dataclass(frozen=True)
class _NameOrigin:
    """Where the spec decides a generated name, and what to change when it is too long."""

    path: PathKey
    key: bool
    hint: str


def _platform_names(p: Platform) -> Iterator[tuple[_NameOrigin, GeneratedName]]:
    shorter = "shorten the platform name or the environment name"
    names = list(platform_names().values())
    if any(svc.exec for svc in p.services.values()):
        names += exec_names().values()
    for gen in names:
        yield _NameOrigin(("platform", "name"), False, shorter), gen


def _service_names(name: str, svc: Service) -> Iterator[tuple[_NameOrigin, GeneratedName]]:
    entity = _NameOrigin(
        ("services", name),
        True,
        "shorten the service name (or the platform or environment name)",
    )
    for kind, gen in service_names(name, svc).items():
        if kind != "target_group":
            yield entity, gen
        elif svc.short_name:
            path: PathKey = ("services", name, "short_name")
            yield _NameOrigin(path, False, "set a shorter short_name"), gen
        else:
            yield _NameOrigin(("services", name), True, "set a shorter short_name"), gen


def _secret_names(p: Platform) -> Iterator[tuple[_NameOrigin, GeneratedName]]:
    for name in sorted(p.secrets):
        origin = _NameOrigin(("secrets", name), True, "shorten the secret name")
        yield origin, secret_name(name)


def _messaging_names(p: Platform) -> Iterator[tuple[_NameOrigin, GeneratedName]]:
    names = messaging_names()

    def named(kind: str, entity: str) -> GeneratedName:
        gen = names[kind]
        return GeneratedName(gen.kind, gen.pattern.replace("{key}", entity), gen.limit)

    for bus, spec in sorted(p.buses.items()):
        yield _NameOrigin(("buses", bus), True, "shorten the bus name"), named("bus", bus)
        for rule in sorted(spec.rules):
            origin = _NameOrigin(("buses", bus, "rules", rule), True, "shorten the rule name")
            yield origin, named("rule", f"{bus}-{rule}")
    for queue in sorted(p.queues):
        yield _NameOrigin(("queues", queue), True, "shorten the queue name"), named("queue", queue)
    for topic in sorted(p.topics):
        yield _NameOrigin(("topics", topic), True, "shorten the topic name"), named("topic", topic)


def _store_names(p: Platform) -> Iterator[tuple[_NameOrigin, GeneratedName]]:
    for name in sorted(p.tables):
        yield _NameOrigin(("tables", name), True, "shorten the table name"), table_name(name)
    hint = "shorten the bucket name (or the platform or environment name)"
    for name in sorted(p.buckets):
        yield _NameOrigin(("buckets", name), True, hint), bucket_name(name)


def _cdn_names(p: Platform) -> Iterator[tuple[_NameOrigin, GeneratedName]]:
    hint = "shorten the distribution name (or the platform or environment name)"
    for name in sorted(p.cdn):
        for gen in cdn_names().values():
            named = GeneratedName(gen.kind, gen.pattern.replace("{key}", name), gen.limit)
            yield _NameOrigin(("cdn", name), True, hint), named


_Worst = dict[tuple[_NameOrigin, str], tuple[str, GeneratedName]]


def _worst(names: Iterable[tuple[_NameOrigin, GeneratedName]], prefixes: tuple[str, ...]) -> _Worst:
    """The longest name above AWS's limit, per spec location and kind, over ``prefixes``."""
    worst: _Worst = {}
    for origin, gen in names:
        slot = (origin, gen.kind)
        for prefix in prefixes:
            full = gen.resolve(prefix)
            if len(full) > gen.limit:
                seen = worst.get(slot)
                if seen is None or len(full) > len(seen[0]):
                    worst[slot] = (full, gen)
    return worst


def name_lengths(
    p: Platform, src: Source, environments: list[str], memo: Memo | None = None
) -> Iterator[Problem]:
    """Every generated name within AWS's limit, in every known environment.

    One problem per spec location and kind of name: the longest offender.  With ``memo``, a
    service already checked (the same object, with the same name prefixes) is not redone.
    """
    prefixes = tuple(name_prefix(p, env) for env in sorted(environments))
    worst = _worst(_platform_names(p), prefixes)
    for name, svc in sorted(p.services.items()):
        if memo is None:
            worst.update(_worst(_service_names(name, svc), prefixes))
        else:
            check = partial(_worst, _service_names(name, svc), prefixes)
            worst.update(memo.get((svc,), ("names", name, prefixes), check))
    worst.update(_worst(_secret_names(p), prefixes))
    worst.update(_worst(_messaging_names(p), prefixes))
    worst.update(_worst(_store_names(p), prefixes))
    worst.update(_worst(_cdn_names(p), prefixes))
    for (origin, _), (full, gen) in worst.items():
        yield _problem(
            src,
            origin.path,
            "TFG212",
            f"{gen.kind} name {full!r} ({len(full)} chars) exceeds AWS's {gen.limit}",
            origin.hint,
            key=origin.key,
        )


def health_checks(p: Platform, src: Source) -> Iterator[Problem]:
    for name, svc in sorted(p.services.items()):
        hc = svc.health_check
        if hc.timeout >= hc.interval:
            yield _problem(
                src,
                ("services", name, "health_check", "timeout"),
                "TFG216",
                f"health check timeout {hc.timeout}s must be shorter than its interval "
                f"{hc.interval}s",
                "lower the timeout or raise the interval",
            )


def short_names(p: Platform, src: Source) -> Iterator[Problem]:
    seen: dict[str, str] = {}
    for name, svc in sorted(p.services.items()):
        short = short_name(name, svc)
        if short in seen:
            explicit = svc.short_name is not None
            path: PathKey = ("services", name, "short_name") if explicit else ("services", name)
            yield _problem(
                src,
                path,
                "TFG217",
                f"short name {short!r} of {name} is already used by {seen[short]}",
                "set a short_name that no other service uses",
                key=not explicit,
            )
        else:
            seen[short] = name


def spot_architecture(p: Platform, src: Source) -> Iterator[Problem]:
    for name, svc in sorted(p.services.items()):
        if svc.architecture == "ARM64" and svc.capacity.fargate_spot > 0:
            yield _problem(
                src,
                ("services", name, "capacity", "fargate_spot"),
                "TFG218",
                f"{name} runs ARM64 tasks, which Fargate Spot does not support",
                "set fargate_spot: 0 or architecture: X86_64",
            )


def waf_rule_groups(p: Platform, src: Source) -> Iterator[Problem]:
    if p.ingress is not None:
        yield from _rule_groups(src, ("ingress", "waf"), p.ingress.waf.managed_rule_groups)


def _rule_groups(src: Source, base: PathKey, groups: list[str]) -> Iterator[Problem]:
    seen: set[str] = set()
    for i, group in enumerate(groups):
        path: PathKey = (*base, "managed_rule_groups", i)
        if group in seen:
            yield _problem(src, path, "TFG219", f"{group} is listed twice", "list each group once")
        elif group in WAF_CONFIGURED_RULE_GROUPS:
            yield _problem(
                src,
                path,
                "TFG219",
                f"{group} needs a managed rule group configuration, which tfgen does not generate",
                f"use one of {', '.join(WAF_MANAGED_RULE_GROUPS)}",
            )
        elif group not in WAF_MANAGED_RULE_GROUPS:
            yield _problem(
                src,
                path,
                "TFG219",
                f"{group} is not an AWS managed rule group",
                f"use one of {', '.join(WAF_MANAGED_RULE_GROUPS)}",
            )
        seen.add(group)


def private_egress(p: Platform, src: Source) -> Iterator[Problem]:
    """Without NAT gateways, tasks start only with the VPC endpoints they need."""
    if p.tier.nat_gateways != "none":
        return
    endpoints = p.network.endpoints
    interface = list(TASK_INTERFACE_ENDPOINTS)
    if any(svc.secrets or svc.image.credentials for svc in p.services.values()):
        interface.append(SECRETS_ENDPOINT)
    if any(svc.exec for svc in p.services.values()):
        interface.append(EXEC_ENDPOINT)
    missing = [e for e in interface if e not in endpoints.interface]
    missing += [f"{e} (gateway)" for e in TASK_GATEWAY_ENDPOINTS if e not in endpoints.gateway]
    if missing:
        yield _problem(
            src,
            ("tier", "nat_gateways"),
            "TFG220",
            "without NAT gateways tasks cannot pull images, write logs or read secrets: "
            f"network.endpoints lacks {', '.join(missing)}",
            "add the endpoints to network.endpoints, or use nat_gateways: single",
        )
    external = sorted(name for name, svc in p.services.items() if svc.image.external)
    if external:
        yield _problem(
            src,
            ("tier", "nat_gateways"),
            "TFG220",
            "without NAT gateways tasks cannot pull external images (no VPC endpoint reaches "
            f"other registries): {', '.join(external)}",
            "use nat_gateways: single, or push those images to the services' own ECR "
            "repositories (image.tag)",
        )


def routes_need_ingress(p: Platform, src: Source) -> Iterator[Problem]:
    if p.ingress is not None:
        return
    for name, svc in sorted(p.services.items()):
        if svc.routes is not None:
            yield _problem(
                src,
                ("services", name, "routes"),
                "TFG222",
                f"{name} has routes but the platform has no ingress",
                "add an ingress: section (hosted_zone, hostname) or remove the routes",
            )


def hostname_in_zone(p: Platform, src: Source) -> Iterator[Problem]:
    if p.ingress is None or p.ingress.hosted_zone is None or p.ingress.hostname is None:
        return
    zone, host = p.ingress.hosted_zone, p.ingress.hostname
    if host != zone and not host.endswith(f".{zone}"):
        yield _problem(
            src,
            ("ingress", "hostname"),
            "TFG221",
            f"hostname {host} is not in the hosted zone {zone}",
            f"use {zone} or a name ending in .{zone}",
        )


_TLS_SOURCES = "hosted_zone (with hostname), certificate_arn, or https: false"


def ingress_tls(p: Platform, src: Source) -> Iterator[Problem]:
    """Exactly one source of the listener's TLS; hostname with (and only with) a zone."""
    ingress = p.ingress
    if ingress is None:
        return
    given = [
        key
        for key, present in (
            ("hosted_zone", ingress.hosted_zone is not None),
            ("certificate_arn", ingress.certificate_arn is not None),
            ("https", not ingress.https),
        )
        if present
    ]
    if len(given) != 1:
        path: PathKey = ("ingress", given[1]) if given else ("ingress",)
        yield _problem(
            src,
            path,
            "TFG224",
            f"ingress needs exactly one of {_TLS_SOURCES}"
            + (f"; found {' and '.join(given)}" if given else ""),
            "keep one: a Route 53 zone, an ACM certificate ARN, or HTTP only (dev tiers)",
        )
    elif ingress.hosted_zone is not None and ingress.hostname is None:
        yield _problem(
            src,
            ("ingress", "hosted_zone"),
            "TFG224",
            "ingress with a hosted_zone needs a hostname",
            "add hostname: the zone apex or a name inside the zone",
        )
    if ingress.hostname is not None and ingress.hosted_zone is None:
        yield _problem(
            src,
            ("ingress", "hostname"),
            "TFG224",
            "hostname is used only with hosted_zone (tfgen creates its DNS record there)",
            "remove hostname, or add the hosted_zone it belongs to",
        )
    yield from _certificate_region(p, src)


def _certificate_region(p: Platform, src: Source) -> Iterator[Problem]:
    assert p.ingress is not None
    arn = p.ingress.certificate_arn
    region = p.platform.regions.primary
    if arn is not None and arn.split(":")[3] != region:
        yield _problem(
            src,
            ("ingress", "certificate_arn"),
            "TFG225",
            f"the certificate is in {arn.split(':')[3]}; a load balancer in {region} can only "
            f"use an ACM certificate of {region}",
            f"import or request the certificate in {region}",
        )


def http_only_allowed(p: Platform, src: Source, env_name: str) -> Iterator[Problem]:
    """HTTP only where the environment's tier allows it (checked per environment: the
    specs alone deploy nowhere)."""
    if p.ingress is not None and not p.ingress.https and not p.tier.allow_http_only:
        yield _problem(
            src,
            ("ingress", "https"),
            "TFG226",
            f"https: false is not allowed in {env_name} (its tier.allow_http_only is false)",
            "set tier.allow_http_only: true in the environments that may serve HTTP only, "
            "or give a hosted_zone or certificate_arn",
        )


def http_only_warning(p: Platform, src: Source) -> Iterator[Problem]:
    if p.ingress is not None and not p.ingress.https:
        yield _problem(
            src,
            ("ingress", "https"),
            "TFG227",
            "the load balancer serves plain HTTP (no TLS): for development tiers only",
            "give a hosted_zone or certificate_arn before real traffic reaches it",
        )


# --- messaging ----------------------------------------------------------------------------

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_HTTPS = re.compile(r"^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[^\s?#@]*)?$")


def _dangling(
    src: Source, path: PathKey, ref: str, known: Iterable[str], code: str = "TFG240"
) -> Iterator[Problem]:
    kind, name = ref_kind(ref), ref_name(ref)
    names = sorted(known)
    if name not in names:
        section = {BUS_REF: "buses", TOPIC_REF: "topics", QUEUE_REF: "queues"}[kind]
        yield _problem(
            src,
            path,
            code,
            f"{ref} names no entry of {section}",
            f"use one of {', '.join(names)}" if names else f"add {name} to {section}",
        )


def relation_targets(p: Platform, src: Source) -> Iterator[Problem]:
    """publishes / consumes name existing buses, topics and queues."""
    known: dict[str, Iterable[str]] = {
        BUS_REF: list(p.buses),
        TOPIC_REF: list(p.topics),
        QUEUE_REF: list(p.queues),
    }
    for name, svc in sorted(p.services.items()):
        for field, refs in (("publishes", svc.publishes), ("consumes", svc.consumes)):
            for i, ref in enumerate(refs):
                yield from _dangling(src, ("services", name, field, i), ref, known[ref_kind(ref)])


def rule_targets(p: Platform, src: Source) -> Iterator[Problem]:
    """Every bus rule target is a queue of the spec."""
    for bus, spec in sorted(p.buses.items()):
        for rule, body in sorted(spec.rules.items()):
            for i, ref in enumerate(body.targets):
                path: PathKey = ("buses", bus, "rules", rule, "targets", i)
                yield from _dangling(src, path, ref, p.queues, "TFG241")


def dead_letters(p: Platform, src: Source) -> Iterator[Problem]:
    """Every queue has a dead-letter queue, or is one; never its own; no chains."""
    dlqs = {q.dead_letter.queue for q in p.queues.values() if q.dead_letter is not None}
    for name, queue in sorted(p.queues.items()):
        base: PathKey = ("queues", name)
        if queue.dead_letter is None:
            if name not in dlqs:
                yield _problem(
                    src,
                    base,
                    "TFG242",
                    f"queue {name} has no dead-letter queue",
                    "add dead_letter: {queue: <another queue>, max_receives: N}",
                    key=True,
                )
            continue
        target = queue.dead_letter.queue
        path: PathKey = (*base, "dead_letter", "queue")
        if target == name:
            yield _problem(
                src,
                path,
                "TFG242",
                f"queue {name} is its own dead-letter queue",
                "name a separate queue as its dead-letter queue",
            )
        elif target not in p.queues:
            yield from _dangling(src, path, f"queue.{target}", p.queues)
        elif name in dlqs:
            yield _problem(
                src,
                path,
                "TFG242",
                f"queue {name} is a dead-letter queue and has one itself",
                "a dead-letter queue keeps its messages: remove its dead_letter",
            )


def dead_letter_retention(p: Platform, src: Source) -> Iterator[Problem]:
    """A DLQ keeps messages at least as long as its source (SQS keeps the enqueue time)."""
    for name, queue in sorted(p.queues.items()):
        dlq = p.queues.get(queue.dead_letter.queue) if queue.dead_letter else None
        if dlq is None or dlq.retention_seconds >= queue.retention_seconds:
            continue
        yield _problem(
            src,
            ("queues", queue.dead_letter.queue if queue.dead_letter else name, "retention_seconds"),
            "TFG243",
            f"dead-letter queue retention {dlq.retention_seconds}s is shorter than the "
            f"{queue.retention_seconds}s of its source queue {name}: messages expire on the way",
            "give the dead-letter queue at least the source's retention (AWS: longer)",
        )


def visibility(p: Platform, src: Source) -> Iterator[Problem]:
    for name, queue in sorted(p.queues.items()):
        if queue.visibility_timeout < queue.processing_timeout:
            yield _problem(
                src,
                ("queues", name, "visibility_timeout"),
                "TFG244",
                f"visibility_timeout {queue.visibility_timeout}s is below the consumer's "
                f"processing_timeout {queue.processing_timeout}s: a message would be "
                "delivered again while it is still processed",
                f"set visibility_timeout >= {queue.processing_timeout}",
            )


def messaging_environment(p: Platform, src: Source) -> Iterator[Problem]:
    """The variables tfgen derives from relations do not collide with the service's own."""
    for name, svc in sorted(p.services.items()):
        derived = relation_environment(svc)
        for variable in sorted(set(derived) & (set(svc.environment) | set(svc.secrets))):
            field = "environment" if variable in svc.environment else "secrets"
            yield _problem(
                src,
                ("services", name, field, variable),
                "TFG245",
                f"{variable} is set by tfgen from {derived[variable][1]}",
                "remove it from the service (or rename it)",
                key=True,
            )


def subscriptions(p: Platform, src: Source) -> Iterator[Problem]:
    for topic, spec in sorted(p.topics.items()):
        for sub, body in sorted(spec.subscriptions.items()):
            path: PathKey = ("topics", topic, "subscriptions", sub, "endpoint")
            if body.protocol == "sqs":
                if not body.endpoint.startswith(f"{QUEUE_REF}."):
                    yield _problem(
                        src,
                        path,
                        "TFG246",
                        "an sqs subscription names a queue",
                        "write queue.<name>",
                    )
                else:
                    yield from _dangling(src, path, body.endpoint, p.queues)
            elif not (_EMAIL if body.protocol == "email" else _HTTPS).match(body.endpoint):
                want = (
                    "an email address"
                    if body.protocol == "email"
                    else ("an https:// URL without credentials, query or fragment")
                )
                yield _problem(
                    src,
                    path,
                    "TFG246",
                    f"a {body.protocol} endpoint must be {want}",
                    "put tokens in the receiving system, not in the URL",
                )


def store_uses(p: Platform, src: Source) -> Iterator[Problem]:
    """Every `uses` entry names a defined store, once per service."""
    for name, svc in sorted(p.services.items()):
        seen: set[tuple[str, str]] = set()
        for i, use in enumerate(svc.uses):
            path: PathKey = ("services", name, "uses", i, use.reference)
            section = STORE_SECTIONS[use.reference]
            defined: dict[str, object] = getattr(p, section)
            if use.target not in defined:
                known = ", ".join(sorted(defined)) or "none defined"
                yield _problem(
                    src,
                    path,
                    "TFG250",
                    f"{use.reference} {use.target!r} is not defined in {section} (known: {known})",
                    f"add it under {section}: or fix the name",
                )
            if (use.reference, use.target) in seen:
                yield _problem(
                    src,
                    path,
                    "TFG251",
                    f"{name} uses {use.reference} {use.target!r} twice",
                    "list each store once, with access: write if the service writes it",
                )
            seen.add((use.reference, use.target))
            yield from _store_variables(src, name, svc, i, use)


def _store_variables(
    src: Source, name: str, svc: Service, i: int, use: StoreUse
) -> Iterator[Problem]:
    own = [*use.variables, *([use.secret_variable] if use.secret_variable else [])]
    for var in own:
        if var in svc.environment or var in svc.secrets:
            yield _problem(
                src,
                ("services", name, "uses", i),
                "TFG255",
                f"{var} (set by `uses` for the store) is also in the service's environment or "
                "secrets",
                f"remove {var} from environment/secrets: the task receives it from `uses`",
            )


def _table_keys(table: Table) -> Iterator[tuple[PathKey, str]]:
    """Every attribute a key of the table or of its indexes names, with its spec path."""
    yield ("hash_key",), table.hash_key
    if table.range_key is not None:
        yield ("range_key",), table.range_key
    for index_name, index in sorted(table.indexes.items()):
        yield ("indexes", index_name, "hash_key"), index.hash_key
        if index.range_key is not None:
            yield ("indexes", index_name, "range_key"), index.range_key


def table_attributes(p: Platform, src: Source) -> Iterator[Problem]:
    """Key attributes typed once in `attributes`, and every typed attribute used by a key."""
    for name, table in sorted(p.tables.items()):
        base: PathKey = ("tables", name)
        used: set[str] = set()
        for path, attr in _table_keys(table):
            used.add(attr)
            if attr not in table.attributes:
                yield _problem(
                    src,
                    (*base, *path),
                    "TFG252",
                    f"key attribute {attr!r} has no type in tables.{name}.attributes",
                    f"add {attr}: S (or N, B) to attributes",
                )
        for attr in sorted(set(table.attributes) - used):
            typed: PathKey = (*base, "attributes", attr)
            yield Problem(
                "TFG253",
                f"attribute {attr!r} is typed but no key of the table or its indexes uses it "
                "(DynamoDB rejects attribute definitions that are not keys)",
                src.positions.exact_key(typed) or src.where(typed),
                "remove it: only key attributes are declared; items may hold any attributes",
            )
        yield from _table_indexes(src, base, table)


GSI_LIMIT = 20


def _table_indexes(src: Source, base: PathKey, table: Table) -> Iterator[Problem]:
    if len(table.indexes) > GSI_LIMIT:
        yield _problem(
            src,
            (*base, "indexes"),
            "TFG256",
            f"{len(table.indexes)} global secondary indexes; DynamoDB allows {GSI_LIMIT}",
            "merge or drop indexes",
        )
    for index_name, index in sorted(table.indexes.items()):
        include = index.projection == "INCLUDE"
        if include != bool(index.non_key_attributes):
            yield _problem(
                src,
                (*base, "indexes", index_name, "projection"),
                "TFG256",
                "non_key_attributes go with projection INCLUDE, and INCLUDE needs them",
                "use projection: INCLUDE with non_key_attributes, or drop non_key_attributes",
            )


def bucket_logging(p: Platform, src: Source) -> Iterator[Problem]:
    """`access_logs` names a bucket of purpose access-logs; log buckets do not log."""
    for name, bucket in sorted(p.buckets.items()):
        target = bucket.access_logs
        if target is None:
            continue
        path: PathKey = ("buckets", name, "access_logs")
        if bucket.purpose == "access-logs":
            yield _problem(
                src,
                path,
                "TFG254",
                f"{name} is an access-log bucket; its own access logs would log themselves",
                "remove access_logs from the access-log bucket",
            )
        elif target not in p.buckets or p.buckets[target].purpose != "access-logs":
            logs = sorted(n for n, b in p.buckets.items() if b.purpose == "access-logs")
            yield _problem(
                src,
                path,
                "TFG254",
                f"{target!r} is not a bucket with purpose: access-logs "
                f"(known: {', '.join(logs) or 'none defined'})",
                "name a bucket of buckets: with purpose: access-logs",
            )


# --- cdn ----------------------------------------------------------------------------------

CDN_CERTIFICATE_REGION = "us-east-1"  # CloudFront uses ACM certificates of us-east-1 only
# https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/DownloadDistValuesCacheBehavior.html#DownloadDistValuesPathPattern
CDN_PATH_PATTERN = re.compile(r"^/[A-Za-z0-9_\-.$/~\"'@:+&*?]*$")


def cdn_origins(p: Platform, src: Source) -> Iterator[Problem]:
    """Each origin is one bucket of `buckets` (not an access-log bucket) or the ingress."""
    for name, dist in sorted(p.cdn.items()):
        for origin_id, origin in sorted(dist.origins.items()):
            path: PathKey = ("cdn", name, "origins", origin_id)
            if (origin.bucket is None) == (not origin.ingress):
                yield _problem(
                    src,
                    path,
                    "TFG290",
                    f"origin {origin_id} needs exactly one of bucket or ingress: true",
                    "give a bucket of buckets, or ingress: true for the load balancer",
                )
            elif origin.bucket is not None:
                yield from _bucket_origin(p, src, (*path, "bucket"), origin.bucket)
            else:
                yield from _ingress_origin(p, src, path, origin.domain)


def _bucket_origin(p: Platform, src: Source, path: PathKey, bucket: str) -> Iterator[Problem]:
    if bucket not in p.buckets:
        known = ", ".join(sorted(p.buckets)) or "none defined"
        yield _problem(
            src,
            path,
            "TFG291",
            f"bucket {bucket!r} is not defined in buckets (known: {known})",
            "add it under buckets: or fix the name",
        )
    elif p.buckets[bucket].purpose == "access-logs":
        yield _problem(
            src,
            path,
            "TFG292",
            f"{bucket} is an access-log bucket; CloudFront would serve the logs",
            "front a bucket with purpose: data",
        )


def _ingress_origin(
    p: Platform, src: Source, path: PathKey, domain: str | None
) -> Iterator[Problem]:
    ingress = p.ingress
    if ingress is None:
        yield _problem(
            src,
            (*path, "ingress"),
            "TFG293",
            "the origin is the load balancer but the platform has no ingress",
            "add an ingress: section, or use a bucket origin",
        )
    elif ingress.mode == "certificate" and domain is None:
        yield _problem(
            src,
            (*path, "ingress"),
            "TFG293",
            "CloudFront reaches the load balancer over HTTPS and checks its certificate; with "
            "ingress.certificate_arn tfgen does not know a host name that certificate covers",
            "add domain: the host name of the load balancer that its certificate covers",
        )


def cdn_behaviors(p: Platform, src: Source) -> Iterator[Problem]:
    """Behaviors name an origin of their distribution; each path pattern once."""
    for name, dist in sorted(p.cdn.items()):
        base: PathKey = ("cdn", name)
        known = ", ".join(sorted(dist.origins))
        routed = [(("default", "origin"), dist.default.origin)] + [
            (("behaviors", i, "origin"), b.origin) for i, b in enumerate(dist.behaviors)
        ]
        for where, origin in routed:
            if origin not in dist.origins:
                yield _problem(
                    src,
                    (*base, *where),
                    "TFG294",
                    f"origin {origin!r} is not an origin of {name} (known: {known})",
                    "name one of the distribution's origins",
                )
        seen: set[str] = set()
        for i, behavior in enumerate(dist.behaviors):
            path: PathKey = (*base, "behaviors", i, "path")
            if behavior.path in seen:
                yield _problem(
                    src,
                    path,
                    "TFG295",
                    f"path pattern {behavior.path!r} is listed twice",
                    "give each path pattern one behavior",
                )
            elif not CDN_PATH_PATTERN.match(behavior.path):
                yield _problem(
                    src,
                    path,
                    "TFG295",
                    f"{behavior.path!r} is not a CloudFront path pattern",
                    "start with '/' and use only A-Z a-z 0-9 _ - . $ / ~ \" ' @ : + & * ?",
                )
            seen.add(behavior.path)


def cdn_certificates(p: Platform, src: Source) -> Iterator[Problem]:
    """Aliases need a certificate: certificate_arn (us-east-1) or the ingress zone."""
    owners: dict[str, str] = {}
    for name, dist in sorted(p.cdn.items()):
        yield from _cdn_certificate(p, src, name, dist)
        for i, alias in enumerate(dist.aliases):
            if alias in owners:
                yield _problem(
                    src,
                    ("cdn", name, "aliases", i),
                    "TFG296",
                    f"alias {alias} is already an alias of {owners[alias]}",
                    "a domain name belongs to one distribution",
                )
            owners.setdefault(alias, name)


def _cdn_certificate(p: Platform, src: Source, name: str, dist: Distribution) -> Iterator[Problem]:
    base: PathKey = ("cdn", name)
    arn = dist.certificate_arn
    if arn is not None:
        if not dist.aliases:
            yield _problem(
                src,
                (*base, "certificate_arn"),
                "TFG296",
                "certificate_arn without aliases: CloudFront uses a certificate only for aliases",
                "add the aliases the certificate covers, or remove certificate_arn",
            )
        if arn.split(":")[3] != CDN_CERTIFICATE_REGION:
            yield _problem(
                src,
                (*base, "certificate_arn"),
                "TFG296",
                f"the certificate is in {arn.split(':')[3]}; CloudFront uses ACM certificates "
                f"of {CDN_CERTIFICATE_REGION} only",
                f"import or request the certificate in {CDN_CERTIFICATE_REGION}",
            )
        return
    if not dist.aliases:
        return
    zone = p.ingress.hosted_zone if p.ingress is not None else None
    if zone is None:
        yield _problem(
            src,
            (*base, "aliases"),
            "TFG296",
            f"{name} has aliases but no way to get their certificate",
            "give certificate_arn (ACM, us-east-1), or an ingress hosted_zone that holds the "
            "aliases (tfgen then requests and validates the certificate)",
        )
        return
    for i, alias in enumerate(dist.aliases):
        bare = alias.removeprefix("*.")
        if bare != zone and not bare.endswith(f".{zone}"):
            yield _problem(
                src,
                (*base, "aliases", i),
                "TFG296",
                f"alias {alias} is not in the hosted zone {zone}",
                f"use {zone} or a name ending in .{zone}, or give certificate_arn",
            )


def cdn_access_logs(p: Platform, src: Source) -> Iterator[Problem]:
    for name, dist in sorted(p.cdn.items()):
        target = p.buckets.get(dist.access_logs)
        if target is None or target.purpose != "access-logs":
            logs = sorted(n for n, b in p.buckets.items() if b.purpose == "access-logs")
            yield _problem(
                src,
                ("cdn", name, "access_logs"),
                "TFG297",
                f"{dist.access_logs!r} is not a bucket with purpose: access-logs "
                f"(known: {', '.join(logs) or 'none defined'})",
                "name a bucket of buckets: with purpose: access-logs",
            )


def cdn_waf_rule_groups(p: Platform, src: Source) -> Iterator[Problem]:
    for name, dist in sorted(p.cdn.items()):
        yield from _rule_groups(src, ("cdn", name, "waf"), dist.waf.managed_rule_groups)


def cdn_default_certificate(p: Platform, src: Source) -> Iterator[Problem]:
    """Warning: without aliases the default certificate admits TLSv1 (CloudFront sets the
    TLSv1 security policy for *.cloudfront.net; TLSv1.2_2021 needs a custom certificate)."""
    for name, dist in sorted(p.cdn.items()):
        if not dist.aliases:
            yield _problem(
                src,
                ("cdn", name),
                "TFG298",
                f"{name} has no aliases: it serves *.cloudfront.net with the CloudFront default "
                "certificate, whose minimum protocol is TLSv1 (not TLSv1.2_2021)",
                "add aliases (with certificate_arn or an ingress hosted_zone) for TLSv1.2_2021",
                key=True,
            )


def cdn_aliases_kept(
    base: Platform, env: Platform, src: Source, env_name: str
) -> Iterator[Problem]:
    """Whether a distribution has aliases (and so a certificate) is structure."""
    for name, dist in sorted(env.cdn.items()):
        shared = base.cdn.get(name)
        if shared is not None and bool(shared.aliases) != bool(dist.aliases):
            yield _problem(
                src,
                ("cdn", name, "aliases"),
                "TFG299",
                f"{env_name} {'gives' if dist.aliases else 'removes'} the aliases of {name}; "
                "whether a distribution has aliases is the same in every environment",
                "give aliases in every environment, or in none",
            )


RULES: tuple[Rule, ...] = (
    routes_need_ingress,
    health_checks,
    routes,
    scale_bounds,
    fargate_sizes,
    capacity,
    secret_refs,
    image_tags,
    image_sources,
    subnet_layout,
    availability_zones,
    short_names,
    spot_architecture,
    waf_rule_groups,
    private_egress,
    hostname_in_zone,
    ingress_tls,
    relation_targets,
    rule_targets,
    dead_letters,
    dead_letter_retention,
    visibility,
    messaging_environment,
    subscriptions,
    store_uses,
    table_attributes,
    bucket_logging,
    cdn_origins,
    cdn_behaviors,
    cdn_certificates,
    cdn_access_logs,
    cdn_waf_rule_groups,
)
# Rules whose problems are warnings: reported, never blocking.
WARNINGS: tuple[Rule, ...] = (http_only_warning, cdn_default_certificate)


def check_platform(
    p: Platform, src: Source, environments: list[str], memo: Memo | None = None
) -> list[Problem]:
    """Every rule on ``p``; ``memo`` (shared by the platform and its environments) lets the
    costly rules skip the models an environment shares with the base platform."""
    problems = [problem for rule in RULES for problem in rule(p, src)]
    problems.extend(name_lengths(p, src, environments, memo))
    found = secrets.find_plain_secrets(p, memo)
    values = [f.value for f in found]
    problems = [secrets.mask(problem, values) for problem in problems]
    problems.extend(secrets.problem(f, src) for f in found)
    return problems


def check_environment(base: Platform, env: Platform, src: Source, name: str) -> list[Problem]:
    """The rules on one environment that compare it with the specs or name it."""
    return [
        *image_kinds(base, env, src, name),
        *http_only_allowed(env, src, name),
        *cdn_aliases_kept(base, env, src, name),
    ]


def check_warnings(p: Platform, src: Source) -> list[Problem]:
    """The problems that are reported as warnings (they do not stop the render)."""
    return [problem for rule in WARNINGS for problem in rule(p, src)]
