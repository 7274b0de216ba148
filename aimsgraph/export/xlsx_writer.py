"""A small streaming XLSX writer: text cells, a few solid fills, bold headers, frozen panes, autofilters.

openpyxl spends ~40 us per cell building cell objects and hashing styles; the coverage workbook of 1,000 AI
systems has ~240,000 cells, so we write the SpreadsheetML parts ourselves (one string join per row) and zip
them. Only what the coverage workbook needs: inline strings, one style per cell, no formulas or numbers.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from io import BytesIO
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Characters XML 1.0 cannot carry at all: dropped rather than making the file unreadable.
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

Cell = str | tuple[str, str]  # plain text, or (text, fill name)


@dataclass
class Sheet:
    """One worksheet: a bold header row, data rows, column widths and the first unfrozen cell (e.g. "E2")."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Cell]]
    widths: Sequence[float] = ()
    freeze: str = "A2"
    count: int = field(default=0, init=False)


def column_letter(index: int) -> str:
    """Spreadsheet column name of a 0-based index (0 -> A, 26 -> AA)."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _styles(fills: Sequence[str]) -> str:
    """styles.xml: style 0 plain, 1 bold, 2.. one solid fill each (in the order of `fills`)."""
    fill_xml = "".join(
        f'<fill><patternFill patternType="solid"><fgColor rgb="FF{rgb}"/><bgColor rgb="FF{rgb}"/></patternFill></fill>'
        for rgb in fills
    )
    xfs = '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    xfs += '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    xfs += "".join(
        f'<xf numFmtId="0" fontId="0" fillId="{i + 2}" borderId="0" xfId="0" applyFill="1"/>' for i in range(len(fills))
    )
    return (
        f'{DECLARATION}<styleSheet xmlns="{MAIN}">'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        f'<fills count="{len(fills) + 2}"><fill><patternFill patternType="none"/></fill>'
        f'<fill><patternFill patternType="gray125"/></fill>{fill_xml}</fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{len(fills) + 2}">{xfs}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    )


def _text(value: str) -> str:
    text = escape(_INVALID.sub("", value))
    return f'<t xml:space="preserve">{text}</t>' if text != text.strip() else f"<t>{text}</t>"


def _row(number: int, cells: Sequence[Cell], letters: list[str], styles: dict[str, int]) -> str:
    """One <row>: empty plain cells are left out; a fill name picks its style."""
    out = []
    for index, cell in enumerate(cells):
        value, style = (cell, 0) if isinstance(cell, str) else (cell[0], styles.get(cell[1], 0))
        if not value and not style:
            continue
        attrs = f' s="{style}"' if style else ""
        out.append(f'<c r="{letters[index]}{number}" t="inlineStr"{attrs}><is>{_text(value)}</is></c>')
    return f'<row r="{number}">{"".join(out)}</row>'


def _pane(freeze: str) -> str:
    match = re.fullmatch(r"([A-Z]+)(\d+)", freeze)
    assert match is not None, freeze
    columns = sum((ord(c) - 64) * 26**i for i, c in enumerate(reversed(match[1]))) - 1
    rows = int(match[2]) - 1
    split = (f' xSplit="{columns}"' if columns else "") + (f' ySplit="{rows}"' if rows else "")
    pane = {(True, True): "bottomRight", (False, True): "bottomLeft", (True, False): "topRight"}[
        (columns > 0, rows > 0)
    ]
    return (
        f'<sheetViews><sheetView workbookViewId="0"><pane{split} topLeftCell="{freeze}" activePane="{pane}" '
        f'state="frozen"/><selection pane="{pane}"/></sheetView></sheetViews>'
    )


def _sheet_xml(sheet: Sheet, styles: dict[str, int]) -> str:
    """A worksheet part; counts the data rows into `sheet.count` (the autofilter range needs it)."""
    width = len(sheet.header)
    letters = [column_letter(i) for i in range(max(width, 1))]
    body = [_row(1, [(h, "bold") for h in sheet.header], letters, styles)]
    for number, cells in enumerate(sheet.rows, start=2):
        body.append(_row(number, cells, letters, styles))
    sheet.count = len(body) - 1
    ref = f"A1:{letters[max(width, 1) - 1]}{sheet.count + 1}"
    cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(sheet.widths, 1))
    return (
        f'{DECLARATION}<worksheet xmlns="{MAIN}" xmlns:r="{REL}"><dimension ref="{ref}"/>{_pane(sheet.freeze)}'
        f'<sheetFormatPr defaultRowHeight="15"/>{f"<cols>{cols}</cols>" if cols else ""}'
        f'<sheetData>{"".join(body)}</sheetData><autoFilter ref="{ref}"/></worksheet>'
    )


def _package_parts(sheets: Sequence[Sheet], title: str) -> dict[str, str]:
    """Every part except the worksheets: content types, relationships, workbook, document properties."""
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    sheet_list = "".join(
        f'<sheet name="{escape(s.title)}" sheetId="{i}" r:id="rId{i}"/>' for i, s in enumerate(sheets, 1)
    )
    filters = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
        f"'{escape(s.title)}'!$A$1:${column_letter(max(len(s.header), 1) - 1)}${s.count + 1}</definedName>"
        for i, s in enumerate(sheets)
    )
    sheet_rels = "".join(
        f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "[Content_Types].xml": f'{DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        f'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>{overrides}</Types>',
        "_rels/.rels": f'{DECLARATION}<Relationships xmlns="{PKG_REL}">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
        'core-properties" Target="docProps/core.xml"/></Relationships>',
        "docProps/core.xml": f"{DECLARATION}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:creator>aimsgraph</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created></cp:coreProperties>',
        "xl/workbook.xml": f'{DECLARATION}<workbook xmlns="{MAIN}" xmlns:r="{REL}"><bookViews><workbookView/>'
        f"</bookViews><sheets>{sheet_list}</sheets><definedNames>{filters}</definedNames></workbook>",
        "xl/_rels/workbook.xml.rels": f'{DECLARATION}<Relationships xmlns="{PKG_REL}">{sheet_rels}'
        f'<Relationship Id="rId{len(sheets) + 1}" Type="{REL}/styles" Target="styles.xml"/></Relationships>',
    }


def workbook_bytes(sheets: Sequence[Sheet], fills: dict[str, str], title: str = "") -> bytes:
    """An XLSX file holding `sheets`; `fills` maps a fill name used in cells to an RGB colour ("C6EFCE")."""
    styles = {"bold": 1} | {name: index + 2 for index, name in enumerate(fills)}
    buffer = BytesIO()
    # Level 1 deflate: most of the size gain of the default level at a fraction of its time.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for index, sheet in enumerate(sheets, start=1):
            archive.writestr(f"xl/worksheets/sheet{index}.xml", _sheet_xml(sheet, styles))
        archive.writestr("xl/styles.xml", _styles(list(fills.values())))
        for name, text in _package_parts(sheets, title).items():
            archive.writestr(name, text)
    return buffer.getvalue()
