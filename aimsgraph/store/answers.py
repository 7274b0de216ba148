"""Queries evaluated straight on pyoxigraph, answers converted to rdflib terms once per distinct term.

Through rdflib's query API (oxrdflib) every value of every row becomes a fresh rdflib term inside a ResultRow:
~25 us a value, 250 ms for the 1,000 rows x 10 values of coverage-by-system. Converting each distinct term once
makes that a dictionary lookup for the repeated ones (dates, counts, types).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.query import Result
from rdflib.term import Identifier

from aimsgraph.vocabulary.namespaces import PREFIXES

if TYPE_CHECKING:
    from aimsgraph.store.backend import Store

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
PREFIX_MAP = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}


@dataclass
class QueryOutcome:
    """What a query returned (in rdflib terms), already limited to the row limit."""

    form: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Identifier | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None
    truncated: bool = False


def to_oxigraph(term: Identifier) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as a pyoxigraph term (for substitutions)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        datatype = ox.NamedNode(str(term.datatype)) if term.datatype else None
        return ox.Literal(str(term), language=term.language, datatype=datatype)
    raise ValueError(f"cannot bind {term!r}")


@lru_cache(maxsize=1 << 18)  # a pure function of an immutable term; the explorer and endpoint ask again and again
def to_rdflib(term: object) -> Identifier:
    """A pyoxigraph term as an rdflib term (cached: answers repeat the same terms)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value) if datatype == XSD_STRING else Literal(term.value, datatype=URIRef(datatype))
    raise ValueError(f"unsupported term in an answer: {term!r}")  # RDF-star triples: not in our data


def evaluate(store: ox.Store, text: str, bindings: Mapping[str, Identifier], row_limit: int) -> QueryOutcome:
    """Run `text` over the union of named graphs (FROM clauses choose otherwise) with `bindings` substituted."""
    substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
        ox.Variable(name): to_oxigraph(value) for name, value in bindings.items()
    }
    result = store.query(text, prefixes=PREFIX_MAP, use_default_graph_as_union=True, substitutions=substitutions)
    if isinstance(result, ox.QueryBoolean):
        return QueryOutcome("ASK", boolean=bool(result))
    if isinstance(result, ox.QueryTriples):
        graph = Graph()
        for triple in result:
            graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
        return QueryOutcome("CONSTRUCT", graph=graph)
    answer = QueryOutcome("SELECT", [v.value for v in result.variables])
    for solution in result:
        if len(answer.rows) == row_limit:
            answer.truncated = True
            break
        answer.rows.append(tuple(None if term is None else to_rdflib(term) for term in solution))
    return answer


def outcome_of(result: Result, row_limit: int) -> QueryOutcome:
    """An rdflib query result (a remote store's answer) as a QueryOutcome of at most `row_limit` rows."""
    if result.type == "ASK":
        return QueryOutcome("ASK", boolean=bool(result.askAnswer))
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return QueryOutcome(result.type, graph=result.graph)
    answer = QueryOutcome("SELECT", [str(v) for v in result.vars or []])
    for row in result:
        if len(answer.rows) == row_limit:
            answer.truncated = True
            break
        answer.rows.append(tuple(row))  # type: ignore[arg-type]
    return answer


@dataclass(frozen=True)
class Snapshot:
    """What a child process needs to open a copy of the store: a checkpoint folder, or an in-memory store's quads."""

    label: str
    checkpoint: str = ""
    quads: bytes = b""

    def open(self) -> Store:
        """The copy as a Store (read-only for a checkpoint)."""
        from aimsgraph.store.backend import Store

        if self.checkpoint:
            return Store.on_disk(Path(self.checkpoint), read_only=True)
        return Store.from_quads(self.quads)


@contextmanager
def snapshot_of(store: ox.Store, label: str, location: str) -> Iterator[Snapshot]:
    """A checkpoint of an on-disk store beside it (same file system: hard links, removed afterwards), else quads."""
    if not location:
        yield Snapshot(label, quads=store.dump(format=ox.RdfFormat.N_QUADS) or b"")  # bytes when given no output
        return
    folder = Path(tempfile.mkdtemp(prefix=".query-", dir=Path(location).parent))
    try:
        store.backup(str(folder / "store"))
        yield Snapshot(label, checkpoint=str(folder / "store"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
