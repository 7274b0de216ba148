"""Commands that answer questions: query, export, impact, serve."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from aimsgraph.cli import Context, pass_context
from aimsgraph.cli.days import not_future, note_earliest
from aimsgraph.cli.output import OUTPUT, is_stdio, output_options, read_stdin, render_rows, write_output
from aimsgraph.errors import InputError
from aimsgraph.query.results import display_rows, dumps_json, graph_text, results_delimited
from aimsgraph.query.sparql import (
    SavedQuery,
    bind_parameters,
    load_query,
    parse_parameters,
    parse_saved_query,
    run_query,
    saved_queries,
)

if TYPE_CHECKING:
    from aimsgraph.export.audit import AuditPack
    from aimsgraph.store import Store


def _render(outcome_fmt: str, outcome: object) -> str:
    from aimsgraph.query.sparql import QueryOutcome

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
@output_options("table", "csv", "tsv", "json")
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
    """Run a saved query NAME, a FILE.rq, the query on standard input (-), or --sparql TEXT (read-only).

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
        raise InputError(
            "give a saved query NAME, a FILE.rq, - (standard input) or --sparql TEXT (one of them); --list shows names"
        )
    saved = _query_named(name) if name else SavedQuery("--sparql", text or "")
    bindings = bind_parameters(saved, parse_parameters(list(params)))
    workspace = ctx.workspace()
    outcome = run_query(
        workspace.store,
        saved.text,
        bindings,
        timeout=timeout or workspace.config.query_timeout,
        row_limit=row_limit or workspace.config.row_limit,
        max_length=workspace.config.query_max_length,
    )
    write_output(_render(fmt, outcome), output)
    if outcome.truncated:
        click.echo(f"aimsgraph: note: stopped at the row limit ({len(outcome.rows)} rows); use --row-limit", err=True)


def _query_named(name: str) -> SavedQuery:
    """The saved query NAME, the FILE.rq, or for `-` the query text on standard input (its header read alike)."""
    return parse_saved_query("stdin", read_stdin("the query")) if is_stdio(name) else load_query(name)


EXPORT_FORMATS = {
    "coverage": ("csv", "json", "markdown", "html", "xlsx"),
    "soa": ("csv", "json", "markdown", "xlsx"),
    "graph": ("trig", "nquads", "turtle", "json-ld"),
    "oscal": ("json",),
}
SUFFIXES = {".csv": "csv", ".json": "json", ".md": "markdown", ".html": "html", ".xlsx": "xlsx", ".trig": "trig",
            ".nq": "nquads", ".ttl": "turtle", ".jsonld": "json-ld"}  # fmt: skip


def _export_format(kind: str, fmt: str | None, output: Path | None) -> str:
    chosen = fmt or (SUFFIXES.get(output.suffix.lower()) if output else None) or EXPORT_FORMATS[kind][0]
    if chosen not in EXPORT_FORMATS[kind]:
        raise InputError(f"export {kind} has no format '{chosen}'; choose one of {', '.join(EXPORT_FORMATS[kind])}")
    if chosen == "xlsx" and (output is None or (is_stdio(output) and sys.stdout.isatty())):
        raise InputError("an XLSX export needs -o FILE.xlsx (or -o - with standard output sent to a file or pipe)")
    if kind == "oscal" and (output is None or is_stdio(output)):
        raise InputError("an OSCAL export writes the results and the plan they import: give -o FILE.json")
    if (
        output is not None
        and not is_stdio(output)
        and not (output.parent if str(output.parent) else Path(".")).is_dir()
    ):
        raise InputError("folder does not exist", source=str(output.parent))
    return chosen


@click.command()
@click.argument("kind", type=click.Choice(list(EXPORT_FORMATS)))
@click.option("-o", "--output", type=OUTPUT, help="Write to FILE ('-': standard output).")
@click.option("--format", "fmt", help="coverage: csv|json|markdown|html|xlsx; soa: csv|json|markdown|xlsx; "
              "graph: trig|nquads|turtle|json-ld; oscal: json (default: from the -o suffix).")  # fmt: skip
@click.option("--graph", "graph_name", help="graph: only this named graph (catalog, org, documents, ...).")
@click.option(
    "--as-of",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Coverage on this date, with the org facts of that date (not in the future; default today).",
)
@click.option("--framework", "framework_id", help="coverage: of this imported framework's controls (csv|json).")
@pass_context
def export(
    ctx: Context,
    kind: str,
    output: Path | None,
    fmt: str | None,
    graph_name: str | None,
    as_of: datetime | None,
    framework_id: str | None,
) -> None:
    """Export KIND: coverage (matrix + SoA + findings + evidence register), soa, graph, or oscal.

    oscal writes two files: the assessment results (-o FILE.json) and beside them FILE-plan.json, the
    assessment plan the results import.

    Files are written whole or not at all (a temporary file, then a rename).
    """
    from aimsgraph.export.audit import audit_pack, graph_export

    chosen = _export_format(kind, fmt, output)
    day = not_future(as_of.date(), "--as-of") if as_of else None
    workspace = ctx.workspace()
    if kind == "graph":
        return write_output(graph_export(workspace.store, chosen, graph_name), output)
    if framework_id is not None:
        return write_output(_framework_coverage(workspace.store, framework_id, kind, chosen, as_of), output)
    note_earliest(workspace.store, day)
    pack = audit_pack(workspace, day, with_findings=kind != "soa")
    if kind == "oscal" and output is not None:
        return _write_oscal(pack, workspace.config.name, output)
    write_output(_audit_file(kind, chosen, pack, workspace.config.name), output)


def _framework_coverage(store: Store, framework: str, kind: str, fmt: str, as_of: datetime | None) -> str:
    """Coverage carried across to another framework's controls (aimsgraph.crosswalk.coverage)."""
    from dataclasses import asdict

    from aimsgraph.crosswalk.coverage import COLUMNS, framework_coverage

    if kind != "coverage" or fmt not in ("csv", "json"):
        raise InputError("--framework goes with 'export coverage' as csv or json", field="--framework")
    rows = [asdict(r) for r in framework_coverage(store, framework, as_of.date() if as_of else None)]
    return render_rows(rows, COLUMNS, fmt)


def _write_oscal(pack: AuditPack, name: str, output: Path) -> None:
    """The plan beside the results (written first, so the results never import a missing file)."""
    from aimsgraph.export.oscal import oscal_files

    for file_name, text in oscal_files(pack, name, output.name).items():
        write_output(text, output.with_name(file_name))


def _audit_file(kind: str, fmt: str, pack: AuditPack, name: str) -> str | bytes:
    from aimsgraph.export import audit as exports
    from aimsgraph.export.xlsx import coverage_workbook

    if fmt == "xlsx":
        return coverage_workbook(pack)
    if kind == "soa":
        header, rows = exports.soa_table(pack)
        table = [dict(zip(header, row, strict=True)) for row in rows]
        if fmt == "json":
            return json.dumps(table, indent=2) + "\n"
        return render_rows(table, header, "csv") if fmt == "csv" else exports.rows_markdown(header, rows)
    writers = {"csv": exports.coverage_csv, "json": exports.coverage_json, "markdown": exports.coverage_markdown}
    return writers.get(fmt, exports.coverage_html)(pack)


@click.command()
@click.option("--document", "document", help="What loses coverage if this document (evidence id) goes away.")
@click.option("--person", "person", help="What loses coverage, and what is left unowned, if this person leaves.")
@click.option(
    "--min", "minimum", type=int, default=2, show_default=True, help="Single points of failure: fewest requirements."
)
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="Coverage on this date (default today).")
@output_options("table", "csv", "json")
@pass_context
def impact(
    ctx: Context,
    document: str | None,
    person: str | None,
    minimum: int,
    as_of: datetime | None,
    fmt: str,
    output: Path | None,
) -> None:
    """Impact analysis: single points of failure, broken risk chains, documents that support nothing.

    With --document or --person: the coverage that would be lost (every scope), and what the person owns.
    """
    from aimsgraph.analysis import impact as analytics
    from aimsgraph.coverage.matrix import coverage_matrix

    store, day = ctx.workspace().store, as_of.date() if as_of else None
    rows: list[dict[str, object]] = []
    if document or person:
        found = (
            analytics.document_impact(store, document, day)
            if document
            else analytics.person_impact(store, person or "", day)
        )
        rows += [{"section": "loses coverage", "subject": f"{x.requirement} @ {x.system or 'organisation'}",
                  "detail": f"{x.before} -> {x.after}"} for x in found.losses]  # fmt: skip
        rows += [{"section": f"owns {kind}", "subject": thing, "detail": ""} for kind, thing in found.owned]
        rows += [{"section": "owns document", "subject": d, "detail": ""} for d in found.documents if person]
    else:
        matrix = coverage_matrix(store, day)
        rows += [{"section": "single point of failure", "subject": p.evidence, "detail": " ".join(p.requirements)}
                 for p in analytics.single_points_of_failure(matrix, minimum)]  # fmt: skip
        rows += [{"section": "broken risk chain", "subject": b.risk, "detail": b.reason}
                 for b in analytics.broken_risk_chains(store, matrix)]  # fmt: skip
        rows += [{"section": "supports nothing", "subject": u.evidence, "detail": u.file}
                 for u in analytics.unused_documents(store)]  # fmt: skip
    write_output(render_rows(rows, ["section", "subject", "detail"], fmt), output)


@click.command()
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on (keep it local unless you mean it)."
)
@click.option("--port", type=int, default=7879, show_default=True, help="Port (0 picks a free one).")
@click.option("--verbose", is_flag=True, help="Log every request.")
@pass_context
def serve(ctx: Context, host: str, port: int, verbose: bool) -> None:
    """Serve the workspace as a read-only SPARQL 1.1 endpoint at http://HOST:PORT/sparql."""
    from aimsgraph.query.endpoint import EndpointSettings, make_server

    config = ctx.workspace().config
    settings = EndpointSettings(
        ctx.workspace().store,
        config.query_timeout,
        config.row_limit,
        config.query_max_length,
        config.allowed_hosts,
        config.idle_timeout,
        config.max_queries,
    )
    server = make_server(settings, host, port, verbose)
    click.echo(f"SPARQL endpoint (read-only) at http://{host}:{server.server_address[1]}/sparql; Ctrl-C stops it.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


COMMANDS = [query, export, impact, serve]
