"""Evaluate `crosswalk suggest` on SCF's controls and their published ISO 42001 mapping: one table.

Run: python -m benchmarks.eval_crosswalk [--data DIR] [--model default]. Prints recall@10 and MRR per part of the
fixed split (benchmarks/eval_split.py, SCF by control family) for crosswalk suggest (a control's title, title with
text, and its parents' titles as context; aimsgraph.crosswalk.suggest), BM25 alone and embeddings alone on the
same crosswalk texts, and plain document `suggest` on the control's "title. text" as one passage (what
eval_retrieval measures), all in the same run with the same catalog text. Quote the test part; tune on the
tuning part only. SCF's test part is not clean of earlier catalog edits (docs/decisions/0002).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from aimsgraph.crosswalk.frameworks import Control, column_map, read_csv
from aimsgraph.crosswalk.suggest import WEIGHTS, control_query
from aimsgraph.suggest.embedding import EmbeddingCache, load_encoder
from aimsgraph.suggest.ranking import Ranker, Weights
from benchmarks.eval_retrieval import DATA, metrics
from benchmarks.eval_split import PARTS, scf_family, split_groups

ALL = "all"
METHODS = {
    "crosswalk suggest": WEIGHTS,
    "BM25 alone": Weights(dense=0.0, best_passage=WEIGHTS.best_passage),
    "embeddings alone": Weights(dense=1.0, best_passage=WEIGHTS.best_passage),
}
DOCUMENT = "document suggest"


def scf(data: Path) -> tuple[list[Control], dict[str, set[str]]]:
    """SCF's controls (parents from ids, as `framework import --parent-prefix -.` reads them) and the labels."""
    controls = read_csv(data / "eval/scf/scf_controls.csv", column_map("id=scf_id,title=name,text=description"), "-.")
    labels: dict[str, set[str]] = defaultdict(set)
    with (data / "eval/scf/scf_to_iso42001.csv").open(encoding="utf-8") as stream:
        for line in stream.readlines()[1:]:
            control, requirement, _relation = line.strip().split(",")
            labels[control].add(requirement)
    return controls, labels


def rankings(ranker: Ranker, controls: list[Control], labelled: list[Control], document: bool) -> list[list[str]]:
    """The full ranking of every labelled control: as a crosswalk query, or as one-passage document text."""
    by_id = {c.id: c for c in controls}
    out = []
    for control in labelled:
        if document:
            texts, title = [f"{control.title}. {control.text}"], ""
        else:
            query = control_query(control, by_id)
            texts, title = query.passages, query.context
        found = ranker.rank_document(texts, ranker.embed(texts), len(ranker.ids), title)
        out.append([m.requirement for m in found])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the shared data folder")
    parser.add_argument("--model", default="default", help="embedding model setting (as in aimsgraph.toml)")
    args = parser.parse_args()
    started = time.perf_counter()
    encoder = load_encoder(args.model)
    cache = EmbeddingCache(Path(tempfile.gettempdir()) / "aimsgraph-eval-cache")
    controls, labels = scf(args.data)
    labelled = [c for c in controls if labels.get(c.id)]
    part_of = split_groups(scf_family(c.id) for c in labelled)
    parts = [part_of[scf_family(c.id)] for c in labelled]
    results = {name: rankings(Ranker(encoder, cache, w), controls, labelled, False) for name, w in METHODS.items()}
    results[DOCUMENT] = rankings(Ranker(encoder, cache), controls, labelled, True)
    print("| part | controls | method | recall@10 | MRR |")
    print("|---|---|---|---|---|")
    for part in (*PARTS, ALL):
        for name, ranked in results.items():
            figures = [
                metrics(r, labels[c.id]) for r, c, p in zip(ranked, labelled, parts, strict=True) if part in (ALL, p)
            ]
            recall = sum(f[1] for f in figures) / len(figures)
            mrr = sum(f[2] for f in figures) / len(figures)
            print(f"| {part} | {len(figures)} | {name} | {recall:.3f} | {mrr:.3f} |")
    print(f"\n{time.perf_counter() - started:.0f} s; model: {encoder.name if encoder else 'none'}")


if __name__ == "__main__":
    main()
