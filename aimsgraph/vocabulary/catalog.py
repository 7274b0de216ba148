"""The shipped ISO/IEC 42001 catalog and ISO/IEC 22989 roles, as RDF and as typed records."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef

from aimsgraph.vocabulary.namespaces import AIMS, ISO, ROLE, requirement_id
from aimsgraph.vocabulary.resources import ONTOLOGY_FILES, ontology_file

KINDS = {AIMS.Clause: "clause", AIMS.ControlObjective: "objective", AIMS.Control: "control"}


@dataclass(frozen=True)
class Requirement:
    """One clause, Annex A objective or control, with the text suggestions match against."""

    id: str
    kind: str
    title: str
    parent: str | None
    order: int
    description: str
    design_evidence: tuple[str, ...]
    operating_evidence: tuple[str, ...]
    keywords: tuple[str, ...]
    roles: tuple[str, ...]

    @property
    def iri(self) -> URIRef:
        return ISO[self.id]

    @property
    def label(self) -> str:
        return f"{self.id} {self.title}"


def catalog_text() -> str:
    """The shipped Turtle of vocabulary, roles and catalog, concatenated."""
    return "\n".join(ontology_file(name).read_text(encoding="utf-8") for name in ONTOLOGY_FILES)


def catalog_fingerprint() -> str:
    """A hash of the shipped catalog files; the store reloads the catalog when it changes."""
    return hashlib.sha256(catalog_text().encode("utf-8")).hexdigest()[:16]


@lru_cache(maxsize=1)
def catalog_graph() -> Graph:
    """Vocabulary + roles + ISO 42001 catalog as one graph (cached; do not mutate)."""
    graph = Graph()
    for name in ONTOLOGY_FILES:
        graph.parse(data=ontology_file(name).read_text(encoding="utf-8"), format="turtle")
    return graph


def _texts(graph: Graph, node: URIRef, prop: URIRef) -> tuple[str, ...]:
    return tuple(sorted(str(v) for v in graph.objects(node, prop)))


@lru_cache(maxsize=1)
def load_requirements() -> tuple[Requirement, ...]:
    """Every requirement of the catalog, in the standard's order."""
    graph = catalog_graph()
    found: list[Requirement] = []
    for cls, kind in KINDS.items():
        for node in graph.subjects(RDF.type, cls):
            assert isinstance(node, URIRef)
            parent = graph.value(node, SKOS.broader)
            order = graph.value(node, AIMS.order)
            found.append(
                Requirement(
                    id=str(graph.value(node, AIMS.id)),
                    kind=kind,
                    title=str(graph.value(node, RDFS.label)),
                    parent=requirement_id(str(parent)) if parent else None,
                    order=int(order) if isinstance(order, Literal) else 0,
                    description=str(graph.value(node, AIMS.description) or ""),
                    design_evidence=_texts(graph, node, AIMS.designEvidence),
                    operating_evidence=_texts(graph, node, AIMS.operatingEvidence),
                    keywords=_texts(graph, node, AIMS.keyword),
                    roles=tuple(sorted(str(r)[len(str(ROLE)) :] for r in graph.objects(node, AIMS.relevantRole))),
                )
            )
    return tuple(sorted(found, key=lambda r: r.order))


def requirements_by_id() -> dict[str, Requirement]:
    """Requirements keyed by id."""
    return {r.id: r for r in load_requirements()}


def leaf_clause_ids() -> list[str]:
    """Clauses with no sub-clauses: the ones that need evidence of their own."""
    reqs = load_requirements()
    parents = {r.parent for r in reqs if r.parent}
    return [r.id for r in reqs if r.kind == "clause" and r.id not in parents]


def control_ids() -> list[str]:
    """The Annex A controls, in order."""
    return [r.id for r in load_requirements() if r.kind == "control"]


@lru_cache(maxsize=1)
def role_names() -> dict[str, URIRef]:
    """Every name a role goes by (notation, preferred and alternative labels), lower-cased, to its concept."""
    graph = catalog_graph()
    names: dict[str, URIRef] = {}
    for role in graph.subjects(RDF.type, AIMS.Role):
        assert isinstance(role, URIRef)
        for prop in (SKOS.notation, SKOS.prefLabel, SKOS.altLabel, RDFS.label):
            for label in graph.objects(role, prop):
                names[str(label).strip().lower()] = role
    return names


def resolve_role(name: str) -> URIRef | None:
    """The role concept a user's name for it means ('AI User' -> role:customer), or None."""
    return role_names().get(" ".join(name.split()).lower())
