"""``tfgen init``: write a new platform that renders and validates as it is.

The files are package data (``tfgen/data/scaffold``); ``${name}`` in them is the platform
name.  Nothing that exists is ever overwritten: a folder that already holds a platform is
refused, and ``force`` only adds the files that are missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

from tfgen.errors import InternalError, Location, user_error
from tfgen.spec.loader import ENV_DIR, SPEC_DIR
from tfgen.spec.model import PATTERN_HELP, PLATFORM_NAME_PATTERN

PLATFORM_NAME = re.compile(PLATFORM_NAME_PATTERN)
# Files whose installed name differs (setuptools does not ship dotfiles as package data).
RENAMED = {"gitignore": ".gitignore"}
NAME_HINT = PATTERN_HELP[PLATFORM_NAME_PATTERN]


@dataclass
class Scaffold:
    """What :func:`init_project` did: the files it wrote and the ones it left alone."""

    root: Path
    name: str
    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def scaffold_dir() -> Path:
    here = Path(__file__).resolve().parent.parent / "data" / "scaffold"
    if not (here / SPEC_DIR).is_dir():
        raise InternalError("TFG409", "tfgen's scaffold files are missing from the installation")
    return here


def templates() -> dict[str, str]:
    """Relative target path -> template text, in a stable order."""
    base = scaffold_dir()
    files: dict[str, str] = {}
    for path in sorted(p for p in base.rglob("*") if p.is_file()):
        rel = path.relative_to(base).as_posix()
        files[RENAMED.get(rel, rel)] = path.read_text(encoding="utf-8")
    return files


def default_name(root: Path) -> str | None:
    """A platform name derived from the folder name, when one fits the pattern."""
    candidate = re.sub(r"[^a-z0-9]", "", root.resolve().name.lower())[:12]
    return candidate if PLATFORM_NAME.fullmatch(candidate) else None


def _check_name(name: str | None, root: Path) -> str:
    chosen = name if name is not None else default_name(root)
    if chosen is None:
        raise user_error(
            "TFG711",
            f"cannot derive a platform name from the folder name {root.resolve().name!r}",
            Location(root.as_posix()),
            f"pass --name: {NAME_HINT}",
        )
    if not PLATFORM_NAME.fullmatch(chosen):
        raise user_error(
            "TFG711",
            f"invalid platform name {chosen!r}: it must match {PLATFORM_NAME_PATTERN}",
            None,
            f"use {NAME_HINT}",
        )
    return chosen


def _refuse_existing(root: Path, force: bool) -> None:
    existing = [d for d in (SPEC_DIR, ENV_DIR) if (root / d).exists()]
    if existing and not force:
        raise user_error(
            "TFG712",
            f"the folder already holds a platform ({', '.join(f'{d}/' for d in existing)})",
            Location((root / existing[0]).as_posix()),
            "init a new folder, or pass --force to add only the missing files",
        )
    if root.exists() and not root.is_dir():
        raise user_error(
            "TFG713", f"{root.as_posix()} is not a folder", Location(root.as_posix()),
            "choose a folder (it is created when missing)",
        )  # fmt: skip


def _create(target: Path, text: str) -> bool:
    """Write a new file; False when ``target`` exists (it is never replaced)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        return False
    except OSError as exc:
        raise user_error(
            "TFG713", f"cannot write {target.as_posix()}: {exc.strerror}",
            Location(target.as_posix()), "choose a folder you can write to",
        ) from None  # fmt: skip
    return True


def init_project(root: Path, name: str | None = None, force: bool = False) -> Scaffold:
    """Write the scaffold into ``root``; existing files are kept, never overwritten."""
    chosen = _check_name(name, root)
    _refuse_existing(root, force)
    result = Scaffold(root, chosen)
    for rel, text in templates().items():
        if _create(root / rel, Template(text).substitute(name=chosen)):
            result.written.append(rel)
        else:
            result.kept.append(rel)
    return result


def next_steps(result: Scaffold, command_dir: str) -> list[str]:
    """What to do after init (``command_dir``: how to reach the folder from here)."""
    cd = "" if command_dir in ("", ".") else f" -C {command_dir}"
    return [
        "Next steps:",
        f"  tfgen{cd} render --all          # write generated/ (commit it)",
        f"  tfgen{cd} validate --all        # every validation layer",
        "  edit specs/platform.yaml: your state bucket and region; specs/services.yaml: "
        "your services",
        f"  tfgen{cd} plan dev              # terraform plan in the dev workspace",
        "  tfgen docs quickstart           # more: tfgen docs (spec, secrets, errors, env)",
    ]
