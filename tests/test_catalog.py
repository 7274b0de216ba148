"""The shipped catalog equals the standard's structure and carries the text suggestions match against."""

from __future__ import annotations

import csv
import json

import pytest

from aimsgraph.vocabulary.catalog import leaf_clause_ids, load_requirements, resolve_role
from aimsgraph.vocabulary.namespaces import ROLE
from tests.conftest import run_cli, shared_data


def structure() -> list[dict[str, str]]:
    with (shared_data() / "iso42001-structure.csv").open(encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


@pytest.mark.shared_data
def test_catalog_json_equals_the_structure_file() -> None:
    result = run_cli("catalog", "--format", "json")
    assert result.exit_code == 0
    listed = json.loads(result.stdout)
    expected = structure()
    assert [(r["id"], r["kind"], r["title"], r["parent"] or None) for r in listed] == [
        (r["id"], r["kind"], r["title"], r["parent"] or None) for r in expected
    ]
    kinds = [r["kind"] for r in listed]
    assert (kinds.count("clause"), kinds.count("objective"), kinds.count("control")) == (43, 11, 38)


def test_every_clause_and_control_has_text_to_match() -> None:
    for req in load_requirements():
        assert len(req.description.split(".")) >= 2, req.id
        if req.kind == "objective":
            continue
        assert len(req.design_evidence) >= 2, req.id
        assert len(req.operating_evidence) >= 2, req.id
        assert len(req.keywords) >= 8, req.id
        assert req.roles, req.id


def test_descriptions_are_distinct() -> None:
    descriptions = [r.description for r in load_requirements()]
    assert len(set(descriptions)) == len(descriptions)


def test_leaf_clauses() -> None:
    leaves = leaf_clause_ids()
    assert "6.1.2" in leaves and "6.1" not in leaves and "4" not in leaves
    assert len(leaves) == 32


def test_roles_resolve_by_any_common_name() -> None:
    assert resolve_role("AI Developer or Producer") == ROLE.producer
    assert resolve_role("ai user") == ROLE.customer
    assert resolve_role("AI  User") == ROLE.customer
    assert resolve_role("provider") == ROLE.provider
    assert resolve_role("developer") == ROLE.developer
    assert resolve_role("wizard") is None


def test_catalog_table_and_csv_formats() -> None:
    table = run_cli("catalog", "--kind", "control")
    assert table.exit_code == 0 and "A.6.2.8" in table.stdout and "4.1" not in table.stdout.split()
    rows = list(csv.DictReader(run_cli("catalog", "--format", "csv").stdout.splitlines()))
    assert len(rows) == 92 and rows[0]["description"]
