"""Text out of documents (PDF, DOCX, Markdown, HTML, plain text), split into passages that keep their place.

Every reader turns a file into blocks (text, page, heading path); `split_passages` joins blocks under one
heading into passages of a readable size, with character offsets into the document's extracted text.
Files that are unsafe or unreadable raise `ExtractionError` with a one-line reason.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docx.table import Table

SUFFIXES = {".pdf": "pdf", ".docx": "docx", ".md": "markdown", ".markdown": "markdown", ".html": "html"}
SUFFIXES |= {".htm": "html", ".txt": "text", ".text": "text"}
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
# A DOCX that inflates past this, or whose members compress better than this ratio, is treated as a zip bomb.
ZIP_MAX_UNPACKED = 200 * 1024 * 1024
ZIP_MAX_RATIO = 100
TARGET_WORDS = 90
MAX_WORDS = 160
MIN_WORDS = 15  # a shorter tail joins the passage before it (same page and heading) instead of standing alone


Read = tuple[list["Block"], str]  # blocks in reading order and a title ("" when the file names none)


class ExtractionError(Exception):
    """A file that cannot be read safely; the message is the reason shown to the user."""


@dataclass(frozen=True)
class Block:
    """One paragraph-like piece of a document in reading order."""

    text: str
    page: int | None
    headings: tuple[str, ...]


@dataclass(frozen=True)
class Passage:
    """A piece of a document's text with its place: page, heading path and offsets into the document text."""

    text: str
    page: int | None
    heading_path: str
    start: int
    end: int


@dataclass(frozen=True)
class ExtractedDocument:
    """A read document: its hash, a title and passages."""

    path: Path
    sha256: str
    title: str
    passages: tuple[Passage, ...]


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def is_supported(path: Path) -> bool:
    """Whether the file's suffix names a format we read."""
    return path.suffix.lower() in SUFFIXES


def check_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Raise ExtractionError for a file that must not be parsed (unknown type, empty, too large)."""
    if not is_supported(path):
        raise ExtractionError(f"unsupported file type '{path.suffix}'")
    size = path.stat().st_size
    if size == 0:
        raise ExtractionError("empty file")
    if size > max_bytes:
        raise ExtractionError(f"file too large ({size / 2**20:.0f} MB; the limit is {max_bytes / 2**20:.0f} MB)")


def extract(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, sha256: str | None = None) -> ExtractedDocument:
    """Read `path` into passages; raise ExtractionError with the reason when it cannot be read safely."""
    check_file(path, max_bytes)
    data = path.read_bytes()
    reader = READERS[SUFFIXES[path.suffix.lower()]]
    try:
        blocks, title = reader(data)
    except ExtractionError:
        raise
    except Exception as exc:  # any parser failure on a bad file becomes one reason line
        raise ExtractionError(f"cannot parse: {type(exc).__name__}: {str(exc)[:120]}") from None
    passages = split_passages(blocks)
    if not passages:
        raise ExtractionError("no text found")
    title = title or next((b.headings[0] for b in blocks if b.headings), "") or path.stem.replace("-", " ")
    return ExtractedDocument(path, sha256 or hashlib.sha256(data).hexdigest(), title, tuple(passages))


def extract_text(text: str, name: str = "text") -> ExtractedDocument:
    """Passages of a string (for evaluation and tests), read as Markdown."""
    blocks, _ = _read_markdown(text.encode("utf-8"))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return ExtractedDocument(Path(name), digest, name, tuple(split_passages(blocks)))


# ---------------------------------------------------------------- passages
def _pieces(block: Block) -> list[str]:
    """A block cut at sentence ends into pieces of at most MAX_WORDS words."""
    if len(block.text.split()) <= MAX_WORDS:
        return [block.text]
    pieces: list[str] = []
    current: list[str] = []
    for sentence in re.split(r"(?<=[.!?;])\s+", block.text):
        if current and len(" ".join([*current, sentence]).split()) > TARGET_WORDS:
            pieces.append(" ".join(current))
            current = []
        current.append(sentence)
    return pieces + ([" ".join(current)] if current else [])


def split_passages(blocks: list[Block]) -> list[Passage]:
    """Join blocks under the same heading and page into passages of about TARGET_WORDS words."""
    passages: list[Passage] = []
    offset = 0
    group: list[tuple[str, int]] = []  # (text, start offset)
    key: tuple[int | None, tuple[str, ...]] | None = None

    def flush() -> None:
        if group and key is not None:
            text = " ".join(t for t, _ in group)
            start = group[0][1]
            passages.append(Passage(text, key[0], " > ".join(key[1]), start, group[-1][1] + len(group[-1][0])))
        group.clear()

    for block in blocks:
        for piece in _pieces(block):
            words = len(piece.split())
            size = sum(len(t.split()) for t, _ in group) + words
            full = size > TARGET_WORDS and not (words < MIN_WORDS and size <= MAX_WORDS)
            if key != (block.page, block.headings) or full:
                flush()
                key = (block.page, block.headings)
            group.append((piece, offset))
            offset += len(piece) + 2  # blocks are joined by a blank line in the document text
    flush()
    return passages


# ---------------------------------------------------------------- readers
def _decode(data: bytes) -> str:
    head = data[:8192]
    if b"\x00" in head or sum(b < 9 or 13 < b < 32 for b in head) > len(head) // 20:
        raise ExtractionError("binary content in a text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExtractionError(f"not UTF-8 text (byte {exc.start}); save it as UTF-8") from None


# Bullets drawn with symbol fonts come out of PDFs as DEL or private-use characters; other control characters are
# noise. The analyst sees a bullet or a space instead of a box.
_BULLET_CHARS = re.compile("[\x7f\ue000-\uf8ff]")
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _clean(text: str) -> str:
    return " ".join(_CONTROL_CHARS.sub(" ", _BULLET_CHARS.sub("•", text)).split())


def _read_text(data: bytes) -> Read:
    text = _decode(data)
    return [Block(_clean(p), None, ()) for p in re.split(r"\n\s*\n", text) if p.strip()], ""


def _read_markdown(data: bytes) -> Read:
    from markdown_it import MarkdownIt

    text = re.sub(r"<!--.*?-->", " ", _decode(data), flags=re.DOTALL)  # comments are not content
    tokens = MarkdownIt("commonmark", {"html": False}).enable("table").parse(text)
    blocks: list[Block] = []
    headings: list[tuple[int, str]] = []
    level = 0
    for token in tokens:
        if token.type == "heading_open":
            level = int(token.tag[1])
        elif token.type == "inline" and level:
            headings = [h for h in headings if h[0] < level] + [(level, _clean(token.content))]
            level = 0
        elif token.type in ("inline", "fence", "code_block") and _clean(token.content):
            text = _plain(token) if token.type == "inline" else token.content
            blocks.append(Block(_clean(text), None, tuple(h for _, h in headings)))
    return blocks, ""


def _plain(token: Any) -> str:
    """An inline token's text without its markup (**bold**, `code`, [links](...) read as their words)."""
    parts = [
        child.content if child.type in ("text", "code_inline") else " "
        for child in token.children or []
        if child.type in ("text", "code_inline", "softbreak", "hardbreak")
    ]
    return "".join(parts) or token.content


def _read_html(data: bytes) -> Read:
    from bs4 import BeautifulSoup

    _decode(data)  # rejects binary content early
    soup = BeautifulSoup(data, "lxml")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    wanted = ["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "td", "th", "pre", "blockquote", "dd", "dt", "caption"]
    blocks: list[Block] = []
    headings: list[tuple[int, str]] = []
    for element in soup.find_all(wanted):
        if element.find_parent(wanted[6:]) is not None:
            continue  # text inside a list item or cell is read with its container
        text = _clean(element.get_text(" "))
        if not text:
            continue
        if element.name[0] == "h" and element.name[1:].isdigit():
            level = int(element.name[1:])
            headings = [h for h in headings if h[0] < level] + [(level, text)]
        else:
            blocks.append(Block(text, None, tuple(h for _, h in headings)))
    return blocks, _clean(soup.title.get_text()) if soup.title else ""


def _check_zip(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ExtractionError("not a valid DOCX (zip) file") from None
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if info.file_size > 1_000_000 and info.file_size > ZIP_MAX_RATIO * max(info.compress_size, 1):
            raise ExtractionError(f"zip bomb suspected ({info.filename} inflates {info.file_size // 2**20} MB)")
    if total > ZIP_MAX_UNPACKED:
        raise ExtractionError(f"zip bomb suspected (inflates to {total // 2**20} MB)")
    return archive


def _read_docx(data: bytes) -> Read:
    """Paragraphs and tables in document order, each table under the heading it stands beneath."""
    import docx
    from docx.table import Table

    _check_zip(data)
    document = docx.Document(io.BytesIO(data))
    blocks: list[Block] = []
    headings: list[tuple[int, str]] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            blocks += [Block(row, None, tuple(h for _, h in headings)) for row in _table_rows(item)]
            continue
        text = _clean(item.text)
        style = (item.style.name or "") if item.style is not None else ""  # public API only (no private _p)
        if not text:
            continue
        if style.startswith("Heading") or style == "Title":
            level = int(style.split()[-1]) if style.split()[-1].isdigit() else 1
            headings = [h for h in headings if h[0] < level] + [(level, text)]
        else:
            blocks.append(Block(text, None, tuple(h for _, h in headings)))
    return blocks, _clean(document.core_properties.title or "")


def _table_rows(table: Table) -> list[str]:
    """One line per table row, cells joined by ' | ' (a merged cell once)."""
    rows = (_clean(" | ".join(dict.fromkeys(cell.text for cell in row.cells))) for row in table.rows)
    return [row for row in rows if row]


def _read_pdf(data: bytes) -> Read:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractionError("encrypted PDF (remove the password and ingest again)")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = _clean(str(reader.metadata.title or "")) if reader.metadata else ""
    except PdfReadError as exc:
        raise ExtractionError(f"corrupt PDF: {str(exc)[:120]}") from None
    blocks: list[Block] = []
    for number, text in enumerate(pages, start=1):
        blocks += _pdf_blocks(text, number)
    return blocks, title


def _pdf_blocks(text: str, page: int) -> list[Block]:
    """Paragraphs of one PDF page; short lines without a full stop are taken as headings."""
    blocks: list[Block] = []
    heading: tuple[str, ...] = ()
    paragraph: list[str] = []
    lines = [line.strip() for line in [*text.splitlines(), ""]]
    for index, line in enumerate(lines):
        follows = lines[index + 1] if index + 1 < len(lines) else ""
        # A short capitalised line without a full stop is a heading, unless the next line carries on its
        # sentence (starts in lower case): then it is a wrapped line, e.g. of a table cell.
        looks_like_heading = (
            0 < len(line) < 70
            and not line.endswith((".", ",", ";", ":"))
            and line[:1].isupper()
            and not follows[:1].islower()
        )
        if not line or (looks_like_heading and not paragraph):
            if paragraph:
                blocks.append(Block(_clean(" ".join(paragraph)), page, heading))
                paragraph = []
            if line:
                heading = (line,)
            continue
        paragraph.append(line)
        if line.endswith((".", "!", "?")) and len(" ".join(paragraph).split()) > 40:
            blocks.append(Block(_clean(" ".join(paragraph)), page, heading))
            paragraph = []
    return blocks


READERS: dict[str, Callable[[bytes], Read]] = {
    "pdf": _read_pdf,
    "docx": _read_docx,
    "markdown": _read_markdown,
    "html": _read_html,
    "text": _read_text,
}
