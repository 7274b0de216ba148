"""Workspaces: init, finding the nearest one, syncing the store with org/, stats and the demo."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from aimsgraph.cli.demo import prepare_demo
from aimsgraph.errors import WorkspaceError
from aimsgraph.vocabulary.namespaces import GraphName
from aimsgraph.workspace import Workspace
from tests.conftest import run_cli


def test_init_makes_a_workspace_with_the_catalog(tmp_path: Path) -> None:
    result = run_cli("init", str(tmp_path / "ws"))
    assert result.exit_code == 0, result.stderr
    for name in ("aimsgraph.toml", "org", "documents"):
        assert (tmp_path / "ws" / name).exists()
    stats = json.loads(run_cli("-w", str(tmp_path / "ws"), "stats", "--format", "json").stdout)
    counts = {(row["section"], row["name"]): row["count"] for row in stats}
    assert counts[("class", "Control")] == 38 and counts[("class", "Clause")] == 43
    assert {name.value for name in GraphName} == {n for s, n in counts if s == "graph"}


def test_init_twice_is_an_error(tmp_path: Path) -> None:
    run_cli("init", str(tmp_path / "ws"))
    result = run_cli("init", str(tmp_path / "ws"))
    assert result.exit_code == 2 and "already a workspace" in result.stderr


def test_nearest_workspace_upward_is_found(mini_dir: Path) -> None:
    cwd = os.getcwd()
    try:
        os.chdir(mini_dir / "documents")
        assert Workspace.find().root == mini_dir.resolve()
    finally:
        os.chdir(cwd)


def test_missing_workspace_is_one_line(tmp_path: Path) -> None:
    result = run_cli("-w", str(tmp_path / "nowhere"), "stats")
    assert result.exit_code == 2 and "no such folder" in result.stderr
    with pytest.raises(WorkspaceError):
        Workspace.find(tmp_path)


def test_store_follows_edits_to_org_files(mini: Workspace) -> None:
    before = mini.store.count(GraphName.ORG)
    path = mini.org_dir / "org.yaml"
    path.write_text(path.read_text().replace("people:\n", "people:\n  - {id: new, name: New Person}\n"))
    mini.sync()
    assert mini.store.count(GraphName.ORG) > before


def test_demo_loads_and_stats_count_it(demo_dir: Path) -> None:
    stats = json.loads(run_cli("-w", str(demo_dir), "stats", "--format", "json").stdout)
    counts = {(row["section"], row["name"]): row["count"] for row in stats}
    assert counts[("class", "AISystem")] >= 3
    assert counts[("class", "Risk")] >= 12
    assert counts[("class", "ApplicabilityDecision")] == 38
    assert counts[("class", "Document")] >= 25


def test_demo_reload_changes_nothing(demo: Workspace) -> None:
    from rdflib.compare import to_isomorphic

    before = to_isomorphic(demo.store.graph(GraphName.ORG))
    demo.load()
    assert to_isomorphic(demo.store.graph(GraphName.ORG)) == before


def test_prepare_demo_copies_once_and_keeps_changes(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    workspace = prepare_demo(target)
    workspace.close()
    marker = target / "org" / "people.yaml"
    marker.write_text(marker.read_text() + "\n")
    workspace = prepare_demo(target)
    workspace.close()
    assert marker.read_text().endswith("\n\n")
    assert any((target / "documents").iterdir())
