"""Commands for documents: ingest, suggest, review."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import TypeVar

import click

from aimsgraph.cli import EXIT_GAPS, Context, pass_context
from aimsgraph.cli.output import STDIO, is_stdio, output_options, read_stdin, render_rows, write_output
from aimsgraph.confinement import one_line, shown
from aimsgraph.documents.extraction import ExtractedDocument, ExtractionError, extract, extract_text
from aimsgraph.documents.ingest import ingest_documents
from aimsgraph.errors import InputError
from aimsgraph.suggest.review import check_systems, decide, select_suggestions, undo_decisions
from aimsgraph.suggest.suggestions import pending_suggestions, suggest_documents, suggest_for_workspace

T = TypeVar("T")
SUGGESTION_COLUMNS = [
    "id",
    "document",
    "requirement",
    "score",
    "rank",
    "method",
    "matched_terms",
    "passage_location",
    "learnt_from",
]


def _bar(items: list[T], desc: str, unit: str) -> Iterable[T]:
    """`items` with a progress bar on standard error when it is a terminal and there are more than five."""
    from tqdm import tqdm

    # disable=None: a bar only on a terminal, so pipes and logs stay clean.
    bar: Iterable[T] = tqdm(items, desc=desc, unit=unit, file=sys.stderr, disable=None if len(items) > 5 else True)
    return bar


def _progress(files: list[Path]) -> Iterable[Path]:
    return _bar(files, "ingest", "file")


def _suggest_progress(items: list[str], stage: str) -> Iterable[str]:
    return _bar(items, f"suggest ({stage})", "passage" if stage == "embed" else "document")


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@pass_context
def ingest(ctx: Context, paths: tuple[Path, ...]) -> None:
    """Read documents (default: the workspace's documents/) into passages in the documents graph.

    PDF, DOCX, Markdown, HTML and plain text. Unchanged files (same SHA-256) are skipped; a changed file becomes
    a new version and links to the old one are marked superseded. A file that cannot be read safely is skipped
    with one line naming it and the reason; the exit code is then 1 (0 when every file was read).
    """
    workspace = ctx.workspace()
    report = ingest_documents(workspace, list(paths) or None, progress=_progress)
    for skipped in report.skipped:
        click.echo(f"aimsgraph: skipped {shown(skipped.path)}: {one_line(skipped.reason)}", err=True)
    click.echo(
        f"Ingested {len(report.ingested)} file(s) ({report.passages} passages), "
        f"{len(report.unchanged)} unchanged, {len(report.skipped)} skipped."
    )
    if report.skipped:
        ctx_exit(EXIT_GAPS)


def ctx_exit(code: int) -> None:
    """Leave the command with `code` (after click has closed the workspace)."""
    click.get_current_context().exit(code)


@click.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--top-k", default=5, show_default=True, type=click.IntRange(1, 100), help="Suggestions per document.")
@click.option("--model", help="Embedding model for FILE mode: 'default', a sentence-transformers name or path, 'none'.")
@output_options("table", "csv", "json")
@pass_context
def suggest(
    ctx: Context, files: tuple[Path, ...], top_k: int, model: str | None, fmt: str, output: Path | None
) -> None:
    """Suggest which requirements each document satisfies, with the best passage and the terms that matched.

    With FILE arguments and no -w: no workspace is needed; prints rank 1..K per file (with --format json, a list
    of {document, requirement, score, rank, passage}); FILE - is standard input, read as Markdown or plain text.
    Otherwise: ranks every ingested document of the workspace and stores the suggestions for 'aimsgraph review'
    (never counted as coverage), with a progress bar on a terminal.
    """
    if files and ctx.workspace_dir is None:
        rows, failed = _stateless(list(files), top_k, model or "default")
        columns = ["document", "requirement", "score", "rank", "passage"]
        text = json.dumps(rows, indent=2) + "\n" if fmt == "json" else render_rows(rows, columns, fmt)
        write_output(text, output)
        if failed:
            ctx_exit(EXIT_GAPS)
        return
    views = suggest_for_workspace(ctx.workspace(), top_k, progress=_suggest_progress)
    write_output(render_rows([asdict(v) for v in views], SUGGESTION_COLUMNS, fmt), output)


def _stateless(files: list[Path], top_k: int, model: str) -> tuple[list[dict[str, object]], bool]:
    """The JSON contract rows for readable files; unreadable ones are named on stderr (then True)."""
    rows: list[dict[str, object]] = []
    failed = False
    for path in files:
        try:
            found = suggest_documents([_read_document(path)], top_k, model)
        except (ExtractionError, OSError) as exc:
            click.echo(f"aimsgraph: skipped {shown(path)}: {one_line(str(exc))}", err=True)
            failed = True
            continue
        rows += [{k: r[k] for k in ("document", "requirement", "score", "rank", "passage")} for r in found]
    return rows, failed


def _read_document(path: Path) -> ExtractedDocument:
    """The file `path`, or for `-` standard input read as Markdown (or plain text)."""
    if not is_stdio(path):
        return extract(path)
    document = extract_text(read_stdin("the document"), STDIO)
    if not document.passages:
        raise ExtractionError("no text found")
    return document


def _suggestion_ids(ids: tuple[str, ...]) -> list[str]:
    """The IDS given, with `-` replaced by the ids on standard input (separated by spaces or lines)."""
    return [found for given in ids for found in (read_stdin("suggestion ids").split() if is_stdio(given) else [given])]


@click.command()
@click.argument("ids", nargs=-1)
@click.option("--accept", "action", flag_value="accept", help="Accept the suggestions named or selected.")
@click.option("--reject", "action", flag_value="reject", help="Reject the suggestions named or selected.")
@click.option(
    "--undo",
    "action",
    flag_value="undo",
    help="Undo the last decision on the suggestions named, recorded as a reversal (nothing is deleted).",
)
@click.option("--document", help="Only suggestions for this evidence id.")
@click.option("--min-score", type=float, help="Only suggestions scoring at least this.")
@click.option(
    "--reviewer",
    metavar="ID",
    help="Person id (of org/ people) the decision is recorded for; default $AIMSGRAPH_PERSON, else [user] person.",
)
@click.option(
    "--systems",
    metavar="ID[,ID...]",
    help="With --accept: the AI systems the evidence covers (default: those its register entry names).",
)
@click.option("--org-wide", is_flag=True, help="With --accept: the evidence covers the organisation, no one system.")
@click.option("--comment", metavar="TEXT", help="With --accept or --reject: the reviewer's note, kept on the decision.")
@output_options("table", "csv", "json")
@pass_context
def review(
    ctx: Context,
    ids: tuple[str, ...],
    action: str | None,
    document: str | None,
    min_score: float | None,
    reviewer: str | None,
    systems: str | None,
    org_wide: bool,
    comment: str | None,
    fmt: str,
    output: Path | None,
) -> None:
    """List pending suggestions, or accept/reject them: by ID (- reads IDs from standard input), by --document, by
    --min-score (combined).

    Examples: 'aimsgraph review --accept s-1a2b3c4d s-5e6f7a8b', 'aimsgraph review --reject --document
    ai-policy --min-score 0', 'aimsgraph review --undo s-1a2b3c4d'. An accepted suggestion becomes an evidence link
    that counts as coverage; --undo withdraws the last decision and the suggestion is pending again.
    """
    ids = tuple(_suggestion_ids(ids))
    workspace = ctx.workspace()
    store, reviewer = workspace.store, workspace.person(reviewer)
    if action == "undo":
        if not ids:
            raise click.UsageError("--undo needs suggestion IDs")
        count = undo_decisions(store, list(ids), reviewer)
        click.echo(f"Undid the last decision on {count} suggestion(s) as {reviewer}; they are pending again.")
        return
    chosen = select_suggestions(pending_suggestions(store), list(ids) or None, document, min_score)
    if action is None:
        rows = [asdict(v) | {"passage": v.passage_text} for v in chosen]
        columns = SUGGESTION_COLUMNS + ([] if fmt == "table" else ["file", "passage"])
        write_output(render_rows(rows, columns, fmt), output)
        return
    if not (ids or document or min_score is not None):
        raise click.UsageError(f"--{action} needs suggestion IDs, --document or --min-score")
    scope = _scope(systems, org_wide, action)
    scope = check_systems(store, scope) if scope else scope
    count = decide(store, chosen, reviewer, action == "accept", scope, comment)
    click.echo(f"{'Accepted' if action == 'accept' else 'Rejected'} {count} suggestion(s) as {reviewer}.")


def _scope(systems: str | None, org_wide: bool, action: str) -> list[str] | None:
    """The systems an accepted link covers: --systems, [] for --org-wide, None for the register's."""
    if (systems is not None or org_wide) and action != "accept":
        raise InputError("--systems and --org-wide go with --accept", field="--systems")
    if systems is not None and org_wide:
        raise InputError("give --systems or --org-wide, not both", field="--systems")
    if org_wide:
        return []
    return None if systems is None else [s.strip() for s in systems.split(",") if s.strip()]


COMMANDS = [ingest, suggest, review]
