"""The vocabulary: closed namespace in sync, every term labelled and explained (checked by a SHACL shape)."""

from __future__ import annotations

from pathlib import Path

from pyshacl import validate
from rdflib import Graph

from aimsgraph.vocabulary.generate import VOCABULARIES, render_namespace_module
from aimsgraph.vocabulary.resources import ontology_file

ROOT = Path(__file__).resolve().parents[1]


def test_generated_namespace_modules_are_in_sync() -> None:
    for key, vocabulary in VOCABULARIES.items():
        module = f"aimsgraph/vocabulary/{vocabulary.module}.py"
        committed = (ROOT / module).read_text(encoding="utf-8")
        assert committed == render_namespace_module(vocabulary=vocabulary), (
            f"run: python -m aimsgraph.vocabulary {key} > {module}"
        )


def test_closed_namespace_rejects_typos() -> None:
    import pytest

    from aimsgraph.vocabulary.namespaces import AIMS

    assert str(AIMS.EvidenceLink).endswith("#EvidenceLink")
    with pytest.raises(AttributeError):
        _ = AIMS.EvidenceLinx


def test_every_term_has_label_and_comment() -> None:
    data = Graph()
    for name in ("aims.ttl", "roles.ttl", "view.ttl"):
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
