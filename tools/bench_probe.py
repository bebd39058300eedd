"""Baselines for ``make bench``: one bare step of the render per process.

Usage: python -m tools.bench_probe MODE PATH
  jinja PROJECT   load the project and render its templates with Jinja only
                  (no terraform fmt, no parse-back, no cache, nothing written)
  hcl2 TREE       parse every .tf/.tfvars file below TREE with python-hcl2, naively
  parseback TREE  tfgen's own parse-back of the same files (cold: no cache is read)
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

SUFFIXES = (".tf", ".tfvars")


def _tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name.endswith(SUFFIXES) and ".terraform" not in p.parts
    }


def bare_jinja(project: Path) -> int:
    from tfgen.pipeline import load_project  # noqa: PLC0415
    from tfgen.render.tree import render_tree  # noqa: PLC0415

    loaded = load_project(project, (), all_envs=True)
    tree = render_tree(loaded.platform, [e.environment for e in loaded.environments], loaded.known)
    return len(tree.files)


def naive_hcl2(tree: Path) -> int:
    import hcl2  # noqa: PLC0415

    files = _tree(tree)
    for text in files.values():
        hcl2.loads(text)
    return len(files)


def tfgen_parse_back(tree: Path) -> int:
    from tfgen.check.parseback import parse_back  # noqa: PLC0415

    return len(parse_back(_tree(tree)))


MODES = {"jinja": bare_jinja, "hcl2": naive_hcl2, "parseback": tfgen_parse_back}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2 or args[0] not in MODES:
        print(__doc__, file=sys.stderr)
        return 2
    count = MODES[args[0]](Path(args[1]))
    print(f"{args[0]}: {count} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
