"""The HCL literal filter: hostile strings survive a round trip through python-hcl2."""

from __future__ import annotations

import hcl2
import jinja2
import pytest

from tfgen.render import hcl
from tfgen.render.environment import RawValueError, jinja_environment

HOSTILE = [
    "plain",
    'quote " inside',
    "back\\slash",
    "${var.secret}",
    "%{ if true }x%{ endif }",
    "$${already}",
    "line\nbreak",
    "tab\tand\rcarriage",
    "bell\x07 and nul\x00",
    "unicode ü € 🚀",
    "trailing backslash \\",
    '"}\nresource "evil" "x" {\n#',
    "$",
    "%",
    "${",
    "\u2028line separator",
]


def _roundtrip(expr: str) -> object:
    parsed = hcl2.loads(f"x = {expr}\n")
    return parsed["x"]


def _unquote(value: object) -> str:
    assert isinstance(value, str) and value.startswith('"') and value.endswith('"')
    return value[1:-1]


@pytest.mark.parametrize("text", HOSTILE)
def test_strings_round_trip(text: str) -> None:
    rendered = hcl.literal(text)
    assert "\n" not in rendered
    value = _unquote(_roundtrip(rendered))
    assert _decode(value) == text


def _decode(escaped: str) -> str:
    """Interpret HCL string escapes the way Terraform does (python-hcl2 keeps them raw)."""
    out, i = [], 0
    simple = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
    while i < len(escaped):
        ch = escaped[i]
        if ch == "\\":
            nxt = escaped[i + 1]
            if nxt == "u":
                out.append(chr(int(escaped[i + 2 : i + 6], 16)))
                i += 6
                continue
            out.append(simple[nxt])
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def test_no_interpolation_survives() -> None:
    rendered = hcl.literal('${file("/etc/passwd")}')
    assert rendered == '"\\u0024{file(\\"/etc/passwd\\")}"'


def test_scalars_lists_and_maps() -> None:
    assert hcl.literal(None) == "null"
    assert hcl.literal(True) == "true"
    assert hcl.literal(3) == "3"
    assert hcl.literal(2.0) == "2"
    assert hcl.literal(0.25) == "0.25"
    assert hcl.literal(["a", 1]) == '["a", 1]'
    assert hcl.literal({"A": "b", "not-ident key": 1}) == '{ A = "b", "not-ident key" = 1 }'
    assert hcl.literal({}) == "{}"
    assert _roundtrip(hcl.literal({"k": ["x", {"y": True}]})) == {"k": ['"x"', {"y": True}]}


def test_non_finite_numbers_and_objects_are_refused() -> None:
    with pytest.raises(ValueError):
        hcl.literal(float("nan"))
    with pytest.raises(TypeError):
        hcl.literal(object())


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("order-service", "order_service"),
        ("ecr.api", "ecr_api"),
        ("9lives", "_9lives"),
    ],
)
def test_identifiers(name: str, expected: str) -> None:
    assert hcl.ident(name) == expected


@pytest.mark.parametrize("name", ["", "a b", 'x"', "${x}", "-lead"])
def test_bad_identifiers_are_refused(name: str) -> None:
    with pytest.raises(ValueError):
        hcl.ident(name)


def test_inner_and_comment() -> None:
    assert hcl.inner('a"${b}') == 'a\\"\\u0024{b}'
    assert hcl.comment("two\nlines\x00") == "two lines "


def test_templates_cannot_print_raw_values() -> None:
    env = jinja_environment()
    with pytest.raises(RawValueError):
        env.from_string("x = {{ value }}").render(value="raw")
    assert env.from_string("x = {{ value | hcl }}").render(value='a"b') == 'x = "a\\"b"'


def test_undefined_values_fail_loudly() -> None:
    with pytest.raises(jinja2.UndefinedError):
        jinja_environment().from_string("{{ missing | hcl }}").render()
