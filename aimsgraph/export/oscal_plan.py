"""OSCAL assessment plan (JSON): what the assessment results import. One local objective per clause and control,
the reviewed controls (all but those the SoA excludes), and the AI management system under assessment.

There is no OSCAL system security plan for an AI management system, so `import-ssp` points at a back-matter
resource of the plan itself that names the system (a fragment `#uuid`, the OSCAL way to cite a resource).
UUIDs are uuid5 of the workspace name, the as-of date and the ids, so the same data exports the same document.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from aimsgraph import __version__
from aimsgraph.coverage.matrix import CoverageMatrix
from aimsgraph.export.audit import AuditPack
from aimsgraph.vocabulary.catalog import Requirement

OSCAL_VERSION = "1.1.2"
NAMESPACE = uuid.UUID("6f1d3c52-42a0-4e5b-9a11-4200d1e70001")  # fixed: ours, for uuid5
OBJECTIVE = (
    "Covered by accepted evidence that is current on the as-of date (for an Annex A control: operating evidence)."
)


def oscal_uuid(*parts: str) -> str:
    """A stable UUID for one part of an export."""
    return str(uuid.uuid5(NAMESPACE, "|".join(parts)))


def target_id(requirement: str) -> str:
    """An OSCAL token for a requirement id (tokens cannot start with a digit): clause-4.1, A.6.2.8."""
    return requirement if requirement[:1].isalpha() else f"clause-{requirement}"


def objective_id(requirement: str) -> str:
    """The id of a requirement's assessment objective in the plan, which findings target."""
    return f"{target_id(requirement)}_obj"


def seed(pack: AuditPack, name: str) -> str:
    """What every UUID of one export is derived from."""
    return f"{name}|{pack.matrix.as_of.isoformat()}"


def assessed(matrix: CoverageMatrix) -> list[Requirement]:
    """Clauses and controls that are assessed: not objectives, not controls the SoA excludes."""
    return [r for r in matrix.requirements if r.kind != "objective" and matrix.cell(r.id).status != "excluded"]


def reviewed_controls(pack: AuditPack) -> dict[str, Any]:
    """All requirements, less the controls the Statement of Applicability excludes (those are not assessed)."""
    excluded = [
        r.id for r in pack.matrix.requirements if r.kind == "control" and pack.matrix.cell(r.id).status == "excluded"
    ]
    selection: dict[str, Any] = {"include-all": {}}
    if excluded:
        selection["exclude-controls"] = [{"control-id": target_id(c)} for c in excluded]
        selection["remarks"] = f"Excluded in the Statement of Applicability, so not assessed: {', '.join(excluded)}."
    return {"control-selections": [selection]}


def metadata(title: str, matrix: CoverageMatrix) -> dict[str, Any]:
    """OSCAL metadata shared by the plan and the results."""
    return {
        "title": title,
        "last-modified": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "version": matrix.as_of.isoformat(),
        "oscal-version": OSCAL_VERSION,
        "remarks": f"Exported by aimsgraph {__version__}.",
    }


def _objective(requirement: Requirement) -> dict[str, Any]:
    part = {"id": objective_id(requirement.id), "name": "assessment-objective", "prose": OBJECTIVE}
    return {"control-id": target_id(requirement.id), "description": requirement.title, "parts": [part]}


def assessment_plan(pack: AuditPack, name: str) -> dict[str, Any]:
    """The OSCAL assessment-plan document as a JSON-ready dict."""
    base, as_of = seed(pack, name), pack.matrix.as_of.isoformat()
    system = oscal_uuid(base, "system")
    return {
        "assessment-plan": {
            "uuid": oscal_uuid(base, "assessment-plan"),
            "metadata": metadata(f"{name}: ISO/IEC 42001 assessment plan", pack.matrix),
            "import-ssp": {"href": f"#{system}", "remarks": "No OSCAL SSP exists for an AI management system."},
            "local-definitions": {"objectives-and-methods": [_objective(r) for r in assessed(pack.matrix)]},
            "reviewed-controls": reviewed_controls(pack),
            "back-matter": {
                "resources": [
                    {
                        "uuid": system,
                        "title": f"{name}: AI management system",
                        "description": "The AI management system under assessment, as recorded in the aimsgraph "
                        f"workspace '{name}' (organisation, AI systems, risks, SoA and evidence register) on {as_of}.",
                    }
                ]
            },
        }
    }
