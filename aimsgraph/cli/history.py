"""The history command (the trend of validation runs, a diff of two, the change sets of the org facts) and the
evidence command (accept a changed file as the registered version)."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path
from typing import Any

import click

from aimsgraph.analysis.trend import Run, diff_runs, find_run, recorded_runs
from aimsgraph.cli import Context, pass_context
from aimsgraph.cli.days import parse_day
from aimsgraph.cli.output import output_options, render_rows, write_output
from aimsgraph.errors import InputError
from aimsgraph.facts.history import Activity, activities, change_sets
from aimsgraph.facts.integrity import accept_change


def _trend_rows(runs: list[Run]) -> tuple[list[dict[str, object]], list[str]]:
    systems = sorted({s for run in runs for s in run.systems})
    rows: list[dict[str, Any]] = [
        {"run": r.id, "date": r.ended.astimezone().strftime("%Y-%m-%d %H:%M"), "as of": r.as_of.isoformat(),
         "organisation %": r.coverage, **{f"{s} %": r.systems.get(s) for s in systems},
         "violations": r.violations, "warnings": r.warnings, "infos": r.infos}
        for r in runs
    ]  # fmt: skip
    columns = [
        "run",
        "date",
        "as of",
        "organisation %",
        *(f"{s} %" for s in systems),
        "violations",
        "warnings",
        "infos",
    ]
    return rows, columns


@click.command()
@click.option(
    "--diff", nargs=2, metavar="RUN1 RUN2", help="What became covered, missing, stale or excluded from RUN1 to RUN2."
)
@click.option("--changes", is_flag=True, help="List the recorded change sets of the org facts instead of the runs.")
@click.option(
    "--activity",
    is_flag=True,
    help="List the activity log instead: every write (review, reversal, load, ingest, accept-change) with who, "
    "when, the ids touched and the files' SHA-256.",
)
@click.option("--person", metavar="ID", help="With --activity: only this person's writes.")
@click.option("--since", metavar="DATE", help="With --activity: only writes on or after this day (YYYY-MM-DD, UTC).")
@output_options("table", "csv", "json", "text")
@pass_context
def history(
    ctx: Context,
    diff: tuple[str, str] | None,
    changes: bool,
    activity: bool,
    person: str | None,
    since: str | None,
    fmt: str,
    output: Path | None,
) -> None:
    """The trend: each recorded validation run (run id, date, coverage per scope, findings by severity).

    Runs judged as of an earlier day (validate --as-of) are not points of the trend, but --diff accepts them.
    'aimsgraph history --activity --person pnair --since 2026-01-01 --format csv' lists the activity log.
    """
    store = ctx.workspace().store
    if (person or since) and not activity:
        raise InputError("--person and --since go with --activity", field="--person" if person else "--since")
    if fmt == "text" and not activity:
        raise InputError("--format text goes with --activity", field="--format")
    if activity:
        logged = activities(store, person, parse_day(since, "--since"))
        return write_output(_activity_text(logged, fmt), output)
    if changes:
        rows = [
            {"change": c.id, "recorded": c.recorded.astimezone().strftime("%Y-%m-%d %H:%M"),
             "effective": c.effective.isoformat(), "by": c.agent, "added": c.added, "removed": c.removed,
             "files": [f"{path} {sha[:12]}" for path, sha in c.files]}
            for c in change_sets(store)
        ]  # fmt: skip
        return write_output(
            render_rows(rows, ["change", "recorded", "effective", "by", "added", "removed", "files"], fmt), output
        )
    if diff:
        every = recorded_runs(store, back_dated=True)
        first, second = find_run(every, diff[0]), find_run(every, diff[1])
        found = [vars(c) | {"change": f"became {c.after}"} for c in diff_runs(first, second)]
        return write_output(render_rows(found, ["requirement", "title", "before", "after", "change"], fmt), output)
    rows, columns = _trend_rows(recorded_runs(store))
    write_output(render_rows(rows, columns, fmt), output)


ACTIVITY_COLUMNS = ["at", "kind", "person", "touched", "files", "activity"]


def _activity_text(found: list[Activity], fmt: str) -> str:
    """The activity log as text (one line a write), a table, CSV or JSON."""
    rows: list[dict[str, Any]] = [
        {"at": a.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "kind": a.kind, "person": a.person or "-",
         "touched": list(a.touched), "files": [f"{path} {sha}" for path, sha in a.files], "activity": a.id}
        for a in found
    ]  # fmt: skip
    if fmt != "text":
        return render_rows(rows, ACTIVITY_COLUMNS, fmt)
    lines = [
        f"{r['at']}  {r['kind']:<13} {r['person']:<12} {', '.join(a.touched) or '-'}"
        + "".join(f"\n    {path} sha256:{sha}" for path, sha in a.files)
        for r, a in zip(rows, found, strict=True)
    ]
    return "".join(line + "\n" for line in lines) or "No recorded activity.\n"


@click.group()
def evidence() -> None:
    """The files of the evidence register: 'aimsgraph evidence accept-change ID' registers a changed file."""


@evidence.command("accept-change")
@click.argument("ident", metavar="ID")
@click.option(
    "--person", "given", metavar="ID", help="Who accepts (a person id); default $AIMSGRAPH_PERSON, else [user] person."
)
@pass_context
def accept(ctx: Context, ident: str, given: str | None) -> None:
    """Register the current file of evidence ID as its version (its SHA-256, who and when, in the history graph).

    A registered file whose SHA-256 changed stops counting as coverage (rule evidence-hash); accepting the change
    makes it count again. Updating sha256 in org/evidence.yaml does the same.
    """
    workspace = ctx.workspace()
    person = workspace.person(given)
    state = accept_change(workspace.store, workspace.check_files(), ident, person)
    click.echo(f"Registered {state.file} of evidence {state.id}: SHA-256 {state.current} (accepted by {person}).")


COMMANDS = [history, evidence]
