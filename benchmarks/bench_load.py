"""Time `load` on generated organisations of growing size: is it linear, and what does a reload cost?

    python -m benchmarks.bench_load [--sizes 1000,5000,10000]

Per size (people, and as many risks; systems, evidence and SoA in proportion, `benchmarks.org_facts`): building
the org graph alone, the first load into a new on-disk workspace, a second load with nothing changed, and a load
after one risk's title changed; the time ratio per size step against the size ratio (linear: equal), and how many
org graphs each load built.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aimsgraph import facts
from aimsgraph.workspace import Workspace
from benchmarks.org_facts import write_org_facts


def _timed(work: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def _builds() -> int:
    counter = getattr(facts, "org_graph_builds", None)  # absent before the counter existed (a baseline run)
    return counter() if counter else -1


def measure(people: int) -> dict[str, float]:
    """One size: build alone, first load, unchanged reload, one-change reload (seconds), triples and builds."""
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Workspace.init(Path(tmp) / "ws")
        write_org_facts(workspace.org_dir, people)
        files = facts.org_files([workspace.org_dir])
        build_once = getattr(facts, "build_org_triples", facts.build_org_graph)  # what this version's load builds
        build, _ = _timed(lambda: build_once(files, workspace.root))
        before = _builds()
        first, triples = _timed(workspace.load)
        builds = _builds() - before
        again, _ = _timed(workspace.load)
        risks = workspace.org_dir / "risks.csv"
        risks.write_text(risks.read_text(encoding="utf-8").replace("Risk 7 of", "Risk seven of", 1), encoding="utf-8")
        changed, _ = _timed(workspace.load)
        assert workspace.last_change is not None and workspace.last_change.added == 1
        workspace.close()
    return {"triples": triples, "build": build, "first": first, "again": again, "changed": changed, "builds": builds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,5000,10000", help="people (and as many risks) per size")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"load average at start: {os.getloadavg()[0]:.1f}\n")
    print("| people + risks | triples | build alone | first load | per 1k triples | time ratio / size ratio |", end="")
    print(" second load, unchanged | one risk changed | builds per load |")
    print("|---|---|---|---|---|---|---|---|---|")
    previous: tuple[int, float] | None = None
    for people in sizes:
        row = measure(people)
        step = "" if previous is None else f"{row['first'] / previous[1]:.2f} / {people / previous[0]:.2f}"
        print(
            f"| {people:,} + {people:,} | {row['triples']:,} | {row['build']:.2f} s | {row['first']:.2f} s | "
            f"{1000 * row['first'] / row['triples']:.3f} s | {step} | {row['again']:.2f} s "
            f"({100 * row['again'] / row['first']:.0f}%) | {row['changed']:.2f} s | {row['builds']:g} |",
            flush=True,
        )
        previous = (people, row["first"])
    print(f"\nload average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
