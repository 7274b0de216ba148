"""Suggestions: rank requirements for ingested documents (workspace) or for files given on the command line.

In a workspace, suggestions go to the `suggestions` graph as aims:Suggestion (never counted as coverage), made by
an aims:SuggestionRun that records the model and time. Pairs of document version and requirement that a reviewer
already accepted or rejected (or that the evidence register links by hand) are not suggested again, and the ranking
learns from them (Ranker.learn): a passage nearly the same as an accepted one (or a document nearly the same as one
the register links by hand) ranks that requirement higher, one nearly the same as a rejected one lower. So a new
version of a reviewed document, or this month's issue of a recurring report, starts from last time's decisions.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import PROV, XSD

from aimsgraph.documents.extraction import ExtractedDocument, extract
from aimsgraph.store import Store
from aimsgraph.suggest.embedding import EmbeddingCache, load_encoder
from aimsgraph.suggest.ranking import Example, Match, Ranker, unit_mean
from aimsgraph.vocabulary.namespaces import AIMS, GraphName, local_id, requirement_id, requirement_iri
from aimsgraph.workspace import Workspace

Progress = Callable[[list[str], str], Iterable[str]]  # wraps a stage's items: "embed" passages, "rank" documents
METHODS = {"hybrid": AIMS.Hybrid, "lexical": AIMS.Lexical, "dense": AIMS.Dense}
CURRENT_PASSAGES = """
SELECT ?doc ?version ?file ?passage ?text ?next WHERE {
  GRAPH <urn:aims:graph:documents> {
    ?version a aims:DocumentVersion ; aims:versionOf ?doc ; aims:file ?file .
    OPTIONAL { ?version aims:supersededBy ?next }
    ?passage aims:inVersion ?version ; aims:text ?text ; aims:startOffset ?start } }
ORDER BY ?version ?start
"""
MANUAL = "SELECT ?l ?doc ?req WHERE { GRAPH <urn:aims:graph:org> { ?l aims:evidence ?doc ; aims:requirement ?req } }"
DECISIONS = """
SELECT ?link ?version ?passage ?req ?status WHERE {
  GRAPH <urn:aims:graph:reviews> { ?link aims:status ?status ; aims:requirement ?req ; aims:passage ?passage }
  GRAPH <urn:aims:graph:documents> { ?passage aims:inVersion ?version }
  FILTER(?status != aims:Withdrawn) }
"""
# An accepted link to a version since superseded was still a person's judgement that the text is evidence.
POSITIVE = {str(AIMS.Accepted), str(AIMS.Superseded)}
PENDING = """
SELECT ?s ?id ?doc ?file ?req ?score ?rank ?method ?text ?page ?heading ?start ?end ?p
       (GROUP_CONCAT(?term; separator="|") AS ?terms) WHERE {
  GRAPH <urn:aims:graph:suggestions> {
    ?s a aims:Suggestion ; aims:status aims:Suggested ; aims:id ?id ; aims:evidence ?doc ; aims:requirement ?req ;
       aims:score ?score ; aims:rank ?rank ; aims:method ?method ; aims:passage ?p .
    OPTIONAL { ?s aims:matchedTerm ?term } }
  GRAPH <urn:aims:graph:documents> {
    ?p aims:text ?text ; aims:headingPath ?heading ; aims:startOffset ?start ; aims:endOffset ?end ;
       aims:inVersion ?v . ?v aims:file ?file .
    OPTIONAL { ?p aims:page ?page } } }
GROUP BY ?s ?id ?doc ?file ?req ?score ?rank ?method ?text ?page ?heading ?start ?end ?p
ORDER BY ?file ?rank
"""
LEARNT_FROM = """
SELECT ?s ?doc WHERE {
  GRAPH <urn:aims:graph:suggestions> { ?s aims:status aims:Suggested ; aims:learntFrom ?link }
  GRAPH ?g { ?link aims:evidence ?doc } }
"""


@dataclass(frozen=True)
class SuggestionView:
    """A pending suggestion as a reviewer sees it."""

    id: str
    document: str
    file: str
    requirement: str
    score: float
    rank: int
    method: str
    passage_text: str
    passage_location: str
    matched_terms: tuple[str, ...]
    learnt_from: tuple[str, ...] = ()  # evidence ids of earlier decisions the passage nearly copies (ranked it up)
    passage: str = ""  # the passage's IRI (the document viewer scrolls to it)


def make_ranker(model: str = "default", cache_dir: Path | None = None) -> Ranker:
    """A ranker over the built-in catalog with the model named by a config setting."""
    return Ranker(load_encoder(model), EmbeddingCache(cache_dir))


def suggest_files(paths: list[Path], top_k: int = 5, model: str = "default") -> list[dict[str, Any]]:
    """The stateless contract: [{document, requirement, score, rank, passage}] for each file, rank 1..top_k.

    `document` is each path as given. Files that cannot be read raise ExtractionError.
    """
    return suggest_documents([extract(path) for path in paths], top_k, model)


def suggest_documents(
    documents: list[ExtractedDocument], top_k: int = 5, model: str = "default"
) -> list[dict[str, Any]]:
    """suggest_files for documents already read (text from standard input, say); `document` is each one's path."""
    ranker = make_ranker(model)
    results: list[dict[str, Any]] = []
    for document in documents:
        texts = [p.text for p in document.passages]
        for match in ranker.rank_document(texts, ranker.embed(texts), top_k, document.title):
            results.append(
                {
                    "document": str(document.path),
                    "requirement": match.requirement,
                    "score": match.score,
                    "rank": match.rank,
                    "passage": texts[match.passage],
                    "method": match.method,
                    "matched_terms": list(match.matched_terms),
                }
            )
    return results


def suggestion_id(version: str, requirement: str) -> str:
    """A short stable id a reviewer can type: one per document version and requirement."""
    return "s-" + hashlib.sha256(f"{version} {requirement}".encode()).hexdigest()[:8]


@dataclass
class _Version:
    document: str
    current: bool
    passages: list[tuple[str, str]]  # (passage IRI, text), in reading order


def _versions(store: Store) -> dict[str, _Version]:
    """version IRI -> its document, whether it is current (not superseded) and its passages."""
    found: dict[str, _Version] = {}
    for doc, version, _file, passage, text, nxt in store.select(CURRENT_PASSAGES):
        found.setdefault(str(version), _Version(str(doc), nxt is None, [])).passages.append((str(passage), str(text)))
    return found


def _vector_key(version: str) -> str:
    return hashlib.sha256(version.encode()).hexdigest()


@dataclass(frozen=True)
class _Decision:
    example: Example
    link: str  # the evidence link (reviewed, or in the register) it comes from


def _decisions(
    reviewed: list[tuple[str, str, str, str, str]],
    manual: list[tuple[str, str, str]],
    versions: dict[str, _Version],
    vectors: dict[str, npt.NDArray[np.float32]],
) -> list[_Decision]:
    """What people decided: each reviewed passage (link, version, passage, requirement, status), and each document
    the evidence register links by hand (link, document, requirement), its current text as a whole."""
    decisions = []
    # passage IRI -> its vector, for the versions that have vectors (built once, not per decision)
    where = {iri: (v, row) for v in vectors for row, (iri, _) in enumerate(versions[v].passages)}
    for link, version, passage, requirement, status in reviewed:
        if where.get(passage, (None, 0))[0] == version:
            vector = vectors[version][where[passage][1]]
            decisions.append(_Decision(Example(requirement_id(requirement), vector, status in POSITIVE), link))
    current = {v.document: key for key, v in versions.items() if v.current and key in vectors}
    for link, document, requirement in manual:
        if document in current:
            example = Example(requirement_id(requirement), unit_mean(vectors[current[document]]), whole_document=True)
            decisions.append(_Decision(example, link))
    return decisions


def _learnt_from(accepted: list[_Decision], vectors: npt.NDArray[np.float32]) -> list[str]:
    """The links of a requirement's accepted decisions whose text one of `vectors` (the best passage, the whole
    document) nearly copies: the decisions that ranked the suggestion up by at least a quarter of the most learning
    can add (half a z-score point), so that a barely-there push is not shown as the reason."""

    def pushed(example: Example) -> bool:
        return float((vectors @ example.vector).max()) >= example.gate + 0.25 * (1.0 - example.gate)

    return sorted({d.link for d in accepted if pushed(d.example)})


def suggest_for_workspace(
    workspace: Workspace, top_k: int = 5, progress: Progress | None = None
) -> list[SuggestionView]:
    """Rank requirements for every current document version and replace the pending suggestions.

    `progress` wraps the items of each stage, for a bar: "embed" the passage texts not in the embedding cache
    (only with a model, only when there are some), "rank" the current document versions.
    """
    store = workspace.store
    ranker = make_ranker(workspace.config.model, workspace.state_dir / "cache" / "embeddings")
    versions = _versions(store)
    reviews = [(str(link), str(v), str(p), str(r), str(s)) for link, v, p, r, s in store.select(DECISIONS)]
    reviewed = {(version, requirement) for _, version, _, requirement, _ in reviews}  # accepted or rejected
    by_hand = [(str(link), str(d), str(r)) for link, d, r in store.select(MANUAL)]  # links in the register
    manual = {(document, requirement) for _, document, requirement in by_hand}
    decided_versions = {version for version, _ in reviewed}
    needed = [v for v, found in versions.items() if found.current or v in decided_versions]
    # One encode call for every version not in the cache (superseded ones with decisions are, mostly).
    groups = [(_vector_key(v), [t for _, t in versions[v].passages]) for v in needed]
    encoded = ranker.embed_many(groups, (lambda texts: progress(texts, "embed")) if progress else None)
    vectors = {v: e for v, e in zip(needed, encoded, strict=True) if e is not None}
    decisions = _decisions(reviews, by_hand, versions, vectors) if workspace.config.learn else []
    learnt = ranker.learn([d.example for d in decisions])
    accepted: dict[str, list[_Decision]] = defaultdict(list)  # requirement id -> its accepted decisions
    for decision in decisions:
        if decision.example.accepted:
            accepted[decision.example.requirement].append(decision)
    run = URIRef(f"urn:aims:suggestion-run:{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%f')}")
    graph = _run_graph(run, ranker, learnt)
    current = [v for v in needed if versions[v].current]
    for version in progress(current, "rank") if progress else current:
        doc, passages = versions[version].document, versions[version].passages
        texts = [t for _, t in passages]
        skip = {r for r in ranker.ids if (version, str(requirement_iri(r))) in reviewed}
        skip |= {r for r in ranker.ids if (doc, str(requirement_iri(r))) in manual}
        own = vectors.get(version)
        wanted = ranker.rank_document(texts, own, top_k, skip=skip)
        for rank, match in enumerate(wanted, start=1):
            node = _add_suggestion(graph, run, version, doc, passages[match.passage][0], match, rank, ranker)
            if own is not None and match.requirement in accepted:
                compared = np.stack([own[match.passage], unit_mean(own)])
                for link in _learnt_from(accepted[match.requirement], compared):
                    graph.add((node, AIMS.learntFrom, URIRef(link)))
    # Only the suggestions graph is written: naming it keeps the coverage view and every other cache (a write of
    # unknown extent would drop them all, and suggestions never count as coverage).
    store.update(f"PREFIX aims: <{AIMS._NS}>\n" + _WITHDRAW + " ;\n" + _insert(graph), graphs=(GraphName.SUGGESTIONS,))
    return pending_suggestions(store)


_WITHDRAW = """DELETE { GRAPH <urn:aims:graph:suggestions> { ?s ?p ?o } }
WHERE { GRAPH <urn:aims:graph:suggestions> { ?s aims:status aims:Suggested ; ?p ?o } }"""


def _insert(graph: Graph) -> str:
    return f"INSERT DATA {{ GRAPH <{GraphName.SUGGESTIONS.iri}> {{\n{graph.serialize(format='nt')}\n}} }}"


def _run_graph(run: URIRef, ranker: Ranker, learnt: int) -> Graph:
    graph = Graph()
    graph.add((run, RDF.type, AIMS.SuggestionRun))
    graph.add((run, RDF.type, PROV.Activity))
    graph.add((run, PROV.startedAtTime, Literal(datetime.now(UTC).isoformat(), datatype=XSD.dateTime)))
    graph.add((run, AIMS.model, Literal(_model_label(ranker))))
    graph.add((run, AIMS.method, METHODS[ranker.method]))
    graph.add((run, AIMS.reviewedExamples, Literal(learnt, datatype=XSD.integer)))
    return graph


def _model_label(ranker: Ranker) -> str:
    if ranker.encoder is None:
        return "BM25 (bm25s)"
    return f"{ranker.encoder.name}; {ranker.encoder.version}; BM25 (bm25s)"


def _add_suggestion(
    graph: Graph, run: URIRef, version: str, doc: str, passage: str, match: Match, rank: int, ranker: Ranker
) -> URIRef:
    ident = suggestion_id(version, match.requirement)
    node = URIRef(f"urn:aims:suggestion:{ident}")
    for prop, value in (
        (RDF.type, AIMS.Suggestion),
        (AIMS.id, Literal(ident)),
        (AIMS.status, AIMS.Suggested),
        (AIMS.evidence, URIRef(doc)),
        (AIMS.requirement, requirement_iri(match.requirement)),
        (AIMS.passage, URIRef(passage)),
        (AIMS.score, Literal(match.score, datatype=XSD.decimal)),
        (AIMS.rank, Literal(rank, datatype=XSD.integer)),
        (AIMS.method, METHODS[match.method]),
        (AIMS.model, Literal(_model_label(ranker))),
        (PROV.wasGeneratedBy, run),
    ):
        graph.add((node, prop, value))
    for term in match.matched_terms:
        graph.add((node, AIMS.matchedTerm, Literal(term)))
    return node


def _location(page: Any, heading: Any, start: Any, end: Any) -> str:
    """Where a reader finds the passage: page and heading; character offsets only when there is neither."""
    parts = [f"p. {page}"] if page is not None else []
    parts += [str(heading)] if str(heading) else []
    return " · ".join(parts) or f"characters {start}-{end}"


def pending_suggestions(store: Store) -> list[SuggestionView]:
    """Suggestions waiting for review, by file and rank."""
    learnt: dict[str, set[str]] = defaultdict(set)
    for suggestion, document in store.select(LEARNT_FROM):
        learnt[str(suggestion)].add(local_id(str(document)))
    views = []
    for row in store.select(PENDING):
        suggestion, ident, doc, file, req, score, rank, method, text, page, heading, start, end, passage, terms = row
        views.append(
            SuggestionView(
                id=str(ident),
                document=local_id(str(doc)),
                file=str(file),
                requirement=requirement_id(str(req)),
                score=float(str(score)),
                rank=int(str(rank)),
                method=str(method).rsplit("#", 1)[-1].lower(),
                passage_text=str(text),
                passage_location=_location(page, heading, start, end),
                matched_terms=tuple(t for t in str(terms or "").split("|") if t),
                learnt_from=tuple(sorted(learnt.get(str(suggestion), ()))),
                passage=str(passage),
            )
        )
    return views


def by_document(views: list[SuggestionView]) -> dict[str, list[SuggestionView]]:
    """Views grouped by evidence id."""
    grouped: dict[str, list[SuggestionView]] = defaultdict(list)
    for view in views:
        grouped[view.document].append(view)
    return grouped
