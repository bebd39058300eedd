"""A fixed, realistic report shared by the report-format tests.

It covers every layer and severity, spec-mapped and unmapped findings, a finding without
any location, a code without :class:`RuleInfo`, and messages that try to break the formats
(``|``, ``<script>``, backticks, ``[x](y)``, ``$...$``, ``@mentions``, ESC, unicode).
"""

from __future__ import annotations

from tfgen.check.findings import Finding, HclLocation, Severity, SpecLocation
from tfgen.check.report import Report, RuleInfo

ECS = "generated/modules/ecs/main.tf"
INGRESS = "generated/modules/ingress/main.tf"
NETWORK = "generated/modules/network/main.tf"
AWS_DOC = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html"
CKV_DOC = "https://docs.prismacloud.io/en/enterprise-edition/policy-reference/aws-policies/aws-general-policies/ensure-that-cloudwatch-log-group-is-encrypted-by-kms"

FINDINGS: list[Finding] = [
    Finding(
        layer="rules",
        severity=Severity.ERROR,
        code="AWS101",
        message="Fargate does not offer cpu = 1024 with memory = 16384",
        location=HclLocation(ECS, 131, 3, "module.ecs.aws_ecs_task_definition.order_service"),
        spec_location=SpecLocation("specs/services.yaml", 7, 11),
        hint="pick a supported pair, e.g. 256/512, 512/1024, 1024/2048, 2048/4096",
        doc_url=AWS_DOC,
    ),
    Finding(
        layer="spec",
        severity=Severity.ERROR,
        code="TFG201",
        message="order-service and catalog-service both use container port 8080",
        spec_location=SpecLocation("specs/services.yaml", 23, 5),
        hint="give each service its own container port",
    ),
    Finding(
        layer="consistency",
        severity=Severity.WARNING,
        code="TFX601",
        message="variable `alb_idle_timeout` is declared but never set in "
        "dev.tfvars | staging.tfvars",
        location=HclLocation("generated/variables.tf", 42, 1, "var.alb_idle_timeout"),
        spec_location=SpecLocation("environments/dev.yaml", 3, 1),
    ),
    Finding(
        layer="checkov",
        severity=Severity.WARNING,
        code="CKV_AWS_158",
        message="Ensure that CloudWatch Log Group is encrypted by KMS",
        location=HclLocation(ECS, 47, 1, "module.ecs.aws_cloudwatch_log_group.catalog_service"),
        spec_location=SpecLocation("specs/services.yaml", 21, 3),
        doc_url=CKV_DOC,
    ),
    Finding(
        layer="schema",
        severity=Severity.ERROR,
        code="TFX702",
        message='unknown argument "enable_http3" in aws_lb <script>alert("x")</script>',
        location=HclLocation(INGRESS, 12, 5, "module.ingress.aws_lb.this"),
        hint="remove it; aws_lb has no such argument in hashicorp/aws 5.100.0",
        doc_url="https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/lb",
    ),
    Finding(
        layer="terraform",
        severity=Severity.INFO,
        code="TF_DEPRECATED",
        message="Argument is deprecated: use aws_vpc_security_group_ingress_rule — see [docs](x) "
        "for ${var.cidr} and $HOME; cc @platform-team; ünïcödé ✓ 日本語\x1b[31m",
        location=HclLocation(NETWORK, 0, 0, 'module.network.aws_security_group.db["primary"]'),
    ),
    Finding(
        layer="rules",
        severity=Severity.INFO,
        code="AWS301",
        message="previous-generation instance type cache.t2.micro",
        location=HclLocation("generated/modules/data/main.tf", 8, 3, ""),
        spec_location=SpecLocation("specs/data.yaml", 14, 9),
        hint="use cache.t4g.micro",
    ),
    Finding(
        layer="terraform",
        severity=Severity.ERROR,
        code="TF_VALIDATE",
        message="Terraform validate failed:\nprovider configuration\n  is invalid",
    ),
]

RULES: dict[str, RuleInfo] = {
    "AWS101": RuleInfo(
        "AWS101",
        "Fargate task cpu/memory combination that Fargate does not offer",
        Severity.ERROR,
        AWS_DOC,
        "rules",
        "pick a supported pair, e.g. 256/512, 512/1024, 1024/2048, 2048/4096",
    ),
    "AWS301": RuleInfo(
        "AWS301", "Previous-generation instance type", Severity.INFO, "", "rules", "", "OldGen"
    ),
    "TFG201": RuleInfo("TFG201", "Two services use the same container port", Severity.ERROR),
    "TFX601": RuleInfo(
        "TFX601",
        "A variable is declared but no tfvars sets it",
        Severity.WARNING,
        layer="consistency",
    ),
    "TFX702": RuleInfo(
        "TFX702",
        "Unknown argument for the resource type",
        Severity.ERROR,
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs",
        "schema",
        "check the spelling against the provider documentation",
    ),
    "CKV_AWS_158": RuleInfo(
        "CKV_AWS_158",
        "Ensure that CloudWatch Log Group is encrypted by KMS",
        Severity.WARNING,
        CKV_DOC,
        "checkov",
    ),
    "TF_VALIDATE": RuleInfo(
        "TF_VALIDATE", "terraform validate error", Severity.ERROR, layer="terraform"
    ),
    # TF_DEPRECATED deliberately has no RuleInfo: renderers derive one from the finding
}


def sample_report(findings: list[Finding] | None = None, **changes: object) -> Report:
    fields: dict[str, object] = {
        "findings": list(FINDINGS if findings is None else findings),
        "rules": RULES,
        "tool_version": "0.1.0",
        "layers_run": ["spec", "consistency", "schema", "rules", "terraform", "checkov"],
        "layers_skipped": [],
        "fail_on": Severity.ERROR,
        "baseline_suppressed": 2,
        "environments": ["dev", "prod"],
        "information_uri": "https://tfgen.example.org/",
    }
    fields.update(changes)
    return Report(**fields)  # type: ignore[arg-type]


def empty_report() -> Report:
    return Report(
        findings=[],
        tool_version="0.1.0",
        layers_run=["spec", "consistency", "rules"],
        layers_skipped=["checkov", "terraform"],
        fail_on=Severity.WARNING,
        environments=["dev"],
    )
