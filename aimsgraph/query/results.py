"""Query outcomes rendered as SPARQL 1.1 results (JSON, XML, CSV, TSV), graphs, or rows for a table."""

from __future__ import annotations

import json
from typing import Any

from rdflib import BNode, Literal, URIRef, Variable
from rdflib.namespace import XSD, NamespaceManager
from rdflib.query import Result
from rdflib.term import Identifier

from aimsgraph.query.sparql import QueryOutcome
from aimsgraph.store.results_format import json_results_as
from aimsgraph.vocabulary.namespaces import PREFIXES

GRAPH_FORMATS = {"turtle": "turtle", "json-ld": "json-ld", "nt": "nt", "trig": "trig", "xml": "xml"}


def term_json(term: Identifier) -> dict[str, str]:
    """One RDF term in the SPARQL 1.1 results JSON shape."""
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype and term.datatype != XSD.string:
        out["datatype"] = str(term.datatype)
    return out


def results_json(outcome: QueryOutcome) -> dict[str, Any]:
    """SPARQL 1.1 Query Results JSON for a SELECT or ASK outcome."""
    if outcome.form == "ASK":
        return {"head": {}, "boolean": bool(outcome.boolean)}
    bindings = [
        {name: term_json(value) for name, value in zip(outcome.variables, row, strict=True) if value is not None}
        for row in outcome.rows
    ]
    return {"head": {"vars": outcome.variables}, "results": {"bindings": bindings}}


def results_xml(outcome: QueryOutcome) -> str:
    """SPARQL Query Results XML, through rdflib's serializer."""
    result = Result(outcome.form)
    if outcome.form == "ASK":
        result.askAnswer = bool(outcome.boolean)
    else:
        result.vars = [Variable(v) for v in outcome.variables]
        result.bindings = [
            {Variable(n): v for n, v in zip(outcome.variables, row, strict=True) if v is not None}
            for row in outcome.rows
        ]
    data = result.serialize(format="xml")
    return data.decode("utf-8") if isinstance(data, bytes) else str(data)


def results_delimited(outcome: QueryOutcome, delimiter: str = ",") -> str:
    """SPARQL 1.1 CSV (`delimiter` ",") or TSV ("\\t") results, written by Oxigraph's serialisers.

    The formats define no ASK answer: it is `true` or `false` on a line.
    """
    if outcome.form == "ASK":
        return ("true" if outcome.boolean else "false") + "\n"
    data = json.dumps(results_json(outcome), ensure_ascii=False)
    return json_results_as(data, "csv" if delimiter == "," else "tsv").decode("utf-8")


def graph_text(outcome: QueryOutcome, rdf_format: str = "turtle") -> str:
    """The graph of a CONSTRUCT or DESCRIBE outcome, serialised."""
    assert outcome.graph is not None
    for prefix, namespace in PREFIXES.items():
        outcome.graph.bind(prefix, namespace)
    return outcome.graph.serialize(format=GRAPH_FORMATS.get(rdf_format, rdf_format))


def display_rows(outcome: QueryOutcome) -> list[dict[str, str]]:
    """SELECT rows as short strings for a terminal table (IRIs as prefixed names where a prefix is known)."""
    manager = NamespaceManager(_bound_graph())

    def show(term: Identifier | None) -> str:
        if term is None:
            return ""
        if isinstance(term, URIRef):
            try:
                return manager.normalizeUri(term)
            except Exception:  # IRIs that cannot be shortened are shown whole
                return str(term)
        return str(term)

    return [{n: show(v) for n, v in zip(outcome.variables, row, strict=True)} for row in outcome.rows]


def _bound_graph() -> Any:
    from rdflib import Graph

    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def dumps_json(outcome: QueryOutcome) -> str:
    """results_json as text."""
    return json.dumps(results_json(outcome), indent=2) + "\n"
