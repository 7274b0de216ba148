"""Commands of the foundation: init, load, catalog, stats, demo."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from aimsgraph.cli import Context, pass_context
from aimsgraph.cli.days import parse_day
from aimsgraph.cli.demo import prepare_demo
from aimsgraph.cli.output import output_options, render_rows, write_output
from aimsgraph.facts import checked_org_files
from aimsgraph.query.stats import store_stats
from aimsgraph.vocabulary.catalog import load_requirements
from aimsgraph.workspace import Workspace


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", help="Workspace name (default: the folder's name).")
@click.option(
    "--person",
    metavar="ID",
    help="Your person id in org/ people: written as [user] person, the name review decisions are recorded in.",
)
@click.option(
    "--store",
    "store_url",
    metavar="URL",
    help="Keep the data on an Oxigraph server (oxigraph serve) at URL, e.g. http://127.0.0.1:7878, shared by "
    "every process and person; default: the embedded store in the workspace.",
)
def init(directory: Path, name: str | None, person: str | None, store_url: str | None) -> None:
    """Create a workspace in DIRECTORY: aimsgraph.toml, org/, documents/ and a store with the catalog.

    Other SPARQL 1.1 servers (Fuseki, GraphDB, Virtuoso): set [store] query_endpoint and update_endpoint.
    """
    workspace = Workspace.init(directory, name, person=person, store_url=store_url)
    workspace.close()
    where = f" (data on {workspace.config.query_endpoint})" if store_url else ""
    click.echo(
        f"Created workspace {workspace.root}{where}: put organisation facts in org/ and documents in documents/."
    )


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--effective",
    metavar="DATE",
    help="Record the change as effective from this day (YYYY-MM-DD; not in the future, not before the latest "
    "recorded change): for back-filling history.",
)
@pass_context
def load(ctx: Context, paths: tuple[Path, ...], effective: str | None) -> None:
    """Check the organisation facts in org/ and load them into the org graph.

    YAML, CSV (one file per table), Turtle and JSON-LD are read. Either every file is valid and the org graph is
    replaced with all of org/, or nothing changes. PATHS (files in org/) must be among them. What changed is
    recorded as a dated change set in the history graph (who, when, which files with their SHA-256), so validate
    and export --as-of see the facts of any day.
    """
    day = parse_day(effective, "--effective")
    workspace = ctx.workspace(sync=False)
    checked_org_files(workspace.root, workspace.org_dir, list(paths), require=True)  # before anything changes
    workspace.sync_catalog()
    triples = workspace.load(list(paths) or None, day, require=True)
    workspace.check_files()
    change = workspace.last_change
    recorded = (
        f" Recorded change set {change.id}: {change.added} triples added, {change.removed} removed, "
        f"effective {change.effective}."
        if change
        else " Nothing changed; no change set recorded."
    )
    click.echo(f"Loaded {triples} triples into the org graph of {workspace.root.name}.{recorded}")


@click.command()
@output_options("table", "csv", "json")
@click.option("--kind", type=click.Choice(["clause", "objective", "control"]), help="Only this kind.")
def catalog(fmt: str, output: Path | None, kind: str | None) -> None:
    """List the ISO/IEC 42001 clauses, Annex A objectives and controls (needs no workspace)."""
    rows = [asdict(r) for r in load_requirements() if kind in (None, r.kind)]
    columns = ["id", "kind", "title", "parent"]
    if fmt != "table":
        columns += ["description", "design_evidence", "operating_evidence", "keywords", "roles"]
    write_output(render_rows(rows, columns, fmt), output)


@click.command()
@output_options("table", "csv", "json")
@pass_context
def stats(ctx: Context, fmt: str, output: Path | None) -> None:
    """Count triples per named graph and instances per class in the workspace store."""
    rows = [asdict(c) for c in store_stats(ctx.workspace().store)]
    write_output(render_rows(rows, ["section", "name", "count"], fmt), output)


@click.command()
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("aimsgraph-demo"),
    show_default=True,
    help="Where to put the demo workspace.",
)
@click.option("--port", type=click.IntRange(1, 65535), help="Port of the explorer on 127.0.0.1 (default: a free one).")
@click.option("--no-browser", is_flag=True, help="Do not open a web browser.")
@click.option("--no-app", is_flag=True, help="Only prepare the workspace and show what it holds.")
def demo(directory: Path, port: int | None, no_browser: bool, no_app: bool) -> None:
    """Copy the demo organisation to --dir (once), load it and open the explorer on it."""
    from aimsgraph.app.launch import run_explorer

    workspace = prepare_demo(directory)
    click.echo(f"Demo workspace ready in {workspace.root}")
    rows = [asdict(c) for c in store_stats(workspace.store)]
    click.echo(render_rows(rows, ["section", "name", "count"], "table"), nl=False)
    workspace.close()  # the explorer's process opens the store; an on-disk store admits one process
    if not no_app:
        run_explorer(workspace.root, port, not no_browser)


COMMANDS = [init, load, catalog, stats, demo]
