"""Generate the closed DefinedNamespace modules of our vocabularies from their ontology files."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import OWL, RDF, Graph, URIRef

from aimsgraph.vocabulary.resources import ontology_file

_TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


@dataclass(frozen=True)
class Vocabulary:
    """One of our namespaces: its class name in Python, its ontology file, its IRI and its generated module."""

    name: str
    file: str
    namespace: str
    module: str
    about: str


AIMS_VOCABULARY = Vocabulary("AIMS", "aims.ttl", "https://w3id.org/aimsgraph/ns#", "_aims", "aimsgraph vocabulary")
VIEW_VOCABULARY = Vocabulary("VIEW", "view.ttl", "https://w3id.org/aimsgraph/view#", "_view", "aimsgraph coverage view")
VOCABULARIES = {v.module.strip("_"): v for v in (AIMS_VOCABULARY, VIEW_VOCABULARY)}
NS = AIMS_VOCABULARY.namespace


def vocabulary_graph(vocabulary: Vocabulary = AIMS_VOCABULARY) -> Graph:
    """A vocabulary's ontology file as an rdflib graph."""
    graph = Graph()
    graph.parse(data=ontology_file(vocabulary.file).read_text(encoding="utf-8"), format="turtle")
    return graph


def vocabulary_terms(graph: Graph | None = None, vocabulary: Vocabulary = AIMS_VOCABULARY) -> list[str]:
    """Local names of every term the namespace defines: classes, properties and named individuals."""
    graph = graph if graph is not None else vocabulary_graph(vocabulary)
    ns = vocabulary.namespace
    terms = {
        str(s)[len(ns) :] for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(ns)
    }
    return sorted(terms)


def render_namespace_module(graph: Graph | None = None, vocabulary: Vocabulary = AIMS_VOCABULARY) -> str:
    """Python source of aimsgraph/vocabulary/<module>.py; a test checks each committed file equals this."""
    key = vocabulary.module.strip("_")
    lines = [
        f'"""Closed namespace of the {vocabulary.about}. Generated from ontology/{vocabulary.file}:',
        f'python -m aimsgraph.vocabulary {key} > aimsgraph/vocabulary/{vocabulary.module}.py. Do not edit by hand."""',
        "",
        "from rdflib.namespace import DefinedNamespace, Namespace",
        "from rdflib.term import URIRef",
        "",
        "",
        f"class {vocabulary.name}(DefinedNamespace):",
        f'    """{vocabulary.about}; an unknown term raises instead of minting a new IRI."""',
        "",
        "    _fail = True",
        "",
    ]
    lines += [f"    {term}: URIRef" for term in vocabulary_terms(graph, vocabulary)]
    lines += ["", f'    _NS = Namespace("{vocabulary.namespace}")', ""]
    return "\n".join(lines)
