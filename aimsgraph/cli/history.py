"""The history command (the trend of validation runs, a diff of two, the change sets of the org facts) and the
evidence command (accept a changed file as the registered version)."""

from __future__ import annotations

from pathlib import Path

import click

from aimsgraph.analysis.trend import Run, diff_runs, find_run, recorded_runs
from aimsgraph.cli import Context, pass_context
from aimsgraph.cli.output import output_options, render_rows, write_output
from aimsgraph.facts.history import agent_name, change_sets
from aimsgraph.facts.integrity import accept_change


def _trend_rows(runs: list[Run]) -> tuple[list[dict[str, object]], list[str]]:
    systems = sorted({s for run in runs for s in run.systems})
    rows: list[dict[str, object]] = [
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
@output_options("table", "csv", "json")
@pass_context
def history(ctx: Context, diff: tuple[str, str] | None, changes: bool, fmt: str, output: Path | None) -> None:
    """The trend: each recorded validation run (run id, date, coverage per scope, findings by severity).

    Runs judged as of an earlier day (validate --as-of) are not points of the trend, but --diff accepts them.
    """
    store = ctx.workspace().store
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


@click.group()
def evidence() -> None:
    """The files of the evidence register: 'aimsgraph evidence accept-change ID' registers a changed file."""


@evidence.command("accept-change")
@click.argument("ident", metavar="ID")
@pass_context
def accept(ctx: Context, ident: str) -> None:
    """Register the current file of evidence ID as its version (its SHA-256, who and when, in the history graph).

    A registered file whose SHA-256 changed stops counting as coverage (rule evidence-hash); accepting the change
    makes it count again. Updating sha256 in org/evidence.yaml does the same.
    """
    workspace = ctx.workspace()
    state = accept_change(workspace.store, workspace.check_files(), ident)
    click.echo(f"Registered {state.file} of evidence {state.id}: SHA-256 {state.current} (accepted by {agent_name()}).")


COMMANDS = [history, evidence]
