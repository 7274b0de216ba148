"""A set-at-a-time evaluator of our gap rules: a hand-written twin, in Python, of each shipped shape's rule.

It is not a SHACL processor and compiles nothing: `RULES` maps a shape's `aims:rule` id to a function that computes
that rule's focus nodes for the whole organisation at once (positive joins in Oxigraph plus set differences in
Python), where pyshacl runs each shape's SPARQL once per focus node. A shape whose rule has no twin here runs
through pyshacl in the same validation (validation.py). It must give exactly the hits pyshacl gives on the same
shapes (tests prove it on the shape cases, the demo and a synthetic organisation); pyshacl stays the reference.
Every fetched set names the graphs it reads and is cached until one of them is written, so re-validating after a
review decision recomputes only the link-based rules' inputs (the reviews graph) and the set differences.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from functools import cached_property
from typing import Any

from rdflib import URIRef
from rdflib.namespace import DCTERMS

from aimsgraph.coverage.currency import currency
from aimsgraph.coverage.matrix import DOCUMENT_GRAPHS, Refs, link_refs_by_graph
from aimsgraph.rules.findings import SH, Hit
from aimsgraph.rules.partition import Twin
from aimsgraph.store import Row, Store, cached, cached_rows
from aimsgraph.vocabulary.namespaces import AIMS, ISO, ROLE, GraphName

Pairs = Iterable[tuple[str, str | None]]
INSTANCES = "SELECT DISTINCT ?s WHERE { ?s a ?t . ?t rdfs:subClassOf* ?cls }"
SUBJECTS = "SELECT DISTINCT ?s WHERE { ?s ?p ?o }"
PAIRS = "SELECT DISTINCT ?s ?o WHERE { ?s ?p ?o }"
LEAF_PARENTS = "SELECT DISTINCT ?parent WHERE { ?child skos:broader ?parent }"
SOA = (
    "SELECT ?row ?control ?ap WHERE { ?row a aims:ApplicabilityDecision ; aims:control ?control ; aims:applicable ?ap }"
)
# soa-complete needs only a typed row naming the control (sh:class follows subclasses), not its aims:applicable
SOA_CONTROLS = (
    "SELECT DISTINCT ?c WHERE { ?row aims:control ?c ; a ?t . ?t rdfs:subClassOf* aims:ApplicabilityDecision }"
)
A6_CONTROLS = "SELECT ?c WHERE { ?c skos:broader ?o . ?o skos:broader iso:A.6 }"
A9_CONTROLS = "SELECT ?c WHERE { ?c skos:broader iso:A.9 }"
TREATMENTS = "SELECT ?risk ?t ?option WHERE { ?risk aims:treatment ?t . ?t aims:treatmentOption ?option }"
SCORES = "SELECT ?risk ?score WHERE { ?risk aims:riskScore ?score }"
THRESHOLDS = "SELECT ?th WHERE { ?org aims:riskThreshold ?th }"


# What the organisation-side rules read (the pyshacl data graph minus the reviews graph, which holds only
# review activities and links: those reach the rules through coverage.link_refs).
ORG_SIDE = (GraphName.CATALOG, GraphName.ORG, GraphName.DOCUMENTS)


def rows(store: Store, sparql: str, bindings: dict[str, URIRef] | None = None) -> list[Row]:
    """Rows of an organisation-side query, cached until the catalog, org or documents graph is written."""
    return cached_rows(store, sparql, ORG_SIDE, bindings)


class RuleSets:
    """Sets the rules are made of, each fetched once per run (and reused across runs while unchanged)."""

    def __init__(
        self, store: Store, as_of: date, current: dict[str, str], missing: set[str], changed: set[str] | None = None
    ) -> None:
        self.store, self.as_of, self.current_sha, self.missing = store, as_of, current, missing
        self.changed = changed or set()

    def instances(self, cls: URIRef) -> set[str]:
        return self._set(("instances", cls), lambda: {r[0] for r in rows(self.store, INSTANCES, {"cls": cls}) if r[0]})

    def subjects(self, prop: URIRef) -> set[str]:
        return self._set(("subjects", prop), lambda: {r[0] for r in rows(self.store, SUBJECTS, {"p": prop}) if r[0]})

    def pairs(self, prop: URIRef) -> set[tuple[str, str]]:
        fetch = lambda: {(r[0], r[1]) for r in rows(self.store, PAIRS, {"p": prop}) if r[0] and r[1]}  # noqa: E731
        return self._set(("pairs", prop), fetch)

    def earliest(self, prop: URIRef) -> dict[str, str]:
        """Subject -> its smallest value of `prop` (ISO dates compare as text)."""
        return cached(self.store, ("earliest", prop), ORG_SIDE, lambda: _extreme(self.pairs(prop), min))

    def latest(self, prop: URIRef) -> dict[str, str]:
        """Subject -> its largest value of `prop`."""
        return cached(self.store, ("latest", prop), ORG_SIDE, lambda: _extreme(self.pairs(prop), max))

    def _set(self, key: tuple[str, URIRef], fetch: Callable[[], set[Any]]) -> set[Any]:
        """A fetched set, kept while the organisation side is unchanged (rules must not mutate it)."""
        return cached(self.store, key, ORG_SIDE, fetch)

    @cached_property
    def systems(self) -> set[str]:
        return self.instances(AIMS.AISystem)

    @cached_property
    def registered(self) -> set[str]:
        return self.instances(AIMS.DesignEvidence) | self.instances(AIMS.OperatingEvidence)

    @cached_property
    def soa(self) -> list[tuple[str, str, str]]:
        return [(r[0] or "", r[1] or "", str(r[2])) for r in rows(self.store, SOA)]

    def soa_rows(self, applicable: str) -> set[str]:
        return {row for row, _, ap in self.soa if ap == applicable}

    @cached_property
    def current_links(self) -> dict[str, dict[str | None, bool]]:
        """requirement IRI -> {system IRI or None (org-wide): has current operating evidence?}."""
        out: dict[str, dict[str | None, bool]] = {}
        for graph, refs in link_refs_by_graph(self.store, self.as_of).items():
            inputs = (graph, *DOCUMENT_GRAPHS)
            part = cached(self.store, ("current", graph, self.as_of), inputs, lambda r=refs: _current(r))  # type: ignore[misc]
            for requirement, by_system in part.items():
                merged = out.setdefault(requirement, {})
                for system, operating in by_system.items():
                    merged[system] = merged.get(system, False) or operating
        return out

    def has_current(self, requirement: str, system: str) -> bool:
        by_system = self.current_links.get(requirement, {})
        return None in by_system or system in by_system

    @cached_property
    def every_system_links(self) -> set[str]:
        """Requirement IRIs with a current organisation-wide link from a document that applies to every system."""
        refs = link_refs_by_graph(self.store, self.as_of).values()
        return {
            str(ISO[req])
            for part in refs
            for (req, system), found in part.items()
            if system is None and any(r.current and r.all_systems for r in found)
        }

    def has_own_current(self, requirement: str, system: str) -> bool:
        """A current link naming `system`, or one from a document declared to apply to every system."""
        return system in self.current_links.get(requirement, {}) or requirement in self.every_system_links


def _extreme(pairs: set[tuple[str, str]], pick: Callable[[str, str], str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for subject, value in pairs:
        out[subject] = pick(out.get(subject, value), value)
    return out


def _current(refs: Refs) -> dict[str, dict[str | None, bool]]:
    out: dict[str, dict[str | None, bool]] = {}
    for (req, system), found in refs.items():
        current = [r for r in found if r.current]
        if current:
            key = None if system is None else f"urn:aims:system:{system}"
            out.setdefault(str(ISO[req]), {})[key] = any(r.nature == "operating" for r in current)
    return out


def _missing(targets: set[str], present: set[str]) -> Pairs:
    return ((t, None) for t in targets - present)


def clause_evidence(f: RuleSets) -> Pairs:
    parents = {r[0] for r in rows(f.store, LEAF_PARENTS)}
    leaves = f.instances(AIMS.Clause) - parents
    return _missing(leaves, set(f.current_links))


def control_evidence(f: RuleSets) -> Pairs:
    applicable = {c for _, c, ap in f.soa if ap == "true"} & f.instances(AIMS.Control)
    return _missing(applicable, set(f.current_links))


def control_operating_evidence(f: RuleSets) -> Pairs:
    applicable = {c for _, c, ap in f.soa if ap == "true"} & f.instances(AIMS.Control)
    design_only = {r for r, by in f.current_links.items() if not any(by.values())}
    return ((c, None) for c in applicable & design_only)


def soa_implemented_evidence(f: RuleSets) -> Pairs:
    implemented = {r for r, status in f.pairs(AIMS.implementationStatus) if status == str(AIMS.Implemented)}
    rows_ = [(r, c) for r, c, ap in f.soa if ap == "true" and r in implemented]
    return ((r, c) for r, c in rows_ if not any(f.current_links.get(c, {}).values()))


def soa_status_behind(f: RuleSets) -> Pairs:
    behind = (str(AIMS.Partial), str(AIMS.Planned))
    rows_ = {r for r, status in f.pairs(AIMS.implementationStatus) if status in behind}
    return ((r, c) for r, c, ap in f.soa if ap == "true" and r in rows_ and any(f.current_links.get(c, {}).values()))


def soa_exclusion_relied_on(f: RuleSets) -> Pairs:
    treatments = {t for _, t in f.pairs(AIMS.treatment)}
    relied = {c for t, c in f.pairs(AIMS.control) if t in treatments}
    return {(r, c) for r, c, ap in f.soa if ap == "false" and c in relied}


def soa_complete(f: RuleSets) -> Pairs:
    return _missing(f.instances(AIMS.Control), {r[0] for r in rows(f.store, SOA_CONTROLS) if r[0]})


def soa_exclusion_justified(f: RuleSets) -> Pairs:
    return _missing(f.soa_rows("false"), f.subjects(AIMS.justification))


def soa_owner(f: RuleSets) -> Pairs:
    return _missing(f.soa_rows("true"), f.subjects(AIMS.owner))


def _property_rule(cls: str, prop: URIRef) -> Callable[[RuleSets], Pairs]:
    def rule(f: RuleSets) -> Pairs:
        targets = f.systems if cls == "system" else f.registered if cls == "evidence" else f.instances(AIMS[cls])
        return _missing(targets, f.subjects(prop))

    return rule


def impact_assessment_current(f: RuleSets) -> Pairs:
    stale = {ia for ia, due in f.earliest(AIMS.reviewDue).items() if currency(f.as_of, None, due) == "stale"}
    return ((s, ia) for s, ia in f.pairs(AIMS.impactAssessment) if s in f.systems and ia in stale)


def system_risk(f: RuleSets) -> Pairs:
    risks = f.instances(AIMS.Risk)
    return _missing(f.systems, {s for r, s in f.pairs(AIMS.system) if r in risks})


def system_event_logs(f: RuleSets) -> Pairs:
    operating = {s for s, stage in f.pairs(AIMS.lifecycleStage) if stage == str(AIMS.StageOperation)}
    requirement = str(ISO["A.6.2.8"])
    return ((s, requirement) for s in operating & f.systems if not f.has_current(requirement, s))


def role_lifecycle_controls(f: RuleSets) -> Pairs:
    developers = {s for s, r in f.pairs(AIMS.hasRole) if r in (str(ROLE.producer), str(ROLE.developer))}
    a6 = {r[0] for r in rows(f.store, A6_CONTROLS)}
    excluded = {c for _, c, ap in f.soa if ap == "false"} & a6
    return ((s, c) for s in developers & f.systems for c in excluded)


def role_supplier_controls(f: RuleSets) -> Pairs:
    bought = f.subjects(AIMS.supplier) & f.systems
    requirement = str(ISO["A.10.3"])
    return ((s, requirement) for s in bought if not f.has_current(requirement, s))


def role_user_controls(f: RuleSets) -> Pairs:
    users = {s for s, r in f.pairs(AIMS.hasRole) if r == str(ROLE.customer)} & f.systems
    a9 = [r[0] or "" for r in rows(f.store, A9_CONTROLS)]
    return ((s, str(ISO["A.9"])) for s in users if not any(f.has_current(c, s) for c in a9))


def system_lifecycle_evidence(f: RuleSets) -> Pairs:
    developed = {s for s, r in f.pairs(AIMS.hasRole) if r in (str(ROLE.producer), str(ROLE.developer))} & f.systems
    a6 = [r[0] or "" for r in rows(f.store, A6_CONTROLS)]
    return ((s, str(ISO["A.6"])) for s in developed if not any(f.has_own_current(c, s) for c in a6))


def risk_rating(f: RuleSets) -> Pairs:
    return _missing(f.instances(AIMS.Risk), f.subjects(AIMS.likelihood) & f.subjects(AIMS.impact))


def risk_treatment(f: RuleSets) -> Pairs:
    return _missing(f.instances(AIMS.Risk), {r[0] or "" for r in rows(f.store, TREATMENTS)})


def risk_controls(f: RuleSets) -> Pairs:
    risks = f.instances(AIMS.Risk)
    with_controls = f.subjects(AIMS.control)
    rows_ = rows(f.store, TREATMENTS)
    return {(r or "", None) for r, t, o in rows_ if r in risks and o == str(AIMS.Mitigate) and t not in with_controls}


def risk_acceptance(f: RuleSets) -> Pairs:
    thresholds = [float(str(r[0])) for r in rows(f.store, THRESHOLDS)]  # numbers compare as SPARQL's >= does
    if not thresholds:
        return []
    scores = {r[0]: float(str(r[1])) for r in rows(f.store, SCORES)}
    accepted = {r for r, _, o in rows(f.store, TREATMENTS) if o == str(AIMS.Accept)}
    high = {r for r in accepted & f.instances(AIMS.Risk) if r in scores and scores[r] >= min(thresholds)}
    return _missing({r for r in high if r}, f.subjects(AIMS.acceptedBy))


def evidence_stale(f: RuleSets) -> Pairs:
    issued = f.latest(DCTERMS.issued)  # any issue date after the as-of day makes it future, not stale
    due = f.earliest(AIMS.reviewDue)  # any review date before it makes it stale
    return ((d, None) for d in f.registered & due.keys() if currency(f.as_of, issued.get(d), due[d]) == "stale")


def evidence_hash(f: RuleSets) -> Pairs:
    return ((d, None) for d in f.registered & f.changed)


def evidence_file(f: RuleSets) -> Pairs:
    return ((d, None) for d in f.registered & f.missing)


RULES: dict[str, Callable[[RuleSets], Pairs]] = {
    "clause-evidence": clause_evidence,
    "control-evidence": control_evidence,
    "control-operating-evidence": control_operating_evidence,
    "soa-complete": soa_complete,
    "soa-exclusion-justified": soa_exclusion_justified,
    "soa-owner": soa_owner,
    "system-owner": _property_rule("system", AIMS.owner),
    "system-intended-use": _property_rule("system", AIMS.intendedUse),
    "system-role": _property_rule("system", AIMS.hasRole),
    "system-lifecycle": _property_rule("system", AIMS.lifecycleStage),
    "system-impact-assessment": _property_rule("system", AIMS.impactAssessment),
    "impact-assessment-current": impact_assessment_current,
    "system-risk": system_risk,
    "system-event-logs": system_event_logs,
    "role-lifecycle-controls": role_lifecycle_controls,
    "role-supplier-controls": role_supplier_controls,
    "role-user-controls": role_user_controls,
    "soa-implemented-evidence": soa_implemented_evidence,
    "soa-exclusion-relied-on": soa_exclusion_relied_on,
    "soa-status-behind": soa_status_behind,
    "system-lifecycle-evidence": system_lifecycle_evidence,
    "role-assignment-person": _property_rule("RoleAssignment", AIMS.accountablePerson),
    "risk-owner": _property_rule("Risk", AIMS.owner),
    "risk-rating": risk_rating,
    "risk-treatment": risk_treatment,
    "risk-controls": risk_controls,
    "risk-acceptance": risk_acceptance,
    "evidence-owner": _property_rule("evidence", AIMS.owner),
    "evidence-issued": _property_rule("evidence", DCTERMS.issued),
    "evidence-review-interval": _property_rule("evidence", AIMS.reviewInterval),
    "evidence-stale": evidence_stale,
    "evidence-hash": evidence_hash,
    "evidence-file": evidence_file,
}


def setwise_hits(
    store: Store,
    twins: dict[URIRef, Twin],
    as_of: date,
    current: dict[str, str],
    missing: set[str],
    changed: set[str] | None = None,
) -> set[Hit]:
    """The results of each twin shape, computed set-at-a-time, with the value and path pyshacl would report: a
    SPARQL constraint's ?value or else the focus node, no value for a count, the shape's path (`changed`: documents
    whose file differs from its registered hash)."""
    sets = RuleSets(store, as_of, current, missing, changed)
    hits: set[Hit] = set()
    for shape, twin in twins.items():
        sparql = twin.component == SH.SPARQLConstraintComponent
        for focus, value in RULES[twin.rule](sets):
            node = URIRef(focus)
            found = (URIRef(value) if value else node) if sparql else None
            hits.add(Hit(shape, node, found, twin.path, twin.component))
    return hits
