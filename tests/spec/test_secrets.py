"""Plain values that look like secrets: detectors, key names, false positives, allow-list."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import Edit, line_of
from tfgen.errors import UserError
from tfgen.pipeline import load_project
from tfgen.spec.secrets import (
    DETECTORS,
    clearly_not_secret,
    key_words,
    secret_key_word,
    shape_match,
)

# Planted credentials are assembled here so the repository never holds one verbatim.
GITHUB = "ghp_" + "aB3dE5fG7h" * 3 + "J9kL1m"
AWS_ID = "AKIA" + "Q7RZ2XK4" + "M3N8P5T6"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYzq9Lk3v2Hx"
SLACK = "xoxb-" + "123456789012-abcDEFghiJKL"
STRIPE = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"
GOOGLE = "AIza" + "SyD-1a2B3c4D5e6F7g8H9i0JkLmNoPqRsTu"
PEM = "-----BEGIN RSA " + "PRIVATE KEY-----MIIEow"
JWT = "eyJhbGciOiJIUzI1NiJ9." + "eyJzdWIiOiIxMjM0NTY3ODkwIn0." + "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9P"
URL_WITH_PASSWORD = "postgres://app:" + "s3cr3tPass" + "@db.internal:5432/orders"
PASSWORD = "hunter2" + "hunter2"


@pytest.mark.parametrize(
    ("value", "name"),
    [
        (GITHUB, "GitHub token"),
        ("github_pat_" + "11ABCDEFG0" * 3, "GitHub token"),
        (AWS_ID, "AWS access key id"),
        (SLACK, "Slack token"),
        (STRIPE, "Stripe secret key"),
        (GOOGLE, "Google API key"),
        (PEM, "private key"),
        (JWT, "JSON Web Token"),
        (URL_WITH_PASSWORD, "URL with a password"),
        ("redis://:" + "s3cr3tPass" + "@cache.internal:6379", "URL with a password"),
        ("see " + GITHUB + " inside text", "GitHub token"),
    ],
)
def test_value_shapes_are_detected_under_any_key(value: str, name: str) -> None:
    detector = shape_match(value, ("services", "web", "environment", "LOG_LEVEL"))
    assert detector is not None
    assert detector.name == name


def test_aws_secret_key_shape_needs_a_key_hint() -> None:
    path = ("services", "web", "environment")
    found = shape_match(AWS_SECRET, (*path, "AWS_SECRET_ACCESS_KEY"))
    assert found is not None
    assert found.name == "AWS secret access key"
    assert shape_match(AWS_SECRET, (*path, "BUILD_ID")) is None
    # a git commit (40 hex digits) is not an AWS secret key even next to an AWS key name
    assert shape_match("3f786850e387550fdab836ed7e6dc881de23001b", (*path, "AWS_SHA")) is None


@pytest.mark.parametrize(
    "value",
    [
        "postgres://db.internal:5432/orders",
        "postgres://app:${DB_PASSWORD}@db.internal/orders",
        "X-Correlation-ID",
        "pk_live_" + "4eC39HqLyjWDarjtT1zdp7dc",  # Stripe publishable keys are public
        "sha256:" + "a" * 64,
        "AKIA",
    ],
)
def test_ordinary_values_match_no_detector(value: str) -> None:
    assert shape_match(value, ("services", "web", "environment", "VALUE")) is None


def test_every_detector_names_its_source() -> None:
    assert len({d.name for d in DETECTORS}) == len(DETECTORS)
    assert all(d.source for d in DETECTORS)


@pytest.mark.parametrize(
    ("key", "word"),
    [
        ("DB_PASSWORD", "PASSWORD"),
        ("dbPassword", "PASSWORD"),
        ("db-passwd", "PASSWD"),
        ("STRIPE_API_KEY", "API_KEY"),
        ("apiKey", "API_KEY"),
        ("CLIENT_SECRET", "SECRET"),
        ("GITHUB_TOKEN", "TOKEN"),
        ("SSH_PRIVATE_KEY", "PRIVATE_KEY"),
        ("AWS_ACCESS_KEY", "ACCESS_KEY"),
        ("GOOGLE_APPLICATION_CREDENTIALS", "CREDENTIALS"),
        ("TOKEN_TTL", None),
        ("PASSWORD_MIN_LENGTH", None),
        ("SECRET_NAME", None),
        ("JWT_SECRET_ARN", None),
        ("TOKENIZER", None),
        ("LOG_LEVEL", None),
        ("KEYBOARD_LAYOUT", None),
        ("PASSPORT_ENABLED", None),
        ("AWS_ACCESS_KEY_ID", None),
    ],
)
def test_secret_key_names(key: str, word: str | None) -> None:
    assert secret_key_word(key) == word


def test_key_words_split_case_and_separators() -> None:
    assert key_words("myAPIKey") == ["MY", "APIKEY"]
    assert key_words("db.password-v2") == ["DB", "PASSWORD", "V2"]


@pytest.mark.parametrize(
    "value",
    [
        "",
        "true",
        "disabled",
        "3600",
        "15m",
        "12",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db",
        "${DB_PASSWORD}",
        "{{resolve:secretsmanager:db}}",
        "order-service/db",
        "/run/secrets/db_password",
        "https://auth.example.com/oauth/token",
        "db-credentials",
    ],
)
def test_values_that_cannot_be_secrets(value: str) -> None:
    assert clearly_not_secret(value, frozenset({"db-credentials"}))


@pytest.mark.parametrize("value", [PASSWORD, "changeme", "p@ss w0rd!", "Tr0ub4dor&3"])
def test_values_that_can_be_secrets(value: str) -> None:
    assert not clearly_not_secret(value, frozenset({"db-credentials"}))


# --- through the loader: located, masked, allow-listed ---------------------------------------


def _problems(project: Path) -> list[str]:
    with pytest.raises(UserError) as info:
        load_project(project)
    return [p.render() for p in info.value.problems]


def test_a_secret_named_variable_is_located_and_masked(project: Path, edit: Edit) -> None:
    edit("specs/services.yaml", "      BULL_WORKERS: \"5\"\n",
         f"      BULL_WORKERS: \"5\"\n      DB_PASSWORD: {PASSWORD}\n")  # fmt: skip
    [msg] = _problems(project)
    line = line_of(project / "specs/services.yaml", "DB_PASSWORD")
    assert msg.startswith(
        f"specs/services.yaml:{line}:20: TFG223 services.notifications-service.environment."
        "DB_PASSWORD holds a plain value that looks like a secret (key name contains PASSWORD; "
        "14 characters, not shown); hint: store it in Secrets Manager: declare it under "
        "secrets: and reference it with services.notifications-service.secrets.DB_PASSWORD: "
    )
    assert PASSWORD not in msg


def test_a_token_in_an_environment_file_is_located_there(project: Path) -> None:
    env = project / "environments/dev.yaml"
    env.write_text(
        env.read_text().replace(
            "LOG_LEVEL: debug}", f"LOG_LEVEL: debug, RELEASE_NOTES_FEED: {GITHUB}}}"
        )
    )
    msgs = _problems(project)
    assert len(msgs) == 1
    line = line_of(env, "RELEASE_NOTES_FEED")
    assert msgs[0].startswith(f"environments/dev.yaml:{line}:")
    assert "value shape: GitHub token" in msgs[0]
    assert GITHUB not in msgs[0]


def test_tags_and_descriptions_are_checked(project: Path, edit: Edit) -> None:
    owner = "Owner: platform-team"
    edit("specs/platform.yaml", owner, f"{owner}\n    DeployKey: {AWS_ID}")
    edit("specs/secrets.yaml", "Redis AUTH token for the cache cluster.", f"Token {SLACK}")
    msgs = _problems(project)
    assert any("platform.tags.DeployKey holds" in m and "AWS access key id" in m for m in msgs)
    assert any("secrets.redis-auth.description holds" in m and "Slack token" in m for m in msgs)
    assert all(AWS_ID not in m and SLACK not in m for m in msgs)
    assert all("hint: remove it from the spec" in m for m in msgs)


def test_other_messages_never_echo_a_detected_secret(project: Path, edit: Edit) -> None:
    # TFG213 quotes the invalid path pattern; the token inside it must be masked there too
    edit("specs/services.yaml", '"/api/v1/users*"', f'"/api/v1/users {GITHUB}"')
    msgs = _problems(project)
    assert any("TFG213 '********' is not a valid ALB path pattern" in m for m in msgs)
    assert any("TFG223 services.user-service.routes.paths.0 holds" in m for m in msgs)
    assert all(GITHUB not in m for m in msgs)


def test_false_positive_names_pass(project: Path, edit: Edit) -> None:
    edit("specs/services.yaml", "      BULL_WORKERS: \"5\"\n", (
        "      BULL_WORKERS: \"5\"\n"
        "      TOKEN_TTL: \"3600\"\n"
        "      PASSWORD_MIN_LENGTH: \"12\"\n"
        "      SECRET_NAME: order-service/db\n"
        "      REDIS_SECRET: redis-auth\n"
        "      AUTH_TOKEN_HEADER: X-Auth-Token\n"
        "      SIGNING_KEY_ARN: arn:aws:kms:eu-west-1:123456789012:key/abc\n"
        "      API_KEY_FILE: /run/secrets/api_key\n"
        "      DB_PASSWORD: \"${DB_PASSWORD}\"\n"
        "      TOKEN_REFRESH_ENABLED: \"true\"\n"
    ))  # fmt: skip
    load_project(project)


def test_allow_plain_accepts_a_value_with_a_reason(project: Path, edit: Edit) -> None:
    edit("specs/services.yaml", "      BULL_WORKERS: \"5\"\n",
         "      BULL_WORKERS: \"5\"\n      PUBLIC_TOKEN: pk-demo-123\n")  # fmt: skip
    assert "PUBLIC_TOKEN" in _problems(project)[0]
    checks = project / "specs/checks.yaml"
    checks.write_text(
        checks.read_text()
        + "  allow_plain:\n"
        + "    - path: services.*.environment.PUBLIC_TOKEN\n"
        + "      reason: A publishable demo token the browser receives anyway.\n"
    )
    load_project(project)


def test_allow_plain_needs_a_reason(project: Path) -> None:
    checks = project / "specs/checks.yaml"
    checks.write_text(checks.read_text() + "  allow_plain:\n    - path: services.x\n")
    [msg] = _problems(project)
    assert "TFG101 checks.allow_plain.0.reason: required field is missing" in msg
