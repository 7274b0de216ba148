"""The coverage view lives in the workspace store: any SPARQL tool reads the same rows as `aimsgraph query`."""

from __future__ import annotations

import gc
import json
from datetime import date
from pathlib import Path

import pyoxigraph as ox
import pytest

from aimsgraph.coverage.view import refresh_view, stored_view_day
from aimsgraph.query.sparql import saved_queries
from aimsgraph.vocabulary.namespaces import GraphName
from aimsgraph.workspace import Workspace
from tests.conftest import run_cli

VIEW_QUERIES = [q for q in saved_queries() if "FROM <urn:aims:graph:coverage>" in q.text]


def _plain(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str | None:
    return None if term is None else term.value


def test_every_coverage_query_declares_its_prefixes() -> None:
    # Run by another tool, a query gets no prefixes from aimsgraph: each must declare what it uses.
    assert len(VIEW_QUERIES) == 6
    for query in VIEW_QUERIES:
        ox.Store().query(query.text)  # raises SyntaxError on an undeclared prefix


@pytest.mark.parametrize("name", [q.name for q in VIEW_QUERIES])
def test_saved_coverage_queries_run_unchanged_on_the_store(demo_dir: Path, name: str) -> None:
    """pyoxigraph opened read-only on the workspace's store, with no aimsgraph code, gives the CLI's rows."""
    result = run_cli("-w", str(demo_dir), "query", name, "--format", "json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    ours = [[row.get(v) for v in answer["head"]["vars"]] for row in _bindings(answer)]
    # The in-process command's store can outlive it in a reference cycle (its lock and background compaction with
    # it); a separate tool opens the store after the aimsgraph process has ended.
    gc.collect()
    store = ox.Store.read_only(str(demo_dir / ".aimsgraph" / "store"))
    text = next(q.text for q in VIEW_QUERIES if q.name == name)
    plain = [[_plain(term) for term in solution] for solution in store.query(text)]  # type: ignore[union-attr]
    assert ours == plain
    assert ours, f"{name} gave no rows on the demo"


def _bindings(answer: dict[str, object]) -> list[dict[str, str]]:
    rows = answer["results"]["bindings"]  # type: ignore[index]
    return [{k: v["value"] for k, v in row.items()} for row in rows]


def test_a_write_drops_the_view_and_refresh_restores_it(demo: Workspace) -> None:
    refresh_view(demo.store)
    assert stored_view_day(demo.store) == date.today()
    assert demo.store.count(GraphName.COVERAGE) > 100
    soa = demo.org_dir / "soa.yaml"  # a load that changes nothing writes nothing: change one fact
    soa.write_text(soa.read_text(encoding="utf-8").replace("applicable: false", "applicable: true", 1))
    demo.load()  # replaces the org graph: the view read from it is dropped in the same transaction
    assert stored_view_day(demo.store) is None
    assert demo.store.count(GraphName.COVERAGE) == 0
    assert refresh_view(demo.store) is True
    assert refresh_view(demo.store) is False  # already today's
    assert stored_view_day(demo.store) == date.today()


def test_an_older_view_is_recomputed_on_a_new_day(demo: Workspace) -> None:
    refresh_view(demo.store, date(2026, 1, 1))
    assert stored_view_day(demo.store) == date(2026, 1, 1)
    assert refresh_view(demo.store) is True
    assert stored_view_day(demo.store) == date.today()


def test_a_command_that_writes_leaves_todays_view_in_the_store(demo_dir: Path) -> None:
    assert run_cli("-w", str(demo_dir), "load").exit_code == 0
    workspace = Workspace.open(demo_dir)
    try:
        assert stored_view_day(workspace.store) == date.today()
    finally:
        workspace.close()
