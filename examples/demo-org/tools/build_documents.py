"""Build the demo organisation's PDF and DOCX documents from the sources in tools/sources/.

Each source is a small Markdown subset with a YAML front matter block:

    ---
    output: ai-policy.pdf          # file name written to documents/ (.pdf or .docx)
    title: Artificial Intelligence Policy
    doc_id: NWM-AIG-POL-001
    version: "3.0"
    owner: Priya Nair, Head of AI Governance
    approved_by: Board of Directors
    approved: 2026-02-03
    next_review: 2027-02-03
    classification: Internal
    ---
    ## 1. Purpose
    Paragraph text, **bold** allowed.
    - bullet
    1. numbered item (the number is kept as written)
    | table | header |
    |---|---|
    | cell | cell |

Output is deterministic: PDFs are written with reportlab's invariant mode and DOCX packages are re-zipped with
fixed timestamps, so rebuilding unchanged sources gives identical bytes (the recorded sha256 values stay valid).

Usage: python tools/build_documents.py [--check]   (--check: fail if a rebuild would change any file)
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"
DOCUMENTS = HERE.parent / "documents"
ORG_NAME = "Northwind Mutual"
FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)


@dataclass
class Block:
    """One block of a source body: heading, paragraph, bullet/numbered item or table."""

    kind: str  # h1 | h2 | p | bullet | number | table
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Source:
    meta: dict[str, str]
    blocks: list[Block]
    path: Path


def parse_source(path: Path) -> Source:
    """Split front matter from body and turn the body into blocks."""
    raw = path.read_text(encoding="utf-8")
    match = re.match(r"^---\n(.*?)\n---\n(.*)$", raw, re.DOTALL)
    if not match:
        raise SystemExit(f"{path}: missing front matter block")
    meta = {k: str(v) for k, v in yaml.safe_load(match.group(1)).items()}
    return Source(meta=meta, blocks=parse_body(match.group(2)), path=path)


def parse_body(body: str) -> list[Block]:
    blocks: list[Block] = []
    para: list[str] = []
    table: list[list[str]] = []

    def flush() -> None:
        if para:
            blocks.append(Block("p", " ".join(para)))
            para.clear()
        if table:
            blocks.append(Block("table", rows=[r[:] for r in table]))
            table.clear()

    for line in body.splitlines():
        stripped = line.strip()
        if stripped.startswith("|"):
            if para:
                blocks.append(Block("p", " ".join(para)))
                para.clear()
            if not re.fullmatch(r"\|[\s:|-]+\|", stripped):
                table.append([c.strip() for c in stripped.strip("|").split("|")])
            continue
        if table:
            flush()
        if not stripped:
            flush()
        elif stripped.startswith("### "):
            flush()
            blocks.append(Block("h2", stripped[4:]))
        elif stripped.startswith("## "):
            flush()
            blocks.append(Block("h1", stripped[3:]))
        elif stripped.startswith("- "):
            flush()
            blocks.append(Block("bullet", stripped[2:]))
        elif re.match(r"^(\d+[.)]|\d+(\.\d+)+) ", stripped):
            flush()
            blocks.append(Block("number", stripped))
        elif para or not blocks or blocks[-1].kind not in ("bullet", "number") or not line.startswith("  "):
            para.append(stripped)
        else:  # continuation line of a list item
            blocks[-1].text += " " + stripped
    flush()
    return blocks


def control_rows(meta: dict[str, str]) -> list[list[str]]:
    """The document-control block shown at the top of every generated document."""
    return [
        ["Document ID", meta["doc_id"], "Version", meta["version"]],
        ["Owner", meta["owner"], "Classification", meta.get("classification", "Internal")],
        ["Approved by", meta["approved_by"], "Approval date", meta["approved"]],
        ["Status", meta.get("status", "Approved"), "Next review", meta["next_review"]],
    ]


# --------------------------------------------------------------------------------------------- PDF
def build_pdf(src: Source) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_LEFT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    meta = src.meta
    base = getSampleStyleSheet()
    navy = colors.HexColor("#1F3A5F")
    styles = {
        "title": ParagraphStyle("T", parent=base["Title"], textColor=navy, fontSize=18, alignment=TA_LEFT),
        "h1": ParagraphStyle("H1", parent=base["Heading2"], textColor=navy, fontSize=13, spaceBefore=10),
        "h2": ParagraphStyle("H2", parent=base["Heading3"], textColor=navy, fontSize=11, spaceBefore=6),
        "p": ParagraphStyle("P", parent=base["BodyText"], fontSize=9.5, leading=13),
        "cell": ParagraphStyle("C", parent=base["BodyText"], fontSize=8.5, leading=10.5),
        "head": ParagraphStyle("CH", parent=base["BodyText"], fontSize=8.5, leading=10.5, fontName="Helvetica-Bold"),
    }

    def inline(text: str) -> str:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text)

    def table(rows: list[list[str]], header: bool, widths: list[float] | None = None) -> Table:
        cells = [
            [Paragraph(inline(c), styles["head" if (header and i == 0) else "cell"]) for c in row]
            for i, row in enumerate(rows)
        ]
        t = Table(cells, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
        style = [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#8899AA")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DCE4EE")))
        t.setStyle(TableStyle(style))
        return t

    width = A4[0] - 40 * mm
    story: list[object] = [Paragraph(ORG_NAME, styles["p"]), Paragraph(inline(meta["title"]), styles["title"])]
    ctl = table(control_rows(meta), header=False, widths=[width * 0.17, width * 0.38, width * 0.17, width * 0.28])
    ctl.setStyle(TableStyle([("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#EEF2F6")),
                             ("BACKGROUND", (2, 0), (2, -1), colors.HexColor("#EEF2F6"))]))
    story += [ctl, Spacer(1, 6 * mm)]
    pending: list[Block] = []

    def flush_list() -> None:
        if not pending:
            return
        if pending[0].kind == "bullet":
            items = [ListItem(Paragraph(inline(b.text), styles["p"]), leftIndent=12) for b in pending]
            story.append(ListFlowable(items, bulletType="bullet", start="\u2022", leftIndent=12))
        else:
            for b in pending:
                story.append(Paragraph(inline(b.text), ParagraphStyle("N", parent=styles["p"], leftIndent=14,
                                                                      firstLineIndent=-10)))
        pending.clear()

    for block in src.blocks:
        if block.kind in ("bullet", "number"):
            if pending and pending[0].kind != block.kind:
                flush_list()
            pending.append(block)
            continue
        flush_list()
        if block.kind == "table":
            story += [table(block.rows, header=True), Spacer(1, 3 * mm)]
        else:
            story.append(Paragraph(inline(block.text), styles[block.kind]))
    flush_list()

    def decorate(canvas, doc) -> None:  # type: ignore[no-untyped-def]
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(20 * mm, A4[1] - 12 * mm, f"{ORG_NAME} | {meta['title']}")
        canvas.drawRightString(A4[0] - 20 * mm, A4[1] - 12 * mm, meta.get("classification", "Internal"))
        canvas.drawString(20 * mm, 10 * mm, f"{meta['doc_id']} version {meta['version']}"
                                            " | Printed copies are uncontrolled")
        canvas.drawRightString(A4[0] - 20 * mm, 10 * mm, f"Page {doc.page}")
        canvas.restoreState()

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm, bottomMargin=18 * mm,
        title=meta["title"], author=meta.get("author", meta["owner"].split(",")[0]), subject=meta["doc_id"],
        creator=f"{ORG_NAME} document system", invariant=1,
    )
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return out.getvalue()


# -------------------------------------------------------------------------------------------- DOCX
def build_docx(src: Source) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    meta = src.meta
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)

    def add_runs(paragraph, text: str) -> None:  # type: ignore[no-untyped-def]
        for i, part in enumerate(re.split(r"\*\*(.+?)\*\*", text)):
            if part:
                paragraph.add_run(part).bold = i % 2 == 1

    def add_table(rows: list[list[str]], header: bool) -> None:
        t = doc.add_table(rows=len(rows), cols=max(len(r) for r in rows))
        t.style = "Table Grid"
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                cell = t.cell(r, c)
                cell.text = ""
                add_runs(cell.paragraphs[0], value)
                bold_label = (not header and c % 2 == 0)
                if (header and r == 0) or bold_label:
                    for run in cell.paragraphs[0].runs:
                        run.bold = True
        doc.add_paragraph()

    section = doc.sections[0]
    section.header.paragraphs[0].text = f"{ORG_NAME} | {meta['title']} | {meta.get('classification', 'Internal')}"
    footer = section.footer.paragraphs[0]
    footer.text = f"{meta['doc_id']} version {meta['version']} | Printed copies are uncontrolled"
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    org = doc.add_paragraph()
    org_run = org.add_run(ORG_NAME)
    org_run.font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)
    doc.add_heading(meta["title"], level=0)
    add_table(control_rows(meta), header=False)
    for block in src.blocks:
        if block.kind == "h1":
            doc.add_heading(block.text, level=1)
        elif block.kind == "h2":
            doc.add_heading(block.text, level=2)
        elif block.kind == "bullet":
            add_runs(doc.add_paragraph(style="List Bullet"), block.text)
        elif block.kind == "number":
            p = doc.add_paragraph()
            p.paragraph_format.left_indent = Pt(18)
            p.paragraph_format.first_line_indent = Pt(-12)
            add_runs(p, block.text)
        elif block.kind == "table":
            add_table(block.rows, header=True)
        else:
            add_runs(doc.add_paragraph(), block.text)

    stamp = dt.datetime.combine(dt.date.fromisoformat(meta["approved"]), dt.time(9, 0))
    props = doc.core_properties
    props.title = meta["title"]
    props.subject = meta["doc_id"]
    props.author = meta.get("author", meta["owner"].split(",")[0])
    props.last_modified_by = props.author
    props.created = stamp
    props.modified = stamp
    props.revision = 1
    props.comments = ""
    props.keywords = ""
    props.category = "Controlled document"
    raw = io.BytesIO()
    doc.save(raw)
    return rezip(raw.getvalue())


def rezip(data: bytes) -> bytes:
    """Rewrite a zip package with fixed timestamps so identical content gives identical bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report files a rebuild would change")
    args = parser.parse_args(argv)
    builders = {".pdf": build_pdf, ".docx": build_docx}
    changed = 0
    for path in sorted(SOURCES.glob("*.md")):
        src = parse_source(path)
        target = DOCUMENTS / src.meta["output"]
        data = builders[target.suffix](src)
        old = target.read_bytes() if target.exists() else None
        if old != data:
            changed += 1
            if not args.check:
                target.write_bytes(data)
        state = "same" if old == data else ("differs" if args.check else "written")
        print(f"{state:8} {target.name:48} {hashlib.sha256(data).hexdigest()[:12]}")
    if args.check and changed:
        print(f"{changed} file(s) would change", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
