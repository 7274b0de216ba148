"""Benchmark: fast engine versus plain pyshacl on synthetic organisations (10k / 100k / 1M triples).

Prints a Markdown table: fast time, pyshacl time (capped; '>CAP s' when it does not finish), ratio, whether the
findings are identical, and the re-validation time after one accepted evidence link. Run:
    python -m benchmarks.bench_validation [--sizes 10000,100000,1000000] [--cap 300]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import time
from datetime import date
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from aimsgraph.namespaces import AIMS, ISO, GraphName
from aimsgraph.store import Store
from aimsgraph.validation import validate_store
from benchmarks.synthetic import synthetic_store

AS_OF = date(2026, 11, 23)


def _pyshacl_child(store: Store, queue: Any) -> None:
    started = time.perf_counter()
    report = validate_store(store, AS_OF, engine="pyshacl")
    queue.put((time.perf_counter() - started, report.findings))


def _pyshacl(store: Store, cap: float) -> tuple[float | None, list[Any] | None]:
    """pyshacl in a forked child (inherits the store), killed after `cap` seconds."""
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_pyshacl_child, args=(store, queue))
    child.start()
    try:
        seconds, findings = queue.get(timeout=cap)
    except Exception:
        child.kill()
        return None, None
    child.join()
    return seconds, findings


def _accept_one_link(store: Store) -> None:
    graph = Graph()
    link = URIRef("urn:aims:review:bench-accepted")
    graph.add((link, RDF.type, AIMS.EvidenceLink))
    graph.add((link, AIMS.status, AIMS.Accepted))
    graph.add((link, AIMS.method, AIMS.Reviewed))
    graph.add((link, AIMS.evidence, URIRef("urn:aims:evidence:org-0")))
    graph.add((link, AIMS.requirement, ISO["A.4.4"]))
    graph.add((link, AIMS.decidedAt, Literal("2026-11-20T09:00:00", datatype=XSD.dateTime)))
    store.add(GraphName.REVIEWS, graph)


def run(size: int, cap: float) -> dict[str, Any]:
    """Figures for one size."""
    store = synthetic_store(size)
    triples = store.count()
    started = time.perf_counter()
    fast = validate_store(store, AS_OF).findings
    fast_s = time.perf_counter() - started
    slow_s, slow = _pyshacl(store, cap)
    _accept_one_link(store)
    started = time.perf_counter()
    validate_store(store, AS_OF)
    again_s = time.perf_counter() - started
    return {
        "triples": triples,
        "findings": len(fast),
        "fast": fast_s,
        "pyshacl": slow_s,
        "ratio": (slow_s / fast_s) if slow_s else None,
        "identical": None if slow is None else sorted(map(repr, fast)) == sorted(map(repr, slow)),
        "again": again_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--cap", type=float, default=300.0)
    args = parser.parse_args()
    print("| target | triples | findings | fast (s) | pyshacl (s) | ratio | identical | after one accepted link (s) |")
    print("|---|---|---|---|---|---|---|---|")
    for size in (int(s) for s in args.sizes.split(",")):
        r = run(size, args.cap)
        slow = f"{r['pyshacl']:.1f}" if r["pyshacl"] else f">{args.cap:.0f}"
        ratio = f"{r['ratio']:.0f}x" if r["ratio"] else f">{args.cap / r['fast']:.0f}x"
        same = {True: "yes", False: "NO", None: "n/a (pyshacl did not finish)"}[r["identical"]]
        print(
            f"| {size:,} | {r['triples']:,} | {r['findings']} | {r['fast']:.2f} | {slow} | {ratio} | {same} "
            f"| {r['again']:.2f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
