"""The endpoint and `aimsgraph query` under a hostile or careless client (issue 17, items 8 and 9).

Each probe runs against `aimsgraph serve` as installed, on 127.0.0.1, over raw sockets where a well-behaved client
library would not send the request: it asserts the status, a one-line body, nothing in the server's stderr, and
that the server still answers a normal query afterwards.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

from aimsgraph.errors import InputError
from aimsgraph.query.endpoint import EndpointSettings, make_server
from aimsgraph.query.sparql import check_read_only
from aimsgraph.workspace import Workspace
from tests.conftest import FIXTURES, copy_workspace

COMMAND = str(Path(sys.executable).with_name("aimsgraph"))
SYSTEMS = "SELECT ?s WHERE { ?s a <https://w3id.org/aimsgraph/ns#AISystem> }"
# rdflib's parser takes seconds for an expression of a few thousand terms (4-8 s for 2,000 on a busy 2-core machine)
SLOW_PARSE = "SELECT * WHERE { ?s ?p ?o FILTER(" + " + ".join(["?o"] * 4000) + " > 1) }"
SLOW_RUN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SETTINGS = """
[query]
timeout_seconds = 3
max_length = 30000

[serve]
idle_timeout_seconds = 2
max_queries = 1
"""


@dataclass
class Served:
    """A running `aimsgraph serve`: its port and the file its stderr goes to."""

    port: int
    stderr: Path
    root: Path

    def ask(self, request: bytes, wait: float = 30.0) -> tuple[int, dict[str, str], bytes]:
        """(status, headers, body) of one raw request; the server closes or answers within `wait` s."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=wait) as conn:
            conn.sendall(request)
            data = b""
            while chunk := conn.recv(65536):
                data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
        return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body

    def get(self, target: str, host: str | None = None) -> tuple[int, dict[str, str], bytes]:
        """A GET of `target` with Host `host` (default 127.0.0.1:PORT)."""
        host = host or f"127.0.0.1:{self.port}"
        return self.ask(f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())

    def post(self, body: bytes, kind: str = "application/sparql-query", extra: str = "") -> tuple[int, dict, bytes]:
        """A POST of `body` to /sparql."""
        head = f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nContent-Type: {kind}\r\n"
        head += extra or f"Content-Length: {len(body)}\r\n"
        return self.ask(head.encode() + b"Connection: close\r\n\r\n" + body)

    def still_answers(self) -> None:
        """A normal query still gets its rows."""
        status, headers, body = self.get(f"/sparql?query={quote(SYSTEMS)}")
        assert status == 200 and headers["content-type"].startswith("application/sparql-results+json"), body
        assert b"triage-assistant" in body

    def errors(self) -> str:
        return self.stderr.read_text(encoding="utf-8", errors="replace")


def start_serve(root: Path, log: Path) -> tuple[subprocess.Popen[str], int]:
    server = subprocess.Popen(
        [COMMAND, "-w", str(root), "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=log.open("w"),
        text=True,
    )
    assert server.stdout is not None
    banner = server.stdout.readline()
    found = re.search(r"http://127\.0\.0\.1:(\d+)/sparql", banner)
    assert found, f"no endpoint address in {banner!r}: {log.read_text()}"
    return server, int(found.group(1))


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = copy_workspace(FIXTURES / "mini-org", tmp_path_factory.mktemp("hostile") / "mini")
    with (root / "aimsgraph.toml").open("a", encoding="utf-8") as config:
        config.write(SETTINGS)
    log = root.parent / "serve.err"
    server, port = start_serve(root, log)
    try:
        Served(port, log, root).still_answers()  # the first query starts the fork server's first child
        yield Served(port, log, root)
    finally:
        server.terminate()
        server.communicate(timeout=60)
    assert "Traceback" not in log.read_text()


def one_line(body: bytes) -> str:
    text = body.decode("utf-8")
    assert text.endswith("\n") and text.count("\n") == 1, text
    return text.strip()


PROBES = {
    # name: (raw request after the request line's target and Host, expected status, expected words)
    "negative length": (b"POST /sparql HTTP/1.1\r\nContent-Length: -1\r\n", 400, "content-length"),
    "length not a number": (b"POST /sparql HTTP/1.1\r\nContent-Length: abc\r\n", 400, "content-length"),
    "two lengths": (b"POST /sparql HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n", 400, "content-length"),
    "length over the cap": (b"POST /sparql HTTP/1.1\r\nContent-Length: 900000000\r\n", 413, "too large"),
    "start line": (b"GIVE ME EVERYTHING\r\n", 400, "start line"),
    "bad chunk": (b"POST /sparql HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400, "chunk"),
    "header too large": (b"GET /sparql HTTP/1.1\r\nX-Big: " + b"a" * 1_000_100 + b"\r\n", 431, "header"),
    "empty query": (b"GET /sparql?query= HTTP/1.1\r\n", 400, "empty query"),
    "blank query": (b"GET /sparql?query=%20%0A HTTP/1.1\r\n", 400, "empty query"),
    "two queries": (b"GET /sparql?query=ASK{}&query=ASK{} HTTP/1.1\r\n", 400, "exactly one"),
    "no query": (b"GET /sparql?format=json HTTP/1.1\r\n", 400, "missing query"),
    "not UTF-8": (b"GET /sparql?query=%ff%fe HTTP/1.1\r\n", 400, "malformed"),
    "unknown method": (b"PUT /sparql HTTP/1.1\r\nContent-Length: 0\r\n", 405, "not allowed"),
    "unknown body type": (
        b"POST /sparql HTTP/1.1\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nASK {}",
        415,
        "send",
    ),
    "update form": (b"POST /sparql HTTP/1.1\r\nContent-Type: application/sparql-update\r\n", 403, "read-only"),
    "body not UTF-8": (
        b"POST /sparql HTTP/1.1\r\nContent-Type: application/sparql-query\r\nContent-Length: 2\r\n\r\n\xff\xfe",
        400,
        "not utf-8",
    ),
}


@pytest.mark.parametrize("name", list(PROBES))
def test_a_malformed_request_gets_its_4xx_in_one_line(served: Served, name: str) -> None:
    raw, status, words = PROBES[name]
    request_line, _, rest = raw.partition(b"\r\n")
    host = f"Host: 127.0.0.1:{served.port}\r\n".encode()
    if b"\r\n\r\n" not in rest:
        rest += b"Connection: close\r\n\r\n"
    got, _, body = served.ask(request_line + b"\r\n" + host + rest)
    assert got == status, body
    assert words in one_line(body).lower()
    assert "Traceback" not in served.errors()
    served.still_answers()


@pytest.mark.parametrize("host", ["evil.example", "evil.example:7879", "127.0.0.1.evil.example", "", "[::2]"])
def test_a_foreign_host_header_is_refused(served: Served, host: str) -> None:
    """DNS rebinding: a web page's request carries its own host name, never one the endpoint was told to answer."""
    header = f"Host: {host}\r\n" if host else ""
    status, _, body = served.ask(f"GET /sparql?query={quote(SYSTEMS)} HTTP/1.1\r\n{header}\r\n".encode())
    assert status in (400, 403), body
    assert "host" in one_line(body).lower()
    served.still_answers()


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST:80", "127.0.0.1", "[::1]:7879"])
def test_the_bound_address_and_localhost_are_allowed(served: Served, host: str) -> None:
    status, _, body = served.get(f"/sparql?query={quote(SYSTEMS)}", host)
    assert status == 200 and b"triage-assistant" in body


def test_a_half_sent_request_is_closed_at_the_idle_timeout(served: Served) -> None:
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", served.port), timeout=30) as conn:
        conn.sendall(f"GET /sparql?query={quote(SYSTEMS)} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode())  # no blank line
        assert conn.recv(100) == b""  # closed by the server, not by our timeout
    assert time.monotonic() - started < 8  # idle_timeout_seconds = 2, checked every second
    served.still_answers()


def test_a_long_parse_is_stopped_by_the_time_limit_with_503(served: Served) -> None:
    started = time.monotonic()
    status, _, body = served.post(SLOW_PARSE.encode())
    assert time.monotonic() - started < 8  # timeout_seconds = 3; the parse alone takes 8-15 s
    assert status == 503 and "time limit" in one_line(body)
    served.still_answers()


def test_a_query_over_max_length_is_refused_naming_the_setting(served: Served) -> None:
    status, _, body = served.post(("SELECT * WHERE { ?s ?p ?o }" + " " * 30_000).encode())
    assert status == 413 and "[query] max_length" in one_line(body)
    served.still_answers()


def test_a_request_beyond_the_concurrency_cap_gets_503_at_once(served: Served) -> None:
    slow = threading.Thread(target=served.post, args=(SLOW_RUN.encode(),))
    slow.start()
    time.sleep(0.5)  # the slow query holds the one slot (max_queries = 1) until its time limit (3 s)
    started = time.monotonic()
    status, headers, body = served.get(f"/sparql?query={quote(SYSTEMS)}")
    seconds = time.monotonic() - started
    slow.join()
    assert status == 503 and headers.get("retry-after") == "1" and "max_queries" in one_line(body)
    assert seconds < 1.0  # not queued until the slow query's time limit
    served.still_answers()


def test_base_with_a_relative_from_is_refused_like_an_absolute_one(served: Served) -> None:
    for query in (
        "BASE <file:///> SELECT * FROM <etc/passwd> WHERE { ?s ?p ?o }",
        "PREFIX f: <file:///etc/> SELECT * FROM NAMED f:passwd WHERE { GRAPH ?g { ?s ?p ?o } }",
        "BASE <http://127.0.0.1:9/> SELECT * FROM <g> WHERE { ?s ?p ?o }",
    ):
        with pytest.raises(InputError, match="not allowed"):
            check_read_only(query)
        status, _, body = served.post(query.encode())
        assert status == 403 and "is not allowed" in one_line(body)
    served.still_answers()


def cli(root: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    done = subprocess.run([COMMAND, "-w", str(root), "query", *args], capture_output=True, text=True, timeout=120)
    return done, time.monotonic() - started


def refused_by_cli(root: Path, *args: str) -> tuple[str, float]:
    """`aimsgraph query ...` as installed: exit 2, one line on stderr, no traceback."""
    done, seconds = cli(root, *args)
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("aimsgraph: ") and "Traceback" not in done.stderr, done.stderr
    return lines[0], seconds


@pytest.fixture
def limited_dir(mini_dir: Path) -> Path:
    """A workspace of its own (the served one is locked by its server) with the same limits."""
    with (mini_dir / "aimsgraph.toml").open("a", encoding="utf-8") as config:
        config.write(SETTINGS)
    return mini_dir


def test_the_cli_time_limit_covers_the_parse(limited_dir: Path) -> None:
    line, seconds = refused_by_cli(limited_dir, "--timeout", "1", "--sparql", SLOW_PARSE)
    assert "time limit" in line and seconds < 8  # the command starts in about 2 s; the parse takes 8-15 s


def test_the_cli_refuses_a_long_query_and_a_base_trick_in_one_line(limited_dir: Path) -> None:
    line, _ = refused_by_cli(limited_dir, "--sparql", "ASK {}" + " " * 30_000)
    assert "[query] max_length" in line
    line, _ = refused_by_cli(limited_dir, "--sparql", "BASE <file:///> SELECT * FROM <etc/passwd> WHERE { ?s ?p ?o }")
    assert "FROM <file:///etc/passwd> is not allowed" in line


@pytest.mark.parametrize(
    ("setting", "field"),
    [
        ("max_queries = 0", "serve.max_queries"),
        ('idle_timeout_seconds = "soon"', "serve.idle_timeout_seconds"),
        ('allowed_hosts = "localhost"', "serve.allowed_hosts"),
    ],
)
def test_a_wrong_serve_setting_is_one_line(mini_dir: Path, setting: str, field: str) -> None:
    with (mini_dir / "aimsgraph.toml").open("a", encoding="utf-8") as config:
        config.write(f"\n[serve]\n{setting}\n")
    done = subprocess.run([COMMAND, "-w", str(mini_dir), "serve", "--port", "0"], capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and field in done.stderr, done.stderr


def test_allowed_hosts_replaces_the_default(mini: Workspace) -> None:
    """A reverse proxy's name in [serve] allowed_hosts is answered; the defaults then are not."""
    server = make_server(EndpointSettings(mini.store, allowed_hosts=("Proxy.Example",)), "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        served = Served(server.server_address[1], mini.root / "unused.err", mini.root)
        assert served.get(f"/sparql?query={quote(SYSTEMS)}", "proxy.example:443")[0] == 200
        status, _, body = served.get(f"/sparql?query={quote(SYSTEMS)}", "localhost")
        assert status == 403 and "allowed_hosts" in one_line(body)
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s ?p ?o FILTER(" + " + ".join(["1"] * 2100) + " > 1) }",
        "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 2100) + " }",
    ],
    ids=["sum", "union"],
)
def test_a_chain_that_would_overflow_the_stores_stack_is_one_line(mini_dir: Path, query: str) -> None:
    """pyoxigraph dies (SIGSEGV) on a chain of 4,000-8,000 terms; the guard refuses past 2,000, before the store."""
    line, _ = refused_by_cli(mini_dir, "--sparql", query)
    assert "levels deep" in line
