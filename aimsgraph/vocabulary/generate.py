"""Generate the closed DefinedNamespace module for our vocabulary from ontology/aims.ttl."""

from __future__ import annotations

from rdflib import OWL, RDF, Graph, URIRef

from aimsgraph.vocabulary.resources import ontology_file

NS = "https://w3id.org/aimsgraph/ns#"
_TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


def vocabulary_graph() -> Graph:
    """The vocabulary (aims.ttl) as an rdflib graph."""
    graph = Graph()
    graph.parse(data=ontology_file("aims.ttl").read_text(encoding="utf-8"), format="turtle")
    return graph


def vocabulary_terms(graph: Graph | None = None) -> list[str]:
    """Local names of every term our namespace defines: classes, properties and named individuals."""
    graph = graph if graph is not None else vocabulary_graph()
    terms = {
        str(s)[len(NS) :] for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(NS)
    }
    return sorted(terms)


def render_namespace_module(graph: Graph | None = None) -> str:
    """Python source of aimsgraph/vocabulary/_aims.py; a test checks the committed file equals this."""
    lines = [
        '"""Closed namespace of the aimsgraph vocabulary. Generated from ontology/aims.ttl:',
        'python -m aimsgraph.vocabulary > aimsgraph/vocabulary/_aims.py. Do not edit by hand."""',
        "",
        "from rdflib.namespace import DefinedNamespace, Namespace",
        "from rdflib.term import URIRef",
        "",
        "",
        "class AIMS(DefinedNamespace):",
        '    """aimsgraph vocabulary; an unknown term raises instead of minting a new IRI."""',
        "",
        "    _fail = True",
        "",
    ]
    lines += [f"    {term}: URIRef" for term in vocabulary_terms(graph)]
    lines += ["", f'    _NS = Namespace("{NS}")', ""]
    return "\n".join(lines)
