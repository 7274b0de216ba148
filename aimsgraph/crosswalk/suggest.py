"""Suggested mappings: rank the 42001 requirements for each control of another framework, then review them.

The ranking is the documents' hybrid ranking (aimsgraph.suggest.ranking) with a control read as a short document
of two passages, its title alone (a control's short form) and its title with its text, and its parents' titles as
the document title (the broader topic). Suggestions are stored in the `mappings` graph with status suggested and
never carry coverage; a review accepts them (with a SKOS predicate) or rejects them, with provenance.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aimsgraph.crosswalk.frameworks import Control, framework_controls
from aimsgraph.crosswalk.mappings import PREDICATES, Mapping, store_mappings, stored_mappings
from aimsgraph.errors import InputError
from aimsgraph.facts.people import acting_person
from aimsgraph.store import Store
from aimsgraph.suggest.embedding import EmbeddingCache, load_encoder
from aimsgraph.suggest.ranking import Match, Ranker, Weights

# Chosen on the tuning part of SCF (benchmarks/eval_crosswalk.py): a control's title-with-text passage counts less
# against its whole text (title, text and parents' titles) than a document's best passage does.
WEIGHTS = Weights(best_passage=0.3)
JUSTIFICATION = {
    "hybrid": "CompositeMatching",
    "lexical": "LexicalMatching",
    "dense": "SemanticSimilarityThresholdMatching",
}


@dataclass(frozen=True)
class ControlQuery:
    """What a control is ranked by: its passages and the whole-text title."""

    control: str
    passages: list[str]
    context: str


def control_query(control: Control, by_id: dict[str, Control]) -> ControlQuery:
    """The control's title alone, its title with its text, and its ancestors' titles as context."""
    parents: list[str] = []
    parent = control.parent
    while parent and parent in by_id and len(parents) < 5:  # ids can form a cycle in a hand-made file
        if by_id[parent].title != parent:  # a group made from an id prefix has no title of its own
            parents.append(by_id[parent].title)
        parent = by_id[parent].parent
    full = f"{control.title}. {control.text}" if control.text else control.title
    return ControlQuery(control.id, [control.title, full], " ".join(parents))


def crosswalk_ranker(model: str = "default", cache_dir: Path | None = None, weights: Weights = WEIGHTS) -> Ranker:
    """A ranker over the built-in catalog for controls (WEIGHTS), with the model a config setting names."""
    return Ranker(load_encoder(model), EmbeddingCache(cache_dir), weights)


def rank_controls(ranker: Ranker, controls: list[Control], top_k: int) -> dict[str, list[Match]]:
    """The top `top_k` requirements for each control that has a text (groups without one are skipped)."""
    by_id = {c.id: c for c in controls}
    queries = [control_query(c, by_id) for c in controls if c.text]
    vectors = ranker.embed_many([(None, q.passages) for q in queries])
    return {
        q.control: ranker.rank_document(q.passages, v, top_k, q.context) for q, v in zip(queries, vectors, strict=True)
    }


def contract_rows(ranked: dict[str, list[Match]]) -> list[dict[str, Any]]:
    """The stateless contract: [{control, requirement, score, rank}], rank 1..K per control."""
    return [
        {"control": control, "requirement": m.requirement, "score": m.score, "rank": m.rank}
        for control, matches in ranked.items()
        for m in matches
    ]


def suggest_mappings(store: Store, framework: str, ranker: Ranker, top_k: int, agent: str) -> list[Mapping]:
    """Rank and store suggested mappings for `framework`, leaving out pairs already decided or mapped."""
    controls = framework_controls(store, framework)
    decided = {(m.control, m.requirement) for m in stored_mappings(store, framework, {"accepted", "rejected"})}
    found = []
    for control, matches in rank_controls(ranker, controls, top_k + len(decided)).items():
        fresh = [m for m in matches if (control, m.requirement) not in decided][:top_k]
        found += [
            Mapping(
                framework,
                control,
                m.requirement,
                "skos:relatedMatch",
                JUSTIFICATION[m.method],
                "suggested",
                m.score,
                rank,
            )
            for rank, m in enumerate(fresh, start=1)
        ]
    store_mappings(store, found, agent, "suggestion")
    return found


def review_mappings(
    store: Store, framework: str, pairs: list[tuple[str, str]], accept: bool, predicate: str, reviewer: str
) -> int:
    """Accept (as `predicate`) or reject the suggested mappings `pairs` (control, requirement); returns how many."""
    if predicate not in PREDICATES:
        raise InputError(f"unknown predicate '{predicate}' (one of {', '.join(PREDICATES)})", field="--predicate")
    acting_person(store, reviewer)  # in the library, so the explorer's decisions are checked like the CLI's
    pending = {(m.control, m.requirement): m for m in stored_mappings(store, framework, {"suggested"})}
    missing = [f"{c} {r}" for c, r in pairs if (c, r) not in pending]
    if missing:
        raise InputError(
            f"no suggested mapping '{missing[0]}'; list them with 'aimsgraph crosswalk review {framework}'",
            field="mapping",
        )
    decided = [
        _as(
            Mapping(framework, c, r, predicate if accept else pending[(c, r)].predicate),
            "accepted" if accept else "rejected",
            "MappingReview",
        )
        for c, r in pairs
    ]
    return store_mappings(store, decided, reviewer, "review")


def _as(mapping: Mapping, status: str, justification: str) -> Mapping:
    return Mapping(mapping.framework, mapping.control, mapping.requirement, mapping.predicate, justification, status)
