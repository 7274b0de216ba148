"""The coverage view: a small derived graph of coverage figures, kept in the store, that saved queries read.

Aggregating ~40,000 accepted links per query takes Oxigraph 0.3-2 s at 1M triples. The view holds the result of
`coverage_matrix` as RDF instead (terms in ontology/view.ttl): one node per requirement, one per AI system, one
per overdue document, with counts and statuses on one as-of day (a few thousand triples). It lives in the
workspace store as the named graph <urn:aims:graph:coverage>, so a query naming it with
`FROM <urn:aims:graph:coverage>` gives the same rows in any SPARQL tool pointed at the store as in aimsgraph.

It is never read stale: a write to a graph coverage reads drops the view in the same transaction (Store.update,
DERIVED_FROM), and `refresh_view` recomputes it when it is missing or holds another day (stale and overdue
depend on the date). Commands that write call it before they end; so does the first command of a new day. A view
for another day (`--as-of`) is computed on demand in memory and never stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

from rdflib import RDF, XSD, Graph, Literal, URIRef

from aimsgraph.coverage.matrix import STATUSES, CoverageMatrix, DocumentFacts, coverage_matrix, document_facts
from aimsgraph.facts.history import store_as_of
from aimsgraph.store import Store, cached
from aimsgraph.vocabulary.namespaces import DERIVED_FROM, VIEW, GraphName, view_iri

VIEW_GRAPH = GraphName.COVERAGE.iri
SYSTEM_NAMES = """
SELECT ?id ?name WHERE { ?s a aims:AISystem ; aims:id ?id . OPTIONAL { ?s rdfs:label ?name } }
"""
VIEW_DAY = "SELECT ?day WHERE { ?view a view:CoverageView ; view:asOf ?day }"
SOURCES = DERIVED_FROM[GraphName.COVERAGE]
Facts = dict[URIRef, object]


def reads_view(dataset_iris: tuple[str, ...] | list[str]) -> bool:
    """True when a query's FROM clauses name the coverage view."""
    return str(VIEW_GRAPH) in dataset_iris


def stored_view_day(store: Store) -> date | None:
    """The as-of day of the view the store holds, None when it holds none (dropped by a write, or never made)."""
    rows = store.values(VIEW_DAY, graphs=(GraphName.COVERAGE,))
    return date.fromisoformat(str(rows[0][0])) if rows and rows[0][0] else None


def refresh_view(store: Store, today: date | None = None) -> bool:
    """Recompute the stored view when it is missing or not of `today`; True when it was written.

    A store opened read-only is left as it is (its view may be a day old; queries then compute today's in memory).
    """
    today = today or date.today()
    if store.read_only or stored_view_day(store) == today:
        return False
    store.replace_graph(GraphName.COVERAGE, view_graph(store, today))
    return True


def view_store(store: Store, as_of: date) -> Store:
    """A store whose graph <urn:aims:graph:coverage> holds the view on `as_of`.

    Today's view is the store itself (refreshed first if needed); another day's, or today's on a read-only store
    with an older view, is a small in-memory store reused until a source graph is written.
    """
    if as_of == date.today() and (refresh_view(store, as_of) or stored_view_day(store) == as_of):
        return store
    return cached(store, ("coverage view", as_of), SOURCES, lambda: _in_memory(store, as_of))


def _in_memory(store: Store, as_of: date) -> Store:
    view = Store.in_memory()
    view.replace_graph(GraphName.COVERAGE, view_graph(store_as_of(store, as_of), as_of))  # org facts of that day
    return view


def view_graph(store: Store, as_of: date) -> Graph:
    """The coverage view of `store` on `as_of` as an rdflib graph (terms of ontology/view.ttl)."""
    matrix = coverage_matrix(store, as_of)
    names = {str(ident): str(name or ident) for ident, name in store.values(SYSTEM_NAMES)}
    graph = Graph()
    graph.bind("view", VIEW._NS)
    computed = datetime.now(UTC).replace(microsecond=0)
    stamp: Facts = {VIEW.asOf: as_of, VIEW.computed: computed}
    for subject, cls, facts in (
        (VIEW_GRAPH, VIEW.CoverageView, stamp),
        *_requirements(matrix),
        *_systems(matrix, names),
        *_scopes(matrix),
        *_overdue(matrix, document_facts(store)),
    ):
        graph.add((subject, RDF.type, cls))
        for key, value in facts.items():
            if value is not None:
                graph.add((subject, key, _literal(value)))
    return graph


def _literal(value: object) -> Literal:
    if isinstance(value, datetime):
        return Literal(value.isoformat().replace("+00:00", "Z"), datatype=XSD.dateTime)
    if isinstance(value, date):
        return Literal(value.isoformat(), datatype=XSD.date)
    if isinstance(value, bool):
        return Literal(value)
    if isinstance(value, int):
        return Literal(value, datatype=XSD.integer)
    if isinstance(value, Decimal):
        return Literal(value, datatype=XSD.decimal)
    return Literal(str(value))


def _requirements(matrix: CoverageMatrix) -> Iterator[tuple[URIRef, URIRef, Facts]]:
    """One RequirementCoverage node per requirement (organisation level)."""
    leaves = set(matrix.leaves())
    for req in matrix.requirements:
        cell = matrix.cell(req.id)
        current = {e.evidence for e in cell.evidence if e.current}
        facts: Facts = {
            VIEW.asOf: matrix.as_of, VIEW.requirement: req.id, VIEW.kind: req.kind, VIEW.title: req.title,
            VIEW.order: req.order, VIEW.parent: req.parent, VIEW.leaf: req.id in leaves, VIEW.status: cell.status,
            VIEW.excluded: cell.status == "excluded", VIEW.evidence: len({e.evidence for e in cell.evidence}),
            VIEW.current: len(current), VIEW.reason: cell.reason,
            VIEW.operating: len({e.evidence for e in cell.evidence if e.current and e.nature == "operating"}),
        }  # fmt: skip
        yield view_iri("requirement", req.id), VIEW.RequirementCoverage, facts


def _systems(matrix: CoverageMatrix, names: dict[str, str]) -> Iterator[tuple[URIRef, URIRef, Facts]]:
    """One SystemCoverage node per AI system, counting its leaf requirements by status."""
    leaves = matrix.leaves()
    for system in matrix.systems:
        cells = [matrix.cell(leaf, system) for leaf in leaves]
        counts = {s: sum(1 for c in cells if c.status == s) for s in STATUSES}
        evidence = {e.evidence for c in cells for e in c.evidence}
        facts: Facts = {
            VIEW.asOf: matrix.as_of, VIEW.system: system, VIEW.name: names.get(system, system),
            VIEW.evidence: len(evidence), VIEW.covered: counts["covered"], VIEW.designOnly: counts["design-only"],
            VIEW.stale: counts["stale"], VIEW.missing: counts["missing"], VIEW.excludedCount: counts["excluded"],
            VIEW.notApplicable: counts["not-applicable"], VIEW.required: matrix.figure(system).applicable,
        }  # fmt: skip
        yield view_iri("system", system), VIEW.SystemCoverage, facts


def _scopes(matrix: CoverageMatrix) -> Iterator[tuple[URIRef, URIRef, Facts]]:
    """One ScopeCoverage node per scope: the organisation's figure, then each system's (CoverageMatrix.figure)."""
    for figure in matrix.figures():
        facts: Facts = {
            VIEW.asOf: matrix.as_of, VIEW.scope: figure.scope, VIEW.covered: figure.covered,
            VIEW.applicable: figure.applicable, VIEW.percent: Decimal(f"{figure.percent:.1f}"),
        }  # fmt: skip
        yield view_iri("scope", figure.scope), VIEW.ScopeCoverage, facts


def _overdue(matrix: CoverageMatrix, documents: dict[str, DocumentFacts]) -> Iterator[tuple[URIRef, URIRef, Facts]]:
    """One OverdueDocument node per document whose review was due before the as-of day, with what it supports."""
    day = matrix.as_of.isoformat()
    supports: dict[str, set[str]] = {}
    for (requirement, system), cell in matrix.cells.items():
        for ref in cell.evidence if system is None else ():
            supports.setdefault(ref.evidence, set()).add(requirement)
    overdue = sorted((d.due, d.id, d) for d in documents.values() if d.due is not None and d.due[:10] < day)
    for due, ident, doc in overdue:
        facts: Facts = {
            VIEW.asOf: matrix.as_of,
            VIEW.document: ident,
            VIEW.title: doc.title,
            VIEW.issued: _day(doc.issued),
            VIEW.reviewDue: _day(due),
            VIEW.supports: " ".join(sorted(supports.get(ident, ()))) or None,
        }
        yield view_iri("document", ident), VIEW.OverdueDocument, facts


def _day(value: str | None) -> date | str | None:
    """A date string as a date (typed xsd:date in the view), anything else as it is."""
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return value
