"""Ingest: passages in the documents graph, skipped by hash, new versions supersede old links, bad files skipped."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from aimsgraph.vocabulary.namespaces import GraphName
from aimsgraph.workspace import Workspace
from tests.conftest import run_cli, set_model
from tests.test_extraction import _bad_files

VERSIONS = """SELECT ?v ?sha ?next WHERE {
  ?v a aims:DocumentVersion ; aims:sha256 ?sha . OPTIONAL { ?v aims:supersededBy ?next } }"""
PASSAGES = "SELECT (COUNT(?p) AS ?n) WHERE { GRAPH <urn:aims:graph:documents> { ?p a aims:Passage } }"


def _count(workspace_dir: Path) -> int:
    workspace = Workspace.open(workspace_dir)
    try:
        return int(workspace.store.select(PASSAGES)[0][0])
    finally:
        workspace.close()


def test_ingest_then_unchanged_costs_almost_nothing(demo_dir: Path) -> None:
    first = run_cli("-w", str(demo_dir), "ingest")
    assert first.exit_code == 0, first.stderr
    assert "Ingested 29 file(s)" in first.stdout
    passages = _count(demo_dir)
    assert passages > 200
    started = time.perf_counter()
    second = run_cli("-w", str(demo_dir), "ingest")
    assert "0 file(s) (0 passages), 29 unchanged" in second.stdout
    assert time.perf_counter() - started < 3
    assert _count(demo_dir) == passages


def test_register_documents_keep_their_evidence_node(mini_dir: Path) -> None:
    assert run_cli("-w", str(mini_dir), "ingest").exit_code == 0
    workspace = Workspace.open(mini_dir)
    rows = workspace.store.select(
        "SELECT ?doc WHERE { GRAPH <urn:aims:graph:documents> { ?v aims:versionOf ?doc ; aims:file ?f } }"
    )
    workspace.close()
    assert {str(r[0]) for r in rows} == {"urn:aims:evidence:ai-policy", "urn:aims:evidence:ia-triage"}


def test_bad_files_are_skipped_one_line_each_and_nothing_is_lost(mini_dir: Path) -> None:
    assert run_cli("-w", str(mini_dir), "ingest").exit_code == 0
    before = _count(mini_dir)
    bad = _bad_files(mini_dir / "documents")
    good = mini_dir / "documents" / "extra.md"
    good.write_text("# Logging\n\nWe keep AI event logs for twelve months and review them monthly.\n", encoding="utf-8")
    result = run_cli("-w", str(mini_dir), "ingest")
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("aimsgraph: skipped")]
    assert len(lines) == len(bad)
    for path, word in bad.values():
        assert sum(path.name in line and word.lower() in line.lower() for line in lines) == 1, path.name
    assert "Ingested 1 file(s)" in result.stdout
    assert _count(mini_dir) == before + 1


def test_changed_file_becomes_new_version_and_old_links_are_superseded(mini_dir: Path) -> None:
    set_model(mini_dir, "none")
    policy = mini_dir / "documents" / "ai-policy.md"
    assert run_cli("-w", str(mini_dir), "ingest").exit_code == 0
    assert run_cli("-w", str(mini_dir), "suggest").exit_code == 0
    listed = run_cli("-w", str(mini_dir), "review", "--document", "ai-policy", "--format", "json")
    first_id = listed.stdout.split('"id": "')[1].split('"')[0]
    assert run_cli("-w", str(mini_dir), "review", "--accept", first_id, "--reviewer", "jdoe").exit_code == 0
    policy.write_text(policy.read_text(encoding="utf-8") + "\n\nA new paragraph on AI event logs.\n", encoding="utf-8")
    result = run_cli("-w", str(mini_dir), "ingest")
    assert "Ingested 1 file(s)" in result.stdout and "1 unchanged" in result.stdout
    workspace = Workspace.open(mini_dir)
    try:
        versions = workspace.store.select(VERSIONS)
        statuses = workspace.store.select("SELECT ?s WHERE { GRAPH <urn:aims:graph:reviews> { ?l aims:status ?s } }")
        assert workspace.store.count(GraphName.REVIEWS) > 0
    finally:
        workspace.close()
    assert sum(r[2] is not None for r in versions) == 1 and len(versions) == 3
    assert [str(s[0]).rsplit("#")[-1] for s in statuses] == ["Superseded"]


def test_ingest_outside_documents_folder(mini_dir: Path, tmp_path: Path) -> None:
    """A named file elsewhere in the workspace is read; one outside it (issue 17, item 2) is skipped, not read."""
    text = "Our AI risk assessment runs every quarter.\n\nResults go to the risk register.\n"
    (mini_dir / "notes").mkdir()
    inside = mini_dir / "notes" / "notes.txt"
    inside.write_text(text)
    outside = tmp_path / "copy.txt"
    shutil.copy(inside, outside)
    result = run_cli("-w", str(mini_dir), "ingest", str(inside), str(outside), str(tmp_path / "missing.md"))
    assert result.exit_code == 1 and "missing.md: no such file" in result.stderr
    assert "copy.txt: leads to" in result.stderr and "outside the workspace" in result.stderr
    assert "Ingested 1 file(s)" in result.stdout and "2 skipped" in result.stdout


HISTORY = """SELECT ?v ?sha ?next WHERE { GRAPH <urn:aims:graph:documents> {
  ?v a aims:DocumentVersion ; aims:file "documents/ai-policy.md" ; aims:sha256 ?sha .
  OPTIONAL { ?v aims:supersededBy ?next } } }"""


def test_content_that_comes_back_is_a_third_version_and_keeps_the_history(mini_dir: Path) -> None:
    policy = mini_dir / "documents" / "ai-policy.md"
    original = policy.read_text(encoding="utf-8")
    assert run_cli("-w", str(mini_dir), "ingest").exit_code == 0
    policy.write_text(original + "\n\nA temporary paragraph on AI event logs.\n", encoding="utf-8")
    assert "Ingested 1 file(s)" in run_cli("-w", str(mini_dir), "ingest").stdout
    policy.write_text(original, encoding="utf-8")  # back to the first content
    assert "Ingested 1 file(s)" in run_cli("-w", str(mini_dir), "ingest").stdout
    assert "0 file(s) (0 passages)" in run_cli("-w", str(mini_dir), "ingest").stdout  # now current: unchanged
    workspace = Workspace.open(mini_dir)
    try:
        rows = [(str(v), str(sha), str(n) if n is not None else None) for v, sha, n in workspace.store.select(HISTORY)]
        passages = workspace.store.select(
            "SELECT ?v (COUNT(?p) AS ?n) WHERE { ?p aims:inVersion ?v } GROUP BY ?v ORDER BY ?v"
        )
    finally:
        workspace.close()
    assert len(rows) == 3 and len({v for v, _, _ in rows}) == 3
    following = {v: n for v, _, n in rows}
    first = next(v for v, _, _ in rows if v not in following.values())  # the one nothing supersedes into
    second = following[first]
    third = following[second]
    assert third is not None and following[third] is None  # one chain A -> B -> A', no cycle
    sha = {v: s for v, s, _ in rows}
    assert sha[first] == sha[third] != sha[second]
    counts = {str(v): int(n) for v, n in passages}
    assert counts[first] == counts[third] > 0  # the returning version has passages of its own
