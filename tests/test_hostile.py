"""Hostile and careless input (issue 17): every probe ends in one line and exit 2 (or a skip), no traceback,
nothing changed in the store, and no contact with a socket listening on 127.0.0.1 for anything that calls out."""

from __future__ import annotations

import gc
import json
import os
import socket
import threading
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import Result

from aimsgraph.confinement import OutsideWorkspace, fenced
from aimsgraph.errors import InputError
from aimsgraph.query.sparql import check_read_only
from aimsgraph.workspace import Workspace
from tests.conftest import run_cli


@dataclass
class Listener:
    """A socket on 127.0.0.1 that records every connection made to it."""

    port: int
    contacts: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    found = Listener(server.getsockname()[1])
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            conn.settimeout(0.5)
            try:
                found.contacts.append(conn.recv(200).decode(errors="replace"))
            except OSError:
                found.contacts.append("(connected)")
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield found
    time.sleep(0.1)  # a request still in flight lands before the check
    stop.set()
    thread.join()
    server.close()
    assert found.contacts == [], f"something reached the listening socket: {found.contacts}"


def stored(root: Path) -> bytes:
    """Every quad of the workspace's store, as N-Quads, with the coverage view settled as after any command."""
    from aimsgraph.coverage.view import refresh_view

    workspace = Workspace.open(root)
    try:
        refresh_view(workspace.store)
        return workspace.store.dump("nq")
    finally:
        workspace.close()


def refused(root: Path, *args: str, code: int = 2) -> str:
    """Run a command that must fail: exit `code`, one line on stderr, no traceback, the store as it was."""
    before = stored(root)
    result: Result = run_cli("-w", str(root), *args)
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("aimsgraph: "), result.stderr
    assert "Traceback" not in result.output
    del result
    gc.collect()  # a failed command's traceback can hold its store open until collected
    assert stored(root) == before
    return lines[0]


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- 1. nothing fetched
def jsonld_probes(url: str) -> dict[str, object]:
    body = {"@id": "urn:aims:x", "urn:aims:p": "v"}
    return {
        "import": {"@context": {"@version": 1.1, "@import": f"{url}/ctx"}, **body},
        "remote-context": {"@context": f"{url}/ctx", **body},
        "file-context": {"@context": "file:///etc/passwd", **body},
        "context-list": {"@context": [{"@version": 1.1}, f"{url}/ctx"], **body},
        "scoped-context": {"@context": {"t": {"@id": "urn:aims:t", "@context": f"{url}/scoped"}}, "t": {"a": 1}},
        "nested-import": {"@graph": [{"@context": {"@import": "file:///etc/hostname"}, **body}]},
    }


@pytest.mark.parametrize("case", list(jsonld_probes("")))
def test_jsonld_contexts_are_never_fetched(mini: Workspace, listener: Listener, case: str) -> None:
    root = mini.root
    mini.close()
    write(root / "org" / "extra.jsonld", json.dumps(jsonld_probes(listener.url)[case]))
    line = refused(root, "load")
    assert "extra.jsonld" in line and ("@import" in line or "@context" in line)


def test_rdf_iris_and_base_are_data_only(mini: Workspace, listener: Listener) -> None:
    root = mini.root
    mini.close()
    url = listener.url
    write(
        root / "org" / "base.ttl",
        f"@base <{url}/base/> .\n@prefix ext: <{url}/ns#> .\n@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        f"<x> ext:seeAlso <{url}/doc> ; owl:imports <{url}/onto.ttl> .\n",
    )
    write(root / "org" / "more.nt", f"<{url}/a> <{url}/p> <file:///etc/passwd> .\n")
    write(root / "org" / "more.trig", f'<{url}/g> {{ <{url}/b> <{url}/p> "x" }}\n')
    write(root / "org" / "inline.jsonld", json.dumps({"@context": {"@base": f"{url}/"}, "@id": "y", f"{url}/p": "v"}))
    result = run_cli("-w", str(root), "load")
    assert result.exit_code == 0, result.output
    assert f"{url}/onto.ttl" in stored(root).decode()


def test_the_fence_refuses_network_and_outside_files(tmp_path: Path, listener: Listener) -> None:
    write(tmp_path / "ws" / "inside.txt", "ok")
    with fenced(tmp_path / "ws", "probe"):
        assert (tmp_path / "ws" / "inside.txt").read_text() == "ok"
    for reach in (
        lambda: urllib.request.urlopen(f"{listener.url}/x", timeout=2),
        lambda: socket.create_connection(("127.0.0.1", listener.port), timeout=2),
        lambda: Path("/etc/hostname").read_bytes(),
        lambda: (tmp_path / "outside.txt").write_text("no"),
    ):
        with pytest.raises(OutsideWorkspace), fenced(tmp_path / "ws", "probe"), suppress(OSError):
            reach()  # suppress: a library that swallows the refusal still ends in it
    assert not (tmp_path / "outside.txt").exists()
    Path("/etc/hostname").exists()  # outside a fence nothing is refused


def docx_with_outside_references(path: Path, url: str) -> Path:
    """A DOCX whose text is ordinary but whose parts name an outside image and hyperlink."""
    import docx

    document = docx.Document()
    document.add_paragraph("The AI policy is reviewed every year by the governance board.")
    document.save(str(path))
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    rels = parts["word/_rels/document.xml.rels"].decode()
    extra = (
        f'<Relationship Id="rIdX1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"'
        f' Target="{url}/img.png" TargetMode="External"/>'
        f'<Relationship Id="rIdX2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        f'hyperlink" Target="{url}/link" TargetMode="External"/>'
    )
    parts["word/_rels/document.xml.rels"] = rels.replace("</Relationships>", extra + "</Relationships>").encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def pdf_with_outside_link(path: Path, url: str) -> Path:
    from reportlab.pdfgen import canvas

    page = canvas.Canvas(str(path))
    page.drawString(72, 720, "Operating records of the AI risk assessment are kept for three years.")
    page.linkURL(f"{url}/pdf-link", (72, 700, 300, 730))
    page.save()
    return path


def test_documents_with_outside_references_are_read_without_fetching(mini: Workspace, listener: Listener) -> None:
    root = mini.root
    mini.close()
    url = listener.url
    folder = root / "documents" / "refs"
    write(folder / "note.md", f"# Note\n\n![logo]({url}/logo.png) and [site]({url}/site).\n\n<img src='{url}/i.png'>\n")
    write(
        folder / "page.html",
        f"<html><head><link rel=stylesheet href='{url}/s.css'><script src='{url}/s.js'></script>"
        f"<base href='{url}/'></head><body><h1>Page</h1><p>Policy text.</p><img src='{url}/p.png'>"
        f"<iframe src='file:///etc/passwd'></iframe></body></html>",
    )
    docx_with_outside_references(folder / "doc.docx", url)
    pdf_with_outside_link(folder / "records.pdf", url)
    result = run_cli("-w", str(root), "ingest", str(folder))
    assert result.exit_code == 0, result.output
    assert "Ingested 4 file(s)" in result.stdout
    assert "root:" not in stored(root).decode()


# ---------------------------------------------------------------- 2. nothing read outside the workspace
@pytest.mark.parametrize("file", ["/etc/passwd", "../../../../../../etc/passwd", "documents/../../outside.md"])
def test_evidence_files_outside_the_workspace_are_refused(mini: Workspace, file: str) -> None:
    root = mini.root
    mini.close()
    org = root / "org" / "org.yaml"
    org.write_text(org.read_text().replace("file: documents/ai-policy.md", f"file: {file}"))
    line = refused(root, "load")
    assert "org/org.yaml:" in line and "evidence[0].file" in line and "outside the workspace" in line


def test_a_link_leading_outside_is_refused_in_facts_and_skipped_by_ingest(mini: Workspace, tmp_path: Path) -> None:
    root = mini.root
    mini.close()
    secret = write(tmp_path / "host-secret.md", "# Secret\n\nhost-only-text-1234\n")
    (root / "documents" / "evil").mkdir()
    (root / "documents" / "evil" / "x.md").symlink_to(secret)
    line = refused(root, "ingest", str(root / "documents" / "evil"), code=1)
    assert "x.md" in line and "outside the workspace" in line
    org = root / "org" / "org.yaml"
    org.write_text(org.read_text().replace("file: documents/ai-policy.md", "file: documents/evil/x.md"))
    assert "outside the workspace" in refused(root, "load")
    org.write_text(org.read_text().replace("file: documents/evil/x.md", "file: documents/ai-policy.md"))
    (root / "org" / "linked.yaml").symlink_to(write(tmp_path / "facts.yaml", "people: []\n"))
    assert "linked.yaml" in refused(root, "load")


@pytest.mark.parametrize("probe", ["host file", "odd\nname.md", "link to a host file", "host folder"])
def test_ingest_skips_named_paths_outside_the_workspace(mini: Workspace, tmp_path: Path, probe: str) -> None:
    root = mini.root
    mini.close()
    secret = write(tmp_path / "host" / ("odd\nname.md" if "\n" in probe else "secret.md"), "# Host\n\nhost-only\n")
    target = {"host folder": secret.parent, "link to a host file": root / "documents" / "link.md"}.get(probe, secret)
    if probe == "link to a host file":
        target.symlink_to(secret)
    line = refused(root, "ingest", str(target), code=1)
    assert "outside the workspace" in line and "not read" in line
    assert repr(str(secret)) in line if "\n" in probe else str(target.name) in line


def test_rdf_facts_may_not_name_files_outside(mini: Workspace) -> None:
    root = mini.root
    mini.close()
    write(
        root / "org" / "files.ttl",
        '@prefix aims: <https://w3id.org/aimsgraph/ns#> .\n<urn:aims:doc:x> aims:file "/etc/passwd" .\n',
    )
    assert "files.ttl" in refused(root, "load")


def test_validate_never_hashes_a_host_file(mini: Workspace) -> None:
    from rdflib import Graph, Literal, URIRef

    from aimsgraph.rules.validation import file_facts
    from aimsgraph.store import Store
    from aimsgraph.vocabulary.namespaces import AIMS, GraphName

    store = Store.in_memory()
    graph = Graph()
    graph.add((URIRef("urn:aims:doc:x"), AIMS.file, Literal("/etc/passwd")))
    graph.add((URIRef("urn:aims:doc:x"), AIMS.recordedSha256, Literal("0" * 64)))
    store.add(GraphName.ORG, graph)
    assert file_facts(store, mini.root) == ({}, set(), set())


# ---------------------------------------------------------------- 4. YAML that would hang or crash
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (BOMB, "aliases expand"),
        ("people: &p [*p]\n", "recursive alias"),
        ("people: " + "[" * 3000 + "]" * 3000 + "\n", "nested too deeply"),
        ("? [a, b]\n: c\n", "plain text"),
    ],
    ids=["billion-laughs", "recursive", "deep", "complex-key"],
)
def test_hostile_yaml_is_one_line(mini: Workspace, text: str, expected: str) -> None:
    root = mini.root
    mini.close()
    write(root / "org" / "bomb.yaml", text)
    started = time.monotonic()
    assert expected in refused(root, "load")
    assert time.monotonic() - started < 30


def test_aliases_within_the_budget_still_load(mini: Workspace) -> None:
    root = mini.root
    mini.close()
    write(root / "org" / "reuse.yaml", "people:\n  - &p {id: a1, name: Ann}\n  - {id: a2, name: Bob}\n")
    assert run_cli("-w", str(root), "load").exit_code == 0


def test_an_org_file_over_the_size_cap_is_refused(mini: Workspace) -> None:
    root = mini.root
    mini.close()
    config = root / "aimsgraph.toml"
    config.write_text(config.read_text() + "\n[facts]\nmax_file_mb = 0.01\n")
    write(root / "org" / "people.csv", "id,name\n" + "".join(f"p{i},Person {i}\n" for i in range(2000)))
    assert "max_file_mb" in refused(root, "load")


# ---------------------------------------------------------------- 6. empty or wrong paths
def test_load_a_folder_or_nothing_changes_nothing(mini: Workspace, tmp_path: Path) -> None:
    root = mini.root
    mini.close()
    (root / "org" / "e.yaml").mkdir()
    assert "is a folder" in refused(root, "load", str(root / "org" / "e.yaml"))
    outside = write(tmp_path / "people.yaml", "people: []\n")
    assert "move the file there" in refused(root, "load", str(outside))
    assert "not a fact file" in refused(root, "load", str(write(root / "org" / "notes.txt", "x")))
    (root / "org" / "org.yaml").rename(root / "org.yaml.bak")
    assert "no fact files" in refused(root, "load")


def test_a_partial_load_keeps_the_store_in_step_with_org(mini: Workspace) -> None:
    root = mini.root
    mini.close()
    write(root / "org" / "more.yaml", "people:\n  - {id: zed, name: Zed Extra}\n")
    assert run_cli("-w", str(root), "load", str(root / "org" / "more.yaml")).exit_code == 0
    data = stored(root).decode()
    assert "Zed Extra" in data and "Mini Health" in data and "Triage Assistant" in data


# ---------------------------------------------------------------- 7. tracebacks become one line
@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("latin1.ttl", '<urn:a> <urn:b> "caf\xe9" .\n'.encode("latin-1"), "not UTF-8"),
        ("escaped.ttl", b'<http://x/a\\u003E> <urn:b> "c" .\n', "not a valid IRI"),
        ("space.nt", b'<http://x/a\\u0020b> <urn:b> "c" .\n', "not a valid IRI"),
        ("broken.jsonld", b'{"@context": 5, "@id": "urn:a"}', "cannot parse json-ld"),
        ("deep.jsonld", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        ("bad.ttl", b"<urn:a> <urn:b> .", "cannot parse turtle"),
        ("latin1.yaml", "people: [{id: \xe9}]\n".encode("latin-1"), "not UTF-8"),
    ],
)
def test_parser_failures_are_one_line(mini: Workspace, name: str, data: bytes, expected: str) -> None:
    root = mini.root
    mini.close()
    write(root / "org" / name, data)
    line = refused(root, "load")
    assert name in line and expected in line


def test_odd_literals_print_no_warnings(mini: Workspace) -> None:
    root = mini.root
    mini.close()
    write(root / "org" / "odd.ttl", '<urn:aims:x> <urn:aims:n> "abc"^^<http://www.w3.org/2001/XMLSchema#integer> .\n')
    result = run_cli("-w", str(root), "load")
    assert result.exit_code == 0 and result.stderr == ""


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { FILTER(" + "(" * 40 + "1" + ")" * 40 + ") }",
        "SELECT * WHERE " + "{ " * 60 + "?s ?p ?o" + " }" * 60,
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "!" * 400 + "true) }",
    ],
    ids=["parentheses", "groups", "negations"],
)
def test_deeply_nested_queries_are_one_line(mini: Workspace, text: str) -> None:
    root = mini.root
    mini.close()
    with pytest.raises(InputError):
        check_read_only(text)
    assert "nested too deeply" in refused(root, "query", "--sparql", text) or "!!" in text  # "!" x 400: a syntax error


def test_a_parameter_that_is_no_iri_is_one_line(mini: Workspace) -> None:
    root = mini.root
    mini.close()
    line = refused(root, "query", "--sparql", "SELECT ?x WHERE { BIND(1 AS ?y) }", "-p", "x=<a b>")
    assert "not an IRI" in line


def test_a_file_name_with_a_newline_is_quoted_in_the_skip_line(mini: Workspace) -> None:
    root = mini.root
    mini.close()
    write(root / "documents" / "odd" / "bad\nname.pdf", b"%PDF-1.4 not really")
    line = refused(root, "ingest", str(root / "documents" / "odd"), code=1)
    assert "bad\\nname.pdf'" in line


def test_the_checks_keep_out_of_everyday_work(demo: Workspace) -> None:
    """The demo (every fact format it ships) loads and validates with the fence and checks in place."""
    assert demo.load() > 0
    assert os.path.isdir(demo.root / "documents")


# ---------------------------------------------------------------- 3. user text in the explorer is text
def test_the_explorer_shows_user_text_as_text(
    mini: Workspace, listener: Listener, monkeypatch: pytest.MonkeyPatch
) -> None:
    st_testing = pytest.importorskip("streamlit.testing.v1")
    from aimsgraph.app.launch import WORKSPACE_ENV
    from aimsgraph.app.views import as_text

    from aimsgraph.vocabulary.resources import app_entry

    root = mini.root
    mini.close()
    title, name = f"![r]({listener.url}/x.png)", f"**Bold** <img src='{listener.url}/n.png'> [n]({listener.url}/n)"
    config = root / "aimsgraph.toml"
    config.write_text(config.read_text().replace('name = "Mini org (tests)"', f'name = "{name}"', 1))
    write(root / "org" / "risky.yaml", f'risks:\n  - {{id: R-9, title: "{title}", system: triage-assistant}}\n')
    assert run_cli("-w", str(root), "load").exit_code == 0
    monkeypatch.setenv(WORKSPACE_ENV, str(root))
    app = st_testing.AppTest.from_file(str(app_entry()), default_timeout=60).run()
    shown_text: list[str] = []
    plain: list[str] = []  # st.text shows its value as it is: never rendered, so the raw title is safe there
    for page in ("gaps", "requirements", "overview"):
        app.switch_page(f"app_pages/{page}.py").run()
        assert not app.exception, [e.value for e in app.exception]
        for kind in ("markdown", "caption", "subheader", "error", "warning", "info", "success"):
            shown_text += [str(e.value) for e in getattr(app, kind)]
        plain += [str(e.value) for e in app.text]
    assert as_text(name) in "".join(str(c.value) for c in app.sidebar.caption)
    assert any(as_text(title) in text for text in shown_text) or any(title in text for text in plain)
    # The URL may be shown as text; what must never reach the page is Markdown link syntax or an HTML element with it.
    leaked = [
        text for text in shown_text if "](" in text or f"src='{listener.url}" in text or f'src="{listener.url}' in text
    ]
    assert leaked == []
