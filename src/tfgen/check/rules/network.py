"""VPC, subnet, security group and Route 53 rules."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass

from tfgen.check.findings import Severity
from tfgen.check.rules._common import Network, literal_strings, parse_network
from tfgen.check.rules.engine import Context, Issue, module_rule, resource_rule
from tfgen.hcl import Attribute, Block

VPC_DOC = "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html"
SUBNET_DOC = "https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html"
SG_DOC = "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html"
CNAME_DOC = (
    "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/ResourceRecordTypes.html#CNAMEFormat"
)
RRSET_DOC = "https://docs.aws.amazon.com/Route53/latest/APIReference/API_ResourceRecordSet.html"

# resource type -> attributes (possibly "block.attr") holding CIDRs
_CIDR_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "aws_vpc": ("cidr_block",),
    "aws_subnet": ("cidr_block",),
    "aws_vpc_ipv4_cidr_block_association": ("cidr_block",),
    "aws_security_group": (
        "ingress.cidr_blocks",
        "ingress.ipv6_cidr_blocks",
        "egress.cidr_blocks",
        "egress.ipv6_cidr_blocks",
    ),
    "aws_security_group_rule": ("cidr_blocks", "ipv6_cidr_blocks"),
    "aws_vpc_security_group_ingress_rule": ("cidr_ipv4", "cidr_ipv6"),
    "aws_vpc_security_group_egress_rule": ("cidr_ipv4", "cidr_ipv6"),
    "aws_route": ("destination_cidr_block", "destination_ipv6_cidr_block"),
    "aws_network_acl_rule": ("cidr_block", "ipv6_cidr_block"),
}
_STRICT_TYPES = ("aws_vpc", "aws_subnet", "aws_vpc_ipv4_cidr_block_association")


def _cidr_attributes(block: Block, path: str) -> Iterator[tuple[Block, Attribute]]:
    parts = path.split(".")
    holders = [block] if len(parts) == 1 else block.children(parts[0])
    for holder in holders:
        attr = holder.get(parts[-1])
        if attr is not None:
            yield holder, attr


@resource_rule(
    "AWS401",
    "Malformed CIDR block",
    Severity.ERROR,
    VPC_DOC,
    tuple(_CIDR_ATTRIBUTES),
    "write a network address with a prefix length, e.g. 10.0.1.0/24",
)
def invalid_cidr(block: Block, ctx: Context) -> Iterator[Issue]:
    strict = block.resource_type in _STRICT_TYPES
    for path in _CIDR_ATTRIBUTES[block.resource_type]:
        for holder, attr in _cidr_attributes(block, path):
            for text in literal_strings(ctx, holder, attr.name):
                if parse_network(text, strict=False) is None or "/" not in text:
                    yield Issue(block, f"{attr.name} {text!r} is not a valid CIDR block", attr)
                elif strict and parse_network(text) is None:
                    yield Issue(
                        block,
                        f"{attr.name} {text!r} has host bits set; use "
                        f"{parse_network(text, strict=False)}",
                        attr,
                    )


def _ipv4_cidr(ctx: Context, block: Block) -> ipaddress.IPv4Network | None:
    text = ctx.string(block, "cidr_block")
    network = parse_network(text) if text is not None else None
    return network if isinstance(network, ipaddress.IPv4Network) else None


@resource_rule(
    "AWS402",
    "VPC or subnet CIDR size outside /16../28",
    Severity.ERROR,
    SUBNET_DOC,
    ("aws_vpc", "aws_subnet", "aws_vpc_ipv4_cidr_block_association"),
    "IPv4 VPC and subnet CIDR blocks must be between /16 and /28",
)
def cidr_size(block: Block, ctx: Context) -> Iterator[Issue]:
    network = _ipv4_cidr(ctx, block)
    if network is not None and not 16 <= network.prefixlen <= 28:
        yield Issue(
            block,
            f"cidr_block {network} is /{network.prefixlen}; AWS allows /16 to /28",
            block.get("cidr_block"),
        )


def _subnets_by_vpc(ctx: Context) -> dict[str, list[tuple[Block, ipaddress.IPv4Network]]]:
    groups: dict[str, list[tuple[Block, ipaddress.IPv4Network]]] = {}
    for subnet in ctx.blocks("aws_subnet"):
        vpc, network = ctx.value(subnet, "vpc_id"), _ipv4_cidr(ctx, subnet)
        if vpc is None or network is None or subnet.get("count") or subnet.get("for_each"):
            continue
        groups.setdefault(vpc.raw, []).append((subnet, network))
    return groups


@module_rule(
    "AWS403",
    "Subnets of one VPC with overlapping CIDR blocks",
    Severity.ERROR,
    SUBNET_DOC,
    ("aws_subnet",),
    "give every subnet of a VPC its own, non-overlapping CIDR block",
)
def overlapping_subnets(ctx: Context) -> Iterator[Issue]:
    for subnets in _subnets_by_vpc(ctx).values():
        for index, (subnet, network) in enumerate(subnets):
            for other, other_network in subnets[:index]:
                if network.overlaps(other_network):
                    yield Issue(
                        subnet,
                        f"cidr_block {network} overlaps {other_network} of {other.address}",
                        subnet.get("cidr_block"),
                    )
                    break


def _vpc_networks(ctx: Context, vpc: Block) -> list[Network] | None:
    """All IPv4 CIDRs of a VPC (primary + associations); None if any is unknown."""
    primary = _ipv4_cidr(ctx, vpc)
    if primary is None:
        return None
    networks: list[Network] = [primary]
    for assoc in ctx.blocks("aws_vpc_ipv4_cidr_block_association"):
        if ctx.referenced(ctx.value(assoc, "vpc_id"), "aws_vpc") is vpc:
            extra = _ipv4_cidr(ctx, assoc)
            if extra is None:
                return None
            networks.append(extra)
    return networks


@module_rule(
    "AWS404",
    "Subnet CIDR outside its VPC's CIDR blocks",
    Severity.ERROR,
    SUBNET_DOC,
    ("aws_subnet", "aws_vpc"),
    "pick a subnet CIDR inside the VPC's CIDR block",
)
def subnet_outside_vpc(ctx: Context) -> Iterator[Issue]:
    for subnet in ctx.blocks("aws_subnet"):
        vpc = ctx.referenced(ctx.value(subnet, "vpc_id"), "aws_vpc")
        network = _ipv4_cidr(ctx, subnet)
        networks = _vpc_networks(ctx, vpc) if vpc is not None else None
        if vpc is None or network is None or networks is None:
            continue
        if not any(network.subnet_of(n) for n in networks if isinstance(n, ipaddress.IPv4Network)):
            shown = ", ".join(str(n) for n in networks)
            yield Issue(
                subnet,
                f"cidr_block {network} is not inside {vpc.address} ({shown})",
                subnet.get("cidr_block"),
            )


# --------------------------------------------------------------------------------------
# Security groups open to the internet
# --------------------------------------------------------------------------------------

SENSITIVE_TCP = {
    21: "FTP",
    22: "SSH",
    23: "Telnet",
    135: "MS RPC",
    139: "NetBIOS",
    445: "SMB",
    1433: "SQL Server",
    1521: "Oracle",
    2049: "NFS",
    2375: "Docker",
    2376: "Docker TLS",
    3306: "MySQL",
    3389: "RDP",
    5432: "PostgreSQL",
    5601: "Kibana",
    5984: "CouchDB",
    6379: "Redis",
    8086: "InfluxDB",
    9042: "Cassandra",
    9200: "Elasticsearch",
    9300: "Elasticsearch",
    11211: "Memcached",
    27017: "MongoDB",
}
SENSITIVE_UDP = {161: "SNMP", 11211: "Memcached"}
_ALL = ("-1", "all")
_TCP = ("tcp", "6")
_UDP = ("udp", "17")
_WORLD = ("0.0.0.0/0", "::/0")
# the resources whose ingress rules _world_ingresses reads
_INGRESS_TYPES = (
    "aws_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
)


@dataclass(frozen=True)
class _Ingress:
    resource: Block
    holder: Block
    protocol: str
    low: int | None
    high: int | None
    world: Attribute


def _world_attr(ctx: Context, holder: Block, names: tuple[str, ...]) -> Attribute | None:
    for name in names:
        if any(text in _WORLD for text in literal_strings(ctx, holder, name)):
            return holder.get(name)
    return None


def _ingress(
    ctx: Context, resource: Block, holder: Block, protocol_attr: str, cidrs: tuple[str, ...]
) -> _Ingress | None:
    world = _world_attr(ctx, holder, cidrs)
    protocol = ctx.string(holder, protocol_attr)
    if world is None or protocol is None:
        return None
    low, high = ctx.integer(holder, "from_port"), ctx.integer(holder, "to_port")
    return _Ingress(resource, holder, protocol.lower(), low, high, world)


def _world_ingresses(ctx: Context) -> Iterator[_Ingress]:
    for group in ctx.blocks("aws_security_group"):
        for rule in group.children("ingress"):
            found = _ingress(ctx, group, rule, "protocol", ("cidr_blocks", "ipv6_cidr_blocks"))
            if found:
                yield found
    for rule in ctx.blocks("aws_security_group_rule"):
        if ctx.string(rule, "type") == "ingress":
            found = _ingress(ctx, rule, rule, "protocol", ("cidr_blocks", "ipv6_cidr_blocks"))
            if found:
                yield found
    for rule in ctx.blocks("aws_vpc_security_group_ingress_rule"):
        found = _ingress(ctx, rule, rule, "ip_protocol", ("cidr_ipv4", "cidr_ipv6"))
        if found:
            yield found


def _all_ports(ingress: _Ingress) -> bool:
    if ingress.protocol in _ALL:
        return True
    return ingress.protocol in _TCP + _UDP and ingress.low == 0 and ingress.high == 65535


def _sensitive(ingress: _Ingress) -> list[str]:
    table = (
        SENSITIVE_TCP
        if ingress.protocol in _TCP
        else (SENSITIVE_UDP if ingress.protocol in _UDP else {})
    )
    if ingress.low is None or ingress.high is None:
        return []
    return [
        f"{port} ({name})" for port, name in table.items() if ingress.low <= port <= ingress.high
    ]


@module_rule(
    "AWS405",
    "Security group opens a database/admin port to the internet",
    Severity.WARNING,
    SG_DOC,
    _INGRESS_TYPES,
    "allow the port only from known CIDRs or other security groups (use SSM instead of SSH)",
)
def sensitive_port_open(ctx: Context) -> Iterator[Issue]:
    for ingress in _world_ingresses(ctx):
        ports = _sensitive(ingress)
        if ports and not _all_ports(ingress):
            yield Issue(
                ingress.resource, f"ingress from the internet to {', '.join(ports)}", ingress.world
            )


@module_rule(
    "AWS406",
    "Security group opens all ports to the internet",
    Severity.WARNING,
    SG_DOC,
    _INGRESS_TYPES,
    "open only the ports the service listens on",
)
def all_ports_open(ctx: Context) -> Iterator[Issue]:
    for ingress in _world_ingresses(ctx):
        if _all_ports(ingress):
            yield Issue(ingress.resource, "ingress from the internet on all ports", ingress.world)


# --------------------------------------------------------------------------------------
# Route 53
# --------------------------------------------------------------------------------------


def _is_alias(record: Block) -> bool:
    return bool(record.children("alias")) or record.has_dynamic("alias")


@resource_rule(
    "AWS420",
    "CNAME record with more than one value",
    Severity.ERROR,
    CNAME_DOC,
    ("aws_route53_record",),
    "a CNAME record holds exactly one domain name",
)
def cname_single_value(block: Block, ctx: Context) -> Iterator[Issue]:
    value = ctx.value(block, "records")
    items = value.as_list() if value is not None else None
    if ctx.string(block, "type") == "CNAME" and items is not None and len(items) > 1:
        yield Issue(block, f"CNAME record has {len(items)} values", block.get("records"))


@resource_rule(
    "AWS421",
    "Non-alias Route 53 record without ttl",
    Severity.ERROR,
    RRSET_DOC,
    ("aws_route53_record",),
    "set ttl (seconds) on records that are not aliases",
)
def record_ttl(block: Block, ctx: Context) -> Iterator[Issue]:
    if not _is_alias(block) and block.get("ttl") is None and block.get("records") is not None:
        yield Issue(block, "record has records but no ttl", block.get("records"))
