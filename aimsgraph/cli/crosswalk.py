"""Commands for other frameworks and crosswalks: `framework import|list`, `crosswalk import|export|suggest|...`."""

from __future__ import annotations

import io
import json
from dataclasses import asdict
from pathlib import Path

import click

from aimsgraph.cli import EXIT_GAPS, Context, pass_context
from aimsgraph.cli.output import output_options, render_rows, write_output
from aimsgraph.crosswalk.coverage import COLUMNS, framework_coverage
from aimsgraph.crosswalk.frameworks import (
    column_map,
    framework_controls,
    import_framework,
    list_frameworks,
    read_csv,
    read_oscal,
)
from aimsgraph.crosswalk.mappings import (
    PREDICATES,
    read_set_theory,
    read_sssom,
    store_mappings,
    stored_mappings,
    write_sssom,
)
from aimsgraph.crosswalk.suggest import (
    contract_rows,
    crosswalk_ranker,
    rank_controls,
    review_mappings,
    suggest_mappings,
)
from aimsgraph.errors import InputError
from aimsgraph.facts.people import acting_person

EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
MAPPING_COLUMNS = ["control", "requirement", "predicate", "status", "score", "rank", "justification", "agent", "time"]


def _columns_option(func: click.decorators.FC) -> click.decorators.FC:
    func = click.option(
        "--parent-prefix",
        "separators",
        metavar="SEPARATORS",
        help="Parents from ids: the prefix before any of these characters ('-.': AAT-07.3 -> AAT-07 -> AAT).",
    )(func)
    return click.option(
        "--columns",
        metavar="FIELD=COLUMN,...",
        help="CSV column names for id, title, text, parent (e.g. id=scf_id,title=name).",
    )(func)


@click.group()
def framework() -> None:
    """Other frameworks (NIST AI RMF, ISO/IEC 27001, SCF, a questionnaire ...) as SKOS data beside ISO/IEC 42001."""


@framework.command("import")
@click.argument("file", type=EXISTING_FILE)
@click.option("--id", "framework_id", required=True, help="Short id of the framework (letters, digits, . _ -).")
@click.option("--title", help="Its title (default: the OSCAL catalog's metadata title, else the id).")
@_columns_option
@pass_context
def import_(
    ctx: Context, file: Path, framework_id: str, title: str | None, columns: str | None, separators: str | None
) -> None:
    """Import a framework's requirements from an OSCAL catalog (JSON) or a CSV (id,title,text[,parent]).

    Re-importing the same --id replaces that framework whole; other frameworks stay.
    """
    found_title = None
    if file.suffix.lower() == ".json":
        controls, found_title = read_oscal(file)
    else:
        controls = read_csv(file, column_map(columns), separators)
    count = import_framework(ctx.workspace().store, framework_id, title or found_title or framework_id, controls)
    click.echo(f"Imported {count} control(s) of framework {framework_id}.")


@framework.command("list")
@output_options("table", "csv", "json")
@pass_context
def list_(ctx: Context, fmt: str, output: Path | None) -> None:
    """The imported frameworks with their number of controls."""
    rows = [asdict(f) for f in list_frameworks(ctx.workspace().store)]
    write_output(render_rows(rows, ["id", "title", "controls"], fmt), output)


@click.group()
def crosswalk() -> None:
    """Mappings from other frameworks' controls to ISO/IEC 42001 requirements: import, export, suggest, review."""


@crosswalk.command("import")
@click.argument("file", type=EXISTING_FILE)
@click.option("--framework", "framework_id", required=True, help="The imported framework the subjects belong to.")
@click.option(
    "--reviewer", metavar="ID", help="Person id recorded as importer (default $AIMSGRAPH_PERSON, else [user] person)."
)
@pass_context
def import_mappings(ctx: Context, file: Path, framework_id: str, reviewer: str | None) -> None:
    """Import mappings: SSSOM TSV (.tsv) or a set-theory CSV (.csv: source_id,requirement,relation with relation
    equal|subset|superset|intersect -> skos:exactMatch|broadMatch|narrowMatch|relatedMatch).

    Replaces the framework's earlier mappings whole; they count as accepted.
    """
    store = ctx.workspace().store
    reviewer = _person(ctx, reviewer)
    controls = {c.id for c in framework_controls(store, framework_id)}
    reader = read_sssom if file.suffix.lower() in (".tsv", ".sssom") else read_set_theory
    mappings = reader(file, framework_id, controls)
    count = store_mappings(store, mappings, reviewer, "import", replace=True)
    click.echo(f"Imported {count} mapping(s) for framework {framework_id}.")


@crosswalk.command("export")
@click.option("--framework", "framework_id", required=True, help="The framework whose accepted mappings to write.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.")
@pass_context
def export_mappings(ctx: Context, framework_id: str, output: Path | None) -> None:
    """Export the framework's accepted mappings as SSSOM TSV (with its metadata block)."""
    store = ctx.workspace().store
    framework_controls(store, framework_id)
    buffer = io.StringIO()
    write_sssom(stored_mappings(store, framework_id), framework_id, buffer)
    write_output(buffer.getvalue(), output)


@crosswalk.command("suggest")
@click.argument("source")
@click.option("--top-k", default=5, show_default=True, type=click.IntRange(1, 100), help="Suggestions per control.")
@click.option("--model", help="Embedding model: 'default', a sentence-transformers name or path, 'none' (BM25).")
@click.option(
    "--reviewer", metavar="ID", help="Person id who ran the suggestion (default $AIMSGRAPH_PERSON, else [user] person)."
)
@_columns_option
@output_options("table", "csv", "json")
@pass_context
def suggest(
    ctx: Context,
    source: str,
    top_k: int,
    model: str | None,
    reviewer: str | None,
    columns: str | None,
    separators: str | None,
    fmt: str,
    output: Path | None,
) -> None:
    """Rank the 42001 requirements for each control of FRAMEWORK (stored for review), or of CONTROLS.csv.

    With a CSV and no -w: no workspace is needed; prints [{control, requirement, score, rank}], rank 1..K per
    control (--format json).
    """
    path = Path(source)
    if ctx.workspace_dir is None and path.suffix.lower() == ".csv":
        if not path.is_file():
            raise InputError("no such file", source=source)
        ranked = rank_controls(
            crosswalk_ranker(model or "default"), read_csv(path, column_map(columns), separators), top_k
        )
        rows = contract_rows(ranked)
        text = (
            json.dumps(rows, indent=2) + "\n"
            if fmt == "json"
            else render_rows(rows, list(rows[0]) if rows else [], fmt)
        )
        return write_output(text, output)
    workspace = ctx.workspace()
    ranker = crosswalk_ranker(model or workspace.config.model, workspace.state_dir / "cache" / "embeddings")
    found = suggest_mappings(workspace.store, source, ranker, top_k, _person(ctx, reviewer))
    write_output(render_rows([asdict(m) for m in found], MAPPING_COLUMNS, fmt), output)


@crosswalk.command("review")
@click.argument("framework_id", metavar="FRAMEWORK")
@click.argument("pairs", nargs=-1, metavar="[CONTROL=REQUIREMENT]...")
@click.option("--accept", "action", flag_value="accept", help="Accept the suggested mappings named.")
@click.option("--reject", "action", flag_value="reject", help="Reject the suggested mappings named.")
@click.option(
    "--predicate",
    default="skos:relatedMatch",
    show_default=True,
    type=click.Choice(list(PREDICATES)),
    help="With --accept: the relation the reviewer asserts.",
)
@click.option(
    "--reviewer", metavar="ID", help="Person id recorded as reviewer (default $AIMSGRAPH_PERSON, else [user] person)."
)
@output_options("table", "csv", "json")
@pass_context
def review(
    ctx: Context,
    framework_id: str,
    pairs: tuple[str, ...],
    action: str | None,
    predicate: str,
    reviewer: str | None,
    fmt: str,
    output: Path | None,
) -> None:
    """List the suggested mappings of FRAMEWORK, or accept/reject some: 'aimsgraph crosswalk review SCF --accept
    --predicate skos:broadMatch AAT-07.3=10.1'."""
    store = ctx.workspace().store
    if action is None:
        rows = [asdict(m) for m in stored_mappings(store, framework_id, {"suggested"})]
        framework_controls(store, framework_id)
        return write_output(render_rows(rows, MAPPING_COLUMNS, fmt), output)
    if not pairs:
        raise click.UsageError(f"--{action} needs CONTROL=REQUIREMENT pairs")
    chosen = []
    for pair in pairs:
        control, sep, requirement = pair.partition("=")
        if not sep:
            raise InputError(f"expected CONTROL=REQUIREMENT, got '{pair}'", field="mapping")
        chosen.append((control, requirement))
    reviewer = _person(ctx, reviewer)
    count = review_mappings(store, framework_id, chosen, action == "accept", predicate, reviewer)
    click.echo(f"{'Accepted' if action == 'accept' else 'Rejected'} {count} mapping(s) as {reviewer}.")


@crosswalk.command("coverage")
@click.argument("framework_id", metavar="FRAMEWORK")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="Coverage on this date (default today).")
@output_options("table", "csv", "json")
@pass_context
def coverage(ctx: Context, framework_id: str, as_of: object, fmt: str, output: Path | None) -> None:
    """Each control of FRAMEWORK per scope: covered, partial, missing, not-applicable or unmapped, and why.

    Exit code 1 when some mapped control is missing or partial.
    """
    rows = framework_coverage(ctx.workspace().store, framework_id, as_of.date() if as_of else None)  # type: ignore[attr-defined]
    write_output(render_rows([asdict(r) for r in rows], COLUMNS, fmt), output)
    if any(r.status in ("missing", "partial") for r in rows):
        click.get_current_context().exit(EXIT_GAPS)


def _person(ctx: Context, given: str | None) -> str:
    """The acting person's id (--reviewer, $AIMSGRAPH_PERSON, [user] person), a known person of the org facts."""
    workspace = ctx.workspace()
    person = workspace.person(given)
    acting_person(workspace.store, person)
    return person


COMMANDS = [framework, crosswalk]
