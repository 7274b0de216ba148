"""The coverage view: a small derived graph of coverage figures that the saved coverage queries read.

Aggregating ~40,000 accepted links per query takes Oxigraph 0.3-2 s at 1M triples. The view holds the result of
`coverage.coverage_matrix` as RDF instead: one node per requirement, one per AI system, with counts and
statuses on one as-of day (a few thousand triples), in a separate in-memory Oxigraph store. A query reads it by
naming the graph: `FROM <urn:aims:graph:coverage>`.

It is never stale: a view is keyed by the store's write generation (bumped by every write through `Store`:
load, ingest, suggest, review, validate) and by its day, and rebuilt on the first query after any write. A store
written by others (a remote endpoint) gets a fresh view for every query.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator, Sequence
from datetime import date

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import Dataset, URIRef

from aimsgraph.coverage import CoverageMatrix, coverage_matrix
from aimsgraph.fastquery import rows
from aimsgraph.store import Store

VIEW_GRAPH = URIRef("urn:aims:graph:coverage")
VIEW = "https://w3id.org/aimsgraph/view#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SYSTEM_NAMES = """
SELECT ?id ?name WHERE { ?s a aims:AISystem ; aims:id ?id . OPTIONAL { ?s rdfs:label ?name } }
"""
STATUSES = ("covered", "design-only", "stale", "missing", "excluded")
_KEEP = 4  # views kept per store (one per as-of day asked for)
_cache: weakref.WeakKeyDictionary[Store, dict[date, tuple[int, Store]]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def reads_view(dataset_iris: Sequence[str]) -> bool:
    """True when a query's FROM clauses name the coverage view."""
    return str(VIEW_GRAPH) in dataset_iris


def coverage_view(store: Store, as_of: date) -> Store:
    """The view of `store` on `as_of`, built now unless one built since the store's last write is at hand."""
    generation: int | None = getattr(store, "generation", None)
    if generation is None or not getattr(store, "cacheable", False):
        return _build(store, as_of)
    with _lock:  # the endpoint answers from several threads: build each view once
        views = _cache.setdefault(store, {})
        found = views.get(as_of)
        if found is not None and found[0] == generation:
            return found[1]
        view = _build(store, as_of)
        views[as_of] = (generation, view)
        for day in sorted(views, key=lambda d: views[d][0])[:-_KEEP]:
            del views[day]
        return view


def _build(store: Store, as_of: date) -> Store:
    matrix = coverage_matrix(store, as_of)
    names = {str(ident): str(name or ident) for ident, name in rows(store, SYSTEM_NAMES)}
    inner = ox.Store()
    inner.extend(list(_quads(matrix, names)))
    return Store(Dataset(store=OxigraphStore(store=inner), default_union=True), "coverage view")


def _lit(value: object) -> ox.Literal:
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
