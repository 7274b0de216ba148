"""OSCAL assessment results (JSON) from the coverage matrix: one finding per clause and applicable control.

UUIDs are derived from the workspace name, the as-of date and the ids (uuid5), so the same data exports the same
document. The shape follows OSCAL 1.1 and loads in compliance-trestle's `AssessmentResults` model.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from aimsgraph import __version__
from aimsgraph.coverage.matrix import CoverageCell
from aimsgraph.export.audit import AuditPack

OSCAL_VERSION = "1.1.2"
NAMESPACE = uuid.UUID("6f1d3c52-42a0-4e5b-9a11-4200d1e70001")  # fixed: ours, for uuid5
STATE = {"covered": "satisfied"}


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "|".join(parts)))


def target_id(requirement: str) -> str:
    """An OSCAL token for a requirement id (tokens cannot start with a digit): clause-4.1, A.6.2.8."""
    return requirement if requirement[:1].isalpha() else f"clause-{requirement}"


def _observation(seed: str, evidence: str, title: str, file: str, collected: str) -> dict[str, Any]:
    observation: dict[str, Any] = {
        "uuid": _uuid(seed, "observation", evidence),
        "title": title or evidence,
        "description": f"Evidence '{evidence}' in the organisation's evidence register.",
        "methods": ["EXAMINE"],
        "collected": collected,
    }
    if file:
        observation["relevant-evidence"] = [{"href": file, "description": title or evidence}]
    return observation


def _finding(seed: str, cell: CoverageCell, title: str, observations: dict[str, str]) -> dict[str, Any]:
    ids = sorted({ref.evidence for ref in cell.evidence})
    description = f"Coverage status: {cell.status}." + (f" Evidence: {', '.join(ids)}." if ids else " No evidence.")
    finding: dict[str, Any] = {
        "uuid": _uuid(seed, "finding", cell.requirement),
        "title": f"{cell.requirement} {title}",
        "description": description,
        "target": {
            "type": "objective-id",
            "target-id": target_id(cell.requirement),
            "status": {"state": STATE.get(cell.status, "not-satisfied"), "reason": cell.status},
        },
    }
    related = [{"observation-uuid": observations[i]} for i in ids if i in observations]
    if related:
        finding["related-observations"] = related
    return finding


def assessment_results(pack: AuditPack, name: str) -> dict[str, Any]:
    """The OSCAL assessment-results document as a JSON-ready dict."""
    matrix = pack.matrix
    seed = f"{name}|{matrix.as_of.isoformat()}"
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    start = f"{matrix.as_of.isoformat()}T00:00:00+00:00"
    register = {r.id: r for r in pack.register}
    used = sorted({ref.evidence for cell in matrix.cells.values() if cell.system is None for ref in cell.evidence})
    observations = [
        _observation(
            seed, e, register[e].title if e in register else e, register[e].file if e in register else "", start
        )
        for e in used
    ]
    by_id = {o["uuid"]: o for o in observations}
    uuids = {e: o["uuid"] for e, o in zip(used, observations, strict=True) if o["uuid"] in by_id}
    findings = [
        _finding(seed, matrix.cell(req.id), req.title, uuids)
        for req in matrix.requirements
        if req.kind != "objective" and matrix.cell(req.id).status != "excluded"
    ]
    result: dict[str, Any] = {
        "uuid": _uuid(seed, "result"),
        "title": f"ISO/IEC 42001 evidence coverage on {matrix.as_of.isoformat()}",
        "description": "Coverage of ISO/IEC 42001 clauses and Annex A controls by accepted, current evidence.",
        "start": start,
        "reviewed-controls": {"control-selections": [{"include-all": {}}]},
        "findings": findings,
    }
    if observations:
        result["observations"] = observations
    return {
        "assessment-results": {
            "uuid": _uuid(seed, "assessment-results"),
            "metadata": {
                "title": f"{name}: ISO/IEC 42001 assessment results",
                "last-modified": now,
                "version": matrix.as_of.isoformat(),
                "oscal-version": OSCAL_VERSION,
                "remarks": f"Exported by aimsgraph {__version__}.",
            },
            "import-ap": {"href": "#no-assessment-plan"},
            "results": [result],
        }
    }


def oscal_json(pack: AuditPack, name: str) -> str:
    """assessment_results as indented JSON text."""
    return json.dumps(assessment_results(pack, name), indent=2) + "\n"
