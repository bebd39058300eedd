"""IAM policy document rules (JSON policies and ``aws_iam_policy_document``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tfgen.check.findings import Severity
from tfgen.check.rules._common import as_list, document, nested
from tfgen.check.rules.engine import Context, Issue, module_rule
from tfgen.hcl import Attribute, Block, Unknown

IAM_DOC = "https://docs.aws.amazon.com/IAM/latest/UserGuide"
VERSION_DOC = f"{IAM_DOC}/reference_policies_elements_version.html"
EFFECT_DOC = f"{IAM_DOC}/reference_policies_elements_effect.html"
LEAST_DOC = f"{IAM_DOC}/best-practices.html#grant-least-privilege"
PRINCIPAL_DOC = f"{IAM_DOC}/reference_policies_elements_principal.html"

# resource type -> (attribute path, is a resource policy)
POLICY_ATTRIBUTES: dict[str, tuple[tuple[str, bool], ...]] = {
    "aws_iam_policy": (("policy", False),),
    "aws_iam_role_policy": (("policy", False),),
    "aws_iam_user_policy": (("policy", False),),
    "aws_iam_group_policy": (("policy", False),),
    "aws_iam_role": (("assume_role_policy", True), ("inline_policy.policy", False)),
    "aws_s3_bucket_policy": (("policy", True),),
    "aws_sqs_queue_policy": (("policy", True),),
    "aws_sqs_queue": (("policy", True),),
    "aws_sns_topic_policy": (("policy", True),),
    "aws_sns_topic": (("policy", True),),
    "aws_kms_key": (("policy", True),),
    "aws_ecr_repository_policy": (("policy", True),),
    "aws_secretsmanager_secret_policy": (("policy", True),),
    "aws_secretsmanager_secret": (("policy", True),),
    "aws_cloudwatch_log_resource_policy": (("policy_document", True),),
    "aws_opensearch_domain_policy": (("access_policies", True),),
    "aws_opensearch_domain": (("access_policies", True),),
}
POLICY_DOCUMENT = "data.aws_iam_policy_document"
RESOURCES = (*POLICY_ATTRIBUTES, POLICY_DOCUMENT)


@dataclass(frozen=True)
class Statement:
    resource: Block
    at: Attribute | Block | None
    effect: Any
    actions: list[Any] | None
    resources: list[Any] | None
    principals: list[Any] | None
    has_condition: bool
    resource_policy: bool


@dataclass(frozen=True)
class Document:
    resource: Block
    at: Attribute | Block | None
    version: Any
    statements: list[Statement]


def _json_statements(
    resource: Block, attr: Attribute, doc: dict[str, Any], resource_policy: bool
) -> list[Statement]:
    raw = doc.get("Statement")
    statements = raw if isinstance(raw, list) else [raw]
    found = []
    for item in statements:
        if not isinstance(item, dict):
            continue
        principal = item.get("Principal")
        found.append(
            Statement(
                resource,
                attr,
                item.get("Effect"),
                as_list(item.get("Action")) if "Action" in item else None,
                as_list(item.get("Resource")) if "Resource" in item else None,
                _principal_ids(principal) if principal is not None else None,
                bool(item.get("Condition")),
                resource_policy,
            )
        )
    return found


def _principal_ids(principal: Any) -> list[Any]:
    """The AWS account/role identifiers of a Principal ("*" stays "*")."""
    if isinstance(principal, dict):
        return [ident for ident in as_list(principal.get("AWS"))]
    return as_list(principal)


def _json_documents(ctx: Context) -> Iterator[Document]:
    for type_, paths in POLICY_ATTRIBUTES.items():
        for resource in ctx.blocks(type_):
            for path, resource_policy in paths:
                *blocks, name = path.split(".")
                for holder in nested(resource, blocks):
                    attr = holder.get(name)
                    doc = document(ctx, holder, name) if attr else None
                    if attr is not None and isinstance(doc, dict):
                        statements = _json_statements(resource, attr, doc, resource_policy)
                        yield Document(resource, attr, doc.get("Version"), statements)


def _block_list(ctx: Context, block: Block, name: str) -> list[Any] | None:
    if block.get(name) is None:
        return None
    value = ctx.value(block, name)
    items = value.as_list() if value is not None else None
    return items if items is not None else [Unknown(name)]


def _data_principals(ctx: Context, statement: Block) -> list[Any] | None:
    blocks = statement.children("principals")
    if not blocks:
        return None
    found: list[Any] = []
    for principal in blocks:
        kind = ctx.string(principal, "type")
        identifiers = _block_list(ctx, principal, "identifiers") or []
        found.extend(identifiers if kind in ("AWS", "*") else ["service"])
    return found


def _data_documents(ctx: Context) -> Iterator[Document]:
    for data in ctx.blocks(POLICY_DOCUMENT):
        statements = []
        for statement in data.children("statement"):
            effect_attr = statement.get("effect")
            effect = ctx.string(statement, "effect") if effect_attr else "Allow"
            statements.append(
                Statement(
                    data,
                    statement,
                    effect if effect is not None else Unknown("effect"),
                    _block_list(ctx, statement, "actions"),
                    _block_list(ctx, statement, "resources"),
                    _data_principals(ctx, statement),
                    bool(statement.children("condition")) or statement.has_dynamic("condition"),
                    bool(statement.children("principals")),
                )
            )
        version = ctx.string(data, "version") if data.get("version") else None
        yield Document(data, data.get("version") or data, version, statements)


def documents(ctx: Context) -> Iterator[Document]:
    yield from _json_documents(ctx)
    yield from _data_documents(ctx)


def all_statements(ctx: Context) -> Iterator[Statement]:
    """Every statement of every policy document in the module."""
    for doc in documents(ctx):
        yield from doc.statements


@module_rule(
    "AWS410",
    "Policy allows every action on every resource",
    Severity.WARNING,
    LEAST_DOC,
    RESOURCES,
    "list the actions and resources the principal needs (least privilege)",
)
def admin_statement(ctx: Context) -> Iterator[Issue]:
    for st in all_statements(ctx):
        if st.resource_policy or st.effect != "Allow":
            continue
        if any(a in ("*", "*:*") for a in st.actions or []) and "*" in (st.resources or []):
            yield Issue(st.resource, 'statement allows Action "*" on Resource "*"', st.at)


@module_rule(
    "AWS411",
    "Policy Version is not 2012-10-17",
    Severity.ERROR,
    VERSION_DOC,
    RESOURCES,
    'use Version = "2012-10-17" (a date, not the day you wrote the policy)',
)
def policy_version(ctx: Context) -> Iterator[Issue]:
    for doc in documents(ctx):
        if isinstance(doc.version, str) and doc.version not in ("2012-10-17", "2008-10-17"):
            yield Issue(
                doc.resource,
                f"policy Version {doc.version!r} is not a policy language version",
                doc.at,
            )


@module_rule(
    "AWS412",
    "Resource policy grants access to any principal without a condition",
    Severity.WARNING,
    PRINCIPAL_DOC,
    RESOURCES,
    "name the principals, or restrict the statement with a Condition "
    "(aws:SourceArn, aws:PrincipalOrgID, ...)",
)
def public_principal(ctx: Context) -> Iterator[Issue]:
    for st in all_statements(ctx):
        if st.effect == "Allow" and "*" in (st.principals or []) and not st.has_condition:
            yield Issue(st.resource, 'statement allows Principal "*" without a Condition', st.at)


@module_rule(
    "AWS413",
    "Policy statement Effect is neither Allow nor Deny",
    Severity.ERROR,
    EFFECT_DOC,
    RESOURCES,
    'Effect must be exactly "Allow" or "Deny" (case-sensitive)',
)
def statement_effect(ctx: Context) -> Iterator[Issue]:
    for st in all_statements(ctx):
        if isinstance(st.effect, str) and st.effect not in ("Allow", "Deny"):
            yield Issue(st.resource, f"Effect {st.effect!r} is not Allow or Deny", st.at)
        elif st.effect is None:
            yield Issue(st.resource, "statement has no Effect", st.at)
