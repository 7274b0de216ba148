"""The shape cases of tests/shape_cases/manifest.yaml, run through both engines.

For every case: the findings of the rule under test are exactly the hand-written ones, the set-at-a-time
evaluator's whole finding list equals pyshacl's (the reference), and its SHACL report equals the one pyshacl
writes. Every rule of shapes/*.ttl must have a conforming and a violating case, so a new shape without cases fails
here. Last, the engines must agree on a synthetic organisation too."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pyshacl
import pytest
import yaml
from conftest import ROOT
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from report_check import assert_same_report

from aimsgraph.rules.findings import rule_shapes
from aimsgraph.rules.shacl_report import report_graph
from aimsgraph.rules.validation import ParsedOnce, data_graph, facts_graph, file_facts, our_shapes, validate_store
from aimsgraph.store import Store
from aimsgraph.vocabulary.catalog import catalog_graph
from aimsgraph.vocabulary.namespaces import AIMS, ISO, GraphName
from aimsgraph.vocabulary.resources import shape_files

CASES_DIR = Path(__file__).resolve().parent / "shape_cases"
REQUIREMENT_TYPES = (AIMS.Clause, AIMS.ControlObjective, AIMS.Control)
Expected = tuple[str, str, str | None, str | None]  # rule, focus id, requirement, system


@dataclass(frozen=True)
class Case:
    """One manifest entry: data files and their graphs, as-of date, extra catalog requirements, files on disk."""

    name: str
    rule: str
    data: tuple[tuple[GraphName, str], ...]  # (named graph, Turtle file)
    as_of: date
    catalog: tuple[str, ...]
    files: tuple[tuple[str, str], ...]
    expect: frozenset[Expected]
    xfail: str | None


def _data(item: str | dict[str, str]) -> tuple[GraphName, str]:
    """A data entry: `file.ttl` goes into the org graph, `{reviews: file.ttl}` into the named one."""
    if isinstance(item, dict):
        ((graph, name),) = item.items()
        return GraphName(graph), name
    return GraphName.ORG, item


def _case(entry: dict[str, Any]) -> Case:
    data = entry["data"] if isinstance(entry["data"], list) else [entry["data"]]
    return Case(
        name=str(entry["case"]),
        rule=str(entry["rule"]),
        data=tuple(_data(item) for item in data),
        as_of=entry["as_of"] if isinstance(entry["as_of"], date) else date.fromisoformat(str(entry["as_of"])),
        catalog=tuple(str(i) for i in entry.get("catalog") or []),
        files=tuple((entry.get("files") or {}).items()),
        expect=frozenset(tuple(e) for e in entry.get("expect") or []),
        xfail=str(entry["xfail"]) if entry.get("xfail") else None,
    )


def load_cases() -> list[Case]:
    """Every case of the manifest."""
    with (CASES_DIR / "manifest.yaml").open(encoding="utf-8") as stream:
        return [_case(entry) for entry in yaml.safe_load(stream)["cases"]]


CASES = load_cases()
# A known disagreement stays in the suite as a strict xfail: once fixed, the case passes and the marker must go.
PARAMS = [
    pytest.param(c, id=c.name, marks=[pytest.mark.xfail(strict=True, reason=c.xfail)] if c.xfail else []) for c in CASES
]


@cache
def _catalog_parts() -> tuple[Graph, dict[URIRef, Graph], dict[URIRef, set[URIRef]]]:
    """The catalog split once: vocabulary and roles, each requirement's own triples, each requirement's parents."""
    catalog = catalog_graph()
    nodes = {s for t in REQUIREMENT_TYPES for s in catalog.subjects(RDF.type, t) if isinstance(s, URIRef)}
    vocabulary, own = Graph(), {node: Graph() for node in nodes}
    for s, p, o in catalog:
        if s in own:
            own[s].add((s, p, o))  # type: ignore[index]
        elif o not in nodes:
            vocabulary.add((s, p, o))
    parents = {node: {p for p in catalog.objects(node, SKOS.broader) if isinstance(p, URIRef)} for node in nodes}
    return vocabulary, own, parents


def catalog_slice(named: set[URIRef]) -> Graph:
    """The vocabulary plus the named requirements, their ancestors and descendants (pyshacl's cost grows with every
    requirement it targets, so each case carries only what it needs)."""
    vocabulary, own, parents = _catalog_parts()
    keep, todo = set(), [n for n in named if n in own]
    while todo:  # ancestors
        node = todo.pop()
        if node not in keep:
            keep.add(node)
            todo.extend(parents[node])
    keep |= {n for n in own if _descends(n, named, parents)}
    graph = Graph()
    graph += vocabulary
    for node in keep:
        graph += own[node]
    return graph


def _descends(node: URIRef, ancestors: set[URIRef], parents: dict[URIRef, set[URIRef]]) -> bool:
    todo = list(parents[node])
    while todo:
        parent = todo.pop()
        if parent in ancestors:
            return True
        todo.extend(parents.get(parent, ()))
    return False


def case_store(case: Case, root: Path) -> Store:
    """An in-memory store: the case's catalog slice and its data in their graphs; its files written under root."""
    store = Store.in_memory()
    named = {ISO[ident] for ident in case.catalog}
    for graph, name in case.data:
        data = Graph().parse(CASES_DIR / name, format="turtle")
        named |= {t for triple in data for t in triple if isinstance(t, URIRef) and t.startswith(str(ISO))}
        store.add(graph, data)
    store.replace_graph(GraphName.CATALOG, catalog_slice(named))
    for relative, text in case.files:
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    return store


@pytest.mark.parametrize("case", PARAMS)
def test_case_gives_the_expected_findings_in_both_engines(case: Case, tmp_path: Path) -> None:
    store = case_store(case, tmp_path)
    fast = validate_store(store, case.as_of, tmp_path, engine="fast")
    reference = validate_store(store, case.as_of, tmp_path, engine="pyshacl")
    found = {(f.rule, f.focus, f.requirement, f.system) for f in fast.findings if f.rule == case.rule}
    assert found == case.expect
    assert fast.findings == reference.findings
    data = data_graph(store, facts_graph(case.as_of, *file_facts(store, tmp_path)))
    options = {"inference": "none", "allow_warnings": True, "advanced": True, "inplace": True}
    _, theirs, _ = pyshacl.validate(ParsedOnce(data), shacl_graph=our_shapes(), **options)
    assert_same_report(report_graph(fast), theirs)  # --format ttl is the report pyshacl writes


def test_every_rule_has_a_conforming_and_a_violating_case() -> None:
    rules = set(rule_shapes(our_shapes()))
    conforming = {c.rule for c in CASES if not c.expect}
    violating = {c.rule for c in CASES if c.expect}
    assert rules - conforming == set() and rules - violating == set()
    assert {c.rule for c in CASES} <= rules
    assert all(all(e[0] == c.rule for e in c.expect) for c in CASES)


def test_every_case_file_is_in_the_manifest() -> None:
    used = {name for c in CASES for _, name in c.data}
    on_disk = {str(p.relative_to(CASES_DIR)) for p in CASES_DIR.rglob("*.ttl")}
    assert used == on_disk
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.slow
def test_engines_agree_on_a_synthetic_organisation() -> None:
    """The smallest synthetic organisation (one AI system, ~8,700 triples with the whole catalog): pyshacl needs
    about 3 s for it on this machine (45-80 s when it re-parsed the same SPARQL text for every focus node)."""
    sys.path.insert(0, str(ROOT))  # benchmarks/ sits beside the package, not inside it
    from benchmarks.synthetic import synthetic_store

    store = synthetic_store(0)
    fast = validate_store(store, date(2026, 11, 23), engine="fast")
    reference = validate_store(store, date(2026, 11, 23), engine="pyshacl")
    assert len(fast.findings) > 20 and len({f.rule for f in fast.findings}) > 5
    assert fast.findings == reference.findings


def test_catalog_slice_keeps_ancestors_and_children_of_what_a_case_names() -> None:
    graph = catalog_slice({ISO["9.2"], ISO["A.10.3"]})
    kept = {str(graph.value(s, AIMS.id)) for t in REQUIREMENT_TYPES for s in graph.subjects(RDF.type, t)}
    assert kept == {"9", "9.2", "9.2.1", "9.2.2", "A.10", "A.10.3"}
    empty = catalog_slice(set())
    assert not any(empty.subjects(RDF.type, AIMS.Control))
    assert (AIMS.ImpactAssessment, RDFS.subClassOf, AIMS.OperatingEvidence) in empty  # the vocabulary stays


def test_current_evidence_is_written_once_in_the_shapes() -> None:
    """Every shape that asks for current evidence calls shp:currentEvidence; only functions.ttl spells it out."""
    texts = {item.name: item.read_text(encoding="utf-8") for item in shape_files()}
    assert [name for name, text in texts.items() if "aims:Accepted" in text] == ["functions.ttl"]
    calls = {name: text.count("FILTER (shp:currentEvidence(") for name, text in texts.items()}
    assert calls == {"coverage.ttl": 4, "evidence.ttl": 0, "functions.ttl": 0, "prefixes.ttl": 0, "risks.ttl": 0,
                     "roles.ttl": 3, "soa.ttl": 2, "systems.ttl": 1}  # fmt: skip
