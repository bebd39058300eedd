"""moto's server on 127.0.0.1: a test double for AWS (no AWS account can be used here).

The provider and the S3 backend reach it through ``AWS_ENDPOINT_URL``; tfgen runs as a real
subprocess with the backend settings a local endpoint needs.  Applies are slow, so the
tests that use it apply small slices of the platform.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tfgen.terraform.locate import find_provider_mirror

MOTO = shutil.which("moto_server") or str(Path(sys.executable).parent / "moto_server")
TFGEN = str(Path(sys.executable).parent / "tfgen")
REGION = "eu-west-1"
STATE_BUCKET = "bookstore-terraform-state"
BACKEND = ["use_path_style=true", "skip_credentials_validation=true",
           "skip_requesting_account_id=true"]  # fmt: skip

MARKS = [
    pytest.mark.e2e,
    pytest.mark.moto,
    pytest.mark.skipif(not Path(MOTO).exists(), reason="moto[server] is not installed"),
    pytest.mark.skipif(
        find_provider_mirror() is None, reason="no hashicorp/aws provider mirror on this machine"
    ),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def aws_env(url: str) -> dict[str, str]:
    """The environment that points the provider, the backend and boto3 at the double."""
    return {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_REGION": REGION, "AWS_ENDPOINT_URL": url}  # fmt: skip


def client(service: str, url: str) -> Any:
    import boto3  # noqa: PLC0415 - comes with moto

    return boto3.client(service, endpoint_url=url, region_name=REGION,
                        aws_access_key_id="test", aws_secret_access_key="test")  # fmt: skip


@contextmanager
def moto_server() -> Iterator[str]:
    """Start moto's server on a free port with the state bucket; stop it afterwards."""
    port = free_port()
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
        client("s3", url).create_bucket(
            Bucket=STATE_BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def run_tfgen(project: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``tfgen ARGS`` in ``project`` against the double (plan/apply get the backend settings)."""
    extra = [item for pair in (("--backend-config", b) for b in BACKEND) for item in pair]
    return subprocess.run([TFGEN, *args, *extra], cwd=project, env=aws_env(url),
                          capture_output=True, text=True, check=False, timeout=900)  # fmt: skip
