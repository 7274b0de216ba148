"""Command of the explorer: app (and the helper the demo command uses to open it)."""

from __future__ import annotations

import click

from aimsgraph.app.launch import run_explorer
from aimsgraph.cli import Context, pass_context


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
