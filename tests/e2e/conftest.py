"""Fixtures of the end-to-end tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from e2e.moto_double import moto_server


@pytest.fixture(scope="module")
def moto_aws() -> Iterator[str]:
    """A moto server (a test double for AWS) for one test module, stopped afterwards."""
    with moto_server() as url:
        yield url
