"""Command-line conventions: `-` is standard input where a file or query is read and standard output for -o;
`suggest` shows a progress bar on a terminal (and only there)."""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import pty
import re
import shutil
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from openpyxl import load_workbook

from aimsgraph.suggest.suggestions import suggest_for_workspace
from aimsgraph.workspace import Workspace
from tests.conftest import pending_rows, run_cli

SYSTEMS = """# description: an AI system by id
# param: id id
SELECT ?id WHERE { ?s a <https://w3id.org/aimsgraph/ns#AISystem> ; <https://w3id.org/aimsgraph/ns#id> ?id }"""


def test_query_dash_reads_the_query_from_standard_input(mini_dir: Path) -> None:
    w = ("-w", str(mini_dir))
    result = run_cli(*w, "query", "-", "-p", "id=triage-assistant", "--format", "csv", stdin=SYSTEMS)
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == b"id\r\ntriage-assistant\r\n"
    undeclared = run_cli(*w, "query", "-", "-p", "other=x", stdin=SYSTEMS)  # its header was read
    assert undeclared.exit_code == 2 and "has no parameter other (its parameters: id)" in undeclared.stderr


@pytest.mark.parametrize(
    "stdin",
    [b"SELECT * WHERE { ?s ?p", b"\xff\xfe not text", b""],
    ids=["syntax-error", "not-utf-8", "empty"],
)
def test_bad_standard_input_is_one_line_exit_2(mini_dir: Path, stdin: bytes) -> None:
    result = run_cli("-w", str(mini_dir), "query", "-", stdin=stdin)
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_dash_output_is_standard_output(demo_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert run_cli("catalog", "-o", "-").stdout == run_cli("catalog").stdout
    w = ("-w", str(demo_dir))
    listing = run_cli(*w, "query", "--sparql", "SELECT ?id WHERE { ?s <urn:none> ?id }", "--format", "tsv", "-o", "-")
    assert listing.stdout == "?id\n"
    gaps = run_cli(*w, "validate", "--format", "json", "-o", "-")
    assert gaps.exit_code == 1 and json.loads(gaps.stdout)["conforms"] is False
    soa = run_cli(*w, "export", "soa", "-o", "-")
    assert soa.exit_code == 0 and next(csv.reader(io.StringIO(soa.stdout)))[0] == "control"
    workbook = run_cli(*w, "export", "coverage", "--format", "xlsx", "-o", "-")
    assert workbook.exit_code == 0, workbook.stderr
    assert "Matrix" in load_workbook(io.BytesIO(workbook.stdout_bytes)).sheetnames
    assert not (tmp_path / "-").exists()  # no file named "-" was written


def test_validate_reads_extra_shapes_from_standard_input(demo_dir: Path) -> None:
    shapes = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix aims: <https://w3id.org/aimsgraph/ns#> .
        <urn:x:PersonPhone> a sh:NodeShape ; sh:targetClass aims:Person ; aims:rule "person-phone" ;
          sh:severity sh:Info ; sh:message "Person {label} has no phone." ;
          sh:property [ sh:path aims:phone ; sh:minCount 1 ] ."""
    result = run_cli("-w", str(demo_dir), "validate", "--format", "json", "--shapes", "-", stdin=shapes)
    assert len([f for f in json.loads(result.stdout)["findings"] if f["rule"] == "person-phone"]) == 10
    broken = run_cli("-w", str(demo_dir), "validate", "--shapes", "-", stdin="not turtle <<")
    assert broken.exit_code == 2 and broken.stderr.startswith("aimsgraph: error: standard input: not a valid Turtle")


def test_review_reads_suggestion_ids_from_standard_input(suggested_demo_dir: Path) -> None:
    ids = [row["id"] for row in pending_rows(suggested_demo_dir)[:3]]
    result = run_cli(
        "-w", str(suggested_demo_dir), "review", "--accept", "-", "--reviewer", "pnair", stdin="\n".join(ids)
    )
    assert result.exit_code == 0 and result.stdout == "Accepted 3 suggestion(s) as pnair.\n"
    assert not {row["id"] for row in pending_rows(suggested_demo_dir)} & set(ids)


def test_stateless_suggest_reads_a_document_from_standard_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # not a workspace
    text = "# Event logs\n\nWe record an event log of every inference request and keep the logs for a year.\n"
    result = run_cli("suggest", "-", "--top-k", "3", "--format", "json", "--model", "none", stdin=text)
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [(r["document"], r["rank"]) for r in rows] == [("-", 1), ("-", 2), ("-", 3)]
    assert "A.6.2.8" in {r["requirement"] for r in rows}  # the AI system event logs control


def test_suggest_progress_bar_only_on_a_terminal(suggested_demo_dir: Path, tmp_path: Path) -> None:
    piped = run_cli("-w", str(suggested_demo_dir), "suggest", "--format", "csv")
    assert piped.exit_code == 0 and piped.stdout.startswith("id,document,requirement,")
    assert "suggest (" not in piped.stderr and "\r" not in piped.stderr
    # The same command with standard error on a terminal (a pseudo-terminal), as a process of its own.
    command = [sys.executable, "-m", "aimsgraph", "-w", str(suggested_demo_dir), "suggest", "--format", "csv"]
    terminal, child_end = pty.openpty()
    fcntl.ioctl(child_end, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a terminal has a width
    with (tmp_path / "out.csv").open("wb") as out:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=child_end)
        os.close(child_end)
        shown = b""
        while chunk := _read(terminal):
            shown += chunk
        assert process.wait(timeout=120) == 0
    os.close(terminal)
    bar = re.search(rb"suggest \(rank\): 100%.*?(\d+)/(\d+) ", shown)
    assert bar and bar.group(1) == bar.group(2) == b"29", shown  # every demo document, ranked
    assert (tmp_path / "out.csv").read_bytes().startswith(b"id,document,requirement,")  # stdout stays clean


def _read(terminal: int) -> bytes:
    try:
        return os.read(terminal, 4096)
    except OSError:  # EIO: the child closed its end of the terminal
        return b""


@pytest.mark.slow
def test_suggest_progress_follows_each_stage_and_changes_nothing(
    mini_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a model: "embed" sees the passages not in the cache, encoded in slices that change no vector."""
    assert run_cli("-w", str(mini_dir), "ingest").exit_code == 0
    seen: list[tuple[str, int]] = []

    def progress(items: list[str], stage: str) -> list[str]:
        seen.append((stage, len(items)))
        return items

    workspace = Workspace.open(mini_dir)
    try:
        quiet = [(v.id, v.requirement, v.rank, v.score) for v in suggest_for_workspace(workspace)]  # one encode call
        shutil.rmtree(workspace.state_dir / "cache" / "embeddings")
        monkeypatch.setattr("aimsgraph.suggest.embedding.SLICE", 1)  # a slice per passage: several calls
        shown = [(v.id, v.requirement, v.rank, v.score) for v in suggest_for_workspace(workspace, progress=progress)]
        assert [stage for stage, _ in seen] == ["embed", "rank"] and seen[0][1] >= 2 and seen[1][1] == 2
        assert [row[:3] for row in shown] == [row[:3] for row in quiet]
        assert [row[3] for row in shown] == pytest.approx([row[3] for row in quiet], abs=1e-4)
        seen.clear()
        suggest_for_workspace(workspace, progress=progress)  # every passage is in the cache now
        assert seen == [("rank", 2)]
    finally:
        workspace.close()
