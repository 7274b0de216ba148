"""Commands that answer questions: query, export, impact, serve."""

from __future__ import annotations

from pathlib import Path

import click

from aimsgraph.cli import Context, pass_context
from aimsgraph.cli.output import render_rows, write_output
from aimsgraph.errors import InputError
from aimsgraph.sparql import SavedQuery, bind_parameters, load_query, parse_parameters, run_query, saved_queries
from aimsgraph.sparql_results import display_rows, dumps_json, graph_text, results_delimited


def _render(outcome_fmt: str, outcome: object) -> str:
    from aimsgraph.sparql import QueryOutcome

    assert isinstance(outcome, QueryOutcome)
    if outcome.form in ("CONSTRUCT", "DESCRIBE"):
        return graph_text(outcome, "json-ld" if outcome_fmt == "json" else "turtle")
    if outcome_fmt == "json":
        return dumps_json(outcome)
    if outcome_fmt in ("csv", "tsv"):
        return results_delimited(outcome, "," if outcome_fmt == "csv" else "\t")
    if outcome.form == "ASK":
        return ("yes" if outcome.boolean else "no") + "\n"
    return render_rows(display_rows(outcome), outcome.variables, "table")


@click.command()
@click.argument("name", required=False)
@click.option("--sparql", "text", help="Run this SPARQL text instead of a saved query or file.")
@click.option(
    "-p", "--param", "params", multiple=True, help="name=value bound to ?name (repeatable); <IRI> for an IRI."
)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.")
@click.option("--timeout", type=float, help="Time limit in seconds (default: [query] timeout_seconds).")
@click.option("--row-limit", type=int, help="Most rows returned (default: [query] row_limit).")
@click.option("--list", "list_only", is_flag=True, help="List the saved queries with their descriptions.")
@pass_context
def query(
    ctx: Context,
    name: str | None,
    text: str | None,
    params: tuple[str, ...],
    fmt: str,
    output: Path | None,
    timeout: float | None,
    row_limit: int | None,
    list_only: bool,
) -> None:
    """Run a saved query NAME, a FILE.rq, or --sparql TEXT over the workspace (read-only).

    Parameters are bound with -p name=value: YYYY-MM-DD becomes an xsd:date, <urn:...> an IRI, anything else a
    plain literal. Only SELECT, ASK, CONSTRUCT and DESCRIBE run; updates and SERVICE are refused.
    """
    if list_only:
        rows = [
            {"name": q.name, "parameters": " ".join(p.name for p in q.parameters), "description": q.description}
            for q in saved_queries()
        ]
        write_output(
            render_rows(rows, ["name", "parameters", "description"], "table" if fmt == "table" else fmt), output
        )
        return
    if bool(name) == bool(text):
        raise InputError("give a saved query NAME, a FILE.rq, or --sparql TEXT (one of them); --list shows the names")
    saved = load_query(name) if name else SavedQuery("--sparql", text or "")
    bindings = bind_parameters(saved, parse_parameters(list(params)))
    workspace = ctx.workspace()
    outcome = run_query(
        workspace.store,
        saved.text,
        bindings,
        timeout=timeout or workspace.config.query_timeout,
        row_limit=row_limit or workspace.config.row_limit,
    )
    write_output(_render(fmt, outcome), output)
    if outcome.truncated:
        click.echo(f"aimsgraph: note: stopped at the row limit ({len(outcome.rows)} rows); use --row-limit", err=True)


@click.command()
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on (keep it local unless you mean it)."
)
@click.option("--port", type=int, default=7879, show_default=True, help="Port (0 picks a free one).")
@click.option("--verbose", is_flag=True, help="Log every request.")
@pass_context
def serve(ctx: Context, host: str, port: int, verbose: bool) -> None:
    """Serve the workspace as a read-only SPARQL 1.1 endpoint at http://HOST:PORT/sparql."""
    from aimsgraph.endpoint import EndpointSettings, make_server

    workspace = ctx.workspace()
    settings = EndpointSettings(workspace.store, workspace.config.query_timeout, workspace.config.row_limit)
    server = make_server(settings, host, port, verbose)
    click.echo(f"SPARQL endpoint (read-only) at http://{host}:{server.server_address[1]}/sparql; Ctrl-C stops it.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


COMMANDS = [query, serve]
