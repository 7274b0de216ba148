"""Small query bugs: dotted prefixed names, and every review decision listed whoever took it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aimsgraph.query.names import expand_dotted_names
from tests.conftest import run_cli

ISO = "https://w3id.org/aimsgraph/iso42001/"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT * { iso:A.8.4 ?p ?o }", f"SELECT * {{ <{ISO}A.8.4> ?p ?o }}"),
        ("SELECT * { ?s ?p iso:A.8.4 . }", f"SELECT * {{ ?s ?p <{ISO}A.8.4> . }}"),  # the final dot ends the triple
        ("SELECT * { ?s ?p iso:4 }", "SELECT * { ?s ?p iso:4 }"),  # no dot: left alone
        ('SELECT * { ?s ?p "iso:A.8.4" }', 'SELECT * { ?s ?p "iso:A.8.4" }'),  # a string
        ("SELECT * { ?s ?p <urn:x:iso:A.8.4> }", "SELECT * { ?s ?p <urn:x:iso:A.8.4> }"),  # an IRI
        ("SELECT * { ?s ?p ?o } # iso:A.8.4", "SELECT * { ?s ?p ?o } # iso:A.8.4"),  # a comment
        ("PREFIX x: <urn:x:> SELECT * { x:a.b ?p ?o }", "PREFIX x: <urn:x:> SELECT * { <urn:x:a.b> ?p ?o }"),
        ("SELECT * { nope:a.b ?p ?o }", "SELECT * { nope:a.b ?p ?o }"),  # unknown prefix: the error stays the store's
        ("SELECT * { ?s ?p 1.5 }", "SELECT * { ?s ?p 1.5 }"),
    ],
)
def test_dotted_names_become_iris(query: str, expected: str) -> None:
    assert expand_dotted_names(query) == expected


def test_a_documented_prefixed_name_with_dots_works(demo_dir: Path) -> None:
    result = run_cli(
        "-w", str(demo_dir), "query", "--sparql", "SELECT ?t WHERE { iso:A.8.4 rdfs:label ?t }", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["results"]["bindings"][0]["t"]["value"] == "Communication of incidents"


def test_reviews_lists_every_decision_with_its_person(suggested_demo_dir: Path) -> None:
    pending = json.loads(run_cli("-w", str(suggested_demo_dir), "review", "--format", "json").stdout)
    pick, other = pending[0]["id"], pending[1]["id"]
    refused = run_cli("-w", str(suggested_demo_dir), "review", "--reject", pick, "--reviewer", "mallory-not-a-person")
    assert refused.exit_code == 2 and "known people: cmorales, dfitzgerald" in refused.stderr  # not a person: refused
    assert run_cli("-w", str(suggested_demo_dir), "review", "--reject", pick, "--reviewer", "hwebb").exit_code == 0
    assert run_cli("-w", str(suggested_demo_dir), "review", "--accept", other).exit_code == 0  # [user] person: pnair
    rows = json.loads(run_cli("-w", str(suggested_demo_dir), "query", "reviews", "--format", "json").stdout)
    links = [b for b in rows["results"]["bindings"] if b["what"]["value"] == "evidence link"]
    assert {(b["decision"]["value"], b["reviewer"]["value"]) for b in links} >= {
        ("rejected", "hwebb"),
        ("accepted", "pnair"),
    }
    assert all(b.get("reviewer", {}).get("value") for b in links)  # every decision names its person
