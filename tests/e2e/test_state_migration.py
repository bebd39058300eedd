"""The moved blocks migrate state from the explicit addresses of earlier tfgen versions.

tfgen used to write one block per entity (``aws_secretsmanager_secret.db_credentials``);
it now writes one block per kind, ``for_each`` over the entities
(``aws_secretsmanager_secret.this["db-credentials"]``).  Applied state at the old
addresses must move, not be destroyed and created again.  Real terraform, real AWS
provider, moto's server standing in for AWS (a test double: no AWS account here).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tfgen.render.hcl import ident
from tfgen.terraform.locate import find_provider_mirror
from tfgen.terraform.run import run_terraform, terraform_context

MOTO = shutil.which("moto_server") or str(Path(sys.executable).parent / "moto_server")
TFGEN = str(Path(sys.executable).parent / "tfgen")
BACKEND = ["use_path_style=true", "skip_credentials_validation=true",
           "skip_requesting_account_id=true"]  # fmt: skip
SECRETS = ("db-credentials", "jwt-signing-key", "redis-auth", "stripe-api-key")

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


def _env(url: str) -> dict[str, str]:
    return {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_REGION": "eu-west-1", "AWS_ENDPOINT_URL": url}  # fmt: skip


@pytest.fixture
def moto_aws() -> Iterator[str]:
    """A moto server with the state bucket, stopped afterwards (a test double for AWS)."""
    import boto3  # noqa: PLC0415 - comes with moto

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
        s3 = boto3.client("s3", endpoint_url=url, region_name="eu-west-1",
                          aws_access_key_id="test", aws_secret_access_key="test")  # fmt: skip
        s3.create_bucket(
            Bucket="bookstore-terraform-state",
            CreateBucketConfiguration={"LocationConstraint": "eu-west-1"},
        )
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _tfgen(project: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    extra = [item for pair in (("--backend-config", b) for b in BACKEND) for item in pair]
    return subprocess.run([TFGEN, *args, *extra], cwd=project, env=_env(url),
                          capture_output=True, text=True, check=False, timeout=900)  # fmt: skip


def test_state_at_the_explicit_addresses_moves_without_replacement(
    project: Path, moto_aws: str
) -> None:
    applied = _tfgen(project, moto_aws, "apply", "dev", "--target", "module.security", "--yes")
    assert applied.returncode == 0, applied.stderr
    # the state an earlier tfgen left: every secret at its explicit address
    generated = project / "generated"
    ctx = terraform_context(_env(moto_aws))
    for name in SECRETS:
        new = f'module.security.aws_secretsmanager_secret.this["{name}"]'
        old = f"module.security.aws_secretsmanager_secret.{ident(name)}"
        moved = run_terraform(["state", "mv", new, old], generated, ctx)
        assert moved.returncode == 0, moved.stderr
    listed = run_terraform(["state", "list"], generated, ctx).stdout
    assert "module.security.aws_secretsmanager_secret.db_credentials" in listed

    planned = _tfgen(project, moto_aws, "plan", "dev", "--target", "module.security")
    assert planned.returncode == 0, planned.stderr
    text = re.sub(r"\x1b\[[0-9;]*m", "", planned.stdout)
    for name in SECRETS:
        assert (
            f"module.security.aws_secretsmanager_secret.{ident(name)} has moved to "
            f'module.security.aws_secretsmanager_secret.this["{name}"]'
        ) in text
    assert "0 to add, 0 to change, 0 to destroy" in text
    assert "must be replaced" not in text and "will be destroyed" not in text
