"""The validate command: find the gaps, grouped for an analyst; exit 0 none, 1 violations, 2 bad input."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from pathlib import Path

import click

from aimsgraph.cli import EXIT_GAPS, EXIT_OK, Context, pass_context
from aimsgraph.cli.days import note_earliest, parse_day
from aimsgraph.cli.output import is_stdio, json_report, output_options, read_stdin, write_output
from aimsgraph.crosswalk.findings import with_mapped_controls
from aimsgraph.rules.findings import JSON_FIELDS, Finding, ValidationReport
from aimsgraph.rules.shacl_report import report_graph
from aimsgraph.rules.validation import read_extra_shapes, validate_workspace
from aimsgraph.vocabulary.catalog import requirements_by_id


def _block(title: str, findings: list[Finding]) -> list[str]:
    lines = [title]
    for f in findings:
        lines.append(f"  [{f.severity.value.upper()}] {f.message}")
        lines.append(f"      fix: {f.fix}" if f.fix else "")
    return [line for line in lines if line] + [""]


def render_text(report: ValidationReport, system_names: dict[str, str]) -> str:
    """Findings grouped by requirement, then by AI system, then the rest, with titles."""
    reqs = requirements_by_id()
    counts = report.counts()
    out = [
        f"Gaps as of {report.as_of.isoformat()}: {counts['violation']} violations, {counts['warning']} warnings, "
        f"{counts['info']} notes. " + ("Conforms." if report.conforms else "Does not conform."),
        *([report.coverage_line()] if report.figures else []),
        "",
    ]
    by_req: dict[str, list[Finding]] = defaultdict(list)
    by_sys: dict[str, list[Finding]] = defaultdict(list)
    other: list[Finding] = []
    for f in report.findings:
        (by_req[f.requirement] if f.requirement else by_sys[f.system] if f.system else other).append(f)
    if by_req:
        out += ["== By requirement ==", ""]
        order = {r: i for i, r in enumerate(reqs)}
        for rid in sorted(by_req, key=lambda r: order.get(r, 10**6)):
            out += _block(f"{rid} {reqs[rid].title}" if rid in reqs else rid, by_req[rid])
    if by_sys:
        out += ["== By AI system ==", ""]
        for sid in sorted(by_sys):
            out += _block(f"{sid} ({system_names.get(sid, sid)})", by_sys[sid])
    if other:
        out += ["== Documents and other records ==", "", *_block("Evidence register", other)]
    return "\n".join(out).rstrip() + "\n"


def render_csv(report: ValidationReport) -> str:
    """One row per finding, the JSON contract's columns."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(JSON_FIELDS), lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: v if v is not None else "" for k, v in f.to_json().items()} for f in report.findings)
    return buffer.getvalue()


def render_ttl(report: ValidationReport) -> str:
    """A SHACL validation report in Turtle, with our rule, ids and fix on each result."""
    return report_graph(report).serialize(format="turtle")


@click.command()
@output_options("text", "json", "csv", "ttl", default="text")
@click.option(
    "--as-of",
    "as_of",
    metavar="DATE",
    help="Judge coverage on this date with the org facts of that date (YYYY-MM-DD, not in the future; default today).",
)
@click.option(
    "--shapes",
    "extra",
    multiple=True,
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Extra SHACL shapes (Turtle; '-': standard input), run through pyshacl.",
)
@click.option(
    "--engine",
    type=click.Choice(["fast", "pyshacl"]),
    default="fast",
    show_default=True,
    help="fast: the set-at-a-time evaluator (pyshacl for any shape it has no twin for); pyshacl: the reference.",
)
@pass_context
def validate(
    ctx: Context, fmt: str, output: Path | None, as_of: str | None, extra: tuple[Path, ...], engine: str
) -> None:
    """Find the gaps: missing or stale evidence, SoA, systems, risks, documents. Exit 1 when violations exist."""
    day = parse_day(as_of, "--as-of")
    workspace = ctx.workspace()
    shapes = [read_extra_shapes(read_stdin("the shapes"), "standard input") if is_stdio(p) else p for p in extra]
    note_earliest(workspace.store, day)
    report = validate_workspace(
        workspace, day, shapes, record=True, engine="pyshacl" if engine == "pyshacl" else "fast"
    )
    report = with_mapped_controls(report, workspace.store)  # name other frameworks' controls behind each gap
    if fmt == "json":
        text = json_report(report.to_json())
    elif fmt == "csv":
        text = render_csv(report)
    elif fmt == "ttl":
        text = render_ttl(report)
    else:
        names = {str(r[0]): str(r[1]) for r in workspace.store.select(SYSTEM_NAMES)}
        text = render_text(report, names)
    write_output(text, output)
    click.get_current_context().exit(EXIT_OK if report.conforms else EXIT_GAPS)


SYSTEM_NAMES = "SELECT ?id ?name WHERE { ?s a aims:AISystem ; aims:id ?id ; rdfs:label ?name }"
COMMANDS = [validate]
