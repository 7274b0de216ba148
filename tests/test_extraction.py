"""Extraction: every format gives passages that keep their place; unsafe or unreadable files raise one reason."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from pypdf import PdfWriter

from aimsgraph.documents.extraction import ExtractionError, extract, split_passages
from tests.conftest import DEMO

DOCS = DEMO / "documents"


@pytest.mark.parametrize(
    "name",
    ["ai-policy.pdf", "ai-lifecycle-procedure.docx", "ai-incident-response-procedure.md", "speak-up-procedure.html"],
)
def test_each_format_gives_located_passages(name: str) -> None:
    document = extract(DOCS / name)
    assert len(document.passages) >= 3
    assert document.title and len(document.sha256) == 64
    assert any(p.heading_path for p in document.passages)
    for passage in document.passages:
        assert passage.text and passage.end > passage.start >= 0
        assert len(passage.text.split()) <= 200
    if name.endswith(".pdf"):
        assert {p.page for p in document.passages} >= {1, 2}


def test_markdown_heading_path_and_offsets(tmp_path: Path) -> None:
    path = tmp_path / "p.md"
    path.write_text("# Policy\n\nIntro text here.\n\n## Logging\n\nWe keep event logs for a year.\n", encoding="utf-8")
    passages = extract(path).passages
    assert passages[-1].heading_path == "Policy > Logging"
    assert "event logs" in passages[-1].text and passages[-1].start > passages[0].start


def test_docx_is_read_in_document_order_with_tables_under_their_heading(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("AI Policy", level=1)
    document.add_paragraph("This policy sets how the organisation governs its AI systems.")
    document.add_heading("Roles", level=2)
    table = document.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, [("Role", "Holder"), ("AI risk owner", "Head of AI governance")], strict=True):
        row.cells[0].text, row.cells[1].text = cells
    document.add_heading("Logging", level=2)
    document.add_paragraph("We keep AI event logs for twelve months.")
    path = tmp_path / "policy.docx"
    document.save(str(path))
    passages = extract(path).passages
    assert [p.heading_path for p in passages] == ["AI Policy", "AI Policy > Roles", "AI Policy > Logging"]
    assert passages[1].text == "Role | Holder AI risk owner | Head of AI governance"
    assert passages[1].start == passages[0].end + 2 and passages[2].start == passages[1].end + 2  # in reading order
    assert "event logs" in passages[2].text


def test_long_blocks_are_split_at_sentences() -> None:
    from aimsgraph.documents.extraction import Block

    text = " ".join(f"Sentence number {i} says something about logs." for i in range(80))
    passages = split_passages([Block(text, None, ("H",))])
    assert len(passages) > 3 and all(p.text.endswith(".") for p in passages)


def test_markdown_passages_are_plain_text(tmp_path: Path) -> None:
    path = tmp_path / "log.md"
    path.write_text("# Log\n\n**Reported by:** the `on-call` lead; see [the runbook](runbook.md).\n", encoding="utf-8")
    assert extract(path).passages[0].text == "Reported by: the on-call lead; see the runbook."


def test_a_short_tail_joins_the_passage_before_it() -> None:
    from aimsgraph.documents.extraction import MIN_WORDS, TARGET_WORDS, Block

    body = Block(" ".join(["word"] * (TARGET_WORDS - 2)) + ".", 1, ("H",))
    tail = Block("Due diligence and contract schedule.", 1, ("H",))
    passages = split_passages([body, tail])
    assert len(passages) == 1 and passages[0].text.endswith("contract schedule.")
    long_tail = Block(" ".join(["more"] * MIN_WORDS) + ".", 1, ("H",))
    assert len(split_passages([body, long_tail])) == 2  # a tail of full size stands on its own


def test_a_wrapped_pdf_line_is_not_a_heading() -> None:
    from aimsgraph.documents.extraction import _pdf_blocks

    text = "Scope\nMembers expect clear requirements and fair contract\nterms from every supplier we use.\n"
    blocks = _pdf_blocks(text, 1)
    assert [b.headings for b in blocks] == [("Scope",)]
    assert blocks[0].text.endswith("fair contract terms from every supplier we use.")


def _bad_files(folder: Path) -> dict[str, tuple[Path, str]]:
    """Each bad input of the issue, with a word its reason must contain."""
    corrupt = folder / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 20)
    encrypted = folder / "encrypted.pdf"
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt("secret")
    writer.write(encrypted)
    empty = folder / "empty.md"
    empty.touch()
    binary = folder / "binary.md"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00" + bytes(range(256)) * 8)
    latin = folder / "latin.txt"
    latin.write_bytes("Politique de l'IA: données protégées.".encode("latin-1"))
    huge = folder / "huge.md"
    with huge.open("wb") as stream:  # a sparse file: 300 MB on paper, nothing on disk, instant
        stream.truncate(300 * 2**20)
    bomb = folder / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (20 * 2**20))
    return {
        "corrupt": (corrupt, "PDF"),
        "encrypted": (encrypted, "encrypted"),
        "empty": (empty, "empty"),
        "binary": (binary, "binary"),
        "latin": (latin, "UTF-8"),
        "huge": (huge, "too large"),
        "bomb": (bomb, "zip bomb"),
    }


@pytest.mark.parametrize("kind", ["corrupt", "encrypted", "empty", "binary", "latin", "huge", "bomb"])
def test_bad_input_raises_one_line_reason(tmp_path: Path, kind: str) -> None:
    path, word = _bad_files(tmp_path)[kind]
    with pytest.raises(ExtractionError) as caught:
        extract(path)
    assert word.lower() in str(caught.value).lower()
    assert "\n" not in str(caught.value)


def test_symbol_font_bullets_and_control_characters_are_cleaned(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("\x7f First point\x0c and \uf0b7 second point.\n", encoding="utf-8")
    assert extract(path).passages[0].text == "• First point and • second point."
