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
    STORE_SECTIONS,
    WAF_CONFIGURED_RULE_GROUPS,
    WAF_MANAGED_RULE_GROUPS,
    GeneratedName,
    Platform,
    Service,
    Table,
    bucket_name,
    name_prefix,
    platform_names,
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
TASK_GATEWAY_ENDPOINTS = ("s3",)


def _problem(
    source: Source, path: PathKey, code: str, message: str, hint: str, *, key: bool = False
) -> Problem:
    """A problem at the value of ``path`` (``key=True``: at its key, e.g. an entity name)."""
    where = source.locate(path) if key else source.where(path)
    return Problem(code, message, where, hint)


def unique_ports(p: Platform, src: Source) -> Iterator[Problem]:
    seen: dict[int, str] = {}
    for name, svc in sorted(p.services.items()):
        if svc.port in seen:
            yield _problem(
                src,
                ("services", name, "port"),
                "TFG201",
                f"port {svc.port} is already used by {seen[svc.port]}",
                "give every service its own container port",
            )
        else:
            seen[svc.port] = name


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
        if svc.image.tag.lower() == "latest":
            yield _problem(
                src,
                ("services", name, "image", "tag"),
                "TFG211",
                "'latest' is a mutable tag; repositories are IMMUTABLE and deployments must be "
                "reproducible",
                "pin a version tag (e.g. 1.4.2) or a sha256 digest",
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


def _platform_names() -> Iterator[tuple[_NameOrigin, GeneratedName]]:
    shorter = "shorten the platform name or the environment name"
    for gen in platform_names().values():
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


def _store_names(p: Platform) -> Iterator[tuple[_NameOrigin, GeneratedName]]:
    for name in sorted(p.tables):
        yield _NameOrigin(("tables", name), True, "shorten the table name"), table_name(name)
    hint = "shorten the bucket name (or the platform or environment name)"
    for name in sorted(p.buckets):
        yield _NameOrigin(("buckets", name), True, hint), bucket_name(name)


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
    worst = _worst(_platform_names(), prefixes)
    for name, svc in sorted(p.services.items()):
        if memo is None:
            worst.update(_worst(_service_names(name, svc), prefixes))
        else:
            check = partial(_worst, _service_names(name, svc), prefixes)
            worst.update(memo.get((svc,), ("names", name, prefixes), check))
    worst.update(_worst(_secret_names(p), prefixes))
    worst.update(_worst(_store_names(p), prefixes))
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
    seen: set[str] = set()
    groups = p.ingress.waf.managed_rule_groups if p.ingress is not None else []
    for i, group in enumerate(groups):
        path: PathKey = ("ingress", "waf", "managed_rule_groups", i)
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
    if any(svc.secrets for svc in p.services.values()):
        interface.append(SECRETS_ENDPOINT)
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
    if p.ingress is None:
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
            yield from _store_variable(src, name, svc, i, use.variable)


def _store_variable(src: Source, name: str, svc: Service, i: int, var: str) -> Iterator[Problem]:
    if var in svc.environment or var in svc.secrets:
        yield _problem(
            src,
            ("services", name, "uses", i),
            "TFG255",
            f"{var} (the store's name, set by `uses`) is also in the service's environment or "
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


RULES: tuple[Rule, ...] = (
    routes_need_ingress,
    unique_ports,
    health_checks,
    routes,
    scale_bounds,
    fargate_sizes,
    capacity,
    secret_refs,
    image_tags,
    subnet_layout,
    availability_zones,
    short_names,
    spot_architecture,
    waf_rule_groups,
    private_egress,
    hostname_in_zone,
    store_uses,
    table_attributes,
    bucket_logging,
)


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
