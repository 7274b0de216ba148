"""What the document viewer reads: a document's register entry, its versions' passages in reading order.

Plain functions of a Store returning plain rows, so the caches in state.py can pickle them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aimsgraph.documents.extraction import is_supported
from aimsgraph.store import Store
from aimsgraph.vocabulary.namespaces import GraphName, org_iri

REGISTER = """
SELECT ?title ?file ?kind ?owner ?issued ?due ?interval ?recorded WHERE {
  OPTIONAL { ?d dcterms:title ?title } OPTIONAL { ?d aims:file ?file } OPTIONAL { ?d aims:evidenceKind ?kind }
  OPTIONAL { ?d aims:owner/rdfs:label ?owner } OPTIONAL { ?d dcterms:issued ?issued }
  OPTIONAL { ?d aims:reviewDue ?due } OPTIONAL { ?d aims:reviewInterval ?interval }
  OPTIONAL { ?d aims:recordedSha256 ?recorded } }
"""
SYSTEMS = "SELECT ?system WHERE { ?d aims:appliesTo/aims:id ?system }"
PASSAGES = """
SELECT ?version ?file ?sha ?next ?passage ?text ?heading ?page ?start WHERE {
  GRAPH <urn:aims:graph:documents> {
    ?version aims:versionOf ?d ; aims:file ?file ; aims:sha256 ?sha .
    OPTIONAL { ?version aims:supersededBy ?next }
    ?passage aims:inVersion ?version ; aims:text ?text ; aims:startOffset ?start .
    OPTIONAL { ?passage aims:headingPath ?heading } OPTIONAL { ?passage aims:page ?page } } }
ORDER BY ?version ?start
"""


@dataclass
class Version:
    """One ingested version of a document: its file, hash, whether current, and its passages in reading order."""

    iri: str
    file: str
    sha256: str
    current: bool
    passages: list[dict[str, Any]] = field(default_factory=list)  # {iri, text, heading, page}


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def register_entry(store: Store, document: str) -> dict[str, str]:
    """The register's facts about one evidence id (empty values where the register says nothing)."""
    node = org_iri("evidence", document)
    rows = store.select(REGISTER, {"d": node})
    names = ("title", "file", "kind", "owner", "issued", "review due", "review interval", "recorded sha256")
    entry = {name: _text(value) for name, value in zip(names, rows[0], strict=True)} if rows else {}
    entry["systems"] = ", ".join(sorted(str(s) for (s,) in store.select(SYSTEMS, {"d": node})))
    return entry


def versions(store: Store, document: str) -> list[Version]:
    """The document's ingested versions with their passages, current one first."""
    found: dict[str, Version] = {}
    for version, file, sha, nxt, passage, text, heading, page, _start in store.select(
        PASSAGES, {"d": org_iri("evidence", document)}
    ):
        v = found.setdefault(str(version), Version(str(version), str(file), str(sha), nxt is None))
        v.passages.append({"iri": str(passage), "text": str(text), "heading": _text(heading), "page": _text(page)})
    return sorted(found.values(), key=lambda v: not v.current)


REGISTERED_FILES = "SELECT ?file WHERE { ?d aims:file ?file }"


def unregistered_files(store: Store, root: Path) -> list[str]:
    """Readable files in documents/ that no register entry names (uploads waiting for their register facts)."""
    named = {str(f) for (f,) in store.select(REGISTERED_FILES, graphs=(GraphName.ORG,))}
    folder = root / "documents"
    found = sorted(p for p in folder.rglob("*") if p.is_file() and is_supported(p) and not p.name.startswith("."))
    return [f for f in (p.relative_to(root).as_posix() for p in found) if f not in named]
