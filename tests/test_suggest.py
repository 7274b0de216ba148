"""Suggest: the stateless JSON contract (with the packaged model) and the BM25-only path with one notice line."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from aimsgraph.workspace import Workspace
from tests.conftest import DEMO, pending_rows, run_cli, set_model


def test_stateless_json_contract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # not a workspace
    files = [str(DEMO / "documents" / "monitoring-event-log-procedure.md"), str(DEMO / "documents" / "ai-policy.pdf")]
    result = run_cli("suggest", *files, "--top-k", "4", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert all(set(r) == {"document", "requirement", "score", "rank", "passage"} for r in rows)
    for name in files:
        assert [r["rank"] for r in rows if r["document"] == name] == [1, 2, 3, 4]
    logging = [r["requirement"] for r in rows if r["document"] == files[0]]
    assert "A.6.2.8" in logging  # the event-log procedure is about event logs
    assert "notice" not in result.stderr


def test_stateless_relative_path_is_reported_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "p.md").write_text("# AI policy\n\nTop management sets the AI policy and its objectives.\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(
        "aimsgraph.suggest.embedding._noticed", set()
    )  # notices print once per process, as a CLI run is
    result = run_cli("suggest", "p.md", "--top-k", "2", "--format", "json", "--model", "none")
    rows = json.loads(result.stdout)
    assert [r["document"] for r in rows] == ["p.md", "p.md"]
    assert result.stderr.count("notice") == 1


def test_workspace_without_model_ranks_with_bm25_and_one_notice(mini_dir: Path) -> None:
    set_model(mini_dir, "none")
    assert run_cli("-w", str(mini_dir), "ingest").exit_code == 0
    result = run_cli("-w", str(mini_dir), "suggest", "--top-k", "3", "--format", "json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert {r["method"] for r in rows} == {"lexical"}
    assert len([line for line in result.stderr.splitlines() if "notice" in line]) <= 1
    assert all(r["matched_terms"] for r in rows)
    assert {r["rank"] for r in rows} == {1, 2, 3}


def test_unknown_model_falls_back_to_bm25(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", os.environ.get("HF_HUB_OFFLINE", "1"))
    (tmp_path / "p.md").write_text("# Logs\n\nWe keep event logs of every inference request.\n")
    result = run_cli("suggest", str(tmp_path / "p.md"), "--format", "json", "--model", str(tmp_path / "no-model"))
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 5
    assert result.stderr.count("BM25 alone") == 1


@pytest.mark.slow
def test_demo_opens_with_a_review_queue_made_once(tmp_path: Path) -> None:
    from aimsgraph.cli.demo import prepare_demo
    from aimsgraph.suggest.review import accept_suggestions
    from aimsgraph.suggest.suggestions import by_document, pending_suggestions

    workspace = prepare_demo(tmp_path / "demo")
    try:
        queue = pending_suggestions(workspace.store)
        grouped = by_document(queue)
        assert len(grouped) >= 20 and all(1 <= len(v) <= 5 for v in grouped.values())
        provenance = [v.requirement for v in grouped["data-provenance-claimsight"]]
        assert any(r.startswith("A.7.") for r in provenance)  # a data record is matched to the data controls
        assert accept_suggestions(workspace, [queue[0].id], "hwebb") == 1
    finally:
        workspace.close()
    workspace = prepare_demo(tmp_path / "demo")  # reused: not ingested or suggested again
    try:
        assert {v.id for v in pending_suggestions(workspace.store)} == {v.id for v in queue[1:]}
    finally:
        workspace.close()


def _ranked(workspace_dir: Path) -> list[dict[str, Any]]:
    """The pending suggestions for the triage impact assessment, by rank."""
    return sorted(pending_rows(workspace_dir, "--document", "ia-triage"), key=lambda row: int(row["rank"]))


def _decide_then_revise(workspace_dir: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Suggest for the triage impact assessment, accept its fifth suggestion and reject its first, add a sentence
    to the document (a new version), ingest and suggest again: (the first suggestions, the new version's)."""
    assert run_cli("-w", str(workspace_dir), "ingest").exit_code == 0
    assert run_cli("-w", str(workspace_dir), "suggest", "--top-k", "5").exit_code == 0
    first = _ranked(workspace_dir)
    for decision, row in (("--accept", first[-1]), ("--reject", first[0])):
        assert run_cli("-w", str(workspace_dir), "review", decision, row["id"], "--reviewer", "jdoe").exit_code == 0
    document = workspace_dir / "documents" / "ia-triage.md"
    document.write_text(document.read_text(encoding="utf-8") + "\nReviewed again in March.\n", encoding="utf-8")
    assert run_cli("-w", str(workspace_dir), "ingest").exit_code == 0
    assert run_cli("-w", str(workspace_dir), "suggest", "--top-k", "5").exit_code == 0
    return first, _ranked(workspace_dir)


def test_without_learning_a_new_version_gets_last_times_suggestions_again(mini_dir: Path) -> None:
    config = mini_dir / "aimsgraph.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n[suggest]\nlearn = false\n", encoding="utf-8")
    first, again = _decide_then_revise(mini_dir)
    assert again[0]["requirement"] == first[0]["requirement"] and not any(row["learnt_from"] for row in again)


def test_learn_must_be_a_boolean(mini_dir: Path) -> None:
    config = mini_dir / "aimsgraph.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[suggest]\nlearn = "no"\n', encoding="utf-8")
    result = run_cli("-w", str(mini_dir), "suggest")
    assert result.exit_code == 2 and "suggest.learn" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_new_version_starts_from_last_times_decisions(mini_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Accepted and rejected passages teach the ranking: the next version of the document (one sentence added) has
    the requirement accepted for the old one first and the one rejected gone, though no decision was about it."""
    first, again = _decide_then_revise(mini_dir)
    accepted, rejected = first[-1], first[0]  # the fifth is accepted, the first rejected
    assert again[0]["requirement"] == accepted["requirement"] and again[0]["id"] != accepted["id"]  # new version
    assert again[0]["learnt_from"] == ["ia-triage"] and not any(row["learnt_from"] for row in again[1:])  # why
    assert rejected["requirement"] not in {row["requirement"] for row in again}
    workspace = Workspace.open(mini_dir)
    runs = workspace.store.select(
        "SELECT ?n WHERE { GRAPH ?g { ?run aims:reviewedExamples ?n ; prov:startedAtTime ?t } } ORDER BY ?t"
    )
    workspace.close()
    assert [int(n) for (n,) in runs] == [4, 6]  # the register's 4 links by hand, then the two decisions as well

    from aimsgraph.app.launch import WORKSPACE_ENV
    from streamlit.testing.v1 import AppTest

    from aimsgraph.vocabulary.resources import app_entry

    monkeypatch.setenv(WORKSPACE_ENV, str(mini_dir))
    app = AppTest.from_file(str(app_entry()), default_timeout=60).run()
    app.switch_page("app_pages/suggestions.py").run()
    captions = [c.value for c in app.caption]
    assert any(c.startswith("Last suggested") and "learnt from 6 earlier decisions" in c for c in captions)
    assert sum("Ranked up: nearly the same text was linked to it before (ia-triage)" in c for c in captions) == 1


def test_learning_counts_only_near_copies_of_what_was_decided() -> None:
    from aimsgraph.suggest.ranking import Example, unit_mean
    from aimsgraph.suggest.suggestions import make_ranker

    ranker = make_ranker()
    text = ["Every model release is approved by the release board after the validation report is signed."]

    def ranking() -> list[str]:
        return [m.requirement for m in ranker.rank_document(text, ranker.embed(text), len(ranker.ids))]

    plain = ranking()
    near_copy = unit_mean(ranker.embed([text[0] + " Approvals are filed."]))  # type: ignore[arg-type]
    unrelated = unit_mean(ranker.embed(["The canteen opens at eight and closes after lunch."]))  # type: ignore[arg-type]
    assert ranker.learn([Example(plain[4], unrelated), Example(plain[0], unrelated, accepted=False)]) == 2
    assert ranking() == plain  # an example unlike the text teaches nothing about it
    ranker.learn([Example(plain[4], near_copy), Example(plain[0], near_copy, accepted=False)])
    learnt = ranking()
    assert learnt[0] == plain[4] and learnt.index(plain[0]) >= 3  # accepted fifth -> first; rejected first -> down
    ranker.learn([])
    assert ranking() == plain

    # At similarity 0.85 a passage teaches something; a whole document's mean vector needs 0.9 (means are smoother).
    own = ranker.embed(text)[0]  # type: ignore[index]
    away = unrelated - float(unrelated @ own) * own
    at_085 = (0.85 * own + math.sqrt(1 - 0.85**2) * away / np.linalg.norm(away)).astype(np.float32)

    def score_of(requirement: str) -> float:
        return next(
            m.score for m in ranker.rank_document(text, own[None, :], len(ranker.ids)) if m.requirement == requirement
        )

    before = score_of(plain[4])
    ranker.learn([Example(plain[4], at_085, whole_document=True)])
    assert score_of(plain[4]) == before
    ranker.learn([Example(plain[4], at_085)])
    assert score_of(plain[4]) > before
