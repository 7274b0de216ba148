"""The SPARQL 1.1 Protocol endpoint, driven over HTTP by a real client (SPARQLWrapper)."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from rdflib import Graph
from SPARQLWrapper import CSV, JSON, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import EndPointInternalError, QueryBadFormed, SPARQLWrapperException

from aimsgraph.query.endpoint import RESULT_TYPES, EndpointSettings, SparqlServer, make_server
from aimsgraph.query.negotiation import choose_media_type
from aimsgraph.workspace import Workspace
from tests.conftest import running_queries
from tests.test_sparql import AWKWARD, check_awkward_csv, check_awkward_tsv

SYSTEMS = (
    "PREFIX aims: <https://w3id.org/aimsgraph/ns#> SELECT ?id WHERE { ?s a aims:AISystem ; aims:id ?id } ORDER BY ?id"
)
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def endpoint(demo: Workspace) -> Iterator[str]:
    server: SparqlServer = make_server(EndpointSettings(demo.store), "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    server.shutdown()
    server.server_close()


def _client(url: str, query: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    client = SPARQLWrapper(url)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client


def test_select_in_every_results_format(endpoint: str) -> None:
    for method in ("GET", "POST"):
        data = _client(endpoint, SYSTEMS, JSON, method).queryAndConvert()
        assert [b["id"]["value"] for b in data["results"]["bindings"]] == [
            "claimsight",
            "halden-assist",
            "scrivo-intake",
        ]
    xml = _client(endpoint, SYSTEMS, XML).query()
    assert "sparql-results+xml" in xml.info()["content-type"]
    assert "claimsight" in xml.convert().toxml()
    csv_text = _client(endpoint, SYSTEMS, CSV).queryAndConvert().decode()
    assert csv_text.splitlines()[0] == "id" and "claimsight" in csv_text
    tsv_text = _client(endpoint, SYSTEMS, TSV).queryAndConvert().decode()
    assert tsv_text.splitlines()[0] == "?id" and '"claimsight"' in tsv_text


def test_ask_construct_and_jsonld(endpoint: str) -> None:
    assert _client(endpoint, "ASK { ?s a <https://w3id.org/aimsgraph/ns#Risk> }", JSON).queryAndConvert()["boolean"]
    construct = 'CONSTRUCT { ?s a ?c } WHERE { ?s a ?c ; <https://w3id.org/aimsgraph/ns#id> "claimsight" }'
    turtle = _client(endpoint, construct, TURTLE).queryAndConvert()
    assert len(Graph().parse(data=turtle, format="turtle")) == 1
    request = urllib.request.Request(
        endpoint,
        data=construct.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "application/ld+json"},
    )
    with urllib.request.urlopen(request) as response:
        assert response.headers["Content-Type"].startswith("application/ld+json")
        assert len(Graph().parse(data=response.read(), format="json-ld")) == 1


@pytest.mark.parametrize(
    "query",
    [
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    ],
)
def test_updates_and_service_are_refused(endpoint: str, query: str) -> None:
    client = _client(endpoint, query, JSON, "POST")
    with pytest.raises((SPARQLWrapperException, urllib.error.HTTPError)) as info:
        client.queryAndConvert()
    assert not isinstance(info.value, EndPointInternalError)
    request = urllib.request.Request(
        endpoint, data=query.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    with pytest.raises(urllib.error.HTTPError) as http:
        urllib.request.urlopen(request)
    assert http.value.code == 403 and b"not allowed" in http.value.read()


def test_update_operation_and_syntax_error(endpoint: str, demo: Workspace) -> None:
    request = urllib.request.Request(
        endpoint, data=b"update=DROP+ALL", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    with pytest.raises(urllib.error.HTTPError) as http:
        urllib.request.urlopen(request)
    assert http.value.code == 403
    assert demo.store.count() > 0
    with pytest.raises(QueryBadFormed):
        _client(endpoint, "SELECT * WHERE { ?s ?p", JSON).queryAndConvert()


def test_runaway_query_is_stopped_and_its_process_gone(demo: Workspace) -> None:
    server: SparqlServer = make_server(EndpointSettings(demo.store, timeout=0.5), "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    try:
        with pytest.raises(urllib.error.HTTPError) as http:  # 503: the server's limit, not the query's fault
            _client(f"http://127.0.0.1:{server.server_address[1]}/sparql", slow, JSON).query()
        assert http.value.code == 503 and b"time limit" in http.value.read()
        assert not running_queries()  # the query's child process was killed, not left running
        assert not list(Path(demo.store.location).parent.glob(".query-*"))  # its store snapshot is removed
    finally:
        server.shutdown()
        server.server_close()


def test_serve_command_answers_over_http(demo_dir: Path) -> None:
    """`aimsgraph serve` as installed: the console script, each query in a child of its fork server."""
    command = [str(Path(sys.executable).with_name("aimsgraph")), "-w", str(demo_dir), "serve", "--port", "0"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        banner = server.stdout.readline()  # printed once the workspace is open and the port bound
        url = re.search(r"http://\S+/sparql", banner)
        assert url, f"no endpoint address in {banner!r}"
        for _ in range(3):  # the first query starts the fork server, the others reuse it
            data = _client(url.group(0), SYSTEMS, JSON).queryAndConvert()
            assert [b["id"]["value"] for b in data["results"]["bindings"]] == [
                "claimsight",
                "halden-assist",
                "scrivo-intake",
            ]
    finally:
        server.terminate()
        server.communicate(timeout=60)


def test_csv_and_tsv_answers_follow_the_w3c_formats(endpoint: str) -> None:
    check_awkward_csv(_client(endpoint, AWKWARD, CSV).queryAndConvert().decode("utf-8"))
    check_awkward_tsv(_client(endpoint, AWKWARD, TSV).queryAndConvert().decode("utf-8"))


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        ("", "application/sparql-results+json"),  # no preference: ours
        ("*/*", "application/sparql-results+json"),
        ("text/csv;q=0.5, application/sparql-results+json;q=0.9", "application/sparql-results+json"),
        ("application/sparql-results+json;q=0, text/csv;q=0.1", "text/csv"),
        ("text/*;q=0.3, text/csv;q=0, application/sparql-results+xml;q=0.2", "text/tab-separated-values"),
        ("text/tab-separated-values, text/csv", "text/tab-separated-values"),  # equal q: the client's order
        ("text/csv;q=2, application/xml", "application/xml"),  # a malformed q drops its entry
        ("*/*;q=0", None),
        ("image/png", None),
    ],
)
def test_accept_qualities_choose_the_media_type(accept: str, chosen: str | None) -> None:
    assert choose_media_type(accept, list(RESULT_TYPES)) == chosen


def _request(url: str, accept: str = "", data: bytes | None = None, kind: str = "") -> tuple[int, str, str]:
    """(status, content type, body) of one raw HTTP request, errors included."""
    headers = {"Accept": accept} if accept else {}
    if kind:
        headers["Content-Type"] = kind
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers)) as response:
            return response.status, response.headers["Content-Type"], response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode("utf-8")


def test_content_negotiation_honours_q_zero(endpoint: str) -> None:
    select = f"{endpoint}?{urlencode({'query': SYSTEMS})}"
    status, kind, body = _request(select, "application/sparql-results+json;q=0, text/csv;q=0.1, */*;q=0.05")
    assert (status, kind, body.split("\r\n")[0]) == (200, "text/csv; charset=utf-8", "id")
    status, kind, body = _request(select, "*/*;q=0")
    assert (status, kind) == (406, "text/plain; charset=utf-8")
    assert body.startswith("not acceptable:") and body.count("\n") == 1 and "text/csv" in body
    construct = 'CONSTRUCT { ?s a ?c } WHERE { ?s a ?c ; <https://w3id.org/aimsgraph/ns#id> "claimsight" }'
    graph = f"{endpoint}?{urlencode({'query': construct})}"
    status, kind, body = _request(graph, "text/turtle;q=0, application/n-triples;q=0.5")
    assert (status, kind) == (200, "application/n-triples; charset=utf-8")
    assert len(Graph().parse(data=body, format="nt")) == 1
    assert _request(graph, "application/sparql-results+json")[0] == 406  # results types do not fit a graph


@pytest.mark.parametrize("parameter", ["default-graph-uri", "named-graph-uri"])
def test_dataset_parameters_are_refused_not_ignored(endpoint: str, parameter: str) -> None:
    dataset = urlencode({parameter: "urn:aims:graph:org"})
    for status, _, body in (
        _request(f"{endpoint}?{urlencode({'query': SYSTEMS})}&{dataset}"),
        _request(endpoint, data=f"{urlencode({'query': SYSTEMS})}&{dataset}".encode(), kind=FORM),
        _request(f"{endpoint}?{dataset}", data=SYSTEMS.encode(), kind="application/sparql-query"),
    ):
        assert status == 400
        assert body.startswith(f"{parameter} is not supported") and body.count("\n") == 1
    assert _request(f"{endpoint}?{urlencode({'query': SYSTEMS})}")[0] == 200  # the same query without it answers
