"""Check skips: a reason everywhere, or a reason limited to resource addresses."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from helpers import Edit, line_of
from tfgen.errors import UserError
from tfgen.pipeline import load_project
from tfgen.spec.model import Checks

REASON = "Not applicable to this platform, see the design notes."


def _checks(skip: dict[str, object]) -> Checks:
    return Checks.model_validate({"skip": skip})


def test_a_plain_reason_skips_everywhere() -> None:
    checks = _checks({"CKV_AWS_1": REASON})
    assert checks.reason_for("CKV_AWS_1", "module.a.aws_s3_bucket.x") == REASON
    assert checks.reason_for("CKV_AWS_1", "") == REASON
    assert checks.reason_for("CKV_AWS_2", "module.a.aws_s3_bucket.x") is None


def test_a_scoped_skip_applies_only_to_its_resources() -> None:
    checks = _checks(
        {
            "CKV_AWS_18": {
                "reason": REASON,
                "resources": ["module.ingress.aws_s3_bucket.access_logs"],
            }
        }
    )
    assert checks.reason_for("CKV_AWS_18", "module.ingress.aws_s3_bucket.access_logs") == REASON
    assert checks.reason_for("CKV_AWS_18", "module.data.aws_s3_bucket.exports") is None
    assert checks.reason_for("CKV_AWS_18", "") is None
    assert checks.reason_for("CKV_AWS_19", "module.ingress.aws_s3_bucket.access_logs") is None


@pytest.mark.parametrize(
    ("pattern", "address", "match"),
    [
        ("module.ingress.aws_lb_target_group.*", "module.ingress.aws_lb_target_group.api", True),
        ("module.ingress.aws_lb_target_group.*", "module.ecs.aws_lb_target_group.api", False),
        ("module.*.aws_kms_key.this", "module.security.aws_kms_key.this", True),
        ("module.security.aws_kms_key.?his", "module.security.aws_kms_key.this", True),
        # an address without an instance key covers every instance of the resource
        ("module.network.aws_subnet.private", 'module.network.aws_subnet.private["a"]', True),
        ("module.network.aws_subnet.private", "module.network.aws_subnet.private[0]", True),
        # brackets are literal, not fnmatch character classes
        ('module.network.aws_subnet.private["a"]', 'module.network.aws_subnet.private["a"]', True),
        ('module.network.aws_subnet.private["a"]', 'module.network.aws_subnet.private["b"]', False),
        # the whole address must match
        ("aws_s3_bucket.logs", "module.ingress.aws_s3_bucket.logs", False),
        ("module.ingress.aws_s3_bucket.logs", "module.ingress.aws_s3_bucket.logs_copy", False),
    ],
)
def test_address_globs(pattern: str, address: str, match: bool) -> None:
    checks = _checks({"CKV_AWS_1": {"reason": REASON, "resources": [pattern]}})
    assert (checks.reason_for("CKV_AWS_1", address) == REASON) is match


def test_a_mapping_without_resources_skips_everywhere() -> None:
    checks = _checks({"CKV_AWS_1": {"reason": REASON}})
    assert checks.reason_for("CKV_AWS_1", "anything") == REASON


@pytest.mark.parametrize(
    "entry",
    [
        "too short",
        {"reason": REASON, "resources": []},
        {"reason": REASON, "resources": ["two words"]},
        {"reason": REASON, "resource": ["x"]},
        ["a list"],
    ],
)
def test_invalid_skips(entry: object) -> None:
    with pytest.raises(ValidationError):
        _checks({"CKV_AWS_1": entry})


def test_bookstore_skips_are_scoped(repo: Path) -> None:
    checks = load_project(repo).platform.checks
    bucket = "module.ingress.aws_s3_bucket.access_logs"
    for code in ("CKV_AWS_18", "CKV_AWS_144", "CKV_AWS_145", "CKV2_AWS_62"):
        assert checks.reason_for(code, bucket) is not None
        assert checks.reason_for(code, "module.data.aws_s3_bucket.exports") is None
    group = 'module.ingress.aws_lb_target_group.this["order-service"]'
    assert checks.reason_for("CKV_AWS_378", group)
    secret = 'module.security.aws_secretsmanager_secret.this["redis-auth"]'
    assert checks.reason_for("CKV2_AWS_57", secret)
    assert checks.reason_for("CKV2_AWS_5", 'module.ecs.aws_security_group.this["user-service"]')
    assert checks.reason_for("CKV2_AWS_5", "module.ingress.aws_security_group.alb") is None
    assert checks.reason_for("CKV_AWS_111", "module.security.aws_iam_policy_document.kms")
    assert checks.reason_for("CKV_AWS_111", "module.ecs.aws_iam_policy_document.tasks") is None


def test_a_bad_scoped_skip_is_located_at_its_key(project: Path, edit: Edit) -> None:
    edit(
        "specs/checks.yaml",
        "      resources: [module.ecs.aws_ecs_cluster.this]\n",
        "      resource: [module.ecs.aws_ecs_cluster.this]\n",
    )
    with pytest.raises(UserError) as info:
        load_project(project)
    line = line_of(project / "specs/checks.yaml", "resource: [")
    assert [p.render() for p in info.value.problems] == [
        f"specs/checks.yaml:{line}:7: TFG102 checks.skip.CKV_AWS_65.resource: unknown field; "
        "hint: remove the field or fix its spelling (run `tfgen docs spec`)"
    ]
