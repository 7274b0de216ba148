"""Edits from the explorer, written back to org/ YAML: comments and order kept, checked as load checks, all or
nothing, a file changed since it was read never overwritten, the store (and its history) updated."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from aimsgraph.errors import InputError
from aimsgraph.facts.edit import (
    edit_soa_row,
    fingerprint,
    record_file,
    record_values,
    register_document,
    save_risk,
)
from aimsgraph.vocabulary.namespaces import org_iri
from aimsgraph.workspace import Workspace

OWNER = "SELECT ?who WHERE { ?row aims:owner/aims:id ?who }"
RISK = "SELECT ?title ?likelihood WHERE { ?r rdfs:label ?title ; aims:likelihood ?likelihood }"
DOCUMENT = "SELECT ?kind ?file WHERE { ?d aims:evidenceKind ?kind ; aims:file ?file }"


def comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def owner(workspace: Workspace, control: str) -> list[str]:
    return [str(w) for (w,) in workspace.store.select(OWNER, {"row": org_iri("soa", control)})]


def leftovers(workspace: Workspace) -> list[str]:
    return sorted(p.name for p in workspace.org_dir.iterdir() if p.name.startswith("."))


def test_an_soa_edit_keeps_comments_and_order_and_reaches_the_store(demo: Workspace) -> None:
    path = record_file(demo.org_dir, "soa", "A.4.6")
    before = path.read_text(encoding="utf-8")
    assert owner(demo, "A.4.6") == []  # the demo's deliberate gap
    changes = {"owner": "jkowalski", "reviewed": date(2026, 10, 1), "status": "implemented"}
    assert edit_soa_row(demo, fingerprint(path), "A.4.6", changes) == path
    after = path.read_text(encoding="utf-8")
    assert comments(after) == comments(before)
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert len(changed) == 1  # one row, on its own line
    row = changed[0][1]
    assert "status: implemented" in row and "reviewed: 2026-10-01" in row
    assert row.index("status:") < row.index("owner:") < row.index("reviewed:")  # a new field in contract order
    assert owner(demo, "A.4.6") == ["jkowalski"]
    assert demo.last_change is not None and ("org/soa.yaml", fingerprint(path)) in demo.last_change.files
    assert record_values(demo.org_dir, "soa", "A.4.6") == {
        "control": "A.4.6",
        "applicable": "true",
        "status": "implemented",
        "owner": "jkowalski",
        "reviewed": "2026-10-01",
        "justification": "Competences needed for AI roles are defined; ownership between HR and AI Governance not "
        "yet agreed.",
    }


def test_an_edit_that_breaks_a_rule_gets_loads_message_and_changes_nothing(demo: Workspace, tmp_path: Path) -> None:
    path = record_file(demo.org_dir, "soa", "A.2.2")
    before = path.read_bytes()
    triples = demo.store.count()
    with pytest.raises(InputError) as edited:
        edit_soa_row(demo, fingerprint(path), "A.2.2", {"owner": "nobody-here"})
    assert path.read_bytes() == before and leftovers(demo) == []
    assert demo.store.count() == triples and owner(demo, "A.2.2") == ["pnair"]
    # The same change made by hand in a copy: load says exactly the same.
    copy = Path(shutil.copytree(demo.root, tmp_path / "by-hand", ignore=shutil.ignore_patterns(".aimsgraph")))
    hand = copy / "org" / "soa.yaml"
    text = hand.read_text(encoding="utf-8")
    hand.write_text(
        text.replace(
            "{control: A.2.2, applicable: true, status: implemented, owner: pnair",
            "{control: A.2.2, applicable: true, status: implemented, owner: nobody-here",
        ),
        encoding="utf-8",
    )
    with pytest.raises(InputError) as loaded:
        Workspace.open(copy).load()
    assert str(edited.value) == str(loaded.value)
    assert str(edited.value).startswith("org/soa.yaml:3: ")


def test_a_file_changed_since_the_page_opened_is_not_overwritten(demo: Workspace) -> None:
    path = record_file(demo.org_dir, "soa", "A.2.2")
    opened = fingerprint(path)
    path.write_text(path.read_text(encoding="utf-8") + "# someone else's note\n", encoding="utf-8")
    theirs = path.read_bytes()
    with pytest.raises(InputError, match=r"^org/soa.yaml changed on disk since you opened it; reload the page$"):
        edit_soa_row(demo, opened, "A.2.2", {"status": "partial"})
    assert path.read_bytes() == theirs and leftovers(demo) == []


def test_adding_and_editing_a_risk(demo: Workspace) -> None:
    path = record_file(demo.org_dir, "risks")
    before = path.read_text(encoding="utf-8")
    risk = {"id": "R-100", "title": "Scores leak to claimants", "system": "claimsight", "likelihood": 2}
    save_risk(demo, fingerprint(path), {**risk, "impact": 4, "treatment": "mitigate", "controls": ["A.8.2"]})
    added = path.read_text(encoding="utf-8")
    assert added.startswith(before)  # everything before kept byte for byte; the new risk is appended
    assert "  - id: R-100\n    title: Scores leak to claimants\n" in added and "controls: [A.8.2]" in added
    assert [(str(t), int(n)) for t, n in demo.store.select(RISK, {"r": org_iri("risk", "R-100")})] == [
        ("Scores leak to claimants", 2)
    ]
    save_risk(demo, fingerprint(path), {"likelihood": 3, "controls": None}, editing="R-100")
    assert [int(n) for _, n in demo.store.select(RISK, {"r": org_iri("risk", "R-100")})] == [3]
    assert "controls" not in (record_values(demo.org_dir, "risks", "R-100") or {})
    with pytest.raises(InputError, match="'R-001' is already in risks: choose another id"):
        save_risk(demo, fingerprint(path), {"id": "R-001", "title": "Twice"})
    with pytest.raises(InputError, match=r"^org/risks.yaml:\d+: risks\[15\].treatment: 'ignore' is not one of"):
        save_risk(demo, fingerprint(path), {"treatment": "ignore"}, editing="R-100")
    assert comments(path.read_text(encoding="utf-8")) == comments(before)


def test_registering_a_document(demo: Workspace) -> None:
    path = record_file(demo.org_dir, "evidence")
    entry = {"id": "claims-sop", "title": "Claims SOP", "file": "documents/claims-sop.md", "kind": "procedure"}
    entry |= {"owner": "cmorales", "issued": date(2026, 5, 1), "review_interval": "P12M", "systems": ["claimsight"]}
    register_document(demo, fingerprint(path), entry)
    rows = demo.store.select(DOCUMENT, {"d": org_iri("evidence", "claims-sop")})
    assert [(str(kind), str(file)) for kind, file in rows] == [("procedure", "documents/claims-sop.md")]
    text = path.read_text(encoding="utf-8")
    assert re.search(
        r"  - id: claims-sop\n    title: Claims SOP\n.*\n.*\n    owner: cmorales\n    issued: 2026-05-01", text
    )
    with pytest.raises(
        InputError,
        match=r"^org/evidence.yaml:\d+: evidence\[\d+\].review_interval: 'yearly' is not an ISO 8601 duration",
    ):
        register_document(demo, fingerprint(path), {**entry, "id": "other", "review_interval": "yearly"})
    assert path.read_text(encoding="utf-8") == text


def test_csv_held_records_are_edited_by_hand_and_a_missing_table_gets_its_file(tmp_path: Path) -> None:
    workspace = Workspace.init(tmp_path / "ws")
    try:
        org = workspace.org_dir
        (org / "people.yaml").write_text("# who is who\npeople:\n  - {id: ann, name: Ann}\n", encoding="utf-8")
        (org / "soa.csv").write_text("control,applicable,owner\nA.2.2,true,ann\n", encoding="utf-8")
        workspace.load()
        with pytest.raises(InputError, match=r"^edit org/soa.csv by hand"):
            edit_soa_row(workspace, "", "A.2.2", {"status": "partial"})
        path = record_file(org, "risks")
        assert path == org / "risks.yaml" and fingerprint(path) == ""
        with pytest.raises(InputError, match="changed on disk"):
            save_risk(workspace, "stale", {"id": "R-1", "title": "First"})
        save_risk(workspace, "", {"id": "R-1", "title": "First", "owner": "ann"})
        assert path.read_text(encoding="utf-8") == "risks:\n  - id: R-1\n    title: First\n    owner: ann\n"
        assert workspace.store.select(RISK.replace(" ; aims:likelihood ?likelihood", ""), {"r": org_iri("risk", "R-1")})
    finally:
        workspace.close()


def test_saving_a_risk_as_the_form_shows_it_leaves_the_file_as_it_was(demo: Workspace) -> None:
    path = record_file(demo.org_dir, "risks", "R-001")
    before = path.read_text(encoding="utf-8")
    row = record_values(demo.org_dir, "risks", "R-001")
    assert row is not None and row["controls"] == ["A.7.4", "A.5.4", "A.6.2.4"] and row["likelihood"] == "3"
    save_risk(demo, fingerprint(path), row, editing="R-001")
    assert path.read_text(encoding="utf-8") == before
    save_risk(demo, fingerprint(path), {"description": "Labels skew referrals."}, editing="R-001")
    assert "    description: >-\n      Labels skew referrals.\n    system: claimsight\n" in path.read_text(
        encoding="utf-8"
    )
