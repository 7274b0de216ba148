"""The evaluation's tuning/test split: fixed, by group, about half and half, as docs/suggestions.md states."""

from __future__ import annotations

import random
from collections import defaultdict

import pytest

from benchmarks.eval_retrieval import finos_documents, finos_passages, parts_of, scf_controls
from benchmarks.eval_split import TEST, TUNE, split_groups
from tests.conftest import shared_data

pytestmark = pytest.mark.shared_data


def test_split_depends_only_on_group_names_and_sizes() -> None:
    items = [f"G{n}" for n in range(12) for _ in range(n % 4 + 1)]
    shuffled = random.Random(7).sample(items, len(items))
    assert split_groups(items) == split_groups(shuffled)
    held = {TEST: 0, TUNE: 0}
    for group, part in split_groups(items).items():
        held[part] += items.count(group)
    assert abs(held[TEST] - held[TUNE]) <= 4  # never more apart than the largest group


def test_scf_split_keeps_each_family_on_one_side() -> None:
    queries = scf_controls(shared_data())
    parts = parts_of("SCF controls", queries, {})
    assert parts is not None
    sides: dict[str, set[str]] = defaultdict(set)
    for query, part in zip(queries, parts, strict=True):
        sides[query.name.split("-")[0]].add(part)
    assert all(len(side) == 1 for side in sides.values())
    assert (parts.count(TEST), parts.count(TUNE)) == (68, 80)  # the sizes docs/suggestions.md quotes
    assert {family for family, side in sides.items() if side == {TEST}} == {
        "AAT",
        "AST",
        "CHG",
        "CPL",
        "IRO",
        "PRM",
        "VPM",
    }


def test_finos_passages_go_with_their_document() -> None:
    documents = finos_documents(shared_data())
    finos = split_groups(query.name for query in documents)
    passages = finos_passages(shared_data())
    document_parts = parts_of("FINOS documents", documents, finos)
    passage_parts = parts_of("FINOS passages", passages, finos)
    assert document_parts is not None and passage_parts is not None
    assert (document_parts.count(TEST), document_parts.count(TUNE)) == (9, 9)
    assert (passage_parts.count(TEST), passage_parts.count(TUNE)) == (15, 17)
    for passage, part in zip(passages, passage_parts, strict=True):
        assert finos[passage.name.split(":")[0]] == part
    assert parts_of("demo documents (ours)", documents, finos) is None
