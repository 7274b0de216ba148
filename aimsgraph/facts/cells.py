"""Values read from YAML or CSV, each remembering the file and line it came from."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from aimsgraph.errors import InputError

Value = str | list["Cell"] | dict[str, "Cell"] | None


@dataclass
class Cell:
    """One value with its origin: a scalar (always the raw text), a list or a mapping."""

    value: Value
    source: str
    line: int


@dataclass
class Row:
    """One record of a table (a person, a risk, an SoA row ...) and where it was written."""

    table: str
    index: int
    source: str
    line: int
    cells: dict[str, Cell] = field(default_factory=dict)

    def where(self, name: str | None = None) -> tuple[str, int]:
        cell = self.cells.get(name) if name else None
        return self.source, cell.line if cell else self.line


def _from_node(node: yaml.Node, source: str) -> Cell:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):
        # Raw text on purpose: YAML would read 5.2 as a float and 2026-01-15 as a date.
        null = node.tag == "tag:yaml.org,2002:null" or (node.style is None and node.value in ("", "~", "null"))
        return Cell(None if null else node.value, source, line)
    if isinstance(node, yaml.SequenceNode):
        return Cell([_from_node(item, source) for item in node.value], source, line)
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, Cell] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in mapping:
                raise InputError(f"key '{key}' appears twice", source=source, line=key_node.start_mark.line + 1)
            mapping[key] = _from_node(value_node, source)
        return Cell(mapping, source, line)
    raise InputError("unsupported YAML node", source=source, line=line)


def read_yaml(path: Path, label: str) -> Cell | None:
    """Parse a YAML file into cells; a syntax error names the file and line."""
    text = _read_text(path, label)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError(f"YAML syntax error: {problem}", source=label, line=line) from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML error: {exc}", source=label) from None
    return _from_node(node, label) if node is not None else None


def read_csv(path: Path, label: str) -> list[Row]:
    """Parse a CSV table (header row = field names) into rows of scalar cells."""
    text = _read_text(path, label)
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        return []
    rows: list[Row] = []
    for number, record in enumerate(reader, start=2):
        if not any(v.strip() for v in record):
            continue
        if len(record) > len(header):
            raise InputError(
                f"{len(record)} values but the header has {len(header)} columns", source=label, line=number
            )
        cells = {
            name: Cell(value.strip() or None, label, number)
            for name, value in zip(header, record, strict=False)
            if name
        }
        rows.append(Row(path.stem, len(rows), label, number, cells))
    return rows


def _read_text(path: Path, label: str) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("file does not exist", source=label) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", source=label) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=label) from None
