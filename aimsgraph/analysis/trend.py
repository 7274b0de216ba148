"""The trend of recorded validation runs, and what changed between two of them.

Each run (rules.validation.record_run) keeps its counts per severity, coverage per clause, objective and AI system,
and every requirement's organisation-level status. Back-dated runs (judged as of an earlier day) are kept but are
not points of the trend.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from aimsgraph.errors import InputError
from aimsgraph.store import Store
from aimsgraph.vocabulary.catalog import requirements_by_id
from aimsgraph.vocabulary.namespaces import GraphName, local_id

RUNS = """
SELECT ?run ?ended ?asOf ?back ?violations ?warnings ?infos ?statuses WHERE {
  ?run a aims:ValidationRun ; prov:endedAtTime ?ended ; aims:asOf ?asOf ;
       aims:violationCount ?violations ; aims:warningCount ?warnings .
  OPTIONAL { ?run aims:infoCount ?infos }
  OPTIONAL { ?run aims:backDated ?back }
  OPTIONAL { ?run aims:statuses ?statuses }
}
"""
ORG_FIGURES = """
SELECT ?run (SUM(?c) AS ?covered) (SUM(?r) AS ?required) WHERE {
  ?run aims:coverage ?figure . ?figure aims:coveredCount ?c ; aims:requiredCount ?r
} GROUP BY ?run
"""
SYSTEM_FIGURES = """
SELECT ?run ?system ?c ?r WHERE {
  ?run aims:systemCoverage ?figure . ?figure aims:aboutSystem ?system ; aims:coveredCount ?c ; aims:requiredCount ?r
}
"""
RUN_PREFIX = "urn:aims:validation-run:"


@dataclass(frozen=True)
class Run:
    """One recorded validation run: when, as of which day, findings by severity, coverage by scope, statuses."""

    id: str
    ended: datetime
    as_of: date
    back_dated: bool
    violations: int
    warnings: int
    infos: int
    coverage: float | None  # organisation: % of leaf requirements needing coverage that are covered
    systems: dict[str, float | None] = field(default_factory=dict)
    statuses: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StatusChange:
    """A requirement whose organisation-level status differs between two runs."""

    requirement: str
    title: str
    before: str
    after: str


def _share(covered: str | None, required: str | None) -> float | None:
    return round(100 * int(covered or 0) / int(required), 1) if required and int(required) else None


def recorded_runs(store: Store, back_dated: bool = False) -> list[Run]:
    """The recorded runs, oldest first; back-dated runs only with back_dated=True."""
    history = (GraphName.HISTORY,)
    org = {run: _share(c, r) for run, c, r in store.values(ORG_FIGURES, graphs=history)}
    systems: dict[str | None, dict[str, float | None]] = {}
    for run, system, covered, required in store.values(SYSTEM_FIGURES, graphs=history):
        systems.setdefault(run, {})[local_id(system or "")] = _share(covered, required)
    found = [_run(row, org.get(row[0]), systems.get(row[0], {})) for row in store.values(RUNS, graphs=history)]
    return sorted((r for r in found if back_dated or not r.back_dated), key=lambda r: (r.ended, r.id))


def _run(row: tuple[str | None, ...], coverage: float | None, systems: dict[str, float | None]) -> Run:
    run, ended, as_of, back, violations, warnings, infos, statuses = row
    return Run(
        id=(run or "").removeprefix(RUN_PREFIX),
        ended=datetime.fromisoformat(ended or ""),
        as_of=date.fromisoformat(as_of or ""),
        back_dated=back == "true",
        violations=int(violations or 0),
        warnings=int(warnings or 0),
        infos=int(infos or 0),
        coverage=coverage,
        systems=dict(sorted(systems.items())),
        statuses=dict(pair.split("=", 1) for pair in (statuses or "").split() if "=" in pair),
    )


def find_run(runs: list[Run], ident: str) -> Run:
    """The run with id `ident` (or the only one whose id starts with it)."""
    exact = [r for r in runs if r.id == ident]
    matches = exact or [r for r in runs if r.id.startswith(ident)]
    if len(matches) != 1:
        problem = "no recorded run" if not matches else f"{len(matches)} recorded runs start with"
        raise InputError(f"{problem} '{ident}'; 'aimsgraph history' lists the run ids")
    return matches[0]


def diff_runs(first: Run, second: Run) -> list[StatusChange]:
    """Requirements whose organisation-level status changed from `first` to `second`, in catalog order."""
    for run in (first, second):
        if not run.statuses:
            raise InputError(f"run {run.id} has no requirement statuses (recorded before they were kept); pick another")
    titles = requirements_by_id()
    order = {ident: at for at, ident in enumerate(titles)}
    changed = [
        StatusChange(ident, titles[ident].title if ident in titles else "", first.statuses.get(ident, ""), after)
        for ident, after in second.statuses.items()
        if first.statuses.get(ident, "") != after
    ]
    return sorted(changed, key=lambda c: order.get(c.requirement, len(order)))
