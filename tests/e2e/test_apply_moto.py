"""tfgen plan/apply with real terraform against moto's server (a stand-in for AWS).

moto implements the AWS APIs on 127.0.0.1; the provider and the S3 backend reach it
through ``AWS_ENDPOINT_URL``.  Applies are slow, so the set is kept small (the security
module: a KMS key, its alias and the four secrets).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from e2e.moto_double import MARKS, client, run_tfgen

pytestmark = MARKS


def test_apply_creates_the_resources_and_a_second_plan_is_empty(
    project: Path, moto_aws: str
) -> None:
    applied = run_tfgen(project, moto_aws, "apply", "dev", "--target", "module.security", "--yes")
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

    names = {s["Name"] for s in client("secretsmanager", moto_aws).list_secrets()["SecretList"]}
    assert names == {"bookstore-dev/db-credentials", "bookstore-dev/jwt-signing-key",
                     "bookstore-dev/redis-auth", "bookstore-dev/stripe-api-key"}  # fmt: skip
    aliases = {a["AliasName"] for a in client("kms", moto_aws).list_aliases()["Aliases"]}
    assert "alias/bookstore-dev" in aliases
    state = client("s3", moto_aws).list_objects_v2(Bucket="bookstore-terraform-state")
    assert [o["Key"] for o in state["Contents"]] == ["workspaces/dev/platform.tfstate"]

    replanned = run_tfgen(project, moto_aws, "plan", "dev", "--target", "module.security")
    assert replanned.returncode == 0, replanned.stderr
    assert "changes: no" in replanned.stdout


def test_apply_without_a_terminal_needs_yes(project: Path, moto_aws: str) -> None:
    proc = run_tfgen(project, moto_aws, "apply", "staging", "--target", "module.security")
    assert proc.returncode == 2
    assert "pass --yes to apply the plan above" in proc.stderr


def test_plan_refuses_a_stale_tree(project: Path, moto_aws: str) -> None:
    services = project / "specs/services.yaml"
    services.write_text(services.read_text().replace("port: 8082", "port: 8083"))
    proc = run_tfgen(project, moto_aws, "plan", "dev")
    assert proc.returncode == 1
    assert "is stale for dev; run `tfgen render dev` first" in proc.stderr


def test_bypassed_plan_records_the_reason_and_apply_shows_it_again(
    project: Path, moto_aws: str
) -> None:
    reason = "hotfix INC-42: findings reviewed by the platform team"
    args = ("--target", "module.security", "--skip-validation", "--reason", reason)
    planned = run_tfgen(project, moto_aws, "plan", "staging", *args)
    assert planned.returncode == 0, planned.stderr
    assert f"validation bypassed: {reason}" in planned.stderr
    assert "— passed" not in planned.stdout  # no layer ran
    plan = project / "generated/.tfgen/staging.tfplan"
    record = json.loads(plan.with_name("staging.tfplan.tfgen.json").read_text())
    assert record["validation"] == "bypassed"
    assert (record["reason"], record["findings"]) == (reason, None)
    assert record["plan_sha256"] == hashlib.sha256(plan.read_bytes()).hexdigest()
    assert "(gate record staging.tfplan.tfgen.json)" in planned.stdout

    applying = run_tfgen(project, moto_aws, "apply", "staging", *args)  # no terminal, no --yes
    assert applying.returncode == 2
    lines = applying.stderr.splitlines()
    banner = lines.index(f"validation bypassed: {reason}")
    assert banner < next(i for i, line in enumerate(lines) if "pass --yes" in line)
