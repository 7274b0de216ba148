"""SELECT straight on pyoxigraph (no rdflib term conversion), and caches that follow the store's writes.

The bulk paths of coverage and the fast engine read through here. A cached value names the graphs it was read
from; it holds until one of those graphs is written through the Store (Store.generation / changed_since).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

import pyoxigraph as ox
from rdflib import URIRef

from aimsgraph.store.backend import Store
from aimsgraph.vocabulary.namespaces import PREFIXES, GraphName

PROLOGUE = "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in PREFIXES.items())
Row = tuple[str | None, ...]
T = TypeVar("T")
_CACHES: WeakKeyDictionary[Store, dict[Any, tuple[int, Any]]] = WeakKeyDictionary()


def rows(
    store: Store,
    sparql: str,
    bindings: Mapping[str, URIRef] | None = None,
    graphs: tuple[GraphName, ...] | None = None,
) -> list[Row]:
    """Rows of a SELECT, every value as its lexical form (IRIs without <>).

    The query reads the union of all named graphs, or only `graphs` when given (embedded store).
    """
    inner = store.oxigraph
    if inner is None:  # a remote store: the ordinary path, FROM clauses instead of a default-graph list
        if graphs is not None:
            at = sparql.index("WHERE")
            sparql = sparql[:at] + "".join(f"FROM <{g.iri}> " for g in graphs) + sparql[at:]
        return [tuple(None if v is None else str(v) for v in row) for row in store.select(sparql, bindings)]
    # pyoxigraph substitutes only projected variables, so bindings become a VALUES block of checked IRIs
    values = "".join(f" VALUES ?{k} {{ {ox.NamedNode(str(v))} }}" for k, v in (bindings or {}).items())
    where = sparql.index("{") + 1
    text = PROLOGUE + sparql[:where] + values + sparql[where:]
    if graphs is None:
        result = inner.query(text, use_default_graph_as_union=True)
    else:
        result = inner.query(text, default_graph=[ox.NamedNode(str(g.iri)) for g in graphs])
    assert isinstance(result, ox.QuerySolutions)
    # Positional iteration over a solution is about three times faster than looking variables up by name.
    return [tuple(None if term is None else term.value for term in solution) for solution in result]


def cached(store: Store, key: Any, graphs: tuple[GraphName, ...], compute: Callable[[], T]) -> T:
    """`compute()`, reused until one of `graphs` is written (never cached for a store others can write)."""
    if not store.cacheable:
        return compute()
    cache = _CACHES.setdefault(store, {})
    if key in cache:
        generation, value = cache[key]
        changed = store.changed_since(generation)
        if changed is not None and not changed & {g.iri for g in graphs}:
            return value  # type: ignore[no-any-return]
    generation = store.generation
    value = compute()
    cache[key] = (generation, value)
    return value


def cached_rows(
    store: Store, sparql: str, graphs: tuple[GraphName, ...], bindings: Mapping[str, URIRef] | None = None
) -> list[Row]:
    """`rows` over exactly `graphs`, reused until one of them is written."""
    key = ("rows", sparql, tuple(sorted((k, str(v)) for k, v in (bindings or {}).items())), graphs)
    return cached(store, key, graphs, lambda: rows(store, sparql, bindings, graphs))


def clear_caches(store: Store) -> None:
    """Forget every cached value of `store` (benchmarks compare a cold run with a cached one)."""
    _CACHES.pop(store, None)
