"""Coverage figures of the demo: statuses per requirement and per AI system, and the evidence behind them."""

from __future__ import annotations

from datetime import date

from aimsgraph.coverage.currency import currency
from aimsgraph.coverage.matrix import coverage_matrix
from aimsgraph.workspace import Workspace


def test_demo_statuses(demo: Workspace) -> None:
    matrix = coverage_matrix(demo.store, date(2026, 11, 23))
    assert matrix.cell("6.3").status == "missing"
    assert matrix.cell("A.7.5").status == "stale"
    assert matrix.cell("A.8.4").status == "design-only"
    assert matrix.cell("A.5.5").status == "excluded"
    assert matrix.cell("A.6.2.8", "halden-assist").status == "covered"
    assert matrix.cell("A.7.5").evidence[0].evidence == "data-provenance-claimsight"
    assert not matrix.cell("A.7.5").evidence[0].current


def test_group_summary_and_as_of(demo: Workspace) -> None:
    now = {g.group: (g.covered, g.required) for g in coverage_matrix(demo.store, date(2026, 11, 23)).group_summary()}
    assert now["6"] == (5, 6) and now["A.7"] == (3, 4)
    before = coverage_matrix(demo.store, date(2026, 8, 1))  # before the data sheet's review date
    assert before.cell("A.7.5").status == "covered"


def test_currency_on_the_edges_of_the_as_of_day() -> None:
    day = date(2026, 11, 23)
    assert currency(day, "2026-11-23", "2026-11-23", "2026-11-23T18:00:00") == "current"  # all on the day itself
    assert currency(day, None, None) == "current"
    assert currency(day, "2026-11-24", None) == "future"
    assert currency(day, None, None, "2026-11-24T00:00:00") == "future"
    assert currency(day, "2026-11-24", "2026-01-01") == "future"  # not issued yet wins over overdue
    assert currency(day, "2025-11-23", "2026-11-22") == "stale"
