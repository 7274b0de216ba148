"""Coverage carried across: each control of another framework gets a status per scope from its accepted mappings.

A mapping points from the control to a 42001 requirement. exactMatch and broadMatch (the requirement says as much
or more) are covering relations; narrowMatch and relatedMatch are partial. Per scope (the organisation, each AI
system) a control is covered when a requirement it maps to by a covering relation is covered; partial when some
mapped requirement is covered but none by a covering relation; not-applicable when every mapped requirement is
excluded or not applicable; missing otherwise; unmapped with no accepted mapping.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Literal

from aimsgraph.coverage.matrix import OUT_OF_SCOPE, coverage_matrix
from aimsgraph.crosswalk.frameworks import framework_controls
from aimsgraph.crosswalk.mappings import Mapping, stored_mappings
from aimsgraph.store import Store

CrossStatus = Literal["covered", "partial", "missing", "not-applicable", "unmapped"]
COLUMNS = ["framework", "control", "title", "scope", "status", "requirements", "covered_by", "evidence"]


@dataclass(frozen=True)
class ControlCoverage:
    """One control of another framework in one scope, with the requirements and evidence behind its status."""

    framework: str
    control: str
    title: str
    scope: str  # "organisation" or an AI system id
    status: CrossStatus
    requirements: tuple[str, ...]  # every requirement it maps to, as "id (predicate)"
    covered_by: tuple[str, ...]  # the mapped requirements covered in this scope
    evidence: tuple[str, ...]  # evidence ids behind those requirements


def carried_status(covered: list[Mapping], out_of_scope: list[Mapping], mapped: list[Mapping]) -> CrossStatus:
    """The status of a control from its mappings: which are covered, which are out of scope, all of them."""
    if not mapped:
        return "unmapped"
    if any(m.covering for m in covered):
        return "covered"
    if covered:
        return "partial"
    return "not-applicable" if len(out_of_scope) == len(mapped) else "missing"


def framework_coverage(store: Store, framework: str, as_of: date | None = None) -> list[ControlCoverage]:
    """Every control of `framework` (with a text) in every scope, from the accepted mappings and the matrix."""
    controls = [c for c in framework_controls(store, framework) if c.text]
    by_control: dict[str, list[Mapping]] = defaultdict(list)
    for mapping in stored_mappings(store, framework):
        by_control[mapping.control].append(mapping)
    matrix = coverage_matrix(store, as_of)
    rows = []
    for scope in (None, *matrix.systems):
        for control in controls:
            mapped = by_control.get(control.id, [])
            cells = {m.requirement: matrix.cell(m.requirement, scope) for m in mapped}
            covered = [m for m in mapped if cells[m.requirement].status == "covered"]
            out = [m for m in mapped if cells[m.requirement].status in OUT_OF_SCOPE]
            evidence = sorted({ref.evidence for m in covered for ref in cells[m.requirement].evidence})
            rows.append(
                ControlCoverage(
                    framework,
                    control.id,
                    control.title,
                    scope or "organisation",
                    carried_status(covered, out, mapped),
                    tuple(f"{m.requirement} ({m.predicate})" for m in mapped),
                    tuple(m.requirement for m in covered),
                    tuple(evidence),
                )
            )
    return rows
