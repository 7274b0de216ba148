"""Property-based probes (hypothesis): any org file gives a load or one InputError, never another exception; any
query the read-only guard accepts holds no update, SERVICE or outside dataset."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib.plugins.sparql.parser import parseUpdate

from aimsgraph.errors import InputError
from aimsgraph.facts import build_org_graph
from aimsgraph.query.sparql import check_read_only

QUICK = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
YAML_BITS = st.sampled_from(
    [
        "people:",
        "risks:",
        "evidence:",
        "soa:",
        "organization:",
        "\n",
        "  - ",
        "{",
        "}",
        "[",
        "]",
        ", ",
        ": ",
        "&a ",
        "*a",
        "id: x",
        "name: N",
        "file: /etc/passwd",
        "file: ../x",
        "title: '![i](http://127.0.0.1:9/x)'",
        "!!python/object ",
        "? ",
        "'",
        '"',
        "#",
        "\t",
        "\u00e9",
        "\x00",
        "likelihood: 9",
        "controls: [A.2.2]",
        "---\n",
        "...",
    ]
)
TURTLE_BITS = st.sampled_from(
    [
        "@prefix a: <urn:a#> .",
        "@base <http://127.0.0.1:9/> .",
        "<x>",
        "<urn:a>",
        "a:b",
        " ",
        "\n",
        " .",
        " ;",
        " ,",
        '"t"',
        '"""',
        "^^<urn:d>",
        "@en",
        "[",
        "]",
        "(",
        ")",
        "\\u003E",
        "<file:///etc/passwd>",
        "_:b",
        "true",
        "1.5e3",
        "{",
        "}",
        "GRAPH",
        "#",
        "\u00e9",
    ]
)
CSV_BITS = st.sampled_from(["id", "name", "title", ",", "\n", '"', "x", "", " ", "\r\n", "\u00e9", "p1", "\x00"])


def loads_or_one_line(name: str, text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        path = root / "org" / name
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            build_org_graph([path], root)
        except InputError as exc:
            assert "\n" not in str(exc).strip() or name in str(exc)


@QUICK
@given(st.lists(YAML_BITS, max_size=40).map("".join) | st.text(max_size=200))
def test_any_yaml_loads_or_is_one_line(text: str) -> None:
    loads_or_one_line("org.yaml", text)


@QUICK
@given(st.lists(CSV_BITS, max_size=40).map("".join))
def test_any_csv_loads_or_is_one_line(text: str) -> None:
    loads_or_one_line("people.csv", text)


@QUICK
@given(st.lists(TURTLE_BITS, max_size=30).map(" ".join) | st.text(max_size=200))
def test_any_turtle_loads_or_is_one_line(text: str) -> None:
    loads_or_one_line("facts.ttl", text)


SAFE = [
    "SELECT",
    "*",
    "?s",
    "?p",
    "?o",
    "WHERE",
    "{",
    "}",
    ".",
    "FILTER",
    "(",
    ")",
    "OPTIONAL",
    "UNION",
    "GRAPH",
    "<urn:aims:graph:org>",
    "LIMIT 5",
    "ASK",
    "CONSTRUCT",
    "DESCRIBE",
    "BIND",
    "AS",
    "?x",
    "1",
    "PREFIX a: <urn:a#>",
    "a:b",
    "FROM <urn:aims:graph:org>",
    "# c\n",
    "VALUES ?s { <urn:x> }",
    "MINUS",
    "NOT EXISTS",
    "ORDER BY ?s",
]
HOSTILE = [
    "SERVICE <http://127.0.0.1:9/sparql>",
    "SERVICE SILENT <http://x/>",
    "INSERT DATA",
    "DELETE WHERE",
    "LOAD <http://x/>",
    "CLEAR ALL",
    "DROP GRAPH <urn:g>",
    "FROM <http://127.0.0.1:9/g>",
    "FROM NAMED <file:///etc/passwd>",
    "service <ftp://x/>",
    "COPY DEFAULT TO <urn:g>",
    "WITH <urn:g>",
]
HOSTILE_WORDS = ("service", "insert", "delete", "load", "clear", "drop", "http:", "file:", "ftp:", "copy", "with <")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(SAFE + HOSTILE), min_size=1, max_size=20).map(" ".join))
def test_an_accepted_query_has_no_update_service_or_outside_dataset(text: str) -> None:
    try:
        check_read_only(text)
    except InputError:
        return
    assert not any(word in text.lower() for word in HOSTILE_WORDS), text
    with pytest.raises(Exception):  # noqa: B017 - rdflib says "not an update" in several ways
        parseUpdate(text)


@settings(max_examples=50, deadline=None)
@given(st.sampled_from(SAFE), st.sampled_from(HOSTILE), st.integers(0, 3))
def test_a_valid_query_with_service_or_a_remote_from_is_refused(_: str, hostile: str, where: int) -> None:
    queries = [
        f"SELECT * WHERE {{ {hostile} {{ ?s ?p ?o }} }}",
        f"SELECT * {hostile} WHERE {{ ?s ?p ?o }}",
        f"ASK {{ OPTIONAL {{ {hostile} {{ ?s ?p ?o }} }} }}",
        f"{hostile} {{ <urn:a> <urn:b> <urn:c> }}",
    ]
    with pytest.raises(InputError):
        check_read_only(queries[where])


BASES = [
    "file:///",
    "http://127.0.0.1:9/a/",
    "FILE:///etc/",
    "ftp://h/",
    "urn:aims:",
    "https://w3id.org/x/",
    "sub/",
    "../",
]
RELATIVE = ["x", "etc/passwd", "../y", "//127.0.0.1:9/z", "urn:aims:graph:org", "?q", "#f", "p:passwd", "p:", ":x"]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["BASE", "PREFIX p:", "PREFIX :"]), st.sampled_from(BASES)), max_size=4),
    st.sampled_from(RELATIVE),
    st.booleans(),
)
def test_an_accepted_from_names_no_outside_graph_after_base_and_prefixes(
    prologue: list[tuple[str, str]], target: str, named: bool
) -> None:
    """BASE and PREFIX cannot turn a relative or prefixed FROM into a file: or http: graph the guard lets through."""
    from rdflib.plugins.sparql import prepareQuery

    iri = target if target[:2] in ("p:", ":x") else f"<{target}>"
    text = " ".join(f"{word} <{value}>" for word, value in prologue)
    text += f" SELECT * FROM {'NAMED ' if named else ''}{iri} WHERE {{ ?s ?p ?o }}"
    try:
        check_read_only(text)
    except InputError:
        return
    try:
        algebra = prepareQuery(text).algebra
    except Exception:  # an undeclared prefix: no store runs it either
        return
    # rdflib's own resolution of the dataset (an independent reading of BASE and prefixes) names nothing outside
    for clause in algebra.datasetClause:
        resolved = str(clause["default"] if "default" in clause else clause["named"])
        assert not resolved.lower().startswith(("file:", "http:", "https:", "ftp:")), (text, resolved)
