"""The read-only SPARQL 1.1 Protocol over a store (GET and POST, content negotiation), as a WSGI app.

Every answer that is not a result is one line of text. `endpoint.py` runs the app in waitress, which parses HTTP,
caps bodies and headers and times out idle sockets; the app checks what only it knows: Host, the protocol's
parameters, the query and how many run at once.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

from aimsgraph.errors import AimsError, InputError
from aimsgraph.query.negotiation import choose_media_type
from aimsgraph.query.results import graph_text, results_delimited, results_json, results_xml
from aimsgraph.query.sparql import (
    MAX_LENGTH,
    QueryOutcome,
    QueryRefused,
    QueryTimeLimit,
    QueryTooLong,
    query_form,
    run_query,
)
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
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
READ_ONLY = "updates are not allowed: this endpoint is read-only"
StartResponse = Callable[[str, list[tuple[str, str]]], Any]


@dataclass(frozen=True)
class EndpointSettings:
    """What the endpoint serves and within which limits ([query] and [serve] in aimsgraph.toml)."""

    store: Store
    timeout: float = 30.0
    row_limit: int = 10000
    max_length: int = MAX_LENGTH
    allowed_hosts: tuple[str, ...] = ()  # empty: the bound address and localhost
    idle_timeout: float = 30.0
    max_queries: int = 4


@dataclass(frozen=True)
class Answer:
    """One HTTP response: status, media type and body (extra headers for the few that need them)."""

    status: HTTPStatus
    body: bytes
    media: str = "text/plain; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()


def text_answer(status: HTTPStatus, message: str, *headers: tuple[str, str]) -> Answer:
    """A one-line text answer."""
    return Answer(
        status, (message.splitlines()[0] if message else status.phrase).encode("utf-8") + b"\n", headers=headers
    )


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


class Refusal(Exception):
    """A request the protocol refuses: answered with its status and one line."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status


def _parameters(text: str, where: str) -> dict[str, list[str]]:
    """Form or URL parameters; a malformed encoding is a 400, not a guess."""
    try:
        return parse_qs(text, keep_blank_values=True, errors="strict")
    except (ValueError, UnicodeDecodeError):
        raise Refusal(HTTPStatus.BAD_REQUEST, f"malformed {where}: not application/x-www-form-urlencoded") from None


def _dataset_refusal(given: dict[str, list[str]]) -> None:
    """Refuse a request naming its dataset by protocol parameters.

    Refused rather than ignored: an ignored default-graph-uri would answer over every graph as if it were honoured.
    """
    for name in DATASET_PARAMETERS:
        if name in given:
            raise Refusal(
                HTTPStatus.BAD_REQUEST,
                f"{name} is not supported: name the graphs in the query with FROM <...> or FROM NAMED <...>",
            )


def _one_query(given: dict[str, list[str]]) -> str:
    """The one non-empty `query` parameter."""
    if "update" in given:
        raise Refusal(HTTPStatus.FORBIDDEN, READ_ONLY)
    queries = given.get("query", [])
    if len(queries) != 1:
        raise Refusal(HTTPStatus.BAD_REQUEST, "give exactly one query parameter" if queries else "missing query")
    if not queries[0].strip():
        raise Refusal(HTTPStatus.BAD_REQUEST, "empty query: send query=SELECT ...")
    return queries[0]


def _body(environ: dict[str, Any]) -> str:
    """The request body as text (waitress has checked Content-Length against its cap)."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    try:
        return bytes(environ["wsgi.input"].read(length)).decode("utf-8")
    except UnicodeDecodeError:
        raise Refusal(HTTPStatus.BAD_REQUEST, "the request body is not UTF-8") from None


def query_of(environ: dict[str, Any]) -> str:
    """The query a GET or POST request carries, after the protocol's checks (Refusal otherwise)."""
    url = _parameters(environ.get("QUERY_STRING", ""), "query string")
    _dataset_refusal(url)
    if environ["REQUEST_METHOD"] in ("GET", "HEAD"):
        return _one_query(url)
    kind = (environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
    if kind == "application/sparql-update":
        raise Refusal(HTTPStatus.FORBIDDEN, READ_ONLY)
    if kind not in (FORM, DIRECT):
        raise Refusal(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, f"send the query as {FORM} or {DIRECT}")
    body = _body(environ)
    if kind == DIRECT:  # the protocol puts its other parameters in the URL then
        if not body.strip():
            raise Refusal(HTTPStatus.BAD_REQUEST, "empty query: the request body holds no query")
        return body
    form = _parameters(body, "form body")
    _dataset_refusal(form)
    return _one_query(form)


class SparqlApp:
    """The WSGI app: SPARQL 1.1 Protocol query operation; every update operation is refused."""

    def __init__(self, settings: EndpointSettings, hosts: frozenset[str], *, verbose: bool = False) -> None:
        self.settings, self.hosts, self.verbose = settings, hosts, verbose
        self.slots = threading.BoundedSemaphore(settings.max_queries)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.monotonic()
        try:
            answer = self.respond(environ, started)
        except Exception as exc:  # never a traceback to the client or the log: one line each
            answer = text_answer(HTTPStatus.INTERNAL_SERVER_ERROR, f"internal error: {type(exc).__name__}: {exc}")
            print(f"aimsgraph serve: {answer.body.decode().strip()}", file=sys.stderr)
        headers = [("Content-Type", answer.media), ("Content-Length", str(len(answer.body))), ("Vary", "Accept")]
        start_response(f"{answer.status.value} {answer.status.phrase}", headers + list(answer.headers))
        if self.verbose:
            line = f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')} {answer.status.value}"
            print(f"{line} {1000 * (time.monotonic() - started):.0f} ms", file=sys.stderr)
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [answer.body]

    def respond(self, environ: dict[str, Any], started: float) -> Answer:
        """The answer to one request."""
        host = host_name(environ.get("HTTP_HOST", ""))
        if host not in self.hosts:  # DNS rebinding: a web page's request to us carries its own host name
            shown = host or "(none)"
            return text_answer(HTTPStatus.FORBIDDEN, f"host {shown!r} is not allowed: add it to [serve] allowed_hosts")
        if environ.get("PATH_INFO", "/") not in PATHS:
            return text_answer(HTTPStatus.NOT_FOUND, "not found: the endpoint is at /sparql")
        method = environ.get("REQUEST_METHOD", "")
        if method not in ("GET", "HEAD", "POST"):
            return text_answer(HTTPStatus.METHOD_NOT_ALLOWED, f"{method} is not allowed", ("Allow", "GET, HEAD, POST"))
        if method != "POST" and not environ.get("QUERY_STRING"):
            return text_answer(HTTPStatus.OK, "aimsgraph SPARQL endpoint (read-only): send ?query=...")
        try:
            text = query_of(environ)
        except Refusal as refusal:
            return text_answer(refusal.status, str(refusal))
        if not self.slots.acquire(blocking=False):  # answered now rather than queued without bound
            limit = self.settings.max_queries
            busy = f"busy: {limit} queries are running ([serve] max_queries); try again shortly"
            return text_answer(HTTPStatus.SERVICE_UNAVAILABLE, busy, ("Retry-After", "1"))
        try:
            return self._answer(text, environ.get("HTTP_ACCEPT") or "", started)
        finally:
            self.slots.release()

    def _answer(self, text: str, accept: str, started: float) -> Answer:
        settings = self.settings
        limits = settings.timeout, settings.max_length
        try:
            media = negotiate(query_form(text, timeout=limits[0], max_length=limits[1], started=started), accept)
            outcome = run_query(
                settings.store,
                text,
                timeout=limits[0],
                max_length=limits[1],
                started=started,
                row_limit=settings.row_limit,
                isolate=True,
            )
        except NotAcceptable as exc:
            return text_answer(HTTPStatus.NOT_ACCEPTABLE, str(exc))
        except QueryRefused as exc:
            return text_answer(HTTPStatus.FORBIDDEN, str(exc))
        except QueryTimeLimit as exc:
            return text_answer(HTTPStatus.SERVICE_UNAVAILABLE, str(exc))
        except QueryTooLong as exc:
            return text_answer(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, str(exc))
        except InputError as exc:
            return text_answer(HTTPStatus.BAD_REQUEST, str(exc))
        except AimsError as exc:
            return text_answer(HTTPStatus.INTERNAL_SERVER_ERROR, str(exc))
        return Answer(HTTPStatus.OK, render_outcome(outcome, media), f"{media}; charset=utf-8")


def host_name(header: str) -> str:
    """The host of a Host header, lower case, without its port (`[::1]:80` -> `::1`)."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].partition("]")[0]
    return header.rpartition(":")[0] if header.count(":") == 1 else header
