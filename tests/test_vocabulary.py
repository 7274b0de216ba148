"""The vocabulary: closed namespace in sync, every term labelled and explained (checked by a SHACL shape)."""

from __future__ import annotations

from pathlib import Path

from pyshacl import validate
from rdflib import Graph

from aimsgraph.vocabulary.generate import render_namespace_module
from aimsgraph.vocabulary.resources import ontology_file

ROOT = Path(__file__).resolve().parents[1]


def test_generated_namespace_module_is_in_sync() -> None:
    committed = (ROOT / "aimsgraph" / "vocabulary" / "_aims.py").read_text(encoding="utf-8")
    assert committed == render_namespace_module(), "run: python -m aimsgraph.vocabulary > aimsgraph/vocabulary/_aims.py"


def test_closed_namespace_rejects_typos() -> None:
    import pytest

    from aimsgraph.vocabulary.namespaces import AIMS

    assert str(AIMS.EvidenceLink).endswith("#EvidenceLink")
    with pytest.raises(AttributeError):
        _ = AIMS.EvidenceLinx


def test_every_term_has_label_and_comment() -> None:
    data = Graph()
    for name in ("aims.ttl", "roles.ttl"):
        data.parse(data=ontology_file(name).read_text(encoding="utf-8"), format="turtle")
    shapes = Graph().parse(ROOT / "tests" / "fixtures" / "ontology-terms.shapes.ttl")
    conforms, _, text = validate(data, shacl_graph=shapes)
    assert conforms, text


def test_term_shape_catches_an_unlabelled_term() -> None:
    data = Graph().parse(
        data="""
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        <https://w3id.org/aimsgraph/ns#Bare> a owl:Class .""",
        format="turtle",
    )
    shapes = Graph().parse(ROOT / "tests" / "fixtures" / "ontology-terms.shapes.ttl")
    conforms, _, _ = validate(data, shacl_graph=shapes)
    assert not conforms


def test_ontology_has_version_iri() -> None:
    graph = Graph().parse(data=ontology_file("aims.ttl").read_text(encoding="utf-8"), format="turtle")
    assert "owl#versionIRI" in graph.serialize(format="nt")
