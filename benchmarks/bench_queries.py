"""Saved coverage queries and the XLSX coverage export on a synthetic organisation. Prints Markdown tables.

    python -m benchmarks.bench_queries --triples 1000000 --repeat 5 --rdflib-cap 60

The view queries are asked about today, so they read the coverage view kept in the store (the first one computes it).

Baselines measured in the same run on the same data:
- the saved queries as they were before the coverage view (benchmarks/direct/*.rq: aggregating every link), on
  Oxigraph through the same product path, and on a plain in-memory rdflib Dataset (each query in a forked child
  so a query past the cap can be stopped; reported as '>CAP s');
- the saved (view) queries on rdflib over the same view graph;
- the workbook written with openpyxl's write-only mode and per-cell fills (the previous writer).
"""

from __future__ import annotations

import argparse
import io
import multiprocessing as mp
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph

from aimsgraph.coverage.matrix import coverage_matrix
from aimsgraph.coverage.view import VIEW_GRAPH, view_graph
from aimsgraph.export.audit import AuditPack, matrix_header, matrix_rows, register_rows, soa_rows
from aimsgraph.export.xlsx import STATUS_COLOURS, coverage_workbook
from aimsgraph.query.sparql import bind_parameters, load_query, run_query
from aimsgraph.store import Store, clear_caches
from aimsgraph.vocabulary.catalog import catalog_graph
from aimsgraph.vocabulary.namespaces import GraphName
from benchmarks.synthetic import synthetic_store, write_synthetic

QUERIES = [
    "coverage-by-requirement",
    "coverage-by-system",
    "coverage-by-objective",
    "requirements-without-evidence",
    "stale-evidence",
]
DIRECT = Path(__file__).parent / "direct"
AS_OF = date.today().isoformat()  # today: the view queries read the view kept in the store (another day: in memory)
_RDFLIB: Dataset | None = None  # set before forking, read by the children


def _timed(func: Callable[[], Any]) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def _query(name: str, direct: bool) -> tuple[str, dict[str, Any]]:
    """Text and bindings of a saved query, or of its pre-view version (`direct`)."""
    query = load_query(str(DIRECT / f"{name}.rq")) if direct else load_query(name)
    values = {"as_of": AS_OF} if any(p.name == "as_of" for p in query.parameters) else {}
    return query.text, bind_parameters(query, values)


def _run(store: Store, text: str, bindings: dict[str, Any]) -> int:
    return len(run_query(store, text, bindings, timeout=3600, row_limit=10_000_000).rows)


def oxigraph_ms(store: Store, name: str, repeat: int, direct: bool) -> tuple[float, float, int]:
    """(first run ms, p50 ms of the next `repeat` runs, rows) through the product path (guard, bindings, thread)."""
    text, bindings = _query(name, direct)
    first = _timed(lambda: _run(store, text, bindings)) * 1000
    rows = _run(store, text, bindings)
    times = [_timed(lambda: _run(store, text, bindings)) for _ in range(repeat)]
    return first, statistics.median(times) * 1000, rows


def _rdflib_child(name: str, direct: bool, out: Any) -> None:
    text, bindings = _query(name, direct)
    assert _RDFLIB is not None
    out.put([_timed(lambda: list(_RDFLIB.query(text, initBindings=bindings)))])


def rdflib_ms(name: str, direct: bool, cap: float) -> str:
    """Milliseconds of one run of `name` on the plain rdflib dataset, or '>cap s'."""
    context = mp.get_context("fork")
    queue: Any = context.Queue()
    child = context.Process(target=_rdflib_child, args=(name, direct, queue))
    child.start()
    child.join(cap)
    if child.is_alive():
        child.kill()
        child.join()
        return f">{cap:g} s"
    return f"{queue.get()[0] * 1000:,.0f} ms"


def load_rdflib(triples: int, view: Graph) -> tuple[Dataset, float]:
    """The synthetic data, the catalog and the coverage view graph in a plain in-memory rdflib Dataset."""
    start = time.perf_counter()
    dataset = Dataset(default_union=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "synthetic.nq"
        write_synthetic(path, triples)
        dataset.parse(path, format="nquads")
    for name, graph in ((GraphName.CATALOG.iri, catalog_graph()), (VIEW_GRAPH, view)):
        target = dataset.graph(name)
        for triple in graph:
            target.add(triple)
    return dataset, time.perf_counter() - start


def openpyxl_workbook(pack: AuditPack) -> bytes:
    """The previous writer's matrix sheet: openpyxl write-only mode, one shared fill object per status."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import PatternFill

    fills = {name: PatternFill("solid", start_color=rgb, end_color=rgb) for name, rgb in STATUS_COLOURS.items()}
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Matrix")
    sheet.append(matrix_header(pack.matrix))
    for row in matrix_rows(pack.matrix):
        cells: list[Any] = list(row[:4])
        for value in row[4:]:
            cell = WriteOnlyCell(sheet, value=value)
            if value.split(":")[0] in fills:  # not the last row, the figures
                cell.fill = fills[value.split(":")[0]]
            cells.append(cell)
        sheet.append(cells)
    register = book.create_sheet("Evidence register")
    for r in pack.register:
        register.append([r.id, r.title, r.file, r.kind, r.nature, r.owner, r.issued, r.review_interval, r.review_due,
                         "yes" if r.current else "no", r.recorded_sha256, r.sha256, ", ".join(r.supports)])  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_report(store: Store) -> str:
    """Seconds of each export step, and the workbook against the openpyxl baseline (same pack, same run)."""
    clear_caches(store)  # an export in a fresh process computes the matrix cold
    steps: dict[str, float] = {}
    start = time.perf_counter()
    matrix = coverage_matrix(store, date.fromisoformat(AS_OF))
    steps["coverage matrix"] = time.perf_counter() - start
    soa = soa_rows(store, matrix)
    steps["SoA"] = time.perf_counter() - start - sum(steps.values())
    pack = AuditPack(matrix, soa, None, register_rows(store, matrix, None))
    steps["evidence register"] = time.perf_counter() - start - sum(steps.values())
    steps["workbook"] = _timed(lambda: coverage_workbook(pack))
    baseline = _timed(lambda: openpyxl_workbook(pack))
    leaves = sum(1 for r in matrix.requirements if r.kind != "objective")
    parts = ", ".join(f"{k} {v:.1f} s" for k, v in steps.items())
    return (
        f"XLSX coverage export, {len(matrix.systems)} AI systems x {leaves} requirements: {parts}, "
        f"**total {sum(steps.values()):.1f} s**; openpyxl baseline for the workbook step (matrix and register "
        f"sheets only) {baseline:.1f} s ({baseline / steps['workbook']:.1f}x the new writer)"
    )


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
    clear_caches(store)  # the first view query pays for the matrix and the view
    view = {name: oxigraph_ms(store, name, args.repeat, direct=False) for name in QUERIES}
    direct = {name: oxigraph_ms(store, name, args.repeat, direct=True) for name in QUERIES}
    # Baseline: the same view graph alone in a small in-memory store, as the view was kept before it moved in.
    apart = Store.in_memory()
    apart.replace_graph(GraphName.COVERAGE, view_graph(store, date.fromisoformat(AS_OF)))
    alone = {name: oxigraph_ms(apart, name, args.repeat, direct=False) for name in QUERIES}
    rdflib: dict[str, tuple[str, str]] = {}
    if not args.skip_rdflib:
        _RDFLIB, seconds = load_rdflib(args.triples, view_graph(store, date.fromisoformat(AS_OF)))
        print(f"rdflib dataset: loaded in {seconds:.1f} s")
        rdflib = {n: (rdflib_ms(n, False, args.rdflib_cap), rdflib_ms(n, True, args.rdflib_cap)) for n in QUERIES}
    print("\n| saved query | rows | Oxigraph p50 (first run) | view in a store of its own | before: Oxigraph p50 | "
          "rdflib, same query | rdflib, before |\n|---|---|---|---|---|---|---|")  # fmt: skip
    for name in QUERIES:
        (first, p50, rows), (_, old, _), (_, own, _) = view[name], direct[name], alone[name]
        same, before = rdflib.get(name, ("not run", "not run"))
        timings = f"{p50:,.0f} ms ({first:,.0f} ms) | {own:,.0f} ms | {old:,.0f} ms"
        print(f"| {name} | {rows:,} | {timings} | {same} | {before} |")
    print("\n" + xlsx_report(store))


if __name__ == "__main__":
    main()
