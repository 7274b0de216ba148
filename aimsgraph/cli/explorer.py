"""Command of the explorer: app (and the helper the demo command uses to open it)."""

from __future__ import annotations

import os
import signal
import sys
import webbrowser
from pathlib import Path

import click

from aimsgraph.cli import Context, pass_context
from aimsgraph.explorer import start_explorer


def run_explorer(workspace: Path, port: int | None, open_browser: bool) -> None:
    """Start the explorer on `workspace`, print its URL, open a browser if asked, and serve until Ctrl-C."""
    explorer = start_explorer(workspace, port, quiet=True)
    # A plain SIGTERM (a service manager, `timeout`) must still stop the server child: make it an exit.
    signal.signal(signal.SIGTERM, _exit_on_term)
    try:
        click.echo("Starting the explorer and computing coverage for its first page ...")
        explorer.wait_ready()
        click.echo(f"Explorer on {workspace.name}: {explorer.url}  (Ctrl-C to stop)")
        # A browser only makes sense for a person at a terminal, not in CI or a pipe.
        if open_browser and sys.stdin.isatty() and not os.environ.get("CI"):
            webbrowser.open(explorer.url)
        explorer.process.wait()
    except KeyboardInterrupt:
        click.echo("Stopping the explorer.")
    finally:
        explorer.stop()


def _exit_on_term(signum: int, frame: object) -> None:
    raise SystemExit(0)


@click.command()
@click.option("--port", type=click.IntRange(1, 65535), help="Port on 127.0.0.1 (default: a free one).")
@click.option("--no-browser", is_flag=True, help="Do not open a web browser.")
@pass_context
def app(ctx: Context, port: int | None, no_browser: bool) -> None:
    """Open the explorer (a local web app) on the workspace: coverage, gaps, suggestions, graph, SPARQL, exports.

    It listens on 127.0.0.1 only and holds the workspace store while it runs.
    """
    workspace = ctx.workspace()
    root = workspace.root
    ctx.close()  # the explorer's own process opens the store; an on-disk store admits one process
    run_explorer(root, port, not no_browser)


COMMANDS = [app]
