"""Evaluate requirement ranking on the labelled sets in ../shared/data/eval (and the demo's documents): one table.

Run: python -m benchmarks.eval_retrieval [--data DIR]. Prints recall@5, recall@10, MRR and MAP for our fused
ranking, BM25 alone and embeddings alone, all measured in the same run with the same catalog text; and, apart from
them, ours learning from review: each item ranked after the labels of all the other items of its set were
"accepted" (leave-one-out), as in a workspace where people have already linked that much evidence.
Matching rule (data/README.md): a predicted clause matches a labelled clause when one is the other or its
ancestor (6.1 ~ 6.1.2); Annex A controls match exactly.
"""

from __future__ import annotations

import argparse
import csv
import re
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

from aimsgraph.cli.demo import demo_source
from aimsgraph.documents.extraction import extract
from aimsgraph.suggest.embedding import EmbeddingCache, load_encoder
from aimsgraph.suggest.ranking import Example, Ranker, Weights, unit_mean

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
METHODS = {"ours": Weights(), "BM25 alone": Weights(dense=0.0), "embeddings alone": Weights(dense=1.0)}
LEARNING = "ours, learning from review (leave-one-out)"


@dataclass
class Query:
    """One item to rank: passages of a document (or one text) and the labelled requirement ids."""

    name: str
    texts: list[str]
    labels: set[str]
    title: str = ""


def matches(predicted: str, label: str) -> bool:
    """The data README's rule: clauses match up and down the hierarchy, controls exactly."""
    if predicted.startswith("A.") or label.startswith("A."):
        return predicted == label
    return predicted == label or label.startswith(predicted + ".") or predicted.startswith(label + ".")


def metrics(ranking: list[str], labels: set[str]) -> tuple[float, float, float, float]:
    """recall@5, recall@10, reciprocal rank and average precision of one ranking."""
    found: set[str] = set()
    hits, precision_sum, reciprocal = 0, 0.0, 0.0
    recall_at: dict[int, float] = {}
    for rank, predicted in enumerate(ranking, start=1):
        new = {label for label in labels - found if matches(predicted, label)}
        if new:
            found |= new
            hits += 1
            precision_sum += hits / rank
            reciprocal = reciprocal or 1.0 / rank
        if rank in (5, 10):
            recall_at[rank] = len(found) / len(labels)
    return recall_at.get(5, 0.0), recall_at.get(10, 0.0), reciprocal, precision_sum / len(labels)


def finos_documents(data: Path) -> list[Query]:
    queries = []
    with (data / "eval/finos/document_labels.csv").open(encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            document = extract(data / "eval/finos/docs" / row["document"])
            texts = [p.text for p in document.passages]
            queries.append(
                Query(row["document"], texts, set(re.split(r"[;\s]+", row["requirements"].strip())), document.title)
            )
    return queries


def finos_passages(data: Path) -> list[Query]:
    with (data / "eval/finos/passage_labels.csv").open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    return [
        Query(f"{r['document']}:{r['line']}", [r["text"]], set(re.split(r"[;\s]+", r["requirements"].strip())))
        for r in rows
    ]


def scf_controls(data: Path) -> list[Query]:
    labels: dict[str, set[str]] = defaultdict(set)
    with (data / "eval/scf/scf_to_iso42001.csv").open(encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            labels[row["scf_id"]].add(row["requirement"])
    with (data / "eval/scf/scf_controls.csv").open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    return [
        Query(r["scf_id"], [f"{r['name']}. {r['description']}"], labels[r["scf_id"]])
        for r in rows
        if labels[r["scf_id"]]
    ]


def demo_documents() -> list[Query]:
    """The demo organisation's documents with the requirements its evidence register links them to by hand. Our
    own text, written beside the catalog, so not an independent test: it is here to check that learning from
    review does not hurt a real workspace's documents, which are not alike the way SCF's control families are."""
    folder = Path(str(demo_source()))
    register = yaml.safe_load((folder / "org" / "evidence.yaml").read_text(encoding="utf-8"))["evidence"]
    queries = []
    for entry in register:
        if entry.get("file") and entry.get("satisfies"):
            document = extract(folder / entry["file"])
            texts = [p.text for p in document.passages]
            queries.append(Query(entry["id"], texts, {str(r) for r in entry["satisfies"]}, document.title))
    return queries


def evaluate(ranker: Ranker, queries: list[Query], learn: bool = False) -> tuple[float, ...]:
    """Mean recall@5, recall@10, MRR and MAP of `ranker` over `queries`; with `learn`, each query is ranked after
    the ranker learnt from every other query's labels (their vectors as reviewed examples)."""
    totals = [0.0, 0.0, 0.0, 0.0]
    vectors_of = [ranker.embed(query.texts) for query in queries]
    labelled = [  # each query's examples, for the others to learn from: one passage, or a whole document
        [
            Example(rid, unit_mean(vectors), whole_document=len(query.texts) > 1)
            for rid in ranker.ids
            if any(matches(rid, label) for label in query.labels)
        ]
        for query, vectors in zip(queries, vectors_of, strict=True)
        if learn and vectors is not None
    ]
    for index, (query, vectors) in enumerate(zip(queries, vectors_of, strict=True)):
        if learn:
            ranker.learn([example for other, pairs in enumerate(labelled) if other != index for example in pairs])
        ranking = [m.requirement for m in ranker.rank_document(query.texts, vectors, len(ranker.ids), query.title)]
        for i, value in enumerate(metrics(ranking, query.labels)):
            totals[i] += value
    return tuple(t / len(queries) for t in totals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the shared data folder")
    parser.add_argument("--model", default="default", help="embedding model setting (as in aimsgraph.toml)")
    args = parser.parse_args()
    started = time.perf_counter()
    encoder = load_encoder(args.model)
    cache = EmbeddingCache(Path(tempfile.gettempdir()) / "aimsgraph-eval-cache")
    sets = {
        "FINOS documents": finos_documents(args.data),
        "FINOS passages": finos_passages(args.data),
        "SCF controls": scf_controls(args.data),
        "demo documents (ours)": demo_documents(),
    }
    print("| set | items | method | recall@5 | recall@10 | MRR | MAP |")
    print("|---|---|---|---|---|---|---|")
    for name, queries in sets.items():
        for method, weights in METHODS.items():
            figures = evaluate(Ranker(encoder, cache, weights), queries)
            print(f"| {name} | {len(queries)} | {method} | " + " | ".join(f"{v:.2f}" for v in figures) + " |")
        if encoder is not None:
            figures = evaluate(Ranker(encoder, cache), queries, learn=True)
            print(f"| {name} | {len(queries)} | {LEARNING} | " + " | ".join(f"{v:.2f}" for v in figures) + " |")
    print(f"\n{time.perf_counter() - started:.0f} s; model: {encoder.name if encoder else 'none'}")


if __name__ == "__main__":
    main()
