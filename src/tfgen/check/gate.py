"""The validation gate before ``terraform plan``/``apply``, and its record next to the plan.

``tfgen plan ENV`` and ``tfgen apply ENV`` run the same validation as ``tfgen validate
ENV`` (every layer, served from the caches when nothing changed) before terraform is
initialised.  Findings at or above ``--fail-on`` refuse the plan (exit 1); a layer that
could not run refuses it too (exit 3).  ``--skip-validation --reason TEXT`` bypasses the
gate; the reason is printed and recorded.

Every saved plan gets a record beside it, ``<plan>.tfgen.json``: the environment, whether
validation passed or was bypassed (and why), the findings by severity, the hashes of the
spec files, of the rendered tree and of the plan file, and tfgen's version.  Apply reads
it back and applies only a plan whose record says it passed the gate or was bypassed
with a reason, and whose plan file is the one that was recorded.

Error codes (exit 2): TFG530 the plan has no gate record (or an unreadable one), TFG531
the record does not allow applying this plan file, TFG532 a bypass without a reason.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tfgen import __version__
from tfgen.check.report import Report
from tfgen.errors import ExitCode, Failed, Location, user_error
from tfgen.fsutil import atomic_write

if TYPE_CHECKING:
    from tfgen.check.run import Options, Result
    from tfgen.pipeline import RenderedProject

RECORD_SUFFIX = ".tfgen.json"
RECORD_FORMAT = 1
PASSED = "passed"
BYPASSED = "bypassed"


def bypass_reason(skip_validation: bool, reason: str | None) -> str | None:
    """The bypass reason, or None when the gate runs; a bypass without one is a usage error."""
    text = " ".join((reason or "").split())
    if not skip_validation:
        if text:
            raise user_error(
                "TFG532", "--reason is only used with --skip-validation", None,
                "drop --reason, or bypass the gate with --skip-validation --reason TEXT",
            )  # fmt: skip
        return None
    if not text:
        raise user_error(
            "TFG532", "--skip-validation needs a non-empty --reason", None,
            'say why, e.g. --skip-validation --reason "hotfix INC-123, findings reviewed"',
        )  # fmt: skip
    return text


@dataclass(frozen=True)
class GateRecord:
    """What the gate decided for one saved plan (written as sorted, indented JSON)."""

    environment: str
    validation: str  # passed | bypassed
    reason: str  # why the gate was bypassed ("" when it passed)
    fail_on: str
    findings: dict[str, int] | None  # by severity; None when validation did not run
    layers: list[str]
    spec_sha256: str
    tree_sha256: str
    plan_sha256: str = ""
    tfgen_version: str = __version__
    format: int = RECORD_FORMAT

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    def banner(self) -> str:
        """The line shown on plan and again on apply."""
        if self.validation == BYPASSED:
            return f"validation bypassed: {self.reason}"
        counts = ", ".join(f"{n} {s}" for s, n in (self.findings or {}).items())
        return f"validation passed for {self.environment} (--fail-on {self.fail_on}; {counts})"


def passed(environment: str, report: Report, spec: str, tree: str) -> GateRecord:
    summary = report.summary()
    return GateRecord(
        environment, PASSED, "", summary.fail_on.label, dict(summary.by_severity),
        list(report.layers_run), spec, tree,
    )  # fmt: skip


def bypassed(environment: str, reason: str, fail_on: str, spec: str, tree: str) -> GateRecord:
    return GateRecord(environment, BYPASSED, reason, fail_on, None, [], spec, tree)


def files_hash(files: Mapping[str, str]) -> str:
    """A hash of a tree of files (relative path and content)."""
    digest = hashlib.sha256()
    for name in sorted(files):
        data = files[name].encode()
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def spec_hash(root: Path, names: Iterable[str]) -> str:
    """A hash of the spec and environment files a plan was made from."""
    texts = {}
    for name in sorted(set(names)):
        path = Path(name) if Path(name).is_absolute() else root / name
        texts[name] = path.read_text(encoding="utf-8")
    return files_hash(texts)


def record_path(plan_file: Path) -> Path:
    return plan_file.with_name(plan_file.name + RECORD_SUFFIX)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_record(record: GateRecord, plan_file: Path) -> Path:
    """Write ``record`` beside the saved plan (with the plan file's hash)."""
    target = record_path(plan_file)
    final = GateRecord(**{**asdict(record), "plan_sha256": _sha256(plan_file)})
    atomic_write(target, final.to_json())
    return target


def read_record(plan_file: Path) -> GateRecord:
    """The record of a saved plan; refuses a plan without a valid record (TFG530/TFG531)."""
    path = record_path(plan_file)
    hint = f"plan again with `tfgen plan` (the gate writes {path.name} beside the plan)"
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
        record = GateRecord(**data)
    except (OSError, ValueError, TypeError) as exc:
        raise user_error(
            "TFG530", f"{plan_file} has no usable gate record: {exc}", Location(str(path)), hint
        ) from None
    _check(record, plan_file, hint)
    return record


def _check(record: GateRecord, plan_file: Path, hint: str) -> None:
    where = Location(record_path(plan_file).as_posix())
    problem = ""
    if record.validation not in (PASSED, BYPASSED):
        problem = f"validation is {record.validation!r}"
    elif record.validation == BYPASSED and not record.reason.strip():
        problem = "validation was bypassed without a reason"
    elif record.plan_sha256 != _sha256(plan_file):
        problem = "the plan file changed after the gate recorded it"
    if problem:
        raise user_error("TFG531", f"refusing to apply {plan_file.name}: {problem}", where, hint)


@dataclass(frozen=True)
class Gate:
    """The gate's outcome for one environment: the record, and the validation it ran."""

    environment: str
    record: GateRecord | None  # None: refused
    result: Result | None  # None: bypassed

    def enforce(self) -> GateRecord:
        """The record of a plan that may go ahead; raise :class:`Failed` otherwise."""
        if self.record is not None:
            return self.record
        assert self.result is not None  # a refusal always comes from a validation run
        bypass = "fix them, or bypass the gate with --skip-validation --reason TEXT"
        env = self.environment
        if self.result.tool_errors:
            raise Failed(
                ExitCode.TOOL, f"refusing to plan {env}: a validation layer could not run; {bypass}"
            )
        label = self.result.report.summary().fail_on.label
        raise Failed(
            ExitCode.FINDINGS,
            f"refusing to plan {env}: findings at or above --fail-on {label}; {bypass}",
        )


def run_gate(rendered: RenderedProject, opts: Options, reason: str | None) -> Gate:
    """Validate the one environment of ``rendered`` as ``tfgen validate ENV`` does, before
    terraform runs; a ``reason`` bypasses the validation and is recorded instead."""
    from tfgen.check.run import validate_project  # noqa: PLC0415 - loads every layer

    project = rendered.project
    (env,) = rendered.names
    names = [*project.source.files, *(f for e in project.environments for f in e.source.files)]
    spec, tree = spec_hash(project.root, names), files_hash(rendered.files)
    if reason is not None:
        return Gate(env, bypassed(env, reason, opts.fail_on.label, spec, tree), None)
    result = validate_project(rendered, opts)
    if result.tool_errors or result.report.summary().failed:
        return Gate(env, None, result)
    return Gate(env, passed(env, result.report, spec, tree), result)
