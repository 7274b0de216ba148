"""Read org/ (YAML, CSV, Turtle, JSON-LD) into one checked org graph, or fail with one line."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, Graph
from rdflib.exceptions import ParserError

from aimsgraph.errors import InputError
from aimsgraph.facts.cells import Cell, Row, read_csv, read_yaml
from aimsgraph.facts.checking import Record, check_references, check_row
from aimsgraph.facts.rdf import records_to_graph
from aimsgraph.facts.schema import TABLES
from aimsgraph.vocabulary.catalog import catalog_graph
from aimsgraph.vocabulary.namespaces import AIMS, local_id

TABLE_SUFFIXES = (".yaml", ".yml", ".csv")
RDF_FORMATS = {".ttl": "turtle", ".jsonld": "json-ld", ".json": "json-ld", ".nt": "nt", ".trig": "trig"}


def org_files(paths: list[Path]) -> list[Path]:
    """The fact files named by `paths` (folders are searched one level deep), sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p for p in path.iterdir() if p.is_file() and p.suffix.lower() in TABLE_SUFFIXES + tuple(RDF_FORMATS)
            )
        elif path.exists():
            found.append(path)
        else:
            raise InputError("file does not exist", source=str(path))
    return found


def org_fingerprint(files: list[Path]) -> str:
    """A hash of the fact files' names and bytes: unchanged files need no reload."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def build_org_graph(files: list[Path], workspace: Path | None = None) -> Graph:
    """Check all fact files together and return the org graph; raise InputError on the first problem."""
    tables: dict[str, list[Record]] = {name: [] for name in TABLES}
    extra = Graph()
    for path in files:
        label = _label(path, workspace)
        suffix = path.suffix.lower()
        if suffix in (".yaml", ".yml"):
            rows = _yaml_rows(path, label)
        elif suffix == ".csv":
            rows = _csv_rows(path, label)
        elif suffix in RDF_FORMATS:
            parsed = Graph()
            _parse_rdf(path, label, RDF_FORMATS[suffix], parsed)
            check_rules(parsed, label)
            extra += parsed
            continue
        else:
            raise InputError("unsupported file type (expected .yaml, .yml, .csv, .ttl, .jsonld)", source=label)
        for row in rows:
            row.index = len(tables[row.table])
            tables[row.table].append(check_row(row))
    if len(tables["organization"]) > 1:
        second = tables["organization"][1].row
        raise InputError("'organization' is given more than once", source=second.source, line=second.line)
    check_references(tables)
    graph = records_to_graph(tables)
    graph += extra
    return graph


def _label(path: Path, workspace: Path | None) -> str:
    if workspace is not None:
        try:
            return str(path.resolve().relative_to(workspace.resolve()))
        except ValueError:
            pass
    return str(path)


def _yaml_rows(path: Path, label: str) -> list[Row]:
    root = read_yaml(path, label)
    if root is None:
        return []
    if not isinstance(root.value, dict):
        raise InputError(
            "expected a mapping of tables (organization, people, ai_systems, risks, soa, evidence)",
            source=label,
            line=root.line,
        )
    rows: list[Row] = []
    for table, cell in root.value.items():
        if table not in TABLES:
            raise InputError(
                f"unknown table '{table}' (expected one of: {', '.join(TABLES)})", source=label, line=cell.line
            )
        items = [cell] if table == "organization" else _sequence(table, cell, label)
        for item in items:
            if not isinstance(item.value, dict):
                raise InputError(f"each entry of '{table}' must be a mapping of fields", source=label, line=item.line)
            rows.append(Row(table, 0, label, item.line, item.value))
    return rows


def _sequence(table: str, cell: Cell, label: str) -> list[Cell]:
    if cell.value is None:
        return []
    if not isinstance(cell.value, list):
        raise InputError(f"'{table}' must be a list of entries", source=label, line=cell.line)
    return cell.value


def _csv_rows(path: Path, label: str) -> list[Row]:
    table = path.stem
    if table not in TABLES:
        raise InputError(f"a CSV file is named after its table (one of: {', '.join(TABLES)}.csv)", source=label)
    return read_csv(path, label)


def _parse_rdf(path: Path, label: str, rdf_format: str, into: Graph) -> None:
    text = path.read_text(encoding="utf-8")
    if rdf_format == "json-ld":
        _refuse_remote_context(text, label)
    try:
        into.parse(data=text, format=rdf_format, publicID=f"urn:aims:file:{path.name}")
    except (ParserError, SyntaxError, ValueError) as exc:
        raise InputError(f"cannot parse {rdf_format}: {' '.join(str(exc).split())[:200]}", source=label) from None


def _refuse_remote_context(text: str, label: str) -> None:
    """JSON-LD may name a remote @context, which a parser would fetch: refuse it."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", source=label, line=exc.lineno) from None

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            context = node.get("@context")
            contexts = context if isinstance(context, list) else [context]
            if any(isinstance(c, str) for c in contexts):
                raise InputError("remote @context is not allowed (inline the context)", source=label)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)


def check_rules(graph: Graph, label: str) -> None:
    """An organisation's own applicability rules may name only known requirements, roles and stages."""
    known = catalog_graph()
    expected = {AIMS.governs: AIMS.Requirement, AIMS.whenRole: AIMS.Role, AIMS.whenStage: AIMS.LifecycleStage}
    for rule in graph.subjects(RDF.type, AIMS.ApplicabilityRule):
        for prop, cls in expected.items():
            for value in graph.objects(rule, prop):
                types = set(known.objects(value, RDF.type))
                if cls not in types and not any((t, RDFS.subClassOf, cls) in known for t in types):
                    what = {AIMS.Requirement: "requirement", AIMS.Role: "role", AIMS.LifecycleStage: "stage"}[cls]
                    field = f"{local_id(str(rule))} {prop.n3(known.namespace_manager)}"
                    raise InputError(f"unknown {what} <{value}> in an applicability rule", source=label, field=field)
