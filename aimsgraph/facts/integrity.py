"""Integrity of registered files: the SHA-256 each evidence file is registered with, the one it has now, what changed.

The registered hash is the register's `sha256` when it gives one, else the one aimsgraph recorded in the history
graph the first time it saw the file (an aims:FileRecord, with who and when); `aimsgraph evidence accept-change ID`
records a new one over it. A file whose hash now differs is flagged in the documents graph (aims:fileChanged and
the hash seen), which coverage reads: its evidence stops counting until the change is accepted or the register is
updated. Hashes are cached by size and times in the workspace's state folder, so unchanged files are not re-read.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.namespace import PROV

from aimsgraph.confinement import inside
from aimsgraph.errors import InputError
from aimsgraph.facts.history import activity_record, agent_iri, agent_name
from aimsgraph.facts.people import acting_person
from aimsgraph.store import Store
from aimsgraph.vocabulary.namespaces import AIMS, GraphName, file_record_iri, local_id

REGISTER = """
SELECT ?doc ?id ?file ?sha WHERE {
  ?doc aims:file ?file OPTIONAL { ?doc aims:id ?id } OPTIONAL { ?doc aims:recordedSha256 ?sha }
}
"""
RECORDS = """
SELECT ?doc ?path ?sha ?at ?over WHERE {
  ?record a aims:FileRecord ; aims:fileOf ?doc ; aims:path ?path ; aims:sha256 ?sha ; prov:generatedAtTime ?at .
  OPTIONAL { ?record aims:acceptedOver ?over }
}
"""
FLAGGED = "SELECT ?doc ?sha WHERE { ?doc aims:fileChanged true OPTIONAL { ?doc aims:observedSha256 ?sha } }"
RACY_NS = 2_000_000_000  # a file written this close to its hashing may change again within the same timestamp


@dataclass(frozen=True)
class FileState:
    """One registered file: its registered hash (None before it was first seen) and its hash now (None: missing)."""

    document: str
    id: str
    file: str
    registered: str | None
    current: str | None

    @property
    def status(self) -> str:
        """matches, changed, missing file, or new (seen for the first time, not yet recorded)."""
        if self.current is None:
            return "missing file"
        if self.registered is None:
            return "new"
        return "matches" if self.registered == self.current else "changed"


class HashCache:
    """SHA-256 of files by path, reused while a file's size, modification and change times stay the same."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.entries: dict[str, list[Any]] = {}
        self.dirty = False
        if path is not None:
            try:
                self.entries = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self.entries = {}

    def sha256(self, path: Path) -> str:
        """The file's SHA-256, from the cache when the file is unchanged since it was hashed."""
        stat = path.stat()
        key, signature = str(path.resolve()), [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns]
        entry = self.entries.get(key)
        # Trusted only when the file was already settled when hashed (git's "racy" rule): a write within the
        # same timestamp tick would leave size and times unchanged.
        if entry and entry[:3] == signature and signature[1] < entry[4] - RACY_NS:
            return str(entry[3])
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        self.entries[key] = [*signature, digest, time.time_ns()]
        self.dirty = True
        return digest

    def save(self) -> None:
        """Write the cache (through a temporary file and a rename) when it changed."""
        if self.path is None or not self.dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.entries), encoding="utf-8")
        os.replace(tmp, self.path)
        self.dirty = False


def file_states(store: Store, root: Path, cache: HashCache | None = None) -> list[FileState]:
    """Every file of the evidence register (org graph) with its registered and current hash."""
    cache = cache or HashCache()
    records = _records(store)
    seen: dict[tuple[str, str], FileState] = {}
    for doc, ident, file, sha in store.values(REGISTER, graphs=(GraphName.ORG,)):
        key = (doc or "", file or "")
        if key in seen:
            continue
        path = inside(root, key[1])  # a file named outside the workspace is never read (load refuses one)
        if path is None:
            continue
        current = cache.sha256(path) if path.is_file() else None
        registered = _registered(sha.lower() if sha else None, records.get(key, []))
        seen[key] = FileState(key[0], ident or local_id(key[0]), key[1], registered, current)
    cache.save()
    return sorted(seen.values(), key=lambda s: (s.id, s.file))


Record = tuple[str, str, str | None]  # when, sha256, the registered hash it was accepted over (None: first seen)


def _records(store: Store) -> dict[tuple[str, str], list[Record]]:
    found: dict[tuple[str, str], list[Record]] = {}
    for doc, path, sha, at, over in store.values(RECORDS, graphs=(GraphName.HISTORY,)):
        found.setdefault((doc or "", path or ""), []).append(
            (at or "", (sha or "").lower(), over.lower() if over else None)
        )
    return {key: sorted(records) for key, records in found.items()}


def _registered(register: str | None, records: list[Record]) -> str | None:
    """The register's hash, then each record accepted over the hash registered at its time, in time order."""
    registered = register
    for _, sha, over in records:
        if over == registered:
            registered = sha
    return registered


def record_files(store: Store, states: list[FileState], who: URIRef | None = None) -> list[FileState]:
    """Record first-seen files in the history graph and flag changed ones in the documents graph, one transaction.

    `who`: the person a first sighting is attributed to (default $AIMSGRAPH_PERSON; none when unset).

    The documents graph (a coverage source) is written only when the flags differ from what it holds.
    """
    now = datetime.now(UTC)
    records = Graph()
    out = []
    for state in states:
        if state.status == "new":
            _record(records, state, state.current or "", now, None, who)
            state = replace(state, registered=state.current)
        out.append(state)
    flags = {(s.document, s.current or "") for s in out if s.status == "changed"}
    stored = {(d or "", sha or "") for d, sha in store.values(FLAGGED, graphs=(GraphName.DOCUMENTS,))}
    parts = [_insert(GraphName.HISTORY, records)] if len(records) else []
    if flags != stored:
        parts += [_unflag(), _insert(GraphName.DOCUMENTS, _flags(flags))]
    if parts:
        written = (GraphName.HISTORY, GraphName.DOCUMENTS) if flags != stored else (GraphName.HISTORY,)
        store.update(" ;\n".join(p for p in parts if p), graphs=written)
    return out


def accept_change(store: Store, states: list[FileState], evidence_id: str, person: str = "") -> FileState:
    """Register the current hash of evidence `evidence_id`'s changed file (who and when in history); unflag it.

    `person` (default $AIMSGRAPH_PERSON) must be a person of the org facts.
    """
    state = next((s for s in states if s.id == evidence_id), None)
    if state is None:
        known = ", ".join(s.id for s in states[:5])
        raise InputError(f"no registered file for evidence '{evidence_id}' (the register has {known} ...)")
    if state.status != "changed":
        raise InputError(f"evidence '{evidence_id}' ({state.file}): {state.status}; there is no change to accept")
    who, now = acting_person(store, person or agent_name(), "--person"), datetime.now(UTC)
    records = activity_record("accept-change", who, [evidence_id], [(state.file, state.current or "")], now=now)
    _record(records, state, state.current or "", now, state.registered, who=who)
    doc = URIRef(state.document)
    store.update(
        f"{_insert(GraphName.HISTORY, records)} ;\n"
        f"DELETE WHERE {{ GRAPH <{GraphName.DOCUMENTS.iri}> {{ <{doc}> <{AIMS.fileChanged}> ?c }} }} ;\n"
        f"DELETE WHERE {{ GRAPH <{GraphName.DOCUMENTS.iri}> {{ <{doc}> <{AIMS.observedSha256}> ?s }} }}",
        graphs=(GraphName.HISTORY, GraphName.DOCUMENTS),
    )
    return replace(state, registered=state.current)


def _record(
    graph: Graph, state: FileState, sha: str, now: datetime, over: str | None, who: URIRef | None = None
) -> None:
    node = file_record_iri(state.id, now.strftime("%Y%m%dT%H%M%S%fZ"))
    graph.add((node, RDF.type, AIMS.FileRecord))
    graph.add((node, RDF.type, PROV.Entity))
    graph.add((node, AIMS.fileOf, URIRef(state.document)))
    graph.add((node, AIMS.path, Literal(state.file)))
    graph.add((node, AIMS.sha256, Literal(sha)))
    graph.add((node, PROV.generatedAtTime, Literal(now.isoformat(), datatype=XSD.dateTime)))
    who = who or agent_iri()
    if who is not None:  # a first sighting during a sync names the person only when one is configured
        graph.add((node, PROV.wasAttributedTo, who))
    if over is not None:
        graph.add((node, AIMS.acceptedOver, Literal(over)))


def _flags(flags: set[tuple[str, str]]) -> Graph:
    graph = Graph()
    for doc, sha in flags:
        graph.add((URIRef(doc), AIMS.fileChanged, Literal(True)))
        graph.add((URIRef(doc), AIMS.observedSha256, Literal(sha)))
    return graph


def _unflag() -> str:
    docs = GraphName.DOCUMENTS.iri
    return (
        f"DELETE WHERE {{ GRAPH <{docs}> {{ ?d <{AIMS.fileChanged}> ?c }} }} ;\n"
        f"DELETE WHERE {{ GRAPH <{docs}> {{ ?d <{AIMS.observedSha256}> ?s }} }}"
    )


def _insert(name: GraphName, graph: Graph) -> str:
    return f"INSERT DATA {{ GRAPH <{name.iri}> {{\n{graph.serialize(format='nt')}\n}} }}" if len(graph) else ""
