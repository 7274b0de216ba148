"""Review: accepted suggestions become reviewed evidence links that count as coverage; rejected ones stay away."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from aimsgraph.coverage.matrix import coverage_matrix
from aimsgraph.workspace import Workspace
from tests.conftest import pending_rows, run_cli, set_model

LINK = """SELECT ?l ?status ?method ?who ?from ?act WHERE { GRAPH <urn:aims:graph:reviews> {
  ?l a aims:EvidenceLink ; aims:status ?status ; aims:method ?method ; aims:reviewer ?who ;
     prov:wasDerivedFrom ?from ; prov:wasGeneratedBy ?act ; aims:decidedAt ?t ; aims:passage ?p } }"""


def test_demo_accept_makes_requirement_covered(demo_dir: Path) -> None:
    set_model(demo_dir, "none")  # the same flow with the model is the demo; BM25 keeps this test fast
    assert run_cli("-w", str(demo_dir), "ingest").exit_code == 0
    assert run_cli("-w", str(demo_dir), "suggest", "--top-k", "5").exit_code == 0
    pending = pending_rows(demo_dir)
    assert len(pending) >= 5 * 25
    workspace = Workspace.open(demo_dir)
    before = coverage_matrix(workspace.store)
    workspace.close()
    # a suggestion for a requirement the demo leaves without current evidence
    gap = next(p for p in pending if before.cell(str(p["requirement"])).status in ("missing", "stale"))
    accepted = run_cli("-w", str(demo_dir), "review", "--accept", str(gap["id"]), "--reviewer", "pnair")
    assert accepted.exit_code == 0 and "Accepted 1" in accepted.stdout
    workspace = Workspace.open(demo_dir)
    after = coverage_matrix(workspace.store).cell(str(gap["requirement"]))
    links = workspace.store.select(LINK)
    workspace.close()
    assert after.status in ("covered", "design-only")
    assert any(ref.method == "reviewed" and ref.reviewer for ref in after.evidence)
    assert len(links) == 1 and str(links[0][4]).endswith(str(gap["id"]))
    assert str(gap["id"]) not in {p["id"] for p in pending_rows(demo_dir)}


def test_reject_by_document_never_comes_back(mini_dir: Path) -> None:
    set_model(mini_dir, "none")
    run_cli("-w", str(mini_dir), "ingest")
    run_cli("-w", str(mini_dir), "suggest", "--top-k", "3")
    rejected = {p["requirement"] for p in pending_rows(mini_dir, "--document", "ai-policy")}
    result = run_cli("-w", str(mini_dir), "review", "--reject", "--document", "ai-policy", "--reviewer", "jdoe")
    assert "Rejected 3" in result.stdout
    run_cli("-w", str(mini_dir), "suggest", "--top-k", "3")
    again = {p["requirement"] for p in pending_rows(mini_dir, "--document", "ai-policy")}
    assert len(again) == 3 and not again & rejected


def test_min_score_and_unknown_id(mini_dir: Path) -> None:
    set_model(mini_dir, "none")
    run_cli("-w", str(mini_dir), "ingest")
    run_cli("-w", str(mini_dir), "suggest")
    scores = sorted(float(str(p["score"])) for p in pending_rows(mini_dir))
    threshold = scores[len(scores) // 2]
    expected = sum(s >= threshold for s in scores)
    result = run_cli("-w", str(mini_dir), "review", "--accept", "--min-score", str(threshold))
    assert f"Accepted {expected}" in result.stdout
    bad = run_cli("-w", str(mini_dir), "review", "--accept", "s-00000000")
    assert bad.exit_code == 2 and "no pending suggestion s-00000000" in bad.stderr


def test_a_comment_on_accept_is_kept_with_the_decision(mini_dir: Path) -> None:
    set_model(mini_dir, "none")
    run_cli("-w", str(mini_dir), "ingest")
    run_cli("-w", str(mini_dir), "suggest", "--top-k", "2")
    first, second = (str(p["id"]) for p in pending_rows(mini_dir)[:2])
    note = "Checked against the signed copy;\n covers the 2026 cycle <only>"
    accepted = run_cli("-w", str(mini_dir), "review", "--accept", first, "--comment", note)
    assert accepted.exit_code == 0, accepted.stderr
    assert run_cli("-w", str(mini_dir), "review", "--accept", second).exit_code == 0  # no comment: none recorded
    rows = run_cli("-w", str(mini_dir), "query", "reviews", "--format", "csv").stdout
    decisions = [r for r in csv.DictReader(io.StringIO(rows)) if r["what"] == "evidence link"]
    assert sorted(r.get("comment") or "" for r in decisions) == [
        "",
        "Checked against the signed copy; covers the 2026 cycle <only>",  # one line, kept as written
    ]
