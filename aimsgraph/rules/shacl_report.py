"""A validation report as RDF: a complete SHACL validation report, as pyshacl would write it for the same data and
shapes, with our rule id, the focus's workspace id and the fix added to each result."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.extras.shacl import build_shacl_path
from rdflib.namespace import RDF

from aimsgraph.rules.findings import SH, Finding, ValidationReport
from aimsgraph.vocabulary.namespaces import AIMS


def report_graph(report: ValidationReport) -> Graph:
    """An sh:ValidationReport (sh:conforms, one sh:ValidationResult per finding)."""
    graph = Graph()
    graph.bind("sh", SH)
    graph.bind("aims", str(AIMS._NS))
    root = BNode()
    graph.add((root, RDF.type, SH.ValidationReport))
    graph.add((root, SH.conforms, Literal(report.conforms)))
    for finding in report.findings:
        graph.add((root, SH.result, _result(graph, finding)))
    return graph


def _result(graph: Graph, finding: Finding) -> BNode:
    node = BNode()
    shape = BNode(finding.shape[2:]) if finding.shape.startswith("_:") else URIRef(finding.shape)
    graph.add((node, RDF.type, SH.ValidationResult))
    graph.add((node, SH.focusNode, finding.node))
    graph.add((node, SH.resultSeverity, finding.severity.iri))
    graph.add((node, SH.sourceConstraintComponent, finding.component))
    graph.add((node, SH.sourceShape, shape))
    graph.add((node, SH.resultMessage, Literal(finding.message)))
    if finding.value is not None:
        graph.add((node, SH.value, finding.value))
    if finding.path is not None:
        graph.add((node, SH.resultPath, build_shacl_path(finding.path, graph)[0]))
    for prop, text in ((AIMS.rule, finding.rule), (AIMS.id, finding.focus), (AIMS.remediation, finding.fix)):
        graph.add((node, prop, Literal(text)))
    return node
