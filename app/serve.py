"""Run the explorer's Streamlit server and, beside it, compute what the Overview shows before the first visit.

`python -m aimsgraph.app.serve [streamlit options] -- --workspace DIR` is `streamlit run` on the explorer plus a
warm-up thread: while the browser loads Streamlit's front end, the workspace opens and coverage and the gap rules
run, so the first Overview is drawn from the caches instead of waiting for them. When it has ended the thread
writes the file named by $AIMSGRAPH_READY_FILE; `aimsgraph app` opens the browser then.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
import time
from pathlib import Path

from aimsgraph.explorer import READY_ENV  # written once the server listens and the warm-up has ended (or was skipped)

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
            from aimsgraph.query_process import start_fork_server

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

    from aimsgraph.resources import app_entry

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
