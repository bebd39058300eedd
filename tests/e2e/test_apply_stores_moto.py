"""The data stores (tables, buckets) applied with real terraform against moto's server.

moto (a test double for AWS, which cannot run here) serves the AWS APIs on 127.0.0.1; the
provider and the S3 backend reach it through ``AWS_ENDPOINT_URL``.  Only the two store
modules (and the KMS key they need) are applied: a second plan shows no changes, and
``terraform destroy`` removes them again.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from e2e.moto_double import MARKS, TFGEN, aws_env, client, run_tfgen
from helpers import drop_cdn

pytestmark = MARKS

# Every bucket resource but aws_s3_bucket_logging: moto 5.2.5's PutBucketLogging answers 500
# when the target bucket's policy has a statement with "Principal": "*" (its permission check
# calls .get on the string), which the TLS-only statement of every bucket has; terraform then
# retries until it times out. AWS accepts that policy (it is the documented TLS-only form).
BUCKET_RESOURCES = (
    "aws_s3_bucket.this",
    "aws_s3_bucket_public_access_block.this",
    "aws_s3_bucket_ownership_controls.this",
    "aws_s3_bucket_versioning.this",
    "aws_s3_bucket_server_side_encryption_configuration.this",
    "aws_s3_bucket_lifecycle_configuration.this",
    "aws_s3_bucket_policy.this",
)
TARGETS = (
    "--target",
    "module.tables",
    *(item for r in BUCKET_RESOURCES for item in ("--target", f"module.buckets.{r}")),
)


def test_tables_and_buckets_apply_replan_clean_and_destroy(project: Path, moto_aws: str) -> None:
    # The bucket policies name the CloudFront distributions, which moto cannot create.
    drop_cdn(project)
    render = [TFGEN, "render", "--all", "--force"]
    rendered = subprocess.run(render, cwd=project, capture_output=True, text=True, check=False)
    assert rendered.returncode == 0, rendered.stderr
    applied = run_tfgen(project, moto_aws, "apply", "dev", *TARGETS, "--yes")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "Apply complete!" in applied.stdout

    tables = client("dynamodb", moto_aws).list_tables()["TableNames"]
    assert sorted(t for t in tables if t.startswith("bookstore-dev-")) == [
        "bookstore-dev-event-processing-log",
        "bookstore-dev-payment-idempotency",
        "bookstore-dev-user-interactions",
    ]
    table = client("dynamodb", moto_aws).describe_table(
        TableName="bookstore-dev-user-interactions"
    )["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert [i["IndexName"] for i in table["GlobalSecondaryIndexes"]] == ["ProductIdIndex"]
    assert table["SSEDescription"]["SSEType"] == "KMS"
    buckets = [b["Name"] for b in client("s3", moto_aws).list_buckets()["Buckets"]]
    assert sorted(b for b in buckets if b.startswith("bookstore-dev-")) == [
        "bookstore-dev-access-logs-123456789012",
        "bookstore-dev-covers-123456789012",
        "bookstore-dev-profile-pictures-123456789012",
    ]
    policy = client("s3", moto_aws).get_bucket_policy(Bucket="bookstore-dev-covers-123456789012")
    assert '"aws:SecureTransport":"false"' in policy["Policy"].replace(" ", "")

    replanned = run_tfgen(project, moto_aws, "plan", "dev", *TARGETS)
    assert replanned.returncode == 0, replanned.stdout + replanned.stderr
    assert "changes: no" in replanned.stdout

    targets = [t.replace("--", "-") for t in TARGETS]
    destroy = ["terraform", "destroy", "-auto-approve", "-input=false", "-no-color",
               "-var-file=environments/dev.tfvars", *targets]  # fmt: skip
    destroyed = subprocess.run(destroy, cwd=project / "generated", env=aws_env(moto_aws),
                               capture_output=True, text=True, check=False,
                               timeout=900)  # fmt: skip
    assert destroyed.returncode == 0, destroyed.stdout + destroyed.stderr
    left = client("dynamodb", moto_aws).list_tables()["TableNames"]
    assert not [t for t in left if t.startswith("bookstore-dev-")]
    left_buckets = [b["Name"] for b in client("s3", moto_aws).list_buckets()["Buckets"]]
    assert not [b for b in left_buckets if b.startswith("bookstore-dev-")]
