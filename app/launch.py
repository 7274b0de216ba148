"""The explorer's start-up, all in one place: start and stop its server, and the server process itself.

`start_explorer` (used by `aimsgraph app` and `aimsgraph demo`) runs `python -m aimsgraph.app.launch` in a child
process. That is `streamlit run` on the explorer plus a warm-up thread: while the browser loads Streamlit's front
end, the workspace opens and coverage and the gap rules run, so the first Overview is drawn from the caches instead
of waiting for them. When it has ended the thread writes the file named by $AIMSGRAPH_READY_FILE; `aimsgraph app`
opens the browser then. Streamlit is imported only inside the server process.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import urllib.error
import urllib.request
import webbrowser
from dataclasses import dataclass
from pathlib import Path

from aimsgraph.errors import AimsError, InputError

HOST = "127.0.0.1"
WORKSPACE_ENV = "AIMSGRAPH_WORKSPACE"
READY_ENV = "AIMSGRAPH_READY_FILE"  # the server writes this file when the Overview's figures are computed
SECRETS_FILE = ".streamlit/secrets.toml"  # under the workspace; its [auth] section turns sign-in on


class ExplorerError(AimsError):
    """The explorer could not be started (streamlit missing, port taken, server never became healthy)."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def secrets_file(workspace: Path) -> Path:
    """Where the explorer's secrets (the identity provider's [auth] section) live: in the workspace, never the repo."""
    return workspace.resolve() / SECRETS_FILE


def check_secrets(workspace: Path) -> None:
    """Refuse to start on a secrets file that is not TOML: Streamlit would skip it and so drop the sign-in."""
    path = secrets_file(workspace)
    if not path.is_file():
        return
    try:
        tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(
            f"not valid TOML ({exc}); fix it or remove it to run without sign-in", source=str(path)
        ) from None


def explorer_command(workspace: Path, port: int) -> list[str]:
    """The command line of the explorer on `workspace`, headless, on 127.0.0.1:`port`.

    `aimsgraph.app.launch` run as a module is the server: `streamlit run` plus the warm-up thread (see main).
    Secrets are read from the workspace's .streamlit/secrets.toml only (not ~/.streamlit or the working folder).
    """
    return [
        sys.executable,
        "-m",
        "aimsgraph.app.launch",
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
        "--secrets.files",
        str(secrets_file(workspace)),
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
    check_secrets(workspace)
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


def run_explorer(workspace: Path, port: int | None, open_browser: bool) -> None:
    """Start the explorer on `workspace`, print its URL, open a browser if asked, and serve until Ctrl-C."""
    explorer = start_explorer(workspace, port, quiet=True)
    # A plain SIGTERM (a service manager, `timeout`) must still stop the server child: make it an exit.
    signal.signal(signal.SIGTERM, _exit_on_term)
    try:
        print("Starting the explorer and computing coverage for its first page ...")
        explorer.wait_ready()
        print(f"Explorer on {workspace.name}: {explorer.url}  (Ctrl-C to stop)")
        # A browser only makes sense for a person at a terminal, not in CI or a pipe.
        if open_browser and sys.stdin.isatty() and not os.environ.get("CI"):
            webbrowser.open(explorer.url)
        explorer.process.wait()
    except KeyboardInterrupt:
        print("Stopping the explorer.")
    finally:
        explorer.stop()


def _exit_on_term(signum: int, frame: object) -> None:
    raise SystemExit(0)


# ---------------------------------------------------------------- the server process
WARM_THREAD = "aimsgraph-warm-up"
WARM_UP_ENV = "AIMSGRAPH_WARM_UP"  # "0" turns the warm-up off (the first visit then computes everything)
QUIET_LOGGERS = ("streamlit.runtime.scriptrunner_utils.script_run_context", "streamlit.runtime.caching.cache_data_api")


class _QuietWarmUp(logging.Filter):
    """Drop Streamlit's 'missing ScriptRunContext' warnings that the warm-up thread (no page) causes."""

    def filter(self, record: logging.LogRecord) -> bool:
        return threading.current_thread().name != WARM_THREAD


def workspace_argument(args: list[str]) -> Path | None:
    """The folder after `--workspace` in the script's arguments, if any."""
    if "--workspace" in args and args.index("--workspace") + 1 < len(args):
        return Path(args[args.index("--workspace") + 1])
    return None


def _warm_up(folder: Path | None) -> None:
    from streamlit.runtime import Runtime, RuntimeState

    deadline = time.monotonic() + 60
    # Start once the server listens (the caches live in its runtime): never delay the server answering the browser.
    while time.monotonic() < deadline and (not Runtime.exists() or Runtime.instance().state == RuntimeState.INITIAL):
        time.sleep(0.05)
    try:
        if folder is not None:
            from aimsgraph.app import state

            state.warm(folder)
            from aimsgraph.query.isolation import start_fork_server

            start_fork_server()  # the SPARQL page's first query then does not wait for it
    except Exception:  # a broken workspace is reported on the page by the first visit, not here
        logging.getLogger("aimsgraph.app").debug("warm-up failed", exc_info=True)
    finally:
        _mark_ready()


def _mark_ready() -> None:
    """Tell whoever started the server (`aimsgraph app`) that the first visit will be drawn from the caches."""
    ready = os.environ.get(READY_ENV)
    if ready:  # on failure the starter opens the page when its wait ends: slower, not wrong
        with contextlib.suppress(OSError):
            Path(ready).write_text("ready\n", encoding="utf-8")


def main() -> None:
    """Start the warm-up thread, then hand over to `streamlit run` with this process's arguments."""
    from streamlit.web import cli

    from aimsgraph.vocabulary.resources import app_entry

    args = sys.argv[1:]
    folder = workspace_argument(args)
    if folder is None or not folder.is_dir() or os.environ.get(WARM_UP_ENV) == "0":
        folder = None  # nothing to warm: the thread only reports the server ready
    for name in QUIET_LOGGERS:  # Streamlit's loggers do not propagate: filter each one
        logging.getLogger(name).addFilter(_QuietWarmUp())
    threading.Thread(target=_warm_up, args=(folder,), name=WARM_THREAD, daemon=True).start()
    cli.main(["run", str(app_entry()), *args], prog_name="streamlit")


if __name__ == "__main__":
    main()
