"""Validate a workspace against the gap rules of shapes/: set-at-a-time where a rule has a twin, else pyshacl.

What SHACL cannot see (the as-of date, whether a file exists, its SHA-256 now, whether that differs from its
registered hash) goes into a small transient graph of computed facts that the shapes read; it is never stored.
A run as of an earlier day reads the org facts as they were that day (facts.history.store_as_of).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from typing import Literal as TypingLiteral

from rdflib import XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.extras.shacl import parse_shacl_path
from rdflib.namespace import PROV, RDF
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Processor, Result
from rdflib.term import Identifier, Node

from aimsgraph.coverage.matrix import CoverageMatrix, coverage_matrix
from aimsgraph.errors import InputError
from aimsgraph.facts.history import store_as_of
from aimsgraph.facts.integrity import FileState, file_states
from aimsgraph.rules.findings import SH, Hit, ValidationReport, make_findings
from aimsgraph.rules.partition import Twin, pyshacl_part, twin_shapes
from aimsgraph.rules.setwise import RULES, setwise_hits
from aimsgraph.store import Store
from aimsgraph.vocabulary.namespaces import AIMS, GraphName, org_iri, requirement_iri
from aimsgraph.vocabulary.resources import shape_files
from aimsgraph.workspace import Workspace

Engine = TypingLiteral["fast", "pyshacl"]
CONTEXT = URIRef("urn:aims:validation:context")
FACT = Namespace(str(AIMS._NS))  # computed-fact terms (currentSha256, fileMissing) live outside the closed vocabulary
DATA_GRAPHS = (GraphName.CATALOG, GraphName.ORG, GraphName.DOCUMENTS, GraphName.REVIEWS)
FileFacts = tuple[dict[str, str], set[str], set[str]]


@lru_cache(maxsize=1)
def our_shapes() -> Graph:
    """The shipped shapes (every shapes/*.ttl) as one graph (cached; do not mutate)."""
    graph = Graph()
    for item in shape_files():
        graph.parse(data=item.read_text(encoding="utf-8"), format="turtle")
    return graph


@lru_cache(maxsize=1)
def our_twins() -> dict[URIRef, Twin]:
    """The shipped shapes the set-at-a-time evaluator runs (cached; do not mutate)."""
    return twin_shapes(our_shapes(), RULES)


def load_extra_shapes(path: Path) -> Graph:
    """A user's shapes file, checked to be readable Turtle that declares SHACL shapes."""
    if not path.is_file():
        raise InputError("no such shapes file", source=str(path))
    return read_extra_shapes(path.read_bytes(), str(path), base=path.resolve().as_uri())


def read_extra_shapes(data: str | bytes, source: str, base: str | None = None) -> Graph:
    """A user's shapes as Turtle (from `source`, named in errors), checked to declare SHACL shapes."""
    graph = Graph()
    try:
        graph.parse(data=data, format="turtle", publicID=base)
    except Exception as exc:  # rdflib raises many kinds; all mean "not valid Turtle"
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"not a valid Turtle shapes file: {first}", source=source) from None
    shapes = {s for s in graph.subjects(RDF.type, SH.NodeShape)} | {
        s for s in graph.subjects(RDF.type, SH.PropertyShape)
    }
    targets = [
        p for p in graph.predicates() if str(p).startswith(str(SH)) and str(p)[len(str(SH)) :].startswith("target")
    ]
    if not shapes and not targets:
        raise InputError("not a SHACL shapes graph (no sh:NodeShape, sh:PropertyShape or sh:target*)", source=source)
    return graph


def file_facts(store: Store, root: Path | None, states: list[FileState] | None = None) -> FileFacts:
    """Current SHA-256 of each registered file, documents whose file is missing, and documents whose file differs
    from its registered hash (the register's sha256, else the one recorded in the history graph)."""
    if root is None:
        return {}, set(), set()
    states = file_states(store, root) if states is None else states
    current = {s.document: s.current for s in states if s.current is not None}
    missing = {s.document for s in states if s.current is None}
    return current, missing, {s.document for s in states if s.status == "changed"}


def facts_graph(as_of: date, current: dict[str, str], missing: set[str], changed: set[str] | None = None) -> Graph:
    """The transient computed facts the shapes read: as-of date, current hashes, missing and changed files."""
    graph = Graph()
    graph.add((CONTEXT, AIMS.asOf, Literal(as_of.isoformat(), datatype=XSD.date)))
    for doc, sha in current.items():
        graph.add((URIRef(doc), FACT.currentSha256, Literal(sha)))
    for doc in missing:
        graph.add((URIRef(doc), FACT.fileMissing, Literal(True)))
    for doc in changed or ():
        graph.add((URIRef(doc), AIMS.fileChanged, Literal(True)))
    return graph


def data_graph(store: Store, facts: Graph) -> Graph:
    """The graphs the rules read, merged into one rdflib graph for pyshacl."""
    graph = Graph()
    for name in DATA_GRAPHS:  # N-Triples straight from the store: far faster than copying triple by triple
        graph.parse(data=store.dump("nt", name), format="nt")
    return graph + facts


class ParsedOnce(Graph):
    """A view of a data graph (same store, no copy) that parses each SPARQL text once. pyshacl sends a constraint's
    same text for every focus node, with $this in initBindings; parsing it again each time was most of its run."""

    def __init__(self, data: Graph) -> None:
        super().__init__(store=data.store, identifier=data.identifier, namespace_manager=data.namespace_manager)
        self._parsed: dict[str, Query] = {}

    def query(
        self,
        query_object: str | Query,
        processor: str | Processor = "sparql",
        result: str | type[Result] = "sparql",
        initNs: Mapping[str, Any] | None = None,
        initBindings: Mapping[str, Identifier] | None = None,
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Result:
        """Graph.query, with a text parsed as Graph.query would (the graph's prefixes) only the first time."""
        if isinstance(query_object, str) and initNs is None and not kwargs:
            text = query_object
            if text not in self._parsed:
                self._parsed[text] = prepareQuery(text, initNs=dict(self.namespaces()))
            query_object = self._parsed[text]
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)


def pyshacl_hits(data: Graph, shapes: Graph) -> tuple[set[Hit], dict[Hit, str]]:
    """Run pyshacl; its results as hits, and its own messages (for shapes without one)."""
    import pyshacl

    # advanced: our shapes call a SHACL-AF SPARQL function (functions.ttl); in place unless rules would add triples
    inplace = not any(shapes.subject_objects(SH.rule))
    _, results, _ = pyshacl.validate(
        ParsedOnce(data), shacl_graph=shapes, inference="none", allow_warnings=True, advanced=True, inplace=inplace
    )
    assert isinstance(results, Graph)
    hits: set[Hit] = set()
    messages: dict[Hit, str] = {}
    for result in results.subjects(RDF.type, SH.ValidationResult):
        hit = _hit(results, result)
        hits.add(hit)
        messages[hit] = str(results.value(result, SH.resultMessage) or "")
    return hits, messages


def _hit(results: Graph, result: Node) -> Hit:
    def get(prop: URIRef) -> Any:
        return results.value(result, prop)

    path = get(SH.resultPath)
    return Hit(
        shape=get(SH.sourceShape),
        focus=get(SH.focusNode),
        value=get(SH.value),
        path=None if path is None else parse_shacl_path(results, path),
        component=get(SH.sourceConstraintComponent),
    )


def validate_store(
    store: Store,
    as_of: date | None = None,
    root: Path | None = None,
    extra_shapes: Sequence[Path | Graph] | None = None,
    engine: Engine = "fast",
    files: FileFacts | None = None,
    shapes: Graph | None = None,
) -> ValidationReport:
    """Findings for the data in `store` (files under `root` are hashed, unless `files` gives their facts), at
    `as_of` (default today).

    `shapes` defaults to the shipped ones. With engine "fast", each shape whose rule has a set-at-a-time twin runs
    there and every other shape through pyshacl on the same data; their hits are merged. `extra_shapes` (user
    files or graphs already read by read_extra_shapes) always run through pyshacl.
    """
    day = as_of or date.today()
    extras = [s if isinstance(s, Graph) else load_extra_shapes(s) for s in extra_shapes or []]
    current, missing, changed = files if files is not None else file_facts(store, root)
    shapes = our_shapes() if shapes is None else shapes
    twins = {} if engine != "fast" else our_twins() if shapes is our_shapes() else twin_shapes(shapes, RULES)
    rest = pyshacl_part(shapes, twins)
    # pyshacl's merged data graph, built once and only when pyshacl runs (shapes without a twin, or extra ones)
    computed = facts_graph(day, current, missing, changed)
    data = data_graph(store, computed) if rest is not None or extras else Graph()
    hits = setwise_hits(store, twins, day, current, missing, changed)  # reads the computed facts directly
    messages: dict[Hit, str] = {}
    if rest is not None:
        more, messages = pyshacl_hits(data, rest)
        hits |= more
    findings = make_findings(store, shapes, hits, messages)
    for extra in extras:
        extra_hits, extra_messages = pyshacl_hits(data, extra)
        findings += make_findings(store, extra, extra_hits, extra_messages)
    return ValidationReport(day, findings)


def validate_workspace(
    workspace: Workspace,
    as_of: date | None = None,
    extra_shapes: Sequence[Path | Graph] | None = None,
    record: bool = True,
    engine: Engine = "fast",
) -> ValidationReport:
    """Validate a workspace, with its org facts as they were on `as_of` (default today); with record=True a summary
    of the run goes into the history graph."""
    day = as_of or date.today()
    files = file_facts(workspace.store, workspace.root, workspace.check_files())
    source = store_as_of(workspace.store, day)
    report = validate_store(source, day, workspace.root, extra_shapes, engine, files)
    report.figures = coverage_matrix(source, day).figures()
    if record:
        record_run(workspace.store, report, source)
    return report


def record_run(store: Store, report: ValidationReport, source: Store | None = None) -> URIRef:
    """Store counts per severity, coverage per clause, objective and AI system, and each requirement's status as one
    aims:ValidationRun. A run as of an earlier day is marked back-dated (kept, but not a point of the trend).
    `source` is the store the run judged (the org facts as of its day), default `store`."""
    now = datetime.now(UTC)
    run = URIRef(f"urn:aims:validation-run:{now.strftime('%Y%m%dT%H%M%S%fZ')}")
    graph = Graph()
    graph.add((run, RDF.type, AIMS.ValidationRun))
    graph.add((run, PROV.endedAtTime, Literal(now.isoformat(), datatype=XSD.dateTime)))
    graph.add((run, AIMS.asOf, Literal(report.as_of.isoformat(), datatype=XSD.date)))
    if report.as_of < date.today():
        graph.add((run, AIMS.backDated, Literal(True)))
    counts = report.counts()
    for prop, key in ((AIMS.violationCount, "violation"), (AIMS.warningCount, "warning"), (AIMS.infoCount, "info")):
        graph.add((run, prop, Literal(counts[key], datatype=XSD.integer)))
    matrix = coverage_matrix(source or store, report.as_of)
    for group in matrix.group_summary():
        _figure(graph, run, AIMS.coverage, AIMS.group, requirement_iri(group.group), group.covered, group.required)
    for system, covered, required in system_summary(matrix):
        _figure(graph, run, AIMS.systemCoverage, AIMS.aboutSystem, org_iri("system", system), covered, required)
    graph.add((run, AIMS.statuses, Literal(status_text(matrix))))
    store.add(GraphName.HISTORY, graph)
    return run


def _figure(
    graph: Graph, run: URIRef, link: URIRef, about: URIRef, subject: URIRef, covered: int, required: int
) -> None:
    figure = BNode()
    graph.add((run, link, figure))
    graph.add((figure, RDF.type, AIMS.CoverageFigure))
    graph.add((figure, about, subject))
    graph.add((figure, AIMS.coveredCount, Literal(covered, datatype=XSD.integer)))
    graph.add((figure, AIMS.requiredCount, Literal(required, datatype=XSD.integer)))


def system_summary(matrix: CoverageMatrix) -> list[tuple[str, int, int]]:
    """Per AI system: (id, leaf requirements covered, leaf requirements needing coverage)."""
    parents = {r.parent for r in matrix.requirements if r.parent}
    leaves = [r.id for r in matrix.requirements if r.kind != "objective" and r.id not in parents]
    out = []
    for system in matrix.systems:
        statuses = [matrix.cell(leaf, system).status for leaf in leaves]
        out.append((system, statuses.count("covered"), sum(1 for s in statuses if s != "excluded")))
    return out


def status_text(matrix: CoverageMatrix) -> str:
    """Every clause's and control's organisation-level status as `id=status` pairs (objectives roll up)."""
    return " ".join(f"{r.id}={matrix.cell(r.id).status}" for r in matrix.requirements if r.kind != "objective")
