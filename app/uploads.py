"""Uploaded files: size-capped, of a known type, with a safe name, and written only inside documents/."""

from __future__ import annotations

import re
from pathlib import Path

from aimsgraph.errors import InputError

MAX_BYTES = 20 * 1024 * 1024
TYPES = ("pdf", "docx", "md", "markdown", "html", "htm", "txt")


def safe_name(name: str) -> str:
    """The file's own name with anything but letters, digits, dot, dash and underscore replaced."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(name.replace("\\", "/")).name).strip(".-")
    return cleaned or "upload"


def save_upload(documents: Path, name: str, data: bytes, max_bytes: int = MAX_BYTES) -> Path:
    """Write an uploaded file into `documents` (never elsewhere); InputError when too large or of an unknown type."""
    if len(data) > max_bytes:
        raise InputError(
            f"too large ({len(data) / 2**20:.1f} MB; the limit is {max_bytes / 2**20:.0f} MB)", source=name
        )
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix not in TYPES:
        raise InputError(f"unknown type '.{suffix}'; upload PDF, DOCX, Markdown, HTML or text", source=name)
    folder = documents.resolve()
    target = (folder / safe_name(name)).resolve()
    if target.parent != folder:
        raise InputError("not a valid file name", source=name)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.part")
    tmp.write_bytes(data)
    tmp.replace(target)  # a half-written upload never looks like a document
    return target
