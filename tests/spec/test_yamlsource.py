"""The strict YAML reader: positions for every value, and located errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfgen.errors import Location, UserError
from tfgen.spec.yamlsource import (
    MAX_NODES,
    Positions,
    YamlDocument,
    load_yaml_file,
    load_yaml_text,
)


def _error(text: str) -> str:
    with pytest.raises(UserError) as info:
        load_yaml_text(text, "f.yaml")
    assert len(info.value.problems) == 1
    return info.value.problems[0].render()


def test_positions_of_values_and_keys() -> None:
    doc = load_yaml_text("a:\n  b: 1\n  c: [x, 2]\n", "f.yaml")
    assert doc.data == {"a": {"b": 1, "c": ["x", 2]}}
    assert doc.positions.value(("a", "b")) == Location("f.yaml", 2, 6)
    assert doc.positions.key(("a", "b")) == Location("f.yaml", 2, 3)
    assert doc.positions.value(("a", "c", 1)) == Location("f.yaml", 3, 10)
    # a path below a scalar falls back to the nearest known ancestor
    assert doc.positions.value(("a", "b", "deeper")) == Location("f.yaml", 2, 6)


def test_only_true_and_false_are_booleans() -> None:
    doc = load_yaml_text("a: yes\nb: no\nc: on\nd: true\ne: False\n", "f.yaml")
    assert doc.data == {"a": "yes", "b": "no", "c": "on", "d": True, "e": False}


def test_dates_stay_text_and_numbers_are_numbers() -> None:
    doc = load_yaml_text("d: 2026-01-01\ni: 0x10\nf: 1.5\nn: null\n", "f.yaml")
    assert doc.data == {"d": "2026-01-01", "i": 16, "f": 1.5, "n": None}


def test_duplicate_key_names_both_places() -> None:
    assert _error("a: 1\nb: 2\na: 3\n") == (
        "f.yaml:3:1: TFG003 duplicate key 'a' (first defined at f.yaml:1:1); "
        "hint: remove one of the two definitions"
    )


def test_nested_duplicate_key() -> None:
    assert _error("s:\n  x: {p: 1, p: 2}\n").startswith("f.yaml:2:13: TFG003 duplicate key 'p'")


def test_syntax_error_is_located() -> None:
    assert _error("a: [1, 2\nb: 3\n").startswith("f.yaml:2:2: TFG001 YAML syntax error")


def test_billion_laughs_is_refused() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefg", "bcdefgh", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    message = _error("\n".join(lines) + "\n")
    assert "TFG006" in message
    assert str(MAX_NODES) in message


def test_small_aliases_are_allowed() -> None:
    doc = load_yaml_text("base: &b {cpu: 256}\nother: *b\n", "f.yaml")
    assert doc.data["other"] == {"cpu": 256}


def test_merge_keys_are_refused() -> None:
    assert "TFG005 YAML merge keys" in _error("base: &b {cpu: 256}\nother:\n  <<: *b\n")


def test_custom_tags_are_refused() -> None:
    assert "TFG005 unsupported YAML tag '!!python/object:os.system'" in _error(
        "a: !!python/object:os.system {}\n"
    )


def test_non_string_keys_are_refused() -> None:
    assert _error("1: a\n").startswith("f.yaml:1:1: TFG004 mapping keys must be strings")


def test_several_documents_are_refused() -> None:
    assert "TFG001 expected one YAML document" in _error("a: 1\n---\nb: 2\n")


def test_empty_file_is_an_empty_mapping() -> None:
    assert load_yaml_text("", "f.yaml").data == {}


def test_non_utf8_is_located(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(b"a: 1\nb: caf\xe9\n")
    with pytest.raises(UserError) as info:
        load_yaml_file(path, "bad.yaml")
    assert info.value.problems[0].render() == (
        "bad.yaml:2:7: TFG002 file is not valid UTF-8 (byte 0xe9); hint: save the file as UTF-8"
    )


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeffa: ü\n".encode())
    assert load_yaml_file(path).data == {"a": "ü"}


def test_recursive_alias_is_refused() -> None:
    assert _error("a: &a [1, *a]\n") == (
        "f.yaml:1:4: TFG006 YAML alias refers to a value that contains it (a cycle); "
        "hint: remove the recursive alias"
    )


def _entity_docs(count: int) -> list[YamlDocument]:
    """One small spec document per entity, as when every service has its own file."""
    text = "services:\n  s{i}:\n    port: {i}\n    scale: {{desired: 1, min: 1, max: 2}}\n"
    return [load_yaml_text(text.format(i=i), f"s{i}.yaml") for i in range(count)]


def _merge_cost(count: int) -> int:
    merged = Positions()
    for i, doc in enumerate(_entity_docs(count)):
        merged.update_from(doc.positions, ("services", f"s{i}"))
    assert merged.value(("services", f"s{count - 1}", "port")) == Location(
        f"s{count - 1}.yaml", 3, 11
    )
    return merged.operations


def test_merging_an_entity_costs_its_own_size_not_the_tables() -> None:
    # Linear: ten times the entities cost ten times the work (a scan of the whole table per
    # merged entity, as before, grows a hundredfold).
    small, large = _merge_cost(50), _merge_cost(500)
    assert large <= 10 * small + 10


def test_a_fork_shares_positions_until_either_side_changes() -> None:
    base = load_yaml_text("a:\n  b: 1\n  c: [x, 2]\nd: 3\n", "base.yaml").positions
    over = load_yaml_text("a:\n  b: 5\n", "env.yaml").positions
    fork = base.fork()
    assert fork.operations == 0
    fork.update_from(over, ("a", "b"))
    fork.drop(("a", "c"))
    assert fork.value(("a", "b")) == Location("env.yaml", 2, 6)
    assert fork.key(("a", "b")) == Location("env.yaml", 2, 3)
    assert fork.value(("a", "c", 1)) == Location("base.yaml", 3, 6)  # dropped: the list itself
    assert fork.value(("d",)) == Location("base.yaml", 4, 4)
    # the original is unchanged, also when it changes after the fork
    assert base.value(("a", "b")) == Location("base.yaml", 2, 6)
    assert base.value(("a", "c", 1)) == Location("base.yaml", 3, 10)
    base.update_from(over, ("a",))
    assert base.value(("a", "b")) == Location("env.yaml", 2, 6)
    assert fork.value(("a", "c", 1)) == Location("base.yaml", 3, 6)
    assert over.value(("a", "b")) == Location("env.yaml", 2, 6)
    assert over.value(("a", "c")) == Location("env.yaml", 2, 3)  # nothing leaked into it
