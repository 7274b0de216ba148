"""Coverage figures: per requirement and per (requirement, AI system), covered / stale / design-only / missing /
excluded, with the evidence behind each cell.

Rules (docs/validation.md): an evidence link counts when its status is Accepted (a manual link in the org graph,
or a Reviewed decision taken on or before the as-of date), its document was issued on or before the as-of date,
and the document is not past its review date (otherwise the link is *stale*). A control is *covered* only by
current operating evidence; with current design evidence alone it is *design-only*. A system-level cell counts
links made for that system (aims:forSystem) and organisation-wide links (links with no aims:forSystem).
One positive SPARQL join inside Oxigraph fetches the links; the rest is set logic in Python (fast at 1M triples).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from aimsgraph.coverage.applicability import Applicability, applicability
from aimsgraph.coverage.currency import currency
from aimsgraph.store import Store, cached, cached_rows
from aimsgraph.vocabulary.catalog import Requirement, load_requirements
from aimsgraph.vocabulary.namespaces import GraphName, local_id

Status = Literal["covered", "stale", "design-only", "missing", "excluded", "not-applicable"]
STATUSES: tuple[Status, ...] = ("covered", "design-only", "stale", "missing", "excluded", "not-applicable")
OUT_OF_SCOPE = ("excluded", "not-applicable")  # cells that do not count towards a coverage figure

# Links and the documents they point to are fetched apart (each a cheap scan, cached per graph) and joined here:
# one query joining them with ten OPTIONALs was the slowest step of validation at 1M triples.
# On disk every IRI a row carries costs a lookup: the query returns only what coverage uses (not ?link).
LINKS_QUERY = """
SELECT ?req ?doc ?sys ?decided ?method ?passage ?reviewer WHERE {
  ?link a aims:EvidenceLink ; aims:status aims:Accepted ; aims:requirement ?req ; aims:evidence ?doc .
  OPTIONAL { ?link aims:forSystem ?sys }
  OPTIONAL { ?link aims:decidedAt ?decided }
  OPTIONAL { ?link aims:method ?method }
  OPTIONAL { ?link aims:passage ?passage }
  OPTIONAL { ?link aims:reviewer ?reviewer }
}
"""
# Each document once before the OPTIONALs (the UNION alone yields it up to four times: 4x the lookups).
DOCUMENTS_QUERY = """
SELECT ?doc ?id ?title ?issued ?due ?op ?all ?changed WHERE {
  { SELECT DISTINCT ?doc WHERE {
      { ?doc a aims:Document } UNION { ?doc dcterms:issued [] } UNION { ?doc aims:reviewDue [] }
      UNION { ?doc a aims:OperatingEvidence } } }
  OPTIONAL { ?doc aims:id ?id }
  OPTIONAL { ?doc dcterms:title ?title }
  OPTIONAL { ?doc dcterms:issued ?issued }
  OPTIONAL { ?doc aims:reviewDue ?due }
  OPTIONAL { ?doc a ?op FILTER(?op = aims:OperatingEvidence) }
  OPTIONAL { ?doc aims:allSystems ?all }
  OPTIONAL { ?doc aims:fileChanged ?changed }
}
"""
LINK_GRAPHS = (GraphName.ORG, GraphName.REVIEWS)  # manual links, reviewed links
DOCUMENT_GRAPHS = (GraphName.ORG, GraphName.DOCUMENTS)  # the evidence register, ingested documents
EXCLUDED_QUERY = """
SELECT ?control ?applicable ?justification WHERE {
  ?row a aims:ApplicabilityDecision ; aims:control ?control ; aims:applicable ?applicable
  OPTIONAL { ?row aims:justification ?justification }
}
"""
SYSTEMS_QUERY = "SELECT ?id WHERE { ?s a aims:AISystem ; aims:id ?id }"


@dataclass(frozen=True)
class EvidenceRef:
    """One accepted evidence link behind a coverage cell."""

    evidence: str
    title: str
    nature: str
    method: str
    current: bool
    passage: str | None
    reviewer: str | None
    decided: str | None
    all_systems: bool = False


@dataclass(frozen=True)
class CoverageCell:
    """Coverage of one requirement, organisation-wide (system None) or for one AI system."""

    requirement: str
    system: str | None
    status: Status
    evidence: tuple[EvidenceRef, ...]
    reason: str | None = None  # for not-applicable and excluded: the rule, role, stage or SoA row behind it


@dataclass(frozen=True)
class Figure:
    """Coverage of one scope: covered applicable leaf requirements out of applicable leaf requirements."""

    scope: str  # "organisation" or an AI system id
    covered: int
    applicable: int

    @property
    def percent(self) -> float:
        """The figure in per cent (0 when nothing applies)."""
        return 100.0 * self.covered / self.applicable if self.applicable else 0.0

    def __str__(self) -> str:
        return f"{self.covered}/{self.applicable} ({self.percent:.0f}%)"


@dataclass(frozen=True)
class GroupSummary:
    """Covered versus required requirements in one top clause (4..10) or Annex A objective."""

    group: str
    title: str
    covered: int
    required: int


@dataclass
class CoverageMatrix:
    """All coverage cells at one as-of date."""

    as_of: date
    requirements: list[Requirement]
    systems: list[str]
    cells: dict[tuple[str, str | None], CoverageCell] = field(default_factory=dict)

    def cell(self, requirement: str, system: str | None = None) -> CoverageCell:
        """The cell of a requirement (organisation level when system is None)."""
        return self.cells[(requirement, system)]

    def leaves(self) -> list[str]:
        """The requirements that need evidence of their own: controls and clauses without sub-clauses."""
        parents = {r.parent for r in self.requirements if r.parent}
        return [r.id for r in self.requirements if r.kind != "objective" and r.id not in parents]

    def figure(self, system: str | None = None) -> Figure:
        """The coverage figure of one scope (the organisation when system is None): the one definition used
        everywhere (validate, stats, exports, the explorer, the coverage view)."""
        statuses = [self.cells[(leaf, system)].status for leaf in self.leaves()]
        applicable = [s for s in statuses if s not in OUT_OF_SCOPE]
        return Figure(system or "organisation", applicable.count("covered"), len(applicable))

    def figures(self) -> list[Figure]:
        """The organisation's figure, then each AI system's."""
        return [self.figure(None), *(self.figure(system) for system in self.systems)]

    def group_summary(self) -> list[GroupSummary]:
        """Per top clause 4..10 and per Annex A objective: leaf requirements covered / needing coverage."""
        children = _children(self.requirements)
        out = []
        for req in self.requirements:
            if req.parent is None:
                leaves = [leaf for leaf in _leaves(req.id, children) if leaf != req.id or not children[req.id]]
                statuses = [self.cells[(leaf, None)].status for leaf in leaves]
                required = sum(1 for s in statuses if s not in OUT_OF_SCOPE)
                covered = sum(1 for s in statuses if s == "covered")
                out.append(GroupSummary(req.id, req.title, covered, required))
        return out


def _children(requirements: list[Requirement]) -> dict[str, list[str]]:
    children: dict[str, list[str]] = {r.id: [] for r in requirements}
    for r in requirements:
        if r.parent in children:
            children[r.parent].append(r.id)
    return children


def _leaves(ident: str, children: dict[str, list[str]]) -> list[str]:
    if not children[ident]:
        return [ident]
    return [leaf for child in children[ident] for leaf in _leaves(child, children)]


def _text(term: object) -> str | None:
    return None if term is None else str(term)


@dataclass(frozen=True)
class LinkRow:
    """One accepted evidence link as stored (one row per system it is made for)."""

    requirement: str
    system: str | None
    document: str
    decided: str | None
    method: str | None
    passage: str | None
    reviewer: str | None


@dataclass(frozen=True)
class DocumentFacts:
    """What coverage needs of a document: id, title, dates, nature, and whether its file changed since registered."""

    id: str
    title: str
    issued: str | None
    due: str | None
    operating: bool
    all_systems: bool = False
    changed: bool = False


def accepted_links(store: Store) -> list[LinkRow]:
    """Every accepted evidence link (manual and reviewed), cached per graph until that graph is written."""
    out: list[LinkRow] = []
    for graph in LINK_GRAPHS:
        out += cached(store, ("links", graph), (graph,), lambda g=graph: _fetch_links(store, g))  # type: ignore[misc]
    return out


def _fetch_links(store: Store, graph: GraphName) -> list[LinkRow]:
    found = []
    for req, doc, sys, decided, method, passage, reviewer in store.values(LINKS_QUERY, graphs=(graph,)):
        system = local_id(sys) if sys is not None else None
        found.append(LinkRow(local_id(req or ""), system, doc or "", decided, method, passage, reviewer))
    return found


def document_facts(store: Store) -> dict[str, DocumentFacts]:
    """Facts of every document by IRI (cached until the register or the documents graph is written)."""
    return cached(store, "documents", DOCUMENT_GRAPHS, lambda: _fetch_documents(store))


def _fetch_documents(store: Store) -> dict[str, DocumentFacts]:
    found: dict[str, DocumentFacts] = {}
    for doc, ident, title, issued, due, op, every, changed in store.values(DOCUMENTS_QUERY, graphs=DOCUMENT_GRAPHS):
        known = found.get(doc or "")
        if known is None or (op is not None and not known.operating):
            name = ident or local_id(doc or "")
            all_systems = every is not None and every.lower() in ("true", "1")
            found[doc or ""] = DocumentFacts(
                name, title or name, issued, due, op is not None, all_systems, changed == "true"
            )
    return found


def evidence_ref(link: LinkRow, documents: dict[str, DocumentFacts], as_of: date) -> EvidenceRef | None:
    """The evidence behind one link on `as_of`, or None when the link or its document did not exist yet."""
    doc = documents.get(link.document) or DocumentFacts(
        local_id(link.document), local_id(link.document), None, None, False
    )
    state = currency(as_of, doc.issued, doc.due, link.decided)
    if state == "future":
        return None
    return EvidenceRef(
        evidence=doc.id,
        title=doc.title,
        nature="operating" if doc.operating else "design",
        method="reviewed" if link.method is not None and link.method.endswith("Reviewed") else "manual",
        current=state == "current" and not doc.changed,  # a changed file stops counting
        passage=link.passage,
        reviewer=local_id(link.reviewer) if link.reviewer is not None else None,
        decided=link.decided,
        all_systems=doc.all_systems,
    )


def _status(refs: set[EvidenceRef], control: bool, excluded: bool) -> Status:
    if excluded:
        return "excluded"
    current = [r for r in refs if r.current]
    if current:
        return "covered" if not control or any(r.nature == "operating" for r in current) else "design-only"
    return "stale" if refs else "missing"


def _rollup(statuses: list[Status]) -> Status:
    """A parent's status from its children's: the worst one that needs work."""
    needed = [s for s in statuses if s not in OUT_OF_SCOPE]
    if not needed:
        return "excluded" if "excluded" in statuses else "not-applicable"
    for worst in ("missing", "stale", "design-only"):
        if worst in needed:
            return worst
    return "covered"


Refs = dict[tuple[str, str | None], set[EvidenceRef]]


def link_refs(store: Store, as_of: date) -> Refs:
    """Accepted links existing on `as_of`, by (requirement id, system id or None for org-wide links)."""
    merged: Refs = {}
    for part in link_refs_by_graph(store, as_of).values():
        for key, found in part.items():
            merged[key] = merged[key] | found if key in merged else found
    return merged


def link_refs_by_graph(store: Store, as_of: date) -> dict[GraphName, Refs]:
    """`link_refs` apart for manual (org graph) and reviewed links, each cached until its inputs change."""
    return {
        graph: cached(store, ("refs", graph, as_of), (graph, *DOCUMENT_GRAPHS), lambda g=graph: _refs(store, g, as_of))  # type: ignore[misc]
        for graph in LINK_GRAPHS
    }


def _refs(store: Store, graph: GraphName, as_of: date) -> Refs:
    refs: Refs = defaultdict(set)
    documents = document_facts(store)
    links = cached(store, ("links", graph), (graph,), lambda: _fetch_links(store, graph))
    for link in links:
        ref = evidence_ref(link, documents, as_of)
        if ref is not None:
            refs[(link.requirement, link.system)].add(ref)
    return dict(refs)


def excluded_controls(store: Store) -> set[str]:
    """Controls the SoA marks not applicable."""
    return set(exclusions(store))


def exclusions(store: Store) -> dict[str, str]:
    """Controls the SoA marks not applicable, with the reason to show (the SoA row and its justification)."""
    found = cached_rows(store, EXCLUDED_QUERY, (GraphName.ORG,))
    return {
        local_id(str(c)): f"excluded in the SoA: {why}" if why else "excluded in the SoA (no justification given)"
        for c, a, why in found
        if str(a).lower() in ("false", "0")
    }


def coverage_matrix(store: Store, as_of: date | None = None, per_system: bool = True) -> CoverageMatrix:
    """Coverage of every clause and control, organisation-wide and per AI system, on `as_of` (default today).

    With per_system=False only the organisation-level cells are computed (cheaper at scale). The result is
    cached until the data it reads changes; treat it as read-only.
    """
    day = as_of or date.today()
    graphs = (GraphName.CATALOG, *LINK_GRAPHS, *DOCUMENT_GRAPHS)
    return cached(store, ("coverage", day, per_system), graphs, lambda: _coverage_matrix(store, day, per_system))


def _coverage_matrix(store: Store, day: date, per_system: bool) -> CoverageMatrix:
    requirements = list(load_requirements())
    systems = sorted(str(row[0]) for row in cached_rows(store, SYSTEMS_QUERY, (GraphName.ORG,))) if per_system else []
    refs, excluded = link_refs(store, day), exclusions(store)
    rules = applicability(store, requirements)
    matrix = CoverageMatrix(day, requirements, systems)
    children = _children(requirements)
    by_requirement: dict[str, set[EvidenceRef]] = defaultdict(set)
    for (req_id, _), found in refs.items():
        by_requirement[req_id] |= found
    all_systems = sorted(rules.systems)
    for req in reversed(requirements):  # children come after parents in catalog order
        for system in (*systems, None):  # systems first: an organisation cell looks at its systems' cells
            if children[req.id]:
                cells = [matrix.cells[(c, system)] for c in children[req.id]]
                status = _rollup([c.status for c in cells])
                reason = next((c.reason for c in cells if c.status == status), None) if status in OUT_OF_SCOPE else None
                matrix.cells[(req.id, system)] = CoverageCell(req.id, system, status, (), reason)
                continue
            if system is None:
                cell_refs = by_requirement.get(req.id, set())
                reason = _org_reason(req.id, all_systems, rules)
            else:
                org_wide = refs.get((req.id, None), set())
                if not rules.org_suffices(req.id):
                    org_wide = {r for r in org_wide if r.all_systems}
                cell_refs = org_wide | refs.get((req.id, system), set())
                reason = rules.reason(req.id, system)
            matrix.cells[(req.id, system)] = _cell(req, system, cell_refs, excluded.get(req.id), reason)
    return matrix


def _cell(
    req: Requirement, system: str | None, refs: set[EvidenceRef], exclusion: str | None, not_applicable: str | None
) -> CoverageCell:
    """One leaf cell: excluded by the SoA, not applicable by a rule, or judged on its evidence."""
    ordered = tuple(sorted(refs, key=lambda r: (not r.current, r.evidence)))
    if exclusion is not None:
        return CoverageCell(req.id, system, "excluded", ordered, exclusion)
    if not_applicable is not None:
        return CoverageCell(req.id, system, "not-applicable", ordered, not_applicable)
    return CoverageCell(req.id, system, _status(refs, req.kind == "control", False), ordered)


def _org_reason(requirement: str, systems: list[str], rules: Applicability) -> str | None:
    """Why a requirement is not applicable to the organisation: it applies to none of its AI systems."""
    reasons = [rules.reason(requirement, system) for system in systems]
    if not systems or any(r is None for r in reasons):
        return None
    return f"applies to none of the organisation's {len(systems)} AI systems; " + "; ".join(
        sorted({r for r in reasons if r})
    )
