"""Query latency through `aimsgraph serve` (each query in a child process) against the same query in-process,
and the endpoint's normal latency under a hostile mix of clients.

    python -m benchmarks.bench_endpoint --triples 100000 --repeat 15 --normal 200

Per workspace (the demo, and a synthetic organisation of about --triples triples on disk) and per query, it prints
the median in-process time (`run_query` in a thread, no HTTP: the same-run baseline), the endpoint's first answer
(which starts the fork server) and its median afterwards, over HTTP from this process. The endpoint runs as the
installed console script, as a user starts it.

Then, on the demo, --normal small queries one after another, quiet and again beside the hostile mix (hostile.py:
slow clients holding sockets, oversized, malformed and foreign-Host requests), with p50/p95 of each and the ratio.
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
from benchmarks.hostile import Hostile
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


def _percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return 1000 * statistics.median(ordered), 1000 * ordered[max(int(0.95 * len(ordered)) - 1, 0)]


def under_attack(folder: Path, normal: int, slow_clients: int, rate: float) -> None:
    """p50/p95 of `normal` small queries quiet, then beside the hostile mix, from one `aimsgraph serve`."""
    command = [str(Path(sys.executable).with_name("aimsgraph")), "-w", str(folder), "serve", "--port", "0"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        found = re.search(r"http://\S+:(\d+)/sparql", server.stdout.readline())
        if not found:
            raise SystemExit(f"{folder}: the endpoint did not start")
        url, port = found.group(0), int(found.group(1))
        ask = partial(_ask, url, QUERIES["AI systems (a few rows)"])
        ask()  # the first answer starts the fork server
        quiet = [_median_ms(ask, 1) / 1000 for _ in range(normal)]
        with Hostile(port, slow_clients, rate) as mix:
            loud = [_median_ms(ask, 1) / 1000 for _ in range(normal)]
        print("| phase | normal queries | p50 ms | p95 ms | hostile requests answered | slow sockets held |")
        print("|---|---|---|---|---|---|")
        for label, times, sent, held in (("quiet", quiet, 0, 0), ("hostile mix", loud, mix.answered, mix.held)):
            p50, p95 = _percentiles(times)
            print(f"| {label} | {len(times)} | {p50:.1f} | {p95:.1f} | {sent} | {held} |")
        ratio = _percentiles(loud)[1] / _percentiles(quiet)[1]
        print(f"\np95 under the hostile mix / quiet p95: {ratio:.2f} (target <= 2)")
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=60)
        if "Traceback" in errors:
            print(f"the server printed a traceback:\n{errors}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=100_000, help="synthetic organisation size (0: demo only)")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--normal", type=int, default=200, help="normal queries per phase of the hostile run")
    parser.add_argument("--slow-clients", type=int, default=40, help="sockets held by clients sending slowly")
    parser.add_argument("--rate", type=float, default=50, help="oversized/malformed requests per second")
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
        print()
        under_attack(folders["demo"], args.normal, args.slow_clients, args.rate)


if __name__ == "__main__":
    main()
