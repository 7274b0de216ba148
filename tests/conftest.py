"""Shared fixtures: paths to the shared data, workspaces copied to temporary folders, a CLI runner."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from aimsgraph.cli import main
from aimsgraph.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DEMO = ROOT / "examples" / "demo-org"


def shared_data() -> Path:
    """../shared/data beside the project (or $AIMSGRAPH_SHARED_DATA)."""
    return Path(os.environ.get("AIMSGRAPH_SHARED_DATA", ROOT.parent / "shared" / "data"))


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


def run_cli(*args: str) -> Result:
    """Run the aimsgraph CLI in-process, capturing stdout and stderr separately."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)
