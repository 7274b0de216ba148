"""Shared input/output conventions: --format table|csv|json (and more), -o FILE, and `-` for standard in/out."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from aimsgraph.errors import InputError

F = TypeVar("F", bound=Callable[..., Any])
Rows = Sequence[dict[str, Any]]
STDIO = "-"  # as a file to read: standard input; as -o: standard output
MAX_STDIN = 50 * 2**20  # what a file argument could hold; standard input is read whole, so it is bounded too
OUTPUT = click.Path(dir_okay=False, allow_dash=True, path_type=Path)


def is_stdio(path: Path | str | None) -> bool:
    """Whether `path` is `-`: standard input where a file is read, standard output for -o."""
    return path is not None and str(path) == STDIO


def read_stdin(what: str) -> str:
    """Standard input as UTF-8 text, for a `-` where a file is read (`what` names it in the error)."""
    data = sys.stdin.buffer.read(MAX_STDIN + 1)
    if len(data) > MAX_STDIN:
        raise InputError(f"{what} on standard input is larger than {MAX_STDIN // 2**20} MB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{what} on standard input is not UTF-8 text") from None


def output_options(*formats: str, default: str = "table") -> Callable[[F], F]:
    """Add --format (choices `formats`, default `default`) and -o/--output to a command."""
    choices = formats or ("table", "csv", "json")

    def decorate(func: F) -> F:
        func = click.option(
            "-o", "--output", type=OUTPUT, help="Write to FILE instead of standard output ('-': standard output)."
        )(func)
        return click.option(
            "--format", "fmt", type=click.Choice(choices), default=default, show_default=True, help="Output format."
        )(func)

    return decorate


def json_report(data: dict[str, Any]) -> str:
    """`data` as JSON with each item of its list values on a line of its own.

    Readable, and fast: json.dumps with `indent` falls back to the pure-Python encoder (0.7 s for 18,000
    findings); one compact dumps per item stays in C.
    """
    parts = []
    for key, value in data.items():
        if isinstance(value, list):
            items = ",\n".join(f"    {json.dumps(item, default=str)}" for item in value)
            parts.append(f"  {json.dumps(key)}: [\n{items}\n  ]" if value else f"  {json.dumps(key)}: []")
        else:
            parts.append(f"  {json.dumps(key)}: {json.dumps(value, default=str)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def render_rows(rows: Rows, columns: Sequence[str], fmt: str) -> str:
    """Rows as an aligned table, CSV or a JSON list of objects."""
    if fmt == "json":
        return json.dumps([{c: row.get(c) for c in columns} for row in rows], indent=2, default=str) + "\n"
    if fmt in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_cell(row.get(c)) for c in columns] for row in rows)
        return buffer.getvalue()
    return render_table(rows, columns)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return str(value)


def render_table(rows: Rows, columns: Sequence[str], max_width: int = 60) -> str:
    """A plain aligned text table for terminals."""
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    cells = [[v if len(v) <= max_width else v[: max_width - 1] + "…" for v in line] for line in cells]
    widths = [max([len(c)] + [len(line[i]) for line in cells]) for i, c in enumerate(columns)]
    out = [
        "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    out += ["  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip() for line in cells]
    return "\n".join(out) + "\n"


def write_output(text: str | bytes, output: Path | None) -> None:
    """Print (no `output`, or `-`), or write to `output` through a temporary file and a rename (never half-written).

    Bytes go to standard output unchanged (an XLSX workbook piped on).
    """
    if output is not None and not is_stdio(output):
        write_atomically(output, text)
    else:
        click.echo(text, nl=False)  # bytes go to the binary stream, after what was printed before


def _default_mode() -> int:
    """The mode an ordinary new file gets: 0666 minus the process umask."""
    mask = os.umask(0)  # reading the umask means setting it; put it straight back
    os.umask(mask)
    return 0o666 & ~mask


def write_atomically(path: Path, data: str | bytes) -> None:
    """Write `data` to `path` via a temporary file in the same folder and a rename.

    The file gets the permissions of a normally created file (mkstemp alone would leave it 0600).
    """
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError("folder does not exist", source=str(folder))
    handle, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(tmp, _default_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
