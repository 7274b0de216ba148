"""Team use: reviewers are people, an activity log of every write, one store on a server shared by many processes."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from aimsgraph.errors import InputError
from aimsgraph.facts.people import check_person
from tests.conftest import FIXTURES, pending_rows, run_cli
from tests.test_remote_store import _free_port, running_oxigraph

AIMSGRAPH = str(Path(sys.executable).with_name("aimsgraph"))
SECRET = "s3cret-Token-7f2e"  # the proxy's credential: it must never show in any output


def _new_workspace(tmp_path: Path, *init_args: str) -> Path:
    """`aimsgraph init` a workspace, then give it the mini organisation's facts and documents."""
    root = tmp_path / "ws"
    created = run_cli("init", str(root), *init_args)
    assert created.exit_code == 0, created.stderr
    shutil.copytree(FIXTURES / "mini-org" / "org", root / "org", dirs_exist_ok=True)
    shutil.copytree(FIXTURES / "mini-org" / "documents", root / "documents", dirs_exist_ok=True)
    config = root / "aimsgraph.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('model = "default"', 'model = "none"'), "utf-8")
    return root


def _suggested(root: Path) -> list[str]:
    for command in (("load",), ("ingest",), ("suggest",)):
        done = run_cli("-w", str(root), *command)
        assert done.exit_code == 0, (command, done.stderr)
    return [row["id"] for row in pending_rows(root)]


# ---------------------------------------------------------------- reviewers are people
def test_init_person_and_who_decides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIMSGRAPH_PERSON", raising=False)
    root = _new_workspace(tmp_path)  # no --person: nobody is configured
    assert '# person = "jdoe"' in (root / "aimsgraph.toml").read_text(encoding="utf-8")
    first, second, third = _suggested(root)[:3]
    w = ("-w", str(root))
    nobody = run_cli(*w, "review", "--accept", first)
    assert nobody.exit_code == 2 and nobody.stderr == (
        "aimsgraph: error: --reviewer: no person is set for this write; pass --reviewer ID, set $AIMSGRAPH_PERSON, "
        "or set [user] person in aimsgraph.toml\n"
    )
    stranger = run_cli(*w, "review", "--accept", first, "--reviewer", "mallory")
    assert stranger.exit_code == 2 and stranger.stderr == (
        "aimsgraph: error: --reviewer: 'mallory' is not a person of the org facts; known people: jdoe, rkhan\n"
    )
    assert first in [row["id"] for row in pending_rows(root)]  # nothing was decided
    assert run_cli(*w, "review", "--accept", first, "--reviewer", "rkhan").stdout.endswith("as rkhan.\n")
    monkeypatch.setenv("AIMSGRAPH_PERSON", "jdoe")
    assert run_cli(*w, "review", "--reject", second).stdout.endswith("as jdoe.\n")
    monkeypatch.delenv("AIMSGRAPH_PERSON")
    configured = tmp_path / "configured"
    assert run_cli("init", str(configured), "--person", "rkhan").exit_code == 0
    assert 'person = "rkhan"' in (configured / "aimsgraph.toml").read_text(encoding="utf-8")
    (root / "aimsgraph.toml").write_text(
        (root / "aimsgraph.toml").read_text(encoding="utf-8").replace('# person = "jdoe"', 'person = "rkhan"'),
        encoding="utf-8",
    )
    assert run_cli(*w, "review", "--accept", third).stdout.endswith("as rkhan.\n")
    reviews = json.loads(run_cli(*w, "query", "reviews", "--format", "json").stdout)["results"]["bindings"]
    decided = {(b["decision"]["value"], b["reviewer"]["value"]) for b in reviews if b["what"]["value"] != "SoA row"}
    assert decided == {("accepted", "rkhan"), ("rejected", "jdoe")}
    bad = run_cli("init", str(tmp_path / "bad"), "--person", 'x" = 1')
    assert bad.exit_code == 2 and "is not a person id" in bad.stderr and not (tmp_path / "bad").exists()


def test_a_long_list_of_people_is_cut_short() -> None:
    known = [f"p{n:02d}" for n in range(40)]
    with pytest.raises(InputError) as refused:
        check_person(known, "nobody")
    assert str(refused.value) == (
        "--reviewer: 'nobody' is not a person of the org facts; known people: " + ", ".join(known[:12]) + " and 28 more"
    )
    assert str(check_person(known, "p07")) == "urn:aims:person:p07"


# ---------------------------------------------------------------- the activity log
def test_every_write_is_in_the_activity_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIMSGRAPH_PERSON", raising=False)
    root = _new_workspace(tmp_path, "--person", "jdoe")
    w = ("-w", str(root))
    ids = _suggested(root)
    assert run_cli(*w, "review", "--accept", ids[0], "--reviewer", "rkhan").exit_code == 0
    assert run_cli(*w, "review", "--undo", ids[0]).exit_code == 0
    logged = json.loads(run_cli(*w, "history", "--activity", "--format", "json").stdout)
    kinds = [(row["kind"], row["person"]) for row in logged]
    # init's empty org/ had no people to name yet; from the first real load on, every write names jdoe or rkhan
    assert kinds == [("load", "-"), ("load", "jdoe"), ("ingest", "jdoe"), ("review", "rkhan"), ("reversal", "jdoe")]
    load, ingest, review, reversal = logged[1:]
    assert "ai-policy" in ingest["touched"] and any(f.startswith("documents/") for f in ingest["files"])
    assert all(len(f.split()[-1]) == 64 for f in ingest["files"] + load["files"])  # each file with its SHA-256
    assert review["touched"] == [ids[0]] == reversal["touched"]
    assert any(f.startswith("org/org.yaml ") for f in load["files"])
    reviews = json.loads(run_cli(*w, "query", "reviews", "--format", "json").stdout)["results"]["bindings"]
    decided = sorted(
        (b["decision"]["value"], b["reviewer"]["value"]) for b in reviews if b["what"]["value"] != "SoA row"
    )
    assert decided == [("undone", "jdoe"), ("withdrawn", "rkhan")]  # the decision (now withdrawn) and its reversal
    only = run_cli(*w, "history", "--activity", "--person", "rkhan", "--format", "csv").stdout
    assert [row["kind"] for row in csv.DictReader(io.StringIO(only))] == ["review"]
    text = run_cli(*w, "history", "--activity", "--format", "text").stdout
    assert " review " in text and " rkhan " in text and "sha256:" in text
    later = run_cli(*w, "history", "--activity", "--since", "2000-01-01", "--format", "json").stdout
    assert len(json.loads(later)) == 5
    policy = root / "documents" / "ai-policy.md"
    policy.write_text(policy.read_text(encoding="utf-8") + "\nRevised.\n", encoding="utf-8")
    assert run_cli(*w, "evidence", "accept-change", "ai-policy", "--person", "rkhan").exit_code == 0
    last = json.loads(run_cli(*w, "history", "--activity", "--format", "json").stdout)[-1]
    sha = hashlib.sha256(policy.read_bytes()).hexdigest()
    assert (last["kind"], last["person"], last["touched"], last["files"]) == (
        "accept-change", "rkhan", ["ai-policy"], [f"documents/ai-policy.md {sha}"]
    )  # fmt: skip
    bad = run_cli(*w, "history", "--since", "2000-01-01")
    assert bad.exit_code == 2 and "--since: --person and --since go with --activity" in bad.stderr


# ---------------------------------------------------------------- one store on a server, many processes
def test_team_on_an_oxigraph_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIMSGRAPH_PERSON", raising=False)
    with running_oxigraph(tmp_path / "oxdata") as base:
        root = _new_workspace(tmp_path, "--person", "jdoe", "--store", base)
        config = (root / "aimsgraph.toml").read_text(encoding="utf-8")
        assert f'query_endpoint = "{base}/query"' in config and f'update_endpoint = "{base}/update"' in config
        ids = _suggested(root)
        assert not (root / ".aimsgraph" / "store").exists()  # the data is on the server
        changes = json.loads(run_cli("-w", str(root), "history", "--changes", "--format", "json").stdout)
        # read from the org graph alone (the catalog's 3,600 triples once counted as removed from it)
        assert changes[-1]["added"] == 116 and changes[-1]["removed"] <= 4 and changes[-1]["by"] == "jdoe"
        with _serving(root) as endpoint:  # a second process on the same store
            validated = run_cli("-w", str(root), "validate", "--format", "json")
            assert validated.exit_code in (0, 1) and "findings" in json.loads(validated.stdout)
            assert _ask(endpoint, "ASK { ?p a <https://w3id.org/aimsgraph/ns#Person> }")
            # two analysts accept different suggestions at the same moment, from two processes
            first, second = (
                subprocess.Popen(
                    [AIMSGRAPH, "-w", str(root), "review", "--accept", ident, "--reviewer", who],
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                )
                for ident, who in ((ids[0], "jdoe"), (ids[1], "rkhan"))
            )  # fmt: skip
            assert [p.wait(timeout=120) for p in (first, second)] == [0, 0], [p.stderr.read() for p in (first, second)]
            for ident in ids[:2]:  # both decisions landed, read back through the endpoint
                assert _ask(endpoint, f'ASK {{ ?l <https://w3id.org/aimsgraph/ns#id> "review.{ident}" }}')
        left = {row["id"] for row in pending_rows(root)}
        assert not left & set(ids[:2])
        logged = json.loads(run_cli("-w", str(root), "history", "--activity", "--format", "json").stdout)
        assert {(r["person"], tuple(r["touched"])) for r in logged if r["kind"] == "review"} == {
            ("jdoe", (ids[0],)),
            ("rkhan", (ids[1],)),
        }


@contextmanager
def _serving(root: Path) -> Iterator[str]:
    server = subprocess.Popen(
        [AIMSGRAPH, "-w", str(root), "serve", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        banner = server.stdout.readline()
        assert "/sparql" in banner, server.stderr.read() if server.stderr else banner
        yield banner.split(" at ", 1)[1].split(";", 1)[0]
    finally:
        server.terminate()
        server.communicate(timeout=60)


def _ask(endpoint: str, query: str) -> bool:
    request = urllib.request.Request(
        endpoint,
        data=query.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as reply:
        return bool(json.loads(reply.read())["boolean"])


def test_init_on_a_server_that_is_down_leaves_nothing(tmp_path: Path) -> None:
    base = f"http://127.0.0.1:{_free_port()}"
    result = run_cli("init", str(tmp_path / "ws"), "--store", base)
    assert result.exit_code == 2 and result.stderr == (
        f"aimsgraph: error: cannot reach the SPARQL store at {base}/update: connection refused; "
        "is the server running?\n"
    )
    assert not (tmp_path / "ws").exists()  # init can simply be run again once the server is up
    bad = run_cli("init", str(tmp_path / "ws"), "--store", "http://aims:secret@127.0.0.1:7878")
    assert bad.exit_code == 2 and "credentials do not go in the URL" in bad.stderr and "secret" not in bad.stderr


# ---------------------------------------------------------------- credentials
def _proxy(target: str, expected: str) -> ThreadingHTTPServer:
    """A tiny reverse proxy in front of `target` that refuses every request without the Authorization `expected`."""

    class Forward(BaseHTTPRequestHandler):
        def _forward(self) -> None:
            if self.headers.get("Authorization") != expected:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="store"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)) if self.command == "POST" else None
            keep = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept")}
            request = urllib.request.Request(target + self.path, data=body, headers=keep, method=self.command)
            try:
                with urllib.request.urlopen(request, timeout=60) as reply:
                    status, headers, payload = reply.status, reply.headers, reply.read()
            except urllib.error.HTTPError as exc:
                status, headers, payload = exc.code, exc.headers, exc.read()
            self.send_response(status)
            self.send_header("Content-Type", headers.get("Content-Type", "text/plain"))
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _forward

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Forward)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.parametrize("scheme", ["bearer", "basic"])
def test_credentials_are_sent_and_never_shown(scheme: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import base64

    expected = f"Bearer {SECRET}" if scheme == "bearer" else "Basic " + base64.b64encode(
        f"aims:{SECRET}".encode()
    ).decode()  # fmt: skip
    with running_oxigraph(tmp_path / "oxdata") as base:
        proxy = _proxy(base, expected)
        try:
            url = f"http://127.0.0.1:{proxy.server_address[1]}"
            refused = urllib.request.Request(f"{url}/query?query=ASK%7B%7D")
            with pytest.raises(urllib.error.HTTPError, match="401"):
                urllib.request.urlopen(refused, timeout=10)
            root = tmp_path / "ws"
            shutil.copytree(FIXTURES / "mini-org", root)
            settings = (
                'auth = "bearer"\ntoken_env = "STORE_TOKEN"\n'
                if scheme == "bearer"
                else 'auth = "basic"\nusername = "aims"\npassword_file = "secret.txt"\n'
            )
            (root / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
            config = root / "aimsgraph.toml"
            config.write_text(
                config.read_text(encoding="utf-8")
                + f'\n[store]\nkind = "sparql"\nquery_endpoint = "{url}/query"\nupdate_endpoint = "{url}/update"\n'
                + settings,
                encoding="utf-8",
            )
            monkeypatch.setenv("STORE_TOKEN", "wrong-token")
            if scheme == "basic":
                (root / "secret.txt").write_text("wrong-password\n", encoding="utf-8")
            denied = run_cli("-w", str(root), "stats")
            assert denied.exit_code == 2 and "refused the credentials (HTTP 401)" in denied.stderr
            assert len(denied.stderr.splitlines()) == 1
            monkeypatch.setenv("STORE_TOKEN", SECRET)
            (root / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
            outputs = [denied.stdout, denied.stderr]
            for command in (("load",), ("stats",), ("validate",), ("query", "reviews"), ("history", "--activity")):
                result = run_cli("-w", str(root), *command)
                assert result.exit_code in (0, 1), (command, result.stderr)
                outputs += [result.stdout, result.stderr]
            counted = run_cli("-w", str(root), "stats", "--format", "json")
            assert any(row["name"] == "Person" and row["count"] == 2 for row in json.loads(counted.stdout))
            outputs += [counted.stdout, counted.stderr]
            encoded = expected.split()[-1]
            assert not any(SECRET in text or encoded in text for text in outputs)
        finally:
            proxy.shutdown()
            proxy.server_close()
