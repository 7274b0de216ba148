"""Closed namespace of the aimsgraph coverage view. Generated from ontology/view.ttl:
python -m aimsgraph.vocabulary view > aimsgraph/vocabulary/_view.py. Do not edit by hand."""

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef


class VIEW(DefinedNamespace):
    """aimsgraph coverage view; an unknown term raises instead of minting a new IRI."""

    _fail = True

    CoverageView: URIRef
    OverdueDocument: URIRef
    RequirementCoverage: URIRef
    ScopeCoverage: URIRef
    SystemCoverage: URIRef
    applicable: URIRef
    asOf: URIRef
    computed: URIRef
    covered: URIRef
    current: URIRef
    designOnly: URIRef
    document: URIRef
    evidence: URIRef
    excluded: URIRef
    excludedCount: URIRef
    issued: URIRef
    kind: URIRef
    leaf: URIRef
    missing: URIRef
    name: URIRef
    notApplicable: URIRef
    operating: URIRef
    order: URIRef
    parent: URIRef
    percent: URIRef
    reason: URIRef
    required: URIRef
    requirement: URIRef
    reviewDue: URIRef
    scope: URIRef
    stale: URIRef
    status: URIRef
    supports: URIRef
    system: URIRef
    title: URIRef

    _NS = Namespace("https://w3id.org/aimsgraph/view#")
