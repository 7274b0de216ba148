"""The explorer under streamlit.testing.v1.AppTest: every page renders on a copy of the demo workspace."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aimsgraph.app.launch import WORKSPACE_ENV

from aimsgraph.vocabulary.resources import app_entry
from aimsgraph.workspace import Workspace

st_testing = pytest.importorskip("streamlit.testing.v1")
PAGES = [
    "overview",
    "requirements",
    "systems",
    "gaps",
    "crosswalk",
    "suggestions",
    "documents",
    "graph",
    "sparql",
    "exports",
]


@pytest.fixture
def app(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> st_testing.AppTest:
    monkeypatch.setenv(WORKSPACE_ENV, str(demo_dir))
    test = st_testing.AppTest.from_file(str(app_entry()), default_timeout=60)
    test.run()
    return test


def test_every_page_renders(app: st_testing.AppTest) -> None:
    for page in PAGES:
        app.switch_page(f"app_pages/{page}.py").run()
        assert not app.exception, (page, [e.value for e in app.exception])
        assert app.title[0].value, page


def test_missing_workspace_is_a_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WORKSPACE_ENV, str(tmp_path / "nowhere"))
    test = st_testing.AppTest.from_file(str(app_entry()), default_timeout=30).run()
    assert not test.exception
    assert "no such folder" in test.error[0].value


def test_sparql_update_is_refused(app: st_testing.AppTest) -> None:
    app.switch_page("app_pages/sparql.py").run()
    assert not app.error and "3 rows" in [c.value for c in app.caption]  # the default query, in a query child
    app.text_area(key="sparql_text").set_value("DELETE WHERE { ?s ?p ?o }")
    app.button(key="sparql_run").click().run()
    assert not app.exception
    assert "not run" in app.error[0].value


def missing_with_suggestion(folder: Path) -> str:
    """A requirement the demo does not cover yet and that has a pending suggestion."""
    return missing_suggestions(folder)[0]


def missing_suggestions(folder: Path) -> tuple[str, list[str], list[str]]:
    """A requirement the demo does not cover yet, the ids of its pending suggestions best first, and their passages."""
    from aimsgraph.coverage.matrix import coverage_matrix
    from aimsgraph.suggest.suggestions import pending_suggestions
    from aimsgraph.workspace import Workspace

    workspace = Workspace.open(folder)
    try:
        matrix = coverage_matrix(workspace.store)
        pending = pending_suggestions(workspace.store)
        requirement = next(s.requirement for s in pending if matrix.cell(s.requirement).status == "missing")
        mine = sorted((s for s in pending if s.requirement == requirement), key=lambda s: (-s.score, s.id))
        return requirement, [s.id for s in mine], [s.passage_text for s in mine]
    finally:
        workspace.close()


def coverage_figures(app: st_testing.AppTest) -> tuple[str, str]:
    """The Overview's organisation figure and 'Without evidence' (accepting design evidence for a control moves it
    from missing to design-only, so the second changes even when the first does not)."""
    figures = {m.label: m.value for m in app.metric}
    return figures["Covered / applicable"], figures["Without evidence"]


def test_accepting_a_suggestion_changes_coverage(suggested_demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    requirement, ids, texts = missing_suggestions(suggested_demo_dir)
    monkeypatch.setenv(WORKSPACE_ENV, str(suggested_demo_dir))
    app = st_testing.AppTest.from_file(str(app_entry()), default_timeout=60).run()
    before = coverage_figures(app)
    app.switch_page("app_pages/suggestions.py").run()
    last_run = next(c.value for c in app.caption if c.value.startswith("Last suggested"))
    assert "BM25 (bm25s)" in last_run and "learnt from no earlier decisions" in last_run  # the fixture has no model
    app.selectbox(key="sugg_req").set_value(requirement).run()
    box = app.selectbox(key="reviewer")  # the known people, starting at the workspace's [user] person
    assert box.value == "pnair" and "hwebb" in box.options and "analyst" not in box.options
    box.set_value("hwebb").run()
    app.checkbox(key=f"sugg_pick_{ids[0]}").check().run()  # keyed by suggestion id, not by position
    app.text_input(key="sugg_comment").set_value("seen in the signed copy").run()
    app.button(key="sugg_accept").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    assert "Accepted 1" in app.success[0].value
    assert app.text_input(key="sugg_comment").value == ""  # the note went with that decision
    app.switch_page("app_pages/overview.py").run()
    assert coverage_figures(app) != before
    app.switch_page("app_pages/requirements.py").run()
    app.selectbox(key="req_choice").set_value(requirement).run()
    reviewed = [m.value for m in app.markdown if "reviewed by hwebb" in m.value]  # one card per evidence link
    assert reviewed and "documents?id=" in reviewed[0]
    words = texts[0].split()[:4]  # the accepted passage's text is shown, not its IRI (Markdown-escaped)
    assert any(all(w.strip(".,:;()") in c.value for w in words) for c in app.caption), words
    import streamlit as st

    from tests.conftest import run_cli

    st.cache_resource.clear()  # the explorer lets go of the store, as quitting it would
    reviews = run_cli("-w", str(suggested_demo_dir), "query", "reviews", "--format", "csv").stdout
    assert "seen in the signed copy" in reviews


def test_uploads_stay_inside_documents_and_refuse_bad_files(tmp_path: Path) -> None:
    from aimsgraph.app.uploads import save_upload

    from aimsgraph.errors import InputError

    documents = tmp_path / "documents"
    stored = save_upload(documents, "../../etc/pass wd.md", b"# hi\n\nA line of text.\n")
    assert stored == (documents / "pass-wd.md").resolve()
    assert not (tmp_path / "etc").exists()
    with pytest.raises(InputError, match="too large"):
        save_upload(documents, "big.pdf", b"x" * 11, max_bytes=10)
    with pytest.raises(InputError, match="unknown type"):
        save_upload(documents, "tool.exe", b"MZ")
    with pytest.raises(InputError, match=r"^broken.pdf: cannot be read \(.+\): nothing was stored"):
        save_upload(documents, "broken.pdf", b"%PDF-1.4 not really a pdf")
    assert sorted(p.name for p in documents.iterdir()) == ["pass-wd.md"]  # nothing left of the refused ones


def test_app_command_line(tmp_path: Path) -> None:
    from aimsgraph.app.launch import explorer_command

    from tests.conftest import run_cli

    command = explorer_command(tmp_path, 8599)
    assert command[command.index("--server.address") + 1] == "127.0.0.1"
    assert command[-2:] == ["--workspace", str(tmp_path.resolve())]
    result = run_cli("-w", str(tmp_path / "missing"), "app", "--no-browser")
    assert result.exit_code == 2 and "no such folder" in result.stderr


def drawn_nodes(app: st_testing.AppTest) -> list[str]:
    """The node IRIs of the Graph page's figure (its points' customdata), as the browser gets them."""
    spec = json.loads(app.get("plotly_chart")[0].proto.spec)
    return [n for trace in spec["data"] for n in trace.get("customdata", [])]


def test_clicking_a_graph_node_expands_it(app: st_testing.AppTest) -> None:
    from aimsgraph.app import state

    app.switch_page("app_pages/graph.py").run()
    before = drawn_nodes(app)
    risk = next(n for n in before if n.startswith("urn:aims:risk:"))
    # What the browser sends when a node point is clicked (a plotly selection carrying the point's customdata).
    chart = f"graph_chart_{app.session_state[state.GRAPH_ROUND]}"
    app.session_state[chart] = {"selection": {"points": [{"curve_number": 1, "customdata": risk}]}}
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.session_state[state.GRAPH_FOCUS][-1] == risk
    after = drawn_nodes(app)
    assert set(before) < set(after)
    app.button(key="graph_reset").click().run()
    assert drawn_nodes(app) == before


def test_expanding_keeps_only_the_last_nodes() -> None:
    from aimsgraph.app.network import MAX_EXPANDED, grow

    expanded = ["start"]
    for index in range(MAX_EXPANDED + 3):
        expanded = grow(expanded, f"n{index}")
    assert len(expanded) == MAX_EXPANDED and expanded[-1] == f"n{MAX_EXPANDED + 2}"
    assert grow(expanded, expanded[0]) == expanded  # a node already expanded is not added twice


def synced_figures(folder: Path) -> tuple[Any, Any]:
    """The coverage matrix and validation report of a workspace with its YAML loaded, as the app computes them on
    opening it (store closed after)."""
    from aimsgraph.coverage.matrix import coverage_matrix
    from aimsgraph.rules.validation import validate_workspace

    workspace = Workspace.open(folder)
    try:
        workspace.sync()
        return coverage_matrix(workspace.store), validate_workspace(workspace, record=False)
    finally:
        workspace.close()


def test_overview_figures_agree_with_the_library(demo_dir: Path) -> None:
    from collections import Counter

    from aimsgraph.app.overview_data import STATUSES, overview_figures

    matrix, report = synced_figures(demo_dir)
    figures = overview_figures(matrix, report)
    found = Counter(f.severity for f in report.findings)
    assert figures.severities == {s: found[s] for s in ("violation", "warning", "info")} and found["violation"]
    groups = matrix.group_summary()
    assert (figures.covered, figures.required) == (sum(g.covered for g in groups), sum(g.required for g in groups))
    for group in groups:  # each bar adds up to the group's required leaves, covered ones first
        bars = {row["status"]: row["requirements"] for row in figures.groups if row["group"] == group.group}
        assert bars.get("covered", 0) == group.covered
        assert sum(bars.get(s, 0) for s in STATUSES) == group.required
    assert figures.systems[0] == "organisation" and set(figures.systems[1:]) == set(matrix.systems) != set()
    assert {row["system"] for row in figures.heatmap} == set(figures.systems)


def test_the_overview_draws_the_library_figures(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The page's SVG charts carry every group's covered count and one heatmap cell per group and scope."""
    import re

    from aimsgraph.app.overview_data import overview_figures

    matrix, report = synced_figures(demo_dir)
    groups, heatmap = matrix.group_summary(), overview_figures(matrix, report).heatmap
    monkeypatch.setenv(WORKSPACE_ENV, str(demo_dir))  # the app opens the store only now: one process at a time
    app = st_testing.AppTest.from_file(str(app_entry()), default_timeout=60).run()
    markup = " ".join(m.value for m in app.markdown if "<svg" in m.value)
    for group in groups:
        if group.covered:
            assert re.search(  # the segment's title names the requirements it counts after the figure
                rf"<title>{re.escape(group.group)} [^<]*: {group.covered} of {group.required} leaf "
                rf"requirements covered: {re.escape(group.group)}[.0-9]*[,<]",
                markup,
            ), group.group
    cells = re.findall(r"<title>[^<]* / [^<]*: \d+ of \d+ covered \(\d+ %\)</title>", markup)
    assert len(cells) == len(heatmap) > len(groups)


def test_a_treatment_is_labelled_as_its_risks_treatment(demo: Workspace) -> None:
    from aimsgraph.app import facts

    risk = "urn:aims:risk:R-001"
    edges = facts.neighbours(demo.store, risk, 50)
    treatment = next(label for _, predicate, _, label in edges if predicate == "treatment")
    assert treatment.startswith("treatment:R-001")
    system = facts.neighbours(demo.store, "urn:aims:system:claimsight", 50)
    assert "operation" in {label for _, predicate, _, label in system if predicate == "lifecycleStage"}
    assert facts.node_label(demo.store, risk).startswith("R-001 ")


@pytest.mark.slow
def test_the_server_says_when_the_first_page_is_prepared(demo_dir: Path) -> None:
    from aimsgraph.app.launch import start_explorer

    explorer = start_explorer(demo_dir, quiet=True)
    try:
        assert explorer.ready_file is not None and not explorer.ready_file.exists()
        explorer.wait_ready(120)
        assert explorer.ready_file.exists(), "the warm-up thread never reported the server ready"
    finally:
        explorer.stop()
    assert not explorer.ready_file.exists()  # stop() cleans up after the server


def test_the_shipped_favicon_is_our_drawing() -> None:
    from aimsgraph.app.icon import FAVICON, SIZE, draw_icon
    from PIL import Image, ImageChops

    shipped = Image.open(FAVICON).convert("RGBA")
    assert shipped.size == (SIZE, SIZE)
    difference = ImageChops.difference(shipped, draw_icon()).getextrema()
    assert max(high for _low, high in difference) <= 2, "run: python -m aimsgraph.app.icon > app/favicon.png"


def test_risk_heatmap_names_the_risk_threshold(app: st_testing.AppTest) -> None:
    app.switch_page("app_pages/systems.py").run()
    assert not app.exception
    threshold = next(c.value for c in app.caption if "risk threshold" in c.value)
    assert "risk threshold 12" in threshold  # org/organization.yaml sets it


def test_a_findings_focus_links_to_its_page(app: st_testing.AppTest) -> None:
    app.switch_page("app_pages/gaps.py").run()
    cards = [m.value for m in app.markdown if "-badge[" in m.value]
    assert any('href="risks?id=R-006"' in c for c in cards)  # the demo's risk without controls
    assert any('href="documents?id=speak-up-procedure"' in c for c in cards)  # its changed file


def test_status_per_scope_says_a_leafs_status_once_and_a_parents_roll_up(app: st_testing.AppTest) -> None:
    app.switch_page("app_pages/requirements.py").run()
    app.selectbox(key="req_choice").set_value("5.2").run()
    assert list(app.dataframe[0].value.columns) == ["scope", "status", "why"]
    app.selectbox(key="req_choice").set_value("5").run()
    parent = app.dataframe[0].value
    assert "summary" in parent.columns and parent["summary"].str.contains(" of ").all()


def test_expanding_the_graph_keeps_drawn_nodes_where_they_were() -> None:
    from aimsgraph.app.network import layout

    first_edges = [("s", "owner", "p"), ("s", "hasRisk", "r"), ("d", "appliesTo", "s")]
    first = layout(["s", "p", "r", "d"], first_edges)
    assert layout(["s", "p", "r", "d"], first_edges) == first  # the same drawing on every rerun
    grown = [*first_edges, ("r", "treatment", "t"), ("r", "owner", "q")]
    second = layout(["s", "p", "r", "d", "t", "q"], grown, first)
    assert {n: second[n] for n in first} == first
    assert all(abs(second[n][0]) < 10 and abs(second[n][1]) < 10 for n in ("t", "q"))
    assert second["t"] != second["q"]
