"""Benchmark: time to first full render of the explorer's Overview, from Chromium's point of view.

Runs the real app (a child process on a free port, as `aimsgraph app` does) on the demo workspace and on a
synthetic organisation of about 100k triples. Per workspace and per mode (the server's warm-up on, as shipped,
and off, as a same-run baseline) it prints: process start to a ready server (listening, and with the warm-up on,
done computing the Overview's figures: when `aimsgraph app` opens the browser), the cold render (first visit,
navigating as soon as the server is ready), process start to that render,
the warm render (second visit), the light Exports page, a page switch in the sidebar (Overview -> Requirements), a
deep link opened in a new tab (`requirements?id=A.6.2.8`) and the review queue (Suggestions, all pending ones
filtered and paged). Targets: demo < 2 s, 100k < 5 s (cold); switch < 1 s; queue < 2 s; deep link <= 1.5x bare.
First it times a bare Streamlit page (a title and a line of text) the same way: the framework's own floor.

    python -m benchmarks.bench_explorer [--sizes 100000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from aimsgraph.app.launch import WARM_UP_ENV, Explorer, free_port, start_explorer
from playwright.sync_api import Browser, Page, sync_playwright

from aimsgraph.cli.demo import prepare_demo
from benchmarks.browser import CHROMIUM, CHROMIUM_FLAGS
from benchmarks.synthetic import synthetic_workspace

SHOTS = Path("test-artifacts/screenshots")
CHARTS = 3  # coverage bars, findings by severity, heatmap (app/charts.py: SVG drawn on the server)
DRAWN = "svg[role=img]"  # the Overview's charts
FIGURES = ("ready", "cold", "start to render", "warm", "exports", "page switch", "deep link", "review queue")
IDLE = "document.querySelector('[data-testid=\"stApp\"]').dataset.testScriptState === 'notRunning'"


def rendered(page: Page, url: str, charts: int) -> float:
    """Seconds from navigation until the title, `charts` drawn charts and an idle script run."""
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector("h1", state="visible")
    page.wait_for_function(
        f"() => document.querySelectorAll('{DRAWN}').length >= {charts}"
        " && document.querySelector('[data-testid=\"stApp\"]').dataset.testScriptState === 'notRunning'",
        timeout=120_000,
        polling=25,
    )
    return time.perf_counter() - start


def switched(page: Page, title: str) -> float:
    """Seconds from a click on the sidebar's link to `title` until that page's title shows and its run is idle."""
    start = time.perf_counter()
    page.locator("[data-testid='stSidebarNav'] a", has_text=title).first.click()
    page.wait_for_function(
        f"() => [...document.querySelectorAll('h1')].some(h => h.innerText.trim() === '{title}') && {IDLE}",
        timeout=120_000,
        polling=25,
    )
    return time.perf_counter() - start


def one_run(browser: Browser, workspace: Path, shot: Path | None) -> dict[str, float]:
    """One fresh server: every figure of FIGURES, in seconds."""
    began = time.perf_counter()
    explorer = start_explorer(workspace, quiet=True)
    try:
        explorer.wait_ready(120)  # as `aimsgraph app` does before it opens the browser
        ready = time.perf_counter() - began
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        cold = rendered(page, explorer.url, CHARTS)
        total = time.perf_counter() - began
        if shot is not None:
            shot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shot))
        warm = rendered(tab := browser.new_page(), explorer.url, CHARTS)
        switch = switched(tab, "Requirements")
        base = rendered(browser.new_page(), explorer.url + "exports", 0)
        deep = rendered(browser.new_page(), explorer.url + "requirements?id=A.6.2.8", 0)
        queue = rendered(browser.new_page(), explorer.url + "suggestions", 0)
    finally:
        explorer.stop()
    return dict(zip(FIGURES, (ready, cold, total, warm, base, switch, deep, queue), strict=True))


def measure(workspace: Path, runs: int, warm_up: bool, shot: Path | None = None) -> dict[str, float]:
    """Medians over `runs` fresh servers, with the server's warm-up on or off."""
    os.environ[WARM_UP_ENV] = "1" if warm_up else "0"  # the child server inherits it
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_FLAGS))
        found = [one_run(browser, workspace, shot) for _ in range(runs)]
        browser.close()
    return {name: statistics.median(f[name] for f in found) for name in FIGURES}


def bare_streamlit(folder: Path, runs: int) -> float:
    """Median first render of a page with only a title and a line of text, each in a fresh server and page."""
    script = folder / "bare.py"
    script.write_text('import streamlit as st\n\nst.title("Bare page")\nst.write("Nothing else.")\n', "utf-8")
    found = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_FLAGS))
        for _ in range(runs):
            port = free_port()
            command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port)]
            command += ["--server.address", "127.0.0.1", "--server.headless", "true"]
            command += ["--browser.gatherUsageStats", "false"]
            server = Explorer(subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), port)
            try:
                server.wait_healthy(60)
                found.append(rendered(browser.new_page(viewport={"width": 1400, "height": 1000}), server.url, 0))
            finally:
                server.stop()
        browser.close()
    return statistics.median(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="aimsgraph-bench-"))
    try:
        prepare_demo(scratch / "demo").close()
        folders = {"demo": scratch / "demo"}
        for size in args.sizes:
            folder = scratch / f"syn{size}"
            synthetic_workspace(folder, size, name="Synthetic organisation")
            folders[f"synthetic {size // 1000}k"] = folder
        print(f"load average at start: {os.getloadavg()[0]:.1f}")
        print(f"bare Streamlit page (title and one line), first render: {bare_streamlit(scratch, args.runs):.2f} s")
        print("| workspace | warm-up | " + " | ".join(f"{f} (s)" for f in FIGURES) + " | cold / exports |")
        print("|---|---|" + "---|" * (len(FIGURES) + 1))
        for name, folder in folders.items():
            for warm_up in (False, True):
                shot = SHOTS / f"bench-{name.replace(' ', '-')}.png" if warm_up else None
                f = measure(folder, args.runs, warm_up, shot)
                cells = " | ".join(f"{f[n]:.2f}" for n in FIGURES)
                mode = "on" if warm_up else "off"
                print(f"| {name} | {mode} | {cells} | {f['cold'] / f['exports']:.1f}x |", flush=True)
        print(f"load average at end: {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
