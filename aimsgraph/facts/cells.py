"""Values read from YAML or CSV, each remembering the file and line it came from."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from aimsgraph.errors import InputError

Value = str | list["Cell"] | dict[str, "Cell"] | None
DEFAULT_MAX_BYTES = 5 * 2**20  # one org file; [facts] max_file_mb in aimsgraph.toml changes it
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser: about 10x faster on a large file
ALIAS_BUDGET = 10_000  # values YAML aliases may add in one file: reuse yes, a "billion laughs" no


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


class _Expander:
    """YAML nodes to cells, counting what aliases add: a reused node is copied, within a budget."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.seen: set[int] = set()
        self.open: set[int] = set()  # nodes being converted: meeting one again is a recursive alias
        self.aliased = 0
        self.under_alias = 0

    def cell(self, node: yaml.Node) -> Cell:
        key, line = id(node), node.start_mark.line + 1
        if key in self.open:
            raise InputError("a YAML alias refers to its own anchor (recursive alias)", source=self.source, line=line)
        reused = key in self.seen
        self.seen.add(key)
        if reused or self.under_alias:
            self.aliased += 1
            if self.aliased > ALIAS_BUDGET:
                raise InputError(
                    f"YAML aliases expand to more than {ALIAS_BUDGET} values: write the values out",
                    source=self.source,
                    line=line,
                )
        self.open.add(key)
        self.under_alias += reused
        try:
            return self._convert(node, line)
        finally:
            self.open.discard(key)
            self.under_alias -= reused

    def _convert(self, node: yaml.Node, line: int) -> Cell:
        source = self.source
        if isinstance(node, yaml.ScalarNode):
            # Raw text on purpose: YAML would read 5.2 as a float and 2026-01-15 as a date.
            null = node.tag == "tag:yaml.org,2002:null" or (node.style is None and node.value in ("", "~", "null"))
            return Cell(None if null else node.value, source, line)
        if isinstance(node, yaml.SequenceNode):
            return Cell([self.cell(item) for item in node.value], source, line)
        if isinstance(node, yaml.MappingNode):
            mapping: dict[str, Cell] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise InputError("a key must be plain text", source=source, line=key_node.start_mark.line + 1)
                key = str(key_node.value)
                if key in mapping:
                    raise InputError(f"key '{key}' appears twice", source=source, line=key_node.start_mark.line + 1)
                mapping[key] = self.cell(value_node)
            return Cell(mapping, source, line)
        raise InputError("unsupported YAML node", source=source, line=line)


def read_yaml(path: Path, label: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Cell | None:
    """Parse a YAML file into cells; a syntax error names the file and line."""
    text = read_text(path, label, max_bytes)
    try:
        node = yaml.compose(text, Loader=LOADER)
        return _Expander(label).cell(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        if "nesting depth" in problem:  # libyaml's own limit, where the Python parser would hit RecursionError
            raise InputError("YAML nested too deeply", source=label, line=line) from None
        raise InputError(f"YAML syntax error: {problem}", source=label, line=line) from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML error: {' '.join(str(exc).split())}", source=label) from None
    except RecursionError:
        raise InputError("YAML nested too deeply", source=label) from None


def read_csv(path: Path, label: str, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Row]:
    """Parse a CSV table (header row = field names) into rows of scalar cells."""
    text = read_text(path, label, max_bytes)
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


def read_text(path: Path, label: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """A fact file's UTF-8 text, refused (one line) when missing, too large or not UTF-8."""
    try:
        if path.is_dir():
            raise InputError("is a folder, not a fact file", source=label)
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(
                f"{size / 2**20:.1f} MB is more than the {max_bytes / 2**20:g} MB a fact file may hold "
                "(split it, or raise [facts] max_file_mb in aimsgraph.toml)",
                source=label,
            )
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("file does not exist", source=label) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start}): save it as UTF-8", source=label) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=label) from None
