"""Shared fixtures: paths to the shared data, workspaces copied to temporary folders, a CLI runner."""

from __future__ import annotations

import gc
import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from aimsgraph.cli import main
from aimsgraph.query import fork_server
from aimsgraph.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DEMO = ROOT / "examples" / "demo-org"


def shared_data() -> Path:
    """../shared/data beside the project (or $AIMSGRAPH_SHARED_DATA)."""
    return Path(os.environ.get("AIMSGRAPH_SHARED_DATA", ROOT.parent / "shared" / "data"))


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test marked shared_data needs ../shared/data: a clone without it skips the test with the reason, CI fails."""
    folder = shared_data()
    if item.get_closest_marker("shared_data") is not None and not folder.is_dir():
        message = f"no shared data at {folder} (place shared/data beside the project or set AIMSGRAPH_SHARED_DATA)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def copy_workspace(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".aimsgraph", "__init__.py", "tools", "__pycache__"))
    return target


@pytest.fixture
def mini_dir(tmp_path: Path) -> Path:
    """A copy of the small fixture workspace."""
    return copy_workspace(FIXTURES / "mini-org", tmp_path / "mini")


@pytest.fixture
def mini(mini_dir: Path) -> Iterator[Workspace]:
    workspace = Workspace.open(mini_dir)
    workspace.sync()
    yield workspace
    workspace.close()


@pytest.fixture
def demo_dir(tmp_path: Path) -> Path:
    """A copy of examples/demo-org."""
    return copy_workspace(DEMO, tmp_path / "demo")


@pytest.fixture
def demo(demo_dir: Path) -> Iterator[Workspace]:
    workspace = Workspace.open(demo_dir)
    workspace.sync()
    yield workspace
    workspace.close()


@contextmanager
def opened(folder: Path) -> Iterator[Workspace]:
    """The workspace in `folder`, closed after use (the CLI opens the on-disk store in between)."""
    gc.collect()  # an in-process command's traceback cycle may still hold its store (and the store's lock)
    workspace = Workspace.open(folder)
    try:
        yield workspace
    finally:
        workspace.close()
        gc.collect()


def run_cli(*args: str, stdin: str | bytes | None = None) -> Result:
    """Run the aimsgraph CLI in-process, capturing stdout and stderr separately (`stdin`: its standard input)."""
    return CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)


def pending_rows(workspace_dir: Path, *args: str) -> list[dict[str, Any]]:
    """The pending suggestions as `aimsgraph review --format json` lists them (extra args filter them)."""
    result = run_cli("-w", str(workspace_dir), "review", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


@pytest.fixture(scope="session")
def _suggested_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo copy with its documents ingested and suggestions made (BM25 only, for speed), built once."""
    from aimsgraph.documents.ingest import ingest_documents
    from aimsgraph.suggest.suggestions import suggest_for_workspace

    folder = copy_workspace(DEMO, tmp_path_factory.mktemp("suggested") / "demo")
    with (folder / "aimsgraph.toml").open("a", encoding="utf-8") as config:
        config.write('\n[suggest]\nmodel = "none"\n')
    workspace = Workspace.open(folder)
    workspace.sync()
    ingest_documents(workspace)
    suggest_for_workspace(workspace)
    workspace.close()
    return folder


@pytest.fixture
def suggested_demo_dir(_suggested_demo: Path, tmp_path: Path) -> Path:
    """A private copy (store included) of the demo with pending suggestions."""
    return Path(shutil.copytree(_suggested_demo, tmp_path / "suggested"))


def set_model(workspace_dir: Path, model: str) -> Path:
    """Set [suggest] model in a workspace copy's aimsgraph.toml ("none" ranks with BM25 alone, fast)."""
    config = workspace_dir / "aimsgraph.toml"
    config.write_text(config.read_text(encoding="utf-8") + f'\n[suggest]\nmodel = "{model}"\n', encoding="utf-8")
    return workspace_dir


def running_queries(wait: float = 5.0) -> list[int]:
    """Pids of the fork server's children still alive after up to `wait` s (a killed one takes a moment to go)."""
    deadline = time.monotonic() + wait
    while True:
        helper = fork_server.helper_pid()
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()  # after "pid (command)": state, ppid, ...
            except (OSError, IndexError):
                continue  # ended while being read
            if helper is not None and int(fields[1]) == helper and fields[0] != "Z":
                children.append(int(stat.parent.name))
        if not children or time.monotonic() > deadline:
            return children
        time.sleep(0.05)
