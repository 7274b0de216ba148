"""The coverage view: a small derived graph of coverage figures that the saved coverage queries read.

Aggregating ~40,000 accepted links per query takes Oxigraph 0.3-2 s at 1M triples. The view holds the result of
`coverage.coverage_matrix` as RDF instead: one node per requirement, one per AI system, with counts and
statuses on one as-of day (a few thousand triples), in a separate in-memory Oxigraph store. A query reads it by
naming the graph: `FROM <urn:aims:graph:coverage>`.

It is never stale: a view is kept per as-of day in the store's write-tracking cache (`fastquery.cached`) and
rebuilt on the first query after a write through `Store` to a graph coverage reads (load, ingest, review; a
write of unknown extent counts too). A store written by others (a remote endpoint) gets a fresh view per query.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import date

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import Dataset, URIRef

from aimsgraph.coverage.matrix import CoverageMatrix, DocumentFacts, coverage_matrix, document_facts
from aimsgraph.store import Store, cached, rows
from aimsgraph.vocabulary.namespaces import GraphName

VIEW_GRAPH = URIRef("urn:aims:graph:coverage")
VIEW = "https://w3id.org/aimsgraph/view#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SYSTEM_NAMES = """
SELECT ?id ?name WHERE { ?s a aims:AISystem ; aims:id ?id . OPTIONAL { ?s rdfs:label ?name } }
"""
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
STATUSES = ("covered", "design-only", "stale", "missing", "excluded")
# Every graph coverage is computed from (suggestions and history never count as coverage).
SOURCES = (GraphName.CATALOG, GraphName.ORG, GraphName.DOCUMENTS, GraphName.REVIEWS)


def reads_view(dataset_iris: Sequence[str]) -> bool:
    """True when a query's FROM clauses name the coverage view."""
    return str(VIEW_GRAPH) in dataset_iris


def coverage_view(store: Store, as_of: date) -> Store:
    """The view of `store` on `as_of`: reused until one of its source graphs is written, else built now."""
    return cached(store, ("coverage view", as_of), SOURCES, lambda: _build(store, as_of))


def _build(store: Store, as_of: date) -> Store:
    matrix = coverage_matrix(store, as_of)
    names = {str(ident): str(name or ident) for ident, name in rows(store, SYSTEM_NAMES)}
    inner = ox.Store()
    inner.extend(list(_quads(matrix, names)))
    inner.extend(list(_overdue(matrix, document_facts(store))))
    return Store(Dataset(store=OxigraphStore(store=inner), default_union=True), "coverage view")


def _lit(value: object) -> ox.Literal:
    if isinstance(value, str) and _DATE.match(value):
        return ox.Literal(value, datatype=ox.NamedNode(XSD + "date"))
    if isinstance(value, bool):
        return ox.Literal(str(value).lower(), datatype=ox.NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    if isinstance(value, date):
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "date"))
    return ox.Literal(str(value))


def _node(subject: str, cls: str, facts: dict[str, object]) -> Iterator[ox.Quad]:
    graph, node = ox.NamedNode(str(VIEW_GRAPH)), ox.NamedNode(subject)
    yield ox.Quad(
        node, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(VIEW + cls), graph
    )
    for key, value in facts.items():
        if value is not None:
            yield ox.Quad(node, ox.NamedNode(VIEW + key), _lit(value), graph)


def _quads(matrix: CoverageMatrix, names: dict[str, str]) -> Iterator[ox.Quad]:
    """One RequirementCoverage node per requirement (organisation level), one SystemCoverage per AI system."""
    day = matrix.as_of
    parents = {r.parent for r in matrix.requirements if r.parent}
    leaves = [r.id for r in matrix.requirements if r.kind != "objective" and r.id not in parents]
    for req in matrix.requirements:
        cell = matrix.cell(req.id)
        current = {e.evidence for e in cell.evidence if e.current}
        facts: dict[str, object] = {
            "asOf": day, "requirement": req.id, "kind": req.kind, "title": req.title, "order": req.order,
            "parent": req.parent, "leaf": req.id in leaves, "status": cell.status,
            "excluded": cell.status == "excluded", "evidence": len({e.evidence for e in cell.evidence}),
            "current": len(current),
            "operating": len({e.evidence for e in cell.evidence if e.current and e.nature == "operating"}),
        }  # fmt: skip
        yield from _node(f"urn:aims:coverage:requirement:{req.id}", "RequirementCoverage", facts)
    for index, system in enumerate(matrix.systems):
        cells = [matrix.cell(leaf, system) for leaf in leaves]
        counts = {s: sum(1 for c in cells if c.status == s) for s in STATUSES}
        evidence = {e.evidence for c in cells for e in c.evidence}
        facts = {"asOf": day, "system": system, "name": names.get(system, system), "evidence": len(evidence)}
        facts |= {"covered": counts["covered"], "designOnly": counts["design-only"], "stale": counts["stale"],
                  "missing": counts["missing"], "excluded": counts["excluded"], "required": len(leaves)}  # fmt: skip
        yield from _node(f"urn:aims:coverage:system:{index}", "SystemCoverage", facts)


def _overdue(matrix: CoverageMatrix, documents: dict[str, DocumentFacts]) -> Iterator[ox.Quad]:
    """One OverdueDocument node per document whose review was due before the as-of day, with what it supports."""
    day = matrix.as_of.isoformat()
    supports: dict[str, set[str]] = {}
    for (requirement, system), cell in matrix.cells.items():
        for ref in cell.evidence if system is None else ():
            supports.setdefault(ref.evidence, set()).add(requirement)
    overdue = sorted((d.due, d.id, d) for d in documents.values() if d.due is not None and d.due[:10] < day)
    for index, (due, ident, doc) in enumerate(overdue):
        facts: dict[str, object] = {
            "asOf": matrix.as_of,
            "document": ident,
            "title": doc.title,
            "issued": doc.issued,
            "reviewDue": due,
            "supports": " ".join(sorted(supports.get(ident, ()))) or None,
        }
        yield from _node(f"urn:aims:coverage:document:{index}", "OverdueDocument", facts)
