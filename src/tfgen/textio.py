"""Reading user files as text: strict UTF-8 with a located error."""

from __future__ import annotations

from pathlib import Path

from tfgen.errors import Location, user_error


def decode_utf8(raw: bytes, file: str) -> str:
    """Strict UTF-8 (a BOM is allowed); a bad byte is reported at its line and column."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise user_error(
            "TFG002",
            f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
            Location(file, line, column),
            "save the file as UTF-8",
        ) from None


def read_text(path: Path, display: str) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise user_error("TFG007", f"cannot read file: {exc.strerror}", Location(display)) from None
    return decode_utf8(raw, display)
