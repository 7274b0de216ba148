"""Typed validation findings: what is wrong, about which workspace id, which requirement and system, and the fix.

Both engines (pyshacl and the set-at-a-time evaluator) produce hits (source shape, focus node, value, path,
constraint component); `make_findings` turns hits into Findings the same way for both, so their outputs compare
exactly. A Finding keeps what a SHACL validation result says (shacl_report.py writes it back as one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, NamedTuple

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, NamespaceManager
from rdflib.paths import Path
from rdflib.term import Node

from aimsgraph.coverage.matrix import Figure
from aimsgraph.store import Store, cached
from aimsgraph.vocabulary.namespaces import AIMS, ISO, GraphName, local_id

SH = Namespace("http://www.w3.org/ns/shacl#")
JSON_FIELDS = ("severity", "rule", "focus", "requirement", "system", "message", "fix", "value", "path")
Term = URIRef | BNode | Literal
ResultPath = URIRef | Path  # a SHACL path as rdflib reads it: an IRI, or InvPath, SequencePath ...


class Severity(StrEnum):
    """A finding's severity: the three SHACL severities, named as the JSON contract spells them."""

    VIOLATION = "violation"
    WARNING = "warning"
    INFO = "info"

    @property
    def iri(self) -> URIRef:
        """sh:Violation, sh:Warning or sh:Info."""
        return SH[self.value.capitalize()]

    @property
    def rank(self) -> int:
        """0 for a violation, then warning, then info (the order findings are listed in)."""
        return RANKS[self]

    @classmethod
    def of(cls, iri: Node | None) -> Severity:
        """The severity of a shape's sh:severity (SHACL's default, and for a severity of its own: violation)."""
        return next((s for s in cls if s.iri == iri), cls.VIOLATION)


RANKS = {severity: rank for rank, severity in enumerate(Severity)}


class Hit(NamedTuple):
    """One validation result as an engine reports it, before it is described for people."""

    shape: URIRef | BNode  # sh:sourceShape
    focus: Term  # sh:focusNode
    value: Term | None  # sh:value (None: the result has none)
    path: ResultPath | None  # sh:resultPath (None: the result has none)
    component: URIRef  # sh:sourceConstraintComponent


def _namespaces() -> NamespaceManager:
    names = NamespaceManager(Graph())
    for prefix, namespace in (("aims", AIMS._NS), ("iso", ISO), ("sh", SH)):
        names.bind(prefix, namespace)
    return names


NAMES = _namespaces()  # how a path is written in JSON and CSV: aims:owner, ^aims:control, aims:a/aims:b
# The nodes findings are about, described in one query per batch (a VALUES block of their IRIs).
FOCUS_QUERY = """
SELECT ?focus ?id ?label ?title ?control ?system ?file WHERE {
  OPTIONAL { ?focus aims:id ?id }
  OPTIONAL { ?focus aims:file ?file }
  OPTIONAL { ?focus rdfs:label ?label }
  OPTIONAL { ?focus dcterms:title ?title }
  OPTIONAL { ?focus a aims:ApplicabilityDecision ; aims:control ?control }
  OPTIONAL { ?focus aims:system ?system }
}
"""
DESCRIBED_GRAPHS = (GraphName.CATALOG, GraphName.ORG, GraphName.DOCUMENTS)  # findings are never about review data
BATCH = 500


@dataclass(frozen=True)
class Finding:
    """One gap: severity, rule id, the workspace id it is about, requirement, system, message and fix, and the
    SHACL result behind it (source shape, focus node, value, path, constraint component)."""

    severity: Severity
    rule: str
    focus: str
    requirement: str | None
    system: str | None
    message: str
    fix: str
    shape: str
    node: Term  # the focus node
    value: Term | None
    path: ResultPath | None
    component: URIRef

    def to_json(self) -> dict[str, Any]:
        """The JSON contract's fields: value is an IRI or a literal's text, path a SPARQL property path."""
        out = {k: getattr(self, k) for k in JSON_FIELDS[:-2]}  # not asdict: it deep-copies, 1 s at 18,000 findings
        out["severity"] = self.severity.value
        out["value"] = None if self.value is None else str(self.value)
        out["path"] = None if self.path is None else self.path.n3(NAMES)
        return out


@dataclass
class ValidationReport:
    """The findings of one validation run at one as-of date."""

    as_of: date
    findings: list[Finding]
    # The coverage figure of each scope on as_of (organisation first), the one definition: CoverageMatrix.figure.
    figures: list[Figure] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        """True when no finding is a violation (warnings and notes do not break conformance)."""
        return not any(f.severity is Severity.VIOLATION for f in self.findings)

    def to_json(self) -> dict[str, Any]:
        """`{"conforms": bool, "coverage": [...], "findings": [...]}`, the JSON contract of `aimsgraph validate`."""
        coverage = [
            {"scope": f.scope, "covered": f.covered, "applicable": f.applicable, "percent": round(f.percent, 1)}
            for f in self.figures
        ]
        return {"conforms": self.conforms, "coverage": coverage, "findings": [f.to_json() for f in self.findings]}

    def coverage_line(self) -> str:
        """One line with every scope's figure: `Coverage: organisation 63/67 (94%); claimsight 60/66 (91%)`."""
        return "Coverage: " + "; ".join(f"{f.scope} {f}" for f in self.figures) if self.figures else ""

    def counts(self) -> dict[str, int]:
        """Number of findings per severity ("violation", "warning", "info")."""
        return {s.value: sum(1 for f in self.findings if f.severity is s) for s in Severity}


@dataclass(frozen=True)
class ShapeInfo:
    """What a shape says about its findings: rule id, severity, message template, fix, the requirement it concerns."""

    rule: str
    severity: Severity
    message: str
    fix: str
    requirement: str | None = None


def shape_info(shapes: Graph, shape: URIRef | BNode) -> ShapeInfo:
    """Rule, severity, message and remediation of a shape. A property shape without its own rule, message, fix
    or concerns takes its node shape's; its severity is its own, as in SHACL (default violation)."""
    parent = shapes.value(None, SH.property, shape) if shapes.value(shape, AIMS.rule) is None else None

    def annotation(prop: URIRef) -> Node | None:
        own = shapes.value(shape, prop)
        return own if own is not None or parent is None else shapes.value(parent, prop)

    named = parent if isinstance(parent, URIRef) else shape
    rule = annotation(AIMS.rule) or Literal(re.split("[#/:]", local_id(str(named)))[-1])  # no rule: its local name
    concerns = annotation(AIMS.concerns)
    return ShapeInfo(
        rule=str(rule),
        severity=Severity.of(shapes.value(shape, SH.severity)),
        message=str(annotation(SH.message) or ""),
        fix=str(annotation(AIMS.remediation) or ""),
        requirement=local_id(str(concerns))
        if isinstance(concerns, URIRef) and str(concerns).startswith(str(ISO))
        else None,
    )


def rule_shapes(shapes: Graph) -> dict[str, URIRef]:
    """Our rule id -> the shape carrying it (the one a finding reports as its source)."""
    found: dict[str, URIRef] = {}
    for shape, rule in sorted(shapes.subject_objects(AIMS.rule)):  # sorted: the same shape wins each run
        if isinstance(shape, URIRef) and (shapes.value(shape, SH.path) or (shape, RDF.type, SH.NodeShape) in shapes):
            found.setdefault(str(rule), shape)
    return found


Description = dict[str, str | None]


def describe_nodes(store: Store, nodes: set[str]) -> dict[str, Description]:
    """Id, label, SoA control and system of each node (kept per store until the described graphs change)."""
    known: dict[str, Description] = cached(store, "descriptions", DESCRIBED_GRAPHS, dict)
    wanted = sorted(n for n in nodes if n not in known and not n.startswith("_:"))
    for at in range(0, len(wanted), BATCH):
        found: dict[str, tuple[str | None, ...]] = {}
        iris = " ".join(f"<{n}>" for n in wanted[at : at + BATCH])
        query = FOCUS_QUERY.replace("WHERE {", f"WHERE {{ VALUES ?focus {{ {iris} }}", 1)
        for row in store.values(query, graphs=DESCRIBED_GRAPHS):
            found.setdefault(row[0] or "", row[1:])
        for node in wanted[at : at + BATCH]:
            known[node] = _description(node, found.get(node, (None,) * 6))
    return {n: known.get(n) or _description(n, (None,) * 6) for n in nodes}


def _description(node: str, row: tuple[str | None, ...]) -> Description:
    ident, label, title, control, system, file = row
    return {
        "id": ident or local_id(node),
        "label": label or title,
        "control": local_id(control) if control else None,
        "system": local_id(system) if system else None,
        "file": file,
    }


def _labelled(description: dict[str, str | None]) -> str:
    ident, label = description["id"] or "", description["label"]
    return f"{ident} ({label})" if label and label != ident else ident


def make_findings(
    store: Store, shapes: Graph, hits: set[Hit], message_hint: dict[Hit, str] | None = None
) -> list[Finding]:
    """Findings for engine hits, sorted by severity, rule and focus; duplicates collapse."""
    described = describe_nodes(store, {str(hit.focus) for hit in hits})
    infos: dict[URIRef | BNode, ShapeInfo] = {}
    out: set[Finding] = set()
    for hit in hits:
        if hit.shape not in infos:
            infos[hit.shape] = shape_info(shapes, hit.shape)
        info, focus, desc = infos[hit.shape], str(hit.focus), described[str(hit.focus)]
        value = str(hit.value) if isinstance(hit.value, URIRef) else None
        requirement = local_id(focus) if focus.startswith(str(ISO)) else desc["control"]
        if value is not None and value.startswith(str(ISO)):
            requirement = local_id(value)
        requirement = requirement or info.requirement  # a risk, system or document: the requirement the rule concerns
        system = local_id(focus) if focus.startswith("urn:aims:system:") else desc["system"]
        template = info.message or (message_hint or {}).get(hit, "")
        message = template.replace("{label}", _labelled(desc)).replace("{id}", desc["id"] or "")
        shown = local_id(value) if value else str(hit.value) if isinstance(hit.value, Literal) else ""  # a literal too
        message = message.replace("{value}", shown).replace("{file}", desc["file"] or "")
        shape = f"_:{hit.shape}" if isinstance(hit.shape, BNode) else str(hit.shape)
        out.add(
            Finding(
                *(info.severity, info.rule, desc["id"] or focus, requirement, system, message, info.fix, shape),
                *(hit.focus, hit.value, hit.path, hit.component),
            )
        )
    return sorted(out, key=_order)


def _order(f: Finding) -> tuple[Any, ...]:
    path = "" if f.path is None else str(f.path) if isinstance(f.path, URIRef) else f.path.n3()
    return (RANKS[f.severity], f.rule, f.focus, f.requirement or "", f.system or "", str(f.value or ""), path, f.shape)
