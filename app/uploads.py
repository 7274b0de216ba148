"""Uploaded files: size-capped, of a known type, readable, with a safe name, and written only inside documents/."""

from __future__ import annotations

import re
from pathlib import Path

from aimsgraph.confinement import OutsideWorkspace, fenced
from aimsgraph.documents.extraction import ExtractionError, extract
from aimsgraph.errors import InputError

MAX_BYTES = 20 * 1024 * 1024
TYPES = ("pdf", "docx", "md", "markdown", "html", "htm", "txt")


def safe_name(name: str) -> str:
    """The file's own name with anything but letters, digits, dot, dash and underscore replaced."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(name.replace("\\", "/")).name).strip(".-")
    return cleaned or "upload"


def save_upload(documents: Path, name: str, data: bytes, max_bytes: int = MAX_BYTES) -> Path:
    """Write an uploaded file into `documents` (never elsewhere); InputError, with nothing written, when it is too
    large, of an unknown type, or cannot be read (a corrupt PDF, say)."""
    if len(data) > max_bytes:
        raise InputError(
            f"too large ({len(data) / 2**20:.1f} MB; the limit is {max_bytes / 2**20:.0f} MB): nothing was stored",
            source=name,
        )
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix not in TYPES:
        raise InputError(f"unknown type '.{suffix}'; upload PDF, DOCX, Markdown, HTML or text", source=name)
    folder = documents.resolve()
    target = (folder / safe_name(name)).resolve()
    if target.parent != folder:
        raise InputError("not a valid file name", source=name)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{target.stem}.part{target.suffix}"  # hidden, so ingest never reads it; extraction knows the type
    tmp.write_bytes(data)
    try:
        _check_readable(folder, tmp, name, max_bytes)
        tmp.replace(target)  # a half-written or unreadable upload never looks like a document
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _check_readable(folder: Path, path: Path, name: str, max_bytes: int) -> None:
    """Extract it once, as ingest will (fenced: it reads nothing else); a file with no readable text is refused."""
    try:
        with fenced(folder, name, path):
            extract(path, max_bytes)
    except (ExtractionError, OutsideWorkspace) as exc:
        raise InputError(f"cannot be read ({exc}): nothing was stored; upload a readable copy", source=name) from None
