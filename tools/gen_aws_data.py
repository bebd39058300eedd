"""Regenerate tfgen's shipped AWS data-store facts (``src/tfgen/data/aws/*.json``), offline.

Usage (from the repository root; ``make aws-data`` runs it)::

    python -m tools.gen_aws_data [--wheels DIR] [--offline] [--out DIR] [--check]

The facts come from pinned packages, read straight from their wheels (nothing is installed or
imported), plus one reviewed file of documented facts:

* ``botocore`` (AWS's own API models): RDS Proxy engine families, Amazon MQ engine types and
  deployment modes, the OpenSearch instance-type enums, and the ElastiCache node-type list of
  the ``CacheNodeType`` documentation (which types are *previous generation*).
* ``cfn-lint`` (data its maintainers regenerate from the AWS APIs): Aurora engine versions and
  their status (RDS ``DescribeDBEngineVersions``), ElastiCache engine versions
  (``DescribeCacheEngineVersions``), and per-region instance classes / node types / instance
  types (AWS Price List API).
* ``aws-cdk-lib`` (the AWS CDK): the OpenSearch and Elasticsearch engine versions of
  ``aws_opensearchservice.EngineVersion``.
* ``tools/aws_data/documented.yaml``: facts only the AWS documentation has (RabbitMQ versions
  and end-of-support dates, RabbitMQ instance types, OpenSearch previous-generation families),
  each with its page URL and retrieval date.

Wheels are looked up in ``--wheels`` (default ``~/.cache/tfgen-tools/aws-data``) and fetched
there with ``pip download --no-deps`` when missing (unless ``--offline``); the installed botocore
is used instead of a wheel when it is the pinned version. Every output file records its sources;
the JSON is written with sorted keys and lists, so the same inputs give the same bytes.
``--check`` compares with the files in ``--out`` instead of writing (exit 1 on a difference).
"""

from __future__ import annotations

import argparse
import gzip
import html.parser
import importlib.metadata
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
OUT_DIR = REPO / "src" / "tfgen" / "data" / "aws"
DOCUMENTED = Path(__file__).resolve().parent / "aws_data" / "documented.yaml"
FORMAT = 1

PINS: dict[str, str] = {"botocore": "1.44.8", "cfn-lint": "1.58.0", "aws-cdk-lib": "2.275.0"}
AURORA_ENGINES = ("aurora-mysql", "aurora-postgresql")
CACHE_ENGINES = ("redis", "valkey")
# how many dot-separated parts make an engine's major version (aurora-mysql: "8.0")
AURORA_MAJOR_PARTS = {"aurora-mysql": 2, "aurora-postgresql": 1}

JsonObject = dict[str, Any]


class SourceError(Exception):
    """A pinned source is missing or does not hold what the generator expects."""


# --- reading packages --------------------------------------------------------------------


class Package:
    """Files of one pinned package: a wheel (zip) or an installed site-packages directory."""

    def __init__(self, name: str, version: str, location: Path) -> None:
        self.name, self.version, self.location = name, version, location

    def read(self, relpath: str) -> bytes:
        if self.location.is_dir():
            path = self.location / relpath
            if not path.is_file():
                raise SourceError(f"{self.name} {self.version}: no {relpath}")
            return path.read_bytes()
        with zipfile.ZipFile(self.location) as wheel:
            try:
                return wheel.read(relpath)
            except KeyError:
                raise SourceError(f"{self.name} {self.version}: no {relpath}") from None

    def json(self, relpath: str) -> Any:
        data = self.read(relpath)
        if relpath.endswith(".gz"):
            data = gzip.decompress(data)
        return json.loads(data)

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"


def default_wheel_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tfgen-tools" / "aws-data"


def _wheel_name(name: str) -> str:
    return name.replace("-", "_")


def find_wheel(wheel_dir: Path, name: str, version: str) -> Path | None:
    matches = sorted(wheel_dir.glob(f"{_wheel_name(name)}-{version}-*.whl"))
    return matches[0] if matches else None


def fetch_wheel(wheel_dir: Path, name: str, version: str) -> Path:
    """``pip download --no-deps`` the pinned wheel into ``wheel_dir`` (nothing is installed)."""
    wheel_dir.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:"]
    cmd += ["-d", str(wheel_dir), f"{name}=={version}"]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    found = find_wheel(wheel_dir, name, version)
    if proc.returncode != 0 or found is None:
        raise SourceError(f"cannot download {name}=={version}: {proc.stderr.strip()[-400:]}")
    return found


def installed_botocore() -> Path | None:
    """The installed botocore's site-packages directory when it is the pinned version."""
    try:
        dist = importlib.metadata.distribution("botocore")
    except importlib.metadata.PackageNotFoundError:
        return None
    if dist.version != PINS["botocore"]:
        return None
    root = Path(str(dist.locate_file("")))
    return root if (root / "botocore" / "data").is_dir() else None


def open_package(name: str, wheel_dir: Path, *, offline: bool) -> Package:
    version = PINS[name]
    if name == "botocore" and (site := installed_botocore()) is not None:
        return Package(name, version, site)
    wheel = find_wheel(wheel_dir, name, version)
    if wheel is None and offline:
        raise SourceError(f"{name}=={version} wheel not in {wheel_dir} (run `make aws-data`)")
    return Package(name, version, wheel or fetch_wheel(wheel_dir, name, version))


# --- helpers -------------------------------------------------------------------------------


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Natural order: numeric parts as numbers ("16.10" after "16.9"), text after numbers."""
    parts = re.findall(r"\d+|[A-Za-z]+", version)
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)


def sorted_versions(versions: Iterable[str]) -> list[str]:
    return sorted(set(versions), key=lambda v: (version_key(v), v))


def source_entry(package: Package, files: Iterable[str], what: str) -> JsonObject:
    return {
        "package": package.name,
        "version": package.version,
        "files": sorted(files),
        "what": what,
    }


def doc_entry(doc: Mapping[str, Any], what: str) -> JsonObject:
    return {"url": doc["url"], "retrieved": str(doc["retrieved"]), "what": what}


def summary(sources: Iterable[Mapping[str, Any]]) -> str:
    """The one-line ``source`` of a file: packages with versions, then documentation pages."""
    labels: list[str] = []
    for entry in sources:
        if "package" in entry:
            label = f"{entry['package']} {entry['version']}"
        else:
            label = f"{entry['url']} (retrieved {entry['retrieved']})"
        if label not in labels:
            labels.append(label)
    return "; ".join(labels)


def dataset(
    name: str, sources: list[JsonObject], facts: Mapping[str, Iterable[int]], body: JsonObject
) -> JsonObject:
    """A file: provenance (all sources, and per fact the sources it comes from) plus ``body``."""
    per_fact = {fact: summary(sources[i] for i in indexes) for fact, indexes in facts.items()}
    head = {"format": FORMAT, "dataset": name, "source": summary(sources), "sources": sources}
    return head | {"fact_sources": per_fact} | body


# --- cfn-lint data -------------------------------------------------------------------------

CFN_EXT = "cfnlint/data/schemas/extensions"


def _const_blocks(schema: Mapping[str, Any]) -> Iterable[tuple[str, Mapping[str, Any]]]:
    """(engine, block) for each ``allOf`` block of a cfn-lint schema keyed on ``Engine``."""
    for block in schema.get("allOf", []):
        engine = block.get("if", {}).get("properties", {}).get("Engine", {}).get("const")
        if isinstance(engine, str):
            yield engine, block


def cfn_engine_versions(schema: Mapping[str, Any], *, in_if: bool = False) -> dict[str, list[str]]:
    """engine -> EngineVersion enum of a cfn-lint engine-version schema (``then`` or ``if``)."""
    out: dict[str, list[str]] = {}
    for engine, block in _const_blocks(schema):
        where = block["if"] if in_if else block.get("then", {})
        enum = where.get("properties", {}).get("EngineVersion", {}).get("enum")
        if isinstance(enum, list):
            out[engine] = [str(v) for v in enum]
    return out


def cfn_regional_enum(data: Mapping[str, Any], prop: str) -> dict[str, dict[str, list[str]]]:
    """region -> engine ("" when the file has no engine split) -> enum, from a pricing file."""
    out: dict[str, dict[str, list[str]]] = {}
    for region, value in data.items():
        if not isinstance(value, dict):
            continue
        per_engine: dict[str, set[str]] = {}
        if "enum" in value:
            per_engine[""] = set(value["enum"])
        for engine, block in _const_blocks(value):
            enum = block.get("then", {}).get("properties", {}).get(prop, {}).get("enum", [])
            per_engine.setdefault(engine, set()).update(enum)
        out[region] = {engine: sorted(types) for engine, types in per_engine.items()}
    return out


def regional(per_region: Mapping[str, Iterable[str]]) -> tuple[list[str], JsonObject]:
    """(sorted union, region -> sorted list) without empty regions."""
    regions = {r: sorted(set(v)) for r, v in sorted(per_region.items()) if v}
    union = sorted({t for types in regions.values() for t in types})
    return union, regions


# --- Aurora --------------------------------------------------------------------------------


def aurora_major(engine: str, version: str) -> str:
    return ".".join(version.split(".")[: AURORA_MAJOR_PARTS[engine]])


def aurora_versions(engine: str, listed: list[str], deprecated: set[str]) -> dict[str, str]:
    """Full versions -> status; the majors cfn-lint adds to its enums are dropped."""
    full = [v for v in listed if aurora_major(engine, v) != v]
    return {v: "deprecated" if v in deprecated else "available" for v in sorted_versions(full)}


def build_aurora(cfn: Package) -> JsonObject:
    versions_file = f"{CFN_EXT}/aws_rds_dbcluster/engine_version.json"
    deprecated_file = f"{CFN_EXT}/aws_rds_dbcluster/engine_version_deprecated.json"
    classes_file = f"{CFN_EXT}/aws_rds_dbinstance/dbinstanceclass_enum.json"
    listed = cfn_engine_versions(cfn.json(versions_file))
    deprecated = cfn_engine_versions(cfn.json(deprecated_file), in_if=True)
    pricing = cfn_regional_enum(cfn.json(classes_file), "DBInstanceClass")
    engines: JsonObject = {}
    for engine in AURORA_ENGINES:
        if engine not in listed:
            raise SourceError(f"{cfn.label}: no {engine} versions in {versions_file}")
        union, regions = regional({r: e.get(engine, []) for r, e in pricing.items()})
        engines[engine] = {
            "versions": aurora_versions(engine, listed[engine], set(deprecated.get(engine, []))),
            "major_parts": AURORA_MAJOR_PARTS[engine],
            "instance_classes": union,
            "regions": regions,
        }
    sources = [
        source_entry(
            cfn,
            [versions_file, deprecated_file],
            "engine versions and deprecated versions (RDS DescribeDBEngineVersions)",
        ),
        source_entry(cfn, [classes_file], "DB instance classes per region (AWS Price List API)"),
    ]
    facts = {"versions": [0], "instance_classes": [1]}
    return dataset("aurora", sources, facts, {"engines": engines})


# --- RDS Proxy -----------------------------------------------------------------------------


def botocore_model(boto: Package, service: str, api_version: str) -> JsonObject:
    path = f"botocore/data/{service}/{api_version}/service-2.json.gz"
    model: JsonObject = boto.json(path)
    return model


def botocore_enum(boto: Package, service: str, api_version: str, shape: str) -> list[str]:
    shapes = botocore_model(boto, service, api_version)["shapes"]
    if "enum" not in shapes.get(shape, {}):
        raise SourceError(f"{boto.label}: {service} has no enum shape {shape}")
    return [str(v) for v in shapes[shape]["enum"]]


def build_rds_proxy(boto: Package) -> JsonObject:
    families = botocore_enum(boto, "rds", "2014-10-31", "EngineFamily")
    sources = [
        source_entry(
            boto,
            ["botocore/data/rds/2014-10-31/service-2.json.gz"],
            "RDS Proxy engine families (shape EngineFamily)",
        )
    ]
    engine_family = {"aurora-mysql": "MYSQL", "aurora-postgresql": "POSTGRESQL"}
    missing = set(engine_family.values()) - set(families)
    if missing:
        raise SourceError(f"{boto.label}: EngineFamily lacks {sorted(missing)}")
    body = {"engine_families": sorted(families), "engine_family": engine_family}
    return dataset("rds-proxy", sources, {"engine_families": [0]}, body)


# --- ElastiCache ---------------------------------------------------------------------------


class _GenerationParser(html.parser.HTMLParser):
    """Collects ``cache.*`` codes under "Current generation" / "Previous generation" headings."""

    def __init__(self) -> None:
        super().__init__()
        self.generation = ""
        self.in_code = False
        self.found: dict[str, set[str]] = {"current": set(), "previous": set()}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_code = tag == "code"

    def handle_endtag(self, tag: str) -> None:
        self.in_code = False

    def handle_data(self, data: str) -> None:
        text = data.strip()
        if text.startswith("Current generation"):
            self.generation = "current"
        elif text.startswith("Previous generation"):
            self.generation = "previous"
        elif (
            self.in_code and self.generation and re.fullmatch(r"cache\.[a-z0-9]+\.[a-z0-9]+", text)
        ):
            self.found[self.generation].add(text)


def elasticache_generations(boto: Package) -> dict[str, list[str]]:
    shapes = botocore_model(boto, "elasticache", "2015-02-02")["shapes"]
    doc = shapes["CreateCacheClusterMessage"]["members"]["CacheNodeType"]["documentation"]
    parser = _GenerationParser()
    parser.feed(doc)
    if not parser.found["previous"] or not parser.found["current"]:
        raise SourceError(f"{boto.label}: CacheNodeType documentation lost its generation lists")
    return {k: sorted(v) for k, v in parser.found.items()}


def build_elasticache(cfn: Package, boto: Package) -> JsonObject:
    versions_file = f"{CFN_EXT}/aws_elasticache_cachecluster/engine_version.json"
    types_file = f"{CFN_EXT}/aws_elasticache_cachecluster/cachenodetype_enum.json"
    listed = cfn_engine_versions(cfn.json(versions_file))
    pricing = cfn_regional_enum(cfn.json(types_file), "CacheNodeType")
    union, regions = regional({r: e.get("", []) for r, e in pricing.items()})
    generations = elasticache_generations(boto)
    engines: JsonObject = {}
    for engine in CACHE_ENGINES:
        if engine not in listed:
            raise SourceError(f"{cfn.label}: no {engine} versions in {versions_file}")
        engines[engine] = {"versions": {v: "available" for v in sorted_versions(listed[engine])}}
    sources = [
        source_entry(cfn, [versions_file], "engine versions (DescribeCacheEngineVersions)"),
        source_entry(cfn, [types_file], "cache node types per region (AWS Price List API)"),
        source_entry(
            boto,
            ["botocore/data/elasticache/2015-02-02/service-2.json.gz"],
            "previous-generation node types (CacheNodeType documentation)",
        ),
    ]
    body = {
        "engines": engines,
        "node_types": sorted(set(union) | set(generations["current"])),
        "previous_generation": generations["previous"],
        "regions": regions,
    }
    facts = {"versions": [0], "instance_classes": [1], "previous_generation": [2]}
    return dataset("elasticache", sources, facts, body)


# --- OpenSearch ----------------------------------------------------------------------------

CDK_VERSION_JS = "package/aws-opensearchservice/lib/version.js"


def cdk_engine_versions(cdk: Package) -> dict[str, list[str]]:
    """'OpenSearch' / 'Elasticsearch' -> versions of aws_opensearchservice.EngineVersion."""
    text = read_cdk_file(cdk, CDK_VERSION_JS)
    found: dict[str, list[str]] = {"OpenSearch": [], "Elasticsearch": []}
    for kind, version in re.findall(
        r"EngineVersion\.(openSearch|elasticsearch)\(\"([\d.]+)\"\)", text
    ):
        name = "OpenSearch" if kind == "openSearch" else "Elasticsearch"
        found[name].append(f"{name}_{version}")
    if not found["OpenSearch"]:
        raise SourceError(f"{cdk.label}: no OpenSearch versions in {CDK_VERSION_JS}")
    return {k: sorted_versions(v) for k, v in found.items()}


def read_cdk_file(cdk: Package, member: str) -> str:
    jsii = f"aws_cdk/_jsii/aws-cdk-lib@{cdk.version}.jsii.tgz"
    with tarfile.open(fileobj=io.BytesIO(cdk.read(jsii)), mode="r:gz") as bundle:
        handle = bundle.extractfile(member)
        if handle is None:
            raise SourceError(f"{cdk.label}: no {member} in {jsii}")
        return handle.read().decode("utf-8")


def previous_families(types: Iterable[str], families: Iterable[str]) -> list[str]:
    wanted = set(families)
    return sorted(t for t in types if t.split(".")[0] in wanted)


def build_opensearch(cfn: Package, boto: Package, cdk: Package, docs: JsonObject) -> JsonObject:
    types_file = f"{CFN_EXT}/aws_opensearchservice_domain/clusterconfig_instancetype_enum.json"
    enum = botocore_enum(boto, "opensearch", "2021-01-01", "OpenSearchPartitionInstanceType")
    warm = botocore_enum(boto, "opensearch", "2021-01-01", "OpenSearchWarmPartitionInstanceType")
    pricing = cfn_regional_enum(cfn.json(types_file), "InstanceType")
    union, regions = regional({r: set(e.get("", [])) - set(warm) for r, e in pricing.items()})
    instance_types = sorted((set(enum) | set(union)) - set(warm))
    prev_doc = docs["opensearch"]["previous_generation"]
    versions = cdk_engine_versions(cdk)
    sources = [
        source_entry(
            cdk, [CDK_VERSION_JS], "engine versions (aws_opensearchservice.EngineVersion)"
        ),
        source_entry(
            boto,
            ["botocore/data/opensearch/2021-01-01/service-2.json.gz"],
            "instance types (OpenSearchPartitionInstanceType, warm types excluded)",
        ),
        source_entry(cfn, [types_file], "instance types per region (AWS Price List API)"),
        doc_entry(prev_doc, "previous-generation instance families"),
    ]
    body = {
        "engines": {
            "opensearch": {"versions": {v: "available" for v in versions["OpenSearch"]}},
            "elasticsearch": {"versions": {v: "legacy" for v in versions["Elasticsearch"]}},
        },
        "instance_types": instance_types,
        "warm_instance_types": sorted(warm),
        "previous_generation": previous_families(instance_types, prev_doc["families"]),
        "regions": regions,
    }
    facts = {"versions": [0], "instance_classes": [1, 2], "previous_generation": [3]}
    return dataset("opensearch", sources, facts, body)


# --- Amazon MQ -----------------------------------------------------------------------------


def normalise_mq_type(name: str) -> str:
    """Price List usage types abbreviate sizes (``mq.m7g.2xl``); the API spells them out."""
    return re.sub(r"(\d*)xl$", r"\1xlarge", name)


def build_mq(cfn: Package, boto: Package, docs: JsonObject) -> JsonObject:
    types_file = f"{CFN_EXT}/aws_amazonmq_broker/instancetype_enum.json"
    rabbit = docs["rabbitmq"]
    documented = rabbit["instance_types"]["types"]
    pricing = cfn_regional_enum(cfn.json(types_file), "InstanceType")
    per_region = {
        r: {normalise_mq_type(t) for t in e.get("", [])} & set(documented)
        for r, e in pricing.items()
    }
    union, regions = regional(per_region)
    unpriced = sorted(set(documented) - set(union))
    if unpriced:
        raise SourceError(f"documented RabbitMQ instance types with no price anywhere: {unpriced}")
    all_modes = botocore_enum(boto, "mq", "2017-11-27", "DeploymentMode")
    modes = rabbit["deployment_modes"]["modes"]
    if not set(modes) <= set(all_modes):
        raise SourceError(f"documented RabbitMQ deployment modes not in botocore: {modes}")
    lines = {
        str(k): {kk: str(vv) if not isinstance(vv, bool) else vv for kk, vv in v.items()}
        for k, v in rabbit["versions"]["lines"].items()
    }
    sources = [
        source_entry(
            boto,
            ["botocore/data/mq/2017-11-27/service-2.json.gz"],
            "engine types and deployment modes (EngineType, DeploymentMode)",
        ),
        doc_entry(rabbit["versions"], "RabbitMQ engine versions and end of support"),
        doc_entry(rabbit["version_instance_families"], "instance families per RabbitMQ version"),
        doc_entry(rabbit["instance_types"], "RabbitMQ broker instance types"),
        source_entry(cfn, [types_file], "broker instance types per region (AWS Price List API)"),
        doc_entry(rabbit["deployment_modes"], "deployment modes of RabbitMQ brokers"),
    ]
    body = {
        "engine_types": sorted(botocore_enum(boto, "mq", "2017-11-27", "EngineType")),
        "deployment_modes": sorted(all_modes),
        "engines": {
            "rabbitmq": {
                "versions": dict(sorted(lines.items(), key=lambda kv: version_key(kv[0]))),
                "instance_types": sorted(documented),
                "version_instance_families": {
                    str(k): sorted(v)
                    for k, v in rabbit["version_instance_families"]["lines"].items()
                },
                "single_instance_only": sorted(rabbit["instance_types"]["single_instance_only"]),
                "deployment_modes": sorted(modes),
                "regions": regions,
            }
        },
    }
    facts = {
        "engine_types": [0],
        "deployment_modes": [0, 5],
        "versions": [1],
        "instance_classes": [2, 3, 4],
    }
    return dataset("mq", sources, facts, body)


# --- driver --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sources:
    botocore: Package
    cfn_lint: Package
    cdk: Package
    documented: JsonObject


def load_sources(wheel_dir: Path, *, offline: bool, documented: Path = DOCUMENTED) -> Sources:
    return Sources(
        botocore=open_package("botocore", wheel_dir, offline=offline),
        cfn_lint=open_package("cfn-lint", wheel_dir, offline=offline),
        cdk=open_package("aws-cdk-lib", wheel_dir, offline=offline),
        documented=yaml.safe_load(documented.read_text(encoding="utf-8")),
    )


BUILDERS: dict[str, Callable[[Sources], JsonObject]] = {
    "aurora": lambda s: build_aurora(s.cfn_lint),
    "rds-proxy": lambda s: build_rds_proxy(s.botocore),
    "elasticache": lambda s: build_elasticache(s.cfn_lint, s.botocore),
    "opensearch": lambda s: build_opensearch(s.cfn_lint, s.botocore, s.cdk, s.documented),
    "mq": lambda s: build_mq(s.cfn_lint, s.botocore, s.documented),
}


def render(data: JsonObject) -> bytes:
    """Canonical bytes: sorted keys, one top-level key per line, a final newline."""
    lines = [
        f"{json.dumps(k)}:{json.dumps(v, sort_keys=True, separators=(',', ':'))}"
        for k, v in sorted(data.items())
    ]
    return ("{\n" + ",\n".join(lines) + "\n}\n").encode("utf-8")


def build_all(sources: Sources) -> dict[str, bytes]:
    """File name -> bytes for every dataset."""
    return {f"{name}.json": render(build(sources)) for name, build in BUILDERS.items()}


def write_or_check(files: Mapping[str, bytes], out: Path, *, check: bool) -> list[str]:
    """Write the files (or compare them); the names that differ from what ``out`` holds."""
    stale = [
        n
        for n, data in sorted(files.items())
        if not (out / n).is_file() or (out / n).read_bytes() != data
    ]
    if not check:
        out.mkdir(parents=True, exist_ok=True)
        for name in stale:
            tmp = out / (name + ".tmp")
            tmp.write_bytes(files[name])
            tmp.replace(out / name)
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.gen_aws_data", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--wheels", type=Path, default=default_wheel_dir(), help="wheel cache directory"
    )
    parser.add_argument("--offline", action="store_true", help="never download a missing wheel")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output directory")
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    try:
        files = build_all(load_sources(args.wheels, offline=args.offline))
    except SourceError as exc:
        print(f"gen_aws_data: {exc}", file=sys.stderr)
        return 2
    stale = write_or_check(files, args.out, check=args.check)
    verb = "differ from the sources" if args.check else "written"
    for name in stale:
        print(f"{args.out / name}: {verb}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
