"""The coverage workbook an analyst hands to an auditor: Matrix, SoA, Findings and Evidence register sheets.

Every sheet has a frozen, bold header row and an autofilter; matrix and SoA cells are coloured by status.
"""

from __future__ import annotations

from collections.abc import Iterator

from aimsgraph.export.audit import AuditPack, matrix_header, matrix_rows, soa_table
from aimsgraph.export.xlsx_writer import Cell, Sheet, workbook_bytes

STATUS_COLOURS = {
    "covered": "C6EFCE",
    "stale": "FFEB9C",
    "design-only": "DDEBF7",
    "missing": "FFC7CE",
    "excluded": "E7E6E6",
    "not-applicable": "F2F2F2",
}
# Findings reuse the status colours: a violation reads like a gap, a warning like stale evidence.
SEVERITY_STATUS = {"violation": "missing", "warning": "stale", "info": "design-only"}
# A registered file that no longer matches its hash, or is gone, reads like a gap.
INTEGRITY_STATUS = {"matches": "covered", "changed": "missing", "missing file": "missing"}


def _filled(value: str) -> Cell:
    """A cell coloured by the status its text starts with (`covered: ai-policy` -> covered)."""
    status = value.split(":")[0]
    return (value, status) if status in STATUS_COLOURS else value


def _matrix_sheet(pack: AuditPack) -> Sheet:
    header = matrix_header(pack.matrix)
    rows = ([*row[:4], *(_filled(v) for v in row[4:])] for row in matrix_rows(pack.matrix))
    return Sheet("Matrix", header, rows, [10, 9, 48, 10] + [22] * (len(header) - 4), "E2")


def _soa_sheet(pack: AuditPack) -> Sheet:
    header, rows = soa_table(pack)
    cells = ([*row[:5], _filled(row[5]), *row[6:]] for row in rows)
    return Sheet("SoA", header, cells, [10, 40, 11, 50, 15, 12, 12, 12, 20, 40], "C2")


def _findings_sheet(pack: AuditPack) -> Sheet:
    header = ["severity", "rule", "focus", "requirement", "system", "message", "fix"]
    findings = pack.findings.findings if pack.findings else []
    severity: list[Cell] = [(f.severity, SEVERITY_STATUS.get(f.severity, "")) for f in findings]
    rows = (
        [coloured, f.rule, f.focus, f.requirement or "", f.system or "", f.message, f.fix]
        for coloured, f in zip(severity, findings, strict=True)
    )
    return Sheet("Findings", header, rows, [10, 26, 26, 12, 16, 70, 60], "A2")


def _register_rows(pack: AuditPack) -> Iterator[list[Cell]]:
    for r in pack.register:
        current: Cell = ("yes", "covered") if r.current else ("no (stale)", "stale")
        integrity: Cell = (r.integrity, INTEGRITY_STATUS.get(r.integrity, ""))
        yield [r.id, r.title, r.file, r.kind, r.nature, r.owner, r.issued, r.review_interval, r.review_due,
               current, r.recorded_sha256, r.sha256, integrity, ", ".join(r.supports)]  # fmt: skip


def _register_sheet(pack: AuditPack) -> Sheet:
    header = ["id", "title", "file", "kind", "nature", "owner", "issued", "review interval", "review due", "current",
              "registered SHA-256", "SHA-256 now", "integrity", "supports"]  # fmt: skip
    widths = [28, 45, 40, 16, 10, 12, 11, 10, 11, 10, 66, 66, 12, 40]
    return Sheet("Evidence register", header, _register_rows(pack), widths, "B2")


def coverage_workbook(pack: AuditPack) -> bytes:
    """The four-sheet workbook as XLSX bytes."""
    sheets = [_matrix_sheet(pack), _soa_sheet(pack), _findings_sheet(pack), _register_sheet(pack)]
    return workbook_bytes(sheets, STATUS_COLOURS, f"ISO/IEC 42001 coverage on {pack.matrix.as_of.isoformat()}")
