"""Run one query in a child process that the time limit really stops.

Oxigraph cannot interrupt a running query, so a query past its time limit in a worker thread keeps a core busy
until it ends. Long-lived processes (the endpoint, the explorer) run user queries here instead: a child process
evaluates the query and sends the rows back; past the time limit the child is killed.

The child comes from aimsgraph's fork server (a single-threaded helper: forking the threaded caller itself could
hang the child on a lock another thread held), so it gets a copy of the store it can open on its own: a
checkpoint of an on-disk store (hard links, made per query: a read-only handle on the live store fails when the
writer compacts files under it), or the quads of an in-memory store such as the coverage view.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from multiprocessing.connection import Connection
from typing import Any

from rdflib import Graph

from aimsgraph.errors import AimsError, InputError, StoreError
from aimsgraph.query import fork_server
from aimsgraph.store import Snapshot, Store

# Evaluates the query on the store it is given and returns a QueryOutcome; sent to the child, so it must pickle
# (a module-level function or a functools.partial of one, never a lambda).
Collect = Callable[[Store], Any]


# What the fork server imports once, so a child starts with it loaded. Only this: a library that starts threads
# on import (OpenBLAS, through bm25s and scipy) would make the server multi-threaded.
PRELOAD = ["aimsgraph.query.sparql"]


class QueryTimeLimit(InputError):
    """A query (its parsing included) ran past its time limit and was stopped."""

    def __init__(self, timeout: float) -> None:
        super().__init__(f"query stopped after {timeout:g} s (time limit; raise it with --timeout)")


def start_fork_server() -> None:
    """Start the fork server now instead of at the first query (about a second), e.g. when a server starts."""
    fork_server.start(PRELOAD)


def _answer(copy: Snapshot, collect: Collect, pipe: Connection) -> None:
    """In the child: evaluate and send ("ok", outcome), or ("input" | "store", one-line message)."""
    try:
        outcome = collect(copy.open())
        if outcome.graph is not None:  # sent as N-Triples: rdflib graphs do not pickle
            outcome.graph = outcome.graph.serialize(format="nt")
        pipe.send(("ok", outcome))
    except AimsError as exc:
        pipe.send(("input" if isinstance(exc, InputError) else "store", str(exc)))
    except Exception as exc:  # anything else becomes the one-line store error the caller raises
        pipe.send(("store", f"{copy.label}: query failed: {str(exc).splitlines()[0]}"))


def _call(work: Callable[[], Any], pipe: Connection) -> None:
    """In the child: send ("ok", work()), or ("input" | "store", one-line message)."""
    try:
        pipe.send(("ok", work()))
    except AimsError as exc:
        pipe.send(("input" if isinstance(exc, InputError) else "store", str(exc)))
    except Exception as exc:  # anything else becomes the one-line store error the caller raises
        pipe.send(("store", f"query failed: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"))


def call_in_child(work: Callable[[], Any], timeout: float, limit: float | None = None) -> Any:
    """`work()` (picklable, its answer too) called in a child process that is killed when it passes `timeout`.

    Its InputError or StoreError is raised here with the same message; QueryTimeLimit names `limit` (default
    `timeout`), the limit the user set, when `timeout` is what is left of it.
    """
    pid, connection = fork_server.submit(partial(_call, work), PRELOAD)
    kind, payload = _wait(pid, connection, timeout, limit)
    if kind != "ok":
        raise (InputError if kind == "input" else StoreError)(payload)
    return payload


def run_in_child(store: Store, collect: Collect, timeout: float, limit: float | None = None) -> Any:
    """`collect(store)` evaluated in a child process; QueryTimeLimit when it passes `timeout` (the child is killed)."""
    with store.snapshot() as copy:
        pid, connection = fork_server.submit(partial(_answer, copy, collect), PRELOAD)
        kind, payload = _wait(pid, connection, timeout, limit)
    if kind == "input":
        raise InputError(payload)
    if kind == "store":
        raise StoreError(payload)
    if isinstance(payload.graph, str):
        payload.graph = Graph().parse(data=payload.graph, format="nt")
    return payload


def _wait(pid: int, connection: Connection, timeout: float, limit: float | None) -> tuple[str, Any]:
    """The child's message, or QueryTimeLimit at the time limit (the child is killed)."""
    try:
        if not connection.poll(max(timeout, 0.0)):  # the connection still open: the child is still working
            fork_server.stop(pid)
            raise QueryTimeLimit(timeout if limit is None else limit)
        message: tuple[str, Any] = connection.recv()
    except EOFError:
        raise StoreError("the query process ended without an answer (out of memory?)") from None
    finally:
        connection.close()
    return message
