"""Document intake: files -> documents, versions and passages in the `documents` graph, skipped by hash.

A file whose SHA-256 equals its current version is skipped without parsing. A changed file becomes a new
aims:DocumentVersion; the old one gets aims:supersededBy (and the new one prov:wasRevisionOf the old), and
accepted links to its passages are marked aims:Superseded (kept, never deleted). A file that cannot be read
safely is skipped with one reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, XSD

from aimsgraph.confinement import OutsideWorkspace, fenced, inside, shown
from aimsgraph.documents.extraction import (
    DEFAULT_MAX_BYTES,
    ExtractedDocument,
    ExtractionError,
    extract,
    file_sha256,
    is_supported,
)
from aimsgraph.facts.history import activity_record
from aimsgraph.store import Store
from aimsgraph.vocabulary.namespaces import AIMS, GraphName, local_id, org_iri
from aimsgraph.workspace import Workspace

Progress = Callable[[list[Path]], Iterable[Path]]

VERSIONS = """
SELECT ?file ?sha ?version ?doc ?next WHERE { GRAPH ?g {
  ?version a aims:DocumentVersion ; aims:file ?file ; aims:sha256 ?sha ; aims:versionOf ?doc .
  OPTIONAL { ?version aims:supersededBy ?next } } }
"""
FLUSH_TRIPLES = 20_000  # about 300 documents of ten passages per transaction
REGISTER = "SELECT ?doc ?file WHERE { GRAPH ?g { ?doc a aims:Document ; aims:file ?file } }"


@dataclass(frozen=True)
class Skipped:
    """A file left out, and why (one line)."""

    path: Path
    reason: str


@dataclass
class IngestReport:
    """What one ingest run did."""

    ingested: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    passages: int = 0


def slug(text: str) -> str:
    """A safe IRI part: lower-case letters, digits, dots and dashes."""
    return re.sub(r"[^a-z0-9.]+", "-", text.lower()).strip("-.") or "document"


def discover(paths: list[Path], root: Path | None = None) -> tuple[list[Path], list[Skipped]]:
    """Files to ingest under `paths` (folders searched for supported types) and explicit files we cannot read.

    With a workspace `root`, every path, named or found in a folder, must resolve (links followed) inside it:
    a host file, a folder elsewhere or a link in documents/ to either is skipped with the reason, never read.
    """
    found: list[Path] = []
    skipped: list[Skipped] = []
    for path in paths:
        if not path.exists():
            skipped.append(Skipped(path, "no such file"))
        elif root is not None and inside(root, path.absolute()) is None:  # named paths are the caller's, not root's
            skipped.append(Skipped(path, _outside(root, path)))
        elif path.is_dir():
            fence = root if root is not None else path
            for item in sorted(p for p in path.rglob("*") if p.is_file() and is_supported(p) and p.name[0] != "."):
                if inside(fence, item.absolute()) is None:
                    skipped.append(Skipped(item, _outside(fence, item)))
                else:
                    found.append(item)
        elif path.is_file():
            found.append(path)
        else:
            skipped.append(Skipped(path, "not a regular file: not read"))
    return found, skipped


def _outside(root: Path, path: Path) -> str:
    """Why a path is not read: where it leads, outside the workspace."""
    return (
        f"leads to {shown(path.resolve())}, outside the workspace {shown(root)} (after following links): "
        "not read; copy the file under documents/"
    )


def relative_file(workspace: Workspace, path: Path) -> str:
    """The path as stored in aims:file: relative to the workspace when inside it."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(workspace.root).as_posix()
    except ValueError:
        return resolved.as_posix()


def document_nodes(store: Store) -> dict[str, URIRef]:
    """Every known document (evidence register or minted by ingest) by its aims:file."""
    return {str(file): URIRef(str(doc)) for doc, file in store.select(REGISTER)}


def versions(store: Store) -> tuple[dict[str, tuple[str, URIRef]], set[str]]:
    """The current (not superseded) version of each ingested file, file -> (sha256, version IRI), and every
    version IRI already stored (current or superseded), from one query."""
    rows = store.select(VERSIONS)
    current = {str(f): (str(sha), URIRef(str(v))) for f, sha, v, _doc, nxt in rows if nxt is None}
    return current, {str(row[2]) for row in rows}


def version_iri(file: str, sha256: str, taken: set[str]) -> URIRef:
    """The IRI of a new version of `file`. Content that comes back (A -> B -> A) gets a new version with a
    revision suffix, so the history keeps the B step instead of pointing back at the first A."""
    base = f"urn:aims:version:{slug(file)}.{sha256[:12]}"
    iri, revision = base, 1
    while iri in taken:
        revision += 1
        iri = f"{base}.r{revision}"
    return URIRef(iri)


def version_graph(
    doc: URIRef,
    file: str,
    extracted: ExtractedDocument,
    minted: bool,
    version: URIRef | None = None,
    graph: Graph | None = None,
) -> Graph:
    """Triples of one document version and its passages (plus the document node when ingest mints it), added
    to `graph` when given (a batch) or to a new graph."""
    graph = Graph() if graph is None else graph
    version = version or version_iri(file, extracted.sha256, set())
    if minted:
        graph.add((doc, RDF.type, AIMS.Document))
        graph.add((doc, AIMS.id, Literal(str(doc).rsplit(":", 1)[1])))
        graph.add((doc, AIMS.file, Literal(file)))
        graph.add((doc, DCTERMS.title, Literal(extracted.title)))
        graph.add((doc, RDFS.label, Literal(extracted.title)))
    graph.add((version, RDF.type, AIMS.DocumentVersion))
    graph.add((version, AIMS.versionOf, doc))
    graph.add((version, AIMS.file, Literal(file)))
    graph.add((version, AIMS.sha256, Literal(extracted.sha256)))
    graph.add((version, DCTERMS.title, Literal(extracted.title)))
    for number, passage in enumerate(extracted.passages, start=1):
        node = URIRef(f"{version}.p{number}".replace(":version:", ":passage:"))
        graph.add((node, RDF.type, AIMS.Passage))
        graph.add((node, AIMS.inVersion, version))
        graph.add((node, AIMS.text, Literal(passage.text)))
        graph.add((node, AIMS.headingPath, Literal(passage.heading_path)))
        graph.add((node, AIMS.startOffset, Literal(passage.start, datatype=XSD.integer)))
        graph.add((node, AIMS.endOffset, Literal(passage.end, datatype=XSD.integer)))
        if passage.page is not None:
            graph.add((node, AIMS.page, Literal(passage.page, datatype=XSD.integer)))
    return graph


def supersede(store: Store, old: URIRef, new: URIRef) -> None:
    """Mark `old` superseded by `new` (and `new` prov:wasRevisionOf `old`, the PROV direction): accepted links
    to its passages become aims:Superseded; pending suggestions for it are withdrawn. All in one update."""
    link, passage = "?link aims:passage ?p", "?p aims:inVersion <{old}>"
    store.update(
        f"""PREFIX aims: <{AIMS._NS}>
INSERT DATA {{ GRAPH <{GraphName.DOCUMENTS.iri}> {{ <{old}> aims:supersededBy <{new}> .
  <{new}> <{PROV.wasRevisionOf}> <{old}> }} }} ;
DELETE {{ GRAPH <{GraphName.REVIEWS.iri}> {{ ?link aims:status aims:Accepted }} }}
INSERT {{ GRAPH <{GraphName.REVIEWS.iri}> {{ ?link aims:status aims:Superseded }} }}
WHERE {{ GRAPH <{GraphName.REVIEWS.iri}> {{ {link} ; aims:status aims:Accepted }}
        GRAPH <{GraphName.DOCUMENTS.iri}> {{ {passage.format(old=old)} }} }} ;
DELETE {{ GRAPH <{GraphName.SUGGESTIONS.iri}> {{ ?s ?pr ?o }} }}
WHERE {{ GRAPH <{GraphName.SUGGESTIONS.iri}> {{ ?s aims:passage ?p ; aims:status aims:Suggested ; ?pr ?o }}
        GRAPH <{GraphName.DOCUMENTS.iri}> {{ {passage.format(old=old)} }} }}"""
    )


def _read(root: Path, path: Path, max_bytes: int, current_sha: str | None) -> ExtractedDocument | Skipped | None:
    """The file's passages; None when its hash equals the current version; Skipped with the reason.

    Read in a fence: whatever a document refers to (images, styles, links), nothing else is read or fetched.
    """
    try:
        with fenced(root, str(path), path.resolve()):
            sha = file_sha256(path)
            if sha == current_sha:
                return None
            return extract(path, max_bytes, sha)
    except OutsideWorkspace as exc:
        return Skipped(path, str(exc))
    except ExtractionError as exc:
        return Skipped(path, str(exc))
    except OSError as exc:
        return Skipped(path, f"cannot read: {exc.strerror or exc}")


def ingest_documents(
    workspace: Workspace, paths: list[Path] | None = None, progress: Progress | None = None
) -> IngestReport:
    """Ingest files (default: the workspace's documents/ folder) into the documents graph.

    `progress` wraps the list of files (for example with tqdm). Unreadable files are reported in `skipped`;
    the rest of the batch continues and nothing already stored is touched for them.
    """
    files, skipped = discover(paths or [workspace.documents_dir], workspace.root)
    report = IngestReport(skipped=skipped)
    store = workspace.store
    who = workspace.recorded_person()  # before anything is written: an unknown configured person stops it
    max_bytes = int(float(workspace.config.raw.get("ingest", {}).get("max_file_mb", 0)) * 2**20) or DEFAULT_MAX_BYTES
    known, (current, taken) = document_nodes(store), versions(store)
    pending = Graph()  # new versions are written in batches: one store transaction per file was most of ingest
    for path in progress(files) if progress else files:
        file = relative_file(workspace, path)
        extracted = _read(workspace.root, path, max_bytes, current[file][0] if file in current else None)
        if extracted is None or isinstance(extracted, Skipped):
            report.unchanged += [path] if extracted is None else []
            report.skipped += [extracted] if extracted is not None else []
            continue
        doc = known.get(file) or org_iri("evidence", slug(Path(file).name))
        new = version_iri(file, extracted.sha256, taken)
        version_graph(doc, file, extracted, minted=file not in known, version=new, graph=pending)
        if file in current:  # the new version is stored before the old one points at it
            _flush(store, pending)
            supersede(store, current[file][1], new)
        known[file], current[file] = doc, (extracted.sha256, new)
        taken.add(str(new))
        report.ingested.append(path)
        report.passages += len(extracted.passages)
        if len(pending) > FLUSH_TRIPLES:
            _flush(store, pending)
    _flush(store, pending)
    if report.ingested:
        _log(
            store,
            "ingest",
            who,
            [(relative_file(workspace, p), current[relative_file(workspace, p)][0]) for p in report.ingested],
            known,
        )
    workspace.check_files()  # a registered file seen for the first time gets its hash recorded
    return report


def _log(store: Store, kind: str, who: URIRef | None, files: list[tuple[str, str]], known: dict[str, URIRef]) -> None:
    """Log the ingest in the history graph: who, when, the documents touched and the files' SHA-256."""
    touched = [local_id(known[file]) for file, _sha in files if file in known]
    store.add(GraphName.HISTORY, activity_record(kind, who, touched, files))


def _flush(store: Store, pending: Graph) -> None:
    store.add(GraphName.DOCUMENTS, pending)
    pending.remove((None, None, None))
