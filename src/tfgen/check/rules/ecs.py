"""ECS and ECR rules: Fargate sizes and networking, images, services, ECR lifecycle."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfgen.awsfacts import FARGATE_SIZES
from tfgen.check.findings import Severity
from tfgen.check.rules._common import document, known_int, known_str
from tfgen.check.rules.engine import Context, Issue, resource_rule
from tfgen.hcl import Block, Unknown

ECS_DOC = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide"
FARGATE_SIZE_DOC = f"{ECS_DOC}/fargate-tasks-services.html#fargate-tasks-size"
FARGATE_NETWORK_DOC = f"{ECS_DOC}/fargate-task-networking.html"
IMAGE_DOC = f"{ECS_DOC}/task_definition_parameters.html#container_definition_image"
PORTS_DOC = f"{ECS_DOC}/task_definition_parameters.html#container_definition_portmappings"
SERVICE_DOC = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html"
ECR_MUTABILITY_DOC = (
    "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html"
)
ECR_LIFECYCLE_DOC = (
    "https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html"
)


def _fargate_memory_ok(cpu: int, memory: int) -> bool:
    return memory in FARGATE_SIZES[cpu]


def _size(text: str | None, unit_re: str, factor: int) -> int | None:
    """Task cpu/memory: ``"1024"``, ``"1 vCPU"``/``"0.5 vcpu"``, ``"2 GB"``/``"2GB"``."""
    if text is None:
        return None
    cleaned = text.strip()
    if re.fullmatch(r"\d+", cleaned):
        return int(cleaned)
    match = re.fullmatch(rf"(\d+(?:\.\d+)?)\s*{unit_re}", cleaned, re.IGNORECASE)
    return int(float(match.group(1)) * factor) if match else None


def _task_size(ctx: Context, block: Block, name: str) -> int | None:
    value = ctx.value(block, name)
    if value is None or not value.is_literal:
        return None
    raw = value.value
    text = str(int(raw)) if isinstance(raw, int | float) and not isinstance(raw, bool) else raw
    unit, factor = (r"vcpu", 1024) if name == "cpu" else (r"gb", 1024)
    return _size(known_str(text), unit, factor)


def _is_fargate(ctx: Context, block: Block) -> bool:
    compat = ctx.literal(block, "requires_compatibilities")
    return isinstance(compat, list) and "FARGATE" in compat


@resource_rule(
    "AWS101",
    "Fargate task cpu/memory combination that Fargate does not offer",
    Severity.ERROR,
    FARGATE_SIZE_DOC,
    ("aws_ecs_task_definition",),
    "pick a supported pair, e.g. 256/512, 512/1024, 1024/2048, 2048/4096, 4096/8192",
)
def fargate_cpu_memory(block: Block, ctx: Context) -> Iterator[Issue]:
    if not _is_fargate(ctx, block):
        return
    for name in ("cpu", "memory"):
        if block.get(name) is None:
            yield Issue(block, f"Fargate task definitions need a task-level {name}")
    cpu, memory = _task_size(ctx, block, "cpu"), _task_size(ctx, block, "memory")
    if cpu is None or memory is None:
        return
    if cpu not in FARGATE_SIZES:
        yield Issue(
            block,
            f"cpu = {cpu} is not a Fargate CPU size ({', '.join(str(c) for c in FARGATE_SIZES)})",
            block.get("cpu"),
        )
    elif not _fargate_memory_ok(cpu, memory):
        sizes = FARGATE_SIZES[cpu]
        yield Issue(
            block,
            f"memory = {memory} is not valid with cpu = {cpu} on Fargate "
            f"({sizes[0]}..{sizes[-1]} MiB in steps of {sizes[1] - sizes[0]})",
            block.get("memory"),
        )


@resource_rule(
    "AWS102",
    'Fargate task definition without network_mode = "awsvpc"',
    Severity.ERROR,
    FARGATE_NETWORK_DOC,
    ("aws_ecs_task_definition",),
    'set network_mode = "awsvpc"; Fargate supports no other network mode',
)
def fargate_network_mode(block: Block, ctx: Context) -> Iterator[Issue]:
    if not _is_fargate(ctx, block) or not ctx.is_known(block, "network_mode"):
        return
    mode = ctx.string(block, "network_mode")
    if mode != "awsvpc":
        shown = f"network_mode = {mode!r}" if mode else "network_mode is not set (bridge)"
        yield Issue(block, f"{shown}; Fargate tasks require awsvpc", block.get("network_mode"))


def _containers(ctx: Context, block: Block) -> list[dict[str, Any]]:
    doc = document(ctx, block, "container_definitions")
    if not isinstance(doc, list):
        return []
    return [c for c in doc if isinstance(c, dict)]


def _image_problem(image: Any) -> str | None:
    if isinstance(image, Unknown):
        return "uses the mutable tag :latest" if re.search(r':latest"$', image.raw) else None
    if not isinstance(image, str) or "@" in image:
        return None
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        return "has no tag (implicitly :latest)"
    return "uses the mutable tag :latest" if last.rsplit(":", 1)[1] == "latest" else None


@resource_rule(
    "AWS103",
    "Container image uses :latest or no tag",
    Severity.WARNING,
    IMAGE_DOC,
    ("aws_ecs_task_definition",),
    "pin a version tag or a digest (image@sha256:...) so deployments are reproducible",
)
def ecs_image_tag(block: Block, ctx: Context) -> Iterator[Issue]:
    for container in _containers(ctx, block):
        problem = _image_problem(container.get("image"))
        if problem is not None:
            name = known_str(container.get("name")) or "?"
            yield Issue(
                block, f"container {name!r} image {problem}", block.get("container_definitions")
            )


@resource_rule(
    "AWS104",
    "awsvpc task with hostPort different from containerPort",
    Severity.ERROR,
    PORTS_DOC,
    ("aws_ecs_task_definition",),
    "with network_mode awsvpc, omit hostPort or set it equal to containerPort",
)
def ecs_awsvpc_host_port(block: Block, ctx: Context) -> Iterator[Issue]:
    if ctx.string(block, "network_mode") != "awsvpc":
        return
    for container in _containers(ctx, block):
        mappings = container.get("portMappings")
        for mapping in mappings if isinstance(mappings, list) else []:
            if not isinstance(mapping, dict):
                continue
            host = known_int(mapping.get("hostPort"))
            port = known_int(mapping.get("containerPort"))
            if host is not None and port is not None and host != port:
                name = known_str(container.get("name")) or "?"
                yield Issue(
                    block,
                    f"container {name!r} maps hostPort {host} to containerPort "
                    f"{port}; awsvpc requires them to match",
                    block.get("container_definitions"),
                )


@resource_rule(
    "AWS105",
    "ECS service sets both launch_type and capacity_provider_strategy",
    Severity.ERROR,
    SERVICE_DOC,
    ("aws_ecs_service",),
    "remove launch_type when a capacity provider strategy is used",
)
def ecs_service_launch_type(block: Block, ctx: Context) -> Iterator[Issue]:
    launch_type = ctx.string(block, "launch_type")
    if launch_type and block.children("capacity_provider_strategy"):
        yield Issue(
            block,
            f"launch_type = {launch_type!r} together with a "
            "capacity_provider_strategy is rejected by ECS",
            block.get("launch_type"),
        )


@resource_rule(
    "AWS106",
    "ECR repository allows mutable image tags",
    Severity.INFO,
    ECR_MUTABILITY_DOC,
    ("aws_ecr_repository",),
    'set image_tag_mutability = "IMMUTABLE" so a tag always names the same image',
)
def ecr_mutable_tags(block: Block, ctx: Context) -> Iterator[Issue]:
    if not ctx.is_known(block, "image_tag_mutability"):
        return
    value = ctx.string(block, "image_tag_mutability")
    if value in (None, "MUTABLE"):
        yield Issue(
            block,
            "image tags are mutable (image_tag_mutability defaults to MUTABLE)"
            if value is None
            else 'image_tag_mutability = "MUTABLE"',
            block.get("image_tag_mutability"),
        )


def _lifecycle_rules(ctx: Context, block: Block) -> list[dict[str, Any]]:
    doc = document(ctx, block, "policy")
    rules = doc.get("rules") if isinstance(doc, dict) else None
    return [r for r in rules if isinstance(r, dict)] if isinstance(rules, list) else []


def _selection(rule: dict[str, Any]) -> dict[str, Any]:
    selection = rule.get("selection")
    return selection if isinstance(selection, dict) else {}


@resource_rule(
    "AWS107",
    'ECR lifecycle rule with tagStatus "any" is not evaluated last',
    Severity.ERROR,
    ECR_LIFECYCLE_DOC,
    ("aws_ecr_lifecycle_policy",),
    'give the tagStatus "any" rule the highest rulePriority',
)
def ecr_any_rule_last(block: Block, ctx: Context) -> Iterator[Issue]:
    rules = _lifecycle_rules(ctx, block)
    priorities = [known_int(r.get("rulePriority")) for r in rules]
    if not rules or None in priorities:
        return
    highest = max(p for p in priorities if p is not None)
    for rule, priority in zip(rules, priorities, strict=True):
        if _selection(rule).get("tagStatus") == "any" and priority != highest:
            yield Issue(
                block,
                f'rule {priority} selects tagStatus "any" but rule {highest} comes after it',
                block.get("policy"),
            )


@resource_rule(
    "AWS108",
    'ECR lifecycle rule with tagStatus "tagged" but no tag list',
    Severity.ERROR,
    ECR_LIFECYCLE_DOC,
    ("aws_ecr_lifecycle_policy",),
    'add tagPrefixList or tagPatternList to rules with tagStatus "tagged"',
)
def ecr_tagged_without_list(block: Block, ctx: Context) -> Iterator[Issue]:
    for rule in _lifecycle_rules(ctx, block):
        selection = _selection(rule)
        if selection.get("tagStatus") == "tagged" and not (
            "tagPrefixList" in selection or "tagPatternList" in selection
        ):
            priority = rule.get("rulePriority")
            yield Issue(
                block,
                f"rule {priority} selects tagged images without tagPrefixList or tagPatternList",
                block.get("policy"),
            )


@resource_rule(
    "AWS109",
    "ECR lifecycle rules share a rulePriority",
    Severity.ERROR,
    ECR_LIFECYCLE_DOC,
    ("aws_ecr_lifecycle_policy",),
    "give every lifecycle rule a unique rulePriority",
)
def ecr_duplicate_priority(block: Block, ctx: Context) -> Iterator[Issue]:
    seen: set[int] = set()
    for rule in _lifecycle_rules(ctx, block):
        priority = known_int(rule.get("rulePriority"))
        if priority is not None and priority in seen:
            yield Issue(
                block, f"rulePriority {priority} is used by more than one rule", block.get("policy")
            )
        if priority is not None:
            seen.add(priority)
