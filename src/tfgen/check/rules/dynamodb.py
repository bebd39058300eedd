"""DynamoDB table rules: billing mode and capacity, streams, key attributes."""

from __future__ import annotations

from collections.abc import Iterator

from tfgen.check.findings import Severity
from tfgen.check.rules.engine import Context, Issue, resource_rule
from tfgen.hcl import Block

CREATE_TABLE_DOC = (
    "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html"
)
STREAM_DOC = (
    "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_StreamSpecification.html"
)
TABLE = ("aws_dynamodb_table",)
_CAPACITY = ("read_capacity", "write_capacity")


def _billing_mode(ctx: Context, table: Block) -> str | None:
    if table.get("billing_mode") is None:
        return "PROVISIONED"
    return ctx.string(table, "billing_mode")


def _capacity_holders(table: Block) -> list[Block]:
    return [table, *table.children("global_secondary_index")]


@resource_rule(
    "AWS530",
    "Provisioned DynamoDB table or index without read/write capacity",
    Severity.ERROR,
    CREATE_TABLE_DOC,
    TABLE,
    'set read_capacity and write_capacity, or billing_mode = "PAY_PER_REQUEST"',
)
def provisioned_capacity(block: Block, ctx: Context) -> Iterator[Issue]:
    if _billing_mode(ctx, block) != "PROVISIONED":
        return
    for holder in _capacity_holders(block):
        missing = [name for name in _CAPACITY if holder.get(name) is None]
        if missing:
            where = "table" if holder is block else f"index {ctx.string(holder, 'name') or '?'}"
            yield Issue(
                block,
                f"provisioned {where} has no {' or '.join(missing)}",
                holder.get("billing_mode") if holder is block else holder,
            )


@resource_rule(
    "AWS531",
    "On-demand DynamoDB table with provisioned capacity settings",
    Severity.WARNING,
    CREATE_TABLE_DOC,
    TABLE,
    "remove read_capacity/write_capacity when billing is PAY_PER_REQUEST",
)
def on_demand_capacity(block: Block, ctx: Context) -> Iterator[Issue]:
    if _billing_mode(ctx, block) != "PAY_PER_REQUEST":
        return
    for holder in _capacity_holders(block):
        for name in _CAPACITY:
            if holder.get(name) is not None and ctx.number(holder, name):
                yield Issue(block, f"{name} is set on a PAY_PER_REQUEST table", holder.get(name))


@resource_rule(
    "AWS532",
    "DynamoDB stream enabled without stream_view_type",
    Severity.ERROR,
    STREAM_DOC,
    TABLE,
    "set stream_view_type (NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES or KEYS_ONLY)",
)
def stream_view_type(block: Block, ctx: Context) -> Iterator[Issue]:
    if ctx.boolean(block, "stream_enabled") and block.get("stream_view_type") is None:
        yield Issue(
            block, "stream_enabled = true without stream_view_type", block.get("stream_enabled")
        )


def _key_names(ctx: Context, table: Block) -> dict[str, Block] | None:
    """Every attribute used as a key (table, GSIs, LSIs); None if any is unknown."""
    holders = [
        table,
        *table.children("global_secondary_index"),
        *table.children("local_secondary_index"),
    ]
    keys: dict[str, Block] = {}
    for holder in holders:
        for name in ("hash_key", "range_key"):
            if holder.get(name) is None:
                continue
            value = ctx.string(holder, name)
            if value is None:
                return None
            keys.setdefault(value, holder)
    return keys


def _attribute_names(ctx: Context, table: Block) -> dict[str, Block] | None:
    found: dict[str, Block] = {}
    for attribute in table.children("attribute"):
        name = ctx.string(attribute, "name")
        if name is None:
            return None
        found[name] = attribute
    return found


@resource_rule(
    "AWS533",
    "DynamoDB attribute definitions and keys do not match",
    Severity.ERROR,
    CREATE_TABLE_DOC,
    TABLE,
    "define an attribute block for exactly the attributes used as table or index keys",
)
def key_attributes(block: Block, ctx: Context) -> Iterator[Issue]:
    indexes = [*block.children("global_secondary_index"), *block.children("local_secondary_index")]
    if any(
        block.has_dynamic(n)
        for n in ("attribute", "global_secondary_index", "local_secondary_index")
    ) or any(index.children("key_schema") for index in indexes):
        return
    keys, attributes = _key_names(ctx, block), _attribute_names(ctx, block)
    if keys is None or attributes is None:
        return
    for name, attribute in attributes.items():
        if name not in keys:
            yield Issue(
                block,
                f"attribute {name!r} is not used by any key or index; DynamoDB "
                "rejects unindexed attribute definitions",
                attribute,
            )
    for name, holder in keys.items():
        if name not in attributes:
            yield Issue(
                block,
                f"key {name!r} has no attribute definition",
                holder.get("hash_key")
                if ctx.string(holder, "hash_key") == name
                else holder.get("range_key"),
            )
