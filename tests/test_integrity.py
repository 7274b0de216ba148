"""Integrity of every registered file: hashes recorded at first sight, a changed file is a finding naming it and its
evidence stops counting, `aimsgraph evidence accept-change` registers the new version; PDF, DOCX, Markdown, HTML."""

from __future__ import annotations

import hashlib
import json
import os
import time
from datetime import date
from pathlib import Path

import pytest

from aimsgraph.coverage.matrix import coverage_matrix
from aimsgraph.facts.integrity import HashCache
from aimsgraph.rules.validation import validate_workspace
from aimsgraph.vocabulary.namespaces import GraphName
from aimsgraph.workspace import Workspace
from tests.conftest import opened, run_cli

# One registered file of each kind: two without a sha256 in the register (recorded at first sight), two with one.
KINDS = {
    "pdf": ("ai-policy", "documents/ai-policy.pdf"),
    "docx": ("raci-ai-roles", "documents/ai-roles-responsibilities-raci.docx"),
    "markdown": ("ai-objectives-2026", "documents/ai-objectives-plan-2026.md"),
    "html": ("release-claimsight-v3.2", "documents/release-record-claimsight-v3.2.html"),
}
RECORDS = """SELECT ?path ?sha ?at ?who WHERE { GRAPH <urn:aims:graph:history> { ?r a aims:FileRecord ;
  aims:path ?path ; aims:sha256 ?sha ; prov:generatedAtTime ?at ; prov:wasAttributedTo ?who } }"""


def flip_one_byte(path: Path) -> None:
    """Change one byte in the middle of the file (same size)."""
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def hash_findings(workspace_dir: Path) -> list[dict[str, str]]:
    result = run_cli("-w", str(workspace_dir), "validate", "--format", "json")
    assert result.exit_code in (0, 1), result.stderr
    return [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "evidence-hash"]


def current_evidence(workspace: Workspace, evidence: str) -> set[str]:
    """Requirements (organisation level) for which `evidence` counts as current evidence today."""
    matrix = coverage_matrix(workspace.store)
    return {req for (req, system), cell in matrix.cells.items() if system is None
            for ref in cell.evidence if ref.evidence == evidence and ref.current}  # fmt: skip


def test_files_without_a_registered_hash_are_recorded_at_first_sight(demo: Workspace) -> None:
    recorded = {str(path): (str(sha), str(at), str(who)) for path, sha, at, who in demo.store.select(RECORDS)}
    for _, file in (KINDS["pdf"], KINDS["docx"]):
        sha, at, who = recorded[file]
        assert sha == hashlib.sha256((demo.root / file).read_bytes()).hexdigest()
        assert at.startswith(date.today().isoformat()) and who.startswith("urn:aims:person:")
    assert KINDS["markdown"][1] not in recorded  # the register gives its hash: nothing to record
    states = {s.id: s.status for s in demo.check_files()}
    assert {states[ident] for ident, _ in KINDS.values()} == {"matches"}
    assert states["speak-up-procedure"] == "changed"  # the demo's deliberate gap: its registered hash is stale
    before = demo.store.count(GraphName.HISTORY)
    demo.sync()  # seen again: nothing new is recorded
    assert demo.store.count(GraphName.HISTORY) == before


def test_one_byte_changed_in_a_registered_pdf_drops_its_coverage_and_names_the_file(demo_dir: Path) -> None:
    ident, file = KINDS["pdf"]
    assert [f["focus"] for f in hash_findings(demo_dir)] == ["speak-up-procedure"]
    with opened(demo_dir) as workspace:
        covered_before = current_evidence(workspace, ident)
        matrix = coverage_matrix(workspace.store)
        statuses_before = {req: matrix.cell(req).status for req in covered_before}
    assert covered_before, "the policy supports requirements"
    flip_one_byte(demo_dir / file)
    found = [f for f in hash_findings(demo_dir) if f["focus"] == ident]
    assert len(found) == 1 and file in found[0]["message"] and found[0]["requirement"] == "7.5.3"
    with opened(demo_dir) as workspace:
        workspace.sync()
        assert current_evidence(workspace, ident) == set()  # its requirements drop out of coverage
        matrix = coverage_matrix(workspace.store)
        dropped = {req for req, status in statuses_before.items() if matrix.cell(req).status != status}
        assert dropped and all(matrix.cell(req).status != "covered" for req in dropped)
    accepted = run_cli("-w", str(demo_dir), "evidence", "accept-change", ident)
    assert accepted.exit_code == 0 and file in accepted.stdout
    assert [f["focus"] for f in hash_findings(demo_dir)] == ["speak-up-procedure"]
    with opened(demo_dir) as workspace:
        assert current_evidence(workspace, ident) == covered_before
        matrix = coverage_matrix(workspace.store)
        assert {req: matrix.cell(req).status for req in covered_before} == statuses_before


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_of_file_is_checked_and_a_change_can_be_accepted(demo: Workspace, kind: str) -> None:
    ident, file = KINDS[kind]
    flip_one_byte(demo.root / file)
    report = validate_workspace(demo, record=False)
    assert {f.focus for f in report.findings if f.rule == "evidence-hash"} == {ident, "speak-up-procedure"}
    assert current_evidence(demo, ident) == set()
    state = next(s for s in demo.check_files() if s.id == ident)
    assert state.status == "changed" and state.current == hashlib.sha256((demo.root / file).read_bytes()).hexdigest()
    demo.close()  # the command opens the on-disk store itself
    assert run_cli("-w", str(demo.root), "evidence", "accept-change", ident).exit_code == 0
    report = validate_workspace(demo, record=False)
    assert {f.focus for f in report.findings if f.rule == "evidence-hash"} == {"speak-up-procedure"}
    assert current_evidence(demo, ident)


def test_updating_the_register_or_accepting_registers_a_changed_file(demo_dir: Path) -> None:
    ident = "speak-up-procedure"
    assert run_cli("-w", str(demo_dir), "evidence", "accept-change", ident).exit_code == 0
    assert hash_findings(demo_dir) == []
    evidence = demo_dir / "org" / "evidence.yaml"
    text = evidence.read_text(encoding="utf-8")
    wrong = "3f9a1c0e7b52d4a8e61f0c9b2d7e4a15c8b3f60d9e2a7c41b5d8f03e6a9c2b7d"
    evidence.write_text(text.replace(wrong, "0" * 64), encoding="utf-8")  # a new register hash wins again
    assert [f["focus"] for f in hash_findings(demo_dir)] == [ident]
    actual = hashlib.sha256((demo_dir / "documents" / "speak-up-procedure.html").read_bytes()).hexdigest()
    evidence.write_text(text.replace(wrong, actual), encoding="utf-8")
    assert hash_findings(demo_dir) == []


def test_accept_change_refuses_unknown_or_unchanged_evidence_and_writes_nothing(demo_dir: Path) -> None:
    assert run_cli("-w", str(demo_dir), "stats").exit_code == 0
    with opened(demo_dir) as workspace:
        before = workspace.store.dump("nq")
    for ident, message in (("no-such-evidence", "no registered file"), ("ai-policy", "no change to accept")):
        result = run_cli("-w", str(demo_dir), "evidence", "accept-change", ident)
        assert result.exit_code == 2 and message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    with opened(demo_dir) as workspace:
        assert workspace.store.dump("nq") == before


def test_register_export_shows_the_registered_hash_and_its_status(demo_dir: Path) -> None:
    (demo_dir / "documents" / "ai-training-records-2026.docx").unlink()
    result = run_cli("-w", str(demo_dir), "export", "coverage", "--format", "json")
    assert result.exit_code == 0, result.stderr
    register = {row["id"]: row for row in json.loads(result.stdout)["evidence_register"]}
    policy = register["ai-policy"]
    actual = hashlib.sha256((demo_dir / "documents" / "ai-policy.pdf").read_bytes()).hexdigest()
    assert policy["integrity"] == "matches" and policy["recorded_sha256"] == policy["sha256"] == actual
    speak_up = register["speak-up-procedure"]
    assert speak_up["integrity"] == "changed" and speak_up["recorded_sha256"] != speak_up["sha256"]
    assert register["training-records-2026"]["integrity"] == "missing file"


def test_hash_cache_rereads_a_file_written_just_before_it_was_hashed(tmp_path: Path) -> None:
    path, cache_file = tmp_path / "a.md", tmp_path / "hashes.json"
    path.write_text("version 1\n", encoding="utf-8")
    cache = HashCache(cache_file)
    first = cache.sha256(path)
    cache.save()
    path.write_text("version 2\n", encoding="utf-8")  # same size, possibly the same timestamp tick
    again = HashCache(cache_file)
    assert again.sha256(path) != first and again.dirty
    settled = time.time() - 60
    os.utime(path, (settled, settled))
    cache = HashCache(cache_file)
    cache.sha256(path)
    cache.save()
    reused = HashCache(cache_file)
    assert reused.sha256(path) == hashlib.sha256(b"version 2\n").hexdigest() and not reused.dirty
