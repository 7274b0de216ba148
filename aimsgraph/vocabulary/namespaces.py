"""Namespaces, named-graph IRIs and the IRI scheme for organisation facts."""

from __future__ import annotations

from enum import StrEnum
from urllib.parse import quote

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from aimsgraph.vocabulary._aims import AIMS
from aimsgraph.vocabulary._view import VIEW

__all__ = [
    "AIMS",
    "DERIVED_FROM",
    "FRAMEWORK",
    "ISO",
    "PREFIXES",
    "ROLE",
    "VIEW",
    "GraphName",
    "change_file_iri",
    "change_iri",
    "control_iri",
    "file_record_iri",
    "framework_iri",
    "local_id",
    "mapping_iri",
    "org_iri",
    "requirement_id",
    "requirement_iri",
    "view_iri",
]

ISO = Namespace("https://w3id.org/aimsgraph/iso42001/")
ROLE = Namespace("https://w3id.org/aimsgraph/role/")
FRAMEWORK = ISO["ISO42001"]

PREFIXES: dict[str, Namespace] = {
    "aims": Namespace(str(AIMS._NS)),
    "iso": ISO,
    "role": ROLE,
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "owl": Namespace(str(OWL)),
    "xsd": Namespace(str(XSD)),
    "skos": Namespace(str(SKOS)),
    "dcterms": Namespace(str(DCTERMS)),
    "prov": Namespace(str(PROV)),
    "view": Namespace(str(VIEW._NS)),
}


class GraphName(StrEnum):
    """The named graphs of a workspace store (DESIGN.md)."""

    CATALOG = "catalog"
    ORG = "org"
    DOCUMENTS = "documents"
    SUGGESTIONS = "suggestions"
    REVIEWS = "reviews"
    HISTORY = "history"
    FRAMEWORKS = "frameworks"  # other frameworks' controls as SKOS concept schemes (aimsgraph.crosswalk)
    MAPPINGS = "mappings"  # crosswalk mappings from those controls to requirements, with provenance
    COVERAGE = "coverage"  # derived: the coverage view (ontology/view.ttl), recomputed from DERIVED_FROM's graphs

    @property
    def iri(self) -> URIRef:
        return URIRef(f"urn:aims:graph:{self.value}")


# Derived graphs and the graphs each is computed from: a write to a source drops the derived graph in the same
# transaction (Store.update), so it is never read stale. Suggestions and history never count as coverage.
DERIVED_FROM: dict[GraphName, tuple[GraphName, ...]] = {
    GraphName.COVERAGE: (GraphName.CATALOG, GraphName.ORG, GraphName.DOCUMENTS, GraphName.REVIEWS),
}


def view_iri(kind: str, key: str) -> URIRef:
    """IRI of a node of the coverage view: urn:aims:coverage:<kind>:<key> (requirement, system, document)."""
    return URIRef(f"urn:aims:coverage:{kind}:{quote(key, safe='._-')}")


def change_iri(ident: str) -> URIRef:
    """IRI of a change set of the org facts (history graph): urn:aims:change:<id>."""
    return URIRef(f"urn:aims:change:{quote(ident, safe='._-')}")


def change_file_iri(ident: str, number: int) -> URIRef:
    """IRI of the n-th fact file a change set loaded: urn:aims:change:<id>:file:<n>."""
    return URIRef(f"{change_iri(ident)}:file:{number}")


def file_record_iri(evidence_id: str, stamp: str) -> URIRef:
    """IRI of a recorded hash of an evidence file (history graph): urn:aims:file-record:<evidence id>.<time>."""
    return URIRef(f"urn:aims:file-record:{quote(evidence_id, safe='._-')}.{stamp}")


def framework_iri(framework: str) -> URIRef:
    """IRI of an imported framework (a skos:ConceptScheme): urn:aims:framework:<id>."""
    return URIRef(f"urn:aims:framework:{quote(framework, safe='._-')}")


def control_iri(framework: str, control: str) -> URIRef:
    """IRI of a control of an imported framework: urn:aims:framework:<framework id>/<control id>."""
    return URIRef(f"{framework_iri(framework)}/{quote(control, safe='._-')}")


def mapping_iri(framework: str, control: str, requirement: str) -> URIRef:
    """IRI of a mapping from a framework's control to a requirement (one per pair, whatever its relation)."""
    return URIRef(f"urn:aims:mapping:{quote(framework, safe='._-')}/{quote(control, safe='._-')}/{requirement}")


def requirement_iri(requirement_id: str) -> URIRef:
    """IRI of a catalog requirement from its id (4.1, A.6.2.8, A.6)."""
    return ISO[requirement_id]


def requirement_id(iri: str) -> str:
    """The id of a catalog requirement IRI (inverse of requirement_iri)."""
    return iri[len(str(ISO)) :] if iri.startswith(str(ISO)) else iri


def org_iri(kind: str, ident: str) -> URIRef:
    """IRI of an organisation fact: urn:aims:<kind>:<id>."""
    return URIRef(f"urn:aims:{kind}:{ident}")


def local_id(iri: str) -> str:
    """The workspace id behind any IRI we mint: requirement id, or the last part of urn:aims:<kind>:<id>."""
    if iri.startswith(str(ISO)):
        return requirement_id(iri)
    if iri.startswith(str(ROLE)):
        return iri[len(str(ROLE)) :]
    if iri.startswith("urn:aims:"):
        return iri.split(":", 3)[3] if iri.count(":") >= 3 else iri
    return iri
