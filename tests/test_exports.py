"""Audit exports on the demo: coverage in five formats, SoA, graph, OSCAL (loaded by compliance-trestle)."""

from __future__ import annotations

import csv
import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from rdflib import Dataset, Graph

from tests.conftest import run_cli

AS_OF = "2026-11-23"


def _export(demo_dir: Path, *args: str) -> str:
    dated = ("--as-of", AS_OF) if args[0] != "graph" else ()
    result = run_cli("-w", str(demo_dir), "export", *args, *dated)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_coverage_csv_json_markdown_html(demo_dir: Path, tmp_path: Path) -> None:
    rows = list(csv.reader(_export(demo_dir, "coverage", "--format", "csv").splitlines()))
    assert rows[0] == [
        "id",
        "kind",
        "title",
        "objective",
        "organisation",
        "claimsight",
        "halden-assist",
        "scrivo-intake",
    ]
    by_id = {r[0]: r for r in rows[1:]}
    assert len(by_id) == 82  # 81 clauses and controls, then the coverage figure of each scope
    assert by_id["A.7.5"][4] == "stale: data-provenance-claimsight"
    assert by_id["A.4.4"][4] == "missing" and by_id["A.5.5"][4].startswith("excluded: excluded in the SoA")
    halden = rows[0].index("halden-assist")
    assert by_id["A.6.2.2"][halden].startswith("not-applicable: ") and "AI customer" in by_id["A.6.2.2"][halden]
    assert by_id["coverage"][4] == "63/67 (94%)"
    assert by_id["A.8.4"][4].startswith("design-only")
    data = json.loads(_export(demo_dir, "coverage", "--format", "json"))
    assert data["as_of"] == AS_OF and len(data["soa"]) == 38 and data["findings"]
    assert {f["rule"] for f in data["findings"]} >= {"control-evidence", "evidence-stale"}
    assert "| A.4.4 | control |" in _export(demo_dir, "coverage", "--format", "markdown")
    out = tmp_path / "coverage.html"
    _export(demo_dir, "coverage", "-o", str(out))
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and 'class="missing"' in page
    assert "<script" not in page and "http" not in page.split("<body>")[1]


def test_soa_rows(demo_dir: Path) -> None:
    rows = {r["control"]: r for r in json.loads(_export(demo_dir, "soa", "--format", "json"))}
    assert len(rows) == 38
    assert rows["A.5.5"]["applicable"] == "no" and rows["A.5.5"]["justification"] == ""
    assert rows["A.7.4"]["risks"].startswith("R-001") and rows["A.7.4"]["owner"]
    assert rows["A.4.6"]["owner"] == "" and rows["A.2.2"]["last review"] == "2026-09-17"


def test_xlsx_workbook_and_libreoffice(demo_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "coverage.xlsx"
    _export(demo_dir, "coverage", "-o", str(out))
    book = load_workbook(out)
    assert book.sheetnames == ["Matrix", "SoA", "Findings", "Evidence register"]
    matrix = book["Matrix"]
    assert matrix.freeze_panes == "E2" and matrix.auto_filter.ref == "A1:H83"
    rows = [row for row in matrix.iter_rows(min_row=2) if row[0].value != "coverage"]
    colours = {row[4].value.split(":")[0]: row[4].fill.start_color.rgb for row in rows}
    assert len(set(colours.values())) == 5
    register = {row[0].value: row for row in book["Evidence register"].iter_rows(min_row=2)}
    assert len(register["ai-policy"][11].value) == 64 and register["ai-policy"][8].value == "2027-02-03"
    assert book["Findings"].max_row > 10
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir",
         str(tmp_path), str(out)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    assert (tmp_path / "coverage.pdf").stat().st_size > 1000


def test_oscal_results_and_the_plan_they_import_load_in_trestle(demo_dir: Path, tmp_path: Path) -> None:
    from trestle.core import validator_factory  # noqa: F401  (imported first: trestle's validators import in a cycle)
    from trestle.core.all_validator import AllValidator
    from trestle.oscal.assessment_plan import AssessmentPlan
    from trestle.oscal.assessment_results import AssessmentResults

    out = tmp_path / "results.json"
    _export(demo_dir, "oscal", "-o", str(out))
    results = AssessmentResults.oscal_read(out)
    assert results is not None
    plan_file = out.parent / results.import_ap.href
    assert plan_file.name == "results-plan.json" and plan_file.is_file()  # a relative href that resolves
    plan = AssessmentPlan.oscal_read(plan_file)
    assert plan is not None
    assert AllValidator().model_is_valid(plan, True, None) and AllValidator().model_is_valid(results, True, None)
    resources = {r.uuid for r in plan.back_matter.resources}
    assert plan.import_ssp.href.startswith("#") and plan.import_ssp.href[1:] in resources
    objectives = {part.id for o in plan.local_definitions.objectives_and_methods for part in o.parts}
    result = results.results[0]
    findings = {f.target.target_id: f for f in result.findings}
    assert set(findings) == objectives  # every finding targets an objective the plan defines
    state = {t: f.target.status.state.value for t, f in findings.items()}
    assert state["clause-6.3_obj"] == "not-satisfied" and state["A.2.2_obj"] == "satisfied"
    assert state["clause-4_obj"] == "satisfied"  # a parent clause, covered through its sub-clauses
    assert findings["A.8.4_obj"].target.status.reason == "design-only"
    assert "Only design evidence" in (findings["A.8.4_obj"].target.status.remarks or "")
    observations = {o.uuid for o in result.observations}
    for target, finding in findings.items():
        if state[target] == "satisfied":  # never satisfied without evidence it can point to
            related = finding.related_observations or []
            assert related and {r.observation_uuid for r in related} <= observations, target
            assert "No accepted evidence" not in finding.description
    for document in (plan, result):  # excluded in the SoA: not assessed, and said so
        excluded = document.reviewed_controls.control_selections[0].exclude_controls
        assert "A.5.5" in {c.control_id for c in excluded}
    assert "A.5.5_obj" not in findings


def test_graph_exports(demo_dir: Path, tmp_path: Path) -> None:
    org = Graph().parse(data=_export(demo_dir, "graph", "--graph", "org", "--format", "turtle"), format="turtle")
    assert len(org) > 500
    out = tmp_path / "all.nq"
    _export(demo_dir, "graph", "-o", str(out))
    dataset = Dataset()
    dataset.parse(out, format="nquads")
    assert {str(g.identifier) for g in dataset.graphs() if len(g)} >= {"urn:aims:graph:catalog", "urn:aims:graph:org"}
    trig = Dataset().parse(data=_export(demo_dir, "graph", "--format", "trig"), format="trig")
    assert sum(len(g) for g in trig.graphs()) == sum(len(g) for g in dataset.graphs())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["coverage", "-o", "no/such/folder/c.xlsx"], "folder does not exist"),
        (["coverage", "--format", "xlsx"], "needs -o"),
        (["graph", "--format", "turtle"], "several graphs"),
        (["graph", "--graph", "nope", "--format", "turtle"], "unknown graph"),
        (["oscal", "--format", "xlsx"], "no format"),
        (["oscal"], "give -o FILE.json"),
    ],
)
def test_bad_exports_exit_2_and_write_nothing(demo_dir: Path, args: list[str], message: str) -> None:
    result = run_cli("-w", str(demo_dir), "export", *args)
    assert result.exit_code == 2 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not list(demo_dir.glob("*.tmp")) and not (demo_dir / "no").exists()


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_exports_get_normal_permissions(demo_dir: Path, tmp_path: Path, umask: int, mode: int) -> None:
    previous = os.umask(umask)
    try:
        out = tmp_path / "soa.csv"
        _export(demo_dir, "soa", "-o", str(out))
    finally:
        os.umask(previous)
    assert stat.S_IMODE(out.stat().st_mode) == mode


def test_xlsx_writer_round_trips_awkward_text(tmp_path: Path) -> None:
    from aimsgraph.export.xlsx_writer import Sheet, column_letter, workbook_bytes

    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    values = ["a & b <c>", "  padded ", "bell\x07gone", "", "ünïcode ✓"]
    sheets = [Sheet("One & two", ["h1", "h2", "h3", "h4", "h5"], [values, [("missing: x", "red"), "y"]], [12], "B2")]
    out = tmp_path / "w.xlsx"
    out.write_bytes(workbook_bytes(sheets, {"red": "FFC7CE"}, "A & B"))
    book = load_workbook(out)
    sheet = book["One & two"]
    assert [c.value for c in sheet[2]] == ["a & b <c>", "  padded ", "bellgone", None, "ünïcode ✓"]
    assert sheet["A1"].font.b and sheet["A3"].fill.start_color.rgb == "FFFFC7CE" and not sheet["B3"].fill.fill_type
    assert sheet.freeze_panes == "B2" and sheet.auto_filter.ref == "A1:E3" and book.properties.title == "A & B"
