"""Platforms with and without messaging pass the real terraform validate."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfgen.pipeline import load_project, render_project
from tfgen.terraform.locate import find_provider_mirror
from tfgen.terraform.validate import validate_tree

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(find_provider_mirror() is None, reason="no hashicorp/aws provider mirror"),
]


def test_a_platform_without_messaging_validates(project: Path) -> None:
    (project / "specs/messaging.yaml").unlink()
    services = project / "specs/services.yaml"
    lines = services.read_text().splitlines()
    services.write_text("\n".join(ln for ln in lines if "publishes:" not in ln
                                  and "consumes:" not in ln) + "\n")  # fmt: skip
    dev = project / "environments/dev.yaml"
    dev.write_text(dev.read_text().split("\nqueues:")[0] + "\n")
    files = render_project(load_project(project))
    assert not any(p.startswith("modules/messaging/") for p in files)
    tree = {path: text.encode() for path, text in files.items()}
    envs = [f"environments/{e}.tfvars" for e in ("dev", "staging", "prod")]
    assert validate_tree(tree, var_files=envs) == []
