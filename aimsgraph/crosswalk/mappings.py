"""Mappings from another framework's controls to ISO/IEC 42001 requirements, in and out in the standard forms.

In: SSSOM TSV (through the `sssom` package) or a set-theory relationship CSV (`source_id,requirement,relation`,
as SCF publishes), translated to SKOS mapping predicates by RELATIONS. Out: SSSOM TSV. Stored in the `mappings`
graph as aims:Mapping nodes with their provenance (who, when, how), like evidence links.
"""

from __future__ import annotations

import csv
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import PROV, SKOS, XSD

from aimsgraph.errors import InputError
from aimsgraph.store import Store
from aimsgraph.vocabulary.catalog import requirements_by_id
from aimsgraph.vocabulary.namespaces import (
    AIMS,
    GraphName,
    control_iri,
    framework_iri,
    mapping_iri,
    org_iri,
    requirement_id,
    requirement_iri,
)

SEMAPV = "https://w3id.org/semapv/vocab/"
PREDICATES = {f"skos:{name}": SKOS[name] for name in ("exactMatch", "broadMatch", "narrowMatch", "relatedMatch")}
COVERING = frozenset({"skos:exactMatch", "skos:broadMatch"})  # the requirement says as much as the control, or more
# SCF's set-theory relationships (control -> requirement) as SKOS: subset means the requirement is broader.
RELATIONS = {
    "equal": "skos:exactMatch",
    "subset": "skos:broadMatch",
    "superset": "skos:narrowMatch",
    "intersect": "skos:relatedMatch",
}
JUSTIFICATIONS = {
    "ManualMappingCuration",
    "LexicalMatching",
    "SemanticSimilarityThresholdMatching",
    "MappingReview",
    "UnspecifiedMatching",
    "CompositeMatching",
    "MappingChaining",
}
STORED = """
SELECT ?control ?r ?relation ?justification ?status ?score ?rank ?agent ?time WHERE {
  GRAPH <urn:aims:graph:mappings> {
    ?m a aims:Mapping ; aims:fromControl ?c ; aims:mapsTo ?r ; aims:relation ?relation ; aims:mappingStatus ?status ;
       aims:mappingJustification ?justification ; prov:wasGeneratedBy ?act .
    ?act prov:wasAssociatedWith ?agent ; prov:endedAtTime ?time .
    OPTIONAL { ?m aims:mappingScore ?score } OPTIONAL { ?m aims:mappingRank ?rank } }
  GRAPH <urn:aims:graph:frameworks> { ?c skos:inScheme ?scheme ; skos:notation ?control } }
ORDER BY ?control ?rank ?r
"""


@dataclass(frozen=True)
class Mapping:
    """A control of `framework` mapped to a 42001 requirement by a SKOS predicate (CURIE, 'skos:exactMatch')."""

    framework: str
    control: str
    requirement: str
    predicate: str
    justification: str = "ManualMappingCuration"  # a SEMAPV term
    status: str = "accepted"  # accepted | suggested | rejected
    score: float | None = None
    rank: int | None = None
    agent: str = ""
    time: str = ""

    @property
    def covering(self) -> bool:
        return self.predicate in COVERING


def read_set_theory(path: Path, framework: str, controls: set[str]) -> list[Mapping]:
    """Mappings from a CSV `source_id,requirement,relation` (relation: equal, subset, superset, intersect)."""
    out: list[Mapping] = []
    with path.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.reader(stream)
        header = next(reader, [])
        if len(header) < 3:
            raise InputError("expected the columns source_id,requirement,relation", source=str(path), line=1)
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            line = reader.line_num
            control, requirement, relation = (cell.strip() for cell in row[:3])
            if relation.lower() not in RELATIONS:
                raise InputError(
                    f"unknown relation '{relation}' (one of {', '.join(RELATIONS)})",
                    source=str(path),
                    line=line,
                    field=header[2],
                )
            out.append(
                _checked(
                    Mapping(framework, control, requirement, RELATIONS[relation.lower()]),
                    controls,
                    str(path),
                    line,
                    header[:2],
                )
            )
    return out


def read_sssom(path: Path, framework: str, controls: set[str]) -> list[Mapping]:
    """Mappings from an SSSOM TSV whose subjects are `framework`'s controls (as CURIEs PREFIX:ID or bare ids)."""
    msdf = _sssom().parsers.parse_sssom_table(path)
    frame = msdf.df
    for column in ("subject_id", "predicate_id", "object_id"):
        if column not in frame.columns:
            raise InputError("missing column", source=str(path), field=column)
    lines = _row_lines(path)
    out: list[Mapping] = []
    for row in frame.to_dict("records"):
        subject, predicate, obj = (str(row[c]) for c in ("subject_id", "predicate_id", "object_id"))
        line = lines.get((subject, predicate, obj), 0) or None
        if predicate not in PREDICATES:
            raise InputError(
                f"unknown predicate '{predicate}' (one of {', '.join(PREDICATES)})",
                source=str(path),
                line=line,
                field="predicate_id",
            )
        justification = str(row.get("mapping_justification") or "semapv:UnspecifiedMatching").split(":")[-1]
        mapping = Mapping(framework, _local(subject), _local(obj), predicate, justification)
        out.append(_checked(mapping, controls, str(path), line or 0, ["subject_id", "object_id"]))
    return out


def _sssom() -> Any:  # the sssom package is an optional extra (typed Any: it ships no type hints)
    try:
        import sssom.parsers
        import sssom.writers
    except ImportError:
        raise InputError("SSSOM needs the 'sssom' package: pip install 'aimsgraph[crosswalk]'") from None
    return sssom


def _row_lines(path: Path) -> dict[tuple[str, str, str], int]:
    """The file line of each (subject, predicate, object) row (the parser may reorder rows)."""
    found: dict[tuple[str, str, str], int] = {}
    header: list[str] = []
    with path.open(encoding="utf-8") as stream:
        for number, text in enumerate(stream, start=1):
            if text.startswith("#") or not text.strip():
                continue
            cells = text.rstrip("\n").split("\t")
            if not header:
                header = cells
                continue
            row = dict(zip(header, cells, strict=False))
            key = (row.get("subject_id", ""), row.get("predicate_id", ""), row.get("object_id", ""))
            found.setdefault(key, number)
    return found


def _local(curie: str) -> str:
    """The id part of a CURIE ('SCF:AAT-07.3' -> 'AAT-07.3', 'ISO42001:A.2.2' -> 'A.2.2')."""
    return curie.split(":", 1)[1] if ":" in curie and not curie.startswith("http") else curie.rsplit("/", 1)[-1]


def _checked(mapping: Mapping, controls: set[str], source: str, line: int, fields: list[str]) -> Mapping:
    if mapping.control not in controls:
        raise InputError(
            f"control '{mapping.control}' is not in framework '{mapping.framework}'",
            source=source,
            line=line,
            field=fields[0],
        )
    if mapping.requirement not in requirements_by_id():
        raise InputError(
            f"'{mapping.requirement}' is not an ISO/IEC 42001 requirement id ('aimsgraph catalog')",
            source=source,
            line=line,
            field=fields[1],
        )
    return mapping


def mapping_graph(mappings: list[Mapping], activity: URIRef, agent: str, how: str, when: datetime) -> Graph:
    """The aimsgraph:Mapping nodes of `mappings`, each generated by `activity` (an import, run or review)."""
    graph = Graph()
    graph.add((activity, RDF.type, AIMS.MappingActivity))
    graph.add((activity, RDF.type, PROV.Activity))
    graph.add((activity, AIMS.id, Literal(how)))
    graph.add((activity, PROV.wasAssociatedWith, org_iri("person", agent)))
    graph.add((activity, PROV.endedAtTime, Literal(when.isoformat(timespec="seconds"), datatype=XSD.dateTime)))
    for m in mappings:
        node = mapping_iri(m.framework, m.control, m.requirement)
        graph.add((node, RDF.type, AIMS.Mapping))
        graph.add((node, AIMS.fromControl, control_iri(m.framework, m.control)))
        graph.add((node, AIMS.mapsTo, requirement_iri(m.requirement)))
        graph.add((node, AIMS.relation, PREDICATES[m.predicate]))
        graph.add((node, AIMS.mappingJustification, URIRef(SEMAPV + m.justification)))
        graph.add(
            (
                node,
                AIMS.mappingStatus,
                {"accepted": AIMS.Accepted, "suggested": AIMS.Suggested, "rejected": AIMS.Rejected}[m.status],
            )
        )
        graph.add((node, PROV.wasGeneratedBy, activity))
        if m.score is not None:
            graph.add((node, AIMS.mappingScore, Literal(m.score, datatype=XSD.decimal)))
        if m.rank is not None:
            graph.add((node, AIMS.mappingRank, Literal(m.rank)))
    return graph


def store_mappings(store: Store, mappings: list[Mapping], agent: str, how: str, replace: bool = False) -> int:
    """Write `mappings` (each replacing an earlier mapping of the same pair) with one activity, in one transaction.

    `replace`: drop every earlier mapping of the frameworks involved first (an import replaces a mapping set whole).
    """
    when = datetime.now(UTC)
    activity = URIRef(f"urn:aims:mapping-activity:{how}:{when.strftime('%Y%m%dT%H%M%S%f')}")
    nodes = {mapping_iri(m.framework, m.control, m.requirement) for m in mappings}
    if replace:
        nodes |= {
            mapping_iri(m.framework, m.control, m.requirement)
            for f in {m.framework for m in mappings}
            for m in stored_mappings(store, f, statuses=None)
        }
    graph_iri = GraphName.MAPPINGS.iri
    drop = "".join(f"DELETE WHERE {{ GRAPH <{graph_iri}> {{ <{n}> ?p ?o }} }} ;\n" for n in sorted(nodes))
    body = mapping_graph(mappings, activity, agent, how, when).serialize(format="nt")
    store.update(drop + f"INSERT DATA {{ GRAPH <{graph_iri}> {{\n{body}\n}} }}", graphs=(GraphName.MAPPINGS,))
    return len(mappings)


def stored_mappings(store: Store, framework: str, statuses: Collection[str] | None = ("accepted",)) -> list[Mapping]:
    """The stored mappings of `framework` with the given statuses (None: all)."""
    names = {str(AIMS.Accepted): "accepted", str(AIMS.Suggested): "suggested", str(AIMS.Rejected): "rejected"}
    by_predicate = {str(iri): curie for curie, iri in PREDICATES.items()}
    out = []
    for control, req, relation, justification, status, score, rank, agent, time in store.values(
        STORED, {"scheme": framework_iri(framework)}
    ):
        name = names.get(str(status), "")
        if statuses is None or name in statuses:
            out.append(
                Mapping(
                    framework,
                    str(control),
                    requirement_id(str(req)),
                    by_predicate[str(relation)],
                    str(justification).rsplit("/", 1)[-1],
                    name,
                    float(score) if score else None,
                    int(rank) if rank else None,
                    str(agent).rsplit(":", 1)[-1],
                    str(time),
                )
            )
    return out


def write_sssom(mappings: list[Mapping], framework: str, path_or_stream: object) -> None:
    """Write `mappings` as an SSSOM TSV with its metadata block (subjects `framework:`, objects `ISO42001:`)."""
    import pandas as pd
    from curies import Converter

    sssom = _sssom()
    prefixes = {
        framework: str(framework_iri(framework)) + "/",
        "ISO42001": str(requirement_iri("")),
        "skos": str(SKOS),
        "semapv": SEMAPV,
    }
    frame = pd.DataFrame(
        [
            {
                "subject_id": f"{framework}:{m.control}",
                "predicate_id": m.predicate,
                "object_id": f"ISO42001:{m.requirement}",
                "mapping_justification": f"semapv:{m.justification}",
            }
            for m in mappings
        ],
        columns=["subject_id", "predicate_id", "object_id", "mapping_justification"],
    )
    metadata = {
        "mapping_set_id": f"{framework_iri(framework)}/mappings",
        "license": "https://w3id.org/sssom/license/unspecified",
        "subject_source": str(framework_iri(framework)),
        "object_source": "https://www.iso.org/standard/81230.html",
    }
    msdf = sssom.util.MappingSetDataFrame.with_converter(Converter.from_prefix_map(prefixes), frame, metadata)
    sssom.writers.write_table(msdf, path_or_stream)
