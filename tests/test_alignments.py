"""Alignments to outside vocabularies: the kinds match (class to class, literal-valued property to literal-valued
property ...), domains and ranges fit, and version links run the way the outside term says in the data we write."""

from __future__ import annotations

import hashlib
from pathlib import Path

from rdflib import OWL, RDF, RDFS, SKOS, Graph, Namespace, URIRef
from rdflib.term import Node

from aimsgraph.vocabulary.namespaces import AIMS
from aimsgraph.vocabulary.resources import ontology_file
from aimsgraph.workspace import Workspace
from tests.conftest import FIXTURES, run_cli

EX = Namespace("https://w3id.org/aimsgraph/tests#")
OURS = "https://w3id.org/aimsgraph/"
CLASS_LINKS = {RDFS.subClassOf, OWL.equivalentClass}
PROPERTY_LINKS = {RDFS.subPropertyOf, OWL.equivalentProperty}
MATCHES = {SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch}
VALUES = {OWL.DatatypeProperty: EX.literals, OWL.ObjectProperty: EX.resources, OWL.AnnotationProperty: EX.either}


def vocabulary() -> Graph:
    graph = Graph()
    for name in ("aims.ttl", "roles.ttl"):
        graph.parse(data=ontology_file(name).read_text(encoding="utf-8"), format="turtle")
    return graph


def outside_terms() -> Graph:
    return Graph().parse(FIXTURES / "aligned-terms.ttl", format="turtle")


def kind(graph: Graph, term: Node) -> str:
    """'class', 'concept', 'property' or '' (not described)."""
    types = set(graph.objects(term, RDF.type))
    if OWL.Class in types:
        return "class"
    if types & set(VALUES):
        return "property"
    return "concept" if types else ""  # a named individual: our roles and DPV's actors are SKOS concepts


def values(graph: Graph, term: Node) -> Node | None:
    """What a property takes (literals, resources or either): declared for outside terms, from the type for ours."""
    declared = graph.value(term, EX["values"])
    return declared or next((VALUES[t] for t in graph.objects(term, RDF.type) if t in VALUES), None)


def within(graph: Graph, narrower: Node | None, broader: Node) -> bool:
    return narrower is not None and broader in set(graph.transitive_objects(narrower, RDFS.subClassOf))


def _property_errors(graph: Graph, ours: Node, link: Node, theirs: Node) -> list[str]:
    mine, their_values = values(graph, ours), values(graph, theirs)
    errors = [] if their_values in (EX.either, mine) else [f"{ours} ({mine}) {link} {theirs} ({their_values})"]
    if link == RDFS.subPropertyOf:
        for side in (RDFS.domain, RDFS.range):
            bound = graph.value(theirs, side)
            if bound is not None and not within(graph, graph.value(ours, side), bound):
                errors.append(f"{ours} {side}: not within {bound}, the {side} of {theirs}")
    return errors


def alignment_errors(graph: Graph) -> list[str]:
    """Every alignment from our term to an outside term that does not hold, one line each."""
    errors: list[str] = []
    for ours, link, theirs in graph:
        if link not in CLASS_LINKS | PROPERTY_LINKS | MATCHES or not str(ours).startswith(OURS):
            continue
        if str(theirs).startswith(OURS):
            continue
        mine, their_kind = kind(graph, ours), kind(graph, theirs)
        if not their_kind:
            errors.append(f"{theirs}: not described in tests/fixtures/aligned-terms.ttl")
        elif link in CLASS_LINKS and (mine, their_kind) != ("class", "class"):
            errors.append(f"{ours} ({mine}) {link} {theirs} ({their_kind}): both must be classes")
        elif mine != their_kind:
            errors.append(f"{ours} ({mine}) {link} {theirs} ({their_kind}): different kinds of term")
        elif mine == "property":
            errors += _property_errors(graph, ours, link, theirs)
    return errors


def test_every_alignment_holds() -> None:
    assert alignment_errors(vocabulary() + outside_terms()) == []


def test_the_check_catches_wrong_alignments() -> None:
    wrong = Graph().parse(
        data="""
        @prefix aims: <https://w3id.org/aimsgraph/ns#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix prov: <http://www.w3.org/ns/prov#> . @prefix airo: <https://w3id.org/airo#> .
        @prefix ex: <https://w3id.org/aimsgraph/tests#> . @prefix dcterms: <http://purl.org/dc/terms/> .
        aims:intendedUse a owl:DatatypeProperty ; skos:closeMatch airo:hasPurpose .
        aims:note a owl:DatatypeProperty ; rdfs:subPropertyOf prov:wasAttributedTo .
        aims:ownedBy a owl:ObjectProperty ; rdfs:subPropertyOf prov:wasAttributedTo ; rdfs:domain aims:Person .
        aims:code a owl:ObjectProperty ; rdfs:subPropertyOf dcterms:identifier .
        aims:Thing a owl:Class ; rdfs:subClassOf prov:wasRevisionOf .
        aims:Other a owl:Class ; rdfs:subClassOf <https://example.org/unknown#Class> .
        """,
        format="turtle",
    )
    errors = alignment_errors(wrong + vocabulary() + outside_terms())
    terms = ("ns#intendedUse ", "ns#note ", "ns#ownedBy ", "ns#code ", "ns#Thing ", "unknown#Class")
    assert all(any(term in line for line in errors) for term in terms), errors
    assert all(any(line.startswith(t.strip()) or t in line for t in terms) for line in errors), errors


def test_version_links_run_the_way_their_outside_terms_say(mini_dir: Path) -> None:
    """Old -> new for a dcterms:isReplacedBy, new -> old for a prov:wasRevisionOf, on what ingest writes."""
    policy = mini_dir / "documents" / "ai-policy.md"
    assert run_cli("-w", str(mini_dir), "ingest").exit_code == 0
    old = hashlib.sha256(policy.read_bytes()).hexdigest()
    policy.write_text(policy.read_text(encoding="utf-8") + "\n\nA new paragraph on AI event logs.\n", encoding="utf-8")
    new = hashlib.sha256(policy.read_bytes()).hexdigest()
    assert run_cli("-w", str(mini_dir), "ingest").exit_code == 0
    direction = dict(_directed(vocabulary() + outside_terms()))
    workspace = Workspace.open(mini_dir)
    try:
        rows = workspace.store.select(
            """SELECT ?p ?from ?to WHERE { GRAPH <urn:aims:graph:documents> { ?s ?p ?o .
              ?s a aims:DocumentVersion ; aims:sha256 ?from . ?o a aims:DocumentVersion ; aims:sha256 ?to } }"""
        )
    finally:
        workspace.close()
    seen = {EX.olderToNewer: 0, EX.newerToOlder: 0}
    for prop, start, end in rows:
        if URIRef(str(prop)) in direction:
            mark = direction[URIRef(str(prop))]
            assert (str(start), str(end)) == ((old, new) if mark == EX.olderToNewer else (new, old)), prop
            seen[mark] += 1
    assert seen == {EX.olderToNewer: 1, EX.newerToOlder: 1}


def test_no_treatment_that_accepts_or_transfers_is_a_mitigation_measure(demo: Workspace) -> None:
    graph = vocabulary() + outside_terms()
    rows = demo.store.select(
        "SELECT ?t ?type ?option WHERE { GRAPH <urn:aims:graph:org> { ?t a ?type ; aims:treatmentOption ?option } }"
    )
    options = {str(option) for _t, _type, option in rows}
    assert {str(AIMS.Accept), str(AIMS.Transfer), str(AIMS.Mitigate)} <= options  # the demo has each kind
    for _t, typ, option in rows:
        for cls in graph.transitive_objects(URIRef(str(typ)), RDFS.subClassOf):
            assert URIRef(str(option)) not in set(graph.objects(cls, EX.notForOption)), (typ, cls, option)


def test_stored_data_uses_each_property_as_declared(suggested_demo_dir: Path) -> None:
    """Datatype properties hold literals and object properties resources, in every graph loader, ingest and
    suggest write (the demo, ingested and suggested)."""
    graph = vocabulary()
    literal_valued = {str(p) for p in graph.subjects(RDF.type, OWL.DatatypeProperty)}
    resource_valued = {str(p) for p in graph.subjects(RDF.type, OWL.ObjectProperty)}
    workspace = Workspace.open(suggested_demo_dir)
    try:
        rows = workspace.store.select(
            "SELECT ?p (SUM(IF(isLiteral(?o), 1, 0)) AS ?literals) (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } "
            "GROUP BY ?p"
        )
    finally:
        workspace.close()
    counts = {str(p): (int(literals), int(n)) for p, literals, n in rows}
    assert len(set(counts) & literal_valued) > 20 and len(set(counts) & resource_valued) > 20
    assert [p for p in literal_valued & set(counts) if counts[p][0] != counts[p][1]] == []
    assert [p for p in resource_valued & set(counts) if counts[p][0] != 0] == []


def _directed(graph: Graph) -> list[tuple[URIRef, Node]]:
    """Each property with a version direction, its own or inherited through rdfs:subPropertyOf."""
    found = []
    for prop in set(graph.subjects(RDF.type, OWL.ObjectProperty)):
        for ancestor in graph.transitive_objects(prop, RDFS.subPropertyOf):
            if (mark := graph.value(ancestor, EX.direction)) is not None:
                found.append((URIRef(str(prop)), mark))
    return found
