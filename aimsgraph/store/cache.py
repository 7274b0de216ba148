"""Caches that follow the store's writes.

A cached value names the graphs it was read from; it holds until one of those graphs is written through the
Store (Store.generation / changed_since). A store others can write (a remote endpoint) is never cached.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from rdflib.term import Identifier

from aimsgraph.store.backend import Row, Store
from aimsgraph.vocabulary.namespaces import GraphName

T = TypeVar("T")
_CACHES: WeakKeyDictionary[Store, dict[Any, tuple[int, Any]]] = WeakKeyDictionary()


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
    store: Store, sparql: str, graphs: tuple[GraphName, ...], bindings: Mapping[str, Identifier] | None = None
) -> list[Row]:
    """`store.values` over exactly `graphs`, reused until one of them is written."""
    key = ("rows", sparql, tuple(sorted((k, str(v)) for k, v in (bindings or {}).items())), graphs)
    return cached(store, key, graphs, lambda: store.values(sparql, bindings, graphs))


def clear_caches(store: Store) -> None:
    """Forget every cached value of `store` (benchmarks compare a cold run with a cached one)."""
    _CACHES.pop(store, None)
