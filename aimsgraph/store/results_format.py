"""SPARQL 1.1 CSV and TSV results written by Oxigraph's own serialisers (the W3C format, not a hand-made one).

pyoxigraph cannot build solutions from rows, but it reads SPARQL results JSON: answers arrive here as that JSON
(already cut to the row limit, from any store) and leave as CSV or TSV.
"""

from __future__ import annotations

import pyoxigraph as ox

FORMATS = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}


def json_results_as(results_json: str, fmt: str) -> bytes:
    """SPARQL 1.1 Query Results JSON (a SELECT answer) as SPARQL 1.1 CSV (`fmt` "csv") or TSV ("tsv")."""
    solutions = ox.parse_query_results(results_json, ox.QueryResultsFormat.JSON)
    if not isinstance(solutions, ox.QuerySolutions):
        raise ValueError("CSV and TSV results are defined for SELECT answers only")
    data = solutions.serialize(format=FORMATS[fmt])
    assert data is not None  # with no output given, serialize returns the bytes
    return data
