"""The model rules of data stores (tables, buckets) and of the `uses` relation, located."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import Edit, line_of
from tfgen.errors import UserError
from tfgen.pipeline import load_project

SERVICES = "specs/services.yaml"
TABLES = "specs/tables.yaml"
STORAGE = "specs/storage.yaml"
PAYMENT_USES = "uses: [{table: payment-idempotency, access: write}]"


def _messages(project: Path) -> list[str]:
    with pytest.raises(UserError) as info:
        load_project(project, [], all_envs=True)
    return [p.render() for p in info.value.problems]


def test_dangling_uses_target(project: Path, edit: Edit) -> None:
    edit(SERVICES, PAYMENT_USES, "uses: [{table: payments, access: write}]")
    [msg] = _messages(project)
    line = line_of(project / SERVICES, "{table: payments")
    assert msg.startswith(
        f"{SERVICES}:{line}:20: TFG250 table 'payments' is not defined in tables (known: "
        "event-processing-log, payment-idempotency, user-interactions); hint: add it under "
        "tables: or fix the name"
    )


def test_dangling_bucket_target(project: Path, edit: Edit) -> None:
    edit(SERVICES, "{bucket: covers, access: write}", "{bucket: cover, access: write}")
    [msg] = _messages(project)
    line = line_of(project / SERVICES, "{bucket: cover,")
    assert msg.startswith(f"{SERVICES}:{line}:21: TFG250 bucket 'cover' is not defined in buckets")


def test_store_used_twice(project: Path, edit: Edit) -> None:
    edit(
        SERVICES,
        PAYMENT_USES,
        "uses: [{table: payment-idempotency, access: write}, {table: payment-idempotency}]",
    )
    [msg] = _messages(project)
    assert "TFG251 payment-service uses table 'payment-idempotency' twice" in msg
    assert msg.startswith(f"{SERVICES}:{line_of(project / SERVICES, PAYMENT_USES[:20])}:")


def test_invalid_access_level_is_located(project: Path, edit: Edit) -> None:
    edit(SERVICES, PAYMENT_USES, "uses: [{table: payment-idempotency, access: admin}]")
    [msg] = _messages(project)
    line = line_of(project / SERVICES, "access: admin")
    assert msg.startswith(f"{SERVICES}:{line}:")
    assert "TFG103" in msg and "'read' or 'write'" in msg


@pytest.mark.parametrize(
    "entry", ["{access: write}", "{table: payment-idempotency, bucket: covers, access: write}"]
)
def test_a_use_names_exactly_one_store(project: Path, edit: Edit, entry: str) -> None:
    edit(SERVICES, PAYMENT_USES, f"uses: [{entry}]")
    [msg] = _messages(project)
    assert msg.startswith(f"{SERVICES}:{line_of(project / SERVICES, entry)}:")
    assert "name exactly one store: one of the keys table, bucket" in msg


def test_store_variable_clashes_with_environment(project: Path, edit: Edit) -> None:
    edit(
        SERVICES,
        "      NODE_ENV: production\n      LOG_LEVEL: info\n",
        "      NODE_ENV: production\n      LOG_LEVEL: info\n"
        "      TABLE_PAYMENT_IDEMPOTENCY_NAME: other\n",
    )
    [msg] = _messages(project)
    assert "TFG255 TABLE_PAYMENT_IDEMPOTENCY_NAME (set by `uses` for the store)" in msg
    assert msg.startswith(f"{SERVICES}:{line_of(project / SERVICES, PAYMENT_USES)}:")


def test_key_attribute_without_type(project: Path, edit: Edit) -> None:
    edit(TABLES, "attributes: {event_id: S, service_name: S}", "attributes: {event_id: S}")
    messages = _messages(project)
    line = line_of(project / TABLES, "range_key: service_name")
    index_line = line_of(project / TABLES, "ServiceNameIndex")
    assert messages == [
        f"{TABLES}:{line}:16: TFG252 key attribute 'service_name' has no type in "
        "tables.event-processing-log.attributes; hint: add service_name: S (or N, B) to "
        "attributes",
        f"{TABLES}:{index_line}:36: TFG252 key attribute 'service_name' has no type in "
        "tables.event-processing-log.attributes; hint: add service_name: S (or N, B) to "
        "attributes",
    ]


def test_typed_attribute_no_key_uses(project: Path, edit: Edit) -> None:
    edit(TABLES, "attributes: {idempotency_key: S}", "attributes: {idempotency_key: S, ttl: N}")
    [msg] = _messages(project)
    line = line_of(project / TABLES, "attributes: {idempotency_key: S, ttl: N}")
    assert msg.startswith(
        f"{TABLES}:{line}:38: TFG253 attribute 'ttl' is typed but no key of the table or its "
        "indexes uses it"
    )


def test_attribute_typed_twice_is_a_duplicate_key(project: Path, edit: Edit) -> None:
    edit(
        TABLES,
        "attributes: {idempotency_key: S}",
        "attributes: {idempotency_key: S, idempotency_key: N}",
    )
    [msg] = _messages(project)
    assert "TFG003" in msg


def test_include_projection_needs_attributes(project: Path, edit: Edit) -> None:
    edit(
        TABLES,
        "{hash_key: service_name, projection: ALL}",
        "{hash_key: service_name, projection: INCLUDE}",
    )
    [msg] = _messages(project)
    assert "TFG256 non_key_attributes go with projection INCLUDE" in msg
    assert msg.startswith(f"{TABLES}:{line_of(project / TABLES, 'projection: INCLUDE')}:")


def test_access_logs_must_name_a_log_bucket(project: Path, edit: Edit) -> None:
    edit(
        STORAGE,
        "  covers:\n    access_logs: access-logs",
        "  covers:\n    access_logs: profile-pictures",
    )
    [msg] = _messages(project)
    line = line_of(project / STORAGE, "access_logs: profile-pictures")
    assert msg.startswith(
        f"{STORAGE}:{line}:18: TFG254 'profile-pictures' is not a bucket with purpose: access-logs "
        "(known: access-logs)"
    )


def test_log_bucket_does_not_log_itself(project: Path, edit: Edit) -> None:
    edit(
        STORAGE,
        "    purpose: access-logs\n",
        "    purpose: access-logs\n    access_logs: access-logs\n",
    )
    [msg] = _messages(project)
    assert "TFG254 access-logs is an access-log bucket" in msg


def test_bucket_name_too_long(project: Path) -> None:
    path = project / STORAGE
    fits, long = "b" * 32, "c" * 33
    # bookstore-staging-<name>-<12-digit account id>: 17 + 1 + 32 + 1 + 12 = 63 chars fit;
    # the longest environment name decides.
    path.write_text(path.read_text() + f"  {fits}:\n    versioning: true\n")
    load_project(project, [], all_envs=True)
    path.write_text(path.read_text() + f"  {long}:\n    versioning: true\n")
    [msg] = _messages(project)
    line = line_of(path, long)
    assert msg.startswith(
        f"{STORAGE}:{line}:3: TFG212 S3 bucket name 'bookstore-staging-{long}-000000000000' "
        "(64 chars) exceeds AWS's 63; hint: shorten the bucket name"
    )
