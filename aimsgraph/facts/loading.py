"""Read org/ (YAML, CSV, Turtle, JSON-LD) into one checked org graph, or fail with one line."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.term import Node

from aimsgraph.confinement import fenced, resolve_inside, shown
from aimsgraph.errors import InputError
from aimsgraph.facts.cells import DEFAULT_MAX_BYTES, Cell, Row, read_csv, read_text, read_yaml
from aimsgraph.facts.checking import Record, check_references, check_row
from aimsgraph.facts.rdf import Triples, records_to_triples
from aimsgraph.facts.schema import TABLES
from aimsgraph.vocabulary.catalog import catalog_graph
from aimsgraph.vocabulary.namespaces import AIMS, local_id

TABLE_SUFFIXES = (".yaml", ".yml", ".csv")
RDF_FORMATS = {".ttl": "turtle", ".jsonld": "json-ld", ".json": "json-ld", ".nt": "nt", ".trig": "trig"}
_NOT_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`]')  # what an IRI cannot hold (an escaped \u003E in Turtle, say)


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


def checked_org_files(root: Path, org_dir: Path, paths: list[Path] | None, require: bool = False) -> list[Path]:
    """All fact files of `org_dir`, after checking the `paths` a user named: each must be a fact file in org/.

    A load always reads all of org/, so the store never holds part of it; naming files checks that they are
    there. A folder, a file outside org/, a link leading outside the workspace, or (with `require` or `paths`)
    no fact file at all is one line, before anything changes.
    """
    suffixes = TABLE_SUFFIXES + tuple(RDF_FORMATS)
    for path in paths or []:
        label = shown(path)
        if path.is_dir():
            raise InputError(f"{label} is a folder: name fact files, or run 'aimsgraph load' for all of org/")
        if not path.exists():
            raise InputError(f"{label}: file does not exist")
        if path.suffix.lower() not in suffixes:
            raise InputError(f"{label}: not a fact file (expected {', '.join(suffixes)})")
        if path.absolute().parent.resolve() != org_dir.resolve():
            raise InputError(f"{label} is not in {org_dir}: facts are loaded from org/ (move the file there)")
    files = org_files([org_dir]) if org_dir.is_dir() else []
    for path in files:
        resolve_inside(root, path, source=_label(path, root))
    if not files and (paths or require):
        raise InputError(f"no fact files in {org_dir} (expected {', '.join(suffixes)}): nothing was changed")
    return files


def org_fingerprint(files: list[Path]) -> str:
    """A hash of the fact files' names and bytes: unchanged files need no reload."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


_BUILDS = [0]  # how often this process built an org graph: a load builds it once


def org_graph_builds() -> int:
    """How many org graphs this process has built (a test checks that one load builds one)."""
    return _BUILDS[0]


def build_org_graph(
    files: list[Path],
    workspace: Path | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    stand_ins: Mapping[Path, Path] | None = None,
) -> Graph:
    """Check all fact files together and return the org graph; raise InputError on the first problem.

    With `workspace`, every file an entry names (evidence `file`, `aims:file`) must lie inside it, and parsing may
    read nothing outside it and reach no network. No fact file may be larger than `max_bytes`. `stand_ins` maps a
    file to the one read in its place (an edit not yet saved), reported under the file's own name.
    """
    graph = Graph()
    for triple in build_org_triples(files, workspace, max_bytes, stand_ins):
        graph.add(triple)
    return graph


def build_org_triples(
    files: list[Path],
    workspace: Path | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    stand_ins: Mapping[Path, Path] | None = None,
) -> Triples:
    """The org graph's triples, as `build_org_graph` checks and builds them (what a load stores)."""
    _BUILDS[0] += 1
    tables: dict[str, list[Record]] = {name: [] for name in TABLES}
    extra: Triples = set()
    for path in files:
        label = _label(path, workspace)
        suffix = path.suffix.lower()
        read = (stand_ins or {}).get(path, path)
        if suffix in (".yaml", ".yml"):
            rows = _yaml_rows(read, label, max_bytes)
        elif suffix == ".csv":
            rows = _csv_rows(read, label, max_bytes, path.stem)
        elif suffix in RDF_FORMATS:
            parsed = Graph()
            _parse_rdf(read, label, RDF_FORMATS[suffix], parsed, workspace, max_bytes)
            check_rules(parsed, label)
            check_files(parsed, label, workspace)
            extra.update(parsed)
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
    if workspace is not None:
        for record in tables["evidence"]:
            if record.get("file"):
                source, line = record.row.where("file")
                field = f"evidence[{record.row.index}].file"
                resolve_inside(workspace, record.get("file"), source=source, line=line, field=field)
    return records_to_triples(tables) | extra


def _label(path: Path, workspace: Path | None) -> str:
    if workspace is not None:
        try:
            return str(path.resolve().relative_to(workspace.resolve()))
        except ValueError:
            pass
    return str(path)


def _yaml_rows(path: Path, label: str, max_bytes: int) -> list[Row]:
    root = read_yaml(path, label, max_bytes)
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


def _csv_rows(path: Path, label: str, max_bytes: int, table: str) -> list[Row]:
    if table not in TABLES:
        raise InputError(f"a CSV file is named after its table (one of: {', '.join(TABLES)}.csv)", source=label)
    return read_csv(path, label, max_bytes)


def _parse_rdf(path: Path, label: str, rdf_format: str, into: Graph, workspace: Path | None, max_bytes: int) -> None:
    text = read_text(path, label, max_bytes)
    if rdf_format == "json-ld":
        _refuse_remote_context(text, label)
    try:
        with fenced(workspace, label):  # whatever the parser follows, it reads nothing outside and no network
            into.parse(data=text, format=rdf_format, publicID=f"urn:aims:file:{path.name}")
    except InputError:
        raise
    except RecursionError:
        raise InputError(f"cannot parse {rdf_format}: nested too deeply", source=label) from None
    except Exception as exc:  # rdflib's parsers raise many kinds; each means "not valid {rdf_format}"
        reason = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise InputError(f"cannot parse {rdf_format}: {reason}", source=label) from None
    for term in {t for triple in into for t in triple}:
        _check_term(term, label)


def _check_term(term: Node, label: str) -> None:
    """An IRI must be one the store can hold: Turtle escapes such as \\u003E can smuggle in '>' or spaces."""
    if isinstance(term, URIRef) and (_NOT_IRI.search(term) or not term):
        raise InputError(f"{str(term)[:80]!r} is not a valid IRI (no spaces, <, >, quotes or braces)", source=label)


def _refuse_remote_context(text: str, label: str) -> None:
    """JSON-LD may name a remote @context or @import one, which a parser would fetch: refuse both."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", source=label, line=exc.lineno) from None
    except RecursionError:
        raise InputError("invalid JSON: nested too deeply", source=label) from None
    stack: list[Any] = [data]
    while stack:  # a loop, not recursion: nesting depth is the file's choice
        node = stack.pop()
        if isinstance(node, dict):
            if "@import" in node:
                raise InputError("@import is not allowed (inline the imported context)", source=label)
            context = node.get("@context")
            contexts = context if isinstance(context, list) else [context]
            if any(isinstance(c, str) for c in contexts):
                raise InputError("remote @context is not allowed (inline the context)", source=label)
            stack += node.values()
        elif isinstance(node, list):
            stack += node


def check_files(graph: Graph, label: str, workspace: Path | None) -> None:
    """Every aims:file an RDF fact file states must lie inside the workspace."""
    if workspace is None:
        return
    for subject, file in graph.subject_objects(AIMS.file):
        resolve_inside(workspace, str(file), source=label, field=f"{local_id(str(subject))} aims:file")


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
