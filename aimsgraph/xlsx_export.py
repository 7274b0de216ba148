"""The coverage workbook an analyst hands to an auditor: Matrix, SoA, Findings and Evidence register sheets.

Every sheet has a frozen, bold header row and an autofilter; matrix and SoA cells are coloured by status.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from aimsgraph.exports import AuditPack, matrix_header, matrix_rows, soa_table

STATUS_COLOURS = {
    "covered": "C6EFCE",
    "stale": "FFEB9C",
    "design-only": "DDEBF7",
    "missing": "FFC7CE",
    "excluded": "E7E6E6",
}
SEVERITY_COLOURS = {"violation": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}
# One fill object per status, shared by every cell: openpyxl then writes one style, and fast.
FILLS = {name: PatternFill("solid", start_color=rgb, end_color=rgb) for name, rgb in STATUS_COLOURS.items()}
SEVERITY_FILLS = {name: PatternFill("solid", start_color=rgb, end_color=rgb) for name, rgb in SEVERITY_COLOURS.items()}
BOLD = Font(bold=True)


def _sheet(
    book: Workbook, title: str, header: Sequence[str], rows: Sequence[Sequence[object]], freeze: str
) -> Worksheet:
    sheet = book.create_sheet(title)
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = BOLD
    for row in rows:
        sheet.append(list(row))
    sheet.freeze_panes = freeze
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(len(header), 1))}{len(rows) + 1}"
    return sheet


def _widths(sheet: Worksheet, widths: Sequence[int]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _colour_by_prefix(sheet: Worksheet, first_column: int, last_column: int, fills: dict[str, PatternFill]) -> None:
    for row in sheet.iter_rows(min_row=2, min_col=first_column, max_col=last_column):
        for cell in row:
            fill = fills.get(str(cell.value or "").split(":")[0])
            if fill is not None:
                cell.fill = fill


def _matrix_sheet(book: Workbook, pack: AuditPack) -> None:
    header, rows = matrix_header(pack.matrix), matrix_rows(pack.matrix)
    sheet = _sheet(book, "Matrix", header, rows, "E2")
    _colour_by_prefix(sheet, 5, len(header), FILLS)
    _widths(sheet, [10, 9, 48, 10] + [22] * (len(header) - 4))


def _soa_sheet(book: Workbook, pack: AuditPack) -> None:
    header, rows = soa_table(pack)
    sheet = _sheet(book, "SoA", header, rows, "C2")
    _colour_by_prefix(sheet, 6, 6, FILLS)
    _widths(sheet, [10, 40, 11, 50, 15, 12, 12, 12, 20, 40])


def _findings_sheet(book: Workbook, pack: AuditPack) -> None:
    header = ["severity", "rule", "focus", "requirement", "system", "message", "fix"]
    findings = pack.findings.findings if pack.findings else []
    rows = [[f.severity, f.rule, f.focus, f.requirement or "", f.system or "", f.message, f.fix] for f in findings]
    sheet = _sheet(book, "Findings", header, rows, "A2")
    _colour_by_prefix(sheet, 1, 1, SEVERITY_FILLS)
    _widths(sheet, [10, 26, 26, 12, 16, 70, 60])


def _register_sheet(book: Workbook, pack: AuditPack) -> None:
    header = ["id", "title", "file", "kind", "nature", "owner", "issued", "review interval", "review due", "current",
              "recorded SHA-256", "SHA-256 now", "supports"]  # fmt: skip
    rows = [
        [r.id, r.title, r.file, r.kind, r.nature, r.owner, r.issued, r.review_interval, r.review_due,
         "yes" if r.current else "no (stale)", r.recorded_sha256, r.sha256, ", ".join(r.supports)]
        for r in pack.register
    ]  # fmt: skip
    sheet = _sheet(book, "Evidence register", header, rows, "B2")
    for row in sheet.iter_rows(min_row=2, min_col=10, max_col=10):
        row[0].fill = FILLS["covered"] if row[0].value == "yes" else FILLS["stale"]
    _widths(sheet, [28, 45, 40, 16, 10, 12, 11, 10, 11, 10, 66, 66, 40])


def coverage_workbook(pack: AuditPack) -> bytes:
    """The four-sheet workbook as XLSX bytes."""
    book = Workbook()
    book.remove(book.worksheets[0])  # the default empty sheet
    _matrix_sheet(book, pack)
    _soa_sheet(book, pack)
    _findings_sheet(book, pack)
    _register_sheet(book, pack)
    book.properties.title = f"ISO/IEC 42001 coverage on {pack.matrix.as_of.isoformat()}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
