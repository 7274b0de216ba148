"""Evaluate requirement ranking on the labelled sets in ../shared/data/eval (and the demo's documents): one table.

Run: python -m benchmarks.eval_retrieval [--data DIR] [--part test|tune|all ...]. Prints recall@5, recall@10, MRR
and MAP for our fused ranking, BM25 alone and embeddings alone, all measured in the same run with the same catalog
text; and, apart from them, ours learning from review: each item ranked after the labels of all the other items of
its set were "accepted" (leave-one-out), as in a workspace where people have already linked that much evidence.
Each labelled set is split into a fixed tuning part and test part (benchmarks/eval_split.py); the figures are
given per part and for the whole set. The demo's documents are our own text and are not split.
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
from benchmarks.eval_split import TEST, TUNE, finos_document, scf_family, split_groups

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
METHODS = {"ours": Weights(), "BM25 alone": Weights(dense=0.0), "embeddings alone": Weights(dense=1.0)}
LEARNING = "ours, learning from review (leave-one-out)"
ALL = "all"
Figures = tuple[float, float, float, float]


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


def metrics(ranking: list[str], labels: set[str]) -> Figures:
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


def evaluate(ranker: Ranker, queries: list[Query], learn: bool = False) -> list[Figures]:
    """Recall@5, recall@10, reciprocal rank and average precision of `ranker` for each query; with `learn`, each
    query is ranked after the ranker learnt from every other query's labels (their vectors as reviewed examples),
    whichever part they are in: a reviewer's decisions on tuning items are fair to learn from."""
    figures: list[Figures] = []
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
        figures.append(metrics(ranking, query.labels))
    return figures


def parts_of(name: str, queries: list[Query], finos: dict[str, str]) -> list[str] | None:
    """The part of each query of set `name`: SCF by family, FINOS by document (`finos`); None for the demo."""
    if name.startswith("SCF"):
        part_of = split_groups(scf_family(query.name) for query in queries)
        return [part_of[scf_family(query.name)] for query in queries]
    if name.startswith("FINOS"):
        return [finos[finos_document(query.name)] for query in queries]
    return None


def row(name: str, part: str, method: str, figures: list[Figures]) -> str:
    """One table row: the mean of each figure over `figures`."""
    means = [sum(column) / len(figures) for column in zip(*figures, strict=True)]
    return f"| {name} | {part} | {len(figures)} | {method} | " + " | ".join(f"{v:.2f}" for v in means) + " |"


def table(name: str, results: dict[str, list[Figures]], parts: list[str] | None, wanted: list[str]) -> list[str]:
    """The rows of one set: for each wanted part, every method; a set that is not split has one row per method."""
    if parts is None:
        return [row(name, "all (not split)", method, figures) for method, figures in results.items()]
    return [
        row(name, part, method, [f for f, p in zip(figures, parts, strict=True) if part in (ALL, p)])
        for part in wanted
        for method, figures in results.items()
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the shared data folder")
    parser.add_argument("--model", default="default", help="embedding model setting (as in aimsgraph.toml)")
    parser.add_argument(
        "--part", action="append", choices=[TEST, TUNE, ALL], help="parts to print (repeatable; default: all three)"
    )
    args = parser.parse_args()
    wanted = args.part or [TEST, TUNE, ALL]
    started = time.perf_counter()
    encoder = load_encoder(args.model)
    cache = EmbeddingCache(Path(tempfile.gettempdir()) / "aimsgraph-eval-cache")
    sets = {
        "FINOS documents": finos_documents(args.data),
        "FINOS passages": finos_passages(args.data),
        "SCF controls": scf_controls(args.data),
        "demo documents (ours)": demo_documents(),
    }
    finos = split_groups(query.name for query in sets["FINOS documents"])
    print("| set | part | items | method | recall@5 | recall@10 | MRR | MAP |")
    print("|---|---|---|---|---|---|---|---|")
    for name, queries in sets.items():
        parts = parts_of(name, queries, finos)
        results = {method: evaluate(Ranker(encoder, cache, weights), queries) for method, weights in METHODS.items()}
        if encoder is not None:
            results[LEARNING] = evaluate(Ranker(encoder, cache), queries, learn=True)
        print("\n".join(table(name, results, parts, wanted)))
    print(f"\n{time.perf_counter() - started:.0f} s; model: {encoder.name if encoder else 'none'}")


if __name__ == "__main__":
    main()
