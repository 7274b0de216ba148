"""Saved queries on the demo organisation, the read-only guard, parameters and limits."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from datetime import date
from functools import partial
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal
from rdflib.compare import isomorphic

from aimsgraph.coverage.matrix import coverage_matrix
from aimsgraph.errors import InputError
from aimsgraph.query import fork_server
from aimsgraph.query.isolation import run_in_child, start_fork_server
from aimsgraph.query.results import results_delimited
from aimsgraph.query.sparql import QueryOutcome, bind_parameters, check_read_only, load_query, run_query, saved_queries
from aimsgraph.store import Store
from aimsgraph.suggest.review import accept_suggestions
from aimsgraph.suggest.suggestions import pending_suggestions
from aimsgraph.workspace import Workspace
from tests.conftest import run_cli, running_queries

AS_OF = "2026-11-23"


def _rows(demo: Workspace, name: str, **params: str) -> list[dict[str, str]]:
    query = load_query(name)
    if any(p.name == "as_of" for p in query.parameters):
        params = {"as_of": AS_OF, **params}
    outcome = run_query(demo.store, query.text, bind_parameters(query, params))
    return [
        {k: "" if v is None else str(v) for k, v in zip(outcome.variables, row, strict=True)} for row in outcome.rows
    ]


def test_every_saved_query_has_a_description() -> None:
    names = {q.name for q in saved_queries()}
    assert {
        "coverage-by-requirement",
        "coverage-by-system",
        "coverage-by-objective",
        "requirements-without-evidence",
        "stale-evidence",
        "risk-evidence-chain",
        "unused-documents",
        "roles-by-system",
        "reviews",
    } <= names
    assert all(q.description for q in saved_queries())


def test_saved_queries_answer_on_the_demo(demo: Workspace) -> None:
    by_req = {r["requirement"]: r for r in _rows(demo, "coverage-by-requirement")}
    assert len(by_req) == 81
    assert (by_req["A.7.5"]["evidence"], by_req["A.7.5"]["current"]) == ("1", "0")
    assert by_req["A.5.5"]["excluded"] == "true" and by_req["A.2.2"]["excluded"] == "false"
    assert by_req["A.8.4"]["operating"] == "0"
    systems = {r["system"]: r for r in _rows(demo, "coverage-by-system")}
    assert set(systems) == {"claimsight", "scrivo-intake", "halden-assist"}
    objectives = {r["objective"]: r for r in _rows(demo, "coverage-by-objective")}
    assert (objectives["A.4"]["applicable"], objectives["A.4"]["covered_controls"]) == ("5", "4")
    assert (objectives["A.7"]["applicable"], objectives["A.7"]["covered_controls"]) == ("4", "3")
    assert [r["requirement"] for r in _rows(demo, "requirements-without-evidence")] == ["6.3", "A.4.4"]
    stale = [r["evidence"] for r in _rows(demo, "stale-evidence")]
    assert stale == ["ia-scrivo-intake", "data-provenance-claimsight"]
    assert [r["evidence"] for r in _rows(demo, "unused-documents")] == ["incident-log-2026"]


def test_coverage_view_agrees_with_the_matrix(demo: Workspace) -> None:
    matrix = coverage_matrix(demo.store, date.fromisoformat(AS_OF))
    by_req = {r["requirement"]: r for r in _rows(demo, "coverage-by-requirement")}
    assert {k: r["status"] for k, r in by_req.items()} == {
        r.id: matrix.cell(r.id).status for r in matrix.requirements if r.kind != "objective"
    }
    parents = {r.parent for r in matrix.requirements}
    leaves = [r.id for r in matrix.requirements if r.kind != "objective" and r.id not in parents]
    for row in _rows(demo, "coverage-by-system"):
        statuses = [matrix.cell(leaf, row["system"]).status for leaf in leaves]
        assert row["covered"] == str(statuses.count("covered")) and row["missing"] == str(statuses.count("missing"))
    assert {r["as_of"] for r in _rows(demo, "coverage-by-system")} == {AS_OF}


def test_a_review_decision_shows_up_in_the_saved_queries(suggested_demo_dir: Path) -> None:
    # The decision is made now, so the queries are asked about today (a link counts from its decision day on).
    today = date.today().isoformat()
    workspace = Workspace.open(suggested_demo_dir)
    try:
        missing = [r["requirement"] for r in _rows(workspace, "requirements-without-evidence", as_of=today)]
        pick = next(s for s in pending_suggestions(workspace.store) if s.requirement in missing)
        before = {r["requirement"]: r for r in _rows(workspace, "coverage-by-requirement", as_of=today)}
        assert accept_suggestions(workspace, [pick.id], "hwebb") == 1
        after = {r["requirement"]: r for r in _rows(workspace, "coverage-by-requirement", as_of=today)}
        assert (before[pick.requirement]["evidence"], after[pick.requirement]["evidence"]) == ("0", "1")
        gaps = [r["requirement"] for r in _rows(workspace, "requirements-without-evidence", as_of=today)]
        assert pick.requirement not in gaps
        # Asked about a day before the decision, the same query still shows the gap.
        assert {r["requirement"]: r for r in _rows(workspace, "coverage-by-requirement", as_of="2026-01-01")}[
            pick.requirement
        ]["evidence"] == "0"
    finally:
        workspace.close()


def test_risk_chain_roles_and_reviews(demo: Workspace) -> None:
    chain = _rows(demo, "risk-evidence-chain", risk="R-001")
    assert {r["control"] for r in chain} == {"A.7.4", "A.5.4", "A.6.2.4"}
    assert {"ia-claimsight", "vv-claimsight-v3.2", "model-card-claimsight"} <= {r["evidence"] for r in chain}
    broken = _rows(demo, "risk-evidence-chain", risk="R-006")
    assert len(broken) == 1 and broken[0]["control"] == ""
    roles = {(r["system"], r["role"], r["person"]) for r in _rows(demo, "roles-by-system")}
    assert ("claimsight", "AI producer", "tadeyemi") in roles and ("halden-assist", "AI customer", "") in roles
    reviews = _rows(demo, "reviews")
    assert len(reviews) == 38 and {"pnair", "dfitzgerald"} <= {r["reviewer"] for r in reviews}


def test_stale_evidence_depends_on_as_of(demo: Workspace) -> None:
    assert [r["evidence"] for r in _rows(demo, "stale-evidence", as_of="2026-07-01")] == ["ia-scrivo-intake"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SELECT * WHERE {\n  ?s ?p }", "line 2, column"),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "updates"),
        ("LOAD <http://example.org/data.ttl>", "updates"),
        ("DROP ALL", "updates"),
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }", "FROM"),
    ],
)
def test_guard_refuses_with_one_line(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        check_read_only(text)
    assert "\n" not in str(info.value)


def test_guard_accepts_the_four_forms() -> None:
    assert check_read_only("ASK { ?s ?p ?o }") == "ASK"
    assert check_read_only("CONSTRUCT WHERE { ?s ?p ?o }") == "CONSTRUCT"
    assert check_read_only("DESCRIBE <urn:aims:system:claimsight>") == "DESCRIBE"
    assert check_read_only("SELECT * FROM <urn:aims:graph:org> WHERE { ?s ?p ?o }") == "SELECT"


def test_row_limit_and_bad_parameters(demo: Workspace) -> None:
    outcome = run_query(demo.store, "SELECT ?s WHERE { ?s ?p ?o }", row_limit=5)
    assert len(outcome.rows) == 5 and outcome.truncated
    with pytest.raises(InputError, match="needs a value for risk"):
        bind_parameters(load_query("risk-evidence-chain"), {})
    with pytest.raises(InputError, match="unknown saved query"):
        load_query("no-such-query")
    with pytest.raises(InputError, match="SELECT"):
        run_query(demo.store, "SELECT ?s WHERE { ?s <urn:x> ?id }", {"id": Literal("a")})


SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_time_limit_ends_the_command(demo_dir: Path) -> None:
    # Run as a process of its own: the thread a time limit abandons ends only with its process, so in the test
    # process it would keep a core busy for the rest of the run.
    command = [sys.executable, "-m", "aimsgraph", "-w", str(demo_dir), "query", "--sparql", SLOW, "--timeout", "0.5"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr == "aimsgraph: error: query stopped after 0.5 s (time limit; raise it with --timeout)\n"


def test_isolated_query_is_killed_at_the_time_limit(demo: Workspace) -> None:
    start_fork_server()  # its start (once per process) is not part of the query's time
    start = time.perf_counter()
    with pytest.raises(InputError, match="time limit"):
        run_query(demo.store, SLOW, timeout=0.5, isolate=True)
    assert time.perf_counter() - start < 5
    assert fork_server.helper_pid() and not running_queries()


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?s ?id WHERE { ?s <https://w3id.org/aimsgraph/ns#id> ?id } ORDER BY ?id",
        "ASK { ?s a <https://w3id.org/aimsgraph/ns#AISystem> }",
        "CONSTRUCT WHERE { ?s a <https://w3id.org/aimsgraph/ns#Risk> ; <https://w3id.org/aimsgraph/ns#id> ?id }",
        load_query("coverage-by-system").text,
    ],
)
def test_isolated_query_answers_like_the_thread(demo: Workspace, text: str) -> None:
    bindings = {"as_of": Literal(date.fromisoformat(AS_OF))} if "as_of" in text else {}
    here, child = (run_query(demo.store, text, bindings, isolate=flag) for flag in (False, True))
    assert (child.form, child.variables, child.rows, child.boolean) == (
        here.form,
        here.variables,
        here.rows,
        here.boolean,
    )
    assert (child.graph is None) == (here.graph is None)
    if here.graph is not None and child.graph is not None:
        assert len(here.graph) > 0 and isomorphic(child.graph, here.graph)


def _forked_from(caller: int, store: Store) -> QueryOutcome:
    """Evaluated in the query child: whether its parent is the caller itself."""
    return QueryOutcome("ASK", boolean=os.getppid() == caller)


def test_isolated_query_child_is_not_forked_from_the_caller(demo: Workspace) -> None:
    # A child forked from a multi-threaded caller (the endpoint, the explorer) inherits locks other threads held at
    # that moment and can wait for them forever: CI once saw a trivial isolated query hang until its 30 s limit.
    # Children come from a single-threaded fork server instead.
    outcome = run_in_child(demo.store, partial(_forked_from, os.getpid()), timeout=60)
    assert outcome.boolean is False
    helper = fork_server.helper_pid()
    assert helper and len(os.listdir(f"/proc/{helper}/task")) == 1  # the fork server has no other thread


def test_isolated_query_after_the_fork_server_was_killed(demo: Workspace) -> None:
    start_fork_server()
    helper = fork_server.helper_pid()
    assert helper
    os.kill(helper, signal.SIGKILL)  # e.g. by the out-of-memory killer
    deadline = time.monotonic() + 10
    while fork_server.helper_pid() == helper and time.monotonic() < deadline:
        time.sleep(0.05)
    assert run_query(demo.store, "ASK { ?s ?p ?o }", isolate=True).boolean
    assert fork_server.helper_pid() not in (None, helper)


def test_isolated_query_errors_are_one_line(demo: Workspace) -> None:
    with pytest.raises(InputError, match="SELECT"):
        run_query(demo.store, "SELECT ?s WHERE { ?s <urn:x> ?id }", {"id": Literal("a")}, isolate=True)


def test_cli_query_formats(demo_dir: Path) -> None:
    result = run_cli("-w", str(demo_dir), "query", "requirements-without-evidence", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["head"]["vars"] == ["requirement", "kind", "title", "as_of"]
    assert data["results"]["bindings"][0]["requirement"] == {"type": "literal", "value": "6.3"}
    csv_out = run_cli("-w", str(demo_dir), "query", "stale-evidence", "-p", f"as_of={AS_OF}", "--format", "csv")
    assert csv_out.stdout.splitlines()[0].startswith("evidence,title")
    tsv = run_cli(
        "-w",
        str(demo_dir),
        "query",
        "--sparql",
        "SELECT ?s WHERE { ?s a <https://w3id.org/aimsgraph/ns#AISystem> }",
        "--format",
        "tsv",
    )
    assert tsv.stdout.splitlines()[0] == "?s" and "<urn:aims:system:claimsight>" in tsv.stdout
    iri = run_cli(
        "-w",
        str(demo_dir),
        "query",
        "--sparql",
        "SELECT ?s ?id WHERE { ?s <https://w3id.org/aimsgraph/ns#id> ?id }",
        "-p",
        "s=<urn:aims:person:pnair>",
    )
    assert "pnair" in iri.stdout and "claimsight" not in iri.stdout
    listing = run_cli("query", "--list")
    assert "risk-evidence-chain" in listing.stdout and "risk" in listing.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "--sparql", "SELECT * WHERE { ?s ?p"], "line 1"),
        (["query", "--sparql", "DELETE WHERE { ?s ?p ?o }"], "read-only"),
        (["query", "--sparql", "SELECT * WHERE { SERVICE <http://x.example/> { ?s ?p ?o } }"], "SERVICE"),
        (["query", "nope"], "unknown saved query"),
        (["query", "risk-evidence-chain"], "needs a value for risk"),
        (["query", "reviews", "-p", "bad"], "name=value"),
    ],
)
def test_cli_bad_input_is_one_line_exit_2(demo_dir: Path, args: list[str], message: str) -> None:
    result = run_cli("-w", str(demo_dir), *args)
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


# ---------------------------------------------------------------- SPARQL 1.1 CSV and TSV, read back by other parsers
XSD = "http://www.w3.org/2001/XMLSchema#"
# Literals in canonical form: answers pass through rdflib terms, which normalise lexical forms ("042" -> "42").
AWKWARD = f"""SELECT ?text ?node ?value WHERE {{
  VALUES (?text ?value) {{
    ("two\\nlines\\r\\nand\\ta tab" <urn:aims:x>)
    ("say \\"hi\\", then go"@en-gb 42)
    (UNDEF 1.5)
    ("odd"^^<urn:aims:datatype> "2024-01-01"^^<{XSD}date>)
    ("back\\\\slash" "-7"^^<{XSD}integer>)
    (true "plain")
  }}
  BIND(BNODE() AS ?node) }}"""
AWKWARD_ROWS: list[tuple[ox.Literal | None, ox.NamedNode | ox.Literal]] = [
    (ox.Literal("two\nlines\r\nand\ta tab"), ox.NamedNode("urn:aims:x")),
    (ox.Literal('say "hi", then go', language="en-gb"), ox.Literal("42", datatype=ox.NamedNode(XSD + "integer"))),
    (None, ox.Literal("1.5", datatype=ox.NamedNode(XSD + "decimal"))),
    (
        ox.Literal("odd", datatype=ox.NamedNode("urn:aims:datatype")),
        ox.Literal("2024-01-01", datatype=ox.NamedNode(XSD + "date")),
    ),
    (ox.Literal("back\\slash"), ox.Literal("-7", datatype=ox.NamedNode(XSD + "integer"))),
    (ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")), ox.Literal("plain")),
]


def check_awkward_tsv(text: str) -> None:
    """`text` is AWKWARD's answer in SPARQL 1.1 TSV: one line per solution, every term back as it was."""
    lines = text.split("\n")
    assert lines[0] == "?text\t?node\t?value" and lines[-1] == "" and len(lines) == len(AWKWARD_ROWS) + 2
    assert lines[2].split("\t")[2] == "42" and lines[6].split("\t")[0] == "true"  # numbers and booleans abbreviated
    solutions = list(ox.parse_query_results(text, ox.QueryResultsFormat.TSV))
    assert [(s["text"], s["value"]) for s in solutions] == AWKWARD_ROWS
    assert all(isinstance(s["node"], ox.BlankNode) for s in solutions)


def check_awkward_csv(text: str) -> None:
    """`text` is AWKWARD's answer in SPARQL 1.1 CSV: CRLF records, RFC 4180 quoting, lexical forms, `_:` nodes."""
    assert text.startswith("text,node,value\r\n") and text.endswith("\r\n")
    header, *rows = list(csv.reader(io.StringIO(text, newline="")))
    assert header == ["text", "node", "value"]
    expected = [("" if t is None else t.value, v.value) for t, v in AWKWARD_ROWS]
    assert [(row[0], row[2]) for row in rows] == expected
    assert all(re.fullmatch(r"_:\w+", row[1]) for row in rows)


def test_csv_and_tsv_follow_the_w3c_formats(demo_dir: Path) -> None:
    outcome = run_query(Store.in_memory(), AWKWARD)
    check_awkward_tsv(results_delimited(outcome, "\t"))
    check_awkward_csv(results_delimited(outcome, ","))
    for fmt, check in (("tsv", check_awkward_tsv), ("csv", check_awkward_csv)):
        result = run_cli("-w", str(demo_dir), "query", "--sparql", AWKWARD, "--format", fmt)
        assert result.exit_code == 0, result.stderr
        check(result.stdout_bytes.decode("utf-8"))  # .stdout would turn CRLF into LF
