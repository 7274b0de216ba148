"""Which requirements apply to which AI system, read from the rules in the store (ontology/applicability.ttl).

A rule governs requirements (and everything under them) and holds for a system when the organisation has one of
its roles for the system (a narrower role counts: an AI developer is an AI producer), the system is in one of its
stages, and (for supplier rules) the system comes from a supplier. Every rule governing a requirement must hold for
it to apply. `organisationEvidenceSuffices` marks where evidence for the whole organisation also covers each
system. Nothing here is written in code: the rules are data, shipped and extensible in org/ Turtle.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from aimsgraph.store import Store, cached, cached_rows
from aimsgraph.vocabulary.catalog import Requirement
from aimsgraph.vocabulary.namespaces import GraphName, local_id

RULES_QUERY = """
SELECT ?rule ?label ?req ?role ?stage ?supplied WHERE {
  ?rule a aims:ApplicabilityRule ; aims:governs ?req .
  OPTIONAL { ?rule rdfs:label ?label }
  OPTIONAL { ?rule aims:whenRole ?role }
  OPTIONAL { ?rule aims:whenStage ?stage }
  OPTIONAL { ?rule aims:whenSupplied ?supplied }
}
"""
SUFFICES_QUERY = "SELECT ?req ?value WHERE { ?req aims:organisationEvidenceSuffices ?value }"
SYSTEMS_QUERY = """
SELECT ?id ?role ?stage ?supplier WHERE {
  ?s a aims:AISystem ; aims:id ?id .
  OPTIONAL { ?s aims:hasRole ?held . ?held skos:broader* ?role }
  OPTIONAL { ?s aims:lifecycleStage ?stage }
  OPTIONAL { ?s aims:supplier ?supplier }
}
"""
LABELS_QUERY = """
SELECT ?thing ?label WHERE {
  { ?thing a aims:Role ; skos:prefLabel ?label } UNION { ?thing a aims:LifecycleStage ; rdfs:label ?label }
}
"""
HELD_QUERY = "SELECT ?id ?held WHERE { ?s a aims:AISystem ; aims:id ?id ; aims:hasRole ?held }"
RULE_GRAPHS = (GraphName.CATALOG, GraphName.ORG)


@dataclass(frozen=True)
class Rule:
    """One applicability rule: what it governs and the conditions under which that applies."""

    ident: str
    label: str
    governs: frozenset[str]
    roles: frozenset[str]
    stages: frozenset[str]
    supplied: bool


@dataclass(frozen=True)
class SystemFacts:
    """What the rules look at for one AI system: its roles (with broader ones), stage and supplier."""

    id: str
    roles: frozenset[str]
    held: tuple[str, ...]
    stage: str | None
    supplied: bool


@dataclass(frozen=True)
class Applicability:
    """The rules of a store, indexed by the requirement they govern."""

    rules: dict[str, tuple[Rule, ...]]
    suffices: frozenset[str]
    systems: dict[str, SystemFacts]
    labels: dict[str, str]

    def reason(self, requirement: str, system: str) -> str | None:
        """Why `requirement` does not apply to `system` (None when it applies)."""
        facts = self.systems.get(system)
        if facts is None:
            return None
        for rule in self.rules.get(requirement, ()):
            why = self._fails(rule, facts)
            if why:
                return f"{rule.label} ({rule.ident}): {why}"
        return None

    def org_suffices(self, requirement: str) -> bool:
        """True when evidence for the whole organisation covers `requirement` for every system too."""
        return requirement in self.suffices

    def _fails(self, rule: Rule, facts: SystemFacts) -> str:
        if rule.roles and not rule.roles & facts.roles:
            held = " and ".join(self._label(r) for r in facts.held) or "no role"
            wanted = " or ".join(sorted(self._label(r) for r in rule.roles))
            return f"the organisation is {held} for {facts.id}; these apply only where it is {wanted}"
        if rule.stages and facts.stage not in rule.stages:
            stage = self._label(facts.stage) if facts.stage else "no stage"
            wanted = ", ".join(sorted(self._label(s) for s in rule.stages))
            return f"{facts.id} is in stage {stage}; these apply only in {wanted}"
        if rule.supplied and not facts.supplied:
            return f"{facts.id} is not obtained from a supplier"
        return ""

    def _label(self, iri: str) -> str:
        return self.labels.get(iri, local_id(iri))


def applicability(store: Store, requirements: list[Requirement]) -> Applicability:
    """The applicability rules of `store` (shipped and the organisation's own), cached until catalog or org change."""
    key = ("applicability", tuple(r.id for r in requirements))
    return cached(store, key, RULE_GRAPHS, lambda: _read(store, requirements))


@dataclass
class _Parts:
    """A rule's rows gathered before it becomes a Rule."""

    label: str
    governs: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    stages: set[str] = field(default_factory=set)
    supplied: bool = False


def _read(store: Store, requirements: list[Requirement]) -> Applicability:
    below = _descendants(requirements)
    parts: dict[str, _Parts] = {}
    for iri, label, req, role, stage, supplied in cached_rows(store, RULES_QUERY, RULE_GRAPHS):
        ident = (iri or "").rsplit("/", 1)[-1].rsplit("#", 1)[-1].rsplit(":", 1)[-1]
        entry = parts.setdefault(ident, _Parts(label or ident))
        entry.governs.add(local_id(req or ""))
        entry.roles |= {role} if role else set()
        entry.stages |= {stage} if stage else set()
        entry.supplied = entry.supplied or _true(supplied)
    by_requirement: dict[str, list[Rule]] = defaultdict(list)
    for ident, entry in sorted(parts.items()):
        rule = Rule(
            ident,
            entry.label,
            frozenset(entry.governs),
            frozenset(entry.roles),
            frozenset(entry.stages),
            entry.supplied,
        )
        for req in {leaf for top in entry.governs for leaf in below.get(top, {top})}:
            by_requirement[req].append(rule)
    suffices = {
        leaf
        for req, value in cached_rows(store, SUFFICES_QUERY, RULE_GRAPHS)
        if _true(value)
        for leaf in below.get(local_id(req or ""), {local_id(req or "")})
    }
    return Applicability(
        {req: tuple(rules) for req, rules in by_requirement.items()},
        frozenset(suffices),
        _systems(store),
        {str(t): str(label) for t, label in cached_rows(store, LABELS_QUERY, RULE_GRAPHS)},
    )


def _systems(store: Store) -> dict[str, SystemFacts]:
    roles: dict[str, set[str]] = defaultdict(set)
    stages: dict[str, str | None] = {}
    supplied: dict[str, bool] = {}
    for ident, role, stage, supplier in cached_rows(store, SYSTEMS_QUERY, RULE_GRAPHS):
        key = ident or ""
        if role:
            roles[key].add(role)
        stages[key] = stage or stages.get(key)
        supplied[key] = supplied.get(key, False) or bool(supplier)
    held: dict[str, list[str]] = defaultdict(list)
    for ident, role in cached_rows(store, HELD_QUERY, (GraphName.ORG,)):
        held[ident or ""].append(role or "")
    return {
        key: SystemFacts(key, frozenset(roles[key]), tuple(sorted(held[key])), stages[key], supplied[key])
        for key in stages
    }


def _descendants(requirements: list[Requirement]) -> dict[str, set[str]]:
    """Every requirement id with itself and everything under it."""
    children: dict[str, list[str]] = defaultdict(list)
    for r in requirements:
        if r.parent:
            children[r.parent].append(r.id)

    def walk(ident: str) -> set[str]:
        return {ident}.union(*(walk(c) for c in children[ident]))

    return {r.id: walk(r.id) for r in requirements}


def _true(value: str | None) -> bool:
    return value is not None and value.lower() in ("true", "1")


def rules_markdown() -> str:
    """The shipped applicability rules as the Markdown table of docs/validation.md (a test keeps them in sync)."""
    from rdflib import RDF, RDFS, SKOS, URIRef

    from aimsgraph.vocabulary.catalog import catalog_graph
    from aimsgraph.vocabulary.namespaces import AIMS

    graph = catalog_graph()

    def names(rule: URIRef, prop: URIRef, label: URIRef) -> str:
        found = [str(graph.value(v, label) or local_id(str(v))) for v in graph.objects(rule, prop)]
        return " or ".join(sorted(found))

    lines = ["| rule | requirements | apply only when | why |", "|---|---|---|---|"]
    for rule in sorted(graph.subjects(RDF.type, AIMS.ApplicabilityRule), key=str):
        assert isinstance(rule, URIRef)
        governs = ", ".join(sorted(local_id(str(r)) for r in graph.objects(rule, AIMS.governs)))
        when = (
            [f"the organisation is {names(rule, AIMS.whenRole, SKOS.prefLabel)}"]
            if graph.value(rule, AIMS.whenRole)
            else []
        )
        when += (
            [f"the system is in stage {names(rule, AIMS.whenStage, RDFS.label)}"]
            if graph.value(rule, AIMS.whenStage)
            else []
        )
        when += ["the system comes from a supplier"] if graph.value(rule, AIMS.whenSupplied) else []
        ident = str(rule).rsplit("/", 1)[-1]
        lines.append(f"| `{ident}` | {governs} | {'; '.join(when)} | {graph.value(rule, RDFS.comment)} |")
    order = {str(graph.value(r, AIMS.id)): int(str(o)) for r, o in graph.subject_objects(AIMS.order)}
    found = (local_id(str(r)) for r in graph.subjects(AIMS.organisationEvidenceSuffices, None))
    suffices = sorted(found, key=lambda ident: order.get(ident, 0))
    lines += ["", "Organisation-wide evidence also covers each AI system for: " + ", ".join(suffices) + "."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(rules_markdown(), end="")
