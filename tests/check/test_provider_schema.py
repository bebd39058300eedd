"""The shipped hashicorp/aws schemas (5.100.0 from terraform, 6.x from cdktn-provider-aws),
the API on them, and the extractors that make them."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from helpers import REPO
from tfgen.check.provider_schema import (
    AttributeSchema,
    BlockSchema,
    ProviderSchema,
    SchemaDiff,
    UnknownSchemaVersion,
    available_versions,
    closest,
    diff_versions,
    format_type,
    load_schema,
    parse_schema_text,
    resolve_version,
    type_delta,
)
from tfgen.errors import ToolError
from tfgen.terraform.locate import find_provider_mirror, find_terraform, mirror_provider_versions

DATA = REPO / "src" / "tfgen" / "data" / "schemas"
FIXTURE = Path(__file__).parent / "fixtures" / "provider_schema" / "cdk"
V5 = "5.100.0"
V6 = "6.69.1"


@pytest.fixture(scope="module")
def s5() -> ProviderSchema:
    return load_schema("5")


@pytest.fixture(scope="module")
def s6() -> ProviderSchema:
    return load_schema("6")


@pytest.fixture(scope="module")
def diff(s5: ProviderSchema, s6: ProviderSchema) -> SchemaDiff:
    return diff_versions(s5, s6)


def _resource(schema: ProviderSchema, name: str) -> BlockSchema:
    block = schema.resource(name)
    assert block is not None, f"{name} missing from {schema.version}"
    return block


def _data(schema: ProviderSchema, name: str) -> BlockSchema:
    block = schema.data_source(name)
    assert block is not None, f"data {name} missing from {schema.version}"
    return block


# --------------------------------------------------------------------------- loading


def test_both_versions_ship_and_load() -> None:
    assert available_versions() == (V5, V6)
    assert load_schema("5").version == V5
    assert load_schema("5.100").version == V5
    assert load_schema(V5).version == V5
    assert load_schema("6").version == V6
    assert load_schema("v6.69.1").version == V6
    assert load_schema("5") is load_schema(V5)  # cached


def test_unknown_version_is_a_lookup_error() -> None:
    with pytest.raises(UnknownSchemaVersion, match=r"shipped: 5\.100\.0, 6\.69\.1"):
        resolve_version("4")
    with pytest.raises(LookupError):
        load_schema("6.0.0")


def test_data_files_are_small_and_well_formed() -> None:
    for version in (V5, V6):
        path = DATA / f"aws-{version}.tsv.gz"
        assert path.stat().st_size < 2_000_000
        raw = path.read_bytes()
        assert raw[4:8] == b"\0\0\0\0", "gzip mtime must be 0 for reproducible bytes"
        lines = gzip.decompress(raw).decode("utf-8").splitlines()
        keys = [tuple(line.split("\t", 2)[:2]) for line in lines[1:]]
        kinds = ("provider", "resource", "data", "ephemeral")
        assert keys == sorted(keys, key=lambda k: (kinds.index(k[0]), k[1]))


def test_provenance_and_facets(s5: ProviderSchema, s6: ProviderSchema) -> None:
    assert s5.provider == s6.provider == "registry.terraform.io/hashicorp/aws"
    assert s5.source == "terraform providers schema -json"
    assert "cdktn-provider-aws 25.8.1" in s6.source
    assert {"deprecated", "sensitive", "min_items", "max_items"} <= s5.facets
    assert not {"deprecated", "sensitive", "min_items", "max_items"} & s6.facets
    assert {"required", "optional", "computed", "nesting_mode", "max_items_one"} <= s6.facets
    assert s6.has_facet("min_items_lower_bound") and not s6.has_facet("block_deprecated")


def test_counts(s5: ProviderSchema, s6: ProviderSchema) -> None:
    assert len(s5.resource_types()) == 1526
    assert len(s5.data_source_types()) == 608
    assert len(s5.ephemeral_resource_types()) == 7
    assert len(s6.resource_types()) == 1735
    assert len(s6.data_source_types()) == 685
    assert s5.resource("aws_no_such_thing") is None
    assert s6.data_source("aws_sqs_queue") is not None


# --------------------------------------------------------------------------- known facts


@pytest.mark.parametrize("version", ["5", "6"])
def test_sqs_queue_visibility_timeout_is_an_optional_number(version: str) -> None:
    attr = _resource(load_schema(version), "aws_sqs_queue").attributes["visibility_timeout_seconds"]
    assert (attr.optional, attr.required, attr.computed, attr.type) == (
        True,
        False,
        False,
        "number",
    )
    assert attr.settable and not attr.read_only


def test_eip_vpc_deprecated_in_5_removed_in_6(s5: ProviderSchema, s6: ProviderSchema) -> None:
    vpc = _resource(s5, "aws_eip").attributes["vpc"]
    assert vpc.deprecated is True and vpc.type == "bool"
    assert "vpc" in _resource(s5, "aws_eip").deprecated_arguments()
    assert "domain" in _resource(s6, "aws_eip").attributes
    assert "vpc" not in _resource(s6, "aws_eip").attributes


def test_unknown_facets_read_as_none(s5: ProviderSchema, s6: ProviderSchema) -> None:
    password5 = _resource(s5, "aws_db_instance").attributes["password"]
    password6 = _resource(s6, "aws_db_instance").attributes["password"]
    assert password5.sensitive is True and password5.deprecated is False
    assert password6.sensitive is None and password6.deprecated is None
    assert _resource(s6, "aws_db_instance").deprecated is None
    assert _resource(s5, "aws_db_instance").deprecated is False
    for schema in (s5, s6):
        assert _resource(schema, "aws_db_instance").attributes["password_wo"].write_only is True


@pytest.mark.parametrize("version", ["5", "6"])
def test_lb_listener_requires_arn_and_default_action(version: str) -> None:
    listener = _resource(load_schema(version), "aws_lb_listener")
    assert listener.attributes["load_balancer_arn"].required
    action = listener.blocks["default_action"]
    assert (action.nesting, action.min_items, action.max_items) == ("list", 1, None)
    assert action.block.attributes["type"].required
    forward = action.block.blocks["forward"]
    assert forward.max_items == 1 and forward.min_items == 0
    assert {"default_action", "load_balancer_arn"} <= set(listener.required_arguments())
    assert "arn" not in listener.arguments() and "port" in listener.arguments()


def test_exact_min_max_items_only_in_5(s5: ProviderSchema, s6: ProviderSchema) -> None:
    rule = _resource(s5, "aws_wafv2_web_acl").blocks["rule"].block
    assert (rule.blocks["statement"].min_items, rule.blocks["statement"].max_items) == (1, 1)
    action = _resource(s5, "aws_lb_listener").blocks["default_action"].block
    groups = action.blocks["forward"].block.blocks["target_group"]
    assert (groups.nesting, groups.min_items, groups.max_items) == ("set", 1, 5)
    action6 = _resource(s6, "aws_lb_listener").blocks["default_action"].block
    groups6 = action6.blocks["forward"].block.blocks["target_group"]
    assert (groups6.nesting, groups6.min_items, groups6.max_items) == ("set", 1, None)


@pytest.mark.parametrize("version", ["5", "6"])
def test_ecs_cluster_setting_block(version: str) -> None:
    cluster = _resource(load_schema(version), "aws_ecs_cluster")
    setting = cluster.blocks["setting"]
    assert setting.nesting == "set"
    assert setting.block.attributes["name"].required
    assert setting.block.attributes["value"].required


@pytest.mark.parametrize("version", ["5", "6"])
def test_timeouts_are_single_nested_and_ingress_is_an_attribute(version: str) -> None:
    group = _resource(load_schema(version), "aws_security_group")
    assert group.blocks["timeouts"].nesting == "single"
    ingress = group.attributes["ingress"]  # SDKv2 attribute of set(object), written as blocks
    assert "ingress" not in group.blocks
    assert isinstance(ingress.type, list) and ingress.type[0] == "set"
    assert ingress.type[1][0] == "object" and "from_port" in ingress.type[1][1]


def test_region_argument_is_new_in_6(s5: ProviderSchema, s6: ProviderSchema) -> None:
    region6 = _data(s6, "aws_region").attributes["region"]
    assert region6.optional and region6.computed and region6.type == "string"
    assert "region" not in _data(s5, "aws_region").attributes
    assert _resource(s6, "aws_sqs_queue").attributes["region"].optional
    assert "region" not in _resource(s5, "aws_sqs_queue").attributes


def test_read_only_nested_types(s6: ProviderSchema) -> None:
    authority = _resource(s6, "aws_eks_cluster").attributes["certificate_authority"]
    assert authority.read_only
    assert authority.type == ["list", ["object", {"data": "string"}]]


def test_truncated_blocks_in_6(s6: ProviderSchema) -> None:
    rule = _resource(s6, "aws_wafv2_web_acl").blocks["rule"].block
    statement = rule.blocks["statement"]
    assert statement.nesting == "unknown" and statement.block.truncated
    assert _resource(s6, "aws_quicksight_analysis").blocks["definition"].block.truncated


def test_provider_configuration(s5: ProviderSchema, s6: ProviderSchema) -> None:
    for schema in (s5, s6):
        config = schema.provider_config()
        assert config is not None
        assert config.attributes["region"].optional
        assert {"default_tags", "assume_role", "endpoints"} <= set(config.blocks)
        assert config.blocks["default_tags"].block.attributes["tags"].optional


# --------------------------------------------------------------------------- helpers


def test_closest_suggests_misspellings(s5: ProviderSchema) -> None:
    queue = _resource(s5, "aws_sqs_queue")
    assert closest("visiblity_timeout_seconds", queue.arguments()) == "visibility_timeout_seconds"
    assert closest("aws_sqs_queu", s5.resource_types()) == "aws_sqs_queue"
    assert closest("completely_unrelated_name", queue.arguments()) is None
    assert closest("x", []) is None


def test_format_type_and_type_delta() -> None:
    assert format_type("string") == "string"
    assert format_type(["set", ["list", "number"]]) == "set(list(number))"
    assert format_type(["object", {"b": "bool", "a": "string"}]) == "object({a=string, b=bool})"
    assert format_type(None) == "unknown"
    old = ["list", ["object", {"a": "string", "gone": "bool", "n": "number"}]]
    new = ["list", ["object", {"a": "string", "added": "bool", "n": "string"}]]
    assert type_delta(old, new) == ["+added", "-gone", "n: number -> string"]
    assert type_delta("bool", "string") == ["bool -> string"]


def test_attribute_properties() -> None:
    read_only = AttributeSchema(type="string", computed=True)
    assert read_only.read_only and not read_only.settable
    both = AttributeSchema(type="string", optional=True, computed=True)
    assert both.settable and not both.read_only


# --------------------------------------------------------------------------- upgrade diff
# Facts from the hashicorp/aws 6.0 upgrade guide, checked against the data (each appears in
# the 5.100.0 schema and not in 6.69.1, or changed as the guide says).


def test_diff_removed_resources_and_data_sources(diff: SchemaDiff) -> None:
    assert diff.old_version == V5 and diff.new_version == V6
    opsworks = [r for r in diff.resources_removed if r.startswith("aws_opsworks_")]
    assert "aws_opsworks_stack" in opsworks and len(opsworks) == 17
    assert {"aws_simpledb_domain", "aws_worklink_fleet"} <= set(diff.resources_removed)
    assert diff.data_sources_removed == ("aws_redshift_service_account",)
    assert "aws_sqs_queue" not in diff.resources_removed
    assert len(diff.resources_added) > 100


def test_diff_removed_arguments_and_blocks(diff: SchemaDiff) -> None:
    removed = {str(c) for c in diff.arguments_removed}
    assert {
        "aws_eip.vpc",
        "aws_instance.cpu_core_count",
        "aws_instance.cpu_threads_per_core",
        "aws_api_gateway_deployment.stage_name",
        "aws_flow_log.log_group_name",
        "aws_eks_addon.resolve_conflicts",
        "aws_batch_compute_environment.compute_environment_name",
        "aws_ssm_association.instance_id",
    } <= removed
    blocks = {str(c) for c in diff.blocks_removed}
    assert {
        "aws_launch_template.elastic_gpu_specifications",
        "aws_launch_template.elastic_inference_accelerator",
        "aws_redshift_cluster.logging",
        "aws_redshift_cluster.snapshot_copy",
        "aws_dms_endpoint.s3_settings",
        "aws_ecs_task_definition.inference_accelerator",
        "aws_api_gateway_deployment.canary_settings",
    } <= blocks
    read_only = {str(c) for c in diff.attributes_removed}
    assert {"aws_api_gateway_deployment.invoke_url", "aws_opensearch_domain.kibana_endpoint"} <= (
        read_only
    )


def test_diff_changed_and_added(diff: SchemaDiff) -> None:
    assert "aws_redshift_cluster.encrypted (bool -> string)" in {str(c) for c in diff.types_changed}
    added = {str(c) for c in diff.arguments_added}
    assert {"aws_sqs_queue.region", "data.aws_region.region"} <= added
    eip = {str(c) for c in diff.changes_for("resource", "aws_eip")}
    assert "aws_eip.vpc" in eip and "aws_eip.region" in eip
    assert diff.changes_for("resource", "aws_no_such_thing") == []


def test_diff_limited_to_some_types(s5: ProviderSchema, s6: ProviderSchema) -> None:
    some = diff_versions(s5, s6, only={"aws_eip", "aws_region"})
    assert {str(c) for c in some.arguments_removed} == {"aws_eip.vpc"}
    assert "data.aws_region.region" in {str(c) for c in some.arguments_added}
    assert "aws_opsworks_stack" in some.resources_removed


def test_diff_skips_truncated_blocks(diff: SchemaDiff) -> None:
    paths = {c.path for c in diff.blocks_removed if c.type_name == "aws_wafv2_web_acl"}
    assert not any(p.startswith("rule.statement.") for p in paths)


def test_diff_is_sorted_and_empty_against_itself(s5: ProviderSchema, diff: SchemaDiff) -> None:
    assert list(diff.arguments_removed) == sorted(diff.arguments_removed)
    same = diff_versions(s5, s5)
    assert same.resources_removed == ()
    assert same.arguments_removed == same.types_changed == ()


# --------------------------------------------------------------------------- extractors


def _run_tool(module: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _fixture_bundle(tmp_path: Path) -> Path:
    """The hand-made miniature jsii bundle in tests/check/fixtures as a .jsii.tgz."""
    bundle = tmp_path / "demo.jsii.tgz"
    with tarfile.open(bundle, "w:gz") as archive:
        archive.add(FIXTURE, arcname="package")
    return bundle


def test_cdk_extractor_on_a_miniature_bundle(tmp_path: Path) -> None:
    out = tmp_path / "demo.tsv.gz"
    proc = _run_tool(
        "tools.schema.extract_cdk", "--jsii-tgz", str(_fixture_bundle(tmp_path)), "--out", str(out)
    )
    assert proc.returncode == 0, proc.stderr
    schema = parse_schema_text(gzip.decompress(out.read_bytes()).decode("utf-8"))
    assert schema.version == "6.1.2"
    assert "demo-provider-aws 0.0.1" in schema.source
    thing = _resource(schema, "aws_demo_thing")
    attrs = thing.attributes
    assert attrs["name"] == AttributeSchema("string", required=True, write_only=False)
    assert attrs["arn"].read_only and attrs["arn"].type == "string"
    assert attrs["password_wo"].write_only is True
    assert attrs["security_groups"].type == ["set", "string"]
    assert attrs["tags"].type == ["map", "string"]
    assert attrs["ingress"].type == [
        "set",
        ["object", {"cidr_blocks": ["list", "string"], "from_port": "number"}],
    ]
    assert attrs["certificate_authority"].type == ["list", ["object", {"data": "string"}]]
    action = thing.blocks["default_action"]
    assert (action.nesting, action.min_items, action.max_items) == ("list", 1, None)
    forward = action.block.blocks["forward"]
    assert (forward.nesting, forward.min_items, forward.max_items) == ("list", 0, 1)
    assert forward.block.attributes["enabled"].computed
    assert thing.blocks["timeouts"].nesting == "single"
    statement = thing.blocks["statement"]
    assert statement.nesting == "unknown" and statement.block.truncated
    assert _data(schema, "aws_demo").attributes["region"].optional
    check = _run_tool(
        "tools.schema.extract_cdk",
        "--jsii-tgz",
        str(_fixture_bundle(tmp_path)),
        "--out",
        str(out),
        "--check",
    )
    assert check.returncode == 0, check.stdout + check.stderr


def _mirror_with_5100() -> Path | None:
    try:
        mirror = find_provider_mirror()
    except ToolError:
        return None
    if mirror is None or V5 not in mirror_provider_versions(mirror):
        return None
    return mirror


@pytest.mark.e2e
def test_terraform_extraction_reproduces_the_committed_file(tmp_path: Path) -> None:
    mirror = _mirror_with_5100()
    if mirror is None:
        pytest.skip(
            f"no Terraform filesystem mirror holding hashicorp/aws {V5} "
            "(set TFGEN_PROVIDER_MIRROR to one)"
        )
    try:
        find_terraform()
    except ToolError as exc:
        pytest.skip(f"no terraform: {exc}")
    out = tmp_path / f"aws-{V5}.tsv.gz"
    proc = _run_tool("tools.schema.extract_terraform", "--mirror", str(mirror), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    committed = (DATA / f"aws-{V5}.tsv.gz").read_bytes()
    fresh = out.read_bytes()
    assert gzip.decompress(fresh) == gzip.decompress(committed), (
        "the 5.100.0 schema changed: run `python -m tools.schema.extract_terraform`"
    )
    assert fresh == committed
