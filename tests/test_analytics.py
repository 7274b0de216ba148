"""Impact analytics on the demo organisation."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from aimsgraph.analysis import impact as analytics
from aimsgraph.coverage.matrix import coverage_matrix
from aimsgraph.errors import InputError
from aimsgraph.workspace import Workspace
from tests.conftest import run_cli

AS_OF = date(2026, 11, 23)


def test_document_impact(demo: Workspace) -> None:
    org = [x for x in analytics.document_impact(demo.store, "ai-policy", AS_OF).losses if x.system is None]
    assert [(x.requirement, x.before, x.after) for x in org] == [("5.2", "covered", "missing")]
    audit = analytics.document_impact(demo.store, "audit-report-2026", AS_OF).losses
    assert ("A.2.3", None, "covered", "design-only") in {(x.requirement, x.system, x.before, x.after) for x in audit}
    with pytest.raises(InputError, match="no document"):
        analytics.document_impact(demo.store, "nope", AS_OF)


def test_person_impact(demo: Workspace) -> None:
    found = analytics.person_impact(demo.store, "hwebb", AS_OF)
    assert found.documents == ("audit-programme-2026", "audit-report-2026")
    assert {x.requirement for x in found.losses if x.system is None} == {"9.2.1", "9.2.2", "A.2.3"}
    owned = analytics.person_impact(demo.store, "tadeyemi", AS_OF).owned
    assert ("role", "claimsight.producer") in owned and ("soa", "A.4.4") in owned
    with pytest.raises(InputError, match="no person"):
        analytics.person_impact(demo.store, "nobody", AS_OF)


def test_single_points_broken_chains_unused(demo: Workspace) -> None:
    matrix = coverage_matrix(demo.store, AS_OF)
    points = analytics.single_points_of_failure(matrix, 3)
    assert points[0].evidence == "model-card-claimsight" and len(points[0].requirements) == 5
    assert all(len(p.requirements) >= 3 for p in points)
    broken = analytics.broken_risk_chains(demo.store, matrix)
    assert [(b.risk, b.reason) for b in broken] == [("R-006", "no controls in its treatment")]
    assert [u.evidence for u in analytics.unused_documents(demo.store)] == ["incident-log-2026"]


def test_impact_cli(demo_dir: Path) -> None:
    result = run_cli("-w", str(demo_dir), "impact", "--as-of", "2026-11-23", "--format", "json")
    assert result.exit_code == 0, result.stderr
    sections = {row["section"] for row in json.loads(result.stdout)}
    assert sections == {"single point of failure", "broken risk chain", "supports nothing"}
    person = run_cli("-w", str(demo_dir), "impact", "--person", "hwebb", "--format", "csv")
    assert "9.2.1 @ organisation,covered -> missing" in person.stdout
    bad = run_cli("-w", str(demo_dir), "impact", "--document", "nope")
    assert bad.exit_code == 2 and "no document" in bad.stderr


def test_a_chain_ending_in_design_evidence_alone_is_broken(demo: Workspace) -> None:
    # A.8.4 has only the incident procedure (design evidence) linked: no record that the control runs.
    risks = demo.org_dir / "risks.yaml"
    text = risks.read_text(encoding="utf-8")
    risks.write_text(text.replace("controls: [A.7.4, A.5.4, A.6.2.4]", "controls: [A.8.4]", 1), encoding="utf-8")
    demo.load()
    broken = {b.risk: b.reason for b in analytics.broken_risk_chains(demo.store, coverage_matrix(demo.store, AS_OF))}
    assert broken["R-001"] == "only design evidence (no record that it runs) for A.8.4"
