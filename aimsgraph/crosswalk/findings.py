"""Findings that name the other frameworks' controls behind a gap: an auditor of SCF sees which SCF controls a
missing 42001 requirement leaves open."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from aimsgraph.rules.findings import Finding, ValidationReport
from aimsgraph.store import Store

MAPPED = """
SELECT ?req ?framework ?control WHERE {
  GRAPH <urn:aims:graph:mappings> { ?m aims:fromControl ?c ; aims:mapsTo ?r ; aims:mappingStatus aims:Accepted }
  GRAPH <urn:aims:graph:frameworks> { ?c skos:notation ?control ; skos:inScheme ?s . ?s aims:id ?framework }
  BIND (STRAFTER(STR(?r), "https://w3id.org/aimsgraph/iso42001/") AS ?req) }
"""


def mapped_controls(store: Store) -> dict[str, list[str]]:
    """Requirement id -> the accepted mappings' controls, as 'FRAMEWORK CONTROL', sorted."""
    found: dict[str, set[str]] = defaultdict(set)
    for requirement, framework, control in store.values(MAPPED):
        found[str(requirement)].add(f"{framework} {control}")
    return {requirement: sorted(controls) for requirement, controls in found.items()}


def with_mapped_controls(report: ValidationReport, store: Store, limit: int = 5) -> ValidationReport:
    """The report with each finding about a mapped requirement naming the controls mapped to it (in its message)."""
    mapped = mapped_controls(store)
    if not mapped:
        return report
    return replace(report, findings=[_named(f, mapped, limit) for f in report.findings])


def _named(finding: Finding, mapped: dict[str, list[str]], limit: int) -> Finding:
    controls = mapped.get(finding.requirement or "")
    if not controls:
        return finding
    more = f" and {len(controls) - limit} more" if len(controls) > limit else ""
    return replace(finding, message=f"{finding.message} (mapped from {', '.join(controls[:limit])}{more})")
