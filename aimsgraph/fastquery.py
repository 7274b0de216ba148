"""SELECT straight on pyoxigraph (no rdflib term conversion): the bulk path of coverage and the fast engine."""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox
from rdflib import URIRef

from aimsgraph.namespaces import PREFIXES
from aimsgraph.store import Store

PROLOGUE = "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in PREFIXES.items())
Row = tuple[str | None, ...]


def rows(store: Store, sparql: str, bindings: Mapping[str, URIRef] | None = None) -> list[Row]:
    """Rows of a SELECT over the union of named graphs, every value as its lexical form (IRIs without <>)."""
    inner = store.oxigraph
    if inner is None:  # a remote store: the ordinary path
        return [tuple(None if v is None else str(v) for v in row) for row in store.select(sparql, bindings)]
    # pyoxigraph substitutes only projected variables, so bindings become a VALUES block of checked IRIs
    values = "".join(f" VALUES ?{k} {{ {ox.NamedNode(str(v))} }}" for k, v in (bindings or {}).items())
    where = sparql.index("{") + 1
    result = inner.query(PROLOGUE + sparql[:where] + values + sparql[where:], use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [tuple(None if s[n] is None else s[n].value for n in names) for s in result]
