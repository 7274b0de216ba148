"""Edits to the org/ YAML files from the explorer: round-tripped (comments and order kept), checked as `load`
checks them, then saved and loaded all or nothing; a file changed on disk since it was read is never overwritten.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from rdflib import Graph
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

from aimsgraph.errors import InputError
from aimsgraph.facts.schema import KEY_FIELD, TABLES

Value = str | int | bool | date | list[str] | None
SOA_FIELDS = ("applicable", "status", "justification", "owner", "reviewed")
REGISTER_FIELDS = ("id", "title", "file", "kind", "owner", "issued", "review_interval", "systems")


class OrgWorkspace(Protocol):
    """What an edit needs of aimsgraph.workspace.Workspace (which lives downstream of this stage)."""

    root: Path

    @property
    def org_dir(self) -> Path: ...

    def check_org(self, files: list[Path] | None = None, stand_ins: Mapping[Path, Path] | None = None) -> Graph: ...

    def load(self, paths: list[Path] | None = None, effective: date | None = None, *, require: bool = False) -> int: ...


def fingerprint(path: Path) -> str:
    """The SHA-256 of the file as it is now ("" when it does not exist yet): what a page keeps when it opens."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


def record_file(org_dir: Path, table: str, key: str | None = None) -> Path:
    """The YAML file that holds the record `key` of `table` (or, for a new record, the table; else a new
    org/<table>.yaml). A record or table held only in CSV is one line: edit that file by hand."""
    holders = [p for p in _yaml_files(org_dir) if _mentions(p, table)]
    if key is not None:
        for path in holders:
            if _find(_entries(_load(path, org_dir), table), table, key) is not None:
                return path
    for path in sorted(org_dir.glob(f"{table}.csv")):
        if key is None or _csv_has(path, table, key):
            raise InputError(f"edit {_shown(path, org_dir)} by hand: the explorer writes only YAML fact files")
    return holders[0] if holders else org_dir / f"{table}.yaml"


def record_values(org_dir: Path, table: str, key: str) -> dict[str, Any] | None:
    """The record's fields as the YAML file writes them (scalars as text, lists of text), or None."""
    path = record_file(org_dir, table, key)
    if not path.is_file():
        return None
    found = _find(_entries(_load(path, org_dir), table), table, key)
    if found is None:
        return None
    return {
        name: [_text(v) for v in value] if isinstance(value, list) else _text(value) for name, value in found.items()
    }


def _text(value: Any) -> str:
    """A YAML scalar as the file writes it (true, not Python's True)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def edit_soa_row(workspace: OrgWorkspace, opened: str, control: str, changes: Mapping[str, Value]) -> Path:
    """Change fields of the SoA row of `control` (applicable, status, justification, owner, reviewed; None removes
    one). `opened` is the file's fingerprint when the page read it. Returns the file written."""
    _only(changes, SOA_FIELDS)
    return _save(workspace, opened, "soa", control, changes, create=False)


def save_risk(workspace: OrgWorkspace, opened: str, risk: Mapping[str, Value], editing: str | None = None) -> Path:
    """Add a risk (`editing` None; its id must be new) or change the risk `editing` (its id may change).
    Fields are those of the risks table; None removes one."""
    _only(risk, tuple(TABLES["risks"]))
    return _save(workspace, opened, "risks", editing or str(risk.get("id") or ""), risk, create=editing is None)


def register_document(workspace: OrgWorkspace, opened: str, entry: Mapping[str, Value]) -> Path:
    """Add a document to the evidence register (id, title, file, kind, owner, issued, review_interval, systems)."""
    _only(entry, REGISTER_FIELDS)
    return _save(workspace, opened, "evidence", str(entry.get("id") or ""), entry, create=True)


# ---------------------------------------------------------------- one edit, all or nothing
def _save(
    workspace: OrgWorkspace, opened: str, table: str, key: str, changes: Mapping[str, Value], create: bool
) -> Path:
    org_dir = workspace.org_dir
    path = record_file(org_dir, table, None if create else key)
    label = _shown(path, org_dir)
    _check_unchanged(path, opened, label)
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    edited = _edited(text, label, table, key, changes, create)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.edit")  # not a fact file: load never reads it
    tmp.write_text(edited, encoding="utf-8")
    try:
        workspace.check_org(stand_ins={path: tmp})  # load's own checks, so load's own messages
        _check_unchanged(path, opened, label)  # changed while we checked: still not ours to overwrite
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    try:
        workspace.load()
    except Exception:
        _restore(path, text)  # the store refused it: the file goes back to what it was
        raise
    return path


def _restore(path: Path, text: str) -> None:
    if text:
        path.write_text(text, encoding="utf-8")
    else:
        path.unlink(missing_ok=True)


def _check_unchanged(path: Path, opened: str, label: str) -> None:
    if fingerprint(path) != opened:
        raise InputError(f"{label} changed on disk since you opened it; reload the page")


def _edited(text: str, label: str, table: str, key: str, changes: Mapping[str, Value], create: bool) -> str:
    """The file's text with the change made, everything else as it was."""
    yaml = _yaml()
    try:
        root = yaml.load(text) if text.strip() else None
    except YAMLError as exc:
        raise InputError(f"invalid YAML: {' '.join(str(exc).split())[:200]}", source=label) from None
    root = CommentedMap() if root is None else root
    if not isinstance(root, CommentedMap):
        raise InputError("expected a mapping of tables; edit the file by hand", source=label)
    entries = root.setdefault(table, CommentedSeq())
    if not isinstance(entries, CommentedSeq):
        raise InputError(f"'{table}' must be a list of entries; edit the file by hand", source=label)
    found = _find(entries, table, key)
    if create and found is not None:
        raise InputError(f"'{key}' is already in {table}: choose another id", source=label, field=KEY_FIELD[table])
    if not create and found is None:
        raise InputError(f"no '{key}' in {table}; reload the page", source=label)
    record = found if found is not None else _new_entry(entries)
    for name in changes:
        _set(record, table, name, changes[name])
    if found is None:
        entries.append(record)
    out = io.StringIO()
    yaml.dump(root, out)
    return out.getvalue()


def _new_entry(entries: CommentedSeq) -> CommentedMap:
    """A new entry written the way its neighbours are (one-line flow mappings, or blocks)."""
    entry = CommentedMap()
    last = entries[-1] if len(entries) else None
    if isinstance(last, CommentedMap) and last.fa.flow_style():
        entry.fa.set_flow_style()
    return entry


def _set(record: CommentedMap, table: str, name: str, value: Value) -> None:
    """Set (or, for an empty value, remove) one field: one already there keeps its place, a new one goes after the
    fields the contract lists before it."""
    if value is None or value == "" or value == []:
        record.pop(name, None)
        return
    if name in record:
        if _same(record[name], value):
            return  # unchanged: its quotes and style stay as written
        existing = record[name]
        if isinstance(existing, FoldedScalarString | LiteralScalarString) and isinstance(value, str):
            value = type(existing)(value)  # a `>-` block stays a block
        record[name] = _flow(value) if isinstance(value, list) else value
        return
    value = _flow(value) if isinstance(value, list) else value
    order = list(TABLES[table])
    before = [k for k in record if k in order and order.index(k) < order.index(name)]
    record.insert(list(record).index(before[-1]) + 1 if before else 0, name, value)


def _same(existing: Any, value: Value) -> bool:
    if isinstance(existing, list) or isinstance(value, list):
        return isinstance(existing, list) and isinstance(value, list) and [_text(v) for v in existing] == value
    return _text(existing) == _text(value)


def _flow(values: list[str]) -> CommentedSeq:
    seq = CommentedSeq(values)
    seq.fa.set_flow_style()  # [A.6.2.4, A.7.4] as the demo writes lists
    return seq


def _only(changes: Mapping[str, Value], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise ValueError(f"not an editable field: {', '.join(unknown)}")


# ---------------------------------------------------------------- reading the files
def _yaml() -> YAML:
    yaml = YAML()  # round trip: comments, order, quotes and block styles stay as written
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long one-line entry
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _yaml_files(org_dir: Path) -> list[Path]:
    return sorted(p for p in org_dir.glob("*") if p.suffix.lower() in (".yaml", ".yml") and p.is_file())


def _mentions(path: Path, table: str) -> bool:
    """Cheap first look, so only files that name the table are parsed."""
    return re.search(rf"^{re.escape(table)}\s*:", path.read_text(encoding="utf-8"), re.MULTILINE) is not None


def _load(path: Path, org_dir: Path) -> Any:
    try:
        return _yaml().load(path.read_text(encoding="utf-8"))
    except YAMLError as exc:
        reason = " ".join(str(exc).split())[:200]
        raise InputError(f"invalid YAML: {reason}", source=_shown(path, org_dir)) from None


def _entries(root: Any, table: str) -> list[Any]:
    entries = root.get(table) if isinstance(root, dict) else None
    return entries if isinstance(entries, list) else []


def _find(entries: list[Any], table: str, key: str) -> CommentedMap | None:
    field = KEY_FIELD[table]
    return next((e for e in entries if isinstance(e, CommentedMap) and str(e.get(field, "")) == key), None)


def _csv_has(path: Path, table: str, key: str) -> bool:
    with path.open(encoding="utf-8", newline="") as handle:
        return any(row.get(KEY_FIELD[table], "").strip() == key for row in csv.DictReader(handle))


def _shown(path: Path, org_dir: Path) -> str:
    return f"{org_dir.name}/{path.name}"
