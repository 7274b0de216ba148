"""Loading organisation facts: the YAML/CSV/RDF contract, idempotent reloads, and one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.compare import to_isomorphic

from aimsgraph.vocabulary.namespaces import AIMS, ISO, ROLE, GraphName, org_iri
from aimsgraph.workspace import Workspace
from tests.conftest import run_cli


def org_snapshot(workspace: Workspace):  # type: ignore[no-untyped-def]
    return to_isomorphic(workspace.store.graph(GraphName.ORG))


def test_yaml_contract_becomes_org_graph(mini: Workspace) -> None:
    org = mini.store.graph(GraphName.ORG)
    system = org_iri("system", "triage-assistant")
    assert (system, AIMS.owner, org_iri("person", "jdoe")) in org
    assert set(org.objects(system, AIMS.hasRole)) == {ROLE.producer, ROLE.provider}
    risk = org_iri("risk", "R-001")
    assert org.value(risk, AIMS.riskScore) == Literal(12)
    treatment = org.value(risk, AIMS.treatment)
    assert set(org.objects(treatment, AIMS.control)) == {ISO["A.6.2.4"], ISO["A.7.4"]}
    policy = org_iri("evidence", "ai-policy")
    assert str(org.value(policy, AIMS.reviewDue)) == "2027-01-15"
    link = org_iri("link", "ai-policy.5.2")
    assert org.value(link, AIMS.status) == AIMS.Accepted
    assert org.value(link, AIMS.method) == AIMS.Manual


def test_role_names_people_use_resolve_to_one_concept(mini_dir: Path) -> None:
    text = (mini_dir / "org" / "org.yaml").read_text()
    text = text.replace("{role: AI Developer or Producer, person: rkhan}", "producer")
    text = text.replace("{role: provider, person: jdoe}", "AI User")
    (mini_dir / "org" / "org.yaml").write_text(text)
    workspace = Workspace.open(mini_dir)
    workspace.sync()
    roles = set(workspace.store.graph(GraphName.ORG).objects(org_iri("system", "triage-assistant"), AIMS.hasRole))
    assert roles == {ROLE.producer, ROLE.customer}
    workspace.close()


def test_reload_is_idempotent(mini: Workspace) -> None:
    before = org_snapshot(mini)
    count = mini.store.count(GraphName.ORG)
    mini.load()
    mini.load()
    assert mini.store.count(GraphName.ORG) == count
    assert org_snapshot(mini) == before


def test_csv_tables_load_like_yaml(mini_dir: Path) -> None:
    (mini_dir / "org" / "extra").mkdir()
    (mini_dir / "org" / "people.csv").write_text("id,name,title\nakim,Ana Kim,Internal Auditor\n")
    workspace = Workspace.open(mini_dir)
    workspace.sync()
    org = workspace.store.graph(GraphName.ORG)
    assert str(org.value(org_iri("person", "akim"), AIMS.jobTitle)) == "Internal Auditor"
    workspace.close()


def test_turtle_facts_are_added(mini_dir: Path) -> None:
    (mini_dir / "org" / "extra.ttl").write_text(
        '@prefix aims: <https://w3id.org/aimsgraph/ns#> .\n<urn:aims:person:zed> a aims:Person ; aims:id "zed" .\n'
    )
    workspace = Workspace.open(mini_dir)
    workspace.sync()
    assert (org_iri("person", "zed"), AIMS.id, Literal("zed")) in workspace.store.graph(GraphName.ORG)
    workspace.close()


BAD_INPUTS = [
    # (what, old text, new text, expected fragments of the one-line error)
    ("yaml syntax", "people:\n", "people:\n  - {id: x, name: [unclosed\n", ["org/org.yaml:", "YAML syntax error"]),
    (
        "unknown field",
        "title: Head of AI Governance}",
        "title: Head of AI Governance, shoe_size: 9}",
        ["org/org.yaml:3", "people[0].shoe_size", "unknown field"],
    ),
    (
        "unknown requirement",
        "satisfies: [5.2, A.2.2]",
        "satisfies: [5.2, A.11.1]",
        ["org/org.yaml:22", "evidence[0].satisfies", "unknown clause or control id 'A.11.1'"],
    ),
    (
        "unknown person",
        "owner: jdoe\n    roles",
        "owner: nobody\n    roles",
        ["org/org.yaml:11", "ai_systems[0].owner", "unknown person 'nobody'"],
    ),
    (
        "unknown system",
        "system: triage-assistant,",
        "system: ghost,",
        ["org/org.yaml:15", "risks[0].system", "unknown AI system 'ghost'"],
    ),
    (
        "bad date",
        "issued: 2026-01-15",
        "issued: 2026-13-45",
        ["org/org.yaml:22", "evidence[0].issued", "'2026-13-45' is not an ISO 8601 date"],
    ),
    (
        "likelihood 9",
        "likelihood: 3",
        "likelihood: 9",
        ["org/org.yaml:16", "risks[0].likelihood", "'9' is not a whole number from 1 to 5"],
    ),
    (
        "duplicate id",
        "  - {id: rkhan, name: Rafi Khan",
        "  - {id: jdoe, name: Rafi Khan",
        ["org/org.yaml:4", "people[1].id", "duplicate id 'jdoe' (first at org/org.yaml:3)"],
    ),
    (
        "unknown role",
        "{role: provider, person: jdoe}",
        "{role: overlord, person: jdoe}",
        ["org/org.yaml:12", "ai_systems[0].roles", "unknown role 'overlord'"],
    ),
    (
        "bad duration",
        "review_interval: P12M",
        "review_interval: yearly",
        ["org/org.yaml:22", "evidence[0].review_interval", "ISO 8601 duration"],
    ),
]


@pytest.mark.parametrize(("what", "old", "new", "expected"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_is_one_line_exit_2_and_store_unchanged(
    mini: Workspace, what: str, old: str, new: str, expected: list[str]
) -> None:
    before = org_snapshot(mini)
    path = mini.org_dir / "org.yaml"
    text = path.read_text()
    assert old in text, what
    path.write_text(text.replace(old, new, 1))
    mini.close()
    result = run_cli("-w", str(mini.root), "load")
    assert result.exit_code == 2, result.output
    message = result.stderr.strip()
    assert "\n" not in message and "Traceback" not in message
    for fragment in expected:
        assert fragment in message, (fragment, message)
    reopened = Workspace.open(mini.root)
    assert org_snapshot(reopened) == before
    reopened.close()


def test_missing_file_is_one_line_exit_2(mini: Workspace) -> None:
    mini.close()
    result = run_cli("-w", str(mini.root), "load", str(mini.root / "org" / "nope.yaml"))
    assert result.exit_code == 2
    assert "nope.yaml: file does not exist" in result.stderr


def test_remote_jsonld_context_is_refused(mini: Workspace) -> None:
    (mini.org_dir / "extra.jsonld").write_text('{"@context": "http://example.org/ctx.jsonld", "@id": "urn:x"}')
    mini.close()
    result = run_cli("-w", str(mini.root), "load")
    assert result.exit_code == 2
    assert "remote @context is not allowed" in result.stderr


def test_a_large_org_is_built_once_per_load_and_a_change_writes_only_itself(tmp_path: Path) -> None:
    """Issue 17 item 5: `load` built the org graph twice; one load builds it once, an in-step store not at all."""
    from aimsgraph.facts import org_graph_builds
    from benchmarks.org_facts import write_org_facts

    root = tmp_path / "large"
    assert run_cli("init", str(root)).exit_code == 0
    write_org_facts(root / "org", 2000)
    before = org_graph_builds()
    result = run_cli("-w", str(root), "load")
    assert result.exit_code == 0, result.output
    assert org_graph_builds() - before == 1
    assert run_cli("-w", str(root), "stats").exit_code == 0  # every other command syncs: org/ is in step
    assert org_graph_builds() - before == 1
    risks = root / "org" / "risks.csv"
    risks.write_text(risks.read_text(encoding="utf-8").replace("Risk 7 of", "Risk seven of", 1), encoding="utf-8")
    again = run_cli("-w", str(root), "load")
    assert "1 triples added, 1 removed" in again.stdout and org_graph_builds() - before == 2
    workspace = Workspace.open(root)
    try:
        titles = workspace.store.values("SELECT ?t WHERE { <urn:aims:risk:R-00007> rdfs:label ?t }")
        assert titles == [("Risk seven of a synthetic system",)]
        assert workspace.store.count(GraphName.ORG) == int(result.stdout.split("Loaded ")[1].split()[0])
    finally:
        workspace.close()
