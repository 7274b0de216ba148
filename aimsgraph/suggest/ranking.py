"""Rank the requirements (leaf clauses and controls) a passage or document most likely satisfies.

Two signals over the catalog's own text: BM25 (bm25s) over each requirement's title, description, expected
evidence, keywords and its parent's topic; and the mean dense similarity of sentence embeddings to four views
of the same text. Each signal is standardised per passage (z-scores over requirements) and the two are added
with a weight, so neither scale dominates. A document's score for a requirement mixes its best passage and the
whole text. Where people have already decided (accepted or rejected suggestions, links made by hand), a third
signal learns from it: a text nearly the same as one they linked to a requirement (or rejected) scores higher (lower).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

import bm25s
import numpy as np
import numpy.typing as npt

from aimsgraph.suggest.embedding import EmbeddingCache, Encoder, TextProgress, user_cache_dir
from aimsgraph.vocabulary.catalog import Requirement, leaf_clause_ids, load_requirements, requirements_by_id

Matrix = npt.NDArray[np.float64]
_STOPWORD_TEXT = """a an and are as at be by for from has have in into is it its of on or that the their this to was
were will with we our us you your they them these those which who whom what when where how all any each other such
than then there so not no can may must shall should would could also more most been being do does did per via within
without about over under between both only own same very"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_TOKEN = re.compile(r"[a-z0-9]{2,}")
# Cosine similarity to a decided example below which it teaches nothing (Ranker.reviewed): 0.8 for a passage; 0.9
# for a whole document's mean vector, because means are smoother: in our demo 7% of pairs of different documents
# are above 0.8, 0.3% above 0.9, while different passages above 0.8 are 0.1%.
PASSAGE_GATE = 0.8
DOCUMENT_GATE = 0.9
_VIEW_VECTORS: dict[tuple[str, str], npt.NDArray[np.float32]] = {}


@lru_cache(maxsize=1 << 16)  # the same words recur across passages and documents
def stem(word: str) -> str:
    """A light suffix-stripping stemmer (plural, -ing, -ed, -ation ...), enough to match 'logs' and 'logging'."""
    for suffix in ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def tokens(text: str) -> list[str]:
    """Lower-cased, stemmed content words of `text`."""
    return [stem(t) for t in _TOKEN.findall(text.lower()) if t not in STOPWORDS]


@dataclass(frozen=True)
class Weights:
    """How the signals are mixed (the evaluation reports each signal alone as a baseline)."""

    dense: float = 0.5  # share of the dense z-score in the fused score; 0 = BM25 alone, 1 = embeddings alone
    best_passage: float = 0.5  # share of the best passage in a document's score; the rest is the whole text
    reviewed: float = 2.0  # weight of the reviewed signal (Ranker.learn): z-score points for an exact copy


@dataclass(frozen=True)
class Example:
    """A decision to learn from (Ranker.learn): a requirement and the unit vector of the text decided on."""

    requirement: str
    vector: npt.NDArray[np.float32]
    accepted: bool = True  # False: rejected
    whole_document: bool = False  # the mean vector of a whole document, not one passage's

    @property
    def gate(self) -> float:
        return DOCUMENT_GATE if self.whole_document else PASSAGE_GATE


@dataclass(frozen=True)
class Match:
    """One requirement ranked for a passage or document, with why."""

    requirement: str
    score: float
    rank: int
    method: str  # "hybrid", "lexical" or "dense"
    passage: int  # index of the best passage
    matched_terms: tuple[str, ...]


def candidates() -> list[Requirement]:
    """The requirements suggestions point at: leaf clauses and Annex A controls, in catalog order."""
    wanted = set(leaf_clause_ids())
    return [r for r in load_requirements() if r.id in wanted or r.kind == "control"]


def lexical_text(req: Requirement) -> str:
    """What BM25 matches a requirement by: title (twice: the strongest cue), description, evidence, keywords,
    and the parent's title and description (a control's objective, a clause's section): the broader topic."""
    parent = requirements_by_id().get(req.parent or "")
    context = [parent.title, parent.description] if parent else []
    return " ".join(
        [req.title, req.title, req.description, *req.design_evidence, *req.operating_evidence, *req.keywords, *context]
    )


def dense_views(req: Requirement) -> list[str]:
    """Several short texts per requirement; a passage's dense score is its mean similarity to them (the mean
    rewards passages close to the requirement as a whole, not to one keyword list)."""
    return [
        f"{req.title}. {req.description}",
        f"{req.title}: {'; '.join(req.design_evidence + req.operating_evidence)}",
        f"{req.title}: {', '.join(req.keywords)}",
        req.title,
    ]


def unit_mean(vectors: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """One vector for several (a document's passages): their mean, scaled to unit length."""
    mean = vectors.mean(axis=0)
    return np.asarray(mean / max(float(np.linalg.norm(mean)), 1e-9), dtype=np.float32)


def _standardise(scores: Matrix) -> Matrix:
    """Per-row z-scores, so that BM25 and cosine scores can be added."""
    mean = scores.mean(axis=1, keepdims=True)
    std = scores.std(axis=1, keepdims=True)
    return np.asarray((scores - mean) / np.where(std > 1e-9, std, 1.0))


class Ranker:
    """Ranks candidates for texts; one instance per catalog and model (the requirement side is built once)."""

    def __init__(self, encoder: Encoder | None, cache: EmbeddingCache | None = None, weights: Weights = Weights()):
        self.encoder = encoder
        self.cache = cache or EmbeddingCache(None)
        self.weights = weights if encoder is not None else Weights(dense=0.0, best_passage=weights.best_passage)
        self.requirements = candidates()
        self.ids = [r.id for r in self.requirements]
        self._examples: list[tuple[int, float, float, npt.NDArray[np.float32]]] = []  # column, +-1, gate, vectors

    def prepare(self) -> Ranker:
        """Build the requirement side now (BM25 index, catalog embeddings) instead of on first use."""
        _ = self._bm25, (self._views if self.encoder is not None and self.weights.dense > 0.0 else None)
        return self

    @property
    def method(self) -> str:
        return {0.0: "lexical", 1.0: "dense"}.get(self.weights.dense, "hybrid")

    @cached_property
    def _bm25(self) -> bm25s.BM25:
        index = bm25s.BM25()
        index.index([tokens(lexical_text(r)) for r in self.requirements], show_progress=False)
        return index

    @cached_property
    def _keywords(self) -> list[list[tuple[str, list[str]]]]:
        return [[(k, tokens(k)) for k in (*r.keywords, r.title.lower())] for r in self.requirements]

    @cached_property
    def _lexical_tokens(self) -> list[set[str]]:
        return [set(tokens(lexical_text(r))) for r in self.requirements]

    @cached_property
    def _views(self) -> npt.NDArray[np.float32]:
        assert self.encoder is not None
        texts = [v for r in self.requirements for v in dense_views(r)]
        # The catalog side is the same for every workspace: encode it once per process and model.
        key = (self.encoder.name, hashlib.sha256("\x1f".join(texts).encode("utf-8")).hexdigest())
        if key not in _VIEW_VECTORS:  # and once per machine: the user cache is shared by every workspace
            _VIEW_VECTORS[key] = EmbeddingCache(user_cache_dir()).vectors(self.encoder, texts, key[1])
        vectors = _VIEW_VECTORS[key]
        return vectors.reshape(len(self.requirements), -1, vectors.shape[1])

    def learn(self, examples: Sequence[Example]) -> int:
        """Learn from what people decided (accepted, linked by hand, rejected). Until the next call, a text nearly
        the same as an accepted example of a requirement scores higher for it, one nearly the same as a rejected
        example lower (see `reviewed`). Examples need embeddings: without a model nothing is learnt. Returns how
        many examples were kept (those of candidate requirements)."""
        columns = {rid: j for j, rid in enumerate(self.ids)}
        grouped: dict[tuple[int, float, float], list[npt.NDArray[np.float32]]] = {}
        for example in examples:
            if example.requirement in columns:
                key = (columns[example.requirement], 1.0 if example.accepted else -1.0, example.gate)
                grouped.setdefault(key, []).append(example.vector)
        self._examples = [(*key, np.stack(vectors)) for key, vectors in sorted(grouped.items())]
        return sum(len(vectors) for vectors in grouped.values())

    def reviewed(self, vectors: npt.NDArray[np.float32]) -> Matrix:
        """The reviewed signal (rows: vectors): for each requirement, how far the nearest accepted example is above
        its gate in cosine similarity, scaled to 0..1, minus the same for the nearest rejected example. Below the
        gate an example counts for nothing: documents of one organisation all look alike to the model, and
        learning from every example lowered the ranking of our demo's documents (docs/suggestions.md); above it are
        new versions of a reviewed document and recurring records (a monthly report, a register export)."""
        signal = np.zeros((len(vectors), len(self.ids)))
        for column, sign, gate, examples in self._examples:
            nearest = (vectors @ examples.T).max(axis=1)
            signal[:, column] += sign * np.maximum(0.0, nearest - gate) / (1.0 - gate)
        return signal

    # ---------------------------------------------------------------- raw signals
    def lexical(self, texts: list[str]) -> Matrix:
        """BM25 score of every candidate for every text (rows: texts)."""
        rows = [self._bm25.get_scores(tokens(t) or ["_"]) for t in texts]
        return np.asarray(rows, dtype=np.float64).reshape(len(texts), len(self.ids))

    def dense(self, vectors: npt.NDArray[np.float32]) -> Matrix:
        """Mean cosine similarity of every candidate's views to every vector (rows: vectors)."""
        sims = np.einsum("pd,rvd->prv", vectors, self._views)
        return np.asarray(sims.mean(axis=2), dtype=np.float64)

    def embed(self, texts: list[str], key: str | None = None) -> npt.NDArray[np.float32] | None:
        """Embeddings of `texts` (cached), or None without a model."""
        return self.embed_many([(key, texts)])[0]

    def embed_many(
        self, groups: Sequence[tuple[str | None, list[str]]], progress: TextProgress | None = None
    ) -> list[npt.NDArray[np.float32] | None]:
        """Embeddings of several documents' texts (each cached under its key) in one encode call (`progress` wraps
        the texts not in the cache)."""
        if self.encoder is None or self.weights.dense == 0.0:
            return [None] * len(groups)
        return list(self.cache.vectors_many(self.encoder, groups, progress))

    def fused(self, texts: list[str], vectors: npt.NDArray[np.float32] | None) -> Matrix:
        """The fused, standardised score of every candidate for every text."""
        share = self.weights.dense if vectors is not None else 0.0
        total = np.zeros((len(texts), len(self.ids)))
        if share < 1.0:
            total += (1.0 - share) * _standardise(self.lexical(texts))
        if share > 0.0 and vectors is not None:
            total += share * _standardise(self.dense(vectors))
            if self._examples and self.weights.reviewed > 0.0:
                total += self.weights.reviewed * self.reviewed(vectors)
        return total

    # ---------------------------------------------------------------- rankings
    def rank_passages(self, texts: list[str], vectors: npt.NDArray[np.float32] | None, top_k: int) -> list[list[Match]]:
        """The top `top_k` candidates of each text on its own."""
        scores = self.fused(texts, vectors)
        return [self._matches(row, np.full(len(self.ids), i), texts, top_k) for i, row in enumerate(scores)]

    def rank_document(
        self,
        texts: list[str],
        vectors: npt.NDArray[np.float32] | None,
        top_k: int,
        title: str = "",
        skip: Collection[str] = (),
    ) -> list[Match]:
        """The top `top_k` candidates of a document given as passages (title for the whole-text view), leaving
        out the requirement ids in `skip` (already decided)."""
        if not texts:
            return []
        per_passage = self.fused(texts, vectors)
        whole_text = " ".join([title, *texts])
        whole_vector = unit_mean(vectors)[None, :] if vectors is not None else None
        whole = self.fused([whole_text], whole_vector)[0]
        best = per_passage.argmax(axis=0)
        share = self.weights.best_passage
        scores = share * per_passage.max(axis=0) + (1.0 - share) * whole
        return self._matches(scores, best, texts, top_k, skip)

    def _matches(
        self, scores: Matrix, best: npt.NDArray[np.int64], texts: list[str], top_k: int, skip: Collection[str] = ()
    ) -> list[Match]:
        order = [j for j in np.argsort(-scores, kind="stable") if self.ids[j] not in skip][:top_k]
        return [
            Match(
                requirement=self.ids[j],
                score=round(float(1.0 / (1.0 + np.exp(-(scores[j] - 2.0)))), 4),  # z-score to 0..1, 0.5 at z=2
                rank=rank,
                method=self.method,
                passage=int(best[j]),
                matched_terms=self.matched_terms(j, texts[int(best[j])]),
            )
            for rank, j in enumerate(order, start=1)
        ]

    def matched_terms(self, column: int, text: str, limit: int = 6) -> tuple[str, ...]:
        """The requirement's keywords found in the text, then shared content words: why it was suggested."""
        surface = {stem(w): w for w in reversed(_TOKEN.findall(text.lower())) if w not in STOPWORDS}
        found = [k for k, parts in self._keywords[column] if parts and all(p in surface for p in parts)]
        covered = {p for k in found for p in tokens(k)}
        lexical = self._lexical_tokens[column]
        shared = sorted(surface[w] for w in (surface.keys() & lexical) - covered if len(w) > 3)
        return tuple(dict.fromkeys([*found, *shared]))[:limit]
