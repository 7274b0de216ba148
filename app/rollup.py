"""A requirement's status in one scope as the analyst reads it: a leaf's own status, a parent's roll-up of its leaves.

A parent (a clause with sub-clauses, an Annex A objective) has no evidence of its own: "5 of 6 covered" says what
its status means, where a bare "covered" beside "No evidence linked yet" did not.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aimsgraph.coverage.matrix import OUT_OF_SCOPE

if TYPE_CHECKING:
    from aimsgraph.coverage.matrix import CoverageMatrix


@dataclass(frozen=True)
class Rollup:
    """One requirement in one scope: its status, a readable summary, and the reason for an out-of-scope cell."""

    status: str
    summary: str
    reason: str


def leaves_under(matrix: CoverageMatrix, requirement: str) -> list[str]:
    """The leaf requirements at or below `requirement`, in catalog order."""
    parent = {r.id: r.parent for r in matrix.requirements}

    def below(ident: str) -> bool:
        while ident:
            if ident == requirement:
                return True
            ident = parent.get(ident) or ""
        return False

    return [leaf for leaf in matrix.leaves() if below(leaf)]


def rollup(matrix: CoverageMatrix, requirement: str, system: str | None = None) -> Rollup | None:
    """The requirement's status in the scope (None where the scope has no cell for it)."""
    leaves = leaves_under(matrix, requirement)
    cell = matrix.cells.get((requirement, system))
    if leaves == [requirement]:
        if cell is None:
            return None
        return Rollup(cell.status, cell.status, cell.reason or "")
    statuses = Counter(c.status for leaf in leaves if (c := matrix.cells.get((leaf, system))) is not None)
    counted = sum(n for s, n in statuses.items() if s not in OUT_OF_SCOPE)
    if not counted:
        return None if not statuses else Rollup("not-applicable", "none applicable", "")
    covered = statuses["covered"]
    status = cell.status if cell is not None else ("covered" if covered == counted else "missing")
    return Rollup(status, f"{covered} of {counted} covered", "")
