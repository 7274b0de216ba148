"""Checked records to RDF triples in the org graph (see docs/model.md for the shape)."""

from __future__ import annotations

import re
from typing import Any

from rdflib import RDF, RDFS, XSD, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV
from rdflib.term import Node

from aimsgraph.facts.checking import Record, RoleEntry
from aimsgraph.facts.schema import DESIGN_KINDS, add_duration, parse_duration
from aimsgraph.vocabulary.namespaces import AIMS, ROLE, org_iri, requirement_iri

Triple = tuple[Node, Node, Node]
Triples = set[Triple]  # a set, not an rdflib Graph: adding to a Graph was a third of a large load
DEFAULT_RISK_THRESHOLD = 12
STAGES = {
    "inception": AIMS.StageInception,
    "design": AIMS.StageDesign,
    "development": AIMS.StageDevelopment,
    "verification": AIMS.StageVerification,
    "deployment": AIMS.StageDeployment,
    "operation": AIMS.StageOperation,
    "retirement": AIMS.StageRetirement,
}
TREATMENTS = {"mitigate": AIMS.Mitigate, "accept": AIMS.Accept, "avoid": AIMS.Avoid, "transfer": AIMS.Transfer}
STATUSES = {
    "implemented": AIMS.Implemented,
    "partial": AIMS.Partial,
    "planned": AIMS.Planned,
    "not_started": AIMS.NotStarted,
}


def _text(graph: Triples, node: URIRef, prop: URIRef, value: Any) -> None:
    if value is not None:
        graph.add((node, prop, Literal(value)))


def _ref(graph: Triples, node: URIRef, prop: URIRef, kind: str, value: str | None) -> None:
    if value:
        graph.add((node, prop, org_iri(kind, value)))


def records_to_triples(tables: dict[str, list[Record]]) -> Triples:
    """The org graph's triples for all checked tables."""
    graph: Triples = set()
    _organization(graph, tables["organization"])
    for record in tables["people"]:
        _person(graph, record)
    impact_assessments = {r.get("impact_assessment") for r in tables["ai_systems"]} - {None}
    for record in tables["ai_systems"]:
        _system(graph, record)
    for record in tables["risks"]:
        _risk(graph, record)
    for record in tables["soa"]:
        _decision(graph, record)
    for record in tables["evidence"]:
        _evidence(graph, record, record.get("id") in impact_assessments)
    return graph


def _organization(graph: Triples, records: list[Record]) -> None:
    values = records[0].values if records else {}
    name = values.get("name", "Organization")
    ident = values.get("id") or re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower() or "organization"
    node = org_iri("org", ident)
    graph.add((node, RDF.type, AIMS.Organization))
    graph.add((node, AIMS.id, Literal(ident)))
    graph.add((node, RDFS.label, Literal(name)))
    _text(graph, node, AIMS.scope, values.get("scope"))
    threshold = values.get("risk_threshold", DEFAULT_RISK_THRESHOLD)
    graph.add((node, AIMS.riskThreshold, Literal(threshold, datatype=XSD.integer)))


def _person(graph: Triples, record: Record) -> None:
    node = org_iri("person", record.get("id"))
    graph.add((node, RDF.type, AIMS.Person))
    graph.add((node, AIMS.id, Literal(record.get("id"))))
    graph.add((node, RDFS.label, Literal(record.get("name"))))
    _text(graph, node, AIMS.jobTitle, record.get("title"))
    _text(graph, node, AIMS.email, record.get("email"))


def _system(graph: Triples, record: Record) -> None:
    ident = record.get("id")
    node = org_iri("system", ident)
    graph.add((node, RDF.type, AIMS.AISystem))
    graph.add((node, AIMS.id, Literal(ident)))
    graph.add((node, RDFS.label, Literal(record.get("name"))))
    _text(graph, node, DCTERMS.description, record.get("description"))
    _text(graph, node, AIMS.intendedUse, record.get("intended_use"))
    _text(graph, node, AIMS.supplier, record.get("supplier"))
    if record.get("lifecycle_stage"):
        graph.add((node, AIMS.lifecycleStage, STAGES[record.get("lifecycle_stage")]))
    _ref(graph, node, AIMS.owner, "person", record.get("owner"))
    _ref(graph, node, AIMS.impactAssessment, "evidence", record.get("impact_assessment"))
    entry: RoleEntry
    for entry in record.get("roles", []):
        role = URIRef(entry.role)
        assignment = org_iri("role-assignment", f"{ident}.{str(role)[len(str(ROLE)) :]}")
        graph.add((node, AIMS.hasRole, role))
        graph.add((node, AIMS.hasRoleAssignment, assignment))
        graph.add((assignment, RDF.type, AIMS.RoleAssignment))
        graph.add((assignment, AIMS.id, Literal(f"{ident}.{str(role)[len(str(ROLE)) :]}")))
        graph.add((assignment, AIMS.system, node))
        graph.add((assignment, AIMS.role, role))
        _ref(graph, assignment, AIMS.accountablePerson, "person", entry.person)


def _risk(graph: Triples, record: Record) -> None:
    ident = record.get("id")
    node = org_iri("risk", ident)
    graph.add((node, RDF.type, AIMS.Risk))
    graph.add((node, AIMS.id, Literal(ident)))
    graph.add((node, RDFS.label, Literal(record.get("title"))))
    _text(graph, node, DCTERMS.description, record.get("description"))
    _text(graph, node, AIMS.riskSource, record.get("source"))
    _ref(graph, node, AIMS.system, "system", record.get("system"))
    _ref(graph, node, AIMS.owner, "person", record.get("owner"))
    _ref(graph, node, AIMS.acceptedBy, "person", record.get("accepted_by"))
    likelihood, impact = record.get("likelihood"), record.get("impact")
    for prop, value in ((AIMS.likelihood, likelihood), (AIMS.impact, impact)):
        if value is not None:
            graph.add((node, prop, Literal(value, datatype=XSD.integer)))
    if likelihood is not None and impact is not None:
        graph.add((node, AIMS.riskScore, Literal(likelihood * impact, datatype=XSD.integer)))
    if record.get("treatment") or record.get("controls"):
        treatment = org_iri("treatment", ident)
        graph.add((node, AIMS.treatment, treatment))
        graph.add((treatment, RDF.type, AIMS.RiskTreatment))
        graph.add((treatment, AIMS.id, Literal(ident)))
        if record.get("treatment"):
            graph.add((treatment, AIMS.treatmentOption, TREATMENTS[record.get("treatment")]))
        for control in record.get("controls", []):
            graph.add((treatment, AIMS.control, requirement_iri(control)))


def _decision(graph: Triples, record: Record) -> None:
    control = record.get("control")
    node = org_iri("soa", control)
    graph.add((node, RDF.type, AIMS.ApplicabilityDecision))
    graph.add((node, AIMS.id, Literal(control)))
    graph.add((node, AIMS.control, requirement_iri(control)))
    graph.add((node, AIMS.applicable, Literal(bool(record.get("applicable")))))
    if record.get("status"):
        graph.add((node, AIMS.implementationStatus, STATUSES[record.get("status")]))
    _ref(graph, node, AIMS.owner, "person", record.get("owner"))
    _text(graph, node, AIMS.justification, record.get("justification"))
    _text(graph, node, AIMS.reviewed, record.get("reviewed"))


def _evidence(graph: Triples, record: Record, is_impact_assessment: bool) -> None:
    ident = record.get("id")
    node = org_iri("evidence", ident)
    kind = record.get("kind")
    nature = record.get("nature") or ("design" if kind in DESIGN_KINDS else "operating")
    graph.add((node, RDF.type, AIMS.Document))
    graph.add((node, RDF.type, AIMS.DesignEvidence if nature == "design" else AIMS.OperatingEvidence))
    if is_impact_assessment or kind == "impact_assessment":
        graph.add((node, RDF.type, AIMS.ImpactAssessment))
    graph.add((node, AIMS.id, Literal(ident)))
    graph.add((node, DCTERMS.title, Literal(record.get("title"))))
    graph.add((node, RDFS.label, Literal(record.get("title"))))
    _text(graph, node, AIMS.file, record.get("file"))
    _text(graph, node, AIMS.evidenceKind, kind)
    _text(graph, node, AIMS.recordedSha256, record.get("sha256"))
    _ref(graph, node, AIMS.owner, "person", record.get("owner"))
    issued, interval = record.get("issued"), record.get("review_interval")
    _text(graph, node, DCTERMS.issued, issued)
    if interval:
        graph.add((node, AIMS.reviewInterval, Literal(interval, datatype=XSD.duration)))
    if issued and interval:
        months, days = parse_duration(interval) or (0, 0)
        graph.add((node, AIMS.reviewDue, Literal(add_duration(issued, months, days))))
    systems = record.get("systems", [])
    for system in systems:
        graph.add((node, AIMS.appliesTo, org_iri("system", system)))
    if record.get("all_systems"):  # its links count for every system, also where organisation evidence does not
        graph.add((node, AIMS.allSystems, Literal(True)))
    for requirement in record.get("satisfies", []):
        link = org_iri("link", f"{ident}.{requirement}")
        graph.add((link, RDF.type, AIMS.EvidenceLink))
        graph.add((link, AIMS.id, Literal(f"{ident}.{requirement}")))
        graph.add((link, AIMS.evidence, node))
        graph.add((link, AIMS.requirement, requirement_iri(requirement)))
        graph.add((link, AIMS.status, AIMS.Accepted))
        graph.add((link, AIMS.method, AIMS.Manual))
        _ref(graph, link, PROV.wasAttributedTo, "person", record.get("owner"))
        for system in () if record.get("all_systems") else systems:  # all systems: a link for none in particular
            graph.add((link, AIMS.forSystem, org_iri("system", system)))
