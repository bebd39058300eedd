"""Report formats: text, JSON, SARIF 2.1.0 and Markdown, against golden files.

Goldens live in ``tests/check/report/golden/``. After an intended change to a format,
regenerate them and review the diff::

    TFGEN_UPDATE_GOLDEN=1 .venv/bin/pytest tests/check/report

The SARIF output is validated against the official OASIS SARIF 2.1.0 JSON schema kept in
``tests/check/report/schemas/`` (see the README there for where it came from).
"""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest

from check.report.reportcase import FINDINGS, empty_report, sample_report
from tfgen.check.findings import Finding, HclLocation, Severity, SpecLocation
from tfgen.check.report import (
    Report,
    render,
    render_json,
    render_markdown,
    render_sarif,
    render_text,
    rules_by_code,
)
from tfgen.check.report.markdown import GITHUB_COMMENT_LIMIT
from tfgen.check.report.sarif import FINGERPRINT_KEY
from tfgen.check.rules import all_rules

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
SARIF_SCHEMA = HERE / "schemas" / "sarif-schema-2.1.0.json"
REPORT_SCHEMA = HERE.parents[2] / "docs" / "report.schema.json"
UPDATE = os.environ.get("TFGEN_UPDATE_GOLDEN") == "1"

RENDERERS = {
    "txt": lambda r: render_text(r, color=False),
    "json": render_json,
    "sarif": render_sarif,
    "md": render_markdown,
}


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden {name}: run with TFGEN_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), (
        f"{name} differs from its golden; if intended, rerun with TFGEN_UPDATE_GOLDEN=1"
    )


@pytest.mark.parametrize("ext", sorted(RENDERERS))
def test_sample_report_matches_golden(ext: str) -> None:
    check_golden(f"sample.{ext}", RENDERERS[ext](sample_report()))


@pytest.mark.parametrize("ext", sorted(RENDERERS))
def test_empty_report_matches_golden(ext: str) -> None:
    check_golden(f"empty.{ext}", RENDERERS[ext](empty_report()))


@pytest.mark.parametrize("ext", sorted(RENDERERS))
def test_output_does_not_depend_on_finding_order(ext: str) -> None:
    shuffled = list(FINDINGS)
    random.Random(7).shuffle(shuffled)
    assert RENDERERS[ext](sample_report(shuffled)) == RENDERERS[ext](sample_report())


def test_render_dispatches_by_format_name() -> None:
    report = sample_report()
    assert render(report, "sarif") == render_sarif(report)
    assert render(report, "text", color=True) == render_text(report, color=True)
    with pytest.raises(ValueError, match="unknown report format"):
        render(report, "html")


# -- summary -------------------------------------------------------------------------------


def test_summary_counts_and_verdict() -> None:
    summary = sample_report().summary()
    assert summary.total == len(FINDINGS)
    assert dict(summary.by_severity) == {"error": 4, "warning": 2, "info": 2}
    assert summary.by_layer["checkov"] == 1
    assert summary.by_layer["terraform"] == 2
    assert summary.baseline_suppressed == 2
    assert summary.failed


@pytest.mark.parametrize(
    ("fail_on", "severities", "failed"),
    [
        (Severity.ERROR, [Severity.WARNING, Severity.INFO], False),
        (Severity.WARNING, [Severity.WARNING], True),
        (Severity.INFO, [Severity.INFO], True),
        (Severity.ERROR, [Severity.ERROR], True),
        (Severity.INFO, [], False),
    ],
)
def test_failed_means_a_finding_at_or_above_fail_on(
    fail_on: Severity, severities: list[Severity], failed: bool
) -> None:
    findings = [Finding("rules", s, "AWS1", "m") for s in severities]
    assert Report(findings, fail_on=fail_on).summary().failed is failed


def test_layers_that_ran_clean_are_counted_as_zero() -> None:
    assert dict(empty_report().summary().by_layer) == {"consistency": 0, "rules": 0, "spec": 0}


# -- text ----------------------------------------------------------------------------------


def test_text_colour_only_when_asked() -> None:
    plain = render_text(sample_report(), color=False)
    coloured = render_text(sample_report(), color=True)
    assert "\x1b" not in plain
    assert "\x1b[" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


def test_text_escapes_control_characters_from_messages() -> None:
    plain = render_text(sample_report(), color=False)
    assert "\\x1b[31m" in plain  # the ESC inside the message is shown, not emitted


def test_text_groups_by_spec_file_then_generated_file() -> None:
    lines = render_text(sample_report(), color=False).splitlines()
    headers = [line for line in lines if line and not line.startswith(" ")][:-1]
    assert headers == [
        "environments/dev.yaml",
        "specs/data.yaml",
        "specs/services.yaml",
        "generated/modules/ingress/main.tf",
        "generated/modules/network/main.tf",
        "(no location)",
    ]
    services = [line.strip() for line in lines if line.startswith("  specs/services.yaml:")]
    assert [line.split(":")[1] for line in services] == ["7", "21", "23"]
    assert services[0] == (
        "specs/services.yaml:7:11: error AWS101 Fargate does not offer cpu = 1024 with memory"
        " = 16384 [generated/modules/ecs/main.tf:131"
        " module.ecs.aws_ecs_task_definition.order_service]"
    )


def test_text_summary_line() -> None:
    last = render_text(sample_report(), color=False).splitlines()[-1]
    assert (
        last == "4 errors, 2 warnings, 2 info (2 suppressed by baseline) — failed (--fail-on error)"
    )
    empty_last = render_text(empty_report(), color=False).splitlines()[-1]
    assert empty_last == "0 errors, 0 warnings, 0 info — passed (--fail-on warning)"


# -- JSON ----------------------------------------------------------------------------------


def _report_validator() -> jsonschema.protocols.Validator:
    schema = json.loads(REPORT_SCHEMA.read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@pytest.mark.parametrize("report", [sample_report(), empty_report()], ids=["sample", "empty"])
def test_json_validates_against_the_documented_schema(report: Report) -> None:
    _report_validator().validate(json.loads(render_json(report)))


def test_json_is_deterministic_and_keeps_paths_relative() -> None:
    text = render_json(sample_report())
    data = json.loads(text)
    assert text.endswith("}\n")
    assert text == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    files = {f["location"]["file"] for f in data["findings"] if f["location"]}
    assert all(not file.startswith("/") for file in files)
    assert set(data) == {"findings", "summary"}
    mapped = next(f for f in data["findings"] if f["code"] == "AWS101")
    assert mapped["spec_location"] == {"file": "specs/services.yaml", "line": 7, "column": 11}
    assert mapped["location"]["address"] == "module.ecs.aws_ecs_task_definition.order_service"


def test_json_schema_rejects_a_wrong_shape() -> None:
    data = json.loads(render_json(sample_report()))
    data["findings"][0]["severity"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        _report_validator().validate(data)


# -- SARIF ---------------------------------------------------------------------------------

_URI_REFERENCE = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*$")


def _sarif_format_checker() -> jsonschema.FormatChecker:
    """The default checkers plus strict uri / uri-reference (rfc3987 is not installed)."""
    checker = jsonschema.FormatChecker(formats=list(jsonschema.FormatChecker.checkers))

    @checker.checks("uri")
    def _uri(value: object) -> bool:
        parts = urlsplit(str(value))
        return bool(parts.scheme) and bool(_URI_REFERENCE.match(str(value)))

    @checker.checks("uri-reference")
    def _uri_reference(value: object) -> bool:
        return bool(_URI_REFERENCE.match(str(value)))

    return checker


def _sarif_validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SARIF_SCHEMA.read_text())
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=_sarif_format_checker())


@pytest.mark.parametrize(
    "report",
    [sample_report(), empty_report(), sample_report(information_uri="")],
    ids=["sample", "empty", "no-information-uri"],
)
def test_sarif_validates_against_the_official_schema(report: Report) -> None:
    _sarif_validator().validate(json.loads(render_sarif(report)))


def _sarif(report: Report | None = None) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(render_sarif(report or sample_report()))
    return data


def _results_by_rule(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["ruleId"]: r for r in data["runs"][0]["results"]}


def test_sarif_driver_and_rules() -> None:
    run = _sarif()["runs"][0]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("tfgen", "0.1.0")
    assert driver["informationUri"] == "https://tfgen.example.org/"
    ids = [rule["id"] for rule in driver["rules"]]
    assert ids == sorted({f.code for f in FINDINGS})
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    derived = driver["rules"][ids.index("TF_DEPRECATED")]  # no RuleInfo for this code
    assert derived["defaultConfiguration"] == {"level": "note"}
    assert derived["name"].startswith("ArgumentIsDeprecatedUseAwsVpcSecurityGroupIngressRule")
    assert derived["shortDescription"]["text"].startswith("Argument is deprecated")
    aws101 = driver["rules"][ids.index("AWS101")]
    assert aws101["helpUri"].startswith("https://docs.aws.amazon.com/")
    assert aws101["help"]["text"].startswith("pick a supported pair")
    assert aws101["defaultConfiguration"]["level"] == "error"


def test_sarif_primary_location_is_the_spec_with_terraform_related() -> None:
    result = _results_by_rule(_sarif())["AWS101"]
    (primary,) = result["locations"]
    assert primary["physicalLocation"] == {
        "artifactLocation": {"uri": "specs/services.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 7, "startColumn": 11},
    }
    (related,) = result["relatedLocations"]
    assert related["physicalLocation"]["artifactLocation"]["uri"] == (
        "generated/modules/ecs/main.tf"
    )
    assert related["physicalLocation"]["region"] == {"startLine": 131, "startColumn": 3}
    assert related["logicalLocations"] == [
        {
            "fullyQualifiedName": "module.ecs.aws_ecs_task_definition.order_service",
            "kind": "resource",
        }
    ]
    assert result["message"]["text"].startswith("Fargate does not offer")
    assert "hint: pick a supported pair" in result["message"]["text"]


def test_sarif_unmapped_finding_points_at_terraform_and_never_line_zero() -> None:
    data = _sarif()
    result = _results_by_rule(data)["TF_DEPRECATED"]
    location = result["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == (
        "generated/modules/network/main.tf"
    )
    assert location["physicalLocation"]["region"] == {"startLine": 1}
    assert location["logicalLocations"][0]["fullyQualifiedName"] == (
        'module.network.aws_security_group.db["primary"]'
    )
    assert "relatedLocations" not in result
    assert "see \\[docs\\](x)" in result["message"]["text"]  # not an embedded SARIF link
    for res in data["runs"][0]["results"]:
        locations = res["locations"] + res.get("relatedLocations", [])
        assert locations, "GitHub rejects a SARIF file with a result that has no location"
        for loc in locations:
            assert loc["physicalLocation"]["region"]["startLine"] >= 1
            assert loc["physicalLocation"]["artifactLocation"]["uri"]


def test_sarif_finding_without_location_is_anchored_to_a_file() -> None:
    result = _results_by_rule(_sarif())["TF_VALIDATE"]
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "environments/dev.yaml"  # the first file of the report
    anchored = _results_by_rule(_sarif(sample_report(anchor_file="specs/platform.yaml")))
    location = anchored["TF_VALIDATE"]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "specs/platform.yaml"


def test_sarif_fingerprints_ignore_line_numbers_and_are_unique() -> None:
    moved = [
        Finding(
            f.layer,
            f.severity,
            f.code,
            f.message,
            HclLocation(f.location.file, f.location.line + 40, 1, f.location.address)
            if f.location
            else None,
            SpecLocation(f.spec_location.file, f.spec_location.line + 3, 1)
            if f.spec_location
            else None,
            f.hint,
            f.doc_url,
        )
        for f in FINDINGS
    ]

    def prints(report: Report) -> dict[str, str]:
        return {
            code: r["partialFingerprints"][FINGERPRINT_KEY]
            for code, r in _results_by_rule(_sarif(report)).items()
        }

    assert prints(sample_report(moved)) == prints(sample_report())
    assert len(set(prints(sample_report()).values())) == len(FINDINGS)
    twins = [
        Finding("rules", Severity.ERROR, "AWS104", "hostPort differs", HclLocation("a.tf", n))
        for n in (3, 9)
    ]
    values = [
        r["partialFingerprints"][FINGERPRINT_KEY]
        for r in _sarif(sample_report(twins))["runs"][0]["results"]
    ]
    assert len(set(values)) == 2


def test_every_registered_rule_makes_a_valid_sarif_rule() -> None:
    metas = all_rules()
    rules = rules_by_code(metas, "rules")
    assert sorted(rules) == sorted(meta.code for meta in metas)
    findings = [
        Finding("rules", meta.severity, meta.code, meta.title, HclLocation("generated/main.tf", 1))
        for meta in metas
    ]
    data = _sarif(sample_report(findings, rules=rules))
    _sarif_validator().validate(data)
    descriptors = data["runs"][0]["tool"]["driver"]["rules"]
    assert all("helpUri" in d for d in descriptors if rules[d["id"]].help_uri)


def test_sarif_paths_are_relative_uris() -> None:
    odd = [Finding("rules", Severity.WARNING, "AWS1", "m", HclLocation("generated/my dir/ä.tf", 2))]
    data = _sarif(sample_report(odd))
    uri = data["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri == {"uri": "generated/my%20dir/%C3%A4.tf", "uriBaseId": "%SRCROOT%"}
    _sarif_validator().validate(data)


def test_sarif_absolute_paths_are_file_uris() -> None:
    # tfgen lint /abs/path reports paths as typed
    odd = [Finding("rules", Severity.WARNING, "AWS1", "m", HclLocation("/tmp/my dir/a.tf", 2))]
    data = _sarif(sample_report(odd))
    uri = data["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri == {"uri": "file:///tmp/my%20dir/a.tf"}
    _sarif_validator().validate(data)


def test_sarif_reports_skipped_layers_as_notifications() -> None:
    run = _sarif(empty_report())["runs"][0]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert [n["message"]["text"] for n in notes] == [
        "layer 'checkov' was skipped",
        "layer 'terraform' was skipped",
    ]
    assert run["results"] == []
    assert run["tool"]["driver"]["rules"] == []


# -- Markdown ------------------------------------------------------------------------------

_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def _table_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("| ")]


def test_markdown_escapes_what_could_break_the_table_or_inject_html() -> None:
    text = render_markdown(sample_report())
    assert "<script>" not in text
    assert "&lt;script&gt;" in text
    assert "\\`alb\\_idle\\_timeout\\`" in text
    assert "@&#8203;platform-team" in text  # no mention
    assert "\\${var.cidr} and \\$HOME" in text  # no maths
    assert "\x1b" not in text
    assert "ünïcödé ✓ 日本語" in text
    for row in _table_rows(text):
        assert len(_CELL_SPLIT.split(row)) == 5, row  # 3 cells, whatever the message held


def test_markdown_headline_and_sections() -> None:
    text = render_markdown(sample_report())
    lines = text.splitlines()
    assert lines[1] == "### ❌ tfgen: failed"
    assert "#### Errors (4)" in lines
    assert "#### Warnings (2)" in lines
    assert "#### Info (2)" in lines
    assert text.index("#### Errors") < text.index("#### Warnings") < text.index("#### Info")


def _long_findings(count: int) -> list[Finding]:
    severities = (Severity.ERROR, Severity.WARNING, Severity.INFO)
    return [
        Finding(
            layer="checkov",
            severity=severities[n % 3],
            code=f"CKV_AWS_{n % 300}",
            message=f"finding {n}: " + "a very long message | with <b>markup</b> " * 8,
            location=HclLocation(f"generated/modules/m{n % 40}/main.tf", n + 1, 3, f"aws_s3.b{n}"),
            spec_location=SpecLocation("specs/services.yaml", n + 1, 5) if n % 2 else None,
            hint="fix it like this " * 10,
            doc_url=f"https://docs.example.org/ckv/{n % 300}",
        )
        for n in range(count)
    ]


def test_markdown_stays_under_githubs_comment_limit_and_counts_omitted() -> None:
    findings = _long_findings(20_000)
    text = render_markdown(sample_report(findings))
    assert len(text) < GITHUB_COMMENT_LIMIT
    assert len(text) <= 65_000
    tables = text.count("| location | code | message |")
    shown = len(_table_rows(text)) - 2 * tables  # less each table's header and rule rows
    match = re.search(r"… and ([\d,]+) more findings; see the SARIF/JSON artifact\.", text)
    assert match, text[-500:]
    omitted = int(match.group(1).replace(",", ""))
    assert shown + omitted == 20_000
    assert shown > 50
    assert "hint:" not in text  # hints go first
    assert "<details open><summary><b>Errors (" in text
    assert text.count("<details") == text.count("</details>")


def test_markdown_drops_hints_before_rows() -> None:
    findings = _long_findings(40)
    full = render_markdown(sample_report(findings))
    assert "hint:" in full
    limit = len(full) - 100
    squeezed = render_markdown(sample_report(findings), max_chars=limit)
    assert len(squeezed) <= limit
    assert "hint:" not in squeezed
    assert "more findings" not in squeezed
    assert len(_table_rows(squeezed)) == len(_table_rows(full))
    assert "Hints left out to fit the comment size limit." in squeezed


def test_markdown_never_exceeds_the_limit_even_when_tiny() -> None:
    text = render_markdown(sample_report(_long_findings(5)), max_chars=200)
    assert len(text) <= 200
