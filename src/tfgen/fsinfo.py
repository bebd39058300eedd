"""File-system facts shared by the stages: what a path is, how to name it, and OSError as a
user error (an environment fault such as a read-only mount is never a bug in tfgen)."""

from __future__ import annotations

import errno
import stat
from pathlib import Path

from tfgen.errors import Location, UserError, user_error

_KINDS = (
    (stat.S_ISREG, "a regular file"),
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
)
REGULAR, FOLDER = _KINDS[0][1], _KINDS[1][1]

_HINTS = {
    errno.EACCES: "check the permissions of the path (and `chattr -i` for immutable files)",
    errno.EPERM: "check the permissions of the path (and `chattr -i` for immutable files)",
    errno.EROFS: "the file system is mounted read-only; use a writable location",
    errno.ENOSPC: "the disk is full; free some space",
    errno.EDQUOT: "the disk quota is exceeded; free some space",
    errno.ENOTDIR: "a part of the path is a file, not a folder; choose another path",
    errno.EEXIST: "a part of the path already exists as a file; choose another path",
    errno.ELOOP: "the path runs into a symlink loop; fix or remove the symlink",
    errno.ENAMETOOLONG: "the path is too long; choose a shorter one",
}


def path_kind(path: Path) -> str | None:
    """What is at ``path`` (following symlinks), or None when nothing is there.

    Only ``stat`` is used: a FIFO is never opened, so asking never blocks.
    """
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if path.is_symlink():
            return "a symlink loop" if exc.errno == errno.ELOOP else "a dangling symlink"
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return None
        return f"unreadable ({exc.strerror})"
    return next((name for test, name in _KINDS if test(mode)), "a special file")


def display(path: Path | str) -> str:
    """``path`` relative to the working folder when it is below it, else absolute."""
    absolute = Path(path).absolute()
    try:
        return absolute.relative_to(Path.cwd()).as_posix() or "."
    except ValueError:
        return absolute.as_posix()


def os_error(
    code: str, exc: OSError, fallback: Path | str | None = None, doing: str = "use"
) -> UserError:
    """A located user error for a failed file-system call: the path, the reason, a hint."""
    reason = exc.strerror or str(exc)
    hint = _HINTS.get(exc.errno or 0, "check the path and the file system it is on")
    path = exc.filename if isinstance(exc.filename, str | Path) else fallback
    if path is None:
        return user_error(code, f"file-system error: {reason}", None, hint)
    where = display(path)
    return user_error(code, f"cannot {doing} {where}: {reason}", Location(where), hint)
