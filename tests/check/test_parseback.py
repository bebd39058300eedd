"""Parse-back: text python-hcl2 cannot read is reported as a tfgen bug naming the file."""

from __future__ import annotations

import pytest

from tfgen.check.parseback import parse_back
from tfgen.errors import ExitCode, InternalError


def test_good_files_parse() -> None:
    parsed = parse_back({"main.tf": 'locals {\n  a = "b"\n}\n', "README.md": "not hcl {"})
    assert list(parsed) == ["main.tf"]


def test_a_file_that_does_not_parse_is_named() -> None:
    with pytest.raises(InternalError) as info:
        parse_back({"ok.tf": "a = 1\n", "modules/x/main.tf": 'a = 1\nb = "$${"\n'})
    assert info.value.exit_code == ExitCode.INTERNAL
    [problem] = info.value.problems
    assert problem.code == "TFG403"
    assert problem.location is not None and problem.location.file == "modules/x/main.tf"
    assert problem.location.line == 2
