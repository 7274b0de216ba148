"""Graph analytics over coverage (networkx): what a document or a person takes with them, single points of
failure, risks whose chain to evidence is broken, and documents that support nothing.

The graph: person -owns-> document -supports-> requirement (current evidence only, per scope), and
risk -> treatment control -> requirement. Coverage itself comes from `coverage.coverage_matrix`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import networkx as nx

from aimsgraph.coverage.matrix import CoverageCell, CoverageMatrix, coverage_matrix
from aimsgraph.errors import InputError
from aimsgraph.store import Store

OWNERS_QUERY = """
PREFIX aims: <https://w3id.org/aimsgraph/ns#>
SELECT ?kind ?thing ?person WHERE {
  { ?doc a aims:Document ; aims:id ?thing ; aims:owner ?p . BIND("document" AS ?kind) }
  UNION { ?row a aims:ApplicabilityDecision ; aims:id ?thing ; aims:owner ?p . BIND("soa" AS ?kind) }
  UNION { ?risk a aims:Risk ; aims:id ?thing ; aims:owner ?p . BIND("risk" AS ?kind) }
  UNION { ?a a aims:RoleAssignment ; aims:id ?thing ; aims:accountablePerson ?p . BIND("role" AS ?kind) }
  UNION { ?s a aims:AISystem ; aims:id ?thing ; aims:owner ?p . BIND("system" AS ?kind) }
  ?p aims:id ?person .
}
"""
DOCUMENTS_QUERY = """
PREFIX aims: <https://w3id.org/aimsgraph/ns#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?id ?title ?file WHERE {
  ?doc a aims:Document ; aims:id ?id . OPTIONAL { ?doc dcterms:title ?title } OPTIONAL { ?doc aims:file ?file }
}
"""
LINKED_QUERY = """
PREFIX aims: <https://w3id.org/aimsgraph/ns#>
SELECT DISTINCT ?id WHERE {
  ?link a aims:EvidenceLink ; aims:status aims:Accepted ; aims:evidence ?doc . ?doc aims:id ?id
}
"""
RISKS_QUERY = """
PREFIX aims: <https://w3id.org/aimsgraph/ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?risk ?title ?option ?control WHERE {
  ?r a aims:Risk ; aims:id ?risk . OPTIONAL { ?r rdfs:label ?title }
  OPTIONAL { ?r aims:treatment ?t . OPTIONAL { ?t aims:treatmentOption ?option }
             OPTIONAL { ?t aims:control ?c . ?c aims:id ?control } }
}
"""
PEOPLE_QUERY = "PREFIX aims: <https://w3id.org/aimsgraph/ns#> SELECT ?id WHERE { ?p a aims:Person ; aims:id ?id }"


@dataclass(frozen=True)
class CoverageLoss:
    """A cell whose status would drop: requirement, scope (None = organisation), status now and after."""

    requirement: str
    system: str | None
    before: str
    after: str


@dataclass(frozen=True)
class Impact:
    """What goes if a document or a person goes: coverage losses, and (for a person) what they own."""

    subject: str
    documents: tuple[str, ...]
    losses: tuple[CoverageLoss, ...]
    owned: tuple[tuple[str, str], ...] = ()  # (kind, id): soa rows, risks, role assignments, systems


@dataclass(frozen=True)
class SinglePoint:
    """Evidence that is the only current support of several requirements (organisation level)."""

    evidence: str
    requirements: tuple[str, ...]


@dataclass(frozen=True)
class BrokenChain:
    """A risk with no path risk -> treatment -> control -> current evidence, and why."""

    risk: str
    title: str
    reason: str


@dataclass(frozen=True)
class UnusedDocument:
    """A document no accepted evidence link points to."""

    evidence: str
    title: str
    file: str


def _status_without(cell: CoverageCell, removed: set[str], control: bool) -> str:
    """The cell's status if the evidence in `removed` disappeared (same rules as coverage)."""
    if cell.status == "excluded":
        return "excluded"
    left = [r for r in cell.evidence if r.evidence not in removed]
    current = [r for r in left if r.current]
    if current:
        return "covered" if not control or any(r.nature == "operating" for r in current) else "design-only"
    return "stale" if left else "missing"


def coverage_losses(matrix: CoverageMatrix, removed: set[str]) -> list[CoverageLoss]:
    """Leaf cells (every scope) whose status changes when the documents in `removed` go away."""
    kinds = {r.id: r.kind for r in matrix.requirements}
    losses = []
    for (requirement, system), cell in matrix.cells.items():
        if not cell.evidence or not removed & {r.evidence for r in cell.evidence}:
            continue
        after = _status_without(cell, removed, kinds.get(requirement) == "control")
        if after != cell.status:
            losses.append(CoverageLoss(requirement, system, cell.status, after))
    order = {r.id: i for i, r in enumerate(matrix.requirements)}
    return sorted(losses, key=lambda loss: (order.get(loss.requirement, 0), loss.system or ""))


def ownership_graph(store: Store) -> nx.DiGraph:
    """person -> (kind, id) edges for everything a person owns or is accountable for."""
    graph = nx.DiGraph()
    for kind, thing, person in store.select(OWNERS_QUERY):
        graph.add_edge(("person", str(person)), (str(kind), str(thing)))
    return graph


def document_impact(store: Store, evidence: str, as_of: date | None = None) -> Impact:
    """What loses coverage if the document `evidence` goes away."""
    if evidence not in {str(row[0]) for row in store.select(DOCUMENTS_QUERY)}:
        raise InputError(f"no document with id '{evidence}' in the evidence register")
    matrix = coverage_matrix(store, as_of)
    return Impact(evidence, (evidence,), tuple(coverage_losses(matrix, {evidence})))


def person_impact(store: Store, person: str, as_of: date | None = None) -> Impact:
    """What loses coverage if every document `person` owns goes, and what else is left without an owner."""
    if person not in {str(row[0]) for row in store.select(PEOPLE_QUERY)}:
        raise InputError(f"no person with id '{person}' in org/people")
    graph = ownership_graph(store)
    node = ("person", person)
    owned = sorted(graph.successors(node)) if node in graph else []
    documents = {thing for kind, thing in owned if kind == "document"}
    losses = coverage_losses(coverage_matrix(store, as_of), documents)
    others = tuple((kind, thing) for kind, thing in owned if kind != "document")
    return Impact(person, tuple(sorted(documents)), tuple(losses), others)


def single_points_of_failure(matrix: CoverageMatrix, minimum: int = 2) -> list[SinglePoint]:
    """Evidence that is the only current support of at least `minimum` organisation-level requirements."""
    support = nx.DiGraph()
    for (requirement, system), cell in matrix.cells.items():
        if system is None and cell.status != "excluded":
            for ref in cell.evidence:
                if ref.current:
                    support.add_edge(("evidence", ref.evidence), ("requirement", requirement))
    sole: dict[str, list[str]] = defaultdict(list)
    for node in support.nodes:
        if node[0] == "requirement" and support.in_degree(node) == 1:
            (source,) = support.predecessors(node)
            sole[source[1]].append(node[1])
    points = [SinglePoint(e, tuple(sorted(reqs))) for e, reqs in sole.items() if len(reqs) >= minimum]
    return sorted(points, key=lambda p: (-len(p.requirements), p.evidence))


def broken_risk_chains(store: Store, matrix: CoverageMatrix) -> list[BrokenChain]:
    """Risks with no path to current evidence (accepted or avoided risks without controls are fine); a control's
    evidence must be operating evidence, so a chain ending in design evidence alone is broken."""
    chain = nx.DiGraph()
    titles: dict[str, str] = {}
    options: dict[str, str] = {}
    for risk, title, option, control in store.select(RISKS_QUERY):
        node = ("risk", str(risk))
        chain.add_node(node)
        titles[str(risk)], options[str(risk)] = str(title or ""), str(option or "").rsplit("#", 1)[-1]
        if control is not None:
            chain.add_edge(node, ("requirement", str(control)))
    controls_only = {r.id for r in matrix.requirements if r.kind == "control"}
    design_only: set[str] = set()
    for (requirement, system), cell in matrix.cells.items():
        for ref in cell.evidence if system is None else ():
            # A control is only evidenced by a record that it runs: design evidence alone breaks the chain.
            if ref.current and (ref.nature == "operating" or requirement not in controls_only):
                chain.add_edge(("requirement", requirement), ("evidence", ref.evidence))
            elif ref.current:
                design_only.add(requirement)
    broken = []
    for ident in sorted(titles):
        reached = nx.descendants(chain, ("risk", ident))
        controls = sorted(n[1] for n in reached if n[0] == "requirement")
        if any(n[0] == "evidence" for n in reached):
            continue
        if not controls and options[ident] in ("Accept", "Avoid"):
            continue
        reason = "no controls in its treatment" if not controls else f"no current evidence for {', '.join(controls)}"
        if controls and set(controls) <= design_only:
            reason = f"only design evidence (no record that it runs) for {', '.join(controls)}"
        broken.append(BrokenChain(ident, titles[ident], reason))
    return broken


def unused_documents(store: Store) -> list[UnusedDocument]:
    """Documents that support nothing (positive join plus a set difference, fast on large stores)."""
    linked = {str(row[0]) for row in store.select(LINKED_QUERY)}
    rows = [UnusedDocument(str(i), str(t or ""), str(f or "")) for i, t, f in store.select(DOCUMENTS_QUERY)]
    return sorted((r for r in rows if r.evidence not in linked), key=lambda r: r.evidence)
