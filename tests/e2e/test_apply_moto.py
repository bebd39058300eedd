"""tfgen plan/apply with real terraform against moto's server (a stand-in for AWS).

moto implements the AWS APIs on 127.0.0.1; the provider and the S3 backend reach it
through ``AWS_ENDPOINT_URL``.  Applies are slow, so the set is kept small (the security
module: a KMS key, its alias and the four secrets).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tfgen.terraform.locate import find_provider_mirror

MOTO = shutil.which("moto_server") or str(Path(sys.executable).parent / "moto_server")
TFGEN = str(Path(sys.executable).parent / "tfgen")
BACKEND = ["use_path_style=true", "skip_credentials_validation=true",
           "skip_requesting_account_id=true"]  # fmt: skip

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.moto,
    pytest.mark.skipif(not Path(MOTO).exists(), reason="moto[server] is not installed"),
    pytest.mark.skipif(
        find_provider_mirror() is None, reason="no hashicorp/aws provider mirror on this machine"
    ),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def moto_aws() -> Iterator[str]:
    """A moto server for this module's tests, stopped afterwards (a test double for AWS)."""
    port = _free_port()
    proc = subprocess.Popen([MOTO, "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        _client("s3", url).create_bucket(
            Bucket="bookstore-terraform-state",
            CreateBucketConfiguration={"LocationConstraint": "eu-west-1"},
        )
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _env(url: str) -> dict[str, str]:
    return {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_REGION": "eu-west-1", "AWS_ENDPOINT_URL": url}  # fmt: skip


def _client(service: str, url: str):  # type: ignore[no-untyped-def]
    import boto3  # noqa: PLC0415 - comes with moto

    return boto3.client(service, endpoint_url=url, region_name="eu-west-1",
                        aws_access_key_id="test", aws_secret_access_key="test")  # fmt: skip


def _tfgen(project: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    extra = [item for pair in (("--backend-config", b) for b in BACKEND) for item in pair]
    return subprocess.run([TFGEN, *args, *extra], cwd=project, env=_env(url),
                          capture_output=True, text=True, check=False, timeout=900)  # fmt: skip


def test_apply_creates_the_resources_and_a_second_plan_is_empty(
    project: Path, moto_aws: str
) -> None:
    applied = _tfgen(project, moto_aws, "apply", "dev", "--target", "module.security", "--yes")
    assert applied.returncode == 0, applied.stderr
    assert "Apply complete! Resources: 6 added, 0 changed, 0 destroyed." in applied.stdout
    # the validation gate ran first (every layer) and its verdict is recorded with the plan
    assert "0 errors, 0 warnings, 0 info — passed (--fail-on error)" in applied.stdout
    assert "validation passed for dev (--fail-on error; 0 error, 0 warning, 0 info)" in (
        applied.stderr
    )
    record = json.loads((project / "generated/.tfgen/dev.tfplan.tfgen.json").read_text())
    assert (record["environment"], record["validation"], record["reason"]) == ("dev", "passed", "")
    assert record["layers"] == ["consistency", "schema", "rules", "terraform", "checkov"]

    names = {s["Name"] for s in _client("secretsmanager", moto_aws).list_secrets()["SecretList"]}
    assert names == {"bookstore-dev/db-credentials", "bookstore-dev/jwt-signing-key",
                     "bookstore-dev/redis-auth", "bookstore-dev/stripe-api-key"}  # fmt: skip
    aliases = {a["AliasName"] for a in _client("kms", moto_aws).list_aliases()["Aliases"]}
    assert "alias/bookstore-dev" in aliases
    state = _client("s3", moto_aws).list_objects_v2(Bucket="bookstore-terraform-state")
    assert [o["Key"] for o in state["Contents"]] == ["workspaces/dev/platform.tfstate"]

    replanned = _tfgen(project, moto_aws, "plan", "dev", "--target", "module.security")
    assert replanned.returncode == 0, replanned.stderr
    assert "changes: no" in replanned.stdout


def test_apply_without_a_terminal_needs_yes(project: Path, moto_aws: str) -> None:
    proc = _tfgen(project, moto_aws, "apply", "staging", "--target", "module.security")
    assert proc.returncode == 2
    assert "pass --yes to apply the plan above" in proc.stderr


def test_plan_refuses_a_stale_tree(project: Path, moto_aws: str) -> None:
    services = project / "specs/services.yaml"
    services.write_text(services.read_text().replace("port: 8082", "port: 8083"))
    proc = _tfgen(project, moto_aws, "plan", "dev")
    assert proc.returncode == 1
    assert "is stale for dev; run `tfgen render dev` first" in proc.stderr


def test_bypassed_plan_records_the_reason_and_apply_shows_it_again(
    project: Path, moto_aws: str
) -> None:
    reason = "hotfix INC-42: findings reviewed by the platform team"
    args = ("--target", "module.security", "--skip-validation", "--reason", reason)
    planned = _tfgen(project, moto_aws, "plan", "staging", *args)
    assert planned.returncode == 0, planned.stderr
    assert f"validation bypassed: {reason}" in planned.stderr
    assert "— passed" not in planned.stdout  # no layer ran
    plan = project / "generated/.tfgen/staging.tfplan"
    record = json.loads(plan.with_name("staging.tfplan.tfgen.json").read_text())
    assert record["validation"] == "bypassed"
    assert (record["reason"], record["findings"]) == (reason, None)
    assert record["plan_sha256"] == hashlib.sha256(plan.read_bytes()).hexdigest()
    assert "(gate record staging.tfplan.tfgen.json)" in planned.stdout

    applying = _tfgen(project, moto_aws, "apply", "staging", *args)  # no terminal, no --yes
    assert applying.returncode == 2
    lines = applying.stderr.splitlines()
    banner = lines.index(f"validation bypassed: {reason}")
    assert banner < next(i for i, line in enumerate(lines) if "pass --yes" in line)
