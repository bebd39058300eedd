"""checkov checks every for_each instance of the generated Terraform on its own.

The generated modules build one resource block per kind, ``for_each`` over an entity map
rendered into the module; DESIGN.md requires that checkov still evaluates each entity's
resource separately, and that a finding on an instance maps to that entity's YAML.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from tools.synthetic import synthetic_project

from helpers import line_of
from tfgen.check.checkov import checkov_env, find_checkov, parse_output
from tfgen.check.findings import SpecLocation
from tfgen.check.layers import SpecMapper, map_to_spec
from tfgen.errors import ToolError
from tfgen.hcl import parse_hcl
from tfgen.pipeline import LoadedProject, load_project, render_project
from tfgen.render.kinds import placements
from tfgen.render.provenance import build_provenance

SERVICES = ("svc-0000", "svc-0001", "svc-0002")  # ports 10000, 10001, 10002
CHECKS = ("CKV_AWS_261", "CKV_AWS_336", "CKV_AWS_51", "CKV_AWS_149", "CKV2_TFGEN_1")
# A check on a value that comes from the entity map: only svc-0001's target group fails it.
POLICY = """\
metadata:
  id: CKV2_TFGEN_1
  name: Target groups must not use port 10001
  category: NETWORKING
definition:
  cond_type: attribute
  resource_types: [aws_lb_target_group]
  attribute: port
  operator: not_equals
  value: 10001
"""


@pytest.fixture(scope="module")
def three(tmp_path_factory: pytest.TempPathFactory) -> tuple[LoadedProject, dict[str, str]]:
    root = synthetic_project(tmp_path_factory.mktemp("three"), len(SERVICES))
    project = load_project(root)
    return project, render_project(project)


@pytest.fixture(scope="module")
def scanned(
    three: tuple[LoadedProject, dict[str, str]], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, str]:
    """checkov's JSON report on the rendered tree, with the custom policy, and its root."""
    try:
        exe = find_checkov()
    except ToolError as exc:
        pytest.skip(f"checkov is not installed: {exc}")
    work = tmp_path_factory.mktemp("scan")
    root, policies = work / "tree", work / "policies"
    for rel, text in three[1].items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    policies.mkdir()
    (policies / "port.yaml").write_text(POLICY)
    cmd = [
        str(exe), "-d", str(root), "--framework", "terraform", "-o", "json", "--compact",
        "--skip-download", "--external-checks-dir", str(policies), "-c", ",".join(CHECKS),
    ]  # fmt: skip
    proc = subprocess.run(
        cmd, capture_output=True, text=True, env=checkov_env(str(work)), check=False, timeout=600
    )
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    return root, proc.stdout


@pytest.mark.e2e
def test_checkov_reports_one_result_per_instance_and_the_failing_one_alone(
    three: tuple[LoadedProject, dict[str, str]], scanned: tuple[Path, str]
) -> None:
    results = json.loads(scanned[1])["results"]
    found = [
        (state, r["check_id"], r["resource"])
        for state in ("passed", "failed")
        for r in results[f"{state}_checks"]
    ]

    def states(check: str, address: str) -> dict[str, str]:
        return {
            resource.removeprefix(address)[2:-2]: state
            for state, code, resource in found
            if code == check and resource.startswith(address + "[")
        }

    target_groups = "module.ingress.aws_lb_target_group.this"
    assert states("CKV2_TFGEN_1", target_groups) == {
        "svc-0000": "passed",
        "svc-0001": "failed",
        "svc-0002": "passed",
    }
    everyone = dict.fromkeys(SERVICES, "passed")
    assert states("CKV_AWS_261", target_groups) == everyone
    assert states("CKV_AWS_336", "module.ecs.aws_ecs_task_definition.this") == everyone
    assert states("CKV_AWS_51", "module.ecr.aws_ecr_repository.this") == everyone
    secrets = dict.fromkeys(three[0].platform.secrets, "passed")
    assert len(secrets) > 1
    assert states("CKV_AWS_149", "module.security.aws_secretsmanager_secret.this") == secrets
    # no result for an unexpanded block: checkov saw the instances only
    blocks = (target_groups, "module.ecr.aws_ecr_repository.this")
    assert [r for r in found if r[2] in blocks] == []


@pytest.mark.e2e
def test_the_failing_instance_points_at_its_service(
    three: tuple[LoadedProject, dict[str, str]], scanned: tuple[Path, str]
) -> None:
    project, files = three
    root, stdout = scanned
    mapper = SpecMapper(build_provenance(files), project.source, {})
    [finding] = [f for f in parse_output(stdout, root).findings if f.code == "CKV2_TFGEN_1"]
    [mapped] = map_to_spec([finding], mapper, "")
    assert mapped.location is not None
    assert mapped.location.address == 'module.ingress.aws_lb_target_group.this["svc-0001"]'
    services = project.root / "specs/services.yaml"
    assert mapped.spec_location == SpecLocation(
        "specs/services.yaml", line_of(services, "svc-0001:"), 3
    )


def test_entity_maps_are_literal(three: tuple[LoadedProject, dict[str, str]], repo: Path) -> None:
    """checkov expands a for_each only over a map it can evaluate: a reference (var.name)
    anywhere in it leaves one unexpanded resource, checked once for every entity."""
    for files in (three[1], render_project(load_project(repo))):
        for _, placement in placements():
            path = f"modules/{placement.module}/{placement.local}.tf"
            if path not in files:
                continue
            doc = parse_hcl(files[path], path)
            for emap in placement.maps:
                value = doc.locals()[emap.local].value
                assert (value.kind, value.references()) == ("literal", ()), (path, emap.local)
