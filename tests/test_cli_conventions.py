"""Command-line conventions: `-` is standard input where a file or query is read and standard output for -o."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

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
    result = run_cli("-w", str(suggested_demo_dir), "review", "--accept", "-", "--reviewer", "t", stdin="\n".join(ids))
    assert result.exit_code == 0 and result.stdout == "Accepted 3 suggestion(s) as t.\n"
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
