"""The messaging rules (TFG240-TFG246), each with the YAML location it reports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import Edit, line_of
from tfgen.cli import main
from tfgen.errors import UserError
from tfgen.pipeline import load_project

MESSAGING = "specs/messaging.yaml"
SERVICES = "specs/services.yaml"


def _messages(project: Path) -> list[str]:
    with pytest.raises(UserError) as info:
        load_project(project)
    return sorted({p.render() for p in info.value.problems})


def _col(path: Path, line: int, needle: str) -> int:
    return path.read_text().splitlines()[line - 1].index(needle) + 1


def test_dangling_publishes(project: Path, edit: Edit) -> None:
    edit(
        SERVICES,
        "    publishes: [bus.bookstore]\n    consumes",
        "    publishes: [bus.orders]\n    consumes",
    )
    [msg] = _messages(project)
    line = line_of(project / SERVICES, "bus.orders")
    col = _col(project / SERVICES, line, "bus.orders")
    assert msg.startswith(f"{SERVICES}:{line}:{col}: TFG240 bus.orders names no entry of buses;")
    assert "use one of bookstore" in msg


def test_dangling_topic_and_queue(project: Path, edit: Edit) -> None:
    edit(SERVICES, "consumes: [queue.catalog]", "consumes: [queue.nowhere]")
    edit(
        SERVICES,
        "publishes: [bus.bookstore]\n    consumes",
        "publishes: [topic.nope]\n    consumes",
    )
    msgs = _messages(project)
    assert any("TFG240 queue.nowhere names no entry of queues" in m for m in msgs)
    assert any("TFG240 topic.nope names no entry of topics" in m for m in msgs)
    line = line_of(project / SERVICES, "queue.nowhere")
    assert any(m.startswith(f"{SERVICES}:{line}:") and "queue.nowhere" in m for m in msgs)


def test_rule_target_missing(project: Path, edit: Edit) -> None:
    edit(MESSAGING, "targets: [queue.catalog]", "targets: [queue.search]")
    msgs = _messages(project)
    line = line_of(project / MESSAGING, "queue.search")
    col = _col(project / MESSAGING, line, "queue.search")
    assert f"{MESSAGING}:{line}:{col}: TFG241 queue.search names no entry of queues; " in "\n".join(
        msgs
    )


def test_queue_without_dead_letter(project: Path, edit: Edit) -> None:
    edit(MESSAGING, "    dead_letter: {queue: catalog-dlq, max_receives: 3}\n", "")
    msgs = _messages(project)
    # catalog loses its DLQ, and catalog-dlq is nobody's DLQ any more: both are reported
    line = line_of(project / MESSAGING, "  catalog:")
    assert f"{MESSAGING}:{line}:3: TFG242 queue catalog has no dead-letter queue" in "\n".join(msgs)
    assert any("TFG242 queue catalog-dlq has no dead-letter queue" in m for m in msgs)


def test_queue_is_its_own_dead_letter(project: Path, edit: Edit) -> None:
    edit(MESSAGING, "{queue: catalog-dlq, max_receives: 3}", "{queue: catalog, max_receives: 3}")
    msgs = _messages(project)
    line = line_of(project / MESSAGING, "{queue: catalog, max_receives: 3}")
    assert any(
        m.startswith(f"{MESSAGING}:{line}:") and "TFG242 queue catalog is its own dead-letter" in m
        for m in msgs
    )


def test_dead_letter_chain(project: Path, edit: Edit) -> None:
    edit(
        MESSAGING,
        "  catalog-dlq:\n",
        "  catalog-dlq:\n    dead_letter: {queue: fulfillment-dlq, max_receives: 1}\n",
    )
    msgs = _messages(project)
    assert any(
        "TFG242 queue catalog-dlq is a dead-letter queue and has one itself" in m for m in msgs
    )


def test_dead_letter_retention_shorter(project: Path, edit: Edit) -> None:
    edit(MESSAGING, "retention_seconds: 604800       # 7 days", "retention_seconds: 86400")
    [msg] = _messages(project)
    line = line_of(project / MESSAGING, "retention_seconds: 86400")
    assert msg.startswith(f"{MESSAGING}:{line}:24: TFG243 dead-letter queue retention 86400s")
    assert "of its source queue notifications" in msg


def test_dead_letter_retention_from_environment(project: Path, edit: Edit) -> None:
    """A tier value set in an environment file is reported there."""
    edit(
        "environments/dev.yaml",
        "  catalog: {retention_seconds: 86400}",
        "  catalog: {retention_seconds: 1209600}\n  catalog-dlq: {retention_seconds: 86400}",
    )
    [msg] = _messages(project)
    line = line_of(project / "environments/dev.yaml", "catalog-dlq: {retention_seconds: 86400}")
    assert msg.startswith(f"environments/dev.yaml:{line}:")
    assert "TFG243" in msg


def test_visibility_below_processing(project: Path, edit: Edit) -> None:
    edit(MESSAGING, "visibility_timeout: 120", "visibility_timeout: 45")
    [msg] = _messages(project)
    line = line_of(project / MESSAGING, "visibility_timeout: 45")
    assert msg.startswith(f"{MESSAGING}:{line}:25: TFG244 visibility_timeout 45s is below")
    assert "set visibility_timeout >= 60" in msg


def test_derived_environment_collision(project: Path, edit: Edit) -> None:
    edit(
        SERVICES,
        '      ES_CONNECTION_POOL_SIZE: "20"\n',
        '      ES_CONNECTION_POOL_SIZE: "20"\n      CATALOG_QUEUE_URL: x\n',
    )
    [msg] = _messages(project)
    line = line_of(project / SERVICES, "CATALOG_QUEUE_URL: x")
    assert msg.startswith(
        f"{SERVICES}:{line}:26: TFG245 CATALOG_QUEUE_URL is set by tfgen from queue.catalog"
    )


@pytest.mark.parametrize(
    ("sub", "expected"),
    [
        (
            "{protocol: email, endpoint: not-an-address}",
            "TFG246 a email endpoint must be an email address",
        ),
        (
            "{protocol: https, endpoint: 'https://hooks.example.com/x?token=abc'}",
            "TFG246 a https endpoint must be an https:// URL",
        ),
        ("{protocol: sqs, endpoint: catalog}", "TFG246 an sqs subscription names a queue"),
        ("{protocol: sqs, endpoint: queue.ghost}", "TFG240 queue.ghost names no entry of queues"),
    ],
)
def test_subscription_endpoints(project: Path, edit: Edit, sub: str, expected: str) -> None:
    edit(MESSAGING, "{protocol: email, endpoint: oncall@bookstore.example.com}", sub)
    [msg] = _messages(project)
    line = line_of(project / MESSAGING, "oncall-email:")
    assert msg.startswith(f"{MESSAGING}:{line}:")
    assert expected in msg


def test_bad_reference_syntax_is_a_schema_error(project: Path, edit: Edit) -> None:
    edit(SERVICES, "consumes: [queue.catalog]", "consumes: [queues.catalog]")
    msgs = _messages(project)
    line = line_of(project / SERVICES, "queues.catalog")
    assert any(m.startswith(f"{SERVICES}:{line}:") for m in msgs)


def test_rule_name_too_long(project: Path, edit: Edit) -> None:
    long = "catalog-events-for-the-search-index-xx"
    edit(MESSAGING, "      catalog-events:\n", f"      {long}:\n")
    [msg] = _messages(project)
    line = line_of(project / MESSAGING, long)
    assert msg.startswith(f"{MESSAGING}:{line}:7: TFG212 EventBridge rule name ")
    assert "exceeds AWS's 64; hint: shorten the rule name" in msg


def _files(project: Path) -> list[bytes]:
    return sorted(p.read_bytes() for p in (project / "generated").rglob("*") if p.is_file())


def test_cli_reports_the_rule_and_writes_nothing(project: Path, edit: Edit) -> None:
    """As a real subprocess and through click's CliRunner: one located line, exit 2."""
    edit(MESSAGING, "{queue: catalog-dlq, max_receives: 3}", "{queue: catalog, max_receives: 3}")
    before = _files(project)
    line = line_of(project / MESSAGING, "{queue: catalog, max_receives: 3}")
    expected = "TFG242 queue catalog is its own dead-letter queue"
    proc = subprocess.run([sys.executable, "-m", "tfgen", "render", "--all"], cwd=project,
                          capture_output=True, text=True, check=False, timeout=120)  # fmt: skip
    assert proc.returncode == 2
    assert f"{MESSAGING}:{line}:" in proc.stderr
    assert expected in proc.stderr
    assert "Traceback" not in proc.stderr
    result = CliRunner().invoke(main, ["--project", str(project), "render", "--all"])
    assert result.exit_code == 2
    assert expected in result.output
    assert _files(project) == before
