"""Synthetic organisations for benchmarks: N AI systems, risks, documents, passages and links, by target size.

`write_synthetic(path, target_triples, seed)` writes N-Quads into the org, documents and reviews graphs, following
docs/model.md; `synthetic_store(target_triples)` returns an in-memory Store with the catalog and that data;
`synthetic_workspace(root, target_triples)` makes a workspace whose on-disk store holds it (the CLI's view):
    python -m benchmarks.synthetic DIR [--size 1000000]
Deterministic for a seed. Gaps appear at realistic rates (a few percent of each kind), so validation has work to do.
"""

from __future__ import annotations

import argparse
import random
import tempfile
from datetime import date, timedelta
from pathlib import Path

from aimsgraph.store import Store
from aimsgraph.vocabulary.catalog import catalog_graph, control_ids, leaf_clause_ids
from aimsgraph.vocabulary.namespaces import AIMS, ISO, ROLE, GraphName

A = str(AIMS._NS)
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
TITLE = "<http://purl.org/dc/terms/title>"
ISSUED = "<http://purl.org/dc/terms/issued>"
XSD = "http://www.w3.org/2001/XMLSchema#"
DESIGN_KINDS = ["policy", "procedure", "plan", "guideline"]
OPERATING_KINDS = ["record", "log", "minutes", "report", "audit_report", "monitoring_report"]
TRIPLES_PER_SYSTEM = 1010  # measured average of what one system unit below writes
BASE_TRIPLES = 8000  # organisation, SoA and org-wide documents
BASE = date(2025, 6, 1)


class _Writer:
    """Collects N-Quads lines for the three graphs."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.graph = GraphName.ORG.iri

    def use(self, name: GraphName) -> None:
        self.graph = name.iri

    def add(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"{s} {p} {o} <{self.graph}> .\n")

    def lit(self, s: str, p: str, value: object, dtype: str = "") -> None:
        text = str(value).replace("\\", "\\\\").replace('"', '\\"')
        self.add(s, p, f'"{text}"' + (f"^^<{XSD}{dtype}>" if dtype else ""))


def _a(term: str) -> str:
    return f"<{A}{term}>"


def _node(kind: str, ident: str) -> str:
    return f"<urn:aims:{kind}:{ident}>"


def _typed(w: _Writer, kind: str, ident: str, cls: str) -> str:
    node = _node(kind, ident)
    w.add(node, RDF_TYPE, _a(cls))
    w.lit(node, _a("id"), ident)
    return node


def _organization(w: _Writer, people: int) -> None:
    org = _typed(w, "org", "synthetic", "Organization")
    w.lit(org, LABEL, "Synthetic Org")
    w.lit(org, _a("riskThreshold"), 12, "integer")
    for i in range(people):
        person = _typed(w, "person", f"p{i}", "Person")
        w.lit(person, LABEL, f"Person {i}")


def _soa(w: _Writer, rng: random.Random, controls: list[str]) -> dict[str, bool]:
    applicable: dict[str, bool] = {}
    for control in controls:
        if rng.random() < 0.03:  # a missing SoA row
            continue
        row = _typed(w, "soa", control, "ApplicabilityDecision")
        applicable[control] = rng.random() > 0.08
        w.add(row, _a("control"), f"<{ISO[control]}>")
        w.lit(row, _a("applicable"), str(applicable[control]).lower(), "boolean")
        if rng.random() > 0.05:
            w.add(row, _a("owner"), _node("person", f"p{rng.randrange(20)}"))
        if not applicable[control] and rng.random() > 0.3:
            w.lit(row, _a("justification"), "Not relevant to our systems.")
    return applicable


def _system(w: _Writer, rng: random.Random, ident: str, people: int) -> str:
    node = _typed(w, "system", ident, "AISystem")
    w.lit(node, LABEL, f"System {ident}")
    if rng.random() > 0.03:
        w.add(node, _a("owner"), _node("person", f"p{rng.randrange(people)}"))
    if rng.random() > 0.03:
        w.lit(node, _a("intendedUse"), f"Support task {ident}.")
    w.add(node, _a("lifecycleStage"), _a(rng.choice(["StageOperation"] * 4 + ["StageDevelopment"])))
    roles = rng.choice([["producer", "provider"], ["customer"], ["customer", "provider"]])
    if "customer" in roles:
        w.lit(node, _a("supplier"), "Vendor Ltd")
    for role in roles:
        assignment = _typed(w, "role-assignment", f"{ident}.{role}", "RoleAssignment")
        w.add(node, _a("hasRole"), f"<{ROLE[role]}>")
        w.add(node, _a("hasRoleAssignment"), assignment)
        w.add(assignment, _a("system"), node)
        w.add(assignment, _a("role"), f"<{ROLE[role]}>")
        if rng.random() > 0.05:
            w.add(assignment, _a("accountablePerson"), _node("person", f"p{rng.randrange(people)}"))
    return node


def _risks(w: _Writer, rng: random.Random, system: str, ident: str, controls: list[str]) -> int:
    count = rng.randint(3, 7)
    for i in range(count):
        rid = f"R-{ident}-{i}"
        node = _typed(w, "risk", rid, "Risk")
        w.lit(node, LABEL, f"Risk {i} of {ident}")
        w.add(node, _a("system"), system)
        if rng.random() > 0.04:
            w.add(node, _a("owner"), _node("person", f"p{rng.randrange(20)}"))
        likelihood, impact = rng.randint(1, 5), rng.randint(1, 5)
        w.lit(node, _a("likelihood"), likelihood, "integer")
        w.lit(node, _a("impact"), impact, "integer")
        w.lit(node, _a("riskScore"), likelihood * impact, "integer")
        option = rng.choice(["Mitigate"] * 6 + ["Accept", "Avoid", "Transfer"])
        treatment = _typed(w, "treatment", rid, "RiskTreatment")
        w.add(node, _a("treatment"), treatment)
        w.add(treatment, _a("treatmentOption"), _a(option))
        if option == "Mitigate" and rng.random() > 0.05:
            for control in rng.sample(controls, 2):
                w.add(treatment, _a("control"), f"<{ISO[control]}>")
        if option == "Accept" and rng.random() > 0.3:
            w.add(node, _a("acceptedBy"), _node("person", f"p{rng.randrange(20)}"))
    return count


def _document(w: _Writer, rng: random.Random, ident: str, systems: list[str], requirements: list[str]) -> int:
    """One registered document with its links and passages; returns the number of links."""
    w.use(GraphName.ORG)
    design = rng.random() < 0.45
    node = _typed(w, "evidence", ident, "Document")
    w.add(node, RDF_TYPE, _a("DesignEvidence" if design else "OperatingEvidence"))
    w.lit(node, TITLE, f"Document {ident}")
    w.lit(node, _a("file"), f"documents/{ident}.md")
    w.lit(node, _a("evidenceKind"), rng.choice(DESIGN_KINDS if design else OPERATING_KINDS))
    if rng.random() > 0.02:
        w.add(node, _a("owner"), _node("person", f"p{rng.randrange(20)}"))
    issued = BASE + timedelta(days=rng.randrange(540))
    stale = rng.random() < 0.04
    if stale:
        issued = BASE - timedelta(days=rng.randrange(200))
    w.lit(node, ISSUED, issued.isoformat(), "date")
    w.lit(node, _a("reviewInterval"), "P1Y", "duration")
    w.lit(node, _a("reviewDue"), (issued + timedelta(days=365)).isoformat(), "date")
    for system in systems:
        w.add(node, _a("appliesTo"), system)
    links = rng.sample(requirements, min(len(requirements), rng.randint(2, 5)))
    for requirement in links:
        link = _typed(w, "link", f"{ident}.{requirement}", "EvidenceLink")
        w.add(link, _a("evidence"), node)
        w.add(link, _a("requirement"), f"<{ISO[requirement]}>")
        w.add(link, _a("status"), _a("Accepted"))
        w.add(link, _a("method"), _a("Manual"))
        for system in systems:
            w.add(link, _a("forSystem"), system)
    _passages(w, rng, ident, node)
    return len(links)


def _passages(w: _Writer, rng: random.Random, ident: str, document: str) -> None:
    w.use(GraphName.DOCUMENTS)
    version = f"<urn:aims:version:{ident}.1>"
    w.add(version, RDF_TYPE, _a("DocumentVersion"))
    w.add(version, _a("versionOf"), document)
    w.lit(version, _a("sha256"), f"{rng.getrandbits(256):064x}")
    for i in range(rng.randint(6, 12)):
        passage = f"<urn:aims:passage:{ident}.{i}>"
        w.add(passage, RDF_TYPE, _a("Passage"))
        w.add(passage, _a("inVersion"), version)
        w.lit(passage, _a("text"), f"Passage {i} of {ident}: the team records and reviews the AI system.")
        w.lit(passage, _a("page"), i // 3 + 1, "integer")
        w.lit(passage, _a("startOffset"), i * 400, "integer")
    w.use(GraphName.ORG)


def _reviewed(w: _Writer, rng: random.Random, ident: str, document: str, system: str, reqs: list[str]) -> None:
    w.use(GraphName.REVIEWS)
    for i, requirement in enumerate(rng.sample(reqs, 2)):
        link = f"<urn:aims:review:{ident}.{i}>"
        w.add(link, RDF_TYPE, _a("EvidenceLink"))
        w.lit(link, _a("id"), f"{ident}.{i}")
        w.add(link, _a("status"), _a(rng.choice(["Accepted"] * 6 + ["Rejected", "Superseded"])))
        w.add(link, _a("method"), _a("Reviewed"))
        w.add(link, _a("evidence"), f"<urn:aims:evidence:{document}>")
        w.add(link, _a("requirement"), f"<{ISO[requirement]}>")
        w.add(link, _a("forSystem"), system)
        w.add(link, _a("reviewer"), _node("person", "p1"))
        day = BASE + timedelta(days=rng.randrange(540))
        w.lit(link, _a("decidedAt"), f"{day.isoformat()}T10:00:00", "dateTime")
    w.use(GraphName.ORG)


def _generate(target_triples: int, seed: int) -> tuple[_Writer, dict[str, int]]:
    rng = random.Random(seed)
    w = _Writer()
    clauses, controls = leaf_clause_ids(), control_ids()
    counts = {
        "systems": max(1, round((target_triples - BASE_TRIPLES) / TRIPLES_PER_SYSTEM)),
        "risks": 0,
        "documents": 0,
        "links": 0,
    }
    _organization(w, 20)
    _soa(w, rng, controls)
    for i, requirement in enumerate(clauses + controls):  # org-wide documents: most requirements covered
        if rng.random() > 0.04:
            counts["links"] += _document(w, rng, f"org-{i}", [], [requirement])
            counts["documents"] += 1
    for n in range(counts["systems"]):
        ident = f"s{n}"
        system = _system(w, rng, ident, 20)
        counts["risks"] += _risks(w, rng, system, ident, controls)
        for d in range(12):
            counts["links"] += _document(w, rng, f"{ident}-d{d}", [system], clauses + controls)
            counts["documents"] += 1
        _reviewed(w, rng, f"{ident}-r", f"{ident}-d0", system, controls)
    counts["triples"] = len(w.lines)
    return w, counts


def write_synthetic(path: Path, target_triples: int, seed: int = 0) -> dict[str, int]:
    """Write an org-shaped dataset of about `target_triples` quads to `path` (N-Quads); returns the counts."""
    writer, counts = _generate(target_triples, seed)
    path.write_text("".join(writer.lines), encoding="utf-8")
    return counts


def synthetic_store(target_triples: int, seed: int = 0) -> Store:
    """An in-memory Store holding the catalog and a synthetic organisation of about `target_triples` triples."""
    store = Store.in_memory()
    store.replace_graph(GraphName.CATALOG, catalog_graph())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "synthetic.nq"
        write_synthetic(path, target_triples, seed)
        store.bulk_load(None, path)
    return store


def synthetic_workspace(root: Path, target_triples: int, seed: int = 0, name: str | None = None) -> dict[str, int]:
    """A new workspace at `root` whose on-disk store holds the catalog and a synthetic organisation.

    Its org/ folder stays empty and the store is not reloaded from it; the documents' files do not exist, so
    `evidence-file` reports each one, as it would for a register whose files were never copied in.
    """
    from aimsgraph.workspace import Workspace

    workspace = Workspace.init(root, name)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "synthetic.nq"
            counts = write_synthetic(path, target_triples, seed)
            workspace.store.bulk_load(None, path)
    finally:
        workspace.close()
    return counts


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Make a workspace holding a synthetic organisation.")
    parser.add_argument("root", type=Path, help="the new workspace folder")
    parser.add_argument("--size", type=int, default=1_000_000, help="target number of triples")
    args = parser.parse_args()
    print(synthetic_workspace(args.root, args.size))
