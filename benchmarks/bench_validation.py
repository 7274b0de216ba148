"""Benchmark: the set-at-a-time evaluator ("fast") versus pyshacl on synthetic organisations (10k / 100k / 1M).

Two pyshacl baselines on the same data and shapes: plain pyshacl (`pyshacl.validate` on the merged data graph with
our shapes, in place, with SHACL-AF for the shapes' shared function, nothing else; timed only, capped by
--plain-cap) and pyshacl as `--engine pyshacl` runs it (validation.pyshacl_hits: each query text parsed once;
capped by --cap), whose findings are compared with the evaluator's. Prints a Markdown table: fast time (cold
caches), both pyshacl times ('>CAP s' when one does not finish) and ratios, whether the findings are identical,
and the re-validation time after one accepted evidence link that closes a gap (the caches keep everything the link
does not touch), checked against a cold run on the same data. Run:
    python -m benchmarks.bench_validation [--sizes 10000,100000,1000000] [--cap 300] [--plain-cap 300]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import time
from datetime import date
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from aimsgraph.rules.findings import Finding
from aimsgraph.rules.validation import data_graph, facts_graph, file_facts, our_shapes, validate_store
from aimsgraph.store import Store, clear_caches
from aimsgraph.vocabulary.namespaces import AIMS, ISO, GraphName
from benchmarks.synthetic import synthetic_store

AS_OF = date(2026, 11, 23)


def _reference_child(store: Store, queue: Any) -> None:
    started = time.perf_counter()
    report = validate_store(store, AS_OF, engine="pyshacl")
    queue.put((time.perf_counter() - started, report.findings))


def _plain_child(store: Store, queue: Any) -> None:
    import pyshacl

    data, shapes = data_graph(store, facts_graph(AS_OF, *file_facts(store, None))), our_shapes()
    started = time.perf_counter()
    pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True, advanced=True, inplace=True)
    queue.put((time.perf_counter() - started, None))


def _pyshacl(store: Store, cap: float, plain: bool = False) -> tuple[float | None, list[Any] | None]:
    """pyshacl (plain, or as --engine pyshacl runs it) in a forked child (inherits the store), killed after `cap` s."""
    if cap <= 0:
        return None, None
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_plain_child if plain else _reference_child, args=(store, queue))
    child.start()
    try:
        seconds, findings = queue.get(timeout=cap)
    except Exception:
        child.kill()
        return None, None
    child.join()
    return seconds, findings


CURRENT_OPERATING = """
SELECT ?doc WHERE {
  ?doc a aims:OperatingEvidence ; dcterms:issued ?issued ; aims:reviewDue ?due .
  FILTER(STR(?issued) <= "2026-11-23" && STR(?due) >= "2026-11-23")
} LIMIT 1
"""
LINKED_RULES = ("clause-evidence", "control-evidence", "control-operating-evidence", "system-event-logs")


def _accept_one_link(store: Store, findings: list[Finding]) -> str:
    """Accept one link (a current operating document) that closes a gap the first run found."""
    gap = next((f for f in findings if f.rule in LINKED_RULES), None)
    requirement = (gap.requirement if gap else None) or "A.6.2.8"
    doc = store.values(CURRENT_OPERATING)[0][0] or ""
    graph = Graph()
    link = URIRef("urn:aims:review:bench-accepted")
    graph.add((link, RDF.type, AIMS.EvidenceLink))
    graph.add((link, AIMS.status, AIMS.Accepted))
    graph.add((link, AIMS.method, AIMS.Reviewed))
    graph.add((link, AIMS.evidence, URIRef(doc)))
    graph.add((link, AIMS.requirement, ISO[requirement]))
    if gap and gap.system:
        graph.add((link, AIMS.forSystem, URIRef(f"urn:aims:system:{gap.system}")))
    graph.add((link, AIMS.decidedAt, Literal("2026-11-20T09:00:00", datatype=XSD.dateTime)))
    store.add(GraphName.REVIEWS, graph)
    return f"{gap.rule} {gap.focus}" if gap else "no link gap at this size; linked A.6.2.8"


def run(size: int, cap: float, plain_cap: float) -> dict[str, Any]:
    """Figures for one size: a cold full run, both pyshacl runs, and a re-run after one accepted link (checked cold)."""
    store = synthetic_store(size)
    triples = store.count()
    started = time.perf_counter()
    fast = validate_store(store, AS_OF).findings
    fast_s = time.perf_counter() - started
    plain_s, _ = _pyshacl(store, plain_cap, plain=True)
    slow_s, slow = _pyshacl(store, cap)
    closed = _accept_one_link(store, fast)
    started = time.perf_counter()
    again = validate_store(store, AS_OF).findings
    again_s = time.perf_counter() - started
    clear_caches(store)
    cold = validate_store(store, AS_OF).findings
    return {
        "triples": triples,
        "findings": len(fast),
        "fast": fast_s,
        "plain": plain_s,
        "pyshacl": slow_s,
        "identical": None if slow is None else sorted(map(repr, fast)) == sorted(map(repr, slow)),
        "again": again_s,
        "again_ok": again == cold and (len(again) < len(fast) or closed.startswith("no link gap")),
        "closed": closed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--cap", type=float, default=300.0, help="seconds for pyshacl as --engine pyshacl runs it")
    parser.add_argument("--plain-cap", type=float, default=300.0, help="seconds for plain pyshacl (0: skip it)")
    args = parser.parse_args()
    print(
        "| target | triples | findings | fast (s) | plain pyshacl (s) | ratio | pyshacl, parsed once (s) | ratio "
        "| identical | after one accepted link (s) | re-run equals a cold run, gap closed |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for size in (int(s) for s in args.sizes.split(",")):
        r = run(size, args.cap, args.plain_cap)
        cells = []
        for key, cap in (("plain", args.plain_cap), ("pyshacl", args.cap)):
            if cap <= 0:
                cells += ["not run", ""]
            elif r[key]:
                cells += [f"{r[key]:.1f}", f"{r[key] / r['fast']:.0f}x"]
            else:
                cells += [f">{cap:.0f}", f">{cap / r['fast']:.0f}x"]
        same = {True: "yes", False: "NO", None: "n/a (pyshacl did not finish)"}[r["identical"]]
        print(
            f"| {size:,} | {r['triples']:,} | {r['findings']} | {r['fast']:.2f} | {' | '.join(cells)} | {same} "
            f"| {r['again']:.2f} | {'yes' if r['again_ok'] else 'NO'} ({r['closed']}) |",
            flush=True,
        )


if __name__ == "__main__":
    main()
