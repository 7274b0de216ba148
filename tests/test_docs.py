"""Every command has help text and is documented (README or docs/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from aimsgraph.cli import main
from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = sorted(main.commands)


def documentation() -> str:
    parts = [(ROOT / "README.md").read_text(encoding="utf-8")]
    parts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").glob("*.md"))]
    return "\n".join(parts)


@pytest.mark.parametrize("command", COMMANDS)
def test_command_has_help(command: str) -> None:
    assert main.commands[command].help, f"{command} has no help text"
    result = run_cli(command, "--help")
    assert result.exit_code == 0 and "Usage:" in result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_command_is_documented(command: str) -> None:
    assert f"aimsgraph {command}" in documentation(), f"document 'aimsgraph {command}' in README.md or docs/"


def test_design_commands_exist_or_are_pending() -> None:
    assert {"init", "load", "catalog", "stats", "demo"} <= set(COMMANDS)
