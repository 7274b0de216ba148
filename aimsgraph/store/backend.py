"""The triple store: named graphs in Oxigraph (on disk or in memory) or behind a SPARQL 1.1 endpoint."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore
from rdflib.query import Result
from rdflib.term import Identifier

from aimsgraph.errors import StoreError
from aimsgraph.vocabulary.namespaces import PREFIXES, GraphName


class Store:
    """A dataset of the workspace's named graphs, queried as their union.

    Writes that replace or extend a graph go through one SPARQL Update request, so they happen
    whole or not at all (Oxigraph runs each update in one transaction).
    """

    def __init__(self, dataset: Dataset, kind: str, location: str = "") -> None:
        self.dataset = dataset
        self.kind = kind
        self.location = location
        # Write bookkeeping for caches: a counter bumped by every write through this object, and per graph the
        # counter value of its last write (None key: a write whose graphs are unknown, e.g. a free SPARQL update).
        self.generation = 0
        self._written: dict[URIRef | None, int] = {}
        for prefix, namespace in PREFIXES.items():
            dataset.bind(prefix, namespace)

    # ---------------------------------------------------------------- construction
    @classmethod
    def in_memory(cls) -> Store:
        """An Oxigraph store in memory, for tests and stateless commands."""
        return cls(Dataset(store=OxigraphStore(), default_union=True), "memory")

    @classmethod
    def on_disk(cls, path: Path, *, read_only: bool = False) -> Store:
        """The embedded Oxigraph store in the folder `path` (created if missing)."""
        path.mkdir(parents=True, exist_ok=True)
        try:
            inner = ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
        except OSError as exc:
            if "lock" in str(exc).lower():
                raise StoreError(
                    f"{path}: the store is in use by another aimsgraph process "
                    "(the explorer or an endpoint?); stop it or use that process"
                ) from None
            raise StoreError(f"{path}: cannot open the store: {exc}") from None
        return cls(Dataset(store=OxigraphStore(store=inner), default_union=True), "oxigraph", str(path))

    @classmethod
    def remote(cls, query_endpoint: str, update_endpoint: str | None = None) -> Store:
        """A store behind any SPARQL 1.1 Query (+ Update) endpoint."""
        sparql = SPARQLUpdateStore(
            query_endpoint=query_endpoint, update_endpoint=update_endpoint or query_endpoint, returnFormat="json"
        )
        return cls(Dataset(store=sparql, default_union=True), "sparql", query_endpoint)

    @property
    def oxigraph(self) -> ox.Store | None:
        """The pyoxigraph store underneath, for bulk work; None for a remote store."""
        store = self.dataset.store
        return store._inner if isinstance(store, OxigraphStore) else None

    # ---------------------------------------------------------------- reading
    def graph(self, name: GraphName) -> Graph:
        """A live view of one named graph."""
        return self.dataset.graph(name.iri)

    def query(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> Result:
        """Run SPARQL over the union of all named graphs; bindings go through initBindings."""
        try:
            return self.dataset.query(sparql, initBindings=dict(bindings or {}))
        except (OSError, ConnectionError) as exc:
            raise StoreError(f"{self.location or self.kind}: query failed: {exc}") from None
        except ValueError as exc:  # a remote endpoint that answered something that is not SPARQL results
            raise StoreError(f"{self.location or self.kind}: unreadable answer: {str(exc)[:120]}") from None

    def select(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> list[tuple[Any, ...]]:
        """Rows of a SELECT query as tuples of rdflib terms (None where unbound)."""
        return [tuple(row) for row in self.query(sparql, bindings)]  # type: ignore[arg-type]

    def count(self, name: GraphName | None = None) -> int:
        """Number of triples in one named graph, or in all of them."""
        where = f"GRAPH <{name.iri}> {{ ?s ?p ?o }}" if name else "GRAPH ?g { ?s ?p ?o }"
        return int(self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")[0][0])

    def graph_names(self) -> list[URIRef]:
        """The named graphs that hold at least one triple."""
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(URIRef(str(row[0])) for row in rows)

    # ---------------------------------------------------------------- write bookkeeping
    @property
    def cacheable(self) -> bool:
        """True when only this object writes the data (embedded Oxigraph), so caches keyed by generation hold."""
        return self.kind != "sparql"

    def changed_since(self, generation: int) -> set[URIRef] | None:
        """Graphs written after `generation`; None when a write of unknown extent happened since."""
        if self._written.get(None, -1) > generation:
            return None
        return {g for g, at in self._written.items() if g is not None and at > generation}

    def _wrote(self, names: tuple[GraphName, ...] | None) -> None:
        self.generation += 1
        for key in (None,) if names is None else tuple(n.iri for n in names):
            self._written[key] = self.generation

    # ---------------------------------------------------------------- writing
    def replace_graph(self, name: GraphName, data: Graph) -> None:
        """Make `name` hold exactly `data`, in one transaction."""
        self.update(f"DROP SILENT GRAPH <{name.iri}> ;\n" + _insert_data(name, data), graphs=(name,))

    def add(self, name: GraphName, data: Graph) -> None:
        """Add `data` to `name`, in one transaction."""
        if len(data):
            self.update(_insert_data(name, data), graphs=(name,))

    def update(self, sparql: str, graphs: tuple[GraphName, ...] | None = None) -> None:
        """Run one SPARQL Update request (our own code only; user input never reaches here).

        `graphs` names the graphs the update writes (None: unknown), so caches know what to recompute.
        """
        self._wrote(graphs)
        try:
            # Straight to the store: through Dataset.update, oxrdflib declines union datasets and rdflib
            # falls back to evaluating the update itself in Python (minutes instead of milliseconds).
            # A SPARQL store must get no query graph: given one, it wraps the update in GRAPH <that graph> { }.
            store: Any = self.dataset.store
            graph = None if isinstance(store, SPARQLUpdateStore) else DATASET_DEFAULT_GRAPH_ID
            store.update(sparql, initNs={}, initBindings={}, queryGraph=graph)
        except (OSError, ConnectionError) as exc:
            raise StoreError(f"{self.location or self.kind}: update failed: {exc}") from None
        inner = self.oxigraph
        if inner is not None and self.kind == "oxigraph":
            inner.flush()

    def bulk_load(self, name: GraphName | None, path: Path, rdf_format: str = "nt") -> None:
        """Load a large file straight into Oxigraph (benchmarks); not transactional.

        With `name` None the file is N-Quads and names its own graphs.
        """
        inner = self.oxigraph
        if inner is None:
            raise StoreError("bulk loading needs the embedded Oxigraph store")
        self._wrote(None if name is None else (name,))
        if name is None:
            inner.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
        else:
            fmt = {"nt": ox.RdfFormat.N_TRIPLES, "ttl": ox.RdfFormat.TURTLE}[rdf_format]
            inner.bulk_load(path=str(path), format=fmt, to_graph=ox.NamedNode(str(name.iri)))
        if self.kind == "oxigraph":
            inner.flush()

    def close(self) -> None:
        """Release the store (and its lock on disk)."""
        self.dataset.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _insert_data(name: GraphName, data: Graph) -> str:
    body = data.serialize(format="nt")
    return f"INSERT DATA {{ GRAPH <{name.iri}> {{\n{body}\n}} }}"
