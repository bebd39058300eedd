"""The messaging module applied with real terraform against moto's server (a stand-in for
AWS): bus, bus policy, rules and targets, queues with their dead-letter queues and queue
policies, the topic and its subscription; a second plan is empty; destroy removes them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from e2e.moto_double import MARKS, aws_env, client, run_tfgen
from tfgen.terraform.locate import find_terraform

pytestmark = MARKS

QUEUES = {"catalog", "catalog-dlq", "fulfillment", "fulfillment-dlq", "notifications",
          "notifications-dlq"}  # fmt: skip


def _only_moto_whitespace(plan: str) -> bool:
    """The second plan changes nothing, except what the stand-in alone causes: moto returns
    a queue's RedrivePolicy JSON with spaces after ':' and ',' (AWS returns it compact, as
    jsonencode writes it), which Terraform shows as "# whitespace changes" of redrive_policy."""
    if "changes: no" in plan:
        return True
    changed = [line.strip() for line in plan.splitlines() if line.strip().startswith("~ ")]
    resources = [c for c in changed if c.startswith("~ resource ")]
    attributes = [c for c in changed if not c.startswith(("~ resource ", "~ update in-place"))]
    return (
        "0 to add, 3 to change, 0 to destroy" in plan
        and all(r == '~ resource "aws_sqs_queue" "this" {' for r in resources)
        and bool(attributes)
        and all(a.startswith("~ redrive_policy") and a.endswith("# whitespace changes")
                for a in attributes)
    )  # fmt: skip


def test_messaging_applies_replans_empty_and_destroys(project: Path, moto_aws: str) -> None:
    applied = run_tfgen(project, moto_aws, "apply", "dev", "--target", "module.messaging", "--yes")
    assert applied.returncode == 0, applied.stderr + applied.stdout
    assert "Apply complete!" in applied.stdout

    sqs = client("sqs", moto_aws)
    urls = sqs.list_queues(QueueNamePrefix="bookstore-dev-")["QueueUrls"]
    assert {u.rsplit("/", 1)[1].removeprefix("bookstore-dev-") for u in urls} == QUEUES
    url = sqs.get_queue_url(QueueName="bookstore-dev-fulfillment")["QueueUrl"]
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    redrive = json.loads(attrs["RedrivePolicy"])
    assert redrive["deadLetterTargetArn"].endswith(":bookstore-dev-fulfillment-dlq")
    assert int(redrive["maxReceiveCount"]) == 2
    assert attrs["MessageRetentionPeriod"] == "86400"  # the dev tier value
    assert attrs["KmsMasterKeyId"]
    policy = json.loads(attrs["Policy"])
    [statement] = policy["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    source = statement["Condition"]["ArnEquals"]["aws:SourceArn"]
    assert source.endswith(
        "rule/bookstore-dev-bookstore/bookstore-dev-bookstore-order-created-to-fulfillment"
    )

    events = client("events", moto_aws)
    rules = events.list_rules(EventBusName="bookstore-dev-bookstore")["Rules"]
    assert len(rules) == 3
    [target] = events.list_targets_by_rule(
        Rule="bookstore-dev-bookstore-order-created-to-fulfillment",
        EventBusName="bookstore-dev-bookstore",
    )["Targets"]
    assert target["RetryPolicy"]["MaximumRetryAttempts"] == 2
    assert target["DeadLetterConfig"]["Arn"].endswith(":bookstore-dev-fulfillment-dlq")
    topics = [t["TopicArn"] for t in client("sns", moto_aws).list_topics()["Topics"]]
    assert any(arn.endswith(":bookstore-dev-dlq-alerts") for arn in topics)

    replanned = run_tfgen(project, moto_aws, "plan", "dev", "--target", "module.messaging")
    assert replanned.returncode == 0, replanned.stderr
    assert _only_moto_whitespace(replanned.stdout), replanned.stdout

    terraform = find_terraform()
    destroyed = subprocess.run(
        [terraform.path, "destroy", "-auto-approve", "-input=false", "-target=module.messaging",
         "-var-file=environments/dev.tfvars"],
        cwd=project / "generated", env=aws_env(moto_aws), capture_output=True, text=True,
        check=False, timeout=900,
    )  # fmt: skip
    assert destroyed.returncode == 0, destroyed.stderr
    assert not sqs.list_queues(QueueNamePrefix="bookstore-dev-").get("QueueUrls")
