"""Undoing a review decision: a reversal recorded beside it, never a deletion."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef

from aimsgraph.coverage.matrix import coverage_matrix
from aimsgraph.errors import InputError
from aimsgraph.suggest.review import accept_suggestions, reject_suggestions, undo_decisions
from aimsgraph.suggest.suggestions import pending_suggestions
from aimsgraph.workspace import Workspace
from tests.conftest import run_cli
from tests.test_app import missing_with_suggestion

REVIEWS = """
SELECT ?link ?status ?by WHERE { GRAPH <urn:aims:graph:reviews> {
  ?link aims:status ?status ; prov:wasDerivedFrom ?s OPTIONAL { ?undo prov:invalidated ?link ;
        prov:wasAssociatedWith ?by } } }
"""


def test_undo_withdraws_the_decision_and_the_suggestion_is_pending_again(suggested_demo_dir: Path) -> None:
    requirement = missing_with_suggestion(suggested_demo_dir)
    workspace = Workspace.open(suggested_demo_dir)
    try:
        store = workspace.store
        ident = next(s.id for s in pending_suggestions(store) if s.requirement == requirement)
        accept_suggestions(workspace, [ident], "pnair")
        assert coverage_matrix(store).cell(requirement).status != "missing"
        assert undo_decisions(store, [ident], "hwebb") == 1
        assert coverage_matrix(store).cell(requirement).status == "missing"
        assert ident in {s.id for s in pending_suggestions(store)}
        suggestion = URIRef(f"urn:aims:suggestion:{ident}")
        rows = store.values(REVIEWS, {"s": suggestion})
        assert [(status.rsplit("#", 1)[-1], by.rsplit(":", 1)[-1]) for _link, status, by in rows] == [
            ("Withdrawn", "hwebb")
        ]
        with pytest.raises(InputError, match="already undone"):
            undo_decisions(store, [ident], "hwebb")
        reject_suggestions(workspace, [ident], "pnair")  # decided again: a second link, the withdrawn one kept
        statuses = sorted(status.rsplit("#", 1)[-1] for _l, status, _b in store.values(REVIEWS, {"s": suggestion}))  # type: ignore[arg-type]
        assert statuses == ["Rejected", "Withdrawn"]
    finally:
        workspace.close()


def test_review_undo_on_the_command_line(suggested_demo_dir: Path) -> None:
    workspace = ["-w", str(suggested_demo_dir)]
    missing = run_cli(*workspace, "review", "--undo", "s-00000000")
    assert missing.exit_code == 2 and "no decision on suggestion 's-00000000'" in missing.stderr
    assert "Traceback" not in missing.stderr
    ident = run_cli(*workspace, "review", "--format", "csv").stdout.splitlines()[1].split(",")[0]
    assert run_cli(*workspace, "review", "--reject", ident).exit_code == 0
    undone = run_cli(*workspace, "review", "--undo", ident, "--reviewer", "hwebb")
    assert undone.exit_code == 0 and "pending again" in undone.stdout
    assert ident in run_cli(*workspace, "review", "--format", "csv").stdout
