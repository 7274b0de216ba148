"""Organisation facts the pages list (AI systems, risks, documents, neighbours), read with fixed SPARQL.

Plain functions of a Store returning plain rows, so the caches in state.py can pickle them.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rdflib import URIRef

from aimsgraph.store import Store
from aimsgraph.vocabulary.namespaces import local_id

SYSTEMS = """
SELECT ?id ?name ?stage ?owner ?ia ?iaIssued ?supplier WHERE {
  ?s a aims:AISystem ; aims:id ?id .
  OPTIONAL { ?s rdfs:label ?name }
  OPTIONAL { ?s aims:lifecycleStage ?stage }
  OPTIONAL { ?s aims:owner/rdfs:label ?owner }
  OPTIONAL { ?s aims:supplier ?supplier }
  OPTIONAL { ?s aims:impactAssessment ?iaNode . ?iaNode aims:id ?ia OPTIONAL { ?iaNode dcterms:issued ?iaIssued } }
} ORDER BY ?id
"""
SYSTEM_ROLES = """
SELECT ?id ?label WHERE { ?s a aims:AISystem ; aims:id ?id ; aims:hasRole ?role . ?role skos:prefLabel ?label }
"""
RISKS = """
SELECT ?id ?title ?system ?likelihood ?impact ?owner ?treatment WHERE {
  ?r a aims:Risk ; aims:id ?id .
  OPTIONAL { ?r rdfs:label ?title }
  OPTIONAL { ?r aims:system/aims:id ?system }
  OPTIONAL { ?r aims:likelihood ?likelihood }
  OPTIONAL { ?r aims:impact ?impact }
  OPTIONAL { ?r aims:owner/rdfs:label ?owner }
  OPTIONAL { ?r aims:treatment/aims:treatmentOption ?treatment }
} ORDER BY ?id
"""
RISK_THRESHOLD = "SELECT (MIN(?t) AS ?threshold) WHERE { ?o a aims:Organization ; aims:riskThreshold ?t }"
RISK_CONTROLS = "SELECT ?id ?control WHERE { ?r a aims:Risk ; aims:id ?id ; aims:treatment/aims:control ?control }"
DOCUMENTS = """
SELECT ?id ?title ?file ?kind ?issued WHERE {
  ?d a aims:Document ; aims:id ?id .
  OPTIONAL { ?d dcterms:title ?title }
  OPTIONAL { ?d aims:file ?file }
  OPTIONAL { ?d aims:evidenceKind ?kind }
  OPTIONAL { ?d dcterms:issued ?issued }
} ORDER BY ?id
"""
DOCUMENT_SYSTEMS = "SELECT ?id ?system WHERE { ?d aims:id ?id ; aims:appliesTo/aims:id ?system }"
OUTGOING = """
SELECT ?node ?p ?o ?oid ?olabel WHERE {
  ?node ?p ?o . FILTER(isIRI(?o))
  OPTIONAL { ?o aims:id ?oid } OPTIONAL { ?o rdfs:label ?olabel } OPTIONAL { ?o dcterms:title ?olabel }
} LIMIT 400
"""
INCOMING = """
SELECT ?node ?p ?s ?sid ?slabel WHERE {
  ?s ?p ?node .
  OPTIONAL { ?s aims:id ?sid } OPTIONAL { ?s rdfs:label ?slabel } OPTIONAL { ?s dcterms:title ?slabel }
} LIMIT 400
"""
HISTORY = """
SELECT ?run ?ended ?violations ?warnings (SUM(?covered) AS ?c) (SUM(?required) AS ?r) WHERE {
  ?run a aims:ValidationRun ; prov:endedAtTime ?ended ; aims:violationCount ?violations ; aims:warningCount ?warnings .
  FILTER NOT EXISTS { ?run aims:backDated true }  # a run as of an earlier day is not a point of the trend
  OPTIONAL { ?run aims:coverage ?figure . ?figure aims:coveredCount ?covered ; aims:requiredCount ?required }
} GROUP BY ?run ?ended ?violations ?warnings ORDER BY ?ended
"""
LAST_SUGGESTION_RUN = """
SELECT ?started ?model ?examples WHERE {
  ?run a aims:SuggestionRun ; prov:startedAtTime ?started ; aims:model ?model .
  OPTIONAL { ?run aims:reviewedExamples ?examples }
} ORDER BY DESC(?started) LIMIT 1
"""
PASSAGE = """
SELECT ?p ?text ?page ?heading WHERE {
  ?p aims:text ?text . OPTIONAL { ?p aims:page ?page } OPTIONAL { ?p aims:headingPath ?heading }
} LIMIT 1
"""
PEOPLE = """
SELECT ?id ?name ?email WHERE {
  ?p a aims:Person ; aims:id ?id OPTIONAL { ?p rdfs:label ?name } OPTIONAL { ?p aims:email ?email }
}
"""
NODE_LABEL = (
    "SELECT ?node ?id ?label WHERE { OPTIONAL { ?node aims:id ?id } OPTIONAL { ?node rdfs:label ?label } } LIMIT 1"
)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def systems(store: Store) -> list[dict[str, str]]:
    """The AI system inventory: id, name, roles, stage, owner, impact assessment and its date."""
    roles: dict[str, list[str]] = defaultdict(list)
    for ident, label in store.select(SYSTEM_ROLES):
        roles[str(ident)].append(str(label))
    rows = []
    for ident, name, stage, owner, ia, issued, supplier in store.select(SYSTEMS):
        rows.append(
            {
                "id": str(ident),
                "name": _text(name),
                "roles": ", ".join(sorted(roles[str(ident)])),
                "stage": str(stage).rsplit("#", 1)[-1].removeprefix("Stage").lower() if stage else "",
                "owner": _text(owner),
                "impact assessment": _text(ia),
                "assessed": _text(issued),
                "supplier": _text(supplier),
            }
        )
    return rows


def risk_threshold(store: Store) -> int | None:
    """The organisation's risk threshold (org facts' risk_threshold): scores at or above it need treatment."""
    found = store.select(RISK_THRESHOLD)
    return int(found[0][0]) if found and found[0][0] is not None else None


def risks(store: Store) -> list[dict[str, Any]]:
    """The risk register: id, title, system, likelihood, impact, score, owner, treatment, controls."""
    controls: dict[str, list[str]] = defaultdict(list)
    for ident, control in store.select(RISK_CONTROLS):
        controls[str(ident)].append(local_id(str(control)))
    rows = []
    for ident, title, system, likelihood, impact, owner, treatment in store.select(RISKS):
        lik, imp = (int(likelihood) if likelihood is not None else None), (int(impact) if impact else None)
        rows.append(
            {
                "id": str(ident),
                "title": _text(title),
                "system": _text(system),
                "likelihood": lik,
                "impact": imp,
                "score": lik * imp if lik and imp else None,
                "owner": _text(owner),
                "treatment": str(treatment).rsplit("#", 1)[-1].lower() if treatment else "",
                "controls": sorted(controls[str(ident)]),
            }
        )
    return rows


def documents(store: Store) -> list[dict[str, str]]:
    """Documents known to the store (evidence register and ingested files)."""
    seen: dict[str, dict[str, str]] = {}
    for ident, title, file, kind, issued in store.select(DOCUMENTS):
        seen.setdefault(
            str(ident),
            {
                "id": str(ident),
                "title": _text(title),
                "file": _text(file),
                "kind": _text(kind),
                "issued": _text(issued),
            },
        )
    return list(seen.values())


def document_systems(store: Store) -> dict[str, list[str]]:
    """Evidence id -> the AI systems it applies to, as the register says."""
    found: dict[str, list[str]] = defaultdict(list)
    for ident, system in store.values(DOCUMENT_SYSTEMS):
        found[str(ident)].append(str(system))
    return {k: sorted(v) for k, v in found.items()}


def node_label(store: Store, iri: str) -> str:
    """'id title' for a node of ours, else the IRI's last part (never a raw IRI)."""
    rows = store.select(NODE_LABEL, {"node": URIRef(iri)})
    _, ident, label = rows[0] if rows else (None, None, None)
    return _label(iri, ident, label)


def _label(iri: str, ident: Any, label: Any) -> str:
    """'short rest': the short name first (the Graph page draws it on the node), then the title."""
    if ident is None and label is not None and not iri.startswith("urn:aims:") and " " not in str(label):
        return str(label)  # a one-word vocabulary term: "operation", not "StageOperation operation"
    short = str(ident) if ident is not None else local_id(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    if iri.startswith("urn:aims:treatment:"):  # a treatment carries its risk's id; say whose it is
        short = f"treatment:{short}"
    return f"{short} {label}" if label is not None and str(label) != short else short


def neighbours(store: Store, iri: str, limit: int) -> list[tuple[str, str, str, str]]:
    """Up to `limit` edges around a node: (direction, predicate name, neighbour IRI, neighbour label)."""
    node = {"node": URIRef(iri)}
    found: dict[tuple[str, str, str], str] = {}
    for _, p, o, oid, olabel in store.select(OUTGOING, node):
        found.setdefault(("out", _predicate(str(p)), str(o)), _label(str(o), oid, olabel))
    for _, p, s, sid, slabel in store.select(INCOMING, node):
        if isinstance(s, URIRef):
            found.setdefault(("in", _predicate(str(p)), str(s)), _label(str(s), sid, slabel))
    edges = [(d, p, n, label) for (d, p, n), label in found.items() if not p.startswith(("type", "inScheme"))]
    # Facts first (risks, documents, people, roles); qualified evidence links after them.
    edges.sort(key=lambda e: e[2].startswith("urn:aims:link:"))
    return edges[:limit]


def _predicate(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def history(store: Store) -> list[dict[str, Any]]:
    """Recorded validation runs, oldest first (back-dated ones left out): when, violations, warnings, coverage %."""
    rows = []
    for _, ended, violations, warnings, covered, required in store.values(HISTORY):
        share = 100 * int(covered) / int(required) if covered is not None and required and int(required) else None
        rows.append(
            {
                "run": str(ended)[:19].replace("T", " "),
                "violations": int(violations or 0),
                "warnings": int(warnings or 0),
                "coverage %": share,
            }
        )
    return rows


def last_suggestion_run(store: Store) -> dict[str, Any] | None:
    """When the latest suggestions were made, by which model, from how many reviewed examples; None before any."""
    rows = store.select(LAST_SUGGESTION_RUN)
    if not rows:
        return None
    started, model, examples = rows[0]
    return {"at": str(started)[:16].replace("T", " "), "model": str(model), "examples": int(examples or 0)}


def passage_text(store: Store, iri: str, width: int = 240) -> str:
    """Where a passage sits (heading or page) and the start of its text; never the passage's IRI."""
    rows = store.select(PASSAGE, {"p": URIRef(iri)})
    if not rows:
        return ""
    _, text, page, heading = rows[0]
    where = str(heading) if heading is not None else (f"p. {page}" if page is not None else "")
    body = " ".join(str(text).split())
    body = body if len(body) <= width else body[: width - 1] + "…"
    return f"{where}: {body}" if where else body


def people(store: Store) -> list[dict[str, str]]:
    """The organisation's people: id, name, email ("" where the facts give none)."""
    rows = [{"id": str(i), "name": _text(name), "email": _text(email)} for i, name, email in store.select(PEOPLE)]
    return sorted(rows, key=lambda row: row["id"])
