"""Other frameworks as data: read a framework's controls (OSCAL catalog JSON or CSV) into the `frameworks` graph.

Each framework is a skos:ConceptScheme (an aims:Framework); each control a skos:Concept in it with skos:notation
(its id), skos:prefLabel (title), skos:definition (text) and skos:broader (its parent). Re-importing a framework
replaces it whole, in one transaction; other frameworks stay as they are.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import RDF, Graph, Literal
from rdflib.namespace import DCTERMS, SKOS

from aimsgraph.errors import InputError
from aimsgraph.store import Store
from aimsgraph.vocabulary.namespaces import AIMS, GraphName, control_iri, framework_iri

FIELDS = ("id", "title", "text", "parent")
CONTROLS = """
SELECT ?notation ?label ?definition ?parent WHERE { GRAPH <urn:aims:graph:frameworks> {
  ?c skos:inScheme ?scheme ; skos:notation ?notation .
  OPTIONAL { ?c skos:prefLabel ?label } OPTIONAL { ?c skos:definition ?definition }
  OPTIONAL { ?c skos:broader/skos:notation ?parent } } }
"""
SCHEMES = """
SELECT ?id ?title (COUNT(?c) AS ?controls) WHERE { GRAPH <urn:aims:graph:frameworks> {
  ?scheme a aims:Framework ; aims:id ?id ; dcterms:title ?title . OPTIONAL { ?c skos:inScheme ?scheme } } }
GROUP BY ?id ?title ORDER BY ?id
"""


@dataclass(frozen=True)
class Control:
    """One requirement of another framework."""

    id: str
    title: str
    text: str
    parent: str | None = None


@dataclass(frozen=True)
class FrameworkInfo:
    """An imported framework, as `framework list` shows it."""

    id: str
    title: str
    controls: int


def column_map(spec: str | None) -> dict[str, str]:
    """`id=scf_id,title=name` -> {'id': 'scf_id', 'title': 'name'} (our field -> the file's column)."""
    mapping = {f: f for f in FIELDS}
    for part in filter(None, (p.strip() for p in (spec or "").split(","))):
        ours, _, theirs = part.partition("=")
        if ours.strip() not in FIELDS or not theirs.strip():
            raise InputError(f"expected FIELD=COLUMN with FIELD one of {', '.join(FIELDS)}", field=f"--columns {part}")
        mapping[ours.strip()] = theirs.strip()
    return mapping


def read_csv(path: Path, columns: dict[str, str], parent_separators: str | None = None) -> list[Control]:
    """Controls from a CSV with id, title, text[, parent] columns (named through `columns`)."""
    with path.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.DictReader(stream)
        header = reader.fieldnames or []
        for field in ("id", "text"):
            if columns[field] not in header:
                raise InputError(
                    f"no column '{columns[field]}' (map yours with --columns {field}=NAME)",
                    source=str(path),
                    line=1,
                    field=field,
                )
        found: list[Control] = []
        seen: dict[str, int] = {}
        for row in reader:
            line = reader.line_num
            ident = (row.get(columns["id"]) or "").strip()
            if not ident:
                raise InputError("empty id", source=str(path), line=line, field=columns["id"])
            if ident in seen:
                raise InputError(
                    f"duplicate id '{ident}' (first on line {seen[ident]})",
                    source=str(path),
                    line=line,
                    field=columns["id"],
                )
            seen[ident] = line
            parent = (row.get(columns["parent"]) or "").strip() or None
            text = (row.get(columns["text"]) or "").strip()
            found.append(Control(ident, (row.get(columns["title"]) or "").strip() or ident, text, parent))
    return with_parents(found, parent_separators) if parent_separators else found


def with_parents(controls: list[Control], separators: str) -> list[Control]:
    """Parents from ids: the longest id prefix before one of `separators` that is itself a control; otherwise the
    prefix before the first separator, added as a group concept (SCF: AAT-07.3 -> AAT-07 -> AAT)."""
    ids = {c.id for c in controls}
    split = re.compile("[" + re.escape(separators) + "]")
    out: list[Control] = []
    groups: dict[str, Control] = {}
    for control in controls:
        cuts = [m.start() for m in split.finditer(control.id)]
        parent = next((control.id[:cut] for cut in reversed(cuts) if control.id[:cut] in ids), None)
        if parent is None and cuts and cuts[0] > 0:
            parent = control.id[: cuts[0]]
            if parent not in ids:
                groups.setdefault(parent, Control(parent, parent, ""))
        out.append(control if control.parent else Control(control.id, control.title, control.text, parent))
    return list(groups.values()) + out


def read_oscal(path: Path) -> tuple[list[Control], str | None]:
    """Controls (groups and controls, nested) and the title of an OSCAL catalog in JSON."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"not JSON: {exc}", source=str(path)) from None
    catalog = document.get("catalog") if isinstance(document, dict) else None
    if not isinstance(catalog, dict):
        raise InputError("not an OSCAL catalog (no top-level 'catalog' object)", source=str(path), field="catalog")
    found: list[Control] = []
    _walk(catalog, None, found, path)
    seen: set[str] = set()
    for control in found:
        if control.id in seen:
            raise InputError(f"duplicate id '{control.id}'", source=str(path), field="id")
        seen.add(control.id)
    title = catalog.get("metadata", {}).get("title")
    return found, title if isinstance(title, str) else None


def _walk(node: dict[str, Any], parent: str | None, found: list[Control], path: Path) -> None:
    for child in [*node.get("groups", []), *node.get("controls", [])]:
        ident = child.get("id")
        if not isinstance(ident, str) or not ident:
            raise InputError("a group or control without an id", source=str(path), field="id")
        label = next((p.get("value") for p in child.get("props", []) if p.get("name") == "label"), None)
        found.append(Control(label or ident, str(child.get("title", ident)), _prose(child), parent))
        _walk(child, label or ident, found, path)


def _prose(node: dict[str, Any]) -> str:
    """The text of a control: the prose of its parts, nested parts included."""
    texts = [str(node["prose"])] if node.get("prose") else []
    return " ".join([*texts, *(_prose(part) for part in node.get("parts", []))]).strip()


def framework_graph(framework: str, title: str, controls: list[Control]) -> Graph:
    """The SKOS concept scheme of one framework."""
    graph = Graph()
    scheme = framework_iri(framework)
    graph.add((scheme, RDF.type, AIMS.Framework))
    graph.add((scheme, AIMS.id, Literal(framework)))
    graph.add((scheme, DCTERMS.title, Literal(title)))
    ids = {c.id for c in controls}
    for control in controls:
        node = control_iri(framework, control.id)
        graph.add((node, RDF.type, SKOS.Concept))
        graph.add((node, SKOS.inScheme, scheme))
        graph.add((node, SKOS.notation, Literal(control.id)))
        graph.add((node, SKOS.prefLabel, Literal(control.title)))
        if control.text:
            graph.add((node, SKOS.definition, Literal(control.text)))
        if control.parent and control.parent in ids:
            graph.add((node, SKOS.broader, control_iri(framework, control.parent)))
        else:
            graph.add((scheme, SKOS.hasTopConcept, node))
    return graph


def import_framework(store: Store, framework: str, title: str, controls: list[Control]) -> int:
    """Store `controls` as framework `framework`, replacing any earlier import of it whole; returns the count."""
    if not re.fullmatch(r"[A-Za-z0-9._-]+", framework):
        raise InputError("use letters, digits, '.', '_' or '-'", field="--id")
    if not controls:
        raise InputError("no controls found", field="--id")
    scheme = framework_iri(framework)
    drop = f"DELETE WHERE {{ GRAPH <{GraphName.FRAMEWORKS.iri}> {{ ?c <{SKOS.inScheme}> <{scheme}> ; ?p ?o }} }} ;\n"
    drop += f"DELETE WHERE {{ GRAPH <{GraphName.FRAMEWORKS.iri}> {{ <{scheme}> ?p ?o }} }} ;\n"
    body = framework_graph(framework, title, controls).serialize(format="nt")
    store.update(
        drop + f"INSERT DATA {{ GRAPH <{GraphName.FRAMEWORKS.iri}> {{\n{body}\n}} }}", graphs=(GraphName.FRAMEWORKS,)
    )
    return len(controls)


def list_frameworks(store: Store) -> list[FrameworkInfo]:
    """The imported frameworks with their number of controls."""
    return [FrameworkInfo(str(i), str(t), int(n or 0)) for i, t, n in store.values(SCHEMES)]


def framework_controls(store: Store, framework: str) -> list[Control]:
    """The controls of an imported framework (InputError when it is not imported)."""
    if framework not in {f.id for f in list_frameworks(store)}:
        known = ", ".join(f.id for f in list_frameworks(store)) or "none"
        raise InputError(
            f"framework '{framework}' is not imported (imported: {known}); "
            "run 'aimsgraph framework import FILE --id ID'",
            field="framework",
        )
    rows = store.values(CONTROLS, {"scheme": framework_iri(framework)})
    return sorted((Control(str(n), str(t or n), str(d or ""), p and str(p)) for n, t, d, p in rows), key=lambda c: c.id)
