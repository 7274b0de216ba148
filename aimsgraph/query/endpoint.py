"""A read-only SPARQL 1.1 Protocol endpoint over a store (GET and POST, content negotiation)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from aimsgraph.errors import AimsError, InputError
from aimsgraph.query.isolation import start_fork_server
from aimsgraph.query.negotiation import choose_media_type
from aimsgraph.query.results import graph_text, results_delimited, results_json, results_xml
from aimsgraph.query.sparql import QueryOutcome, QueryRefused, check_read_only, run_query
from aimsgraph.store import Store

PATHS = ("/", "/sparql", "/query")
RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}
GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")
DATASET_PARAMETERS = ("default-graph-uri", "named-graph-uri")
MAX_BODY = 1_000_000  # a query is text; a megabyte is plenty and bounds what one request can make us read


@dataclass(frozen=True)
class EndpointSettings:
    """What the endpoint serves and within which limits."""

    store: Store
    timeout: float = 30.0
    row_limit: int = 10000


def _dataset_refusal(parameters: str) -> str | None:
    """Why a request naming its dataset by protocol parameters is refused (None when it names none).

    Refused rather than ignored: an ignored default-graph-uri would answer over every graph as if it were honoured.
    """
    given = parse_qs(parameters, keep_blank_values=True)
    for name in DATASET_PARAMETERS:
        if name in given:
            return f"{name} is not supported: name the graphs in the query with FROM <...> or FROM NAMED <...>"
    return None


class NotAcceptable(Exception):
    """No media type we can serve the answer in has a quality above 0 in the client's Accept header."""


def negotiate(form: str, accept: str) -> str:
    """The media type to answer a `form` query (SELECT, ASK, CONSTRUCT, DESCRIBE) in, as `accept` prefers."""
    table = GRAPH_TYPES if form in GRAPH_FORMS else RESULT_TYPES
    media = choose_media_type(accept, list(table))
    if media is None:
        raise NotAcceptable(f"not acceptable: this answer is available as {', '.join(table)}")
    return media


def render_outcome(outcome: QueryOutcome, media: str) -> bytes:
    """The body of `outcome` in `media` (one of RESULT_TYPES or GRAPH_TYPES, as negotiate chose)."""
    if outcome.form in GRAPH_FORMS:
        return graph_text(outcome, GRAPH_TYPES[media]).encode("utf-8")
    fmt = RESULT_TYPES[media]
    if fmt == "json":
        body = json.dumps(results_json(outcome))
    elif fmt == "xml":
        body = results_xml(outcome)
    else:
        body = results_delimited(outcome, "," if fmt == "csv" else "\t")
    return body.encode("utf-8")


class SparqlHandler(BaseHTTPRequestHandler):
    """SPARQL 1.1 Protocol query operation; every update operation is refused."""

    server: SparqlServer
    server_version = "aimsgraph-sparql"

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path not in PATHS:
            return self._text(HTTPStatus.NOT_FOUND, "not found: the endpoint is at /sparql")
        params = parse_qs(url.query)
        if "update" in params:
            return self._text(HTTPStatus.FORBIDDEN, "updates are not allowed: this endpoint is read-only")
        if "query" not in params:
            return self._text(HTTPStatus.OK, "aimsgraph SPARQL endpoint (read-only): send ?query=...")
        if refusal := _dataset_refusal(url.query):
            return self._text(HTTPStatus.BAD_REQUEST, refusal)
        self._answer(params["query"][0])

    def do_POST(self) -> None:
        if urlsplit(self.path).path not in PATHS:
            return self._text(HTTPStatus.NOT_FOUND, "not found: the endpoint is at /sparql")
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return self._text(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "request too large")
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if kind == "application/sparql-update":
            return self._text(HTTPStatus.FORBIDDEN, "updates are not allowed: this endpoint is read-only")
        direct = kind == "application/sparql-query"  # the protocol puts its other parameters in the URL then
        form = {} if direct else parse_qs(body)
        if "update" in form:
            return self._text(HTTPStatus.FORBIDDEN, "updates are not allowed: this endpoint is read-only")
        if not direct and "query" not in form:
            return self._text(HTTPStatus.BAD_REQUEST, "missing query parameter")
        if refusal := _dataset_refusal(urlsplit(self.path).query) or _dataset_refusal("" if direct else body):
            return self._text(HTTPStatus.BAD_REQUEST, refusal)
        self._answer(body if direct else form["query"][0])

    def _answer(self, text: str) -> None:
        settings = self.server.settings
        try:
            media = negotiate(check_read_only(text), self.headers.get("Accept") or "")
            outcome = run_query(
                settings.store, text, timeout=settings.timeout, row_limit=settings.row_limit, isolate=True
            )
        except NotAcceptable as exc:
            return self._text(HTTPStatus.NOT_ACCEPTABLE, str(exc))
        except QueryRefused as exc:
            return self._text(HTTPStatus.FORBIDDEN, str(exc))
        except InputError as exc:
            return self._text(HTTPStatus.BAD_REQUEST, str(exc))
        except AimsError as exc:
            return self._text(HTTPStatus.INTERNAL_SERVER_ERROR, str(exc))
        self._send(HTTPStatus.OK, f"{media}; charset=utf-8", render_outcome(outcome, media))

    def _text(self, status: HTTPStatus, message: str) -> None:
        self._send(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))

    def _send(self, status: HTTPStatus, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            super().log_message(format, *args)


class SparqlServer(ThreadingHTTPServer):
    """The HTTP server holding the endpoint's settings."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], settings: EndpointSettings, *, verbose: bool = False) -> None:
        super().__init__(address, SparqlHandler)
        self.settings = settings
        self.verbose = verbose


def make_server(
    settings: EndpointSettings, host: str = "127.0.0.1", port: int = 7879, verbose: bool = False
) -> SparqlServer:
    """A ready (not yet serving) endpoint on host:port; port 0 picks a free one."""
    try:
        server = SparqlServer((host, port), settings, verbose=verbose)
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    if settings.store.kind != "sparql":  # its queries run in children of the fork server: start it with the endpoint
        start_fork_server()
    return server
