"""tfgen.awsdata against the shipped data files (src/tfgen/data/aws/*.json)."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from tfgen import awsdata
from tfgen.awsdata import _facts

DATA = resources.files("tfgen").joinpath("data", "aws")


@pytest.mark.parametrize("dataset", awsdata.DATASETS)
def test_every_data_file_carries_its_sources(dataset: str) -> None:
    data = json.loads(DATA.joinpath(f"{dataset}.json").read_text(encoding="utf-8"))
    assert data["format"] == 1
    assert data["dataset"] == dataset
    assert data["sources"], "a data file without sources"
    for entry in data["sources"]:
        if "package" in entry:
            assert entry["version"][0].isdigit() and entry["files"], entry
            assert f"{entry['package']} {entry['version']}" in data["source"]
        else:
            assert entry["url"].startswith("https://docs.aws.amazon.com/"), entry
            assert len(entry["retrieved"]) == 10 and entry["url"] in data["source"]
    for fact, label in data["fact_sources"].items():
        assert label and set(label.split("; ")) <= set(data["source"].split("; ")), fact
    assert awsdata.source(dataset) == data["source"]


def test_loading_is_lazy_and_cached() -> None:
    _facts.load.cache_clear()
    _facts.facts.cache_clear()
    assert _facts.load.cache_info().currsize == 0
    first = _facts.facts("redis")
    assert _facts.facts("redis") is first
    assert _facts.load.cache_info().currsize == 1  # only elasticache.json was read
    assert _facts.load("elasticache") is _facts.load("elasticache")


def test_unknown_names_raise() -> None:
    with pytest.raises(ValueError, match="unknown AWS engine 'postgres'"):
        awsdata.engine_versions("postgres")
    with pytest.raises(ValueError, match="unknown AWS dataset"):
        awsdata.source("dynamodb")
    with pytest.raises(ValueError, match="no AWS engine for 'oracle'"):
        awsdata.engine_for("oracle")


@pytest.mark.parametrize(
    ("spec", "key"),
    [
        ("postgres", "aurora-postgresql"),
        ("mysql", "aurora-mysql"),
        ("valkey", "valkey"),
        ("aurora-mysql", "aurora-mysql"),
        ("rabbitmq", "rabbitmq"),
    ],
)
def test_engine_for_maps_spec_engines_to_aws_keys(spec: str, key: str) -> None:
    assert awsdata.engine_for(spec) == key


@pytest.mark.parametrize("engine", awsdata.ENGINES)
def test_versions_are_in_natural_order_and_latest_is_the_newest(engine: str) -> None:
    versions = awsdata.engine_versions(engine)
    assert versions, engine
    keys = [_facts.version_key(v) for v in versions]
    assert keys == sorted(keys)
    assert set(versions) <= set(awsdata.engine_versions(engine, include_retired=True))
    latest = awsdata.latest_version(engine)
    assert latest is not None and latest in versions
    majors = awsdata.major_versions(engine)
    assert awsdata.latest_version(engine, majors[-1]) == latest
    for major in majors:
        assert awsdata.resolve_version(engine, major) == awsdata.latest_version(engine, major)
        assert awsdata.check_engine_version(engine, major) is None


def test_natural_order_puts_16_10_after_16_9() -> None:
    versions = awsdata.engine_versions("aurora-postgresql")
    assert versions.index("16.9") < versions.index("16.10")
    assert awsdata.latest_version("aurora-postgresql", "16") not in {"16.9", None}
    assert "-limitless" not in str(awsdata.latest_version("aurora-postgresql", "16"))


@pytest.mark.parametrize(
    ("engine", "given", "major"),
    [
        ("aurora-postgresql", "16", "16"),
        ("aurora-mysql", "8.0", "8.0"),
        ("redis", "7.x", "7"),
        ("valkey", "8", "8"),
        ("opensearch", "2", "OpenSearch_2"),
    ],
)
def test_a_major_resolves_to_its_latest_release(engine: str, given: str, major: str) -> None:
    resolved = awsdata.resolve_version(engine, given)
    assert resolved is not None
    assert resolved == awsdata.latest_version(engine, major)
    assert resolved.startswith(major + ".")
    assert awsdata.check_engine_version(engine, given) is None


def test_opensearch_versions_may_omit_the_prefix() -> None:
    assert awsdata.resolve_version("opensearch", "2.19") == "OpenSearch_2.19"
    assert awsdata.resolve_version("opensearch", "OpenSearch_2.19") == "OpenSearch_2.19"


# --- check_engine_version: a good and a bad value per engine ---------------------------------


@pytest.mark.parametrize(
    ("engine", "good"),
    [
        ("aurora-postgresql", "17.5"),
        ("aurora-mysql", "8.0.mysql_aurora.3.08.0"),
        ("redis", "7.1"),
        ("valkey", "8.0"),
        ("opensearch", "OpenSearch_2.19"),
        ("rabbitmq", "3.13"),
        ("rabbitmq", "3.13.7"),
        ("rabbitmq", "4.2"),
    ],
)
def test_supported_versions_pass(engine: str, good: str) -> None:
    assert awsdata.check_engine_version(engine, good) is None


def test_an_unknown_full_version_is_explained_with_the_closest_ones() -> None:
    finding = awsdata.check_engine_version("aurora-postgresql", "16.99")
    assert finding is not None
    assert finding.message == "`16.99` is not an engine version AWS offers for aurora-postgresql"
    assert finding.closest[0] == awsdata.latest_version("aurora-postgresql", "16")
    assert awsdata.latest_version("aurora-postgresql") in finding.closest
    assert finding.source == awsdata.source("aurora-postgresql", "versions")
    assert finding.hint.startswith(f"use `{finding.closest[0]}`, ")
    assert finding.hint.endswith(f"(AWS data: {finding.source})")
    assert "cfn-lint" in finding.source


def test_an_unknown_major_is_explained() -> None:
    finding = awsdata.check_engine_version("aurora-mysql", "9.9")
    assert finding is not None
    assert "not a major version AWS offers" in finding.message
    assert awsdata.latest_version("aurora-mysql") in finding.closest


def test_a_deprecated_aurora_version_is_explained() -> None:
    retired = [
        v
        for v in awsdata.engine_versions("aurora-postgresql", include_retired=True)
        if v not in awsdata.engine_versions("aurora-postgresql")
    ]
    assert retired, "the data lists no deprecated Aurora PostgreSQL version"
    finding = awsdata.check_engine_version("aurora-postgresql", retired[0])
    assert finding is not None
    assert "is deprecated: AWS no longer creates new clusters with it" in finding.message


def test_a_cache_version_of_another_engine_is_rejected() -> None:
    finding = awsdata.check_engine_version("redis", "8.0")  # a Valkey version, not Redis OSS
    assert finding is not None
    assert finding.closest[0] == awsdata.latest_version("redis")


def test_valkey_rejects_a_redis_only_version() -> None:
    finding = awsdata.check_engine_version("valkey", "6.2")
    assert finding is not None and "6.2" in finding.message


def test_elasticsearch_is_legacy_for_opensearch() -> None:
    finding = awsdata.check_engine_version("opensearch", "Elasticsearch_7.10")
    assert finding is not None
    assert "legacy Elasticsearch engine version" in finding.message
    assert finding.closest == (awsdata.latest_version("opensearch"),)
    bad = awsdata.check_engine_version("opensearch", "2.8")
    assert bad is not None and "`OpenSearch_2.8`" in bad.message


def test_rabbitmq_end_of_support_lines_are_explained() -> None:
    finding = awsdata.check_engine_version("rabbitmq", "3.12")
    assert finding is not None
    assert finding.message == "rabbitmq version `3.12` reached end of support on 2025-03-17"
    assert finding.closest[0] == "3.13"
    assert "rabbitmq-version-management.html" in finding.source
    assert "3.12" in awsdata.engine_versions("rabbitmq", include_retired=True)
    assert awsdata.engine_versions("rabbitmq") == ("3.13", "4.2")


# --- check_instance_class ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("engine", "good"),
    [
        ("aurora-postgresql", "db.r6g.large"),
        ("aurora-postgresql", "db.serverless"),
        ("aurora-mysql", "db.serverless"),
        ("aurora-mysql", "db.t4g.medium"),
        ("redis", "cache.t4g.micro"),
        ("valkey", "cache.r7g.large"),
        ("opensearch", "r6g.large.search"),
        ("opensearch", "t3.small.search"),
        ("rabbitmq", "mq.m5.large"),
        ("rabbitmq", "mq.t3.micro"),
    ],
)
def test_offered_instance_classes_pass(engine: str, good: str) -> None:
    assert good in awsdata.instance_classes(engine)
    assert awsdata.check_instance_class(engine, good) is None


def test_a_misspelt_class_gets_the_closest_valid_ones() -> None:
    finding = awsdata.check_instance_class("aurora-postgresql", "db.r6g.lrage")
    assert finding is not None
    assert (
        finding.message
        == "`db.r6g.lrage` is not an instance class AWS offers for aurora-postgresql"
    )
    assert finding.closest[0] == "db.r6g.large"
    assert finding.source == awsdata.source("aurora-postgresql", "instance_classes")


def test_an_ec2_name_is_not_an_opensearch_type() -> None:
    finding = awsdata.check_instance_class("opensearch", "r6g.large")
    assert finding is not None and finding.closest[0] == "r6g.large.search"


def test_a_previous_generation_cache_node_is_refused() -> None:
    assert awsdata.is_previous_generation("redis", "cache.m3.large")
    assert "cache.m3.large" not in awsdata.instance_classes("redis")
    finding = awsdata.check_instance_class("valkey", "cache.m3.large")
    assert finding is not None
    assert "previous-generation type" in finding.message
    assert "botocore" in finding.source
    assert all(c in awsdata.instance_classes("valkey") for c in finding.closest)


def test_previous_generation_opensearch_types_stay_valid_but_are_flagged() -> None:
    assert awsdata.is_previous_generation("opensearch", "t2.small.search")
    assert not awsdata.is_previous_generation("opensearch", "t3.small.search")
    assert awsdata.check_instance_class("opensearch", "t2.small.search") is None


def test_rabbitmq_4_runs_only_on_m7g() -> None:
    classes = awsdata.instance_classes("rabbitmq", "4.2")
    assert classes and all(c.startswith("mq.m7g.") for c in classes)
    assert awsdata.check_instance_class("rabbitmq", "mq.m7g.large", version="4.2") is None
    assert awsdata.check_instance_class("rabbitmq", "mq.m5.large", version="3.13") is None
    finding = awsdata.check_instance_class("rabbitmq", "mq.m5.large", version="4.2")
    assert finding is not None
    assert finding.message == "rabbitmq 4.2 runs only on `mq.m7g` instance types, not `mq.m5.large`"
    assert finding.closest[0] == "mq.m7g.large"


def test_region_availability_narrows_the_classes() -> None:
    everywhere = set(awsdata.instance_classes("aurora-mysql"))
    for region in awsdata.regions("aurora-mysql"):
        here = set(awsdata.instance_classes("aurora-mysql", region=region))
        missing = sorted(everywhere - here)
        if missing:
            break
    else:
        pytest.fail("every region offers every Aurora MySQL class")
    finding = awsdata.check_instance_class("aurora-mysql", missing[0], region=region)
    assert finding is not None
    assert finding.message == f"AWS does not offer `{missing[0]}` for aurora-mysql in {region}"
    assert all(c in here for c in finding.closest)
    some = next(iter(here))
    assert awsdata.check_instance_class("aurora-mysql", some, region=region) is None
    assert awsdata.instance_classes("aurora-mysql", region="xx-nowhere-1") == tuple(
        sorted(everywhere)
    )


# --- RDS Proxy and Amazon MQ --------------------------------------------------------------


def test_rds_proxy_engine_families() -> None:
    assert {"MYSQL", "POSTGRESQL"} <= set(awsdata.proxy_engine_families())
    assert awsdata.proxy_engine_family("aurora-postgresql") == "POSTGRESQL"
    assert awsdata.proxy_engine_family("aurora-mysql") == "MYSQL"
    with pytest.raises(ValueError, match="no engine family"):
        awsdata.proxy_engine_family("redis")
    assert awsdata.source("rds-proxy").startswith("botocore ")


def test_rabbitmq_deployment_modes() -> None:
    assert set(awsdata.deployment_modes("rabbitmq")) == {"SINGLE_INSTANCE", "CLUSTER_MULTI_AZ"}
    assert "ACTIVE_STANDBY_MULTI_AZ" in awsdata.deployment_modes()
    assert awsdata.check_broker_deployment("mq.m5.large", "CLUSTER_MULTI_AZ") is None
    assert awsdata.check_broker_deployment("mq.t3.micro", "SINGLE_INSTANCE") is None
    tiny = awsdata.check_broker_deployment("mq.t3.micro", "CLUSTER_MULTI_AZ")
    assert tiny is not None and "single-instance brokers only" in tiny.message
    assert tiny.closest and "mq.t3.micro" not in tiny.closest
    wrong = awsdata.check_broker_deployment("mq.m5.large", "ACTIVE_STANDBY_MULTI_AZ")
    assert wrong is not None and wrong.closest == ("CLUSTER_MULTI_AZ",)
