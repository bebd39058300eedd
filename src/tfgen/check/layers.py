"""The validation layers, run on an in-memory tree, and the mapping back to the spec.

Layers: ``consistency`` (tfgen's own references, tfvars and spec coverage), ``schema``
(the provider schema, offline), ``rules`` (AWS rules), ``terraform`` (real init +
validate, and each workspace's tfvars) and ``checkov`` (in its own virtualenv).  The
``spec`` layer runs before rendering (see :mod:`tfgen.pipeline`).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING

from tfgen.cache import cache_dir
from tfgen.check import LAYERS, OFFLINE_LAYERS, TREE_LAYERS, resultcache
from tfgen.check.consistency import check_consistency, modules_of, parse_tree
from tfgen.check.dedupe import once
from tfgen.check.findings import Finding, HclLocation, Severity, SpecLocation
from tfgen.check.references import Module, callee, check_references
from tfgen.errors import Problem, ToolError
from tfgen.hcl import Block, HclDocument
from tfgen.render.provenance import Provenance
from tfgen.render.tree import env_of
from tfgen.spec.loader import Source
from tfgen.spec.model import Platform

if TYPE_CHECKING:
    from tfgen.terraform.diagnostics import TerraformDiagnostic

__all__ = ["LAYERS", "TREE_LAYERS", "Outcome", "SpecMapper", "Subject", "run_layers"]

SUBPROCESS_LAYERS = frozenset({"terraform", "checkov"})  # run in threads
CACHED_LAYERS = frozenset({*OFFLINE_LAYERS, "terraform"})
_MAX_ROOTS = 4  # root modules validated at once


@dataclass
class Subject:
    """What the layers check: a tree of files (relative paths) and what produced it."""

    files: Mapping[str, str]
    platform: Platform | None = None
    var_files: Sequence[str] = ()
    skips: Callable[[str, str], str | None] = lambda code, address: None
    inline_skips: list[tuple[str, str, str]] = field(default_factory=list)  # reported too


@dataclass
class Outcome:
    findings: list[Finding] = field(default_factory=list)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # code, address, reason
    layers_run: list[str] = field(default_factory=list)
    layers_failed: list[str] = field(default_factory=list)  # a tool was missing or failed
    tool_errors: list[Problem] = field(default_factory=list)  # why (one per failed layer)


def _consistency(subject: Subject) -> list[Finding]:
    if subject.platform is not None:
        return check_consistency(subject.platform, subject.files)
    return check_references(modules_of(parse_tree(subject.files)))


def _rules(subject: Subject) -> list[Finding]:
    from tfgen.check.rules import run_rules  # noqa: PLC0415 - registers 80+ rules on import

    docs = [d for p, d in parse_tree(subject.files).items() if p.endswith(".tf")]
    return run_rules(docs)


def _schema(subject: Subject) -> list[Finding]:
    from tfgen.check.schema import check_schema  # noqa: PLC0415 - loads the schema data

    docs = parse_tree(subject.files)
    by_module: dict[str, list[HclDocument]] = {}
    for path, doc in docs.items():
        if path.endswith(".tf"):
            by_module.setdefault(posixpath.dirname(path), []).append(doc)
    found = [f for module in by_module.values() for f in check_schema(module)]
    return sorted(found, key=Finding.sort_key)


_SLUG = re.compile(r"[^a-z0-9]+")


def terraform_code(summary: str) -> str:
    """A stable code for a terraform diagnostic: its summary, slugged."""
    return "TF-" + _SLUG.sub("-", summary.lower()).strip("-")[:60]


def _modules(files: Mapping[str, str]) -> dict[str, Module]:
    return modules_of(parse_tree({p: t for p, t in files.items() if p.endswith(".tf")}))


def root_modules(modules: Mapping[str, Module]) -> list[str]:
    """Folders holding a module that no other module of the tree calls ('' = the top)."""
    called = {callee(m, name) for m in modules.values() for name in m.calls}
    return sorted(folder for folder in modules if folder not in called)


def _terraform(subject: Subject) -> list[Finding]:
    """terraform validate on every root module of the tree (tfvars: the top one only)."""
    from tfgen.terraform.validate import validate_files  # noqa: PLC0415

    modules = _modules(subject.files)
    roots = root_modules(modules)
    outside = _outside_calls(modules)
    if outside and roots:  # terraform cannot load the tree; say so instead of failing init
        return [_not_validated(outside[0])]

    def one_root(folder: str) -> list[Finding]:
        var_files = list(subject.var_files) if not folder else []
        prefix = f"{folder}/" if folder else ""
        diagnostics = validate_files(subject.files, var_files=var_files, module_dir=folder)
        return [_diagnostic(diag, prefix) for diag in diagnostics]

    # root modules are validated side by side; results (and a failure) in root order
    with ThreadPoolExecutor(min(len(roots), _MAX_ROOTS) or 1) as pool:
        per_root = list(pool.map(one_root, roots))
    return [finding for found in per_root for finding in found]


def _outside_calls(modules: Mapping[str, Module]) -> list[tuple[Block, str]]:
    """Module calls whose local source lies outside the tree (terraform cannot load them)."""
    return [
        (m.calls[name], target)
        for m in modules.values()
        for name in sorted(m.calls)
        if (target := callee(m, name)).startswith("..")
    ]


def _not_validated(call: tuple[Block, str]) -> Finding:
    block, target = call
    return Finding(
        "terraform", Severity.INFO, "TF-not-validated",
        f"terraform validate skipped: module {block.name!r} loads {target!r}, outside the "
        "checked folder",
        HclLocation(block.filename, block.line, block.column, block.address),
        hint="lint the folder that holds both modules to validate them together",
    )  # fmt: skip


def _diagnostic(diag: TerraformDiagnostic, prefix: str) -> Finding:
    severity = Severity.ERROR if diag.is_error else Severity.WARNING
    file = posixpath.normpath(f"{prefix}{diag.filename}") if diag.filename else prefix.rstrip("/")
    location = HclLocation(file, diag.line, diag.column, diag.address or "")
    message = f"{diag.summary}: {diag.detail}" if diag.detail else diag.summary
    return Finding(
        "terraform", severity, terraform_code(diag.summary), " ".join(message.split()), location
    )


def _checkov(subject: Subject) -> list[Finding]:
    """checkov's findings; the checks it skipped on inline comments go to ``subject.inline``.

    Its cached scan is looked up from the texts, before anything is written or parsed.
    """
    from tfgen.check.checkov import run_checkov_files  # noqa: PLC0415

    result = run_checkov_files(subject.files)
    subject.inline_skips.extend(
        (s.check_id, s.address, " ".join(s.justification.split()) or "(no reason given)")
        for s in result.skipped
    )
    return result.findings


RUNNERS: dict[str, Callable[[Subject], list[Finding]]] = {
    "consistency": _consistency,
    "schema": _schema,
    "rules": _rules,
    "terraform": _terraform,
    "checkov": _checkov,
}


def module_address(finding: Finding) -> str:
    """The finding's resource address as seen from the root module (``module.x.aws_y.z``)."""
    loc = finding.location
    if loc is None:
        return ""
    parts = loc.file.split("/")
    if len(parts) >= 3 and parts[0] == "modules" and not loc.address.startswith("module."):
        return f"module.{parts[1]}.{loc.address}"
    return loc.address


def _apply_skips(
    findings: list[Finding], skips: Callable[[str, str], str | None], out: Outcome
) -> None:
    for finding in findings:
        address = module_address(finding)
        reason = skips(finding.code, address)
        if reason is None:
            out.findings.append(finding)
        else:
            out.skipped.append((finding.code, address, " ".join(reason.split())))


def _cache_salt(layer: str, subject: Subject) -> str:
    """What a layer's answer depends on besides the files and tfgen's code."""
    if layer == "terraform":
        from tfgen.terraform.run import default_context  # noqa: PLC0415
        from tfgen.terraform.validate import context_salt  # noqa: PLC0415

        return "\0".join([*context_salt(default_context()), "var-files:", *subject.var_files])
    platform = subject.platform.model_dump_json() if subject.platform is not None else ""
    # end-of-support rules depend on the date: a cached answer is valid for one day
    today = date.today().isoformat() if layer == "rules" else ""
    return f"{platform}\0{today}"


def _run_layer(layer: str, subject: Subject) -> list[Finding]:
    """One layer's findings, cached by content: the cache is looked up before any parsing.

    checkov keeps its own cache (its result also holds the inline skips).
    """
    if layer not in CACHED_LAYERS:
        return RUNNERS[layer](subject)
    folder = cache_dir()
    key = resultcache.key(layer, subject.files, _cache_salt(layer, subject))
    cached = resultcache.load(folder, key)
    if cached is not None:
        return cached
    findings = RUNNERS[layer](subject)
    resultcache.store(folder, key, findings)
    return findings


def _terraform_ready() -> None:
    from tfgen.terraform.run import default_context  # noqa: PLC0415

    default_context()  # terraform itself (TFG501) and a usable cache folder (TFG511)


def _checkov_ready() -> None:
    from tfgen.check.checkov import find_checkov  # noqa: PLC0415

    find_checkov(install=True)  # provisions the pinned checkov on first use


PREFLIGHT: dict[str, Callable[[], None]] = {
    "terraform": _terraform_ready,
    "checkov": _checkov_ready,
}


def _layer_error(layer: str, error: ToolError) -> list[Problem]:
    return [replace(p, message=f"layer {layer} did not run: {p.message}") for p in error.problems]


def _runnable(layers: Sequence[str], out: Outcome) -> list[str]:
    """The selected layers whose tools are there (checked before any layer runs)."""
    ready = []
    for layer in (name for name in TREE_LAYERS if name in layers):
        try:
            PREFLIGHT.get(layer, lambda: None)()
        except ToolError as exc:
            out.layers_failed.append(layer)
            out.tool_errors.extend(_layer_error(layer, exc))
        else:
            ready.append(layer)
    return ready


LayerResult = list[Finding] | ToolError


OnLayer = Callable[[str], None] | None


def _guarded(layer: str, subject: Subject, on_layer: OnLayer = None) -> LayerResult:
    if on_layer is not None:
        on_layer(layer)  # progress display
    try:
        return _run_layer(layer, subject)
    except ToolError as exc:
        return exc


def run_all(
    subject: Subject, layers: Sequence[str], on_layer: OnLayer = None
) -> dict[str, LayerResult]:
    """Each layer's findings (or the tool error that stopped it).

    The layers that run a tool as a subprocess (terraform, checkov) run in threads, next
    to each other and to the in-process layers, which run in this thread in order.
    """
    background = [layer for layer in layers if layer in SUBPROCESS_LAYERS]
    results: dict[str, LayerResult] = {}
    if not background:
        return {layer: _guarded(layer, subject, on_layer) for layer in layers}
    with ThreadPoolExecutor(len(background), thread_name_prefix="tfgen-layer") as pool:
        futures = {layer: pool.submit(_guarded, layer, subject, on_layer) for layer in background}
        for layer in layers:
            if layer not in futures:
                results[layer] = _guarded(layer, subject, on_layer)
        results.update({layer: future.result() for layer, future in futures.items()})
    return results


def run_layers(
    subject: Subject,
    layers: Sequence[str],
    on_layer: OnLayer = None,
    *,
    concurrent: bool = True,
) -> Outcome:
    """Run the selected tree layers; skips named in the spec are honoured.

    Every layer's tools are checked first; a layer whose tool is missing, or fails while
    it runs, is recorded in ``layers_failed``/``tool_errors`` and the others still run.
    The layers run concurrently (:func:`run_all`) unless ``concurrent`` is false; the
    outcome is the same either way: results are taken in layer order and sorted.
    ``on_layer`` is told the name of each layer as it starts (progress display).
    """
    out = Outcome()
    ready = _runnable(layers, out)
    if concurrent:
        results = run_all(subject, ready, on_layer)
    else:
        results = {layer: _guarded(layer, subject, on_layer) for layer in ready}
    for layer in ready:
        found = results[layer]
        if isinstance(found, ToolError):
            out.layers_failed.append(layer)
            out.tool_errors.extend(_layer_error(layer, found))
            continue
        _apply_skips(found, subject.skips, out)
        out.layers_run.append(layer)
    out.skipped.extend(subject.inline_skips)
    out.findings = sorted(once(out.findings, out.layers_run), key=Finding.sort_key)
    out.skipped.sort()
    return out


@dataclass
class SpecMapper:
    """Maps a finding on generated code to the YAML value that produced it."""

    provenance: Provenance
    base: Source
    environments: Mapping[str, Source]

    def locate(self, file: str, line: int, address: str = "") -> SpecLocation | None:
        """The YAML of the entity of a ``for_each`` instance ``address``, else of the line."""
        entity = self.provenance.entity_at(file, address)
        if entity is not None and entity[-1] in self.base.data.get(entity[0], {}):
            where = self.base.locate(entity)
            if where is not None:
                return SpecLocation(where.file, where.line, where.column)
        path = self.provenance.path_at(file, line)
        if path is None:
            return None
        env = env_of(file)
        source = self.environments.get(env, self.base) if env else self.base
        if env and not path:
            return SpecLocation(source.files[-1], 1, 1)
        where = source.locate(path)
        return SpecLocation(where.file, where.line, where.column) if where else None


def prefixed(findings: list[Finding], prefix: str) -> list[Finding]:
    """Findings with their HCL paths made relative to the working directory."""
    return [
        replace(f, location=replace(f.location, file=f"{prefix}{f.location.file}"))
        if f.location is not None and f.location.file
        else f
        for f in findings
    ]


def map_to_spec(findings: list[Finding], mapper: SpecMapper, prefix: str) -> list[Finding]:
    """Add spec locations, and make HCL paths relative to the working directory."""
    mapped = []
    for finding in findings:
        loc = finding.location
        if loc is None:
            mapped.append(finding)
            continue
        spec = mapper.locate(loc.file, loc.line, loc.address) if loc.file else None
        where = replace(loc, file=f"{prefix}{loc.file}" if loc.file else loc.file)
        mapped.append(replace(finding, location=where, spec_location=spec))
    return mapped
