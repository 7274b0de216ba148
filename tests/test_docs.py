"""Every command has help text and is documented (README or docs/)."""

from __future__ import annotations

import re
import shlex
import warnings
from pathlib import Path

import click
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


def documented_command_lines() -> list[tuple[str, str]]:
    """Every `aimsgraph ...` line inside a code block of README.md and docs/*.md: (file:line, command line)."""
    found = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        in_block = False
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.startswith("```"):
                in_block = not in_block
                continue
            text = re.sub(r"^\$\s*", "", line.strip())
            if in_block and text.startswith("aimsgraph "):
                command = re.split(r"\s+#\s", text)[0]  # drop a trailing comment
                command = re.split(r"\s(?:\||>|>>|&&|2>&1)\s", command)[0]  # and what a shell would pipe it to
                found.append((f"{path.name}:{number}", command))
    return found


def test_documented_command_lines_parse() -> None:
    """Each command line the docs show is accepted by the CLI's parser (options, arguments, choices)."""
    lines = documented_command_lines()
    assert len(lines) > 20, "the docs show the commands in code blocks"
    failures = []
    for where, line in lines:
        args = shlex.split(line)[1:]
        try:
            with main.make_context("aimsgraph", list(args)) as context:
                with warnings.catch_warnings():  # Click 8.2-8.x keeps the command name apart, deprecated for 9
                    warnings.simplefilter("ignore", DeprecationWarning)
                    words = [*context.protected_args, *context.args]
                name, command, rest = main.resolve_command(context, words)
                assert command is not None and name is not None
                command.make_context(name, rest, parent=context)
        except click.exceptions.Exit:
            pass  # --help, --version
        except click.ClickException as exc:
            failures.append(f"{where}: {line}: {exc.format_message()}")
    assert not failures, "\n".join(failures)


def test_workspace_option_after_the_command(demo_dir: Path, tmp_path: Path) -> None:
    before = run_cli("-w", str(demo_dir), "validate", "--format", "json", "--as-of", "2026-11-23")
    after = run_cli("validate", "-w", str(demo_dir), "--format", "json", "--as-of", "2026-11-23")
    assert before.exit_code == after.exit_code == 1
    assert after.stdout == before.stdout and '"findings"' in after.stdout
    missing = run_cli("stats", "-w", str(tmp_path / "nowhere"))
    assert missing.exit_code == 2 and "nowhere" in missing.stderr
