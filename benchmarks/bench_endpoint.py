"""Query latency through `aimsgraph serve` (each query in a child process) against the same query in-process.

    python -m benchmarks.bench_endpoint --triples 100000 --repeat 15

Per workspace (the demo, and a synthetic organisation of about --triples triples on disk) and per query, it prints
the median in-process time (`run_query` in a thread, no HTTP: the same-run baseline), the endpoint's first answer
(which starts the fork server) and its median afterwards, over HTTP from this process. The endpoint runs as the
installed console script, as a user starts it.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from functools import partial
from pathlib import Path

from aimsgraph.query.sparql import load_query, run_query
from aimsgraph.workspace import Workspace
from benchmarks.synthetic import synthetic_workspace

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo-org"
QUERIES = {
    "AI systems (a few rows)": "SELECT ?s ?id WHERE { ?s a <https://w3id.org/aimsgraph/ns#AISystem> ; "
    "<https://w3id.org/aimsgraph/ns#id> ?id }",
    "coverage-by-requirement (the view)": load_query("coverage-by-requirement").text,
}


def _median_ms(call: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def in_process(folder: Path, repeat: int) -> dict[str, float]:
    """Median ms per query run in a thread of this process (the CLI's path), store already open."""
    workspace = Workspace.open(folder)
    workspace.sync()
    try:
        return {name: _median_ms(partial(run_query, workspace.store, text), repeat) for name, text in QUERIES.items()}
    finally:
        workspace.close()


def _ask(url: str, text: str) -> None:
    request = urllib.request.Request(
        f"{url}?{urllib.parse.urlencode({'query': text})}", headers={"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(request, timeout=120) as answer:
        json.load(answer)


def through_endpoint(folder: Path, repeat: int) -> dict[str, tuple[float, float]]:
    """Per query: ms of the first answer and median ms afterwards, from a freshly started `aimsgraph serve`."""
    command = [str(Path(sys.executable).with_name("aimsgraph")), "-w", str(folder), "serve", "--port", "0"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert server.stdout is not None
        found = re.search(r"http://\S+/sparql", server.stdout.readline())
        if not found:
            raise SystemExit(f"{folder}: the endpoint did not start")
        figures = {}
        for name, text in QUERIES.items():
            ask = partial(_ask, found.group(0), text)
            figures[name] = (_median_ms(ask, 1), _median_ms(ask, repeat))
        return figures
    finally:
        server.terminate()
        server.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=100_000, help="synthetic organisation size (0: demo only)")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folders = {"demo": shutil.copytree(DEMO, Path(tmp) / "demo")}
        if args.triples:
            folder = Path(tmp) / "synthetic"
            synthetic_workspace(folder, args.triples)
            folders[f"synthetic {args.triples // 1000}k"] = folder
        print("| workspace | query | in-process median ms | endpoint first ms | endpoint median ms | ratio |")
        print("|---|---|---|---|---|---|")
        for label, folder in folders.items():
            here = in_process(folder, args.repeat)
            served = through_endpoint(folder, args.repeat)
            for name in QUERIES:
                first, median = served[name]
                row = f"{here[name]:.1f} | {first:.0f} | {median:.1f} | {median / here[name]:.1f}"
                print(f"| {label} | {name} | {row} |", flush=True)


if __name__ == "__main__":
    main()
