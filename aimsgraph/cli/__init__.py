"""The aimsgraph command line: thin commands over the library; user mistakes exit 2 with one line."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import click

from aimsgraph import __version__
from aimsgraph.errors import AimsError
from aimsgraph.workspace import Workspace

EXIT_OK, EXIT_GAPS, EXIT_BAD_INPUT = 0, 1, 2


class AimsGroup(click.Group):
    """A group that reports AimsError as `aimsgraph: error: ...` and exit code 2, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        # rdflib logs warnings (an odd IRI, a literal it cannot convert) that would print before the one error line
        logging.getLogger("rdflib").addHandler(logging.NullHandler())
        logging.getLogger("rdflib").propagate = False
        try:
            try:
                result = super().invoke(ctx)
            except click.exceptions.Exit:  # a command that ended with its exit code (validate: 1 when gaps exist)
                _settle(ctx)
                raise
            _settle(ctx)
            return result
        except AimsError as exc:
            click.echo(f"aimsgraph: error: {' '.join(str(exc).split())}", err=True)
            ctx.exit(EXIT_BAD_INPUT)


def _settle(ctx: click.Context) -> None:
    """After a command that did not fail: the settling every command gets (see Context.settle)."""
    if isinstance(ctx.obj, Context):
        ctx.obj.settle()


class Context:
    """What every command receives: the workspace option, opened on demand."""

    def __init__(self, workspace_dir: Path | None) -> None:
        self.workspace_dir = workspace_dir
        self._workspace: Workspace | None = None

    def workspace(self, *, sync: bool = True) -> Workspace:
        """The workspace (-w, or the nearest one upward), with its store in step with org/."""
        if self._workspace is None:
            self._workspace = Workspace.open(self.workspace_dir) if self.workspace_dir else Workspace.find()
            if sync:
                self._workspace.sync()
        return self._workspace

    def settle(self) -> None:
        """Before the command ends: bring the stored coverage view up to date if it changed or the day did.

        Any SPARQL tool pointed at the store then reads the same figures as aimsgraph (the view is dropped by every
        write to what coverage reads, and holds one day's figures).
        """
        if self._workspace is not None and self._workspace.is_open:
            from aimsgraph.coverage.view import refresh_view

            refresh_view(self._workspace.store)

    def close(self) -> None:
        if self._workspace is not None:
            self._workspace.close()


pass_context = click.make_pass_decorator(Context)
WORKSPACE_FOLDER = click.Path(file_okay=False, path_type=Path)  # -w, before or after the command name


@click.group(cls=AimsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "-w",
    "--workspace",
    "workspace_dir",
    type=WORKSPACE_FOLDER,
    help="Workspace folder (default: the nearest folder upward holding aimsgraph.toml).",
)
@click.version_option(__version__, prog_name="aimsgraph")
@click.pass_context
def main(ctx: click.Context, workspace_dir: Path | None) -> None:
    """aimsgraph: map your organisation's evidence to ISO/IEC 42001 and find the gaps before the auditor does.

    Exit codes: 0 ok, 1 gaps found, 2 bad input.
    """
    context = Context(workspace_dir)
    ctx.obj = context
    ctx.call_on_close(context.close)


def _workspace_after_command(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
    """`aimsgraph validate -w DIR` means the same as `aimsgraph -w DIR validate` (given twice, the later wins)."""
    context = ctx.find_object(Context)
    if value is not None and context is not None:
        context.workspace_dir = value


# Commands that do not open a workspace: init and demo take their folder themselves; catalog needs none.
_NO_WORKSPACE = {"init", "demo", "catalog"}


def _accept_workspace(command: click.Command) -> None:
    """Give `command` (and a group's subcommands) the -w option after its name."""
    command.params.append(
        click.Option(
            ["-w", "--workspace"],
            type=WORKSPACE_FOLDER,
            expose_value=False,
            callback=_workspace_after_command,
            help="Workspace folder (also accepted before the command).",
        )
    )
    for sub in command.commands.values() if isinstance(command, click.Group) else ():
        _accept_workspace(sub)


def _register() -> None:
    from aimsgraph.cli import answers, crosswalk, documents, explorer, foundation, gaps, history

    for module in (foundation, explorer, answers, documents, gaps, history, crosswalk):
        for command in module.COMMANDS:
            if command.name not in _NO_WORKSPACE:
                _accept_workspace(command)
            main.add_command(command)


_register()
