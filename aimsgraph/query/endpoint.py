"""The read-only SPARQL endpoint's HTTP server: waitress running protocol.SparqlApp, started and stopped here.

waitress, not http.server: it reads every request whole on one event loop before a worker sees it, so a client
that sends slowly holds a socket, not a thread; it refuses a bad or negative Content-Length, a malformed start
line or chunk with 400, bodies and headers over a cap with 413/431, and closes sockets idle for channel_timeout.
Its error answers are made one line here, like ours.
"""

from __future__ import annotations

import ipaddress
import threading
from typing import Any

from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server
from waitress.task import ErrorTask, ThreadedTaskDispatcher

from aimsgraph.errors import InputError
from aimsgraph.query.isolation import start_fork_server
from aimsgraph.query.protocol import RESULT_TYPES, EndpointSettings, SparqlApp

__all__ = ["RESULT_TYPES", "EndpointSettings", "SparqlServer", "allowed_hosts", "make_server"]
MAX_BODY = 1_000_000  # bytes of body or headers; more when [query] max_length needs it (percent-encoding triples)
CONNECTION_LIMIT = 100  # open sockets; beyond it new connections wait in the listen backlog
SPARE_THREADS = 2  # beyond max_queries, so a request over the cap is answered 503 at once, not queued


class OneLineErrorTask(ErrorTask):  # type: ignore[misc]
    """waitress's answer to a request it cannot parse, as one line (`bad request: Content-Length is invalid`)."""

    def execute(self) -> None:
        error = self.request.error
        body = f"{error.reason.lower()}: {error.body}\n".encode()
        self.status = f"{error.code} {error.reason}"
        self.response_headers.append(("Content-Type", "text/plain; charset=utf-8"))
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class OneLineChannel(HTTPChannel):  # type: ignore[misc]
    """A waitress connection whose parse errors are answered in one line."""

    error_task_class = OneLineErrorTask


def allowed_hosts(settings: EndpointSettings, host: str) -> frozenset[str]:
    """Host names a request may carry: [serve] allowed_hosts, else the bound address and localhost."""
    names = set(settings.allowed_hosts) or {host, "localhost"}
    if not settings.allowed_hosts and _is_loopback(host):
        names |= {"127.0.0.1", "::1"}
    return frozenset(name.strip("[]").lower() for name in names)


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host == "localhost"


class SparqlServer:
    """The endpoint on host:port (bound when made), served by serve_forever until shutdown."""

    def __init__(self, settings: EndpointSettings, host: str, port: int, *, verbose: bool = False) -> None:
        self.settings = settings
        self._map: dict[int, Any] = {}  # ours, so shutdown can close every socket from another thread
        self._dispatcher = ThreadedTaskDispatcher()
        self._dispatcher.set_thread_count(settings.max_queries + SPARE_THREADS)  # waitress does it only for its own
        app = SparqlApp(settings, allowed_hosts(settings, host), verbose=verbose)
        cap = max(MAX_BODY, 3 * settings.max_length)
        self._server: BaseWSGIServer = create_server(
            app,
            map=self._map,
            _dispatcher=self._dispatcher,
            host=host,
            port=port,
            connection_limit=CONNECTION_LIMIT,
            channel_timeout=settings.idle_timeout,
            cleanup_interval=max(min(settings.idle_timeout / 2, 30.0), 0.5),
            max_request_body_size=cap,
            max_request_header_size=cap,
            asyncore_use_poll=True,
            ident="aimsgraph-sparql",
        )
        self._server.channel_class = OneLineChannel
        self._stopped = threading.Event()

    @property
    def server_address(self) -> tuple[str, int]:
        """The bound (host, port); the port is the one picked when 0 was asked for."""
        return str(self._server.effective_host), int(self._server.effective_port)

    def serve_forever(self) -> None:
        """Answer requests until shutdown() (or Ctrl-C)."""
        try:
            self._server.run()
        finally:
            self._dispatcher.shutdown(timeout=1)
            self._stopped.set()

    def shutdown(self) -> None:
        """Stop serve_forever (from another thread) and wait for it to end."""
        self._server.trigger.pull_trigger(lambda: wasyncore.close_all(self._map))
        self._stopped.wait(10)

    def server_close(self) -> None:
        """Close the listening socket and every connection (already done when serve_forever has ended)."""
        if not self._stopped.is_set():
            wasyncore.close_all(self._map)


def make_server(
    settings: EndpointSettings, host: str = "127.0.0.1", port: int = 7879, verbose: bool = False
) -> SparqlServer:
    """A ready (not yet serving) endpoint on host:port; port 0 picks a free one."""
    try:
        server = SparqlServer(settings, host, port, verbose=verbose)
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    if settings.store.kind != "sparql":  # its queries run in children of the fork server: start it with the endpoint
        start_fork_server()
    return server
