"""Plain values that look like secrets never reach the generated tree.

Every string the spec can carry into the Terraform (service ``environment`` maps in specs and
environment files, ``platform.tags``, descriptions, ...) is checked two ways:

* by **value shape**, everywhere: the detectors in :data:`DETECTORS` (AWS access keys, GitHub,
  Slack, Stripe, Google tokens, private keys, JWTs, URLs with a password), in the spirit of
  gitleaks' and detect-secrets' rule sets;
* by **key name**, in free-form ``name: value`` maps (``environment``, ``tags``): a key whose
  words name a secret (``DB_PASSWORD``, ``STRIPE_API_KEY``, ``CLIENT_SECRET``...) must not hold
  a plain value, unless the value is clearly not one (empty, a number or duration, a boolean
  word, a reference such as ``arn:...`` or ``${...}``, a path, or the name of a secret) or the
  key names something *about* the secret (``TOKEN_TTL``, ``PASSWORD_MIN_LENGTH``,
  ``SECRET_NAME``).

A false positive is accepted in ``checks.allow_plain`` with a reason.  Messages never echo the
value: they name the key, the detector and the value's length.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache, partial
from typing import Any

from pydantic import BaseModel

from tfgen.errors import Problem
from tfgen.spec.loader import Source
from tfgen.spec.memo import Memo
from tfgen.spec.model import Checks, Platform
from tfgen.spec.yamlsource import PathKey

CODE = "TFG223"


@dataclass(frozen=True)
class Detector:
    """A value shape that is a credential wherever it appears.

    ``key`` (a regex on the dotted path, case-insensitive) limits a detector whose shape alone
    is too common to be conclusive (a 40-character base64 string) to keys that hint at it
    (the last key of the value's path).
    """

    name: str
    pattern: re.Pattern[str]
    source: str
    key: re.Pattern[str] | None = None


def _rx(text: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(text, flags)


DETECTORS: tuple[Detector, ...] = (
    Detector(
        "AWS access key id",
        _rx(r"(?<![A-Z0-9])(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])"),
        "gitleaks aws-access-token; detect-secrets AWSKeyDetector",
    ),
    Detector(
        "AWS secret access key",
        _rx(
            r"(?<![A-Za-z0-9/+])(?=[A-Za-z0-9/+]{0,39}[A-Z])(?=[A-Za-z0-9/+]{0,39}[a-z])"
            r"[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])"
        ),
        "detect-secrets AWSKeyDetector (40 base64 characters next to an AWS/secret key)",
        _rx(r"aws|secret|access", re.IGNORECASE),
    ),
    Detector(
        "GitHub token",
        _rx(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b"),
        "gitleaks github-pat, github-oauth, github-app-token, github-fine-grained-pat",
    ),
    Detector(
        "GitLab token",
        _rx(r"\bglpat-[A-Za-z0-9_-]{20,}"),
        "gitleaks gitlab-pat",
    ),
    Detector(
        "Slack token",
        _rx(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
        "gitleaks slack-bot-token, slack-user-token; detect-secrets SlackDetector",
    ),
    Detector(
        "Slack webhook URL",
        _rx(r"hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/_-]{20,}"),
        "gitleaks slack-webhook-url",
    ),
    Detector(
        "Stripe secret key",
        _rx(r"\b(?:sk|rk)_(?:live|test|prod)_[A-Za-z0-9]{10,99}\b"),
        "gitleaks stripe-access-token; detect-secrets StripeDetector",
    ),
    Detector(
        "Google API key",
        _rx(r"\bAIza[0-9A-Za-z_-]{35}"),
        "gitleaks gcp-api-key",
    ),
    Detector(
        "SendGrid API key",
        _rx(r"\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b"),
        "gitleaks sendgrid-api-token; detect-secrets SendGridDetector",
    ),
    Detector(
        "npm token",
        _rx(r"\bnpm_[A-Za-z0-9]{36}\b"),
        "gitleaks npm-access-token; detect-secrets NpmDetector",
    ),
    Detector(
        "private key",
        _rx(r"-----BEGIN[ A-Z0-9_-]*PRIVATE KEY(?: BLOCK)?-----"),
        "gitleaks private-key; detect-secrets PrivateKeyDetector",
    ),
    Detector(
        "JSON Web Token",
        _rx(r"\bey[A-Za-z0-9_-]{10,}\.ey[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"),
        "gitleaks jwt; detect-secrets JwtTokenDetector",
    ),
    Detector(
        "URL with a password",
        _rx(r"\b[a-z][a-z0-9+.-]*://[^\s/:@]*:(?![$%{<])[^\s/@]+@", re.IGNORECASE),
        "detect-secrets BasicAuthDetector",
    ),
)

# Words of a key name that say its value is a secret (one word, or adjacent words).
SECRET_WORDS: tuple[tuple[str, ...], ...] = (
    ("PASSWORD",),
    ("PASSWD",),
    ("PWD",),
    ("PASSPHRASE",),
    ("SECRET",),
    ("TOKEN",),
    ("APIKEY",),
    ("API", "KEY"),
    ("PRIVATE", "KEY"),
    ("PRIVATEKEY",),
    ("ACCESS", "KEY"),
    ("SIGNING", "KEY"),
    ("ENCRYPTION", "KEY"),
    ("MASTER", "KEY"),
    ("SESSION", "KEY"),
    ("AUTH", "KEY"),
    ("CREDENTIAL",),
    ("CREDENTIALS",),
    ("CREDS",),
    ("SALT",),
)
# Last words of a key that names something *about* a secret, not the secret itself.
METADATA_WORDS = frozenset(
    {
        *("ALG", "ALGORITHM", "ARN", "AUDIENCE", "COUNT", "DAYS", "DIR", "ENABLED"),
        *("ENDPOINT", "EXPIRES", "EXPIRY", "FIELD", "FILE", "FORMAT", "HEADER", "HOURS"),
        *("ID", "ISSUER", "LENGTH", "LEN", "LIMIT", "LOCATION", "MAX", "MIN", "MINUTES"),
        *("MODE", "NAME", "PARAM", "PARAMETER", "PATH", "POLICY", "PREFIX", "PROVIDER"),
        *("REF", "REGION", "REQUIRED", "ROTATION", "SCOPE", "SCOPES", "SECONDS", "SIZE"),
        *("STORE", "SUFFIX", "TIMEOUT", "TTL", "TYPE", "URI", "URL", "VERSION"),
    }
)
# Words of a key that hint at a credential only together with a random-looking value.
WEAK_WORDS = frozenset({"AUTH", "CONN", "CONNECTION", "DSN", "HASH", "KEY", "SIGNATURE"})
NOT_SECRET_WORDS = frozenset(
    {
        *("true", "false", "yes", "no", "on", "off", "enabled", "disabled", "enable"),
        *("disable", "none", "null", "nil", "required", "optional", "auto", "default"),
    }
)
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?(?:ms|s|m|h|d|w|k|kb|mb|gb|%)?$", re.IGNORECASE)
_REFERENCE = re.compile(
    r"^(?:arn:|\$\{.*\}$|\$[A-Za-z_][A-Za-z0-9_]*$|\{\{resolve:|(?:ssm|secretsmanager|vault|sm):)",
    re.IGNORECASE,
)
_NAME_PATH = re.compile(r"^[a-z0-9][a-z0-9._-]*(?:/[a-z0-9._-]+)+$")
_PLAIN_URL = re.compile(r"^[a-z][a-z0-9+.-]*://[^\s@]*$", re.IGNORECASE)
_WORD_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")
ENTROPY_MIN_LENGTH = 20
ENTROPY_MIN_BITS = 3.5


@dataclass(frozen=True)
class PlainSecret:
    """A plain value that looks like a secret (the value is kept only to mask it elsewhere)."""

    path: PathKey
    reason: str
    value: str


def key_words(key: str) -> list[str]:
    """``dbPassword`` / ``DB_PASSWORD`` / ``db-password`` -> ``['DB', 'PASSWORD']``."""
    return [w.upper() for w in _WORD_SPLIT.split(key) if w]


def _has_sequence(words: list[str], sequence: tuple[str, ...]) -> bool:
    n = len(sequence)
    return any(tuple(words[i : i + n]) == sequence for i in range(len(words) - n + 1))


@cache
def secret_key_word(key: str) -> str | None:
    """The secret-naming words of ``key`` (e.g. 'API_KEY'), unless it names metadata."""
    words = key_words(key)
    if not words or words[-1] in METADATA_WORDS:
        return None
    for sequence in SECRET_WORDS:
        if _has_sequence(words, sequence):
            return "_".join(sequence)
    return None


def _entropy(value: str) -> float:
    counts = Counter(value)
    return -sum(c / len(value) * math.log2(c / len(value)) for c in counts.values())


def looks_random(value: str) -> bool:
    """A long value without spaces whose characters are spread like a generated key."""
    return (
        len(value) >= ENTROPY_MIN_LENGTH
        and " " not in value
        and _entropy(value) >= ENTROPY_MIN_BITS
        and any(c.isdigit() for c in value)
        and any(c.isalpha() for c in value)
    )


def clearly_not_secret(value: str, secret_names: frozenset[str]) -> bool:
    """Values a secret-named key may hold in plain: no secret could look like these."""
    text = value.strip()
    last = text.rsplit("/", 1)[-1]
    return (
        not text
        or text.lower() in NOT_SECRET_WORDS
        or bool(_NUMBER.match(text))
        or bool(_REFERENCE.match(text))
        or text.startswith("/")
        or bool(_NAME_PATH.match(text))
        or bool(_PLAIN_URL.match(text))
        or text in secret_names
        or last in secret_names
    )


def _dotted(path: PathKey) -> str:
    return ".".join(str(p) for p in path)


def _scoped(pattern: re.Pattern[str]) -> str:
    flags = "i" if pattern.flags & re.IGNORECASE else ""
    return f"(?{flags}:{pattern.pattern})" if flags else f"(?:{pattern.pattern})"


# Every detector in one alternation: a single scan clears the common, harmless value.
_ANY_SHAPE = re.compile("|".join(_scoped(d.pattern) for d in DETECTORS))


def shape_match(value: str, path: PathKey) -> Detector | None:
    """The first detector that recognises ``value`` (at ``path``) as a credential."""
    if _ANY_SHAPE.search(value) is None:
        return None
    key = str(path[-1]) if path else ""
    for detector in DETECTORS:
        if detector.key is not None and not detector.key.search(key):
            continue
        if detector.pattern.search(value):
            return detector
    return None


def _key_reason(key: str, value: str, secret_names: frozenset[str]) -> str | None:
    if clearly_not_secret(value, secret_names):
        return None
    word = secret_key_word(key)
    if word is not None:
        return f"key name contains {word}"
    if set(key_words(key)) & WEAK_WORDS and looks_random(value):
        return "key name hints at a credential and the value looks random"
    return None


_Found = list[tuple[PathKey, str, bool]]


@cache
def _field_names(model: type[BaseModel]) -> tuple[str, ...]:
    return tuple(model.model_fields)


_LEAVES = (int, float, bool, type(None))


def _strings(value: Any, path: PathKey, free_form: bool, out: _Found) -> _Found:
    """Every string in the model: (path, value, whether it is a free-form map entry).

    Appends to ``out`` (and returns it), depth first in field order.
    """
    if type(value) in _LEAVES:
        return out
    if isinstance(value, str):
        out.append((path, value, free_form))
    elif isinstance(value, BaseModel):
        for name in _field_names(type(value)):
            _strings(getattr(value, name), (*path, name), False, out)
    elif isinstance(value, Mapping):
        entries = free_form_map(value)
        for key, item in value.items():
            _strings(item, (*path, str(key)), entries, out)
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _strings(item, (*path, i), False, out)
    return out


def free_form_map(value: Mapping[Any, Any]) -> bool:
    """A user-named ``key: text`` map (environment variables, tags), not a map of entities."""
    return all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())


def _units(platform: Platform) -> Iterator[tuple[Any, PathKey]]:
    """The top-level sections of ``platform``, each entity of an entity map on its own."""
    for name in _field_names(type(platform)):
        value = getattr(platform, name)
        if isinstance(value, Mapping) and not free_form_map(value):
            for key, item in value.items():
                yield item, (name, str(key))
        else:
            yield value, (name,)


def _scan(unit: Any, at: PathKey, names: frozenset[str], checks: Checks) -> list[PlainSecret]:
    found: list[PlainSecret] = []
    for path, value, free_form in _strings(unit, at, False, []):
        detector = shape_match(value, path)
        reason = f"value shape: {detector.name}" if detector is not None else None
        if reason is None and free_form:
            reason = _key_reason(str(path[-1]), value, names)
        if reason is not None and checks.plain_reason(_dotted(path)) is None:
            found.append(PlainSecret(path, reason, value))
    return found


def find_plain_secrets(platform: Platform, memo: Memo | None = None) -> list[PlainSecret]:
    """Every plain value of ``platform`` that looks like a secret and is not allowed.

    With ``memo``, a section or entity already scanned (the same object, at the same path,
    with the same secret names and checks) is not scanned again.
    """
    names = frozenset(platform.secrets)
    checks = platform.checks
    policy = checks.model_dump_json() if memo is not None else ""
    found: list[PlainSecret] = []
    for unit, at in _units(platform):
        if memo is None:
            found.extend(_scan(unit, at, names, checks))
        else:
            scan = partial(_scan, unit, at, names, checks)
            found.extend(memo.get((unit,), ("secrets", at, names, policy), scan))
    return found


def _hint(path: PathKey) -> str:
    allow = "if it is not a secret, accept it in checks.allow_plain with a reason"
    if len(path) == 4 and path[0] == "services" and path[2] == "environment":
        var = path[3]
        return (
            f"store it in Secrets Manager: declare it under secrets: and reference it with "
            f"services.{path[1]}.secrets.{var}: {{secret: <name>}}; {allow} "
            "(run `tfgen docs secrets`)"
        )
    return f"remove it from the spec; {allow} (run `tfgen docs secrets`)"


def problem(found: PlainSecret, source: Source) -> Problem:
    """The located error for ``found``; the message names the value's length, never the value."""
    message = (
        f"{_dotted(found.path)} holds a plain value that looks like a secret ({found.reason}; "
        f"{len(found.value)} characters, not shown)"
    )
    return Problem(CODE, message, source.where(found.path), _hint(found.path))


MASK = "********"


def mask(problem: Problem, values: list[str]) -> Problem:
    """``problem`` with every secret value in ``values`` replaced by a mask."""
    message, hint = problem.message, problem.hint
    for value in sorted(values, key=len, reverse=True):
        if value.strip():
            message = message.replace(value, MASK)
            hint = hint.replace(value, MASK)
    if (message, hint) == (problem.message, problem.hint):
        return problem
    return Problem(problem.code, message, problem.location, hint)
