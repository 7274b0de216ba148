"""A fork server: a single-threaded helper process that forks one child per task for a caller with threads.

Forking a multi-threaded process is unsafe: the child gets a copy of every lock another thread held at that
moment (in Oxigraph's storage engine, the allocator, Python) and waits forever if it needs one. The helper holds no
threads, so its children start clean. multiprocessing's own fork server is not used: its children re-run the
caller's main module, and under Streamlit that is the explorer's page script.

The helper (`python -m aimsgraph.query.fork_server`) starts on first use, imports the modules it is told to preload, and
ends when its caller does (its end of the control socket closes). For each task the caller makes a socket pair and
hands one end to the helper through the control socket; the child forked for it sends its pid, receives the task
(a picklable callable) and calls it with the connection, through which the task sends its answer. Only the caller
holds the sockets: nothing listens on a path or port.
"""

from __future__ import annotations

import ctypes
import importlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable
from contextlib import suppress
from multiprocessing.connection import Connection
from typing import Any, NoReturn

from aimsgraph.errors import StoreError

Task = Callable[[Connection], Any]  # runs in the child; must pickle (a module-level function or a partial of one)
PR_SET_PDEATHSIG = 1  # prctl(2)
START_LIMIT = 60.0  # seconds for the helper to start (first task) and fork a child

_lock = threading.Lock()  # one task handed over at a time; the helper started once
_helper: tuple[subprocess.Popen[bytes], socket.socket] | None = None


def _running(preload: list[str]) -> socket.socket:
    """The control socket of a live helper, started now if there is none (call with _lock held)."""
    global _helper
    if _helper is not None:
        if _helper[0].poll() is None:
            return _helper[1]
        _helper[1].close()  # it has ended: its control socket goes with it
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    settings = json.dumps({"sys_path": sys.path, "preload": preload})
    command = [sys.executable, "-m", "aimsgraph.query.fork_server", str(theirs.fileno()), settings]
    # A session of its own: Ctrl-C in the caller's terminal stops the caller, whose going then ends the helper.
    process = subprocess.Popen(command, pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, start_new_session=True)
    theirs.close()
    _helper = (process, ours)
    return ours


def start(preload: list[str]) -> None:
    """Start the helper now (it takes about a second) instead of at the first task."""
    with _lock:
        _running(preload)


def helper_pid() -> int | None:
    """The pid of the running helper, if any."""
    return _helper[0].pid if _helper is not None and _helper[0].poll() is None else None


def submit(task: Task, preload: list[str]) -> tuple[int, Connection]:
    """Fork a child that runs `task(connection)`: its pid, and the caller's end of that connection."""
    ours, theirs = socket.socketpair()
    with _lock, theirs:
        try:
            socket.send_fds(_running(preload), [b"t"], [theirs.fileno()])
        except OSError:  # the helper died since: start another once
            global _helper
            if _helper is not None:
                _helper[1].close()
            _helper = None
            socket.send_fds(_running(preload), [b"t"], [theirs.fileno()])
    connection = Connection(ours.detach())
    try:
        if not connection.poll(START_LIMIT):
            raise StoreError(f"the query process did not start within {START_LIMIT:g} s")
        pid: int = connection.recv()
        connection.send(task)
    except (EOFError, OSError):
        connection.close()
        raise StoreError("the query process ended before it started (see the error above)") from None
    except BaseException:
        connection.close()
        raise
    return pid, connection


def stop(pid: int) -> None:
    """Kill a child of the helper (gone already: nothing to do); the kernel reaps it (the helper ignores SIGCHLD)."""
    with suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


# ---------------------------------------------------------------- the helper's side
def _serve(control: socket.socket) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel, never become zombies
    while True:
        message, fds, _flags, _address = socket.recv_fds(control, 1, 1)
        if not message:
            return  # the caller has gone
        if not fds:
            continue
        helper = os.getpid()
        if os.fork() == 0:
            control.close()
            _child(fds[0], helper)
        os.close(fds[0])


def _end_with(helper: int) -> None:
    """Have Linux kill this child when the helper ends (it ends with the caller): no query outlives them."""
    with suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != helper:  # the helper ended before the request above was made
        os._exit(1)


def _child(fd: int, helper: int) -> NoReturn:
    code = 0
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        _end_with(helper)
        with Connection(fd) as connection:
            connection.send(os.getpid())
            task: Task = connection.recv()
            task(connection)
    except BaseException:  # the caller sees the connection close; the reason goes to the shared stderr
        traceback.print_exc()
        code = 1
    finally:
        os._exit(code)


def main() -> None:
    """`python -m aimsgraph.query.fork_server FD SETTINGS`: serve the caller on the control socket FD."""
    settings = json.loads(sys.argv[2])
    sys.path[:] = settings["sys_path"]
    for name in settings["preload"]:
        with suppress(ImportError):
            importlib.import_module(name)
    _serve(socket.socket(fileno=int(sys.argv[1])))


if __name__ == "__main__":
    main()
