"""History as of any date: dated change sets on every load, validate/export/coverage view --as-of with the org facts
of that day, the trend of runs (back-dated runs left out), a diff of two runs, and bad days or run ids."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest
from aimsgraph.app import facts as app_facts
from rdflib.compare import to_isomorphic

from aimsgraph.facts import build_org_graph, org_files
from aimsgraph.facts.history import change_sets, org_as_of
from aimsgraph.rules.validation import validate_workspace
from aimsgraph.workspace import Workspace
from tests.conftest import opened, run_cli

EXCLUDED = "  - {control: A.5.5, applicable: false, owner: pnair, reviewed: 2026-09-17}\n"
APPLICABLE = "  - {control: A.5.5, applicable: true, owner: pnair, reviewed: 2026-09-17}\n"


def cli(folder: Path, *args: str, code: int = 0) -> str:
    result = run_cli("-w", str(folder), *args)
    assert result.exit_code == code, result.stderr
    return result.stdout


def two_loads(folder: Path) -> None:
    """The demo loaded as of 2026-03-01, then A.5.5 made applicable as of 2026-06-01."""
    cli(folder, "load", "--effective", "2026-03-01")
    soa = folder / "org" / "soa.yaml"
    assert EXCLUDED in soa.read_text(encoding="utf-8")
    soa.write_text(soa.read_text(encoding="utf-8").replace(EXCLUDED, APPLICABLE), encoding="utf-8")
    assert "1 triples added, 1 removed, effective 2026-06-01" in cli(folder, "load", "--effective", "2026-06-01")


def a55_findings(folder: Path, day: str) -> set[str]:
    findings = json.loads(cli(folder, "validate", "--format", "json", "--as-of", day, code=1))["findings"]
    return {f["rule"] for f in findings if f["focus"] == "A.5.5"}


def test_validate_as_of_a_day_before_an_soa_change_gives_the_soa_of_that_day(demo_dir: Path) -> None:
    original = build_org_graph(org_files([demo_dir / "org"]), demo_dir)
    two_loads(demo_dir)
    assert a55_findings(demo_dir, "2026-04-01") == {"soa-exclusion-justified"}  # excluded then, without a reason
    assert a55_findings(demo_dir, "2026-07-01") == {"control-evidence"}  # applicable since, and not evidenced
    with opened(demo_dir) as workspace:
        assert to_isomorphic(org_as_of(workspace.store, date(2026, 4, 1))) == to_isomorphic(original)
        assert to_isomorphic(org_as_of(workspace.store, date(2026, 6, 1))) != to_isomorphic(original)
    soa = {day: json.loads(cli(demo_dir, "export", "soa", "--format", "json", "--as-of", day)) for day in
           ("2026-04-01", "2026-07-01")}  # fmt: skip
    assert [r["applicable"] for r in soa["2026-04-01"] if r["control"] == "A.5.5"] == ["no"]
    assert [r["applicable"] for r in soa["2026-07-01"] if r["control"] == "A.5.5"] == ["yes"]
    view = {
        day: json.loads(cli(demo_dir, "query", "coverage-by-requirement", "-p", f"as_of={day}", "--format", "json"))
        for day in ("2026-04-01", "2026-07-01")
    }
    status = {day: [r["status"]["value"] for r in rows["results"]["bindings"] if r["requirement"]["value"] == "A.5.5"]
              for day, rows in view.items()}  # fmt: skip
    assert status == {"2026-04-01": ["excluded"], "2026-07-01": ["missing"]}


def test_before_the_first_change_set_the_earliest_facts_apply_with_a_notice(demo_dir: Path) -> None:
    two_loads(demo_dir)
    result = run_cli("-w", str(demo_dir), "validate", "--format", "json", "--as-of", "2026-02-01")
    assert result.exit_code == 1
    notes = result.stderr.strip().splitlines()
    assert len(notes) == 1 and notes[0].startswith("aimsgraph: note:") and "2026-03-01" in notes[0]
    assert a55_findings(demo_dir, "2026-02-01") == {"soa-exclusion-justified"}
    assert "note:" not in run_cli("-w", str(demo_dir), "validate", "--as-of", "2026-04-01").stderr


def test_a_change_set_records_who_when_which_files_and_hashes(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIMSGRAPH_PERSON", "pnair")
    cli(demo_dir, "load")
    assert "Nothing changed; no change set recorded." in cli(demo_dir, "load")
    (change,) = json.loads(cli(demo_dir, "history", "--changes", "--format", "json"))
    files = sorted((demo_dir / "org").glob("*.yaml"))
    expected = [f"org/{f.name} {hashlib.sha256(f.read_bytes()).hexdigest()[:12]}" for f in files]
    assert change["by"] == "pnair" and change["effective"] == date.today().isoformat()
    assert change["files"] == expected and change["removed"] == 0
    with opened(demo_dir) as workspace:
        (recorded,) = change_sets(workspace.store)
        assert recorded.added == len(build_org_graph(files, demo_dir))
        assert [sha for _, sha in recorded.files] == [hashlib.sha256(f.read_bytes()).hexdigest() for f in files]


def test_blank_nodes_in_turtle_facts_do_not_make_spurious_changes(mini_dir: Path) -> None:
    extra = mini_dir / "org" / "extra.ttl"
    extra.write_text(
        '@prefix ex: <urn:example:> .\n<urn:aims:org:x> ex:address [ ex:city "Oslo" ; ex:zip [ ex:code 1 ] ] .\n',
        encoding="utf-8",
    )
    cli(mini_dir, "load", "--effective", "2026-01-10")
    first = build_org_graph(org_files([mini_dir / "org"]), mini_dir)
    assert "Nothing changed" in cli(mini_dir, "load", "--effective", "2026-01-11")  # same facts, new blank node ids
    extra.write_text(extra.read_text(encoding="utf-8").replace("Oslo", "Bergen"), encoding="utf-8")
    assert "1 triples added, 1 removed" in cli(mini_dir, "load", "--effective", "2026-02-01")
    with opened(mini_dir) as workspace:
        assert to_isomorphic(org_as_of(workspace.store, date(2026, 1, 20))) == to_isomorphic(first)


def test_history_prints_the_trend_without_back_dated_runs_and_diffs_two_runs(demo_dir: Path) -> None:
    cli(demo_dir, "validate", code=1)
    soa = demo_dir / "org" / "soa.yaml"
    soa.write_text(soa.read_text(encoding="utf-8").replace(EXCLUDED, APPLICABLE), encoding="utf-8")
    cli(demo_dir, "validate", code=1)
    cli(demo_dir, "validate", "--as-of", "2026-11-23", code=1)  # back-dated: not a point of the trend
    trend = json.loads(cli(demo_dir, "history", "--format", "json"))
    assert len(trend) == 2 and all(r["as of"] == date.today().isoformat() for r in trend)
    assert {"organisation %", "claimsight %", "violations", "warnings", "infos"} <= set(trend[0])
    changes = json.loads(cli(demo_dir, "history", "--diff", trend[0]["run"], trend[1]["run"], "--format", "json"))
    assert [(c["requirement"], c["before"], c["after"], c["change"]) for c in changes] == [
        ("A.5.5", "excluded", "missing", "became missing")
    ]
    table = cli(demo_dir, "history", "--diff", trend[0]["run"][:17], trend[1]["run"])
    assert "A.5.5" in table and "became missing" in table
    with opened(demo_dir) as workspace:
        assert len(app_facts.history(workspace.store)) == 2  # the explorer's trend skips the back-dated run too


def test_a_back_dated_library_run_is_marked(demo: Workspace) -> None:
    validate_workspace(demo, date(2026, 11, 23))
    validate_workspace(demo)
    rows = demo.store.values("SELECT ?as_of ?back WHERE { ?run aims:asOf ?as_of OPTIONAL { ?run aims:backDated ?b } "
                             "BIND(BOUND(?b) AS ?back) }")  # fmt: skip
    assert sorted(rows) == [("2026-11-23", "true"), (date.today().isoformat(), "false")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("load", "--effective", "2999-01-01"), "--effective: 2999-01-01 is in the future"),
        (("load", "--effective", "2026-02-01"), "before the latest recorded change (2026-03-01)"),
        (("load", "--effective", "March"), "'March' is not a date"),
        (("validate", "--as-of", "2999-01-01"), "--as-of: 2999-01-01 is in the future"),
        (("export", "coverage", "--format", "json", "--as-of", "2999-01-01"), "2999-01-01 is in the future"),
        (("history", "--diff", "20990101T000000000000Z", "nope"), "no recorded run '20990101T000000000000Z'"),
    ],
)
def test_bad_days_and_run_ids_exit_2_with_one_line_and_change_nothing(
    demo_dir: Path, args: tuple[str, ...], message: str
) -> None:
    cli(demo_dir, "load", "--effective", "2026-03-01")
    soa = demo_dir / "org" / "soa.yaml"
    soa.write_text(soa.read_text(encoding="utf-8").replace(EXCLUDED, APPLICABLE), encoding="utf-8")
    with opened(demo_dir) as workspace:
        before = workspace.store.dump("nq")
    result = run_cli("-w", str(demo_dir), *args)
    assert result.exit_code == 2 and message in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    if args[0] == "load":
        with opened(demo_dir) as workspace:
            assert workspace.store.dump("nq") == before
