"""A hostile mix of HTTP clients for bench_endpoint: slow clients holding sockets, and a steady stream of oversized,
malformed and foreign-Host requests, run in background threads beside the normal load."""

from __future__ import annotations

import itertools
import socket
import threading
import time
from types import TracebackType

BAD_REQUESTS = (
    b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 900000000\r\n\r\n",  # over the body cap
    b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\n\r\nabc",
    b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n",
    b"GIVE ME EVERYTHING\r\n\r\n",
    b"GET /sparql?query= HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: rebound.example\r\n\r\n",
    b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
)
SLOW_START = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n"  # never finished


class Hostile:
    """Context manager running the mix against 127.0.0.1:port; counts answers received and sockets held."""

    def __init__(self, port: int, slow_clients: int, rate: float) -> None:
        self.port, self.slow_clients, self.rate = port, slow_clients, rate
        self.answered = 0
        self.held = 0
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._slow, daemon=True),
            threading.Thread(target=self._bad, daemon=True),
        ]

    def __enter__(self) -> Hostile:
        for thread in self._threads:
            thread.start()
        time.sleep(1.0)  # the slow sockets are open before the normal load starts
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=10)

    def _slow(self) -> None:
        """Keep slow_clients sockets open, each dripping a header byte every second; reopen those the server closes."""
        sockets: list[socket.socket] = []
        while not self._stop.is_set():
            while len(sockets) < self.slow_clients:
                conn = socket.create_connection(("127.0.0.1", self.port), timeout=5)
                conn.sendall(SLOW_START)
                sockets.append(conn)
            for conn in list(sockets):
                try:
                    conn.sendall(b"X")
                except OSError:  # closed by the server's idle timeout (or cap): a new one replaces it
                    sockets.remove(conn)
                    conn.close()
            self.held = max(self.held, len(sockets))
            self._stop.wait(1.0)
        for conn in sockets:
            conn.close()

    def _bad(self) -> None:
        """Send one bad request every 1/rate s and read its answer."""
        for request in itertools.cycle(BAD_REQUESTS):
            if self._stop.wait(1 / self.rate):
                return
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=10) as conn:
                    conn.sendall(request)
                    if conn.recv(12).startswith(b"HTTP/1."):
                        self.answered += 1
            except OSError:
                continue
