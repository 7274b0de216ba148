"""Synthetic org/ fact files of a given size: what `aimsgraph load` reads, as a user would write it.

`write_org_facts(org_dir, people, seed)` writes `people` people and as many risks, with AI systems, evidence and
the SoA in proportion (one system per 10 people, one evidence entry per 5), over YAML and CSV files:
    python -m benchmarks.org_facts DIR --people 10000
`benchmarks.synthetic` writes RDF straight into a store; this one exercises the loader. Deterministic for a seed.
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

from aimsgraph.vocabulary.catalog import control_ids, leaf_clause_ids

STAGES = ("design", "development", "verification", "deployment", "operation")
TREATMENTS = ("mitigate", "accept", "avoid", "transfer")
ROLES = ("provider", "AI Developer or Producer", "AI customer", "AI partner")
KINDS = ("policy", "procedure", "record", "log", "minutes", "audit_report")


def write_org_facts(org_dir: Path, people: int, seed: int = 0) -> dict[str, int]:
    """Write org.yaml, people.yaml, systems.yaml, evidence.yaml, soa.yaml and risks.csv into `org_dir`; the counts."""
    rng = random.Random(seed)
    org_dir.mkdir(parents=True, exist_ok=True)
    counts = {"people": people, "risks": people, "ai_systems": max(1, people // 10), "evidence": max(1, people // 5)}
    controls, requirements = control_ids(), leaf_clause_ids() + control_ids()
    (org_dir / "org.yaml").write_text(
        'organization: {name: Synthetic Org, scope: "All AI systems", risk_threshold: 12}\n', encoding="utf-8"
    )
    _write(org_dir / "people.yaml", "people", [_person(i) for i in range(people)])
    systems = [_system(rng, i, people, counts["evidence"]) for i in range(counts["ai_systems"])]
    _write(org_dir / "systems.yaml", "ai_systems", systems)
    evidence = [_evidence(rng, i, people, counts["ai_systems"], requirements) for i in range(counts["evidence"])]
    _write(org_dir / "evidence.yaml", "evidence", evidence)
    _write(org_dir / "soa.yaml", "soa", [_soa(rng, c, people) for c in controls])
    _risks_csv(org_dir / "risks.csv", rng, people, counts["ai_systems"], controls)
    counts["soa"] = len(controls)
    return counts


def _write(path: Path, table: str, entries: list[str]) -> None:
    path.write_text(f"{table}:\n" + "".join(entries), encoding="utf-8")


def _person(i: int) -> str:
    return f"  - {{id: p{i}, name: Person {i}, title: Analyst {i % 40}, email: p{i}@example.org}}\n"


def _system(rng: random.Random, i: int, people: int, evidence: int) -> str:
    roles = ", ".join(f"{{role: {role}, person: p{rng.randrange(people)}}}" for role in rng.sample(ROLES, 2))
    return (
        f"  - id: s{i}\n    name: System {i}\n    description: Synthetic AI system number {i}.\n"
        f"    lifecycle_stage: {rng.choice(STAGES)}\n    intended_use: Decision support {i}\n"
        f"    owner: p{rng.randrange(people)}\n    roles: [{roles}]\n    impact_assessment: e{i % evidence}\n"
    )


def _evidence(rng: random.Random, i: int, people: int, systems: int, requirements: list[str]) -> str:
    satisfies = ", ".join(rng.sample(requirements, 3))
    return (
        f"  - {{id: e{i}, title: Evidence {i}, file: documents/e{i}.md, kind: {rng.choice(KINDS)}, "
        f"owner: p{rng.randrange(people)}, issued: 2026-0{1 + i % 9}-15, review_interval: P12M, "
        f"satisfies: [{satisfies}], systems: [s{rng.randrange(systems)}]}}\n"
    )


def _soa(rng: random.Random, control: str, people: int) -> str:
    return (
        f"  - {{control: {control}, applicable: true, status: implemented, owner: p{rng.randrange(people)}, "
        f"justification: Needed for {control}}}\n"
    )


def _risks_csv(path: Path, rng: random.Random, count: int, systems: int, controls: list[str]) -> None:
    header = ["id", "title", "system", "source", "likelihood", "impact", "owner", "treatment", "controls"]
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for i in range(count):
            writer.writerow(
                [
                    f"R-{i:05d}", f"Risk {i} of a synthetic system", f"s{rng.randrange(systems)}", "data quality",
                    rng.randint(1, 5), rng.randint(1, 5), f"p{rng.randrange(count)}", rng.choice(TREATMENTS),
                    ";".join(rng.sample(controls, 2)),
                ]
            )  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Write synthetic org/ fact files.")
    parser.add_argument("org_dir", type=Path, help="the org/ folder to write into")
    parser.add_argument("--people", type=int, default=10_000, help="people, and as many risks")
    args = parser.parse_args()
    print(write_org_facts(args.org_dir, args.people))
