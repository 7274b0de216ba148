"""Coverage that means what it says: applicability by role, stage and supplier, one figure everywhere, scope."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from aimsgraph.app.launch import WORKSPACE_ENV
from streamlit.testing import v1 as st_testing

from aimsgraph.coverage.matrix import STATUSES, coverage_matrix
from aimsgraph.vocabulary.resources import app_entry
from aimsgraph.workspace import Workspace
from tests.conftest import run_cli

DEVELOPMENT = ["A.6.2.2", "A.6.2.3", "A.6.2.4", "A.6.2.5", "A.6.2.7"]


def _json(*args: str) -> object:
    result = run_cli(*args)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def test_a_used_only_system_has_no_development_controls(demo_dir: Path) -> None:
    data = _json("-w", str(demo_dir), "export", "coverage", "--format", "json")
    cells = {(c["requirement"], c["system"]): c for c in data["cells"]}  # type: ignore[index]
    for requirement in DEVELOPMENT:
        cell = cells[(requirement, "halden-assist")]
        assert cell["status"] == "not-applicable", (requirement, cell)
        assert "AI customer" in cell["reason"] and "AI producer" in cell["reason"]
        assert cells[(requirement, "claimsight")]["status"] != "not-applicable"  # built in-house
    assert cells[("A.10.3", "claimsight")]["status"] == "not-applicable"  # no supplier
    assert "supplier" in cells[("A.10.3", "claimsight")]["reason"]
    assert cells[("A.5.5", "halden-assist")]["status"] == "excluded" and "SoA" in cells[("A.5.5", None)]["reason"]


def test_the_demo_shows_every_kind_of_cell(demo: Workspace) -> None:
    matrix = coverage_matrix(demo.store)
    seen = {cell.status for cell in matrix.cells.values()}
    assert seen == set(STATUSES)
    assert all(c.reason for c in matrix.cells.values() if c.status in ("not-applicable", "excluded"))


def _overview_figure(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(WORKSPACE_ENV, str(demo_dir))
    app = st_testing.AppTest.from_file(str(app_entry()), default_timeout=90).run()
    assert not app.exception
    return str({m.label: m.value for m in app.metric}["Covered / applicable"])


def test_one_figure_per_scope_everywhere(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Overview, validate, stats, exports and the saved query give the same covered / applicable per scope."""
    workspace = Workspace.open(demo_dir)
    try:
        workspace.sync()
        expected = {f.scope: (f.covered, f.applicable) for f in coverage_matrix(workspace.store).figures()}
    finally:
        workspace.close()
    assert set(expected) == {"organisation", "claimsight", "halden-assist", "scrivo-intake"}
    assert len(set(expected.values())) > 1  # the scopes differ, so agreeing is not an accident
    stats = _json("-w", str(demo_dir), "stats", "--format", "json")
    by_name = {row["name"]: row["count"] for row in stats if row["section"] == "coverage"}  # type: ignore[union-attr]
    assert {s: (by_name[f"{s}: covered"], by_name[f"{s}: applicable"]) for s in expected} == expected
    data = _json("-w", str(demo_dir), "export", "coverage", "--format", "json")
    figures = {f["scope"]: (f["covered"], f["applicable"]) for f in data["figures"]}  # type: ignore[index]
    assert figures == expected
    rows = list(csv.reader(io.StringIO(run_cli("-w", str(demo_dir), "export", "coverage", "--format", "csv").stdout)))
    header, last = rows[0], rows[-1]
    assert last[0] == "coverage"
    for scope, (covered, applicable) in expected.items():
        assert last[header.index(scope)].startswith(f"{covered}/{applicable} ")
    query = _json("-w", str(demo_dir), "query", "coverage-by-scope", "--format", "json")
    bindings = query["results"]["bindings"]  # type: ignore[index]
    saved = {b["scope"]["value"]: (int(b["covered"]["value"]), int(b["applicable"]["value"])) for b in bindings}
    assert saved == expected
    report = _json("-w", str(demo_dir), "validate", "--format", "json")
    assert {f["scope"]: (f["covered"], f["applicable"]) for f in report["coverage"]} == expected  # type: ignore[index]
    text = run_cli("-w", str(demo_dir), "validate").stdout
    covered, applicable = expected["organisation"]
    assert f"Coverage: organisation {covered}/{applicable} (" in text.splitlines()[1]
    assert _overview_figure(demo_dir, monkeypatch) == f"{covered} / {applicable}"


def test_accepting_takes_a_scope(suggested_demo_dir: Path) -> None:
    listed = _json("-w", str(suggested_demo_dir), "review", "--format", "json")
    pick = listed[0]["id"]  # type: ignore[index]
    bad = run_cli("-w", str(suggested_demo_dir), "review", "--accept", pick, "--systems", "no-such-system")
    assert bad.exit_code == 2 and len(bad.stderr.strip().splitlines()) == 1
    assert "no-such-system" in bad.stderr and "halden-assist" in bad.stderr
    ok = run_cli("-w", str(suggested_demo_dir), "review", "--accept", pick, "--systems", "halden-assist")
    assert ok.exit_code == 0, ok.output
    workspace = Workspace.open(suggested_demo_dir)
    try:
        rows = workspace.store.values(
            "SELECT ?sys WHERE { ?link aims:id ?id ; aims:forSystem ?s . ?s aims:id ?sys }",
            {"id": _literal(f"review.{pick}")},
        )
    finally:
        workspace.close()
    assert [r[0] for r in rows] == ["halden-assist"]


def _literal(text: str) -> object:
    from rdflib import Literal

    return Literal(text)


def test_all_systems_evidence_counts_for_every_system(demo: Workspace) -> None:
    # The life-cycle procedure names ClaimSight only, so it covers 8.1 for ClaimSight and the organisation alone.
    before = coverage_matrix(demo.store)
    assert before.cell("8.1", "scrivo-intake").status == "missing" and before.cell("8.1").status == "covered"
    register = demo.org_dir / "evidence.yaml"
    text = register.read_text(encoding="utf-8")
    entry = "  - id: ai-lifecycle-procedure\n"
    assert entry in text
    register.write_text(text.replace(entry, entry + "    all_systems: true\n"), encoding="utf-8")
    demo.load()
    after = coverage_matrix(demo.store)
    assert after.cell("8.1", "scrivo-intake").status == "covered"
    assert after.cell("8.1", "halden-assist").status == "covered"


def test_an_own_rule_naming_an_unknown_requirement_is_refused(demo_dir: Path) -> None:
    rule = (
        "@prefix aims: <https://w3id.org/aimsgraph/ns#> .\n"
        "<urn:aims:rule:ours> a aims:ApplicabilityRule ;\n"
        "  aims:governs <https://w3id.org/aimsgraph/iso42001/A.99> .\n"
    )
    (demo_dir / "org" / "rules.ttl").write_text(rule, encoding="utf-8")
    result = run_cli("-w", str(demo_dir), "load")
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "org/rules.ttl" in result.stderr and "unknown requirement" in result.stderr


def test_the_docs_table_is_the_ontologys() -> None:
    from aimsgraph.coverage.applicability import rules_markdown

    page = (Path(__file__).resolve().parents[1] / "docs" / "validation.md").read_text(encoding="utf-8")
    start, end = "<!-- applicability: generated -->\n", "<!-- applicability: end -->"
    shown = page[page.index(start) + len(start) : page.index(end)]
    assert shown == rules_markdown(), "run: python -m aimsgraph.coverage.applicability, paste into docs/validation.md"
