"""Run one query in a child process that the time limit really stops.

Oxigraph cannot interrupt a running query, so a query past its time limit in a worker thread keeps a core busy
until it ends. Long-lived processes (the endpoint) run user queries here instead: a forked child evaluates the
query and sends the rows back; past the time limit the child is killed. On disk the child reads a checkpoint
of the store (hard links, made per query): a read-only handle on the live store fails when the writer compacts
files under it. An in-memory store is read straight from the parent's copy-on-write memory.
"""

from __future__ import annotations

import multiprocessing
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from rdflib import Graph

from aimsgraph.errors import AimsError, InputError, StoreError
from aimsgraph.store import Store

Collect = Callable[[Store], Any]  # evaluates the query on the store it is given, returns a QueryOutcome


@contextmanager
def _snapshot(store: Store) -> Iterator[Path | None]:
    """A checkpoint of an on-disk store beside it (same file system: hard links), removed afterwards."""
    inner = store.oxigraph
    if store.kind != "oxigraph" or not store.location or inner is None:
        yield None
        return
    folder = Path(tempfile.mkdtemp(prefix=".query-", dir=Path(store.location).parent))
    try:
        inner.backup(str(folder / "store"))
        yield folder / "store"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _child(store: Store, snapshot: Path | None, collect: Collect, pipe: Connection) -> None:
    try:
        outcome = collect(Store.on_disk(snapshot, read_only=True) if snapshot else store)
        if outcome.graph is not None:  # sent as N-Triples: rdflib graphs do not pickle
            outcome.graph = outcome.graph.serialize(format="nt")
        pipe.send(("ok", outcome))
    except AimsError as exc:
        pipe.send(("input" if isinstance(exc, InputError) else "store", str(exc)))
    except Exception as exc:  # anything else becomes the one-line store error the parent raises
        pipe.send(("store", f"{store.location or store.kind}: query failed: {str(exc).splitlines()[0]}"))
    finally:
        pipe.close()


def run_in_child(store: Store, collect: Collect, timeout: float) -> Any:
    """`collect(store)` evaluated in a forked child; InputError when it passes `timeout` (the child is killed)."""
    context = multiprocessing.get_context("fork")
    with _snapshot(store) as snapshot:
        reader, writer = context.Pipe(duplex=False)
        args = (store, snapshot, collect, writer)
        child = context.Process(target=_child, args=args, name="aimsgraph-query", daemon=True)
        child.start()
        writer.close()
        kind, payload = _wait(child, reader, timeout)
    if kind == "input":
        raise InputError(payload)
    if kind == "store":
        raise StoreError(payload)
    if isinstance(payload.graph, str):
        payload.graph = Graph().parse(data=payload.graph, format="nt")
    return payload


def _wait(child: Any, reader: Connection, timeout: float) -> tuple[str, Any]:
    """The child's message, or InputError at the time limit; the child is gone afterwards either way."""
    try:
        if not reader.poll(timeout):
            raise InputError(f"query stopped after {timeout:g} s (time limit; raise it with --timeout)")
        message: tuple[str, Any] = reader.recv()
    except EOFError:
        raise StoreError("the query process ended without an answer (out of memory?)") from None
    finally:
        reader.close()
        if child.is_alive():
            child.kill()
        child.join()
    return message
