"""The triple store: named graphs in Oxigraph (on disk or in memory) or behind a SPARQL 1.1 endpoint.

`Store` is the only door to the data. It reads in three typed ways that work the same on both backends:
`select` (rows of RDF terms), `values` (rows of lexical forms, for bulk paths that never need term objects) and
`answer` (a user query of any form, within a row limit). Callers pass RDF terms as bindings; only the store turns
them into query text, and only where a backend needs text.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore
from rdflib.query import Result, ResultException
from rdflib.term import Identifier

from aimsgraph.errors import StoreError
from aimsgraph.store.answers import (
    PREFIX_MAP,
    QueryOutcome,
    Snapshot,
    evaluate,
    outcome_of,
    snapshot_of,
    to_oxigraph,
    to_rdflib,
)
from aimsgraph.store.remote import failure, probe
from aimsgraph.vocabulary.namespaces import DERIVED_FROM, PREFIXES, GraphName

Terms = tuple[Identifier | None, ...]
Row = tuple[str | None, ...]
Bindings = Mapping[str, Identifier]
DUMP_FORMATS = {
    "nq": ox.RdfFormat.N_QUADS,
    "nt": ox.RdfFormat.N_TRIPLES,
    "trig": ox.RdfFormat.TRIG,
    "ttl": ox.RdfFormat.TURTLE,
    "xml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
}
DATASET_FORMATS = ("nq", "trig", "jsonld")
RDFLIB_FORMATS = {"nq": "nquads", "nt": "nt", "trig": "trig", "ttl": "turtle", "xml": "xml", "jsonld": "json-ld"}


class Store:
    """A dataset of the workspace's named graphs, queried as their union.

    Writes that replace or extend a graph go through one SPARQL Update request, so they happen
    whole or not at all (Oxigraph runs each update in one transaction). A write to a graph that a derived
    graph (the coverage view) is computed from drops that derived graph in the same transaction, so a
    stale view is never read: it is absent until recomputed.
    """

    def __init__(self, dataset: Dataset, kind: str, location: str = "", oxigraph: ox.Store | None = None) -> None:
        self.dataset = dataset
        self.kind = kind
        self.location = location
        self.read_only = False
        self._ox = oxigraph
        self._headers: dict[str, str] = {}  # a remote store's credentials: sent, never shown
        self._update_url = location
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
        inner = ox.Store()
        return cls(Dataset(store=OxigraphStore(store=inner), default_union=True), "memory", oxigraph=inner)

    @classmethod
    def from_quads(cls, data: bytes) -> Store:
        """An in-memory store holding the N-Quads `data` (a copy handed to a child process)."""
        store = cls.in_memory()
        assert store._ox is not None
        store._ox.load(data, format=ox.RdfFormat.N_QUADS)
        return store

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
        dataset = Dataset(store=OxigraphStore(store=inner), default_union=True)
        store = cls(dataset, "oxigraph", str(path), oxigraph=inner)
        store.read_only = read_only
        return store

    @classmethod
    def remote(
        cls, query_endpoint: str, update_endpoint: str | None = None, headers: Mapping[str, str] | None = None
    ) -> Store:
        """A store behind any SPARQL 1.1 Query (+ Update) endpoint; `headers` (credentials) go with every request."""
        sent = dict(headers or {})
        sparql = SPARQLUpdateStore(
            query_endpoint=query_endpoint,
            update_endpoint=update_endpoint or query_endpoint,
            returnFormat="json",
            headers=dict(sent),
        )
        store = cls(Dataset(store=sparql, default_union=True), "sparql", query_endpoint)
        store._headers, store._update_url = sent, update_endpoint or query_endpoint
        return store

    @property
    def embedded(self) -> bool:
        """True for Oxigraph in this process (on disk or in memory), False for a remote endpoint."""
        return self._ox is not None

    @property
    def label(self) -> str:
        """Where the store is, for error lines."""
        return self.location or self.kind

    # ---------------------------------------------------------------- reading
    def graph(self, name: GraphName) -> Graph:
        """A live rdflib view of one named graph (for small graphs and tests; bulk reads use select/values)."""
        return self.dataset.graph(name.iri)

    def select(
        self, sparql: str, bindings: Bindings | None = None, graphs: tuple[GraphName, ...] | None = None
    ) -> list[Terms]:
        """Rows of a SELECT as RDF terms (None where unbound), over the union of named graphs or only `graphs`."""
        if self._ox is None:
            return [tuple(row) for row in self._remote(sparql, bindings, graphs)]  # type: ignore[arg-type]
        solutions = self._solutions(sparql, bindings, graphs)
        return [tuple(None if term is None else to_rdflib(term) for term in solution) for solution in solutions]

    def values(
        self, sparql: str, bindings: Bindings | None = None, graphs: tuple[GraphName, ...] | None = None
    ) -> list[Row]:
        """Rows of a SELECT as lexical forms (IRIs without <>): the bulk path, with no term objects made."""
        if self._ox is None:
            return [tuple(None if v is None else str(v) for v in row) for row in self.select(sparql, bindings, graphs)]
        # Positional iteration over a solution is about three times faster than looking variables up by name.
        return [
            tuple(None if term is None else term.value for term in solution)
            for solution in self._solutions(sparql, bindings, graphs)
        ]

    def answer(self, sparql: str, bindings: Bindings | None = None, row_limit: int = 10000) -> QueryOutcome:
        """A user query of any form (SELECT, ASK, CONSTRUCT, DESCRIBE), at most `row_limit` rows.

        Its own FROM clauses choose its dataset; otherwise it reads the union of named graphs.
        """
        if self._ox is not None:
            try:
                return evaluate(self._ox, sparql, dict(bindings or {}), row_limit)
            except OSError as exc:
                raise StoreError(f"{self.label}: query failed: {exc}") from None
        return outcome_of(self._query(sparql, bindings), row_limit)

    def ask(self, sparql: str, bindings: Bindings | None = None) -> bool:
        """The answer of an ASK query over the union of named graphs."""
        return bool(self.answer(sparql, bindings).boolean)

    def count(self, name: GraphName | None = None) -> int:
        """Number of triples in one named graph, or in all of them."""
        where = f"GRAPH <{name.iri}> {{ ?s ?p ?o }}" if name else "GRAPH ?g { ?s ?p ?o }"
        return int(self.values(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")[0][0] or 0)

    def graph_names(self) -> list[URIRef]:
        """The named graphs that hold at least one triple."""
        rows = self.values("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(URIRef(str(row[0])) for row in rows)

    def dump(self, rdf_format: str, name: GraphName | None = None) -> bytes:
        """One named graph (as a plain graph), or every named graph (nq, trig, jsonld), serialised.

        The embedded store serialises itself (9-14x faster than going through rdflib); a remote one through rdflib.
        """
        if rdf_format not in RDFLIB_FORMATS:
            raise StoreError(f"cannot serialise as '{rdf_format}'")
        if name is None and rdf_format not in DATASET_FORMATS:
            raise StoreError(f"'{rdf_format}' holds one graph: name a graph or use {', '.join(DATASET_FORMATS)}")
        if self._ox is not None:
            graph = None if name is None else ox.NamedNode(str(name.iri))
            data = self._ox.dump(format=DUMP_FORMATS[rdf_format], from_graph=graph, prefixes=PREFIX_MAP)
            return data or b""
        source: Graph | Dataset = self.dataset if name is None else self.graph(name)
        text = source.serialize(format=RDFLIB_FORMATS[rdf_format])
        return text.encode("utf-8") if isinstance(text, str) else text

    @contextmanager
    def snapshot(self) -> Iterator[Snapshot]:
        """A picklable copy another process can open read-only (a checkpoint beside an on-disk store, else quads)."""
        if self._ox is None:
            raise StoreError(f"{self.label}: a remote store cannot be copied for a child process")
        with snapshot_of(self._ox, self.label, self.location if self.kind == "oxigraph" else "") as copy:
            yield copy

    def _solutions(self, sparql: str, bindings: Bindings | None, graphs: tuple[GraphName, ...] | None) -> Any:
        assert self._ox is not None
        # pyoxigraph substitutes only projected variables, so bindings become a VALUES block at the pattern's start
        values = "".join(f" VALUES ?{k} {{ {to_oxigraph(v)} }}" for k, v in (bindings or {}).items())
        where = sparql.index("{") + 1
        text = sparql[:where] + values + sparql[where:]
        try:
            if graphs is None:
                return self._ox.query(text, prefixes=PREFIX_MAP, use_default_graph_as_union=True)
            default: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [ox.NamedNode(str(g.iri)) for g in graphs]
            return self._ox.query(text, prefixes=PREFIX_MAP, default_graph=default)
        except OSError as exc:
            raise StoreError(f"{self.label}: query failed: {exc}") from None

    def _remote(self, sparql: str, bindings: Bindings | None, graphs: tuple[GraphName, ...] | None) -> Result:
        if graphs is not None and len(graphs) > 1:  # several graphs: their merge through FROM clauses
            at = sparql.index("WHERE")
            sparql = sparql[:at] + "".join(f"FROM <{g.iri}> " for g in graphs) + sparql[at:]
        # One graph goes as the protocol's default-graph-uri: an Oxigraph server run with --union-default-graph
        # ignores FROM and reads the union (a change set then counted the catalog as removed from the org graph).
        return self._query(sparql, bindings, graphs[0] if graphs is not None and len(graphs) == 1 else None)

    def _query(self, sparql: str, bindings: Bindings | None, graph: GraphName | None = None) -> Result:
        try:
            if graph is not None:
                store: Any = self.dataset.store
                namespaces = dict(self.dataset.namespaces())
                return store.query(sparql, namespaces, dict(bindings or {}), queryGraph=str(graph.iri))  # type: ignore[no-any-return]
            return self.dataset.query(sparql, initBindings=dict(bindings or {}))
        except OSError as exc:
            raise failure(self.label, exc) from None
        except (ValueError, ResultException) as exc:
            # rdflib reports a refused connection or an HTTP error as a ValueError about the query: ask the
            # endpoint a trivial question to say which it was; if that works, the answer itself was unreadable.
            raise probe(self.label, self._headers) or StoreError(
                f"{self.label}: unreadable answer: {str(exc)[:120]}"
            ) from None

    # ---------------------------------------------------------------- write bookkeeping
    @property
    def cacheable(self) -> bool:
        """True when only this object writes the data (embedded Oxigraph), so caches keyed by generation hold."""
        return self._ox is not None

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

        `graphs` names the graphs the update writes (None: unknown), so caches know what to recompute and derived
        graphs computed from them are dropped in the same request.
        """
        if self.read_only:
            raise StoreError(f"{self.label}: the store is open read-only; nothing was written")
        stale = _derived_of(graphs)
        sparql += "".join(f" ;\nDROP SILENT GRAPH <{g.iri}>" for g in stale)
        self._wrote(graphs if graphs is None else (*graphs, *stale))
        try:
            # Straight to the store: through Dataset.update, oxrdflib declines union datasets and rdflib
            # falls back to evaluating the update itself in Python (minutes instead of milliseconds).
            # A SPARQL store must get no query graph: given one, it wraps the update in GRAPH <that graph> { }.
            store: Any = self.dataset.store
            graph = None if isinstance(store, SPARQLUpdateStore) else DATASET_DEFAULT_GRAPH_ID
            store.update(sparql, initNs={}, initBindings={}, queryGraph=graph)
        except OSError as exc:
            if self._ox is None:
                raise failure(self._update_url, exc) from None
            raise StoreError(f"{self.label}: update failed: {exc}") from None
        if self._ox is not None and self.kind == "oxigraph":
            self._ox.flush()

    def bulk_load(self, name: GraphName | None, path: Path, rdf_format: str = "nt") -> None:
        """Load a large file straight into Oxigraph (benchmarks); not transactional.

        With `name` None the file is N-Quads and names its own graphs.
        """
        if self._ox is None:
            raise StoreError("bulk loading needs the embedded Oxigraph store")
        written = None if name is None else (name,)
        stale = _derived_of(written)
        self._wrote(None if written is None else (*written, *stale))
        for derived in stale:
            self._ox.update(f"DROP SILENT GRAPH <{derived.iri}>")
        if name is None:
            self._ox.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
        else:
            fmt = {"nt": ox.RdfFormat.N_TRIPLES, "ttl": ox.RdfFormat.TURTLE}[rdf_format]
            self._ox.bulk_load(path=str(path), format=fmt, to_graph=ox.NamedNode(str(name.iri)))
        if self.kind == "oxigraph":
            self._ox.flush()

    def close(self) -> None:
        """Release the store (and its lock on disk): no reference to the Oxigraph store may outlive this."""
        self.dataset.close()
        self._ox = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _derived_of(graphs: tuple[GraphName, ...] | None) -> tuple[GraphName, ...]:
    """The derived graphs a write to `graphs` makes stale (all of them for a write of unknown extent)."""
    written = set(graphs) if graphs is not None else None
    return tuple(
        derived
        for derived, sources in DERIVED_FROM.items()
        if (written is None or written & set(sources)) and (graphs is None or derived not in graphs)
    )


def _insert_data(name: GraphName, data: Graph) -> str:
    body = data.serialize(format="nt")
    return f"INSERT DATA {{ GRAPH <{name.iri}> {{\n{body}\n}} }}"
