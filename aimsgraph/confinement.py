"""The workspace boundary: paths from facts or documents/ resolve inside it, and parsing reaches nothing outside.

Two parts. `resolve_inside` checks one path (after following links), used wherever a path read from facts or found
under documents/ is opened. `fenced` is a Python audit hook made active around parsing: while it is active on a
thread, any network use (DNS, connect, urllib, a subprocess) and any file opened outside the workspace and the
interpreter's own folders is refused, whatever parser or library asked for it.
"""

from __future__ import annotations

import os
import site
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aimsgraph.errors import InputError

NETWORK_EVENTS = frozenset(
    {
        "socket.connect",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.sendto",
        "urllib.Request",
        "subprocess.Popen",
        "os.system",
        "os.exec",
        "os.posix_spawn",
    }
)


class OutsideWorkspace(InputError):
    """A path or a parser's request that leads outside the workspace."""


def shown(path: str | Path) -> str:
    """A file name for a one-line message: quoted with escapes when it holds a newline, a quote or odd spaces."""
    text = str(path)
    odd = not text.isprintable() or text != text.strip() or any(c in text for c in "'\"")
    return repr(text) if odd else text


def one_line(text: str) -> str:
    """A message on one line: line breaks inside it become spaces."""
    return " ".join(text.split())


def inside(root: Path, path: str | Path) -> Path | None:
    """`path` (relative to `root` unless absolute) with links followed, or None when that lies outside `root`."""
    base = root.resolve()
    try:
        resolved = (base / path).resolve()
    except (OSError, RuntimeError, ValueError):  # a link loop, a NUL byte: not a usable path either
        return None
    return resolved if resolved == base or base in resolved.parents else None


def resolve_inside(
    root: Path, path: str | Path, *, source: str | None = None, line: int | None = None, field: str | None = None
) -> Path:
    """`path` resolved inside the workspace `root`, or a one-line OutsideWorkspace naming the entry."""
    resolved = inside(root, path)
    if resolved is None:
        raise OutsideWorkspace(
            f"{shown(path)} lies outside the workspace (after following links): put the file under {root}",
            source=source,
            line=line,
            field=field,
        )
    return resolved


@dataclass
class _Fence:
    """What one fenced block may read, and what it was refused."""

    label: str
    roots: tuple[str, ...]
    refused: list[str] = field(default_factory=list)

    def allows(self, target: str) -> bool:
        real = os.path.realpath(target)
        return any(real == root or real.startswith(root + os.sep) for root in self.roots)


_FENCE: ContextVar[_Fence | None] = ContextVar("aimsgraph_fence", default=None)
_HOOKED: list[bool] = []


def _interpreter_roots() -> tuple[str, ...]:
    """Folders a parser may read code and package data from (lazy imports while parsing)."""
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, *site.getsitepackages(), site.getusersitepackages()}
    roots |= {p for p in sys.path if p and os.path.isdir(p)}
    roots.add(str(Path(__file__).resolve().parent))
    return tuple(sorted(os.path.realpath(r) for r in roots if r))


def _hook(event: str, args: tuple[Any, ...]) -> None:
    fence = _FENCE.get()
    if fence is None:
        return
    if event in NETWORK_EVENTS:
        reason = f"network access ({event}) is not allowed while reading {fence.label}"
    elif event == "open" and isinstance(args[0], str | bytes | os.PathLike):
        target = os.fsdecode(args[0])
        if fence.allows(target):
            return
        reason = f"reading {shown(target)} is not allowed while reading {fence.label}: it lies outside the workspace"
    else:
        return
    fence.refused.append(reason)
    raise OutsideWorkspace(reason)


@contextmanager
def fenced(root: Path | None, label: str, *also: Path) -> Iterator[None]:
    """Run the block with no network and no file reads outside `root`, `also` (and the interpreter) on this thread.

    A refusal is one OutsideWorkspace line, also when the library that asked caught the first one itself.
    """
    if not _HOOKED:  # an audit hook cannot be removed; one for the process, active only inside a fence
        sys.addaudithook(_hook)
        _HOOKED.append(True)
    mine = (root, *also) if root is not None else also
    roots = _interpreter_roots() + tuple(os.path.realpath(r) for r in mine)
    fence = _Fence(label, roots)
    token = _FENCE.set(fence)
    try:
        yield
    except Exception:
        if fence.refused:
            raise OutsideWorkspace(fence.refused[0]) from None
        raise
    finally:
        _FENCE.reset(token)
    if fence.refused:
        raise OutsideWorkspace(fence.refused[0])
