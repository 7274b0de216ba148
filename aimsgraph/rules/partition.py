"""The split of one shapes graph between the set-at-a-time evaluator and pyshacl, so no shape is skipped.

A shape runs set-at-a-time when its `aims:rule` has a twin in `setwise.RULES`. Every other shape pyshacl would
validate (no `aims:rule`, a rule with no twin, a second shape with the same rule) runs through pyshacl in the same
validation. pyshacl gets the whole graph with the twins switched off, so shared prefixes, functions and helper
shapes stay where the remaining shapes expect them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import NamedTuple

from rdflib import Graph, Literal, URIRef
from rdflib.extras.shacl import parse_shacl_path
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from aimsgraph.rules.findings import SH, ResultPath, rule_shapes
from aimsgraph.vocabulary.namespaces import AIMS

TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
# The constraints of our twins' shapes, and the component pyshacl names in their results.
COMPONENTS: dict[URIRef, URIRef] = {
    SH.sparql: SH.SPARQLConstraintComponent,
    SH.minCount: SH.MinCountConstraintComponent,
    SH.qualifiedMinCount: SH.QualifiedMinCountConstraintComponent,
}
# What a shape may say besides its constraints: targets, its property shapes, its path, annotations.
NOT_CONSTRAINTS = frozenset(
    {RDF.type, *TARGETS, SH.property, SH.path, SH.severity, SH.message, SH.name, SH.description, SH.order}
    | {SH.group, SH.deactivated, SH.defaultValue, RDFS.label, RDFS.comment}
)


class Twin(NamedTuple):
    """A shape run set-at-a-time: its rule id, and the constraint component and path its results carry."""

    rule: str
    component: URIRef
    path: ResultPath | None


def twin_shapes(shapes: Graph, known: Collection[str]) -> dict[URIRef, Twin]:
    """The shapes the set-at-a-time evaluator runs (one shape per known rule id, with one constraint whose
    results it reports as pyshacl does)."""
    twins: dict[URIRef, Twin] = {}
    for rule, shape in rule_shapes(shapes).items():
        components = [COMPONENTS[p] for p in shapes.predicates(shape) if isinstance(p, URIRef) and p in COMPONENTS]
        if rule in known and len(components) == 1:
            path = shapes.value(shape, SH.path)
            twins[shape] = Twin(rule, components[0], None if path is None else parse_shacl_path(shapes, path))
    return twins


def pyshacl_part(shapes: Graph, twins: Collection[URIRef]) -> Graph | None:
    """The shapes graph with the twins switched off, or None when no remaining shape checks anything."""
    parents = {s for s in twins if any(c not in twins for c in shapes.objects(s, SH.property))}
    off = set(twins) - parents  # a twin holding other property shapes keeps them running: only its rule goes
    if not any(s not in twins and _checks(shapes, s) for s in validated_shapes(shapes, off)):
        return None
    if not twins:
        return shapes
    rest = Graph(namespace_manager=shapes.namespace_manager)
    rest += shapes
    for shape in off:
        rest.add((shape, SH.deactivated, Literal(True)))
    for shape in parents:
        for predicate in [p for p in shapes.predicates(shape) if _is_constraint(p)]:
            rest.remove((shape, predicate, None))
    return rest


def validated_shapes(shapes: Graph, off: Collection[Node] = ()) -> Iterator[Node]:
    """Every active shape a SHACL processor validates (shapes with targets, the property shapes under them),
    taking the shapes in `off` as deactivated."""
    todo = [s for t in TARGETS for s in shapes.subjects(t, None)]
    todo += [c for c in shapes.subjects(RDF.type, RDFS.Class) if _is_shape(shapes, c)]  # implicit class targets
    seen: set[Node] = set()
    while todo:
        shape = todo.pop()
        if shape in seen or shape in off or _deactivated(shapes, shape):
            continue
        seen.add(shape)
        yield shape
        todo.extend(shapes.objects(shape, SH.property))


def _is_shape(shapes: Graph, node: Node) -> bool:
    return (node, RDF.type, SH.NodeShape) in shapes or (node, RDF.type, SH.PropertyShape) in shapes


def _deactivated(shapes: Graph, shape: Node) -> bool:
    flag = shapes.value(shape, SH.deactivated)
    return isinstance(flag, Literal) and flag.toPython() is True


def _is_constraint(predicate: Node) -> bool:
    return predicate not in NOT_CONSTRAINTS and not str(predicate).startswith(str(AIMS._NS))


def _checks(shapes: Graph, shape: Node) -> bool:
    """True when the shape has a constraint of its own (anything but targets, sh:property, annotations)."""
    return any(_is_constraint(p) for p in shapes.predicates(shape))
