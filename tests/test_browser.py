"""The explorer in a real browser: Debian's chromium driven by Playwright, app started on a free port."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from aimsgraph.explorer import Explorer, start_explorer

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = os.environ.get("AIMSGRAPH_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
SHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"
PAGES = ["", "requirements", "systems", "gaps", "suggestions", "documents", "graph", "sparql", "exports"]

if not shutil.which(CHROMIUM):
    pytest.skip(f"no chromium at {CHROMIUM}", allow_module_level=True)


@pytest.fixture
def explorer(demo_dir: Path) -> Iterator[Explorer]:
    running = start_explorer(demo_dir, quiet=True)
    try:
        running.wait_healthy(90)
        yield running
    finally:
        running.stop()


@pytest.fixture
def page(explorer: Explorer) -> Iterator[sync_api.Page]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        tab = browser.new_page(viewport={"width": 1400, "height": 2400}, accept_downloads=True)
        tab.set_default_timeout(60_000)
        yield tab
        browser.close()


def settle(page: sync_api.Page) -> None:
    """Wait until Streamlit has finished the script run and drawn the page title."""
    page.wait_for_selector("h1", state="visible")
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"] svg')", timeout=60_000)
    page.wait_for_timeout(600)  # charts draw a moment after the run ends


def open_page(page: sync_api.Page, base: str, name: str) -> None:
    page.goto(base + name)
    settle(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name or 'overview'}.png"), full_page=True)
    assert page.locator("[data-testid='stException']").count() == 0, name


def test_every_page_in_chromium(explorer: Explorer, page: sync_api.Page) -> None:
    for name in PAGES:
        open_page(page, explorer.url, name)
