"""Shape cases: for each rule, a violating and a conforming fragment; both engines must agree (pyshacl on a few)."""

from __future__ import annotations

from datetime import date

import pytest
from rdflib import Graph

from aimsgraph.catalog import catalog_graph
from aimsgraph.namespaces import GraphName
from aimsgraph.store import Store
from aimsgraph.validation import validate_store

PREFIXES = """
@prefix aims: <https://w3id.org/aimsgraph/ns#> .
@prefix iso: <https://w3id.org/aimsgraph/iso42001/> .
@prefix role: <https://w3id.org/aimsgraph/role/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
"""
SYSTEM = """<urn:aims:system:s1> a aims:AISystem ; aims:id "s1" ; aims:owner <urn:aims:person:p> ;
  aims:intendedUse "x" ; aims:lifecycleStage aims:StageDesign ; aims:hasRole role:provider ;
  aims:impactAssessment <urn:aims:evidence:ia> .
<urn:aims:risk:R1> a aims:Risk ; aims:id "R1" ; aims:system <urn:aims:system:s1> ."""
SOA_OFF = """<urn:aims:soa:A.7.3> a aims:ApplicabilityDecision ; aims:id "A.7.3" ; aims:control iso:A.7.3 ;
  aims:applicable false"""
RISK = """<urn:aims:risk:R2> a aims:Risk ; aims:id "R2" ; aims:owner <urn:aims:person:p> ;
  aims:likelihood 4 ; aims:impact 4 ; aims:riskScore 16 ; aims:treatment <urn:aims:treatment:R2> .
<urn:aims:org:o> aims:riskThreshold 12 .
<urn:aims:treatment:R2> aims:treatmentOption aims:Accept"""
EVIDENCE = """<urn:aims:evidence:e1> a aims:Document, aims:OperatingEvidence ; aims:id "e1" ;
  aims:owner <urn:aims:person:p> ; aims:reviewInterval "P1Y"^^xsd:duration ; dcterms:issued "2026-01-01"^^xsd:date"""

# (rule, violating fragment, conforming fragment, focus of the finding)
CASES = [
    ("soa-exclusion-justified", SOA_OFF + " .", SOA_OFF + ' ; aims:justification "n/a" .', "A.7.3"),
    ("system-lifecycle", SYSTEM.replace("aims:lifecycleStage aims:StageDesign ;", ""), SYSTEM, "s1"),
    ("system-owner", SYSTEM.replace("aims:owner <urn:aims:person:p> ;", ""), SYSTEM, "s1"),
    (
        "system-impact-assessment",
        SYSTEM.replace(" ;\n  aims:impactAssessment <urn:aims:evidence:ia>", ""),
        SYSTEM,
        "s1",
    ),
    ("system-risk", SYSTEM.split("\n<urn:aims:risk")[0], SYSTEM, "s1"),
    ("risk-acceptance", RISK + " .", RISK + " . <urn:aims:risk:R2> aims:acceptedBy <urn:aims:person:p> .", "R2"),
    ("evidence-issued", EVIDENCE.replace(' ; dcterms:issued "2026-01-01"^^xsd:date', "") + " .", EVIDENCE + " .", "e1"),
    (
        "evidence-stale",
        EVIDENCE + ' ; aims:reviewDue "2026-06-01"^^xsd:date .',
        EVIDENCE + ' ; aims:reviewDue "2027-01-01"^^xsd:date .',
        "e1",
    ),
    (
        "role-lifecycle-controls",
        SYSTEM.replace("role:provider", "role:producer") + "\n" + SOA_OFF.replace("A.7.3", "A.6.2.2") + " .",
        SYSTEM + "\n" + SOA_OFF.replace("A.7.3", "A.6.2.2") + " .",
        "s1",
    ),
]


def _store(fragment: str) -> Store:
    store = Store.in_memory()
    store.replace_graph(GraphName.CATALOG, catalog_graph())
    store.replace_graph(GraphName.ORG, Graph().parse(data=PREFIXES + fragment, format="turtle"))
    return store


def _hits(fragment: str, rule: str, engine: str = "fast") -> set[str]:
    report = validate_store(_store(fragment), date(2026, 11, 23), engine="pyshacl" if engine == "pyshacl" else "fast")
    return {f.focus for f in report.findings if f.rule == rule}


@pytest.mark.parametrize(("rule", "bad", "good", "focus"), CASES, ids=[c[0] for c in CASES])
def test_rule_fires_only_on_the_violating_case(rule: str, bad: str, good: str, focus: str) -> None:
    assert _hits(bad, rule) == {focus}
    assert _hits(good, rule) == set()


def test_pyshacl_agrees_on_a_case() -> None:
    rule, bad, _, focus = CASES[5]
    assert _hits(bad, rule, "pyshacl") == {focus}
