"""Parse every rendered file back: a file that does not parse is a bug.

The parse goes through :mod:`tfgen.hcl`: its fast parser builds python-hcl2's document
model (a test proves both agree on the whole golden tree) and leaves to python-hcl2 what it
does not decide, syntax errors included.  Documents are cached by content, so the checks
that run after rendering reuse them instead of parsing the tree again.  The parse builds
the whole model rather than only checking the syntax: it costs little more than the
tokenizer, and the later layers need the model anyway.
"""

from __future__ import annotations

from collections.abc import Mapping

from tfgen.errors import InternalError, Location

HCL_SUFFIXES = (".tf", ".tfvars", ".tfbackend")


def parse_back(files: Mapping[str, str]) -> list[str]:
    """Parse each HCL file; raise :class:`InternalError` (exit 4) naming a file that fails.

    Returns the files that were parsed.
    """
    from tfgen.hcl import HclSyntaxError, check_syntax  # noqa: PLC0415 - lark is slow to import
    from tfgen.hcl.parallel import parse_ahead  # noqa: PLC0415

    parse_ahead({p: t for p, t in files.items() if p.endswith(HCL_SUFFIXES)})
    parsed = []
    for path in sorted(files):
        if not path.endswith(HCL_SUFFIXES):
            continue
        try:
            check_syntax(files[path], path)
        except HclSyntaxError as exc:
            raise InternalError(
                "TFG403",
                f"rendered file does not parse back as HCL: {exc.message}",
                Location(path, exc.line, exc.column),
            ) from exc
        parsed.append(path)
    return parsed
