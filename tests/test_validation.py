"""validate on the demo: exactly the deliberate gaps, the JSON contract, exit codes, --as-of, bad input."""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import date
from pathlib import Path

import pyshacl
import pytest
from conftest import DEMO, run_cli
from rdflib import Graph, URIRef
from rdflib import Literal as RDFLiteral
from rdflib.namespace import RDF, RDFS
from report_check import assert_same_report

from aimsgraph.rules.findings import SH, rule_shapes
from aimsgraph.rules.partition import pyshacl_part, twin_shapes
from aimsgraph.rules.setwise import RULES
from aimsgraph.rules.validation import (
    ParsedOnce,
    data_graph,
    facts_graph,
    file_facts,
    our_shapes,
    validate_store,
    validate_workspace,
)
from aimsgraph.workspace import Workspace


def _expected() -> set[tuple[str, str, str | None, str | None]]:
    with (DEMO / "expected-gaps.csv").open(encoding="utf-8") as stream:
        return {(r["rule"], r["focus"], r["requirement"] or None, r["system"] or None) for r in csv.DictReader(stream)}


def test_demo_finds_exactly_the_deliberate_gaps(demo_dir: Path) -> None:
    result = run_cli("-w", str(demo_dir), "validate", "--format", "json", "--as-of", "2026-11-23")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert set(data) == {"conforms", "coverage", "findings"} and data["conforms"] is False
    assert data["coverage"][0] == {"scope": "organisation", "covered": 63, "applicable": 67, "percent": 94.0}
    fields = ["severity", "rule", "focus", "requirement", "system", "message", "fix", "value", "path"]
    assert all(list(f) == fields for f in data["findings"])
    found = {(f["rule"], f["focus"], f["requirement"], f["system"]) for f in data["findings"]}
    assert found == _expected()
    by_rule = {f["rule"]: f for f in data["findings"]}
    assert by_rule["risk-owner"]["path"] == "aims:owner" and by_rule["risk-owner"]["value"] is None
    assert by_rule["impact-assessment-current"]["value"].startswith("urn:aims:evidence:")  # the SPARQL's ?value
    assert by_rule["soa-owner"]["value"].startswith("urn:aims:soa:") and by_rule["soa-owner"]["path"] is None


def test_ttl_is_the_shacl_report_pyshacl_writes(demo_dir: Path) -> None:
    day = date(2026, 11, 23)
    result = run_cli("-w", str(demo_dir), "validate", "--format", "ttl", "--as-of", day.isoformat())
    assert result.exit_code == 1
    ours = Graph().parse(data=result.stdout, format="turtle")
    workspace = Workspace.open(demo_dir)
    try:
        data = data_graph(workspace.store, facts_graph(day, *file_facts(workspace.store, workspace.root)))
    finally:
        workspace.close()
    options = {"inference": "none", "allow_warnings": True, "advanced": True, "inplace": True}
    _, theirs, _ = pyshacl.validate(ParsedOnce(data), shacl_graph=our_shapes(), **options)  # each text parsed once
    assert (
        len(list(ours.subjects(RDF.type, SH.ValidationResult))) == 17
    )  # the deliberate gaps of examples/demo-org/expected-gaps.csv
    assert_same_report(ours, theirs)
    for prop in (SH.resultPath, SH.value, SH.resultSeverity):  # the check fails when one property is lost
        (node, term) = next(iter(ours.subject_objects(prop)))
        ours.remove((node, prop, term))
        with pytest.raises(AssertionError):
            assert_same_report(ours, theirs)
        ours.add((node, prop, term))


def test_engines_agree_on_the_demo(demo: Workspace) -> None:
    fast = validate_workspace(demo, date(2026, 11, 23), record=False)
    slow = validate_workspace(demo, date(2026, 11, 23), record=False, engine="pyshacl")
    assert fast.findings == slow.findings


def test_as_of_before_and_after_a_review_date(demo: Workspace) -> None:
    def stale(day: date) -> bool:
        report = validate_workspace(demo, day, record=False)
        return any(f.rule == "evidence-stale" and f.focus == "ia-scrivo-intake" for f in report.findings)

    assert not stale(date(2026, 6, 19)) and stale(date(2026, 6, 21))


def test_run_is_recorded_in_history(demo: Workspace) -> None:
    validate_workspace(demo, date(2026, 11, 23))
    rows = demo.store.select("SELECT ?v WHERE { ?run a aims:ValidationRun ; aims:violationCount ?v }")
    assert [int(r[0]) for r in rows] == [13]


def test_text_report_speaks_in_titles(demo_dir: Path) -> None:
    result = run_cli("-w", str(demo_dir), "validate", "--as-of", "2026-11-23")
    assert result.exit_code == 1
    assert "A.7.5 Data provenance" in result.stdout and "urn:" not in result.stdout and "https:" not in result.stdout


def test_bad_inputs_exit_2_with_one_line(demo_dir: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("this is not turtle <<", encoding="utf-8")
    not_shacl = tmp_path / "plain.ttl"
    not_shacl.write_text("<urn:a> <urn:b> <urn:c> .", encoding="utf-8")
    for args in (["--as-of", "yesterday"], ["--shapes", str(broken)], ["--shapes", str(not_shacl)]):
        result = run_cli("-w", str(demo_dir), "validate", *args)
        assert result.exit_code == 2, args
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_extra_user_shapes_run_through_pyshacl(demo_dir: Path, tmp_path: Path) -> None:
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix aims: <https://w3id.org/aimsgraph/ns#> .
        <urn:x:PersonEmail> a sh:NodeShape ; sh:targetClass aims:Person ; aims:rule "person-phone" ;
          aims:concerns <https://w3id.org/aimsgraph/iso42001/A.3.2> ;
          sh:severity sh:Info ; sh:message "Person {label} has no phone." ;
          sh:property [ sh:path aims:phone ; sh:minCount 1 ] .""",
        encoding="utf-8",
    )
    result = run_cli("-w", str(demo_dir), "validate", "--format", "json", "--shapes", str(extra))
    phones = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "person-phone"]
    assert len(phones) == 10 and {f["requirement"] for f in phones} == {"A.3.2"}  # the rule's aims:concerns


def test_a_user_shape_shows_a_literal_value_in_its_message(demo_dir: Path, tmp_path: Path) -> None:
    extra = tmp_path / "titles.ttl"
    extra.write_text(
        """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix aims: <https://w3id.org/aimsgraph/ns#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <urn:x:ShortNames> a sh:NodeShape ; sh:targetClass aims:Person ; aims:rule "short-name" ;
          sh:severity sh:Info ; sh:message "Name '{value}' is short." ;
          sh:property [ sh:path rdfs:label ; sh:minLength 100 ] .""",
        encoding="utf-8",
    )
    result = run_cli("-w", str(demo_dir), "validate", "--format", "json", "--shapes", str(extra))
    messages = {f["message"] for f in json.loads(result.stdout)["findings"] if f["rule"] == "short-name"}
    assert "Name 'Priya Nair' is short." in messages  # the literal, not a blank


def test_json_report_is_json_with_one_item_per_line() -> None:
    from aimsgraph.cli.output import json_report

    data = {"conforms": False, "findings": [{"rule": "a", "system": None}, {"rule": "b ü", "system": "s"}], "none": []}
    text = json_report(data)
    assert json.loads(text) == data
    lines = text.splitlines()
    assert lines[3].strip().startswith('{"rule": "a"') and lines[4].strip().startswith('{"rule": "b')
    assert json.loads(json_report({"conforms": True, "findings": []})) == {"conforms": True, "findings": []}


def test_pyshacl_data_view_parses_each_query_text_once() -> None:
    data = Graph()
    data.add((URIRef("urn:a"), RDFS.label, RDFLiteral("a")))
    view = ParsedOnce(data)
    text = "SELECT ?label WHERE { $this rdfs:label ?label }"  # rdfs: from the graph's prefixes, as Graph.query has it
    first = list(view.query(text, initBindings={"this": URIRef("urn:a")}))
    again = list(view.query(text, initBindings={"this": URIRef("urn:b")}))
    assert first == list(data.query(text, initBindings={"this": URIRef("urn:a")})) == [(RDFLiteral("a"),)]
    assert again == [] and len(view) == 1 and list(view._parsed) == [text]


# Added to a copy of the shipped shapes: a shape with no aims:rule, one whose aims:rule has no set-at-a-time twin,
# and a property shape under a twin node shape (the twin's own rule runs set-at-a-time, its new child in pyshacl).
UNTWINNED = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix aims: <https://w3id.org/aimsgraph/ns#> .
@prefix shp: <https://w3id.org/aimsgraph/shapes#> .
<urn:x:RiskAcceptedBy> a sh:NodeShape ; sh:targetClass aims:Risk ; sh:message "Risk {label} names nobody." ;
  sh:property [ sh:path aims:acceptedBy ; sh:minCount 1 ] .
<urn:x:SystemSupplier> a sh:PropertyShape ; aims:rule "system-supplier" ; sh:severity sh:Warning ;
  sh:message "AI system {label} names no supplier." ; sh:path aims:supplier ; sh:minCount 1 .
shp:ImpactAssessmentCurrent sh:property <urn:x:SystemSupplier> .
"""


def test_shapes_without_a_twin_run_through_pyshacl_in_the_same_validation(demo: Workspace) -> None:
    shapes = Graph()
    shapes += our_shapes()
    shapes.parse(data=UNTWINNED, format="turtle")
    day = date(2026, 11, 23)
    fast = validate_store(demo.store, day, demo.root, shapes=shapes)
    reference = validate_store(demo.store, day, demo.root, shapes=shapes, engine="pyshacl")
    assert fast.findings == reference.findings
    rules = Counter(f.rule for f in fast.findings)
    suppliers = {f.focus for f in fast.findings if f.rule == "system-supplier"}
    assert suppliers == {"claimsight"} and rules["RiskAcceptedBy"] == 13  # neither skipped nor a KeyError
    shipped = validate_store(demo.store, day, demo.root)
    assert [f for f in fast.findings if f.rule in RULES] == shipped.findings  # the twins' findings are unchanged


def test_the_shipped_shapes_leave_nothing_to_pyshacl() -> None:
    shapes = our_shapes()
    twins = twin_shapes(shapes, RULES)
    assert {t.rule for t in twins.values()} == set(rule_shapes(shapes)) == set(RULES)
    assert pyshacl_part(shapes, twins) is None and pyshacl_part(shapes, {}) is shapes
