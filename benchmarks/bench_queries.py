"""Saved coverage queries on a synthetic organisation: Oxigraph (the embedded engine) against plain rdflib,
and the XLSX coverage export. Prints a Markdown table.

    python -m benchmarks.bench_queries --triples 1000000 --repeat 5 --rdflib-cap 60

rdflib runs each query in a forked child (the parsed graph is shared copy-on-write) so that a query past the cap
can be stopped; such a query is reported as '>CAP s'.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from rdflib import Dataset

from aimsgraph.catalog import catalog_graph
from aimsgraph.coverage import coverage_matrix
from aimsgraph.exports import AuditPack, register_rows, soa_rows
from aimsgraph.namespaces import GraphName
from aimsgraph.sparql import bind_parameters, load_query, run_query
from aimsgraph.xlsx_export import coverage_workbook
from benchmarks.synthetic import synthetic_store, write_synthetic

QUERIES = [
    "coverage-by-requirement",
    "coverage-by-system",
    "coverage-by-objective",
    "requirements-without-evidence",
    "stale-evidence",
]
AS_OF = "2026-11-23"
_RDFLIB: Dataset | None = None  # set before forking, read by the children


def _timed(func: Callable[[], Any]) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def _bindings(name: str) -> tuple[str, dict[str, Any]]:
    query = load_query(name)
    values = {"as_of": AS_OF} if any(p.name == "as_of" for p in query.parameters) else {}
    return query.text, bind_parameters(query, values)


def _rdflib_child(name: str, repeat: int, out: Any) -> None:
    text, bindings = _bindings(name)
    assert _RDFLIB is not None
    times = [_timed(lambda: list(_RDFLIB.query(text, initBindings=bindings))) for _ in range(repeat)]
    out.put(times)


def rdflib_p50(name: str, repeat: int, cap: float) -> str:
    """p50 seconds of `name` on the plain rdflib dataset, or '>cap s' when one run passes the cap."""
    queue: Any = mp.get_context("fork").Queue()
    child = mp.get_context("fork").Process(target=_rdflib_child, args=(name, repeat, queue))
    child.start()
    child.join(cap * repeat)
    if child.is_alive():
        child.kill()
        child.join()
        return f">{cap:g} s"
    return f"{statistics.median(queue.get()) * 1000:.0f} ms"


def oxigraph_p50(store: Any, name: str, repeat: int) -> float:
    """p50 milliseconds of `name` through the product path (guard + initBindings + worker thread)."""
    text, bindings = _bindings(name)
    run_query(store, text, bindings, timeout=600, row_limit=10_000_000)  # warm-up
    return (
        statistics.median(
            _timed(lambda: run_query(store, text, bindings, timeout=600, row_limit=10_000_000)) for _ in range(repeat)
        )
        * 1000
    )


def xlsx_seconds(store: Any) -> tuple[float, float, int, int]:
    """(seconds to compute the matrix + SoA + register, seconds to write the workbook, systems, requirements)."""
    start = time.perf_counter()
    matrix = coverage_matrix(store, date.fromisoformat(AS_OF))
    pack = AuditPack(matrix, soa_rows(store, matrix), None, register_rows(store, matrix, None))
    middle = time.perf_counter()
    data = coverage_workbook(pack)
    end = time.perf_counter()
    assert len(data) > 1000
    leaves = sum(1 for r in matrix.requirements if r.kind != "objective")
    return middle - start, end - middle, len(matrix.systems), leaves


def load_rdflib(triples: int) -> tuple[Dataset, float]:
    """The same synthetic data (plus the catalog) in a plain in-memory rdflib Dataset, and the seconds it took."""
    start = time.perf_counter()
    dataset = Dataset(default_union=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "synthetic.nq"
        write_synthetic(path, triples)
        dataset.parse(path, format="nquads")
    target = dataset.graph(GraphName.CATALOG.iri)
    for triple in catalog_graph():
        target.add(triple)
    return dataset, time.perf_counter() - start


def main() -> None:
    global _RDFLIB
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rdflib-cap", type=float, default=60.0)
    parser.add_argument("--skip-rdflib", action="store_true")
    args = parser.parse_args()
    start = time.perf_counter()
    store = synthetic_store(args.triples)
    print(f"Oxigraph store: {store.count():,} triples in {time.perf_counter() - start:.1f} s")
    oxigraph = {name: oxigraph_p50(store, name, args.repeat) for name in QUERIES}
    compute, write, systems, requirements = xlsx_seconds(store)
    rdflib: dict[str, str] = {}
    if not args.skip_rdflib:
        _RDFLIB, seconds = load_rdflib(args.triples)
        print(f"rdflib dataset: loaded in {seconds:.1f} s")
        rdflib = {name: rdflib_p50(name, 1, args.rdflib_cap) for name in QUERIES}
    print("\n| saved query | Oxigraph p50 | rdflib in-memory (1 run) | ratio |")
    print("|---|---|---|---|")
    for name in QUERIES:
        other = rdflib.get(name, "not run")
        ratio = ""
        if other.endswith(" ms"):
            ratio = f"{float(other[:-3]) / max(oxigraph[name], 0.001):.0f}x"
        elif other.startswith(">"):
            ratio = f">{args.rdflib_cap * 1000 / max(oxigraph[name], 0.001):.0f}x"
        print(f"| {name} | {oxigraph[name]:.0f} ms | {other} | {ratio} |")
    print(f"\nXLSX coverage export, {systems} AI systems x {requirements} requirements: "
          f"matrix+SoA+register {compute:.1f} s, workbook {write:.1f} s, total {compute + write:.1f} s")  # fmt: skip


if __name__ == "__main__":
    main()
