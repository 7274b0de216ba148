"""Graph export: the store's own serialiser (`aimsgraph export graph`) against the rdflib route it replaced.

    python -m benchmarks.bench_export [--triples 100000] [--repeat 3]

Both routes serialise the same data in the same run: the demo workspace's store and a synthetic organisation of
--triples triples. The rdflib route is what `export graph` did before: copy every named graph triple by triple into
an rdflib Dataset, then serialise it. Prints the median of --repeat runs per format and the ratio.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from rdflib import Dataset

from aimsgraph.cli.demo import prepare_demo
from aimsgraph.export.audit import graph_export
from aimsgraph.store import Store
from aimsgraph.vocabulary.namespaces import PREFIXES, GraphName
from benchmarks.synthetic import synthetic_store

RDFLIB_FORMATS = {"nquads": "nquads", "trig": "trig", "json-ld": "json-ld"}


def rdflib_route(store: Store, rdf_format: str) -> str:
    """The export as it was: every named graph copied into an rdflib Dataset, serialised by rdflib."""
    dataset = Dataset()
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace)
    for name in GraphName:
        target = dataset.graph(name.iri)
        for triple in store.graph(name):
            target.add(triple)
    return dataset.serialize(format=RDFLIB_FORMATS[rdf_format])


def median_s(run: Callable[[], str], repeat: int) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        size = len(run())
        times.append(time.perf_counter() - start)
    return statistics.median(times), size


def report(label: str, store: Store, repeat: int) -> None:
    print(f"\n{label}: {store.count():,} triples\n")
    print("| format | store's serialiser | rdflib route | ratio |\n|---|---|---|---|")
    for fmt in RDFLIB_FORMATS:
        ours, _ = median_s(lambda fmt=fmt: graph_export(store, fmt), repeat)  # type: ignore[misc]
        theirs, _ = median_s(lambda fmt=fmt: rdflib_route(store, fmt), repeat)  # type: ignore[misc]
        print(f"| {fmt} | {ours * 1000:,.0f} ms | {theirs * 1000:,.0f} ms | {theirs / ours:.1f}x |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-export-"))
    try:
        workspace = prepare_demo(folder / "demo")
        try:
            report("demo workspace", workspace.store, args.repeat)
        finally:
            workspace.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    report(f"synthetic organisation ({args.triples:,} triples asked)", synthetic_store(args.triples), args.repeat)


if __name__ == "__main__":
    main()
