"""The demo organisation (examples/demo-org, shipped as aimsgraph.demo_org): copy it out and prepare it."""

from __future__ import annotations

import shutil
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from aimsgraph.workspace import CONFIG_NAME, Workspace

_SKIP = {"__init__.py", "__pycache__", ".aimsgraph", "tools"}


def demo_source() -> Traversable:
    """The shipped demo workspace."""
    return resources.files("aimsgraph.demo_org")


def _copy(source: Traversable, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for item in source.iterdir():
        if item.name in _SKIP:
            continue
        if item.is_dir():
            _copy(item, target / item.name)
        else:
            (target / item.name).write_bytes(item.read_bytes())


def prepare_demo(target: Path) -> Workspace:
    """A ready demo workspace in `target`: copied there the first time, reused (never overwritten) after.

    The first time, its documents are also ingested and suggestions made, so the explorer opens with a review
    queue; later calls keep whatever the user did since (accepted, rejected, re-ingested).
    """
    created = not (target / CONFIG_NAME).exists()
    if created:
        if target.exists() and any(target.iterdir()):
            from aimsgraph.errors import WorkspaceError

            raise WorkspaceError(f"{target}: folder exists and is not empty; choose another with --dir")
        _copy(demo_source(), target)
        (target / ".gitignore").write_text(".aimsgraph/\n", encoding="utf-8")
    workspace = Workspace.open(target)
    workspace.sync()
    from aimsgraph.rules.validation import validate_workspace  # late: validation imports workspace

    validate_workspace(workspace, record=True)  # one run in history, so trends have a first point
    if created:
        _ingest_and_suggest(workspace)
    return workspace


def _ingest_and_suggest(workspace: Workspace) -> None:
    """Ingest the demo's documents and store suggestions for them (BM25 alone when no model is installed)."""
    from aimsgraph.documents.ingest import ingest_documents  # late: the model and parsers load only when needed
    from aimsgraph.suggest.suggestions import suggest_for_workspace

    ingest_documents(workspace)
    suggest_for_workspace(workspace)


def reset_demo(target: Path) -> None:
    """Remove a demo workspace made by prepare_demo (only if it is one)."""
    if (target / CONFIG_NAME).exists() and (target / "org").is_dir():
        shutil.rmtree(target)
