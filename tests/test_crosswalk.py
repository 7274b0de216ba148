"""Crosswalks: other frameworks as SKOS data, mappings in and out (SSSOM, set-theory CSV), suggested mappings
reviewed, and coverage carried across per scope."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from aimsgraph.coverage.matrix import coverage_matrix
from aimsgraph.vocabulary.namespaces import GraphName
from aimsgraph.workspace import Workspace
from tests.conftest import run_cli, shared_data

SCF = shared_data() / "eval" / "scf"
SCF_COLUMNS = "id=scf_id,title=name,text=description"


def _import_scf(workspace: Path) -> None:
    controls = str(SCF / "scf_controls.csv")
    title = ["--title", "Secure Controls Framework"]
    options = ["--columns", SCF_COLUMNS, "--parent-prefix", "-."]
    result = run_cli("-w", str(workspace), "framework", "import", controls, "--id", "SCF", *title, *options)
    assert result.exit_code == 0, result.stderr
    result = run_cli(
        "-w", str(workspace), "crosswalk", "import", str(SCF / "scf_to_iso42001.csv"), "--framework", "SCF"
    )
    assert result.exit_code == 0, result.stderr


def _stored(workspace: Path) -> list[str]:
    """The frameworks and mappings graphs as sorted N-Quads lines (what a failed import must leave alone)."""
    opened = Workspace.open(workspace)
    try:
        return sorted(
            line
            for name in (GraphName.FRAMEWORKS, GraphName.MAPPINGS)
            for line in opened.store.dump("nt", name).decode().splitlines()
        )
    finally:
        opened.close()


@pytest.mark.shared_data
def test_scf_controls_and_mapping_import(mini_dir: Path) -> None:
    _import_scf(mini_dir)
    listed = json.loads(run_cli("-w", str(mini_dir), "framework", "list", "--format", "json").stdout)
    with (SCF / "scf_controls.csv").open(encoding="utf-8") as stream:
        ids = [row["scf_id"] for row in csv.DictReader(stream)]
    families = {i.split("-")[0] for i in ids}
    assert listed == [{"id": "SCF", "title": "Secure Controls Framework", "controls": len(ids) + len(families)}]
    exported = run_cli("-w", str(mini_dir), "crosswalk", "export", "--framework", "SCF").stdout
    rows = [line.split("\t") for line in exported.splitlines() if line and not line.startswith("#")][1:]
    assert len(rows) == 335
    # SCF's subset (the requirement is broader) is skos:broadMatch; intersect is skos:relatedMatch
    assert sum(1 for r in rows if r[1] == "skos:broadMatch") == 27
    assert sum(1 for r in rows if r[1] == "skos:relatedMatch") == 308
    # re-import replaces the framework whole: no duplicates
    _import_scf(mini_dir)
    again = json.loads(run_cli("-w", str(mini_dir), "framework", "list", "--format", "json").stdout)
    assert again == listed


@pytest.mark.shared_data
def test_sssom_export_reads_back_unchanged(mini_dir: Path, tmp_path: Path) -> None:
    from sssom.parsers import parse_sssom_table

    _import_scf(mini_dir)
    first = tmp_path / "scf.sssom.tsv"
    assert run_cli("-w", str(mini_dir), "crosswalk", "export", "--framework", "SCF", "-o", str(first)).exit_code == 0
    frame = parse_sssom_table(first).df
    assert len(frame) == 335 and set(frame["predicate_id"]) == {"skos:broadMatch", "skos:relatedMatch"}
    result = run_cli("-w", str(mini_dir), "crosswalk", "import", str(first), "--framework", "SCF")
    assert result.exit_code == 0, result.stderr
    second = tmp_path / "again.sssom.tsv"
    run_cli("-w", str(mini_dir), "crosswalk", "export", "--framework", "SCF", "-o", str(second))
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")


def small_framework(mini_dir: Path, tmp_path: Path) -> dict[str, str]:
    """Five controls mapped so that each carried status shows: returns control -> expected organisation status."""
    workspace = Workspace.open(mini_dir)
    workspace.sync()
    try:
        matrix = coverage_matrix(workspace.store)
        status = {leaf: matrix.cell(leaf).status for leaf in matrix.leaves()}
    finally:
        workspace.close()
    covered = next(r for r, s in status.items() if s == "covered")
    missing = next(r for r, s in status.items() if s == "missing")
    excluded = next(r for r, s in status.items() if s in ("excluded", "not-applicable"))
    (tmp_path / "x.csv").write_text(
        "id,title,text\nX-1,One,Text one.\nX-2,Two,Text two.\nX-3,Three,Text three.\nX-4,Four,Text four.\n"
        "X-5,Five,Text five.\n",
        encoding="utf-8",
    )
    (tmp_path / "x-map.csv").write_text(
        f"source_id,requirement,relation\nX-1,{covered},subset\nX-1,{missing},intersect\nX-2,{covered},intersect\n"
        f"X-2,{missing},superset\nX-3,{missing},equal\nX-4,{excluded},equal\n",
        encoding="utf-8",
    )
    assert run_cli("-w", str(mini_dir), "framework", "import", str(tmp_path / "x.csv"), "--id", "X").exit_code == 0
    result = run_cli("-w", str(mini_dir), "crosswalk", "import", str(tmp_path / "x-map.csv"), "--framework", "X")
    assert result.exit_code == 0, result.stderr
    return {"X-1": "covered", "X-2": "partial", "X-3": "missing", "X-4": "not-applicable", "X-5": "unmapped"}


def test_framework_coverage_follows_the_predicates(mini_dir: Path, tmp_path: Path) -> None:
    expected = small_framework(mini_dir, tmp_path)
    result = run_cli("-w", str(mini_dir), "export", "coverage", "--framework", "X", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    scopes = {r["scope"] for r in rows}
    assert scopes == {"organisation", "triage-assistant"}
    assert {r["control"]: r["status"] for r in rows if r["scope"] == "organisation"} == expected
    covered = next(r for r in rows if r["control"] == "X-1" and r["scope"] == "organisation")
    assert covered["covered_by"] and covered["evidence"]  # the evidence behind the carried status
    # findings about a mapped requirement's gap name the controls mapped to it
    validated = run_cli("-w", str(mini_dir), "validate", "--format", "json")
    assert validated.stdout.startswith("{"), validated.stderr
    report = json.loads(validated.stdout)
    missing = next(r["requirements"][0].split()[0] for r in rows if r["control"] == "X-3")
    named = [f["message"] for f in report["findings"] if f["requirement"] == missing and "mapped from" in f["message"]]
    assert named and all("X X-1, X X-2, X X-3" in message for message in named)
    # the saved query (over the coverage view and the mappings) gives the same statuses and evidence
    saved = run_cli("-w", str(mini_dir), "query", "framework-controls", "-p", "framework=X", "--format", "csv")
    assert saved.exit_code == 0, saved.stderr
    by_query = {r["control"]: r for r in csv.DictReader(saved.stdout.splitlines())}
    assert {c: r["status"] for c, r in by_query.items()} == expected
    assert set(by_query["X-1"]["evidence"].split()) == set(covered["evidence"])


def test_suggested_mappings_are_reviewed_with_provenance(mini_dir: Path, tmp_path: Path) -> None:
    small_framework(mini_dir, tmp_path)
    made = run_cli("-w", str(mini_dir), "crosswalk", "suggest", "X", "--top-k", "2", "--model", "none",
                   "--format", "json")  # fmt: skip
    assert made.exit_code == 0, made.stderr
    pending = json.loads(run_cli("-w", str(mini_dir), "crosswalk", "review", "X", "--format", "json").stdout)
    assert pending and {p["status"] for p in pending} == {"suggested"}
    with (tmp_path / "x-map.csv").open(encoding="utf-8") as stream:  # a pair already mapped is not suggested
        mapped = {(row["source_id"], row["requirement"]) for row in csv.DictReader(stream)}
    assert not mapped & {(p["control"], p["requirement"]) for p in pending}
    first, second = pending[0], pending[1]
    accepted = run_cli("-w", str(mini_dir), "crosswalk", "review", "X", "--accept", "--predicate", "skos:exactMatch",
                       "--reviewer", "jdoe", f"{first['control']}={first['requirement']}")  # fmt: skip
    assert accepted.exit_code == 0, accepted.stderr
    run_cli("-w", str(mini_dir), "crosswalk", "review", "X", "--reject", f"{second['control']}={second['requirement']}")
    left = json.loads(run_cli("-w", str(mini_dir), "crosswalk", "review", "X", "--format", "json").stdout)
    assert len(left) == len(pending) - 2
    exported = run_cli("-w", str(mini_dir), "crosswalk", "export", "--framework", "X").stdout
    assert f"X:{first['control']}\tskos:exactMatch\tISO42001:{first['requirement']}\tsemapv:MappingReview" in exported
    assert f"ISO42001:{second['requirement']}\t" not in exported.split(f"X:{second['control']}\t", 1)[-1].split("\n")[0]


def test_stateless_contract(tmp_path: Path) -> None:
    controls = tmp_path / "controls.csv"
    controls.write_text(
        "id,title,text\nQ-1,Incident response,Respond to AI system incidents and report them to the authority.\n"
        "Q-2,Awareness,Staff receive training on the AI policy and their responsibilities.\n",
        encoding="utf-8",
    )
    result = run_cli("crosswalk", "suggest", str(controls), "--top-k", "3", "--format", "json", "--model", "none")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [(r["control"], r["rank"]) for r in rows] == [(c, k) for c in ("Q-1", "Q-2") for k in (1, 2, 3)]
    assert set(rows[0]) == {"control", "requirement", "score", "rank"}
    assert any(r["requirement"] in ("7.2", "7.3") for r in rows if r["control"] == "Q-2")


BAD_INPUT = {
    "oscal-not-catalog": ("framework", "profile.json", '{"profile": {"uuid": "x"}}', "catalog"),
    "csv-without-text": ("framework", "notext.csv", "id,title\nA-1,One\n", "notext.csv:1: text"),
    "csv-without-id": ("framework", "noid.csv", "code,text\nA-1,One\n", "noid.csv:1: id"),
    "duplicate-ids": ("framework", "dup.csv", "id,text\nA-1,One\nA-2,Two\nA-1,Three\n", "dup.csv:4: id"),
    "sssom-unknown-predicate": (
        "mapping",
        "bad.sssom.tsv",
        "subject_id\tpredicate_id\tobject_id\tmapping_justification\n"
        "SCF:AAT-01\tskos:exactMatch\tISO42001:5.2\tsemapv:ManualMappingCuration\n"
        "SCF:AAT-01\towl:sameAs\tISO42001:5.1\tsemapv:ManualMappingCuration\n",
        "bad.sssom.tsv:3: predicate_id",
    ),
    "sssom-unknown-requirement": (
        "mapping",
        "req.sssom.tsv",
        "subject_id\tpredicate_id\tobject_id\tmapping_justification\n"
        "SCF:AAT-01\tskos:exactMatch\tISO42001:99.9\tsemapv:ManualMappingCuration\n",
        "req.sssom.tsv:2: object_id",
    ),
    "framework-not-imported": ("unknown", "m.csv", "source_id,requirement,relation\nZ-1,5.2,equal\n", "NOPE"),
}


@pytest.mark.shared_data
@pytest.mark.parametrize("case", sorted(BAD_INPUT))
def test_bad_input_is_one_line_and_changes_nothing(case: str, mini_dir: Path, tmp_path: Path) -> None:
    kind, name, text, expected = BAD_INPUT[case]
    _import_scf(mini_dir)
    before = _stored(mini_dir)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    if kind == "framework":
        args = ["framework", "import", str(path), "--id", "SCF"]
    else:
        args = ["crosswalk", "import", str(path), "--framework", "SCF" if kind == "mapping" else "NOPE"]
    result = run_cli("-w", str(mini_dir), *args)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("aimsgraph: error: ") and expected in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    assert _stored(mini_dir) == before


def test_oscal_catalog_import(mini_dir: Path, tmp_path: Path) -> None:
    catalog = {
        "catalog": {
            "uuid": "00000000-0000-4000-8000-000000000000",
            "metadata": {"title": "Tiny Catalog", "version": "1", "oscal-version": "1.1.2"},
            "groups": [
                {
                    "id": "gv",
                    "title": "Govern",
                    "controls": [
                        {
                            "id": "gv-1",
                            "title": "Policies",
                            "props": [{"name": "label", "value": "GV-1"}],
                            "parts": [{"id": "gv-1_smt", "name": "statement", "prose": "Keep an AI policy."}],
                            "controls": [
                                {
                                    "id": "gv-1.1",
                                    "title": "Review",
                                    "parts": [{"name": "statement", "prose": "Review it."}],
                                }
                            ],
                        }
                    ],
                }
            ],
        }
    }
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(catalog), encoding="utf-8")
    result = run_cli("-w", str(mini_dir), "framework", "import", str(path), "--id", "TINY")
    assert result.exit_code == 0, result.stderr
    listed = json.loads(run_cli("-w", str(mini_dir), "framework", "list", "--format", "json").stdout)
    assert listed == [{"id": "TINY", "title": "Tiny Catalog", "controls": 3}]
    workspace = Workspace.open(mini_dir)
    try:
        rows = workspace.store.values(
            "SELECT ?n ?def ?parent WHERE { GRAPH <urn:aims:graph:frameworks> { ?c skos:notation ?n "
            "OPTIONAL { ?c skos:definition ?def } OPTIONAL { ?c skos:broader/skos:notation ?parent } } }"
        )
    finally:
        workspace.close()
    assert sorted(rows, key=str) == sorted(
        [("gv", None, None), ("GV-1", "Keep an AI policy.", "gv"), ("gv-1.1", "Review it.", "GV-1")], key=str
    )
