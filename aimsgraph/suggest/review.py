"""Review: a person accepts or rejects suggestions; each decision becomes a link in the `reviews` graph.

An accepted suggestion becomes an aims:EvidenceLink with aims:status aims:Accepted and aims:method aims:Reviewed,
with PROV-O provenance (the suggestion it came from, the review activity, reviewer and time); the reviewer must be a
person of the org facts, and the activity is also logged in the history graph (who, when, which suggestions).
A rejected one is stored the same way with aims:Rejected, so it is never suggested again for the same document version.
A decision is undone by a reversal (undo_decisions): a new review activity that prov:invalidated the decision's link,
whose status becomes aims:Withdrawn (kept, never deleted), and the suggestion is pending again.
"""

from __future__ import annotations

from datetime import UTC, datetime

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import PROV, XSD

from aimsgraph.errors import InputError
from aimsgraph.facts.history import activity_iri, activity_record
from aimsgraph.facts.people import acting_person, configured_person
from aimsgraph.store import Store
from aimsgraph.suggest.suggestions import SuggestionView, pending_suggestions
from aimsgraph.vocabulary.namespaces import AIMS, GraphName, local_id, org_iri, requirement_iri
from aimsgraph.workspace import Workspace

SYSTEMS = "SELECT ?doc ?system WHERE { GRAPH <urn:aims:graph:org> { ?doc aims:appliesTo ?system } }"
SYSTEM_IDS = "SELECT ?id WHERE { GRAPH <urn:aims:graph:org> { ?s a aims:AISystem ; aims:id ?id } }"
PASSAGE = "SELECT ?s ?p WHERE { GRAPH <urn:aims:graph:suggestions> { ?s aims:passage ?p } }"
DECIDED = """
SELECT ?link ?status ?decided WHERE {
  GRAPH <urn:aims:graph:reviews> { ?link prov:wasDerivedFrom ?s ; aims:status ?status ; aims:decidedAt ?decided } }
ORDER BY DESC(?decided)
"""
UNDOABLE = {str(AIMS.Accepted): AIMS.Accepted, str(AIMS.Rejected): AIMS.Rejected}


def default_reviewer() -> str:
    """The reviewer when none is named: $AIMSGRAPH_PERSON ('' when unset: the workspace's [user] person then)."""
    return configured_person()


def select_suggestions(
    views: list[SuggestionView],
    ids: list[str] | None = None,
    document: str | None = None,
    min_score: float | None = None,
) -> list[SuggestionView]:
    """Pending suggestions picked by id, by evidence id and/or by a score threshold (all given criteria hold)."""
    unknown = sorted(set(ids or []) - {v.id for v in views})
    if unknown:
        raise InputError(f"no pending suggestion {', '.join(unknown)}; list them with 'aimsgraph review'")
    if document is not None and document not in {v.document for v in views}:
        raise InputError(f"no pending suggestion for document '{document}'")
    return [
        v
        for v in views
        if (not ids or v.id in ids)
        and (document is None or v.document == document)
        and (min_score is None or v.score >= min_score)
    ]


def accept_suggestions(
    workspace: Workspace,
    ids: list[str],
    reviewer: str | None = None,
    systems: list[str] | None = None,
    comment: str | None = None,
) -> int:
    """Accept the pending suggestions `ids`; returns how many became evidence links.

    `reviewer`: a person id of the org facts (default: the workspace's configured person). `systems`: the AI
    systems the accepted evidence covers ([] for the organisation as a whole); None takes the systems the
    document's register entry names. `comment`: the reviewer's note, kept on the decision (rdfs:comment).
    """
    views = select_suggestions(pending_suggestions(workspace.store), ids)
    return _decide(workspace.store, views, workspace.person(reviewer), True, systems, comment)


def reject_suggestions(workspace: Workspace, ids: list[str], reviewer: str | None = None) -> int:
    """Reject the pending suggestions `ids`; they never come back for the same document version."""
    views = select_suggestions(pending_suggestions(workspace.store), ids)
    return _decide(workspace.store, views, workspace.person(reviewer), False)


def decide(
    store: Store,
    views: list[SuggestionView],
    reviewer: str,
    accept: bool,
    systems: list[str] | None = None,
    comment: str | None = None,
) -> int:
    """Record one decision for each of `views` (already selected); returns how many.

    An accepted link covers `systems` ([] the organisation as a whole; None the document's registered systems);
    `comment` is the reviewer's note on the decision.
    """
    return _decide(store, views, reviewer, accept, systems, comment)


def undo_decisions(store: Store, ids: list[str], reviewer: str) -> int:
    """Undo the last decision on each suggestion in `ids` by a reversal; returns how many were undone.

    The decision's link stays (status aims:Withdrawn, so it no longer counts), a new review activity by `reviewer`
    records that it prov:invalidated it, and the suggestion is pending again. Nothing is deleted.
    `reviewer` must be a person of the org facts.
    """
    person = acting_person(store, reviewer)
    last = [_last_decision(store, ident) for ident in ids]
    now = datetime.now(UTC)
    activity = _activity_iri(now)
    reversal, old, new, pending, decided = (
        _activity(activity, person, now),
        Graph(),
        Graph(),
        Graph(),
        Graph(),
    )
    for ident, (link, status) in zip(ids, last, strict=True):
        suggestion = URIRef(f"urn:aims:suggestion:{ident}")
        reversal.add((activity, PROV.invalidated, link))
        old.add((link, AIMS.status, status))
        new.add((link, AIMS.status, AIMS.Withdrawn))
        decided.add((suggestion, AIMS.status, status))
        pending.add((suggestion, AIMS.status, AIMS.Suggested))
    sg, rg = GraphName.SUGGESTIONS.iri, GraphName.REVIEWS.iri
    store.update(
        f"DELETE DATA {{ GRAPH <{rg}> {{ {old.serialize(format='nt')} }} }} ;\n"
        f"INSERT DATA {{ GRAPH <{rg}> {{ {new.serialize(format='nt')} {reversal.serialize(format='nt')} }} }} ;\n"
        f"DELETE DATA {{ GRAPH <{sg}> {{ {decided.serialize(format='nt')} }} }} ;\n"
        f"INSERT DATA {{ GRAPH <{sg}> {{ {pending.serialize(format='nt')} }} }} ;\n"
        + _logged("reversal", activity, person, ids, now),
        graphs=(GraphName.SUGGESTIONS, GraphName.REVIEWS, GraphName.HISTORY),
    )
    return len(ids)


def _activity_iri(now: datetime) -> URIRef:
    # the random part keeps two processes deciding in the same microsecond apart
    return URIRef(f"urn:aims:review:{local_id(activity_iri(now))}")


def _logged(kind: str, activity: URIRef, person: URIRef, ids: list[str], now: datetime) -> str:
    """The update part that logs review activity `activity` in the history graph."""
    # a node of its own: the same IRI in two graphs would be read twice through their union
    record = activity_record(kind, person, ids, node=URIRef(f"urn:aims:activity:{local_id(activity)}"), now=now)
    return f"INSERT DATA {{ GRAPH <{GraphName.HISTORY.iri}> {{ {record.serialize(format='nt')} }} }}"


def _last_decision(store: Store, ident: str) -> tuple[URIRef, URIRef]:
    """The link and status of the latest decision on suggestion `ident`, if it can be undone; else InputError."""
    rows = store.select(DECIDED, {"s": URIRef(f"urn:aims:suggestion:{ident}")})
    if not rows:
        raise InputError(f"no decision on suggestion '{ident}' to undo; list decisions with 'aimsgraph review'")
    link, status, _decided = rows[0]
    if str(status) not in UNDOABLE:
        word = "already undone" if status == AIMS.Withdrawn else "for a document version since replaced"
        raise InputError(f"the last decision on suggestion '{ident}' is {word}: nothing to undo")
    return URIRef(str(link)), UNDOABLE[str(status)]


def known_systems(store: Store) -> list[str]:
    """The ids of the organisation's AI systems."""
    return sorted(str(row[0]) for row in store.values(SYSTEM_IDS))


def document_systems(store: Store, document: str) -> list[str]:
    """The AI systems the register entry of `document` (an evidence id) names."""
    rows = store.select(SYSTEMS, {"doc": org_iri("evidence", document)})
    return sorted(local_id(str(system)) for _doc, system in rows if system is not None)


def check_systems(store: Store, systems: list[str]) -> list[str]:
    """`systems` if every one is an AI system of the organisation, else a one-line InputError naming the known ones."""
    known = known_systems(store)
    unknown = [s for s in systems if s not in known]
    if unknown:
        raise InputError(
            f"unknown AI system '{unknown[0]}'; known systems: {', '.join(known) or 'none'}", field="--systems"
        )
    return systems


def _decide(
    store: Store,
    views: list[SuggestionView],
    reviewer: str,
    accept: bool,
    systems: list[str] | None = None,
    comment: str | None = None,
) -> int:
    person = acting_person(store, reviewer)  # before anything else: a decision needs a known person
    if not views:
        return 0
    scope = None if systems is None else [org_iri("system", s) for s in check_systems(store, systems)]
    now = datetime.now(UTC)
    activity = _activity_iri(now)
    links, old, new = _activity(activity, person, now), Graph(), Graph()
    if comment and comment.strip():  # the reviewer's why, on the decision every link of it was generated by
        links.add((activity, RDFS.comment, Literal(" ".join(comment.split()))))
    status = AIMS.Accepted if accept else AIMS.Rejected
    for view in views:
        suggestion = URIRef(f"urn:aims:suggestion:{view.id}")
        _link(store, links, view, suggestion, activity, person, now, status, scope)
        old.add((suggestion, AIMS.status, AIMS.Suggested))
        new.add((suggestion, AIMS.status, status))
    sg, rg = GraphName.SUGGESTIONS.iri, GraphName.REVIEWS.iri
    store.update(
        f"DELETE DATA {{ GRAPH <{sg}> {{ {old.serialize(format='nt')} }} }} ;\n"
        f"INSERT DATA {{ GRAPH <{sg}> {{ {new.serialize(format='nt')} }} }} ;\n"
        f"INSERT DATA {{ GRAPH <{rg}> {{ {links.serialize(format='nt')} }} }} ;\n"
        + _logged("review", activity, person, [v.id for v in views], now),
        graphs=(GraphName.SUGGESTIONS, GraphName.REVIEWS, GraphName.HISTORY),
    )
    return len(views)


def _activity(activity: URIRef, person: URIRef, now: datetime) -> Graph:
    graph = Graph()
    graph.add((activity, RDF.type, AIMS.ReviewActivity))
    graph.add((activity, RDF.type, PROV.Activity))
    graph.add((activity, PROV.wasAssociatedWith, person))
    graph.add((activity, PROV.endedAtTime, Literal(now.isoformat(), datatype=XSD.dateTime)))
    return graph


def _link(
    store: Store,
    graph: Graph,
    view: SuggestionView,
    suggestion: URIRef,
    activity: URIRef,
    person: URIRef,
    now: datetime,
    status: URIRef,
    scope: list[URIRef] | None,
) -> None:
    # A suggestion decided again after an undo gets a new link: the withdrawn one keeps its own record.
    ident = (
        f"review.{view.id}"
        if not store.select(DECIDED, {"s": suggestion})
        else f"review.{view.id}.{now:%Y%m%dT%H%M%S%f}"
    )
    link = URIRef(f"urn:aims:link:{ident}")
    doc = URIRef(f"urn:aims:evidence:{view.document}")
    passage = store.select(PASSAGE, {"s": suggestion})[0][1]
    assert passage is not None  # the PASSAGE pattern binds it
    for prop, value in (
        (RDF.type, AIMS.EvidenceLink),
        (AIMS.id, Literal(ident)),
        (AIMS.status, status),
        (AIMS.method, AIMS.Reviewed),
        (AIMS.evidence, doc),
        (AIMS.requirement, requirement_iri(view.requirement)),
        (AIMS.passage, passage),
        (AIMS.score, Literal(view.score, datatype=XSD.decimal)),
        (AIMS.reviewer, person),
        (AIMS.decidedAt, Literal(now.isoformat(), datatype=XSD.dateTime)),
        (PROV.wasDerivedFrom, suggestion),
        (PROV.wasGeneratedBy, activity),
        (PROV.wasAttributedTo, person),
    ):
        graph.add((link, prop, value))
    registered = [system for _doc, system in store.select(SYSTEMS, {"doc": doc}) if system is not None]
    for system in registered if scope is None else scope:
        graph.add((link, AIMS.forSystem, system))
