"""Audit exports: the coverage matrix, the Statement of Applicability, the evidence register, and the graph.

Coverage comes from `coverage.coverage_matrix`, findings from `validation.validate_workspace(record=False)`; this
module only shapes them into rows and files. Every export is built in memory and written with a rename.
"""

from __future__ import annotations

import html
import json
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from aimsgraph.coverage.matrix import (
    OUT_OF_SCOPE,
    CoverageCell,
    CoverageMatrix,
    DocumentFacts,
    coverage_matrix,
    document_facts,
)
from aimsgraph.errors import InputError
from aimsgraph.facts.history import store_as_of
from aimsgraph.facts.integrity import FileState
from aimsgraph.rules.findings import ValidationReport
from aimsgraph.store import Store
from aimsgraph.vocabulary.namespaces import GraphName, local_id
from aimsgraph.workspace import Workspace

ORG_LEVEL = "organisation"
GRAPH_FORMATS = {"turtle": "ttl", "json-ld": "jsonld", "trig": "trig", "nquads": "nq"}  # ours -> Store.dump
SOA_QUERY = """
PREFIX aims: <https://w3id.org/aimsgraph/ns#>
SELECT ?control ?applicable ?justification ?status ?owner ?reviewed WHERE {
  ?row a aims:ApplicabilityDecision ; aims:control ?c ; aims:applicable ?applicable .
  ?c aims:id ?control .
  OPTIONAL { ?row aims:justification ?justification }
  OPTIONAL { ?row aims:implementationStatus ?status }
  OPTIONAL { ?row aims:owner ?o . ?o aims:id ?owner }
  OPTIONAL { ?row aims:reviewed ?reviewed }
}
"""
RISK_CONTROLS_QUERY = """
PREFIX aims: <https://w3id.org/aimsgraph/ns#>
SELECT ?risk ?control WHERE {
  ?r a aims:Risk ; aims:id ?risk ; aims:treatment ?t . ?t aims:control ?c . ?c aims:id ?control
}
"""
# What the register shows beyond coverage.document_facts (id, title, dates, shared with the coverage matrix).
REGISTER_QUERY = """
PREFIX aims: <https://w3id.org/aimsgraph/ns#>
SELECT ?doc ?file ?kind ?nature ?owner ?interval ?recorded WHERE {
  ?doc a aims:Document .
  OPTIONAL { ?doc aims:file ?file }
  OPTIONAL { ?doc aims:evidenceKind ?kind }
  OPTIONAL { ?doc a ?cls FILTER(?cls = aims:OperatingEvidence || ?cls = aims:DesignEvidence) }
  BIND(IF(BOUND(?cls), IF(?cls = aims:OperatingEvidence, "operating", "design"), "") AS ?nature)
  OPTIONAL { ?doc aims:owner ?o . ?o aims:id ?owner }
  OPTIONAL { ?doc aims:reviewInterval ?interval }
  OPTIONAL { ?doc aims:recordedSha256 ?recorded }
}
"""


@dataclass(frozen=True)
class SoaRow:
    """One Annex A control in the Statement of Applicability."""

    control: str
    title: str
    applicable: bool | None
    justification: str
    implementation: str
    coverage: str
    owner: str
    reviewed: str
    risks: tuple[str, ...]
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class RegisterRow:
    """One document of the evidence register, with its registered and current SHA-256 (and whether they match:
    matches, changed, missing file) and review dates."""

    id: str
    title: str
    file: str
    kind: str
    nature: str
    owner: str
    issued: str
    review_interval: str
    review_due: str
    current: bool
    recorded_sha256: str
    sha256: str
    supports: tuple[str, ...]
    integrity: str = ""


@dataclass
class AuditPack:
    """Everything the coverage export shows: matrix, SoA, findings and the evidence register."""

    matrix: CoverageMatrix
    soa: list[SoaRow]
    findings: ValidationReport | None
    register: list[RegisterRow]


# ---------------------------------------------------------------- building rows
def _s(value: Any) -> str:
    return "" if value is None else str(value)


def cell_text(cell: CoverageCell) -> str:
    """A cell as `status: evidence ids`, or `status: reason` for an excluded or not-applicable cell."""
    if cell.status in OUT_OF_SCOPE and cell.reason:
        return f"{cell.status}: {cell.reason}"
    ids = sorted({ref.evidence for ref in cell.evidence})
    return f"{cell.status}: {', '.join(ids)}" if ids else cell.status


def cell_status(text: str) -> str:
    """The status a cell text starts with (for colouring)."""
    return text.split(":", 1)[0]


FIGURE_ROW = "coverage"


def figure_row(matrix: CoverageMatrix) -> list[str]:
    """The last row of every matrix export: each scope's figure, covered / applicable leaf requirements."""
    figures = [str(matrix.figure(system)) for system in (None, *matrix.systems)]
    return [FIGURE_ROW, "", "covered / applicable leaf requirements", "", *figures]


def matrix_header(matrix: CoverageMatrix) -> list[str]:
    """Column names of the coverage matrix."""
    return ["id", "kind", "title", "objective", ORG_LEVEL, *matrix.systems]


def matrix_rows(matrix: CoverageMatrix) -> list[list[str]]:
    """One row per clause and control: id, kind, title, objective/parent, then one cell per scope."""
    out = []
    for req in matrix.requirements:
        if req.kind == "objective":
            continue
        cells = [cell_text(matrix.cell(req.id, system)) for system in (None, *matrix.systems)]
        out.append([req.id, req.kind, req.title, req.parent or "", *cells])
    return [*out, figure_row(matrix)]


def soa_rows(store: Store, matrix: CoverageMatrix) -> list[SoaRow]:
    """The Statement of Applicability: one row per Annex A control, SoA facts joined with coverage and risks."""
    decisions = {str(r[0]): r for r in store.values(SOA_QUERY)}
    risks: dict[str, set[str]] = {}
    for risk, control in store.values(RISK_CONTROLS_QUERY):
        risks.setdefault(str(control), set()).add(str(risk))
    out = []
    for req in matrix.requirements:
        if req.kind != "control":
            continue
        row = decisions.get(req.id)
        applicable = None if row is None else str(row[1]).lower() in ("true", "1")
        cell = matrix.cell(req.id)
        out.append(
            SoaRow(
                req.id, req.title, applicable, _s(row and row[2]), local_id(_s(row and row[3])).split("#")[-1],
                cell.status, _s(row and row[4]), _s(row and row[5]), tuple(sorted(risks.get(req.id, ()))),
                tuple(sorted({ref.evidence for ref in cell.evidence})),
            )
        )  # fmt: skip
    return out


def register_rows(
    store: Store, matrix: CoverageMatrix, root: Path | None, files: list[FileState] | None = None
) -> list[RegisterRow]:
    """The evidence register with review dates, hashes and the requirements each document supports.

    `files` (Workspace.check_files) gives each registered file's registered hash (the register's sha256 or the one
    recorded in history), its hash now and their status; without it the register's own sha256 is shown.
    """
    supports: dict[str, set[str]] = {}
    for cell in matrix.cells.values():
        for ref in cell.evidence:
            supports.setdefault(ref.evidence, set()).add(cell.requirement)
    day, facts = matrix.as_of.isoformat(), document_facts(store)
    states = {s.document: s for s in files or []}
    out = []
    for doc, file, kind, nature, owner, interval, recorded in store.values(REGISTER_QUERY):
        fact = facts.get(doc or "") or DocumentFacts(local_id(doc or ""), "", None, None, False)
        due, state = _s(fact.due), states.get(doc or "")
        registered = state.registered if state is not None else recorded
        out.append(
            RegisterRow(
                fact.id, fact.title, _s(file), _s(kind), _s(nature), _s(owner),
                _s(fact.issued), _s(interval), due, not due or due >= day, _s(registered),
                _s(state and state.current), tuple(sorted(supports.get(fact.id, ()))), state.status if state else "",
            )
        )  # fmt: skip
    # one row per document even when it has several owners or kinds
    unique = {row.id: row for row in out}
    return sorted(unique.values(), key=lambda row: row.id)


def audit_pack(workspace: Workspace, as_of: date | None = None, with_findings: bool = True) -> AuditPack:
    """Matrix, SoA, findings (validation without recording a run) and evidence register of a workspace, with its
    org facts as they were on `as_of` (default today)."""
    from aimsgraph.rules.validation import validate_workspace

    day = as_of or date.today()
    files = workspace.check_files()
    store = store_as_of(workspace.store, day)
    matrix = coverage_matrix(store, day)
    findings = validate_workspace(workspace, day, record=False) if with_findings else None
    return AuditPack(matrix, soa_rows(store, matrix), findings, register_rows(store, matrix, workspace.root, files))


# ---------------------------------------------------------------- text formats
def coverage_json(pack: AuditPack) -> str:
    """The coverage matrix with evidence behind every cell, the SoA, the findings and the register, as JSON."""
    matrix = pack.matrix
    cells = [
        {
            "requirement": c.requirement,
            "system": c.system,
            "status": c.status,
            "reason": c.reason,
            "evidence": [asdict(e) for e in c.evidence],
        }
        for c in matrix.cells.values()
    ]
    data = {
        "as_of": matrix.as_of.isoformat(),
        "systems": matrix.systems,
        "figures": [
            {"scope": f.scope, "covered": f.covered, "applicable": f.applicable, "percent": round(f.percent, 1)}
            for f in matrix.figures()
        ],
        "requirements": [
            {"id": r.id, "kind": r.kind, "title": r.title, "parent": r.parent} for r in matrix.requirements
        ],
        "cells": cells,
        "soa": [asdict(r) for r in pack.soa],
        "findings": pack.findings.to_json()["findings"] if pack.findings else [],
        "evidence_register": [asdict(r) for r in pack.register],
    }
    return json.dumps(data, indent=2) + "\n"


def rows_markdown(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table (pipes in values escaped)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(v.replace("|", "\\|").replace("\n", " ") for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def coverage_markdown(pack: AuditPack) -> str:
    """The matrix as a Markdown document with one table."""
    title = f"# ISO/IEC 42001 coverage on {pack.matrix.as_of.isoformat()}\n\n"
    return title + rows_markdown(matrix_header(pack.matrix), matrix_rows(pack.matrix))


HTML_STYLE = """
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222}table{border-collapse:collapse;font-size:.85rem}
th,td{border:1px solid #ccc;padding:.25rem .4rem;vertical-align:top;text-align:left}
thead th{position:sticky;top:0;background:#f4f4f4}.covered{background:#c6efce}.stale{background:#ffeb9c}
.design-only{background:#ddebf7}.missing{background:#ffc7ce}.excluded{background:#e7e6e6;color:#666}
.not-applicable{background:#f2f2f2;color:#666}
"""


def coverage_html(pack: AuditPack) -> str:
    """A self-contained HTML page (inline CSS, no scripts, no external resources) with the matrix."""
    matrix, esc = pack.matrix, html.escape
    head = "".join(f"<th>{esc(h)}</th>" for h in matrix_header(matrix))
    body = []
    for row in matrix_rows(matrix):
        fixed = "".join(f"<td>{esc(v)}</td>" for v in row[:4])
        cells = "".join(f'<td class="{esc(cell_status(v))}">{esc(v)}</td>' for v in row[4:])
        body.append(f"<tr>{fixed}{cells}</tr>")
    title = f"ISO/IEC 42001 coverage on {matrix.as_of.isoformat()}"
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>'
        f"<style>{HTML_STYLE}</style></head><body><h1>{esc(title)}</h1>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></body></html>\n"
    )


def coverage_csv(pack: AuditPack) -> str:
    """The matrix as CSV."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(matrix_header(pack.matrix))
    writer.writerows(matrix_rows(pack.matrix))
    return buffer.getvalue()


def soa_table(pack: AuditPack) -> tuple[list[str], list[list[str]]]:
    """SoA header and rows as strings (for CSV, Markdown and the workbook)."""
    header = ["control", "title", "applicable", "justification", "implementation", "coverage", "owner",
              "last review", "risks", "evidence"]  # fmt: skip
    rows = [
        [r.control, r.title, {True: "yes", False: "no", None: ""}[r.applicable], r.justification, r.implementation,
         r.coverage, r.owner, r.reviewed, ", ".join(r.risks), ", ".join(r.evidence)]
        for r in pack.soa
    ]  # fmt: skip
    return header, rows


# ---------------------------------------------------------------- the graph
def graph_export(store: Store, rdf_format: str, graph: str | None = None) -> str:
    """The whole dataset (all named graphs) or one named graph (`graph`: catalog, org ...), serialised."""
    if graph is not None and graph not in {g.value for g in GraphName}:
        raise InputError(f"unknown graph '{graph}'; graphs: {', '.join(g.value for g in GraphName)}")
    if graph is None and rdf_format == "turtle":
        raise InputError("the whole store holds several graphs: use --format trig, nquads or json-ld, or --graph NAME")
    name = GraphName(graph) if graph else None
    return store.dump(GRAPH_FORMATS[rdf_format], name).decode("utf-8")
