"""The Overview's figures as small plain rows, worked out once per store generation (see state.overview)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aimsgraph.coverage.matrix import OUT_OF_SCOPE

if TYPE_CHECKING:
    from aimsgraph.coverage.matrix import CoverageMatrix
    from aimsgraph.rules.findings import ValidationReport
    from aimsgraph.vocabulary.catalog import Requirement

STATUSES = ("covered", "design-only", "stale", "missing")  # the order the bars stack in


def natural(text: str) -> list[Any]:
    """A sort key that puts s2 before s10."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def group_of(requirement_id: str) -> str:
    """The group a requirement is summarised under: its top clause (4..10) or its Annex A objective."""
    parts = requirement_id.split(".")
    return ".".join(parts[:2]) if parts[0] == "A" else parts[0]


@dataclass
class OverviewFigures:
    """What the Overview draws: headline counts, statuses per group, the group x system heatmap, severities."""

    covered: int = 0
    required: int = 0  # applicable leaf requirements of the organisation (CoverageMatrix.figure)
    missing: int = 0
    scopes: list[dict[str, Any]] = field(default_factory=list)  # every scope's figure, organisation first
    groups: list[dict[str, Any]] = field(default_factory=list)
    heatmap: list[dict[str, Any]] = field(default_factory=list)
    systems: list[str] = field(default_factory=list)
    severities: dict[str, int] = field(default_factory=dict)


def _leaves(matrix: CoverageMatrix) -> list[Requirement]:
    leaves = set(matrix.leaves())
    return [r for r in matrix.requirements if r.id in leaves]


def group_statuses(matrix: CoverageMatrix) -> list[dict[str, Any]]:
    """Per group (in catalog order) how many leaf requirements are covered, design-only, stale or missing."""
    titles = {r.id: r.title for r in matrix.requirements if r.parent is None}
    counts: dict[str, Counter[str]] = {g: Counter() for g in titles}
    named: dict[tuple[str, str], list[str]] = defaultdict(list)  # which requirements a bar segment counts
    for leaf in _leaves(matrix):
        status = matrix.cells[(leaf.id, None)].status
        counts.setdefault(group_of(leaf.id), Counter())[status] += 1
        named[(group_of(leaf.id), status)].append(leaf.id)
    return [
        {
            "group": g,
            "label": f"{g} {titles.get(g, '')}".strip(),
            "status": s,
            "requirements": c[s],
            "ids": named[(g, s)],
        }
        for g, c in counts.items()
        for s in STATUSES
        if c[s]
    ]


def heatmap(matrix: CoverageMatrix) -> list[dict[str, Any]]:
    """Per group and scope (organisation or AI system): covered / applicable leaf requirements (as CoverageMatrix.figure
    counts them) and the share covered."""
    titles = {r.id: r.title for r in matrix.requirements if r.parent is None}
    tally: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    leaves = set(matrix.leaves())
    for (requirement, system), cell in matrix.cells.items():
        if requirement in leaves and cell.status not in OUT_OF_SCOPE:
            key = (group_of(requirement), system or "organisation")
            tally[key][0] += cell.status == "covered"
            tally[key][1] += 1
    return [
        {"group": g, "title": titles.get(g, ""), "system": s, "covered": c, "required": n, "covered %": 100 * c // n}
        for (g, s), (c, n) in tally.items()
    ]


def overview_figures(matrix: CoverageMatrix, report: ValidationReport) -> OverviewFigures:
    """Everything the Overview shows, from the coverage matrix and the validation report."""
    statuses = Counter(matrix.cells[(leaf.id, None)].status for leaf in _leaves(matrix))
    found = Counter(f.severity.value for f in report.findings)
    organisation = matrix.figure()
    return OverviewFigures(
        covered=organisation.covered,
        required=organisation.applicable,
        missing=statuses["missing"],
        scopes=[
            {"scope": f.scope, "covered": f.covered, "applicable": f.applicable, "covered %": round(f.percent)}
            for f in matrix.figures()
        ],
        groups=group_statuses(matrix),
        heatmap=heatmap(matrix),
        systems=["organisation", *sorted(matrix.systems, key=natural)],
        severities={s: found[s] for s in ("violation", "warning", "info")},
    )
