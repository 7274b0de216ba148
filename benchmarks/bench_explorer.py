"""Benchmark: time to first full render of the explorer's Overview, from Chromium's point of view.

Runs the real app (a child process on a free port) on the demo workspace and on a synthetic organisation of about
100k triples, and prints, per workspace: the cold render (first visit: the app computes coverage and findings),
the warm render (second visit, from the caches) and, as a baseline from the same run, the render of the light
Exports page. Targets: demo < 2 s, 100k < 5 s (cold).

    python -m benchmarks.bench_explorer [--sizes 100000] [--runs 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from aimsgraph.demo import prepare_demo
from aimsgraph.explorer import CHROMIUM_FLAGS, start_explorer
from aimsgraph.workspace import Workspace
from benchmarks.synthetic import write_synthetic

SHOTS = Path("test-artifacts/screenshots")
CHARTS = 3  # coverage bars, findings by severity, heatmap


def synthetic_workspace(folder: Path, triples: int) -> Path:
    """An empty workspace whose store also holds a synthetic organisation of about `triples` triples."""
    workspace = Workspace.init(folder, "Synthetic organisation")
    data = folder / "synthetic.nq"
    write_synthetic(data, triples)
    workspace.store.bulk_load(None, data)
    workspace.close()
    data.unlink()
    return folder


def rendered(page: Page, url: str, charts: int) -> float:
    """Seconds from navigation until the title, `charts` drawn charts and an idle script run."""
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector("h1", state="visible")
    page.wait_for_function(
        f"() => document.querySelectorAll('.vega-embed canvas, .vega-embed svg').length >= {charts}"
        " && document.querySelector('[data-testid=\"stApp\"]').dataset.testScriptState === 'notRunning'",
        timeout=120_000,
        polling=25,
    )
    return time.perf_counter() - start


def measure(workspace: Path, runs: int, shot: Path | None = None) -> dict[str, float]:
    """Cold and warm Overview renders and the Exports baseline, each the median over `runs` fresh servers."""
    cold, warm, base = [], [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=list(CHROMIUM_FLAGS))
        for _ in range(runs):
            explorer = start_explorer(workspace, quiet=True)
            try:
                explorer.wait_healthy(120)
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                cold.append(rendered(page, explorer.url, CHARTS))
                if shot is not None:
                    shot.parent.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(shot))
                warm.append(rendered(browser.new_page(), explorer.url, CHARTS))
                base.append(rendered(browser.new_page(), explorer.url + "exports", 0))
            finally:
                explorer.stop()
        browser.close()
    return {"cold": statistics.median(cold), "warm": statistics.median(warm), "baseline": statistics.median(base)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="aimsgraph-bench-"))
    try:
        targets = {"demo": prepare_demo(scratch / "demo")}
        targets["demo"].close()
        folders = {"demo": scratch / "demo"}
        for size in args.sizes:
            folders[f"synthetic {size // 1000}k"] = synthetic_workspace(scratch / f"syn{size}", size)
        print("| workspace | Overview cold (s) | Overview warm (s) | Exports page, baseline (s) | cold / baseline |")
        print("|---|---|---|---|---|")
        for name, folder in folders.items():
            f = measure(folder, args.runs, SHOTS / f"bench-{name.replace(' ', '-')}.png")
            print(
                f"| {name} | {f['cold']:.2f} | {f['warm']:.2f} | {f['baseline']:.2f} | "
                f"{f['cold'] / f['baseline']:.1f}x |",
                flush=True,
            )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
