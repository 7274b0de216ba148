"""Checks that a validation report in RDF is the SHACL validation report pyshacl writes for the same data and shapes."""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from pyshacl.validator_conformance import compare_validation_reports
from rdflib import Graph
from rdflib.extras.shacl import parse_shacl_path
from rdflib.namespace import RDF

from aimsgraph.rules.findings import SH
from aimsgraph.vocabulary.namespaces import AIMS

REQUIRED = (SH.focusNode, SH.resultSeverity, SH.sourceConstraintComponent, SH.sourceShape, SH.resultMessage)


def result_tuples(graph: Graph) -> Counter[tuple[Any, ...]]:
    """(focus, path, value, severity, component, source shape) of every result, paths read as rdflib paths."""
    found: Counter[tuple[Any, ...]] = Counter()
    for result in graph.subjects(RDF.type, SH.ValidationResult):
        path = graph.value(result, SH.resultPath)
        parts = (SH.focusNode, SH.value, SH.resultSeverity, SH.sourceConstraintComponent, SH.sourceShape)
        focus, value, *rest = (graph.value(result, p) for p in parts)
        found[(focus, None if path is None else parse_shacl_path(graph, path), value, *rest)] += 1
    return found


def _without(graph: Graph, drop: Any) -> Graph:
    kept = Graph()
    kept += ((s, p, o) for s, p, o in graph if not drop(p))
    return kept


def assert_same_report(ours: Graph, theirs: Graph) -> None:
    """Ours is complete (every required property on every result) and says what pyshacl's report says."""
    (report,) = ours.subjects(RDF.type, SH.ValidationReport)
    (expected,) = theirs.subjects(RDF.type, SH.ValidationReport)
    assert ours.value(report, SH.conforms) == theirs.value(expected, SH.conforms)
    results = list(ours.objects(report, SH.result))
    for result in results:
        assert (result, RDF.type, SH.ValidationResult) in ours
        assert all(ours.value(result, p) is not None for p in REQUIRED), result
    assert result_tuples(ours) == result_tuples(theirs) and len(results) == sum(result_tuples(ours).values())
    # pyshacl's own comparison on the SHACL part: our annotations (rule, id, fix) and filled-in messages aside,
    # and pyshacl's sh:sourceConstraint (a blank node of its shapes graph, not a property a result must carry)
    shacl_part = _without(ours, lambda p: str(p).startswith(str(AIMS._NS)))
    reference = _without(theirs, lambda p: p in (SH.sourceConstraint, SH.resultMessage))
    assert compare_validation_reports(shacl_part, reference, expected, logging.getLogger(__name__))
