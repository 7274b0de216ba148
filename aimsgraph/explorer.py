"""Start and stop the explorer (the Streamlit app in aimsgraph.app) on 127.0.0.1; never imports streamlit."""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from aimsgraph.errors import AimsError

HOST = "127.0.0.1"
WORKSPACE_ENV = "AIMSGRAPH_WORKSPACE"
READY_ENV = "AIMSGRAPH_READY_FILE"  # the server writes this file when the Overview's figures are computed
# Flags for driving Debian's chromium headless on a machine with no outside network (tests, benchmarks).
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


class ExplorerError(AimsError):
    """The explorer could not be started (streamlit missing, port taken, server never became healthy)."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def explorer_command(workspace: Path, port: int) -> list[str]:
    """The command line of the explorer on `workspace`, headless, on 127.0.0.1:`port`.

    `aimsgraph.app.serve` is `streamlit run` on the app plus a thread that computes the Overview's figures while
    the browser loads, so the first visit does not wait for them.
    """
    return [
        sys.executable,
        "-m",
        "aimsgraph.app.serve",
        "--server.address",
        HOST,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        "--",
        "--workspace",
        str(workspace.resolve()),
    ]


@dataclass
class Explorer:
    """A running explorer server."""

    process: subprocess.Popen[bytes]
    port: int
    ready_file: Path | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    def wait_healthy(self, timeout: float = 60.0) -> None:
        """Block until /_stcore/health answers ok; raise ExplorerError if the server died or took too long."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ExplorerError(f"the explorer exited with code {self.process.returncode} before it was ready")
            if _healthy(self.url + "_stcore/health"):
                return
            time.sleep(0.2)
        self.stop()
        raise ExplorerError(f"the explorer did not answer on {self.url} within {timeout:.0f} s")

    def wait_ready(self, timeout: float = 60.0) -> None:
        """wait_healthy(), then until the server has computed the Overview's figures (at most `timeout` s in all).

        The browser opened after this draws the first Overview from the caches. Past the timeout (a very large
        workspace) it returns anyway: the page then shows Streamlit's running indicator until the figures come.
        """
        deadline = time.monotonic() + timeout
        self.wait_healthy(timeout)
        while self.ready_file is not None and not self.ready_file.exists() and time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ExplorerError(f"the explorer exited with code {self.process.returncode} before it was ready")
            time.sleep(0.1)

    def stop(self) -> None:
        """Stop the server (politely, then firmly)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.ready_file is not None:
            self.ready_file.unlink(missing_ok=True)


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def start_explorer(workspace: Path, port: int | None = None, quiet: bool = False) -> Explorer:
    """Start the explorer on `workspace` in a child process; call wait_healthy() or wait_ready() before using it."""
    # find_spec, not import: the library never imports streamlit, it only checks it is there.
    if importlib.util.find_spec("streamlit") is None:
        raise ExplorerError("the explorer needs streamlit: pip install 'aimsgraph[app]'")
    port = port or free_port()
    ready = Path(tempfile.gettempdir()) / f"aimsgraph-ready-{os.getpid()}-{port}"  # the server creates it
    ready.unlink(missing_ok=True)
    env = os.environ | {
        WORKSPACE_ENV: str(workspace.resolve()),
        READY_ENV: str(ready),
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    }
    output = subprocess.DEVNULL if quiet else None
    process = subprocess.Popen(explorer_command(workspace, port), env=env, stdout=output, stderr=output)
    return Explorer(process, port, ready)
