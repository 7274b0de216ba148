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

from aimsgraph.catalog import Requirement, load_requirements
from aimsgraph.fastquery import Row, rows
from aimsgraph.namespaces import local_id
from aimsgraph.store import Store

Status = Literal["covered", "stale", "design-only", "missing", "excluded"]

LINKS_QUERY = """
SELECT ?link ?req ?doc ?docid ?title ?method ?decided ?issued ?due ?sys ?op ?passage ?reviewer WHERE {
  ?link a aims:EvidenceLink ; aims:status aims:Accepted ; aims:requirement ?req ; aims:evidence ?doc .
  OPTIONAL { ?doc aims:id ?docid }
  OPTIONAL { ?doc dcterms:title ?title }
  OPTIONAL { ?link aims:method ?method }
  OPTIONAL { ?link aims:decidedAt ?decided }
  OPTIONAL { ?link aims:passage ?passage }
  OPTIONAL { ?link aims:reviewer ?reviewer }
  OPTIONAL { ?doc dcterms:issued ?issued }
  OPTIONAL { ?doc aims:reviewDue ?due }
  OPTIONAL { ?link aims:forSystem ?sys }
  OPTIONAL { ?doc a ?op FILTER(?op = aims:OperatingEvidence) }
}
"""
EXCLUDED_QUERY = """
SELECT ?control ?applicable WHERE {
  ?row a aims:ApplicabilityDecision ; aims:control ?control ; aims:applicable ?applicable
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


@dataclass(frozen=True)
class CoverageCell:
    """Coverage of one requirement, organisation-wide (system None) or for one AI system."""

    requirement: str
    system: str | None
    status: Status
    evidence: tuple[EvidenceRef, ...]


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

    def group_summary(self) -> list[GroupSummary]:
        """Per top clause 4..10 and per Annex A objective: leaf requirements covered / needing coverage."""
        children = _children(self.requirements)
        out = []
        for req in self.requirements:
            if req.parent is None:
                leaves = [leaf for leaf in _leaves(req.id, children) if leaf != req.id or not children[req.id]]
                statuses = [self.cells[(leaf, None)].status for leaf in leaves]
                required = sum(1 for s in statuses if s != "excluded")
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


def _ref(row: Row, as_of: date) -> EvidenceRef | None:
    """The evidence reference of one link row, or None when the link did not exist yet on `as_of`."""
    _, _, doc, docid, title, method, decided, issued, due, _, op, passage, reviewer = row
    day = as_of.isoformat()
    if decided is not None and str(decided)[:10] > day:
        return None
    if issued is not None and str(issued) > day:
        return None
    return EvidenceRef(
        evidence=str(docid) if docid is not None else local_id(str(doc)),
        title=str(title) if title is not None else local_id(str(doc)),
        nature="operating" if op is not None else "design",
        method="reviewed" if method is not None and str(method).endswith("Reviewed") else "manual",
        current=due is None or str(due) >= day,
        passage=_text(passage),
        reviewer=local_id(str(reviewer)) if reviewer is not None else None,
        decided=_text(decided),
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
    needed = [s for s in statuses if s != "excluded"]
    if not needed:
        return "excluded"
    for worst in ("missing", "stale", "design-only"):
        if worst in needed:
            return worst
    return "covered"


def link_refs(store: Store, as_of: date) -> dict[tuple[str, str | None], set[EvidenceRef]]:
    """Accepted links existing on `as_of`, by (requirement id, system id or None for org-wide links)."""
    refs: dict[tuple[str, str | None], set[EvidenceRef]] = defaultdict(set)
    for row in rows(store, LINKS_QUERY):
        ref = _ref(row, as_of)
        if ref is not None:
            system = local_id(str(row[9])) if row[9] is not None else None
            refs[(local_id(str(row[1])), system)].add(ref)
    return refs


def excluded_controls(store: Store) -> set[str]:
    """Controls the SoA marks not applicable."""
    return {local_id(str(c)) for c, a in rows(store, EXCLUDED_QUERY) if str(a).lower() in ("false", "0")}


def coverage_matrix(store: Store, as_of: date | None = None) -> CoverageMatrix:
    """Coverage of every clause and control, organisation-wide and per AI system, on `as_of` (default today)."""
    day = as_of or date.today()
    requirements = list(load_requirements())
    systems = sorted(str(row[0]) for row in rows(store, SYSTEMS_QUERY))
    refs, excluded = link_refs(store, day), excluded_controls(store)
    matrix = CoverageMatrix(day, requirements, systems)
    children = _children(requirements)
    by_requirement: dict[str, set[EvidenceRef]] = defaultdict(set)
    for (req_id, _), found in refs.items():
        by_requirement[req_id] |= found
    for req in reversed(requirements):  # children come after parents in catalog order
        for system in (None, *systems):
            if children[req.id]:
                status = _rollup([matrix.cells[(c, system)].status for c in children[req.id]])
                matrix.cells[(req.id, system)] = CoverageCell(req.id, system, status, ())
                continue
            if system is None:
                cell_refs = by_requirement.get(req.id, set())
            else:
                cell_refs = refs.get((req.id, None), set()) | refs.get((req.id, system), set())
            status = _status(cell_refs, req.kind == "control", req.id in excluded)
            ordered = tuple(sorted(cell_refs, key=lambda r: (not r.current, r.evidence)))
            matrix.cells[(req.id, system)] = CoverageCell(req.id, system, status, ordered)
    return matrix
