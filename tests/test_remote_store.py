"""A workspace on a remote SPARQL store: a real Oxigraph server (PyPI `oxigraph`) started on 127.0.0.1."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from tests.conftest import DEMO, copy_workspace, run_cli

# The server comes with the test extra (PyPI `oxigraph`) into the running interpreter's bin folder, which need not
# be on PATH (./run calls .venv/bin/python directly).
BESIDE_PYTHON = Path(sys.executable).parent / "oxigraph"
OXIGRAPH = str(BESIDE_PYTHON) if BESIDE_PYTHON.exists() else shutil.which("oxigraph") or "oxigraph"
CONFIG = """[workspace]
name = "remote demo"
[store]
kind = "sparql"
query_endpoint = "{base}/query"
update_endpoint = "{base}/update"
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_oxigraph(location: Path) -> Iterator[str]:
    """A real `oxigraph serve` on a free port of 127.0.0.1 holding its data in `location`; yields its base URL."""
    # Not a skip: this is the acceptance test of remote stores, so a missing server must turn CI red.
    assert shutil.which(OXIGRAPH), "the oxigraph server is missing: install the test extra (.[test])"
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    # --union-default-graph: aimsgraph queries the union of its named graphs without GRAPH clauses.
    command = [OXIGRAPH, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
               "--union-default-graph"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def oxigraph_server(tmp_path: Path) -> Iterator[str]:
    with running_oxigraph(tmp_path / "oxdata") as base:
        yield base


def _remote_workspace(tmp_path: Path, base: str) -> Path:
    root = copy_workspace(DEMO, tmp_path / "remote")
    (root / "aimsgraph.toml").write_text(CONFIG.format(base=base), encoding="utf-8")
    return root


def test_load_validate_query_export_on_oxigraph_server(oxigraph_server: str, tmp_path: Path) -> None:
    root = _remote_workspace(tmp_path, oxigraph_server)
    w = ("-w", str(root))
    loaded = run_cli(*w, "load")
    assert loaded.exit_code == 0, loaded.stderr
    assert not (root / ".aimsgraph" / "store").exists()  # nothing embedded: the data is on the server
    validated = run_cli(*w, "validate", "--as-of", "2026-11-23", "--format", "json")
    assert validated.exit_code == 1 and '"rule": "control-evidence"' in validated.stdout
    gaps = run_cli(*w, "query", "requirements-without-evidence", "--format", "csv")
    assert gaps.exit_code == 0 and [line.split(",")[0] for line in gaps.stdout.splitlines()[1:]] == ["6.3", "A.4.4"]
    chain = run_cli(*w, "query", "risk-evidence-chain", "-p", "risk=R-001", "--format", "csv")
    assert "model-card-claimsight" in chain.stdout
    out = tmp_path / "coverage.xlsx"
    exported = run_cli(*w, "export", "coverage", "-o", str(out), "--as-of", "2026-11-23")
    assert exported.exit_code == 0, exported.stderr
    assert out.stat().st_size > 5000
    assert "R-006" in run_cli(*w, "impact").stdout


def test_endpoint_down_is_one_line(tmp_path: Path) -> None:
    base = f"http://127.0.0.1:{_free_port()}"
    root = _remote_workspace(tmp_path, base)
    for command in (("query", "reviews"), ("stats",), ("load",)):
        result = run_cli("-w", str(root), *command)
        assert result.exit_code == 2, command
        # the endpoint named is the one that failed: a command's first step may be a write (syncing the catalog)
        assert re.fullmatch(
            f"aimsgraph: error: cannot reach the SPARQL store at {re.escape(base)}/(query|update): "
            "connection refused; is the server running[?]\n",
            result.stderr,
        ), result.stderr


class _Garbage(BaseHTTPRequestHandler):
    def _reply(self) -> None:
        body = b"<html>this is not a SPARQL endpoint</html>"
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _reply

    def log_message(self, *args: object) -> None:
        pass


def test_endpoint_answering_garbage_is_one_line(tmp_path: Path) -> None:
    server = HTTPServer(("127.0.0.1", 0), _Garbage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        root = _remote_workspace(tmp_path, f"http://127.0.0.1:{server.server_address[1]}")
        result = run_cli("-w", str(root), "query", "reviews")
        assert result.exit_code == 2 and "aimsgraph: error:" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    finally:
        server.shutdown()
        server.server_close()
