"""OSCAL assessment results (JSON) from the coverage matrix: one finding per assessed clause and control, and
the assessment plan they import (`oscal_plan`), written beside them and referenced by a relative href.

A finding is `satisfied` only when its requirement is covered, and then it cites the evidence: a clause's own
links, or for a parent clause (covered when all its sub-clauses are) the evidence of those sub-clauses. Stale,
design-only and missing are `not-satisfied` with the reason; controls the SoA excludes are not assessed (left
out of the reviewed controls). The shape follows OSCAL 1.1 and loads in compliance-trestle's models.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import PurePath
from typing import Any

from aimsgraph.coverage.matrix import CoverageMatrix
from aimsgraph.export.audit import AuditPack
from aimsgraph.export.oscal_plan import (
    assessed,
    assessment_plan,
    metadata,
    objective_id,
    oscal_uuid,
    reviewed_controls,
    seed,
)
from aimsgraph.vocabulary.catalog import Requirement

STATE = {"covered": "satisfied"}
REASON = {
    "covered": "Covered by current evidence: {ids}.",
    "stale": "All evidence is past its review date: {ids}.",
    "design-only": "Only design evidence (a policy or procedure), nothing showing the control runs: {ids}.",
    "missing": "No accepted evidence.",
}


def plan_name(results: str) -> str:
    """The file name of the plan written beside a results file: results.json -> results-plan.json."""
    path = PurePath(results)
    return f"{path.stem}-plan{path.suffix or '.json'}"


def _observation(base: str, evidence: str, title: str, file: str, collected: str) -> dict[str, Any]:
    observation: dict[str, Any] = {
        "uuid": oscal_uuid(base, "observation", evidence),
        "title": title or evidence,
        "description": f"Evidence '{evidence}' in the organisation's evidence register.",
        "methods": ["EXAMINE"],
        "collected": collected,
    }
    if file:
        observation["relevant-evidence"] = [{"href": file, "description": title or evidence}]
    return observation


def leaves(matrix: CoverageMatrix) -> dict[str, list[str]]:
    """The requirements each requirement's status rests on: itself, or for a parent clause its leaf sub-clauses."""
    children: dict[str, list[str]] = defaultdict(list)
    for req in matrix.requirements:
        if req.parent is not None:
            children[req.parent].append(req.id)
    found: dict[str, list[str]] = {}
    for req in reversed(matrix.requirements):  # children come after parents in catalog order
        found[req.id] = [leaf for child in children[req.id] for leaf in found[child]] or [req.id]
    return found


def _reason(matrix: CoverageMatrix, requirement: str, under: list[str], ids: list[str]) -> str:
    status = matrix.cell(requirement).status
    if under == [requirement] or status == "covered":
        return REASON[status].format(ids=", ".join(ids))
    gaps = [
        f"{leaf} ({matrix.cell(leaf).status})"
        for leaf in under
        if matrix.cell(leaf).status not in ("covered", "excluded")
    ]
    return f"Sub-requirements not covered: {', '.join(gaps)}."


def _finding(
    base: str, matrix: CoverageMatrix, requirement: Requirement, under: list[str], observations: dict[str, str]
) -> dict[str, Any]:
    cell = matrix.cell(requirement.id)
    refs = [ref for leaf in under for ref in matrix.cell(leaf).evidence]
    if cell.status == "covered":
        refs = [ref for ref in refs if ref.current]  # what makes it covered, not older versions beside it
    elif under != [requirement.id]:
        refs = []  # a parent that is not covered cites the gaps, not its covered parts
    ids = sorted({ref.evidence for ref in refs})
    reason = _reason(matrix, requirement.id, under, ids)
    finding: dict[str, Any] = {
        "uuid": oscal_uuid(base, "finding", requirement.id),
        "title": f"{requirement.id} {requirement.title}",
        "description": f"Coverage status: {cell.status}. {reason}",
        "target": {
            "type": "objective-id",
            "target-id": objective_id(requirement.id),
            "status": {"state": STATE.get(cell.status, "not-satisfied"), "reason": cell.status, "remarks": reason},
        },
    }
    related = [{"observation-uuid": observations[i]} for i in ids if i in observations]
    if related:
        finding["related-observations"] = related
    return finding


def assessment_results(pack: AuditPack, name: str, plan_href: str) -> dict[str, Any]:
    """The OSCAL assessment-results document as a JSON-ready dict, importing the plan at `plan_href`."""
    matrix, base = pack.matrix, seed(pack, name)
    start = f"{matrix.as_of.isoformat()}T00:00:00+00:00"
    register = {r.id: r for r in pack.register}
    used = sorted({ref.evidence for cell in matrix.cells.values() if cell.system is None for ref in cell.evidence})
    observations = [
        _observation(
            base, e, register[e].title if e in register else e, register[e].file if e in register else "", start
        )
        for e in used
    ]
    uuids = {e: o["uuid"] for e, o in zip(used, observations, strict=True)}
    under = leaves(matrix)
    findings = [_finding(base, matrix, req, under[req.id], uuids) for req in assessed(matrix)]
    result: dict[str, Any] = {
        "uuid": oscal_uuid(base, "result"),
        "title": f"ISO/IEC 42001 evidence coverage on {matrix.as_of.isoformat()}",
        "description": "Coverage of ISO/IEC 42001 clauses and Annex A controls by accepted, current evidence.",
        "start": start,
        "reviewed-controls": reviewed_controls(pack),
        "findings": findings,
    }
    if observations:
        result["observations"] = observations
    return {
        "assessment-results": {
            "uuid": oscal_uuid(base, "assessment-results"),
            "metadata": metadata(f"{name}: ISO/IEC 42001 assessment results", matrix),
            "import-ap": {"href": plan_href},
            "results": [result],
        }
    }


def oscal_files(pack: AuditPack, name: str, results: str) -> dict[str, str]:
    """The plan and the results as JSON text by file name; the results import the plan by its relative name."""
    plan = plan_name(results)
    return {
        plan: json.dumps(assessment_plan(pack, name), indent=2) + "\n",
        PurePath(results).name: json.dumps(assessment_results(pack, name, plan), indent=2) + "\n",
    }
