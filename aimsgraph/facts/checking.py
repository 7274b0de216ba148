"""Turn cells into typed values, field by field, with one-line errors naming file, line and field."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from aimsgraph.errors import InputError
from aimsgraph.facts.cells import Cell, Row
from aimsgraph.facts.schema import (
    ID_PATTERN,
    KEY_FIELD,
    SHA256_PATTERN,
    TABLES,
    Field,
    Kind,
    expectation,
    parse_duration,
)
from aimsgraph.vocabulary.catalog import requirements_by_id, resolve_role


@dataclass(frozen=True)
class RoleEntry:
    """A role the organisation holds for a system, and who answers for it."""

    role: str  # role concept IRI
    name: str  # as written
    person: str | None


@dataclass
class Record:
    """A checked row: typed values by field name, plus where the row was written."""

    row: Row
    values: dict[str, Any]

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)


def _fail(row: Row, name: str, message: str, cell: Cell | None = None) -> InputError:
    line = cell.line if cell else row.where(name)[1]
    label = f"{row.table}[{row.index}].{name}" if row.table != "organization" else f"organization.{name}"
    return InputError(message, source=row.source, line=line, field=label)


def _scalar(row: Row, name: str, cell: Cell) -> str:
    if not isinstance(cell.value, str):
        raise _fail(row, name, "expected a single value, not a list or mapping", cell)
    return cell.value.strip()


def _convert(row: Row, name: str, spec: Field, cell: Cell) -> Any:
    text = _scalar(row, name, cell)

    def bad() -> InputError:  # made only on failure: building one per cell was a fifth of a large load's checks
        return _fail(row, name, f"'{text}' is not {expectation(spec)}", cell)

    kind = spec.kind
    if kind in (Kind.TEXT, Kind.REF):
        return text
    if kind is Kind.ID:
        if not ID_PATTERN.match(text):
            raise bad()
        return text
    if kind is Kind.INT:
        if not text.lstrip("-").isdigit() or not spec.low <= int(text) <= spec.high:
            raise bad()
        return int(text)
    if kind is Kind.BOOL:
        lowered = text.lower()
        if lowered not in ("true", "false", "yes", "no"):
            raise bad()
        return lowered in ("true", "yes")
    if kind is Kind.DATE:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise bad() from None
    if kind is Kind.DURATION:
        if parse_duration(text) is None:
            raise bad()
        return text
    if kind is Kind.CHOICE:
        lowered = text.lower().replace(" ", "_").replace("-", "_")
        if lowered not in spec.choices:
            raise bad()
        return lowered
    if kind is Kind.SHA256:
        if not SHA256_PATTERN.match(text):
            raise bad()
        return text.lower()
    raise bad()


def _items(cell: Cell) -> list[Cell]:
    """A list field: a YAML sequence, or text separated by ';' (CSV), or one value."""
    if isinstance(cell.value, list):
        return cell.value
    if isinstance(cell.value, str):
        return [Cell(part.strip(), cell.source, cell.line) for part in cell.value.split(";") if part.strip()]
    return [cell] if cell.value is not None else []


def _role(row: Row, cell: Cell) -> RoleEntry:
    person: str | None = None
    if isinstance(cell.value, dict):
        unknown = set(cell.value) - {"role", "person"}
        if unknown:
            raise _fail(row, "roles", f"unknown key '{sorted(unknown)[0]}' (expected role, person)", cell)
        role_cell, person_cell = cell.value.get("role"), cell.value.get("person")
        if role_cell is None:
            raise _fail(row, "roles", "a role entry needs 'role'", cell)
        name = _scalar(row, "roles", role_cell)
        person = _scalar(row, "roles", person_cell) if person_cell and person_cell.value else None
    else:
        name = _scalar(row, "roles", cell)
        if "=" in name:  # CSV form: role=person
            name, person = (part.strip() for part in name.split("=", 1))
    concept = resolve_role(name)
    if concept is None:
        raise _fail(
            row,
            "roles",
            f"unknown role '{name}' (expected an ISO/IEC 22989 role such as "
            "AI provider, AI producer, AI developer, AI customer/user, AI partner, AI subject)",
            cell,
        )
    return RoleEntry(str(concept), name, person or None)


def check_row(row: Row) -> Record:
    """Check every field of one row against the contract; unknown fields are errors."""
    fields = TABLES[row.table]
    values: dict[str, Any] = {}
    for name, cell in row.cells.items():
        spec = fields.get(name)
        if spec is None:
            raise _fail(row, name, f"unknown field (expected one of: {', '.join(fields)})", cell)
        if cell.value is None or cell.value == [] or cell.value == "":
            continue
        if spec.kind is Kind.ROLES:
            values[name] = [_role(row, item) for item in _items(cell)]
        elif spec.many:
            values[name] = [_convert(row, name, spec, item) for item in _items(cell)]
        else:
            values[name] = _convert(row, name, spec, cell)
    for name, spec in fields.items():
        if spec.required and name not in values:
            raise _fail(row, name, f"missing (expected {expectation(spec)})")
    return Record(row, values)


def check_references(tables: dict[str, list[Record]]) -> None:
    """Unique ids, and every reference pointing at something that exists."""
    known: dict[str, set[str]] = {}
    for table, key in KEY_FIELD.items():
        seen: dict[str, Record] = {}
        for record in tables.get(table, []):
            ident = record.get(key)
            if ident in seen:
                first = seen[ident].row
                raise _fail(record.row, key, f"duplicate {key} '{ident}' (first at {first.source}:{first.line})")
            seen[ident] = record
        known[table] = set(seen)
    catalog = requirements_by_id()
    known["requirement"] = {i for i, r in catalog.items() if r.kind != "objective"}
    known["control"] = {i for i, r in catalog.items() if r.kind == "control"}
    for table, records in tables.items():
        for record in records:
            _check_record_refs(record, TABLES[table], known)


def _check_record_refs(record: Record, fields: dict[str, Field], known: dict[str, set[str]]) -> None:
    for name, spec in fields.items():
        value = record.get(name)
        if value is None:
            continue
        if spec.kind is Kind.REF:
            for ref in value if spec.many else [value]:
                if ref not in known[spec.target]:
                    noun, hint = _TARGETS[spec.target]
                    raise _fail(record.row, name, f"unknown {noun} '{ref}'{hint}")
        if spec.kind is Kind.ROLES:
            for entry in value:
                if entry.person and entry.person not in known["people"]:
                    raise _fail(record.row, name, f"unknown person '{entry.person}'")


_TARGETS = {
    "people": ("person", " (expected an id from people)"),
    "ai_systems": ("AI system", " (expected an id from ai_systems)"),
    "evidence": ("evidence id", " (expected an id from evidence)"),
    "requirement": ("clause or control id", " (expected an ISO/IEC 42001 id such as 6.1.2 or A.6.2.8)"),
    "control": ("Annex A control id", " (expected an Annex A control such as A.6.2.8)"),
}
