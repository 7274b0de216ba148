"""History of the org facts: a dated change set for every load that changes them, and the org graph as of any day.

A load that changes the org graph records, in the same transaction, an aims:ChangeSet (a prov:Activity) in the
history graph: who loaded, when, from which day the change holds (`load --effective`), the fact files with their
SHA-256, and the triples added and removed as N-Triples text. Text, not named graphs of their own: every query reads
the union of the named graphs, where removed facts would come back to life. The org graph as of a day is today's
with every change set effective after that day undone, newest first. The first change set is never undone: before
it, the earliest recorded facts apply.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import PROV
from rdflib.term import Node

from aimsgraph.errors import InputError
from aimsgraph.facts.rdf import Triple, Triples
from aimsgraph.store import Store, cached
from aimsgraph.vocabulary.namespaces import AIMS, GraphName, change_file_iri, change_iri, local_id, org_iri

GENID = "urn:aims:genid:"  # blank nodes of the org graph, named by the graph's shape while a change set is computed
CHANGES = """
SELECT ?change ?recorded ?effective ?agent ?added ?removed WHERE {
  ?change a aims:ChangeSet ; prov:endedAtTime ?recorded ; aims:effective ?effective ;
          aims:addedCount ?added ; aims:removedCount ?removed .
  OPTIONAL { ?change prov:wasAssociatedWith ?agent }
}
"""
CHANGE_FILES = "SELECT ?change ?path ?sha WHERE { ?change prov:used ?file . ?file aims:path ?path ; aims:sha256 ?sha }"
ORG_TRIPLES = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
CHANGE_TRIPLES = "SELECT ?added ?removed WHERE { ?change aims:addedTriples ?added ; aims:removedTriples ?removed }"
AS_OF_SOURCES = (GraphName.CATALOG, GraphName.DOCUMENTS, GraphName.REVIEWS)  # copied as they are into a store of T


@dataclass(frozen=True)
class ChangeSet:
    """One recorded load that changed the org facts."""

    id: str
    recorded: datetime
    effective: date
    agent: str
    added: int
    removed: int
    files: tuple[tuple[str, str], ...]  # (path, sha256) of each fact file loaded


def agent_name() -> str:
    """Who is acting when no person is passed: $AIMSGRAPH_PERSON (a person id of the org facts), else '' (never
    the login name: a login is not a person of the org facts)."""
    name = os.environ.get("AIMSGRAPH_PERSON", "")
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-")


def agent_iri(person: str = "") -> URIRef | None:
    """The acting person (`person`, else agent_name()) as an IRI of the org facts; None when nobody is set."""
    name = person or agent_name()
    return org_iri("person", name) if name else None


def change_sets(store: Store) -> list[ChangeSet]:
    """Every recorded change set, in the order they were recorded (kept until the history graph is written)."""
    return cached(store, "change sets", (GraphName.HISTORY,), lambda: _fetch_changes(store))


def _fetch_changes(store: Store) -> list[ChangeSet]:
    files: dict[str, list[tuple[str, str]]] = {}
    for change, path, sha in store.values(CHANGE_FILES, graphs=(GraphName.HISTORY,)):
        files.setdefault(change or "", []).append((path or "", sha or ""))
    found = [
        ChangeSet(
            local_id(change or ""), datetime.fromisoformat(recorded or ""), date.fromisoformat(effective or ""),
            local_id(agent or "") if agent else "", int(added or 0), int(removed or 0),
            tuple(sorted(files.get(change or "", []))),
        )
        for change, recorded, effective, agent, added, removed in store.values(CHANGES, graphs=(GraphName.HISTORY,))
    ]  # fmt: skip
    return sorted(found, key=lambda c: (c.recorded, c.id))


def check_effective(store: Store, effective: date, today: date | None = None) -> None:
    """Refuse an effective day in the future or before the latest change set's (history stays in order)."""
    today = today or date.today()
    if effective > today:
        raise InputError(
            f"{effective} is in the future; a change can be effective today at the latest", field="--effective"
        )
    changes = change_sets(store)
    if changes and effective < changes[-1].effective:
        latest = changes[-1].effective
        raise InputError(
            f"{effective} is before the latest recorded change ({latest}); use {latest} or later", field="--effective"
        )


def org_triples(store: Store) -> set[Triple]:
    """Today's org graph's triples, read from the store (as terms: 3-4x faster than parsing its N-Triples dump)."""
    return {(s, p, o) for s, p, o in store.select(ORG_TRIPLES, graphs=(GraphName.ORG,))}  # type: ignore[misc]


def org_graph(store: Store) -> Graph:
    """Today's org graph, read from the store."""
    return _graph(org_triples(store))


def replace_org(
    store: Store,
    graph: Graph | Triples,
    files: list[tuple[str, str]],
    effective: date | None = None,
    person: str = "",
) -> ChangeSet | None:
    """Make the org graph hold `graph` and record what changed, in one transaction; None when nothing changed.

    `files` are the (path, sha256) of the fact files `graph` was built from; `effective` the day the change holds
    from (default today; checked by check_effective); `person` who loads (default agent_name()). Only the change is
    written where that is exact.
    """
    effective = effective or date.today()
    check_effective(store, effective)
    old, new = skolemised(org_triples(store)), skolemised(graph)
    if old == new:
        return None
    now = datetime.now(UTC)
    ident = now.strftime("%Y%m%dT%H%M%S%fZ")
    added, removed = new - old, old - new
    record = _change_graph(ident, now, effective, files, added, removed, agent_iri(person))
    history = f"INSERT DATA {{ GRAPH <{GraphName.HISTORY.iri}> {{\n{record.serialize(format='nt')}\n}} }}"
    by_change = not any(_named_blank(t) for t in added | removed)
    store.update(_org_writes(graph, added, removed, by_change) + history, graphs=(GraphName.ORG, GraphName.HISTORY))
    if by_change and store.count(GraphName.ORG) != len(new):  # a literal the store spells another way stayed
        store.update(_org_writes(graph, added, removed, False), graphs=(GraphName.ORG,))
    return ChangeSet(ident, now, effective, person or agent_name(), len(added), len(removed), tuple(sorted(files)))


def _org_writes(graph: Graph | Triples, added: Triples, removed: Triples, by_change: bool) -> str:
    """SPARQL that makes the org graph hold `graph`: the change alone (no blank nodes), else all of it anew."""
    org = GraphName.ORG.iri
    if by_change:  # writing 60k unchanged triples again cost seconds in the store; a change costs its size
        deletes = f"DELETE DATA {{ GRAPH <{org}> {{\n{nt_lines(removed)}}} }} ;\n" if removed else ""
        return deletes + f"INSERT DATA {{ GRAPH <{org}> {{\n{nt_lines(added)}}} }} ;\n"
    return f"DROP SILENT GRAPH <{org}> ;\nINSERT DATA {{ GRAPH <{org}> {{\n{nt_lines(set(graph))}}} }} ;\n"


def _named_blank(triple: Triple) -> bool:
    return any(isinstance(t, URIRef) and t.startswith(GENID) for t in triple)


def nt_lines(triples: Iterable[Triple]) -> str:
    """N-Triples text of `triples`, one a line (written here: rdflib's serialiser first copies them into a Graph)."""
    return "".join(f"{_nt(s)} {_nt(p)} {_nt(o)} .\n" for s, p, o in triples)


def _nt(term: Node) -> str:
    if not isinstance(term, Literal):
        return term.n3()
    text = '"' + str(term).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"').replace("\r", "\\r") + '"'
    if term.language:
        return f"{text}@{term.language}"
    return f"{text}^^<{term.datatype}>" if term.datatype else text


def _change_graph(
    ident: str,
    now: datetime,
    effective: date,
    files: list[tuple[str, str]],
    added: set[Triple],
    removed: set[Triple],
    who: URIRef | None,
) -> Graph:
    change = change_iri(ident)
    graph = Graph()
    if who is not None:
        graph.add((change, PROV.wasAssociatedWith, who))
    for prop, value in (
        (RDF.type, AIMS.ChangeSet),
        (RDF.type, PROV.Activity),
        (AIMS.activityKind, Literal("load")),
        (PROV.endedAtTime, Literal(now.isoformat(), datatype=XSD.dateTime)),
        (AIMS.effective, Literal(effective.isoformat(), datatype=XSD.date)),
        (AIMS.addedCount, Literal(len(added), datatype=XSD.integer)),
        (AIMS.removedCount, Literal(len(removed), datatype=XSD.integer)),
        (AIMS.addedTriples, Literal(_ntriples(added))),
        (AIMS.removedTriples, Literal(_ntriples(removed))),
    ):
        graph.add((change, prop, value))
    for number, (path, sha) in enumerate(sorted(files), start=1):
        node = change_file_iri(ident, number)
        graph.add((change, PROV.used, node))
        graph.add((node, RDF.type, PROV.Entity))
        graph.add((node, AIMS.path, Literal(path)))
        graph.add((node, AIMS.sha256, Literal(sha)))
    return graph


def skolemised(graph: Graph | set[Triple]) -> set[Triple]:
    """The graph's triples, blank nodes named after the graph's shape: isomorphic graphs give equal sets."""
    triples: set[Triple] = set(graph)
    if not any(isinstance(term, BNode) for triple in triples for term in triple):
        return triples
    # the canonical labelling is the slow part; only graphs with blank nodes pay for it
    source = graph if isinstance(graph, Graph) else _graph(triples)
    return {_named(s, p, o) for s, p, o in to_canonical_graph(source)}


def _named(s: Node, p: Node, o: Node) -> Triple:
    s, o = (URIRef(GENID + t) if isinstance(t, BNode) else t for t in (s, o))
    return s, p, o


def _graph(triples: set[Triple]) -> Graph:
    """A graph of skolemised triples with their blank nodes restored."""
    graph = Graph()
    for triple in triples:
        s, p, o = (BNode(t[len(GENID) :]) if isinstance(t, URIRef) and t.startswith(GENID) else t for t in triple)
        graph.add((s, p, o))
    return graph


def _ntriples(triples: set[Triple]) -> str:
    return "\n".join(sorted(nt_lines(triples).splitlines()))


def undone_after(store: Store, day: date) -> list[ChangeSet]:
    """The change sets to undo to see the org facts as of `day`: every one effective after it but the first."""
    return [c for c in change_sets(store)[1:] if c.effective > day]


def first_effective_after(store: Store, day: date) -> date | None:
    """The first change set's effective day when `day` is before it (the earliest recorded facts then apply)."""
    changes = change_sets(store)
    return changes[0].effective if changes and day < changes[0].effective else None


def org_as_of(store: Store, day: date) -> Graph:
    """The org graph as it was on `day`: today's with every later change set undone, newest first."""
    undo = undone_after(store, day)
    current = org_graph(store)
    if not undo:
        return current
    triples = skolemised(current)
    for change in reversed(undo):
        added, removed = _change_triples(store, change)
        triples = (triples - added) | removed
    return _graph(triples)


def _change_triples(store: Store, change: ChangeSet) -> tuple[set[Triple], set[Triple]]:
    rows = store.values(CHANGE_TRIPLES, {"change": change_iri(change.id)}, graphs=(GraphName.HISTORY,))
    added, removed = rows[0] if rows else ("", "")
    return _parse(added), _parse(removed)


def _parse(ntriples: str | None) -> set[Triple]:
    return set(Graph().parse(data=ntriples or "", format="nt"))


def store_as_of(store: Store, day: date) -> Store:
    """A store whose org graph is as of `day` (with today's catalog, documents and reviews): `store` itself when no
    change set is effective after `day`, else an in-memory copy, reused until a source graph is written."""
    if not undone_after(store, day):
        return store
    # a change set is written with the org graph, so the org graph stands for the history this store depends on
    sources = (*AS_OF_SOURCES, GraphName.ORG)
    return cached(store, ("store as of", day), sources, lambda: _build_as_of(store, day))


def _build_as_of(store: Store, day: date) -> Store:
    parts = [_quads(store.dump("nt", name), name) for name in AS_OF_SOURCES]
    parts.append(_quads(org_as_of(store, day).serialize(format="nt", encoding="utf-8"), GraphName.ORG))
    return Store.from_quads(b"".join(parts))


def _quads(ntriples: bytes, name: GraphName) -> bytes:
    """N-Triples (one triple a line) as N-Quads of graph `name`."""
    suffix = f" <{name.iri}> .".encode()
    lines = (line.rstrip() for line in ntriples.splitlines())
    return b"".join(line[:-1].rstrip() + suffix + b"\n" for line in lines if line.endswith(b"."))


# ---------------------------------------------------------------- the activity log (every write, who and when)
ACTIVITY_KINDS = ("review", "reversal", "load", "ingest", "upload", "accept-change")
ACTIVITIES = """
SELECT ?activity ?kind ?at ?who WHERE {
  { ?activity aims:activityKind ?kind }
  UNION { ?activity a aims:ChangeSet FILTER NOT EXISTS { ?activity aims:activityKind ?k } BIND("load" AS ?kind) }
  ?activity prov:endedAtTime ?at .
  OPTIONAL { ?activity prov:wasAssociatedWith ?who }
}
"""
TOUCHED = "SELECT ?activity ?id WHERE { ?activity aims:touched ?id }"


@dataclass(frozen=True)
class Activity:
    """One write as the activity log records it: what kind, when, by whom, the ids touched, the files' hashes."""

    id: str
    kind: str
    at: datetime
    person: str  # a person id of the org facts; '' for a write nobody was configured for
    touched: tuple[str, ...]
    files: tuple[tuple[str, str], ...]  # (path, sha256)


def activity_record(
    kind: str,
    person: URIRef | None,
    touched: list[str],
    files: list[tuple[str, str]] | None = None,
    *,
    node: URIRef | None = None,
    now: datetime | None = None,
) -> Graph:
    """The history graph's record of one write (add it to the write's own update, so both land or neither)."""
    now = now or datetime.now(UTC)
    node = node or activity_iri(now)
    graph = Graph()
    for prop, value in (
        (RDF.type, AIMS.WriteActivity),
        (RDF.type, PROV.Activity),
        (AIMS.activityKind, Literal(kind)),
        (PROV.endedAtTime, Literal(now.isoformat(), datatype=XSD.dateTime)),
    ):
        graph.add((node, prop, value))
    if person is not None:
        graph.add((node, PROV.wasAssociatedWith, person))
    for ident in sorted(set(touched)):
        graph.add((node, AIMS.touched, Literal(ident)))
    for number, (path, sha) in enumerate(sorted(files or []), start=1):
        used = URIRef(f"{node}/file/{number}")
        graph.add((node, PROV.used, used))
        graph.add((used, RDF.type, PROV.Entity))
        graph.add((used, AIMS.path, Literal(path)))
        graph.add((used, AIMS.sha256, Literal(sha)))
    return graph


def activity_iri(now: datetime) -> URIRef:
    """A new activity's IRI: its time and a random part, so two processes writing at once never collide."""
    return URIRef(f"urn:aims:activity:{now.strftime('%Y%m%dT%H%M%S%fZ')}-{os.urandom(3).hex()}")


def activities(store: Store, person: str | None = None, since: date | None = None) -> list[Activity]:
    """Every recorded write, oldest first; only `person`'s, only from the day `since`, when given."""
    files: dict[str, list[tuple[str, str]]] = {}
    for activity, path, sha in store.values(CHANGE_FILES, graphs=(GraphName.HISTORY,)):
        files.setdefault(activity or "", []).append((path or "", sha or ""))
    touched: dict[str, list[str]] = {}
    for activity, ident in store.values(TOUCHED, graphs=(GraphName.HISTORY,)):
        touched.setdefault(activity or "", []).append(ident or "")
    found = [
        Activity(
            local_id(a or ""), kind or "", datetime.fromisoformat(at or ""), local_id(who) if who else "",
            tuple(sorted(touched.get(a or "", []))), tuple(sorted(files.get(a or "", []))),
        )
        for a, kind, at, who in store.values(ACTIVITIES, graphs=(GraphName.HISTORY,))
    ]  # fmt: skip
    return sorted(
        (
            a
            for a in found
            if (person is None or a.person == person) and (since is None or a.at.astimezone(UTC).date() >= since)
        ),
        key=lambda a: (a.at, a.id),
    )
