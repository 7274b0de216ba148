"""Counts of what a store holds: triples per named graph, instances per class, and the coverage figure per scope."""

from __future__ import annotations

from dataclasses import dataclass

from aimsgraph.coverage.matrix import coverage_matrix
from aimsgraph.store import Store
from aimsgraph.vocabulary.namespaces import AIMS, GraphName

_GRAPH_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
_CLASS_COUNTS = f"""
SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{
  GRAPH ?g {{ ?s a ?c }}
  FILTER(STRSTARTS(STR(?c), "{AIMS._NS}"))
}} GROUP BY ?c"""


@dataclass(frozen=True)
class Count:
    """One line of the stats: what is counted, in which section, and how many."""

    section: str
    name: str
    count: int


def store_stats(store: Store) -> list[Count]:
    """Triples per named graph (every graph, zero where empty), instances of each aimsgraph class, and today's
    coverage per scope (organisation, each AI system): covered and applicable leaf requirements."""
    by_graph = {str(row[0]): int(row[1] or 0) for row in store.values(_GRAPH_COUNTS)}
    counts = [Count("graph", name.value, by_graph.get(str(name.iri), 0)) for name in GraphName]
    classes = sorted((str(row[0])[len(str(AIMS._NS)) :], int(row[1] or 0)) for row in store.values(_CLASS_COUNTS))
    counts += [Count("class", name, n) for name, n in classes]
    for figure in coverage_matrix(store).figures():  # the one definition: CoverageMatrix.figure
        counts += [Count("coverage", f"{figure.scope}: covered", figure.covered)]
        counts += [Count("coverage", f"{figure.scope}: applicable", figure.applicable)]
    return counts
