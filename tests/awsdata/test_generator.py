"""tools/gen_aws_data.py: parsing on miniature source wheels, determinism, and the committed
data against the pinned sources."""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from tools import gen_aws_data as gen

REPO = Path(__file__).resolve().parents[2]
EXT = "cfnlint/data/schemas/extensions"


def _engine_block(
    engine: str, prop: str, enum: list[str], *, in_if: bool = False
) -> dict[str, Any]:
    where = "if" if in_if else "then"
    block: dict[str, Any] = {"if": {"properties": {"Engine": {"const": engine}}}, "then": {}}
    block[where].setdefault("properties", {})[prop] = {"enum": enum}
    return block


def _zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as wheel:
        for name, data in sorted(files.items()):
            wheel.writestr(name, data)
    return path


def _model(shapes: dict[str, Any]) -> bytes:
    return gzip.compress(json.dumps({"shapes": shapes}).encode(), mtime=0)


CACHE_DOC = (
    "<ul><li><p>Current generation: </p><p><b>M5 node types:</b> <code>cache.m5.large</code>,"
    " <code>cache.m5.xlarge</code></p></li><li><p>Previous generation: (not recommended)</p>"
    "<p><b>M3 node types:</b> <code>cache.m3.medium</code></p></li></ul>"
    "<p>Memory optimized:</p><ul><li><p>Current generation:</p><p><code>cache.r7g.large</code>"
    "</p></li></ul><p>The variables <code>appendonly</code> are not supported.</p>"
)


def _botocore(tmp: Path) -> gen.Package:
    data = "botocore/data"
    files = {
        f"{data}/rds/2014-10-31/service-2.json.gz": _model(
            {"EngineFamily": {"type": "string", "enum": ["MYSQL", "POSTGRESQL", "SQLSERVER"]}}
        ),
        f"{data}/elasticache/2015-02-02/service-2.json.gz": _model(
            {
                "CreateCacheClusterMessage": {
                    "members": {"CacheNodeType": {"shape": "String", "documentation": CACHE_DOC}}
                }
            }
        ),
        f"{data}/opensearch/2021-01-01/service-2.json.gz": _model(
            {
                "OpenSearchPartitionInstanceType": {
                    "enum": ["m3.medium.search", "r6g.large.search"]
                },
                "OpenSearchWarmPartitionInstanceType": {"enum": ["ultrawarm1.medium.search"]},
            }
        ),
        f"{data}/mq/2017-11-27/service-2.json.gz": _model(
            {
                "EngineType": {"enum": ["ACTIVEMQ", "RABBITMQ"]},
                "DeploymentMode": {
                    "enum": ["SINGLE_INSTANCE", "ACTIVE_STANDBY_MULTI_AZ", "CLUSTER_MULTI_AZ"]
                },
            }
        ),
    }
    return gen.Package("botocore", "9.9.9", _zip(tmp / "botocore.whl", files))


def _cfn_lint(tmp: Path) -> gen.Package:
    def dump(value: object) -> bytes:
        return json.dumps(value).encode()

    versions = {
        "allOf": [
            {"if": {"required": ["Engine"]}, "then": {"properties": {"Engine": {"enum": ["x"]}}}},
            # cfn-lint adds the majors ("16", "8.0") to the API's versions: they are dropped
            _engine_block("aurora-postgresql", "EngineVersion", ["15.2", "16", "16.10", "16.9"]),
            _engine_block(
                "aurora-mysql",
                "EngineVersion",
                ["8.0", "8.0.mysql_aurora.3.04.0", "8.0.mysql_aurora.3.10.0"],
            ),
        ]
    }
    deprecated = {
        "allOf": [_engine_block("aurora-postgresql", "EngineVersion", ["15", "15.2"], in_if=True)]
    }
    rds_classes = {
        region: {
            "allOf": [
                _engine_block("aurora-postgresql", "DBInstanceClass", classes),
                _engine_block("aurora-mysql", "DBInstanceClass", ["db.r6g.large"]),
                _engine_block("postgres", "DBInstanceClass", ["db.m5.large"]),
            ]
        }
        for region, classes in {
            "eu-west-1": ["db.r6g.large", "db.serverless"],
            "us-east-1": ["db.r6g.large", "db.r8g.large", "db.serverless"],
        }.items()
    }
    rds_classes["_description"] = "not a region"  # type: ignore[assignment]
    cache_versions = {
        "allOf": [
            _engine_block("redis", "EngineVersion", ["7.1", "6.2"]),
            _engine_block("valkey", "EngineVersion", ["8.0", "7.2"]),
        ]
    }
    files = {
        f"{EXT}/aws_rds_dbcluster/engine_version.json": dump(versions),
        f"{EXT}/aws_rds_dbcluster/engine_version_deprecated.json": dump(deprecated),
        f"{EXT}/aws_rds_dbinstance/dbinstanceclass_enum.json": dump(rds_classes),
        f"{EXT}/aws_elasticache_cachecluster/engine_version.json": dump(cache_versions),
        f"{EXT}/aws_elasticache_cachecluster/cachenodetype_enum.json": dump(
            {"us-east-1": {"enum": ["cache.m5.large", "cache.t4g.micro"]}}
        ),
        f"{EXT}/aws_opensearchservice_domain/clusterconfig_instancetype_enum.json": dump(
            {"us-east-1": {"enum": ["or2.large.search", "ultrawarm1.medium.search"]}}
        ),
        f"{EXT}/aws_amazonmq_broker/instancetype_enum.json": dump(
            {
                "us-east-1": {"enum": ["mq.m5.large", "mq.m7g.2xl", "mq.t3.micro", "mq.m4.large"]},
                "eu-west-1": {"enum": ["mq.m7g.2xl"]},
            }
        ),
    }
    return gen.Package("cfn-lint", "0.0.1", _zip(tmp / "cfn.whl", files))


def _cdk(tmp: Path) -> gen.Package:
    js = (
        b'class EngineVersion{static ELASTICSEARCH_7_10=EngineVersion.elasticsearch("7.10");'
        b'static OPENSEARCH_2_9=EngineVersion.openSearch("2.9");'
        b'static OPENSEARCH_2_19=EngineVersion.openSearch("2.19");}'
    )
    bundle = io.BytesIO()
    with tarfile.open(fileobj=bundle, mode="w:gz") as tgz:
        info = tarfile.TarInfo(gen.CDK_VERSION_JS)
        info.size = len(js)
        tgz.addfile(info, io.BytesIO(js))
    files = {"aws_cdk/_jsii/aws-cdk-lib@1.2.3.jsii.tgz": bundle.getvalue()}
    return gen.Package("aws-cdk-lib", "1.2.3", _zip(tmp / "cdk.whl", files))


DOCUMENTED: dict[str, Any] = {
    "opensearch": {
        "previous_generation": {
            "url": "https://x/os",
            "retrieved": "2026-01-02",
            "families": ["m3"],
        }
    },
    "rabbitmq": {
        "deployment_modes": {
            "url": "https://x/arch",
            "retrieved": "2026-01-02",
            "modes": ["SINGLE_INSTANCE", "CLUSTER_MULTI_AZ"],
        },
        "versions": {
            "url": "https://x/versions",
            "retrieved": "2026-01-02",
            "lines": {
                "3.13": {"status": "supported"},
                "3.12": {"status": "end-of-support", "end_of_support": "2025-03-17"},
            },
        },
        "version_instance_families": {
            "url": "https://x/4",
            "retrieved": "2026-01-02",
            "lines": {"4.2": ["mq.m7g"]},
        },
        "instance_types": {
            "url": "https://x/types",
            "retrieved": "2026-01-02",
            "types": ["mq.m5.large", "mq.m7g.2xlarge", "mq.t3.micro"],
            "single_instance_only": ["mq.t3.micro"],
        },
    },
}


@pytest.fixture
def mini(tmp_path: Path) -> gen.Sources:
    return gen.Sources(_botocore(tmp_path), _cfn_lint(tmp_path), _cdk(tmp_path), DOCUMENTED)


def _built(sources: gen.Sources) -> dict[str, Any]:
    files = gen.build_all(sources)
    return {name.removesuffix(".json"): json.loads(data) for name, data in files.items()}


def test_aurora_from_cfn_lint(mini: gen.Sources) -> None:
    aurora = _built(mini)["aurora"]
    pg = aurora["engines"]["aurora-postgresql"]
    assert pg["versions"] == {"15.2": "deprecated", "16.9": "available", "16.10": "available"}
    mysql = aurora["engines"]["aurora-mysql"]["versions"]
    assert set(mysql) == {"8.0.mysql_aurora.3.04.0", "8.0.mysql_aurora.3.10.0"}
    assert pg["instance_classes"] == ["db.r6g.large", "db.r8g.large", "db.serverless"]
    assert pg["regions"]["eu-west-1"] == ["db.r6g.large", "db.serverless"]
    assert "_description" not in pg["regions"]
    assert aurora["source"] == "cfn-lint 0.0.1"
    assert aurora["fact_sources"] == {
        "versions": "cfn-lint 0.0.1",
        "instance_classes": "cfn-lint 0.0.1",
    }


def test_elasticache_generations_from_the_botocore_documentation(mini: gen.Sources) -> None:
    cache = _built(mini)["elasticache"]
    assert cache["previous_generation"] == ["cache.m3.medium"]
    # the documented current generation joins the priced node types
    assert cache["node_types"] == [
        "cache.m5.large",
        "cache.m5.xlarge",
        "cache.r7g.large",
        "cache.t4g.micro",
    ]
    assert cache["engines"]["valkey"]["versions"] == {"7.2": "available", "8.0": "available"}
    assert cache["source"] == "cfn-lint 0.0.1; botocore 9.9.9"


def test_opensearch_versions_from_the_cdk_and_types_from_botocore(mini: gen.Sources) -> None:
    search = _built(mini)["opensearch"]
    assert set(search["engines"]["opensearch"]["versions"]) == {"OpenSearch_2.9", "OpenSearch_2.19"}
    assert search["engines"]["elasticsearch"]["versions"] == {"Elasticsearch_7.10": "legacy"}
    assert search["instance_types"] == ["m3.medium.search", "or2.large.search", "r6g.large.search"]
    assert search["warm_instance_types"] == ["ultrawarm1.medium.search"]
    assert search["previous_generation"] == ["m3.medium.search"]
    assert "https://x/os (retrieved 2026-01-02)" in search["source"]


def test_mq_merges_documented_facts_with_priced_types(mini: gen.Sources) -> None:
    mq = _built(mini)["mq"]
    rabbit = mq["engines"]["rabbitmq"]
    assert rabbit["instance_types"] == ["mq.m5.large", "mq.m7g.2xlarge", "mq.t3.micro"]
    # "mq.m7g.2xl" of the Price List is the API's mq.m7g.2xlarge; ActiveMQ's mq.m4 is left out
    assert rabbit["regions"] == {
        "eu-west-1": ["mq.m7g.2xlarge"],
        "us-east-1": ["mq.m5.large", "mq.m7g.2xlarge", "mq.t3.micro"],
    }
    assert rabbit["versions"]["3.12"] == {
        "status": "end-of-support",
        "end_of_support": "2025-03-17",
    }
    assert rabbit["deployment_modes"] == ["CLUSTER_MULTI_AZ", "SINGLE_INSTANCE"]
    assert mq["engine_types"] == ["ACTIVEMQ", "RABBITMQ"]
    assert mq["fact_sources"]["versions"] == "https://x/versions (retrieved 2026-01-02)"


def test_a_documented_type_nobody_prices_is_refused(mini: gen.Sources) -> None:
    documented = json.loads(json.dumps(DOCUMENTED))
    documented["rabbitmq"]["instance_types"]["types"].append("mq.m9.huge")
    broken = gen.Sources(mini.botocore, mini.cfn_lint, mini.cdk, documented)
    with pytest.raises(gen.SourceError, match=r"no price anywhere: \['mq.m9.huge'\]"):
        gen.build_all(broken)


def test_a_missing_source_file_is_named(mini: gen.Sources, tmp_path: Path) -> None:
    empty = gen.Package("cfn-lint", "0.0.1", _zip(tmp_path / "empty.whl", {"x": b""}))
    with pytest.raises(gen.SourceError, match=r"cfn-lint 0\.0\.1: no cfnlint/data/schemas"):
        gen.build_all(gen.Sources(mini.botocore, empty, mini.cdk, DOCUMENTED))


def test_output_is_deterministic_and_check_finds_stale_files(
    mini: gen.Sources, tmp_path: Path
) -> None:
    first, second = gen.build_all(mini), gen.build_all(mini)
    assert first == second
    for data in first.values():
        text = data.decode("utf-8")
        assert text.endswith("}\n") and json.loads(text)
    out = tmp_path / "out"
    assert gen.write_or_check(first, out, check=False) == sorted(first)
    assert gen.write_or_check(first, out, check=True) == []
    (out / "mq.json").write_text("{}\n", encoding="utf-8")
    assert gen.write_or_check(first, out, check=True) == ["mq.json"]
    assert (out / "mq.json").read_text(encoding="utf-8") == "{}\n"  # --check writes nothing


def test_documented_facts_name_their_page_and_date() -> None:
    documented = yaml.safe_load(gen.DOCUMENTED.read_text(encoding="utf-8"))
    entries = [entry for service in documented.values() for entry in service.values()]
    assert len(entries) >= 5
    for entry in entries:
        assert entry["url"].startswith("https://docs.aws.amazon.com/"), entry
        assert len(str(entry["retrieved"])) == 10 and entry["note"], entry


# --- the committed files against the pinned sources ----------------------------------------


def _pinned_sources() -> gen.Sources:
    wheels = Path(os.environ.get("TFGEN_AWS_DATA_WHEELS", gen.default_wheel_dir()))
    try:
        return gen.load_sources(wheels, offline=True)
    except gen.SourceError as exc:
        pytest.skip(f"pinned source not available offline: {exc}")


def test_committed_data_is_what_the_pinned_sources_give() -> None:
    sources = _pinned_sources()
    files = gen.build_all(sources)
    assert files == gen.build_all(sources)  # byte-stable
    stale = gen.write_or_check(files, gen.OUT_DIR, check=True)
    assert stale == [], f"stale AWS data {stale}: run `make aws-data`"
    assert sorted(p.name for p in gen.OUT_DIR.glob("*.json")) == sorted(files)


def test_the_cli_check_mode_as_a_subprocess() -> None:
    wheels = Path(os.environ.get("TFGEN_AWS_DATA_WHEELS", gen.default_wheel_dir()))
    _pinned_sources()
    cmd = [
        sys.executable,
        "-m",
        "tools.gen_aws_data",
        "--offline",
        "--check",
        "--wheels",
        str(wheels),
    ]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    missing = subprocess.run(
        [*cmd[:-1], str(REPO / "no-such-dir")],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if gen.installed_botocore() is not None:  # botocore comes from site-packages, the rest not
        assert missing.returncode == 2
        assert "cfn-lint==1.58.0 wheel not in" in missing.stderr
